//! ASMX mechanics against the reference captures (tests/captures/): status,
//! content type, headers and bytes. Test names carry the capture they pin.

use asmx_emulator::ops::ParamKind;

use crate::helpers::{soap11_envelope, soap12_envelope, spawn_app, Binding, P};

const SOAP12_TYPE: &str = "application/soap+xml; charset=utf-8";

fn soap11_fault(code: &str, text: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\"><soap:Body>\
         <soap:Fault><faultcode>{code}</faultcode><faultstring>{text}</faultstring><detail /></soap:Fault></soap:Body></soap:Envelope>"
    )
}

fn soap12_fault(code: &str, text: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><soap:Envelope xmlns:soap=\"http://www.w3.org/2003/05/soap-envelope\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\"><soap:Body>\
         <soap:Fault><soap:Code><soap:Value>{code}</soap:Value></soap:Code><soap:Reason><soap:Text xml:lang=\"en\">{text}</soap:Text>\
         </soap:Reason><soap:Detail /></soap:Fault></soap:Body></soap:Envelope>"
    )
}

const LOGIN: &str = "<AuthenticateUser xmlns=\"http://tempuri.org/\"><UID>jdoe</UID><PWD>bad</PWD></AuthenticateUser>";

#[actix_web::test]
async fn capture_016_get_answer_is_the_node_after_a_declaration() {
    let app = spawn_app().await;
    let resp = app.get("/srv.asmx/AuthenticateUser?UID=jdoe&PWD=bad").await;
    assert_eq!(resp.status, 200);
    assert_eq!(resp.content_type, "text/xml; charset=utf-8");
    assert_eq!(
        resp.headers.get("cache-control").unwrap(),
        "private, max-age=0"
    );
    assert_eq!(resp.headers.get("x-aspnet-version").unwrap(), "4.0.30319");
    assert_eq!(
        resp.body,
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<root success=\"false\" error=\"[900] Authentication failed\" />"
    );
}

#[actix_web::test]
async fn capture_032_children_are_indented_with_crlf() {
    let app = spawn_app().await;
    let t = app.login("jdoe", "jdoe").await;
    let resp = app
        .get(&format!(
            "/srv.asmx/GetUser?authenticationTicket={t}&UserName=asmith"
        ))
        .await;
    assert!(resp.body.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<response success=\"true\" error=\"\">\r\n  <User exists=\"true\" UserID=\"4\""), "{}", resp.body);
    assert!(resp.body.ends_with("ReadOnlyUser=\"FALSE\">\r\n    <Preferences Language=\"English\" DefaultPortal=\"\" ShowArchives=\"FALSE\" ShowHiddens=\"TRUE\" NotificationType=\"DAILY REPORT\" NotificationTypeId=\"2\" EmailType=\"HTML\" AttachDocumentToEmail=\"FALSE\" />\r\n  </User>\r\n</response>"), "{}", resp.body);
}

#[actix_web::test]
async fn capture_020_021_soap_answers_are_one_line_envelopes() {
    let app = spawn_app().await;
    let resp = app
        .soap11_raw(
            "\"http://tempuri.org/AuthenticateUser\"",
            &soap11_envelope(LOGIN),
        )
        .await;
    assert_eq!(
        (resp.status, resp.content_type.as_str()),
        (200, "text/xml; charset=utf-8")
    );
    assert_eq!(
        resp.body,
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\"><soap:Body>\
         <AuthenticateUserResponse xmlns=\"http://tempuri.org/\"><AuthenticateUserResult><root success=\"false\" \
         error=\"[900] Authentication failed\" xmlns=\"\" /></AuthenticateUserResult></AuthenticateUserResponse></soap:Body></soap:Envelope>"
    );
    let resp = app
        .soap12_raw(
            &format!("{SOAP12_TYPE}; action=\"http://tempuri.org/AuthenticateUser\""),
            &soap12_envelope(LOGIN),
        )
        .await;
    assert_eq!(
        (resp.status, resp.content_type.as_str()),
        (200, SOAP12_TYPE)
    );
    assert!(resp.body.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?><soap:Envelope xmlns:soap=\"http://www.w3.org/2003/05/soap-envelope\" xmlns:xsi="));
}

