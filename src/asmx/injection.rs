//! Faults injected by the admin API (`/__emulator/faults`), rendered the way this
//! binding renders its own: a SOAP fault or the GET/POST 500 text through `fault.rs`,
//! an in-band error in the method's response shape.

use actix_web::{HttpRequest, HttpResponse};

use super::answer::Shape;
use super::binding::{Binding, HttpVerb, SoapVersion};
use super::fault::{Fault, HttpFault, SoapFault};
use crate::control::exchange;
use crate::control::faults::{begin, Injected};
use crate::ops::{Method, Node};
use crate::state::AppState;

impl From<Binding> for exchange::Binding {
    fn from(binding: Binding) -> exchange::Binding {
        match binding {
            Binding::Soap(SoapVersion::Soap11) => exchange::Binding::Soap11,
            Binding::Soap(SoapVersion::Soap12) => exchange::Binding::Soap12,
            Binding::Http(HttpVerb::Get) => exchange::Binding::Get,
            Binding::Http(HttpVerb::Post) => exchange::Binding::Post,
        }
    }
}

/// Reports the resolved call; the answer to send instead of running it when a fault
/// rule fires (a latency rule has already been waited out and gives `None`).
pub(super) async fn injected(
    req: &HttpRequest,
    state: &AppState,
    method: Method,
    binding: Binding,
) -> Option<Result<HttpResponse, Fault>> {
    Some(
        match begin(req, state, method.name, binding.into()).await? {
            Injected::Respond(res) => Ok(res),
            Injected::SoapFault(message) => Err(match binding {
                Binding::Soap(version) => Fault::Soap(version, SoapFault::Injected(message)),
                Binding::Http(_) => Fault::Http(HttpFault::Injected(message)),
            }),
            Injected::InBandError(message) => {
                Ok(Shape::new(binding, method).whole(&Node::failure(method.root, message)))
            }
        },
    )
}
