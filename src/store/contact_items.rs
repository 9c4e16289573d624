//! The Web API's contact items and the catalogue of their sub-types.

use rusqlite::{params, Connection, Row};

use std::sync::Arc;

use super::credential_cache::{Catalogue, CredentialCache};
use super::error::StoreError;
use super::tx::Tx;
use crate::model::{ContactItem, ContactItemType, ContactType, DefaultItems, LinkedField, UserId};

/// A user's items with a value: both default flags are named, so that the one index by
/// user (`user_id, is_default, match_key`) finds them in two seeks. Every write stores
/// the flag as a bool, 0 or 1. Two `SELECT`s, not `is_default IN (0, 1)`: SQLite
/// builds a list's values into a temporary B-tree on every run, and that was an
/// eighth of an update's instructions (BENCHMARKS.md, "Writes: the written user
/// kept…").
const ITEMS_LIKE: &str = "SELECT id, sub_type, value, is_default, rowid FROM contact_items
     WHERE user_id = ?1 AND is_default = 0 AND match_key = ?2
     UNION ALL
     SELECT id, sub_type, value, is_default, rowid FROM contact_items
     WHERE user_id = ?1 AND is_default = 1 AND match_key = ?2";

/// A user's default items, a prefix of the same index.
const DEFAULT_ITEMS: &str = "SELECT id, sub_type, value, is_default, rowid FROM contact_items
     WHERE user_id = ?1 AND is_default = 1";

/// An item and its rowid, the order items were made in.
fn numbered_item(row: &Row) -> rusqlite::Result<(i64, ContactItem)> {
    let item = ContactItem {
        id: row.get(0)?,
        sub_type: row.get(1)?,
        value: row.get(2)?,
        is_default: row.get(3)?,
    };
    Ok((row.get(4)?, item))
}

