//! Deferred ticket slides. Every successful ticketed call moves its ticket's expiry;
//! writing that to disk each time would turn every read into an fsync. Small slides
//! (the caller decides what is small) are kept here instead, and a ticket's effective
//! expiry is the later of the stored one and its slide. They are written back on a
//! graceful stop, so a crash costs a ticket at most one small slide of its life.

use foldhash::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::writer::Writer;
use super::{to_epoch, StoreError};

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

    /// Writes every slide in one transaction; on failure they stay deferred.
    pub fn flush(&self, writer: &Writer) -> Result<usize, StoreError> {
        let due: Vec<_> = self.map().drain().collect();
        if due.is_empty() {
            return Ok(0);
        }
        let written = writer.run(|conn| {
            let mut stmt = conn.prepare_cached(
                "UPDATE tickets SET expires_at = MAX(expires_at, ?2) WHERE ticket = ?1",
            )?;
            for (ticket, at) in &due {
                stmt.execute(params![ticket, to_epoch(*at)])?;
            }
            Ok::<_, StoreError>(due.len())
        });
        if written.is_err() {
            for (ticket, at) in &due {
                self.defer(ticket, *at);
            }
        }
        written
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
