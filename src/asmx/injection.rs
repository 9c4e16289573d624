//! Fault rules (`/__emulator/faults`) applied to an ASMX call, rendered the way this
//! binding renders its own: a SOAP fault or the GET/POST 500 text through `fault.rs`,
//! an in-band error in the method's response shape.

use actix_web::{HttpRequest, HttpResponse};

use super::answer::Shape;
use super::binding::Binding;
use super::fault::{Fault, HttpFault, SoapFault};
use crate::faults::{begin, Faults, Injected};
use crate::ops::{Method, Node};

/// Reports the resolved call; the answer to send instead of running it when a fault
/// rule fires (a latency rule has already been waited out and gives `None`).
pub(super) async fn injected(
    req: &HttpRequest,
    faults: &Faults,
    method: Method,
    binding: Binding,
) -> Option<Result<HttpResponse, Fault>> {
    Some(
        match begin(req, faults, method.name, binding.into()).await? {
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
