//! `/__emulator/clock`: read, set, advance and reset the emulator's clock.

use std::time::Duration;

use actix_web::http::Method;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

use super::body;
use super::error::ControlError;
use super::resource::resource;
use crate::clock::Clock;
use crate::state::AppState;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        resource("/clock")
            .route(Method::GET, get)
            .route(Method::PUT, set)
            .route(Method::DELETE, reset),
    )
    .service(resource("/clock/advance").route(Method::POST, advance));
}

#[derive(Serialize)]
struct Now {
    now: String,
    offset_ms: i64,
}

fn now(clock: &Clock) -> HttpResponse {
    HttpResponse::Ok().json(Now {
        now: clock.now().to_rfc3339_opts(SecondsFormat::Millis, true),
        offset_ms: clock.offset_ms(),
    })
}

async fn get(state: web::Data<AppState>) -> HttpResponse {
    now(&state.service.clock)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SetTo {
    now: String,
}

async fn set(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ControlError> {
    let SetTo { now: at } = body::json(&req, payload, &state).await?;
    let at = DateTime::parse_from_rfc3339(&at).map_err(|e| {
        ControlError::BadRequest(format!("now: {at:?} is not an RFC 3339 time: {e}"))
    })?;
    let at = within_range(at.with_timezone(&Utc))?;
    state.service.clock.set(at);
    Ok(now(&state.service.clock))
}

/// Times the methods can compute with: ticket expiries and reset links add to `now`,
/// and dates are stored as Unix seconds.
fn within_range(t: DateTime<Utc>) -> Result<DateTime<Utc>, ControlError> {
    if (1970..=9000).contains(&chrono::Datelike::year(&t)) {
        Ok(t)
    } else {
        Err(ControlError::BadRequest(format!(
            "the clock must stay between the years 1970 and 9000, not {}",
            t.to_rfc3339_opts(SecondsFormat::Secs, true)
        )))
    }
}

/// `{"seconds": N}` (negative goes back) or `{"duration": "29days"}`; `null` is neither
/// (openapi/openapi.yaml says exactly one of them).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Advance {
    #[serde(default, deserialize_with = "present")]
    seconds: Option<f64>,
    #[serde(default, deserialize_with = "present")]
    duration: Option<String>,
}

/// A member that, when given, must hold a value: `null` is refused like a wrong type.
fn present<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(
    value: D,
) -> Result<Option<T>, D::Error> {
    T::deserialize(value).map(Some)
}

/// About 290 years either way: far beyond any test, well inside chrono's range.
const MAX_SECONDS: f64 = 9.0e9;

async fn advance(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ControlError> {
    let by = match body::json(&req, payload, &state).await? {
        Advance {
            seconds: Some(s),
            duration: None,
        } if s.is_finite() && s.abs() <= MAX_SECONDS => {
            chrono::Duration::milliseconds((s * 1e3) as i64)
        }
        Advance {
            seconds: Some(s),
            duration: None,
        } => {
            return Err(ControlError::BadRequest(format!(
                "seconds: {s} is out of range"
            )))
        }
        Advance {
            seconds: None,
            duration: Some(text),
        } => {
            let d: Duration = humantime::parse_duration(&text).map_err(|e| {
                ControlError::BadRequest(format!(
                    "duration: {text:?} is not a duration like \"29days\": {e}"
                ))
            })?;
            chrono::Duration::from_std(d)
                .ok()
                .filter(|d| d.num_seconds() as f64 <= MAX_SECONDS)
                .ok_or_else(|| {
                    ControlError::BadRequest(format!("duration: {text:?} is out of range"))
                })?
        }
        _ => {
            return Err(ControlError::BadRequest(
                "give either seconds (a number) or duration (like \"29days\")".into(),
            ))
        }
    };
    let clock = &state.service.clock;
    clock
        .now()
        .checked_add_signed(by)
        .ok_or_else(|| ControlError::BadRequest("the clock would leave its range".into()))
        .and_then(within_range)?;
    clock.advance(by);
    Ok(now(clock))
}

async fn reset(state: web::Data<AppState>) -> HttpResponse {
    state.service.clock.reset();
    now(&state.service.clock)
}
