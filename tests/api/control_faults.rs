//! Fault injection as a client sees it: SOAP 1.1 and 1.2 faults, the GET binding's 500
//! text, in-band errors, a CommBox 429 with `Retry-After`, latency, a dropped
//! connection (raw TCP: no status line), and the rule list with its counts.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::control_state::admin;
use crate::helpers::{response_error, result_node, spawn_app, Binding, TestApp, P};

async fn add_rule(app: &TestApp, rule: Value) -> Value {
    let (status, body) = admin(app, "POST", "/__emulator/faults", Some(rule)).await;
    assert_eq!(status, 201, "{body}");
    body
}

async fn get_user(app: &TestApp, binding: Binding, ticket: &str) -> crate::helpers::Resp {
    app.call(
        binding,
        "GetUser",
        &[
            ("authenticationTicket", P::V(ticket)),
            ("UserName", P::V("jdoe")),
        ],
    )
    .await
}

#[actix_web::test]
async fn a_soap_fault_rule_answers_each_binding_in_its_own_way() {
    let app = spawn_app().await;
    let t = app.login("jdoe", "jdoe").await;
    add_rule(
        &app,
        json!({"target": "GetUser", "times": 3, "action": {"soap_fault": "Backend <down>"}}),
    )
    .await;

    // As a method that throws (tests/captures/100-103): the answer is marked max-age=0 as a
    // method's own answer is, unlike an error found reading the request.
    let soap11 = get_user(&app, Binding::Soap11, &t).await;
    assert_eq!(soap11.status, 500);
    assert_eq!(
        soap11.headers.get("cache-control").unwrap(),
        "private, max-age=0"
    );
    assert_eq!(soap11.content_type, "text/xml; charset=utf-8");
    assert!(
        soap11.body.contains(
            "<faultcode>soap:Server</faultcode><faultstring>Backend &lt;down&gt;</faultstring>"
        ),
        "{}",
        soap11.body
    );

    let soap12 = get_user(&app, Binding::Soap12, &t).await;
    assert_eq!(soap12.status, 500);
    assert_eq!(soap12.content_type, "application/soap+xml; charset=utf-8");
    assert!(
        soap12
            .body
            .contains("<soap:Value>soap:Receiver</soap:Value>"),
        "{}",
        soap12.body
    );
    assert!(soap12.body.contains("Backend &lt;down&gt;"));

    let get = get_user(&app, Binding::Get, &t).await;
    assert_eq!(
        (get.status, get.content_type.as_str()),
        (500, "text/plain; charset=utf-8")
    );
    assert_eq!(get.body, "Backend &lt;down&gt;\r\n");
    assert_eq!(
        get.headers.get("cache-control").unwrap(),
        "private, max-age=0"
    );

    // Three times, then served normally; the rule stays listed with nothing left.
    assert_eq!(get_user(&app, Binding::Get, &t).await.status, 200);
    let (_, list) = admin(&app, "GET", "/__emulator/faults", None).await;
    assert_eq!(list["faults"][0]["remaining"], 0);
    assert_eq!(list["faults"][0]["fired"], 3);
    let (_, journal) = admin(
        &app,
        "GET",
        "/__emulator/requests?operation=GetUser&status=500",
        None,
    )
    .await;
    assert_eq!(journal["requests"].as_array().unwrap().len(), 3);
    assert_eq!(journal["requests"][0]["fault"], "soap_fault");
}

#[actix_web::test]
async fn an_in_band_error_keeps_the_method_shape_on_every_binding() {
    let app = spawn_app().await;
    let t = app.login("jdoe", "jdoe").await;
    let text = "[901] Session expired or Invalid ticket";
    add_rule(
        &app,
        json!({"target": "GetUser", "action": {"in_band_error": text}}),
    )
    .await;
    for binding in [
        Binding::Get,
        Binding::Post,
        Binding::Soap11,
        Binding::Soap12,
    ] {
        let resp = get_user(&app, binding, &t).await;
        assert_eq!(resp.status, 200, "{binding:?}");
        assert_eq!(
            result_node(binding, "GetUser", &resp),
            response_error(text),
            "{binding:?}"
        );
    }
    // Other methods are untouched.
    assert!(app.login("asmith", "asmith").await.len() > 30);
}

#[actix_web::test]
async fn a_binding_filter_limits_a_rule() {
    let app = spawn_app().await;
    let t = app.login("jdoe", "jdoe").await;
    add_rule(
        &app,
        json!({"target": "*", "binding": "soap12", "action": {"soap_fault": "only 1.2"}}),
    )
    .await;
    assert_eq!(get_user(&app, Binding::Soap11, &t).await.status, 200);
    assert_eq!(get_user(&app, Binding::Soap12, &t).await.status, 500);
}

#[actix_web::test]
async fn commbox_answers_a_canned_429_with_retry_after() {
    let app = spawn_app().await;
    add_rule(
        &app,
        json!({"target": "commbox.updateUser", "times": 1, "action": {"http_status":
            {"status": 429, "headers": {"Retry-After": "7"}, "body": "{\"status\":429}"}}}),
    )
    .await;
    let first = crate::vendors_commbox::post(&app, "/users/3", json!({"FirstName": "J"})).await;
    assert_eq!(first.status, 429);
    assert_eq!(first.headers.get("retry-after").unwrap(), "7");
    assert_eq!(first.body, "{\"status\":429}");
    let second = crate::vendors_commbox::post(&app, "/users/3", json!({"FirstName": "J"})).await;
    assert_eq!(second.status, 200, "{}", second.body);
}

