//! The admin API's routing conventions: its prefix, and the JSON 404 and 405 every
//! admin path answers for what it does not serve.

use actix_web::dev::{AppService, HttpServiceFactory};
use actix_web::http::Method;
use actix_web::{web, FromRequest, Handler, HttpRequest, HttpResponse, Responder};

use super::error::ControlError;

/// The prefix of every admin route; no emulated API uses it.
pub const PREFIX: &str = "/__emulator";

/// Paths that are the emulator's own, not emulated APIs.
pub fn is_own(path: &str) -> bool {
    (path.starts_with(PREFIX) && path.as_bytes().get(PREFIX.len()).is_none_or(|b| *b == b'/'))
        || matches!(path, "/healthz" | "/readyz" | "/metrics")
}

/// An admin resource: a method it does not serve is a JSON 405, like every other error,
/// with the `Allow` header RFC 9110 requires. It records the methods it serves as they
/// are added, so the header cannot drift from the routes.
pub struct Resource {
    inner: actix_web::Resource,
    allowed: Vec<Method>,
}

pub fn resource(path: &str) -> Resource {
    Resource {
        inner: web::resource(path),
        allowed: Vec::new(),
    }
}

impl Resource {
    pub fn route<F, Args>(mut self, method: Method, handler: F) -> Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.inner = self.inner.route(web::method(method.clone()).to(handler));
        self.allowed.push(method);
        self
    }
}

impl HttpServiceFactory for Resource {
    fn register(self, config: &mut AppService) {
        let allow: Vec<&str> = self.allowed.iter().map(Method::as_str).collect();
        let allow = allow.join(", ");
        self.inner
            .default_service(web::to(move |req: HttpRequest| {
                method_not_allowed(req, allow.clone())
            }))
            .register(config)
    }
}

async fn method_not_allowed(req: HttpRequest, allow: String) -> Result<HttpResponse, ControlError> {
    Err(ControlError::MethodNotAllowed {
        message: format!("{} is not served on {}", req.method(), req.path()),
        allow,
    })
}

pub async fn not_found(req: HttpRequest) -> Result<HttpResponse, ControlError> {
    Err(ControlError::NotFound(format!(
        "no admin route {} {}",
        req.method(),
        req.path()
    )))
}
