//! The single writer connection, with group commit. Each write runs in its own
//! savepoint inside a shared transaction, and one fsync makes a whole batch of writes
//! durable at once. Nobody hears of their write before the transaction holding it has
//! committed and the WAL holding it is synced (`durable.rs`): an acknowledged write is
//! on disk.
//!
//! Two ways in. [`Writer::run`] is for a caller that blocks (an admin call, a fixture
//! load, a test): it queues on the connection's lock, and the last writer in line
//! commits. [`Writer::run_queued`] is the writer thread's (`write_queue.rs`), for the
//! request path: it runs every write queued so far back to back and commits them, so
//! a request's write costs no lock hand-off and no thread woken per write.

use std::any::Any;
use std::collections::HashMap;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::mpsc::Receiver;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use rusqlite::Connection;

use super::batch_changes::BatchChanges;
use super::checkpoints::{self, Checkpointer, Checkpoints, Due};
use super::durable::WalFile;
use super::error::StoreError;
use super::health::Health;
use super::read_cache::ReadCache;
use super::read_pool::ReadPool;

/// Writes per transaction at most. A steady stream of writers still commits; and a
/// closed loop of more clients than this, each waiting for its answer before it writes
/// again, cannot fall into one batch that all of them wait on: the writes of the next
/// batch run while the last one is synced, where a batch of every client left the core
/// idle through each fsync (BENCHMARKS.md, "Writes: batches of at most 32"). Past about
/// 32 writes a commit's own cost per write is already small.
const MAX_BATCH: usize = 32;

/// One write, run once in its own savepoint.
pub(super) trait Write {
    /// Runs the write; whether to keep it (its savepoint is rolled back otherwise).
    fn run(&mut self, conn: &Connection) -> bool;
}

/// A write queued for the writer thread.
pub(super) trait Queued: Write + Send {
    /// Hands the outcome over once the write's batch has ended: `failure` says why the
    /// batch did not commit, or why the write never ran.
    fn finish(self: Box<Self>, failure: Option<&Failure>);
}

/// Why a batch did not commit (every write in it is rolled back).
#[derive(Clone)]
pub(super) struct Failure {
    message: String,
    /// Whether the disk refused it (`health.rs`).
    storage: bool,
}

impl Failure {
    fn new(error: rusqlite::Error) -> Failure {
        let message = error.to_string();
        let storage = StoreError::Sqlite(error).is_storage_fault();
        Failure { message, storage }
    }

    pub(super) fn error(&self) -> StoreError {
        StoreError::CommitFailed {
            message: self.message.clone(),
            storage: self.storage,
        }
    }
}

/// What became of one write in the batch.
enum Stepped {
    /// It ran: kept, or rolled back to its savepoint (with the panic it raised, if any).
    Ran {
        keep: bool,
        panic: Option<Box<dyn Any + Send>>,
    },
    /// No transaction or savepoint could be opened for it.
    NotRun(Failure),
}

pub(super) struct Writer {
    state: Mutex<State>,
    /// Signalled whenever a batch ends.
    ended: Condvar,
    /// Writers waiting for `state`: while there are some, the batch stays open for them.
    queued: AtomicUsize,
    /// Told of every commit, before and after.
    cache: Arc<ReadCache>,
    /// What the open batch has changed, for writes' use of `cache`.
    pub(super) changes: Arc<BatchChanges>,
    /// Told after every commit, so no idle reader holds the WAL back.
    readers: Arc<ReadPool>,
    /// Told of every commit and of every storage fault a write meets.
    pub(super) health: Health,
    /// Synced after every commit, before anyone hears of it.
    wal: WalFile,
    /// The database file, for the checkpointer's connection.
    db: PathBuf,
    /// Shared with the checkpointer (`checkpoints.rs`).
    checkpoints: Arc<Checkpoints>,
}

struct State {
    conn: Connection,
    /// Writes in the open transaction; 0 when none is open.
    jobs: usize,
    /// The number of the open (or next) batch.
    batch: u64,
    /// The last batch that ended.
    ended: u64,
    /// The WAL's frames after the last commit: fewer after the next one means the WAL
    /// started over.
    wal_frames: u32,
    /// Why the last batch that ended did not commit; `None` when it committed.
    last_failure: Option<Failure>,
    /// Blocking writers ([`Writer::run`]) of each batch not yet told how it ended, and
    /// why it failed if it did: kept until the last of them has read it.
    waiting: HashMap<u64, (usize, Option<Failure>)>,
}

