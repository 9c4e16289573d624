//! One store behind five APIs: a change made through any of them is read back at once
//! through every other (docs/vendors.md §5, §6), and a broken store is each vendor's own
//! 500, never a Rust message.

use serde_json::json;

use crate::helpers::{attr, redact, spawn_app, Binding, TestApp, P};
use crate::vendors_chatbot as chatbot;
use crate::vendors_commbox as commbox;
use crate::vendors_conscent::{self as conscent, JDOE as JDOE_CONSCENT};
use crate::vendors_webapi::{
    self as webapi, HOME, JDOE as JDOE_WEBAPI, MOBILE, PRIMARY_EMAIL, WORK,
};

#[derive(Debug, Clone, Copy)]
enum Service {
    InfoRouter,
    Chatbot,
    Conscent,
    CommBox,
    WebApi,
}

const APIS: [Service; 5] = [
    Service::InfoRouter,
    Service::Chatbot,
    Service::Conscent,
    Service::CommBox,
    Service::WebApi,
];

/// Sets jdoe's email and mobile number through `api`.
async fn write(app: &TestApp, api: Service, email: &str, mobile: &str) {
    match api {
        Service::InfoRouter => {
            let ticket = app.login("jdoe", "jdoe").await;
            let node = app
                .node(
                    Binding::Get,
                    "UpdateUserContactInfo",
                    &[
                        ("authenticationTicket", P::V(&ticket)),
                        ("userName", P::V("jdoe")),
                        ("emailAddress", P::V(email)),
                        ("mobileNumber", P::V(mobile)),
                    ],
                )
                .await;
            assert_eq!(node, "<response success=\"true\" error=\"\" />");
        }
        Service::Chatbot => {
            let contact = json!({"emailId": email, "phoneNumber": mobile});
            let body = json!({
                "conversationRequest": {"userInfo": {"uid": "tg-100200300"}},
                "queryInfo": {"interestType": "update-contact",
                              "parameters": {"params": {"accountInfo": {"userContact": contact}}}}
            });
            assert_eq!(chatbot::update(app, &body.to_string()).await.status, 200);
        }
        Service::Conscent => {
            conscent::user_data(
                app,
                JDOE_CONSCENT,
                &json!({"email": email, "phone": mobile}).to_string(),
            )
            .await;
        }
        Service::CommBox => {
            let resp =
                commbox::post(app, "/users/3", json!({"Email": email, "Phone1": mobile})).await;
            assert_eq!(resp.status, 200, "{}", resp.body);
        }
        Service::WebApi => {
            webapi::upsert(app, JDOE_WEBAPI, PRIMARY_EMAIL, email, true).await;
            webapi::upsert(app, JDOE_WEBAPI, MOBILE, mobile, true).await;
        }
    }
}

/// Reads jdoe's email and mobile number through `api`.
async fn read(app: &TestApp, api: Service) -> (String, String) {
    match api {
        Service::InfoRouter => chatbot::contact_of(app, "jdoe").await,
        Service::Conscent => {
            let data = conscent::user_data(app, JDOE_CONSCENT, "{}").await;
            let mobile = format!(
                "{}{}",
                data["countryCode"].as_str().unwrap(),
                data["phone"].as_str().unwrap()
            );
            (data["email"].as_str().unwrap().to_string(), mobile)
        }
        // The Web API shows an item by updating it: ResultCode 2 means it was there,
        // and as default it must be the user's current value.
        Service::WebApi => {
            let (email, mobile) = chatbot::contact_of(app, "jdoe").await;
            assert_eq!(
                webapi::upsert(app, JDOE_WEBAPI, PRIMARY_EMAIL, &email, true)
                    .await
                    .0,
                2,
                "email item"
            );
            assert_eq!(
                webapi::upsert(app, JDOE_WEBAPI, MOBILE, &mobile, true)
                    .await
                    .0,
                2,
                "mobile item"
            );
            chatbot::contact_of(app, "jdoe").await
        }
        // CommBox and the chatbot answer with the user's id or a text only.
        Service::CommBox | Service::Chatbot => {
            let resp = commbox::post(app, "/users/3", json!({})).await;
            assert!(resp.body.ends_with("\"data\":{\"Id\":3}}"), "{}", resp.body);
            chatbot::contact_of(app, "jdoe").await
        }
    }
}

