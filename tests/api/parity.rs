//! The parity kit (docs/parity.md) through the real binary: `record` in front of an
//! emulator world while real clients run their scenarios, `compare` against a fresh
//! world; captures mutated on purpose; the bad inputs, each a message and exit status 2;
//! redaction; the flags. The proxy's bytes are `parity_proxy.rs`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::clients::scenario_passes_at;
use crate::helpers::{basic, soap11_envelope, spawn_app, wait_until, Binding, TestApp, P};
use crate::tools::run_bounded_code;

const BIN: &str = env!("CARGO_BIN_EXE_asmx-emulator");
const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/users.json");
const LIMIT: Duration = Duration::from_secs(120);

/// `asmx-emulator record` on a free port, stopped when dropped.
pub(crate) struct Recorder {
    child: Child,
    pub(crate) base: String,
    pub(crate) dir: PathBuf,
}

impl Drop for Recorder {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

pub(crate) fn record(upstream: &str, dir: &Path, extra: &[&str]) -> Recorder {
    let mut command = Command::new(BIN);
    command
        .args([
            "record",
            "--upstream",
            upstream,
            "--bind",
            "127.0.0.1:0",
            "--out",
        ])
        .arg(dir)
        .args(extra);
    start_recorder(command, dir)
}

/// Starts `command` (a `record`) and reads the address it prints.
fn start_recorder(mut command: Command, dir: &Path) -> Recorder {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).ok();
        tx.send(line).ok();
    });
    let line = rx
        .recv_timeout(Duration::from_secs(30))
        .expect("record prints its address");
    let base = line
        .split_whitespace()
        .find(|w| w.starts_with("http://127.0.0.1:"))
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .trim_end_matches('/')
        .to_string();
    Recorder {
        child,
        base,
        dir: dir.to_path_buf(),
    }
}

/// Runs `compare DIR --against URL extra…`; (exit code, stdout + stderr).
async fn compare(dir: &Path, against: &str, extra: &[&str]) -> (Option<i32>, String) {
    let mut command = Command::new(BIN);
    command
        .arg("compare")
        .arg(dir)
        .args(["--against", against])
        .args(extra);
    run(command).await
}

async fn run(command: Command) -> (Option<i32>, String) {
    actix_web::rt::task::spawn_blocking(move || run_bounded_code(command, LIMIT))
        .await
        .expect("compare thread")
}

/// The capture files of a directory, in order (not a file still being written).
pub(crate) fn captures(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".http") && !n.starts_with('.'))
        .collect();
    names.sort();
    names
}

/// The counts in compare's verdict: (protocol, schema, data).
fn counts(output: &str) -> (usize, usize, usize) {
    let line = output
        .lines()
        .find(|l| l.starts_with("asmx-emulator compare: "))
        .unwrap_or_else(|| panic!("no verdict in:\n{output}"));
    let number = |class: &str| -> usize {
        let before = line.split(&format!(" {class}")).next().unwrap();
        before.rsplit(' ').next().unwrap().parse().unwrap()
    };
    (number("protocol"), number("schema"), number("data"))
}

#[actix_web::test]
async fn zeep_and_curl_recorded_in_one_world_replay_in_another_without_protocol_or_schema_differences(
) {
    let app = spawn_app().await;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("captures");
    let recorder = record(&format!("{}/worlds/A", app.base), &out, &[]);
    scenario_passes_at(format!("{}/srv.asmx", recorder.base), "zeep").await;
    scenario_passes_at(format!("{}/srv.asmx", recorder.base), "curl").await;
    vendor_calls_and_pages(&app.at(recorder.base.clone())).await;
    drop(recorder);
    let files = captures(&out);
    assert!(files[0].ends_with("-WSDL.http"), "{files:?}");
    assert!(
        files.iter().any(|f| f.ends_with("-AuthenticateUser.http")),
        "{files:?}"
    );
    // The client got the WSDL naming the proxy; the capture keeps the upstream's bytes.
    let wsdl = std::fs::read_to_string(out.join(&files[0])).unwrap();
    assert!(
        wsdl.contains(&format!("location=\"{}/worlds/A/srv.asmx\"", app.base)),
        "{wsdl}"
    );

    let (report, html) = (dir.path().join("report.md"), dir.path().join("report.html"));
    let (code, output) = compare(
        &out,
        &format!("{}/worlds/B", app.base),
        &[
            "--fixtures",
            FIXTURES,
            "--report",
            report.to_str().unwrap(),
            "--html",
            html.to_str().unwrap(),
        ],
    )
    .await;
    assert_eq!((code, counts(&output)), (Some(0), (0, 0, 0)), "{output}");
    let report = std::fs::read_to_string(report).unwrap();
    assert!(
        report.contains(&format!("{} exchanges replayed", files.len())),
        "{report}"
    );
    assert!(report.contains("| AuthenticateUser |"), "{report}");
    assert!(
        report.contains("| PATCH /client/update-user | 1 |"),
        "{report}"
    );
    assert!(std::fs::read_to_string(html)
        .unwrap()
        .contains("<h1>Parity report</h1>"));
}

