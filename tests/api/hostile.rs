//! Hostile input (issue 7): every attack gets the documented ASMX or vendor answer,
//! quickly, and nothing from an entity, a file or the network ever reaches a response.

use std::time::{Duration, Instant};

use crate::helpers::{soap11_envelope, soap12_envelope, spawn_app, spawn_app_with, Resp, TestApp};

const SOAP11_TYPE: &str = "text/xml; charset=utf-8";
const SOAP12_TYPE: &str = "application/soap+xml; charset=utf-8";
const ENV11: &str = "http://schemas.xmlsoap.org/soap/envelope/";
const ENV12: &str = "http://www.w3.org/2003/05/soap-envelope";
/// Every hostile request must be answered within this; the slowest honest call is far below.
const QUICK: Duration = Duration::from_secs(5);

/// Sends raw bytes (the helpers only send text) and checks the answer came quickly and
/// carries nothing an entity could have pulled in.
pub async fn send(
    app: &TestApp,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Vec<u8>,
) -> Resp {
    let client = awc::Client::builder()
        .timeout(Duration::from_secs(30))
        .finish();
    let mut req = client.request(
        awc::http::Method::from_bytes(method.as_bytes()).unwrap(),
        format!("{}{path}", app.base),
    );
    for (k, v) in headers {
        req = req.insert_header((*k, *v));
    }
    let started = Instant::now();
    let resp = Resp::read(req.send_body(body).await.expect("answered")).await;
    assert!(
        started.elapsed() < QUICK,
        "{path} took {:?}",
        started.elapsed()
    );
    for leak in ["root:", "/bin/", "LOL", "daemon"] {
        assert!(!resp.body.contains(leak), "{leak} leaked: {}", resp.body);
    }
    resp
}

/// `body` over SOAP 1.1 (SOAPAction AuthenticateUser) and SOAP 1.2 (action parameter).
async fn both_versions(app: &TestApp, body: &[u8]) -> [Resp; 2] {
    let soap11 = send(
        app,
        "POST",
        "/srv.asmx",
        &[
            ("Content-Type", SOAP11_TYPE),
            ("SOAPAction", "\"http://tempuri.org/AuthenticateUser\""),
        ],
        body.to_vec(),
    )
    .await;
    let soap12 = send(
        app,
        "POST",
        "/srv.asmx",
        &[(
            "Content-Type",
            "application/soap+xml; charset=utf-8; action=\"http://tempuri.org/AuthenticateUser\"",
        )],
        body.to_vec(),
    )
    .await;
    [soap11, soap12]
}

fn envelope(ns: &str, inner: &str) -> String {
    format!("<soap:Envelope xmlns:soap=\"{ns}\"><soap:Body>{inner}</soap:Body></soap:Envelope>")
}

fn login(uid: &str) -> String {
    format!("<AuthenticateUser xmlns=\"http://tempuri.org/\"><UID>{uid}</UID><PWD>jdoe</PWD></AuthenticateUser>")
}

/// A DTD ahead of a valid SOAP 1.1 login whose user name is `uid`.
fn with_dtd(dtd: &str, uid: &str) -> String {
    format!(
        "<?xml version=\"1.0\"?><!DOCTYPE soap:Envelope [{dtd}]>{}",
        envelope(ENV11, &login(uid))
    )
}

