//! Contact items and the user fields they mirror (docs/vendors.md §4.3, §6), in one place:
//! the user's email is the value of its default Email item and its mobile number that
//! of its default Phone item ("" when the type has no default); a Work Phone item
//! records `phone1` and a Home Phone item `phone2`. [`reconcile`] brings the items in line with the fields after any
//! change, by whichever API; [`upsert`] changes an item and the fields with it.

use chrono::{DateTime, Utc};

use super::secrets::new_guid;
use super::vendor_users::{self, VendorOpError};
use crate::model::{
    ContactItem, ContactItemType, ContactType, LinkedField, User, UserId, VendorPatch,
};
use crate::store::{StoreError, Tx};

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

/// The sub-type an item made from `field` gets.
fn linked_sub_type(types: &[ContactItemType], field: LinkedField) -> Option<&str> {
    types
        .iter()
        .find(|t| t.field == Some(field))
        .map(|t| t.sub_type.as_str())
}

/// The user's default items with their contact types, each type's oldest first: read
/// once, then kept as stored by every item write made through them, so that an
/// update's second [`reconcile`] reads nothing and old defaults are cleared one by
/// one, by id. Clearing them in one `UPDATE` over the user's defaults cost a temporary
/// table per call (issue 8 profile). Only valid while every write to the user's items
/// goes through it.
pub struct Defaults {
    user_id: UserId,
    items: Vec<(ContactType, ContactItem)>,
}

impl Defaults {
    pub fn load(tx: &Tx, user_id: UserId) -> Result<Defaults, StoreError> {
        Ok(Defaults {
            user_id,
            items: tx.default_contact_items(user_id)?,
        })
    }

    /// The type's first default item.
    fn first(&self, contact_type: ContactType) -> Option<&ContactItem> {
        self.items
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
        let at = self.items.iter().position(|(_, i)| i.id == item.id);
        match (at, item.is_default) {
            (Some(at), true) => self.items[at].1 = item,
            (Some(at), false) => drop(self.items.remove(at)),
            // Out of rowid order when the item is older than the type's defaults, but
            // `make_default`, the one way here, leaves it the type's only one.
            (None, true) => self.items.push((contact_type, item)),
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
        for (t, other) in &self.items {
            if *t == contact_type && other.id != id {
                tx.clear_default_contact_item(&other.id)?;
            }
        }
        self.items
            .retain(|(t, other)| *t != contact_type || other.id == id);
        Ok(())
    }
}

/// Makes the items agree with the user's email and mobile and with `phones`, the
/// other phone fields an item may mirror (`VendorProfile::linked_phones`); `types` is
/// the catalogue (`Tx::contact_item_types`), `defaults` the user's.
pub fn reconcile(
    tx: &Tx,
    types: &[ContactItemType],
    defaults: &mut Defaults,
    user: &User,
    phones: &[(LinkedField, &str)],
) -> Result<(), StoreError> {
    for (contact_type, value, field) in [
        (ContactType::Email, &user.email, LinkedField::Email),
        (ContactType::Phone, &user.mobile, LinkedField::Mobile),
    ] {
        settle_default(tx, types, defaults, (contact_type, field), value)?;
    }
    for &(field, value) in phones {
        let Some(sub_type) = linked_sub_type(types, field).filter(|_| !value.is_empty()) else {
            continue;
        };
        if !tx
            .contact_items_like(user.id, ContactType::Phone, value)?
            .iter()
            .any(|i| i.sub_type == sub_type)
        {
            let item = ContactItem {
                id: new_guid(),
                sub_type: sub_type.to_string(),
                value: value.to_string(),
                is_default: false,
            };
            defaults.save(tx, item, ContactType::Phone)?;
        }
    }
    Ok(())
}

/// Makes the default item of the field's contact type hold `value`: clearing the field
/// clears the default flag and keeps the item; a new value becomes default on an item
/// that already has it, or on a new item of the field's sub-type.
fn settle_default(
    tx: &Tx,
    types: &[ContactItemType],
    defaults: &mut Defaults,
    (contact_type, field): (ContactType, LinkedField),
    value: &str,
) -> Result<(), StoreError> {
    let current = defaults.first(contact_type);
    if value.is_empty() {
        if let Some(item) = current {
            let cleared = ContactItem {
                is_default: false,
                ..item.clone()
            };
            defaults.save(tx, cleared, contact_type)?;
        }
        return Ok(());
    }
    if let Some(item) = current.filter(|i| same_value(contact_type, &i.value, value)) {
        if item.value != value {
            let respelled = ContactItem {
                value: value.to_string(),
                ..item.clone()
            };
            defaults.save(tx, respelled, contact_type)?;
        }
        return Ok(());
    }
    let linked = linked_sub_type(types, field);
    let matching = tx.contact_items_like(defaults.user_id, contact_type, value)?;
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
            id: new_guid(),
            sub_type: sub_type.to_string(),
            value: value.to_string(),
            is_default: true,
        },
        // A catalogue without a sub-type for the field keeps no items for it.
        (None, None) => return Ok(()),
    };
    defaults.make_default(tx, item, contact_type)
}

