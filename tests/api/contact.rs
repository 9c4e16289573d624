//! UpdateUserContactInfo and UpdateUserEmail: null keeps, "" clears (docs/compatibility.md A4), and who
//! may change whom.

use crate::helpers::{attr, spawn_app, spawn_app_with, Binding, TestApp, BINDINGS, P};

const OK: &str = "<response success=\"true\" error=\"\" />";

async fn contact(app: &TestApp, ticket: &str, user: &str) -> (String, String) {
    let node = app.get_user(ticket, user).await;
    (
        attr(&node, "Email").unwrap(),
        attr(&node, "MobileNumber").unwrap(),
    )
}

async fn update(
    app: &TestApp,
    binding: Binding,
    ticket: &str,
    user: &str,
    email: P<'_>,
    mobile: P<'_>,
) -> String {
    app.node(
        binding,
        "UpdateUserContactInfo",
        &[
            ("authenticationTicket", P::V(ticket)),
            ("userName", P::V(user)),
            ("emailAddress", email),
            ("mobileNumber", mobile),
        ],
    )
    .await
}

#[actix_web::test]
async fn soap_null_keeps_the_stored_value_and_empty_clears_it() {
    for binding in [Binding::Soap11, Binding::Soap12] {
        let app = spawn_app().await;
        let t = app.login("jdoe", "jdoe").await;
        assert_eq!(
            contact(&app, &t, "jdoe").await,
            ("jdoe@example.com".into(), "555-0100".into())
        );

        assert_eq!(
            update(&app, binding, &t, "jdoe", P::Nil, P::V("555-0111")).await,
            OK
        );
        assert_eq!(
            contact(&app, &t, "jdoe").await,
            ("jdoe@example.com".into(), "555-0111".into())
        );

        assert_eq!(
            update(&app, binding, &t, "jdoe", P::V("john@example.org"), P::Omit).await,
            OK
        );
        assert_eq!(
            contact(&app, &t, "jdoe").await,
            ("john@example.org".into(), "555-0111".into())
        );

        assert_eq!(
            update(&app, binding, &t, "jdoe", P::Omit, P::V("")).await,
            OK
        );
        assert_eq!(
            contact(&app, &t, "jdoe").await,
            ("john@example.org".into(), String::new())
        );

        assert_eq!(
            update(&app, binding, &t, "jdoe", P::V(""), P::Nil).await,
            OK
        );
        assert_eq!(
            contact(&app, &t, "jdoe").await,
            (String::new(), String::new())
        );
    }
}

#[actix_web::test]
async fn get_and_post_send_values_and_empty_clears() {
    for binding in [Binding::Get, Binding::Post] {
        let app = spawn_app().await;
        let t = app.login("jdoe", "jdoe").await;
        assert_eq!(
            update(&app, binding, &t, "jdoe", P::V("j@x.com"), P::V("555-0000")).await,
            OK
        );
        assert_eq!(
            contact(&app, &t, "jdoe").await,
            ("j@x.com".into(), "555-0000".into())
        );
        assert_eq!(
            update(&app, binding, &t, "jdoe", P::V("j@x.com"), P::V("")).await,
            OK
        );
        assert_eq!(
            contact(&app, &t, "jdoe").await,
            ("j@x.com".into(), String::new())
        );
    }
}

#[actix_web::test]
async fn a_missing_get_or_post_parameter_is_the_asmx_error_and_changes_nothing() {
    let app = spawn_app().await;
    let t = app.login("jdoe", "jdoe").await;
    let query = format!("authenticationTicket={t}&userName=jdoe&emailAddress=x%40example.com");
    let get = app
        .get(&format!("/srv.asmx/UpdateUserContactInfo?{query}"))
        .await;
    let post = app.post_form("UpdateUserContactInfo", &query).await;
    for resp in [get, post] {
        assert_eq!(resp.status, 500);
        assert_eq!(resp.content_type, "text/plain; charset=utf-8");
        assert_eq!(resp.body, "Missing parameter: mobileNumber.\r\n");
        assert_eq!(resp.headers.get("cache-control").unwrap(), "private");
    }
    assert_eq!(
        contact(&app, &t, "jdoe").await,
        ("jdoe@example.com".into(), "555-0100".into())
    );
}

