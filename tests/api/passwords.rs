//! ChangeUserPassword and the reset-mail flow (mail is recorded in the store).

use chrono::Duration;

use crate::helpers::{attr, spawn_app, Binding, SentMail, TestApp, BINDINGS, P};

async fn can_login(app: &TestApp, user: &str, pwd: &str) -> bool {
    let node = app
        .node(
            Binding::Get,
            "AuthenticateUser",
            &[("UID", P::V(user)), ("PWD", P::V(pwd))],
        )
        .await;
    node.starts_with("<root success=\"true\"")
}

async fn change(app: &TestApp, binding: Binding, ticket: &str, user: &str, new: &str) -> String {
    app.node(
        binding,
        "ChangeUserPassword",
        &[
            ("AuthenticationTicket", P::V(ticket)),
            ("UserName", P::V(user)),
            ("NewPassword", P::V(new)),
        ],
    )
    .await
}

#[actix_web::test]
async fn users_change_their_own_password_and_user_managers_anyones() {
    let app = spawn_app().await;
    for (i, binding) in BINDINGS.into_iter().enumerate() {
        let old = if i == 0 {
            "jdoe".to_string()
        } else {
            format!("pw{}", i - 1)
        };
        let new = format!("pw{i}");
        let t = app.login("jdoe", &old).await;
        assert_eq!(
            change(&app, binding, &t, "jdoe", &new).await,
            "<root success=\"true\" />",
            "{binding:?}"
        );
        assert!(can_login(&app, "jdoe", &new).await);
        assert!(!can_login(&app, "jdoe", &old).await);
        assert_eq!(
            change(&app, binding, &t, "jdoe", &new).await,
            "<root success=\"false\" error=\"New password cannot be the same as old password\" />"
        );
        assert_eq!(
            change(&app, binding, &t, "jdoe", "").await,
            "<root success=\"false\" error=\"Password cannot be empty.\" />"
        );
        assert_eq!(
            change(&app, binding, &t, "asmith", "x").await,
            "<root success=\"false\" error=\"Insufficient rights\" />"
        );
        assert_eq!(
            change(&app, binding, &t, "nobody", "x").await,
            "<root success=\"false\" error=\"User not found\" />"
        );
    }
    let admin = app.login("admin", "admin").await;
    assert_eq!(
        change(&app, Binding::Soap11, &admin, "asmith", "fresh").await,
        "<root success=\"true\" />"
    );
    assert!(can_login(&app, "asmith", "fresh").await);
    let node = app.get_user(&admin, "asmith").await;
    assert!(
        !attr(&node, "LastPasswordChangeDate").unwrap().is_empty(),
        "{node}"
    );
}

#[actix_web::test]
async fn forgot_password_mails_a_one_hour_single_use_link() {
    let app = spawn_app().await;
    let node = app
        .node(
            Binding::Soap11,
            "ForgotPassword",
            &[("emailAddress", P::V("JDOE@example.com"))],
        )
        .await;
    assert_eq!(node, "<root success=\"true\" />");
    let mails = app.outbox();
    assert_eq!(mails.len(), 1);
    let SentMail {
        to,
        user,
        link,
        secret,
        ..
    } = mails[0].clone();
    assert_eq!((to.as_str(), user.as_str()), ("jdoe@example.com", "jdoe"));
    assert_eq!(
        link,
        format!(
            "{}/resetpassword.aspx?username=jdoe&secretText={secret}",
            app.base
        )
    );

    let reset = |secret: String, pwd: &'static str| {
        let app = &app;
        async move {
            app.node(
                Binding::Post,
                "ChangePasswordUsingSecretText",
                &[
                    ("userName", P::V("jdoe")),
                    ("secretText", P::V(&secret)),
                    ("newPassword", P::V(pwd)),
                ],
            )
            .await
        }
    };
    let invalid = "<root success=\"false\" error=\"Invalid or expired reset code\" />";
    assert_eq!(reset("not-a-guid".into(), "x").await, invalid);
    assert_eq!(
        reset(secret.to_uppercase(), "newpass").await,
        "<root success=\"true\" />"
    );
    assert!(can_login(&app, "jdoe", "newpass").await);
    assert_eq!(reset(secret.clone(), "other").await, invalid, "single use");

    app.node(
        Binding::Get,
        "ForgotPasswordByUserName",
        &[("userName", P::V("jdoe"))],
    )
    .await;
    let secret = app.outbox()[1].secret.clone();
    assert_eq!(
        reset(secret.clone(), "newpass").await,
        "<root success=\"false\" error=\"New password cannot be the same as old password\" />"
    );
    app.clock.advance(Duration::minutes(61));
    assert_eq!(
        reset(secret, "later").await,
        invalid,
        "expired after an hour"
    );
}

#[actix_web::test]
async fn forgot_password_errors() {
    let app = spawn_app().await;
    for binding in BINDINGS {
        for (method, param, value, error) in [
            (
                "ForgotPassword",
                "emailAddress",
                "",
                "Please enter your Email address.",
            ),
            (
                "ForgotPassword",
                "emailAddress",
                "nobody@example.com",
                "No user found with this email",
            ),
            (
                "ForgotPasswordByUserName",
                "userName",
                "",
                "User name field cannot be empty.",
            ),
            (
                "ForgotPasswordByUserName",
                "userName",
                "nobody",
                "User not found",
            ),
        ] {
            let node = app.node(binding, method, &[(param, P::V(value))]).await;
            assert_eq!(
                node,
                format!("<root success=\"false\" error=\"{error}\" />"),
                "{binding:?} {method}"
            );
        }
    }
    assert!(app.outbox().is_empty());
}

#[actix_web::test]
async fn external_accounts_get_a_notice_and_cannot_reset() {
    let app = spawn_app().await;
    let node = app
        .node(
            Binding::Get,
            "ForgotPasswordByUserName",
            &[("userName", P::V("kpatel"))],
        )
        .await;
    assert_eq!(node, "<root success=\"true\" />");
    let mails = app.outbox();
    assert_eq!(
        (mails[0].user.as_str(), mails[0].link.as_str()),
        ("kpatel", ""),
        "no link for an external account"
    );
    let node = app
        .node(
            Binding::Get,
            "ChangePasswordUsingSecretText",
            &[
                ("userName", P::V("kpatel")),
                ("secretText", P::V("3f2a1b4c-5d6e-7f8a-9b0c-1d2e3f4a5b6c")),
                ("newPassword", P::V("x")),
            ],
        )
        .await;
    assert_eq!(node, "<root success=\"false\" error=\"External authentication \u{2014} password cannot be changed\" />");
}
