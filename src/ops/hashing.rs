//! Password hashing is slow by design (argon2) and must not hold up the single writer.
//! Every writing call first runs on the writer with a memo that refuses to hash: a
//! password verified lately is known without argon2 (`verified.rs`), and that is all a
//! repeated login needs. A call that needs argon2 is marked here, rolled back, and
//! rehearsed on a read snapshot beside other requests, only to work out its hashes;
//! then it runs on the writer again, where the same hashes come from this memo. The
//! memo lives for one call only.

use std::cell::{Cell, RefCell};

use super::secrets::{hash_password, verified_lately, verify_password};

pub struct HashMemo {
    verified: RefCell<Vec<(String, Option<String>, bool)>>,
    hashed: RefCell<Vec<(String, String)>>,
    /// Whether argon2 may run: not on the writer's first run.
    may_hash: bool,
    /// Set when a call asked for a hash or verification it could not have.
    missed: Cell<bool>,
}

impl HashMemo {
    /// For a run on the writer: only what is known without argon2.
    pub fn on_writer() -> HashMemo {
        HashMemo::new(false)
    }

    /// For a read or a rehearsal: hashes as asked, kept for the writer.
    pub fn hashing() -> HashMemo {
        HashMemo::new(true)
    }

    fn new(may_hash: bool) -> HashMemo {
        HashMemo {
            verified: RefCell::default(),
            hashed: RefCell::default(),
            may_hash,
            missed: Cell::new(false),
        }
    }

    /// Whether the call needed argon2 that it was not allowed: its outcome is void.
    pub fn missed(&self) -> bool {
        self.missed.get()
    }

    /// Lets argon2 run, for the rehearsal of a call that missed.
    pub fn allow_hashing(&mut self) {
        self.may_hash = true;
        self.missed.set(false);
    }

    /// [`verify_password`], worked out once per call.
    pub fn verify(&self, password: &str, hash: Option<&str>) -> bool {
        let memo = &self.verified;
        let known = memo
            .borrow()
            .iter()
            .find(|(p, h, _)| p == password && h.as_deref() == hash)
            .map(|(_, _, ok)| *ok);
        known.unwrap_or_else(|| {
            let ok = if self.may_hash {
                verify_password(password, hash)
            } else if verified_lately(password, hash) {
                true
            } else {
                self.missed.set(true);
                return false;
            };
            memo.borrow_mut()
                .push((password.to_owned(), hash.map(str::to_owned), ok));
            ok
        })
    }

    /// [`hash_password`], worked out once per call: the rehearsal's salt is kept.
    pub fn hash(&self, password: &str) -> String {
        let memo = &self.hashed;
        let known = memo
            .borrow()
            .iter()
            .find(|(p, _)| p == password)
            .map(|(_, h)| h.clone());
        known.unwrap_or_else(|| {
            if !self.may_hash {
                self.missed.set(true);
                return String::new();
            }
            let hash = hash_password(password);
            memo.borrow_mut().push((password.to_owned(), hash.clone()));
            hash
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_writers_memo_knows_only_lately_verified_passwords_and_never_hashes() {
        let stored = hash_password("right");
        let memo = HashMemo::on_writer();
        assert!(!memo.verify("right", Some(&stored)));
        assert!(memo.missed(), "an unknown password needs argon2");

        let mut rehearsal = memo;
        rehearsal.allow_hashing();
        assert!(rehearsal.verify("right", Some(&stored)));
        assert!(!rehearsal.verify("wrong", Some(&stored)));
        assert!(!rehearsal.missed());

        // Verified once, the password is known to the next call's writer run.
        let next = HashMemo::on_writer();
        assert!(next.verify("right", Some(&stored)));
        assert!(!next.missed());
        assert!(!next.verify("wrong", Some(&stored)));
        assert!(next.missed(), "a wrong password still pays argon2");

        let creating = HashMemo::on_writer();
        assert_eq!(creating.hash("new"), "");
        assert!(creating.missed());
    }

    #[test]
    fn a_rehearsals_hash_is_the_one_the_writer_stores() {
        let mut call = HashMemo::on_writer();
        call.hash("new");
        call.allow_hashing();
        let rehearsed = call.hash("new");
        assert!(verify_password("new", Some(&rehearsed)));
        assert_eq!(call.hash("new"), rehearsed);
    }
}
