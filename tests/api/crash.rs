//! Crashes and shutdown (issue 7), against the real binary: a SIGKILL in the middle of
//! a write load loses no acknowledged write and leaves the database intact with its
//! tickets; a SIGTERM lets the request in flight finish and exits 0.

use std::cell::RefCell;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use futures_util::future::join_all;

use crate::helpers::wait_until;

/// A child process (the emulator, or nginx in front of emulators); killed if a test
/// fails before it stops it.
pub(crate) struct Server(pub(crate) Child);

impl Server {
    /// Asks for a graceful stop, as a service manager would (SIGTERM).
    pub(crate) fn terminate(&self) {
        let pid = self.0.id().to_string();
        assert!(Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success());
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

/// The emulator on a free loopback port, and its base URL.
pub(crate) fn start(db: &Path) -> (Server, String) {
    let mut command = emulator(db);
    command
        .arg("--fixtures")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures"));
    let (server, url, _) = launch(command);
    (server, url)
}

/// The emulator's command line on a free loopback port and `db`, quiet but for errors.
pub(crate) fn emulator(db: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_asmx-emulator"));
    command
        .args(["--bind", "127.0.0.1:0", "--workers", "2", "--db"])
        .arg(db)
        .env("RUST_LOG", "error");
    command
}

/// Starts `command`; returns the server, its base URL and the lines it printed before
/// it (the certificate's fingerprint, over TLS).
pub(crate) fn launch(mut command: Command) -> (Server, String, Vec<String>) {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("binary starts");
    // It prints its URL once it listens (log lines may come first); EOF means it
    // died. The rest of its output is drained so that no log line meets a closed pipe.
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut before = Vec::new();
    let url = loop {
        let mut line = String::new();
        assert!(
            stdout.read_line(&mut line).unwrap() > 0,
            "the server exited"
        );
        if let Some(url) = line
            .trim()
            .strip_prefix("asmx-emulator listening on ")
            .and_then(|u| u.strip_suffix("/srv.asmx"))
        {
            break url.to_string();
        }
        before.push(line.trim().to_string());
    };
    std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
    (Server(child), url, before)
}

pub(crate) fn client() -> awc::Client {
    awc::Client::builder()
        .timeout(Duration::from_secs(10))
        .finish()
}

pub(crate) async fn get_text(client: &awc::Client, url: &str) -> String {
    let mut res = client.get(url).send().await.expect("answered");
    assert_eq!(res.status().as_u16(), 200, "{url}");
    String::from_utf8(res.body().await.unwrap().to_vec()).unwrap()
}

pub(crate) async fn login(client: &awc::Client, base: &str) -> String {
    let body = get_text(
        client,
        &format!("{base}/srv.asmx/AuthenticateUser?UID=jdoe&PWD=jdoe"),
    )
    .await;
    crate::helpers::attr(&body, "ticket").unwrap_or_else(|| panic!("{body}"))
}

/// Waits, bounded, for the child to exit and returns its exit code.
pub(crate) async fn exit_code(child: &mut Server) -> Option<i32> {
    let mut status = None;
    wait_until("the server exits", Duration::from_secs(15), || {
        status = child.0.try_wait().unwrap();
        status.is_some()
    })
    .await;
    status.and_then(|s| s.code())
}

#[actix_web::test]
async fn sigkill_mid_load_loses_no_acknowledged_write() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crash.db");
    let (mut child, base) = start(&db);
    let client = client();
    let ticket = login(&client, &base).await;

    // Writers add one CommBox custom field each per request until the server is gone.
    let acked = RefCell::new(Vec::new());
    let writers = (0..4).map(|w| {
        let (client, base, acked) = (&client, &base, &acked);
        async move {
            for n in 0..10_000 {
                let key = format!("k{w}_{n}");
                let body = serde_json::json!({"data": {"Content": {&key: "v"}}});
                let sent = client
                    .post(format!("{base}/users/3"))
                    .insert_header(("Authorization", "Bearer commbox-demo-token"))
                    .send_json(&body)
                    .await;
                match sent {
                    Ok(res) if res.status().is_success() => acked.borrow_mut().push(key),
                    Ok(res) => panic!("write refused: {}", res.status()),
                    Err(_) => return,
                }
            }
        }
    });
    let killer = async {
        wait_until("40 writes acknowledged", Duration::from_secs(30), || {
            acked.borrow().len() >= 40
        })
        .await;
        child.0.kill().unwrap();
    };
    futures_util::future::join(join_all(writers), killer).await;
    child.0.wait().unwrap();
    let acked = acked.into_inner();

    let (_child, base) = start(&db);
    let conn = rusqlite::Connection::open(&db).unwrap();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    let content: String = conn
        .query_row("SELECT content FROM users WHERE id = 3", [], |r| r.get(0))
        .unwrap();
    let content: serde_json::Value = serde_json::from_str(&content).unwrap();
    let lost: Vec<_> = acked
        .iter()
        .filter(|k| content.get(k.as_str()).is_none())
        .collect();
    assert!(
        lost.is_empty(),
        "{} acknowledged writes lost: {lost:?}",
        lost.len()
    );
    let user = get_text(
        &client,
        &format!("{base}/srv.asmx/GetUser?authenticationTicket={ticket}&UserName=jdoe"),
    )
    .await;
    assert!(user.contains("<response success=\"true\""), "{user}");
}

/// A response head read off a raw connection: status line to the blank line.
pub(crate) fn read_head(conn: &mut TcpStream) -> String {
    let mut head = Vec::new();
    let mut byte = [0u8];
    while !head.ends_with(b"\r\n\r\n") {
        conn.read_exact(&mut byte).expect("response head");
        head.push(byte[0]);
    }
    String::from_utf8(head).unwrap()
}

/// One HTTP/1.1 response read off a raw connection: status line to end of body.
pub(crate) fn read_response(conn: &mut TcpStream) -> String {
    let head = read_head(conn);
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length: "))
        .expect("content-length")
        .parse()
        .unwrap();
    let mut body = vec![0; length];
    conn.read_exact(&mut body).expect("response body");
    head + &String::from_utf8(body).unwrap()
}

#[actix_web::test]
async fn sigterm_finishes_the_request_in_flight_and_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, base) = start(&dir.path().join("term.db"));
    let address = base.strip_prefix("http://").unwrap();
    let mut conn = TcpStream::connect(address).unwrap();
    conn.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    // A first request on the connection proves a worker holds it before the signal.
    conn.write_all(b"GET /srv.asmx/ServerInfo HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    assert!(read_response(&mut conn).starts_with("HTTP/1.1 200 OK"));
    // Then a login whose body is only half sent when the signal arrives. Its interim
    // 100 Continue proves the server has read the head: a connection whose next request
    // is still unread when the signal comes is closed, as actix drains idle connections.
    conn.write_all(
        b"POST /srv.asmx/AuthenticateUser HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\
          Expect: 100-continue\r\n\
          Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 17\r\n\r\n",
    )
    .unwrap();
    assert_eq!(read_head(&mut conn), "HTTP/1.1 100 Continue\r\n\r\n");
    conn.write_all(b"UID=jdoe&PWD=jd").unwrap();
    child.terminate();
    // The rest of the body comes once the server has begun shutting down: its listener
    // is closed, so a new connection is refused.
    wait_until("the listener closes", Duration::from_secs(10), || {
        TcpStream::connect(address).is_err()
    })
    .await;
    conn.write_all(b"oe").unwrap();
    let answer = read_response(&mut conn);
    assert!(answer.starts_with("HTTP/1.1 200 OK"), "{answer}");
    assert!(
        answer.contains("<root success=\"true\" ticket=\""),
        "{answer}"
    );
    assert_eq!(exit_code(&mut child).await, Some(0));
}

