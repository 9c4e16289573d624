//! What every request handler shares, and the one place request bodies are read.

use std::time::Duration;

use actix_web::http::header;
use actix_web::web::{self, Bytes};
use actix_web::HttpRequest;

use crate::asmx::soap::NilMode;
use crate::control::exchange::Exchange;
use crate::control::Control;
use crate::ops::Service;

#[derive(Clone)]
pub struct AppState {
    pub service: Service,
    pub nil_mode: NilMode,
    pub vendors: crate::vendors::VendorState,
    /// `--max-body` (ASP.NET's `maxRequestLength`): the largest ASMX request body.
    pub max_body: usize,
    /// `--body-timeout`: how long a body may take to arrive once its headers are in.
    pub body_timeout: Duration,
    /// The admin API's state: journal, fault rules, metrics.
    pub control: Control,
}

/// Why a request body could not be read.
#[derive(Debug)]
pub enum BodyError {
    /// Longer than the caller's limit.
    TooLarge,
    /// Not all there within `--body-timeout`.
    Stalled,
    /// The connection broke or the framing was invalid.
    Broken(actix_web::Error),
}

impl AppState {
    /// The whole body, up to `limit` bytes. actix-web times out only a request's head
    /// (`client_request_timeout`), never its body, so a client that stalls mid-body
    /// would otherwise hold its connection and a handler for ever. While the request
    /// journal is on, the body is also kept (shared, not copied) for it.
    pub async fn read_body(
        &self,
        req: &HttpRequest,
        payload: web::Payload,
        limit: usize,
    ) -> Result<Bytes, BodyError> {
        // HTTP/1.1 frames a request body by its length or in chunks; a request with
        // neither (every GET) has none, and nothing to wait for.
        let headers = req.headers();
        let read = if headers.contains_key(header::CONTENT_LENGTH)
            || headers.contains_key(header::TRANSFER_ENCODING)
        {
            actix_web::rt::time::timeout(self.body_timeout, payload.to_bytes_limited(limit)).await
        } else {
            Ok(Ok(Ok(Bytes::new())))
        };
        match read {
            Err(_) => Err(BodyError::Stalled),
            Ok(Err(_)) => Err(BodyError::TooLarge),
            Ok(Ok(Err(e))) => Err(BodyError::Broken(e)),
            Ok(Ok(Ok(bytes))) => {
                if self.control.journal.is_some() {
                    Exchange::update(req, |x| x.request_body = Some(bytes.clone()));
                }
                Ok(bytes)
            }
        }
    }
}
