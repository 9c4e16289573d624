//! The ASP.NET Web API's `PUT /api/v2/Users/{id}/UserContactItem` and
//! `GET /api/v2/ContactItem/GetAllTypes` (docs/vendors.md §4): JSON, DataContract XML and
//! form bodies, content negotiation, `ResultWithGuid`, and Web API's own errors.

use serde_json::json;

use crate::helpers::{form, json, spawn_app, Resp, TestApp};
use crate::vendors_chatbot::contact_of;

pub const JDOE: &str = "0f54d07a-f8b1-43c1-af92-71e41f3cc103";
pub const PRIMARY_EMAIL: &str = "9e6f2d7a-1c1b-4f3e-8a01-000000000001";
pub const SECONDARY_EMAIL: &str = "9e6f2d7a-1c1b-4f3e-8a01-000000000002";
pub const MOBILE: &str = "9e6f2d7a-1c1b-4f3e-8a01-000000000011";
pub const HOME: &str = "9e6f2d7a-1c1b-4f3e-8a01-000000000012";
pub const WORK: &str = "9e6f2d7a-1c1b-4f3e-8a01-000000000013";
const AUTH: &str = "Bearer webapi-demo-token";
const XMLNS: &str = "xmlns:i=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns=\"http://schemas.datacontract.org/2004/07/APIWebRole.Controllers\"";
const NIL: &str = "00000000-0000-0000-0000-000000000000";

/// An XML request that asks for an XML answer.
const XML_IN_AND_OUT: &[(&str, &str)] = &[
    ("Content-Type", "application/xml"),
    ("Accept", "application/xml"),
];

pub async fn upsert_raw(app: &TestApp, id: &str, headers: &[(&str, &str)], body: &str) -> Resp {
    let mut all = vec![("Authorization", AUTH)];
    all.extend_from_slice(headers);
    app.request(
        "PUT",
        &format!("/api/v2/Users/{id}/UserContactItem"),
        &all,
        body,
    )
    .await
}

/// PUTs `body` as JSON for the Web API user `id`.
pub async fn upsert_json(app: &TestApp, id: &str, body: &serde_json::Value) -> Resp {
    upsert_raw(
        app,
        id,
        &[("Content-Type", "application/json")],
        &body.to_string(),
    )
    .await
}

/// Upserts as JSON for the Web API user `id`; returns (ResultCode, Value).
pub async fn upsert(
    app: &TestApp,
    id: &str,
    sub_type: &str,
    value: &str,
    is_default: bool,
) -> (i64, String) {
    let body =
        json!({"UserId": id, "ContactSubType": sub_type, "Value": value, "IsDefault": is_default});
    let resp = upsert_json(app, id, &body).await;
    assert_eq!(resp.status, 200, "{}", resp.body);
    let doc = json(&resp);
    (
        doc["ResultCode"].as_i64().unwrap(),
        doc["Value"].as_str().unwrap().to_string(),
    )
}

fn result_json(value: &str, code: i64, description: &str) -> String {
    format!("{{\"Value\":\"{value}\",\"ResultCode\":{code},\"Description\":\"{description}\"}}")
}

fn result_xml(value: &str, code: i64, description: &str, status: &str) -> String {
    format!(
        "<ResultWithGuid {XMLNS}><Description>{description}</Description><HttpStatusCode>{status}</HttpStatusCode>\
         <ResultCode>{code}</ResultCode><Value>{value}</Value></ResultWithGuid>"
    )
}

fn view_model(members: &str) -> String {
    format!("<UpsertContactItemViewModel {XMLNS}>{members}</UpsertContactItemViewModel>")
}

/// GetAllTypes' fixed catalogue, in order: sub-type, type, name.
const CATALOGUE: [(&str, &str, &str); 5] = [
    (PRIMARY_EMAIL, "Email", "Primary Email"),
    (SECONDARY_EMAIL, "Email", "Secondary Email"),
    (MOBILE, "Phone", "Mobile Phone"),
    (HOME, "Phone", "Home Phone"),
    (WORK, "Phone", "Work Phone"),
];