/// A call to each vendor API (docs/vendors.md, "First calls") and the help pages, whose
/// answers carry per-response ids and the world's own path.
async fn vendor_calls_and_pages(through: &TestApp) {
    let json = ("Content-Type", "application/json");
    let chatbot = r#"{"conversationRequest":{"userInfo":{"uid":"jdoe"}},"queryInfo":{"interestType":"update-contact","parameters":{"params":{"accountInfo":{"userContact":{"emailId":"john.doe@example.org","phoneNumber":"555-0111"}}}}}}"#;
    let calls = [
        (
            "POST",
            "/api/rest/v1/ecom/integrations/updateUserContactDetails",
            basic("ACdemo", "demo-token"),
            chatbot,
        ),
        (
            "PATCH",
            "/client/update-user?userId=681c74b2333e169d16a7e583",
            basic("ck_demo", "cs_demo"),
            r#"{"phone":"5550112"}"#,
        ),
        (
            "POST",
            "/users/3",
            "Bearer commbox-demo-token".to_string(),
            r#"{"data":{"Phone2":"555-0113"}}"#,
        ),
        (
            "GET",
            "/api/v2/ContactItem/GetAllTypes",
            "Bearer webapi-demo-token".to_string(),
            "",
        ),
    ];
    for (method, path, authorization, body) in calls {
        let answer = through
            .request(
                method,
                path,
                &[json, ("Authorization", &authorization)],
                body,
            )
            .await;
        assert_eq!(answer.status, 200, "{path}: {}", answer.body);
    }
    for page in ["/srv.asmx", "/srv.asmx?op=GetUser", "/srv.asmx?disco"] {
        assert_eq!(through.get(page).await.status, 200, "{page}");
    }
}

/// A short session through the proxy: a GET login, a SOAP GetUser with its ticket, and
/// a SOAP call to a method that does not exist (a fault).
async fn short_session(app: &TestApp, out: &Path) {
    let recorder = record(&format!("{}/worlds/A", app.base), out, &[]);
    let through = app.at(recorder.base.clone());
    let ticket = through.login("jdoe", "jdoe").await;
    let user = through
        .call(
            Binding::Soap11,
            "GetUser",
            &[
                ("AuthenticationTicket", P::V(&ticket)),
                ("UserName", P::V("jdoe")),
            ],
        )
        .await;
    assert_eq!(user.status, 200);
    let envelope = soap11_envelope("<NoSuchMethod xmlns=\"http://tempuri.org/\"/>");
    let fault = through
        .soap11_raw("http://tempuri.org/NoSuchMethod", &envelope)
        .await;
    assert_eq!(fault.status, 500, "{}", fault.body);
}

fn mutate(from: &Path, to: &Path, file_ends: &str, replace: &str, with: &str) {
    std::fs::create_dir_all(to).unwrap();
    for name in std::fs::read_dir(from)
        .unwrap()
        .map(|e| e.unwrap().file_name())
    {
        let mut text = std::fs::read_to_string(from.join(&name)).unwrap();
        if name.to_string_lossy().ends_with(file_ends) {
            let (request, response) = text.split_once("\n=== RESPONSE ===\n").unwrap();
            assert!(response.contains(replace), "{replace:?} not in {response}");
            text = format!(
                "{request}\n=== RESPONSE ===\n{}",
                response.replacen(replace, with, 1)
            );
        }
        std::fs::write(to.join(&name), text).unwrap();
    }
}

