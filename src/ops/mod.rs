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
mod hashing;
mod invoke;
mod listing;
mod mails;
mod method;
mod passwords;
mod preferences;
mod reply;
mod rows;
mod secrets;
mod server_info;
mod session;
mod user_view;
mod users;
pub mod vendor_users;
mod welcome;

use std::cell::RefCell;

use chrono::{DateTime, Duration, Utc};

use hashing::HashMemo;
use invoke::Effects;

pub use args::{Args, Value};
pub use error::OpError;
pub use invoke::{Invocation, Owed};
pub use method::{
    find, find_ignoring_case, Access, Method, MethodSpec, Param, ParamKind, Root, METHODS,
};
pub use reply::{failed, Node};
pub use rows::{Snapshot, UserRows};
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
    /// The `ticket` cookie, used when a ticket parameter is absent or empty (docs/compatibility.md A15).
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
    hashes: &'a HashMemo,
}
