//! Listing users. Every listing method is one query shape: a scope, contains-match
//! filters, a sort key with a direction, and a page, all done in SQL (LIMIT/OFFSET,
//! COUNT) so no listing loads more users than it returns. Ties are broken by id in
//! the same direction, so the order is stable and descending is exactly the reverse
//! of ascending; each sort key has an index (migration 2) that SQLite walks instead
//! of sorting, except the domain name, which lives in another table.

use rusqlite::params_from_iter;
use rusqlite::types::Value;

use super::users::{user_from_row, SELECT_USER};
use super::{StoreError, Tx};
use crate::model::{User, UserId};

/// Which users a listing draws from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    All,
    /// The users whose default domain is this one (GetLocalUsers).
    LocalTo(i64),
    /// The other members of the domains this user is a member of (GetCoWorkers).
    CoWorkersOf(UserId),
}

/// Text filters match anywhere in the value, ignoring ASCII case; `None` and `""`
/// filter nothing. `domain` matches the name of any domain the user is a member of.
#[derive(Debug, Clone, Default)]
pub struct UserFilter<'a> {
    pub first_name: Option<&'a str>,
    pub last_name: Option<&'a str>,
    pub user_name: Option<&'a str>,
    pub email: Option<&'a str>,
    pub auth_source: Option<&'a str>,
    pub domain: Option<&'a str>,
    pub enabled: Option<bool>,
    pub read_only: Option<bool>,
}

/// The documented `SortBy` keys (Part B §2.13), text compared without ASCII case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    UserName,
    FirstLast,
    LastFirst,
    Email,
    /// Disabled before enabled when ascending (the `StatusFilter` codes 0, 1).
    Status,
    AuthSource,
    /// The default domain's name; users without one come first when ascending.
    Domain,
    /// Authors before read-only users when ascending (the `UserType` codes 1, 2).
    UserType,
}

impl SortKey {
    pub const ALL: [SortKey; 8] = [
        SortKey::UserName,
        SortKey::FirstLast,
        SortKey::LastFirst,
        SortKey::Email,
        SortKey::Status,
        SortKey::AuthSource,
        SortKey::Domain,
        SortKey::UserType,
    ];

    fn columns(self) -> &'static [&'static str] {
        match self {
            SortKey::UserName => &["u.user_name"],
            SortKey::FirstLast => &["u.first_name COLLATE NOCASE", "u.last_name COLLATE NOCASE"],
            SortKey::LastFirst => &["u.last_name COLLATE NOCASE", "u.first_name COLLATE NOCASE"],
            SortKey::Email => &["u.email COLLATE NOCASE"],
            SortKey::Status => &["u.enabled"],
            SortKey::AuthSource => &["u.auth_source COLLATE NOCASE"],
            SortKey::Domain => &["d.name"],
            SortKey::UserType => &["u.read_only"],
        }
    }
}

/// Rows `offset..offset + limit` of the ordered result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub offset: u32,
    pub limit: u32,
}

#[derive(Debug, Clone)]
pub struct UserQuery<'a> {
    pub scope: Scope,
    pub filter: UserFilter<'a>,
    pub sort: SortKey,
    pub ascending: bool,
    /// `None`: every matching user.
    pub page: Option<Page>,
}

