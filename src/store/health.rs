//! Whether the disk takes writes. A full disk (`SQLITE_FULL`), a file made read-only or
//! an I/O error underneath fails the write that meets it (rolled back whole, answered as
//! each protocol answers a store failure); from then until a write commits again the
//! store reports the fault, and `/readyz` answers 503. Readiness probes the disk itself
//! while a fault lasts ([`Store::storage_fault`]), so the server is ready again as soon as
//! the cause goes away, without a restart and without waiting for a client's write.

use std::sync::Mutex;

use rusqlite::{Connection, ErrorCode};

use super::error::StoreError;
use super::handle::Store;

#[derive(Default)]
pub(super) struct Health {
    fault: Mutex<Option<String>>,
}

impl Health {
    fn set(&self, fault: Option<String>) {
        *self.fault.lock().unwrap_or_else(|p| p.into_inner()) = fault;
    }

    /// Notes what `error` says, when it is a storage fault.
    pub fn failed(&self, error: &rusqlite::Error) {
        if error.sqlite_error_code().is_some_and(is_storage) {
            tracing::error!(%error, "the database refuses writes");
            self.set(Some(error.to_string()));
        }
    }

    /// Notes the storage fault the connection's last call met, if it met one: a write
    /// that failed hands its caller an error of the caller's own type, which says no
    /// more than a message.
    pub fn failed_on(&self, conn: &Connection) {
        // SAFETY: the handle is the live connection's, used on this thread, which holds
        // it exclusively (the writer's lock); the call only reads its last error code.
        let code = unsafe { rusqlite::ffi::sqlite3_errcode(conn.handle()) };
        if code != rusqlite::ffi::SQLITE_OK {
            self.failed(&rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(code),
                None,
            ));
        }
    }

    /// A write committed: the disk takes writes again.
    pub fn committed(&self) {
        if self.fault().is_some() {
            tracing::info!("the database takes writes again");
            self.set(None);
        }
    }

    pub fn fault(&self) -> Option<String> {
        self.fault.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

/// Free pages the database must have (in its file, or up to its `max_page_count`) for
/// a full disk to count as over: 256 KiB at the default page size, the largest vendor
/// body, so that readiness does not return while a write of an ordinary size would
/// still fail. Only a capped store (`--test-max-pages`) comes near it; on a real disk
/// the probe's own write is what fails.
const ROOM_PAGES: i64 = 64;

/// A fault of the disk or file rather than of the request.
fn is_storage(code: ErrorCode) -> bool {
    matches!(
        code,
        ErrorCode::DiskFull
            | ErrorCode::ReadOnly
            | ErrorCode::SystemIoFailure
            | ErrorCode::CannotOpen
    )
}

impl StoreError {
    /// Whether the disk, not the request, made this fail.
    pub fn is_storage_fault(&self) -> bool {
        match self {
            StoreError::Sqlite(e) => e.sqlite_error_code().is_some_and(is_storage),
            StoreError::CommitFailed { storage, .. } => *storage,
            _ => false,
        }
    }
}

impl Store {
    /// The storage fault the last write met, while it lasts. While there is one, a
    /// write is tried on the disk itself: a transaction that rewrites the header page
    /// (the same user version), with room for [`ROOM_PAGES`] more pages required. It
    /// commits, and the fault is over, once the disk takes writes again.
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
            let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
            conn.execute_batch(&format!(
                "BEGIN IMMEDIATE; PRAGMA user_version = {version}; COMMIT"
            ))
            .inspect_err(|_| {
                let _ = conn.execute_batch("ROLLBACK");
            })
        });
        match probed {
            Ok(()) => self.writer.health.committed(),
            Err(e) => self.writer.health.failed(&e),
        }
        self.writer.health.fault()
    }
}
