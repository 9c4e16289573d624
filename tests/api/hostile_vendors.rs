//! Hostile JSON at the four vendor APIs (issue 7): wrong types, numbers out of range,
//! deep nesting, invalid UTF-8 and oversized bodies each get that vendor's own 400,
//! and nothing is written.

use crate::helpers::{basic, redact};
use crate::hostile::send;

/// One vendor's update endpoint: a JSON document whose one string member is `@`.
struct Vendor {
    name: &'static str,
    method: &'static str,
    path: &'static str,
    auth: String,
    template: &'static str,
}

fn vendors() -> [Vendor; 4] {
    [
        Vendor {
            name: "chatbot",
            method: "POST",
            path: "/api/rest/v1/ecom/integrations/updateUserContactDetails",
            auth: basic("ACdemo", "demo-token"),
            template: "{\"conversationRequest\":{\"userInfo\":{\"uid\":\"jdoe\"}},\"queryInfo\":{\"interestType\":\"update-contact\",\
                       \"parameters\":{\"params\":{\"accountInfo\":{\"userContact\":{\"emailId\":@}}}}}}",
        },
        Vendor {
            name: "commbox",
            method: "POST",
            path: "/users/3",
            auth: "Bearer commbox-demo-token".into(),
            template: "{\"data\":{\"Email\":@}}",
        },
        Vendor {
            name: "conscent",
            method: "PATCH",
            path: "/client/update-user?userId=681c74b2333e169d16a7e583",
            auth: basic("ck_demo", "cs_demo"),
            template: "{\"email\":@}",
        },
        Vendor {
            name: "webapi",
            method: "PUT",
            path: "/api/v2/Users/0f54d07a-f8b1-43c1-af92-71e41f3cc103/UserContactItem",
            auth: "Bearer webapi-demo-token".into(),
            template: "{\"UserId\":\"0f54d07a-f8b1-43c1-af92-71e41f3cc103\",\
                       \"ContactSubType\":\"9e6f2d7a-1c1b-4f3e-8a01-000000000001\",\"Value\":@,\"IsDefault\":true}",
        },
    ]
}

/// Values for the string member that no vendor may accept.
fn attacks() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("number", b"7".to_vec()),
        ("array", b"[\"x@x.com\"]".to_vec()),
        ("object", b"{\"a\":\"x@x.com\"}".to_vec()),
        ("huge integer", b"123456789012345678901234567890".to_vec()),
        ("number out of range", b"1e999999".to_vec()),
        (
            "10,000-deep nesting",
            format!("{}{}", "[".repeat(10_000), "]".repeat(10_000)).into_bytes(),
        ),
        ("invalid UTF-8", b"\"x\xFF\xFE@x.com\"".to_vec()),
        (
            "over 256 KB",
            format!("\"{}@x.com\"", "a".repeat(300_000)).into_bytes(),
        ),
    ]
}

/// Each vendor's own 400 for `attack`; `None` where the vendor binds the value.
fn refusal(vendor: &str, attack: &str) -> Option<String> {
    let malformed = matches!(
        attack,
        "10,000-deep nesting" | "invalid UTF-8" | "over 256 KB"
    );
    Some(match vendor {
        // Jackson fails to read the body; a body it reads but cannot bind is the envelope.
        "chatbot" if malformed => "{\"timestamp\":\"*\",\"status\":400,\"error\":\"Bad Request\",\"message\":\"Failed to read request\",\
                                   \"path\":\"/api/rest/v1/ecom/integrations/updateUserContactDetails\"}"
            .into(),
        "chatbot" => "{\"responseType\":\"text\",\"responseId\":\"*\",\"responseMessages\":[{\"simpleResponse\":{\"responseText\":\"Invalid request\"}}]}".into(),
        "commbox" => "{\"status\":400,\"description\":\"Bad Request\",\"response_time\":\"*\"}".into(),
        "conscent" => "{\"message\":\"Invalid request body\",\"error\":\"Bad Request\",\"statusCode\":400}".into(),
        // Json.NET reads any number into a string member as its text.
        "webapi" if matches!(attack, "number" | "huge integer" | "number out of range") => return None,
        _ => "{\"Value\":\"00000000-0000-0000-0000-000000000000\",\"ResultCode\":-1,\"Description\":\"Invalid request\"}".into(),
    })
}

#[actix_web::test]
async fn hostile_json_is_each_vendors_400_and_writes_nothing() {
    let app = crate::helpers::spawn_app().await;
    let ticket = app.login("jdoe", "jdoe").await;
    for vendor in vendors() {
        for (attack, value) in attacks() {
            let (head, tail) = vendor.template.split_once('@').unwrap();
            let body = [head.as_bytes(), &value, tail.as_bytes()].concat();
            let headers = [
                ("Authorization", vendor.auth.as_str()),
                ("Content-Type", "application/json"),
            ];
            let resp = send(&app, vendor.method, vendor.path, &headers, body).await;
            let shown = redact(
                &redact(&redact(&resp.body, "timestamp"), "responseId"),
                "response_time",
            );
            match refusal(vendor.name, attack) {
                Some(expected) => assert_eq!(
                    (resp.status, shown),
                    (400, expected),
                    "{} {attack}",
                    vendor.name
                ),
                None => assert_eq!(resp.status, 200, "{} {attack}: {}", vendor.name, resp.body),
            }
        }
        if vendor.name != "webapi" {
            let user = app.get_user(&ticket, "jdoe").await;
            assert!(
                user.contains(" Email=\"jdoe@example.com\""),
                "{}: {user}",
                vendor.name
            );
        }
    }
}

#[actix_web::test]
async fn webapi_binds_a_number_as_its_exact_text() {
    let app = crate::helpers::spawn_app().await;
    let [.., webapi] = vendors();
    let ticket = app.login("jdoe", "jdoe").await;
    for (number, stored) in [
        ("7", "7"),
        (
            "123456789012345678901234567890",
            "123456789012345678901234567890",
        ),
        ("-0.10", "-0.10"),
    ] {
        let body = webapi.template.replace('@', number);
        let headers = [
            ("Authorization", webapi.auth.as_str()),
            ("Content-Type", "application/json"),
        ];
        let resp = send(
            &app,
            webapi.method,
            webapi.path,
            &headers,
            body.into_bytes(),
        )
        .await;
        assert_eq!(resp.status, 200, "{number}: {}", resp.body);
        let user = app.get_user(&ticket, "jdoe").await;
        assert!(
            user.contains(&format!(" Email=\"{stored}\"")),
            "{number}: {user}"
        );
    }
}
