//! Copying the WAL back into the database file (checkpoints) off the writer thread.
//! SQLite's own automatic checkpoint runs inside the commit that crosses its
//! threshold: the writer copied pages and waited for two fsyncs while every queued
//! write waited behind it (issue 21 profile). The writer connection turns it off and
//! only counts the WAL's frames after each commit; past [`NUDGE_FRAMES`] the
//! checkpointer thread copies them back on a connection of its own, alongside the
//! writer (a passive checkpoint takes no lock the writer needs).
//!
//! SQLite starts the WAL over only when a write begins with every frame copied back.
//! Under a steady stream of commits the checkpointer seldom catches the writer in
//! such a gap, so once it has copied all but the last few frames ([`CLOSE_FRAMES`])
//! the committing thread copies those itself, between two writes, and the next write
//! starts the WAL over. It does not wait for a checkpoint of the checkpointer's to end
//! first: a commit that finds one running leaves the close to the next commit, which
//! finds fewer frames left. Waiting stalled every queued write for that checkpoint's
//! two fsyncs before its own two (BENCHMARKS.md, "Writes: the vendor profile in the
//! user's row, and the close of the WAL"). Past
//! [`CAP_FRAMES`] the committing thread checkpoints whatever is left, and waits, so
//! the file stays bounded.

use std::cell::Cell;
use std::ffi::c_int;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering::Relaxed};
use std::sync::mpsc::Receiver;
use std::sync::{Arc, Mutex, MutexGuard, TryLockError};

use rusqlite::hooks::Wal;
use rusqlite::Connection;

use super::helper_thread::HelperThread;

/// Frames in the WAL past which the checkpointer is nudged, after every commit until
/// it has copied back all but the last few: far more than SQLite's 1,000, since a page
/// written again before the next checkpoint is copied once, and each round of
/// checkpoints ends in two fsyncs of the database and a stall of the writer's (the
/// close). 16,000 frames (66 MB) against 4,000: updates faster and their p99 lower,
/// in alternated pairs and full runs (BENCHMARKS.md, "Writes: a WAL four times longer").
pub(super) const NUDGE_FRAMES: u32 = 16_000;

/// Frames not yet copied back that the committing thread copies itself.
const CLOSE_FRAMES: u32 = 256;

/// Frames past which the committing thread checkpoints itself.
const CAP_FRAMES: u32 = 4 * NUDGE_FRAMES;

/// A WAL frame: a 24-byte header and a page of SQLite's default 4,096 bytes.
const FRAME_BYTES: i64 = 24 + 4096;

/// What the WAL keeps on disk after it starts over, in bytes: more than the WAL of a
/// round of checkpoints, which ends a few hundred frames past [`NUDGE_FRAMES`]. A
/// WAL cut back below that at every start grows the file again in every round, and
/// an fsync of a growing file also writes its size.
pub(super) const KEPT_WAL_BYTES: i64 = (NUDGE_FRAMES + NUDGE_FRAMES / 2) as i64 * FRAME_BYTES;

thread_local! {
    /// The WAL's frames after this thread's last commit, as SQLite's WAL hook told
    /// them: the hook has no state of its own, and runs on the committing thread.
    static WAL_FRAMES: Cell<u32> = const { Cell::new(0) };
}

fn count_frames(_: &Wal, frames: c_int) -> rusqlite::Result<()> {
    WAL_FRAMES.set(u32::try_from(frames).unwrap_or(0));
    Ok(())
}

/// Turns SQLite's automatic checkpoint off on the writer connection and counts frames
/// instead (the pragma and the hook replace each other, so this order).
pub(super) fn count_instead(conn: &Connection) -> rusqlite::Result<()> {
    conn.pragma_update(None, "wal_autocheckpoint", 0)?;
    conn.pragma_update(None, "journal_size_limit", KEPT_WAL_BYTES)?;
    conn.wal_hook(Some(count_frames));
    Ok(())
}

/// The WAL's frames after this thread's last commit (0 once read).
pub(super) fn frames_committed() -> u32 {
    WAL_FRAMES.take()
}

