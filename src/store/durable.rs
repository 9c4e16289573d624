//! Durability after the commit, outside the writer's lock. The writer connection runs
//! with `synchronous=NORMAL`, so a COMMIT appends its batch to the WAL without waiting
//! for the disk; a write is answered only once the WAL has been synced after its batch
//! committed ([`Durability::wait`]). One sync covers every batch committed before it
//! began, and while it runs the next batch already executes under the writer's lock:
//! with `FULL`, SQLite synced inside the COMMIT and every writer waited for the disk
//! with the lock held (a quarter of the core idle under load, BENCHMARKS.md).
//!
//! What changes: a reader may see a batch in the moment between its COMMIT and its
//! sync. A crash of the process loses nothing then (the frames are in the kernel's
//! cache); a power cut may lose that batch, whose writers were never answered.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering::SeqCst};
use std::sync::{Mutex, PoisonError};

pub(super) struct Durability {
    wal: PathBuf,
    /// The last batch whose COMMIT returned: its frames are in the WAL file.
    committed: AtomicU64,
    /// Held while syncing, so one sync runs at a time and the others reuse it.
    synced: Mutex<Synced>,
}

#[derive(Default)]
struct Synced {
    /// Every batch up to this one is on disk.
    upto: u64,
    /// A sync that failed: the disk may have dropped frames, so no later write is
    /// acknowledged either.
    failed: Option<String>,
}

impl Durability {
    pub fn new(wal: PathBuf) -> Durability {
        Durability {
            wal,
            committed: AtomicU64::new(0),
            synced: Mutex::default(),
        }
    }

    /// Records that `batch` has committed.
    pub fn committed(&self, batch: u64) {
        self.committed.fetch_max(batch, SeqCst);
    }

    /// Returns once `batch` (committed) is on disk, syncing the WAL unless a sync
    /// that began after its COMMIT already has.
    pub fn wait(&self, batch: u64) -> Result<(), String> {
        let mut synced = self.synced.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(failure) = &synced.failed {
            return Err(failure.clone());
        }
        if synced.upto >= batch {
            return Ok(());
        }
        let target = self.committed.load(SeqCst);
        match self.sync() {
            Ok(()) => {
                synced.upto = target;
                Ok(())
            }
            Err(e) => {
                let failure = format!("syncing the WAL: {e}");
                synced.failed = Some(failure.clone());
                Err(failure)
            }
        }
    }

    fn sync(&self) -> std::io::Result<()> {
        match std::fs::OpenOptions::new().write(true).open(&self.wal) {
            Ok(file) => file.sync_data(),
            // No WAL: SQLite checkpointed it into the database file and synced that.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(e),
        }
    }
}
