//! Slow bodies (issue 7): actix-web times out only a request's head, so a client that
//! sends its headers and then part of its body would hold the connection for ever.
//! With `--body-timeout` the server gives up on it: 400 for ASMX, and the connection
//! closed; the vendor's own 400 for a vendor API.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::helpers::spawn_app_with;

/// Sends `head` and a partial body, then reads until the server closes the connection
/// (bounded by a 5 s read timeout); returns the answer and how long it took.
/// The client blocks on its own thread, off the runtime the server's future runs on.
async fn stall(port: u16, head: &'static str, partial: &'static str) -> (String, Duration) {
    actix_web::rt::task::spawn_blocking(move || stall_blocking(port, head, partial))
        .await
        .unwrap()
}

fn stall_blocking(port: u16, head: &str, partial: &str) -> (String, Duration) {
    let mut conn = TcpStream::connect(("127.0.0.1", port)).unwrap();
    conn.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let started = Instant::now();
    conn.write_all(format!("{head}\r\n\r\n{partial}").as_bytes())
        .unwrap();
    let mut answer = Vec::new();
    let read = conn.read_to_end(&mut answer);
    let answer_text = String::from_utf8_lossy(&answer).into_owned();
    assert!(
        read.is_ok(),
        "the server did not close within 5 s: {read:?} {answer_text}"
    );
    (
        String::from_utf8_lossy(&answer).into_owned(),
        started.elapsed(),
    )
}

#[actix_web::test]
async fn a_stalled_body_is_refused_and_its_connection_closed() {
    let app = spawn_app_with(&["--body-timeout", "300ms"]).await;
    let (answer, took) = stall(
        app.port,
        "POST /srv.asmx/AuthenticateUser HTTP/1.1\r\nHost: x\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 17",
        "UID=jdoe&PWD=jd",
    )
    .await;
    assert!(
        answer.starts_with("HTTP/1.1 400 Bad Request\r\n"),
        "{answer}"
    );
    assert!(answer.contains("connection: close\r\n"), "{answer}");
    assert!(took >= Duration::from_millis(300), "{took:?}");

    let (answer, _) = stall(
        app.port,
        "POST /users/3 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer commbox-demo-token\r\n\
         Content-Type: application/json\r\nContent-Length: 40",
        "{\"data\":",
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 400 "), "{answer}");

    // A body that arrives in time is served as always.
    let ok = app.post_form("AuthenticateUser", "UID=jdoe&PWD=jdoe").await;
    assert!(ok.body.contains("success=\"true\""), "{}", ok.body);
}
