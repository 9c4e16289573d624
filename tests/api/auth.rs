//! The login and ticket family, tickets' sliding expiry by moving the clock.

use chrono::{DateTime, Duration, TimeZone, Utc};

use crate::helpers::{attr, spawn_app, spawn_app_with, Binding, TestApp, BINDINGS, P};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap()
}

fn expire_on(node: &str) -> DateTime<Utc> {
    let text = attr(node, "expireOn").unwrap_or_else(|| panic!("no expireOn: {node}"));
    DateTime::parse_from_rfc3339(&text)
        .unwrap()
        .with_timezone(&Utc)
}

fn near(a: DateTime<Utc>, b: DateTime<Utc>) -> bool {
    (a - b).num_seconds().abs() <= 2
}

async fn login_node(app: &TestApp, binding: Binding, uid: &str, pwd: &str) -> String {
    app.node(
        binding,
        "AuthenticateUser",
        &[("UID", P::V(uid)), ("PWD", P::V(pwd))],
    )
    .await
}

async fn is_valid(app: &TestApp, ticket: &str) -> String {
    app.node(
        Binding::Get,
        "isValidTicket",
        &[("AuthenticationTicket", P::V(ticket))],
    )
    .await
}

const EXPIRED: &str =
    "<root success=\"false\" error=\"[901] Session expired or Invalid ticket\" />";
const AUTH_FAILED_ROOT: &str = "<root success=\"false\" error=\"[900] Authentication failed\" />";

#[actix_web::test]
async fn authenticate_user_answers_the_documented_attributes_on_every_binding() {
    let app = spawn_app().await;
    for binding in BINDINGS {
        app.clock.set(t0());
        let node = login_node(&app, binding, "jdoe", "jdoe").await;
        let ticket = attr(&node, "ticket").unwrap();
        assert_eq!(ticket.len(), 36, "{node}");
        assert!(ticket
            .chars()
            .all(|c| c == '-' || c.is_ascii_digit() || ('a'..='f').contains(&c)));
        let expected = format!(
            "<root success=\"true\" ticket=\"{ticket}\" userid=\"3\" username=\"jdoe\" firstName=\"John\" \
             lastName=\"Doe\" fullname=\"John Doe\" email=\"jdoe@example.com\" expireOn=\"{}\" isAuthenticated=\"True\" />",
            attr(&node, "expireOn").unwrap()
        );
        assert_eq!(node, expected, "{binding:?}");
        assert!(near(expire_on(&node), t0() + Duration::days(30)), "{node}");
    }
}

#[actix_web::test]
async fn each_login_gets_a_new_unguessable_ticket() {
    let app = spawn_app().await;
    let a = app.login("jdoe", "jdoe").await;
    let b = app.login("JDOE", "jdoe").await;
    assert_ne!(a, b);
    assert!(is_valid(&app, &a).await.contains("username=\"jdoe\""));
    assert!(is_valid(&app, &b).await.contains("username=\"jdoe\""));
}

#[actix_web::test]
async fn failed_logins_are_900_and_the_sysadmin_account_is_902() {
    let app = spawn_app().await;
    for binding in BINDINGS {
        for (uid, pwd) in [
            ("jdoe", "wrong"),
            ("nobody", "x"),
            ("lchen", "lchen"),
            ("kpatel", ""),
            ("", ""),
        ] {
            assert_eq!(
                login_node(&app, binding, uid, pwd).await,
                AUTH_FAILED_ROOT,
                "{binding:?} {uid}"
            );
        }
        assert_eq!(
            login_node(&app, binding, "sysadmin", "sysadmin").await,
            "<root success=\"false\" error=\"[902] Ticket generation not allowed\" />"
        );
        let node = app
            .node(
                binding,
                "AuthenticateUser1",
                &[
                    ("UID", P::V("SysAdmin")),
                    ("PWD", P::V("sysadmin")),
                    ("Lang", P::V("en")),
                ],
            )
            .await;
        assert_eq!(
            node,
            "<root success=\"false\" error=\"[902] Ticket generation not allowed\" />"
        );
        let node = app
            .node(
                binding,
                "RenewTicket",
                &[
                    ("UID", P::V("sysadmin")),
                    ("PWD", P::V("sysadmin")),
                    ("Lang", P::V("")),
                    ("OldTicket", P::V("")),
                ],
            )
            .await;
        assert_eq!(node, "<root success=\"false\" error=\"[902] Ticket generation are not allowed for this user.\" />");
    }
}

#[actix_web::test]
async fn authenticate_user1_logs_in_with_a_language() {
    let app = spawn_app().await;
    let node = app
        .node(
            Binding::Soap11,
            "AuthenticateUser1",
            &[
                ("UID", P::V("asmith")),
                ("PWD", P::V("asmith")),
                ("Lang", P::V("de")),
            ],
        )
        .await;
    assert!(
        node.starts_with("<root success=\"true\" ticket=\""),
        "{node}"
    );
    assert!(
        node.contains("username=\"asmith\" firstName=\"Alice\""),
        "{node}"
    );
}

