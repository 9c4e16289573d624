//! The request journal: the last `--journal-size` emulated calls in a ring buffer
//! (listed by `requests.rs`). Capture only clones reference-counted parts (`Bytes`,
//! header values); text is made when an entry is listed.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode, Uri};
use actix_web::web::Bytes;
use chrono::{DateTime, Utc};

use crate::faults::rules::FaultKind;
use crate::model::Binding;

/// Bodies are kept up to this many bytes.
pub const MAX_BODY: usize = 64 * 1024;

/// What the kept entries' headers and bodies may hold in all; past it the oldest
/// entries go, as they do past `--journal-size`. Without it 1,000 answers of a listing
/// page held 40 MB of the 100,000-user listing server's 93 MB peak (issue 8).
pub const MAX_BYTES: usize = 16 * 1024 * 1024;
const REDACTED: HeaderValue = HeaderValue::from_static("[redacted]");

/// A body as captured: whole, or its first [`MAX_BODY`] bytes.
pub struct Captured {
    pub bytes: Bytes,
    pub truncated: bool,
}

impl Captured {
    /// A body that lives as long as the process anyway: kept without a copy.
    pub fn shared(bytes: &Bytes) -> Captured {
        Captured {
            bytes: bytes.slice(..bytes.len().min(MAX_BODY)),
            truncated: bytes.len() > MAX_BODY,
        }
    }

    /// A copy of (at most the first [`MAX_BODY`] bytes of) a body. Sharing it instead
    /// would pin the buffer it sits in, often many times its size (a request's read
    /// buffer, a grown string): 1,000 entries held tens of megabytes that way.
    pub fn new(bytes: &Bytes) -> Captured {
        Captured {
            bytes: Bytes::copy_from_slice(&bytes[..bytes.len().min(MAX_BODY)]),
            truncated: bytes.len() > MAX_BODY,
        }
    }

    /// The first bytes of a streamed body, at most [`MAX_BODY`] of them.
    pub fn prefix(mut kept: Vec<u8>, truncated: bool) -> Captured {
        kept.truncate(MAX_BODY);
        Captured {
            bytes: kept.into(),
            truncated,
        }
    }
}

/// A response body as the journal holds it: captured with the response, or as it
/// streams out (see `capture`).
pub enum ResponseBody {
    /// `None` when a fault dropped the connection.
    Whole(Option<Captured>),
    Streamed(Arc<OnceLock<Captured>>),
}

impl ResponseBody {
    pub fn captured(&self) -> Option<&Captured> {
        match self {
            ResponseBody::Whole(captured) => captured.as_ref(),
            ResponseBody::Streamed(slot) => slot.get(),
        }
    }
}

/// One emulated call.
pub struct Entry {
    pub time: DateTime<Utc>,
    pub method: Method,
    pub uri: Uri,
    pub binding: Option<Binding>,
    pub operation: Option<&'static str>,
    pub user: Option<String>,
    pub fault: Option<FaultKind>,
    pub headers: Headers,
    pub request_body: Option<Captured>,
    /// `None` when a fault dropped the connection.
    pub status: Option<StatusCode>,
    pub response_body: ResponseBody,
    pub duration: Duration,
}

/// A header whose value is a credential: masked in the journal.
fn is_secret(name: &HeaderName) -> bool {
    let name = name.as_str();
    matches!(
        name,
        "authorization" | "proxy-authorization" | "cookie" | "set-cookie"
    ) || names_a_credential(name.as_bytes())
}

/// Whether a (lower-case) header name contains `token`, `key`, `secret` or `password`:
/// one pass that compares a word only where its first letter stands, where a search
/// per word cost 4,000 instructions for the headers of a SOAP call.
fn names_a_credential(name: &[u8]) -> bool {
    (0..name.len()).any(|i| {
        let word: &[u8] = match name[i] {
            b't' => b"token",
            b'k' => b"key",
            b's' => b"secret",
            b'p' => b"password",
            _ => return false,
        };
        name[i..].starts_with(word)
    })
}

