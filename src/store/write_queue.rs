//! The writer thread: the request path's writes go to it through a channel and come
//! back through a one-shot channel each, so an async worker awaits its write instead
//! of blocking a thread on the writer's lock. The thread starts with the first write
//! handed to it (a world that is only read never has one), and stops, its queue
//! drained, when the last handle to the store is dropped. Beside it run its helpers:
//! the syncer, which answers a committed batch once the WAL is synced (`durable.rs`),
//! and the checkpointer (`checkpoints.rs`).

use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};

use rusqlite::Connection;
use tokio::sync::oneshot;

use super::error::StoreError;
use super::helper_thread::HelperThread;
use super::writer::{Failure, Once, Queued, Write, Writer};

/// The writer thread stopped before it answered a write (the write panicked, or the
/// thread could not be started): whether it committed is unknown to the caller.
#[derive(Debug, thiserror::Error)]
#[error("the writer dropped the write")]
pub struct WriteLost;

pub(super) struct WriteQueue {
    writer: Arc<Writer>,
    thread: Mutex<Option<Thread>>,
}

/// The running writer thread and its queue.
struct Thread {
    jobs: Sender<Box<dyn Queued>>,
    handle: JoinHandle<()>,
}

impl WriteQueue {
    pub fn new(writer: Arc<Writer>) -> WriteQueue {
        WriteQueue {
            writer,
            thread: Mutex::new(None),
        }
    }

    fn thread(&self) -> MutexGuard<'_, Option<Thread>> {
        // Every update is a single assignment: a poisoned lock still guards a whole value.
        self.thread.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Queues `f` for the writer thread; the future resolves once the write's batch
    /// has ended, so an `Ok` is durable.
    pub fn submit<T, E>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, E> + Send + 'static,
    ) -> impl Future<Output = Result<Result<T, E>, WriteLost>> + Send + 'static
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let job = Box::new(Job {
            write: Once::new(f),
            reply,
        });
        let mut thread = self.thread();
        if thread.is_none() {
            *thread = self.start();
        }
        // With no thread (it could not be started; the next write tries again) the job
        // is dropped with its reply, and the future below says so.
        if let Some(thread) = thread.as_ref() {
            let _ = thread.jobs.send(job);
        }
        async move { answer.await.map_err(|_| WriteLost) }
    }

    fn start(&self) -> Option<Thread> {
        let (jobs, queue) = channel::<Box<dyn Queued>>();
        let writer = Arc::clone(&self.writer);
        let started = thread::Builder::new().name("writer".into()).spawn(move || {
            // Dropped when the queue closes, once they have finished their work.
            let syncer = Syncer::start(Arc::clone(&writer));
            let checkpointer = writer.checkpointer();
            while let Ok(first) = queue.recv() {
                let turn =
                    || writer.run_queued(first, &queue, checkpointer.as_ref(), syncer.is_some());
                // A panic between writes (each write's own is caught where it runs)
                // loses the writes in hand, never the thread.
                let Ok(committed) = catch_unwind(AssertUnwindSafe(turn)) else {
                    tracing::error!("the writer thread panicked; its open batch is rolled back");
                    writer.recover();
                    continue;
                };
                if let Some(syncer) = syncer.as_ref().filter(|_| !committed.is_empty()) {
                    if let Err(committed) = syncer.hand(committed) {
                        answer_durable(&writer, committed);
                    }
                }
            }
        });
        match started {
            Ok(handle) => Some(Thread { jobs, handle }),
            Err(e) => {
                tracing::error!(error = %e, "the writer thread did not start");
                None
            }
        }
    }
}

impl Drop for WriteQueue {
    /// Closes the queue and waits for the thread to drain it, so the connection is
    /// closed (and the database file free) once the store is gone. The last handle may
    /// be dropped by a write on the writer thread itself, which must not wait for
    /// itself: it ends on its own once that write is done.
    fn drop(&mut self) {
        let running = self
            .thread
            .get_mut()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        if let Some(Thread { jobs, handle }) = running {
            drop(jobs);
            if handle.thread().id() != thread::current().id() {
                let _ = handle.join();
            }
        }
    }
}

/// The syncer thread: answers the writes of each batch handed to it once the batch
/// is durable. They reach it already run, their closures (which may hold the last
/// handle to the store) dropped on the writer thread.
pub(super) struct Syncer(HelperThread<Vec<Box<dyn Queued>>>);

