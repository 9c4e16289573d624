//! infoRouter's methods, each written once and free of any wire format: they take
//! [`Args`], work through one store transaction and return a [`Node`]. The protocol
//! layer (`asmx`) decodes requests into `Args` and encodes the `Node`.

mod admin;
mod args;
mod auth;
mod contact;
pub mod contact_items;
mod domains;
mod error;
mod listing;
mod mails;
mod method;
mod passwords;
mod preferences;
mod reply;
mod secrets;
mod server_info;
mod session;
mod user_view;
mod users;
pub mod vendor_users;
mod welcome;

use std::cell::RefCell;

use chrono::{DateTime, Duration, Utc};

pub use args::{Args, Value};
pub use error::OpError;
pub use method::{
    find, find_ignoring_case, Access, Method, MethodSpec, Param, ParamKind, Root, METHODS,
};
pub use reply::Node;
pub use secrets::hash_password;

use crate::clock::Clock;
use crate::store::{Store, Tx};

/// Server-wide settings the methods depend on.
#[derive(Debug, Clone)]
pub struct Settings {
    pub ticket_lifetime: Duration,
    /// The built-in administrator account (`SysadminAccountName`): never gets a ticket.
    pub sysadmin_account: String,
    /// CreateTicketforUser's shared secret.
    pub trusted_user_password: String,
    pub anonymous_access: bool,
    pub company: String,
    pub server_name: String,
}

/// What the protocol layer knows about the request beyond the parameters.
#[derive(Debug, Clone, Default)]
pub struct RequestInfo {
    /// The `ticket` cookie, used when a ticket parameter is absent or empty (Part A15).
    pub cookie_ticket: Option<String>,
    /// `scheme://host` the client used; links in mails point back here.
    pub site_url: String,
}

/// The infoRouter service: the store, the clock and the settings.
#[derive(Clone)]
pub struct Service {
    pub store: Store,
    pub clock: Clock,
    pub settings: std::sync::Arc<Settings>,
}

/// What one method call works with.
pub struct Ctx<'a> {
    pub tx: &'a Tx<'a>,
    pub now: DateTime<Utc>,
    pub settings: &'a Settings,
    pub request: &'a RequestInfo,
    effects: &'a RefCell<Effects>,
}

/// What a call did besides its reply, finished once its transaction is over.
#[derive(Default)]
struct Effects {
    /// The caller's ticket moves to a new expiry (Part A7).
    slide: Option<Slide>,
    /// The user the call acted as.
    user: Option<String>,
}

struct Slide {
    ticket: String,
    stored: DateTime<Utc>,
    to: DateTime<Utc>,
}

/// A method's reply and who made the call, for the request journal.
pub struct Invocation {
    pub node: Node,
    pub user: Option<String>,
}

impl Service {
    /// Runs a method in one transaction (rolled back on any error) and returns its
    /// XmlNode; business errors are in-band, never an `Err`. Reading methods run on a
    /// read-only snapshot, beside other requests.
    pub fn invoke(&self, method: Method, args: &Args, request: &RequestInfo) -> Invocation {
        let now = self.clock.now();
        let effects = RefCell::default();
        let run = |tx: &Tx| {
            let ctx = Ctx {
                tx,
                now,
                settings: &self.settings,
                request,
                effects: &effects,
            };
            let reply = (method.run)(&ctx, args)?;
            if method.access == Access::Write {
                self.persist_stale_slide(tx, &mut effects.borrow_mut().slide)?;
            }
            Ok(reply)
        };
        let outcome = match method.access {
            Access::Read => self.store.read(run),
            Access::Write => self.store.write(run),
        };
        let effects = effects.into_inner();
        if let (Ok(_), Some(slide)) = (&outcome, effects.slide) {
            self.finish_slide(slide);
        }
        Invocation {
            node: reply::render(method.root, outcome),
            user: effects.user,
        }
    }

    /// How far a slide may run ahead of the stored expiry before it is written: a
    /// crash can cost a ticket at most this much of its life, and a ticket used
    /// continuously is written about once per slack instead of on every call.
    fn slack(&self) -> Duration {
        (self.settings.ticket_lifetime / 100).min(Duration::minutes(1))
    }

    /// Inside a write transaction: a slide that must be stored is stored with it.
    fn persist_stale_slide(&self, tx: &Tx, slide: &mut Option<Slide>) -> Result<(), OpError> {
        if let Some(s) = slide.take_if(|s| s.to - s.stored > self.slack()) {
            tx.extend_ticket(&s.ticket, s.to, None)?;
        }
        Ok(())
    }

    /// After a successful call: keep a small slide in memory, store a large one.
    fn finish_slide(&self, slide: Slide) {
        if slide.to - slide.stored <= self.slack() {
            self.store.defer_slide(&slide.ticket, slide.to);
            return;
        }
        let stored = self
            .store
            .write(|tx| tx.extend_ticket(&slide.ticket, slide.to, None));
        if let Err(e) = stored {
            // The call itself succeeded; its ticket keeps its previous expiry.
            tracing::warn!(error = %e, "could not store a ticket's new expiry");
            self.store.defer_slide(&slide.ticket, slide.to);
        }
    }
}