#[actix_web::test]
async fn capture_018_033_parameter_names_match_in_any_case_on_every_binding() {
    let app = spawn_app().await;
    let get = app
        .get("/srv.asmx/AuthenticateUser?uid=jdoe&pwd=jdoe")
        .await;
    assert!(get.body.contains("success=\"true\""), "{}", get.body);
    let body = "<AuthenticateUser xmlns=\"http://tempuri.org/\"><uid>jdoe</uid><Pwd>jdoe</Pwd></AuthenticateUser>";
    let soap = app
        .soap11_raw(
            "http://tempuri.org/AuthenticateUser",
            &soap11_envelope(body),
        )
        .await;
    assert!(soap.body.contains("success=\"true\""), "{}", soap.body);
}

#[actix_web::test]
async fn capture_041_042_parameters_outside_the_service_namespace_are_null() {
    let app = spawn_app().await;
    let body = "<m:AuthenticateUser xmlns:m=\"http://tempuri.org/\"><UID>jdoe</UID><PWD>jdoe</PWD></m:AuthenticateUser>";
    let resp = app
        .soap11_raw(
            "\"http://tempuri.org/AuthenticateUser\"",
            &soap11_envelope(body),
        )
        .await;
    assert!(
        resp.body.contains("error=\"[900] Authentication failed\""),
        "{}",
        resp.body
    );
}

#[actix_web::test]
async fn capture_040_043_070_071_order_prefixes_unknown_and_duplicate_elements() {
    let app = spawn_app().await;
    let envelope = "<SOAP-ENV:Envelope xmlns:SOAP-ENV=\"http://schemas.xmlsoap.org/soap/envelope/\"><SOAP-ENV:Header><x:Trace xmlns:x=\"urn:x\">1</x:Trace></SOAP-ENV:Header>\
        <SOAP-ENV:Body><m:AuthenticateUser xmlns:m=\"http://tempuri.org/\"><m:Extra>?</m:Extra><m:PWD>jdoe</m:PWD><m:UID>jdoe</m:UID><m:UID>other</m:UID></m:AuthenticateUser></SOAP-ENV:Body></SOAP-ENV:Envelope>";
    let resp = app
        .soap11_raw("\"http://tempuri.org/AuthenticateUser\"", envelope)
        .await;
    assert!(resp.body.contains("username=\"jdoe\""), "{}", resp.body);
}

#[actix_web::test]
async fn capture_044_unknown_must_understand_header_is_a_fault_without_detail() {
    let app = spawn_app().await;
    let envelope = "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Header><x:Auth xmlns:x=\"urn:x\" soap:mustUnderstand=\"1\">k</x:Auth></soap:Header>\
        <soap:Body><ServerInfo xmlns=\"http://tempuri.org/\" /></soap:Body></soap:Envelope>";
    let resp = app
        .soap11_raw("\"http://tempuri.org/ServerInfo\"", envelope)
        .await;
    assert_eq!(resp.status, 500);
    // Found only after the method was reached, unlike a read or routing error.
    assert_eq!(
        resp.headers.get("cache-control").unwrap(),
        "private, max-age=0"
    );
    assert_eq!(
        resp.body,
        soap11_fault(
            "soap:MustUnderstand",
            "SOAP header x:Auth was not understood."
        )
        .replace("<detail />", "")
    );
}

#[actix_web::test]
async fn capture_049_055_057_missing_parameters() {
    let app = spawn_app().await;
    for path in [
        "/srv.asmx/AuthenticateUser?UID=jdoe",
        "/srv.asmx/AuthenticateUser?UID=jdoe&PWD",
        "/srv.asmx/AuthenticateUser",
    ] {
        let resp = app.get(path).await;
        assert_eq!(
            (resp.status, resp.content_type.as_str()),
            (500, "text/plain; charset=utf-8")
        );
        let missing = if path.contains("UID") { "PWD" } else { "UID" };
        assert_eq!(
            resp.body,
            format!("Missing parameter: {missing}.\r\n"),
            "{path}"
        );
    }
}

