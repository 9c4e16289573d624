//! `GET|DELETE /__emulator/requests`: the journal, filtered and listed as JSON.

use std::sync::Arc;

use actix_web::http::Method;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Map;

use super::error::{parse_query, ControlError};
use super::journal::{Captured, Entry, Journal, Stored};
use super::plane::Control;
use super::resource::resource;
use crate::faults::rules::FaultKind;
use crate::model::Binding;

/// `?operation=&user=&binding=&status=&since=&limit=`, all optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FilterQuery {
    operation: Option<String>,
    user: Option<String>,
    binding: Option<String>,
    status: Option<String>,
    since: Option<String>,
    limit: Option<String>,
}

struct Filter {
    operation: Option<String>,
    user: Option<String>,
    binding: Option<Binding>,
    status: Option<u16>,
    since: Option<DateTime<Utc>>,
    limit: Option<usize>,
}

impl Filter {
    fn parse(query: &str) -> Result<Filter, ControlError> {
        let q: FilterQuery = parse_query(query)?;
        let bad = |what: &str, value: &str| {
            ControlError::BadRequest(format!("{what}: {value:?} is not valid"))
        };
        let binding = q
            .binding
            .map(|b| {
                Binding::from_name(&b)
                    .ok_or_else(|| bad("binding (soap11, soap12, get, post or a vendor)", &b))
            })
            .transpose()?;
        Ok(Filter {
            operation: q.operation,
            user: q.user,
            binding,
            status: q
                .status
                .map(|s| {
                    s.parse()
                        .ok()
                        .filter(|code| (100..=599).contains(code))
                        .ok_or_else(|| bad("status (an HTTP status, 100 to 599)", &s))
                })
                .transpose()?,
            since: q
                .since
                .map(|s| {
                    DateTime::parse_from_rfc3339(&s)
                        .map(|t| t.with_timezone(&Utc))
                        .map_err(|_| bad("since (an RFC 3339 time)", &s))
                })
                .transpose()?,
            limit: q
                .limit
                .map(|s| s.parse().map_err(|_| bad("limit", &s)))
                .transpose()?,
        })
    }

    fn accepts(&self, e: &Entry) -> bool {
        self.operation
            .as_deref()
            .is_none_or(|op| e.operation == Some(op))
            && self.user.as_deref().is_none_or(|u| {
                e.user
                    .as_deref()
                    .is_some_and(|have| have.eq_ignore_ascii_case(u))
            })
            && self.binding.is_none_or(|b| e.binding == Some(b))
            && self
                .status
                .is_none_or(|s| e.status.map(|st| st.as_u16()) == Some(s))
            && self.since.is_none_or(|t| e.time >= t)
    }

    /// The matching entries, oldest first; with a limit, the newest `limit` of them.
    fn select(&self, journal: &Journal) -> Vec<Arc<Stored>> {
        let mut found: Vec<_> = journal
            .snapshot()
            .into_iter()
            .filter(|s| self.accepts(&s.entry))
            .collect();
        if let Some(limit) = self.limit {
            found.drain(..found.len().saturating_sub(limit));
        }
        found
    }
}

/// An entry as listed.
#[derive(Serialize)]
struct View<'a> {
    id: u64,
    world: &'a str,
    time: String,
    method: &'a str,
    path: String,
    binding: Option<Binding>,
    operation: Option<&'a str>,
    user: Option<&'a str>,
    fault: Option<FaultKind>,
    status: Option<u16>,
    duration_ms: f64,
    request_headers: Map<String, serde_json::Value>,
    request_body: Option<String>,
    request_body_truncated: bool,
    response_body: Option<String>,
    response_body_truncated: bool,
}

fn text(body: Option<&Captured>) -> (Option<String>, bool) {
    match body {
        Some(c) => (
            Some(String::from_utf8_lossy(&c.bytes).into_owned()),
            c.truncated,
        ),
        None => (None, false),
    }
}

impl<'a> View<'a> {
    fn new(stored: &'a Stored, world: &'a str) -> View<'a> {
        let e = &stored.entry;
        let mut headers = Map::new();
        for (name, value) in e.headers.iter() {
            let name = String::from_utf8_lossy(name).into_owned();
            let value = String::from_utf8_lossy(value).into_owned();
            // Repeated headers are joined as HTTP allows.
            let joined = match headers.remove(&name) {
                Some(serde_json::Value::String(before)) => format!("{before}, {value}"),
                _ => value,
            };
            headers.insert(name, joined.into());
        }
        let (request_body, request_body_truncated) = text(e.request_body.as_ref());
        let (response_body, response_body_truncated) = text(e.response_body.captured());
        View {
            id: stored.id,
            world,
            time: e.time.to_rfc3339_opts(SecondsFormat::Millis, true),
            method: e.method.as_str(),
            path: e
                .uri
                .path_and_query()
                .map_or_else(|| e.uri.path().to_string(), |p| p.to_string()),
            binding: e.binding,
            operation: e.operation,
            user: e.user.as_deref(),
            fault: e.fault,
            status: e.status.map(|s| s.as_u16()),
            duration_ms: (e.duration.as_secs_f64() * 1e6).round() / 1e3,
            request_headers: headers,
            request_body,
            request_body_truncated,
            response_body,
            response_body_truncated,
        }
    }
}

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        resource("/requests")
            .route(Method::GET, list)
            .route(Method::DELETE, clear),
    )
    .service(resource("/requests/count").route(Method::GET, count));
}

fn journal(control: &Control) -> Result<&Journal, ControlError> {
    control.journal.as_deref().ok_or(ControlError::JournalOff)
}

#[derive(Serialize)]
struct Listing<'a> {
    requests: Vec<View<'a>>,
}

async fn list(req: HttpRequest, control: web::Data<Control>) -> Result<HttpResponse, ControlError> {
    let filter = Filter::parse(req.query_string())?;
    let found = filter.select(journal(&control)?);
    Ok(HttpResponse::Ok().json(Listing {
        requests: found.iter().map(|s| View::new(s, &control.world)).collect(),
    }))
}

#[derive(Serialize)]
struct Count {
    count: usize,
}

async fn count(
    req: HttpRequest,
    control: web::Data<Control>,
) -> Result<HttpResponse, ControlError> {
    let filter = Filter::parse(req.query_string())?;
    let count = filter.select(journal(&control)?).len();
    Ok(HttpResponse::Ok().json(Count { count }))
}

async fn clear(control: web::Data<Control>) -> Result<HttpResponse, ControlError> {
    journal(&control)?.clear();
    Ok(HttpResponse::NoContent().finish())
}