/// The request headers as captured: every credential masked, the rest copied as
/// `name:value` lines into one buffer of their own. One copy is cheaper than a header
/// map's worth of values, and the values arrive as slices of the connection's read
/// buffer, which holding them would keep from being reused.
pub struct Headers(Box<[u8]>);

impl Headers {
    pub fn capture(headers: &HeaderMap) -> Headers {
        let mut lines = Vec::with_capacity(
            headers
                .iter()
                .map(|(name, value)| name.as_str().len() + value.len() + 2)
                .sum(),
        );
        for (name, value) in headers {
            let value = if is_secret(name) { &REDACTED } else { value };
            lines.extend_from_slice(name.as_str().as_bytes());
            lines.push(b':');
            lines.extend_from_slice(value.as_bytes());
            lines.push(b'\n');
        }
        Headers(lines.into_boxed_slice())
    }

    /// Names and values in the order they came. A name holds no `:` and a value no
    /// line break, so each line splits back exactly.
    pub fn iter(&self) -> impl Iterator<Item = (&[u8], &[u8])> {
        self.0.split(|b| *b == b'\n').filter_map(|line| {
            let colon = line.iter().position(|b| *b == b':')?;
            Some((&line[..colon], &line[colon + 1..]))
        })
    }
}

pub struct Stored {
    pub id: u64,
    /// [`Entry::weight`], counted against [`MAX_BYTES`].
    pub weight: usize,
    pub entry: Entry,
}

impl Entry {
    /// The bytes the entry keeps: its headers and bodies, a streamed answer's counted
    /// at the most it may keep, as it is still being written.
    fn weight(&self) -> usize {
        let body = |c: &Option<Captured>| c.as_ref().map_or(0, |c| c.bytes.len());
        self.headers.0.len()
            + body(&self.request_body)
            + match &self.response_body {
                ResponseBody::Whole(captured) => body(captured),
                ResponseBody::Streamed(_) => MAX_BODY,
            }
    }
}

/// A bounded ring of entries, oldest first: at most `capacity` of them, holding at
/// most [`MAX_BYTES`] (the newest entry is kept whatever it holds).
pub struct Journal {
    capacity: usize,
    ring: Mutex<Ring>,
}

#[derive(Default)]
struct Ring {
    next_id: u64,
    entries: VecDeque<Arc<Stored>>,
    /// The weights of `entries`, summed.
    bytes: usize,
}

impl Journal {
    /// `None` for a capacity of 0: the journal is off.
    pub fn new(capacity: usize) -> Option<Journal> {
        (capacity > 0).then(|| Journal {
            capacity,
            ring: Mutex::default(),
        })
    }

    fn ring(&self) -> MutexGuard<'_, Ring> {
        // Every change is one push, pop or clear: a poisoned ring is still whole.
        self.ring.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn push(&self, entry: Entry) {
        let mut ring = self.ring();
        ring.next_id += 1;
        let weight = entry.weight();
        let stored = Arc::new(Stored {
            id: ring.next_id,
            weight,
            entry,
        });
        ring.bytes += weight;
        ring.entries.push_back(stored);
        while ring.entries.len() > self.capacity
            || (ring.bytes > MAX_BYTES && ring.entries.len() > 1)
        {
            if let Some(oldest) = ring.entries.pop_front() {
                ring.bytes -= oldest.weight;
            }
        }
    }

    pub fn snapshot(&self) -> Vec<Arc<Stored>> {
        self.ring().entries.iter().cloned().collect()
    }

