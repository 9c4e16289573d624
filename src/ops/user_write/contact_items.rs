//! Contact items and the user fields they mirror (docs/vendors.md §4.3, §6): the user's
//! email is the value of its default Email item and its mobile number that of its
//! default Phone item ("" when the type has no default); a Work Phone item records
//! `phone1` and a Home Phone item `phone2`.

use std::sync::Arc;

use crate::model::{ContactItem, ContactItemType, ContactType, DefaultItems, LinkedField, UserId};
use crate::ops::error::OpError;
use crate::store::{StoreError, Tx};

use super::change::ContactItemChange;

/// What an upsert did.
#[derive(Debug, Clone, PartialEq)]
pub struct Upserted {
    pub id: String,
    pub added: bool,
}

/// Emails compare case-insensitively, phone numbers by their digits (docs/vendors.md D-21).
fn same_value(contact_type: ContactType, a: &str, b: &str) -> bool {
    // Equal text needs no keys: the usual case, a field still as its item stores it.
    a == b || contact_type.match_key(a) == contact_type.match_key(b)
}

/// The catalogue and the user's default items with their contact types, each type's
/// oldest first: read once per write, then kept as stored by every item write made
/// through them, so that recording a changed field reads nothing more, old defaults
/// are cleared one by one, by id, and the write can tell the store what it left
/// ([`ContactItems::into_defaults`]). Clearing them in one `UPDATE` over the user's
/// defaults cost a temporary table per call (issue 8 profile). Only valid while
/// every write to the user's items goes through it.
pub(super) struct ContactItems {
    user_id: UserId,
    types: Arc<Vec<ContactItemType>>,
    defaults: DefaultItems,
}

impl ContactItems {
    pub(super) fn load(tx: &Tx, user_id: UserId) -> Result<ContactItems, StoreError> {
        Ok(ContactItems {
            user_id,
            types: tx.contact_item_types()?,
            defaults: tx.default_contact_items(user_id)?,
        })
    }

    /// The user's default items as the writes made here left them.
    pub(super) fn into_defaults(self) -> DefaultItems {
        self.defaults
    }

    /// The catalogue's entry for `sub_type`.
    pub(super) fn item_type(&self, sub_type: &str) -> Result<ContactItemType, OpError> {
        self.types
            .iter()
            .find(|t| t.sub_type == sub_type)
            .cloned()
            .ok_or(OpError::UnknownSubType)
    }

    /// The sub-type an item made from `field` gets.
    fn linked_sub_type(&self, field: LinkedField) -> Option<&str> {
        self.types
            .iter()
            .find(|t| t.field == Some(field))
            .map(|t| t.sub_type.as_str())
    }

    /// The type's first default item.
    fn first_default(&self, contact_type: ContactType) -> Option<&ContactItem> {
        self.defaults
            .iter()
            .find(|(t, _)| *t == contact_type)
            .map(|(_, item)| item)
    }

    /// Stores `item`, of `contact_type`.
    fn save(
        &mut self,
        tx: &Tx,
        item: ContactItem,
        contact_type: ContactType,
    ) -> Result<(), StoreError> {
        tx.save_contact_item(self.user_id, &item, contact_type)?;
        let at = self.defaults.iter().position(|(_, i)| i.id == item.id);
        match (at, item.is_default) {
            (Some(at), true) => self.defaults[at].1 = item,
            (Some(at), false) => drop(self.defaults.remove(at)),
            // Out of rowid order when the item is older than the type's defaults, but
            // `make_default`, the one way here, leaves it the type's only one.
            (None, true) => self.defaults.push((contact_type, item)),
            (None, false) => {}
        }
        Ok(())
    }

    /// Stores `item` as the only default item of `contact_type`.
    fn make_default(
        &mut self,
        tx: &Tx,
        item: ContactItem,
        contact_type: ContactType,
    ) -> Result<(), StoreError> {
        let id = item.id.clone();
        self.save(
            tx,
            ContactItem {
                is_default: true,
                ..item
            },
            contact_type,
        )?;
        for (t, other) in &self.defaults {
            if *t == contact_type && other.id != id {
                tx.clear_default_contact_item(self.user_id, &other.id)?;
            }
        }
        self.defaults
            .retain(|(t, other)| *t != contact_type || other.id == id);
        Ok(())
    }

