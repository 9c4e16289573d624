//! One process per database file. Each process keeps its own read cache, which cannot
//! see another process's commits, so a second emulator on a file another one serves
//! would answer stale data: it is refused at start instead. The lock is the operating
//! system's (`flock` on Unix, `LockFileEx` on Windows) on a file beside the database,
//! held for as long as the process serves it, so it goes with the process however it
//! ends: a `kill -9` never blocks the next start. The lock file holds the holder's pid,
//! so the refusal can name it.
//!
//! It is a file of its own rather than the database: SQLite's locks are POSIX record
//! locks, which any descriptor of the database closing in the process would release.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

/// The suffix of a lock file, after the database file's whole name.
pub const LOCK_SUFFIX: &str = ".lock";

/// Held while a database is served; released when dropped (or the process ends).
#[derive(Debug)]
pub struct DbLock {
    _file: File,
}

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error(
        "database {db} is in use by another asmx-emulator (pid {pid}); stop that one, \
         or give this one another --db"
    )]
    Held { db: PathBuf, pid: String },
    #[error("cannot lock database {db} ({lock}): {source}")]
    Io {
        db: PathBuf,
        lock: PathBuf,
        source: std::io::Error,
    },
}

impl DbLock {
    /// Locks `db` for this process, or says which process holds it. An in-memory
    /// database (`:memory:`) is no file, and needs no lock.
    pub fn acquire(db: &Path) -> Result<Option<DbLock>, LockError> {
        if db.as_os_str() == ":memory:" {
            return Ok(None);
        }
        let lock = lock_path(db);
        let io = |source| LockError::Io {
            db: db.to_owned(),
            lock: lock.clone(),
            source,
        };
        // Not truncated on open: while another process holds it, its pid is the content.
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&lock)
            .map_err(io)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut pid = String::new();
                // The holder may be between its lock and its write: say so rather than fail.
                let _ = file.read_to_string(&mut pid);
                let pid = match pid.trim() {
                    "" => "unknown".to_string(),
                    pid => pid.to_string(),
                };
                return Err(LockError::Held {
                    db: db.to_owned(),
                    pid,
                });
            }
            Err(TryLockError::Error(e)) => return Err(io(e)),
        }
        file.set_len(0).map_err(io)?;
        file.rewind().map_err(io)?;
        writeln!(file, "{}", std::process::id()).map_err(io)?;
        Ok(Some(DbLock { _file: file }))
    }
}

/// `<db>.lock`, beside the database.
pub fn lock_path(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(LOCK_SUFFIX);
    PathBuf::from(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_is_refused_with_the_holders_pid_and_granted_once_it_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("a.db");
        let held = DbLock::acquire(&db).unwrap();
        let refused = DbLock::acquire(&db).unwrap_err().to_string();
        assert!(refused.contains(&db.display().to_string()), "{refused}");
        assert!(
            refused.contains(&format!("pid {}", std::process::id())),
            "{refused}"
        );
        drop(held);
        assert!(DbLock::acquire(&db).unwrap().is_some());
        assert!(DbLock::acquire(Path::new(":memory:")).unwrap().is_none());
    }
}
