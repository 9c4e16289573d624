//! CommBox (docs/vendors.md §3): `POST /users/{USER_ID}` with `{"data":{...}}`
//! as JSON or as the form field `data=`. Every answer is CommBox's envelope
//! `{status, description, response_time[, data]}`.

use actix_web::http::{header, Method, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Map, Value};

use super::body::{self, optional_string, Incoming};
use super::credentials;
use super::endpoint::VendorEndpoint;
use super::observe::observe;
use super::rate_limit::RateLimiter;
use super::vendor_state::VendorState;
use crate::model::{UserId, Vendor};
use crate::ops::user_write::{self, change::UserChange, vendor_ids};
use crate::ops::{Interrupted, OpError};
use crate::state::AppState;
use crate::store::{StoreError, Tx};

pub(super) const PREFIX: &str = "/users";

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::scope(PREFIX).default_service(web::to(handle)));
}

#[derive(Debug, thiserror::Error)]
enum Error {
    #[error("bad request")]
    BadRequest,
    #[error("unauthorized")]
    Unauthorized,
    #[error("no such user or route")]
    NotFound,
    #[error("throttled")]
    TooManyRequests { retry_after: u64 },
    #[error("method not implemented")]
    NotImplemented,
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

#[derive(Serialize)]
struct Envelope<'a> {
    status: u16,
    description: &'a str,
    response_time: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<Updated>,
}

#[derive(Serialize)]
struct Updated {
    #[serde(rename = "Id")]
    id: UserId,
}

/// .NET's round-trip format: seven fractional digits and `Z`.
fn response_time(now: DateTime<Utc>) -> String {
    let ticks = now.timestamp_subsec_nanos().min(999_999_999) / 100;
    format!("{}.{ticks:07}Z", now.format("%Y-%m-%dT%H:%M:%S"))
}

fn respond(
    status: StatusCode,
    description: &str,
    data: Option<Updated>,
    now: DateTime<Utc>,
) -> HttpResponse {
    let body = Envelope {
        status: status.as_u16(),
        description,
        response_time: response_time(now),
        data,
    };
    HttpResponse::build(status)
        .content_type("application/json; charset=utf-8")
        .body(serde_json::to_string(&body).unwrap_or_default())
}

impl Error {
    fn into_response(self, now: DateTime<Utc>) -> HttpResponse {
        let status = match &self {
            Error::BadRequest | Error::Op(OpError::UniqueIdTaken) => StatusCode::BAD_REQUEST,
            Error::Unauthorized => StatusCode::UNAUTHORIZED,
            Error::NotFound | Error::Op(OpError::UserNotFound) => StatusCode::NOT_FOUND,
            Error::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Error::NotImplemented => StatusCode::NOT_IMPLEMENTED,
            Error::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            other => {
                tracing::error!(vendor = "commbox", error = %other, "request failed");
                StatusCode::INTERNAL_SERVER_ERROR
            }
        };
        let description = match &self {
            Error::Unavailable(message) => message,
            _ => status.canonical_reason().unwrap_or_default(),
        };
        let mut res = respond(status, description, None, now);
        if let Error::TooManyRequests { retry_after } = self {
            res.headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from(retry_after));
        }
        res
    }
}

/// The answer for a request whose world cannot be served.
pub(super) fn unavailable(message: String) -> HttpResponse {
    Error::Unavailable(message).into_response(Utc::now())
}

async fn handle(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
    vendors: web::Data<VendorState>,
) -> HttpResponse {
    let incoming = Incoming::read(&req, payload, &state).await;
    let user_id = route(&incoming).ok();
    let endpoint = user_id
        .is_some()
        .then_some(VendorEndpoint::CommBoxUpdateUser);
    if let Some(res) = observe(&req, &state, Vendor::CommBox, endpoint, user_id).await {
        return res;
    }
    let now = state.service.clock.now();
    let limiter = vendors.commbox_limiter.clone();
    let outcome = state
        .service
        .check_then_write(
            move |tx| checked(tx, &incoming, limiter.as_deref(), now),
            move |tx, (user_id, change)| update(tx, &user_id, &change, now),
        )
        .await;
    match outcome {
        Ok(id) => respond(
            StatusCode::OK,
            "Operation successful",
            Some(Updated { id }),
            now,
        ),
        Err(e) => e.into_response(now),
    }
}

/// `/users/{USER_ID}` with a numeric id; updates are POST, other verbs not implemented.
fn route(req: &Incoming) -> Result<String, Error> {
    let id = req
        .path
        .strip_prefix(PREFIX)
        .and_then(|rest| rest.strip_prefix('/'))
        .map(|id| id.strip_suffix('/').unwrap_or(id))
        .filter(|id| !id.is_empty() && id.len() <= 18 && id.bytes().all(|b| b.is_ascii_digit()))
        .ok_or(Error::NotFound)?;
    if req.method != Method::POST {
        return Err(Error::NotImplemented);
    }
    Ok(id.to_string())
}

/// The checks before the action, in CommBox's order: the route, the method, the
/// Bearer token and its rate, then the body. Gives the route's user id and the
/// change the body asks for.
fn checked(
    tx: &Tx,
    req: &Incoming,
    limiter: Option<&RateLimiter>,
    now: DateTime<Utc>,
) -> Result<(String, UserChange), Error> {
    let user_id = route(req)?;
    authorize(tx, req, limiter, now)?;
    Ok((user_id, change_from(&data(req)?)?))
}

