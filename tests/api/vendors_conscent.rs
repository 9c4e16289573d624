//! Conscent's `PATCH /client/update-user` (docs/vendors.md §2): the whole `userData`
//! document, the PATCH semantics of each field, Nest's error bodies.

use chrono::{TimeZone, Utc};
use serde_json::json;

use crate::helpers::{attr, basic, json, redact, spawn_app, Binding, Resp, TestApp, P};
use crate::vendors_chatbot::contact_of;

pub const JDOE: &str = "681c74b2333e169d16a7e583";
const ADDRESS: &str = "{\"name\":\"\",\"apartment\":\"\",\"area\":\"\",\"pincode\":\"\",\"landmark\":\"\",\"city\":\"\",\"state\":\"\",\"country\":\"\"}";

pub async fn patch(app: &TestApp, path: &str, body: &str) -> Resp {
    let auth = basic("ck_demo", "cs_demo");
    app.request(
        "PATCH",
        path,
        &[
            ("Authorization", &auth),
            ("Content-Type", "application/json"),
        ],
        body,
    )
    .await
}

/// `userData` after applying `body` to the user with Conscent id `id`.
pub async fn user_data(app: &TestApp, id: &str, body: &str) -> serde_json::Value {
    let resp = patch(app, &format!("/client/update-user?userId={id}"), body).await;
    assert_eq!(resp.status, 200, "{}", resp.body);
    json(&resp)["userData"].clone()
}

fn nest(status: u16, message: &str, error: &str) -> String {
    format!("{{\"message\":\"{message}\",\"error\":\"{error}\",\"statusCode\":{status}}}")
}

#[actix_web::test]
async fn success_is_the_seed_document_with_every_field() {
    let app = spawn_app().await;
    app.clock
        .set(Utc.with_ymd_and_hms(2030, 1, 2, 3, 4, 5).unwrap());
    let resp = patch(&app, &format!("/client/update-user?userId={JDOE}"), "{}").await;
    assert_eq!(resp.status, 200, "{}", resp.body);
    assert_eq!(resp.content_type, "application/json; charset=utf-8");
    let shipping = "{\"name\":\"\",\"apartment\":\"20/41 Rambagh\",\"area\":\"\",\"pincode\":\"2820006\",\"landmark\":\"\",\"city\":\"Agra\",\"state\":\"UP\",\"country\":\"INDIA\",\"_id\":\"681c94453b8e51752d8b55d9\"}";
    let billing = "{\"name\":\"\",\"apartment\":\"20/41 Rambagh\",\"area\":\"\",\"pincode\":\"282008\",\"landmark\":\"\",\"city\":\"Agra\",\"state\":\"UP\",\"country\":\"INDIA\",\"_id\":\"681c94453b8e51752d8b55d8\"}";
    let expected = format!(
        "{{\"message\":\"User Details Updated Successfully.\",\"userData\":{{\"status\":\"ACTIVE\",\
         \"userId\":\"{JDOE}\",\"name\":\"John Doe\",\"email\":\"jdoe@example.com\",\"countryCode\":\"\",\
         \"phone\":\"555-0100\",\"gender\":\"MALE\",\"dateOfBirth\":\"1985-04-12T00:00:00.000Z\",\
         \"address\":{ADDRESS},\"usedCoupons\":[],\"clientSpecificIds\":[],\"migrated\":false,\
         \"isPhoneVerified\":true,\"isEmailVerified\":true,\"shippingAddress\":[{shipping}],\
         \"billingAddress\":[{billing}],\"createdAt\":\"2025-05-08T09:09:08.369Z\",\"updatedAt\":\"*\"}}}}"
    );
    assert_eq!(redact(&resp.body, "updatedAt"), expected);
    let updated = json(&resp)["userData"]["updatedAt"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        updated.starts_with("2030-01-02T03:04:0") && updated.len() == 24 && updated.ends_with('Z'),
        "{updated}"
    );
}