impl Syncer {
    /// Starts the thread; `None` when it cannot be started (the writer thread then
    /// syncs each batch itself).
    pub fn start(writer: Arc<Writer>) -> Option<Syncer> {
        HelperThread::start(
            "syncer",
            move |committed: Receiver<Vec<Box<dyn Queued>>>| {
                while let Ok(mut due) = committed.recv() {
                    // Everything committed so far rides on the one fsync.
                    due.extend(committed.try_iter().flatten());
                    answer_durable(&writer, due);
                }
            },
        )
        .map(Syncer)
    }

    /// Hands over the writes of a committed batch, to be answered once it is durable;
    /// gives them back when the thread has gone.
    pub fn hand(&self, writes: Vec<Box<dyn Queued>>) -> Result<(), Vec<Box<dyn Queued>>> {
        self.0.send(writes)
    }
}

/// Syncs the WAL and answers `writes`, whose batches have committed.
fn answer_durable(writer: &Writer, writes: Vec<Box<dyn Queued>>) {
    let failure = writer.make_durable();
    for write in writes {
        write.finish(failure.as_ref());
    }
}

/// A queued write, and where to send its outcome.
struct Job<F, T, E> {
    write: Once<F, T, E>,
    reply: oneshot::Sender<Result<T, E>>,
}

impl<F, T, E> Write for Job<F, T, E>
where
    F: FnOnce(&Connection) -> Result<T, E>,
{
    fn run(&mut self, conn: &Connection) -> bool {
        self.write.run(conn)
    }
}

impl<F, T, E> Queued for Job<F, T, E>
where
    F: FnOnce(&Connection) -> Result<T, E> + Send,
    T: Send,
    E: From<StoreError> + Send,
{
    fn finish(self: Box<Self>, failure: Option<&Failure>) {
        let Job { write, reply } = *self;
        let answer = match (write.out, failure) {
            (Some(Ok(_)), Some(failure)) | (None, Some(failure)) => Err(failure.error().into()),
            (Some(out), _) => out,
            (None, None) => return,
        };
        // The caller may have gone (its client hung up); the write stands.
        let _ = reply.send(answer);
    }
}

#[cfg(test)]
mod tests {
    use actix_web::rt::System;
    use futures_util::future::join_all;

    use super::*;
    use crate::store::handle::Store;
    use crate::store::tx::Tx;

    fn store() -> (tempfile::TempDir, Store) {
        Store::with_table_for_test("CREATE TABLE t (k INTEGER PRIMARY KEY)")
    }

    fn insert(store: &Store, k: i64, fail: bool) -> impl Future<Output = Result<(), StoreError>> {
        let written = store.submit(move |tx| {
            tx.conn.execute("INSERT INTO t (k) VALUES (?1)", [k])?;
            if fail {
                return Err(StoreError::Conflict);
            }
            Ok(())
        });
        async move { written.await.expect("answered") }
    }

    fn keys(store: &Store) -> Vec<i64> {
        store
            .read(|tx| -> Result<Vec<i64>, StoreError> {
                let mut stmt = tx.conn.prepare("SELECT k FROM t ORDER BY k")?;
                let rows = stmt.query_map([], |r| r.get(0))?;
                Ok(rows.collect::<Result<_, _>>()?)
            })
            .unwrap()
    }

    #[test]
    fn queued_writes_all_commit_and_failed_ones_leave_nothing() {
        let (_dir, store) = store();
        let outcomes =
            System::new().block_on(join_all((0..300).map(|k| insert(&store, k, k % 7 == 0))));
        for (k, outcome) in outcomes.iter().enumerate() {
            assert_eq!(outcome.is_err(), k % 7 == 0, "write {k}: {outcome:?}");
        }
        let expected: Vec<i64> = (0..300).filter(|k| k % 7 != 0).collect();
        assert_eq!(keys(&store), expected);
    }

