//! The request journal through a real server: who called what how often, filters,
//! masked credentials, truncated bodies, clearing, and switching it off.

use serde_json::{json, Value};

use crate::control_state::admin;
use crate::helpers::{basic, spawn_app, spawn_app_with, Binding, TestApp, P};

async fn update_contact(app: &TestApp, binding: Binding, ticket: &str, user: &str, mobile: &str) {
    app.node(
        binding,
        "UpdateUserContactInfo",
        &[
            ("authenticationTicket", P::V(ticket)),
            ("userName", P::V(user)),
            ("emailAddress", P::V(&format!("{user}@example.org"))),
            ("mobileNumber", P::V(mobile)),
        ],
    )
    .await;
}

async fn count(app: &TestApp, query: &str) -> u64 {
    let (status, body) = admin(
        app,
        "GET",
        &format!("/__emulator/requests/count?{query}"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body["count"].as_u64().unwrap()
}

async fn entries(app: &TestApp, query: &str) -> Vec<Value> {
    let (status, body) = admin(app, "GET", &format!("/__emulator/requests?{query}"), None).await;
    assert_eq!(status, 200, "{body}");
    body["requests"].as_array().unwrap().clone()
}

#[actix_web::test]
async fn update_user_contact_info_was_called_twice_for_jdoe() {
    let app = spawn_app().await;
    let jdoe = app.login("jdoe", "jdoe").await;
    let asmith = app.login("asmith", "asmith").await;
    update_contact(&app, Binding::Soap11, &jdoe, "jdoe", "555-0001").await;
    update_contact(&app, Binding::Soap11, &jdoe, "jdoe", "555-0002").await;
    update_contact(&app, Binding::Get, &asmith, "asmith", "555-0003").await;

    assert_eq!(
        count(&app, "operation=UpdateUserContactInfo&user=jdoe").await,
        2
    );
    assert_eq!(
        count(&app, "operation=UpdateUserContactInfo&user=JDOE").await,
        2
    );
    assert_eq!(count(&app, "operation=UpdateUserContactInfo").await, 3);
    assert_eq!(count(&app, "operation=AuthenticateUser").await, 2);
    assert_eq!(count(&app, "binding=soap11").await, 2);
    assert_eq!(count(&app, "user=asmith").await, 2);
    assert_eq!(count(&app, "status=500").await, 0);

    let calls = entries(&app, "operation=UpdateUserContactInfo&user=jdoe").await;
    let first = &calls[0];
    assert_eq!(first["method"], "POST");
    assert_eq!(first["path"], "/srv.asmx");
    assert_eq!(first["binding"], "soap11");
    assert_eq!(first["status"], 200);
    assert_eq!(first["fault"], Value::Null);
    assert!(first["request_body"]
        .as_str()
        .unwrap()
        .contains("<mobileNumber>555-0001</mobileNumber>"));
    assert!(first["response_body"]
        .as_str()
        .unwrap()
        .contains("UpdateUserContactInfoResult"));
    assert_eq!(
        first["request_headers"]["soapaction"],
        "\"http://tempuri.org/UpdateUserContactInfo\""
    );
    assert!(first["duration_ms"].as_f64().unwrap() >= 0.0);
    assert!(first["time"].as_str().unwrap().ends_with('Z'));
    // Oldest first, ids increasing; a limit keeps the newest.
    assert!(calls[0]["id"].as_u64() < calls[1]["id"].as_u64());
    let newest = entries(&app, "limit=1").await;
    assert_eq!(newest.len(), 1);
    assert_eq!(newest[0]["binding"], "get");
    assert_eq!(newest[0]["user"], "asmith");
    assert!(newest[0]["path"]
        .as_str()
        .unwrap()
        .starts_with("/srv.asmx/UpdateUserContactInfo?"));

    // `since` is the emulator clock: nothing after a moment in its future.
    let (_, clock) = admin(&app, "GET", "/__emulator/clock", None).await;
    let now = clock["now"].as_str().unwrap();
    app.clock.advance(chrono::Duration::seconds(5));
    let since = format!("since={now}");
    assert_eq!(count(&app, &since).await, 0);
    update_contact(&app, Binding::Post, &jdoe, "jdoe", "555-0004").await;
    assert_eq!(
        count(
            &app,
            &format!("{since}&operation=UpdateUserContactInfo&user=jdoe")
        )
        .await,
        1
    );

    assert_eq!(
        admin(&app, "DELETE", "/__emulator/requests", None).await.0,
        204
    );
    assert_eq!(count(&app, "").await, 0);
}

#[actix_web::test]
async fn credentials_in_headers_are_masked_and_vendor_calls_named() {
    let app = spawn_app().await;
    let resp = app
        .request(
            "POST",
            "/users/3",
            &[
                ("Authorization", "Bearer commbox-demo-token"),
                ("Content-Type", "application/json"),
                ("X-Api-Key", "k-123"),
                ("Cookie", "ticket=abc"),
                ("X-Request-Id", "r-1"),
            ],
            "{\"data\":{\"FirstName\":\"J\"}}",
        )
        .await;
    assert_eq!(resp.status, 200, "{}", resp.body);
    let auth = basic("ck_demo", "cs_demo");
    app.request(
        "PATCH",
        "/client/update-user?userId=681c74b2333e169d16a7e583",
        &[
            ("Authorization", &auth),
            ("Content-Type", "application/json"),
        ],
        "{}",
    )
    .await;
    let all = entries(&app, "").await;
    let commbox = &all[0];
    assert_eq!(commbox["operation"], "commbox.updateUser");
    assert_eq!(commbox["binding"], "commbox");
    assert_eq!(commbox["user"], "3");
    let headers = &commbox["request_headers"];
    for secret in ["authorization", "x-api-key", "cookie"] {
        assert_eq!(headers[secret], "[redacted]", "{headers}");
    }
    assert_eq!(headers["x-request-id"], "r-1");
    let text = serde_json::to_string(&all).unwrap();
    assert!(!text.contains("commbox-demo-token") && !text.contains("k-123"));
    assert!(!text.contains(&auth["Basic ".len()..]));
    assert_eq!(all[1]["operation"], "conscent.updateUser");
    assert_eq!(all[1]["user"], "681c74b2333e169d16a7e583");
    assert_eq!(count(&app, "binding=conscent").await, 1);
}

#[actix_web::test]
async fn large_bodies_are_truncated_and_admin_calls_are_not_journaled() {
    let app = spawn_app().await;
    let padding = "x".repeat(70 * 1024);
    let ticket = app.login("admin", "admin").await;
    update_contact(&app, Binding::Soap12, &ticket, "admin", &padding).await;
    admin(&app, "GET", "/__emulator/clock", None).await;
    app.get("/healthz").await;
    let all = entries(&app, "").await;
    assert_eq!(all.len(), 2, "{all:?}");
    let call = &all[1];
    assert_eq!(call["binding"], "soap12");
    assert_eq!(call["request_body_truncated"], true);
    assert_eq!(call["request_body"].as_str().unwrap().len(), 64 * 1024);
    assert_eq!(call["response_body_truncated"], false);
}

#[actix_web::test]
async fn the_ring_keeps_the_newest_and_size_zero_turns_it_off() {
    let app = spawn_app_with(&["--journal-size", "2"]).await;
    for _ in 0..3 {
        app.get("/srv.asmx/ServerInfo").await;
    }
    let all = entries(&app, "").await;
    assert_eq!(all.len(), 2);
    assert_eq!(all[1]["id"].as_u64().unwrap(), 3);
    assert_eq!(all[0]["operation"], "ServerInfo");

    let off = spawn_app_with(&["--journal-size", "0"]).await;
    off.get("/srv.asmx/ServerInfo").await;
    let (status, body) = admin(&off, "GET", "/__emulator/requests", None).await;
    assert_eq!(status, 409);
    assert_eq!(
        body,
        json!({"error": "the request journal is off (--journal-size 0)"})
    );
}

#[actix_web::test]
async fn bad_filters_are_400s() {
    let app = spawn_app().await;
    for query in [
        "status=abc",
        // An HTTP status is 100 to 599 (the document's bounds).
        "status=99",
        "status=600",
        "status=65535",
        "since=yesterday",
        "limit=-1",
        "binding=smtp",
        "colour=red",
    ] {
        let (status, body) =
            admin(&app, "GET", &format!("/__emulator/requests?{query}"), None).await;
        assert_eq!(status, 400, "{query}: {body}");
        assert!(body["error"].is_string());
    }
}
