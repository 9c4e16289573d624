//! The admin API's data endpoints through a real server: reset, fixtures export and
//! import (round trip), creating users, the mail outbox, the clock, health, metrics,
//! the admin token, and 400s for bad input.

use serde_json::{json, Value};

use crate::helpers::{attr, response_error, spawn_app, spawn_app_with, Binding, TestApp, P};

/// An admin call with an optional JSON body: the status and the JSON answer (`null` for
/// an empty body).
pub async fn admin(app: &TestApp, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    admin_with(app, method, path, body, &[]).await
}

pub async fn admin_with(
    app: &TestApp,
    method: &str,
    path: &str,
    body: Option<Value>,
    headers: &[(&str, &str)],
) -> (u16, Value) {
    let mut all = vec![("Content-Type", "application/json")];
    all.extend_from_slice(headers);
    let text = body.map(|b| b.to_string()).unwrap_or_default();
    let resp = app.request(method, path, &all, &text).await;
    let value = if resp.body.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&resp.body)
            .unwrap_or_else(|e| panic!("{method} {path}: not JSON ({e}): {}", resp.body))
    };
    (resp.status, value)
}

async fn email_of(app: &TestApp, user: &str) -> String {
    let t = app.login("admin", "admin").await;
    attr(&app.get_user(&t, user).await, "Email").unwrap()
}

/// A Conscent update of the user with Conscent id `user_id`, which must succeed.
async fn conscent_update(app: &TestApp, user_id: &str, body: &str) {
    let authorization = crate::helpers::basic("ck_demo", "cs_demo");
    let resp = app
        .request(
            "PATCH",
            &format!("/client/update-user?userId={user_id}"),
            &[
                ("Authorization", &authorization),
                ("Content-Type", "application/json"),
            ],
            body,
        )
        .await;
    assert_eq!(resp.status, 200, "{user_id}: {}", resp.body);
}