#[actix_web::test]
async fn every_field_updates_and_inforouter_sees_it() {
    let app = spawn_app().await;
    let body = json!({
        "name": "Shivam Dubey",
        "email": "shivamdubey+kljo@conscent.ai",
        "countryCode": "+91",
        "phone": "98679796896",
        "gender": "FEMALE",
        "dateOfBirth": "2025-05-13T16:13:02.128Z",
        "address": {"city": "Agra", "state": null, "unknown": "x"},
        "shippingAddress": [
            {"apartment": "20/41 Rambagh", "_id": "681c94453b8e51752d8b55d9"},
            {"city": "Delhi", "_id": "not-an-object-id"}
        ],
        "billingAddress": [],
        "status": "INACTIVE", "userId": "000000000000000000000000", "isEmailVerified": true
    });
    let data = user_data(&app, JDOE, &body.to_string()).await;
    assert_eq!(data["status"], "ACTIVE", "read-only keys are ignored");
    assert_eq!(data["userId"], JDOE);
    assert_eq!(data["name"], "Shivam Dubey");
    assert_eq!(data["email"], "shivamdubey+kljo@conscent.ai");
    assert_eq!(
        (data["countryCode"].as_str(), data["phone"].as_str()),
        (Some("+91"), Some("98679796896"))
    );
    assert_eq!(data["gender"], "FEMALE");
    assert_eq!(data["dateOfBirth"], "2025-05-13T16:13:02.128Z");
    assert_eq!(data["address"]["city"], "Agra");
    assert_eq!(data["address"].as_object().unwrap().len(), 8);
    assert_eq!(
        (
            data["isEmailVerified"].as_bool(),
            data["isPhoneVerified"].as_bool()
        ),
        (Some(false), Some(false))
    );
    let shipping = data["shippingAddress"].as_array().unwrap();
    assert_eq!(
        shipping[0]["_id"], "681c94453b8e51752d8b55d9",
        "a given ObjectId is kept"
    );
    let fresh = shipping[1]["_id"].as_str().unwrap();
    assert!(
        fresh.len() == 24
            && fresh.bytes().all(|b| b.is_ascii_hexdigit())
            && fresh != "681c94453b8e51752d8b55d9"
    );
    assert_eq!(shipping[1]["city"], "Delhi");
    assert_eq!(data["billingAddress"], json!([]));

    let ticket = app.login("admin", "admin").await;
    let node = app.get_user(&ticket, "jdoe").await;
    assert_eq!(attr(&node, "FirstName").unwrap(), "Shivam");
    assert_eq!(attr(&node, "LastName").unwrap(), "Dubey");
    assert_eq!(
        attr(&node, "Email").unwrap(),
        "shivamdubey+kljo@conscent.ai"
    );
    assert_eq!(
        attr(&node, "MobileNumber").unwrap(),
        "+9198679796896",
        "country code then phone"
    );

    // Unchanged on an empty PATCH; the address line kept, the phone cleared alone.
    let again = user_data(
        &app,
        JDOE,
        "{\"phone\":\"\",\"address\":{\"state\":\"UP\"}}",
    )
    .await;
    assert_eq!(
        (again["countryCode"].as_str(), again["phone"].as_str()),
        (Some("+91"), Some(""))
    );
    assert_eq!(
        (
            again["address"]["city"].as_str(),
            again["address"]["state"].as_str()
        ),
        (Some("Agra"), Some("UP"))
    );
    assert_eq!(again["shippingAddress"], data["shippingAddress"]);
    assert_eq!(contact_of(&app, "jdoe").await.1, "");
}

#[actix_web::test]
async fn empty_strings_clear_and_name_splits_on_the_first_space() {
    let app = spawn_app().await;
    let data = user_data(
        &app,
        JDOE,
        "{\"name\":\"Mary Ann  Smith\",\"gender\":\"\",\"dateOfBirth\":\"\",\"email\":\"\"}",
    )
    .await;
    assert_eq!(
        (
            data["name"].as_str(),
            data["gender"].as_str(),
            data["dateOfBirth"].as_str()
        ),
        (Some("Mary Ann  Smith"), Some(""), Some(""))
    );
    assert_eq!(data["email"], "");
    let ticket = app.login("admin", "admin").await;
    let node = app.get_user(&ticket, "jdoe").await;
    assert_eq!(
        (
            attr(&node, "FirstName").unwrap(),
            attr(&node, "LastName").unwrap()
        ),
        ("Mary".into(), "Ann  Smith".into())
    );
    let data = user_data(
        &app,
        JDOE,
        "{\"name\":\"Cher\",\"dateOfBirth\":\"1990-02-03\"}",
    )
    .await;
    assert_eq!(
        (data["name"].as_str(), data["dateOfBirth"].as_str()),
        (Some("Cher"), Some("1990-02-03T00:00:00.000Z"))
    );
}

#[actix_web::test]
async fn aliases_and_disabled_users() {
    let app = spawn_app().await;
    for base in ["/api/v1/client", "/api/v2/client", "/client"] {
        let resp = patch(
            &app,
            &format!("{base}/update-user?userId={}", JDOE.to_uppercase()),
            "",
        )
        .await;
        assert_eq!(resp.status, 200, "{base}: {}", resp.body);
    }
    let data = user_data(&app, "681c74b2333e169d16a7e587", "{}").await;
    assert_eq!(
        (data["status"].as_str(), data["name"].as_str()),
        (Some("INACTIVE"), Some("Li Chen"))
    );
}

