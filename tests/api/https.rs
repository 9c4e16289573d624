//! HTTPS (issue 23): `--tls-self-signed` makes a certificate for localhost and
//! 127.0.0.1 and prints its fingerprint; curl, zeep and JAX-WS trusting exactly that
//! certificate use every page and call over TLS, the service description names the
//! `https://` address, and plain HTTP to the TLS port is refused while the server
//! carries on.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;

use crate::clients::scenario_passes_with;
use crate::crash::{emulator, exit_code, launch, Server};
use crate::tools::run_bounded;

/// An emulator serving HTTPS with a certificate made at start, in `dir`; its base URL.
fn start_tls(dir: &Path) -> (Server, String) {
    start_tls_with(dir, &[])
}

/// The same, with the server flags `extra`.
pub(crate) fn start_tls_with(dir: &Path, extra: &[&str]) -> (Server, String) {
    let mut command = emulator(&dir.join("tls.db"));
    command
        .arg("--fixtures")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures"))
        .arg("--tls-self-signed")
        .arg(dir.join("tls"))
        .args(extra);
    let (server, base, before) = launch(command);
    assert!(base.starts_with("https://127.0.0.1:"), "{base}");
    // The printed fingerprint is the written certificate's.
    let cert = CertificateDer::from_pem_file(dir.join("tls/cert.pem")).expect("cert.pem");
    let digest = ring::digest::digest(&ring::digest::SHA256, cert.as_ref());
    let hex: Vec<String> = digest.as_ref().iter().map(|b| format!("{b:02X}")).collect();
    let line = format!(
        "asmx-emulator certificate SHA-256 fingerprint {}",
        hex.join(":")
    );
    assert!(before.contains(&line), "{before:?}");
    (server, base)
}

/// curl, trusting only `cert`; (succeeded, body and errors).
fn curl(cert: &Path, url: &str) -> (bool, String) {
    let mut command = Command::new("curl");
    command
        .args(["-sS", "--max-time", "20", "--cacert"])
        .arg(cert)
        .arg(url);
    run_bounded(command, Duration::from_secs(30))
}

#[actix_web::test]
async fn curl_trusting_the_certificate_sees_https_addresses_and_plain_http_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (mut server, base) = start_tls(dir.path());
    let cert = dir.path().join("tls/cert.pem");
    let port = base.rsplit(':').next().unwrap();

    let (ok, wsdl) = curl(&cert, &format!("{base}/srv.asmx?WSDL"));
    assert!(ok, "{wsdl}");
    assert!(
        wsdl.contains(&format!("location=\"{base}/srv.asmx\"")),
        "{wsdl}"
    );
    let (ok, disco) = curl(&cert, &format!("{base}/srv.asmx?disco"));
    assert!(ok, "{disco}");
    assert!(disco.contains(&format!("{base}/srv.asmx?wsdl")), "{disco}");
    let (ok, help) = curl(&cert, &format!("{base}/srv.asmx?op=AuthenticateUser"));
    assert!(ok, "{help}");
    assert!(help.contains("https://"), "{help}");
    // The certificate is for localhost too.
    let (ok, login) = curl(
        &cert,
        &format!("https://localhost:{port}/srv.asmx/AuthenticateUser?UID=jdoe&PWD=jdoe"),
    );
    assert!(ok, "{login}");
    assert!(
        login.contains("<root success=\"true\" ticket=\""),
        "{login}"
    );
    // Not trusted without the certificate.
    let mut untrusted = Command::new("curl");
    untrusted.args(["-sS", "--max-time", "20", &format!("{base}/healthz")]);
    let (ok, refused) = run_bounded(untrusted, Duration::from_secs(30));
    assert!(!ok, "{refused}");

    // Plain HTTP on the TLS port: no HTTP answer, the connection is closed.
    let mut plain = TcpStream::connect(base.strip_prefix("https://").unwrap()).unwrap();
    plain
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    plain
        .write_all(b"GET /srv.asmx?WSDL HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let mut answer = Vec::new();
    let _ = plain.read_to_end(&mut answer);
    assert!(
        !answer.starts_with(b"HTTP/"),
        "{}",
        String::from_utf8_lossy(&answer)
    );
    // And the server carries on.
    let (ok, health) = curl(&cert, &format!("{base}/healthz"));
    assert!(ok && health.contains("ok"), "{health}");

    server.terminate();
    assert_eq!(exit_code(&mut server).await, Some(0));
}