#[actix_web::test]
async fn dtds_entities_and_broken_documents_are_400_with_no_body() {
    let app = spawn_app().await;
    let laughs: String = (1..10)
        .map(|i| {
            format!(
                "<!ENTITY lol{i} \"{}\">",
                format!("&lol{};", i - 1).repeat(10)
            )
        })
        .collect();
    let huge = "x".repeat(100_000);
    // A listener the http:// entity points at: the server must never connect to it.
    let trap = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    trap.set_nonblocking(true).unwrap();
    let remote = format!(
        "<!ENTITY xxe SYSTEM \"http://{}/x\">",
        trap.local_addr().unwrap()
    );
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("plain DOCTYPE", format!("<!DOCTYPE soap:Envelope>{}", envelope(ENV11, &login("jdoe"))).into_bytes()),
        ("XXE file", with_dtd("<!ENTITY xxe SYSTEM \"file:///etc/passwd\">", "&xxe;").into_bytes()),
        ("XXE http", with_dtd(&remote, "&xxe;").into_bytes()),
        ("external DTD", format!("<!DOCTYPE x SYSTEM \"file:///etc/passwd\">{}", envelope(ENV11, &login("jdoe"))).into_bytes()),
        ("remote DTD", format!("<!DOCTYPE x SYSTEM \"http://{}/x.dtd\">{}", trap.local_addr().unwrap(), envelope(ENV11, &login("jdoe"))).into_bytes()),
        ("parameter entity", with_dtd("<!ENTITY % p SYSTEM \"file:///etc/passwd\"> %p;", "jdoe").into_bytes()),
        ("billion laughs", with_dtd(&format!("<!ENTITY lol0 \"LOL\">{laughs}"), "&lol9;").into_bytes()),
        ("quadratic blow-up", with_dtd(&format!("<!ENTITY a \"{huge}\">"), &"&a;".repeat(10_000)).into_bytes()),
        ("undeclared entity", envelope(ENV11, &login("&xxe;")).into_bytes()),
        ("unclosed tags", "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body><AuthenticateUser>".into()),
        ("mismatched end", envelope(ENV11, "<AuthenticateUser></UID>").into_bytes()),
        ("two roots", format!("{0}{0}", envelope(ENV11, &login("jdoe"))).into_bytes()),
    ];
    for (name, body) in cases {
        let answers = both_versions(&app, &body).await;
        for (resp, (content_type, version)) in answers
            .iter()
            .zip([(SOAP11_TYPE, "1.1"), (SOAP12_TYPE, "1.2")])
        {
            assert_eq!(
                (resp.status, resp.content_type.as_str(), resp.body.as_str()),
                (400, content_type, ""),
                "{name} {version}"
            );
        }
    }
    let fetched = trap.accept();
    assert!(
        matches!(&fetched, Err(e) if e.kind() == std::io::ErrorKind::WouldBlock),
        "the server fetched an external resource: {fetched:?}"
    );
}

/// A login with password `jdoe`, `uid` as the user name and `extra` after the password,
/// in the envelope of namespace `ns`.
fn login_with(ns: &str, uid: &str, extra: &str) -> String {
    envelope(
        ns,
        &format!("<AuthenticateUser xmlns=\"http://tempuri.org/\"><UID>{uid}</UID><PWD>jdoe</PWD>{extra}</AuthenticateUser>"),
    )
}

const FAILED: &str = "<root success=\"false\" error=\"[900] Authentication failed\" xmlns=\"\" />";

