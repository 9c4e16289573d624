//! CreateUser, DeleteUser and DeleteUser1: system administrators only, exact error
//! texts, and the account life cycle as a client sees it. The helpers here are shared
//! with `account.rs`.

use crate::helpers::{attr, response_error, spawn_app, Binding, TestApp, BINDINGS, P, RESPONSE_OK};

pub(crate) const ACCESS_DENIED: &str = "Access denied";

/// CreateUser's parameters; `read_only` is sent as text so each binding's spelling of
/// a boolean can be used.
pub(crate) fn new_user<'a>(
    ticket: &'a str,
    domain: &'a str,
    name: &'a str,
    password: &'a str,
    read_only: &'a str,
    source: &'a str,
) -> Vec<(&'static str, P<'a>)> {
    vec![
        ("AuthenticationTicket", P::V(ticket)),
        ("DomainName", P::V(domain)),
        ("UserName", P::V(name)),
        ("FirstName", P::V("New")),
        ("LastName", P::V("Person")),
        ("EmailAddress", P::V("new.person@example.com")),
        ("Password", P::V(password)),
        ("ReadOnlyUser", P::V(read_only)),
        ("AuthenticationSource", P::V(source)),
    ]
}

/// Creates a native author in Finance over GET and returns its id.
async fn create(app: &TestApp, ticket: &str, name: &str, password: &str) -> String {
    let node = app
        .node(
            Binding::Get,
            "CreateUser",
            &new_user(ticket, "Finance", name, password, "false", "native"),
        )
        .await;
    attr(&node, "id").unwrap_or_else(|| panic!("CreateUser {name}: {node}"))
}

