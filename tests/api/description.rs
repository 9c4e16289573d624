//! The service description: WSDL, disco and help pages as served.

use quick_xml::events::Event;
use quick_xml::Reader;

use crate::helpers::{attr, form, spawn_app};

fn assert_well_formed(xml: &str) {
    let mut reader = Reader::from_str(xml);
    let mut depth = 0i64;
    loop {
        match reader
            .read_event()
            .unwrap_or_else(|e| panic!("not well-formed: {e}"))
        {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth -= 1,
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(depth, 0);
}

#[actix_web::test]
async fn the_served_wsdl_is_the_checked_in_one() {
    let app = spawn_app().await;
    let committed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/wsdl/srv.wsdl")).unwrap();
    for query in ["WSDL", "wsdl", "WsDl"] {
        let resp = app
            .request(
                "GET",
                &format!("/srv.asmx?{query}"),
                &[("Host", "127.0.0.1:8080")],
                "",
            )
            .await;
        assert_eq!(
            (resp.status, resp.content_type.as_str()),
            (200, "text/xml; charset=utf-8")
        );
        assert_eq!(
            resp.headers.get("cache-control").unwrap(),
            "private, max-age=0"
        );
        assert!(
            resp.body == committed,
            "?{query} differs from wsdl/srv.wsdl"
        );
    }
    assert_well_formed(&committed);
}

#[actix_web::test]
async fn the_wsdl_lists_every_method_and_addresses_the_request_host() {
    let app = spawn_app().await;
    let wsdl = app.get("/srv.asmx?wsdl").await.body;
    assert_well_formed(&wsdl);
    for method in asmx_emulator::ops::METHODS {
        let soap_action = format!("soapAction=\"http://tempuri.org/{}\"", method.name);
        assert_eq!(
            wsdl.matches(&soap_action).count(),
            2,
            "{} in srvSoap and srvSoap12",
            method.name
        );
        assert!(wsdl.contains(&format!("<http:operation location=\"/{}\" />", method.name)));
    }
    let address = format!("location=\"{}/srv.asmx\"", app.base);
    assert_eq!(
        wsdl.matches(&address).count(),
        4,
        "four ports at the request's host"
    );
}

/// Behind a proxy the addresses follow the forwarded host, as before the plain `Host`
/// case got its shortcut.
#[actix_web::test]
async fn the_wsdl_addresses_a_forwarded_host() {
    let app = spawn_app().await;
    for (header, value, host) in [
        ("Host", "example.test:81", "example.test:81"),
        ("X-Forwarded-Host", "proxy.test", "proxy.test"),
        (
            "Forwarded",
            "host=fwd.test:8443;proto=https",
            "fwd.test:8443",
        ),
    ] {
        let wsdl = app
            .request("GET", "/srv.asmx?wsdl", &[(header, value)], "")
            .await
            .body;
        let address = format!("location=\"http://{host}/srv.asmx\"");
        assert_eq!(wsdl.matches(&address).count(), 4, "{header}: {value}");
    }
}

#[actix_web::test]
async fn disco_points_at_the_wsdl() {
    let app = spawn_app().await;
    let resp = app.get("/srv.asmx?disco").await;
    assert_eq!(
        (resp.status, resp.content_type.as_str()),
        (200, "text/xml; charset=utf-8")
    );
    assert_well_formed(&resp.body);
    assert!(resp.body.contains(&format!(
        "<contractRef ref=\"{0}/srv.asmx?wsdl\" docRef=\"{0}/srv.asmx\"",
        app.base
    )));
    assert!(resp.body.contains("binding=\"q2:srvSoap12\""));
}

#[actix_web::test]
async fn the_help_page_lists_operations_and_each_test_form_works() {
    let app = spawn_app().await;
    let page = app.get("/srv.asmx").await;
    assert_eq!(page.status, 200);
    assert!(page.content_type.starts_with("text/html"));
    for method in asmx_emulator::ops::METHODS {
        assert!(
            page.body
                .contains(&format!("href=\"srv.asmx?op={}\"", method.name)),
            "{}",
            method.name
        );
    }
    let op = app.get("/srv.asmx?op=AuthenticateUser").await.body;
    let action = format!("action=\"{}/srv.asmx/AuthenticateUser\"", app.base);
    assert!(
        op.contains(&action) || op.contains(&action.replace('"', "'")),
        "form posts to the POST binding"
    );
    for name in ["UID", "PWD"] {
        assert!(op.contains(&format!("name=\"{name}\"")), "{name} field");
    }
    for sample in ["SOAP 1.1", "SOAP 1.2", "HTTP GET", "HTTP POST"] {
        assert!(op.contains(sample), "{sample} sample");
    }
    let submitted = app
        .post_form(
            "AuthenticateUser",
            &form(&[("UID", "jdoe"), ("PWD", "jdoe")]),
        )
        .await;
    assert!(
        attr(&submitted.body, "ticket").is_some(),
        "{}",
        submitted.body
    );
}