/// What the committing threads and the checkpointer share.
#[derive(Default)]
pub(super) struct Checkpoints {
    /// Held by whoever checkpoints, so that two of ours never meet: SQLite answers
    /// the second with `SQLITE_BUSY` at once instead of waiting.
    lock: Mutex<()>,
    /// How many times the WAL started over, as the committing thread saw it.
    generation: AtomicU32,
    /// The generation the last checkpoint ran in (high half), and the frames it had
    /// copied back (low half): of no use once the WAL has started over.
    copied: AtomicU64,
}

/// What to do about the WAL after a commit.
#[derive(Debug, PartialEq)]
pub(super) enum Due {
    Nothing,
    /// Wake the checkpointer.
    Nudge,
    /// Copy the last few frames back on the committing connection, unless the
    /// checkpointer is copying.
    Close,
    /// Checkpoint now, on the committing connection, waiting for the checkpointer.
    Here,
}

impl Checkpoints {
    pub fn hold(&self) -> MutexGuard<'_, ()> {
        self.lock.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// What a WAL of `frames` frames needs, with a checkpointer or without.
    pub fn due(&self, frames: u32, checkpointer: bool) -> Due {
        let (generation, copied) = split(self.copied.load(Relaxed));
        let copied = if generation == self.generation.load(Relaxed) {
            copied
        } else {
            0
        };
        let left = frames.saturating_sub(copied);
        if frames < NUDGE_FRAMES {
            Due::Nothing
        } else if !checkpointer || frames >= CAP_FRAMES {
            Due::Here
        } else if left <= CLOSE_FRAMES {
            Due::Close
        } else {
            Due::Nudge
        }
    }

    /// The committing thread saw the WAL start over: what was copied back of the
    /// old one says nothing of the new one.
    pub fn started_over(&self) {
        self.generation.fetch_add(1, Relaxed);
    }

    /// A passive checkpoint on `conn`: copies back what no reader still needs.
    pub fn passive(&self, conn: &Connection) -> rusqlite::Result<()> {
        let held = self.hold();
        self.copy_back(&held, conn)
    }

    /// [`Checkpoints::passive`], unless another checkpoint of ours is running: false
    /// then, at once.
    pub fn passive_unless_busy(&self, conn: &Connection) -> rusqlite::Result<bool> {
        let held = match self.lock.try_lock() {
            Ok(held) => held,
            Err(TryLockError::Poisoned(p)) => p.into_inner(),
            Err(TryLockError::WouldBlock) => return Ok(false),
        };
        self.copy_back(&held, conn).map(|()| true)
    }

    /// The checkpoint itself, under the lock `_held`.
    fn copy_back(&self, _held: &MutexGuard<'_, ()>, conn: &Connection) -> rusqlite::Result<()> {
        // Read before: the WAL may start over while the checkpoint runs.
        let generation = self.generation.load(Relaxed);
        let copied: i64 = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| r.get(2))?;
        let copied = u32::try_from(copied).unwrap_or(0);
        self.copied
            .store(u64::from(generation) << 32 | u64::from(copied), Relaxed);
        Ok(())
    }
}

/// A generation and a frame count, packed by [`Checkpoints::passive`].
fn split(packed: u64) -> (u32, u32) {
    ((packed >> 32) as u32, packed as u32)
}

/// The checkpointer thread: a passive checkpoint on its own connection for each
/// nudge (those sent while one runs make one more).
pub(super) struct Checkpointer(HelperThread<()>);

impl Checkpointer {
    /// Starts the thread; `None` when it cannot be started (the committing thread
    /// then checkpoints at [`NUDGE_FRAMES`] itself).
    pub fn start(db: PathBuf, shared: Arc<Checkpoints>) -> Option<Checkpointer> {
        HelperThread::start("checkpointer", move |nudged: Receiver<()>| {
            let mut conn = None;
            while nudged.recv().is_ok() {
                nudged.try_iter().for_each(drop);
                if conn.is_none() {
                    conn = Connection::open(&db)
                        .inspect_err(|e| tracing::warn!(error = %e, "no checkpoint"))
                        .ok();
                }
                // A failed checkpoint loses nothing: the frames stay in the WAL, and
                // the next nudge, or a commit past the cap, copies them back.
                if let Some(Err(e)) = conn.as_ref().map(|conn| shared.passive(conn)) {
                    tracing::warn!(error = %e, "a checkpoint failed");
                }
            }
        })
        .map(Checkpointer)
    }

