//! Listing users. Every listing method is one query shape: a scope, contains-match
//! filters, a sort key with a direction, and a window of the ordered result (a page, or
//! a batch after a cursor), all done in SQL (LIMIT/OFFSET, COUNT) so no listing loads
//! more users than it returns. Ties are broken by id in the same direction, so the
//! order is total and descending is exactly the reverse of ascending; each sort key has
//! an index (migration 2) that SQLite walks instead of sorting, except the domain name,
//! which lives in another table.

use rusqlite::params_from_iter;
use rusqlite::types::Value;

use super::error::StoreError;
use super::tx::Tx;
use super::users::{user_from_row, SELECT_USER};
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

/// The documented `SortBy` keys (docs/compatibility.md B2.13), text compared without ASCII case.
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

    /// The ORDER BY terms before the id, each an expression and whether it needs
    /// `COLLATE NOCASE` (the user name has it from its column). None is ever NULL, so
    /// a cursor can compare them as one row value.
    fn columns(self) -> &'static [(&'static str, bool)] {
        match self {
            SortKey::UserName => &[("u.user_name", false)],
            SortKey::FirstLast => &[("u.first_name", true), ("u.last_name", true)],
            SortKey::LastFirst => &[("u.last_name", true), ("u.first_name", true)],
            SortKey::Email => &[("u.email", true)],
            SortKey::Status => &[("u.enabled", false)],
            SortKey::AuthSource => &[("u.auth_source", true)],
            // A user without a domain sorts first, as a NULL name would.
            SortKey::Domain => &[("d.name IS NOT NULL", false), ("IFNULL(d.name, '')", true)],
            SortKey::UserType => &[("u.read_only", false)],
        }
    }

    /// This user's values of [`SortKey::columns`].
    fn values(self, user: &User) -> Vec<Value> {
        let text = |t: &str| Value::Text(t.to_owned());
        let flag = |b: bool| Value::Integer(b.into());
        match self {
            SortKey::UserName => vec![text(&user.user_name)],
            SortKey::FirstLast => vec![text(&user.first_name), text(&user.last_name)],
            SortKey::LastFirst => vec![text(&user.last_name), text(&user.first_name)],
            SortKey::Email => vec![text(&user.email)],
            SortKey::Status => vec![flag(user.enabled)],
            SortKey::AuthSource => vec![text(&user.auth_source)],
            SortKey::Domain => vec![
                flag(user.domain.is_some()),
                text(user.domain.as_deref().unwrap_or("")),
            ],
            SortKey::UserType => vec![flag(user.read_only)],
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

impl UserQuery<'static> {
    /// Every user of `scope`, unfiltered and unpaged, in the given order.
    pub fn every(scope: Scope, sort: SortKey, ascending: bool) -> UserQuery<'static> {
        UserQuery {
            scope,
            filter: UserFilter::default(),
            sort,
            ascending,
            page: None,
        }
    }
}

/// How a query finds the users of its scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Walk {
    /// From the scope (the domain's users, the co-workers by id), then sorted: cheap
    /// for a small scope, but a batch costs the whole scope.
    Scope,
    /// Along the sort key's index, testing each user against the scope: a batch costs
    /// only the users it passes, but the whole listing costs every user of the store.
    Index,
}

/// The users a query reads of its order. Read in batches, the domain name order is
/// read in two parts that SQLite walks along indexes instead of sorting the whole scope
/// for every batch: the users without a domain by id, then the domains by name and
/// each one's users by id (the other way round when descending).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Part {
    Whole,
    WithoutDomain,
    WithDomain,
}

impl Part {
    /// Whether a cursor (see [`UserQuery::position`]) stands in this part.
    pub fn holds(self, after: &[Value]) -> bool {
        match self {
            Part::Whole => true,
            Part::WithoutDomain => after.first() == Some(&Value::Integer(0)),
            Part::WithDomain => after.first() == Some(&Value::Integer(1)),
        }
    }

    /// The cursor's values this part compares: all of them, the id, or the domain's
    /// name and the id (the domain sort's values are whether there is a domain, its
    /// name and the id).
    pub fn key(self, after: &[Value]) -> &[Value] {
        let skip = match self {
            Part::Whole => 0,
            Part::WithoutDomain => 2,
            Part::WithDomain => 1,
        };
        after.get(skip..).unwrap_or_default()
    }
}

