//! The single writer connection, with group commit. Each write runs in its own
//! savepoint inside a shared transaction; the last writer in line commits it, so one
//! fsync makes a whole queue of writes durable at once. Nobody returns before the
//! transaction holding their write has committed: an acknowledged write is on disk.

use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use rusqlite::Connection;

use super::error::StoreError;
use super::health::Health;
use super::read_cache::ReadCache;
use super::read_pool::ReadPool;

/// Writes per transaction at most, so a steady stream of writers still commits.
const MAX_BATCH: usize = 256;
/// Failed batches remembered for their writers to read (a failure is a disk error:
/// rare, and each writer reads it as soon as it wakes).
const FAILURES_KEPT: usize = 64;

pub(super) struct Writer {
    state: Mutex<State>,
    /// Signalled whenever a batch ends.
    ended: Condvar,
    /// Writers waiting for `state`: while there are some, the batch stays open for them.
    queued: AtomicUsize,
    /// Told of every commit, before and after.
    cache: Arc<ReadCache>,
    /// Told after every commit, so no idle reader holds the WAL back.
    readers: Arc<ReadPool>,
    /// Told of every commit and of every storage fault a write meets.
    pub(super) health: Health,
}

struct State {
    conn: Connection,
    /// Writes in the open transaction; 0 when none is open.
    jobs: usize,
    /// The number of the open (or next) batch.
    batch: u64,
    /// The last batch that ended.
    ended: u64,
    /// Recent batches that did not commit, why, and whether the disk refused them.
    failures: Vec<(u64, String, bool)>,
}

impl Writer {
    pub fn new(conn: Connection, cache: Arc<ReadCache>, readers: Arc<ReadPool>) -> Writer {
        Writer {
            state: Mutex::new(State {
                conn,
                jobs: 0,
                batch: 1,
                ended: 0,
                failures: Vec::new(),
            }),
            ended: Condvar::new(),
            queued: AtomicUsize::new(0),
            cache,
            readers,
            health: Health::default(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A write that panicked was rolled back to its savepoint before the panic went
        // on (see `run`), so a poisoned lock still guards a consistent connection.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs `f` on the writer connection in its own savepoint: kept when `f` returns
    /// `Ok`, rolled back when it returns `Err` or panics. Returns once the batch with
    /// the write has committed.
    pub fn run<T, E>(&self, f: impl FnOnce(&Connection) -> Result<T, E>) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        self.queued.fetch_add(1, SeqCst);
        let mut st = self.lock();
        self.queued.fetch_sub(1, SeqCst);
        if st.jobs == 0 {
            exec(&st.conn, "BEGIN IMMEDIATE").map_err(StoreError::from)?;
        }
        st.jobs += 1;
        let out = match exec(&st.conn, "SAVEPOINT job") {
            Ok(()) => catch_unwind(AssertUnwindSafe(|| f(&st.conn))),
            Err(e) => Ok(Err(StoreError::from(e).into())),
        };
        let keep = matches!(out, Ok(Ok(_)));
        if matches!(out, Ok(Err(_))) {
            // Before the rollback below, which is a call of its own.
            self.health.failed_on(&st.conn);
        }
        let closed = if keep {
            exec(&st.conn, "RELEASE job")
        } else {
            exec(&st.conn, "ROLLBACK TO job").and_then(|()| exec(&st.conn, "RELEASE job"))
        };
        let batch = st.batch;
        match closed {
            // The transaction may now hold part of this write: none of it may commit.
            Err(e) => self.end(&mut st, Some(e)),
            Ok(()) if self.queued.load(SeqCst) == 0 || st.jobs >= MAX_BATCH => {
                let failure = self.commit(&st.conn);
                self.end(&mut st, failure);
            }
            Ok(()) => {}
        }
        while st.ended < batch {
            st = self.ended.wait(st).unwrap_or_else(|p| p.into_inner());
        }
        let failure = st.failures.iter().find(|(b, ..)| *b == batch).cloned();
        drop(st);
        let out = out.unwrap_or_else(|panic| resume_unwind(panic));
        match failure {
            Some((_, message, storage)) if keep => {
                Err(StoreError::CommitFailed { message, storage }.into())
            }
            _ => out,
        }
    }

    /// Runs `f` with the connection to itself, outside any batch (an open one is
    /// committed first): for bulk loads that set their own pragmas and transaction.
    pub fn exclusive<T>(&self, f: impl FnOnce(&mut Connection) -> T) -> T {
        let mut st = self.lock();
        if st.jobs > 0 {
            let failure = self.commit(&st.conn);
            self.end(&mut st, failure);
        }
        self.cache.invalidate();
        self.readers.end_stale();
        let out = f(&mut st.conn);
        self.cache.invalidate();
        self.readers.end_stale();
        out
    }

    /// Commits the open transaction; cached reads are void from before it starts
    /// until after it is done.
    fn commit(&self, conn: &Connection) -> Option<rusqlite::Error> {
        self.cache.invalidate();
        let failure = exec(conn, "COMMIT").err();
        match &failure {
            None => self.health.committed(),
            Some(e) => self.health.failed(e),
        }
        self.cache.invalidate();
        self.readers.end_stale();
        failure
    }

    /// Ends the open batch; a failed one is rolled back whole and remembered.
    fn end(&self, st: &mut State, failure: Option<rusqlite::Error>) {
        if let Some(error) = failure {
            let _ = st.conn.execute_batch("ROLLBACK");
            if st.failures.len() == FAILURES_KEPT {
                st.failures.remove(0);
            }
            let message = error.to_string();
            let storage = StoreError::Sqlite(error).is_storage_fault();
            st.failures.push((st.batch, message, storage));
        }
        st.ended = st.batch;
        st.batch += 1;
        st.jobs = 0;
        self.ended.notify_all();
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
        let dir = tempfile::tempdir().unwrap();
        let conn = Connection::open(dir.path().join("w.db")).unwrap();
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)",
        )
        .unwrap();
        let cache = Arc::new(ReadCache::default());
        let readers = Arc::new(ReadPool::new(dir.path().join("w.db"), Arc::clone(&cache)));
        (dir, Arc::new(Writer::new(conn, cache, readers)))
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
