//! Listings too large to hold, through a real server: read in batches from one
//! snapshot while they are sent, byte for byte the answer written whole, with an exact
//! `Content-Length`, and journaled without being held.

use crate::control_state::admin;
use crate::helpers::{spawn_app_with_users, Binding, Resp, TestApp, BINDINGS, P};

/// Enough generated users for several batches, and for more bytes than the first
/// pass keeps whole.
const USERS: usize = 5_000;
/// With the ten fixture users.
const TOTAL: usize = USERS + 10;

fn content_length(resp: &Resp) -> usize {
    resp.headers
        .get("content-length")
        .expect("a Content-Length")
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

/// Equal, or where they first differ (rather than megabytes of both).
fn assert_same(actual: &str, expected: &str, what: &str) {
    if actual == expected {
        return;
    }
    let at = actual
        .bytes()
        .zip(expected.bytes())
        .position(|(a, e)| a != e)
        .unwrap_or(actual.len().min(expected.len()));
    let around = |s: &str| {
        s.get(at.saturating_sub(80)..(at + 80).min(s.len()))
            .map(str::to_string)
    };
    panic!(
        "{what}: {} bytes against {}, first difference at byte {at}:\n{:?}\n{:?}",
        actual.len(),
        expected.len(),
        around(actual),
        around(expected)
    );
}

async fn get_all_users(app: &TestApp, binding: Binding, ticket: &str) -> Resp {
    app.call(
        binding,
        "GetAllUsers",
        &[("AuthenticationTicket", P::V(ticket))],
    )
    .await
}

/// GetAllUsers as GetAllUsers2 writes it whole: one page of every user in the same
/// order, without the page's `totalusercount`, under GetAllUsers' name.
/// Gives t_nguyen, the last user of the listing, a new email address over SOAP.
async fn set_last_users_email(app: &TestApp, ticket: &str, email: &str) {
    let node = app
        .node(
            Binding::Soap11,
            "UpdateUserContactInfo",
            &[
                ("authenticationTicket", P::V(ticket)),
                ("userName", P::V("t_nguyen")),
                ("emailAddress", P::V(email)),
                ("mobileNumber", P::V("555-0199")),
            ],
        )
        .await;
    assert!(node.contains("success=\"true\""), "{node}");
}

async fn written_whole(app: &TestApp, binding: Binding, ticket: &str) -> Resp {
    let rows = TOTAL.to_string();
    let params = [
        ("AuthenticationTicket", P::V(ticket)),
        ("StartingRowNumber", P::V("0")),
        ("NumberOfRow", P::V(&rows)),
        ("firstNameFilter", P::V("")),
        ("lastNameFilter", P::V("")),
        ("userNameFilter", P::V("")),
        ("emailFilter", P::V("")),
        ("authenticationSourceFilter", P::V("")),
        ("domainNameFilter", P::V("")),
        ("UserStatusFilter", P::V("-1")),
        ("UserTypeFilter", P::V("-1")),
        ("SortBy", P::V("0")),
        ("SortAscending", P::V("true")),
    ];
    let mut page = app.call(binding, "GetAllUsers2", &params).await;
    assert_eq!(page.status, 200, "{binding:?}");
    page.body = page
        .body
        .replacen(&format!(" totalusercount=\"{TOTAL}\""), "", 1)
        .replace("GetAllUsers2", "GetAllUsers");
    page
}

#[actix_web::test]
async fn a_streamed_listing_is_the_answer_written_whole_on_every_binding() {
    let app = spawn_app_with_users(USERS).await;
    let ticket = app.login("admin", "admin").await;
    for binding in BINDINGS {
        let streamed = get_all_users(&app, binding, &ticket).await;
        let whole = written_whole(&app, binding, &ticket).await;
        assert_eq!(streamed.status, 200, "{binding:?}");
        assert!(
            streamed.body.len() > 2_000_000,
            "{binding:?}: several batches"
        );
        assert_eq!(
            content_length(&streamed),
            streamed.body.len(),
            "{binding:?}"
        );
        assert_eq!(streamed.content_type, whole.content_type, "{binding:?}");
        assert_same(&streamed.body, &whole.body, &format!("{binding:?}"));
        assert_eq!(streamed.body.matches("<User ").count(), TOTAL);
        let names = |r: &Resp| {
            let mut names: Vec<String> = r
                .headers
                .keys()
                .filter(|n| *n != "date")
                .map(|n| n.to_string())
                .collect();
            names.sort();
            names
        };
        assert_eq!(names(&streamed), names(&whole), "{binding:?}");
        for name in [
            "cache-control",
            "server",
            "x-aspnet-version",
            "x-powered-by",
        ] {
            assert_eq!(
                streamed.headers.get(name),
                whole.headers.get(name),
                "{name}"
            );
        }
    }
}

#[actix_web::test]
async fn a_write_during_the_stream_does_not_change_it() {
    let app = spawn_app_with_users(USERS).await;
    let ticket = app.login("admin", "admin").await;
    let path = format!("/srv.asmx/GetAllUsers?AuthenticationTicket={ticket}");
    let before = app.get(&path).await;
    // t_nguyen ("Thanh") is the last user in the answer: the change is in its last
    // batch, and makes it longer.
    let email = format!("{}@example.org", "t".repeat(200));
    let change = set_last_users_email(&app, &ticket, &email);
    let during = app.get_meanwhile(&path, change).await;
    assert_eq!(content_length(&during), during.body.len());
    assert_same(
        &during.body,
        &before.body,
        "the answer begun before the write",
    );
    let after = app.get(&path).await;
    assert!(after.body.contains(&email), "a new answer shows the write");
    assert_eq!(content_length(&after), after.body.len());
}

#[actix_web::test]
async fn the_journal_keeps_the_first_64_kib_of_a_streamed_answer() {
    let app = spawn_app_with_users(USERS).await;
    let ticket = app.login("admin", "admin").await;
    let resp = get_all_users(&app, Binding::Get, &ticket).await;
    assert_eq!(resp.status, 200);
    let (status, body) = admin(
        &app,
        "GET",
        "/__emulator/requests?operation=GetAllUsers",
        None,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let entry = &body["requests"][0];
    assert_eq!(entry["status"], 200);
    assert_eq!(entry["user"], "admin");
    assert_eq!(entry["response_body_truncated"], true);
    let kept = entry["response_body"].as_str().unwrap();
    assert_eq!(kept.len(), 64 * 1024);
    assert_eq!(kept, &resp.body[..64 * 1024]);
}

/// Clients that hang up in the middle of a streamed answer: each cut ends its
/// snapshot, so the server goes on answering whole listings that show later writes.
#[actix_web::test]
async fn clients_that_hang_up_mid_stream_leave_nothing_behind() {
    use std::io::{Read, Write};

    let app = spawn_app_with_users(USERS).await;
    let ticket = app.login("admin", "admin").await;
    let path = format!("/srv.asmx/GetAllUsers?AuthenticationTicket={ticket}");
    let request = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    let port = app.port;
    // More cuts than the read pool keeps idle connections.
    let cuts = actix_web::rt::task::spawn_blocking(move || {
        (0..40)
            .map(|_| {
                let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
                stream
                    .set_read_timeout(Some(std::time::Duration::from_secs(30)))
                    .unwrap();
                stream.write_all(request.as_bytes()).unwrap();
                let mut part = vec![0; 100_000];
                let mut read = 0;
                while read < part.len() {
                    match stream.read(&mut part[read..]).unwrap() {
                        0 => break,
                        n => read += n,
                    }
                }
                read
            })
            .collect::<Vec<_>>()
    })
    .await
    .unwrap();
    assert!(cuts.iter().all(|&n| n == 100_000), "{cuts:?}");
    let email = "after.the.cuts@example.org";
    set_last_users_email(&app, &ticket, email).await;
    let whole = app.get(&path).await;
    assert_eq!(whole.status, 200);
    assert_eq!(content_length(&whole), whole.body.len());
    assert_eq!(whole.body.matches("<User ").count(), TOTAL);
    assert!(whole.body.contains(email), "the answer shows the write");
}
