//! The status line and headers of every answer the service gives, successful or not.
//! Faults and answers both build on them, so they sit below both.

use actix_web::body::MessageBody;
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::HttpResponse;

/// The headers ASP.NET puts on every answer of the service. `method_reached`: the
/// handler got as far as the method (`WebServiceHandler.PrepareContext`), which marks
/// the answer `max-age=0`, whether the method answered or failed; an error found while
/// reading or routing the request is only `private`.
pub fn asmx_response(status: StatusCode, method_reached: bool) -> actix_web::HttpResponseBuilder {
    // Names and values as constants: parsing them again for every answer showed in
    // the profile of the help page (issue 8).
    const ASPNET_VERSION: HeaderName = HeaderName::from_static("x-aspnet-version");
    const POWERED_BY: HeaderName = HeaderName::from_static("x-powered-by");
    let mut builder = HttpResponse::build(status);
    builder
        .insert_header((
            header::CACHE_CONTROL,
            HeaderValue::from_static(if method_reached {
                "private, max-age=0"
            } else {
                "private"
            }),
        ))
        .insert_header((
            header::SERVER,
            HeaderValue::from_static("Microsoft-IIS/10.0"),
        ))
        .insert_header((ASPNET_VERSION, HeaderValue::from_static("4.0.30319")))
        .insert_header((POWERED_BY, HeaderValue::from_static("ASP.NET")));
    builder
}

/// A 200 answer with the service's headers (`max-age=0`), `body` as `content_type`.
pub fn ok_xml(content_type: &'static str, body: impl MessageBody + 'static) -> HttpResponse {
    asmx_response(StatusCode::OK, true)
        .content_type(content_type)
        .body(body)
}
