//! The service seam: one method call from start to finish. [`Service::call`] is all a
//! protocol layer asks for; it decides here, never there, where the call runs (inline,
//! on the blocking pool, or on the writer thread), in which transaction (a read
//! snapshot or the writer's), where a write's password hashing runs (beside, never on,
//! the writer), and what is left to do once the transaction is over (the ticket's
//! slide) before the answer may go out.

use std::cell::RefCell;
use std::sync::Arc;

use actix_web::rt::task::spawn_blocking;
use chrono::{DateTime, Duration, Utc};

use super::args::Args;
use super::ctx::{Ctx, RequestInfo};
use super::effects::{Effects, Slide};
use super::error::OpError;
use super::hashing::HashMemo;
use super::method::{Access, Method};
use super::reply::{self, Node, Reply};
use super::service::{Service, Settings};
use super::snapshot::Snapshot;
use crate::store::{StoreError, Tx};

/// A method's XmlNode and who made the call, for the request journal.
pub struct Answer {
    pub node: Node,
    pub user: Option<String>,
    /// The snapshot the call ran on, when its reply has rows still to read from it.
    pub snapshot: Option<Snapshot>,
}

/// The worker running a call stopped (the server is going down): nothing was answered.
#[derive(Debug, thiserror::Error)]
#[error("the call's worker stopped")]
pub struct Interrupted;

/// What a call hands back: the answer, and a write it still owes.
struct Invocation {
    answer: Answer,
    /// A write the call still owes before its answer may go out: see [`Service::settle`].
    owed: Option<Owed>,
}

/// A reading call's ticket slide that must reach the disk before the call is answered.
struct Owed(Slide);

/// One method call with all it needs but a transaction, owned: a write carries it to
/// the writer thread.
struct Call {
    method: Method,
    args: Args,
    request: RequestInfo,
    now: DateTime<Utc>,
    /// Hashes worked out once per call, kept from one run to the next.
    hashes: HashMemo,
}

/// Why a write was rolled back.
enum Undone {
    /// The method failed; what the call did besides stays (the journal names its user).
    Failed(OpError, Effects),
    /// The call needed argon2, which the writer does not run: see `hashing.rs`.
    Unhashed(Box<Call>),
}

impl From<StoreError> for Undone {
    fn from(e: StoreError) -> Undone {
        Undone::Failed(e.into(), Effects::default())
    }
}

impl Service {
    /// Runs `method` and settles what it owes; business errors are in the answer's
    /// node, never an `Err`. A lookup (a few rows by key, on a snapshot that never
    /// waits) runs right here: a hop to the blocking pool would cost more than the
    /// lookup. Other reads run on the blocking pool, since scans block; writes run on
    /// the writer thread, which this awaits without blocking a thread. The writer does
    /// not run argon2: a write that needs it is rolled back, the hashes it wanted are
    /// worked out on the blocking pool, and it runs again (`hashing.rs`).
    pub async fn call(
        &self,
        method: Method,
        args: Args,
        request: RequestInfo,
    ) -> Result<Answer, Interrupted> {
        let hashes = match method.access {
            Access::Write => HashMemo::on_writer(),
            _ => HashMemo::hashing(),
        };
        let call = Call {
            method,
            args,
            request,
            now: self.clock.now(),
            hashes,
        };
        let done = match method.access {
            Access::Lookup => self.read(&call),
            Access::Read | Access::Stream => {
                let service = self.clone();
                spawn_blocking(move || service.read(&call))
                    .await
                    .map_err(|_| Interrupted)?
            }
            // A few rounds at most: see `hashing.rs`.
            Access::Write => {
                let mut call = call;
                loop {
                    match self.write(call).await? {
                        Ok(done) => break done,
                        Err(unhashed) => call = self.hash_for(unhashed).await?,
                    }
                }
            }
        };
        if let Some(owed) = done.owed {
            self.settle(owed).await?;
        }
        Ok(done.answer)
    }

    /// Runs a reading method on a read-only snapshot, beside other requests.
    fn read(&self, call: &Call) -> Invocation {
        let effects = RefCell::default();
        let run = |tx: &Tx| call.run(tx, &self.settings, &effects);
        let mut snapshot = None;
        let outcome = if call.method.access == Access::Stream {
            // The rows are read after the method ran, from the snapshot it ran on: so
            // they show nothing newer than the check of the caller's rights. Without
            // one, the protocol layer takes a snapshot for the rows when it needs them.
            match self.snapshot() {
                Ok(taken) => snapshot.insert(taken).read(run),
                Err(_) => self.store.read(run),
            }
        } else {
            self.store.read(run)
        };
        self.conclude(call.method, outcome, effects.into_inner(), snapshot)
    }

