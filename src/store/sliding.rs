//! Deferred ticket slides. Every successful ticketed call moves its ticket's expiry;
//! writing that to disk each time would turn every read into an fsync. Slides that
//! move a ticket only a little past its stored expiry are kept here instead, and the
//! ticket's effective expiry is the later of the two. The store writes them back on a
//! graceful stop; a crash loses at most the caller's slack (see `ops::Service`).

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Utc};

#[derive(Default)]
pub(super) struct DeferredSlides {
    latest: Mutex<HashMap<String, DateTime<Utc>>>,
}

impl DeferredSlides {
    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<String, DateTime<Utc>>> {
        // Every update is a single insert or remove: a poisoned map is still whole.
        self.latest.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The later of `stored` and any deferred slide of `ticket`.
    pub fn effective(&self, ticket: &str, stored: DateTime<Utc>) -> DateTime<Utc> {
        match self.map().get(ticket) {
            Some(&deferred) if deferred > stored => deferred,
            _ => stored,
        }
    }

    pub fn defer(&self, ticket: &str, expires_at: DateTime<Utc>) {
        let mut map = self.map();
        match map.get_mut(ticket) {
            Some(at) => *at = (*at).max(expires_at),
            None => {
                map.insert(ticket.to_owned(), expires_at);
            }
        }
    }

    pub fn forget(&self, ticket: &str) {
        self.map().remove(ticket);
    }

    /// Drops slides of tickets that have expired anyway.
    pub fn forget_expired(&self, now: DateTime<Utc>) {
        self.map().retain(|_, at| *at > now);
    }

    /// Every deferred slide, for writing back.
    pub fn drain(&self) -> Vec<(String, DateTime<Utc>)> {
        self.map().drain().collect()
    }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;

    #[test]
    fn effective_expiry_is_the_later_one() {
        let slides = DeferredSlides::default();
        let stored = Utc::now();
        assert_eq!(slides.effective("t", stored), stored);
        slides.defer("t", stored + Duration::seconds(5));
        slides.defer("t", stored + Duration::seconds(3));
        assert_eq!(slides.effective("t", stored), stored + Duration::seconds(5));
        assert_eq!(
            slides.effective("t", stored + Duration::days(1)),
            stored + Duration::days(1)
        );
        slides.forget_expired(stored + Duration::seconds(6));
        assert_eq!(slides.effective("t", stored), stored);
    }
}
