//! Deferred ticket writes. Every successful ticketed call moves its ticket's expiry;
//! writing that to disk each time would turn every read into an fsync. Small slides
//! (the caller decides what is small) are kept here instead, and a ticket's effective
//! expiry is the later of the stored one and its slide. A ticket seen expired is
//! evicted here too (docs/compatibility.md B1.5: it cannot be recovered, even when the emulator's clock
//! is moved back), since the reading call that sees it cannot delete it. Both are
//! written back on a graceful stop, so a crash costs a ticket at most one small slide
//! of its life.

use foldhash::{HashMap, HashSet};
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::epoch::to_epoch;
use super::error::StoreError;
use super::writer::Writer;

#[derive(Default)]
pub(super) struct DeferredSlides {
    state: Mutex<Deferred>,
}

#[derive(Default)]
struct Deferred {
    /// Expiries moved past the stored ones.
    latest: HashMap<String, DateTime<Utc>>,
    /// Tickets seen expired whose rows may still be stored.
    evicted: HashSet<String>,
}

impl DeferredSlides {
    fn state(&self) -> std::sync::MutexGuard<'_, Deferred> {
        // Every update is a single insert or remove: a poisoned state is still whole.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The later of `stored` and any deferred slide of `ticket`; `None` once the
    /// ticket was evicted.
    pub fn effective(&self, ticket: &str, stored: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let state = self.state();
        if state.evicted.contains(ticket) {
            return None;
        }
        Some(match state.latest.get(ticket) {
            Some(&deferred) if deferred > stored => deferred,
            _ => stored,
        })
    }

    pub fn defer(&self, ticket: &str, expires_at: DateTime<Utc>) {
        let mut state = self.state();
        match state.latest.get_mut(ticket) {
            Some(at) => *at = (*at).max(expires_at),
            None => {
                state.latest.insert(ticket.to_owned(), expires_at);
            }
        }
    }

    /// Ends an expired ticket for good; its row goes at the next purge or flush.
    pub fn evict(&self, ticket: &str) {
        let mut state = self.state();
        state.latest.remove(ticket);
        state.evicted.insert(ticket.to_owned());
    }

    pub fn forget(&self, ticket: &str) {
        let mut state = self.state();
        state.latest.remove(ticket);
        state.evicted.remove(ticket);
    }

    /// Drops slides of tickets that have expired anyway.
    pub fn forget_expired(&self, now: DateTime<Utc>) {
        self.state().latest.retain(|_, at| *at > now);
    }

    /// The evicted tickets, whose rows are to be deleted.
    pub fn evicted(&self) -> Vec<String> {
        self.state().evicted.iter().cloned().collect()
    }

    /// Forgets evictions whose rows are deleted.
    pub fn forget_evicted(&self, tickets: &[String]) {
        let mut state = self.state();
        for ticket in tickets {
            state.evicted.remove(ticket);
        }
    }

    /// Writes every slide and eviction in one transaction; on failure they stay
    /// deferred.
    pub fn flush(&self, writer: &Writer) -> Result<usize, StoreError> {
        let (due, evicted): (Vec<_>, Vec<_>) = {
            let mut state = self.state();
            (
                state.latest.drain().collect(),
                state.evicted.drain().collect(),
            )
        };
        if due.is_empty() && evicted.is_empty() {
            return Ok(0);
        }
        let written = writer.run(|conn| {
            let mut slide = conn.prepare_cached(
                "UPDATE tickets SET expires_at = MAX(expires_at, ?2) WHERE ticket = ?1",
            )?;
            for (ticket, at) in &due {
                slide.execute(params![ticket, to_epoch(*at)])?;
            }
            delete_tickets(conn, &evicted)?;
            Ok::<_, StoreError>(due.len() + evicted.len())
        });
        if written.is_err() {
            for (ticket, at) in &due {
                self.defer(ticket, *at);
            }
            for ticket in &evicted {
                self.evict(ticket);
            }
        }
        written
    }
}

pub(super) fn delete_tickets(
    conn: &rusqlite::Connection,
    tickets: &[String],
) -> Result<usize, StoreError> {
    let mut delete = conn.prepare_cached("DELETE FROM tickets WHERE ticket = ?1")?;
    let mut deleted = 0;
    for ticket in tickets {
        deleted += delete.execute([ticket])?;
    }
    Ok(deleted)
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;

    #[test]
    fn effective_expiry_is_the_later_one() {
        let slides = DeferredSlides::default();
        let stored = Utc::now();
        assert_eq!(slides.effective("t", stored), Some(stored));
        slides.defer("t", stored + Duration::seconds(5));
        slides.defer("t", stored + Duration::seconds(3));
        assert_eq!(
            slides.effective("t", stored),
            Some(stored + Duration::seconds(5))
        );
        assert_eq!(
            slides.effective("t", stored + Duration::days(1)),
            Some(stored + Duration::days(1))
        );
        slides.forget_expired(stored + Duration::seconds(6));
        assert_eq!(slides.effective("t", stored), Some(stored));
    }

    #[test]
    fn an_evicted_ticket_stays_gone_until_its_row_is_deleted() {
        let slides = DeferredSlides::default();
        let stored = Utc::now();
        slides.defer("t", stored + Duration::seconds(5));
        slides.evict("t");
        assert_eq!(slides.effective("t", stored + Duration::days(1)), None);
        let evicted = slides.evicted();
        assert_eq!(evicted, vec!["t".to_string()]);
        slides.forget_evicted(&evicted);
        assert_eq!(slides.effective("t", stored), Some(stored));
    }
}
