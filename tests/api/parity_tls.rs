//! The parity kit against an `https://` server (docs/parity.md, "HTTPS"): an emulator
//! with a self-signed certificate as upstream and as target, trusted with
//! `--upstream-ca` / `--ca` (or their variables); the proxy stays plain HTTP and points
//! the client's WSDL at itself; an untrusted certificate is a 502 naming it and nothing
//! recorded, or compare's exit status 2, as is a server that does not speak TLS or a
//! `--ca` without a certificate; `--admin-token` loads fixtures into a
//! token-protected target.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use crate::crash::client;
use crate::helpers::{attr, soap11_envelope};
use crate::https::start_tls_with;
use crate::parity::{captures, compare, counts, record, run, start_recorder, FIXTURES};

const TOKEN: &str = "parity-admin-token";
const BIN: &str = env!("CARGO_BIN_EXE_asmx-emulator");

/// A SOAP 1.1 call through the proxy at `base`; status and body.
async fn soap(base: &str, method: &str, parameters: &str) -> (u16, String) {
    let envelope = soap11_envelope(&format!(
        "<{method} xmlns=\"http://tempuri.org/\">{parameters}</{method}>"
    ));
    let mut answer = client()
        .post(format!("{base}/srv.asmx"))
        .insert_header(("Content-Type", "text/xml; charset=utf-8"))
        .insert_header(("SOAPAction", format!("\"http://tempuri.org/{method}\"")))
        .send_body(envelope)
        .await
        .expect("the proxy answers");
    let body = answer.body().await.expect("a body");
    (
        answer.status().as_u16(),
        String::from_utf8_lossy(&body).into_owned(),
    )
}

/// Through the proxy at `base`: the WSDL, which must name the proxy, a SOAP login and a
/// GetUser with its ticket.
async fn session(base: &str) {
    let (status, wsdl) = wsdl(base).await;
    assert_eq!(status, 200, "{wsdl}");
    assert!(
        wsdl.contains(&format!("location=\"{base}/srv.asmx\"")),
        "{wsdl}"
    );
    assert!(!wsdl.contains("https://"), "{wsdl}");
    let (status, login) = soap(base, "AuthenticateUser", "<UID>jdoe</UID><PWD>jdoe</PWD>").await;
    assert_eq!(status, 200, "{login}");
    let ticket = attr(&login, "ticket").unwrap_or_else(|| panic!("{login}"));
    let (status, user) = soap(
        base,
        "GetUser",
        &format!("<AuthenticationTicket>{ticket}</AuthenticationTicket><UserName>jdoe</UserName>"),
    )
    .await;
    assert_eq!(status, 200, "{user}");
    assert!(user.contains("UserName=\"jdoe\""), "{user}");
}

/// The three exchanges of `session`, in order, the WSDL as the upstream wrote it.
fn assert_recorded(out: &Path, upstream: &str) {
    let files = captures(out);
    assert_eq!(files.len(), 3, "{files:?}");
    for (file, operation) in files.iter().zip(["WSDL", "AuthenticateUser", "GetUser"]) {
        assert!(file.ends_with(&format!("-{operation}.http")), "{files:?}");
    }
    let wsdl = std::fs::read_to_string(out.join(&files[0])).unwrap();
    assert!(
        wsdl.contains(&format!("location=\"{upstream}/srv.asmx\"")),
        "{wsdl}"
    );
}

#[actix_web::test]
async fn a_session_recorded_from_an_https_upstream_replays_against_an_https_target() {
    let dir = tempfile::tempdir().unwrap();
    let (_server, base) = start_tls_with(dir.path(), &["--admin-token", TOKEN]);
    let cert = dir.path().join("tls/cert.pem");
    let cert = cert.to_str().unwrap();
    let upstream = format!("{base}/worlds/A");
    let out = dir.path().join("captures");
    let recorder = record(&upstream, &out, &["--upstream-ca", cert]);
    session(&recorder.base).await;
    drop(recorder);
    assert_recorded(&out, &upstream);

    let target = format!("{base}/worlds/B");
    let fixtures = ["--fixtures", FIXTURES];
    let (code, output) = compare(
        &out,
        &target,
        &[&fixtures[..], &["--ca", cert, "--admin-token", TOKEN]].concat(),
    )
    .await;
    assert_eq!((code, counts(&output)), (Some(0), (0, 0, 0)), "{output}");

    // The target's admin API wants its token.
    let (code, output) = compare(&out, &target, &[&fixtures[..], &["--ca", cert]].concat()).await;
    assert_eq!(code, Some(2), "{output}");
    assert!(
        output.contains("answered HTTP/1.1 401 Unauthorized: give its token with --admin-token"),
        "{output}"
    );
    // Without the certificate, the target is not trusted.
    let (code, output) = compare(&out, &format!("{base}/worlds/C"), &[]).await;
    assert_eq!(code, Some(2), "{output}");
    assert!(
        output.contains(&format!(
            "TLS with {base}/worlds/C failed: invalid peer certificate: UnknownIssuer"
        )) && output.contains("compare --ca"),
        "{output}"
    );
    // A --ca that holds no certificate.
    let key = dir.path().join("tls/key.pem");
    let (code, output) = compare(&out, &target, &["--ca", key.to_str().unwrap()]).await;
    assert_eq!(code, Some(2), "{output}");
    assert!(
        output.contains("cannot read CA certificates from it: it holds no PEM certificate"),
        "{output}"
    );
}

