//! Every error of the admin API, rendered once as `{"error": "..."}` with its status.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

use crate::store::{FixtureError, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum ControlError {
    /// The request is malformed; the message says what to fix.
    #[error("{0}")]
    BadRequest(String),
    #[error("missing or wrong admin token: send `Authorization: Bearer <token>`")]
    Unauthorized,
    #[error("{0}")]
    NotFound(String),
    /// `allow` lists the methods the path serves (the `Allow` header).
    #[error("{message}")]
    MethodNotAllowed { message: String, allow: String },
    #[error("the body is larger than {0} bytes")]
    TooLarge(usize),
    #[error("the body did not arrive in time")]
    Stalled,
    #[error("{0}")]
    Conflict(String),
    /// The request's world cannot be served (the limit of worlds, or its file).
    #[error("{0}")]
    Unavailable(String),
    #[error("the request journal is off (--journal-size 0)")]
    JournalOff,
    #[error("fixtures: {0}")]
    Fixtures(#[from] FixtureError),
    #[error("store: {0}")]
    Store(#[from] StoreError),
    #[error("the request's worker stopped")]
    Interrupted,
    #[error("metrics: {0}")]
    Metrics(#[from] prometheus::Error),
}

impl From<actix_web::error::BlockingError> for ControlError {
    fn from(_: actix_web::error::BlockingError) -> Self {
        ControlError::Interrupted
    }
}

#[derive(Serialize)]
struct Body<'a> {
    error: &'a str,
}

impl ResponseError for ControlError {
    fn status_code(&self) -> StatusCode {
        match self {
            ControlError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ControlError::Unauthorized => StatusCode::UNAUTHORIZED,
            ControlError::NotFound(_) => StatusCode::NOT_FOUND,
            ControlError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            ControlError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ControlError::Stalled => StatusCode::REQUEST_TIMEOUT,
            ControlError::Conflict(_) | ControlError::JournalOff => StatusCode::CONFLICT,
            ControlError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            // The disk refused the write (`store/health.rs`): the server, not the
            // request, is at fault, and `/readyz` says so too until it is over.
            ControlError::Store(e) | ControlError::Fixtures(FixtureError::Store(e))
                if e.is_storage_fault() =>
            {
                StatusCode::SERVICE_UNAVAILABLE
            }
            // A fixture document that does not load is the caller's to fix.
            ControlError::Fixtures(
                FixtureError::Store(StoreError::Conflict) | FixtureError::IdTaken { .. },
            ) => StatusCode::CONFLICT,
            ControlError::Fixtures(FixtureError::Store(_)) => StatusCode::INTERNAL_SERVER_ERROR,
            ControlError::Fixtures(_) => StatusCode::BAD_REQUEST,
            ControlError::Store(StoreError::Conflict) => StatusCode::CONFLICT,
            ControlError::Store(_) | ControlError::Interrupted | ControlError::Metrics(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        if status.is_server_error() {
            tracing::error!(error = %self, "admin request failed");
        }
        let mut res = HttpResponse::build(status).json(Body {
            error: &self.to_string(),
        });
        if let ControlError::MethodNotAllowed { allow, .. } = self {
            if let Ok(value) = header::HeaderValue::from_str(allow) {
                res.headers_mut().insert(header::ALLOW, value);
            }
        }
        if status == StatusCode::UNAUTHORIZED {
            res.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer realm=\"asmx-emulator\""),
            );
        }
        res
    }
}

/// A query string as `T`, or a 400 saying why not.
pub fn parse_query<T: serde::de::DeserializeOwned>(query: &str) -> Result<T, ControlError> {
    serde_urlencoded::from_str(query)
        .map_err(|e| ControlError::BadRequest(format!("invalid query string: {e}")))
}
