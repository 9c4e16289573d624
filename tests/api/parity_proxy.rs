//! The parity kit's proxy (docs/parity.md, "record") against a peer that answers byte
//! for byte what the test says: bodies, chunks, `Expect: 100-continue` and keep-alive
//! pass unchanged and are recorded exactly; an unreachable or garbage upstream is a 502
//! and nothing is recorded.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::Duration;

use crate::parity::{captures, record, scripted_upstream};

/// Reads `n` bytes off `conn`.
fn read_n(conn: &mut TcpStream, n: usize) -> Vec<u8> {
    let mut bytes = vec![0; n];
    conn.read_exact(&mut bytes).unwrap();
    bytes
}

#[test]
fn the_proxy_passes_bytes_unchanged_and_records_them_exactly() {
    let binary: Vec<u8> = (0..=255u8).chain(0..=255u8).collect();
    let mut chunked =
        b"HTTP/1.1 200 OK\r\nX-Odd-CASE:  spaced \r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
    chunked.extend_from_slice(b"7\r\n\x00\x01\r\n\xff\xfe\r\r\n0\r\n\r\n");
    let mut sized = b"HTTP/1.1 404 Not Here\r\ncontent-length: 512\r\n\r\n".to_vec();
    sized.extend_from_slice(&binary);
    let (upstream, received) = scripted_upstream(vec![chunked.clone(), sized.clone()]);
    let dir = tempfile::tempdir().unwrap();
    let recorder = record(&upstream, &dir.path().join("c"), &[]);
    let mut conn = TcpStream::connect(recorder.base.trim_start_matches("http://")).unwrap();
    conn.set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();

    // A binary body behind Expect: 100-continue: the head, the interim answer, the body.
    let head = format!(
        "POST /x.bin?q=1 HTTP/1.1\r\nHost: proxy\r\nexpect: 100-continue\r\nContent-Length: {}\r\n\r\n",
        binary.len()
    );
    conn.write_all(head.as_bytes()).unwrap();
    assert_eq!(read_n(&mut conn, 25), b"HTTP/1.1 100 Continue\r\n\r\n");
    conn.write_all(&binary).unwrap();
    assert_eq!(read_n(&mut conn, chunked.len()), chunked);
    let upstream_authority = upstream
        .trim_start_matches("http://")
        .trim_end_matches("/base");
    let mut expected = head
        .replace("POST /x.bin", "POST /base/x.bin")
        .replace("Host: proxy", &format!("Host: {upstream_authority}"))
        .into_bytes();
    expected.extend_from_slice(&binary);
    assert_eq!(
        received.recv_timeout(Duration::from_secs(30)).unwrap(),
        expected
    );

    // Keep-alive: the next request on the same connections.
    let get = b"GET /y HTTP/1.1\r\nHost: proxy\r\n\r\n";
    conn.write_all(get).unwrap();
    assert_eq!(read_n(&mut conn, sized.len()), sized);
    assert!(received.recv_timeout(Duration::from_secs(30)).is_ok());

    let files = captures(&recorder.dir);
    assert_eq!(files.len(), 2, "{files:?}");
    let mut first = b"=== REQUEST ===\n".to_vec();
    first.extend_from_slice(head.as_bytes());
    first.extend_from_slice(&binary);
    first.extend_from_slice(b"\n=== RESPONSE ===\n");
    first.extend_from_slice(&chunked);
    assert_eq!(std::fs::read(recorder.dir.join(&files[0])).unwrap(), first);
    let mut second = b"=== REQUEST ===\n".to_vec();
    second.extend_from_slice(get);
    second.extend_from_slice(b"\n=== RESPONSE ===\n");
    second.extend_from_slice(&sized);
    assert_eq!(std::fs::read(recorder.dir.join(&files[1])).unwrap(), second);
}

/// Sends `request` to the proxy on a connection of its own; everything it answers.
fn exchange(base: &str, request: &[u8]) -> String {
    let mut conn = TcpStream::connect(base.trim_start_matches("http://")).unwrap();
    conn.set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    conn.write_all(request).unwrap();
    let mut answer = Vec::new();
    conn.read_to_end(&mut answer).unwrap();
    String::from_utf8_lossy(&answer).into_owned()
}

#[test]
fn an_unreachable_or_garbage_upstream_is_a_502_and_nothing_is_recorded() {
    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let dir = tempfile::tempdir().unwrap();
    let recorder = record(&dead, &dir.path().join("c"), &[]);
    let answer = exchange(&recorder.base, b"GET /srv.asmx HTTP/1.1\r\nHost: p\r\n\r\n");
    assert!(
        answer.starts_with("HTTP/1.1 502 Bad Gateway\r\n"),
        "{answer}"
    );
    assert!(answer.contains(&format!("cannot reach {dead}")), "{answer}");
    let files: Vec<String> = std::fs::read_dir(&recorder.dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(files, ["capture.json"]);

    let (garbage, _requests) = scripted_upstream(vec![b"SSH-2.0-OpenSSH\r\n\r\n".to_vec()]);
    let recorder = record(&garbage, &dir.path().join("g"), &[]);
    let answer = exchange(&recorder.base, b"GET /srv.asmx HTTP/1.1\r\nHost: p\r\n\r\n");
    assert!(
        answer.starts_with("HTTP/1.1 502 Bad Gateway\r\n"),
        "{answer}"
    );
    assert!(answer.contains("not a whole HTTP response"), "{answer}");
    assert_eq!(captures(&recorder.dir), Vec::<String>::new());
}