/// The rows of the ordered result a query returns.
pub(super) struct Window<'c> {
    /// The cursor's values for the part: the row before the first one.
    pub after: Option<&'c [Value]>,
    /// `None`: no limit.
    pub limit: Option<u32>,
    pub offset: u32,
    pub walk: Walk,
    pub part: Part,
}

impl From<Option<Page>> for Window<'_> {
    fn from(page: Option<Page>) -> Self {
        Window {
            after: None,
            limit: page.map(|p| p.limit),
            offset: page.map_or(0, |p| p.offset),
            walk: Walk::Scope,
            part: Part::Whole,
        }
    }
}

/// The term for a filter on `column`: the values that contain the filter, ignoring
/// ASCII case as SQLite's `LIKE` does. Not `LIKE '%…%'`: SQLite refuses a pattern over
/// 50,000 bytes, and the filter's `%` and `_` would need escaping to stay literal.
fn contains(column: &str) -> String {
    format!("instr(lower({column}), ?) > 0")
}

impl UserQuery<'_> {
    /// The terms of the WHERE clause over `users u` (none when nothing is filtered,
    /// which lets SQLite count without visiting rows) and their parameters.
    ///
    /// A unary `+` keeps SQLite from answering a filter through an index. Without
    /// statistics it takes `enabled = 1` for selective and would then look up most of
    /// the table by index, and for a page also sort it; a scan is cheaper. For the
    /// domain filter that holds only on a page, where walking the sort key's index and
    /// skipping non-members beats sorting the members; a count starts from them.
    fn condition(&self, paged: bool, walk: Walk) -> (Vec<String>, Vec<Value>) {
        let unindexed = if paged { "+" } else { "" };
        let mut clauses: Vec<String> = Vec::new();
        let mut values: Vec<Value> = Vec::new();
        match (self.scope, walk) {
            (Scope::All, _) => {}
            (Scope::LocalTo(domain_id), Walk::Scope) => {
                clauses.push("u.domain_id = ?".into());
                values.push(domain_id.into());
            }
            (Scope::LocalTo(domain_id), Walk::Index) => {
                clauses.push("+u.domain_id = ?".into());
                values.push(domain_id.into());
            }
            (Scope::CoWorkersOf(user_id), Walk::Scope) => {
                clauses.push(
                    "u.id IN (SELECT other.user_id FROM domain_members mine
                              JOIN domain_members other ON other.domain_id = mine.domain_id
                              WHERE mine.user_id = ?) AND u.id <> ?"
                        .into(),
                );
                values.extend([user_id.into(), user_id.into()]);
            }
            // A probe per user: through its memberships to the caller's.
            (Scope::CoWorkersOf(user_id), Walk::Index) => {
                clauses.push(
                    "EXISTS (SELECT 1 FROM domain_members other
                             JOIN domain_members mine ON mine.domain_id = other.domain_id
                             WHERE other.user_id = u.id AND mine.user_id = ?) AND u.id <> ?"
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
                                 ON m.domain_id = dm.id WHERE {})",
            contains("dm.name")
        );
        let texts = [
            (f.first_name, contains("u.first_name")),
            (f.last_name, contains("u.last_name")),
            (f.user_name, contains("u.user_name")),
            (f.email, contains("u.email")),
            (f.auth_source, contains("u.auth_source")),
            (f.domain, domain),
        ];
        for (text, clause) in texts {
            if let Some(text) = text.filter(|t| !t.is_empty()) {
                clauses.push(clause);
                values.push(text.to_ascii_lowercase().into());
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
        (clauses, values)
    }

    /// The sort key's terms, then the id.
    fn terms(&self) -> impl Iterator<Item = (&'static str, bool)> {
        self.sort.columns().iter().copied().chain([("u.id", false)])
    }

    fn order(&self) -> String {
        let direction = if self.ascending { "ASC" } else { "DESC" };
        self.terms()
            .map(|(term, nocase)| format!("{term}{} {direction}", collation(nocase)))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The rows that come after a cursor, compared as one row value. The collation is
    /// on the cursor's side: with it on the columns' side SQLite scans the sort key's
    /// index from its start instead of searching it for the cursor.
    fn beyond(&self) -> String {
        let (terms, values): (Vec<&str>, Vec<String>) = self
            .terms()
            .map(|(term, nocase)| (term, format!("?{}", collation(nocase))))
            .unzip();
        let after = if self.ascending { ">" } else { "<" };
        format!("({}) {after} ({})", terms.join(", "), values.join(", "))
    }

    /// The sort key values and id of `user`: where a batch that ended with it stopped.
    pub(super) fn position(&self, user: &User) -> Vec<Value> {
        let mut values = self.sort.values(user);
        values.push(user.id.into());
        values
    }

    /// The listing query for a window. The rows are chosen by ids first, over `users`
    /// alone (and the domain for that sort), so the rows an OFFSET skips cost an index
    /// step each and not a read of the user with its domain and preferences.
    pub(super) fn sql(&self, window: Window) -> (String, Vec<Value>) {
        let (mut clauses, mut values) = self.condition(true, window.walk);
        let (direction, after) = if self.ascending {
            ("ASC", ">")
        } else {
            ("DESC", "<")
        };
        let order = self.order();
        let (from, part_order, beyond) = match (window.part, self.sort) {
            (Part::Whole, SortKey::Domain) => (
                "users u LEFT JOIN domains d ON d.id = u.domain_id",
                order.clone(),
                self.beyond(),
            ),
            (Part::Whole, _) => ("users u", order.clone(), self.beyond()),
            (Part::WithoutDomain, _) => {
                clauses.push("u.domain_id IS NULL".into());
                (
                    "users u",
                    format!("u.id {direction}"),
                    format!("u.id {after} ?"),
                )
            }
            // CROSS JOIN: the domains by name, then each one's users by id.
            (Part::WithDomain, _) => (
                "domains d CROSS JOIN users u ON u.domain_id = d.id",
                format!("d.name {direction}, u.id {direction}"),
                format!("(d.name, u.id) {after} (?, ?)"),
            ),
        };
        if let Some(after) = window.after {
            clauses.push(beyond);
            values.extend(after.iter().cloned());
        }
        // SQLite reads a negative LIMIT as none.
        let limit = window.limit.map_or(-1, i64::from);
        values.extend([limit.into(), i64::from(window.offset).into()]);
        let condition = where_clause(&clauses);
        let sql = format!(
            "{SELECT_USER} WHERE u.id IN (SELECT u.id FROM {from} {condition} \
             ORDER BY {part_order} LIMIT ? OFFSET ?) ORDER BY {order}"
        );
        (sql, values)
    }
}

fn collation(nocase: bool) -> &'static str {
    if nocase {
        " COLLATE NOCASE"
    } else {
        ""
    }
}

