//! HTTP/1.1 framing, kept as bytes: a message is read off a connection exactly as it
//! arrived (head, then a body delimited by Content-Length, chunks or the end of the
//! connection), so a capture holds the wire bytes and a relay passes them on unchanged.
//! `httparse` reads the head; everything else keeps the raw bytes.

use std::io::{BufRead, Read};

use crate::parity::error::WireError;

/// The largest head accepted, and the largest body: a capture is held in memory.
const MAX_HEAD: usize = 64 * 1024;
const MAX_BODY: usize = 64 * 1024 * 1024;

/// A parsed head: its first line, its headers in order (names as sent) and its length
/// in bytes, the blank line included.
#[derive(Debug, Clone)]
pub struct Head {
    pub first_line: String,
    pub headers: Vec<(String, String)>,
    pub len: usize,
}

impl Head {
    /// The first header named `name` (any case).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Whether a comma-separated header lists `token` (any case).
    pub fn lists(&self, name: &str, token: &str) -> bool {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .flat_map(|(_, v)| v.split(','))
            .any(|t| t.trim().eq_ignore_ascii_case(token))
    }

    /// The request's method and target, or the response's status code.
    pub fn parts(&self) -> (&str, &str) {
        let mut words = self.first_line.splitn(3, ' ');
        let first = words.next().unwrap_or_default();
        let second = words.next().unwrap_or_default();
        (first, second)
    }

    /// A response's status code (0 when the line has none).
    pub fn status(&self) -> u16 {
        self.parts().1.parse().unwrap_or(0)
    }

    /// The protocol version: a response's first word, a request's last.
    pub fn version(&self) -> &str {
        if self.first_line.starts_with("HTTP/") {
            self.parts().0
        } else {
            self.first_line.rsplit(' ').next().unwrap_or_default()
        }
    }

    /// Whether the connection stays open after this message.
    pub fn keeps_alive(&self) -> bool {
        if self.lists("connection", "close") {
            return false;
        }
        self.version() != "HTTP/1.0" || self.lists("connection", "keep-alive")
    }
}

/// How a message's body ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    None,
    Length(usize),
    Chunked,
    /// The body runs to the end of the connection (a response without either header).
    Close,
}

/// Which side of an exchange a head is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Request,
    /// A response; `head_request` when it answers a HEAD, whose answer has no body.
    Response {
        head_request: bool,
    },
}

impl Side {
    /// The side of the answer to `request`.
    pub fn answering(request: &Message) -> Side {
        Side::Response {
            head_request: request.head.parts().0 == "HEAD",
        }
    }
}

/// Parses a complete head at the start of `bytes`; `Ok(None)` when it is not complete.
pub fn parse_head(bytes: &[u8], side: Side) -> Result<Option<Head>, WireError> {
    let mut slots = [httparse::EMPTY_HEADER; 128];
    let (len, headers) = match side {
        Side::Request => {
            let mut req = httparse::Request::new(&mut slots);
            match req.parse(bytes) {
                Ok(httparse::Status::Complete(n)) => (n, req.headers),
                Ok(httparse::Status::Partial) => return Ok(None),
                Err(e) => return Err(WireError::Malformed(format!("request head: {e}"))),
            }
        }
        Side::Response { .. } => {
            let mut res = httparse::Response::new(&mut slots);
            match res.parse(bytes) {
                Ok(httparse::Status::Complete(n)) => (n, res.headers),
                Ok(httparse::Status::Partial) => return Ok(None),
                Err(e) => return Err(WireError::Malformed(format!("response head: {e}"))),
            }
        }
    };
    let line_end = bytes.windows(2).position(|w| w == b"\r\n").unwrap_or(0);
    Ok(Some(Head {
        first_line: String::from_utf8_lossy(&bytes[..line_end]).into_owned(),
        headers: headers
            .iter()
            .map(|h| {
                (
                    h.name.to_string(),
                    String::from_utf8_lossy(h.value).into_owned(),
                )
            })
            .collect(),
        len,
    }))
}

