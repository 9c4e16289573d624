//! One log line per emulated request, and `--log-format json`: the real binary logs a
//! JSON object per line with the operation, binding and status, and no body.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::Value;

#[actix_web::test]
async fn json_logs_carry_one_line_per_emulated_request() {
    let dir = tempfile::tempdir().unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_asmx-emulator"))
        .args([
            "--bind",
            "127.0.0.1:0",
            "--workers",
            "1",
            "--log-format",
            "json",
            "--db",
        ])
        .arg(dir.path().join("logs.db"))
        .arg("--fixtures")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures"))
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("binary starts");
    let mut server = crate::crash::Server(child);
    let (tx, rx) = mpsc::channel();
    let lines = BufReader::new(server.0.stdout.take().unwrap());
    std::thread::spawn(move || {
        for line in lines.lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let base = loop {
        let line = rx
            .recv_timeout(Duration::from_secs(15))
            .expect("the server listens");
        if let Some(url) = line.strip_prefix("asmx-emulator listening on ") {
            break url.strip_suffix("/srv.asmx").unwrap().to_string();
        }
    };
    let client = awc::Client::builder()
        .timeout(Duration::from_secs(10))
        .finish();
    let url = format!("{base}/srv.asmx/AuthenticateUser?UID=jdoe&PWD=Pw-9f3e-secret");
    let res = client.get(url).send().await.expect("answered");
    assert_eq!(res.status().as_u16(), 200);

    let logged = loop {
        let line = rx
            .recv_timeout(Duration::from_secs(15))
            .expect("a request line");
        let Ok(doc) = serde_json::from_str::<Value>(&line) else {
            panic!("not a JSON line: {line}");
        };
        if doc["fields"]["message"] == "emulated request" {
            assert!(!line.contains("Pw-9f3e-secret"), "{line}");
            break doc;
        }
    };
    let fields = &logged["fields"];
    assert_eq!(logged["level"], "INFO");
    assert_eq!(fields["operation"], "AuthenticateUser");
    assert_eq!(fields["binding"], "get");
    assert_eq!(fields["status"], 200);
    assert_eq!(fields["path"], "/srv.asmx/AuthenticateUser");
    assert!(fields["duration_ms"].as_f64().unwrap() >= 0.0);

    // A successful login rehearses on a read snapshot, which stops at its first write
    // by design: nothing went wrong, so nothing is logged as an error.
    let url = format!("{base}/srv.asmx/AuthenticateUser?UID=jdoe&PWD=jdoe");
    let res = client.get(url).send().await.expect("answered");
    assert_eq!(res.status().as_u16(), 200);
    loop {
        let line = rx
            .recv_timeout(Duration::from_secs(15))
            .expect("a request line");
        assert!(!line.contains("\"ERROR\""), "{line}");
        if line.contains("emulated request") {
            assert!(line.contains("\"status\":200"), "{line}");
            break;
        }
    }
}