#[actix_web::test]
async fn users_created_later_get_a_derived_id() {
    let app = spawn_app().await;
    let admin = app.login("admin", "admin").await;
    let node = app
        .node(
            Binding::Get,
            "CreateUser",
            &[
                ("AuthenticationTicket", P::V(&admin)),
                ("DomainName", P::V("")),
                ("UserName", P::V("newbie")),
                ("FirstName", P::V("New")),
                ("LastName", P::V("Bie")),
                ("EmailAddress", P::V("newbie@example.com")),
                ("Password", P::V("pw")),
                ("ReadOnlyUser", P::V("false")),
                ("AuthenticationSource", P::V("")),
            ],
        )
        .await;
    let id: i64 = attr(&node, "id")
        .unwrap_or_else(|| panic!("{node}"))
        .parse()
        .unwrap();
    let conscent = format!("665000000000{id:012x}");
    let data = user_data(&app, &conscent, "{\"phone\":\"555-7777\"}").await;
    assert_eq!(
        (data["userId"].as_str(), data["email"].as_str()),
        (Some(conscent.as_str()), Some("newbie@example.com"))
    );
    assert_eq!(contact_of(&app, "newbie").await.1, "555-7777");
    // A fixture user keeps its fixture id: the derived form does not reach it.
    let resp = patch(
        &app,
        "/client/update-user?userId=665000000000000000000003",
        "{}",
    )
    .await;
    assert_eq!(resp.status, 404);
}

#[actix_web::test]
async fn errors_are_nest_bodies() {
    let app = spawn_app().await;
    let path = format!("/client/update-user?userId={JDOE}");
    let commbox = "Bearer commbox-demo-token".to_string();
    let chatbot = basic("ACdemo", "demo-token");
    let wrong = basic("ck_demo", "nope");
    for auth in [None, Some(&wrong), Some(&chatbot), Some(&commbox)] {
        let mut headers = vec![("Content-Type", "application/json")];
        headers.extend(auth.map(|a| ("Authorization", a.as_str())));
        let resp = app
            .request("PATCH", &path, &headers, "{\"email\":\"x@x.com\"}")
            .await;
        assert_eq!(
            (resp.status, resp.body.as_str()),
            (401, "{\"message\":\"Unauthorized\",\"statusCode\":401}")
        );
        assert_eq!(resp.content_type, "application/json; charset=utf-8");
    }
    let cases = [
        (
            "/client/update-user",
            "{}",
            400,
            "userId is required",
            "Bad Request",
        ),
        (
            "/client/update-user?userId=",
            "{}",
            400,
            "userId is required",
            "Bad Request",
        ),
        (
            "/client/update-user?userId=123",
            "{}",
            400,
            "Invalid userId",
            "Bad Request",
        ),
        (
            "/client/update-user?userId=681c74b2333e169d16a7e58g",
            "{}",
            400,
            "Invalid userId",
            "Bad Request",
        ),
        (
            &path,
            "{\"email\":",
            400,
            "Invalid request body",
            "Bad Request",
        ),
        (&path, "[]", 400, "Invalid request body", "Bad Request"),
        (
            &path,
            "{\"gender\":\"MAN\"}",
            400,
            "Invalid request body",
            "Bad Request",
        ),
        (
            &path,
            "{\"dateOfBirth\":\"yesterday\"}",
            400,
            "Invalid request body",
            "Bad Request",
        ),
        (
            &path,
            "{\"address\":\"Agra\"}",
            400,
            "Invalid request body",
            "Bad Request",
        ),
        (
            &path,
            "{\"shippingAddress\":{}}",
            400,
            "Invalid request body",
            "Bad Request",
        ),
        (
            &path,
            "{\"email\":5}",
            400,
            "Invalid request body",
            "Bad Request",
        ),
        (
            "/client/update-user?userId=aaaaaaaaaaaaaaaaaaaaaaaa",
            "{}",
            404,
            "User not found",
            "Not Found",
        ),
        (
            &path,
            "{\"email\":\"ALICE.smith@example.com\"}",
            409,
            "Email already exists",
            "Conflict",
        ),
    ];
    for (path, body, status, message, error) in cases {
        let resp = patch(&app, path, body).await;
        assert_eq!(
            (resp.status, resp.body.clone()),
            (status, nest(status, message, error)),
            "{path} {body}"
        );
    }
    for method in ["GET", "POST", "PUT", "DELETE"] {
        let resp = app
            .request(
                method,
                &path,
                &[("Authorization", &basic("ck_demo", "cs_demo"))],
                "",
            )
            .await;
        assert_eq!(resp.status, 404);
        assert_eq!(
            resp.body,
            nest(404, &format!("Cannot {method} {path}"), "Not Found")
        );
    }
    let resp = patch(&app, "/client/update-users", "{}").await;
    assert_eq!(
        resp.body,
        nest(404, "Cannot PATCH /client/update-users", "Not Found")
    );
    let data = user_data(&app, JDOE, "{}").await;
    assert_eq!(data["email"], "jdoe@example.com", "nothing written");
}
