//! Argon2 over a fixed set of work areas. Each hash or verification fills about 19 MiB
//! (the crate's default memory cost, kept as it is); allocating that per call let 64
//! concurrent logins take the server to 632 MB. Here a call borrows one of as many areas
//! as the machine has cores, waiting for one when all are busy: the hashes are the same,
//! a login waits in line instead of thrashing, and the memory is bounded once and for all.

use std::sync::{Condvar, Mutex, OnceLock, PoisonError};
use std::thread::available_parallelism;

use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};

/// Areas made so far and those not borrowed; at most `limit` are ever made.
struct Areas {
    free: Mutex<(usize, Vec<Vec<Block>>)>,
    returned: Condvar,
    limit: usize,
}

fn areas() -> &'static Areas {
    static AREAS: OnceLock<Areas> = OnceLock::new();
    AREAS.get_or_init(|| Areas {
        free: Mutex::default(),
        returned: Condvar::new(),
        limit: available_parallelism().map_or(1, |n| n.get()),
    })
}

impl Areas {
    fn borrow(&self) -> Vec<Block> {
        let mut free = self.free.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            if let Some(area) = free.1.pop() {
                return area;
            }
            if free.0 < self.limit {
                free.0 += 1;
                return Vec::new();
            }
            free = self
                .returned
                .wait(free)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }

    fn give_back(&self, area: Vec<Block>) {
        let mut free = self.free.lock().unwrap_or_else(PoisonError::into_inner);
        free.1.push(area);
        self.returned.notify_one();
    }
}

/// Argon2 of `password` and `salt` into `out`, in a borrowed work area.
fn fill(argon: &Argon2, password: &str, salt: &[u8], out: &mut [u8]) -> bool {
    let areas = areas();
    let mut area = areas.borrow();
    let blocks = argon.params().block_count();
    if area.len() < blocks {
        area.resize(blocks, Block::default());
    }
    let done = argon.hash_password_into_with_memory(password.as_bytes(), salt, out, &mut area);
    areas.give_back(area);
    done.is_ok()
}

/// A new salted hash of `password` in the PHC string format, with the default parameters.
pub fn hash(password: &str) -> Option<String> {
    let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    let argon = Argon2::default();
    let mut salt_bytes = [0u8; 64];
    let salt_bytes = salt.as_salt().decode_b64(&mut salt_bytes).ok()?;
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    if !fill(&argon, password, salt_bytes, &mut out) {
        return None;
    }
    let phc = PasswordHash {
        algorithm: Algorithm::default().ident(),
        version: Some(Version::default().into()),
        params: ParamsString::try_from(argon.params()).ok()?,
        salt: Some(salt.as_salt()),
        hash: Some(Output::new(&out).ok()?),
    };
    Some(phc.to_string())
}

/// Whether `password` hashes to `phc` (a PHC string) with the parameters it names. The
/// outputs are compared in constant time (`Output`'s equality).
pub fn verify(password: &str, phc: &str) -> bool {
    let check = || {
        let parsed = PasswordHash::new(phc).ok()?;
        let (salt, expected) = (parsed.salt?, parsed.hash?);
        let algorithm = Algorithm::try_from(parsed.algorithm).ok()?;
        let version = match parsed.version {
            Some(v) => Version::try_from(v).ok()?,
            None => Version::default(),
        };
        let argon = Argon2::new(algorithm, version, Params::try_from(&parsed).ok()?);
        let mut salt_bytes = [0u8; 64];
        let salt_bytes = salt.decode_b64(&mut salt_bytes).ok()?;
        let mut out = vec![0u8; expected.len()];
        let filled = fill(&argon, password, salt_bytes, &mut out);
        Some(filled && Output::new(&out).ok()? == expected)
    };
    check().unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::PasswordVerifier;

    #[test]
    fn agrees_with_the_argon2_crate() {
        let ours = hash("s3cret").unwrap();
        let parsed = PasswordHash::new(&ours).unwrap();
        assert!(Argon2::default()
            .verify_password(b"s3cret", &parsed)
            .is_ok());
        let theirs = {
            use argon2::PasswordHasher;
            let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
            Argon2::default()
                .hash_password(b"s3cret", &salt)
                .unwrap()
                .to_string()
        };
        assert!(verify("s3cret", &theirs));
        assert!(!verify("S3cret", &theirs));
        assert!(!verify("s3cret", "not a hash"));
    }
}
