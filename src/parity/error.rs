//! The parity tools' errors: each one a message for the person running the tool, who
//! gets it on stderr with exit status 2 (`cli.rs`, the one place that maps them).

use std::path::PathBuf;

/// What went wrong reading or writing HTTP.
#[derive(Debug, thiserror::Error)]
pub enum WireError {
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("not HTTP: {0}")]
    Malformed(String),
    /// The peer stopped before the message was whole; the bytes that did arrive.
    #[error("the message was cut short after {} bytes", .0.len())]
    CutShort(Vec<u8>),
    #[error("the {0} is larger than the tools accept (64 KiB for a head, 64 MiB for a body)")]
    TooLarge(&'static str),
}

/// Why `record` or `compare` could not run.
#[derive(Debug, thiserror::Error)]
pub enum ParityError {
    #[error("{path}: {source}")]
    File {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0} is not a capture directory: it has no capture.json (write one with `asmx-emulator record`)")]
    NotCaptureDir(PathBuf),
    #[error("{path}: captures of format {found:?}, this build reads format {known:?}")]
    UnknownFormat {
        path: PathBuf,
        found: String,
        known: &'static str,
    },
    #[error("{0}: {1}")]
    BadCapture(String, String),
    #[error("{0} is not empty: record into a new or empty directory")]
    OutNotEmpty(PathBuf),
    #[error(
        "{0:?} is not an http:// URL with a host (e.g. http://staging.example.com/inforouter)"
    )]
    BadUrl(String),
    #[error("cannot reach {url}: {source}")]
    Unreachable { url: String, source: std::io::Error },
    #[error("--fixtures needs the emulator's admin API at {url}, which answered {answer}: is the target an asmx-emulator?")]
    NoAdminApi { url: String, answer: String },
    #[error("{0}")]
    Fixtures(String),
    #[error("the captures are redacted and {0}")]
    Redacted(String),
}
