//! Users as the vendor REST APIs see them, written once for all four: finding a user by
//! a vendor's id, and changing a user by the rules every API shares (docs/vendors.md
//! §6). infoRouter's UpdateUserContactInfo comes through here too, so a
//! change made anywhere keeps the verified flags, Conscent's country code and the
//! contact items in step.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::contact_items::{self, Defaults};
use super::error::OpError;
use crate::model::{
    Address, ContactPatch, ProfilePatch, User, UserId, Vendor, VendorPatch, VendorProfile,
};
use crate::store::{StoreError, Tx};

#[derive(Debug, thiserror::Error)]
pub enum VendorOpError {
    #[error("User not found")]
    UserNotFound,
    #[error("several users match")]
    AmbiguousUser,
    #[error("the unique id belongs to another user")]
    UniqueIdTaken,
    #[error("the email address belongs to another user")]
    EmailTaken,
    #[error("unknown contact sub type")]
    UnknownSubType,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// infoRouter's contact methods only ever meet store failures here.
impl From<VendorOpError> for OpError {
    fn from(e: VendorOpError) -> Self {
        match e {
            VendorOpError::UserNotFound => OpError::UserNotFound,
            VendorOpError::Store(e) => e.into(),
            other => OpError::System(other.to_string()),
        }
    }
}

/// A user with the fields only vendors know.
#[derive(Debug, Clone)]
pub struct VendorUser {
    pub user: User,
    pub profile: VendorProfile,
}

pub fn load(tx: &Tx, id: UserId, now: DateTime<Utc>) -> Result<VendorUser, VendorOpError> {
    let user = tx.user_by_id(id)?.ok_or(VendorOpError::UserNotFound)?;
    let profile = tx.vendor_profile(id, now)?;
    Ok(VendorUser {
        user: Arc::unwrap_or_clone(user),
        profile,
    })
}

/// Ids of users who have none stored yet (users created after the fixtures) are
/// derived from the user id, so they are stable and a client can work them out.
const CONSCENT_PREFIX: &str = "665000000000";
const WEBAPI_PREFIX: &str = "00000000-0000-4000-8000-";

fn derived_id(vendor: Vendor, user_id: UserId) -> Option<String> {
    match vendor {
        Vendor::Conscent => Some(format!("{CONSCENT_PREFIX}{user_id:012x}")),
        Vendor::WebApi => Some(format!("{WEBAPI_PREFIX}{user_id:012x}")),
        Vendor::CommBox => Some(user_id.to_string()),
        Vendor::Chatbot => None,
    }
}

fn derived_user(vendor: Vendor, external_id: &str) -> Option<UserId> {
    let hex = |prefix: &str| -> Option<UserId> {
        let head = external_id.get(..prefix.len())?;
        let rest = &external_id[prefix.len()..];
        let well_formed = head.eq_ignore_ascii_case(prefix)
            && rest.len() == 12
            && rest.bytes().all(|b| b.is_ascii_hexdigit());
        well_formed.then(|| UserId::from_str_radix(rest, 16).ok())?
    };
    match vendor {
        Vendor::Conscent => hex(CONSCENT_PREFIX),
        Vendor::WebApi => hex(WEBAPI_PREFIX),
        Vendor::CommBox => external_id.parse().ok(),
        Vendor::Chatbot => None,
    }
}

/// The id `vendor` knows the user by, assigned (derived) on first use.
pub fn external_id(tx: &Tx, user_id: UserId, vendor: Vendor) -> Result<String, VendorOpError> {
    if vendor == Vendor::CommBox {
        return Ok(user_id.to_string());
    }
    if let Some(id) = tx.vendor_id(user_id, vendor)? {
        return Ok(id);
    }
    let id = derived_id(vendor, user_id).ok_or(VendorOpError::UserNotFound)?;
    tx.set_vendor_id(user_id, vendor, &id)?;
    Ok(id)
}

/// The user `vendor` knows by `external_id` (already in the vendor's canonical form).
pub fn find(tx: &Tx, vendor: Vendor, external_id: &str) -> Result<UserId, VendorOpError> {
    if vendor != Vendor::CommBox {
        if let Some(id) = tx.user_id_by_vendor_id(vendor, external_id)? {
            return Ok(id);
        }
    }
    let derived = derived_user(vendor, external_id).ok_or(VendorOpError::UserNotFound)?;
    if tx.user_by_id(derived)?.is_none() {
        return Err(VendorOpError::UserNotFound);
    }
    // A user with a stored id is not also reachable by the derived one. CommBox's id
    // is the number itself, so `003` is user 3, as an int route parameter reads it.
    let assigned = self::external_id(tx, derived, vendor)?;
    if vendor == Vendor::CommBox || assigned.eq_ignore_ascii_case(external_id) {
        Ok(derived)
    } else {
        Err(VendorOpError::UserNotFound)
    }
}

/// The chat user: `uid` as a stored chat link, then as an email address, then `uid` or
/// `user_name` as a login name (docs/vendors.md §1.5).
pub fn find_chat_user(
    tx: &Tx,
    uid: &str,
    user_name: Option<&str>,
) -> Result<UserId, VendorOpError> {
    if let Some(id) = tx.user_id_by_vendor_id(Vendor::Chatbot, uid)? {
        return Ok(id);
    }
    match tx.users_by_email(uid)?.as_slice() {
        [] => {}
        [user] => return Ok(user.id),
        _ => return Err(VendorOpError::AmbiguousUser),
    }
    for name in [Some(uid), user_name].into_iter().flatten() {
        if let Some(user) = tx.user_by_name(name)? {
            return Ok(user.id);
        }
    }
    Err(VendorOpError::UserNotFound)
}

/// Fails with [`VendorOpError::EmailTaken`] when another user has `email`.
pub fn check_email_free(tx: &Tx, user_id: UserId, email: &str) -> Result<(), VendorOpError> {
    if !email.is_empty() && tx.users_by_email(email)?.iter().any(|u| u.id != user_id) {
        return Err(VendorOpError::EmailTaken);
    }
    Ok(())
}

/// Applies `patch` and returns the user as stored afterwards.
pub fn apply(
    tx: &Tx,
    user_id: UserId,
    patch: &VendorPatch,
    now: DateTime<Utc>,
) -> Result<VendorUser, VendorOpError> {
    write_by_id(tx, user_id, patch, now, Items::Behind)
}

/// [`apply`] for a user the caller has just read in this transaction.
pub fn apply_to(
    tx: &Tx,
    user: Arc<User>,
    patch: &VendorPatch,
    now: DateTime<Utc>,
) -> Result<VendorUser, VendorOpError> {
    write(tx, user, patch, now, Items::Behind)
}

/// [`apply`] after the caller has brought the user's contact items in step and then
/// changed them itself (a contact item upsert). Settling them first against the fields
/// as they still are would undo that change, or move it to another item of the same
/// value.
pub fn apply_after_items(
    tx: &Tx,
    user_id: UserId,
    patch: &VendorPatch,
    now: DateTime<Utc>,
) -> Result<VendorUser, VendorOpError> {
    write_by_id(tx, user_id, patch, now, Items::Ahead)
}

/// Where the user's contact items stand against the user's fields before a write.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Items {
    /// They may lag values set before (fixtures, CreateUser): they get items first,
    /// so that an item outlives the value it recorded.
    Behind,
    /// The caller has changed them already; the fields follow them.
    Ahead,
}

