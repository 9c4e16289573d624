//! What health checks and metrics read from the database.

use chrono::{DateTime, Utc};

use super::epoch::{from_epoch, to_epoch};
use super::error::StoreError;
use super::handle::Store;

impl Store {
    /// A trivial query: the database answers.
    pub fn ping(&self) -> Result<(), StoreError> {
        self.read(|tx| Ok(tx.conn.query_row("SELECT 1", [], |_| Ok(()))?))
    }

    /// Caps the database at `pages` pages (`PRAGMA max_page_count` on the connection
    /// that writes): `--test-max-pages`, a full disk for tests.
    pub fn cap_pages(&self, pages: u32) -> Result<(), StoreError> {
        self.writer.exclusive(|conn| {
            conn.query_row(&format!("PRAGMA max_page_count = {pages}"), [], |_| Ok(()))
        })?;
        Ok(())
    }

    /// Tickets not yet expired at `now`, counting slides not yet written back.
    pub fn active_tickets(&self, now: DateTime<Utc>) -> Result<i64, StoreError> {
        let now_epoch = to_epoch(now);
        self.read(|tx| {
            let stored: i64 = tx.conn.query_row(
                "SELECT COUNT(*) FROM tickets WHERE expires_at > ?1",
                [now_epoch],
                |r| r.get(0),
            )?;
            // Expired on disk but kept alive by a deferred slide (the purge at every
            // login keeps this set small).
            let mut stmt = tx
                .conn
                .prepare("SELECT ticket, expires_at FROM tickets WHERE expires_at <= ?1")?;
            let mut rows = stmt.query([now_epoch])?;
            let mut slid = 0;
            while let Some(r) = rows.next()? {
                let ticket: String = r.get(0)?;
                let expires_at = tx.slides.effective(&ticket, from_epoch(r.get(1)?));
                if expires_at.is_some_and(|at| at > now) {
                    slid += 1;
                }
            }
            Ok(stored + slid)
        })
    }

    /// The database's size: its pages (the write-ahead log not included).
    pub fn database_bytes(&self) -> Result<i64, StoreError> {
        self.read(|tx| {
            Ok(tx.conn.query_row(
                "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()",
                [],
                |r| r.get(0),
            )?)
        })
    }
}