/// GetAllTypes' catalogue as JSON.
fn catalogue_json() -> String {
    let entries: Vec<String> = CATALOGUE
        .iter()
        .map(|(sub, kind, name)| {
            format!(
                "{{\"ContactSubType\":\"{sub}\",\"ContactType\":\"{kind}\",\"Name\":\"{name}\"}}"
            )
        })
        .collect();
    format!("[{}]", entries.join(","))
}

/// GetAllTypes' catalogue as DataContract XML.
fn catalogue_xml() -> String {
    let items: String = CATALOGUE
        .iter()
        .map(|(sub, kind, name)| {
            format!("<ContactItemTypeViewModel><ContactSubType>{sub}</ContactSubType><ContactType>{kind}</ContactType><Name>{name}</Name></ContactItemTypeViewModel>")
        })
        .collect();
    format!("<ArrayOfContactItemTypeViewModel {XMLNS}>{items}</ArrayOfContactItemTypeViewModel>")
}

#[actix_web::test]
async fn get_all_types_is_the_fixed_catalogue() {
    let app = spawn_app().await;
    // The route matches in any case and on v1 too; Accept picks the format.
    let cases = [
        (
            "/api/v2/ContactItem/GetAllTypes",
            None,
            "application/json; charset=utf-8",
            catalogue_json(),
        ),
        (
            "/API/v1/contactitem/getalltypes",
            Some("text/xml"),
            "text/xml; charset=utf-8",
            catalogue_xml(),
        ),
    ];
    for (path, accept, content_type, body) in cases {
        let mut headers = vec![("Authorization", AUTH)];
        headers.extend(accept.map(|a| ("Accept", a)));
        let resp = app.request("GET", path, &headers, "").await;
        assert_eq!(
            (resp.status, resp.content_type.as_str()),
            (200, content_type),
            "{path}"
        );
        assert_eq!(resp.body, body, "{path}");
    }
}

#[actix_web::test]
async fn json_upsert_adds_then_updates_and_writes_the_default_email() {
    let app = spawn_app().await;
    let body = json!({"UserId": JDOE, "ContactSubType": PRIMARY_EMAIL, "Value": "john@work.example", "IsDefault": true});
    let resp = upsert_json(&app, JDOE, &body).await;
    assert_eq!(
        (resp.status, resp.content_type.as_str()),
        (200, "application/json; charset=utf-8")
    );
    let id = json(&resp)["Value"].as_str().unwrap().to_string();
    assert!(uuid::Uuid::parse_str(&id).is_ok_and(|u| !u.is_nil()));
    assert_eq!(resp.body, result_json(&id, 1, "Contact item added"));
    assert_eq!(contact_of(&app, "jdoe").await.0, "john@work.example");

    // Same sub-type and value (emails compare without case): the same item, updated.
    let body = json!({"userid": JDOE.to_uppercase(), "contactsubtype": PRIMARY_EMAIL, "value": "John@Work.example", "isdefault": true});
    let resp = upsert_raw(
        &app,
        JDOE,
        &[("Content-Type", "text/json"), ("Accept", "text/json")],
        &body.to_string(),
    )
    .await;
    assert_eq!(resp.content_type, "text/json; charset=utf-8");
    assert_eq!(resp.body, result_json(&id, 2, "Contact item updated"));
    assert_eq!(contact_of(&app, "jdoe").await.0, "John@Work.example");
}

#[actix_web::test]
async fn xml_upsert_reads_datacontract_and_answers_xml() {
    let app = spawn_app().await;
    let body = view_model(&format!(
        "<ContactSubType>{SECONDARY_EMAIL}</ContactSubType><IsDefault>true</IsDefault><UserId>{JDOE}</UserId><Value>j&amp;d@example.com</Value>"
    ));
    let resp = upsert_raw(&app, JDOE, XML_IN_AND_OUT, &body).await;
    assert_eq!(
        (resp.status, resp.content_type.as_str()),
        (200, "application/xml; charset=utf-8"),
        "{}",
        resp.body
    );
    let id = resp
        .body
        .split("<Value>")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_string();
    assert_eq!(resp.body, result_xml(&id, 1, "Contact item added", "OK"));
    assert_eq!(
        contact_of(&app, "jdoe").await.0,
        "j&amp;d@example.com",
        "GetUser escapes the &"
    );

    // Content-Type text/xml and no Accept: the answer follows the request's format.
    let resp = upsert_raw(
        &app,
        JDOE,
        &[("Content-Type", "text/xml; charset=utf-8")],
        &body,
    )
    .await;
    assert_eq!(resp.content_type, "text/xml; charset=utf-8");
    assert_eq!(resp.body, result_xml(&id, 2, "Contact item updated", "OK"));
}

