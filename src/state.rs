//! What every request handler shares: plain handles, cheap to clone. Each protocol
//! module registers its own settings beside it (`asmx::Options`, `vendors::VendorState`,
//! `control::Control`), so this file imports nothing above the operations.

use std::sync::Arc;
use std::time::Duration;

use crate::faults::Faults;
use crate::ops::Service;

#[derive(Clone)]
pub struct AppState {
    pub service: Service,
    /// The fault rules every emulated call consults (`/__emulator/faults`).
    pub faults: Arc<Faults>,
    /// `--body-timeout`: how long a body may take to arrive once its headers are in.
    pub body_timeout: Duration,
    /// The path the world is served under: empty for `default`, `/worlds/{name}` for
    /// another, so the addresses the emulator writes (WSDL, help, mail links) lead a
    /// client back into the same world.
    pub base_path: Arc<str>,
}
