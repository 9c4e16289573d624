//! ASMX mechanics beyond what the oracle captures show (those are replayed byte for
//! byte by `captures.rs`, from `tests/captures/`): the same rules on other inputs.

use asmx_emulator::ops::ParamKind;

use crate::helpers::{soap11_envelope, spawn_app, Binding, P};

const SOAP12_TYPE: &str = "application/soap+xml; charset=utf-8";

const LOGIN: &str = "<AuthenticateUser xmlns=\"http://tempuri.org/\"><UID>jdoe</UID><PWD>bad</PWD></AuthenticateUser>";

#[actix_web::test]
async fn soap_parameter_names_match_in_any_case_as_get_and_post_names_do() {
    let app = spawn_app().await;
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
async fn plus_and_pct20_are_spaces_and_a_bad_escape_stays() {
    let app = spawn_app().await;
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
async fn a_query_string_over_2048_is_400() {
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
async fn without_soap_action_a_body_naming_no_method_is_a_client_fault() {
    let app = spawn_app().await;
    let resp = app
        .request(
            "POST",
            "/srv.asmx",
            &[("Content-Type", "text/xml; charset=utf-8")],
            &soap11_envelope("<NoSuchMethod xmlns=\"http://tempuri.org/\" />"),
        )
        .await;
    assert_eq!(resp.status, 500);
    assert!(
        resp.body.contains(
            "<faultcode>soap:Client</faultcode><faultstring>Unable to handle request without a valid \
             action parameter. Please supply a valid soap action.</faultstring><detail />"
        ),
        "{}",
        resp.body
    );
}

#[actix_web::test]
async fn the_action_decides_the_method_and_the_body_is_not_its_parameters() {
    let app = spawn_app().await;
    let resp = app
        .soap11_raw(
            "\"http://tempuri.org/isValidTicket\"",
            &soap11_envelope(LOGIN),
        )
        .await;
    assert!(
        resp.body.contains("<isValidTicketResult><root success=\"false\" error=\"[901] Session expired or Invalid ticket\""),
        "{}",
        resp.body
    );
}

#[actix_web::test]
async fn a_doctype_is_not_well_formed_400_with_no_body_on_both_versions() {
    let app = spawn_app().await;
    let body = "<!DOCTYPE x [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body><AuthenticateUser xmlns=\"http://tempuri.org/\"><UID>&xxe;</UID></AuthenticateUser></soap:Body></soap:Envelope>";
    let resp = app
        .soap11_raw("\"http://tempuri.org/AuthenticateUser\"", body)
        .await;
    assert_eq!(
        (resp.status, resp.content_type.as_str(), resp.body.as_str()),
        (400, "text/xml; charset=utf-8", "")
    );
    let resp = app.soap12_raw(SOAP12_TYPE, body).await;
    assert_eq!(
        (resp.status, resp.content_type.as_str(), resp.body.as_str()),
        (400, SOAP12_TYPE, "")
    );
}

#[actix_web::test]
async fn a_body_without_soap_action_is_read_as_xml_whatever_its_type() {
    let app = spawn_app().await;
    // .NET routes a request without SOAPAction by reading its body as XML, whatever its
    // type (tests/captures/125 is a Mono crash): a body that is not XML fails there as 139's does.
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
async fn a_missing_charset_reads_latin1() {
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
async fn other_verbs_on_the_service_are_405() {
    let app = spawn_app().await;
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
async fn the_path_is_case_insensitive_as_on_iis() {
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