#[actix_web::test]
async fn xml_elements_out_of_order_are_skipped_like_datacontractserializer() {
    let app = spawn_app().await;
    let shuffled = view_model(&format!(
        "<UserId>{JDOE}</UserId><ContactSubType>{PRIMARY_EMAIL}</ContactSubType><IsDefault>true</IsDefault><Value>x@x.com</Value>"
    ));
    let nil_value = view_model(&format!(
        "<ContactSubType>{PRIMARY_EMAIL}</ContactSubType><IsDefault>true</IsDefault><UserId>{JDOE}</UserId><Value i:nil=\"true\"/>"
    ));
    let wrong_namespace = format!(
        "<UpsertContactItemViewModel><ContactSubType>{PRIMARY_EMAIL}</ContactSubType><UserId>{JDOE}</UserId><Value>x@x.com</Value></UpsertContactItemViewModel>"
    );
    for body in [
        shuffled,
        nil_value,
        wrong_namespace,
        "<oops".to_string(),
        format!("{}x", view_model("")),
    ] {
        let resp = upsert_raw(&app, JDOE, XML_IN_AND_OUT, &body).await;
        assert_eq!(resp.status, 400, "{body}");
        assert_eq!(
            resp.body,
            result_xml(NIL, -1, "Invalid request", "BadRequest"),
            "{body}"
        );
    }
    // Members it does not know, and members it skips, do not hurt a valid body.
    let extra = view_model(&format!(
        "<Comment>hi</Comment><ContactSubType>{MOBILE}</ContactSubType><UserId>{JDOE}</UserId><IsDefault>false</IsDefault><Value>555-0100</Value>"
    ));
    let resp = upsert_raw(
        &app,
        JDOE,
        &[
            ("Content-Type", "application/xml"),
            ("Accept", "application/json"),
        ],
        &extra,
    )
    .await;
    assert_eq!(resp.status, 200, "{}", resp.body);
    assert_eq!(
        json(&resp)["ResultCode"],
        2,
        "the mobile number's item already exists"
    );
}

#[actix_web::test]
async fn form_bodies_bind_by_name() {
    let app = spawn_app().await;
    let body = form(&[
        ("userId", JDOE),
        ("CONTACTSUBTYPE", HOME),
        ("Value", "555-0177"),
        ("IsDefault", "False"),
    ]);
    let resp = upsert_raw(
        &app,
        JDOE,
        &[("Content-Type", "application/x-www-form-urlencoded")],
        &body,
    )
    .await;
    assert_eq!(resp.status, 200, "{}", resp.body);
    assert_eq!(json(&resp)["ResultCode"], 1);
    assert_eq!(
        contact_of(&app, "jdoe").await.1,
        "555-0100",
        "not the default phone"
    );
}

#[actix_web::test]
async fn defaults_are_exclusive_per_type_and_the_first_item_is_default() {
    let app = spawn_app().await;
    let bwong = "0f54d07a-f8b1-43c1-af92-71e41f3cc105";
    // bwong has no phone: his first phone item becomes the default, flag or not.
    assert_eq!(upsert(&app, bwong, WORK, "555-0300", false).await.0, 1);
    assert_eq!(contact_of(&app, "bwong").await.1, "555-0300");
    // A default Secondary Email takes over the email; the Primary one becomes default again.
    assert_eq!(
        upsert(&app, JDOE, SECONDARY_EMAIL, "second@x.com", true)
            .await
            .0,
        1
    );
    assert_eq!(contact_of(&app, "jdoe").await.0, "second@x.com");
    assert_eq!(
        upsert(&app, JDOE, PRIMARY_EMAIL, "JDOE@example.com", true)
            .await
            .0,
        2
    );
    assert_eq!(contact_of(&app, "jdoe").await.0, "JDOE@example.com");
    // Phones compare by their digits; un-defaulting the default clears the mobile number.
    assert_eq!(upsert(&app, JDOE, MOBILE, "(555) 0100", false).await.0, 2);
    assert_eq!(contact_of(&app, "jdoe").await.1, "");
    assert_eq!(upsert(&app, JDOE, MOBILE, "555 0100", true).await.0, 2);
    assert_eq!(contact_of(&app, "jdoe").await.1, "555 0100");
}

