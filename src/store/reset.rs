//! Wiping data for the admin API: every table back to empty and reloaded from a fixture
//! set in one transaction, or just the mail outbox.

use super::error::StoreError;
use super::fixture_error::FixtureError;
use super::fixtures::{self, FixtureSet};
use super::handle::Store;
use super::tx::Tx;

impl Tx<'_> {
    /// Deletes every row of every table. Tables are found in the schema, so a table a
    /// later migration adds is wiped too; newest first, because a table only refers to
    /// tables created before it.
    fn clear_all(&self) -> Result<(), StoreError> {
        // SQLite may empty a table without visiting its rows, unseen by the hook that
        // keeps a write's cached rows honest.
        if let Some(cache) = self.cache {
            cache.changed_unseen();
        }
        let tables: Vec<String> = self
            .conn
            .prepare(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'
                 ORDER BY rowid DESC",
            )?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        for table in tables {
            self.conn.execute(
                &format!("DELETE FROM \"{}\"", table.replace('"', "\"\"")),
                [],
            )?;
        }
        Ok(())
    }

    pub fn clear_mails(&self) -> Result<(), StoreError> {
        self.conn.execute("DELETE FROM mails", [])?;
        Ok(())
    }
}

impl Store {
    /// Replaces all data with `set`: afterwards the database holds what a fresh one
    /// seeded from it would. Passwords should be hashed beforehand
    /// ([`FixtureSet::hash_passwords`]) so the write lock is not held while hashing.
    pub fn replace_all(
        &self,
        set: &FixtureSet,
        hash: &dyn Fn(&str) -> String,
    ) -> Result<(), FixtureError> {
        self.credentials.changing(|| {
            self.write(|tx| {
                tx.clear_all()?;
                fixtures::load(tx, set, hash)
            })
        })?;
        // The tickets these slides belonged to are gone: every slide has "expired" by
        // the end of time.
        self.slides
            .forget_expired(chrono::DateTime::<chrono::Utc>::MAX_UTC);
        Ok(())
    }
}
