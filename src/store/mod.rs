//! The only place with SQL. One SQLite file in WAL mode; every write is one
//! transaction on the single writer connection, so a failed operation leaves nothing
//! half-written and no client ever sees `database is locked`.

mod contact_items;
mod domains;
mod fixtures;
mod listing;
mod mail;
mod schema;
mod tickets;
mod users;
mod vendor_fixtures;
mod vendors;

use std::path::Path;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, TimeZone, Utc};
use rusqlite::{Connection, TransactionBehavior};

pub use fixtures::FixtureError;
pub use listing::{Page, Scope, SortKey, UserFilter, UserQuery};
pub use users::NewUser;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("database schema version {found} is newer than this emulator knows ({known})")]
    SchemaTooNew { found: usize, known: usize },
    #[error("user name already exists")]
    Conflict,
}

/// A cheap-to-clone handle to the database.
#[derive(Clone)]
pub struct Store {
    writer: Arc<Mutex<Connection>>,
}

/// The view of the database an operation works through, inside one transaction.
pub struct Tx<'a> {
    conn: &'a Connection,
}

impl Store {
    /// Opens (creating if needed) the database file and applies migrations.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let mut conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        // FULL: a write the client saw acknowledged survives even a power cut.
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        schema::migrate(&mut conn)?;
        Ok(Store {
            writer: Arc::new(Mutex::new(conn)),
        })
    }

    /// Runs `f` in one immediate transaction: committed when `f` returns `Ok`,
    /// rolled back (nothing written) when it returns `Err`.
    pub fn write<T, E>(&self, f: impl FnOnce(&Tx) -> Result<T, E>) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        // A panic cannot leave a transaction open (it rolls back on drop), so a
        // poisoned lock still guards a consistent connection.
        let mut conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let txn = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(StoreError::from)?;
        let out = f(&Tx { conn: &txn })?;
        txn.commit().map_err(StoreError::from)?;
        Ok(out)
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