/// A GET of the WSDL through the proxy at `base`; status and body.
async fn wsdl(base: &str) -> (u16, String) {
    let mut answer = client()
        .get(format!("{base}/srv.asmx?WSDL"))
        .send()
        .await
        .expect("the proxy answers");
    let body = answer.body().limit(1 << 20).await.expect("a body");
    (
        answer.status().as_u16(),
        String::from_utf8_lossy(&body).into_owned(),
    )
}

/// The proxy's answer to a GET of the WSDL, which must be a 502; its text.
async fn bad_gateway(base: &str) -> String {
    let (status, text) = wsdl(base).await;
    assert_eq!(status, 502, "{text}");
    text
}

#[actix_web::test]
async fn an_untrusted_upstream_certificate_is_a_502_naming_it_and_nothing_is_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let (_server, base) = start_tls_with(dir.path(), &["--admin-token", TOKEN]);
    let upstream = format!("{base}/worlds/A");
    let untrusted = dir.path().join("untrusted");
    let recorder = record(&upstream, &untrusted, &[]);
    let text = bad_gateway(&recorder.base).await;
    assert_eq!(
        text.lines().collect::<Vec<_>>(),
        [format!(
            "asmx-emulator record: TLS with {upstream} failed: invalid peer certificate: \
             UnknownIssuer (a private CA or a self-signed certificate: give its PEM file \
             with record --upstream-ca or compare --ca)"
        )]
    );
    drop(recorder);
    let files: Vec<String> = std::fs::read_dir(&untrusted)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(files, ["capture.json"]);

    // An https:// upstream that answers in plain HTTP.
    let plain = TcpListener::bind("127.0.0.1:0").unwrap();
    let plain_url = format!("https://{}", plain.local_addr().unwrap());
    std::thread::spawn(move || {
        let (mut conn, _) = plain.accept().unwrap();
        conn.set_read_timeout(Some(Duration::from_secs(30))).ok();
        // The answer after the ClientHello has arrived, and the rest read until the
        // proxy closes: closing on unread bytes would reset the connection instead.
        let mut hello = [0; 1];
        conn.read_exact(&mut hello).ok();
        conn.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
            .ok();
        std::io::copy(&mut conn, &mut std::io::sink()).ok();
    });
    let recorder = record(&plain_url, &dir.path().join("plain"), &[]);
    let text = bad_gateway(&recorder.base).await;
    assert!(
        text.contains(&format!("TLS with {plain_url} failed: "))
            && text.contains("the server does not answer in TLS: is it http://?"),
        "{text}"
    );
    assert_eq!(captures(&recorder.dir), Vec::<String>::new());

    // The certificate trusted through the variables instead of the flags.
    let cert = dir.path().join("tls/cert.pem");
    let out = dir.path().join("by-variables");
    let mut command = Command::new(BIN);
    command
        .arg("record")
        .env("ASMX_RECORD_UPSTREAM", &upstream)
        .env("ASMX_RECORD_UPSTREAM_CA", &cert)
        .env("ASMX_RECORD_OUT", &out)
        .env("ASMX_RECORD_BIND", "127.0.0.1:0");
    let recorder = start_recorder(command, &out);
    session(&recorder.base).await;
    drop(recorder);
    assert_recorded(&out, &upstream);
    let mut command = Command::new(BIN);
    command
        .arg("compare")
        .arg(&out)
        .env("ASMX_COMPARE_AGAINST", format!("{base}/worlds/B"))
        .env("ASMX_COMPARE_CA", &cert)
        .env("ASMX_COMPARE_FIXTURES", FIXTURES)
        .env("ASMX_ADMIN_TOKEN", TOKEN);
    let (code, output) = run(command).await;
    assert_eq!((code, counts(&output)), (Some(0), (0, 0, 0)), "{output}");
}