impl State {
    /// Counts a blocking writer into the open (or next) batch.
    fn wait_on(&mut self, batch: u64) {
        self.waiting.entry(batch).or_default().0 += 1;
    }

    /// Why `batch`, which has ended, did not commit, for one of its blocking writers.
    fn told(&mut self, batch: u64) -> Option<Failure> {
        let (left, failure) = self.waiting.get_mut(&batch)?;
        *left -= 1;
        let failure = failure.clone();
        if *left == 0 {
            self.waiting.remove(&batch);
        }
        failure
    }
}

/// A closure run once as a write and, once it has run, its outcome.
pub(super) struct Once<F, T, E> {
    f: Option<F>,
    pub(super) out: Option<Result<T, E>>,
}

impl<F, T, E> Once<F, T, E> {
    pub(super) fn new(f: F) -> Once<F, T, E> {
        Once {
            f: Some(f),
            out: None,
        }
    }
}

impl<F, T, E> Write for Once<F, T, E>
where
    F: FnOnce(&Connection) -> Result<T, E>,
{
    fn run(&mut self, conn: &Connection) -> bool {
        let f = self.f.take().expect("a write runs once");
        self.out.insert(f(conn)).is_ok()
    }
}

impl Writer {
    pub fn new(
        conn: Connection,
        db: &Path,
        cache: Arc<ReadCache>,
        readers: Arc<ReadPool>,
    ) -> Writer {
        let changes = Arc::<BatchChanges>::default();
        changes.watch(&conn);
        Writer {
            state: Mutex::new(State {
                conn,
                jobs: 0,
                batch: 1,
                ended: 0,
                wal_frames: 0,
                last_failure: None,
                waiting: HashMap::new(),
            }),
            ended: Condvar::new(),
            queued: AtomicUsize::new(0),
            cache,
            changes,
            readers,
            health: Health::default(),
            wal: WalFile::of(db),
            db: db.to_owned(),
            checkpoints: Arc::default(),
        }
    }

    /// Starts a checkpointer thread for this database (the writer thread's).
    pub(super) fn checkpointer(&self) -> Option<Checkpointer> {
        Checkpointer::start(self.db.clone(), Arc::clone(&self.checkpoints))
    }