#[actix_web::test]
async fn each_mutated_capture_is_exactly_one_difference_of_its_class() {
    let app = spawn_app().await;
    let dir = tempfile::tempdir().unwrap();
    let recorded = dir.path().join("recorded");
    short_session(&app, &recorded).await;
    let (code, output) = compare(&recorded, &format!("{}/worlds/clean", app.base), &[]).await;
    assert_eq!((code, counts(&output)), (Some(0), (0, 0, 0)), "{output}");

    let cases = [
        (
            "status",
            "-AuthenticateUser.http",
            "HTTP/1.1 200 OK",
            "HTTP/1.1 202 Accepted",
            (1, 0, 0),
            1,
        ),
        (
            "media type",
            "-GetUser.http",
            "content-type: text/xml",
            "content-type: application/xml",
            (1, 0, 0),
            1,
        ),
        (
            "fault code",
            "-NoSuchMethod.http",
            "<faultcode>soap:Client</faultcode>",
            "<faultcode>soap:Server</faultcode>",
            (1, 0, 0),
            1,
        ),
        (
            "missing attribute",
            "-GetUser.http",
            " Email=\"jdoe@example.com\"",
            "",
            (0, 1, 0),
            1,
        ),
        (
            "changed value",
            "-GetUser.http",
            "FirstName=\"John\"",
            "FirstName=\"Jon\"",
            (0, 0, 1),
            0,
        ),
    ];
    for (i, (what, file, replace, with, expected, exit)) in cases.into_iter().enumerate() {
        let mutated = dir.path().join(format!("mutated-{i}"));
        mutate(&recorded, &mutated, file, replace, with);
        let (code, output) = compare(&mutated, &format!("{}/worlds/m{i}", app.base), &[]).await;
        assert_eq!(
            (code, counts(&output)),
            (Some(exit), expected),
            "{what}:\n{output}"
        );
    }
}

/// A peer that answers each request on its first connection with the next of
/// `answers`, byte for byte, and hands back every request as it arrived.
pub(crate) fn scripted_upstream(answers: Vec<Vec<u8>>) -> (String, mpsc::Receiver<Vec<u8>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/base", listener.local_addr().unwrap());
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let (conn, _) = listener.accept().unwrap();
        conn.set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        let mut reader = BufReader::new(conn.try_clone().unwrap());
        for answer in answers {
            let mut request = Vec::new();
            while !request.ends_with(b"\r\n\r\n") {
                if reader.read_until(b'\n', &mut request).unwrap_or(0) == 0 {
                    return;
                }
            }
            let head = String::from_utf8_lossy(&request).to_ascii_lowercase();
            let length: usize = head
                .split("content-length: ")
                .nth(1)
                .map_or(0, |v| v.split("\r\n").next().unwrap().parse().unwrap());
            let mut body = vec![0; length];
            reader.read_exact(&mut body).unwrap();
            request.extend_from_slice(&body);
            tx.send(request).ok();
            (&conn).write_all(&answer).unwrap();
        }
    });
    (url, rx)
}

#[actix_web::test]
async fn bad_inputs_are_a_message_and_exit_status_2() {
    let app = spawn_app().await;
    let dir = tempfile::tempdir().unwrap();
    let world = format!("{}/worlds/bad", app.base);

    let (code, output) = compare(dir.path(), &world, &[]).await;
    assert_eq!(code, Some(2), "{output}");
    assert!(output.contains("is not a capture directory"), "{output}");

    let future = dir.path().join("future");
    std::fs::create_dir(&future).unwrap();
    std::fs::write(
        future.join("capture.json"),
        r#"{"format": "asmx-emulator-capture/9", "upstream": "http://x", "redacted": false}"#,
    )
    .unwrap();
    let (code, output) = compare(&future, &world, &[]).await;
    assert_eq!(code, Some(2), "{output}");
    assert!(
        output.contains("this build reads format \"asmx-emulator-capture/1\""),
        "{output}"
    );

    // A target that is not an emulator: only --fixtures needs the admin API.
    let recorded = dir.path().join("recorded");
    short_session(&app, &recorded).await;
    let (not_emulator, _requests) = scripted_upstream(vec![
        b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".to_vec(),
    ]);
    let (code, output) = compare(&recorded, &not_emulator, &["--fixtures", FIXTURES]).await;
    assert_eq!(code, Some(2), "{output}");
    assert!(
        output.contains("--fixtures needs the emulator's admin API"),
        "{output}"
    );

    // Without --fixtures, a target that is not the recorded service is simply compared:
    // nothing under /elsewhere answers, so each exchange differs in status, media type,
    // charset and the kind of body: four protocol differences each.
    let elsewhere = format!("{}/elsewhere", app.base);
    let (code, output) = compare(&recorded, &elsewhere, &[]).await;
    assert_eq!(code, Some(1), "{output}");
    assert_eq!(counts(&output), (12, 0, 0), "{output}");
    let (code, output) = compare(&recorded, &elsewhere, &["--fixtures", FIXTURES]).await;
    assert_eq!(code, Some(2), "{output}");
    assert!(
        output.contains("/elsewhere/__emulator/fixtures"),
        "{output}"
    );

    // An exchange the client cut short is recorded as such and reported, not replayed.
    let cut = dir.path().join("cut");
    let recorder = record(&world, &cut, &[]);
    let mut conn = TcpStream::connect(recorder.base.trim_start_matches("http://")).unwrap();
    conn.write_all(b"POST /srv.asmx HTTP/1.1\r\nHost: p\r\nContent-Length: 100\r\n\r\n<short")
        .unwrap();
    drop(conn);
    // The proxy writes the partial exchange once it sees the connection end.
    wait_until("the partial capture", LIMIT, || !captures(&cut).is_empty()).await;
    let file = captures(&cut).pop().unwrap();
    let text = std::fs::read_to_string(cut.join(&file)).unwrap();
    assert!(
        text.ends_with("\n=== PARTIAL ===\nthe client stopped after 63 bytes of its request"),
        "{text}"
    );
    let (code, output) = compare(&cut, &world, &[]).await;
    assert_eq!(code, Some(0), "{output}");
    assert!(
        output.contains("1 cut short while recording, not replayed"),
        "{output}"
    );
    assert!(
        output.contains(&format!("`{file}`: not replayed")),
        "{output}"
    );
}