#[actix_web::test]
async fn is_valid_ticket_is_passive_and_other_calls_slide_the_expiry() {
    let app = spawn_app().await;
    app.clock.set(t0());
    let ticket = app.login("jdoe", "jdoe").await;
    app.clock.advance(Duration::days(10));
    let node = is_valid(&app, &ticket).await;
    assert!(
        node.starts_with("<root success=\"true\" userid=\"3\" username=\"jdoe\""),
        "{node}"
    );
    assert!(!node.contains("ticket="), "{node}");
    assert!(
        near(expire_on(&node), t0() + Duration::days(30)),
        "isValidTicket must not extend: {node}"
    );

    app.get_user(&ticket, "").await;
    let node = is_valid(&app, &ticket).await;
    assert!(
        near(expire_on(&node), t0() + Duration::days(40)),
        "GetUser slides the window: {node}"
    );
}

#[actix_web::test]
async fn a_ticket_used_within_the_window_lives_on_and_dies_after_it() {
    let app = spawn_app().await;
    app.clock.set(t0());
    let ticket = app.login("jdoe", "jdoe").await;
    for _ in 0..3 {
        app.clock.advance(Duration::days(29));
        let node = app.get_user(&ticket, "jdoe").await;
        assert!(node.starts_with("<response success=\"true\""), "{node}");
    }
    app.clock.advance(Duration::days(30) + Duration::seconds(1));
    let node = app.get_user(&ticket, "jdoe").await;
    assert_eq!(
        node,
        "<response success=\"false\" error=\"[901] Session expired or Invalid ticket\" />"
    );
    assert_eq!(is_valid(&app, &ticket).await, EXPIRED);
}

#[actix_web::test]
async fn the_ticket_lifetime_is_configurable() {
    let app = spawn_app_with(&["--ticket-lifetime", "1h"]).await;
    app.clock.set(t0());
    let node = login_node(&app, Binding::Get, "jdoe", "jdoe").await;
    assert!(near(expire_on(&node), t0() + Duration::hours(1)), "{node}");
    let ticket = attr(&node, "ticket").unwrap();
    app.clock.advance(Duration::minutes(61));
    assert_eq!(is_valid(&app, &ticket).await, EXPIRED);
}

#[actix_web::test]
async fn missing_and_bad_tickets() {
    let app = spawn_app().await;
    for binding in BINDINGS {
        for method in ["isValidTicket", "LogOut"] {
            let node = app
                .node(binding, method, &[("AuthenticationTicket", P::V(""))])
                .await;
            assert_eq!(node, EXPIRED, "{binding:?} {method}");
        }
        let get = |t: &'static str| {
            [
                ("AuthenticationTicket", P::V(t)),
                ("UserName", P::V("jdoe")),
            ]
        };
        assert_eq!(
            app.node(binding, "GetUser", &get("")).await,
            "<response success=\"false\" error=\"[900] Authentication failed\" />"
        );
        for bad in ["not-a-ticket", "3f2a1b4c-5d6e-7f8a-9b0c-1d2e3f4a5b6c"] {
            assert_eq!(
                app.node(binding, "GetUser", &get(bad)).await,
                "<response success=\"false\" error=\"[901] Session expired or Invalid ticket\" />"
            );
        }
    }
    let node = app
        .node(Binding::Soap11, "GetUser", &[("UserName", P::V("jdoe"))])
        .await;
    assert_eq!(
        node, "<response success=\"false\" error=\"[900] Authentication failed\" />",
        "omitted ticket"
    );
}

#[actix_web::test]
async fn log_out_ends_the_session() {
    let app = spawn_app().await;
    for binding in BINDINGS {
        let ticket = app.login("jdoe", "jdoe").await;
        let out = app
            .node(
                binding,
                "LogOut",
                &[("AuthenticationTicket", P::V(&ticket))],
            )
            .await;
        assert_eq!(out, "<root success=\"true\" />");
        assert_eq!(is_valid(&app, &ticket).await, EXPIRED);
        let again = app
            .node(
                binding,
                "LogOut",
                &[("AuthenticationTicket", P::V(&ticket))],
            )
            .await;
        assert_eq!(again, EXPIRED);
        assert!(app.get_user(&ticket, "").await.contains("[901]"));
    }
}

/// The server keeps sessions in memory and forgets one when its ticket changes: ending
/// one session leaves the others, logged in before and after it and already used,
/// answering.
#[actix_web::test]
async fn a_log_out_ends_only_its_own_session() {
    let app = spawn_app().await;
    let jdoe = app.login("jdoe", "jdoe").await;
    let asmith = app.login("asmith", "asmith").await;
    for ticket in [&jdoe, &asmith] {
        assert!(!app.get_user(ticket, "").await.contains("[901]"));
    }
    assert_eq!(app.log_out(&jdoe).await, "<root success=\"true\" />");
    let later = app.login("jdoe", "jdoe").await;
    assert!(
        app.get_user(&jdoe, "").await.contains("[901]"),
        "logged out"
    );
    assert!(app
        .get_user(&asmith, "")
        .await
        .contains("UserName=\"asmith\""));
    assert!(app.get_user(&later, "").await.contains("UserName=\"jdoe\""));
    assert_eq!(is_valid(&app, &jdoe).await, EXPIRED);
}

