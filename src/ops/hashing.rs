//! Password hashing is slow by design (argon2). A method that hashes runs twice: first
//! on a read snapshot, only to work out its hashes beside other requests, then for real
//! in the single writer, where the same hashes come from this memo. The memo lives for
//! one call only.

use std::cell::RefCell;

use super::secrets::{hash_password, verify_password};

#[derive(Default)]
pub struct HashMemo {
    verified: RefCell<Vec<(String, Option<String>, bool)>>,
    hashed: RefCell<Vec<(String, String)>>,
}

impl HashMemo {
    /// [`verify_password`], worked out once per call.
    pub fn verify(&self, password: &str, hash: Option<&str>) -> bool {
        let memo = &self.verified;
        let known = memo
            .borrow()
            .iter()
            .find(|(p, h, _)| p == password && h.as_deref() == hash)
            .map(|(_, _, ok)| *ok);
        known.unwrap_or_else(|| {
            let ok = verify_password(password, hash);
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
            let hash = hash_password(password);
            memo.borrow_mut().push((password.to_owned(), hash.clone()));
            hash
        })
    }
}
