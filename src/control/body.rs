//! Admin request bodies: read through [`crate::body::read`] like every other body (so
//! a stalled one times out), then parsed with a message that says what is wrong.

use actix_web::web::{self, Bytes};
use actix_web::HttpRequest;
use serde::de::DeserializeOwned;

use super::error::ControlError;
use crate::body::{self as request_body, BodyError};
use crate::state::AppState;

/// Admin documents (fixture sets) may be far larger than emulated requests.
const MAX_ADMIN_BODY: usize = 64 * 1024 * 1024;

pub async fn read(
    req: &HttpRequest,
    payload: web::Payload,
    state: &AppState,
) -> Result<Bytes, ControlError> {
    request_body::read(req, payload, MAX_ADMIN_BODY, state.body_timeout)
        .await
        .map_err(|e| match e {
            BodyError::TooLarge => ControlError::TooLarge(MAX_ADMIN_BODY),
            BodyError::Stalled => ControlError::Stalled,
            BodyError::Broken(e) => ControlError::BadRequest(format!("unreadable body: {e}")),
        })
}

/// The body as JSON of type `T`.
pub async fn json<T: DeserializeOwned>(
    req: &HttpRequest,
    payload: web::Payload,
    state: &AppState,
) -> Result<T, ControlError> {
    let bytes = read(req, payload, state).await?;
    serde_json::from_slice(&bytes)
        .map_err(|e| ControlError::BadRequest(format!("invalid JSON body: {e}")))
}
