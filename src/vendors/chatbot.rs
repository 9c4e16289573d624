//! The chatbot e-commerce middleware (docs/vendors.md §1):
//! `POST /api/rest/v1/ecom/integrations/updateUserContactDetails`. A Spring Boot
//! service: Basic auth is checked before routing, framework errors are Spring's
//! default error body, business errors keep the bot's response envelope.

use actix_web::http::{header, Method, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

use super::body::{self, optional_string, Incoming};
use super::credentials;
use super::endpoint::VendorEndpoint;
use super::observe::observe;
use crate::model::Vendor;
use crate::ops::user_write::{self, change::UserChange, vendor_ids};
use crate::ops::{Interrupted, OpError};
use crate::state::AppState;
use crate::store::{StoreError, Tx};

/// Spring answers every path of the service; this prefix is ours to claim.
pub(super) const PREFIX: &str = "/api/rest";
const ENDPOINT: &str = "/api/rest/v1/ecom/integrations/updateUserContactDetails";
/// The seed's text, trailing space included.
const UPDATED: &str = "User Contact details updated successfully ";

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::scope(PREFIX).default_service(web::to(handle)));
}

#[derive(Debug, thiserror::Error)]
enum Error {
    #[error("Unauthorized")]
    Unauthorized,
    #[error("no such endpoint")]
    NoEndpoint,
    #[error("method {0} not allowed")]
    Method(Method),
    #[error("content type {0} not supported")]
    MediaType(String),
    #[error("Failed to read request")]
    Unreadable,
    #[error("Invalid request")]
    Invalid,
    #[error(transparent)]
    Op(#[from] OpError),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The request's world cannot be served (docs/worlds.md).
    #[error("{0}")]
    Unavailable(String),
    #[error(transparent)]
    Interrupted(#[from] Interrupted),
}

/// Spring Boot's default error body, keys in its order.
#[derive(Serialize)]
struct SpringError<'a> {
    timestamp: String,
    status: u16,
    error: &'a str,
    message: &'a str,
    path: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Envelope<'a> {
    response_type: &'a str,
    response_id: String,
    response_messages: [Message<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Message<'a> {
    simple_response: SimpleResponse<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SimpleResponse<'a> {
    response_text: &'a str,
}

/// A fresh id in the seed's form: a UUID, a hyphen, eight hex digits (docs/vendors.md D-7).
fn response_id() -> String {
    let tail = Uuid::new_v4().simple().to_string();
    format!("{}-{}", Uuid::new_v4(), &tail[..8])
}

fn json(status: StatusCode, body: &impl Serialize) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("application/json")
        .body(serde_json::to_string(body).unwrap_or_default())
}

fn envelope(status: StatusCode, text: &str) -> HttpResponse {
    json(
        status,
        &Envelope {
            response_type: "text",
            response_id: response_id(),
            response_messages: [Message {
                simple_response: SimpleResponse {
                    response_text: text,
                },
            }],
        },
    )
}

impl Error {
    fn into_response(self, path: &str, now: DateTime<Utc>) -> HttpResponse {
        let spring = |status: StatusCode, message: &str| {
            json(
                status,
                &SpringError {
                    timestamp: now.format("%Y-%m-%dT%H:%M:%S%.3f+00:00").to_string(),
                    status: status.as_u16(),
                    error: status.canonical_reason().unwrap_or_default(),
                    message,
                    path,
                },
            )
        };
        match self {
            Error::Unauthorized => {
                let mut res = spring(StatusCode::UNAUTHORIZED, "Unauthorized");
                res.headers_mut().insert(
                    header::WWW_AUTHENTICATE,
                    header::HeaderValue::from_static("Basic realm=\"ecom-integrations\""),
                );
                res
            }
            Error::NoEndpoint => spring(
                StatusCode::NOT_FOUND,
                &format!("No static resource {}.", path.trim_start_matches('/')),
            ),
            Error::Method(method) => {
                let mut res = spring(
                    StatusCode::METHOD_NOT_ALLOWED,
                    &format!("Request method '{method}' is not supported"),
                );
                res.headers_mut()
                    .insert(header::ALLOW, header::HeaderValue::from_static("POST"));
                res
            }
            Error::MediaType(given) => spring(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                &format!("Content-Type '{given}' is not supported"),
            ),
            Error::Unreadable => spring(StatusCode::BAD_REQUEST, "Failed to read request"),
            Error::Unavailable(message) => spring(StatusCode::SERVICE_UNAVAILABLE, &message),
            Error::Invalid => envelope(StatusCode::BAD_REQUEST, "Invalid request"),
            Error::Op(OpError::UserNotFound) => envelope(StatusCode::NOT_FOUND, "User not found"),
            Error::Op(OpError::AmbiguousUser) => {
                envelope(StatusCode::CONFLICT, "Multiple users found")
            }
            other => {
                tracing::error!(vendor = "chatbot", error = %other, "request failed");
                envelope(StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong")
            }
        }
    }
}

/// The answer for a request whose world cannot be served.
pub(super) fn unavailable(req: &HttpRequest, message: String) -> HttpResponse {
    Error::Unavailable(message).into_response(req.path(), Utc::now())
}

async fn handle(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> HttpResponse {
    let incoming = Incoming::read(&req, payload, &state).await;
    let endpoint = (incoming.path == ENDPOINT && incoming.method == Method::POST)
        .then_some(VendorEndpoint::ChatbotUpdateContact);
    // The uid is in the body: read once more here, for the journal only.
    let uid = endpoint.and(incoming.body.as_ref().ok()).and_then(|bytes| {
        non_empty_string(body::json(bytes)?.pointer("/conversationRequest/userInfo/uid"))
    });
    if let Some(res) = observe(&req, &state, Vendor::Chatbot, endpoint, uid).await {
        return res;
    }
    let now = state.service.clock.now();
    let path = incoming.path.clone();
    let outcome = incoming
        .check_then_update(&state.service, now, checked, update)
        .await;
    match outcome {
        Ok(()) => envelope(StatusCode::OK, UPDATED),
        Err(e) => e.into_response(&path, now),
    }
}

/// What the bot sends, after the framework checks.
struct ContactRequest {
    uid: String,
    user_name: Option<String>,
    change: UserChange,
}

fn non_empty_string(value: Option<&Value>) -> Option<String> {
    value
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

impl ContactRequest {
    fn from_json(doc: &Value) -> Result<ContactRequest, Error> {
        let uid = non_empty_string(doc.pointer("/conversationRequest/userInfo/uid"));
        let interest = non_empty_string(doc.pointer("/queryInfo/interestType"));
        let contact = doc
            .pointer("/queryInfo/parameters/params/accountInfo/userContact")
            .filter(|c| c.is_object());
        let (Some(uid), Some(_), Some(contact)) = (uid, interest, contact) else {
            return Err(Error::Invalid);
        };
        let field = |name| optional_string(contact.get(name)).map_err(|_| Error::Invalid);
        // Every field the bot reads is a string when present (docs/vendors.md §1.6);
        // an empty `username` is no fallback.
        let user_name = optional_string(doc.pointer("/conversationRequest/userInfo/username"))
            .map_err(|_| Error::Invalid)?
            .filter(|s| !s.is_empty());
        Ok(ContactRequest {
            uid,
            user_name,
            change: UserChange {
                email: field("emailId")?,
                mobile: field("phoneNumber")?,
                ..UserChange::default()
            },
        })
    }
}

/// Spring's checks, in its order: Basic auth, the route, the method, the content type,
/// then the body.
fn checked(tx: &Tx, req: &Incoming) -> Result<ContactRequest, Error> {
    if !credentials::basic_ok(tx, Vendor::Chatbot, req.authorization.as_deref())? {
        return Err(Error::Unauthorized);
    }
    if req.path != ENDPOINT {
        return Err(Error::NoEndpoint);
    }
    if req.method != Method::POST {
        return Err(Error::Method(req.method.clone()));
    }
    if req.media_type().as_deref() != Some("application/json") {
        let given = req
            .content_type
            .as_deref()
            .unwrap_or("application/octet-stream");
        return Err(Error::MediaType(given.to_string()));
    }
    let bytes = req.body.as_ref().map_err(|_| Error::Unreadable)?;
    let doc = body::json(bytes)
        .filter(Value::is_object)
        .ok_or(Error::Unreadable)?;
    ContactRequest::from_json(&doc)
}

fn update(tx: &Tx, request: &ContactRequest, now: DateTime<Utc>) -> Result<(), Error> {
    let user = vendor_ids::find_chat_user(tx, &request.uid, request.user_name.as_deref())?;
    let user_id = user.id;
    // Neither field given: the bot treats it as done, and so do we (docs/vendors.md D-6).
    if request.change != UserChange::default() {
        user_write::apply(tx, user, &request.change, now)?;
    }
    tracing::info!(vendor = "chatbot", user_id, "contact details updated");
    Ok(())
}