fn write_by_id(
    tx: &Tx,
    user_id: UserId,
    patch: &VendorPatch,
    now: DateTime<Utc>,
    items: Items,
) -> Result<VendorUser, VendorOpError> {
    let user = tx.user_by_id(user_id)?.ok_or(VendorOpError::UserNotFound)?;
    write(tx, user, patch, now, items)
}

fn write(
    tx: &Tx,
    user: Arc<User>,
    patch: &VendorPatch,
    now: DateTime<Utc>,
    items: Items,
) -> Result<VendorUser, VendorOpError> {
    // Our own copy to bring up to date: the read cache may share the one read.
    let mut user = Arc::unwrap_or_clone(user);
    let user_id = user.id;
    let mut profile = tx.vendor_profile(user_id, now)?;
    let types = tx.contact_item_types()?;
    let mut defaults = Defaults::load(tx, user_id)?;
    if items == Items::Behind {
        contact_items::reconcile(tx, &types, &mut defaults, &user, &profile.linked_phones())?;
    }
    if let Some(unique) = patch.unique_id.as_deref().filter(|u| !u.is_empty()) {
        if tx
            .user_id_by_unique_id(unique)?
            .is_some_and(|holder| holder != user_id)
        {
            return Err(VendorOpError::UniqueIdTaken);
        }
    }
    // Only the values that change: SQLite rewrites the index entries of every column an
    // UPDATE sets, even to its old value.
    let contact = ContactPatch {
        email: patch.email.clone().filter(|e| *e != user.email),
        mobile: new_mobile(&user, &mut profile, patch).filter(|m| *m != user.mobile),
    };
    // A new address has not been verified, whichever API set it.
    if contact.email.is_some() {
        profile.email_verified = false;
    }
    if contact.mobile.is_some() {
        profile.phone_verified = false;
    }
    tx.update_contact(user_id, &contact)?;
    let names = ProfilePatch {
        first_name: patch.first_name.clone(),
        last_name: patch.last_name.clone(),
        ..ProfilePatch::default()
    };
    if names.first_name.is_some() || names.last_name.is_some() {
        tx.update_profile(user_id, &names)?;
    }
    // The user and profile as stored: the columns take the given values verbatim, so
    // reading them back (joins, JSON) would tell nothing new.
    for (field, value) in [
        (&mut user.email, contact.email),
        (&mut user.mobile, contact.mobile),
        (&mut user.first_name, names.first_name),
        (&mut user.last_name, names.last_name),
    ] {
        if let Some(value) = value {
            *field = value;
        }
    }
    merge(&mut profile, patch, now);
    tx.save_vendor_profile(user_id, &mut profile)?;
    contact_items::reconcile(tx, &types, &mut defaults, &user, &profile.linked_phones())?;
    Ok(VendorUser { user, profile })
}