    /// Takes the connection, counted in `queued` while waiting for it.
    fn lock(&self) -> MutexGuard<'_, State> {
        self.queued.fetch_add(1, SeqCst);
        // A write that panicked was rolled back to its savepoint before the panic went
        // on (see `step`), so a poisoned lock still guards a consistent connection.
        let st = self.state.lock().unwrap_or_else(|p| p.into_inner());
        self.queued.fetch_sub(1, SeqCst);
        st
    }

    /// Runs `f` on the writer connection in its own savepoint: kept when `f` returns
    /// `Ok`, rolled back when it returns `Err` or panics. Returns once the batch with
    /// the write has committed.
    pub fn run<T, E>(&self, f: impl FnOnce(&Connection) -> Result<T, E>) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        let mut write = Once::new(f);
        let mut st = self.lock();
        let batch = st.batch;
        // Counted in before the write runs: a write whose savepoint cannot be closed
        // ends its batch, failed, within `step`.
        st.wait_on(batch);
        let (keep, panic) = match self.step(&mut st, &mut write) {
            Stepped::NotRun(failure) => {
                st.told(batch);
                return Err(failure.error().into());
            }
            Stepped::Ran { keep, panic } => (keep, panic),
        };
        if st.ended < batch && (self.queued.load(SeqCst) == 0 || st.jobs >= MAX_BATCH) {
            self.commit_batch(&mut st, None);
        }
        while st.ended < batch {
            st = self.ended.wait(st).unwrap_or_else(|p| p.into_inner());
        }
        let failure = st.told(batch);
        drop(st);
        if let Some(panic) = panic {
            resume_unwind(panic);
        }
        match failure {
            Some(failure) if keep => Err(failure.error().into()),
            _ => write.out.expect("a write that ran has an outcome"),
        }
    }

    /// The writer thread's turn: runs `first` and whatever else `more` holds (up to a
    /// batch's worth), back to back in one transaction, and commits it. With
    /// `defer_sync`, a committed batch is returned unsynced, its writes to be answered
    /// once [`Writer::make_durable`] has run; every other ending is answered here.
    pub(super) fn run_queued(
        &self,
        first: Box<dyn Queued>,
        more: &Receiver<Box<dyn Queued>>,
        checkpointer: Option<&Checkpointer>,
        defer_sync: bool,
    ) -> Vec<Box<dyn Queued>> {
        let mut st = self.lock();
        let mut open: Vec<Box<dyn Queued>> = Vec::new();
        let mut next = Some(first);
        let mut taken = 0;
        while let Some(mut write) = next.take() {
            let batch = st.batch;
            match self.step(&mut st, write.as_mut()) {
                Stepped::NotRun(failure) => write.finish(Some(&failure)),
                // Dropped unanswered: its caller learns the write was lost.
                Stepped::Ran { panic: Some(_), .. } => {
                    tracing::error!("a write panicked; it was rolled back");
                }
                Stepped::Ran { panic: None, .. } => open.push(write),
            }
            if st.ended >= batch {
                // Its batch failed within `step`, and took the writes before it along.
                finish_all(&mut open, st.last_failure.as_ref());
            }
            taken += 1;
            // A blocking write may have left the batch open with writes of its own.
            if taken < MAX_BATCH && st.jobs < MAX_BATCH {
                next = more.try_recv().ok();
            }
        }
        if st.jobs > 0 {
            // A blocking writer in the batch hears of it when it ends, so that one is
            // synced before it ends.
            if defer_sync && !st.waiting.contains_key(&st.batch) {
                let failure = self.commit(&mut st, checkpointer);
                let committed = failure.is_none();
                self.end(&mut st, failure);
                if committed {
                    return open;
                }
            } else {
                self.commit_batch(&mut st, checkpointer);
            }
        }
        finish_all(&mut open, st.last_failure.as_ref());
        open
    }

    /// Ends a batch the writer thread left open when it panicked between writes: its
    /// writes were answered as lost, so none of them may commit.
    pub(super) fn recover(&self) {
        let mut st = self.lock();
        if st.jobs > 0 {
            let failure = Failure {
                message: "the writer thread panicked".into(),
                storage: false,
            };
            self.end(&mut st, Some(failure));
        }
    }

    /// Runs `write` in its own savepoint of the open batch, begun here when none is
    /// open. A write whose savepoint cannot be closed ends the batch, failed: the
    /// transaction may hold part of it.
    fn step(&self, st: &mut State, write: &mut dyn Write) -> Stepped {
        if st.jobs == 0 {
            if self.wal.failed() {
                let _held = self.checkpoints.hold();
                if let Some(failure) = self.copy_back_unsynced(&st.conn) {
                    return Stepped::NotRun(failure);
                }
            }
            self.changes.clear();
            if let Err(e) = exec(&st.conn, "BEGIN IMMEDIATE") {
                return Stepped::NotRun(Failure::new(e));
            }
        }
        st.jobs += 1;
        if let Err(e) = exec(&st.conn, "SAVEPOINT job") {
            let failure = Failure::new(e);
            self.end(st, Some(failure.clone()));
            return Stepped::NotRun(failure);
        }
        let out = catch_unwind(AssertUnwindSafe(|| write.run(&st.conn)));
        let keep = matches!(out, Ok(true));
        if matches!(out, Ok(false)) {
            // Before the rollback below, which is a call of its own.
            self.health.failed_on(&st.conn);
        }
        let closed = if keep {
            exec(&st.conn, "RELEASE job")
        } else {
            exec(&st.conn, "ROLLBACK TO job").and_then(|()| exec(&st.conn, "RELEASE job"))
        };
        self.changes.write_ended(keep && closed.is_ok());
        if let Err(e) = closed {
            self.end(st, Some(Failure::new(e)));
        }
        Stepped::Ran {
            keep,
            panic: out.err(),
        }
    }

    /// Runs `f` with the connection to itself, outside any batch (an open one is
    /// committed first): for bulk loads that set their own pragmas and transaction.
    pub fn exclusive<T>(&self, f: impl FnOnce(&mut Connection) -> T) -> T {
        let mut st = self.lock();
        if st.jobs > 0 {
            self.commit_batch(&mut st, None);
        }
        // Bulk loads and the graceful stop checkpoint in here.
        let _checkpointing = self.checkpoints.hold();
        // Until the next batch begins: a bulk load's rows are not recorded one by one.
        self.changes.everything();
        self.cache.commit_begins();
        self.readers.end_stale();
        // Ended even when `f` panics: an odd generation would turn the cache off.
        let out = catch_unwind(AssertUnwindSafe(|| f(&mut st.conn)));
        self.cache.commit_ended(&self.changes);
        self.readers.end_stale();
        out.unwrap_or_else(|panic| resume_unwind(panic))
    }

    /// Commits the open transaction, makes it durable and ends its batch.
    fn commit_batch(&self, st: &mut State, checkpointer: Option<&Checkpointer>) {
        let failure = self
            .commit(st, checkpointer)
            .or_else(|| self.make_durable());
        self.end(st, failure);
    }

    /// After a failed sync, copies the whole WAL back into the database file, which a
    /// checkpoint syncs: then nothing in it hangs on that sync any more. Until then no
    /// write runs (`durable.rs`). The caller holds the checkpoint lock (as
    /// [`Writer::exclusive`] does).
    pub(super) fn copy_back_unsynced(&self, conn: &Connection) -> Option<Failure> {
        if !self.wal.failed() {
            return None;
        }
        let busy = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
            r.get::<_, i64>(0)
        });
        match busy {
            Ok(0) => {
                self.wal.copied_back();
                None
            }
            _ => Some(Failure {
                message: "the WAL could not be synced, nor copied back since".into(),
                storage: true,
            }),
        }
    }

    /// Commits the open transaction (durable only once the WAL is synced); the read
    /// cache serves nobody from before it starts until after it is done, and then
    /// forgets the rows the batch changed. A WAL grown past
    /// its threshold nudges `checkpointer`, or is checkpointed here without one.
    fn commit(&self, st: &mut State, checkpointer: Option<&Checkpointer>) -> Option<Failure> {
        self.cache.commit_begins();
        let failure = exec(&st.conn, "COMMIT").err();
        if let Some(e) = &failure {
            self.health.failed(e);
            // Rolled back next: no row is as the batch's writes said they left it.
            self.changes.everything();
        }
        self.cache.commit_ended(&self.changes);
        self.readers.end_stale();
        let frames = checkpoints::frames_committed();
        if frames > 0 && frames < st.wal_frames {
            self.checkpoints.started_over();
        }
        if frames > 0 {
            st.wal_frames = frames;
        }
        let checkpointed = match (
            self.checkpoints.due(frames, checkpointer.is_some()),
            checkpointer,
        ) {
            (Due::Nudge, Some(checkpointer)) => {
                checkpointer.nudge();
                Ok(())
            }
            (Due::Close, _) => self.checkpoints.passive_unless_busy(&st.conn).map(drop),
            (Due::Here, _) => self.checkpoints.passive(&st.conn),
            _ => Ok(()),
        };
        if let Err(e) = checkpointed {
            tracing::warn!(error = %e, "a checkpoint failed");
        }
        failure.map(Failure::new)
    }

    /// Syncs the WAL: every commit made before this began is then on disk, and the
    /// disk takes writes. A failed sync leaves those commits in the database, but
    /// nobody may be told they are durable: their writers hear of a storage fault, as
    /// a failed commit's would.
    pub(super) fn make_durable(&self) -> Option<Failure> {
        let Err(error) = self.wal.sync() else {
            self.health.committed();
            return None;
        };
        let message = format!("the WAL could not be synced: {error}");
        self.health.sync_failed(&message);
        Some(Failure {
            message,
            storage: true,
        })
    }

    /// Ends the open batch; a failed one is rolled back whole (unless it failed after
    /// its commit, at the sync), and why is kept for its writers.
    fn end(&self, st: &mut State, failure: Option<Failure>) {
        if failure.is_some() {
            let _ = st.conn.execute_batch("ROLLBACK");
            // SQLite may have rolled the transaction back itself, and a statement after
            // that committed on its own, outside any commit's forgetting.
            self.changes.everything();
            self.cache.commit_begins();
            self.cache.commit_ended(&self.changes);
        }
        if let Some((_, kept)) = st.waiting.get_mut(&st.batch) {
            kept.clone_from(&failure);
        }
        st.last_failure = failure;
        st.ended = st.batch;
        st.batch += 1;
        st.jobs = 0;
        self.ended.notify_all();
    }
}

