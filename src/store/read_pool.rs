//! Read-only connections, reused so their prepared statements stay cached. In WAL mode
//! readers never wait for the writer, so reads run in parallel with each other and
//! with the one write transaction.
//!
//! A connection goes back to the pool with its read transaction still open, and the
//! next read on it goes on in that snapshot for as long as nothing has been committed
//! since it began (the read cache's generation tells). Beginning and ending one took
//! two `fcntl` locks and two statements: about 5 µs of every GetUser that misses the
//! read cache on a million-user store (issue 8). The writer ends the idle
//! snapshots a commit made stale, since an open one keeps the WAL from being
//! checkpointed past it.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use rusqlite::{Connection, OpenFlags};

use super::error::StoreError;
use super::read_cache::ReadCache;

pub(super) struct ReadPool {
    path: PathBuf,
    cache: Arc<ReadCache>,
    idle: Mutex<Vec<Reader>>,
}

/// A pooled connection and, while its read transaction is open, the generation it
/// began under.
pub(super) struct Reader {
    pub conn: Connection,
    pub snapshot: Option<u64>,
}

/// Idle read connections kept; more are opened under a burst and closed after it.
const IDLE_READERS: usize = 32;

impl ReadPool {
    pub fn new(path: PathBuf, cache: Arc<ReadCache>) -> ReadPool {
        ReadPool {
            path,
            cache,
            idle: Mutex::default(),
        }
    }

    /// A connection whose open snapshot, if any, began under `generation`.
    pub fn take(&self, generation: Option<u64>) -> Result<Reader, StoreError> {
        let pooled = self.idle.lock().unwrap_or_else(|p| p.into_inner()).pop();
        if let Some(mut reader) = pooled {
            if reader.snapshot.is_none() || reader.snapshot == generation || reader.end() {
                return Ok(reader);
            }
        }
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        // Each reader keeps its own page cache, and a burst of scans fills every one:
        // 1 MiB instead of SQLite's 2 held a listing load's peak 20 MB lower, with no
        // measurable cost to GetUser on a million users (issue 8).
        conn.pragma_update(None, "cache_size", -1024)?;
        Ok(Reader {
            conn,
            snapshot: None,
        })
    }

    /// Takes `reader` back; its snapshot stays open only if nothing has been committed
    /// since it began. Checked under the lock that `end_stale` takes after a commit, so
    /// no stale snapshot stays idle.
    pub fn put(&self, mut reader: Reader) {
        let mut idle = self.idle.lock().unwrap_or_else(|p| p.into_inner());
        if idle.len() >= IDLE_READERS {
            return;
        }
        if reader
            .snapshot
            .is_some_and(|g| g != self.cache.generation())
            && !reader.end()
        {
            return;
        }
        idle.push(reader);
    }

    /// Ends the idle snapshots that began before the last commit: called by the writer
    /// after each one.
    pub fn end_stale(&self) {
        let now = self.cache.generation();
        self.idle
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .retain_mut(|r| r.snapshot.is_none_or(|g| g == now) || r.end());
    }
}

impl Reader {
    /// Ends the open snapshot; false when the connection is no longer fit for reuse.
    pub fn end(&mut self) -> bool {
        if self.snapshot.take().is_none() {
            return true;
        }
        self.conn
            .prepare_cached("ROLLBACK")
            .and_then(|mut s| s.execute([]))
            .is_ok()
    }
}

#[cfg(test)]
mod tests {
    use rusqlite::Connection;

    use crate::store::{Store, StoreError};

    fn domains(store: &Store) -> i64 {
        store
            .read(|tx| {
                tx.conn
                    .query_row("SELECT count(*) FROM domains", [], |r| r.get(0))
                    .map_err(StoreError::from)
            })
            .unwrap()
    }

    #[test]
    fn a_commit_ends_the_idle_snapshots_and_the_next_read_sees_it() {
        let (dir, store) = Store::seeded_for_test();
        let before = domains(&store);
        assert_eq!(domains(&store), before, "read again in the same snapshot");
        store
            .write(|tx| {
                tx.conn
                    .execute("INSERT INTO domains (name) VALUES ('later')", [])
                    .map_err(StoreError::from)
            })
            .unwrap();
        // A checkpoint that must wait for every reader of the WAL gets through at once.
        let other = Connection::open(dir.path().join("t.db")).unwrap();
        let busy: i64 = other
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))
            .unwrap();
        assert_eq!(busy, 0, "no idle reader holds the WAL");
        assert_eq!(domains(&store), before + 1);
    }
}
