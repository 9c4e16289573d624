//! One method call from start to finish: its transaction, and what is left to do
//! once that is over (the ticket's slide).

use std::cell::RefCell;

use chrono::{DateTime, Duration, Utc};

use super::hashing::HashMemo;
use super::rows::Snapshot;
use super::{reply, Access, Args, Ctx, Method, Node, OpError, RequestInfo, Service};
use crate::store::Tx;

/// What a call did besides its reply, finished once its transaction is over.
#[derive(Default)]
pub(super) struct Effects {
    /// The caller's ticket moves to a new expiry (docs/compatibility.md A14).
    pub slide: Option<Slide>,
    /// The user the call acted as.
    pub user: Option<String>,
}

pub(super) struct Slide {
    pub ticket: String,
    pub stored: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

/// A method's reply and who made the call, for the request journal.
pub struct Invocation {
    pub node: Node,
    pub user: Option<String>,
    /// A write the call still owes before its answer may go out: see [`Service::settle`].
    pub owed: Option<Owed>,
    /// The snapshot the call ran on, when its reply has rows still to read from it.
    pub snapshot: Option<Snapshot>,
}

/// A reading call's ticket slide that must reach the disk before the call is answered.
pub struct Owed(Slide);

impl Service {
    /// Runs a method in one transaction (rolled back on any error) and returns its
    /// XmlNode; business errors are in-band, never an `Err`. Reading methods run on a
    /// read-only snapshot, beside other requests; a method that hashes passwords first
    /// rehearses on a snapshot so the slow hashing happens outside the single writer.
    pub fn invoke(&self, method: Method, args: &Args, request: &RequestInfo) -> Invocation {
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
            snapshot: snapshot.filter(|_| node.has_rows()),
            node,
            user: effects.user,
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

    /// Writes what a reading call owes. It blocks on the writer, so the protocol layer
    /// runs it off its async workers; a reading call itself never waits for a write.
    pub fn settle(&self, Owed(slide): Owed) {
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
