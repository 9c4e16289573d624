//! The body of an answer too large to hold: its bytes a chunk at a time, from its text
//! and its rows read in batches. Chunks are made on the blocking pool (they read
//! SQLite), one ahead of the one being sent, and its length is known beforehand from a
//! first pass over the same chunks, which the answer makes.

use std::collections::VecDeque;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use actix_web::body::{BodySize, MessageBody};
use actix_web::rt::task::{spawn_blocking, JoinHandle};
use actix_web::web::Bytes;

use super::xml::{Doc, Piece};
use crate::ops::{OpError, Snapshot};

/// A chunk ends after the batch that takes it past this length.
const CHUNK_MIN: usize = 64 * 1024;

/// A chunk, and the chunks to make the next one from (none after the last).
type Made = (Option<Chunks>, Result<Option<String>, OpError>);

/// An answer's bytes a chunk at a time: its text, and its rows read in batches. Every
/// pass over the same snapshot writes the same bytes.
pub struct Chunks {
    snapshot: Snapshot,
    pieces: Vec<Piece>,
    left: VecDeque<Piece>,
}

impl Chunks {
    pub fn new(snapshot: Snapshot, pieces: Vec<Piece>) -> Chunks {
        Chunks {
            snapshot,
            left: pieces.iter().cloned().collect(),
            pieces,
        }
    }

    pub fn rewind(&mut self) {
        self.left = self.pieces.iter().cloned().collect();
    }

    /// The next chunk, `None` at the end.
    pub fn next(&mut self) -> Result<Option<String>, OpError> {
        let mut chunk = String::new();
        while chunk.len() < CHUNK_MIN {
            match self.left.pop_front() {
                None => break,
                Some(Piece::Text(text)) => chunk.push_str(&text),
                Some(Piece::Rows(mut lazy)) => {
                    let mut batch = Doc::default();
                    if lazy.write_next(&mut batch, &self.snapshot)? {
                        self.left.push_front(Piece::Rows(lazy));
                    }
                    // A batch is text unless its rows have rows of their own.
                    for piece in batch.into_pieces().into_iter().rev() {
                        self.left.push_front(piece);
                    }
                }
            }
        }
        Ok((!chunk.is_empty()).then_some(chunk))
    }
}

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
