//! The journal's copy of a streamed response body: its first [`MAX_BODY`] bytes, taken
//! as they go out, so a large answer is never held whole for the journal's sake. The
//! copy is complete before the last of those bytes reaches the client, so a client that
//! has read its answer finds it in the journal.

use std::pin::Pin;
use std::sync::{Arc, OnceLock};
use std::task::{ready, Context, Poll};

use actix_web::body::{BodySize, MessageBody};
use actix_web::web::Bytes;
use pin_project_lite::pin_project;

use super::journal::{Captured, MAX_BODY};

pin_project! {
    /// `body`, copying what passes into `slot`.
    pub struct Capturing<B> {
        #[pin]
        body: B,
        kept: Vec<u8>,
        seen: u64,
        slot: Arc<OnceLock<Captured>>,
    }

    impl<B> PinnedDrop for Capturing<B> {
        fn drop(this: Pin<&mut Self>) {
            // Cut off: what was seen of it. A body that failed before its first byte
            // (a dropped connection) stays uncaptured.
            let this = this.project();
            if *this.seen > 0 {
                fill(this.slot, this.kept, true);
            }
        }
    }
}

impl<B> Capturing<B> {
    pub fn new(body: B, slot: Arc<OnceLock<Captured>>) -> Capturing<B> {
        Capturing {
            body,
            kept: Vec::new(),
            seen: 0,
            slot,
        }
    }
}

fn fill(slot: &OnceLock<Captured>, kept: &mut Vec<u8>, truncated: bool) {
    if slot.get().is_none() {
        let _ = slot.set(Captured::prefix(std::mem::take(kept), truncated));
    }
}

impl<B: MessageBody> MessageBody for Capturing<B> {
    type Error = B::Error;

    fn size(&self) -> BodySize {
        self.body.size()
    }

    fn poll_next(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Bytes, Self::Error>>> {
        let size = self.body.size();
        let this = self.project();
        let next = ready!(this.body.poll_next(cx));
        match &next {
            Some(Ok(bytes)) if this.slot.get().is_none() => {
                *this.seen += bytes.len() as u64;
                let room = MAX_BODY - this.kept.len();
                this.kept.extend_from_slice(&bytes[..bytes.len().min(room)]);
                let beyond = *this.seen > MAX_BODY as u64;
                match size {
                    BodySize::Sized(len) if *this.seen >= len => fill(this.slot, this.kept, beyond),
                    _ if beyond => fill(this.slot, this.kept, true),
                    _ => {}
                }
            }
            Some(Ok(_)) => {}
            None => fill(this.slot, this.kept, *this.seen > MAX_BODY as u64),
            Some(Err(_)) if *this.seen > 0 => fill(this.slot, this.kept, true),
            Some(Err(_)) => {}
        }
        Poll::Ready(next)
    }
}