#[actix_web::test]
async fn redacted_captures_hold_no_password_and_replay_with_the_fixtures_passwords() {
    let app = spawn_app().await;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("redacted");
    let recorder = record(&format!("{}/worlds/A", app.base), &out, &["--redact"]);
    let through = app.at(recorder.base.clone());
    for binding in [Binding::Get, Binding::Post, Binding::Soap11] {
        through
            .node(
                binding,
                "AuthenticateUser",
                &[("UID", P::V("jdoe")), ("PWD", P::V("jdoe"))],
            )
            .await;
    }
    drop(recorder);
    for name in captures(&out) {
        let text = std::fs::read_to_string(out.join(&name)).unwrap();
        let (request, _) = text.split_once("=== RESPONSE ===").unwrap();
        assert!(
            !request.contains("PWD=jdoe") && !request.contains(">jdoe</PWD>"),
            "{request}"
        );
        assert!(request.contains("redacted"), "{request}");
    }
    let world = format!("{}/worlds/B", app.base);
    let (code, output) = compare(&out, &world, &[]).await;
    assert_eq!(code, Some(2), "{output}");
    assert!(output.contains("give --fixtures FILE"), "{output}");
    let (code, output) = compare(&out, &world, &["--fixtures", FIXTURES]).await;
    assert_eq!((code, counts(&output)), (Some(0), (0, 0, 0)), "{output}");
}

#[actix_web::test]
async fn every_flag_has_its_variable_in_the_help_and_works_through_it() {
    let cli = include_str!("../../src/parity/cli.rs");
    for (tool, args) in [
        ("record", "pub struct RecordArgs"),
        ("compare", "pub struct CompareArgs"),
    ] {
        let fields = &cli[cli.find(args).unwrap()..];
        let fields = &fields[..fields.find("\n}").unwrap()];
        let (ok, help) = crate::tools::run_bounded(
            {
                let mut c = Command::new(BIN);
                c.args([tool, "--help"]);
                c
            },
            LIMIT,
        );
        assert!(ok, "{help}");
        for env in fields
            .split("env = \"")
            .skip(1)
            .map(|r| &r[..r.find('"').unwrap()])
        {
            assert!(
                help.contains(&format!("[env: {env}")),
                "{tool}: {env} not in\n{help}"
            );
        }
    }

    let app = spawn_app().await;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("by-variables");
    let mut command = Command::new(BIN);
    command
        .arg("record")
        .env("ASMX_RECORD_UPSTREAM", format!("{}/worlds/A", app.base))
        .env("ASMX_RECORD_OUT", &out)
        .env("ASMX_RECORD_BIND", "127.0.0.1:0")
        .env("ASMX_RECORD_REDACT", "true");
    let recorder = start_recorder(command, &out);
    app.at(recorder.base.clone()).login("jdoe", "jdoe").await;
    drop(recorder);
    let files = captures(&out);
    let capture = std::fs::read_to_string(out.join(&files[0])).unwrap();
    assert!(capture.contains("PWD=%7Bredacted%7D"), "{capture}");

    let (report, html) = (dir.path().join("r.md"), dir.path().join("r.html"));
    let mut command = Command::new(BIN);
    command
        .arg("compare")
        .arg(&out)
        .env("ASMX_COMPARE_AGAINST", format!("{}/worlds/B", app.base))
        .env("ASMX_COMPARE_FIXTURES", FIXTURES)
        .env("ASMX_COMPARE_REPORT", &report)
        .env("ASMX_COMPARE_HTML", &html);
    let (code, output) = run(command).await;
    assert_eq!((code, counts(&output)), (Some(0), (0, 0, 0)), "{output}");
    assert!(std::fs::read_to_string(report)
        .unwrap()
        .contains("1 exchange replayed"));
    assert!(html.exists());
}
