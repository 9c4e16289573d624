//! Passwords (salted argon2 hashes, never clear text), ticket GUIDs and comparisons
//! of shared secrets.

use std::sync::OnceLock;

use subtle::ConstantTimeEq;
use uuid::Uuid;

use super::argon;
use super::verified::verified;

pub fn hash_password(password: &str) -> String {
    // Hashing only fails for out-of-range parameters, and the defaults are in range.
    argon::hash(password).unwrap_or_default()
}

/// Checks a password against a stored hash. With no hash (an unknown user, or an
/// external-authority account) it still spends a hash's time, so response timing does
/// not tell which user names exist. A password that matched this very hash lately is
/// known without argon2 (`verified.rs`); any other pays a full verification.
pub fn verify_password(password: &str, hash: Option<&str>) -> bool {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let memo = verified();
    let (hash, real) = match hash {
        Some(h) => (h, true),
        None => (
            DUMMY
                .get_or_init(|| hash_password("not a password"))
                .as_str(),
            false,
        ),
    };
    let entry = memo.entry(hash, password);
    if real && memo.contains(&entry) {
        return true;
    }
    let ok = argon::verify(password, hash) && real;
    if ok {
        memo.remember(entry);
    }
    ok
}

/// Whether `password` matched the stored `hash` lately, known without argon2: the
/// first half of [`verify_password`], for a caller that may not hash. `false` says
/// only that it is not known.
pub fn verified_lately(password: &str, hash: Option<&str>) -> bool {
    let memo = verified();
    hash.is_some_and(|hash| memo.contains(&memo.entry(hash, password)))
}

pub fn secrets_equal(given: &str, expected: &str) -> bool {
    given.as_bytes().ct_eq(expected.as_bytes()).into()
}

/// A new ticket or reset secret: a random (CSPRNG) GUID in .NET's lower-case form.
pub fn new_guid() -> String {
    Uuid::new_v4().hyphenated().to_string()
}

/// The canonical form of a GUID-shaped string, or `None` when it is not a GUID.
pub fn parse_guid(text: &str) -> Option<String> {
    Uuid::parse_str(text.trim())
        .ok()
        .map(|u| u.hyphenated().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_round_trip_and_salted() {
        let a = hash_password("s3cret");
        let b = hash_password("s3cret");
        assert_ne!(a, b, "salt makes equal passwords hash differently");
        assert!(!a.contains("s3cret"));
        assert!(verify_password("s3cret", Some(&a)));
        assert!(!verify_password("S3cret", Some(&a)));
        assert!(!verify_password("s3cret", None));
    }

    #[test]
    fn guids_are_canonical() {
        assert_eq!(
            parse_guid("{3F2A1B4C-5D6E-7F8A-9B0C-1D2E3F4A5B6C}").as_deref(),
            Some("3f2a1b4c-5d6e-7f8a-9b0c-1d2e3f4a5b6c")
        );
        assert_eq!(parse_guid("not-a-guid"), None);
        assert_ne!(new_guid(), new_guid());
    }
}
