//! The service seam: one method call from start to finish. [`Service::call`] is all a
//! protocol layer asks for; it decides here, never there, where the call runs (inline
//! or on the blocking pool), in which transaction (a read snapshot, the writer, or a
//! rehearsal on a snapshot first for password hashing), and what is left to do once the
//! transaction is over (the ticket's slide) before the answer may go out.

use std::cell::RefCell;

use actix_web::rt::task::spawn_blocking;
use chrono::Duration;

use super::args::Args;
use super::ctx::{Ctx, RequestInfo};
use super::effects::{Effects, Slide};
use super::error::OpError;
use super::hashing::HashMemo;
use super::method::{Access, Method};
use super::reply::{self, Node};
use super::service::Service;
use super::snapshot::Snapshot;
use crate::store::Tx;

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

/// What [`Service::invoke`] hands back: the answer, and a write it still owes.
struct Invocation {
    answer: Answer,
    /// A write the call still owes before its answer may go out: see [`Service::settle`].
    owed: Option<Owed>,
}

/// A reading call's ticket slide that must reach the disk before the call is answered.
struct Owed(Slide);

impl Service {
    /// Runs `method` and settles what it owes; business errors are in the answer's
    /// node, never an `Err`. A lookup (a few rows by key, on a snapshot that never
    /// waits) runs right here: a hop to the blocking pool would cost more than the
    /// lookup. Everything else runs off the async workers, since scans, the writer and
    /// password hashing block.
    pub async fn call(
        &self,
        method: Method,
        args: Args,
        request: RequestInfo,
    ) -> Result<Answer, Interrupted> {
        let done = if method.access == Access::Lookup {
            self.invoke(method, &args, &request)
        } else {
            let service = self.clone();
            spawn_blocking(move || service.invoke(method, &args, &request))
                .await
                .map_err(|_| Interrupted)?
        };
        if let Some(owed) = done.owed {
            let service = self.clone();
            spawn_blocking(move || service.settle(owed))
                .await
                .map_err(|_| Interrupted)?;
        }
        Ok(done.answer)
    }

    /// Runs a method in one transaction (rolled back on any error) and returns its
    /// XmlNode. Reading methods run on a read-only snapshot, beside other requests; a
    /// method that hashes passwords first rehearses on a snapshot so the slow hashing
    /// happens outside the single writer.
    fn invoke(&self, method: Method, args: &Args, request: &RequestInfo) -> Invocation {
        let now = self.clock.now();
        let hashes = HashMemo::default();
        let run = |tx: &Tx, effects: &RefCell<Effects>| {
            let ctx = Ctx {
                tx,
                now,
                settings: &self.settings,
                request,
                effects,
                hashes: &hashes,
            };
            let reply = (method.run)(&ctx, args)?;
            if method.access.writes() {
                self.persist_stale_slide(tx, &mut effects.borrow_mut().slide)?;
            }
            Ok(reply)
        };
        let effects = RefCell::default();
        let mut snapshot = None;
        let outcome = match method.access {
            Access::Lookup | Access::Read => self.store.read(|tx| run(tx, &effects)),
            // The rows are read after the method ran, from the snapshot it ran on: so
            // they show nothing newer than the check of the caller's rights. Without
            // one, the protocol layer takes a snapshot for the rows when it needs them.
            Access::Stream => match self.snapshot() {
                Ok(taken) => snapshot.insert(taken).read(|tx| run(tx, &effects)),
                Err(_) => self.store.read(|tx| run(tx, &effects)),
            },
            Access::Write => self.store.write(|tx| run(tx, &effects)),
            Access::HashThenWrite => {
                // Only the hashes are kept: the rehearsal stops at its first write
                // (the snapshot is read-only) and its outcome is thrown away.
                let _ = self.store.read(|tx| run(tx, &RefCell::default()));
                self.store.write(|tx| run(tx, &effects))
            }
        };
        let effects = effects.into_inner();
        let owed = match (&outcome, effects.slide) {
            (Ok(_), Some(slide)) if self.urgent(&slide) => Some(Owed(slide)),
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

    /// Whether a slide runs so far ahead of the stored expiry that it must be written
    /// now: by min(lifetime / 100, 1 minute). So a crash can cost a ticket at most that
    /// much of its life, and a ticket in continuous use is written about once per
    /// minute instead of on every call.
    fn urgent(&self, slide: &Slide) -> bool {
        slide.to - slide.stored > (self.settings.ticket_lifetime / 100).min(Duration::minutes(1))
    }

    /// Inside a write transaction: an urgent slide is stored with the write.
    fn persist_stale_slide(&self, tx: &Tx, slide: &mut Option<Slide>) -> Result<(), OpError> {
        if let Some(s) = slide.take_if(|s| self.urgent(s)) {
            tx.extend_ticket(&s.ticket, s.to, None)?;
        }
        Ok(())
    }

    /// Writes what a reading call owes. It blocks on the writer, so [`Service::call`]
    /// runs it off the async workers; a reading call itself never waits for a write.
    fn settle(&self, Owed(slide): Owed) {
        let stored = self
            .store
            .write(|tx| tx.extend_ticket(&slide.ticket, slide.to, None));
        if let Err(e) = stored {
            // The call itself succeeded; the slide stays in memory.
            tracing::warn!(error = %e, "could not store a ticket's new expiry");
            self.store.defer_slide(&slide.ticket, slide.to);
        }
    }
}
