//! Making commits durable. The writer connection runs with `synchronous=NORMAL`, so
//! SQLite writes a commit to the WAL without syncing it; the writer syncs the WAL
//! itself before anyone hears of their write. A blocking write (`Writer::run`) syncs
//! in line, as `synchronous=FULL` would. The writer thread hands each committed batch
//! to the syncer thread instead (`write_queue.rs`) and goes on with the next one: the
//! fsync of batch N overlaps the statements of batch N+1, where under `FULL` the
//! writer sat idle in it (a fifth of its time, issue 21 profile). One fsync answers
//! every batch committed before it began.
//!
//! What this changes: a committed write is visible to readers up to one fsync before
//! it is durable (under `FULL` it became visible after). Its own client is still
//! answered only once it is on disk, so a power cut can take back only writes no one
//! was told of, along with whatever was read of them in that window.
//!
//! A failed sync cannot be undone as `FULL` undid it (SQLite did not count a commit
//! whose sync failed): the batch stays committed, and its writers hear of a storage
//! fault. Nothing after it may be acknowledged while the WAL may have a hole, so every
//! sync fails until a checkpoint has copied the whole WAL into the synced database
//! file (`Writer::step` tries one before each batch).

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::sync::Mutex;

/// The WAL file of one database, synced through a descriptor of our own: an fsync
/// flushes the file, whichever descriptor asks. The descriptor is kept (SQLite keeps
/// the file while the writer connection is open), so a write-back error the kernel
/// reports once per descriptor is not lost to a descriptor opened later; and syncs
/// take turns, so that of two at once the one that did not hear of an error cannot
/// answer for data the error lost.
pub(super) struct WalFile {
    path: PathBuf,
    dir: PathBuf,
    /// Held through each sync.
    file: Mutex<Option<File>>,
    /// A sync failed: what the WAL holds from before may not be on disk, and a later
    /// sync that succeeds does not say otherwise. Cleared by [`WalFile::copied_back`].
    /// Apart from `file`, so the writer can ask while a sync runs.
    failed: AtomicBool,
}

impl WalFile {
    pub fn of(db: &Path) -> WalFile {
        let mut path = db.as_os_str().to_owned();
        path.push("-wal");
        let dir = match db.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_owned(),
            _ => PathBuf::from("."),
        };
        WalFile {
            path: path.into(),
            dir,
            file: Mutex::new(None),
            failed: AtomicBool::new(false),
        }
    }

    /// Puts everything written to the WAL so far on disk; fails from the first failed
    /// sync on, until the WAL has been copied back whole.
    pub fn sync(&self) -> io::Result<()> {
        // Every update is a single assignment: a poisoned lock still guards a whole value.
        let mut file = self.file.lock().unwrap_or_else(|p| p.into_inner());
        if self.failed() {
            return Err(io::Error::other(
                "an earlier sync failed, and the WAL is not yet copied back",
            ));
        }
        let synced = match &*file {
            Some(file) => file.sync_data(),
            None => self.first_sync().map(|opened| *file = Some(opened)),
        };
        if synced.is_err() {
            self.failed.store(true, SeqCst);
        }
        synced
    }

    /// Opens the WAL and syncs it, and its directory: a new file's name is on disk
    /// only once its directory is synced, as SQLite does after creating a WAL under
    /// `FULL`.
    fn first_sync(&self) -> io::Result<File> {
        let file = File::open(&self.path)?;
        file.sync_data()?;
        File::open(&self.dir)?.sync_all()?;
        Ok(file)
    }

    /// Whether a sync failed since the WAL was last copied back whole.
    pub fn failed(&self) -> bool {
        self.failed.load(SeqCst)
    }

    /// The WAL was copied back whole into the synced database file: nothing it held
    /// depends on the failed sync any more.
    pub fn copied_back(&self) {
        self.failed.store(false, SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wal_is_named_after_the_database() {
        let wal = WalFile::of(Path::new("worlds/w1.db"));
        assert_eq!(wal.path, Path::new("worlds/w1.db-wal"));
        assert_eq!(wal.dir, Path::new("worlds"));
        assert_eq!(WalFile::of(Path::new("local.db")).dir, Path::new("."));
    }

    #[test]
    fn a_failed_sync_fails_every_sync_until_the_wal_is_copied_back() {
        let dir = tempfile::tempdir().unwrap();
        let wal = WalFile::of(&dir.path().join("x.db"));
        assert!(wal.sync().is_err());
        assert!(wal.failed(), "a failed sync stays failed");
        std::fs::write(dir.path().join("x.db-wal"), b"frames").unwrap();
        assert!(wal.sync().is_err());
        wal.copied_back();
        wal.sync().unwrap();
        assert!(wal.file.lock().unwrap().is_some(), "the descriptor is kept");
    }
}
