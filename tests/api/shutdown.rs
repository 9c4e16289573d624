//! A bounded graceful stop (issue 23): past `--shutdown-timeout` the connections still
//! open are closed, and the server still exits 0 with every acknowledged write on disk.
//! (A request that finishes within it: `crash.rs`, `sigterm_finishes_the_request_in_flight_and_exits_0`.)

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use crate::crash::{client, emulator, exit_code, launch, login, read_head};

#[actix_web::test]
async fn past_the_shutdown_timeout_connections_are_closed_and_it_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bounded.db");
    let mut command = emulator(&db);
    command.args(["--shutdown-timeout", "500ms"]);
    let (mut server, base, _) = launch(command);
    // An acknowledged write: the login's ticket.
    let ticket = login(&client(), &base).await;

    // A request whose body never completes: in flight until the timeout.
    let address = base.strip_prefix("http://").unwrap();
    let mut conn = TcpStream::connect(address).unwrap();
    conn.set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    conn.write_all(
        b"POST /srv.asmx/AuthenticateUser HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n\
          Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 17\r\n\r\n",
    )
    .unwrap();
    // The interim answer proves the server holds the request when the signal comes.
    assert_eq!(read_head(&mut conn), "HTTP/1.1 100 Continue\r\n\r\n");
    conn.write_all(b"UID=jdoe&PWD=jd").unwrap();
    server.terminate();

    assert_eq!(exit_code(&mut server).await, Some(0));
    // The connection was closed without an answer (the body timeout is 30 s).
    let mut rest = Vec::new();
    let _ = conn.read_to_end(&mut rest);
    assert!(rest.is_empty(), "{}", String::from_utf8_lossy(&rest));
    assert_eq!(crate::helpers::ticket_rows(&db, &ticket), 1);
    // And nothing holds the database any more.
    let (mut again, _) = crate::crash::start(&db);
    again.terminate();
    assert_eq!(exit_code(&mut again).await, Some(0));
}
