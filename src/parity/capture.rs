//! A capture directory (docs/parity.md, "The capture directory"): `capture.json` (the
//! format version, the upstream, whether passwords were redacted) and one file per
//! exchange, `NNNNN-operation.http`, numbered in the order the exchanges completed, in
//! the `.http` format of `tests/captures/`: `=== REQUEST ===\n`, the request's bytes,
//! `\n=== RESPONSE ===\n`, the response's bytes. An exchange the client cut short has
//! `\n=== PARTIAL ===\n` and the reason instead of a response.

use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::parity::error::ParityError;
use crate::parity::wire::{framing, parse_head, Framing, Side};

pub const FORMAT: &str = "asmx-emulator-capture/1";
pub const MANIFEST: &str = "capture.json";
const REQUEST: &[u8] = b"=== REQUEST ===\n";
const RESPONSE: &[u8] = b"\n=== RESPONSE ===\n";
const PARTIAL: &[u8] = b"\n=== PARTIAL ===\n";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    /// The upstream's URL: its documents name this address.
    pub upstream: String,
    pub redacted: bool,
}

/// What came back for a recorded request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    Response(Vec<u8>),
    /// The client stopped before its request was whole; why, in words.
    Partial(String),
}

#[derive(Debug, Clone)]
pub struct Exchange {
    /// The file name, e.g. `00003-GetUser.http`.
    pub name: String,
    pub request: Vec<u8>,
    pub answer: Answer,
}

impl Exchange {
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = REQUEST.to_vec();
        out.extend_from_slice(&self.request);
        match &self.answer {
            Answer::Response(bytes) => {
                out.extend_from_slice(RESPONSE);
                out.extend_from_slice(bytes);
            }
            Answer::Partial(why) => {
                out.extend_from_slice(PARTIAL);
                out.extend_from_slice(why.as_bytes());
            }
        }
        out
    }

    /// Reads a file's bytes. The request ends where its own framing says; only when
    /// that does not land on the marker (a hand-edited file) is the first marker taken.
    pub fn from_bytes(name: &str, bytes: &[u8]) -> Result<Exchange, ParityError> {
        let bad = |why: &str| ParityError::BadCapture(name.to_string(), why.to_string());
        let rest = bytes
            .strip_prefix(REQUEST)
            .ok_or_else(|| bad("does not start with `=== REQUEST ===`"))?;
        let head = parse_head(rest, Side::Request)
            .map_err(|e| bad(&e.to_string()))?
            .ok_or_else(|| bad("the request head is incomplete"))?;
        let declared = match framing(&head, Side::Request) {
            Ok(Framing::Length(n)) => Some(head.len + n),
            Ok(Framing::None) => Some(head.len),
            _ => None,
        };
        let at_marker =
            |at: usize, marker: &[u8]| rest.get(at..).is_some_and(|r| r.starts_with(marker));
        let find = |marker: &[u8]| {
            declared.filter(|&at| at_marker(at, marker)).or_else(|| {
                rest[head.len..]
                    .windows(marker.len())
                    .position(|w| w == marker)
                    .map(|p| head.len + p)
            })
        };
        let (request_end, answer) = match (find(RESPONSE), find(PARTIAL)) {
            (Some(at), partial) if partial.is_none_or(|p| at < p) => {
                (at, Answer::Response(rest[at + RESPONSE.len()..].to_vec()))
            }
            (_, Some(at)) => (
                at,
                Answer::Partial(String::from_utf8_lossy(&rest[at + PARTIAL.len()..]).into_owned()),
            ),
            _ => return Err(bad("has no `=== RESPONSE ===` line")),
        };
        Ok(Exchange {
            name: name.to_string(),
            request: rest[..request_end].to_vec(),
            answer,
        })
    }
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> ParityError + '_ {
    move |source| ParityError::File {
        path: path.to_path_buf(),
        source,
    }
}

/// A directory being recorded into.
pub struct Writer {
    dir: PathBuf,
}

impl Writer {
    /// Creates `dir` (or takes an empty one) and writes its manifest.
    pub fn create(dir: &Path, manifest: &Manifest) -> Result<Writer, ParityError> {
        fs::create_dir_all(dir).map_err(io(dir))?;
        if fs::read_dir(dir).map_err(io(dir))?.next().is_some() {
            return Err(ParityError::OutNotEmpty(dir.to_path_buf()));
        }
        let writer = Writer {
            dir: dir.to_path_buf(),
        };
        let json = serde_json::to_vec_pretty(manifest).expect("a manifest serialises");
        writer.write_file(MANIFEST, &json)?;
        Ok(writer)
    }

    /// Writes an exchange whole or not at all: a temporary file renamed into place, so
    /// a crash or a full disk never leaves half a capture under its name.
    pub fn write(&self, exchange: &Exchange) -> Result<(), ParityError> {
        self.write_file(&exchange.name, &exchange.to_bytes())
    }

    fn write_file(&self, name: &str, bytes: &[u8]) -> Result<(), ParityError> {
        let tmp = self.dir.join(format!(".{name}.tmp"));
        let path = self.dir.join(name);
        fs::write(&tmp, bytes).map_err(io(&tmp))?;
        fs::rename(&tmp, &path).map_err(io(&path))
    }
}

/// A capture file's name for exchange `number` of `operation`.
pub fn file_name(number: usize, operation: &str) -> String {
    let safe: String = operation
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .take(60)
        .collect();
    format!("{number:05}-{safe}.http")
}

/// Reads a capture directory: its manifest and its exchanges in order.
pub fn read_dir(dir: &Path) -> Result<(Manifest, Vec<Exchange>), ParityError> {
    let manifest_path = dir.join(MANIFEST);
    let text = match fs::read(&manifest_path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound || dir.is_file() => {
            return Err(ParityError::NotCaptureDir(dir.to_path_buf()))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => {
            return Err(ParityError::NotCaptureDir(dir.to_path_buf()))
        }
        Err(e) => return Err(io(&manifest_path)(e)),
    };
    let manifest: Manifest = serde_json::from_slice(&text)
        .map_err(|e| ParityError::BadCapture(manifest_path.display().to_string(), e.to_string()))?;
    if manifest.format != FORMAT {
        return Err(ParityError::UnknownFormat {
            path: manifest_path,
            found: manifest.format,
            known: FORMAT,
        });
    }
    let mut names: Vec<(u64, String)> = fs::read_dir(dir)
        .map_err(io(dir))?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".http"))
        .filter_map(|n| Some((n.split('-').next()?.parse().ok()?, n)))
        .collect();
    names.sort();
    let exchanges = names
        .into_iter()
        .map(|(_, name)| {
            let path = dir.join(&name);
            let bytes = fs::read(&path).map_err(io(&path))?;
            Exchange::from_bytes(&name, &bytes)
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok((manifest, exchanges))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_exchange_reads_back_as_written_even_with_the_marker_in_its_body() {
        let body = b"\n=== RESPONSE ===\nnot the end";
        let mut request =
            format!("POST /x HTTP/1.1\r\nContent-Length: {}\r\n\r\n", body.len()).into_bytes();
        request.extend_from_slice(body);
        let exchange = Exchange {
            name: "00001-x.http".into(),
            request: request.clone(),
            answer: Answer::Response(b"HTTP/1.1 200 OK\r\n\r\n".to_vec()),
        };
        let back = Exchange::from_bytes("00001-x.http", &exchange.to_bytes()).unwrap();
        assert_eq!(back.request, request);
        assert_eq!(back.answer, exchange.answer);
    }
}
