//! Whether the disk takes writes. A full disk (`SQLITE_FULL`), a file made read-only or
//! an I/O error underneath fails the write that meets it (rolled back whole, answered as
//! each protocol answers a store failure); from then until a write commits again the
//! store reports the fault, and `/readyz` answers 503. Readiness probes the disk itself
//! while a fault lasts (`Store::storage_fault`, in `stats.rs`), so the server is ready again as soon as
//! the cause goes away, without a restart and without waiting for a client's write.

use std::sync::Mutex;

use rusqlite::{Connection, ErrorCode};

use super::error::StoreError;

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

    /// Syncing the WAL after a commit failed: the disk may not keep what it took.
    pub fn sync_failed(&self, message: &str) {
        tracing::error!(error = message, "the database refuses writes");
        self.set(Some(message.to_string()));
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
