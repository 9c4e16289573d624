//! Applying fault rules to a call: the handler, once it knows the call's binding and
//! operation, asks [`begin`] whether to serve it; each protocol renders what comes back
//! in its own wire format (a SOAP fault, an in-band error, the vendor's bytes).

use std::time::Duration;

use actix_web::{HttpRequest, HttpResponse};

use super::rules::{Action, Faults};
use crate::model::Binding;
use crate::record::Record;

/// What a handler must answer instead of serving the call.
pub enum Injected {
    SoapFault(String),
    InBandError(String),
    Respond(HttpResponse),
}

/// Records the resolved call and applies the first fault rule that fires: latency is
/// waited out here (`None`, serve normally); anything else is returned.
pub async fn begin(
    req: &HttpRequest,
    faults: &Faults,
    operation: &'static str,
    binding: Binding,
) -> Option<Injected> {
    let action = faults.fire(operation, binding);
    Record::resolved(req, binding, operation, action.as_ref().map(Action::kind));
    match action? {
        Action::LatencyMs(ms) => {
            actix_web::rt::time::sleep(Duration::from_millis(ms)).await;
            None
        }
        Action::SoapFault(message) => Some(Injected::SoapFault(message)),
        Action::InBandError(message) => Some(Injected::InBandError(message)),
        other => other.response().map(Injected::Respond),
    }
}
