//! A vendor call as the rest of the emulator sees it: the per-request record learns
//! the vendor and the endpoint, and the fault rules get their say.

use actix_web::{HttpRequest, HttpResponse};

use super::endpoint::VendorEndpoint;
use crate::faults::{begin, Injected};
use crate::model::Vendor;
use crate::record::Record;
use crate::state::AppState;

/// Tells the admin API which endpoint a call reached and for which user id (the id the
/// call names: the journal shows vendor ids as given, not mapped to user names); a
/// fault rule that fires answers instead. `endpoint` is `None` for paths and methods
/// the vendor does not serve.
pub async fn observe(
    req: &HttpRequest,
    state: &AppState,
    vendor: Vendor,
    endpoint: Option<VendorEndpoint>,
    user: Option<String>,
) -> Option<HttpResponse> {
    Record::update(req, |r| {
        r.binding = Some(vendor.into());
        r.user = user;
    });
    // SOAP faults and in-band errors never fire on a vendor binding.
    match begin(req, &state.faults, endpoint?.name(), vendor.into()).await? {
        Injected::Respond(res) => Some(res),
        Injected::SoapFault(_) | Injected::InBandError(_) => None,
    }
}
