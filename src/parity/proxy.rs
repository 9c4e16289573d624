//! `asmx-emulator record`: an HTTP/1.1 proxy between the client under test and the
//! upstream, writing every exchange to the capture directory (`capture.rs`).
//!
//! A relay over plain TCP rather than an HTTP library: a capture must be the bytes
//! that crossed the wire — header case and order, the reason phrase, an HTTP/1.0
//! status line, chunk boundaries — and an HTTP library re-frames all of those. So the
//! relay reads each message with `wire.rs` (`httparse` for the head, the body kept
//! as it arrived), passes it on unchanged, and only rewrites the request line and
//! `Host` for the upstream, and the upstream's address in the service documents
//! (WSDL, disco, help pages) for the client, so a generated client keeps coming back
//! through the proxy. One thread per client connection: a recording session has a
//! handful of them, and blocking code keeps the framing plain.

use std::io::{BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use crate::parity::capture::{file_name, Answer, Exchange, Manifest, Writer, FORMAT};
use crate::parity::error::{ParityError, WireError};
use crate::parity::operation;
use crate::parity::redact::redact;
use crate::parity::target::{Target, IO_TIMEOUT};
use crate::parity::wire::{
    decoded_body, framing, read_body, read_final, read_head, Framing, Message, Side,
};

/// What `record` needs.
#[derive(Debug, Clone)]
pub struct RecordSettings {
    pub upstream: String,
    pub out: PathBuf,
    pub bind: std::net::SocketAddr,
    pub redact: bool,
}

struct Shared {
    upstream: Target,
    redact: bool,
    /// The writer and the number of the last exchange written: held while a file is
    /// written, so numbers follow the order exchanges completed in.
    files: Mutex<(Writer, usize)>,
}

impl Shared {
    fn record(&self, request: &Message, answer: Answer) {
        let request_bytes = if self.redact {
            redact(request)
        } else {
            request.bytes.clone()
        };
        let mut files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        files.1 += 1;
        let exchange = Exchange {
            name: file_name(files.1, &operation::of(request)),
            request: request_bytes,
            answer,
        };
        if let Err(e) = files.0.write(&exchange) {
            eprintln!(
                "asmx-emulator record: exchange {} not recorded: {e}",
                files.1
            );
        }
    }
}

/// Binds, prints the proxy's address, and serves until the process is stopped.
pub fn record(settings: &RecordSettings) -> Result<(), ParityError> {
    let upstream = Target::parse(&settings.upstream)?;
    let listener = TcpListener::bind(settings.bind).map_err(|source| ParityError::File {
        path: PathBuf::from(settings.bind.to_string()),
        source,
    })?;
    let writer = Writer::create(
        &settings.out,
        &Manifest {
            format: FORMAT.to_string(),
            upstream: upstream.url(),
            redacted: settings.redact,
        },
    )?;
    let local = listener.local_addr().map_err(|source| ParityError::File {
        path: PathBuf::from(settings.bind.to_string()),
        source,
    })?;
    println!(
        "asmx-emulator recording on http://{local}/ for {}, into {}",
        upstream.url(),
        settings.out.display()
    );
    std::io::stdout().flush().ok();
    let shared = Arc::new(Shared {
        upstream,
        redact: settings.redact,
        files: Mutex::new((writer, 0)),
    });
    for client in listener.incoming().flatten() {
        let shared = Arc::clone(&shared);
        std::thread::spawn(move || serve(client, &shared));
    }
    Ok(())
}

/// A plain-text answer from the proxy itself, after which the connection closes.
fn answer_plain(client: &mut TcpStream, status: &str, text: &str) {
    let message = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}\n",
        text.len() + 1
    );
    client.write_all(message.as_bytes()).ok();
}