#[actix_web::test]
async fn action_errors_are_result_with_guid() {
    let app = spawn_app().await;
    let put = |id: &str, body: serde_json::Value| {
        let id = id.to_string();
        let app = &app;
        async move { upsert_json(app, &id, &body).await }
    };
    let cases = [
        (
            JDOE,
            json!({"UserId": JDOE, "ContactSubType": PRIMARY_EMAIL, "IsDefault": true}),
            400,
            -1,
            "Invalid request",
        ),
        (
            JDOE,
            json!({"UserId": JDOE, "ContactSubType": PRIMARY_EMAIL, "Value": ""}),
            400,
            -1,
            "Invalid request",
        ),
        (
            JDOE,
            json!({"ContactSubType": PRIMARY_EMAIL, "Value": "x"}),
            400,
            -1,
            "Invalid request",
        ),
        (
            JDOE,
            json!({"UserId": JDOE, "ContactSubType": PRIMARY_EMAIL, "Value": "x", "IsDefault": null}),
            400,
            -1,
            "Invalid request",
        ),
        (
            JDOE,
            json!({"UserId": "nope", "ContactSubType": PRIMARY_EMAIL, "Value": "x"}),
            400,
            -1,
            "Invalid request",
        ),
        (JDOE, json!([1]), 400, -1, "Invalid request"),
        (
            JDOE,
            json!({"UserId": "0f54d07a-f8b1-43c1-af92-71e41f3cc104", "ContactSubType": PRIMARY_EMAIL, "Value": "x"}),
            400,
            -1,
            "UserId does not match the id in the URI",
        ),
        (
            JDOE,
            json!({"UserId": JDOE, "ContactSubType": "6c471f46-9993-454a-b7f8-5404352ba27f", "Value": "x"}),
            400,
            -3,
            "Contact sub type not found",
        ),
        (
            "6c471f46-9993-454a-b7f8-5404352ba27f",
            json!({"UserId": "6c471f46-9993-454a-b7f8-5404352ba27f", "ContactSubType": PRIMARY_EMAIL, "Value": "x"}),
            404,
            -2,
            "User not found",
        ),
    ];
    for (id, body, status, code, description) in cases {
        let resp = put(id, body.clone()).await;
        assert_eq!(
            (resp.status, resp.body.clone()),
            (status, result_json(NIL, code, description)),
            "{body}"
        );
    }
    for body in ["", "{\"UserId\":"] {
        let resp = upsert_raw(&app, JDOE, &[("Content-Type", "application/json")], body).await;
        assert_eq!(
            (resp.status, resp.body.clone()),
            (400, result_json(NIL, -1, "Invalid request")),
            "{body:?}"
        );
    }
    let resp = upsert_raw(
        &app,
        JDOE,
        &[
            ("Content-Type", "application/json"),
            ("Accept", "application/xml"),
        ],
        "{}",
    )
    .await;
    assert_eq!(
        resp.body,
        result_xml(NIL, -1, "Invalid request", "BadRequest")
    );
    assert_eq!(
        contact_of(&app, "jdoe").await,
        ("jdoe@example.com".into(), "555-0100".into())
    );
}

/// Found by a review against docs/vendors.md: Json.NET skips members the model does
/// not have whatever their value, and DataContractSerializer's booleans are
/// xsd:boolean, in one case.
#[actix_web::test]
async fn binding_skips_unknown_json_members_and_reads_xml_booleans_strictly() {
    let app = spawn_app().await;
    let body = json!({
        "Extra": {"a": 1}, "UserId": JDOE, "ContactSubType": SECONDARY_EMAIL,
        "Value": "extra@example.com", "IsDefault": false, "More": [1, {}]
    });
    let resp = upsert_json(&app, JDOE, &body).await;
    assert_eq!(resp.status, 200, "{}", resp.body);
    assert_eq!(json(&resp)["ResultCode"], 1);
    let known_as_object =
        json!({"UserId": JDOE, "ContactSubType": SECONDARY_EMAIL, "Value": {"a": 1}});
    let resp = upsert_json(&app, JDOE, &known_as_object).await;
    assert_eq!(
        (resp.status, resp.body),
        (400, result_json(NIL, -1, "Invalid request"))
    );

    for (literal, status) in [("True", 400), ("TRUE", 400), (" 1 ", 200), ("false", 200)] {
        let body = view_model(&format!(
            "<ContactSubType>{SECONDARY_EMAIL}</ContactSubType><IsDefault>{literal}</IsDefault><UserId>{JDOE}</UserId><Value>x@example.com</Value>"
        ));
        let resp = upsert_raw(&app, JDOE, XML_IN_AND_OUT, &body).await;
        assert_eq!(resp.status, status, "{literal:?}: {}", resp.body);
    }
}

