//! The only place with SQL. One SQLite file in WAL mode; every write is one
//! transaction on the single writer connection, so a failed operation leaves nothing
//! half-written and no client ever sees `database is locked`.

mod batches;
mod bulk;
mod contact_items;
mod domains;
mod export;
mod fixtures;
mod listing;
mod mail;
mod read_cache;
mod read_pool;
mod reset;
mod schema;
mod sliding;
mod snapshot;
mod stats;
mod tickets;
mod users;
mod vendor_fixtures;
mod vendors;
mod writer;

use std::cell::Cell;
use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use rusqlite::Connection;

use read_cache::{CacheView, ReadCache};
use read_pool::ReadPool;
use sliding::DeferredSlides;
use writer::Writer;

pub use batches::Cursor;
pub use bulk::{bulk_user_name, bulk_vendor_ids, FIRST_NAMES, LAST_NAMES};
pub use fixtures::{FixtureError, FixtureSet, FixtureUser};
pub use listing::{Page, Scope, SortKey, UserFilter, UserQuery};
pub use snapshot::Snapshot;
pub use users::{NewUser, USER_BY_NAME};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("database schema version {found} is newer than this emulator knows ({known})")]
    SchemaTooNew { found: usize, known: usize },
    #[error("user name already exists")]
    Conflict,
    #[error("the transaction with this write did not commit: {0}")]
    CommitFailed(String),
}

/// A cheap-to-clone handle to the database.
#[derive(Clone)]
pub struct Store {
    writer: Arc<Writer>,
    readers: Arc<ReadPool>,
    slides: Arc<DeferredSlides>,
    cache: Arc<ReadCache>,
}

/// The view of the database an operation works through, inside one transaction.
pub struct Tx<'a> {
    conn: Conn<'a>,
    slides: &'a DeferredSlides,
    /// Read transactions only: writes must see their own, uncommitted rows.
    cache: Option<CacheView<'a>>,
}

/// The connection a transaction works through. A read snapshot begins with its first
/// statement, so a read the cache answers whole never touches SQLite.
enum Conn<'a> {
    Writer(&'a Connection),
    Reader {
        conn: &'a Connection,
        begun: &'a Cell<bool>,
    },
}

impl std::ops::Deref for Conn<'_> {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        match self {
            Conn::Writer(conn) => conn,
            Conn::Reader { conn, begun } => {
                if !begun.replace(true) {
                    // Prepared once per connection: parsing BEGIN showed in the
                    // profile. Should it fail, each statement still reads committed
                    // rows, one statement at a time.
                    if let Err(e) = conn.prepare_cached("BEGIN").and_then(|mut s| s.execute([])) {
                        tracing::warn!(error = %e, "read snapshot not begun");
                    }
                }
                conn
            }
        }
    }
}

impl Store {
    /// Opens (creating if needed) the database file and applies migrations.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let mut conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        // FULL: a write the client saw acknowledged survives even a power cut.
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // Each write's savepoint keeps a sub-journal; past 64 KiB SQLite spills it to a
        // temporary file, which cost a file create and unlink per batch (issue 8).
        conn.pragma_update(None, "temp_store", "MEMORY")?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        schema::migrate(&mut conn)?;
        let cache = Arc::new(ReadCache::default());
        let readers = Arc::new(ReadPool::new(path.to_owned(), Arc::clone(&cache)));
        Ok(Store {
            writer: Arc::new(Writer::new(conn, Arc::clone(&cache), Arc::clone(&readers))),
            readers,
            slides: Arc::default(),
            cache,
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
            f(&Tx {
                conn: Conn::Writer(conn),
                slides: &self.slides,
                cache: None,
            })
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
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        store.seed_if_empty(&fixtures, |p| p.to_string()).unwrap();
        (dir, store)
    }

    /// Loads the fixture directory when the database has no users yet.
    pub fn seed_if_empty(
        &self,
        dir: &Path,
        hash: impl Fn(&str) -> String,
    ) -> Result<bool, FixtureError> {
        let data = fixtures::read_dir(dir)?;
        self.write(|tx| {
            if tx.user_count()? > 0 {
                return Ok(false);
            }
            fixtures::load(tx, &data, &hash)?;
            Ok(true)
        })
    }
}

fn to_epoch(t: DateTime<Utc>) -> i64 {
    t.timestamp()
}

fn from_epoch(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(secs, 0).single().unwrap_or_default()
}