impl Tx<'_> {
    /// The catalogue in the order it was loaded, from the credential cache when it has
    /// it (only fixture loads write it).
    pub fn contact_item_types(&self) -> Result<Arc<Catalogue>, StoreError> {
        match self.credentials.map(CredentialCache::catalogue) {
            Some((_, Some(cached))) => Ok(cached),
            Some((version, None)) => {
                let read = Arc::new(self.read_contact_item_types()?);
                self.credentials
                    .inspect(|cache| cache.fill_catalogue(version, Arc::clone(&read)));
                Ok(read)
            }
            None => Ok(Arc::new(self.read_contact_item_types()?)),
        }
    }

    fn read_contact_item_types(&self) -> Result<Catalogue, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT sub_type, contact_type, name, field FROM contact_item_types ORDER BY rowid",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<String>>(3)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        // Only the fixture loader writes this table, and it checks both names.
        Ok(rows
            .into_iter()
            .filter_map(|(sub_type, contact_type, name, field)| {
                Some(ContactItemType {
                    sub_type,
                    contact_type: ContactType::from_name(&contact_type)?,
                    name,
                    field: field.as_deref().and_then(LinkedField::from_key),
                })
            })
            .collect())
    }

    pub fn insert_contact_item_type(&self, t: &ContactItemType) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO contact_item_types (sub_type, contact_type, name, field)
             VALUES (?1, ?2, ?3, ?4)",
            params![
                t.sub_type,
                t.contact_type.name(),
                t.name,
                t.field.map(LinkedField::key)
            ],
        )?;
        Ok(())
    }

    /// The user's items of `contact_type` whose value is the same as `value` (see
    /// [`ContactType::match_key`]), oldest first.
    pub fn contact_items_like(
        &self,
        user_id: UserId,
        contact_type: ContactType,
        value: &str,
    ) -> Result<Vec<ContactItem>, StoreError> {
        let mut stmt = self.conn.prepare_cached(ITEMS_LIKE)?;
        let key = contact_type.match_key(value);
        let rows = stmt.query_map(params![user_id, key], numbered_item)?;
        Ok(self
            .typed_oldest_first(rows)?
            .into_iter()
            .filter(|(t, _)| *t == contact_type)
            .map(|(_, item)| item)
            .collect())
    }

    /// The user's default items, from the read cache when it has them: every contact
    /// write reads them, and the last write of the user left them there
    /// (`batch_changes`).
    pub fn default_contact_items(&self, user_id: UserId) -> Result<DefaultItems, StoreError> {
        if let Some(cached) = self.cache.and_then(|c| c.defaults(user_id)) {
            return Ok(DefaultItems::clone(&cached));
        }
        let mut stmt = self.conn.prepare_cached(DEFAULT_ITEMS)?;
        let rows = stmt.query_map([user_id], numbered_item)?;
        let read = self.typed_oldest_first(rows)?;
        if let Some(cache) = self.cache {
            cache.put_defaults(user_id, Arc::new(read.clone()));
        }
        Ok(read)
    }

    /// Runs `write`, statements that change `user_id`'s contact items and no one
    /// else's (each names the user in its `WHERE`, or deletes the user), telling the
    /// batch whose items they are (`batch_changes`).
    pub(super) fn writing_items_of<T>(
        &self,
        user_id: UserId,
        write: impl FnOnce() -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.cache.inspect(|c| c.items_of(Some(user_id)));
        let written = write();
        self.cache.inspect(|c| c.items_of(None));
        written
    }

    /// Items read with their rowids, typed from the catalogue and put in rowid order:
    /// the index by user gives them by flag and key first, and sorting the few found
    /// here costs less than SQLite's sorter. An item whose sub-type the catalogue
    /// lacks is left out, as the join with the catalogue left it out before.
    fn typed_oldest_first(
        &self,
        rows: impl Iterator<Item = rusqlite::Result<(i64, ContactItem)>>,
    ) -> Result<Vec<(ContactType, ContactItem)>, StoreError> {
        let mut numbered = rows.collect::<Result<Vec<_>, _>>()?;
        numbered.sort_unstable_by_key(|(rowid, _)| *rowid);
        let types = self.contact_item_types()?;
        Ok(numbered
            .into_iter()
            .filter_map(|(_, item)| {
                let t = types.iter().find(|t| t.sub_type == item.sub_type)?;
                Some((t.contact_type, item))
            })
            .collect())
    }

    /// Whether the user has any item of `contact_type`.
    pub fn has_contact_item(
        &self,
        user_id: UserId,
        contact_type: ContactType,
    ) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM contact_items i
                 JOIN contact_item_types t ON t.sub_type = i.sub_type
                 WHERE i.user_id = ?1 AND t.contact_type = ?2)",
            )?
            .query_row(params![user_id, contact_type.name()], |r| r.get(0))?)
    }

    /// Inserts the item, or updates the one with its id, which must be the user's;
    /// `contact_type` is its sub-type's.
    pub fn save_contact_item(
        &self,
        user_id: UserId,
        item: &ContactItem,
        contact_type: ContactType,
    ) -> Result<(), StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "INSERT INTO contact_items (id, user_id, sub_type, value, is_default, match_key)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT(id) DO UPDATE SET sub_type = excluded.sub_type,
                     value = excluded.value, is_default = excluded.is_default,
                     match_key = excluded.match_key
                 WHERE contact_items.user_id = excluded.user_id",
        )?;
        let key = contact_type.match_key(&item.value);
        let args = params![
            item.id,
            user_id,
            item.sub_type,
            item.value,
            item.is_default,
            key
        ];
        // Another user's id: the upsert changes nothing, and the write fails.
        match self.writing_items_of(user_id, || Ok(stmt.execute(args)?))? {
            0 => Err(StoreError::Sqlite(rusqlite::Error::QueryReturnedNoRows)),
            _ => Ok(()),
        }
    }

    /// Clears the item's default flag. `OR FAIL`, as for the user's row
    /// (`save_user_row!`): the write's savepoint undoes a failed statement.
    pub fn clear_default_contact_item(&self, user_id: UserId, id: &str) -> Result<(), StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "UPDATE OR FAIL contact_items SET is_default = 0 WHERE id = ?1 AND user_id = ?2",
        )?;
        self.writing_items_of(user_id, || Ok(stmt.execute(params![id, user_id])?))?;
        Ok(())
    }
}

