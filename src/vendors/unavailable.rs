//! The answer, in the vendor's own error form, for a request on a vendor path whose
//! world cannot be served (docs/worlds.md): the routing layer refuses it before any
//! handler runs, so it asks here which vendor the path is.

use actix_web::{HttpRequest, HttpResponse};

use super::{chatbot, commbox, conscent, webapi};

/// The vendor's 503 naming why; `None` for a path no vendor serves.
pub fn unavailable(req: &HttpRequest, message: String) -> Option<HttpResponse> {
    let path = req.path();
    // As the vendors' scopes match: the prefix, then nothing or a segment.
    let under = |prefix: &str| {
        path.strip_prefix(prefix)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    };
    Some(if under(chatbot::PREFIX) {
        chatbot::unavailable(req, message)
    } else if conscent::BASES.into_iter().any(under) {
        conscent::unavailable(message)
    } else if under(commbox::PREFIX) {
        commbox::unavailable(message)
    } else if webapi::is_api_path(path) {
        webapi::unavailable(req, message)
    } else {
        return None;
    })
}