#[actix_web::test]
async fn well_formed_hostile_documents_get_the_in_band_answer() {
    let app = spawn_app().await;
    let deep = format!("{}{}", "<x>".repeat(10_000), "</x>".repeat(10_000));
    let mega = "a".repeat(1 << 20);
    for (ns, index, content_type) in [(ENV11, 0, SOAP11_TYPE), (ENV12, 1, SOAP12_TYPE)] {
        let login_with = |uid: &str, extra: &str| login_with(ns, uid, extra);
        // Invalid bytes in a UTF-8 body: .NET's UTF-8 decoder replaces them with U+FFFD,
        // so the name is simply unknown.
        let mut invalid = login_with("jd", "").into_bytes();
        let at = invalid.windows(2).position(|w| w == b"jd").unwrap() + 2;
        invalid.splice(at..at, [0xC3, 0x28, 0xFF, 0xFE]);
        let cases: Vec<(&str, Vec<u8>, bool)> = vec![
            (
                "10,000-deep nesting in a parameter",
                login_with(&deep, "").into_bytes(),
                false,
            ),
            (
                "10,000-deep unknown element",
                login_with("jdoe", &deep).into_bytes(),
                true,
            ),
            (
                "1 MB attribute",
                login_with("jdoe", &format!("<junk a=\"{mega}\"/>")).into_bytes(),
                true,
            ),
            ("1 MB text node", login_with(&mega, "").into_bytes(), false),
            ("invalid UTF-8", invalid, false),
            (
                "declared utf-16, sent utf-8",
                format!(
                    "<?xml version=\"1.0\" encoding=\"utf-16\"?>{}",
                    login_with("jdoe", "")
                )
                .into_bytes(),
                true,
            ),
            (
                "declared iso-8859-1, sent utf-8",
                format!(
                    "<?xml version=\"1.0\" encoding=\"iso-8859-1\"?>{}",
                    login_with("jdoe", "")
                )
                .into_bytes(),
                true,
            ),
        ];
        for (name, body, success) in cases {
            let resp = &both_versions(&app, &body).await[index];
            assert_eq!(
                (resp.status, resp.content_type.as_str()),
                (200, content_type),
                "{name} {ns}"
            );
            assert_eq!(
                resp.body.contains("success=\"true\""),
                success,
                "{name} {ns}: {}",
                resp.body
            );
            if !success {
                assert!(resp.body.contains(FAILED), "{name} {ns}: {}", resp.body);
            }
        }
    }
}

#[actix_web::test]
async fn body_element_anomalies_and_version_swaps() {
    let app = spawn_app().await;
    for (ns, index, content_type) in [(ENV11, 0, SOAP11_TYPE), (ENV12, 1, SOAP12_TYPE)] {
        // The first Body is the one read, as the reader stops looking after it.
        let two_bodies = format!(
            "<soap:Envelope xmlns:soap=\"{ns}\"><soap:Body>{}</soap:Body><soap:Body>{}</soap:Body></soap:Envelope>",
            login("jdoe"),
            login("nobody")
        );
        let resp = &both_versions(&app, two_bodies.as_bytes()).await[index];
        assert_eq!(
            (resp.status, resp.content_type.as_str()),
            (200, content_type)
        );
        assert!(
            resp.body.contains("success=\"true\" ticket=\""),
            "{}",
            resp.body
        );
        // No Body: routed by the action with every parameter absent.
        let no_body = format!("<soap:Envelope xmlns:soap=\"{ns}\"><soap:Header/></soap:Envelope>");
        let resp = &both_versions(&app, no_body.as_bytes()).await[index];
        assert_eq!(
            (resp.status, resp.content_type.as_str()),
            (200, content_type)
        );
        assert!(resp.body.contains(FAILED), "{}", resp.body);
    }
    // A 1.2 envelope as text/xml is answered in 1.2; a 1.1 envelope as 1.2 is 415 (tests/captures/122, 123).
    let [as_text_xml, as_soap12] =
        both_versions(&app, soap12_envelope(&login("jdoe")).as_bytes()).await;
    for resp in [as_text_xml, as_soap12] {
        assert_eq!(
            (resp.status, resp.content_type.as_str()),
            (200, SOAP12_TYPE)
        );
        assert!(
            resp.body.contains(&format!("xmlns:soap=\"{ENV12}\"")),
            "{}",
            resp.body
        );
    }
    let [_, wrong] = both_versions(&app, soap11_envelope(&login("jdoe")).as_bytes()).await;
    assert_eq!((wrong.status, wrong.body.as_str()), (415, ""));
}

