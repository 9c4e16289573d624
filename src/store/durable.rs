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

use std::fs::File;
use std::io;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The WAL file of one database, synced through a descriptor of our own: an fsync
/// flushes the file, whichever descriptor asks.
pub(super) struct WalFile {
    path: PathBuf,
    dir: PathBuf,
    /// The file (device, inode) whose directory entry is known to be on disk.
    entered: Mutex<Option<(u64, u64)>>,
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
            entered: Mutex::new(None),
        }
    }

    /// Puts everything written to the WAL so far on disk. Opened anew each time:
    /// SQLite deletes the file when its last connection closes, and a descriptor kept
    /// from before would sync the deleted one.
    pub fn sync(&self) -> io::Result<()> {
        let file = File::open(&self.path)?;
        file.sync_data()?;
        let meta = file.metadata()?;
        let id = (meta.dev(), meta.ino());
        let mut entered = self.entered.lock().unwrap_or_else(|p| p.into_inner());
        if *entered != Some(id) {
            // A new file's name is on disk only once its directory is synced, as
            // SQLite does after creating a WAL under `FULL`.
            File::open(&self.dir)?.sync_all()?;
            *entered = Some(id);
        }
        Ok(())
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
    fn syncing_a_missing_wal_is_an_error_and_an_existing_one_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let wal = WalFile::of(&dir.path().join("x.db"));
        assert!(wal.sync().is_err());
        std::fs::write(dir.path().join("x.db-wal"), b"frames").unwrap();
        wal.sync().unwrap();
        assert!(wal.entered.lock().unwrap().is_some());
    }
}