    /// Works out on the blocking pool the hashes a call wanted on the writer.
    async fn hash_for(&self, mut call: Call) -> Result<Call, Interrupted> {
        spawn_blocking(move || {
            call.hashes.work_out();
            call
        })
        .await
        .map_err(|_| Interrupted)
    }

    /// Runs a writing method in one transaction on the writer thread (rolled back on
    /// any error); resolves once that transaction has ended. A call that needed argon2
    /// comes back whole, rolled back, for its hashes.
    async fn write(&self, call: Call) -> Result<Result<Invocation, Call>, Interrupted> {
        let method = call.method;
        let settings = Arc::clone(&self.settings);
        let written = self
            .store
            .submit(move |tx| {
                let effects = RefCell::default();
                let outcome = call.run(tx, &settings, &effects);
                if call.hashes.missed() {
                    return Err(Undone::Unhashed(Box::new(call)));
                }
                match outcome {
                    Ok(reply) => Ok((reply, effects.into_inner())),
                    Err(e) => Err(Undone::Failed(e, effects.into_inner())),
                }
            })
            .await
            .map_err(|_| Interrupted)?;
        let (outcome, effects) = match written {
            Ok((reply, effects)) => (Ok(reply), effects),
            Err(Undone::Failed(e, effects)) => (Err(e), effects),
            Err(Undone::Unhashed(call)) => return Ok(Err(*call)),
        };
        Ok(Ok(self.conclude(method, outcome, effects, None)))
    }

    /// Turns a call's outcome into its answer, and keeps or owes its ticket's slide.
    fn conclude(
        &self,
        method: Method,
        outcome: Result<Reply, OpError>,
        effects: Effects,
        snapshot: Option<Snapshot>,
    ) -> Invocation {
        let owed = match (&outcome, effects.slide) {
            (Ok(_), Some(slide)) if urgent(&self.settings, &slide) => Some(Owed(slide)),
            (Ok(_), Some(slide)) => {
                self.store.defer_slide(&slide.ticket, slide.to);
                None
            }
            _ => None,
        };
        let node = reply::render(method.root, outcome);
        Invocation {
            answer: Answer {
                snapshot: snapshot.filter(|_| node.has_rows()),
                node,
                user: effects.user,
            },
            owed,
        }
    }

    /// Writes what a reading call owes, on the writer thread; a reading call itself
    /// never waits for a write.
    async fn settle(&self, Owed(slide): Owed) -> Result<(), Interrupted> {
        let Slide { ticket, to, .. } = slide;
        let key = ticket.clone();
        let stored = self
            .store
            .submit(move |tx| tx.extend_ticket(&key, to, None))
            .await
            .map_err(|_| Interrupted)?;
        if let Err(e) = stored {
            // The call itself succeeded; the slide stays in memory.
            tracing::warn!(error = %e, "could not store a ticket's new expiry");
            self.store.defer_slide(&ticket, to);
        }
        Ok(())
    }
}

impl Call {
    /// The method, run in `tx`; a writing method also stores its urgent slide there.
    fn run(
        &self,
        tx: &Tx,
        settings: &Settings,
        effects: &RefCell<Effects>,
    ) -> Result<Reply, OpError> {
        let ctx = Ctx {
            tx,
            now: self.now,
            settings,
            request: &self.request,
            effects,
            hashes: &self.hashes,
        };
        let reply = (self.method.run)(&ctx, &self.args)?;
        if self.method.access == Access::Write {
            let mut effects = effects.borrow_mut();
            if let Some(s) = effects.slide.take_if(|s| urgent(settings, s)) {
                tx.extend_ticket(&s.ticket, s.to, None)?;
            }
        }
        Ok(reply)
    }
}

/// Whether a slide runs so far ahead of the stored expiry that it must be written now:
/// by min(lifetime / 100, 1 minute). So a crash can cost a ticket at most that much of
/// its life, and a ticket in continuous use is written about once per minute instead of
/// on every call.
fn urgent(settings: &Settings, slide: &Slide) -> bool {
    slide.to - slide.stored > (settings.ticket_lifetime / 100).min(Duration::minutes(1))
}