#[actix_web::test]
async fn a_change_through_any_api_is_read_back_through_every_other() {
    let app = spawn_app().await;
    for (n, writer) in APIS.into_iter().enumerate() {
        let email = format!("{writer:?}@matrix.example").to_lowercase();
        let mobile = format!("555-02{n:02}");
        write(&app, writer, &email, &mobile).await;
        for reader in APIS {
            assert_eq!(
                read(&app, reader).await,
                (email.clone(), mobile.clone()),
                "{writer:?} → {reader:?}"
            );
        }
        let data = conscent::user_data(&app, JDOE_CONSCENT, "{}").await;
        assert_eq!(
            data["isEmailVerified"], false,
            "{writer:?}: a new address is unverified"
        );
    }
}

#[actix_web::test]
async fn clearing_keeps_the_item_without_its_default_flag() {
    let app = spawn_app().await;
    write(&app, Service::Chatbot, "", "").await;
    assert_eq!(
        chatbot::contact_of(&app, "jdoe").await,
        (String::new(), String::new())
    );
    // The old values' items are still there (updated, not added), and not default.
    assert_eq!(
        webapi::upsert(&app, JDOE_WEBAPI, PRIMARY_EMAIL, "jdoe@example.com", false)
            .await
            .0,
        2
    );
    assert_eq!(
        webapi::upsert(&app, JDOE_WEBAPI, MOBILE, "555-0100", false)
            .await
            .0,
        2
    );
    assert_eq!(
        chatbot::contact_of(&app, "jdoe").await,
        (String::new(), String::new())
    );
}

/// Found by a review against docs/vendors.md: CommBox `Phone1` is the mobile number
/// and is also kept as `phone1`, which the Work Phone item mirrors (docs/vendors.md §4.6, §6, D-18).
#[actix_web::test]
async fn phone1_is_the_mobile_number_and_a_work_phone_item() {
    let app = spawn_app().await;
    let resp = commbox::post(&app, "/users/3", json!({"Phone1": "212-555-0000"})).await;
    assert_eq!(resp.status, 200, "{}", resp.body);
    assert_eq!(
        webapi::upsert(&app, JDOE_WEBAPI, WORK, "2125550000", false)
            .await
            .0,
        2,
        "Phone1 is a Work Phone item"
    );
    let ticket = app.login("admin", "admin").await;
    let node = app.get_user(&ticket, "jdoe").await;
    assert_eq!(attr(&node, "MobileNumber").unwrap(), "212-555-0000");

    webapi::upsert(&app, JDOE_WEBAPI, WORK, "212-555-0001", false).await;
    let phone1: String = rusqlite::Connection::open(&app.db)
        .unwrap()
        .query_row("SELECT phone1 FROM users WHERE id = 3", [], |r| r.get(0))
        .unwrap();
    assert_eq!(phone1, "212-555-0001", "a Work Phone item writes phone1");
}

