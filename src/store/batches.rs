//! Reading a listing in batches, each from where the last stopped (a cursor), not by
//! OFFSET: so every batch costs the same however deep into the listing it is, and a
//! listing of any length can be read a batch at a time.

use rusqlite::types::Value;

use super::error::StoreError;
use super::listing::{Part, Scope, SortKey, UserQuery, Walk, Window};
use super::tx::Tx;
use crate::model::User;

/// Where a listing read in batches stands: after which user, and how it finds the
/// users of its scope (chosen at the first batch).
#[derive(Debug, Clone, Default)]
pub struct Cursor {
    after: Option<Vec<Value>>,
    walk: Option<Walk>,
}

impl Tx<'_> {
    /// The next users of the query after the cursor, at most `limit`, in its order;
    /// the cursor moves past them. The query's page does not apply.
    pub fn next_users(
        &self,
        query: &UserQuery,
        cursor: &mut Cursor,
        limit: u32,
    ) -> Result<Vec<User>, StoreError> {
        let walk = match cursor.walk {
            Some(walk) => walk,
            None => *cursor.walk.insert(self.walk(query, limit)?),
        };
        let parts = match (query.sort, walk, query.ascending) {
            (SortKey::Domain, Walk::Index, true) => &[Part::WithoutDomain, Part::WithDomain][..],
            (SortKey::Domain, Walk::Index, false) => &[Part::WithDomain, Part::WithoutDomain],
            _ => &[Part::Whole],
        };
        let after = cursor.after.as_deref();
        let start = after.map_or(0, |a| parts.iter().position(|p| p.holds(a)).unwrap_or(0));
        let mut users: Vec<User> = Vec::new();
        for (i, part) in parts.iter().enumerate().skip(start) {
            let left = limit - users.len() as u32;
            users.extend(self.list_window(
                query,
                Window {
                    after: after.filter(|_| i == start).map(|a| part.key(a)),
                    limit: Some(left),
                    offset: 0,
                    walk,
                    part: *part,
                },
            )?);
            if users.len() as u32 == limit {
                break;
            }
        }
        if let Some(last) = users.last() {
            cursor.after = Some(query.position(last));
        }
        Ok(users)
    }

    /// From the scope, each batch reads the whole scope; along the index, the listing
    /// reads every user once: whichever reads fewer.
    fn walk(&self, query: &UserQuery, limit: u32) -> Result<Walk, StoreError> {
        if query.scope == Scope::All {
            return Ok(Walk::Index);
        }
        let scope = self.count_users(query)?;
        let batches = scope / i64::from(limit.max(1)) + 1;
        Ok(if scope.saturating_mul(batches) <= self.user_count()? {
            Walk::Scope
        } else {
            Walk::Index
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A store with repeated names, users without a domain and every flag both ways.
    fn varied_store(dir: &std::path::Path) -> crate::store::Store {
        let store = crate::store::Store::open(&dir.join("t.db")).unwrap();
        store
            .bulk_insert_users(300, "x", &["B dom", "a dom", "C dom"], 0)
            .unwrap();
        let preferences = crate::model::Preferences::default();
        store
            .write(|tx| {
                for i in 0..30 {
                    tx.insert_user(&crate::store::NewUser {
                        id: None,
                        user_name: &format!("loose{i}"),
                        first_name: ["ada", "Ada", "Zoe"][i % 3],
                        last_name: "",
                        email: "",
                        mobile: "",
                        enabled: i % 2 == 0,
                        read_only: i % 3 == 0,
                        sysadmin: false,
                        domain: None,
                        auth_source: ["native", "CORPLDAP"][i % 2],
                        password_hash: None,
                        preferences: &preferences,
                    })?;
                }
                Ok::<_, StoreError>(())
            })
            .unwrap();
        store
    }

    /// Batches add up to the whole listing, for every scope and every sort key both
    /// ways, ties and batch edges included, whichever way the scope is walked; and
    /// along the index each batch after the first searches the sort key's index for its
    /// cursor instead of scanning or sorting (the domain name aside, which has none).
    #[test]
    fn batches_from_cursors_add_up_to_the_whole_listing() {
        let dir = tempfile::tempdir().unwrap();
        let store = varied_store(dir.path());
        let domain = store
            .read(|tx| tx.domain_by_name("a dom"))
            .unwrap()
            .unwrap();
        for scope in [Scope::All, Scope::LocalTo(domain.id), Scope::CoWorkersOf(1)] {
            for sort in SortKey::ALL {
                for ascending in [true, false] {
                    let query = UserQuery::every(scope, sort, ascending);
                    let case = format!("{scope:?} {sort:?} ascending={ascending}");
                    let whole = store.read(|tx| tx.list_users(&query)).unwrap();
                    assert!(whole.len() > 20, "{case}");
                    let whole: Vec<_> = whole.into_iter().map(|u| u.id).collect();
                    // 7 per batch walks a scope along the index; 50, from the scope.
                    for limit in [7, 50] {
                        let mut cursor = Cursor::default();
                        let mut batched = Vec::new();
                        loop {
                            let batch = store
                                .read(|tx| tx.next_users(&query, &mut cursor, limit))
                                .unwrap();
                            if batch.is_empty() {
                                break;
                            }
                            batched.extend(batch.into_iter().map(|u| u.id));
                        }
                        assert_eq!(batched, whole, "{case} {limit} {:?}", cursor.walk);
                        if scope != Scope::All {
                            let walk = if limit == 7 { Walk::Index } else { Walk::Scope };
                            assert_eq!(cursor.walk, Some(walk), "{case} {limit}");
                        }
                        if cursor.walk == Some(Walk::Scope) {
                            continue;
                        }
                        // Past the first batch; the domain sort's parts from their start.
                        let parts = match sort {
                            SortKey::Domain => {
                                vec![(Part::WithoutDomain, None), (Part::WithDomain, None)]
                            }
                            _ => vec![(Part::Whole, cursor.after.as_deref())],
                        };
                        for (part, after) in parts {
                            let window = Window {
                                after,
                                limit: Some(limit),
                                offset: 0,
                                walk: Walk::Index,
                                part,
                            };
                            let plan = store.read(|tx| tx.explain(query.sql(window))).unwrap();
                            let inner = |what: &str| {
                                plan.iter().any(|l| l.starts_with(' ') && l.contains(what))
                            };
                            assert!(
                                !inner("TEMP B-TREE") && inner("SEARCH u USING"),
                                "{case} {part:?}:\n{}",
                                plan.join("\n")
                            );
                        }
                    }
                }
            }
        }
    }
}
