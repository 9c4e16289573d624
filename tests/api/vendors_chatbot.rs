//! The chatbot middleware's `updateUserContactDetails` (docs/vendors.md §1): the bot's
//! envelope byte for byte, user resolution, docs/vendors.md D-0, Spring's framework errors.

use serde_json::json;

use crate::helpers::{attr, basic, redact, spawn_app, Resp, TestApp};

const PATH: &str = "/api/rest/v1/ecom/integrations/updateUserContactDetails";
const AUTH: &str = "Basic QUNkZW1vOmRlbW8tdG9rZW4=";
const UPDATED: &str = "{\"responseType\":\"text\",\"responseId\":\"*\",\"responseMessages\":[{\"simpleResponse\":{\"responseText\":\"User Contact details updated successfully \"}}]}";

fn envelope(text: &str) -> String {
    format!("{{\"responseType\":\"text\",\"responseId\":\"*\",\"responseMessages\":[{{\"simpleResponse\":{{\"responseText\":\"{text}\"}}}}]}}")
}

/// The seed's request with the placeholders filled in.
pub(crate) fn request(uid: &str, user_name: &str, contact: serde_json::Value) -> String {
    json!({
        "response": {},
        "conversationRequest": {
            "userInfo": { "uid": uid, "last_name": "Doe", "first_name": "John", "username": user_name },
            "channel": "TELEGRAM"
        },
        "languageCode": "en-US",
        "queryInfo": {
            "interestType": "update-address",
            "parameters": { "params": { "accountInfo": { "userContact": contact } } }
        }
    })
    .to_string()
}

pub async fn update(app: &TestApp, body: &str) -> Resp {
    app.request(
        "POST",
        PATH,
        &[
            ("Authorization", AUTH),
            ("Content-Type", "application/json"),
        ],
        body,
    )
    .await
}

pub async fn contact_of(app: &TestApp, user: &str) -> (String, String) {
    let ticket = app.login("admin", "admin").await;
    let node = app.get_user(&ticket, user).await;
    (
        attr(&node, "Email").unwrap(),
        attr(&node, "MobileNumber").unwrap(),
    )
}

#[actix_web::test]
async fn success_is_the_seed_envelope_byte_for_byte() {
    let app = spawn_app().await;
    let body = request(
        "jdoe",
        "",
        json!({"phoneNumber": "555-0123", "emailId": "john@shop.example"}),
    );
    let resp = update(&app, &body).await;
    assert_eq!(resp.status, 200, "{}", resp.body);
    assert_eq!(resp.content_type, "application/json");
    assert_eq!(redact(&resp.body, "responseId"), UPDATED);
    let id = crate::helpers::json(&resp)["responseId"]
        .as_str()
        .unwrap()
        .to_string();
    let (uuid, tail) = id.split_at(36);
    assert!(
        uuid::Uuid::parse_str(uuid).is_ok() && uuid == uuid.to_lowercase(),
        "{id}"
    );
    assert!(tail.len() == 9 && tail.starts_with('-'), "{id}");
    assert!(
        tail[1..]
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
        "{id}"
    );
    assert_ne!(
        crate::helpers::json(&update(&app, &body).await)["responseId"],
        id.as_str()
    );
    assert_eq!(
        contact_of(&app, "jdoe").await,
        ("john@shop.example".into(), "555-0123".into())
    );
}

#[actix_web::test]
async fn charset_parameter_is_accepted() {
    let app = spawn_app().await;
    let resp = app
        .request(
            "POST",
            PATH,
            &[
                ("Authorization", AUTH),
                ("Content-Type", "application/json; charset=utf-8"),
            ],
            &request("jdoe", "", json!({"emailId": "j@x.com"})),
        )
        .await;
    assert_eq!(resp.status, 200, "{}", resp.body);
}

