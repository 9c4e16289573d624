//! Repeated logins are answered from a memo of recently verified passwords
//! (SECURITY.md, "Repeated logins"): these check, through the server, that the memo
//! never lets in a password that no longer matches.

use crate::helpers::{spawn_app, Binding, TestApp, BINDINGS, P};

const FAILED: &str = "<root success=\"false\" error=\"[900] Authentication failed\" />";

async fn login(app: &TestApp, binding: Binding, user: &str, password: &str) -> String {
    app.node(
        binding,
        "AuthenticateUser",
        &[("UID", P::V(user)), ("PWD", P::V(password))],
    )
    .await
}

async fn logs_in(app: &TestApp, user: &str, password: &str) -> bool {
    let node = login(app, Binding::Soap11, user, password).await;
    if node.starts_with("<root success=\"true\"") {
        return true;
    }
    assert_eq!(node, FAILED, "{user}");
    false
}

async fn change_password(app: &TestApp, ticket: &str, user: &str, new: &str) {
    let node = app
        .node(
            Binding::Soap11,
            "ChangeUserPassword",
            &[
                ("AuthenticationTicket", P::V(ticket)),
                ("UserName", P::V(user)),
                ("NewPassword", P::V(new)),
            ],
        )
        .await;
    assert_eq!(node, "<root success=\"true\" />");
}

#[actix_web::test]
async fn a_repeated_login_succeeds_on_every_binding_and_a_wrong_one_still_fails() {
    let app = spawn_app().await;
    for binding in BINDINGS {
        for _ in 0..3 {
            let node = login(&app, binding, "jdoe", "jdoe").await;
            assert!(
                node.starts_with("<root success=\"true\""),
                "{binding:?} {node}"
            );
        }
        // With the right password remembered, a wrong one for the same user, and any
        // for a user that does not exist, get the same answer.
        assert_eq!(login(&app, binding, "jdoe", "jdoe ").await, FAILED);
        assert_eq!(login(&app, binding, "jdoe", "JDOE").await, FAILED);
        assert_eq!(login(&app, binding, "nobody", "jdoe").await, FAILED);
        assert_eq!(login(&app, binding, "nobody", "x").await, FAILED);
    }
}

#[actix_web::test]
async fn a_password_change_voids_the_remembered_login_at_once() {
    let app = spawn_app().await;
    assert!(logs_in(&app, "jdoe", "jdoe").await);
    assert!(logs_in(&app, "jdoe", "jdoe").await);
    let admin = app.login("admin", "admin").await;
    change_password(&app, &admin, "jdoe", "second").await;
    assert!(!logs_in(&app, "jdoe", "jdoe").await);
    assert!(logs_in(&app, "jdoe", "second").await);
    assert!(logs_in(&app, "jdoe", "second").await);
}

#[actix_web::test]
async fn a_reset_voids_the_remembered_login_at_once() {
    let app = spawn_app().await;
    assert!(logs_in(&app, "asmith", "asmith").await);
    app.node(
        Binding::Get,
        "ForgotPasswordByUserName",
        &[("userName", P::V("asmith"))],
    )
    .await;
    let secret = app.outbox()[0].secret.clone();
    let node = app
        .node(
            Binding::Post,
            "ChangePasswordUsingSecretText",
            &[
                ("userName", P::V("asmith")),
                ("secretText", P::V(&secret)),
                ("newPassword", P::V("after-reset")),
            ],
        )
        .await;
    assert_eq!(node, "<root success=\"true\" />");
    assert!(!logs_in(&app, "asmith", "asmith").await);
    assert!(logs_in(&app, "asmith", "after-reset").await);
}

#[actix_web::test]
async fn a_deleted_user_is_answered_like_one_that_never_existed() {
    let app = spawn_app().await;
    assert!(logs_in(&app, "jdoe", "jdoe").await);
    let admin = app.login("admin", "admin").await;
    let node = app
        .node(
            Binding::Soap11,
            "DeleteUser",
            &[
                ("AuthenticationTicket", P::V(&admin)),
                ("UserName", P::V("jdoe")),
            ],
        )
        .await;
    assert_eq!(node, "<response success=\"true\" error=\"\" />");
    assert!(!logs_in(&app, "jdoe", "jdoe").await);
}

#[actix_web::test]
async fn a_reset_to_the_fixtures_voids_a_password_set_since() {
    let app = spawn_app().await;
    let ticket = app.login("jdoe", "jdoe").await;
    change_password(&app, &ticket, "jdoe", "before-reset").await;
    assert!(logs_in(&app, "jdoe", "before-reset").await);
    let reset = app.request("POST", "/__emulator/reset", &[], "").await;
    assert_eq!(reset.status, 200, "{}", reset.body);
    assert!(!logs_in(&app, "jdoe", "before-reset").await);
    assert!(logs_in(&app, "jdoe", "jdoe").await);
    assert!(logs_in(&app, "jdoe", "jdoe").await);
}
