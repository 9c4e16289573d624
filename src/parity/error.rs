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
        "{0:?} is not an http:// or https:// URL with a host (e.g. https://staging.example.com/inforouter)"
    )]
    BadUrl(String),
    #[error("cannot reach {url}: {source}")]
    Unreachable { url: String, source: std::io::Error },
    #[error("TLS with {url} failed: {source}{}", tls_hint(.source))]
    Tls { url: String, source: std::io::Error },
    #[error("{0}: cannot read CA certificates from it: {1}")]
    Ca(PathBuf, String),
    #[error("TLS configuration: {0}")]
    TlsConfig(rustls::Error),
    #[error("--fixtures needs the emulator's admin API at {url}, which answered {answer}: is the target an asmx-emulator?")]
    NoAdminApi { url: String, answer: String },
    #[error("{0}")]
    Fixtures(String),
    #[error("the captures are redacted and {0}")]
    Redacted(String),
}

/// What to do about a failed TLS handshake, when the cause says: a certificate not
/// trusted (which `--upstream-ca` or `--ca` fixes), or a server that does not speak TLS.
fn tls_hint(source: &std::io::Error) -> &'static str {
    match source
        .get_ref()
        .and_then(|e| e.downcast_ref::<rustls::Error>())
    {
        Some(rustls::Error::InvalidCertificate(_)) => {
            " (a private CA or a self-signed certificate: give its PEM file with record --upstream-ca or compare --ca)"
        }
        Some(rustls::Error::InvalidMessage(rustls::InvalidMessage::InvalidContentType)) => {
            " (the server does not answer in TLS: is it http://?)"
        }
        _ => "",
    }
}