#[actix_web::test]
async fn users_resolve_by_link_then_email_then_user_name() {
    let app = spawn_app().await;
    for (uid, user_name, target, email) in [
        ("TG-100200300", "", "jdoe", "by-link@x.com"),
        ("Alice.Smith@Example.com", "", "asmith", "by-email@x.com"),
        ("BWONG", "", "bwong", "by-name@x.com"),
        ("chat-4242", "mgarcia", "mgarcia", "by-username@x.com"),
    ] {
        let resp = update(&app, &request(uid, user_name, json!({"emailId": email}))).await;
        assert_eq!(resp.status, 200, "{uid}: {}", resp.body);
        assert_eq!(contact_of(&app, target).await.0, email, "{uid}");
    }
}

#[actix_web::test]
async fn unknown_and_ambiguous_users_keep_the_envelope() {
    let app = spawn_app().await;
    let resp = update(
        &app,
        &request("nobody@x.com", "nobody", json!({"emailId": "a@x.com"})),
    )
    .await;
    assert_eq!(
        (resp.status, resp.content_type.as_str()),
        (404, "application/json")
    );
    assert_eq!(redact(&resp.body, "responseId"), envelope("User not found"));

    // Two users sharing an address: the bot cannot tell which one it talks to.
    let admin = app.login("admin", "admin").await;
    let node = app
        .node(
            crate::helpers::Binding::Get,
            "UpdateUserEmail",
            &[
                ("AuthenticationTicket", crate::helpers::P::V(&admin)),
                ("UserName", crate::helpers::P::V("bwong")),
                ("NewEmailAddress", crate::helpers::P::V("jdoe@example.com")),
            ],
        )
        .await;
    assert!(node.contains("success=\"true\""), "{node}");
    let resp = update(
        &app,
        &request("jdoe@example.com", "", json!({"emailId": "a@x.com"})),
    )
    .await;
    assert_eq!(resp.status, 409);
    assert_eq!(
        redact(&resp.body, "responseId"),
        envelope("Multiple users found")
    );
    assert_eq!(
        contact_of(&app, "jdoe").await.0,
        "jdoe@example.com",
        "nothing written"
    );
}

#[actix_web::test]
async fn absent_or_null_keeps_and_empty_clears() {
    let app = spawn_app().await;
    let resp = update(
        &app,
        &request(
            "jdoe",
            "",
            json!({"phoneNumber": null, "emailId": "new@x.com"}),
        ),
    )
    .await;
    assert_eq!(resp.status, 200);
    assert_eq!(
        contact_of(&app, "jdoe").await,
        ("new@x.com".into(), "555-0100".into())
    );
    let resp = update(&app, &request("jdoe", "", json!({"phoneNumber": ""}))).await;
    assert_eq!(resp.status, 200);
    assert_eq!(
        contact_of(&app, "jdoe").await,
        ("new@x.com".into(), String::new())
    );
    let resp = update(&app, &request("jdoe", "", json!({}))).await;
    assert_eq!(
        (resp.status, redact(&resp.body, "responseId")),
        (200, UPDATED.to_string()),
        "no-op"
    );
    assert_eq!(
        contact_of(&app, "jdoe").await,
        ("new@x.com".into(), String::new())
    );
}

#[actix_web::test]
async fn a_null_username_is_no_fallback() {
    let app = spawn_app().await;
    let mut body: serde_json::Value =
        serde_json::from_str(&request("jdoe", "", json!({"emailId": "null@x.com"}))).unwrap();
    body["conversationRequest"]["userInfo"]["username"] = json!(null);
    let resp = update(&app, &body.to_string()).await;
    assert_eq!(resp.status, 200, "{}", resp.body);
    assert_eq!(contact_of(&app, "jdoe").await.0, "null@x.com");
}

#[actix_web::test]
async fn invalid_requests_are_400_in_the_envelope() {
    let app = spawn_app().await;
    let mut no_interest: serde_json::Value =
        serde_json::from_str(&request("jdoe", "", json!({}))).unwrap();
    no_interest["queryInfo"]["interestType"] = json!("");
    // `username` follows the contact fields' rule: a string or `null`, nothing else.
    let odd_names = [json!({}), json!(7), json!(["jdoe"]), json!(true)].map(|name| {
        let mut body: serde_json::Value =
            serde_json::from_str(&request("jdoe", "", json!({"emailId": "a@x.com"}))).unwrap();
        body["conversationRequest"]["userInfo"]["username"] = name;
        body.to_string()
    });
    for body in odd_names.into_iter().chain([
        request("", "jdoe", json!({"emailId": "a@x.com"})),
        request("jdoe", "", json!("not an object")),
        request("jdoe", "", json!({"phoneNumber": 5550100})),
        no_interest.to_string(),
        json!({"conversationRequest": {"userInfo": {"uid": "jdoe"}}}).to_string(),
    ]) {
        let resp = update(&app, &body).await;
        assert_eq!(resp.status, 400, "{body}");
        assert_eq!(
            redact(&resp.body, "responseId"),
            envelope("Invalid request"),
            "{body}"
        );
    }
    assert_eq!(
        contact_of(&app, "jdoe").await,
        ("jdoe@example.com".into(), "555-0100".into())
    );
}