    pub fn clear(&self) {
        let mut ring = self.ring();
        ring.entries.clear();
        ring.bytes = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_come_back_in_order_with_credentials_masked() {
        let mut map = HeaderMap::new();
        map.insert(
            HeaderName::from_static("authorization"),
            HeaderValue::from_static("Basic c2VjcmV0"),
        );
        map.append(
            HeaderName::from_static("x-multi"),
            HeaderValue::from_static("a: b"),
        );
        map.append(
            HeaderName::from_static("x-multi"),
            HeaderValue::from_bytes(b"\tc\xe9").unwrap(),
        );
        let captured = Headers::capture(&map);
        // A header map's order across names is its own: compare them sorted.
        let mut lines: Vec<_> = captured.iter().collect();
        lines.sort();
        assert_eq!(
            lines,
            [
                (&b"authorization"[..], &b"[redacted]"[..]),
                (b"x-multi", b"\tc\xe9"),
                (b"x-multi", b"a: b"),
            ]
        );
    }

    fn entry_with_answer(len: usize) -> Entry {
        Entry {
            time: DateTime::<Utc>::UNIX_EPOCH,
            method: Method::GET,
            uri: Uri::from_static("/srv.asmx"),
            binding: None,
            operation: None,
            user: None,
            fault: None,
            headers: Headers::capture(&HeaderMap::new()),
            request_body: None,
            status: Some(StatusCode::OK),
            response_body: ResponseBody::Whole(Some(Captured::new(&Bytes::from(vec![b'x'; len])))),
            duration: Duration::ZERO,
        }
    }

    #[test]
    fn the_ring_keeps_the_newest_entries_within_count_and_bytes() {
        let journal = Journal::new(1000).unwrap();
        for _ in 0..300 {
            journal.push(entry_with_answer(MAX_BODY));
        }
        let kept = journal.snapshot();
        assert_eq!(kept.len(), MAX_BYTES / MAX_BODY);
        assert_eq!(kept.last().map(|s| s.id), Some(300), "the newest stays");
        assert!(kept.windows(2).all(|w| w[1].id == w[0].id + 1));
        // Ten bytes more than the budget: the oldest big answer goes.
        journal.push(entry_with_answer(10));
        let kept = journal.snapshot();
        assert_eq!(kept.len(), MAX_BYTES / MAX_BODY);
        assert_eq!((kept[0].id, kept[kept.len() - 1].id), (46, 301));

        let small = Journal::new(3).unwrap();
        for _ in 0..5 {
            small.push(entry_with_answer(10));
        }
        let ids: Vec<_> = small.snapshot().iter().map(|s| s.id).collect();
        assert_eq!(ids, [3, 4, 5]);
        small.clear();
        assert_eq!(small.ring().bytes, 0);
    }

    #[test]
    fn credentials_are_masked_by_name() {
        for name in [
            "authorization",
            "cookie",
            "x-api-key",
            "x-auth-token",
            "client-secret",
            "x-password",
            "apikey",
            "secret",
        ] {
            assert!(is_secret(&HeaderName::from_static(name)), "{name}");
        }
        for name in [
            "content-type",
            "soapaction",
            "x-request-id",
            "accept",
            "x-pass",
            "x-tok",
            "ke",
        ] {
            assert!(!is_secret(&HeaderName::from_static(name)), "{name}");
        }
    }

    #[test]
    fn bodies_are_copied_and_cut_and_lasting_ones_shared() {
        let mut buffer = Vec::with_capacity(64 * 1024);
        buffer.extend_from_slice(b"abc");
        let short = Bytes::from(buffer);
        let kept = Captured::new(&short);
        assert_eq!(kept.bytes, short);
        assert_ne!(
            kept.bytes.as_ptr(),
            short.as_ptr(),
            "no pin on the big buffer"
        );
        assert!(!kept.truncated);
        let long = Bytes::from(vec![b'x'; MAX_BODY + 1]);
        let cut = Captured::new(&long);
        assert_eq!((cut.bytes.len(), cut.truncated), (MAX_BODY, true));
        let lasting = Captured::shared(&long);
        assert_eq!(lasting.bytes.as_ptr(), long.as_ptr());
        assert_eq!((lasting.bytes.len(), lasting.truncated), (MAX_BODY, true));
    }
}
