//! CommBox's `POST /users/{USER_ID}` (docs/vendors.md §3): the envelope with its
//! seven-digit `response_time`, JSON and `data=` bodies, limits, custom fields, and
//! every error status of the seed.

use chrono::Duration;
use serde_json::json;

use crate::helpers::{attr, basic, form, json, redact, spawn_app, spawn_app_with, Resp, TestApp};
use crate::vendors_chatbot::contact_of;

const AUTH: &str = "Bearer commbox-demo-token";
const OK_3: &str = "{\"status\":200,\"description\":\"Operation successful\",\"response_time\":\"*\",\"data\":{\"Id\":3}}";

pub async fn post(app: &TestApp, path: &str, data: serde_json::Value) -> Resp {
    let body = json!({ "data": data }).to_string();
    app.request(
        "POST",
        path,
        &[
            ("Authorization", AUTH),
            ("Content-Type", "application/json"),
        ],
        &body,
    )
    .await
}

fn failure(status: u16, description: &str) -> String {
    format!("{{\"status\":{status},\"description\":\"{description}\",\"response_time\":\"*\"}}")
}

/// The stored custom fields of a user, read from the database file.
fn content_of(app: &TestApp, user_id: i64) -> serde_json::Value {
    let conn = rusqlite::Connection::open(&app.db).unwrap();
    let text: String = conn
        .query_row("SELECT content FROM users WHERE id = ?1", [user_id], |r| {
            r.get(0)
        })
        .unwrap();
    serde_json::from_str(&text).unwrap()
}

#[actix_web::test]
async fn success_is_the_seed_envelope() {
    let app = spawn_app().await;
    let resp = post(
        &app,
        "/users/3",
        json!({
            "UniqueId": "0123456789", "FirstName": "John", "LastName": "Dough",
            "Phone1": "19175555555", "Email": "JohnDoe@gmail.com",
            "Remarks": "Some remarks about the customer",
            "Content": { "Birth_Date": "1983-01-01", "VIP_Status": "8" }
        }),
    )
    .await;
    assert_eq!(resp.status, 200, "{}", resp.body);
    assert_eq!(resp.content_type, "application/json; charset=utf-8");
    assert_eq!(redact(&resp.body, "response_time"), OK_3);
    let time = json(&resp)["response_time"].as_str().unwrap().to_string();
    assert_eq!(time.len(), 28, "{time}");
    assert!(time.ends_with('Z') && time.as_bytes()[19] == b'.', "{time}");
    assert!(time[20..27].bytes().all(|b| b.is_ascii_digit()), "{time}");

    let ticket = app.login("admin", "admin").await;
    let node = app.get_user(&ticket, "jdoe").await;
    assert_eq!(attr(&node, "LastName").unwrap(), "Dough");
    assert_eq!(attr(&node, "Email").unwrap(), "JohnDoe@gmail.com");
    assert_eq!(
        attr(&node, "MobileNumber").unwrap(),
        "19175555555",
        "Phone1 is the mobile number"
    );
    assert_eq!(
        content_of(&app, 3),
        json!({"Birth_Date": "1983-01-01", "VIP_Status": "8"})
    );
}

/// Found by a review against docs/vendors.md: the id is a number (docs/vendors.md D-13), so leading
/// zeros name the same user, as a .NET int route parameter reads them.
#[actix_web::test]
async fn a_numeric_id_with_leading_zeros_is_the_same_user() {
    let app = spawn_app().await;
    let resp = post(&app, "/users/003", json!({"LastName": "Zeros"})).await;
    assert_eq!(resp.status, 200, "{}", resp.body);
    assert_eq!(json(&resp)["data"]["Id"], json!(3));
    let ticket = app.login("admin", "admin").await;
    let node = app.get_user(&ticket, "jdoe").await;
    assert_eq!(attr(&node, "LastName").unwrap(), "Zeros");
}

#[actix_web::test]
async fn form_field_data_is_accepted() {
    let app = spawn_app().await;
    let body = form(&[(
        "data",
        "{\"FirstName\":\"FIRSTNAME\",\"LastName\":\"LASTNAME\"}",
    )]);
    let resp = app
        .request(
            "POST",
            "/users/4",
            &[
                ("Authorization", AUTH),
                ("Content-Type", "application/x-www-form-urlencoded"),
            ],
            &body,
        )
        .await;
    assert_eq!(resp.status, 200, "{}", resp.body);
    assert!(resp.body.ends_with("\"data\":{\"Id\":4}}"));
    let ticket = app.login("admin", "admin").await;
    let node = app.get_user(&ticket, "asmith").await;
    assert_eq!(
        (
            attr(&node, "FirstName").unwrap(),
            attr(&node, "LastName").unwrap()
        ),
        ("FIRSTNAME".into(), "LASTNAME".into())
    );
}

#[actix_web::test]
async fn content_merges_key_by_key_and_d0_holds() {
    let app = spawn_app().await;
    post(
        &app,
        "/users/3",
        json!({"Content": {"A": "1", "B": "2", "c": "3"}}),
    )
    .await;
    let resp = post(
        &app,
        "/users/3",
        json!({"Email": null, "Phone1": "", "Content": {"B": "", "C": "4", "A": null}}),
    )
    .await;
    assert_eq!(redact(&resp.body, "response_time"), OK_3);
    assert_eq!(
        content_of(&app, 3),
        json!({"A": "1", "C": "4", "c": "3"}),
        "case-sensitive keys"
    );
    assert_eq!(
        contact_of(&app, "jdoe").await,
        ("jdoe@example.com".into(), String::new())
    );
}

