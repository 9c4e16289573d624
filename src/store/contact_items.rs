//! The Web API's contact items and the catalogue of their sub-types.

use rusqlite::{params, Row};

use super::{StoreError, Tx};
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
    /// The catalogue in the order it was loaded.
    pub fn contact_item_types(&self) -> Result<Vec<ContactItemType>, StoreError> {
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

    /// The user's items, oldest first.
    pub fn contact_items(&self, user_id: UserId) -> Result<Vec<ContactItem>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, sub_type, value, is_default FROM contact_items
             WHERE user_id = ?1 ORDER BY rowid",
        )?;
        let items = stmt
            .query_map([user_id], item_from_row)?
            .collect::<Result<_, _>>()?;
        Ok(items)
    }

    /// Inserts the item, or updates the one with its id.
    pub fn save_contact_item(&self, user_id: UserId, item: &ContactItem) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO contact_items (id, user_id, sub_type, value, is_default)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT(id) DO UPDATE SET sub_type = excluded.sub_type,
                     value = excluded.value, is_default = excluded.is_default",
            )?
            .execute(params![
                item.id,
                user_id,
                item.sub_type,
                item.value,
                item.is_default
            ])?;
        Ok(())
    }

    /// Clears the default flag of the user's other items of `contact_type`.
    pub fn clear_other_defaults(
        &self,
        user_id: UserId,
        contact_type: ContactType,
        keep: &str,
    ) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "UPDATE contact_items SET is_default = 0
                 WHERE user_id = ?1 AND id <> ?2 AND sub_type IN
                     (SELECT sub_type FROM contact_item_types WHERE contact_type = ?3)",
            )?
            .execute(params![user_id, keep, contact_type.name()])?;
        Ok(())
    }
}