    pub fn nudge(&self) {
        // Gone, it leaves the WAL to the committing threads, past the cap.
        let _ = self.0.send(());
    }
}

#[cfg(test)]
mod tests {
    use actix_web::rt::System;
    use futures_util::future::join_all;

    use super::*;
    use crate::store::error::StoreError;
    use crate::store::handle::Store;
    use crate::store::tx::Tx;

    /// Writes about 100 frames: a hundred rows of most of a page each.
    fn hundred_pages(tx: &Tx) -> Result<(), StoreError> {
        let mut insert = tx
            .conn
            .prepare_cached("INSERT INTO t (v) VALUES (zeroblob(4000))")?;
        for _ in 0..100 {
            insert.execute([])?;
        }
        Ok(())
    }

    fn store_with_table() -> (tempfile::TempDir, Store) {
        Store::with_table_for_test("CREATE TABLE t (k INTEGER PRIMARY KEY, v BLOB)")
    }

    /// The frames in the WAL, asked while no checkpoint of the store's runs.
    fn wal_frames(store: &Store) -> i64 {
        store.writer.exclusive(|conn| {
            conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| r.get(1))
                .unwrap()
        })
    }

    /// Rounds of a hundred pages that write `frames` frames and a little more.
    fn rounds_past(frames: u32) -> u32 {
        frames / 100 + 20
    }

    #[test]
    fn blocking_writes_start_the_wal_over_past_the_threshold() {
        let (_dir, store) = store_with_table();
        for _ in 0..rounds_past(NUDGE_FRAMES) {
            store.write(hundred_pages).unwrap();
        }
        let frames = wal_frames(&store);
        assert!(
            frames < i64::from(NUDGE_FRAMES),
            "{frames} frames in the WAL"
        );
    }

    #[test]
    fn queued_writes_keep_the_wal_under_the_cap() {
        let (_dir, store) = store_with_table();
        System::new().block_on(async {
            for _ in 0..rounds_past(CAP_FRAMES) / 20 {
                let round = (0..20).map(|_| store.submit(hundred_pages));
                for written in join_all(round).await {
                    written.unwrap().unwrap();
                }
            }
        });
        let frames = wal_frames(&store);
        assert!(frames < i64::from(CAP_FRAMES), "{frames} frames in the WAL");
    }

    /// The close of the WAL never waits for the checkpointer's fsyncs.
    #[test]
    fn a_close_leaves_a_running_checkpoint_alone() {
        let (_dir, store) = store_with_table();
        store.write(hundred_pages).unwrap();
        let shared = Checkpoints::default();
        let copied = |conn: &mut Connection| shared.passive_unless_busy(conn).unwrap();
        let running = shared.hold();
        assert!(!store.writer.exclusive(copied));
        drop(running);
        assert!(store.writer.exclusive(copied));
    }

    #[test]
    fn the_checkpointer_copies_the_bulk_and_the_committer_the_rest() {
        let shared = Checkpoints::default();
        assert_eq!(shared.due(NUDGE_FRAMES - 1, true), Due::Nothing);
        assert_eq!(shared.due(NUDGE_FRAMES, true), Due::Nudge);
        assert_eq!(shared.due(NUDGE_FRAMES, false), Due::Here);
        shared.copied.store(u64::from(NUDGE_FRAMES), Relaxed);
        assert_eq!(shared.due(NUDGE_FRAMES + 1000, true), Due::Nudge);
        assert_eq!(shared.due(NUDGE_FRAMES + CLOSE_FRAMES, true), Due::Close);
        assert_eq!(shared.due(CAP_FRAMES, true), Due::Here);
        // Started over since: what was copied of the old WAL says nothing of the new.
        shared.started_over();
        assert_eq!(shared.due(NUDGE_FRAMES + CLOSE_FRAMES, true), Due::Nudge);
    }
}
