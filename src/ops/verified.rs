//! Passwords recently verified, so a repeated login skips argon2 (SECURITY.md, "Repeated
//! logins"). An entry is a keyed MAC of a stored hash and the password that matched it,
//! the key made at start and never written anywhere: the memo holds no password and no
//! hash, and without the key its entries test no guess. A stored hash carries its own
//! random salt, so a password change, reset, user delete, fixture load or world reset
//! (each writes a new hash or none) leaves the old entries matching nothing: verification
//! is a function of (hash, password), and only that function's `true` is remembered.
//! A wrong password is never remembered, so it always pays a full verification.

use std::collections::VecDeque;
use std::sync::{Mutex, OnceLock, PoisonError};

use argon2::password_hash::rand_core::{OsRng, RngCore};
use blake2::digest::{KeyInit, Mac};
use blake2::Blake2sMac256;
use foldhash::HashSet;

/// Entries kept; the oldest goes first. 32 bytes each, twice: well under a megabyte.
const CAPACITY: usize = 8192;

type Entry = [u8; 32];

pub struct Verified {
    key: [u8; 32],
    seen: Mutex<Seen>,
}

#[derive(Default)]
struct Seen {
    set: HashSet<Entry>,
    order: VecDeque<Entry>,
}

/// The process's memo: entries are bound to a stored hash, so worlds can share it.
pub fn verified() -> &'static Verified {
    static VERIFIED: OnceLock<Verified> = OnceLock::new();
    VERIFIED.get_or_init(|| {
        let mut key = [0u8; 32];
        OsRng.fill_bytes(&mut key);
        Verified {
            key,
            seen: Mutex::default(),
        }
    })
}

impl Verified {
    /// The entry for `password` matching the stored hash `phc`; lengths are framed so
    /// no two pairs share their bytes.
    pub fn entry(&self, phc: &str, password: &str) -> Entry {
        let mut mac = <Blake2sMac256 as KeyInit>::new_from_slice(&self.key)
            .expect("32 bytes is Blake2s's key size");
        mac.update(&(phc.len() as u64).to_le_bytes());
        mac.update(phc.as_bytes());
        mac.update(password.as_bytes());
        mac.finalize().into_bytes().into()
    }

    pub fn contains(&self, entry: &Entry) -> bool {
        self.lock().set.contains(entry)
    }

    pub fn remember(&self, entry: Entry) {
        let mut seen = self.lock();
        if seen.set.insert(entry) {
            seen.order.push_back(entry);
            if seen.order.len() > CAPACITY {
                if let Some(oldest) = seen.order.pop_front() {
                    seen.set.remove(&oldest);
                }
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Seen> {
        self.seen.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_and_bound_to_the_hash() {
        let memo = verified();
        let a = memo.entry("$argon2id$hash-a", "pw");
        assert_ne!(a, memo.entry("$argon2id$hash-b", "pw"));
        assert_ne!(a, memo.entry("$argon2id$hash-a", "pw2"));
        assert_ne!(memo.entry("ab", "c"), memo.entry("a", "bc"));
        memo.remember(a);
        assert!(memo.contains(&a));
        for i in 0..CAPACITY {
            memo.remember(memo.entry("$argon2id$other", &i.to_string()));
        }
        assert!(!memo.contains(&a), "the oldest entry goes first");
        assert!(memo.lock().set.len() <= CAPACITY);
    }
}
