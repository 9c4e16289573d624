//! The four vendor REST APIs served over infoRouter's users (docs/vendors.md):
//! a chatbot middleware, Conscent, CommBox and an ASP.NET Web API.
//! Each adapter only translates its wire shape: it reads the request, checks it on a
//! read snapshot, calls [`crate::ops::user_write`] inside one store transaction, and
//! writes its vendor's bytes. Each has its own error type, rendered in one
//! `into_response`.

mod body;
mod chatbot;
mod commbox;
mod conscent;
mod credentials;
mod datacontract;
mod endpoint;
mod observe;
pub mod rate_limit;
pub mod unavailable;
mod vendor_state;
mod webapi;

use actix_web::web;

/// Every vendor route. The chatbot's and Conscent's `/api/...` prefixes come before the
/// Web API, which answers everything else under `/api/`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    chatbot::routes(cfg);
    conscent::routes(cfg);
    commbox::routes(cfg);
}

pub use endpoint::VendorEndpoint;
pub use vendor_state::VendorState;
pub use webapi::{handle as web_api, is_api_path as is_web_api_path};