#[actix_web::test]
async fn capture_058_060_duplicates_join_and_plus_is_space() {
    let app = spawn_app().await;
    let resp = app
        .get("/srv.asmx/AuthenticateUser?UID=jdoe&UID=jdoe&PWD=jdoe")
        .await;
    assert!(
        resp.body.contains("[900]"),
        "jdoe,jdoe is no user: {}",
        resp.body
    );
    let t = app.login("admin", "admin").await;
    let resp = app
        .get(&format!("/srv.asmx/UpdateUserContactInfo?authenticationTicket={t}&userName=jdoe&emailAddress=a+b%20c&mobileNumber=%zz"))
        .await;
    assert!(resp.body.contains("success=\"true\""), "{}", resp.body);
    let node = app.get_user(&t, "jdoe").await;
    assert!(
        node.contains("Email=\"a b c\" MobileNumber=\"%zz\""),
        "{node}"
    );
}

#[actix_web::test]
async fn capture_063_post_reads_the_form_not_the_query() {
    let app = spawn_app().await;
    let resp = app
        .request(
            "POST",
            "/srv.asmx/AuthenticateUser?UID=jdoe&PWD=jdoe",
            &[("Content-Type", "application/x-www-form-urlencoded")],
            "",
        )
        .await;
    assert_eq!(
        (resp.status, resp.body.as_str()),
        (500, "Missing parameter: UID.\r\n")
    );
}

#[actix_web::test]
async fn capture_081_query_string_over_2048_is_400() {
    let app = spawn_app().await;
    let resp = app
        .get(&format!(
            "/srv.asmx/AuthenticateUser?UID={}&PWD=x",
            "a".repeat(2100)
        ))
        .await;
    assert_eq!(resp.status, 400);
    assert!(resp.content_type.starts_with("text/html"));
    assert!(resp
        .body
        .contains("exceeds the configured maxQueryStringLength value."));
    assert!(
        resp.body
            .contains("<b> Exception Details: </b>System.Web.HttpException: The length"),
        "{}",
        resp.body
    );
}

#[actix_web::test]
async fn capture_104_105_015_unknown_and_wrong_case_method_names() {
    let app = spawn_app().await;
    let resp = app.get("/srv.asmx/NoSuchMethod?x=1").await;
    assert_eq!(
        (resp.status, resp.body.as_str()),
        (
            500,
            "NoSuchMethod Web Service method name is not valid.\r\n"
        )
    );
    let resp = app.post_form("NoSuchMethod", "x=1").await;
    assert_eq!(
        resp.body,
        "NoSuchMethod Web Service method name is not valid.\r\n"
    );
    let resp = app.get("/srv.asmx/authenticateuser?UID=a&PWD=b").await;
    assert_eq!(resp.status, 500);
    assert_eq!(
        resp.body,
        "Invalid method name &#39;authenticateuser&#39;, method names are case sensitive. The method name \
         &#39;AuthenticateUser&#39; with the same name but different casing was found.\r\nParameter name: methodName\r\n"
    );
}

