//! The oracle captures in `tests/captures/` (see its README), replayed: each request
//! goes to the emulator as it went to the oracle, and the answer must be the oracle's
//! (status, the headers ASP.NET sets, body) after only the normalising that
//! `normalise` does and the differences `tests/captures/expected.json` declares.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use asmx_emulator::parity::normalise::replace_shapes;
use serde::Deserialize;

use crate::helpers::{spawn_app, TestApp};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/captures");

/// The headers compared: the ones ASP.NET sets. Date, Server, Connection and
/// Keep-Alive are the host's, and Content-Length follows the body.
const HEADERS: [&str; 3] = ["content-type", "cache-control", "x-aspnet-version"];

/// `expected.json`: each capture's differences, and the reasons they cite by name.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Declared {
    reasons: BTreeMap<String, String>,
    captures: BTreeMap<String, Expect>,
}

/// Where the emulator answers otherwise than the oracle, on purpose.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    #[serde(default)]
    request: Vec<Change>,
    #[serde(default)]
    response: Vec<Change>,
    body: Option<Body>,
}

/// `replace` (which must occur) becomes `with`, for the reason named `why`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Change {
    replace: String,
    with: String,
    why: String,
}

/// The whole expected body, for the reason named `why`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Body {
    is: String,
    why: String,
}

fn apply(name: &str, mut text: String, changes: &[Change], why: &mut BTreeSet<String>) -> String {
    for change in changes {
        why.insert(change.why.clone());
        assert!(
            text.contains(&change.replace),
            "{name}: {:?} does not occur",
            change.replace
        );
        text = text.replace(&change.replace, &change.with);
    }
    text
}

/// A capture file: `=== REQUEST ===\n`, the request, `\n=== RESPONSE ===\n`, the
/// response (see the README).
fn split(name: &str, capture: &str) -> (String, String) {
    let rest = capture
        .strip_prefix("=== REQUEST ===\n")
        .unwrap_or_else(|| panic!("{name}: no request marker"));
    let (request, response) = rest
        .split_once("\n=== RESPONSE ===\n")
        .unwrap_or_else(|| panic!("{name}: no response marker"));
    (request.to_string(), response.to_string())
}

/// A message's status line, headers (lower-case names) and body.
struct Message {
    status: String,
    headers: BTreeMap<String, String>,
    body: String,
}

fn parse(text: &str) -> Message {
    let (head, body) = text.split_once("\r\n\r\n").expect("a head");
    let mut lines = head.split("\r\n");
    let status = lines.next().unwrap_or_default();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Message {
        // The protocol version is the host's (xsp answers HTTP/1.0, IIS HTTP/1.1).
        status: status.split_once(' ').map_or("", |(_, s)| s).to_string(),
        headers,
        body: body.to_string(),
    }
}

/// `request` as sent to `app`: its Host, and its Content-Length if it has a body.
fn retarget(app: &TestApp, request: &str) -> String {
    let (head, body) = request.split_once("\r\n\r\n").expect("a request head");
    let head: Vec<String> = head
        .split("\r\n")
        .map(|line| match line.split_once(": ") {
            Some(("Host", _)) => format!("Host: 127.0.0.1:{}", app.port),
            Some(("Content-Length", _)) => format!("Content-Length: {}", body.len()),
            _ => line.to_string(),
        })
        .collect();
    format!("{}\r\n\r\n{body}", head.join("\r\n"))
}

/// Sends `request` on a connection of its own and reads one answer, whose body has
/// the length its Content-Length says (ASMX does not chunk). Off the runtime's thread,
/// which the server shares.
async fn exchange(app: &TestApp, request: String) -> String {
    let port = app.port;
    actix_web::rt::task::spawn_blocking(move || exchange_blocking(port, &request))
        .await
        .expect("exchange thread")
}

