//! SendWelcomeEmailForUser: the mail is recorded; a native user's link sets a first
//! password within 48 hours.

use chrono::Duration;

use crate::helpers::{attr, spawn_app, Binding, TestApp, BINDINGS, P};

async fn welcome(app: &TestApp, binding: Binding, ticket: &str, user: &str) -> String {
    app.node(
        binding,
        "SendWelcomeEmailForUser",
        &[
            ("authenticationTicket", P::V(ticket)),
            ("userName", P::V(user)),
        ],
    )
    .await
}

async fn set_password(app: &TestApp, user: &str, secret: &str, password: &str) -> String {
    app.node(
        Binding::Get,
        "ChangePasswordUsingSecretText",
        &[
            ("userName", P::V(user)),
            ("secretText", P::V(secret)),
            ("newPassword", P::V(password)),
        ],
    )
    .await
}

const OK: &str = "<root success=\"true\" />";

fn root_error(error: &str) -> String {
    format!("<root success=\"false\" error=\"{error}\" />")
}

#[actix_web::test]
async fn native_users_get_a_48_hour_password_link_on_every_binding() {
    let app = spawn_app().await;
    let admin = app.login("admin", "admin").await;
    for (i, binding) in BINDINGS.into_iter().enumerate() {
        assert_eq!(
            welcome(&app, binding, &admin, "ASmith").await,
            OK,
            "{binding:?}"
        );
        let mail = app.outbox()[i].clone();
        assert_eq!(
            (mail.to.as_str(), mail.user.as_str(), mail.template.as_str()),
            ("alice.smith@example.com", "asmith", "WELCOMETOIR")
        );
        assert_eq!(
            mail.link,
            format!(
                "{}/resetpassword.aspx?username=asmith&secretText={}",
                app.base, mail.secret
            )
        );
        assert!(
            mail.body
                .contains("Welcome to infoRouter. Your user name is 'asmith'."),
            "{}",
            mail.body
        );
        assert!(
            mail.body.contains(&mail.link) && mail.body.contains("within 48 hours"),
            "{}",
            mail.body
        );
    }
    let mails = app.outbox();
    app.clock.advance(Duration::hours(47));
    assert_eq!(
        set_password(&app, "asmith", &mails[0].secret, "first").await,
        OK
    );
    assert!(app.login("asmith", "first").await.len() == 36);
    app.clock.advance(Duration::hours(2));
    assert_eq!(
        set_password(&app, "asmith", &mails[1].secret, "second").await,
        root_error("Invalid or expired reset code")
    );
}

#[actix_web::test]
async fn a_user_created_without_a_password_signs_in_after_the_welcome_link() {
    let app = spawn_app().await;
    let admin = app.login("admin", "admin").await;
    let params = [
        ("AuthenticationTicket", P::V(&admin)),
        ("DomainName", P::V("")),
        ("UserName", P::V("fresh")),
        ("FirstName", P::V("Fresh")),
        ("LastName", P::V("Hire")),
        ("EmailAddress", P::V("fresh@example.com")),
        ("Password", P::V("")),
        ("ReadOnlyUser", P::V("false")),
        ("AuthenticationSource", P::V("native")),
    ];
    let id = attr(&app.node(Binding::Post, "CreateUser", &params).await, "id").unwrap();
    assert_eq!(
        welcome(&app, Binding::Soap11, &admin, &format!("ID:{id}")).await,
        OK
    );
    let secret = app.outbox()[0].secret.clone();
    assert_eq!(set_password(&app, "fresh", &secret, "chosen").await, OK);
    app.login("fresh", "chosen").await;
}

#[actix_web::test]
async fn external_users_are_told_their_authority() {
    let app = spawn_app().await;
    let admin = app.login("admin", "admin").await;
    assert_eq!(welcome(&app, Binding::Soap12, &admin, "kpatel").await, OK);
    let mail = &app.outbox()[0];
    assert_eq!(
        (
            mail.template.as_str(),
            mail.link.as_str(),
            mail.secret.as_str()
        ),
        ("WELCOMETOIREXTERNAL", "", "")
    );
    assert!(
        mail.body
            .contains("Sign in with your CORPLDAP credentials."),
        "{}",
        mail.body
    );
}

#[actix_web::test]
async fn welcome_errors_are_the_documented_texts() {
    let app = spawn_app().await;
    let admin = app.login("admin", "admin").await;
    let jdoe = app.login("jdoe", "jdoe").await;
    for binding in BINDINGS {
        let cases = [
            (
                jdoe.as_str(),
                "asmith",
                "Only the system administrator can perform this operation",
            ),
            (admin.as_str(), "nobody", "User does not exist"),
            (admin.as_str(), "", "User does not exist"),
            (
                admin.as_str(),
                "hrlead",
                "User has no e-mail address on file",
            ),
            ("", "asmith", "[900] Authentication failed"),
        ];
        for (ticket, user, error) in cases {
            assert_eq!(
                welcome(&app, binding, ticket, user).await,
                root_error(error),
                "{binding:?} {user}"
            );
        }
    }
    assert!(app.outbox().is_empty());
}