#[actix_web::test]
async fn field_lengths_are_limited_in_utf16_units() {
    let app = spawn_app().await;
    for (field, ok, too_long) in [
        ("UniqueId", "u".repeat(50), "u".repeat(51)),
        (
            "FirstName",
            "😀".repeat(50),
            format!("{}x", "😀".repeat(50)),
        ),
        ("LastName", "é".repeat(100), "é".repeat(101)),
        ("Email", "e".repeat(255), "e".repeat(256)),
        ("Phone1", "1".repeat(100), "1".repeat(101)),
        ("Phone2", "2".repeat(100), "2".repeat(101)),
    ] {
        assert_eq!(
            post(&app, "/users/3", json!({ field: ok })).await.status,
            200,
            "{field}"
        );
        let resp = post(&app, "/users/3", json!({ field: too_long })).await;
        assert_eq!(
            (resp.status, redact(&resp.body, "response_time")),
            (400, failure(400, "Bad Request")),
            "{field}"
        );
    }
    assert_eq!(
        post(&app, "/users/3", json!({"Remarks": "r".repeat(10_000)}))
            .await
            .status,
        200
    );
}

#[actix_web::test]
async fn errors_are_the_envelope_without_data() {
    let app = spawn_app().await;
    assert_eq!(
        post(&app, "/users/4", json!({"UniqueId": "taken"}))
            .await
            .status,
        200
    );
    let cases: [(&str, &str, &str, u16); 10] = [
        ("/users/3", "application/json", "{\"data\":", 400),
        ("/users/3", "application/json", "{\"FirstName\":\"x\"}", 400),
        ("/users/3", "application/json", "{\"data\":[1]}", 400),
        (
            "/users/3",
            "application/json",
            "{\"data\":{\"FirstName\":7}}",
            400,
        ),
        (
            "/users/3",
            "application/json",
            "{\"data\":{\"Content\":{\"A\":1}}}",
            400,
        ),
        (
            "/users/3",
            "application/json",
            "{\"data\":{\"UniqueId\":\"taken\"}}",
            400,
        ),
        (
            "/users/3",
            "application/x-www-form-urlencoded",
            "other=1",
            400,
        ),
        ("/users/999", "application/json", "{\"data\":{}}", 404),
        ("/users/abc", "application/json", "{\"data\":{}}", 404),
        ("/users", "application/json", "{\"data\":{}}", 404),
    ];
    for (path, content_type, body, status) in cases {
        let resp = app
            .request(
                "POST",
                path,
                &[("Authorization", AUTH), ("Content-Type", content_type)],
                body,
            )
            .await;
        let reason = if status == 400 {
            "Bad Request"
        } else {
            "Not Found"
        };
        assert_eq!(
            (resp.status, redact(&resp.body, "response_time")),
            (status, failure(status, reason)),
            "{path} {body}"
        );
    }
    for method in ["PUT", "PATCH"] {
        let resp = app
            .request(
                method,
                "/users/3",
                &[("Authorization", AUTH)],
                "{\"data\":{}}",
            )
            .await;
        assert_eq!(
            (resp.status, redact(&resp.body, "response_time")),
            (501, failure(501, "Not Implemented"))
        );
    }
    let conscent = basic("ck_demo", "cs_demo");
    for auth in [
        None,
        Some("Bearer wrong"),
        Some("Bearer webapi-demo-token"),
        Some(conscent.as_str()),
        Some("commbox-demo-token"),
    ] {
        let mut headers = vec![("Content-Type", "application/json")];
        headers.extend(auth.map(|a| ("Authorization", a)));
        let resp = app
            .request(
                "POST",
                "/users/3",
                &headers,
                "{\"data\":{\"Email\":\"x@x.com\"}}",
            )
            .await;
        assert_eq!(
            (resp.status, redact(&resp.body, "response_time")),
            (401, failure(401, "Unauthorized")),
            "{auth:?}"
        );
    }
    assert_eq!(
        contact_of(&app, "jdoe").await.0,
        "jdoe@example.com",
        "nothing written"
    );
}

#[actix_web::test]
async fn rate_limiting_answers_429_with_retry_after() {
    let app = spawn_app_with(&["--commbox-rate", "2/min"]).await;
    for _ in 0..2 {
        assert_eq!(post(&app, "/users/3", json!({})).await.status, 200);
    }
    let unauthenticated = app
        .request(
            "POST",
            "/users/3",
            &[("Content-Type", "application/json")],
            "{\"data\":{}}",
        )
        .await;
    assert_eq!(unauthenticated.status, 401, "authentication comes first");
    let resp = post(&app, "/users/3", json!({"FirstName": "throttled"})).await;
    assert_eq!(
        (resp.status, redact(&resp.body, "response_time")),
        (429, failure(429, "Too Many Requests"))
    );
    assert_eq!(resp.headers.get("retry-after").unwrap(), "30");
    let ticket = app.login("admin", "admin").await;
    assert_eq!(
        attr(&app.get_user(&ticket, "jdoe").await, "FirstName").unwrap(),
        "John"
    );
    app.clock.advance(Duration::seconds(30));
    assert_eq!(post(&app, "/users/3", json!({})).await.status, 200);
    let off = spawn_app().await;
    for _ in 0..5 {
        assert_eq!(
            post(&off, "/users/3", json!({})).await.status,
            200,
            "off by default"
        );
    }
}
