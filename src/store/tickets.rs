//! Sessions: persisted, so a restart keeps every ticket that was valid.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};

use super::batch_changes::SessionRow;
use super::epoch::{from_epoch, to_epoch};
use super::error::StoreError;
use super::handle::Store;
use super::tx::Tx;
use crate::model::{Session, UserId};

impl Tx<'_> {
    /// Stores a new ticket, and tells the batch the row it left, so that the commit
    /// keeps the session cached for the calls that follow a login (`batch_changes`).
    pub fn insert_ticket(
        &self,
        ticket: &str,
        user_id: UserId,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
        language: &str,
    ) -> Result<(), StoreError> {
        let expires_at = to_epoch(expires_at);
        self.conn
            .prepare_cached(
                "INSERT INTO tickets (ticket, user_id, issued_at, expires_at, language)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                ticket,
                user_id,
                to_epoch(now),
                expires_at,
                language
            ])?;
        if let Some(cache) = self.cache {
            let row = SessionRow {
                user_id,
                expires_at: from_epoch(expires_at),
                rowid: self.conn.last_insert_rowid(),
            };
            cache.wrote_ticket(ticket, row);
        }
        Ok(())
    }

    /// The session for `ticket` if it exists and has not expired at `now`, counting
    /// its deferred slides.
    pub fn live_session(
        &self,
        ticket: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Session>, StoreError> {
        let row = match self.cache.and_then(|c| c.session(ticket)) {
            Some(row) => Some(row),
            None => {
                let row = self
                    .conn
                    .prepare_cached(
                        "SELECT user_id, expires_at, rowid FROM tickets WHERE ticket = ?1",
                    )?
                    .query_row([ticket], |r| {
                        Ok(SessionRow {
                            user_id: r.get(0)?,
                            expires_at: from_epoch(r.get(1)?),
                            rowid: r.get(2)?,
                        })
                    })
                    .optional()?;
                if let (Some(cache), Some(row)) = (self.cache, row) {
                    cache.put_session(ticket, row);
                }
                row
            }
        };
        Ok(row.and_then(|row| {
            let (user_id, stored) = (row.user_id, row.expires_at);
            let expires_at = self.slides.effective(ticket, stored)?;
            if expires_at <= now {
                // An expired ticket is evicted (docs/compatibility.md B1.5): moving the clock back
                // must not revive it.
                self.slides.evict(ticket);
                return None;
            }
            Some(Session {
                ticket: ticket.to_owned(),
                user_id,
                expires_at,
                stored_expires_at: stored,
            })
        }))
    }

    pub fn extend_ticket(
        &self,
        ticket: &str,
        expires_at: DateTime<Utc>,
        language: Option<&str>,
    ) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "UPDATE tickets SET expires_at = ?2, language = COALESCE(?3, language)
                 WHERE ticket = ?1",
            )?
            .execute(params![ticket, to_epoch(expires_at), language])?;
        Ok(())
    }

    /// Removes a ticket; true when it existed.
    pub fn delete_ticket(&self, ticket: &str) -> Result<bool, StoreError> {
        self.slides.forget(ticket);
        Ok(self
            .conn
            .prepare_cached("DELETE FROM tickets WHERE ticket = ?1")?
            .execute([ticket])?
            > 0)
    }

    /// Forgets tickets that expired before `now`, or were evicted, so the table does
    /// not grow forever.
    pub fn purge_expired_tickets(&self, now: DateTime<Utc>) -> Result<usize, StoreError> {
        self.slides.forget_expired(now);
        let expired = self
            .conn
            .prepare_cached("DELETE FROM tickets WHERE expires_at <= ?1")?
            .execute([to_epoch(now)])?;
        // Forgotten only once deleted: on a read-only snapshot the delete fails first.
        let evicted = self.slides.evicted();
        let deleted = super::sliding::delete_tickets(&self.conn, &evicted)?;
        self.slides.forget_evicted(&evicted);
        Ok(expired + deleted)
    }
}

impl Store {
    /// Moves `ticket`'s expiry to `expires_at` in memory only (see `sliding`).
    pub fn defer_slide(&self, ticket: &str, expires_at: DateTime<Utc>) {
        self.slides.defer(ticket, expires_at);
    }

    /// Writes every deferred slide to disk, in one transaction; a stopping server
    /// calls this so a restart sees the exact expiries.
    pub fn flush_slides(&self) -> Result<usize, StoreError> {
        self.slides.flush(&self.writer)
    }
}