#[actix_web::test]
async fn capture_106_107_109_113_soap_routing_faults() {
    let app = spawn_app().await;
    let body = soap11_envelope("<NoSuchMethod xmlns=\"http://tempuri.org/\" />");
    let resp = app
        .soap11_raw("\"http://tempuri.org/NoSuchMethod\"", &body)
        .await;
    assert_eq!(
        (resp.status, resp.content_type.as_str()),
        (500, "text/xml; charset=utf-8")
    );
    assert_eq!(resp.headers.get("cache-control").unwrap(), "private");
    assert_eq!(
        resp.body,
        soap11_fault("soap:Client", "Server did not recognize the value of HTTP Header SOAPAction: http://tempuri.org/NoSuchMethod.")
    );
    let resp = app.soap11_raw("\"\"", &soap11_envelope(LOGIN)).await;
    assert_eq!(
        resp.body,
        soap11_fault(
            "soap:Client",
            "Server did not recognize the value of HTTP Header SOAPAction: ."
        )
    );
    let resp = app
        .soap11_raw(
            "\"http://tempuri.org/authenticateUser\"",
            &soap11_envelope(LOGIN),
        )
        .await;
    assert!(
        resp.body
            .contains("SOAPAction: http://tempuri.org/authenticateUser."),
        "action is case-sensitive"
    );
    let resp = app
        .request(
            "POST",
            "/srv.asmx",
            &[("Content-Type", "text/xml; charset=utf-8")],
            &body,
        )
        .await;
    assert_eq!(
        resp.body,
        soap11_fault(
            "soap:Client",
            "Unable to handle request without a valid action parameter. Please supply a valid soap action."
        ),
        "without SOAPAction, a body element that names no method"
    );
    let resp = app
        .soap12_raw(
            &format!("{SOAP12_TYPE}; action=\"http://tempuri.org/NoSuchMethod\""),
            &soap12_envelope(LOGIN),
        )
        .await;
    assert_eq!(
        (resp.status, resp.content_type.as_str()),
        (500, SOAP12_TYPE)
    );
    assert_eq!(
        resp.body,
        soap12_fault("soap:Sender", "Unable to handle request. The action &apos;http://tempuri.org/NoSuchMethod&apos; was not recognized.")
            .replace("&apos;", "'")
    );
}

#[actix_web::test]
async fn capture_108_110_111_114_115_116_routing_that_succeeds() {
    let app = spawn_app().await;
    // .NET takes a request without SOAPAction for SOAP 1.2 and routes it by the body
    // (SoapServerProtocol.GuessVersion), then answers in the envelope's version.
    let resp = app
        .request(
            "POST",
            "/srv.asmx",
            &[("Content-Type", "text/xml; charset=utf-8")],
            &soap11_envelope(LOGIN),
        )
        .await;
    assert_eq!(
        (resp.status, resp.content_type.as_str()),
        (200, "text/xml; charset=utf-8")
    );
    assert!(
        resp.body
            .contains("<AuthenticateUserResult><root success=\"false\""),
        "1.1 without SOAPAction routes by body: {}",
        resp.body
    );
    let resp = app
        .soap11_raw(
            "http://tempuri.org/AuthenticateUser",
            &soap11_envelope(LOGIN),
        )
        .await;
    assert!(
        resp.body
            .contains("<AuthenticateUserResult><root success=\"false\""),
        "unquoted: {}",
        resp.body
    );
    let resp = app
        .soap11_raw(
            "\"http://tempuri.org/isValidTicket\"",
            &soap11_envelope(LOGIN),
        )
        .await;
    assert!(
        resp.body.contains("<isValidTicketResult><root success=\"false\" error=\"[901] Session expired or Invalid ticket\""),
        "the action decides; the other method's elements are not its parameters: {}",
        resp.body
    );
    let resp = app.soap12_raw(SOAP12_TYPE, &soap12_envelope(LOGIN)).await;
    assert!(
        resp.body.contains("<AuthenticateUserResponse"),
        "1.2 without action routes by body: {}",
        resp.body
    );
    let resp = app
        .request(
            "POST",
            "/srv.asmx",
            &[
                ("Content-Type", SOAP12_TYPE),
                ("SOAPAction", "\"http://tempuri.org/NoSuchMethod\""),
            ],
            &soap12_envelope(LOGIN),
        )
        .await;
    assert!(
        resp.body.contains("<AuthenticateUserResponse"),
        "1.2 ignores SOAPAction: {}",
        resp.body
    );
}

#[actix_web::test]
async fn capture_117_120_not_well_formed_is_400_with_no_body() {
    let app = spawn_app().await;
    let bad = [
        "<?xml version=\"1.0\"?><soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body><AuthenticateUser xmlns=\"http://tempuri.org/\"><UID>1</PWD></AuthenticateUser></soap:Body>",
        "hello world",
        "",
        "<!DOCTYPE x [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body><AuthenticateUser xmlns=\"http://tempuri.org/\"><UID>&xxe;</UID></AuthenticateUser></soap:Body></soap:Envelope>",
    ];
    for body in bad {
        let resp = app
            .soap11_raw("\"http://tempuri.org/AuthenticateUser\"", body)
            .await;
        assert_eq!(
            (resp.status, resp.content_type.as_str(), resp.body.as_str()),
            (400, "text/xml; charset=utf-8", ""),
            "{body}"
        );
        let resp = app.soap12_raw(SOAP12_TYPE, body).await;
        assert_eq!(
            (resp.status, resp.content_type.as_str(), resp.body.as_str()),
            (400, SOAP12_TYPE, ""),
            "{body}"
        );
    }
}