/// `%` and `_` are literal in a filter; `\` escapes them.
fn contains_pattern(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

impl UserQuery<'_> {
    /// The WHERE clause over `users u` (empty when nothing is filtered, which lets
    /// SQLite count without visiting rows) and its parameters.
    ///
    /// A unary `+` keeps SQLite from answering a filter through an index. Without
    /// statistics it takes `enabled = 1` for selective and would then look up most of
    /// the table by index, and for a page also sort it; a scan is cheaper. For the
    /// domain filter that holds only on a page, where walking the sort key's index and
    /// skipping non-members beats sorting the members; a count starts from them.
    fn condition(&self, paged: bool) -> (String, Vec<Value>) {
        let unindexed = if paged { "+" } else { "" };
        let mut clauses: Vec<String> = Vec::new();
        let mut values: Vec<Value> = Vec::new();
        match self.scope {
            Scope::All => {}
            Scope::LocalTo(domain_id) => {
                clauses.push("u.domain_id = ?".into());
                values.push(domain_id.into());
            }
            Scope::CoWorkersOf(user_id) => {
                clauses.push(
                    "u.id IN (SELECT other.user_id FROM domain_members mine
                              JOIN domain_members other ON other.domain_id = mine.domain_id
                              WHERE mine.user_id = ?) AND u.id <> ?"
                        .into(),
                );
                values.extend([user_id.into(), user_id.into()]);
            }
        }
        let f = &self.filter;
        // The domain filter reads the few domains first (CROSS JOIN fixes the order),
        // then their members by the primary key, not every membership.
        let domain = format!(
            "{unindexed}u.id IN (SELECT m.user_id FROM domains dm CROSS JOIN domain_members m
                                 ON m.domain_id = dm.id WHERE dm.name LIKE ? ESCAPE '\\')"
        );
        let texts = [
            (f.first_name, "u.first_name LIKE ? ESCAPE '\\'".to_string()),
            (f.last_name, "u.last_name LIKE ? ESCAPE '\\'".to_string()),
            (f.user_name, "u.user_name LIKE ? ESCAPE '\\'".to_string()),
            (f.email, "u.email LIKE ? ESCAPE '\\'".to_string()),
            (
                f.auth_source,
                "u.auth_source LIKE ? ESCAPE '\\'".to_string(),
            ),
            (f.domain, domain),
        ];
        for (text, clause) in texts {
            if let Some(text) = text.filter(|t| !t.is_empty()) {
                clauses.push(clause);
                values.push(contains_pattern(text).into());
            }
        }
        for (flag, clause) in [
            (f.enabled, "+u.enabled = ?"),
            (f.read_only, "+u.read_only = ?"),
        ] {
            if let Some(flag) = flag {
                clauses.push(clause.into());
                values.push(Value::Integer(flag.into()));
            }
        }
        if clauses.is_empty() {
            return (String::new(), values);
        }
        (format!("WHERE {}", clauses.join(" AND ")), values)
    }

    fn order(&self) -> String {
        let direction = if self.ascending { "ASC" } else { "DESC" };
        self.sort
            .columns()
            .iter()
            .chain(&["u.id"])
            .map(|c| format!("{c} {direction}"))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The listing query. A page is chosen by ids first, over `users` alone (and the
    /// domain for that sort), so the rows an OFFSET skips cost an index step each and
    /// not a read of the user with its domain and preferences.
    fn sql(&self) -> (String, Vec<Value>) {
        let (condition, mut values) = self.condition(self.page.is_some());
        let order = self.order();
        let sql = match self.page {
            None => format!("{SELECT_USER} {condition} ORDER BY {order}"),
            Some(page) => {
                values.extend([i64::from(page.limit).into(), i64::from(page.offset).into()]);
                let domain = match self.sort {
                    SortKey::Domain => "LEFT JOIN domains d ON d.id = u.domain_id",
                    _ => "",
                };
                format!(
                    "{SELECT_USER} WHERE u.id IN (SELECT u.id FROM users u {domain} {condition} \
                     ORDER BY {order} LIMIT ? OFFSET ?) ORDER BY {order}"
                )
            }
        };
        (sql, values)
    }
}

impl Tx<'_> {
    /// The page of users the query asks for, in its order.
    pub fn list_users(&self, query: &UserQuery) -> Result<Vec<User>, StoreError> {
        let (sql, values) = query.sql();
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let users = stmt
            .query_map(params_from_iter(values), user_from_row)?
            .collect::<Result<_, _>>()?;
        Ok(users)
    }

    /// How many users match the query's scope and filters, whatever the page.
    pub fn count_users(&self, query: &UserQuery) -> Result<i64, StoreError> {
        let (condition, values) = query.condition(false);
        let sql = format!("SELECT COUNT(*) FROM users u {condition}");
        Ok(self
            .conn
            .prepare_cached(&sql)?
            .query_row(params_from_iter(values), |r| r.get(0))?)
    }

    /// SQLite's plan for a listing, one line per step, indented two spaces per level
    /// of nesting (for tests and the benchmark).
    pub fn explain_listing(&self, query: &UserQuery) -> Result<Vec<String>, StoreError> {
        let (sql, values) = query.sql();
        let mut stmt = self.conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))?;
        let steps: Vec<(i64, i64, String)> = stmt
            .query_map(params_from_iter(values), |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(3)?))
            })?
            .collect::<Result<_, _>>()?;
        let mut depths = std::collections::HashMap::new();
        Ok(steps
            .into_iter()
            .map(|(id, parent, detail)| {
                let depth = depths.get(&parent).map_or(0, |d| d + 1);
                depths.insert(id, depth);
                format!("{}{detail}", "  ".repeat(depth))
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_escape_like_wildcards() {
        assert_eq!(contains_pattern("a_b%c\\d"), "%a\\_b\\%c\\\\d%");
        assert_eq!(contains_pattern(""), "%%");
    }

    /// Each key but the domain name pages by walking an index, both ways, with or
    /// without filters: no sort of the whole table per page.
    #[test]
    fn pages_walk_an_index_instead_of_sorting() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::Store::open(&dir.path().join("t.db")).unwrap();
        let filter = UserFilter {
            first_name: Some("a"),
            email: Some("b"),
            domain: Some("x"),
            enabled: Some(true),
            read_only: Some(false),
            ..UserFilter::default()
        };
        for sort in SortKey::ALL.into_iter().filter(|k| *k != SortKey::Domain) {
            for (ascending, filter) in [(true, UserFilter::default()), (false, filter.clone())] {
                let query = UserQuery {
                    scope: Scope::All,
                    filter,
                    sort,
                    ascending,
                    page: Some(Page {
                        offset: 50,
                        limit: 25,
                    }),
                };
                let plan = store.write(|tx| tx.explain_listing(&query)).unwrap();
                // Only the outer query may sort: it orders the page's rows.
                let inner_sort = plan
                    .iter()
                    .any(|l| l.starts_with(' ') && l.contains("TEMP B-TREE"));
                assert!(!inner_sort, "{sort:?} {ascending}:\n{}", plan.join("\n"));
            }
        }
    }

    #[test]
    fn descending_reverses_every_column_including_the_tie_breaker() {
        let query = UserQuery {
            scope: Scope::All,
            filter: UserFilter::default(),
            sort: SortKey::LastFirst,
            ascending: false,
            page: None,
        };
        assert_eq!(
            query.order(),
            "u.last_name COLLATE NOCASE DESC, u.first_name COLLATE NOCASE DESC, u.id DESC"
        );
    }
}
