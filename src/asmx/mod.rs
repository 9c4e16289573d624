//! The ASMX protocol layer: `/srv.asmx` (any case, as IIS serves it) with its SOAP,
//! HTTP GET and form POST bindings, the WSDL, disco and help pages. It decodes a
//! request into a method and [`Args`], lets [`crate::ops`] run it, and encodes the
//! XmlNode; every protocol error is a [`Fault`] turned into bytes in `fault.rs`.

mod answer;
pub mod binding;
mod content_type;
mod disco;
mod documents;
mod envelope;
mod envelope_reader;
pub mod fault;
mod help;
pub mod http;
mod injection;
mod response;
pub mod soap;
mod streamed;
pub mod wsdl;
pub mod xml;

use actix_web::http::{header, Method as HttpMethod};
use actix_web::{web, HttpRequest, HttpResponse};

use crate::body::{self, BodyError};
use crate::ops::{self, Args, Interrupted, Method, RequestInfo};
use crate::record::Record;
use crate::state::AppState;
use answer::{Answer, Shape};
use binding::{Binding, HttpVerb, XML_CONTENT_TYPE};
use content_type::MediaType;
use documents::Document;
use fault::{Fault, HttpFault, PageFault, SoapFault};
use response::ok_xml;

/// ASP.NET's default `maxQueryStringLength`.
const MAX_QUERY_STRING: usize = 2048;
/// The service's path, which IIS matches in any case.
pub const SERVICE_PATH: &str = "/srv.asmx";

/// What only the ASMX binding is configured with, registered as its own app data.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// `--nil-as-empty`: how `xsi:nil` on a string parameter reads.
    pub nil_mode: soap::NilMode,
    /// `--max-body` (ASP.NET's `maxRequestLength`): the largest ASMX request body.
    pub max_body: usize,
}

/// Handles every request; anything outside `/srv.asmx` is 404. A body over
/// `--max-body` is ASP.NET's error page rather than the framework's own text.
pub async fn handle(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
    options: web::Data<Options>,
) -> HttpResponse {
    let body = match body::read(&req, payload, options.max_body, state.body_timeout).await {
        Ok(body) => body,
        Err(BodyError::TooLarge) => return Fault::Page(PageFault::RequestTooLarge).into_response(),
        // HTTP.sys drops a connection whose body stalls (its EntityBody timer) or is cut
        // short; a handler cannot drop one without answering, so this answers an empty
        // 400 and the connection is closed after it (`UnreadBody`), which a client sees
        // the same way: refused, then EOF.
        Err(BodyError::Stalled | BodyError::Broken(_)) => {
            return HttpResponse::BadRequest().finish()
        }
    };
    let path = req.path();
    // The method name keeps its case: only the `/srv.asmx` part matches in any case.
    let rest = path
        .get(..SERVICE_PATH.len())
        .filter(|service| service.eq_ignore_ascii_case(SERVICE_PATH))
        .map(|_| &path[SERVICE_PATH.len()..]);
    let outcome = match rest {
        Some("") => service_root(&req, body, &state, options.nil_mode).await,
        Some(rest) if rest.starts_with('/') => method_url(&req, &rest[1..], body, &state).await,
        _ => return HttpResponse::NotFound().finish(),
    };
    outcome.unwrap_or_else(Fault::into_response)
}

/// ASP.NET's error page for a request whose world cannot be served.
pub fn unavailable(message: String) -> HttpResponse {
    Fault::Page(PageFault::WorldUnavailable(message)).into_response()
}

/// `http://host` (`https://` over TLS) as the client addressed us, and the world's
/// path: WSDL addresses and mail links use it.
fn site_url(req: &HttpRequest, state: &AppState) -> String {
    const FORWARDED_HOST: header::HeaderName = header::HeaderName::from_static("x-forwarded-host");
    let headers = req.headers();
    // The plain case straight from `Host`: working out the whole connection info
    // (forwarding headers, peer address) showed in the help page's profile.
    let forwarded = headers.contains_key(header::FORWARDED) || headers.contains_key(FORWARDED_HOST);
    let scheme = if req.app_config().secure() {
        "https://"
    } else {
        "http://"
    };
    let url = |host: &str| [scheme, host, &state.base_path].concat();
    match headers.get(header::HOST).and_then(|h| h.to_str().ok()) {
        Some(host) if !forwarded => url(host),
        _ => url(req.connection_info().host()),
    }
}

fn request_info(req: &HttpRequest, state: &AppState) -> RequestInfo {
    RequestInfo {
        cookie_ticket: req.cookie("ticket").map(|c| c.value().to_string()),
        site_url: site_url(req, state),
    }
}

/// `/srv.asmx` itself: GET for the service description and help, POST for SOAP.
async fn service_root(
    req: &HttpRequest,
    body: web::Bytes,
    state: &AppState,
    nil_mode: soap::NilMode,
) -> Result<HttpResponse, Fault> {
    match *req.method() {
        HttpMethod::GET => describe(req, state),
        HttpMethod::POST => soap_call(req, body, state, nil_mode).await,
        _ => Err(Fault::Page(PageFault::UnrecognizedRequestFormat)),
    }
}

