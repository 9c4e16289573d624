//! Finding a user by the id a vendor knows it by (docs/vendors.md §1.5, §6). Users who
//! have no stored id yet (created after the fixtures) get one derived from the user
//! id, so it is stable and a client can work it out.

use std::sync::Arc;

use crate::model::{User, UserId, Vendor};
use crate::ops::error::OpError;
use crate::store::Tx;

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
pub fn external_id(tx: &Tx, user_id: UserId, vendor: Vendor) -> Result<String, OpError> {
    if vendor == Vendor::CommBox {
        return Ok(user_id.to_string());
    }
    if let Some(id) = tx.vendor_id(user_id, vendor)? {
        return Ok(id);
    }
    let id = derived_id(vendor, user_id).ok_or(OpError::UserNotFound)?;
    tx.set_vendor_id(user_id, vendor, &id)?;
    Ok(id)
}

fn existing(tx: &Tx, user_id: UserId) -> Result<Arc<User>, OpError> {
    tx.user_by_id(user_id)?.ok_or(OpError::UserNotFound)
}

/// The user `vendor` knows by `external_id` (already in the vendor's canonical form).
pub fn find_user(tx: &Tx, vendor: Vendor, external_id: &str) -> Result<Arc<User>, OpError> {
    if vendor != Vendor::CommBox {
        if let Some(id) = tx.user_id_by_vendor_id(vendor, external_id)? {
            return existing(tx, id);
        }
    }
    let derived = derived_user(vendor, external_id).ok_or(OpError::UserNotFound)?;
    let user = existing(tx, derived)?;
    // A user with a stored id is not also reachable by the derived one. CommBox's id
    // is the number itself, so `003` is user 3, as an int route parameter reads it.
    let assigned = self::external_id(tx, derived, vendor)?;
    if vendor == Vendor::CommBox || assigned.eq_ignore_ascii_case(external_id) {
        Ok(user)
    } else {
        Err(OpError::UserNotFound)
    }
}

/// The chat user: `uid` as a stored chat link, then as an email address, then `uid` or
/// `user_name` as a login name (docs/vendors.md §1.5).
pub fn find_chat_user(tx: &Tx, uid: &str, user_name: Option<&str>) -> Result<Arc<User>, OpError> {
    if let Some(id) = tx.user_id_by_vendor_id(Vendor::Chatbot, uid)? {
        return existing(tx, id);
    }
    let mut by_email = tx.users_by_email(uid)?;
    match by_email.len() {
        0 => {}
        1 => return Ok(Arc::new(by_email.remove(0))),
        _ => return Err(OpError::AmbiguousUser),
    }
    for name in [Some(uid), user_name].into_iter().flatten() {
        if let Some(user) = tx.user_by_name(name)? {
            return Ok(user);
        }
    }
    Err(OpError::UserNotFound)
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
}
