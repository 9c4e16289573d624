//! The vendors' credentials and the contact item catalogue, kept in memory between the fixture loads that change them.
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

use crate::model::ContactItemType;

/// Every vendor's credentials: (vendor key, key, secret).
pub type Credentials = Vec<(String, String, String)>;

/// The contact item catalogue, in the order it was loaded. It comes with the vendors'
/// fixtures too, and every contact write reads it (issue 21: one statement of a
/// steady-state update), so it is kept here by the same rule.
pub type Catalogue = Vec<ContactItemType>;

#[derive(Default)]
pub struct CredentialCache {
    /// Odd while a change is under way; moved before and after each change.
    version: AtomicU64,
    entry: Slot<Credentials>,
    catalogue: Slot<Catalogue>,
}

/// One value and the version it was read under.
struct Slot<T>(Mutex<Option<(u64, Arc<T>)>>);

impl<T> Default for Slot<T> {
    fn default() -> Self {
        Slot(Mutex::new(None))
    }
}

impl<T> Slot<T> {
    fn get(&self, version: u64) -> Option<Arc<T>> {
        let entry = self.0.lock().unwrap_or_else(|p| p.into_inner());
        entry
            .as_ref()
            .filter(|(read_under, _)| *read_under == version)
            .map(|(_, value)| Arc::clone(value))
    }

    fn set(&self, value: Option<(u64, Arc<T>)>) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = value;
    }
}

impl CredentialCache {
    /// The version to read under, and the credentials when they are known for it.
    pub fn get(&self) -> (u64, Option<Arc<Credentials>>) {
        let version = self.version.load(SeqCst);
        (version, self.entry.get(version))
    }

    /// Keeps what was read under `version`, unless a change has begun since (or was
    /// under way): those rows may be older than the change.
    pub fn fill(&self, version: u64, credentials: Arc<Credentials>) {
        self.keep(&self.entry, version, credentials);
    }

    /// [`CredentialCache::get`] for the catalogue.
    pub fn catalogue(&self) -> (u64, Option<Arc<Catalogue>>) {
        let version = self.version.load(SeqCst);
        (version, self.catalogue.get(version))
    }

    /// [`CredentialCache::fill`] for the catalogue.
    pub fn fill_catalogue(&self, version: u64, catalogue: Arc<Catalogue>) {
        self.keep(&self.catalogue, version, catalogue);
    }

    fn keep<T>(&self, slot: &Slot<T>, version: u64, value: Arc<T>) {
        let mut entry = slot.0.lock().unwrap_or_else(|p| p.into_inner());
        if version.is_multiple_of(2) && self.version.load(SeqCst) == version {
            *entry = Some((version, value));
        }
    }

    /// Runs `change`, which may write credentials or the catalogue, so that nothing
    /// read before it ends is served after it.
    pub fn changing<T>(&self, change: impl FnOnce() -> T) -> T {
        self.version.fetch_add(1, SeqCst);
        let out = change();
        self.version.fetch_add(1, SeqCst);
        self.entry.set(None);
        self.catalogue.set(None);
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
