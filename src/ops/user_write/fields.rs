//! Writing a change's fields: the user row's contact columns and names, and the
//! vendor profile, with the rules that keep them in step.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::change::UserChange;
use crate::model::{Address, ContactPatch, ProfilePatch, User, VendorProfile};
use crate::store::{StoreError, Tx};

/// Writes `change` and brings `user` and `profile` up to what is then stored.
pub(super) fn write(
    tx: &Tx,
    user: &mut User,
    profile: &mut VendorProfile,
    change: &UserChange,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    // Only the values that change: SQLite rewrites the index entries of every column an
    // UPDATE sets, even to its old value.
    let contact = ContactPatch {
        email: change.email.clone().filter(|e| *e != user.email),
        mobile: new_mobile(user, profile, change).filter(|m| *m != user.mobile),
    };
    // A new address has not been verified, whichever API set it.
    if contact.email.is_some() {
        profile.email_verified = false;
    }
    if contact.mobile.is_some() {
        profile.phone_verified = false;
    }
    let names = ProfilePatch {
        first_name: change.first_name.clone(),
        last_name: change.last_name.clone(),
        ..ProfilePatch::default()
    };
    if names.first_name.is_some() || names.last_name.is_some() {
        tx.update_profile(user.id, &names)?;
    }
    merge(profile, change, now);
    tx.save_vendor_profile(user.id, &contact, profile)?;
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
    Ok(())
}

/// The new mobile number, keeping Conscent's country code in step: a number written
/// whole drops a country code it does not start with.
fn new_mobile(user: &User, profile: &mut VendorProfile, change: &UserChange) -> Option<String> {
    if change.country_code.is_none() && change.national_phone.is_none() {
        let mobile = change.mobile.clone()?;
        if !mobile.starts_with(profile.country_code.as_str()) {
            profile.country_code.clear();
        }
        return Some(mobile);
    }
    let national = match &change.national_phone {
        Some(phone) => phone.clone(),
        None => {
            // A new code the stored number already starts with is not added twice.
            let stored = profile.national_phone(&user.mobile);
            let new_code = change.country_code.as_deref();
            new_code
                .and_then(|code| stored.strip_prefix(code))
                .unwrap_or(stored)
                .to_string()
        }
    };
    if let Some(code) = &change.country_code {
        profile.country_code = code.clone();
    }
    Some(if national.is_empty() {
        String::new()
    } else {
        format!("{}{national}", profile.country_code)
    })
}

fn merge(p: &mut VendorProfile, change: &UserChange, now: DateTime<Utc>) {
    for (field, value) in [
        (&mut p.phone1, &change.phone1),
        (&mut p.phone2, &change.phone2),
        (&mut p.remarks, &change.remarks),
        (&mut p.unique_id, &change.unique_id),
        (&mut p.gender, &change.gender),
    ] {
        if let Some(value) = value {
            field.clone_from(value);
        }
    }
    if let Some(date) = change.date_of_birth {
        p.date_of_birth = date;
    }
    for (key, value) in &change.content {
        if value.is_empty() {
            p.content.remove(key);
        } else {
            p.content.insert(key.clone(), value.clone());
        }
    }
    for (name, value) in &change.address {
        if let Some(line) = p.address.line_mut(name) {
            line.clone_from(value);
        }
    }
    for (stored, given) in [
        (&mut p.shipping_addresses, &change.shipping_addresses),
        (&mut p.billing_addresses, &change.billing_addresses),
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
fn new_object_id(now: DateTime<Utc>) -> String {
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
    fn object_ids_are_24_hex_digits_and_fresh() {
        let now = Utc::now();
        let a = new_object_id(now);
        assert_eq!(a.len(), 24);
        assert!(a.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_ne!(a, new_object_id(now));
    }
}
