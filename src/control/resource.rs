//! The admin API's routing conventions: its prefix, and the JSON 404 and 405 every
//! admin path answers for what it does not serve.

use actix_web::{web, HttpRequest, HttpResponse};

use super::error::ControlError;

/// The prefix of every admin route; no emulated API uses it.
pub const PREFIX: &str = "/__emulator";

/// Paths that are the emulator's own, not emulated APIs.
pub fn is_own(path: &str) -> bool {
    (path.starts_with(PREFIX) && path.as_bytes().get(PREFIX.len()).is_none_or(|b| *b == b'/'))
        || matches!(path, "/healthz" | "/readyz" | "/metrics")
}

/// An admin resource: a method it does not serve is a JSON 405, like every other error.
pub fn resource(path: &str) -> actix_web::Resource {
    web::resource(path).default_service(web::to(method_not_allowed))
}

async fn method_not_allowed(req: HttpRequest) -> Result<HttpResponse, ControlError> {
    Err(ControlError::MethodNotAllowed(format!(
        "{} is not served on {}",
        req.method(),
        req.path()
    )))
}

pub async fn not_found(req: HttpRequest) -> Result<HttpResponse, ControlError> {
    Err(ControlError::NotFound(format!(
        "no admin route {} {}",
        req.method(),
        req.path()
    )))
}
