//! Conscent (docs/vendors.md §2): `PATCH /client/update-user?userId=<ObjectId>`,
//! also under `/api/v1` and `/api/v2`. A NestJS service: unknown routes are
//! `Cannot <METHOD> <url>`, errors are Nest's exception bodies, and the answer is the
//! whole `userData` document after the change.

use actix_web::http::{Method, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::Serialize;
use serde_json::{Map, Value};

use super::body::{self, optional_string, Incoming};
use super::credentials;
use super::endpoint::VendorEndpoint;
use super::observe::observe;
use crate::model::{Address, Vendor};
use crate::ops::user_write::{self, change::UserChange, vendor_ids, Written};
use crate::ops::{Interrupted, OpError};
use crate::state::AppState;
use crate::store::{StoreError, Tx};

pub(super) const BASES: [&str; 3] = ["/client", "/api/v1/client", "/api/v2/client"];
const ENDPOINT: &str = "/update-user";
const GENDERS: [&str; 3] = ["MALE", "FEMALE", "OTHER"];

pub fn routes(cfg: &mut web::ServiceConfig) {
    for base in BASES {
        cfg.service(web::scope(base).default_service(web::to(handle)));
    }
}

#[derive(Debug, thiserror::Error)]
enum Error {
    /// Nest's route-not-found, with the method and URL as requested.
    #[error("Cannot {0} {1}")]
    NoRoute(Method, String),
    #[error("Unauthorized")]
    Unauthorized,
    #[error("userId is required")]
    MissingUserId,
    #[error("Invalid userId")]
    InvalidUserId,
    #[error("Invalid request body")]
    InvalidBody,
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

/// Nest's `HttpException` body: `message`, `error` (absent for 401), `statusCode`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NestError<'a> {
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
    status_code: u16,
}

/// Nest's body for an unexpected exception, which puts the code first.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NestInternal {
    status_code: u16,
    message: &'static str,
}

fn json(status: StatusCode, body: &impl Serialize) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("application/json; charset=utf-8")
        .body(serde_json::to_string(body).unwrap_or_default())
}

impl Error {
    fn into_response(self) -> HttpResponse {
        let status = match &self {
            Error::NoRoute(..) | Error::Op(OpError::UserNotFound) => StatusCode::NOT_FOUND,
            Error::Unauthorized => StatusCode::UNAUTHORIZED,
            Error::MissingUserId | Error::InvalidUserId | Error::InvalidBody => {
                StatusCode::BAD_REQUEST
            }
            Error::Op(OpError::EmailTaken) => StatusCode::CONFLICT,
            Error::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            other => {
                tracing::error!(vendor = "conscent", error = %other, "request failed");
                return json(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    &NestInternal {
                        status_code: 500,
                        message: "Internal server error",
                    },
                );
            }
        };
        let message = match &self {
            Error::Op(OpError::EmailTaken) => "Email already exists".to_string(),
            other => other.to_string(),
        };
        let error = (status != StatusCode::UNAUTHORIZED)
            .then(|| status.canonical_reason())
            .flatten();
        json(
            status,
            &NestError {
                message: &message,
                error,
                status_code: status.as_u16(),
            },
        )
    }
}

/// The answer for a request whose world cannot be served.
pub(super) fn unavailable(message: String) -> HttpResponse {
    Error::Unavailable(message).into_response()
}