    /// Brings the items in step with `fields`, the values the user's linked fields
    /// hold. They lag values set outside this module (fixtures, CreateUser); caught up
    /// before a change, each such value keeps an item after the change replaces it.
    pub(super) fn reconcile(
        &mut self,
        tx: &Tx,
        fields: &[(LinkedField, &str)],
    ) -> Result<(), StoreError> {
        for &(field, value) in fields {
            self.record(tx, field, value)?;
        }
        Ok(())
    }

    /// Makes the items record `value` as the field's: the default item of its contact
    /// type for the email and the mobile number, an item of the field's sub-type for
    /// the other phones.
    pub(super) fn record(
        &mut self,
        tx: &Tx,
        field: LinkedField,
        value: &str,
    ) -> Result<(), StoreError> {
        match field {
            LinkedField::Email => self.settle_default(tx, (ContactType::Email, field), value),
            LinkedField::Mobile => self.settle_default(tx, (ContactType::Phone, field), value),
            LinkedField::Phone1 | LinkedField::Phone2 => self.keep_phone(tx, field, value),
        }
    }

    /// Makes the default item of the field's contact type hold `value`: clearing the
    /// field clears the default flag and keeps the item; a new value becomes default on
    /// an item that already has it, or on a new item of the field's sub-type.
    fn settle_default(
        &mut self,
        tx: &Tx,
        (contact_type, field): (ContactType, LinkedField),
        value: &str,
    ) -> Result<(), StoreError> {
        let current = self.first_default(contact_type);
        if value.is_empty() {
            if let Some(item) = current {
                let cleared = ContactItem {
                    is_default: false,
                    ..item.clone()
                };
                self.save(tx, cleared, contact_type)?;
            }
            return Ok(());
        }
        if let Some(item) = current.filter(|i| same_value(contact_type, &i.value, value)) {
            if item.value != value {
                let respelled = ContactItem {
                    value: value.to_string(),
                    ..item.clone()
                };
                self.save(tx, respelled, contact_type)?;
            }
            return Ok(());
        }
        let linked = self.linked_sub_type(field);
        let matching = tx.contact_items_like(self.user_id, contact_type, value)?;
        let existing = matching
            .iter()
            .find(|i| Some(i.sub_type.as_str()) == linked)
            .or(matching.first());
        let item = match (existing, linked) {
            (Some(item), _) => ContactItem {
                value: value.to_string(),
                ..item.clone()
            },
            (None, Some(sub_type)) => ContactItem {
                id: ContactItem::new_id(),
                sub_type: sub_type.to_string(),
                value: value.to_string(),
                is_default: true,
            },
            // A catalogue without a sub-type for the field keeps no items for it.
            (None, None) => return Ok(()),
        };
        self.make_default(tx, item, contact_type)
    }

    /// Adds an item of the phone field's sub-type for `value` unless the user has one.
    fn keep_phone(&mut self, tx: &Tx, field: LinkedField, value: &str) -> Result<(), StoreError> {
        let Some(sub_type) = self.linked_sub_type(field).filter(|_| !value.is_empty()) else {
            return Ok(());
        };
        if tx
            .contact_items_like(self.user_id, ContactType::Phone, value)?
            .iter()
            .any(|i| i.sub_type == sub_type)
        {
            return Ok(());
        }
        let item = ContactItem {
            id: ContactItem::new_id(),
            sub_type: sub_type.to_string(),
            value: value.to_string(),
            is_default: false,
        };
        self.save(tx, item, ContactType::Phone)
    }