/// Answers the writes of a batch that has just ended.
fn finish_all(writes: &mut Vec<Box<dyn Queued>>, failure: Option<&Failure>) {
    for write in writes.drain(..) {
        write.finish(failure);
    }
}

/// Runs one statement of the batch bookkeeping, prepared once per connection: parsing
/// them again for every write showed in the profile (issue 8).
fn exec(conn: &Connection, sql: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(sql)?.execute([]).map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn writer() -> (tempfile::TempDir, Arc<Writer>) {
        writer_syncing("w.db")
    }

    /// A writer of `w.db` that syncs the WAL of `db` (in the same directory).
    fn writer_syncing(db: &str) -> (tempfile::TempDir, Arc<Writer>) {
        let dir = tempfile::tempdir().unwrap();
        let conn = Connection::open(dir.path().join("w.db")).unwrap();
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)",
        )
        .unwrap();
        let cache = Arc::new(ReadCache::default());
        let readers = Arc::new(ReadPool::new(dir.path().join("w.db"), Arc::clone(&cache)));
        let writer = Writer::new(conn, &dir.path().join(db), cache, readers);
        (dir, Arc::new(writer))
    }

    fn insert(w: &Writer, k: i64, fail: bool) -> Result<(), StoreError> {
        w.run(|conn| {
            conn.execute("INSERT INTO t (k, v) VALUES (?1, 'x')", [k])?;
            if fail {
                return Err(StoreError::Conflict);
            }
            Ok(())
        })
    }

    fn keys(w: &Writer) -> Vec<i64> {
        w.exclusive(|conn| {
            let mut stmt = conn.prepare("SELECT k FROM t ORDER BY k").unwrap();
            let rows = stmt.query_map([], |r| r.get(0)).unwrap();
            rows.collect::<Result<_, _>>().unwrap()
        })
    }

    #[test]
    fn concurrent_writes_all_commit_and_failed_ones_leave_nothing() {
        let (_dir, w) = writer();
        let threads: Vec<_> = (0..16)
            .map(|t| {
                let w = Arc::clone(&w);
                std::thread::spawn(move || {
                    for n in 0..50 {
                        let k = t * 1000 + n;
                        let fail = n % 5 == 0;
                        assert_eq!(insert(&w, k, fail).is_err(), fail);
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        let expected: Vec<i64> = (0..16)
            .flat_map(|t| (0..50).filter(|n| n % 5 != 0).map(move |n| t * 1000 + n))
            .collect();
        assert_eq!(keys(&w), expected);
    }

    #[test]
    fn a_write_whose_wal_cannot_be_synced_is_a_storage_fault_until_the_wal_is_copied_back() {
        // Told of another file, whose WAL does not exist yet: its syncs fail.
        let (dir, w) = writer_syncing("gone.db");
        let written = insert(&w, 1, false);
        let e = written.unwrap_err();
        assert!(e.is_storage_fault(), "{e:?}");
        assert!(w.health.fault().unwrap().contains("could not be synced"));
        // The file is there now, but the failed sync sticks until the next batch has
        // copied the WAL back whole; then the write is synced and the fault is over.
        std::fs::write(dir.path().join("gone.db-wal"), b"").unwrap();
        assert!(w.wal.failed());
        insert(&w, 2, false).unwrap();
        assert!(!w.wal.failed());
        assert_eq!(w.health.fault(), None);
        // The first write committed all the same: its writer was told it may be lost.
        assert_eq!(keys(&w), vec![1, 2]);
    }

    #[test]
    fn a_panicking_write_is_rolled_back_and_the_writer_goes_on() {
        let (_dir, w) = writer();
        let panicked = std::panic::catch_unwind(AssertUnwindSafe(|| {
            let _ = w.run(|conn| -> Result<(), StoreError> {
                conn.execute("INSERT INTO t (k, v) VALUES (1, 'x')", [])?;
                panic!("boom");
            });
        }));
        assert!(panicked.is_err());
        insert(&w, 2, false).unwrap();
        assert_eq!(keys(&w), vec![2]);
    }
}