fn authorize(
    tx: &Tx,
    req: &Incoming,
    limiter: Option<&RateLimiter>,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let header = req.authorization.as_deref();
    if !credentials::bearer_ok(tx, Vendor::CommBox, header)? {
        return Err(Error::Unauthorized);
    }
    if let (Some(limiter), Some(token)) = (limiter, credentials::bearer(header)) {
        limiter
            .take(token, now)
            .map_err(|retry_after| Error::TooManyRequests { retry_after })?;
    }
    Ok(())
}

/// The `data` object: the JSON body's member, or the form field holding JSON.
fn data(req: &Incoming) -> Result<Map<String, Value>, Error> {
    let bytes = req.body.as_ref().map_err(|_| Error::BadRequest)?;
    let doc = if req.media_type().as_deref() == Some("application/x-www-form-urlencoded") {
        let pairs: Vec<(String, String)> =
            serde_urlencoded::from_bytes(bytes).map_err(|_| Error::BadRequest)?;
        let (_, text) = pairs
            .into_iter()
            .find(|(k, _)| k == "data")
            .ok_or(Error::BadRequest)?;
        body::json(text.as_bytes()).ok_or(Error::BadRequest)?
    } else {
        let mut doc = body::json(bytes).ok_or(Error::BadRequest)?;
        doc.get_mut("data")
            .map(Value::take)
            .ok_or(Error::BadRequest)?
    };
    match doc {
        Value::Object(map) => Ok(map),
        _ => Err(Error::BadRequest),
    }
}

/// A string member of `data` no longer than its documented maximum, counted in UTF-16
/// units as .NET counts.
fn field(data: &Map<String, Value>, name: &str, max: usize) -> Result<Option<String>, Error> {
    let value = optional_string(data.get(name)).map_err(|_| Error::BadRequest)?;
    if value
        .as_ref()
        .is_some_and(|v| v.encode_utf16().count() > max)
    {
        return Err(Error::BadRequest);
    }
    Ok(value)
}

/// Custom fields: null leaves a field as it is, "" removes it (docs/vendors.md D-14).
fn content(data: &Map<String, Value>) -> Result<Vec<(String, String)>, Error> {
    let fields = match data.get("Content") {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Object(fields)) => fields,
        Some(_) => return Err(Error::BadRequest),
    };
    let mut set = Vec::new();
    for (key, value) in fields {
        let value = optional_string(Some(value)).map_err(|_| Error::BadRequest)?;
        set.extend(value.map(|v| (key.clone(), v)));
    }
    Ok(set)
}

fn change_from(data: &Map<String, Value>) -> Result<UserChange, Error> {
    let phone1 = field(data, "Phone1", 100)?;
    Ok(UserChange {
        unique_id: field(data, "UniqueId", 50)?,
        first_name: field(data, "FirstName", 100)?,
        last_name: field(data, "LastName", 100)?,
        email: field(data, "Email", 255)?,
        // Phone1 is the user's mobile number, also kept as `phone1` (docs/vendors.md D-18).
        mobile: phone1.clone(),
        phone1,
        phone2: field(data, "Phone2", 100)?,
        remarks: field(data, "Remarks", usize::MAX)?,
        content: content(data)?,
        ..UserChange::default()
    })
}

fn update(
    tx: &Tx,
    user_id: &str,
    change: &UserChange,
    now: DateTime<Utc>,
) -> Result<UserId, Error> {
    let user = vendor_ids::find_user(tx, Vendor::CommBox, user_id)?;
    let id = user.id;
    user_write::apply(tx, user, change, now)?;
    tracing::info!(vendor = "commbox", user_id = id, "user updated");
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn response_time_has_seven_digits() {
        let t = Utc.with_ymd_and_hms(2024, 8, 6, 7, 51, 52).unwrap()
            + chrono::Duration::nanoseconds(258_194_250);
        assert_eq!(response_time(t), "2024-08-06T07:51:52.2581942Z");
        let whole = Utc.with_ymd_and_hms(2024, 8, 6, 7, 51, 52).unwrap();
        assert_eq!(response_time(whole), "2024-08-06T07:51:52.0000000Z");
    }
}

/// Fuzzing by property (issue 7): any body, JSON or form, is a change or CommBox's 400.
#[cfg(test)]
mod props {
    use super::*;
    use crate::vendors::body::props::{incoming, mutated, value};
    use proptest::prelude::*;

    /// A body that is mostly `{"data": {...}}`, sometimes mutated, sometimes a form.
    fn body() -> impl Strategy<Value = (&'static str, Vec<u8>)> {
        let json = "application/json";
        let form = "application/x-www-form-urlencoded";
        prop_oneof![
            value().prop_map(move |v| (
                json,
                serde_json::to_vec(&serde_json::json!({"data": v})).unwrap()
            )),
            mutated().prop_map(move |b| (json, b)),
            value().prop_map(move |v| (
                form,
                serde_urlencoded::to_string([("data", v.to_string())])
                    .unwrap()
                    .into_bytes()
            )),
            prop::collection::vec(any::<u8>(), 0..128).prop_map(move |b| (form, b)),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn any_body_is_a_change_or_bad_request((content_type, bytes) in body()) {
            let req = incoming(String::new(), content_type, bytes);
            match data(&req).and_then(|d| change_from(&d)) {
                Ok(_) | Err(Error::BadRequest) => {}
                Err(other) => prop_assert!(false, "{other:?}"),
            }
        }
    }
}