/// Relays one client connection's requests, one at a time, as long as both sides keep
/// the connection open.
fn serve(mut client: TcpStream, shared: &Shared) {
    client.set_read_timeout(Some(IO_TIMEOUT)).ok();
    client.set_nodelay(true).ok();
    let Ok(reading) = client.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(reading);
    let mut upstream: Option<(TcpStream, BufReader<TcpStream>)> = None;
    loop {
        let mut request = match read_head(&mut reader, Side::Request) {
            Ok(Some(request)) => request,
            Ok(None) => return,
            Err(WireError::CutShort(_)) | Err(WireError::Io(_)) => return,
            Err(e) => {
                return answer_plain(
                    &mut client,
                    "400 Bad Request",
                    &format!("asmx-emulator record: {e}"),
                )
            }
        };
        if request.head.lists("expect", "100-continue") {
            // The proxy takes the body at once; the upstream gets the whole request.
            client.write_all(b"HTTP/1.1 100 Continue\r\n\r\n").ok();
        }
        let framed = framing(&request.head, Side::Request);
        match framed.and_then(|f| read_body(&mut reader, &mut request, f)) {
            Ok(()) => {}
            Err(WireError::CutShort(bytes)) => {
                request.bytes = bytes;
                let why = format!(
                    "the client stopped after {} bytes of its request",
                    request.bytes.len()
                );
                return shared.record(&request, Answer::Partial(why));
            }
            Err(e) => {
                return answer_plain(
                    &mut client,
                    "400 Bad Request",
                    &format!("asmx-emulator record: {e}"),
                )
            }
        }
        let response = match forward(shared, &mut upstream, &request) {
            Ok(response) => response,
            Err(text) => {
                eprintln!("asmx-emulator record: {text}");
                return answer_plain(
                    &mut client,
                    "502 Bad Gateway",
                    &format!("asmx-emulator record: {text}"),
                );
            }
        };
        shared.record(&request, Answer::Response(response.bytes.clone()));
        let passed = pass_back(shared, &request, &response);
        if client.write_all(&passed).is_err() {
            return;
        }
        let to_the_end = matches!(
            framing(&response.head, Side::answering(&request)),
            Ok(Framing::Close)
        );
        if !request.head.keeps_alive() || !response.head.keeps_alive() || to_the_end {
            return;
        }
    }
}

/// Sends the request upstream on the kept connection (or a new one, when the kept one
/// has gone) and reads the final answer, past any interim `100 Continue`.
fn forward(
    shared: &Shared,
    upstream: &mut Option<(TcpStream, BufReader<TcpStream>)>,
    request: &Message,
) -> Result<Message, String> {
    let bytes = shared.upstream.request_for(request);
    for attempt in 0..2 {
        if upstream.is_none() {
            let stream = shared.upstream.connect().map_err(|e| e.to_string())?;
            let reading = stream.try_clone().map_err(|e| e.to_string())?;
            *upstream = Some((stream, BufReader::new(reading)));
        }
        let (stream, reader) = upstream.as_mut().expect("connected above");
        let sent = stream.write_all(&bytes);
        let answer = sent
            .map_err(WireError::from)
            .and_then(|()| read_final(reader, Side::answering(request)));
        match answer {
            Ok(Some(response)) => return Ok(response),
            // A kept connection the upstream had closed: once more on a new one.
            Ok(None) | Err(WireError::Io(_)) if attempt == 0 => *upstream = None,
            Ok(None) => {
                return Err(format!(
                    "the upstream {} closed the connection without answering",
                    shared.upstream.url()
                ))
            }
            Err(e) => {
                *upstream = None;
                return Err(format!(
                    "the upstream {} answered something that is not a whole HTTP response: {e}",
                    shared.upstream.url()
                ));
            }
        }
    }
    unreachable!("the second attempt returns")
}

/// Whether an answer is a service document naming the upstream's address: what a GET
/// of the `.asmx` itself returns (help page, `?WSDL`, `?disco`, `?op=`).
fn is_document(request: &Message) -> bool {
    let (method, target) = request.head.parts();
    let path = target
        .split('?')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    method == "GET" && path.ends_with(".asmx")
}

/// The bytes the client gets: the upstream's, except that a service document names the
/// proxy instead of the upstream (with its Content-Length following).
fn pass_back(shared: &Shared, request: &Message, response: &Message) -> Vec<u8> {
    let Some(proxy) = request.head.get("host").filter(|_| is_document(request)) else {
        return response.bytes.clone();
    };
    let Ok(body) = decoded_body(response) else {
        return response.bytes.clone();
    };
    let upstream = shared.upstream.url();
    let needle = upstream.as_bytes();
    if !body.windows(needle.len()).any(|w| w == needle) {
        return response.bytes.clone();
    }
    let body = String::from_utf8_lossy(&body).replace(&upstream, &format!("http://{proxy}"));
    let head = &response.bytes[..response.head.len];
    let mut out = Vec::with_capacity(head.len() + body.len());
    let mut has_length = false;
    for line in head
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty() && *l != b"\r")
    {
        let text = String::from_utf8_lossy(line);
        let name = text
            .split(':')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        match name.as_str() {
            "transfer-encoding" => continue,
            "content-length" => {
                has_length = true;
                out.extend_from_slice(format!("Content-Length: {}\r\n", body.len()).as_bytes());
            }
            _ => {
                out.extend_from_slice(line);
                out.push(b'\n');
            }
        }
    }
    if !has_length {
        out.extend_from_slice(format!("Content-Length: {}\r\n", body.len()).as_bytes());
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(body.as_bytes());
    out
}
