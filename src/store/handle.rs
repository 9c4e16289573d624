//! The handle the rest of the crate holds: opening the database, and running reads
//! and writes on it. Its own file so that the files adding methods to it import it
//! from where it is defined, and the facade imports nothing they import.

use std::cell::Cell;
use std::path::Path;
use std::sync::Arc;

use rusqlite::Connection;

use super::checkpoints;
use super::credential_cache::CredentialCache;
use super::error::StoreError;
use super::fixture_error::FixtureError;
use super::fixture_source::FixtureSource;
use super::fixtures;
use super::read_cache::{CacheView, ReadCache};
use super::read_pool::ReadPool;
use super::schema;
use super::sliding::DeferredSlides;
use super::tx::{Conn, Tx};
use super::write_queue::{WriteLost, WriteQueue};
use super::writer::Writer;

/// A cheap-to-clone handle to the database.
#[derive(Clone)]
pub struct Store {
    pub(super) writer: Arc<Writer>,
    queue: Arc<WriteQueue>,
    pub(super) readers: Arc<ReadPool>,
    pub(super) slides: Arc<DeferredSlides>,
    cache: Arc<ReadCache>,
    pub(super) credentials: Arc<CredentialCache>,
}

impl Store {
    /// Opens (creating if needed) the database file and applies migrations.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let mut conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        // NORMAL: a commit is not synced by SQLite; the writer syncs the WAL itself
        // before anyone hears of the write (`durable.rs`), so an acknowledged write
        // survives even a power cut, and the writer thread need not wait for the disk.
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        checkpoints::count_instead(&conn)?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // `temp_store` stays at SQLite's default, a file, as on the read connections:
        // each write's savepoint journal is then kept in memory in 64 KiB pieces and
        // spills to a temporary file only past that (a write that changes more than
        // about 15 existing pages; large sorts spill too).
        // `MEMORY` never spilled, but took 1 KiB pieces, five allocations per page a
        // write copied: a seventh of an update's instructions (BENCHMARKS.md, "Writes:
        // the written user kept…").
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        schema::migrate(&mut conn)?;
        let cache = Arc::new(ReadCache::default());
        let readers = Arc::new(ReadPool::new(path.to_owned(), Arc::clone(&cache)));
        let writer = Arc::new(Writer::new(
            conn,
            path,
            Arc::clone(&cache),
            Arc::clone(&readers),
        ));
        Ok(Store {
            queue: Arc::new(WriteQueue::new(Arc::clone(&writer))),
            writer,
            readers,
            slides: Arc::default(),
            cache,
            credentials: Arc::default(),
        })
    }

    /// Runs `f` on a consistent snapshot, on a read-only connection: a write inside
    /// fails. Use [`Store::write`] for anything that may write.
    pub fn read<T, E>(&self, f: impl FnOnce(&Tx) -> Result<T, E>) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        // Taken before the snapshot begins: see `read_cache`.
        let view = self.cache.view();
        let mut reader = self.readers.take(Some(view.generation()))?;
        let begun = Cell::new(reader.snapshot.is_some());
        let out = f(&Tx {
            conn: Conn::Reader {
                conn: &reader.conn,
                begun: &begun,
            },
            slides: &self.slides,
            cache: Some(view),
            credentials: Some(&self.credentials),
        });
        reader.snapshot = begun.get().then_some(view.generation());
        self.readers.put(reader);
        out
    }

    /// Runs `f` as one atomic write: committed when `f` returns `Ok`, rolled back
    /// (nothing written) when it returns `Err`. Concurrent writes share a commit
    /// (group commit); this returns only once the write is durable.
    pub fn write<T, E>(&self, f: impl FnOnce(&Tx) -> Result<T, E>) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        self.writer.run(|conn| {
            let cache = self.cache.write_view(&self.writer.changes);
            f(&write_tx(conn, &self.slides, &self.credentials, cache))
        })
    }

    /// [`Store::write`] for the async request path: the write runs on the writer
    /// thread, batched with whatever else is queued, and the future resolves once it
    /// is durable (or rolled back). No thread blocks while it waits.
    pub fn submit<T, E>(
        &self,
        f: impl FnOnce(&Tx) -> Result<T, E> + Send + 'static,
    ) -> impl std::future::Future<Output = Result<Result<T, E>, WriteLost>> + Send + 'static
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
    {
        let slides = Arc::clone(&self.slides);
        let credentials = Arc::clone(&self.credentials);
        let cache = Arc::clone(&self.cache);
        let writer = Arc::clone(&self.writer);
        self.queue.submit(move |conn| {
            let cache = cache.write_view(&writer.changes);
            f(&write_tx(conn, &slides, &credentials, cache))
        })
    }

    /// Copies the WAL into the database file and empties it; false when a reader still
    /// in a transaction held it back. A stopping server calls this last: the writer
    /// does not close last (the pooled readers do), so SQLite would leave the newest
    /// writes in the WAL, and a copy of the database file alone would miss them.
    pub fn checkpoint(&self) -> Result<bool, StoreError> {
        let busy: i64 = self.writer.exclusive(|conn| {
            conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))
        })?;
        Ok(busy == 0)
    }

    /// A store in a temporary directory, seeded from `fixtures/`, for unit tests of the
    /// layers above; the directory lives as long as the returned guard.
    #[cfg(test)]
    pub fn seeded_for_test() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("t.db")).unwrap();
        store
            .seed_if_empty(FixtureSource::BuiltIn, |p| p.to_string())
            .unwrap();
        (dir, store)
    }

    /// The fixture user `name`, as a read finds it now.
    #[cfg(test)]
    pub fn user_for_test(&self, name: &str) -> Arc<crate::model::User> {
        self.read(|tx| tx.user_by_name(name)).unwrap().unwrap()
    }

    /// The read cache as a read would find it now.
    #[cfg(test)]
    pub(super) fn cache_for_test(&self) -> super::read_cache::CacheView<'_> {
        self.cache.view()
    }

    /// The user as SQLite holds it, past the read cache.
    #[cfg(test)]
    pub fn stored_user_for_test(&self, id: crate::model::UserId) -> crate::model::User {
        let read = self.snapshot().unwrap().read(|tx| tx.user_by_id(id));
        Arc::unwrap_or_clone(read.unwrap().unwrap())
    }

    /// An empty store in a temporary directory with one table of the test's own, for
    /// unit tests of the write path.
    #[cfg(test)]
    pub fn with_table_for_test(create: &str) -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("t.db")).unwrap();
        store
            .write(|tx| -> Result<(), StoreError> { Ok(tx.conn.execute_batch(create)?) })
            .unwrap();
        (dir, store)
    }

    /// Loads the fixtures when the database has no users yet.
    pub fn seed_if_empty(
        &self,
        source: impl Into<FixtureSource>,
        hash: impl Fn(&str) -> String,
    ) -> Result<bool, FixtureError> {
        let data = fixtures::read_dir(&source.into())?;
        self.credentials.changing(|| {
            self.write(|tx| {
                if tx.user_count()? > 0 {
                    return Ok(false);
                }
                fixtures::load(tx, &data, &hash)?;
                Ok(true)
            })
        })
    }
}

/// A write's view of the writer connection: `cache` passes over the rows its batch
/// has changed, so the write sees its own uncommitted rows.
fn write_tx<'a>(
    conn: &'a Connection,
    slides: &'a DeferredSlides,
    credentials: &'a CredentialCache,
    cache: CacheView<'a>,
) -> Tx<'a> {
    Tx {
        conn: Conn::Writer(conn),
        slides,
        cache: Some(cache),
        credentials: Some(credentials),
    }
}