/// `?WSDL`, `?disco`, `?op=Method` or the service help page.
fn describe(req: &HttpRequest, state: &AppState) -> Result<HttpResponse, Fault> {
    let query = req.query_string();
    if query.len() > MAX_QUERY_STRING {
        return Err(Fault::Page(PageFault::QueryStringTooLong));
    }
    let base = site_url(req, state);
    let flag = |name: &str| {
        query.split('&').any(|p| {
            p.split('=')
                .next()
                .is_some_and(|k| k.eq_ignore_ascii_case(name))
        })
    };
    // Every answer from here on is a document kept in memory.
    Record::update(req, |r| r.lasting_response = true);
    if flag("wsdl") {
        return Ok(ok_xml(XML_CONTENT_TYPE, Document::Wsdl.bytes(&base)));
    }
    if flag("disco") {
        return Ok(ok_xml(XML_CONTENT_TYPE, Document::Disco.bytes(&base)));
    }
    let op = http::pairs(query)
        .into_iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("op"))
        .map(|(_, v)| v);
    let page = match op.as_deref().and_then(ops::find) {
        Some(method) => Document::operation(method),
        None => Document::ServiceHelp,
    };
    Ok(ok_xml(binding::HTML_CONTENT_TYPE, page.bytes(&base)))
}

async fn soap_call(
    req: &HttpRequest,
    body: web::Bytes,
    state: &AppState,
    nil_mode: soap::NilMode,
) -> Result<HttpResponse, Fault> {
    let header_str = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok());
    let call = soap::decode(
        header_str(header::CONTENT_TYPE.as_str()),
        header_str("SOAPAction"),
        &body,
        nil_mode,
    )?;
    let version = call.version;
    if let Some(answer) =
        injection::injected(req, &state.faults, call.method, Binding::Soap(version)).await
    {
        return answer;
    }
    let shape = Shape::new(Binding::Soap(version), call.method);
    call_method(req, state, call.method, call.args, shape)
        .await
        .map_err(|_| Fault::Soap(version, SoapFault::Aborted))
}

/// `/srv.asmx/<Method>`: the HTTP GET and form POST bindings.
async fn method_url(
    req: &HttpRequest,
    name: &str,
    body: web::Bytes,
    state: &AppState,
) -> Result<HttpResponse, Fault> {
    let verb = match *req.method() {
        HttpMethod::GET => HttpVerb::Get,
        HttpMethod::POST => HttpVerb::Post,
        _ => return Err(Fault::Page(PageFault::UnrecognizedUrl(format!("/{name}")))),
    };
    if name.is_empty() {
        return Err(Fault::Page(PageFault::UnrecognizedUrl("/".into())));
    }
    if verb == HttpVerb::Get && req.query_string().len() > MAX_QUERY_STRING {
        return Err(Fault::Page(PageFault::QueryStringTooLong));
    }
    let method = find_method(name).map_err(Fault::Http)?;
    if let Some(answer) = injection::injected(req, &state.faults, method, Binding::Http(verb)).await
    {
        return answer;
    }
    let form;
    let pairs = match verb {
        HttpVerb::Get => http::pairs(req.query_string()),
        HttpVerb::Post => {
            let content_type = req
                .headers()
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            let media = MediaType::parse(content_type);
            if !media.is("application/x-www-form-urlencoded") {
                return Err(Fault::Http(HttpFault::InvalidRequestFormat(
                    content_type.to_string(),
                )));
            }
            let mut utf8 = media;
            if utf8.param("charset").is_none() {
                utf8 = MediaType::parse("application/x-www-form-urlencoded; charset=utf-8");
            }
            form = utf8.decode_body(&body);
            http::pairs(&form)
        }
    };
    let args = http::arguments(method, &pairs).map_err(Fault::Http)?;
    let shape = Shape::new(Binding::Http(verb), method);
    call_method(req, state, method, args, shape)
        .await
        .map_err(|_| Fault::Http(HttpFault::Aborted))
}

fn find_method(name: &str) -> Result<Method, HttpFault> {
    ops::find(name).ok_or_else(|| match ops::find_ignoring_case(name) {
        Some(actual) => HttpFault::MethodNameCase {
            given: name.to_string(),
            actual: actual.name,
        },
        None => HttpFault::UnknownMethod(name.to_string()),
    })
}

/// Runs the method through the service and writes its answer in `shape`.
async fn call_method(
    req: &HttpRequest,
    state: &AppState,
    method: Method,
    args: Args,
    shape: Shape,
) -> Result<HttpResponse, Interrupted> {
    let done = state
        .service
        .call(method, args, request_info(req, state))
        .await?;
    if let Some(user) = done.user {
        Record::acting_user(req, user);
    }
    let answer = Answer {
        node: done.node,
        method,
        snapshot: done.snapshot,
    };
    answer
        .send(shape, &state.service)
        .await
        .map_err(|_| Interrupted)
}