#[actix_web::test]
async fn framework_errors_are_http_errors() {
    let app = spawn_app().await;
    let valid = json!({"UserId": JDOE, "ContactSubType": PRIMARY_EMAIL, "Value": "x@x.com", "IsDefault": true}).to_string();
    let denied = "{\"Message\":\"Authorization has been denied for this request.\"}";
    for auth in [
        None,
        Some("Bearer nope"),
        Some("Bearer commbox-demo-token"),
        Some("Basic QUNkZW1vOmRlbW8tdG9rZW4="),
    ] {
        let mut headers = vec![("Content-Type", "application/json")];
        headers.extend(auth.map(|a| ("Authorization", a)));
        let resp = app
            .request(
                "PUT",
                &format!("/api/v2/Users/{JDOE}/UserContactItem"),
                &headers,
                &valid,
            )
            .await;
        assert_eq!((resp.status, resp.body.as_str()), (401, denied), "{auth:?}");
        assert_eq!(resp.headers.get("www-authenticate").unwrap(), "Bearer");
    }
    let resp = app
        .request(
            "GET",
            "/api/v2/ContactItem/GetAllTypes",
            &[("Accept", "application/xml")],
            "",
        )
        .await;
    assert_eq!(
        (resp.status, resp.body.as_str()),
        (
            401,
            "<Error><Message>Authorization has been denied for this request.</Message></Error>"
        )
    );

    let resp = upsert_raw(
        &app,
        "not-a-guid",
        &[("Content-Type", "application/json")],
        &valid,
    )
    .await;
    assert_eq!(resp.status, 400);
    let doc = json(&resp);
    assert_eq!(doc["Message"], "The request is invalid.");
    assert!(doc["MessageDetail"].as_str().unwrap().starts_with(
        "The parameters dictionary contains a null entry for parameter 'id' of non-nullable type 'System.Guid' for method '"
    ));
    assert_eq!(doc.as_object().unwrap().len(), 2);

    let resp = upsert_raw(&app, JDOE, &[("Content-Type", "text/plain")], &valid).await;
    assert_eq!(
        (resp.status, resp.body.as_str()),
        (415, "{\"Message\":\"The request entity's media type 'text/plain' is not supported for this resource.\"}")
    );
    let resp = app
        .request(
            "GET",
            &format!("/api/v2/Users/{JDOE}/UserContactItem"),
            &[("Authorization", AUTH)],
            "",
        )
        .await;
    assert_eq!(
        (resp.status, resp.body.as_str()),
        (
            405,
            "{\"Message\":\"The requested resource does not support http method 'GET'.\"}"
        )
    );
    let resp = app
        .request(
            "POST",
            "/api/v2/ContactItem/GetAllTypes",
            &[("Accept", "application/xml")],
            "",
        )
        .await;
    assert_eq!(
        (resp.status, resp.body.as_str()),
        (405, "<Error><Message>The requested resource does not support http method 'POST'.</Message></Error>")
    );
    let resp = app.request("GET", "/api/v2/Nope?x=1", &[], "").await;
    let uri = format!("http://127.0.0.1:{}/api/v2/Nope?x=1", app.port);
    assert_eq!(
        (resp.status, resp.body),
        (404, format!("{{\"Message\":\"No HTTP resource was found that matches the request URI '{uri}'.\"}}"))
    );
    assert_eq!(
        app.get("/elsewhere").await.status,
        404,
        "outside /api: the plain 404"
    );
}