/// Computes `match_key` for items stored before it existed (migration 5).
pub(super) fn fill_match_keys(conn: &Connection) -> Result<(), StoreError> {
    let rows: Vec<(i64, String, String)> = conn
        .prepare(
            "SELECT i.rowid, t.contact_type, i.value FROM contact_items i
             JOIN contact_item_types t ON t.sub_type = i.sub_type",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    let mut update = conn.prepare("UPDATE contact_items SET match_key = ?2 WHERE rowid = ?1")?;
    for (rowid, contact_type, value) in rows {
        if let Some(t) = ContactType::from_name(&contact_type) {
            update.execute(params![rowid, t.match_key(&value)])?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    /// Both lookups seek the one index by user and leave the order to Rust: no scan of
    /// the user's items, and no temporary B-tree, for a sort or for a list of values.
    #[test]
    fn both_lookups_seek_the_index_by_user() {
        let (_dir, store) = Store::seeded_for_test();
        store
            .read(|tx| -> Result<(), StoreError> {
                for sql in [ITEMS_LIKE, DEFAULT_ITEMS] {
                    let mut stmt = tx.conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))?;
                    let args = &params![1, "k"][..stmt.parameter_count()];
                    let plan: Vec<String> = stmt
                        .query_map(args, |r| r.get(3))?
                        .collect::<Result<_, _>>()?;
                    let reads: Vec<_> = plan
                        .iter()
                        .filter(|step| step.starts_with("SEARCH") || step.starts_with("SCAN"))
                        .collect();
                    assert!(!reads.is_empty(), "{sql}: {plan:?}");
                    for step in reads {
                        assert!(
                            step.starts_with("SEARCH contact_items USING INDEX contact_items_user (user_id=? AND is_default="),
                            "{sql}: {plan:?}"
                        );
                    }
                    assert!(
                        !plan.iter().any(|step| step.contains("TEMP B-TREE")),
                        "{sql}: {plan:?}"
                    );
                    let mut stmt = tx.conn.prepare(&format!("EXPLAIN {sql}"))?;
                    let opcodes: Vec<String> = stmt
                        .query_map(args, |r| r.get(1))?
                        .collect::<Result<_, _>>()?;
                    assert!(
                        !opcodes.iter().any(|op| op == "OpenEphemeral"),
                        "{sql}: {opcodes:?}"
                    );
                }
                Ok(())
            })
            .unwrap();
    }

    /// An item write names its user: another user's item is neither updated through
    /// an id nor cleared, so the batch's word on whose items changed holds.
    #[test]
    fn an_item_write_changes_only_its_users_items() {
        let (_dir, store) = Store::seeded_for_test();
        let (jdoe, admin) = (store.user_for_test("jdoe"), store.user_for_test("admin"));
        let item = ContactItem {
            id: "j1".into(),
            sub_type: "9e6f2d7a-1c1b-4f3e-8a01-000000000002".into(),
            value: "j1@example.com".into(),
            is_default: true,
        };
        store
            .write(|tx| tx.save_contact_item(jdoe.id, &item, ContactType::Email))
            .unwrap();
        let taken = ContactItem {
            value: "taken@example.com".into(),
            ..item.clone()
        };
        let saved = store.write(|tx| tx.save_contact_item(admin.id, &taken, ContactType::Email));
        assert!(saved.is_err(), "another user's id");
        store
            .write(|tx| tx.clear_default_contact_item(admin.id, "j1"))
            .unwrap();
        // Past the read cache, which trusts the word.
        let snapshot = store.snapshot().unwrap();
        let stored = snapshot
            .read(|tx| tx.default_contact_items(jdoe.id))
            .unwrap();
        assert!(stored.iter().any(|(_, i)| *i == item), "{stored:?}");
    }

    /// Items come oldest first whatever their flags, as the index orders them by flag.
    #[test]
    fn items_come_oldest_first_across_flags() {
        let (_dir, store) = Store::seeded_for_test();
        store
            .write(|tx| -> Result<(), StoreError> {
                let types = tx.contact_item_types()?;
                let phone = types
                    .iter()
                    .find(|t| t.contact_type == ContactType::Phone)
                    .unwrap();
                let user = tx.user_by_name("jdoe")?.unwrap();
                for (id, value, is_default) in [
                    ("c", "555-0199", true),
                    ("a", "(555) 0199", false),
                    ("b", "5550199", true),
                ] {
                    let item = ContactItem {
                        id: id.into(),
                        sub_type: phone.sub_type.clone(),
                        value: value.into(),
                        is_default,
                    };
                    tx.save_contact_item(user.id, &item, ContactType::Phone)?;
                }
                let ids = |items: Vec<ContactItem>| -> Vec<String> {
                    items.into_iter().map(|i| i.id).collect()
                };
                let like = tx.contact_items_like(user.id, ContactType::Phone, "555 0199")?;
                assert_eq!(ids(like), ["c", "a", "b"]);
                assert!(tx
                    .contact_items_like(user.id, ContactType::Email, "555 0199")?
                    .is_empty());
                let defaults = tx.default_contact_items(user.id)?;
                // The fixtures may have given jdoe items of his own.
                let made_here: Vec<_> = defaults
                    .into_iter()
                    .filter(|(t, i)| *t == ContactType::Phone && i.id.len() == 1)
                    .map(|(_, i)| i)
                    .collect();
                assert_eq!(ids(made_here), ["c", "b"]);
                Ok(())
            })
            .unwrap();
    }
}