fn exchange_blocking(port: u16, request: &str) -> String {
    let mut conn = TcpStream::connect(("127.0.0.1", port)).unwrap();
    conn.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    conn.write_all(request.as_bytes()).unwrap();
    let mut head = Vec::new();
    let mut byte = [0u8];
    while !head.ends_with(b"\r\n\r\n") {
        conn.read_exact(&mut byte).expect("response head");
        head.push(byte[0]);
    }
    let head = String::from_utf8(head).unwrap();
    let length: usize = parse(&head)
        .headers
        .get("content-length")
        .unwrap_or_else(|| panic!("no content-length in {head}"))
        .parse()
        .unwrap();
    let mut body = vec![
        0;
        if request.starts_with("HEAD ") {
            0
        } else {
            length
        }
    ];
    conn.read_exact(&mut body).expect("response body");
    head + &String::from_utf8(body).expect("a UTF-8 body")
}

/// What differs from run to run, as a placeholder: every GUID (a ticket: upper-case
/// on the oracle, lower-case on the emulator) as `{guid}`, every UTC time (an expiry)
/// as `{time}`.
fn normalise(text: &str) -> String {
    const VARYING: [(&str, &str); 2] = [
        ("hhhhhhhh-hhhh-hhhh-hhhh-hhhhhhhhhhhh", "{guid}"),
        ("dddd-dd-ddTdd:dd:ddZ", "{time}"),
    ];
    replace_shapes(text, &VARYING, |_, _| 0)
}

/// `{ticket:NAME}` in a request: a ticket of the fixture user NAME, whose password
/// is NAME too, like the oracle's users.
async fn tickets(app: &TestApp, mut request: String) -> String {
    while let Some(start) = request.find("{ticket:") {
        let end = start + request[start..].find('}').expect("a closing brace");
        let user = &request[start + "{ticket:".len()..end];
        let ticket = app.login(user, user).await;
        request.replace_range(start..=end, &ticket);
    }
    request
}

/// What differs between the answer and the capture, if anything.
fn differences(expected: &Message, actual: &Message) -> Vec<String> {
    let mut out = Vec::new();
    if expected.status != actual.status {
        out.push(format!(
            "status {:?}, oracle {:?}",
            actual.status, expected.status
        ));
    }
    for name in HEADERS {
        if expected.headers.get(name) != actual.headers.get(name) {
            out.push(format!(
                "{name} {:?}, oracle {:?}",
                actual.headers.get(name),
                expected.headers.get(name)
            ));
        }
    }
    let (want, got) = (normalise(&expected.body), normalise(&actual.body));
    if want != got {
        out.push(format!("body\n  emulator {got:?}\n  oracle   {want:?}"));
    }
    out
}

#[actix_web::test]
async fn every_capture_replays_as_the_oracle_answered() {
    let declared: Declared =
        serde_json::from_str(&std::fs::read_to_string(format!("{DIR}/expected.json")).unwrap())
            .expect("expected.json");
    let mut names: Vec<String> = std::fs::read_dir(DIR)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".http"))
        .collect();
    names.sort();
    assert!(!names.is_empty(), "no captures in {DIR}");
    for name in declared.captures.keys() {
        assert!(
            names.contains(name),
            "expected.json names no capture: {name}"
        );
    }
    // One server for all, in the captures' order, as the oracle was recorded.
    let app = spawn_app().await;
    let mut failures = Vec::new();
    let mut cited = BTreeSet::new();
    for name in &names {
        let capture = String::from_utf8(std::fs::read(format!("{DIR}/{name}")).unwrap())
            .expect("a UTF-8 capture");
        let (request, response) = split(name, &capture);
        let expect = declared.captures.get(name);
        let changes = |pick: fn(&Expect) -> &[Change]| expect.map_or(&[][..], pick);
        let request = apply(name, request, changes(|e| &e.request), &mut cited);
        let request = retarget(&app, &tickets(&app, request).await);
        let response = apply(name, response, changes(|e| &e.response), &mut cited);
        let mut expected = parse(&response);
        if let Some(body) = expect.and_then(|e| e.body.as_ref()) {
            cited.insert(body.why.clone());
            expected.body.clone_from(&body.is);
        }
        let actual = parse(&exchange(&app, request).await);
        let found = differences(&expected, &actual);
        if !found.is_empty() {
            failures.push(format!("{name}:\n{}", found.join("\n")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    // Every difference has a stated reason, and every reason is some difference's.
    let reasons: BTreeSet<String> = declared.reasons.into_keys().collect();
    assert_eq!(cited, reasons, "reasons cited vs reasons stated");
}
