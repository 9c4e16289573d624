//! The vendors' credentials, kept in memory between the fixture loads that change them.
//! Every vendor call checks its credentials before anything else, on a read snapshot so
//! that a refused call never waits for the writer. Read from SQLite, that check began a
//! snapshot on every update, and each commit then had to end it: the vendor updates ran
//! at about two thirds of their former rate (BENCHMARKS.md, "The house refactor").
//! Answered from here, the check touches no connection at all.
//!
//! The rule is the read cache's: an entry serves only while no change has begun since
//! it was read. Credentials change only when a fixture set is loaded (start-up seeding,
//! reset, `POST /__emulator/fixtures`), and those loads run inside [`CredentialCache::changing`].

use std::sync::atomic::{AtomicU64, Ordering::SeqCst};
use std::sync::{Arc, Mutex};

/// Every vendor's credentials: (vendor key, key, secret).
pub type Credentials = Vec<(String, String, String)>;

#[derive(Default)]
pub struct CredentialCache {
    /// Odd while a change is under way; moved before and after each change.
    version: AtomicU64,
    entry: Mutex<Option<(u64, Arc<Credentials>)>>,
}

impl CredentialCache {
    /// The version to read under, and the credentials when they are known for it.
    pub fn get(&self) -> (u64, Option<Arc<Credentials>>) {
        let version = self.version.load(SeqCst);
        let entry = self.entry.lock().unwrap_or_else(|p| p.into_inner());
        let found = entry
            .as_ref()
            .filter(|(read_under, _)| *read_under == version)
            .map(|(_, credentials)| Arc::clone(credentials));
        (version, found)
    }

    /// Keeps what was read under `version`, unless a change has begun since (or was
    /// under way): those rows may be older than the change.
    pub fn fill(&self, version: u64, credentials: Arc<Credentials>) {
        let mut entry = self.entry.lock().unwrap_or_else(|p| p.into_inner());
        if version.is_multiple_of(2) && self.version.load(SeqCst) == version {
            *entry = Some((version, credentials));
        }
    }

    /// Runs `change`, which may write credentials, so that nothing read before it ends
    /// is served after it.
    pub fn changing<T>(&self, change: impl FnOnce() -> T) -> T {
        self.version.fetch_add(1, SeqCst);
        let out = change();
        self.version.fetch_add(1, SeqCst);
        *self.entry.lock().unwrap_or_else(|p| p.into_inner()) = None;
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn credentials(secret: &str) -> Arc<Credentials> {
        Arc::new(vec![("chatbot".into(), "key".into(), secret.into())])
    }

    #[test]
    fn an_entry_read_before_a_change_is_never_served_after_it() {
        let cache = CredentialCache::default();
        let (version, found) = cache.get();
        assert!(found.is_none());
        cache.fill(version, credentials("old"));
        assert_eq!(cache.get().1, Some(credentials("old")));
        // Read under the old version, kept only after the change began: refused.
        cache.changing(|| cache.fill(version, credentials("old")));
        assert!(cache.get().1.is_none());
        // Read while the change is under way: refused too.
        cache.changing(|| {
            let (during, _) = cache.get();
            cache.fill(during, credentials("half"));
            assert!(cache.get().1.is_none());
        });
        let (after, _) = cache.get();
        cache.fill(after, credentials("new"));
        assert_eq!(cache.get().1, Some(credentials("new")));
    }
}