#[actix_web::test]
async fn bodies_over_max_body_are_413() {
    let app = spawn_app_with(&["--max-body", "65536"]).await;
    let too_large = |resp: &Resp| {
        assert_eq!(
            (resp.status, resp.content_type.as_str()),
            (413, "text/html; charset=utf-8")
        );
        assert!(
            resp.body
                .contains("<h2> <i>Maximum request length exceeded.</i> </h2>"),
            "{}",
            resp.body
        );
    };
    let soap = format!(
        "{}<!--{}-->",
        soap11_envelope(&login("jdoe")),
        "p".repeat(70_000)
    );
    for resp in both_versions(&app, soap.as_bytes()).await {
        too_large(&resp);
    }
    let form = format!("UID=jdoe&PWD=jdoe&pad={}", "p".repeat(70_000));
    too_large(
        &send(
            &app,
            "POST",
            "/srv.asmx/AuthenticateUser",
            &[("Content-Type", "application/x-www-form-urlencoded")],
            form.into_bytes(),
        )
        .await,
    );
    let under = format!(
        "{}<!--{}-->",
        soap11_envelope(&login("jdoe")),
        "p".repeat(60_000)
    );
    let [ok, _] = both_versions(&app, under.as_bytes()).await;
    assert!(ok.body.contains("success=\"true\""), "{}", ok.body);
}

#[actix_web::test]
async fn invalid_percent_encoding_is_taken_literally() {
    let app = spawn_app().await;
    for (query, success) in [
        ("UID=%ZZjdoe%&PWD=%u12", false),
        ("UID=jd%FF%FEoe&PWD=jdoe", false),
        ("UID=%%%&PWD=%2", false),
        ("UID=jd%6Fe&PWD=jdo%65", true),
    ] {
        let get = send(
            &app,
            "GET",
            &format!("/srv.asmx/AuthenticateUser?{query}"),
            &[],
            vec![],
        )
        .await;
        let post = send(
            &app,
            "POST",
            "/srv.asmx/AuthenticateUser",
            &[("Content-Type", "application/x-www-form-urlencoded")],
            query.as_bytes().to_vec(),
        )
        .await;
        for resp in [get, post] {
            assert_eq!(
                (resp.status, resp.content_type.as_str()),
                (200, SOAP11_TYPE),
                "{query}"
            );
            let expected = if success {
                "<root success=\"true\""
            } else {
                "<root success=\"false\" error=\"[900] Authentication failed\" />"
            };
            assert!(resp.body.contains(expected), "{query}: {}", resp.body);
        }
    }
    let resp = send(
        &app,
        "POST",
        "/srv.asmx",
        &[
            ("Content-Type", SOAP11_TYPE),
            ("SOAPAction", "\"http://tempuri.org/Authenticate%ZZUser%\""),
        ],
        soap11_envelope(&login("jdoe")).into_bytes(),
    )
    .await;
    assert_eq!(resp.status, 500);
    assert!(resp.body.contains("<faultcode>soap:Client</faultcode><faultstring>Server did not recognize the value of HTTP Header SOAPAction: http://tempuri.org/Authenticate%ZZUser%.</faultstring>"), "{}", resp.body);
}

#[actix_web::test]
async fn header_floods_are_refused_and_the_server_carries_on() {
    let app = spawn_app().await;
    let client = awc::Client::default();
    let url = format!("{}/srv.asmx/ServerInfo", app.base);
    let names: Vec<String> = (0..200).map(|i| format!("x-flood-{i}")).collect();
    let mut flood = client.get(&url);
    for name in &names {
        flood = flood.append_header((name.as_str(), "v"));
    }
    assert_eq!(flood.send().await.expect("answered").status().as_u16(), 431);
    let big = "v".repeat(100_000);
    let resp = client
        .get(&url)
        .insert_header(("x-big", big.as_str()))
        .send()
        .await
        .expect("answered");
    assert_eq!(resp.status().as_u16(), 200);
    let after = send(
        &app,
        "GET",
        "/srv.asmx/AuthenticateUser?UID=jdoe&PWD=jdoe",
        &[],
        vec![],
    )
    .await;
    assert!(after.body.contains("success=\"true\""), "{}", after.body);
}