#[actix_web::test]
async fn zeep_over_https_runs_the_scenario() {
    let dir = tempfile::tempdir().unwrap();
    let (_server, base) = start_tls(dir.path());
    let cert = dir.path().join("tls/cert.pem");
    // requests (under zeep) trusts the bundle this names.
    let env = [("REQUESTS_CA_BUNDLE", cert.to_str().unwrap())];
    scenario_passes_with(format!("{base}/srv.asmx"), "zeep", &env).await;
}

#[actix_web::test]
async fn jaxws_over_https_with_a_trust_store_runs_the_scenario() {
    let dir = tempfile::tempdir().unwrap();
    let (_server, base) = start_tls(dir.path());
    let store = dir.path().join("trust.p12");
    let mut keytool = Command::new("keytool");
    keytool
        .args(["-importcert", "-noprompt", "-alias", "emulator"])
        .args(["-storetype", "PKCS12", "-storepass", "changeit", "-file"])
        .arg(dir.path().join("tls/cert.pem"))
        .arg("-keystore")
        .arg(&store);
    let (ok, output) = run_bounded(keytool, Duration::from_secs(60));
    assert!(ok, "keytool: {output}");
    // wsimport and the client JVM both read it.
    let options = format!(
        "-Djavax.net.ssl.trustStore={} -Djavax.net.ssl.trustStorePassword=changeit \
         -Djavax.net.ssl.trustStoreType=PKCS12",
        store.display()
    );
    let env = [("JAVA_TOOL_OPTIONS", options.as_str())];
    scenario_passes_with(format!("{base}/srv.asmx"), "jaxws", &env).await;
}

/// `--tls-cert` and `--tls-key` serve a certificate made elsewhere (here, by a first
/// run's `--tls-self-signed`), under its own fingerprint.
#[actix_web::test]
async fn a_given_certificate_and_key_are_served() {
    let dir = tempfile::tempdir().unwrap();
    let (mut maker, _) = start_tls(dir.path());
    maker.terminate();
    assert_eq!(exit_code(&mut maker).await, Some(0));

    let (cert, key) = (
        dir.path().join("tls/cert.pem"),
        dir.path().join("tls/key.pem"),
    );
    let mut command = emulator(&dir.path().join("given.db"));
    command
        .arg("--tls-cert")
        .arg(&cert)
        .arg("--tls-key")
        .arg(&key);
    let (mut server, base, _) = launch(command);
    assert!(base.starts_with("https://"), "{base}");
    let (ok, login) = curl(
        &cert,
        &format!("{base}/srv.asmx/AuthenticateUser?UID=jdoe&PWD=jdoe"),
    );
    assert!(ok, "{login}");
    assert!(
        login.contains("<root success=\"true\" ticket=\""),
        "{login}"
    );
    server.terminate();
    assert_eq!(exit_code(&mut server).await, Some(0));
}

/// A certificate or key that cannot be used stops the start with a message naming the
/// file, before the database is created: a mistyped flag leaves nothing behind.
#[test]
fn an_unusable_certificate_stops_the_start_and_creates_no_database() {
    let dir = tempfile::tempdir().unwrap();
    let not_pem = dir.path().join("not.pem");
    std::fs::write(&not_pem, "not a certificate\n").unwrap();
    let missing = dir.path().join("missing.pem");
    for (cert, key, names) in [
        (&not_pem, &not_pem, "holds no certificate"),
        (&missing, &not_pem, "missing.pem"),
    ] {
        let db = dir.path().join("never.db");
        let mut command = emulator(&db);
        command
            .arg("--tls-cert")
            .arg(cert)
            .arg("--tls-key")
            .arg(key);
        command.env_remove("RUST_BACKTRACE");
        let (code, output) = crate::tools::run_bounded_code(command, Duration::from_secs(30));
        assert_eq!(code, Some(1), "{output}");
        assert!(output.contains(names), "{output}");
        assert!(!output.contains("panicked"), "{output}");
        assert!(!db.exists(), "a database was created: {output}");
    }
}
