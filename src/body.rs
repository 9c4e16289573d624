//! Reading request bodies, for every API alike: bounded in size and in time, and kept
//! for the journal when it asks. A body not read whole is held until the response
//! closes its connection ([`UnreadBody`]), since its rest cannot be told from the next
//! request.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use actix_web::body::{to_bytes_limited, BodySize, BodyStream, BoxBody, EitherBody, MessageBody};
use actix_web::dev::ServiceResponse;
use actix_web::http::header::{self, HeaderMap};
use actix_web::http::ConnectionType;
use actix_web::web::{self, Bytes};
use actix_web::{HttpMessage, HttpRequest};
use pin_project_lite::pin_project;

use crate::record::Record;

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

/// What is left of a body that was not read whole, kept in the request's extensions
/// until [`UnreadBody::close_after`] takes it.
pub struct UnreadBody(web::Payload);

impl UnreadBody {
    /// The response, made to close its connection: the rest of the body cannot be told
    /// from the next request. actix-web leaves out a `Connection` header a handler sets,
    /// so the head's connection type asks for the close. And actix-web closes only while
    /// the request's payload is still held when the response has been sent; once it is
    /// dropped, actix-web drains a chunked body for as long as the client keeps
    /// sending, and keeps the connection. So the response's body holds it.
    pub fn close_after<B: MessageBody + 'static>(
        self,
        mut res: ServiceResponse<EitherBody<B, BoxBody>>,
    ) -> ServiceResponse<EitherBody<B, BoxBody>> {
        res.response_mut()
            .head_mut()
            .set_connection_type(ConnectionType::Close);
        res.map_body(|_, body| {
            EitherBody::right(BoxBody::new(Holding {
                body,
                _payload: self.0,
            }))
        })
    }
}

pin_project! {
    /// A response body that holds the request's payload until it is dropped.
    struct Holding<B> {
        #[pin]
        body: B,
        _payload: web::Payload,
    }
}

impl<B: MessageBody> MessageBody for Holding<B> {
    type Error = B::Error;

    fn size(&self) -> BodySize {
        self.body.size()
    }

    fn poll_next(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Bytes, Self::Error>>> {
        self.project().body.poll_next(cx)
    }
}

/// The whole body, up to `limit` bytes, if it arrives within `timeout`. actix-web times
/// out only a request's head (`client_request_timeout`), never its body, so a client
/// that stalls mid-body would otherwise hold its connection and a handler for ever.
/// The request's record keeps the body (shared, not copied) while the journal is on.
pub async fn read(
    req: &HttpRequest,
    mut payload: web::Payload,
    limit: usize,
    timeout: Duration,
) -> Result<Bytes, BodyError> {
    match read_whole(req.headers(), &mut payload, limit, timeout).await {
        Ok(bytes) => {
            Record::read_body(req, &bytes);
            Ok(bytes)
        }
        Err(e) => {
            req.extensions_mut().insert(UnreadBody(payload));
            Err(e)
        }
    }
}

async fn read_whole(
    headers: &HeaderMap,
    payload: &mut web::Payload,
    limit: usize,
    timeout: Duration,
) -> Result<Bytes, BodyError> {
    // HTTP/1.1 frames a request body by its length or in chunks; a request with
    // neither (every GET) has none, and nothing to wait for.
    let length = headers.get(header::CONTENT_LENGTH);
    if length.is_none() && !headers.contains_key(header::TRANSFER_ENCODING) {
        return Ok(Bytes::new());
    }
    // ASP.NET refuses a declared length over the limit before reading any of it.
    let declared = length.and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
    if declared.is_some_and(|length| length > limit) {
        return Err(BodyError::TooLarge);
    }
    let read = to_bytes_limited(BodyStream::new(payload), limit);
    match actix_web::rt::time::timeout(timeout, read).await {
        Ok(Ok(Ok(bytes))) => Ok(bytes),
        Err(_) => Err(BodyError::Stalled),
        Ok(Err(_)) => Err(BodyError::TooLarge),
        Ok(Ok(Err(e))) => Err(BodyError::Broken(e.into())),
    }
}