/// Adds the item, or updates the user's item of that sub-type and value, then writes
/// the field it mirrors. The first item of a contact type becomes its default.
pub fn upsert(
    tx: &Tx,
    user_id: UserId,
    sub_type: &str,
    value: &str,
    is_default: bool,
    now: DateTime<Utc>,
) -> Result<Upserted, VendorOpError> {
    let current = vendor_users::load(tx, user_id, now)?;
    let types = tx.contact_item_types()?;
    let kind = types
        .iter()
        .find(|t| t.sub_type == sub_type)
        .ok_or(VendorOpError::UnknownSubType)?;
    let contact_type = kind.contact_type;
    let mut defaults = Defaults::load(tx, user_id)?;
    reconcile(
        tx,
        &types,
        &mut defaults,
        &current.user,
        &current.profile.linked_phones(),
    )?;
    let first_of_type = !tx.has_contact_item(user_id, contact_type)?;
    let existing = tx
        .contact_items_like(user_id, contact_type, value)?
        .into_iter()
        .find(|i| i.sub_type == sub_type);
    let was_default = existing.as_ref().is_some_and(|i| i.is_default);
    let item = ContactItem {
        id: existing.as_ref().map_or_else(new_guid, |i| i.id.clone()),
        sub_type: sub_type.to_string(),
        value: value.to_string(),
        is_default: is_default || first_of_type,
    };
    let mut patch = VendorPatch::default();
    let mirrored = match contact_type {
        ContactType::Email => &mut patch.email,
        ContactType::Phone => &mut patch.mobile,
    };
    if item.is_default {
        defaults.make_default(tx, item.clone(), contact_type)?;
        *mirrored = Some(item.value.clone());
    } else {
        defaults.save(tx, item.clone(), contact_type)?;
        if was_default {
            *mirrored = Some(String::new());
        }
    }
    match kind.field {
        Some(LinkedField::Phone1) => patch.phone1 = Some(item.value.clone()),
        Some(LinkedField::Phone2) => patch.phone2 = Some(item.value.clone()),
        _ => {}
    }
    vendor_users::apply_after_items(tx, user_id, &patch, now)?;
    Ok(Upserted {
        id: item.id,
        added: existing.is_none(),
    })
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

    /// Found by a review against docs/vendors.md: upserting an item wrote the mirrored
    /// field through a write that first settled the items against the field as it
    /// still was. Taking the default off a Work Phone item then respelled the user's
    /// Mobile Phone item of the same digits, and making a new Work Phone item default
    /// left the default on that Mobile Phone item instead.
    #[test]
    fn an_upsert_changes_only_its_own_item() {
        let (_dir, store) = crate::store::Store::seeded_for_test();
        store
            .write(|tx| -> Result<(), VendorOpError> {
                let types = tx.contact_item_types()?;
                let sub_type = |name: &str| {
                    types
                        .iter()
                        .find(|t| t.name == name)
                        .unwrap()
                        .sub_type
                        .clone()
                };
                let (work, mobile) = (sub_type("Work Phone"), sub_type("Mobile Phone"));
                let user = tx.user_by_name("jdoe")?.unwrap().id;
                let now = Utc::now();
                let item = |value: &str| -> Result<ContactItem, VendorOpError> {
                    let items = tx.contact_items_like(user, ContactType::Phone, value)?;
                    Ok(items.into_iter().find(|i| i.value == value).unwrap())
                };

                upsert(tx, user, &work, "555-7000", true, now)?;
                upsert(tx, user, &mobile, "5557000", false, now)?;
                upsert(tx, user, &work, "555-7000", false, now)?;
                assert!(
                    !item("5557000")?.is_default,
                    "the Mobile Phone item is kept"
                );
                assert!(!item("555-7000")?.is_default);
                assert_eq!(tx.user_by_id(user)?.unwrap().mobile, "");

                upsert(tx, user, &mobile, "5551111", false, now)?;
                let added = upsert(tx, user, &work, "555-1111", true, now)?;
                let default = item("555-1111")?;
                assert!(default.is_default && default.id == added.id);
                assert!(!item("5551111")?.is_default);
                assert_eq!(tx.user_by_id(user)?.unwrap().mobile, "555-1111");
                Ok(())
            })
            .unwrap();
    }

    /// [`Defaults`] answers for a read of the store: after each write through it, it
    /// must hold each type's defaults as a fresh read finds them, with several defaults
    /// of a type too.
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
                let mut defaults = Defaults::load(tx, user.id)?;
                for (email, mobile, phone2) in [
                    ("A@Example.com", "555 1000", ""),
                    ("A@Example.com", "555-3000", ""),
                    ("", "", ""),
                    ("b@example.com", "555-9999", "555-8888"),
                ] {
                    user.email = email.into();
                    user.mobile = mobile.into();
                    reconcile(
                        tx,
                        &types,
                        &mut defaults,
                        &user,
                        &[(LinkedField::Phone2, phone2)],
                    )?;
                    let stored = tx.default_contact_items(user.id)?;
                    for t in [ContactType::Email, ContactType::Phone] {
                        let of_type = |items: &[(ContactType, ContactItem)]| {
                            items
                                .iter()
                                .filter(|(c, _)| *c == t)
                                .cloned()
                                .collect::<Vec<_>>()
                        };
                        assert_eq!(of_type(&defaults.items), of_type(&stored));
                    }
                }
                Ok(())
            })
            .unwrap();
    }
}
