//! What one method call works with: its transaction, the time, the settings and what
//! the protocol layer knows of the request.

use std::cell::RefCell;

use chrono::{DateTime, Utc};

use super::effects::Effects;
use super::hashing::HashMemo;
use super::service::Settings;
use crate::store::Tx;

/// What the protocol layer knows about the request beyond the parameters.
#[derive(Debug, Clone, Default)]
pub struct RequestInfo {
    /// The `ticket` cookie, used when a ticket parameter is absent or empty (docs/compatibility.md A15).
    pub cookie_ticket: Option<String>,
    /// `scheme://host` the client used; links in mails point back here.
    pub site_url: String,
}

/// What one method call works with.
pub struct Ctx<'a> {
    pub tx: &'a Tx<'a>,
    pub now: DateTime<Utc>,
    pub settings: &'a Settings,
    pub request: &'a RequestInfo,
    pub(super) effects: &'a RefCell<Effects>,
    pub(super) hashes: &'a HashMemo,
}

impl Ctx<'_> {
    /// [`super::secrets::verify_password`], worked out once per call.
    pub fn verify_password(&self, password: &str, hash: Option<&str>) -> bool {
        self.hashes.verify(password, hash)
    }

    /// [`super::secrets::hash_password`], worked out once per call: the first salt
    /// is kept.
    pub fn hash_password(&self, password: &str) -> String {
        self.hashes.hash(password)
    }
}
