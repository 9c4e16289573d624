//! Sessions: persisted, so a restart keeps every ticket that was valid.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};

use super::{from_epoch, to_epoch, StoreError, Tx};
use crate::model::{Session, UserId};

impl Tx<'_> {
    pub fn insert_ticket(
        &self,
        ticket: &str,
        user_id: UserId,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
        language: &str,
    ) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO tickets (ticket, user_id, issued_at, expires_at, language)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                ticket,
                user_id,
                to_epoch(now),
                to_epoch(expires_at),
                language
            ])?;
        Ok(())
    }

    /// The session for `ticket` if it exists and has not expired at `now`.
    pub fn live_session(
        &self,
        ticket: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Session>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT ticket, user_id, expires_at FROM tickets
                 WHERE ticket = ?1 AND expires_at > ?2",
            )?
            .query_row(params![ticket, to_epoch(now)], |r| {
                Ok(Session {
                    ticket: r.get(0)?,
                    user_id: r.get(1)?,
                    expires_at: from_epoch(r.get(2)?),
                })
            })
            .optional()?)
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
        Ok(self
            .conn
            .prepare_cached("DELETE FROM tickets WHERE ticket = ?1")?
            .execute([ticket])?
            > 0)
    }

    /// Forgets tickets that expired before `now`, so the table does not grow forever.
    pub fn purge_expired_tickets(&self, now: DateTime<Utc>) -> Result<usize, StoreError> {
        Ok(self
            .conn
            .prepare_cached("DELETE FROM tickets WHERE expires_at <= ?1")?
            .execute([to_epoch(now)])?)
    }
}