/// The new mobile number, keeping Conscent's country code in step: a number written
/// whole drops a country code it does not start with.
fn new_mobile(user: &User, profile: &mut VendorProfile, patch: &VendorPatch) -> Option<String> {
    if patch.country_code.is_none() && patch.national_phone.is_none() {
        let mobile = patch.mobile.clone()?;
        if !mobile.starts_with(profile.country_code.as_str()) {
            profile.country_code.clear();
        }
        return Some(mobile);
    }
    let national = match &patch.national_phone {
        Some(phone) => phone.clone(),
        None => {
            // A new code the stored number already starts with is not added twice.
            let stored = profile.national_phone(&user.mobile);
            let new_code = patch.country_code.as_deref();
            new_code
                .and_then(|code| stored.strip_prefix(code))
                .unwrap_or(stored)
                .to_string()
        }
    };
    if let Some(code) = &patch.country_code {
        profile.country_code = code.clone();
    }
    Some(if national.is_empty() {
        String::new()
    } else {
        format!("{}{national}", profile.country_code)
    })
}

fn merge(p: &mut VendorProfile, patch: &VendorPatch, now: DateTime<Utc>) {
    for (field, value) in [
        (&mut p.phone1, &patch.phone1),
        (&mut p.phone2, &patch.phone2),
        (&mut p.remarks, &patch.remarks),
        (&mut p.unique_id, &patch.unique_id),
        (&mut p.gender, &patch.gender),
    ] {
        if let Some(value) = value {
            field.clone_from(value);
        }
    }
    if let Some(date) = patch.date_of_birth {
        p.date_of_birth = date;
    }
    for (key, value) in &patch.content {
        if value.is_empty() {
            p.content.remove(key);
        } else {
            p.content.insert(key.clone(), value.clone());
        }
    }
    for (name, value) in &patch.address {
        if let Some(line) = p.address.line_mut(name) {
            line.clone_from(value);
        }
    }
    for (stored, given) in [
        (&mut p.shipping_addresses, &patch.shipping_addresses),
        (&mut p.billing_addresses, &patch.billing_addresses),
    ] {
        if let Some(list) = given {
            *stored = list.iter().map(|a| with_id(a, now)).collect();
        }
    }
    p.updated_at = now;
}

