//! HTTPS (`--tls-cert`/`--tls-key`, or `--tls-self-signed DIR`): the rustls server
//! configuration the listener is given. rustls with the ring provider and its safe
//! defaults: TLS 1.3 and 1.2, forward-secret AEAD suites only (SECURITY.md).

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::ServerConfig;

/// Where the certificate comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TlsSource {
    /// A PEM certificate chain and its PEM private key.
    Files { cert: PathBuf, key: PathBuf },
    /// A certificate for `localhost` and `127.0.0.1` made at start, written into the
    /// directory as `cert.pem` and `key.pem`.
    SelfSigned(PathBuf),
}

/// What the listener serves with, and what to tell the operator.
pub struct Tls {
    pub config: ServerConfig,
    /// The certificate's SHA-256 fingerprint, printed so a test or a person can trust
    /// exactly this certificate.
    pub fingerprint: String,
    /// Where a made certificate was written.
    pub written: Option<PathBuf>,
}

/// The names a self-signed certificate is made for: what a client on this machine dials.
const SELF_SIGNED_NAMES: [&str; 2] = ["localhost", "127.0.0.1"];

impl TlsSource {
    pub fn load(&self) -> anyhow::Result<Tls> {
        let (chain, key, written) = match self {
            TlsSource::Files { cert, key } => {
                let chain = CertificateDer::pem_file_iter(cert)
                    .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
                    .with_context(|| format!("reading certificates from {}", cert.display()))?;
                anyhow::ensure!(!chain.is_empty(), "{} holds no certificate", cert.display());
                let key = PrivateKeyDer::from_pem_file(key)
                    .with_context(|| format!("reading the private key from {}", key.display()))?;
                (chain, key, None)
            }
            TlsSource::SelfSigned(dir) => {
                let (cert, key) = self_signed(dir)?;
                (vec![cert], key, Some(dir.clone()))
            }
        };
        let fingerprint = fingerprint(&chain[0]);
        // Deprecated for lacking post-quantum key exchange, which only the aws-lc-rs
        // provider has, and that one needs cmake to build (SECURITY.md).
        #[allow(deprecated)]
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .context("TLS protocol versions")?
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .context("the certificate and key do not make a TLS configuration")?;
        Ok(Tls {
            config,
            fingerprint,
            written,
        })
    }
}

/// Makes a certificate and key, writes them to `dir/cert.pem` and `dir/key.pem` (the
/// key readable by its owner alone), and returns them.
fn self_signed(dir: &Path) -> anyhow::Result<(CertificateDer<'static>, PrivateKeyDer<'static>)> {
    let made = rcgen::generate_simple_self_signed(SELF_SIGNED_NAMES.map(String::from).to_vec())
        .context("making a self-signed certificate")?;
    fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let cert_path = dir.join("cert.pem");
    fs::write(&cert_path, made.cert.pem())
        .with_context(|| format!("writing {}", cert_path.display()))?;
    let key_path = dir.join("key.pem");
    write_private(&key_path, made.signing_key.serialize_pem().as_bytes())
        .with_context(|| format!("writing {}", key_path.display()))?;
    let key = PrivateKeyDer::try_from(made.signing_key.serialize_der())
        .map_err(|e| anyhow::anyhow!("the made key: {e}"))?;
    Ok((made.cert.der().clone(), key))
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    // Replaced rather than rewritten, so an older key's wider mode does not stay.
    let _ = fs::remove_file(path);
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?
        .write_all(bytes)
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    fs::write(path, bytes)
}

/// `AB:CD:…`, as `openssl x509 -fingerprint -sha256` writes it.
fn fingerprint(cert: &CertificateDer) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, cert.as_ref());
    let hex: Vec<String> = digest.as_ref().iter().map(|b| format!("{b:02X}")).collect();
    hex.join(":")
}