#[actix_web::test]
async fn latency_delays_the_answer_and_then_serves_it() {
    let app = spawn_app().await;
    let t = app.login("jdoe", "jdoe").await;
    add_rule(
        &app,
        json!({"target": "GetUser", "times": 1, "action": {"latency_ms": 400}}),
    )
    .await;
    let start = Instant::now();
    let resp = get_user(&app, Binding::Soap11, &t).await;
    assert!(start.elapsed() >= Duration::from_millis(400));
    assert_eq!(resp.status, 200);
    assert!(resp.body.contains("success=\"true\""));
}

/// Sends one raw request and reads until the server closes: everything it sent.
fn raw_exchange(port: u16, request: &str) -> std::io::Result<Vec<u8>> {
    let mut conn = TcpStream::connect(("127.0.0.1", port))?;
    conn.set_read_timeout(Some(Duration::from_secs(20)))?;
    conn.write_all(request.as_bytes())?;
    let mut got = Vec::new();
    conn.read_to_end(&mut got)?;
    Ok(got)
}

#[actix_web::test]
async fn drop_closes_the_connection_without_a_status_line() {
    let app = spawn_app().await;
    add_rule(
        &app,
        json!({"target": "ServerInfo", "times": 1, "action": "drop"}),
    )
    .await;
    let port = app.port;
    let request = "GET /srv.asmx/ServerInfo HTTP/1.1\r\nHost: localhost\r\n\r\n";
    let got = actix_web::rt::task::spawn_blocking(move || raw_exchange(port, request))
        .await
        .unwrap();
    // EOF with nothing read, or a reset: either way no answer.
    if let Ok(bytes) = got {
        assert!(bytes.is_empty(), "{}", String::from_utf8_lossy(&bytes));
    }
    let again = actix_web::rt::task::spawn_blocking(move || {
        raw_exchange(
            port,
            "GET /srv.asmx/ServerInfo HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
        )
    })
    .await
    .unwrap()
    .unwrap();
    assert!(again.starts_with(b"HTTP/1.1 200 OK"));
    let (_, journal) = admin(
        &app,
        "GET",
        "/__emulator/requests?operation=ServerInfo",
        None,
    )
    .await;
    assert_eq!(journal["requests"][0]["fault"], "drop");
    assert_eq!(journal["requests"][0]["status"], Value::Null);
}

#[actix_web::test]
async fn rules_are_listed_removed_and_validated() {
    let app = spawn_app().await;
    let a = add_rule(
        &app,
        json!({"target": "GetUser", "probability": 0.0, "action": {"latency_ms": 1}}),
    )
    .await;
    let b = add_rule(
        &app,
        json!({"target": "webapi.putUserContactItem", "action": "drop"}),
    )
    .await;
    assert_eq!(a["id"], 1);
    assert_eq!(a["probability"], 0.0);
    assert_eq!(b["action"], "drop");
    let (_, list) = admin(&app, "GET", "/__emulator/faults", None).await;
    assert_eq!(list["faults"].as_array().unwrap().len(), 2);
    // A probability of 0 never fires.
    let t = app.login("jdoe", "jdoe").await;
    assert_eq!(get_user(&app, Binding::Get, &t).await.status, 200);

    assert_eq!(
        admin(&app, "DELETE", "/__emulator/faults/1", None).await.0,
        204
    );
    let (status, body) = admin(&app, "DELETE", "/__emulator/faults/1", None).await;
    assert_eq!((status, body), (404, json!({"error": "no fault rule 1"})));
    assert_eq!(
        admin(&app, "DELETE", "/__emulator/faults/x", None).await,
        (400, json!({"error": "fault id \"x\" is not a number"}))
    );
    assert_eq!(
        admin(&app, "DELETE", "/__emulator/faults", None).await.0,
        204
    );
    assert_eq!(
        admin(&app, "GET", "/__emulator/faults", None).await.1,
        json!({"faults": []})
    );

    for bad in [
        json!({"target": "NoSuchMethod", "action": "drop"}),
        json!({"target": "GetUser", "action": "explode"}),
        json!({"target": "GetUser", "times": 0, "action": "drop"}),
        json!({"target": "GetUser", "times": 1, "probability": 0.5, "action": "drop"}),
        json!({"target": "GetUser", "probability": 1.5, "action": "drop"}),
        json!({"target": "GetUser", "action": {"http_status": {"status": 99}}}),
        json!({"target": "GetUser", "action": {"http_status": {"status": 101}}}),
        json!({"target": "GetUser", "action": {"http_status": {"status": 600}}}),
        json!({"target": "GetUser", "action": {"http_status": {"status": 429, "headers": {"Bad Name": "x"}}}}),
        json!({"target": "commbox.updateUser", "action": {"soap_fault": "no SOAP here"}}),
        json!({"target": "*", "binding": "chatbot", "action": {"in_band_error": "x"}}),
        json!({"target": "GetUser", "binding": "ftp", "action": "drop"}),
        json!({"target": "GetUser", "action": {"latency_ms": 3_600_000}}),
    ] {
        let (status, body) = admin(&app, "POST", "/__emulator/faults", Some(bad.clone())).await;
        assert_eq!(status, 400, "{bad}: {body}");
        assert!(body["error"].is_string(), "{body}");
    }
}