fn stored_expiry(db: &Path, ticket: &str) -> i64 {
    rusqlite::Connection::open(db)
        .unwrap()
        .query_row(
            "SELECT expires_at FROM tickets WHERE ticket = ?1",
            [ticket],
            |r| r.get(0),
        )
        .unwrap()
}

/// A slide small enough to stay in memory (issue 8) reaches the disk when the server
/// is stopped, so the next run honours the ticket exactly as this one left it.
#[actix_web::test]
async fn sigterm_stores_the_ticket_slides_kept_in_memory() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("slides.db");
    let (mut child, base) = start(&db);
    let client = client();
    let ticket = login(&client, &base).await;
    let at_login = stored_expiry(&db, &ticket);
    // Expiries are stored in whole seconds: move the emulator's clock so the next one
    // differs, by less than a slide that is written at once (a minute).
    let mut moved = client
        .post(format!("{base}/__emulator/clock/advance"))
        .send_json(&serde_json::json!({"seconds": 10}))
        .await
        .expect("answered");
    assert_eq!(moved.status().as_u16(), 200, "{:?}", moved.body().await);
    let user = get_text(
        &client,
        &format!("{base}/srv.asmx/GetUser?AuthenticationTicket={ticket}&UserName="),
    )
    .await;
    assert!(user.contains("<response success=\"true\""), "{user}");
    assert_eq!(
        stored_expiry(&db, &ticket),
        at_login,
        "a read wrote the disk"
    );

    child.terminate();
    assert_eq!(exit_code(&mut child).await, Some(0));
    // The database file alone holds every write: a copy of it without its WAL has the
    // new expiry too.
    let copy = dir.path().join("copy.db");
    std::fs::copy(&db, &copy).unwrap();
    assert!(stored_expiry(&copy, &ticket) > at_login);
    assert!(stored_expiry(&db, &ticket) > at_login);
}
