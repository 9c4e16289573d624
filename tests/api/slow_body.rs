//! Slow bodies (issue 7): actix-web times out only a request's head, so a client that
//! sends its headers and then part of its body would hold the connection for ever.
//! With `--body-timeout` the server gives up on it: 400 for ASMX, and the connection
//! closed; the vendor's own 400 for a vendor API.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::{Duration, Instant};

use crate::helpers::{spawn_app, spawn_app_with};

/// What the client does after its partial body.
#[derive(Clone, Copy)]
enum Then {
    /// Waits, sending nothing more.
    Wait,
    /// Closes its sending side: the body can never be completed.
    HalfClose,
}

/// Sends `head` and a partial body, then reads until the server closes the connection
/// (bounded by a 5 s read timeout); returns the answer and how long it took.
/// The client blocks on its own thread, off the runtime the server's future runs on.
async fn stall(
    port: u16,
    head: &'static str,
    partial: &'static str,
    then: Then,
) -> (String, Duration) {
    actix_web::rt::task::spawn_blocking(move || stall_blocking(port, head, partial, then))
        .await
        .unwrap()
}

fn stall_blocking(port: u16, head: &str, partial: &str, then: Then) -> (String, Duration) {
    let mut conn = TcpStream::connect(("127.0.0.1", port)).unwrap();
    conn.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let started = Instant::now();
    conn.write_all(format!("{head}\r\n\r\n{partial}").as_bytes())
        .unwrap();
    if let Then::HalfClose = then {
        conn.shutdown(Shutdown::Write).unwrap();
    }
    let mut answer = Vec::new();
    let read = conn.read_to_end(&mut answer);
    let answer_text = String::from_utf8_lossy(&answer).into_owned();
    assert!(
        read.is_ok(),
        "the server did not close within 5 s: {read:?} {answer_text}"
    );
    (answer_text, started.elapsed())
}

/// ASMX's answer to a body it could not read: empty, and the connection closed.
fn assert_refused_and_closed(answer: &str) {
    assert!(
        answer.starts_with("HTTP/1.1 400 Bad Request\r\n"),
        "{answer}"
    );
    assert!(answer.contains("connection: close\r\n"), "{answer}");
    assert!(answer.contains("content-length: 0\r\n"), "{answer}");
}

#[actix_web::test]
async fn a_stalled_body_is_refused_and_its_connection_closed() {
    let app = spawn_app_with(&["--body-timeout", "300ms"]).await;
    let (answer, took) = stall(
        app.port,
        "POST /srv.asmx/AuthenticateUser HTTP/1.1\r\nHost: x\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 17",
        "UID=jdoe&PWD=jd",
        Then::Wait,
    )
    .await;
    assert_refused_and_closed(&answer);
    assert!(took >= Duration::from_millis(300), "{took:?}");

    let (answer, _) = stall(
        app.port,
        "POST /users/3 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer commbox-demo-token\r\n\
         Content-Type: application/json\r\nContent-Length: 40",
        "{\"data\":",
        Then::Wait,
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 400 "), "{answer}");

    // A body that arrives in time is served as always.
    let ok = app.post_form("AuthenticateUser", "UID=jdoe&PWD=jdoe").await;
    assert!(ok.body.contains("success=\"true\""), "{}", ok.body);
}

/// Found by fuzzing: actix-web drains a chunked body the handler gave up on and keeps
/// the connection, so a client that stalled mid-chunk held it open after its 400.
#[actix_web::test]
async fn a_stalled_chunked_body_is_refused_and_its_connection_closed() {
    let app = spawn_app_with(&["--body-timeout", "300ms"]).await;
    for head in [
        "POST /srv.asmx/AuthenticateUser HTTP/1.1\r\nHost: x\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked",
        "POST /srv.asmx HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml; charset=utf-8\r\n\
         SOAPAction: \"http://tempuri.org/AuthenticateUser\"\r\nTransfer-Encoding: chunked",
    ] {
        let (answer, _) = stall(app.port, head, "5\r\nUID=j\r\n", Then::Wait).await;
        assert_refused_and_closed(&answer);
    }
    let (answer, _) = stall(
        app.port,
        "POST /users/3 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer commbox-demo-token\r\n\
         Content-Type: application/json\r\nTransfer-Encoding: chunked",
        "8\r\n{\"data\":\r\n",
        Then::Wait,
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 400 "), "{answer}");
    assert!(answer.contains("connection: close\r\n"), "{answer}");
}

/// Found by fuzzing: a body cut short by the client's own close was answered with
/// actix-web's error text; it is refused as a stalled one is.
#[actix_web::test]
async fn a_body_the_client_cut_short_is_refused_and_its_connection_closed() {
    let app = spawn_app().await;
    for (head, partial) in [
        (
            "POST /srv.asmx/AuthenticateUser HTTP/1.1\r\nHost: x\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100",
            "UID=jdoe",
        ),
        (
            "POST /srv.asmx HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml; charset=utf-8\r\n\
             SOAPAction: \"http://tempuri.org/AuthenticateUser\"\r\nTransfer-Encoding: chunked",
            "5\r\n<soap\r\n",
        ),
    ] {
        let (answer, _) = stall(app.port, head, partial, Then::HalfClose).await;
        assert_refused_and_closed(&answer);
    }
}

/// Found by fuzzing: a declared length over `--max-body` waited for a body that would
/// be refused anyway. ASP.NET refuses it from the header, and closes the connection.
#[actix_web::test]
async fn a_declared_length_over_the_limit_is_refused_before_the_body() {
    let app = spawn_app_with(&["--max-body", "65536", "--body-timeout", "30s"]).await;
    let (answer, _) = stall(
        app.port,
        "POST /srv.asmx/AuthenticateUser HTTP/1.1\r\nHost: x\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 70000",
        "UID=jdoe",
        Then::Wait,
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 413 "), "{answer}");
    assert!(answer.contains("connection: close\r\n"), "{answer}");
    assert!(
        answer.contains("<h2> <i>Maximum request length exceeded.</i> </h2>"),
        "{answer}"
    );
}