async fn handle(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> HttpResponse {
    let incoming = Incoming::read(&req, payload, &state).await;
    let endpoint = (incoming.method == Method::PATCH && is_endpoint(&incoming))
        .then_some(VendorEndpoint::ConscentUpdateUser);
    let user_id = incoming
        .query_pairs()
        .and_then(|pairs| pairs.into_iter().find(|(k, _)| k == "userId"))
        .map(|(_, v)| v);
    if let Some(res) = observe(&req, &state, Vendor::Conscent, endpoint, user_id).await {
        return res;
    }
    let now = state.service.clock.now();
    let outcome = incoming
        .check_then_update(&state.service, now, checked, update)
        .await;
    match outcome {
        Ok(body) => json(StatusCode::OK, &body),
        Err(e) => e.into_response(),
    }
}

fn is_endpoint(req: &Incoming) -> bool {
    // Express matches routes without regard to case or a trailing slash.
    BASES.iter().any(|base| {
        let path = req.path.strip_suffix('/').unwrap_or(&req.path);
        path.eq_ignore_ascii_case(&format!("{base}{ENDPOINT}"))
    })
}

/// The update a request asks for: `userId` in Conscent's canonical (lower) case.
struct UpdateRequest {
    user_id: String,
    change: UserChange,
}

/// Nest's checks, in its order: the route, the guard (Basic auth), then the
/// parameters and the body.
fn checked(tx: &Tx, req: &Incoming) -> Result<UpdateRequest, Error> {
    if req.method != Method::PATCH || !is_endpoint(req) {
        return Err(Error::NoRoute(req.method.clone(), req.path_and_query()));
    }
    if !credentials::basic_ok(tx, Vendor::Conscent, req.authorization.as_deref())? {
        return Err(Error::Unauthorized);
    }
    let user_id = req
        .query_pairs()
        .unwrap_or_default()
        .into_iter()
        .find(|(k, _)| k == "userId")
        .map(|(_, v)| v)
        .filter(|v| !v.is_empty())
        .ok_or(Error::MissingUserId)?;
    if !is_object_id(&user_id) {
        return Err(Error::InvalidUserId);
    }
    let bytes = req.body.as_ref().map_err(|_| Error::InvalidBody)?;
    // An empty body is an empty object to Express's JSON parser.
    let doc = if bytes.iter().all(u8::is_ascii_whitespace) {
        Value::Object(Map::new())
    } else {
        body::json(bytes).ok_or(Error::InvalidBody)?
    };
    Ok(UpdateRequest {
        user_id: user_id.to_ascii_lowercase(),
        change: change_from(doc.as_object().ok_or(Error::InvalidBody)?)?,
    })
}

fn update(tx: &Tx, request: &UpdateRequest, now: DateTime<Utc>) -> Result<Response, Error> {
    let user = vendor_ids::find_user(tx, Vendor::Conscent, &request.user_id)?;
    let id = user.id;
    let written = user_write::apply(tx, user, &request.change, now)?;
    tracing::info!(vendor = "conscent", user_id = id, "user details updated");
    Ok(Response {
        message: "User Details Updated Successfully.",
        user_data: UserData::new(&written, vendor_ids::external_id(tx, id, Vendor::Conscent)?),
    })
}

fn is_object_id(text: &str) -> bool {
    text.len() == 24 && text.bytes().all(|b| b.is_ascii_hexdigit())
}

fn string(doc: &Map<String, Value>, key: &str) -> Result<Option<String>, Error> {
    optional_string(doc.get(key)).map_err(|_| Error::InvalidBody)
}

/// The request body under docs/vendors.md D-0 and D-9; read-only and unknown keys are ignored.
fn change_from(doc: &Map<String, Value>) -> Result<UserChange, Error> {
    let (first_name, last_name) = match string(doc, "name")? {
        Some(name) => {
            let name = name.trim();
            let (first, last) = name.split_once(' ').unwrap_or((name, ""));
            (Some(first.to_string()), Some(last.trim().to_string()))
        }
        None => (None, None),
    };
    let gender = string(doc, "gender")?;
    if gender
        .as_deref()
        .is_some_and(|g| !g.is_empty() && !GENDERS.contains(&g))
    {
        return Err(Error::InvalidBody);
    }
    let date_of_birth = match string(doc, "dateOfBirth")? {
        None => None,
        Some(text) if text.is_empty() => Some(None),
        Some(text) => Some(Some(parse_date(&text).ok_or(Error::InvalidBody)?)),
    };
    let address = match doc.get("address") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Object(lines)) => address_lines(lines)?,
        Some(_) => return Err(Error::InvalidBody),
    };
    Ok(UserChange {
        first_name,
        last_name,
        email: string(doc, "email")?,
        country_code: string(doc, "countryCode")?,
        national_phone: string(doc, "phone")?,
        gender,
        date_of_birth,
        address,
        shipping_addresses: address_list(doc.get("shippingAddress"))?,
        billing_addresses: address_list(doc.get("billingAddress"))?,
        // Conscent refuses an address another user has (409).
        email_unique: true,
        ..UserChange::default()
    })
}

/// The address lines given (null keeps a line, "" clears it); other keys are ignored.
fn address_lines(lines: &Map<String, Value>) -> Result<Vec<(String, String)>, Error> {
    let mut set = Vec::new();
    for (name, _) in Address::default().lines() {
        if let Some(value) = string(lines, name)? {
            set.push((name.to_string(), value));
        }
    }
    Ok(set)
}

/// A whole list; an element keeps its `_id` when it is an ObjectId, else gets a new one.
fn address_list(value: Option<&Value>) -> Result<Option<Vec<Address>>, Error> {
    let items = match value {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Array(items)) => items,
        Some(_) => return Err(Error::InvalidBody),
    };
    let mut list = Vec::with_capacity(items.len());
    for item in items {
        let lines = item.as_object().ok_or(Error::InvalidBody)?;
        let mut address = Address::default();
        for (name, value) in address_lines(lines)? {
            if let Some(line) = address.line_mut(&name) {
                *line = value;
            }
        }
        address.id = string(lines, "_id")?
            .filter(|id| is_object_id(id))
            .map(|id| id.to_ascii_lowercase())
            .unwrap_or_default();
        list.push(address);
    }
    Ok(Some(list))
}

