//! The infoRouter service as the protocol layers hold it: the store, the clock and the
//! server-wide settings. How a call runs is in `call.rs`.

use std::sync::Arc;

use chrono::Duration;

use crate::clock::Clock;
use crate::store::Store;

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

/// The infoRouter service: the store, the clock and the settings.
#[derive(Clone)]
pub struct Service {
    pub store: Store,
    pub clock: Clock,
    pub settings: Arc<Settings>,
}