#[actix_web::test]
async fn capture_121_a_foreign_root_is_a_version_mismatch() {
    let app = spawn_app().await;
    let resp = app
        .soap11_raw(
            "\"http://tempuri.org/ServerInfo\"",
            "<foo xmlns=\"urn:foo\" />",
        )
        .await;
    assert_eq!(resp.status, 500);
    assert!(resp.body.contains("<soap:Header><soap12:Upgrade xmlns:soap12=\"http://www.w3.org/2003/05/soap-envelope\">"), "{}", resp.body);
    assert!(resp.body.contains("<faultcode>soap:VersionMismatch</faultcode><faultstring>Possible SOAP version mismatch: Envelope namespace urn:foo was unexpected. Expecting http://schemas.xmlsoap.org/soap/envelope/.</faultstring>"), "{}", resp.body);
}

#[actix_web::test]
async fn capture_122_123_124_envelope_and_content_type_versions() {
    let app = spawn_app().await;
    let resp = app
        .soap11_raw(
            "\"http://tempuri.org/AuthenticateUser\"",
            &soap12_envelope(LOGIN),
        )
        .await;
    assert_eq!(
        (resp.status, resp.content_type.as_str()),
        (200, SOAP12_TYPE),
        "a 1.2 envelope is answered in 1.2"
    );
    let resp = app.soap12_raw(SOAP12_TYPE, &soap11_envelope(LOGIN)).await;
    assert_eq!((resp.status, resp.body.as_str()), (415, ""));
    let resp = app
        .request(
            "POST",
            "/srv.asmx",
            &[("Content-Type", "text/plain"), ("SOAPAction", "x")],
            &soap11_envelope(LOGIN),
        )
        .await;
    assert_eq!((resp.status, resp.body.as_str()), (415, ""));
}

#[actix_web::test]
async fn capture_125_126_127_128_139_wrong_request_formats() {
    let app = spawn_app().await;
    let resp = app
        .request(
            "POST",
            "/srv.asmx/AuthenticateUser",
            &[("Content-Type", "text/xml; charset=utf-8")],
            &soap11_envelope(LOGIN),
        )
        .await;
    assert_eq!(
        (resp.status, resp.body.as_str()),
        (
            500,
            "Request format is invalid: text/xml; charset=utf-8.\r\n"
        )
    );
    let resp = app
        .request("POST", "/srv.asmx/AuthenticateUser", &[], "UID=a&PWD=b")
        .await;
    assert_eq!(
        (resp.status, resp.body.as_str()),
        (500, "Request format is invalid: .\r\n")
    );
    let resp = app
        .request(
            "POST",
            "/srv.asmx",
            &[("Content-Type", "application/x-www-form-urlencoded")],
            "UID=a&PWD=b",
        )
        .await;
    assert_eq!(
        (resp.status, resp.content_type.as_str()),
        (500, SOAP12_TYPE)
    );
    assert!(resp.body.contains("<soap:Value>soap:Receiver</soap:Value>"));
    assert!(resp.body.contains("Server was unable to process request. ---&gt; Data at the root level is invalid. Line 1, position 1."));
    // .NET routes a request without SOAPAction by reading its body as XML, whatever its
    // type (125 is a Mono crash): a body that is not XML fails there as 139's does.
    for (content_type, body, error) in [
        (
            "application/json",
            "{\"a\":\"1\"}",
            "Data at the root level is invalid. Line 1, position 1.",
        ),
        (
            "text/plain",
            "\r\n  hello",
            "Data at the root level is invalid. Line 2, position 3.",
        ),
        ("text/plain", "", "Root element is missing."),
    ] {
        let resp = app
            .request("POST", "/srv.asmx", &[("Content-Type", content_type)], body)
            .await;
        assert_eq!(
            (resp.status, resp.content_type.as_str()),
            (500, SOAP12_TYPE)
        );
        assert!(
            resp.body.contains(&format!(
                "Server was unable to process request. ---&gt; {error}"
            )),
            "{content_type} {body:?}: {}",
            resp.body
        );
    }
    // With a SOAPAction the body is not read to route it: the type is refused first.
    let resp = app
        .request(
            "POST",
            "/srv.asmx",
            &[
                ("Content-Type", "application/x-www-form-urlencoded"),
                ("SOAPAction", "\"http://tempuri.org/AuthenticateUser\""),
            ],
            "UID=a&PWD=b",
        )
        .await;
    assert_eq!((resp.status, resp.body.as_str()), (415, ""));
}

