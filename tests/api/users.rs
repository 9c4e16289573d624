//! GetUser, GetCurrentUser, UserExists, ServerInfo.

use chrono::{TimeZone, Utc};

use crate::helpers::{attr, spawn_app, spawn_app_with, Binding, BINDINGS, P};

const ASMITH: &str = "<User exists=\"true\" UserID=\"4\" FirstName=\"Alice\" LastName=\"Smith\" \
    Email=\"alice.smith@example.com\" MobileNumber=\"555-0101\" Enabled=\"TRUE\" UserName=\"asmith\" \
    Domain=\"Engineering\" LastLogonDate=\"\" LastPasswordChangeDate=\"\" AuthenticationAuthority=\"native\" \
    ReadOnlyUser=\"FALSE\"><Preferences Language=\"English\" DefaultPortal=\"\" ShowArchives=\"FALSE\" \
    ShowHiddens=\"TRUE\" NotificationType=\"DAILY REPORT\" NotificationTypeId=\"2\" EmailType=\"HTML\" \
    AttachDocumentToEmail=\"FALSE\" /></User>";

#[actix_web::test]
async fn get_user_returns_the_full_user_on_every_binding() {
    let app = spawn_app().await;
    let t = app.login("jdoe", "jdoe").await;
    for binding in BINDINGS {
        for name in ["asmith", "ASMITH", "ID:4"] {
            let node = app
                .node(
                    binding,
                    "GetUser",
                    &[("AuthenticationTicket", P::V(&t)), ("UserName", P::V(name))],
                )
                .await;
            assert_eq!(
                node,
                format!("<response success=\"true\" error=\"\">{ASMITH}</response>"),
                "{binding:?} {name}"
            );
        }
        let node = app
            .node(
                binding,
                "GetUser",
                &[
                    ("AuthenticationTicket", P::V(&t)),
                    ("UserName", P::V("nobody")),
                ],
            )
            .await;
        assert_eq!(
            node,
            "<response success=\"false\" error=\"User not found\" />"
        );
    }
}

#[actix_web::test]
async fn get_user_without_a_name_is_the_caller_with_dates() {
    let app = spawn_app().await;
    app.clock
        .set(Utc.with_ymd_and_hms(2026, 2, 15, 10, 30, 0).unwrap());
    let t = app.login("bwong", "bwong").await;
    for user in [P::V(""), P::V("  "), P::Omit, P::Nil] {
        let node = app
            .node(
                Binding::Soap11,
                "GetUser",
                &[("AuthenticationTicket", P::V(&t)), ("UserName", user)],
            )
            .await;
        assert!(node.contains("UserName=\"bwong\""), "{user:?}: {node}");
        assert!(node.contains("ReadOnlyUser=\"TRUE\""));
        assert!(node.contains("EmailType=\"TEXT\""));
        assert!(node.contains("NotificationType=\"NONE\" NotificationTypeId=\"0\""));
        let logon = attr(&node, "LastLogonDate").unwrap();
        assert!(
            logon.starts_with("2026-02-15 10:30:0"),
            "yyyy-MM-dd HH:mm:ss: {logon}"
        );
    }
}

#[actix_web::test]
async fn get_current_user_wraps_the_user_in_root_with_task_redirection() {
    let app = spawn_app().await;
    let admin = app.login("admin", "admin").await;
    let t = app
        .node(
            Binding::Get,
            "CreateTicketforUser",
            &[
                ("TrustedUserPwd", P::V("trusted-demo-secret")),
                ("UserName", P::V("asmith")),
            ],
        )
        .await;
    let t = attr(&t, "ticket").unwrap();
    for binding in BINDINGS {
        let node = app
            .node(
                binding,
                "GetCurrentUser",
                &[("authenticationTicket", P::V(&t))],
            )
            .await;
        let logon = attr(&node, "LastLogonDate").unwrap();
        let expected = ASMITH
            .replace("LastLogonDate=\"\"", &format!("LastLogonDate=\"{logon}\""))
            .replace("</User>", "<TaskRedirection /></User>");
        assert_eq!(
            node,
            format!("<root success=\"true\">{expected}</root>"),
            "{binding:?}"
        );
    }
    let node = app
        .node(
            Binding::Get,
            "GetCurrentUser",
            &[("authenticationTicket", P::V(&admin))],
        )
        .await;
    assert!(node.contains("UserName=\"admin\""));
    let node = app
        .node(
            Binding::Get,
            "GetCurrentUser",
            &[("authenticationTicket", P::V(""))],
        )
        .await;
    assert_eq!(
        node,
        "<root success=\"false\" error=\"[900] Authentication failed\" />"
    );
}

#[actix_web::test]
async fn user_exists_is_case_insensitive() {
    let app = spawn_app().await;
    let t = app.login("jdoe", "jdoe").await;
    for binding in BINDINGS {
        for (name, expected) in [
            ("MGarcia", "<response success=\"true\" error=\"\" />"),
            (
                "nobody",
                "<response success=\"false\" error=\"User not found\" />",
            ),
        ] {
            let node = app
                .node(
                    binding,
                    "UserExists",
                    &[("AuthenticationTicket", P::V(&t)), ("UserName", P::V(name))],
                )
                .await;
            assert_eq!(node, expected, "{binding:?}");
        }
    }
}

#[actix_web::test]
async fn anonymous_access_switch_changes_the_ticketless_answer() {
    let app = spawn_app_with(&["--anonymous-access"]).await;
    let node = app
        .node(
            Binding::Get,
            "UserExists",
            &[
                ("AuthenticationTicket", P::V("")),
                ("UserName", P::V("jdoe")),
            ],
        )
        .await;
    assert_eq!(
        node,
        "<response success=\"false\" error=\"[2730] Insufficient rights. Anonymous users cannot perform this action.\" />"
    );
    let info = app.node(Binding::Get, "ServerInfo", &[]).await;
    assert!(info.contains("AnonymousAccessIsOn=\"true\""), "{info}");
}

#[actix_web::test]
async fn server_info_needs_no_ticket() {
    let app = spawn_app_with(&["--company", "Acme & Co", "--server-name", "IRTEST"]).await;
    app.clock
        .set(Utc.with_ymd_and_hms(2026, 1, 15, 19, 30, 45).unwrap());
    for binding in BINDINGS {
        let node = app.node(binding, "ServerInfo", &[]).await;
        let now = attr(&node, "Server_date_time").unwrap();
        assert!(now.starts_with("2026-01-15T19:30:4"), "{node}");
        let expected = format!(
            "<root success=\"true\" VersionNumber=\"8.7.0.0\" Server_date_time=\"{now}\" \
             Coordinated_Universal_Time=\"{now}Z\" UTC_Offset=\"0\" Company=\"Acme &amp; Co\" ServerName=\"IRTEST\" \
             LicenseCount=\"100\" SubscriptionEndDate=\"2027-12-31T23:59:59Z\" WindowsAuthenticationIsOn=\"false\" \
             WorkflowIsOn=\"false\" AnonymousAccessIsOn=\"false\" ComplianceModuleIsOn=\"false\" />"
        );
        assert_eq!(node, expected, "{binding:?}");
    }
}
