//! A read snapshot held across several transactions' worth of reads: an answer too
//! large to hold is read in batches, twice (once to measure it, once to send it), and
//! both passes must see the same rows or its length would be wrong.

use std::cell::Cell;
use std::sync::Arc;

use rusqlite::Connection;

use super::error::StoreError;
use super::handle::Store;
use super::read_pool::{ReadPool, Reader};
use super::sliding::DeferredSlides;
use super::tx::{Conn, Tx};

/// A pooled read connection inside an open transaction. Dropping it ends the snapshot
/// and gives the connection back to the pool.
pub struct Snapshot {
    /// `None` only while being dropped.
    reader: Option<Reader>,
    readers: Arc<ReadPool>,
    slides: Arc<DeferredSlides>,
}

impl Store {
    /// A snapshot of the database as it is now, for reads made later and in pieces.
    pub fn snapshot(&self) -> Result<Snapshot, StoreError> {
        let reader = self.readers.take(None)?;
        reader.conn.prepare_cached("BEGIN")?.execute([])?;
        let snapshot = Snapshot {
            reader: Some(reader),
            readers: Arc::clone(&self.readers),
            slides: Arc::clone(&self.slides),
        };
        // A deferred BEGIN takes its snapshot at the first read: read now, so that
        // writes committed from here on are never seen.
        snapshot
            .connection()
            .prepare_cached("PRAGMA schema_version")?
            .query_row([], |_| Ok(()))?;
        Ok(snapshot)
    }
}

impl Snapshot {
    fn connection(&self) -> &Connection {
        &self
            .reader
            .as_ref()
            .expect("a snapshot has its connection until dropped")
            .conn
    }

    /// Runs `f` on the snapshot. The read cache is not consulted: its rows may be newer.
    pub fn read<T, E>(&self, f: impl FnOnce(&Tx) -> Result<T, E>) -> Result<T, E> {
        f(&Tx {
            conn: Conn::Reader {
                conn: self.connection(),
                begun: &Cell::new(true),
            },
            slides: &self.slides,
            cache: None,
            credentials: None,
        })
    }
}

impl Drop for Snapshot {
    fn drop(&mut self) {
        let Some(reader) = self.reader.take() else {
            return;
        };
        // Not left open in the pool as a read's would be: this one began without
        // the read cache's generation. A connection whose snapshot did not end is not
        // reused.
        match reader
            .conn
            .prepare_cached("ROLLBACK")
            .and_then(|mut s| s.execute([]))
        {
            Ok(_) => self.readers.put(reader),
            Err(e) => tracing::warn!(error = %e, "read snapshot not ended"),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::Preferences;
    use crate::store::{NewUser, Store};

    #[test]
    fn a_snapshot_does_not_see_later_writes() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("t.db")).unwrap();
        let snapshot = store.snapshot().unwrap();
        store
            .write(|tx| tx.insert_user(&NewUser::bare("late", &Preferences::default())))
            .unwrap();
        let count = |s: &super::Snapshot| s.read(|tx| tx.user_count()).unwrap();
        assert_eq!(count(&snapshot), 0);
        assert_eq!(store.read(|tx| tx.user_count()).unwrap(), 1);
        drop(snapshot);
        let again = store.snapshot().unwrap();
        assert_eq!(
            count(&again),
            1,
            "a pooled connection starts a fresh snapshot"
        );
    }
}