#[actix_web::test]
async fn reset_brings_back_the_fixture_users_and_drops_tickets_and_mails() {
    let app = spawn_app().await;
    let t = app.login("jdoe", "jdoe").await;
    app.node(
        Binding::Get,
        "UpdateUserEmail",
        &[
            ("authenticationTicket", P::V(&t)),
            ("userName", P::V("jdoe")),
            ("NewEmailAddress", P::V("changed@example.org")),
        ],
    )
    .await;
    app.call(
        Binding::Get,
        "ForgotPassword",
        &[("EmailAddress", P::V("alice.smith@example.com"))],
    )
    .await;
    assert_eq!(email_of(&app, "jdoe").await, "changed@example.org");
    assert_eq!(
        admin(&app, "GET", "/__emulator/mails", None).await.1["mails"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    let (status, body) = admin(&app, "POST", "/__emulator/reset", None).await;
    assert_eq!((status, body), (200, json!({"users": 10})));

    assert_eq!(email_of(&app, "jdoe").await, "jdoe@example.com");
    let node = app.get_user(&t, "jdoe").await;
    assert_eq!(
        node,
        response_error("[901] Session expired or Invalid ticket")
    );
    assert_eq!(
        admin(&app, "GET", "/__emulator/mails", None).await.1,
        json!({"mails": []})
    );
    // Vendor credentials are back too.
    let resp = crate::vendors_commbox::post(&app, "/users/3", json!({"FirstName": "J"})).await;
    assert_eq!(resp.status, 200, "{}", resp.body);
}

#[actix_web::test]
async fn exported_fixtures_load_back_into_the_same_users() {
    let app = spawn_app().await;
    let (status, exported) = admin(&app, "GET", "/__emulator/fixtures", None).await;
    assert_eq!(status, 200);
    let users = exported["users"].as_array().unwrap();
    assert_eq!(users.len(), 10);
    let jdoe = &users[2];
    assert_eq!(jdoe["user_name"], "jdoe");
    assert_eq!(jdoe["domain"], "Finance");
    assert_eq!(jdoe["memberships"], json!(["Engineering"]));
    assert!(jdoe["password_hash"]
        .as_str()
        .unwrap()
        .starts_with("$argon2"));
    assert!(jdoe.get("password").is_none());
    assert!(exported["domains"]
        .as_array()
        .unwrap()
        .contains(&json!("Archive")));

    let (status, body) = admin(&app, "POST", "/__emulator/fixtures", Some(exported.clone())).await;
    assert_eq!((status, body), (200, json!({"users": 10})));
    assert_eq!(
        admin(&app, "GET", "/__emulator/fixtures", None).await.1,
        exported
    );
    // Passwords survive as their hashes; vendor ids of the fixture users too.
    app.login("jdoe", "jdoe").await;
    conscent_update(&app, "681c74b2333e169d16a7e583", "{}").await;
}

#[actix_web::test]
async fn a_posted_document_replaces_every_user() {
    let app = spawn_app().await;
    let doc = json!({
        "domains": ["Ops"],
        "users": [{"id": 1, "user_name": "root", "password": "pw", "sysadmin": true, "domain": "Ops"},
                  {"user_name": "solo", "password": "solo", "email": "solo@example.com"}]
    });
    let (status, body) = admin(&app, "POST", "/__emulator/fixtures", Some(doc)).await;
    assert_eq!((status, body), (200, json!({"users": 2})));
    let t = app.login("solo", "solo").await;
    assert_eq!(
        attr(&app.get_user(&t, "solo").await, "Email").unwrap(),
        "solo@example.com"
    );
    let gone = app
        .node(
            Binding::Get,
            "AuthenticateUser",
            &[("UID", P::V("jdoe")), ("PWD", P::V("jdoe"))],
        )
        .await;
    assert!(gone.contains("success=\"false\""), "{gone}");

    let (status, body) = admin(
        &app,
        "POST",
        "/__emulator/fixtures",
        Some(json!({"users": [{"name": "x"}]})),
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("unknown field `name`"),
        "{body}"
    );
    // A failed load changes nothing.
    app.login("solo", "solo").await;
}

#[actix_web::test]
async fn a_created_user_signs_in_and_duplicates_are_conflicts() {
    let app = spawn_app().await;
    let user = json!({"user_name": "newbie", "password": "pw1", "first_name": "New",
                      "email": "newbie@example.com", "domain": "Finance"});
    let (status, body) = admin(&app, "POST", "/__emulator/users", Some(user.clone())).await;
    assert_eq!((status, body), (201, json!({"id": 11})));
    let t = app.login("newbie", "pw1").await;
    let node = app.get_user(&t, "newbie").await;
    assert_eq!(attr(&node, "FirstName").unwrap(), "New");

    let (status, body) = admin(&app, "POST", "/__emulator/users", Some(user)).await;
    assert_eq!(status, 409, "{body}");
    let (status, body) = admin(
        &app,
        "POST",
        "/__emulator/users",
        Some(json!({"id": 3, "user_name": "other"})),
    )
    .await;
    assert_eq!(status, 409, "{body}");
    let (status, body) = admin(
        &app,
        "POST",
        "/__emulator/users",
        Some(json!({"password": "x"})),
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        body["error"].as_str().unwrap().contains("user_name"),
        "{body}"
    );
}

/// A user id must fit the 12 hex digits of the vendor ids derived from it
/// (docs/vendors.md, "Fixture users' vendor ids"): 1…2^48−1.
#[actix_web::test]
async fn a_created_user_id_outside_1_to_2_pow_48_is_refused() {
    let app = spawn_app().await;
    let max: i64 = (1 << 48) - 1;
    for id in [json!(0), json!(-1), json!(max + 1), json!(i64::MAX)] {
        let user = json!({"id": id, "user_name": format!("u{id}")});
        let (status, body) = admin(&app, "POST", "/__emulator/users", Some(user)).await;
        assert_eq!(status, 400, "id {id}: {body}");
        let error = body["error"].as_str().unwrap();
        assert!(
            error.contains(&format!("id {id} is outside 1…{max}")),
            "{body}"
        );
    }
    let users = json!({"users": [{"id": 0, "user_name": "zero"}]});
    let (status, body) = admin(&app, "POST", "/__emulator/fixtures", Some(users)).await;
    assert_eq!(status, 400, "a fixture document too: {body}");

    let (status, body) = admin(
        &app,
        "POST",
        "/__emulator/users",
        Some(json!({"id": max, "user_name": "highest", "password": "pw"})),
    )
    .await;
    assert_eq!((status, body), (201, json!({"id": max})));
    // Reachable through the vendor APIs by its derived ids.
    let resp = app
        .request(
            "POST",
            &format!("/users/{max}"),
            &[
                ("Authorization", "Bearer commbox-demo-token"),
                ("Content-Type", "application/json"),
            ],
            r#"{"data":{"FirstName":"High"}}"#,
        )
        .await;
    assert_eq!(resp.status, 200, "{}", resp.body);
    conscent_update(&app, "665000000000ffffffffffff", r#"{"name":"High Est"}"#).await;
}

#[actix_web::test]
async fn the_outbox_lists_the_reset_link_with_its_secret_and_empties() {
    let app = spawn_app().await;
    app.call(
        Binding::Get,
        "ForgotPasswordByUserName",
        &[("UserName", P::V("jdoe"))],
    )
    .await;
    let (status, body) = admin(&app, "GET", "/__emulator/mails", None).await;
    assert_eq!(status, 200);
    let mail = &body["mails"][0];
    assert_eq!(mail["to"], "jdoe@example.com");
    assert_eq!(mail["user"], "jdoe");
    assert_eq!(mail["kind"], "FORGOTPASSWORD");
    assert_eq!(mail["subject"], "Password reset request");
    let secret = mail["secret"].as_str().unwrap();
    assert_eq!(secret.len(), 36);
    assert!(mail["link"]
        .as_str()
        .unwrap()
        .ends_with(&format!("secretText={secret}")));
    assert!(mail["body"]
        .as_str()
        .unwrap()
        .contains(mail["link"].as_str().unwrap()));

    assert_eq!(
        admin(&app, "DELETE", "/__emulator/mails", None).await,
        (204, Value::Null)
    );
    assert_eq!(
        admin(&app, "GET", "/__emulator/mails", None).await.1,
        json!({"mails": []})
    );
}

#[actix_web::test]
async fn advancing_the_clock_31_days_expires_a_ticket() {
    let app = spawn_app().await;
    let t = app.login("jdoe", "jdoe").await;
    let (status, before) = admin(&app, "GET", "/__emulator/clock", None).await;
    assert_eq!((status, &before["offset_ms"]), (200, &json!(0)));

    let (status, after) = admin(
        &app,
        "POST",
        "/__emulator/clock/advance",
        Some(json!({"duration": "31days"})),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(after["offset_ms"], json!(31 * 86_400_000_i64));
    assert_eq!(
        app.get_user(&t, "jdoe").await,
        response_error("[901] Session expired or Invalid ticket")
    );

    let (_, back) = admin(
        &app,
        "POST",
        "/__emulator/clock/advance",
        Some(json!({"seconds": -86400})),
    )
    .await;
    assert_eq!(back["offset_ms"], json!(30 * 86_400_000_i64));

    let (status, set) = admin(
        &app,
        "PUT",
        "/__emulator/clock",
        Some(json!({"now": "2031-02-03T04:05:06Z"})),
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        set["now"].as_str().unwrap().starts_with("2031-02-03T04:05"),
        "{set}"
    );

    let (status, real) = admin(&app, "DELETE", "/__emulator/clock", None).await;
    assert_eq!((status, &real["offset_ms"]), (200, &json!(0)));

    for bad in [
        json!({}),
        json!({"seconds": 1, "duration": "1s"}),
        json!({"duration": "soon"}),
        json!({"seconds": "9"}),
        json!({"seconds": 1e300}),
        // `null` is neither member (openapi/openapi.yaml: exactly one of them).
        json!({"seconds": null}),
        json!({"seconds": null, "duration": "1h"}),
        json!({"seconds": 60, "duration": null}),
    ] {
        let (status, body) =
            admin(&app, "POST", "/__emulator/clock/advance", Some(bad.clone())).await;
        assert_eq!(status, 400, "{bad}: {body}");
        assert!(body["error"].is_string());
    }
    let (status, _) = admin(
        &app,
        "PUT",
        "/__emulator/clock",
        Some(json!({"now": "tomorrow"})),
    )
    .await;
    assert_eq!(status, 400);
    for far in ["1969-12-31T23:59:59Z", "9999-12-31T23:59:59Z"] {
        let (status, body) = admin(
            &app,
            "PUT",
            "/__emulator/clock",
            Some(json!({ "now": far })),
        )
        .await;
        assert_eq!(status, 400, "{far}: {body}");
    }
}

#[actix_web::test]
async fn health_readiness_and_metrics_answer() {
    let app = spawn_app().await;
    let health = app.get("/healthz").await;
    assert_eq!(
        (health.status, health.body.as_str()),
        (200, "{\"status\":\"ok\"}")
    );
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status, 200, "{}", ready.body);

    app.login("jdoe", "jdoe").await;
    app.call(
        Binding::Soap11,
        "GetUser",
        &[
            ("authenticationTicket", P::V("x")),
            ("UserName", P::V("jdoe")),
        ],
    )
    .await;
    let metrics = app.get("/metrics").await;
    assert_eq!(metrics.status, 200);
    assert!(
        metrics.content_type.starts_with("text/plain"),
        "{}",
        metrics.content_type
    );
    let text = metrics.body;
    assert!(
        text.contains(
            "asmx_requests_total{binding=\"get\",operation=\"AuthenticateUser\",status=\"200\",world=\"default\"} 1"
        ),
        "{text}"
    );
    assert!(text.contains(
        "asmx_requests_total{binding=\"soap11\",operation=\"GetUser\",status=\"200\",world=\"default\"} 1"
    ));
    assert!(text.contains(
        "asmx_request_duration_seconds_count{binding=\"soap11\",operation=\"GetUser\",world=\"default\"} 1"
    ));
    assert!(text.contains("asmx_active_tickets 1"), "{text}");
    let bytes: u64 = text
        .lines()
        .find_map(|l| l.strip_prefix("asmx_database_bytes "))
        .unwrap()
        .parse()
        .unwrap();
    assert!(bytes > 0);
    // The emulator's own endpoints are not counted.
    assert!(!text.contains("healthz") && !text.contains("/metrics"));
}

#[actix_web::test]
async fn with_an_admin_token_every_admin_route_needs_it() {
    let app = spawn_app_with(&["--admin-token", "s3cret-admin"]).await;
    for (method, path) in [
        ("GET", "/__emulator/requests"),
        ("POST", "/__emulator/reset"),
        ("GET", "/__emulator/clock"),
        ("GET", "/__emulator/openapi.yaml"),
        ("GET", "/__emulator/nothing-here"),
    ] {
        let (status, body) = admin(&app, method, path, None).await;
        assert_eq!(status, 401, "{method} {path}");
        assert!(
            body["error"].as_str().unwrap().contains("admin token"),
            "{body}"
        );
        let (status, _) = admin_with(
            &app,
            method,
            path,
            None,
            &[("Authorization", "Bearer wrong")],
        )
        .await;
        assert_eq!(status, 401, "{method} {path}");
    }
    let resp = app
        .request(
            "GET",
            "/__emulator/clock",
            &[("Authorization", "Bearer s3cret-admin")],
            "",
        )
        .await;
    assert_eq!(resp.status, 200, "{}", resp.body);
    assert_eq!(resp.headers.get("www-authenticate"), None);
    // Emulated APIs and health checks stay open.
    app.login("jdoe", "jdoe").await;
    assert_eq!(app.get("/healthz").await.status, 200);
    assert_eq!(app.get("/metrics").await.status, 200);
    let denied = app.request("GET", "/__emulator/clock", &[], "").await;
    assert_eq!(
        denied.headers.get("www-authenticate").unwrap(),
        "Bearer realm=\"asmx-emulator\""
    );
}

#[actix_web::test]
async fn without_a_token_the_admin_api_is_open_and_unknown_routes_are_json_404s() {
    let app = spawn_app().await;
    assert_eq!(admin(&app, "GET", "/__emulator/clock", None).await.0, 200);
    let (status, body) = admin(&app, "GET", "/__emulator/nothing-here", None).await;
    assert_eq!(status, 404);
    assert_eq!(
        body,
        json!({"error": "no admin route GET /__emulator/nothing-here"})
    );
    let (status, body) = admin(&app, "PUT", "/__emulator/clock", Some(json!({"now": 1}))).await;
    assert_eq!(status, 400);
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .starts_with("invalid JSON body"),
        "{body}"
    );
    let (status, body) = admin(&app, "PATCH", "/__emulator/clock", None).await;
    assert_eq!(status, 405);
    assert_eq!(
        body,
        json!({"error": "PATCH is not served on /__emulator/clock"})
    );
    let resp = app
        .request(
            "POST",
            "/__emulator/users",
            &[("Content-Type", "application/json")],
            "{not json",
        )
        .await;
    assert_eq!(resp.status, 400);
}
