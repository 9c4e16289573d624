//! Password hashing is slow by design (argon2) and must not hold up the single writer.
//! Every writing call first runs on the writer with a memo that does not hash: a
//! password verified lately is known without argon2 (`verified.rs`), and that is all a
//! repeated login needs. A verification or hash the memo cannot give is noted as
//! wanted, and the call is rolled back; [`HashMemo::work_out`] computes exactly those
//! on the blocking pool, beside other requests, and the call runs on the writer again,
//! where they come from this memo. The memo lives for one call only.

use std::cell::RefCell;

use super::secrets::{hash_password, verified_lately, verify_password};

/// Rounds of wanted hashes after which the writer hashes for itself. A call wants new
/// ones only when a result changes its way (a verified old password lets it on to
/// hash the new one) or its user's stored hash changed under it.
const ROUNDS: u32 = 3;

pub struct HashMemo {
    verified: RefCell<Vec<(String, Option<String>, bool)>>,
    hashed: RefCell<Vec<(String, String)>>,
    /// Whether argon2 may run where the call runs: not on the writer.
    may_hash: bool,
    /// What the call asked for and could not have.
    wanted: RefCell<Vec<Wanted>>,
    rounds: u32,
}

enum Wanted {
    Verify(String, Option<String>),
    Hash(String),
}

impl HashMemo {
    /// For a run on the writer: only what is known without argon2.
    pub fn on_writer() -> HashMemo {
        HashMemo::new(false)
    }

    /// For a read: hashes as asked.
    pub fn hashing() -> HashMemo {
        HashMemo::new(true)
    }

    fn new(may_hash: bool) -> HashMemo {
        HashMemo {
            verified: RefCell::default(),
            hashed: RefCell::default(),
            may_hash,
            wanted: RefCell::default(),
            rounds: 0,
        }
    }

    /// Whether the call needed argon2 that it could not have: its outcome is void.
    pub fn missed(&self) -> bool {
        !self.wanted.borrow().is_empty()
    }

    /// Computes what the call wanted (argon2: blocks), for its next run.
    pub fn work_out(&mut self) {
        for wanted in self.wanted.get_mut().drain(..) {
            match wanted {
                Wanted::Verify(password, hash) => {
                    let ok = verify_password(&password, hash.as_deref());
                    self.verified.get_mut().push((password, hash, ok));
                }
                Wanted::Hash(password) => {
                    let hash = hash_password(&password);
                    self.hashed.get_mut().push((password, hash));
                }
            }
        }
        self.rounds += 1;
        self.may_hash |= self.rounds >= ROUNDS;
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
                let wanted = Wanted::Verify(password.to_owned(), hash.map(str::to_owned));
                self.wanted.borrow_mut().push(wanted);
                return false;
            };
            memo.borrow_mut()
                .push((password.to_owned(), hash.map(str::to_owned), ok));
            ok
        })
    }

    /// [`hash_password`], worked out once per call: the salt of the first is kept.
    pub fn hash(&self, password: &str) -> String {
        let memo = &self.hashed;
        let known = memo
            .borrow()
            .iter()
            .find(|(p, _)| p == password)
            .map(|(_, h)| h.clone());
        known.unwrap_or_else(|| {
            if !self.may_hash {
                self.wanted
                    .borrow_mut()
                    .push(Wanted::Hash(password.to_owned()));
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
    fn the_writers_memo_wants_what_it_does_not_know_and_never_hashes() {
        let stored = hash_password("right");
        let mut memo = HashMemo::on_writer();
        assert!(!memo.verify("right", Some(&stored)));
        assert!(!memo.verify("wrong", Some(&stored)));
        assert!(!memo.verify("anyone", None));
        assert_eq!(memo.hash("new"), "");
        assert!(memo.missed(), "each needs argon2");

        memo.work_out();
        assert!(!memo.missed());
        assert!(memo.verify("right", Some(&stored)));
        assert!(!memo.verify("wrong", Some(&stored)));
        assert!(!memo.verify("anyone", None));
        let hashed = memo.hash("new");
        assert!(verify_password("new", Some(&hashed)));
        assert_eq!(memo.hash("new"), hashed, "one salt per call");
        assert!(!memo.missed());
    }

    #[test]
    fn a_password_verified_lately_is_known_to_the_next_calls_writer_run() {
        let stored = hash_password("again");
        let mut first = HashMemo::on_writer();
        first.verify("again", Some(&stored));
        first.work_out();

        let next = HashMemo::on_writer();
        assert!(next.verify("again", Some(&stored)));
        assert!(!next.missed());
        assert!(!next.verify("wrong", Some(&stored)));
        assert!(next.missed(), "a wrong password still pays argon2");
    }

    #[test]
    fn after_its_rounds_a_call_hashes_where_it_runs() {
        let mut memo = HashMemo::on_writer();
        for round in 0..ROUNDS {
            memo.hash(&format!("changed {round}"));
            assert!(memo.missed());
            memo.work_out();
        }
        assert!(!memo.hash("once more").is_empty());
        assert!(!memo.missed());
    }
}
