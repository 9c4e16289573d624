//! The ASP.NET Web API 2 service (docs/vendors.md §4):
//! `PUT /api/v2/Users/{id}/UserContactItem` and `GET /api/v{1,2}/ContactItem/GetAllTypes`.
//! Routes match without regard to case, as in ASP.NET; the body binds from JSON,
//! DataContract XML or a form; the answer is JSON or XML by content negotiation. The
//! action's own errors are `ResultWithGuid`s, the framework's are `HttpError`s.

use actix_web::http::{header, Method, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

use super::body::{self, Incoming};
use super::endpoint::VendorEndpoint;
use super::observe::observe;
use super::{credentials, datacontract};
use crate::model::{ContactItemType, Vendor};
use crate::ops::user_write::change::{ContactItemChange, UserChange};
use crate::ops::user_write::contact_items::Upserted;
use crate::ops::user_write::{self, vendor_ids};
use crate::ops::{Interrupted, OpError};
use crate::state::AppState;
use crate::store::{StoreError, Tx};

const VIEW_MODEL: &str = "UpsertContactItemViewModel";
/// The view model's members in DataContract (ordinal) order.
const MEMBERS: [&str; 4] = ["ContactSubType", "IsDefault", "UserId", "Value"];
const NULL_ID_DETAIL: &str =
    "The parameters dictionary contains a null entry for parameter 'id' of \
    non-nullable type 'System.Guid' for method 'System.Web.Http.IHttpActionResult \
    UpsertUserContactItem(System.Guid, APIWebRole.Controllers.UpsertContactItemViewModel)' in \
    'APIWebRole.Controllers.UsersController'. An optional parameter must be a reference type, \
    a nullable type, or be declared as an optional parameter.";

/// Everything under `/api/` in any case (ASP.NET routes ignore case) that the chatbot
/// and Conscent scopes did not take. The app's fallback asks this before the ASMX
/// layer: a catch-all route would cost every request a regex match.
pub fn is_api_path(path: &str) -> bool {
    let path = path.as_bytes();
    path.get(..4)
        .is_some_and(|p| p.eq_ignore_ascii_case(b"/api"))
        && path.get(4).is_none_or(|&b| b == b'/')
}

enum Action {
    Upsert(String),
    AllTypes,
}

/// The action a path names, and the one method it answers.
fn action(path: &str) -> Option<(Action, Method)> {
    let lower = path.trim_end_matches('/').to_ascii_lowercase();
    let segments: Vec<&str> = lower.split('/').collect();
    match segments.as_slice() {
        ["", "api", "v2", "users", _, "usercontactitem"] => {
            let id = path.split('/').nth(4).unwrap_or_default();
            Some((Action::Upsert(id.to_string()), Method::PUT))
        }
        ["", "api", "v1" | "v2", "contactitem", "getalltypes"] => {
            Some((Action::AllTypes, Method::GET))
        }
        _ => None,
    }
}

/// The response format, by the `Accept` header, else the request's content type, else
/// JSON: Web API's default content negotiation.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Format {
    Json(&'static str),
    Xml(&'static str),
}

const FORMATS: [(&str, Format); 4] = [
    ("application/json", Format::Json("application/json")),
    ("text/json", Format::Json("text/json")),
    ("application/xml", Format::Xml("application/xml")),
    ("text/xml", Format::Xml("text/xml")),
];

fn negotiate(accept: Option<&str>, content_type: Option<&str>) -> Format {
    let mut ranges: Vec<(String, f32)> = accept
        .unwrap_or_default()
        .split(',')
        .filter_map(|part| {
            let mut params = part.split(';');
            let range = params.next()?.trim().to_ascii_lowercase();
            let q = params
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            (!range.is_empty() && q > 0.0).then_some((range, q))
        })
        .collect();
    ranges.sort_by(|a, b| b.1.total_cmp(&a.1));
    let exact = |media: &str| FORMATS.iter().find(|(m, _)| *m == media).map(|(_, f)| *f);
    let by_accept = ranges.iter().find_map(|(range, _)| match range.as_str() {
        "*/*" | "application/*" => Some(Format::Json("application/json")),
        "text/*" => Some(Format::Json("text/json")),
        media => exact(media),
    });
    by_accept
        .or_else(|| content_type.and_then(exact))
        .unwrap_or(Format::Json("application/json"))
}

#[derive(Debug, thiserror::Error)]
enum Error {
    #[error("No HTTP resource was found that matches the request URI '{0}'.")]
    NoResource(String),
    /// `allowed` is the route's one method: Web API 2 lists the methods of the route's
    /// actions in `Allow` (docs/vendors.md §4.1).
    #[error("The requested resource does not support http method '{given}'.")]
    Method { given: Method, allowed: Method },
    #[error("Authorization has been denied for this request.")]
    Unauthorized,
    #[error("The request entity's media type '{0}' is not supported for this resource.")]
    MediaType(String),
    #[error("The request is invalid.")]
    BadId,
    #[error("Invalid request")]
    Invalid,
    #[error("UserId does not match the id in the URI")]
    IdMismatch,
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

/// `System.Net.HttpStatusCode`'s member name (docs/vendors.md D-23).
fn status_name(status: StatusCode) -> &'static str {
    match status.as_u16() {
        200 => "OK",
        400 => "BadRequest",
        401 => "Unauthorized",
        404 => "NotFound",
        _ => "InternalServerError",
    }
}

fn respond(
    format: Format,
    status: StatusCode,
    json: impl FnOnce() -> String,
    xml: impl FnOnce() -> String,
) -> HttpResponse {
    let (media, body) = match format {
        Format::Json(media) => (media, json()),
        Format::Xml(media) => (media, xml()),
    };
    HttpResponse::build(status)
        .content_type(format!("{media}; charset=utf-8"))
        .body(body)
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ResultWithGuid<'a> {
    value: &'a str,
    result_code: i32,
    description: &'a str,
}

fn result(
    format: Format,
    status: StatusCode,
    value: &str,
    code: i32,
    description: &str,
) -> HttpResponse {
    let code_text = code.to_string();
    respond(
        format,
        status,
        || {
            serde_json::to_string(&ResultWithGuid {
                value,
                result_code: code,
                description,
            })
            .unwrap_or_default()
        },
        || {
            datacontract::object(
                "ResultWithGuid",
                true,
                &[
                    ("Description", description),
                    ("HttpStatusCode", status_name(status)),
                    ("ResultCode", &code_text),
                    ("Value", value),
                ],
            )
        },
    )
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct HttpError<'a> {
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    message_detail: Option<&'a str>,
}

fn http_error(
    format: Format,
    status: StatusCode,
    message: &str,
    detail: Option<&str>,
) -> HttpResponse {
    let mut fields = vec![("Message", message)];
    fields.extend(detail.map(|d| ("MessageDetail", d)));
    respond(
        format,
        status,
        || {
            serde_json::to_string(&HttpError {
                message,
                message_detail: detail,
            })
            .unwrap_or_default()
        },
        || datacontract::object("Error", false, &fields),
    )
}

impl Error {
    fn into_response(self, format: Format) -> HttpResponse {
        let message = self.to_string();
        let (status, code) = match &self {
            Error::NoResource(_) => {
                return http_error(format, StatusCode::NOT_FOUND, &message, None)
            }
            Error::Method { allowed, .. } => {
                let mut res = http_error(format, StatusCode::METHOD_NOT_ALLOWED, &message, None);
                if let Ok(value) = header::HeaderValue::from_str(allowed.as_str()) {
                    res.headers_mut().insert(header::ALLOW, value);
                }
                return res;
            }
            Error::MediaType(_) => {
                return http_error(format, StatusCode::UNSUPPORTED_MEDIA_TYPE, &message, None)
            }
            Error::BadId => {
                return http_error(
                    format,
                    StatusCode::BAD_REQUEST,
                    &message,
                    Some(NULL_ID_DETAIL),
                )
            }
            Error::Unauthorized => {
                let mut res = http_error(format, StatusCode::UNAUTHORIZED, &message, None);
                res.headers_mut().insert(
                    header::WWW_AUTHENTICATE,
                    header::HeaderValue::from_static("Bearer"),
                );
                return res;
            }
            Error::Unavailable(_) => {
                return http_error(format, StatusCode::SERVICE_UNAVAILABLE, &message, None)
            }
            Error::Invalid | Error::IdMismatch => (StatusCode::BAD_REQUEST, -1),
            Error::Op(OpError::UnknownSubType) => (StatusCode::BAD_REQUEST, -3),
            Error::Op(OpError::UserNotFound) => (StatusCode::NOT_FOUND, -2),
            other => {
                tracing::error!(vendor = "webapi", error = %other, "request failed");
                (StatusCode::INTERNAL_SERVER_ERROR, -99)
            }
        };
        let description = match code {
            -3 => "Contact sub type not found",
            -2 => "User not found",
            -99 => "An error has occurred",
            _ => &message,
        };
        result(format, status, &Uuid::nil().to_string(), code, description)
    }
}

enum Reply {
    Upserted(Upserted),
    Types(Vec<ContactItemType>),
}

/// The answer for a request whose world cannot be served, in the format it accepts.
pub(super) fn unavailable(req: &HttpRequest, message: String) -> HttpResponse {
    let accept = req.headers().get(header::ACCEPT);
    let format = negotiate(accept.and_then(|v| v.to_str().ok()), None);
    Error::Unavailable(message).into_response(format)
}

/// A request past the framework's checks.
enum Checked {
    /// GetAllTypes, read on the checks' snapshot.
    Types(Vec<ContactItemType>),
    Upsert(UpsertRequest),
}

/// The upsert a bound body asks for.
struct UpsertRequest {
    /// The Web API's id of the user, hyphenated.
    user_id: String,
    item: ContactItemChange,
}

pub async fn handle(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> HttpResponse {
    let incoming = Incoming::read(&req, payload, &state).await;
    let (endpoint, user_id) = match action(&incoming.path) {
        Some((Action::Upsert(id), method)) if method == incoming.method => {
            (Some(VendorEndpoint::WebApiPutContactItem), Some(id))
        }
        Some((Action::AllTypes, method)) if method == incoming.method => {
            (Some(VendorEndpoint::WebApiGetAllTypes), None)
        }
        _ => (None, None),
    };
    if let Some(res) = observe(&req, &state, Vendor::WebApi, endpoint, user_id).await {
        return res;
    }
    let format = negotiate(incoming.accept.as_deref(), incoming.media_type().as_deref());
    let now = state.service.clock.now();
    let service = &state.service;
    let outcome = match service
        .with_store(move |store| store.read(|tx| checked(tx, &incoming)))
        .await
    {
        Ok(Checked::Types(types)) => Ok(Reply::Types(types)),
        Ok(Checked::Upsert(request)) => service
            .submit(move |tx| upsert(tx, request, now))
            .await
            .map(Reply::Upserted),
        Err(e) => Err(e),
    };
    match outcome {
        Ok(Reply::Upserted(u)) if u.added => {
            result(format, StatusCode::OK, &u.id, 1, "Contact item added")
        }
        Ok(Reply::Upserted(u)) => result(format, StatusCode::OK, &u.id, 2, "Contact item updated"),
        Ok(Reply::Types(types)) => all_types(format, &types),
        Err(e) => e.into_response(format),
    }
}

/// Routing, then the method, then `[Authorize]`, then model binding: Web API's order.
fn checked(tx: &Tx, req: &Incoming) -> Result<Checked, Error> {
    let (action, method) = action(&req.path)
        .ok_or_else(|| Error::NoResource(format!("{}{}", req.origin, req.path_and_query())))?;
    if req.method != method {
        return Err(Error::Method {
            given: req.method.clone(),
            allowed: method,
        });
    }
    if !credentials::bearer_ok(tx, Vendor::WebApi, req.authorization.as_deref())? {
        return Err(Error::Unauthorized);
    }
    match action {
        Action::AllTypes => Ok(Checked::Types(tx.contact_item_types()?.to_vec())),
        Action::Upsert(id) => upsert_request(req, &id).map(Checked::Upsert),
    }
}

fn upsert_request(req: &Incoming, id: &str) -> Result<UpsertRequest, Error> {
    // The body binds before the action runs; the null id fails when it is invoked.
    let model = bind(req)?;
    let id = Uuid::parse_str(id).map_err(|_| Error::BadId)?;
    let model = model.ok_or(Error::Invalid)?;
    let value = model
        .value
        .filter(|v| !v.is_empty())
        .ok_or(Error::Invalid)?;
    if model.user_id.is_nil() || model.sub_type.is_nil() {
        return Err(Error::Invalid);
    }
    if model.user_id != id {
        return Err(Error::IdMismatch);
    }
    Ok(UpsertRequest {
        user_id: id.hyphenated().to_string(),
        item: ContactItemChange {
            sub_type: model.sub_type.hyphenated().to_string(),
            value,
            is_default: model.is_default,
        },
    })
}

fn upsert(tx: &Tx, request: UpsertRequest, now: DateTime<Utc>) -> Result<Upserted, Error> {
    let user = vendor_ids::find_user(tx, Vendor::WebApi, &request.user_id)?;
    let user_id = user.id;
    let change = UserChange {
        contact_item: Some(request.item),
        ..UserChange::default()
    };
    let written = user_write::apply(tx, user, &change, now)?;
    let upserted = written
        .contact_item
        .expect("a change with a contact item reports it");
    tracing::info!(
        vendor = "webapi",
        user_id,
        added = upserted.added,
        "contact item upserted"
    );
    Ok(upserted)
}

/// `UpsertContactItemViewModel` as bound: missing GUIDs are empty, a missing bool false.
#[derive(Debug, Default)]
struct Model {
    user_id: Uuid,
    sub_type: Uuid,
    value: Option<String>,
    is_default: bool,
}

impl Model {
    /// Sets the member `name` (any case) from its text, `None` being null; `None` back
    /// when the text does not convert, which leaves the whole body unbound.
    fn set(&mut self, name: &str, text: Option<&str>) -> Option<()> {
        match name.to_ascii_lowercase().as_str() {
            "userid" => self.user_id = Uuid::parse_str(text?.trim()).ok()?,
            "contactsubtype" => self.sub_type = Uuid::parse_str(text?.trim()).ok()?,
            "isdefault" => {
                self.is_default = match text?.trim().to_ascii_lowercase().as_str() {
                    "true" | "1" => true,
                    "false" | "0" => false,
                    _ => return None,
                }
            }
            "value" => self.value = text.map(str::to_string),
            _ => {}
        }
        Some(())
    }
}

/// The body by its content type; `Ok(None)` when it does not bind (a null model).
fn bind(req: &Incoming) -> Result<Option<Model>, Error> {
    let Ok(bytes) = &req.body else {
        return Ok(None);
    };
    if bytes.is_empty() {
        return Ok(None);
    }
    let media = req.media_type();
    let mut model = Model::default();
    let bound = match media.as_deref() {
        Some("application/json" | "text/json") => from_json(&mut model, bytes),
        Some("application/xml" | "text/xml") => from_xml(&mut model, bytes),
        Some("application/x-www-form-urlencoded") => from_form(&mut model, bytes),
        other => {
            let media = other.unwrap_or("application/octet-stream");
            return Err(Error::MediaType(media.to_string()));
        }
    };
    Ok(bound.map(|()| model))
}

fn from_json(model: &mut Model, bytes: &[u8]) -> Option<()> {
    let doc = body::json(bytes)?;
    for (name, value) in doc.as_object()? {
        let text = match value {
            Value::Null => None,
            Value::String(s) => Some(s.clone()),
            // Json.NET reads a number into a string member as its text, however large;
            // arbitrary_precision keeps every digit (only an unsigned exponent gains `+`).
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            // Json.NET skips a member the model does not have, whatever its value.
            Value::Array(_) | Value::Object(_) if !is_member(name) => continue,
            Value::Array(_) | Value::Object(_) => return None,
        };
        model.set(name, text.as_deref())?;
    }
    Some(())
}

fn is_member(name: &str) -> bool {
    MEMBERS.iter().any(|m| m.eq_ignore_ascii_case(name))
}

fn from_xml(model: &mut Model, bytes: &[u8]) -> Option<()> {
    let text = std::str::from_utf8(bytes).ok()?;
    let found = datacontract::read(text.trim_start_matches('\u{feff}'), VIEW_MODEL, &MEMBERS)?;
    for (name, member) in MEMBERS.iter().zip(found) {
        if let Some(member) = member {
            // DataContractSerializer reads xsd:boolean, whose literals have one case.
            let boolean = member.as_deref().map(|t| t.trim_matches(XML_SPACE));
            if *name == "IsDefault" && !matches!(boolean, None | Some("true" | "false" | "1" | "0"))
            {
                return None;
            }
            model.set(name, member.as_deref())?;
        }
    }
    Some(())
}

/// XML's white space, which `XmlConvert` trims from a value.
const XML_SPACE: [char; 4] = [' ', '\t', '\r', '\n'];

fn from_form(model: &mut Model, bytes: &[u8]) -> Option<()> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(bytes).ok()?;
    for (name, value) in pairs {
        model.set(&name, Some(&value))?;
    }
    Some(())
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct TypeView<'a> {
    contact_sub_type: &'a str,
    contact_type: &'a str,
    name: &'a str,
}

fn all_types(format: Format, types: &[ContactItemType]) -> HttpResponse {
    let views: Vec<TypeView> = types
        .iter()
        .map(|t| TypeView {
            contact_sub_type: &t.sub_type,
            contact_type: t.contact_type.name(),
            name: &t.name,
        })
        .collect();
    respond(
        format,
        StatusCode::OK,
        || serde_json::to_string(&views).unwrap_or_default(),
        || {
            let entries: Vec<Vec<(&str, &str)>> = views
                .iter()
                .map(|v| {
                    vec![
                        ("ContactSubType", v.contact_sub_type),
                        ("ContactType", v.contact_type),
                        ("Name", v.name),
                    ]
                })
                .collect();
            datacontract::array(
                "ArrayOfContactItemTypeViewModel",
                "ContactItemTypeViewModel",
                &entries,
            )
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiation_follows_web_api() {
        let json = Format::Json("application/json");
        let xml = Format::Xml("application/xml");
        assert_eq!(negotiate(None, None), json);
        assert_eq!(negotiate(Some("*/*"), Some("application/xml")), json);
        assert_eq!(negotiate(Some("application/xml"), None), xml);
        assert_eq!(negotiate(Some("text/xml"), None), Format::Xml("text/xml"));
        assert_eq!(
            negotiate(Some("text/html,application/xml;q=0.9,*/*;q=0.8"), None),
            xml
        );
        assert_eq!(
            negotiate(Some("application/xml;q=0.1, text/json"), None),
            Format::Json("text/json")
        );
        assert_eq!(
            negotiate(Some("text/html"), Some("text/xml")),
            Format::Xml("text/xml")
        );
        assert_eq!(negotiate(Some("application/xml;q=0"), None), json);
    }

    #[test]
    fn routes_ignore_case() {
        assert!(matches!(
            action("/API/V2/users/ABC/UserContactItem/"),
            Some((Action::Upsert(id), Method::PUT)) if id == "ABC"
        ));
        assert!(matches!(
            action("/api/v1/contactitem/GETALLTYPES"),
            Some((Action::AllTypes, Method::GET))
        ));
        assert!(action("/api/v1/Users/x/UserContactItem").is_none());
        assert!(action("/api/v2/Users//UserContactItem/x").is_none());
    }
}
