//! The vendor adapters' own settings, registered as app data beside `AppState`.

use std::sync::Arc;

use super::rate_limit::RateLimiter;

/// What the vendor adapters share beyond `AppState`.
#[derive(Clone, Default)]
pub struct VendorState {
    /// CommBox throttling per API key; `None` when switched off.
    pub commbox_limiter: Option<Arc<RateLimiter>>,
}