#[actix_web::test]
async fn nil_as_empty_switch_gives_classic_dotnet_behaviour() {
    let app = spawn_app_with(&["--nil-as-empty"]).await;
    let t = app.login("jdoe", "jdoe").await;
    assert_eq!(
        update(&app, Binding::Soap11, &t, "jdoe", P::Nil, P::Omit).await,
        OK
    );
    assert_eq!(
        contact(&app, &t, "jdoe").await,
        (String::new(), "555-0100".into()),
        "nil cleared, omitted kept"
    );
}

#[actix_web::test]
async fn users_change_themselves_and_administrators_change_anyone() {
    let app = spawn_app().await;
    let jdoe = app.login("jdoe", "jdoe").await;
    let admin = app.login("admin", "admin").await;
    for binding in BINDINGS {
        assert_eq!(
            update(&app, binding, &jdoe, "asmith", P::V("x@x.com"), P::V("1")).await,
            "<response success=\"false\" error=\"Access denied\" />",
            "{binding:?}"
        );
        assert_eq!(
            update(&app, binding, &jdoe, "nobody", P::V("x@x.com"), P::V("1")).await,
            "<response success=\"false\" error=\"User not found\" />"
        );
        assert_eq!(
            update(&app, binding, &admin, "ASMITH", P::V("a@x.com"), P::V("2")).await,
            OK
        );
        assert_eq!(
            update(&app, binding, &jdoe, "ID:3", P::V("j@x.com"), P::V("3")).await,
            OK
        );
    }
    assert_eq!(
        contact(&app, &admin, "asmith").await,
        ("a@x.com".into(), "2".into())
    );
    assert_eq!(
        contact(&app, &admin, "jdoe").await,
        ("j@x.com".into(), "3".into())
    );
}

#[actix_web::test]
async fn special_and_non_ascii_characters_round_trip() {
    let app = spawn_app().await;
    let t = app.login("jdoe", "jdoe").await;
    let email = "a&b<c>\"d'@exämple.com 😀";
    assert_eq!(
        update(
            &app,
            Binding::Soap11,
            &t,
            "jdoe",
            P::V(email),
            P::V("tab\there")
        )
        .await,
        OK
    );
    let node = app.get_user(&t, "jdoe").await;
    assert!(
        node.contains("Email=\"a&amp;b&lt;c&gt;&quot;d'@exämple.com 😀\""),
        "{node}"
    );
    assert!(node.contains("MobileNumber=\"tab\there\""), "{node}");
    let node = app
        .node(
            Binding::Soap12,
            "GetUser",
            &[
                ("AuthenticationTicket", P::V(&t)),
                ("UserName", P::V("jdoe")),
            ],
        )
        .await;
    assert!(
        node.contains("Email=\"a&amp;b&lt;c&gt;&quot;d'@exämple.com 😀\""),
        "{node}"
    );
}

#[actix_web::test]
async fn update_user_email_follows_the_same_rules() {
    let app = spawn_app().await;
    let jdoe = app.login("jdoe", "jdoe").await;
    let call = |binding, ticket: String, user: &'static str, email: P<'static>| {
        let app = &app;
        async move {
            app.node(
                binding,
                "UpdateUserEmail",
                &[
                    ("AuthenticationTicket", P::V(&ticket)),
                    ("UserName", P::V(user)),
                    ("NewEmailAddress", email),
                ],
            )
            .await
        }
    };
    for binding in BINDINGS {
        assert_eq!(
            call(binding, jdoe.clone(), "jdoe", P::V("new@example.com")).await,
            OK
        );
        assert_eq!(
            call(binding, jdoe.clone(), "bwong", P::V("x@example.com")).await,
            "<response success=\"false\" error=\"Access denied\" />"
        );
    }
    assert_eq!(
        contact(&app, &jdoe, "jdoe").await,
        ("new@example.com".into(), "555-0100".into())
    );
    assert_eq!(
        call(Binding::Soap11, jdoe.clone(), "jdoe", P::Nil).await,
        OK
    );
    assert_eq!(
        contact(&app, &jdoe, "jdoe").await.0,
        "new@example.com",
        "null keeps"
    );
    assert_eq!(call(Binding::Get, jdoe.clone(), "jdoe", P::V("")).await, OK);
    assert_eq!(contact(&app, &jdoe, "jdoe").await.0, "", "empty clears");
}