pub(crate) async fn user_call(
    app: &TestApp,
    binding: Binding,
    method: &str,
    ticket: &str,
    user: &str,
    extra: &[(&str, P<'_>)],
) -> String {
    let mut params = vec![
        ("AuthenticationTicket", P::V(ticket)),
        ("UserName", P::V(user)),
    ];
    params.extend_from_slice(extra);
    app.node(binding, method, &params).await
}

pub(crate) async fn login_node(app: &TestApp, user: &str, password: &str) -> String {
    app.node(
        Binding::Get,
        "AuthenticateUser",
        &[("UID", P::V(user)), ("PWD", P::V(password))],
    )
    .await
}

pub(crate) const AUTH_FAILED: &str =
    "<root success=\"false\" error=\"[900] Authentication failed\" />";

#[actix_web::test]
async fn create_user_answers_the_new_id_between_success_and_error_on_every_binding() {
    let app = spawn_app().await;
    let admin = app.login("admin", "admin").await;
    for (i, (binding, yes)) in [
        (Binding::Soap11, "1"),
        (Binding::Soap12, "true"),
        (Binding::Get, "True"),
        (Binding::Post, "TRUE"),
    ]
    .into_iter()
    .enumerate()
    {
        let name = format!("reader{i}");
        let node = app
            .node(
                binding,
                "CreateUser",
                &new_user(&admin, "finance", &name, "pw", yes, "native"),
            )
            .await;
        let id = 11 + i;
        assert_eq!(
            node,
            format!("<response success=\"true\" id=\"{id}\" error=\"\" />"),
            "{binding:?}"
        );
        let user = app.get_user(&admin, &format!("ID:{id}")).await;
        let expected = format!(
            "<User exists=\"true\" UserID=\"{id}\" FirstName=\"New\" LastName=\"Person\" Email=\"new.person@example.com\" \
             MobileNumber=\"\" Enabled=\"TRUE\" UserName=\"{name}\" Domain=\"Finance\" LastLogonDate=\"\" \
             LastPasswordChangeDate=\"\" AuthenticationAuthority=\"native\" ReadOnlyUser=\"TRUE\"><Preferences \
             Language=\"English\" DefaultPortal=\"\" ShowArchives=\"FALSE\" ShowHiddens=\"FALSE\" NotificationType=\"INSTANT\" \
             NotificationTypeId=\"1\" EmailType=\"HTML\" AttachDocumentToEmail=\"FALSE\" /></User>"
        );
        assert_eq!(
            user,
            format!("<response success=\"true\" error=\"\">{expected}</response>")
        );
        assert!(login_node(&app, &name, "pw")
            .await
            .contains("isAuthenticated=\"True\""));
    }
}

#[actix_web::test]
async fn create_user_errors_are_the_documented_texts() {
    let app = spawn_app().await;
    let admin = app.login("admin", "admin").await;
    let jdoe = app.login("jdoe", "jdoe").await;
    for binding in BINDINGS {
        let cases = [
            (
                jdoe.as_str(),
                "Finance",
                "someone",
                response_error(ACCESS_DENIED),
            ),
            (
                admin.as_str(),
                "Finance",
                " JDOE ",
                response_error("Username already exists"),
            ),
            (
                admin.as_str(),
                "",
                "SysAdmin",
                response_error("Username already exists"),
            ),
            (
                admin.as_str(),
                "Finance",
                "  ",
                response_error("User name field cannot be empty."),
            ),
            (
                admin.as_str(),
                "Nowhere",
                "someone",
                response_error("[115] Domain not found"),
            ),
            (
                "",
                "Finance",
                "someone",
                response_error("[900] Authentication failed"),
            ),
            (
                "00000000-0000-0000-0000-000000000000",
                "Finance",
                "someone",
                response_error("[901] Session expired or Invalid ticket"),
            ),
        ];
        for (ticket, domain, name, expected) in cases {
            let node = app
                .node(
                    binding,
                    "CreateUser",
                    &new_user(ticket, domain, name, "pw", "false", "native"),
                )
                .await;
            assert_eq!(node, expected, "{binding:?} {name:?}");
        }
    }
    assert_eq!(
        response_error("x"),
        "<response success=\"false\" error=\"x\" />"
    );
}

#[actix_web::test]
async fn create_user_without_domain_external_and_passwordless() {
    let app = spawn_app().await;
    let admin = app.login("admin", "admin").await;
    let cases = [
        ("global", "", "pw", "INFOROUTER", "", "native", true),
        (
            "ldapuser", "Legal", "pw", "CORPLDAP", "Legal", "CORPLDAP", false,
        ),
        ("nopass", "Legal", "", "", "Legal", "native", false),
    ];
    for (name, domain, password, source, shown_domain, authority, can_login) in cases {
        let node = app
            .node(
                Binding::Soap11,
                "CreateUser",
                &new_user(&admin, domain, name, password, "0", source),
            )
            .await;
        assert!(
            node.starts_with("<response success=\"true\" id=\""),
            "{node}"
        );
        let user = app.get_user(&admin, name).await;
        assert_eq!(attr(&user, "Domain").unwrap(), shown_domain, "{name}");
        assert_eq!(
            attr(&user, "AuthenticationAuthority").unwrap(),
            authority,
            "{name}"
        );
        assert_eq!(attr(&user, "ReadOnlyUser").unwrap(), "FALSE");
        let login = login_node(&app, name, password).await;
        assert_eq!(
            login.contains("isAuthenticated"),
            can_login,
            "{name}: {login}"
        );
    }
    // SOAP omitted strings are empty values for a new user; the omitted bool is false.
    let node = app
        .node(
            Binding::Soap12,
            "CreateUser",
            &[
                ("AuthenticationTicket", P::V(&admin)),
                ("UserName", P::V("bare")),
            ],
        )
        .await;
    assert!(
        node.starts_with("<response success=\"true\" id=\""),
        "{node}"
    );
    let user = app.get_user(&admin, "bare").await;
    assert!(
        user.contains("FirstName=\"\" LastName=\"\" Email=\"\""),
        "{user}"
    );
    assert!(
        user.contains("Domain=\"\"") && user.contains("ReadOnlyUser=\"FALSE\""),
        "{user}"
    );
}

#[actix_web::test]
async fn delete_user_by_name_or_id_removes_the_user_and_its_tickets() {
    let app = spawn_app().await;
    let admin = app.login("admin", "admin").await;
    for (i, binding) in BINDINGS.into_iter().enumerate() {
        let name = format!("gone{i}");
        let id = create(&app, &admin, &name, "pw").await;
        let their_ticket = app.login(&name, "pw").await;
        let target = if i % 2 == 0 {
            name.to_uppercase()
        } else {
            format!("ID:{id}")
        };
        assert_eq!(
            user_call(&app, binding, "DeleteUser", &admin, &target, &[]).await,
            RESPONSE_OK,
            "{binding:?}"
        );
        assert_eq!(
            app.get_user(&admin, &name).await,
            response_error("User not found")
        );
        assert_eq!(
            user_call(&app, binding, "DeleteUser", &admin, &target, &[]).await,
            response_error("User not found")
        );
        let check = app
            .node(
                binding,
                "isValidTicket",
                &[("AuthenticationTicket", P::V(&their_ticket))],
            )
            .await;
        assert_eq!(
            check,
            "<root success=\"false\" error=\"[901] Session expired or Invalid ticket\" />"
        );
    }
    let conn = rusqlite::Connection::open(&app.db).unwrap();
    let orphans: i64 = conn
        .query_row(
            "SELECT (SELECT COUNT(*) FROM tickets WHERE user_id > 10) + (SELECT COUNT(*) FROM domain_members WHERE user_id > 10)
                  + (SELECT COUNT(*) FROM preferences WHERE user_id > 10)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        orphans, 0,
        "tickets, memberships and preferences go with the user"
    );
}

#[actix_web::test]
async fn delete_user_refuses_non_administrators_oneself_and_the_builtin_account() {
    let app = spawn_app().await;
    let admin = app.login("admin", "admin").await;
    let jdoe = app.login("jdoe", "jdoe").await;
    for binding in BINDINGS {
        for (ticket, target) in [
            (&jdoe, "asmith"),
            (&jdoe, "nobody"),
            (&admin, "admin"),
            (&admin, "ID:2"),
            (&admin, "sysadmin"),
        ] {
            let node = user_call(&app, binding, "DeleteUser", ticket, target, &[]).await;
            assert_eq!(node, response_error(ACCESS_DENIED), "{binding:?} {target}");
        }
        assert_eq!(
            user_call(&app, binding, "DeleteUser", &admin, "", &[]).await,
            response_error("User not found")
        );
        assert_eq!(
            user_call(&app, binding, "DeleteUser", &admin, "ID:999", &[]).await,
            response_error("User not found")
        );
    }
    assert!(app
        .get_user(&admin, "asmith")
        .await
        .contains("UserName=\"asmith\""));
}

#[actix_web::test]
async fn delete_user1_checks_the_callers_own_password_first() {
    let app = spawn_app().await;
    let admin = app.login("admin", "admin").await;
    let jdoe = app.login("jdoe", "jdoe").await;
    for (i, binding) in BINDINGS.into_iter().enumerate() {
        let name = format!("gone{i}");
        create(&app, &admin, &name, "pw").await;
        let cases = [
            (
                &admin,
                "wrong",
                name.as_str(),
                "[900] Authentication failed",
            ),
            (&admin, "", name.as_str(), "[900] Authentication failed"),
            (&jdoe, "jdoe", name.as_str(), ACCESS_DENIED),
            (&admin, "admin", "nobody", "User not found"),
            (&admin, "admin", "admin", ACCESS_DENIED),
        ];
        for (ticket, password, target, error) in cases {
            let node = user_call(
                &app,
                binding,
                "DeleteUser1",
                ticket,
                target,
                &[("UserPassword", P::V(password))],
            )
            .await;
            assert_eq!(
                node,
                response_error(error),
                "{binding:?} {password} {target}"
            );
        }
        let node = user_call(
            &app,
            binding,
            "DeleteUser1",
            &admin,
            &name,
            &[("UserPassword", P::V("admin"))],
        )
        .await;
        assert_eq!(node, RESPONSE_OK, "{binding:?}");
        assert_eq!(
            app.get_user(&admin, &name).await,
            response_error("User not found")
        );
    }
}

pub(crate) async fn status(
    app: &TestApp,
    binding: Binding,
    ticket: &str,
    user: &str,
    code: &str,
) -> String {
    user_call(
        app,
        binding,
        "ChangeUserStatus",
        ticket,
        user,
        &[("StatusCode", P::V(code))],
    )
    .await
}

/// Issue 4's walk through an account's life, as a client would do it.
#[actix_web::test]
async fn lifecycle_create_login_update_disable_enable_delete() {
    let app = spawn_app().await;
    let admin = app.login("admin", "admin").await;
    let id = create(&app, &admin, "newbie", "s3cret").await;
    let ticket = app.login("newbie", "s3cret").await;
    let node = app
        .node(
            Binding::Soap11,
            "UpdateUserContactInfo",
            &[
                ("authenticationTicket", P::V(&ticket)),
                ("userName", P::V("newbie")),
                ("emailAddress", P::V("newbie@example.org")),
                ("mobileNumber", P::V("555-0042")),
            ],
        )
        .await;
    assert_eq!(node, RESPONSE_OK);
    let me = app.get_user(&ticket, "").await;
    assert!(me.contains(&format!("UserID=\"{id}\"")), "{me}");
    assert!(
        me.contains("Email=\"newbie@example.org\" MobileNumber=\"555-0042\""),
        "{me}"
    );

    assert_eq!(
        status(&app, Binding::Soap12, &admin, "newbie", "0").await,
        RESPONSE_OK
    );
    assert_eq!(login_node(&app, "newbie", "s3cret").await, AUTH_FAILED);
    assert_eq!(
        app.get_user(&ticket, "").await,
        response_error("[901] Session expired or Invalid ticket")
    );

    assert_eq!(
        status(&app, Binding::Post, &admin, "newbie", "1").await,
        RESPONSE_OK
    );
    app.login("newbie", "s3cret").await;

    assert_eq!(
        user_call(&app, Binding::Get, "DeleteUser", &admin, "newbie", &[]).await,
        RESPONSE_OK
    );
    assert_eq!(
        app.get_user(&admin, "newbie").await,
        response_error("User not found")
    );
    assert_eq!(login_node(&app, "newbie", "s3cret").await, AUTH_FAILED);
}
