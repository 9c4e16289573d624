//! `Authorization` headers and the vendors' stored credentials. Each vendor's API opens
//! only with its own credentials; comparisons run in constant time over every stored
//! pair, so timing tells nothing about how close a guess came.

use base64ct::{Base64, Encoding};
use subtle::{Choice, ConstantTimeEq};

use crate::model::Vendor;
use crate::store::{StoreError, Tx};

/// The credentials of an `Authorization` header with `scheme` (any case).
fn credentials<'a>(header: Option<&'a str>, scheme: &str) -> Option<&'a str> {
    let (given, rest) = header?.trim().split_once(' ')?;
    given
        .eq_ignore_ascii_case(scheme)
        .then(|| rest.trim())
        .filter(|c| !c.is_empty())
}

/// `Basic base64(user:password)`.
fn basic(header: Option<&str>) -> Option<(String, String)> {
    let decoded = Base64::decode_vec(credentials(header, "Basic")?).ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (user, password) = text.split_once(':')?;
    Some((user.to_string(), password.to_string()))
}

/// The token of `Bearer <token>`.
pub fn bearer(header: Option<&str>) -> Option<&str> {
    credentials(header, "Bearer")
}

fn known(tx: &Tx, vendor: Vendor, key: &str, secret: &str) -> Result<bool, StoreError> {
    let mut found = Choice::from(0);
    for (k, s) in tx.vendor_credentials(vendor)? {
        found |= k.as_bytes().ct_eq(key.as_bytes()) & s.as_bytes().ct_eq(secret.as_bytes());
    }
    Ok(found.into())
}

/// True when the header is HTTP Basic with one of `vendor`'s (key, secret) pairs.
pub fn basic_ok(tx: &Tx, vendor: Vendor, header: Option<&str>) -> Result<bool, StoreError> {
    match basic(header) {
        Some((key, secret)) => known(tx, vendor, &key, &secret),
        None => Ok(false),
    }
}

/// True when the header is a Bearer token of `vendor`.
pub fn bearer_ok(tx: &Tx, vendor: Vendor, header: Option<&str>) -> Result<bool, StoreError> {
    match bearer(header) {
        Some(token) => known(tx, vendor, token, ""),
        None => Ok(false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_headers_decode() {
        assert_eq!(
            basic(Some("Basic QUNkZW1vOmRlbW8tdG9rZW4=")),
            Some(("ACdemo".into(), "demo-token".into()))
        );
        assert_eq!(
            basic(Some("basic   QUNkZW1vOmRlbW8tdG9rZW4=")),
            Some(("ACdemo".into(), "demo-token".into()))
        );
        for bad in [
            "",
            "Basic",
            "Basic !!!",
            "Bearer QUNkZW1vOmRlbW8tdG9rZW4=",
            "Basic QUNkZW1v",
        ] {
            assert_eq!(basic(Some(bad)), None, "{bad}");
        }
    }

    #[test]
    fn bearer_tokens_are_read() {
        assert_eq!(bearer(Some("Bearer abc")), Some("abc"));
        assert_eq!(bearer(Some("bearer  abc ")), Some("abc"));
        assert_eq!(bearer(Some("Bearer ")), None);
        assert_eq!(bearer(Some("Basic abc")), None);
        assert_eq!(bearer(None), None);
    }
}