/// How the body after `head` ends.
pub fn framing(head: &Head, side: Side) -> Result<Framing, WireError> {
    if let Side::Response { head_request } = side {
        let status = head.status();
        if head_request || (100..200).contains(&status) || status == 204 || status == 304 {
            return Ok(Framing::None);
        }
    }
    if head.lists("transfer-encoding", "chunked") {
        return Ok(Framing::Chunked);
    }
    match head.get("content-length") {
        Some(v) => v
            .trim()
            .parse()
            .map(Framing::Length)
            .map_err(|_| WireError::Malformed(format!("Content-Length {v:?}"))),
        None if side == Side::Request => Ok(Framing::None),
        None => Ok(Framing::Close),
    }
}

/// One message read off a connection: its bytes as they arrived and its head.
#[derive(Debug, Clone)]
pub struct Message {
    pub bytes: Vec<u8>,
    pub head: Head,
}

impl Message {
    pub fn body(&self) -> &[u8] {
        &self.bytes[self.head.len..]
    }
}

/// Reads the next head off `conn`; `Ok(None)` when the connection ended cleanly before
/// its first byte.
pub fn read_head(conn: &mut impl BufRead, side: Side) -> Result<Option<Message>, WireError> {
    let mut bytes = Vec::new();
    loop {
        let available = conn.fill_buf()?;
        if available.is_empty() {
            return if bytes.is_empty() {
                Ok(None)
            } else {
                Err(WireError::CutShort(bytes))
            };
        }
        // Take bytes up to the end of a head at most, so the body stays in `conn`.
        let start = bytes.len().saturating_sub(3);
        bytes.extend_from_slice(available);
        let taken = match bytes[start..].windows(4).position(|w| w == b"\r\n\r\n") {
            Some(at) => {
                let end = start + at + 4;
                let taken = available.len() - (bytes.len() - end);
                bytes.truncate(end);
                taken
            }
            None => available.len(),
        };
        conn.consume(taken);
        if bytes.ends_with(b"\r\n\r\n") {
            let head = parse_head(&bytes, side)?
                .ok_or_else(|| WireError::Malformed("an incomplete head".into()))?;
            return Ok(Some(Message { bytes, head }));
        }
        if bytes.len() > MAX_HEAD {
            return Err(WireError::TooLarge("head"));
        }
    }
}

/// Reads the body `framing` announces onto the end of `message.bytes`, as it arrived.
pub fn read_body(
    conn: &mut impl BufRead,
    message: &mut Message,
    framing: Framing,
) -> Result<(), WireError> {
    let bytes = &mut message.bytes;
    let result = match framing {
        Framing::None => Ok(()),
        Framing::Length(n) if n > MAX_BODY => Err(WireError::TooLarge("body")),
        Framing::Length(n) => take(conn, bytes, n),
        Framing::Chunked => read_chunks(conn, bytes),
        Framing::Close => read_to_close(conn, bytes),
    };
    result.map_err(|e| match e {
        WireError::CutShort(_) => WireError::CutShort(bytes.clone()),
        other => other,
    })
}

/// Reads one whole message: head and body.
pub fn read_message(conn: &mut impl BufRead, side: Side) -> Result<Option<Message>, WireError> {
    let Some(mut message) = read_head(conn, side)? else {
        return Ok(None);
    };
    let framing = framing(&message.head, side)?;
    read_body(conn, &mut message, framing)?;
    Ok(Some(message))
}

/// Reads the final answer to a request, past any interim `1xx` (a `100 Continue`).
pub fn read_final(conn: &mut impl BufRead, side: Side) -> Result<Option<Message>, WireError> {
    loop {
        match read_message(conn, side)? {
            Some(r) if (100..200).contains(&r.head.status()) && r.head.status() != 101 => {}
            other => return Ok(other),
        }
    }
}

fn read_to_close(conn: &mut impl BufRead, bytes: &mut Vec<u8>) -> Result<(), WireError> {
    let before = bytes.len();
    conn.take(MAX_BODY as u64 + 1).read_to_end(bytes)?;
    if bytes.len() - before > MAX_BODY {
        return Err(WireError::TooLarge("body"));
    }
    Ok(())
}

