//! The Web API's contact items and the catalogue of their sub-types.

use rusqlite::{params, Connection, Row};

use std::sync::Arc;

use super::credential_cache::{Catalogue, CredentialCache};
use super::error::StoreError;
use super::tx::Tx;
use crate::model::{ContactItem, ContactItemType, ContactType, LinkedField, UserId};

fn item_from_row(row: &Row) -> rusqlite::Result<ContactItem> {
    Ok(ContactItem {
        id: row.get(0)?,
        sub_type: row.get(1)?,
        value: row.get(2)?,
        is_default: row.get(3)?,
    })
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
        let mut stmt = self.conn.prepare_cached(
            "SELECT i.id, i.sub_type, i.value, i.is_default FROM contact_items i
             JOIN contact_item_types t ON t.sub_type = i.sub_type
             WHERE i.user_id = ?1 AND i.match_key = ?2 AND t.contact_type = ?3
             ORDER BY i.rowid",
        )?;
        let key = contact_type.match_key(value);
        let items = stmt
            .query_map(params![user_id, key, contact_type.name()], item_from_row)?
            .collect::<Result<_, _>>()?;
        Ok(items)
    }

    /// The user's default items with their contact types, oldest first.
    pub fn default_contact_items(
        &self,
        user_id: UserId,
    ) -> Result<Vec<(ContactType, ContactItem)>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT i.id, i.sub_type, i.value, i.is_default, t.contact_type FROM contact_items i
             JOIN contact_item_types t ON t.sub_type = i.sub_type
             WHERE i.user_id = ?1 AND i.is_default = 1
             ORDER BY i.rowid",
        )?;
        let rows = stmt.query_map([user_id], |r| {
            Ok((r.get::<_, String>(4)?, item_from_row(r)?))
        })?;
        let mut items = Vec::new();
        for row in rows {
            let (contact_type, item) = row?;
            // Only the fixture loader writes the catalogue, and it checks the names.
            if let Some(t) = ContactType::from_name(&contact_type) {
                items.push((t, item));
            }
        }
        Ok(items)
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

    /// Inserts the item, or updates the one with its id; `contact_type` is its
    /// sub-type's.
    pub fn save_contact_item(
        &self,
        user_id: UserId,
        item: &ContactItem,
        contact_type: ContactType,
    ) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO contact_items (id, user_id, sub_type, value, is_default, match_key)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT(id) DO UPDATE SET sub_type = excluded.sub_type,
                     value = excluded.value, is_default = excluded.is_default,
                     match_key = excluded.match_key",
            )?
            .execute(params![
                item.id,
                user_id,
                item.sub_type,
                item.value,
                item.is_default,
                contact_type.match_key(&item.value)
            ])?;
        Ok(())
    }

    /// Clears the item's default flag.
    pub fn clear_default_contact_item(&self, id: &str) -> Result<(), StoreError> {
        self.conn
            .prepare_cached("UPDATE contact_items SET is_default = 0 WHERE id = ?1")?
            .execute([id])?;
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