    /// Adds the item, or updates the user's item of that sub-type and value; the first
    /// item of a contact type becomes its default. Returns what it did and the values
    /// of the fields the item mirrors, for the caller to write: settling the items
    /// against those fields as they still are would undo the change, or move it to
    /// another item of the same value.
    pub(super) fn upsert(
        &mut self,
        tx: &Tx,
        item_type: &ContactItemType,
        change: &ContactItemChange,
    ) -> Result<(Upserted, Vec<(LinkedField, String)>), StoreError> {
        let contact_type = item_type.contact_type;
        let first_of_type = !tx.has_contact_item(self.user_id, contact_type)?;
        let existing = tx
            .contact_items_like(self.user_id, contact_type, &change.value)?
            .into_iter()
            .find(|i| i.sub_type == change.sub_type);
        let was_default = existing.as_ref().is_some_and(|i| i.is_default);
        let item = ContactItem {
            id: existing
                .as_ref()
                .map_or_else(ContactItem::new_id, |i| i.id.clone()),
            sub_type: change.sub_type.clone(),
            value: change.value.clone(),
            is_default: change.is_default || first_of_type,
        };
        let default_field = match contact_type {
            ContactType::Email => LinkedField::Email,
            ContactType::Phone => LinkedField::Mobile,
        };
        let mut mirrored = Vec::new();
        if item.is_default {
            self.make_default(tx, item.clone(), contact_type)?;
            mirrored.push((default_field, item.value.clone()));
        } else {
            self.save(tx, item.clone(), contact_type)?;
            if was_default {
                mirrored.push((default_field, String::new()));
            }
        }
        if let Some(field @ (LinkedField::Phone1 | LinkedField::Phone2)) = item_type.field {
            mirrored.push((field, item.value.clone()));
        }
        let upserted = Upserted {
            id: item.id,
            added: existing.is_none(),
        };
        Ok((upserted, mirrored))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    #[test]
    fn values_compare_by_contact_type() {
        assert!(same_value(
            ContactType::Email,
            "A@Example.com",
            " a@example.COM"
        ));
        assert!(!same_value(
            ContactType::Email,
            "a@example.com",
            "b@example.com"
        ));
        assert!(same_value(ContactType::Phone, "555-0100", "(555) 0100"));
        assert!(!same_value(ContactType::Phone, "555-0100", "555-0101"));
        assert!(same_value(ContactType::Phone, "ext", "EXT"));
        assert!(!same_value(ContactType::Phone, "ext", "1"));
    }

    /// [`ContactItems`] answers for a read of the store: after each write through it,
    /// it must hold each type's defaults as a fresh read finds them, with several
    /// defaults of a type too.
    #[test]
    fn defaults_stay_what_the_store_holds() {
        let (_dir, store) = crate::store::Store::seeded_for_test();
        store
            .write(|tx| -> Result<(), StoreError> {
                let types = tx.contact_item_types()?;
                let sub_type = |name: &str| {
                    let t = types.iter().find(|t| t.name == name).unwrap();
                    (t.sub_type.clone(), t.contact_type)
                };
                let mut user = Arc::unwrap_or_clone(tx.user_by_name("jdoe")?.unwrap());
                for (id, name, value, is_default) in [
                    ("p1", "Work Phone", "555-1000", true),
                    ("p2", "Mobile Phone", "555-2000", true),
                    ("p3", "Home Phone", "555-3000", false),
                    ("e1", "Secondary Email", "a@example.com", true),
                ] {
                    let (sub_type, contact_type) = sub_type(name);
                    let item = ContactItem {
                        id: id.into(),
                        sub_type,
                        value: value.into(),
                        is_default,
                    };
                    tx.save_contact_item(user.id, &item, contact_type)?;
                }
                let mut items = ContactItems::load(tx, user.id)?;
                for (email, mobile, phone2) in [
                    ("A@Example.com", "555 1000", ""),
                    ("A@Example.com", "555-3000", ""),
                    ("", "", ""),
                    ("b@example.com", "555-9999", "555-8888"),
                ] {
                    user.email = email.into();
                    user.mobile = mobile.into();
                    items.reconcile(
                        tx,
                        &[
                            (LinkedField::Email, &user.email),
                            (LinkedField::Mobile, &user.mobile),
                            (LinkedField::Phone2, phone2),
                        ],
                    )?;
                    let stored = tx.default_contact_items(user.id)?;
                    for t in [ContactType::Email, ContactType::Phone] {
                        let of_type = |items: &DefaultItems| {
                            items
                                .iter()
                                .filter(|(c, _)| *c == t)
                                .cloned()
                                .collect::<Vec<_>>()
                        };
                        assert_eq!(of_type(&items.defaults), of_type(&stored));
                    }
                }
                Ok(())
            })
            .unwrap();
    }
}
