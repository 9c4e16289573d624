//! The one way a user's fields are written, by whichever API: infoRouter's
//! UpdateUserContactInfo and UpdateUserEmail, and the four vendor updates
//! (docs/vendors.md §6, the rules all five APIs share). [`apply`] takes one
//! [`UserChange`] and guarantees, for every caller:
//!
//! - One transaction: it writes through the caller's, and checks everything that can
//!   refuse the change (a unique id or an email another user has, an unknown contact
//!   sub-type) before it writes anything.
//! - A new email address or mobile number is unverified, whichever API set it.
//! - Conscent's country code stays the start of the mobile number: a number written
//!   whole drops a code it does not start with.
//! - The contact items stay in step with the fields they mirror (`contact_items`),
//!   and a value a change replaces keeps its item.
//! - The change is what every API reads next: all five read the same rows, and the
//!   [`Written`] user and profile are those rows as stored.

pub mod change;
pub mod contact_items;
mod fields;
pub mod vendor_ids;

use std::borrow::Cow;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use self::change::UserChange;
use self::contact_items::{ContactItems, Upserted};
use crate::model::{LinkedField, User, UserId, VendorProfile};
use crate::ops::error::OpError;
use crate::store::Tx;

/// The user as stored after a write.
#[derive(Debug, Clone)]
pub struct Written {
    pub user: Arc<User>,
    pub profile: Arc<VendorProfile>,
    /// What the change's contact item did, when it had one.
    pub contact_item: Option<Upserted>,
}

/// Writes `change` to `user`, read in this transaction, and returns the user as stored
/// afterwards. The catalogue and the user's default items are read once and kept in
/// step by every item write made here (`contact_items`).
pub fn apply(
    tx: &Tx,
    user: Arc<User>,
    change: &UserChange,
    now: DateTime<Utc>,
) -> Result<Written, OpError> {
    refuse_conflicts(tx, user.id, change)?;
    let mut items = ContactItems::load(tx, user.id)?;
    let wanted_item = match &change.contact_item {
        Some(wanted) => Some((items.item_type(&wanted.sub_type)?, wanted)),
        None => None,
    };
    // Our own copy to bring up to date: the read cache may share the one read.
    let mut user = Arc::unwrap_or_clone(user);
    let mut profile = tx.vendor_profile(user.id, now)?;
    let before = linked_fields(&user, &profile).map(|(field, value)| (field, value.to_string()));
    // Once per write: the items lag values set outside this path (fixtures,
    // CreateUser). Caught up before the change, such a value keeps an item when the
    // change replaces it.
    items.reconcile(tx, &linked_fields(&user, &profile))?;
    let (contact_item, change) = match wanted_item {
        Some((item_type, wanted)) => {
            let (upserted, mirrored) = items.upsert(tx, &item_type, wanted)?;
            let mut change = change.clone();
            for (field, value) in mirrored {
                change.set(field, value);
            }
            (Some(upserted), Cow::Owned(change))
        }
        None => (None, Cow::Borrowed(change)),
    };
    fields::write(tx, &mut user, &mut profile, &change, now)?;
    // The fields the write left alone are in step since the catch-up.
    for ((field, old), (_, new)) in before.iter().zip(linked_fields(&user, &profile)) {
        if old != new {
            items.record(tx, *field, new)?;
        }
    }
    // The write's last change to the user: the commit keeps the row and the default
    // items cached as they are now, for the next write of this user
    // (`store::batch_changes`).
    let (user, profile) = (Arc::new(user), Arc::new(profile));
    tx.wrote_user(
        Arc::clone(&user),
        Arc::clone(&profile),
        items.into_defaults(),
    );
    Ok(Written {
        user,
        profile,
        contact_item,
    })
}

/// Refuses a change that would take a value another user holds; runs before the
/// first write, so a refused change writes nothing.
fn refuse_conflicts(tx: &Tx, user_id: UserId, change: &UserChange) -> Result<(), OpError> {
    let email = change.email.as_deref().filter(|e| !e.is_empty());
    if let Some(email) = email.filter(|_| change.email_unique) {
        if tx.users_by_email(email)?.iter().any(|u| u.id != user_id) {
            return Err(OpError::EmailTaken);
        }
    }
    if let Some(unique) = change.unique_id.as_deref().filter(|u| !u.is_empty()) {
        if tx
            .user_id_by_unique_id(unique)?
            .is_some_and(|holder| holder != user_id)
        {
            return Err(OpError::UniqueIdTaken);
        }
    }
    Ok(())
}

/// The fields contact items mirror, with their values.
fn linked_fields<'a>(user: &'a User, profile: &'a VendorProfile) -> [(LinkedField, &'a str); 4] {
    let [phone1, phone2] = profile.linked_phones();
    [
        (LinkedField::Email, &user.email),
        (LinkedField::Mobile, &user.mobile),
        phone1,
        phone2,
    ]
}

#[cfg(test)]
mod tests;
