//! Contact items and the user fields they mirror (spec vendors §4.3, §6), in one place:
//! the user's email is the value of its default Email item and its mobile number that
//! of its default Phone item ("" when the type has no default); a Home Phone item
//! records `phone2`. [`reconcile`] brings the items in line with the fields after any
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

/// Emails compare case-insensitively, phone numbers by their digits (spec D-21).
fn same_value(contact_type: ContactType, a: &str, b: &str) -> bool {
    contact_type.match_key(a) == contact_type.match_key(b)
}

/// The sub-type an item made from `field` gets.
fn linked_sub_type(types: &[ContactItemType], field: LinkedField) -> Option<&str> {
    types
        .iter()
        .find(|t| t.field == Some(field))
        .map(|t| t.sub_type.as_str())
}

/// Makes the items agree with the user's email, mobile and `phone2`; `types` is the
/// catalogue (`Tx::contact_item_types`).
pub fn reconcile(
    tx: &Tx,
    types: &[ContactItemType],
    user: &User,
    phone2: &str,
) -> Result<(), StoreError> {
    let mut defaults = tx.default_contact_items(user.id)?;
    for (contact_type, value, field) in [
        (ContactType::Email, &user.email, LinkedField::Email),
        (ContactType::Phone, &user.mobile, LinkedField::Mobile),
    ] {
        let current = defaults
            .iter()
            .position(|(t, _)| *t == contact_type)
            .map(|i| defaults.swap_remove(i).1);
        let field = LinkedDefault {
            contact_type,
            field,
            current,
        };
        settle_default(tx, user.id, types, field, value)?;
    }
    if phone2.is_empty() {
        return Ok(());
    }
    let Some(sub_type) = linked_sub_type(types, LinkedField::Phone2) else {
        return Ok(());
    };
    if !tx
        .contact_items_like(user.id, ContactType::Phone, phone2)?
        .iter()
        .any(|i| i.sub_type == sub_type)
    {
        tx.save_contact_item(
            user.id,
            &ContactItem {
                id: new_guid(),
                sub_type: sub_type.to_string(),
                value: phone2.to_string(),
                is_default: false,
            },
            ContactType::Phone,
        )?;
    }
    Ok(())
}

/// A user field mirrored by the default item of a contact type.
struct LinkedDefault {
    contact_type: ContactType,
    field: LinkedField,
    /// The type's first default item as stored.
    current: Option<ContactItem>,
}

/// Makes the default item of the field's contact type hold `value`: clearing the field
/// clears the default flag and keeps the item; a new value becomes default on an item
/// that already has it, or on a new item of the field's sub-type.
fn settle_default(
    tx: &Tx,
    user_id: UserId,
    types: &[ContactItemType],
    linked: LinkedDefault,
    value: &str,
) -> Result<(), StoreError> {
    let LinkedDefault {
        contact_type,
        field,
        current,
    } = linked;
    if value.is_empty() {
        if let Some(item) = current {
            let cleared = ContactItem {
                is_default: false,
                ..item
            };
            tx.save_contact_item(user_id, &cleared, contact_type)?;
        }
        return Ok(());
    }
    if let Some(item) = current.filter(|i| same_value(contact_type, &i.value, value)) {
        if item.value != value {
            let respelled = ContactItem {
                value: value.to_string(),
                ..item
            };
            tx.save_contact_item(user_id, &respelled, contact_type)?;
        }
        return Ok(());
    }
    let linked = linked_sub_type(types, field);
    let matching = tx.contact_items_like(user_id, contact_type, value)?;
    let existing = matching
        .iter()
        .find(|i| Some(i.sub_type.as_str()) == linked)
        .or(matching.first());
    let item = match (existing, linked) {
        (Some(item), _) => ContactItem {
            value: value.to_string(),
            is_default: true,
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
    tx.save_contact_item(user_id, &item, contact_type)?;
    tx.clear_other_defaults(user_id, contact_type, &item.id)
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
    reconcile(tx, &types, &current.user, &current.profile.phone2)?;
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
    tx.save_contact_item(user_id, &item, contact_type)?;
    let mut patch = VendorPatch::default();
    let mirrored = match contact_type {
        ContactType::Email => &mut patch.email,
        ContactType::Phone => &mut patch.mobile,
    };
    if item.is_default {
        tx.clear_other_defaults(user_id, contact_type, &item.id)?;
        *mirrored = Some(item.value.clone());
    } else if was_default {
        *mirrored = Some(String::new());
    }
    if kind.field == Some(LinkedField::Phone2) {
        patch.phone2 = Some(item.value.clone());
    }
    vendor_users::apply(tx, user_id, &patch, now)?;
    Ok(Upserted {
        id: item.id,
        added: existing.is_none(),
    })
}

#[cfg(test)]
mod tests {
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
}