#[actix_web::test]
async fn names_and_second_phones_cross_over() {
    let app = spawn_app().await;
    let resp = commbox::post(
        &app,
        "/users/3",
        json!({"FirstName": "Jon", "LastName": "Doh", "Phone2": "555-0999"}),
    )
    .await;
    assert_eq!(resp.status, 200);
    let data = conscent::user_data(&app, JDOE_CONSCENT, "{}").await;
    assert_eq!(data["name"], "Jon Doh");
    assert_eq!(
        webapi::upsert(&app, JDOE_WEBAPI, HOME, "5550999", false)
            .await
            .0,
        2,
        "Phone2 is a Home Phone item"
    );

    conscent::user_data(
        &app,
        JDOE_CONSCENT,
        "{\"name\":\"Johnny Doe-Smith\",\"countryCode\":\"+1\",\"phone\":\"5550100\"}",
    )
    .await;
    let ticket = app.login("admin", "admin").await;
    let node = app.get_user(&ticket, "jdoe").await;
    assert_eq!(
        (
            attr(&node, "FirstName").unwrap(),
            attr(&node, "LastName").unwrap(),
            attr(&node, "MobileNumber").unwrap()
        ),
        ("Johnny".into(), "Doe-Smith".into(), "+15550100".into())
    );
    // A number written whole elsewhere drops a country code it does not start with.
    write(&app, Service::InfoRouter, "jdoe@example.com", "555-0100").await;
    let data = conscent::user_data(&app, JDOE_CONSCENT, "{}").await;
    assert_eq!(
        (data["countryCode"].as_str(), data["phone"].as_str()),
        (Some(""), Some("555-0100"))
    );
    write(&app, Service::CommBox, "jdoe@example.com", "+15551234").await;
    conscent::user_data(&app, JDOE_CONSCENT, "{\"countryCode\":\"+1\"}").await;
    write(&app, Service::CommBox, "jdoe@example.com", "+15559876").await;
    let data = conscent::user_data(&app, JDOE_CONSCENT, "{}").await;
    assert_eq!(
        (data["countryCode"].as_str(), data["phone"].as_str()),
        (Some("+1"), Some("5559876"))
    );
}

/// Drops a table the vendor APIs need, from outside the server.
pub fn break_vendor_store(app: &TestApp) {
    let conn = rusqlite::Connection::open(&app.db).unwrap();
    conn.execute_batch("DROP TABLE contact_items").unwrap();
}

#[actix_web::test]
async fn a_broken_store_is_each_vendors_own_500() {
    let app = spawn_app().await;
    break_vendor_store(&app);

    let body = json!({
        "conversationRequest": {"userInfo": {"uid": "jdoe"}},
        "queryInfo": {"interestType": "x", "parameters": {"params": {"accountInfo": {"userContact": {"emailId": "a@x.com"}}}}}
    });
    let resp = chatbot::update(&app, &body.to_string()).await;
    assert_eq!(resp.status, 500);
    assert_eq!(
        redact(&resp.body, "responseId"),
        "{\"responseType\":\"text\",\"responseId\":\"*\",\"responseMessages\":[{\"simpleResponse\":{\"responseText\":\"Something went wrong\"}}]}"
    );

    let resp = conscent::patch(
        &app,
        &format!("/client/update-user?userId={JDOE_CONSCENT}"),
        "{}",
    )
    .await;
    assert_eq!(
        (resp.status, resp.body.as_str()),
        (
            500,
            "{\"statusCode\":500,\"message\":\"Internal server error\"}"
        )
    );

    let resp = commbox::post(&app, "/users/3", json!({"FirstName": "x"})).await;
    assert_eq!(
        (resp.status, redact(&resp.body, "response_time")),
        (
            500,
            "{\"status\":500,\"description\":\"Internal Server Error\",\"response_time\":\"*\"}"
                .to_string()
        )
    );

    let upsert = json!({"UserId": JDOE_WEBAPI, "ContactSubType": PRIMARY_EMAIL, "Value": "x@x.com", "IsDefault": true});
    let resp = webapi::upsert_raw(
        &app,
        JDOE_WEBAPI,
        &[("Content-Type", "application/json")],
        &upsert.to_string(),
    )
    .await;
    assert_eq!(
        (resp.status, resp.body.as_str()),
        (500, "{\"Value\":\"00000000-0000-0000-0000-000000000000\",\"ResultCode\":-99,\"Description\":\"An error has occurred\"}")
    );
}