#[actix_web::test]
async fn capture_130_a_missing_charset_reads_latin1() {
    let app = spawn_app().await;
    let t = app.login("admin", "admin").await;
    let body = format!(
        "<UpdateUserContactInfo xmlns=\"http://tempuri.org/\"><authenticationTicket>{t}</authenticationTicket><userName>jdoe</userName><emailAddress>é</emailAddress></UpdateUserContactInfo>"
    );
    let resp = app
        .request(
            "POST",
            "/srv.asmx",
            &[
                ("Content-Type", "text/xml"),
                ("SOAPAction", "\"http://tempuri.org/UpdateUserContactInfo\""),
            ],
            &soap11_envelope(&body),
        )
        .await;
    assert!(resp.body.contains("success=\"true\""), "{}", resp.body);
    assert!(app.get_user(&t, "jdoe").await.contains("Email=\"Ã©\""));
}

#[actix_web::test]
async fn capture_013_131_135_other_verbs_and_urls() {
    let app = spawn_app().await;
    let resp = app.get("/srv.asmx/").await;
    assert_eq!(resp.status, 500);
    assert!(resp
        .body
        .contains("Request format is unrecognized for URL unexpectedly ending in &#39;/&#39;."));
    let resp = app.request("PUT", "/srv.asmx/GetUser", &[], "").await;
    assert_eq!(resp.status, 500);
    assert!(resp
        .body
        .contains("unexpectedly ending in &#39;/GetUser&#39;."));
    assert!(resp
        .body
        .contains("</b>System.InvalidOperationException: Request format"));
    for verb in ["PUT", "DELETE", "OPTIONS"] {
        let resp = app.request(verb, "/srv.asmx", &[], "").await;
        assert_eq!(resp.status, 405, "{verb}");
        assert!(resp.body.contains("Request format is unrecognized."));
        assert!(resp
            .body
            .contains("</b>System.Web.HttpException: Request format is unrecognized."));
    }
}

#[actix_web::test]
async fn capture_014_the_path_is_case_insensitive_as_on_iis() {
    let app = spawn_app().await;
    let node = app.get("/SRV.ASMX/ServerInfo").await;
    assert!(
        node.body.contains("<root success=\"true\" VersionNumber="),
        "{}",
        node.body
    );
    assert_eq!(app.get("/other").await.status, 404);
}

#[actix_web::test]
async fn every_method_answers_on_every_binding() {
    let app = spawn_app().await;
    for spec in asmx_emulator::ops::METHODS {
        for binding in crate::helpers::BINDINGS {
            // An empty int or bool is a conversion fault; send each kind's neutral value.
            let params: Vec<(&str, P)> = spec
                .params
                .iter()
                .map(|p| {
                    let value = match p.kind {
                        ParamKind::Str => "",
                        ParamKind::Int => "0",
                        ParamKind::Bool => "false",
                    };
                    (p.name, P::V(value))
                })
                .collect();
            let node = app.node(binding, spec.name, &params).await;
            let root = spec.root.element();
            assert!(
                node.starts_with(&format!("<{root} success=")),
                "{binding:?} {}: {node}",
                spec.name
            );
        }
    }
    let resp = app.call(Binding::Soap11, "ServerInfo", &[]).await;
    assert!(resp.body.contains("<ServerInfoResponse xmlns=\"http://tempuri.org/\"><ServerInfoResult><root success=\"true\""));
}