    /// A queue longer than a batch commits in batches of 32 (`MAX_BATCH`): each write
    /// reads, on a connection of its own, how many rows earlier batches committed, which
    /// is the same for every write of one batch.
    #[test]
    fn a_long_queue_commits_in_batches_of_at_most_32() {
        let (dir, store) = store();
        let db = dir.path().join("t.db");
        let (release, held) = std::sync::mpsc::channel::<()>();
        let committed_before = move |tx: &Tx, k: i64| -> Result<i64, StoreError> {
            tx.conn.execute("INSERT INTO t (k) VALUES (?1)", [k])?;
            let reader = Connection::open(&db)?;
            Ok(reader.query_row("SELECT count(*) FROM t", [], |r| r.get(0))?)
        };
        let first = {
            let committed_before = committed_before.clone();
            // Holds the writer thread until every other write is queued behind it.
            store.submit(move |tx| {
                held.recv().expect("released");
                committed_before(tx, 0)
            })
        };
        let total = 3 * 32 + 5;
        let rest: Vec<_> = (1..total)
            .map(|k| {
                let committed_before = committed_before.clone();
                store.submit(move |tx| committed_before(tx, k))
            })
            .collect();
        release.send(()).unwrap();
        let seen: Vec<i64> = System::new().block_on(async {
            let mut seen = vec![first.await.expect("answered").unwrap()];
            for write in join_all(rest).await {
                seen.push(write.expect("answered").unwrap());
            }
            seen
        });
        let mut batches = seen.clone();
        batches.dedup();
        let sizes: Vec<usize> = batches
            .iter()
            .map(|b| seen.iter().filter(|s| *s == b).count())
            .collect();
        assert_eq!(
            sizes,
            [32, 32, 32, 5],
            "rows committed before each write: {seen:?}"
        );
    }

    #[test]
    fn queued_and_blocking_writes_interleave() {
        let (_dir, store) = store();
        let blocking = {
            let store = store.clone();
            thread::spawn(move || {
                for k in 1000..1100 {
                    store
                        .write(|tx| -> Result<usize, StoreError> {
                            Ok(tx.conn.execute("INSERT INTO t (k) VALUES (?1)", [k])?)
                        })
                        .unwrap();
                }
            })
        };
        let queued = System::new().block_on(join_all((0..100).map(|k| insert(&store, k, false))));
        blocking.join().unwrap();
        assert!(queued.iter().all(Result::is_ok));
        let expected: Vec<i64> = (0..100).chain(1000..1100).collect();
        assert_eq!(keys(&store), expected);
    }

    #[test]
    fn every_answer_matches_the_disk_when_commits_fail() {
        let (_dir, store) = store();
        // An orphan row under a deferred foreign key fails the COMMIT of its batch.
        store
            .write(|tx| -> Result<(), StoreError> {
                Ok(tx.conn.execute_batch(
                    "CREATE TABLE p (k INTEGER PRIMARY KEY);
                     CREATE TABLE c (k INTEGER PRIMARY KEY,
                         p INTEGER REFERENCES p(k) DEFERRABLE INITIALLY DEFERRED)",
                )?)
            })
            .unwrap();
        let write = |tx: &Tx, k: i64| -> Result<(), StoreError> {
            tx.conn.execute("INSERT INTO t (k) VALUES (?1)", [k])?;
            if k % 40 == 0 {
                tx.conn
                    .execute("INSERT INTO c (k, p) VALUES (?1, -1)", [k])?;
            }
            Ok(())
        };
        let blocking = {
            let store = store.clone();
            thread::spawn(move || {
                (1000..1200)
                    .map(|k| (k, store.write(|tx| write(tx, k)).is_ok()))
                    .collect::<Vec<_>>()
            })
        };
        let queued = System::new().block_on(join_all((0..400).map(|k| {
            let written = store.submit(move |tx| write(tx, k));
            async move { (k, written.await.expect("answered").is_ok()) }
        })));
        let answered: Vec<(i64, bool)> =
            queued.into_iter().chain(blocking.join().unwrap()).collect();
        let stored = keys(&store);
        for (k, ok) in answered {
            assert_eq!(ok, stored.contains(&k), "write {k} answered {ok}");
            if k % 40 == 0 {
                assert!(!ok, "write {k} left an orphan");
            }
        }
    }

    #[test]
    fn a_panicking_write_is_lost_and_rolled_back_and_the_thread_goes_on() {
        let (_dir, store) = store();
        let lost = store.submit(|tx| -> Result<(), StoreError> {
            tx.conn.execute("INSERT INTO t (k) VALUES (1)", [])?;
            panic!("boom");
        });
        System::new().block_on(async {
            assert!(lost.await.is_err());
            insert(&store, 2, false).await.unwrap();
        });
        assert_eq!(keys(&store), vec![2]);
    }

    #[test]
    fn the_thread_closes_the_database_with_the_last_handle() {
        let (dir, store) = store();
        System::new().block_on(insert(&store, 1, false)).unwrap();
        assert!(dir.path().join("t.db-wal").exists());
        drop(store);
        // SQLite removes the WAL when its last connection closes, the writer's included.
        assert!(!dir.path().join("t.db-wal").exists());
    }
}