/// ISO 8601 as JavaScript's `Date` reads it: with an offset, a bare date (UTC
/// midnight), or a date and time without offset (taken as UTC, the server's zone).
fn parse_date(text: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.with_timezone(&Utc));
    }
    if let Ok(t) = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f") {
        return Some(t.and_utc());
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
}

fn iso(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Response {
    message: &'static str,
    user_data: UserData,
}

/// The seed's `userData`, keys in its order.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct UserData {
    status: &'static str,
    user_id: String,
    name: String,
    email: String,
    country_code: String,
    phone: String,
    gender: String,
    date_of_birth: String,
    address: AddressOut,
    used_coupons: [(); 0],
    client_specific_ids: [(); 0],
    migrated: bool,
    is_phone_verified: bool,
    is_email_verified: bool,
    shipping_address: Vec<AddressOut>,
    billing_address: Vec<AddressOut>,
    created_at: String,
    updated_at: String,
}

#[derive(Serialize)]
struct AddressOut {
    name: String,
    apartment: String,
    area: String,
    pincode: String,
    landmark: String,
    city: String,
    state: String,
    country: String,
    #[serde(rename = "_id", skip_serializing_if = "Option::is_none")]
    id: Option<String>,
}

impl AddressOut {
    fn new(a: &Address, with_id: bool) -> AddressOut {
        AddressOut {
            name: a.name.clone(),
            apartment: a.apartment.clone(),
            area: a.area.clone(),
            pincode: a.pincode.clone(),
            landmark: a.landmark.clone(),
            city: a.city.clone(),
            state: a.state.clone(),
            country: a.country.clone(),
            id: with_id.then(|| a.id.clone()),
        }
    }
}

impl UserData {
    fn new(v: &Written, user_id: String) -> UserData {
        let (u, p) = (&v.user, &v.profile);
        let list = |l: &[Address]| l.iter().map(|a| AddressOut::new(a, true)).collect();
        UserData {
            status: if u.enabled { "ACTIVE" } else { "INACTIVE" },
            user_id,
            name: u.full_name(),
            email: u.email.clone(),
            country_code: p.country_code.clone(),
            phone: p.national_phone(&u.mobile).to_string(),
            gender: p.gender.clone(),
            date_of_birth: p.date_of_birth.map(iso).unwrap_or_default(),
            address: AddressOut::new(&p.address, false),
            used_coupons: [],
            client_specific_ids: [],
            migrated: false,
            is_phone_verified: p.phone_verified,
            is_email_verified: p.email_verified,
            shipping_address: list(&p.shipping_addresses),
            billing_address: list(&p.billing_addresses),
            created_at: iso(p.created_at),
            updated_at: iso(p.updated_at),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_like_javascript() {
        let expect = |s: &str, iso_text: &str| {
            assert_eq!(parse_date(s).map(iso).as_deref(), Some(iso_text), "{s}")
        };
        expect("2025-05-13T16:13:02.128Z", "2025-05-13T16:13:02.128Z");
        expect("2025-05-13T18:13:02+02:00", "2025-05-13T16:13:02.000Z");
        expect("2025-05-13", "2025-05-13T00:00:00.000Z");
        expect("2025-05-13T16:13:02", "2025-05-13T16:13:02.000Z");
        assert_eq!(parse_date("13/05/2025"), None);
        assert_eq!(parse_date("2025-02-30"), None);
    }
}

/// Fuzzing by property (issue 7): any JSON object is a change or Conscent's invalid body.
#[cfg(test)]
mod props {
    use super::*;
    use crate::vendors::body::props::value;
    use proptest::prelude::*;

    /// An object with Conscent's member names holding any JSON.
    fn document() -> impl Strategy<Value = Map<String, Value>> {
        let key = prop::sample::select(vec![
            "name",
            "gender",
            "dateOfBirth",
            "address",
            "email",
            "countryCode",
            "phone",
            "shippingAddress",
            "billingAddress",
            "city",
            "_id",
            "other",
        ]);
        prop::collection::vec((key, value()), 0..8).prop_map(|members| {
            members
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect()
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn any_object_is_a_change_or_invalid_body(doc in document()) {
            match change_from(&doc) {
                Ok(_) | Err(Error::InvalidBody) => {}
                Err(other) => prop_assert!(false, "{other:?}"),
            }
        }
    }
}
