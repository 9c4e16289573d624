//! The four vendor REST APIs served over infoRouter's users (docs/vendors.md):
//! a chatbot middleware, Conscent, CommBox and an ASP.NET Web API.
//! Each adapter only translates its wire shape: it reads the request, calls
//! [`crate::ops::vendor_users`] / [`crate::ops::contact_items`] inside one store
//! transaction, and writes its vendor's bytes. Each has its own error type, rendered in
//! one `into_response`.

mod body;
mod chatbot;
mod commbox;
mod conscent;
mod credentials;
mod datacontract;
pub mod rate_limit;
mod webapi;

use std::sync::Arc;

use actix_web::{web, HttpRequest, HttpResponse};

use crate::control::exchange::{Exchange, VendorEndpoint};
use crate::control::faults::{begin, Injected};
use crate::model::Vendor;
use crate::state::AppState;
use crate::store::{StoreError, Tx};
use rate_limit::RateLimiter;

/// What the vendor adapters share beyond the store.
#[derive(Clone, Default)]
pub struct VendorState {
    /// CommBox throttling per API key; `None` when switched off.
    pub commbox_limiter: Option<Arc<RateLimiter>>,
}

/// Every vendor route. The chatbot's and Conscent's `/api/...` prefixes come before the
/// Web API, which answers everything else under `/api/`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    chatbot::routes(cfg);
    conscent::routes(cfg);
    commbox::routes(cfg);
}

pub use webapi::{handle as web_api, is_api_path as is_web_api_path};

/// Tells the admin API which endpoint a call reached and for which user id (the id the
/// call names: the journal shows vendor ids as given, not mapped to user names); a
/// fault rule that fires answers instead. `endpoint` is `None` for paths and methods
/// the vendor does not serve.
async fn observe(
    req: &HttpRequest,
    state: &AppState,
    vendor: Vendor,
    endpoint: Option<VendorEndpoint>,
    user: Option<String>,
) -> Option<HttpResponse> {
    Exchange::update(req, |x| {
        x.binding = Some(vendor.into());
        x.user = user;
    });
    // SOAP faults and in-band errors never fire on a vendor binding.
    match begin(req, state, endpoint?.name(), vendor.into()).await? {
        Injected::Respond(res) => Some(res),
        Injected::SoapFault(_) | Injected::InBandError(_) => None,
    }
}

/// The worker running a request's transaction stopped; nothing was written.
#[derive(Debug, thiserror::Error)]
#[error("the request's worker stopped")]
pub struct Interrupted;

/// Runs `f` in one store transaction off the async workers (SQLite blocks).
async fn transaction<T, E, F>(state: &AppState, f: F) -> Result<T, E>
where
    F: FnOnce(&Tx) -> Result<T, E> + Send + 'static,
    T: Send + 'static,
    E: From<StoreError> + From<Interrupted> + Send + 'static,
{
    let store = state.service.store.clone();
    web::block(move || store.write(f))
        .await
        .unwrap_or_else(|_| Err(Interrupted.into()))
}
