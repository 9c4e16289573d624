//! The transaction an operation works through, and the connection under it. Every
//! file that adds queries (`impl Tx`) and both ways of making one (the store's reads
//! and writes, a held snapshot) need it, so it sits below all of them.

use std::cell::Cell;

use rusqlite::Connection;

use super::credential_cache::CredentialCache;
use super::read_cache::CacheView;
use super::sliding::DeferredSlides;

/// The view of the database an operation works through, inside one transaction.
pub struct Tx<'a> {
    pub(super) conn: Conn<'a>,
    pub(super) slides: &'a DeferredSlides,
    /// A write's view passes over the rows its batch has changed (`read_cache`).
    pub(super) cache: Option<CacheView<'a>>,
    /// Not for a held snapshot, whose rows may be older than the cache's.
    pub(super) credentials: Option<&'a CredentialCache>,
}

/// The connection a transaction works through. A read snapshot begins with its first
/// statement, so a read the cache answers whole never touches SQLite.
pub(super) enum Conn<'a> {
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
