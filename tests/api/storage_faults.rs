//! Storage faults (issue 23): a full disk, and a database file the system stops writing
//! under a running server. Each write that meets one is answered as its protocol
//! answers any store failure (ASMX's in-band `SystemError:`, the vendor's 500, the admin
//! API's JSON 503) and leaves nothing half-written; `/readyz` is 503 while it lasts;
//! once the cause goes away the server takes writes again, without a restart.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};

use crate::control_state::admin;
use crate::helpers::{attr, spawn_app, spawn_app_with_room, Binding, TestApp, P};
use crate::vendors_commbox::post;

async fn ready(app: &TestApp) -> (u16, String) {
    let resp = app.get("/readyz").await;
    (resp.status, resp.body)
}

/// CommBox custom fields (stored in the user's vendor profile) of user 3.
async fn commbox_content(app: &TestApp) -> Value {
    let conn = rusqlite::Connection::open(&app.db).unwrap();
    let text: Option<String> = conn
        .query_row(
            "SELECT content FROM users WHERE id = 3 AND profile_created_at IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap_or(None);
    text.map_or(Value::Null, |t| serde_json::from_str(&t).unwrap())
}

/// A fixture document of `n` users of 1 KB each, without passwords to hash.
fn many_users(n: usize) -> Value {
    let users: Vec<Value> = (0..n)
        .map(|i| json!({"user_name": format!("filler{i}"), "first_name": "x".repeat(1000)}))
        .collect();
    json!({ "users": users })
}

#[actix_web::test]
async fn a_full_disk_fails_each_write_whole_and_clears_once_there_is_room() {
    let app = spawn_app_with_room(100).await;
    assert_eq!(ready(&app).await.0, 200);

    // Fill it: 64 KB of custom fields per write, until the disk is full.
    let mut stored = Vec::new();
    let refused = loop {
        assert!(stored.len() < 64, "the disk never filled up");
        let key = format!("k{}", stored.len());
        let resp = post(
            &app,
            "/users/3",
            json!({"Content": {&key: "v".repeat(64_000)}}),
        )
        .await;
        if resp.status != 200 {
            break resp;
        }
        stored.push(key);
    };
    assert!(!stored.is_empty(), "nothing fitted: {refused:?}");
    // CommBox's 500, in its own envelope.
    assert_eq!(refused.status, 500, "{}", refused.body);
    let body: Value = serde_json::from_str(&refused.body).unwrap();
    assert_eq!(body["status"], 500);
    assert_eq!(body["description"], "Internal Server Error");
    // Nothing of the refused write is stored; everything acknowledged is.
    let content = commbox_content(&app).await;
    for key in &stored {
        assert!(content.get(key).is_some(), "{key} lost");
    }
    assert!(content.get(format!("k{}", stored.len())).is_none());

    let (status, body) = ready(&app).await;
    assert_eq!(status, 503, "{body}");
    assert!(body.contains("full"), "{body}");
    // The admin API: a JSON 503 naming the cause, and nothing loaded.
    let (status, body) = admin(&app, "POST", "/__emulator/fixtures", Some(many_users(1000))).await;
    assert_eq!(status, 503, "{body}");
    assert!(body["error"].as_str().unwrap().contains("full"), "{body}");
    assert!(app
        .get_user(&app.login("jdoe", "jdoe").await, "filler0")
        .await
        .contains("success=\"false\""));

    // Room again: a reset drops the custom fields, and the pages they held are free.
    let (status, body) = admin(&app, "POST", "/__emulator/reset", None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(ready(&app).await.0, 200);
    let resp = post(&app, "/users/3", json!({"Content": {"after": "v"}})).await;
    assert_eq!(resp.status, 200, "{}", resp.body);
}

/// `chattr +i` on the database and its WAL: the kernel refuses every write to them,
/// through descriptors already open too (a `chmod` would not stop those, and root
/// ignores modes anyway). Setting it needs CAP_LINUX_IMMUTABLE, which `.ci/run` has as
/// root. Undone on drop, so a failing test still leaves a removable directory.
struct Immutable(Vec<PathBuf>);

impl Immutable {
    fn set(files: Vec<PathBuf>) -> Immutable {
        for file in &files {
            chattr("+i", file);
        }
        Immutable(files)
    }
}

impl Drop for Immutable {
    fn drop(&mut self) {
        for file in &self.0 {
            chattr("-i", file);
        }
    }
}

fn chattr(flag: &str, file: &Path) {
    let out = Command::new("chattr").arg(flag).arg(file).output();
    let out = out.expect("chattr (e2fsprogs) runs");
    assert!(
        out.status.success(),
        "chattr {flag} {}: {} (needs root: CAP_LINUX_IMMUTABLE)",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// jdoe's email changed to new@example.com over `binding`: the answer's node.
async fn new_email(app: &TestApp, binding: Binding, ticket: &str) -> String {
    app.node(
        binding,
        "UpdateUserContactInfo",
        &[
            ("authenticationTicket", P::V(ticket)),
            ("userName", P::V("jdoe")),
            ("emailAddress", P::V("new@example.com")),
            ("mobileNumber", P::V("555-0100")),
        ],
    )
    .await
}

#[actix_web::test]
async fn a_database_the_system_stops_writing_fails_writes_until_it_writes_again() {
    let app = spawn_app().await;
    let ticket = app.login("jdoe", "jdoe").await;
    let wal = PathBuf::from(format!("{}-wal", app.db.display()));
    let frozen = Immutable::set(vec![app.db.clone(), wal]);

    // ASMX: the store failure in band, on every binding; nothing changes.
    for binding in [Binding::Soap11, Binding::Get] {
        let node = new_email(&app, binding, &ticket).await;
        assert_eq!(attr(&node, "success").as_deref(), Some("false"), "{node}");
        let error = attr(&node, "error").unwrap();
        assert!(error.starts_with("SystemError:"), "{node}");
    }
    // CommBox: its 500.
    let resp = post(&app, "/users/3", json!({"Content": {"k": "v"}})).await;
    assert_eq!(resp.status, 500, "{}", resp.body);
    // Admin: a JSON 503.
    let (status, body) = admin(&app, "POST", "/__emulator/fixtures", Some(many_users(2))).await;
    assert_eq!(status, 503, "{body}");
    let (status, body) = ready(&app).await;
    assert_eq!(status, 503, "{body}");
    // Reads go on, and show nothing half-written.
    let user = app.get_user(&ticket, "jdoe").await;
    assert!(user.contains("jdoe@example.com"), "{user}");

    drop(frozen);
    let (status, body) = ready(&app).await;
    assert_eq!(status, 200, "{body}");
    let node = new_email(&app, Binding::Get, &ticket).await;
    assert_eq!(attr(&node, "success").as_deref(), Some("true"), "{node}");
    assert!(app
        .get_user(&ticket, "jdoe")
        .await
        .contains("new@example.com"));
}