fn where_clause(clauses: &[String]) -> String {
    if clauses.is_empty() {
        return String::new();
    }
    format!("WHERE {}", clauses.join(" AND "))
}

impl Tx<'_> {
    /// The page of users the query asks for, in its order.
    pub fn list_users(&self, query: &UserQuery) -> Result<Vec<User>, StoreError> {
        self.list_window(query, query.page.into())
    }

    pub(super) fn list_window(
        &self,
        query: &UserQuery,
        window: Window,
    ) -> Result<Vec<User>, StoreError> {
        let (sql, values) = query.sql(window);
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let users = stmt
            .query_map(params_from_iter(values), user_from_row)?
            .collect::<Result<_, _>>()?;
        Ok(users)
    }

    /// How many users match the query's scope and filters.
    pub fn count_users(&self, query: &UserQuery) -> Result<i64, StoreError> {
        let (clauses, values) = query.condition(false, Walk::Scope);
        let sql = format!("SELECT COUNT(*) FROM users u {}", where_clause(&clauses));
        Ok(self
            .conn
            .prepare_cached(&sql)?
            .query_row(params_from_iter(values), |r| r.get(0))?)
    }

    /// SQLite's plan for a listing, one line per step, indented two spaces per level
    /// of nesting (for tests and the benchmark).
    pub fn explain_listing(&self, query: &UserQuery) -> Result<Vec<String>, StoreError> {
        self.explain(query.sql(query.page.into()))
    }

    pub(super) fn explain(
        &self,
        (sql, values): (String, Vec<Value>),
    ) -> Result<Vec<String>, StoreError> {
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