fn spring(status: u16, error: &str, message: &str, path: &str) -> String {
    format!("{{\"timestamp\":\"*\",\"status\":{status},\"error\":\"{error}\",\"message\":\"{message}\",\"path\":\"{path}\"}}")
}

#[actix_web::test]
async fn authentication_failures_are_spring_401s() {
    let app = spawn_app().await;
    let body = request("jdoe", "", json!({"emailId": "hacker@x.com"}));
    let conscent = basic("ck_demo", "cs_demo");
    let wrong = basic("ACdemo", "wrong");
    for auth in [
        None,
        Some(wrong.as_str()),
        Some("Bearer demo-token"),
        Some("Basic ###"),
        Some(conscent.as_str()),
    ] {
        let mut headers = vec![("Content-Type", "application/json")];
        headers.extend(auth.map(|a| ("Authorization", a)));
        let resp = app.request("POST", PATH, &headers, &body).await;
        assert_eq!(resp.status, 401, "{auth:?}");
        assert_eq!(resp.content_type, "application/json");
        assert_eq!(
            resp.headers.get("www-authenticate").unwrap(),
            "Basic realm=\"ecom-integrations\""
        );
        assert_eq!(
            redact(&resp.body, "timestamp"),
            spring(401, "Unauthorized", "Unauthorized", PATH)
        );
    }
    let stamp = crate::helpers::json(&app.request("POST", PATH, &[], &body).await)["timestamp"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        stamp.len() == 29 && stamp.ends_with("+00:00") && stamp.as_bytes()[19] == b'.',
        "{stamp}"
    );
    assert_eq!(contact_of(&app, "jdoe").await.0, "jdoe@example.com");
}

#[actix_web::test]
async fn framework_errors_are_spring_bodies() {
    let app = spawn_app().await;
    let resp = app
        .request("GET", PATH, &[("Authorization", AUTH)], "")
        .await;
    assert_eq!(resp.status, 405);
    assert_eq!(resp.headers.get("allow").unwrap(), "POST");
    assert_eq!(
        redact(&resp.body, "timestamp"),
        spring(
            405,
            "Method Not Allowed",
            "Request method 'GET' is not supported",
            PATH
        )
    );

    let other = "/api/rest/v1/ecom/integrations/getOrderStatus";
    let resp = app
        .request("POST", other, &[("Authorization", AUTH)], "{}")
        .await;
    assert_eq!(resp.status, 404);
    assert_eq!(
        redact(&resp.body, "timestamp"),
        spring(
            404,
            "Not Found",
            "No static resource api/rest/v1/ecom/integrations/getOrderStatus.",
            other
        )
    );

    let resp = app
        .request(
            "POST",
            PATH,
            &[("Authorization", AUTH), ("Content-Type", "text/plain")],
            "{}",
        )
        .await;
    assert_eq!(resp.status, 415);
    assert_eq!(
        redact(&resp.body, "timestamp"),
        spring(
            415,
            "Unsupported Media Type",
            "Content-Type 'text/plain' is not supported",
            PATH
        )
    );

    for bad in ["{not json", "[1,2]", "\"text\"", "", &"[".repeat(10_000)] {
        let resp = update(&app, bad).await;
        assert_eq!(resp.status, 400, "{bad}");
        assert_eq!(
            redact(&resp.body, "timestamp"),
            spring(400, "Bad Request", "Failed to read request", PATH),
            "{bad}"
        );
    }
}