fn take(conn: &mut impl BufRead, bytes: &mut Vec<u8>, n: usize) -> Result<(), WireError> {
    let before = bytes.len();
    conn.take(n as u64).read_to_end(bytes)?;
    if bytes.len() - before < n {
        return Err(WireError::CutShort(Vec::new()));
    }
    Ok(())
}

fn read_line(conn: &mut impl BufRead, bytes: &mut Vec<u8>) -> Result<usize, WireError> {
    let start = bytes.len();
    conn.take(MAX_HEAD as u64).read_until(b'\n', bytes)?;
    if !bytes.ends_with(b"\n") {
        return Err(WireError::CutShort(Vec::new()));
    }
    Ok(start)
}

fn read_chunks(conn: &mut impl BufRead, bytes: &mut Vec<u8>) -> Result<(), WireError> {
    let body_start = bytes.len();
    loop {
        let start = read_line(conn, bytes)?;
        let size = chunk_size(&bytes[start..])?;
        if size == 0 {
            // Trailers, then the blank line.
            loop {
                let start = read_line(conn, bytes)?;
                if bytes[start..] == *b"\r\n" || bytes[start..] == *b"\n" {
                    return Ok(());
                }
            }
        }
        if size > MAX_BODY.saturating_sub(bytes.len() - body_start) {
            return Err(WireError::TooLarge("body"));
        }
        take(conn, bytes, size + 2)?;
    }
}

fn chunk_size(line: &[u8]) -> Result<usize, WireError> {
    let text = String::from_utf8_lossy(line);
    let hex = text.split(';').next().unwrap_or_default().trim();
    usize::from_str_radix(hex, 16)
        .map_err(|_| WireError::Malformed(format!("chunk size {:?}", text.trim_end())))
}

/// The body of a message as its sender meant it: chunks joined, or as it is.
pub fn decoded_body(message: &Message) -> Result<Vec<u8>, WireError> {
    let body = message.body();
    if !message.head.lists("transfer-encoding", "chunked") {
        return Ok(body.to_vec());
    }
    let mut out = Vec::with_capacity(body.len());
    let mut rest = body;
    loop {
        let line_end = rest
            .windows(2)
            .position(|w| w == b"\r\n")
            .ok_or(WireError::CutShort(Vec::new()))?;
        let size = chunk_size(&rest[..line_end])?;
        rest = &rest[line_end + 2..];
        if size == 0 {
            return Ok(out);
        }
        let chunk = rest.get(..size).ok_or(WireError::CutShort(Vec::new()))?;
        out.extend_from_slice(chunk);
        rest = rest.get(size + 2..).unwrap_or_default();
    }
}

/// Parses a whole message held in `bytes` (a capture's half).
pub fn parse_message(bytes: &[u8], side: Side) -> Result<Message, WireError> {
    let head = parse_head(bytes, side)?.ok_or(WireError::CutShort(bytes.to_vec()))?;
    Ok(Message {
        bytes: bytes.to_vec(),
        head,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(bytes: &[u8]) -> Result<Option<Message>, WireError> {
        let side = Side::Response {
            head_request: false,
        };
        read_message(&mut std::io::BufReader::new(bytes), side)
    }

    #[test]
    fn bodies_are_kept_as_framed_and_bad_framing_is_an_error() {
        let chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2;x=1\r\nab\r\n0\r\nT: 1\r\n\r\n";
        let message = read(chunked).unwrap().unwrap();
        assert_eq!(message.bytes, chunked);
        assert_eq!(decoded_body(&message).unwrap(), b"ab");
        let to_close = b"HTTP/1.0 200 OK\r\n\r\n\x00\xff";
        assert_eq!(read(to_close).unwrap().unwrap().body(), b"\x00\xff");
        let huge = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\n";
        assert!(matches!(read(huge), Err(WireError::TooLarge("body"))));
        let short = b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nab";
        assert!(matches!(read(short), Err(WireError::CutShort(b)) if b.ends_with(b"ab")));
        assert!(matches!(
            read(b"SSH-2.0\r\n\r\n"),
            Err(WireError::Malformed(_))
        ));
    }
}
