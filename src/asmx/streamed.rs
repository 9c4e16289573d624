//! The body of an answer too large to hold: chunks are made on the blocking pool (they
//! read SQLite), one ahead of the one being sent, and its length is known beforehand.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use actix_web::body::{BodySize, MessageBody};
use actix_web::rt::task::{spawn_blocking, JoinHandle};
use actix_web::web::Bytes;

use super::answer::Chunks;
use crate::ops::OpError;

/// A chunk, and the chunks to make the next one from (none after the last).
type Made = (Option<Chunks>, Result<Option<String>, OpError>);

pub struct Streamed {
    len: u64,
    sent: u64,
    next: Option<JoinHandle<Made>>,
}

/// Starts making the next chunk. Whatever ends the answer also ends the snapshot, on
/// the blocking pool: when the answer is cut, the handle goes and the result with it.
fn make(mut chunks: Chunks) -> JoinHandle<Made> {
    spawn_blocking(move || {
        let made = chunks.next();
        (matches!(made, Ok(Some(_))).then_some(chunks), made)
    })
}

impl Streamed {
    pub fn new(len: u64, chunks: Chunks) -> Streamed {
        Streamed {
            len,
            sent: 0,
            next: Some(make(chunks)),
        }
    }
}

impl MessageBody for Streamed {
    type Error = io::Error;

    fn size(&self) -> BodySize {
        BodySize::Sized(self.len)
    }

    fn poll_next(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Bytes, Self::Error>>> {
        let this = self.get_mut();
        let Some(next) = this.next.as_mut() else {
            return Poll::Ready(None);
        };
        let made = ready!(Pin::new(next).poll(cx));
        this.next = None;
        let failure = match made {
            Ok((Some(chunks), Ok(Some(chunk)))) => {
                this.sent += chunk.len() as u64;
                if this.sent <= this.len {
                    this.next = Some(make(chunks));
                    return Poll::Ready(Some(Ok(Bytes::from(chunk))));
                }
                "the answer grew longer than measured".to_string()
            }
            Ok((_, Ok(_))) if this.sent == this.len => return Poll::Ready(None),
            Ok((_, Ok(_))) => "the answer came out shorter than measured".to_string(),
            Ok((_, Err(e))) => e.to_string(),
            Err(e) => e.to_string(),
        };
        // The status line and the first bytes are out: all that is left is to cut the
        // connection, which actix-web does on an error.
        tracing::error!(error = %failure, sent = this.sent, "a streamed answer broke off");
        Poll::Ready(Some(Err(io::Error::other(failure))))
    }
}