fn with_id(address: &Address, now: DateTime<Utc>) -> Address {
    let mut address = address.clone();
    if address.id.is_empty() {
        address.id = new_object_id(now);
    }
    address
}

/// A MongoDB-style ObjectId: the time in seconds, then eight random bytes, in hex.
pub fn new_object_id(now: DateTime<Utc>) -> String {
    let random = Uuid::new_v4();
    let bytes = random.as_bytes();
    // Bytes 6 and 8 carry the UUID version and variant; the others are random.
    let mut id = format!("{:08x}", now.timestamp() as u32);
    for b in bytes[..6].iter().chain(&bytes[10..12]) {
        id.push_str(&format!("{b:02x}"));
    }
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_ids_round_trip() {
        for vendor in [Vendor::Conscent, Vendor::WebApi, Vendor::CommBox] {
            let id = derived_id(vendor, 4711).unwrap();
            assert_eq!(derived_user(vendor, &id), Some(4711), "{id}");
        }
        assert_eq!(
            derived_id(Vendor::Conscent, 9).unwrap(),
            "665000000000000000000009"
        );
        assert_eq!(
            derived_id(Vendor::WebApi, 255).unwrap(),
            "00000000-0000-4000-8000-0000000000ff"
        );
        assert_eq!(
            derived_user(Vendor::Conscent, "681c74b2333e169d16a7e583"),
            None
        );
        assert_eq!(derived_user(Vendor::Chatbot, "3"), None);
    }

    /// `apply` keeps the stored user and profile in memory rather than reading them
    /// back: what it returns must be what a fresh read finds, to the millisecond.
    #[test]
    fn apply_returns_what_the_store_then_holds() {
        use chrono::TimeZone;
        let (_dir, store) = crate::store::Store::seeded_for_test();
        let now = Utc.timestamp_nanos(1_790_000_000_123_456_789);
        let born = Utc.timestamp_nanos(315_532_800_987_654_321);
        let address = Address {
            city: "Ghent".into(),
            ..Address::default()
        };
        let patch = VendorPatch {
            first_name: Some("Joan".into()),
            email: Some("Joan.Doe@Example.com".into()),
            mobile: Some("+32 470 12 34 56".into()),
            phone2: Some("+32 9 123 45 67".into()),
            remarks: Some("café".into()),
            content: vec![("plan".into(), "gold".into())],
            date_of_birth: Some(Some(born)),
            address: vec![("city".into(), "Ghent".into())],
            shipping_addresses: Some(vec![address]),
            ..VendorPatch::default()
        };
        store
            .write(|tx| -> Result<(), VendorOpError> {
                let user = tx.user_by_name("jdoe")?.unwrap();
                let applied = apply(tx, user.id, &patch, now)?;
                assert_eq!(applied.user.first_name, "Joan");
                assert_eq!(
                    applied
                        .profile
                        .date_of_birth
                        .unwrap()
                        .timestamp_subsec_nanos()
                        % 1_000_000,
                    0
                );
                let fresh = load(tx, user.id, now)?;
                assert_eq!(applied.user, fresh.user);
                assert_eq!(applied.profile, fresh.profile);
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn object_ids_are_24_hex_digits_and_fresh() {
        let now = Utc::now();
        let a = new_object_id(now);
        assert_eq!(a.len(), 24);
        assert!(a.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_ne!(a, new_object_id(now));
    }
}
