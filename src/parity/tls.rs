//! TLS to an `https://` upstream (`record`) or target (`compare`), docs/parity.md
//! "HTTPS": rustls on the ring provider the server's HTTPS uses, blocking
//! (`StreamOwned`) like the rest of the relay. The server's certificate is checked
//! against the system's roots and, when given, a PEM file of a private CA or of the
//! server's own self-signed certificate; the name checked (and sent as SNI) is the
//! URL's host.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use rustls::{ClientConfig, ClientConnection, RootCertStore, StreamOwned};

use crate::parity::error::ParityError;

/// The client configuration for every connection of one run: the system's roots plus
/// the certificates of `ca`.
pub fn client_config(ca: Option<&Path>) -> Result<Arc<ClientConfig>, ParityError> {
    let mut roots = RootCertStore::empty();
    // Certificates of the system store that webpki cannot use (an odd or malformed
    // root) are skipped, as rustls clients do; an unreadable store leaves no system
    // root, and a server's certificate is then reported untrusted, with the CA flags.
    roots.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
    if let Some(file) = ca {
        let bad = |why: String| ParityError::Ca(file.to_path_buf(), why);
        let certs = CertificateDer::pem_file_iter(file)
            .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
            .map_err(|e| bad(e.to_string()))?;
        if certs.is_empty() {
            return Err(bad("it holds no PEM certificate".into()));
        }
        for cert in certs {
            roots.add(cert).map_err(|e| bad(e.to_string()))?;
        }
    }
    // Deprecated for lacking post-quantum key exchange, which only the aws-lc-rs
    // provider has; the project builds on ring (SECURITY.md, "TLS").
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(ParityError::TlsConfig)?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// A connection to an upstream or target, plain or TLS; reads and writes HTTP bytes.
pub enum Conn {
    Plain(TcpStream),
    Tls(Box<StreamOwned<ClientConnection, TcpStream>>),
}

/// Opens TLS on `tcp` to `host` and completes the handshake, so that an untrusted
/// certificate is this error and not the first read's.
pub fn handshake(
    config: &Arc<ClientConfig>,
    host: &str,
    mut tcp: TcpStream,
) -> Result<Conn, std::io::Error> {
    let name = ServerName::try_from(host.to_string())
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
    let mut tls = ClientConnection::new(Arc::clone(config), name)
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
    while tls.is_handshaking() {
        tls.complete_io(&mut tcp)?;
    }
    Ok(Conn::Tls(Box::new(StreamOwned::new(tls, tcp))))
}

impl Read for Conn {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Conn::Plain(tcp) => tcp.read(buf),
            // A server that closes without `close_notify` (many do) ends the stream as
            // a TCP close does: the HTTP framing still tells a whole message from a
            // cut one.
            Conn::Tls(tls) => match tls.read(buf) {
                Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => Ok(0),
                other => other,
            },
        }
    }
}

impl Write for Conn {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Conn::Plain(tcp) => tcp.write(buf),
            Conn::Tls(tls) => tls.write(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Conn::Plain(tcp) => tcp.flush(),
            Conn::Tls(tls) => tls.flush(),
        }
    }
}
