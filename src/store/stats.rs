//! What health checks and metrics read from the database.

use chrono::{DateTime, Utc};

use super::epoch::{from_epoch, to_epoch};
use super::error::StoreError;
use super::handle::Store;

/// Free pages the database must have (in its file, or up to its `max_page_count`) for
/// a full disk to count as over: 256 KiB at the default page size, the largest vendor
/// body, so that readiness does not return while a write of an ordinary size would
/// still fail. Only a capped store (`--test-max-pages`) comes near it; on a real disk
/// the probe's own write is what fails.
const ROOM_PAGES: i64 = 64;

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

    /// The storage fault the last write met, while it lasts. While there is one, a
    /// write is tried on the disk itself: a transaction that rewrites the header page
    /// (the same user version), with room for [`ROOM_PAGES`] more pages required. It
    /// commits and syncs, and the fault is over, once the disk takes writes again.
    pub fn storage_fault(&self) -> Option<String> {
        self.writer.health.fault()?;
        let probed = self.writer.exclusive(|conn| {
            let room: bool = conn.query_row(
                "SELECT max_page_count - page_count + freelist_count >= ?1 \
                 FROM pragma_page_count(), pragma_max_page_count(), pragma_freelist_count()",
                [ROOM_PAGES],
                |r| r.get(0),
            )?;
            if !room {
                return Err(rusqlite::Error::SqliteFailure(
                    rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_FULL),
                    None,
                ));
            }
            // After a failed sync, nothing is durable before the WAL is copied back.
            if self.writer.copy_back_unsynced(conn).is_some() {
                return Ok(());
            }
            let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
            conn.execute_batch(&format!(
                "BEGIN IMMEDIATE; PRAGMA user_version = {version}; COMMIT"
            ))
            .inspect_err(|_| {
                let _ = conn.execute_batch("ROLLBACK");
            })
        });
        // The fault ends once the commit is synced too (`make_durable` says which).
        match probed {
            Ok(()) => drop(self.writer.make_durable()),
            Err(e) => self.writer.health.failed(&e),
        }
        self.writer.health.fault()
    }
}