#[actix_web::test]
async fn the_ticket_cookie_stands_in_for_an_empty_ticket() {
    let app = spawn_app().await;
    let ticket = app.login("jdoe", "jdoe").await;
    let cookie = format!("ticket={ticket}");
    let resp = app
        .request(
            "GET",
            "/srv.asmx/GetUser?authenticationTicket=&UserName=",
            &[("Cookie", &cookie)],
            "",
        )
        .await;
    assert!(resp.body.contains("UserName=\"jdoe\""), "{}", resp.body);
    let resp = app
        .request(
            "GET",
            "/srv.asmx/isValidTicket?AuthenticationTicket=",
            &[("Cookie", &cookie)],
            "",
        )
        .await;
    assert!(
        resp.body.contains("<root success=\"true\" userid=\"3\""),
        "{}",
        resp.body
    );
}

#[actix_web::test]
async fn renew_ticket_keeps_a_live_ticket_and_replaces_a_dead_one() {
    let app = spawn_app().await;
    app.clock.set(t0());
    let ticket = app.login("jdoe", "jdoe").await;
    app.clock.advance(Duration::days(20));
    let renew = |old: String, pwd: &'static str| {
        let app = &app;
        async move {
            app.node(
                Binding::Soap12,
                "RenewTicket",
                &[
                    ("UID", P::V("jdoe")),
                    ("PWD", P::V(pwd)),
                    ("Lang", P::V("en")),
                    ("OldTicket", P::V(&old)),
                ],
            )
            .await
        }
    };
    let node = renew(ticket.clone(), "jdoe").await;
    assert_eq!(
        attr(&node, "ticket").as_deref(),
        Some(ticket.as_str()),
        "{node}"
    );
    assert!(near(expire_on(&node), t0() + Duration::days(50)), "{node}");
    assert!(node.contains("isAuthenticated=\"True\""));

    assert_eq!(
        renew(ticket.clone(), "wrong").await,
        AUTH_FAILED_ROOT,
        "credentials are always checked"
    );
    assert_eq!(
        renew("garbage".into(), "wrong").await,
        "<root success=\"false\" error=\"invalid ticket format\" />"
    );

    app.clock.advance(Duration::days(31));
    let node = renew(ticket.clone(), "jdoe").await;
    let fresh = attr(&node, "ticket").unwrap();
    assert_ne!(fresh, ticket, "an expired ticket is replaced");
    let node = renew(String::new(), "jdoe").await;
    assert_ne!(
        attr(&node, "ticket").unwrap(),
        fresh,
        "no old ticket: a new session"
    );
}

#[actix_web::test]
async fn create_ticket_for_user_needs_the_trusted_secret() {
    let app = spawn_app_with(&["--trusted-user-password", "letmein"]).await;
    for binding in BINDINGS {
        let call = |secret: &'static str, user: &'static str| {
            let app = &app;
            async move {
                app.node(
                    binding,
                    "CreateTicketforUser",
                    &[("TrustedUserPwd", P::V(secret)), ("UserName", P::V(user))],
                )
                .await
            }
        };
        let node = call("letmein", "asmith").await;
        let ticket = attr(&node, "ticket").unwrap();
        assert_eq!(
            node,
            format!("<root success=\"true\" ticket=\"{ticket}\" />")
        );
        assert!(is_valid(&app, &ticket)
            .await
            .contains("username=\"asmith\""));
        assert!(call("letmein", "ID:4")
            .await
            .starts_with("<root success=\"true\" ticket="));
        for (secret, user) in [
            ("wrong", "asmith"),
            ("letmein", "nobody"),
            ("letmein", "lchen"),
            ("", "asmith"),
        ] {
            assert_eq!(
                call(secret, user).await,
                AUTH_FAILED_ROOT,
                "{secret} {user}"
            );
        }
        assert_eq!(
            call("letmein", "sysadmin").await,
            "<root success=\"false\" error=\"[902] Ticket generation are not allowed for this user.\" />"
        );
    }
}

#[actix_web::test]
async fn windows_authentication_never_finds_an_identity() {
    let app = spawn_app().await;
    for binding in BINDINGS {
        let node = app
            .node(
                binding,
                "AuthenticateUserViaWindows",
                &[("language", P::V("en")), ("oldTicket", P::V(""))],
            )
            .await;
        assert_eq!(
            node,
            "<root success=\"false\" error=\"[900] Authentication failed \u{2014} Unauthenticated User.\" />"
        );
        let node = app
            .node(
                binding,
                "AuthenticateUserViaWindows",
                &[("language", P::V("")), ("oldTicket", P::V("xyz"))],
            )
            .await;
        assert_eq!(
            node,
            "<root success=\"false\" error=\"invalid ticket format\" />"
        );
    }
}

#[actix_web::test]
async fn tickets_survive_a_restart() {
    let app = spawn_app().await;
    let ticket = app.login("jdoe", "jdoe").await;
    let again = app.restart().await;
    assert!(is_valid(&again, &ticket)
        .await
        .contains("username=\"jdoe\""));
}
