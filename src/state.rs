//! What every request handler shares.

use crate::asmx::soap::NilMode;
use crate::ops::Service;

#[derive(Clone)]
pub struct AppState {
    pub service: Service,
    pub nil_mode: NilMode,
    pub vendors: crate::vendors::VendorState,
}
