//! What a call did besides its reply: the methods note it on their context, and the
//! service finishes it once the call's transaction is over.

use chrono::{DateTime, Utc};

/// What a call did besides its reply, finished once its transaction is over.
#[derive(Default)]
pub struct Effects {
    /// The caller's ticket moves to a new expiry (docs/compatibility.md A14).
    pub slide: Option<Slide>,
    /// The user the call acted as.
    pub user: Option<String>,
}

pub struct Slide {
    pub ticket: String,
    pub stored: DateTime<Utc>,
    pub to: DateTime<Utc>,
}
