//! UpdateUserProfile, ChangeUserStatus and ChangeUserType, and how each binding
//! answers an `int` or `bool` parameter it cannot convert.

use crate::admin::{login_node, new_user, status, user_call, ACCESS_DENIED, AUTH_FAILED};
use crate::helpers::{response_error, spawn_app, Binding, TestApp, BINDINGS, P, RESPONSE_OK};

async fn profile(
    app: &TestApp,
    binding: Binding,
    ticket: &str,
    user: &str,
    values: [P<'_>; 4],
) -> String {
    let [name, first, last, source] = values;
    let extra = [
        ("NewUserName", name),
        ("NewFirstName", first),
        ("NewLastName", last),
        ("AuthenticateSource", source),
    ];
    user_call(app, binding, "UpdateUserProfile", ticket, user, &extra).await
}

#[actix_web::test]
async fn update_user_profile_renames_and_keeps_or_clears_fields() {
    let app = spawn_app().await;
    let admin = app.login("admin", "admin").await;
    for (i, binding) in BINDINGS.into_iter().enumerate() {
        let (old, new) = (
            if i == 0 {
                "jdoe".to_string()
            } else {
                format!("john{}", i - 1)
            },
            format!("john{i}"),
        );
        let values = [
            P::V(&new),
            P::V("Johnny"),
            P::V("Doe-Smith"),
            P::V("inforouter"),
        ];
        assert_eq!(
            profile(&app, binding, &admin, &old, values).await,
            RESPONSE_OK,
            "{binding:?}"
        );
        let user = app.get_user(&admin, "ID:3").await;
        assert!(
            user.contains("FirstName=\"Johnny\" LastName=\"Doe-Smith\""),
            "{user}"
        );
        assert!(
            user.contains(&format!("UserName=\"{new}\""))
                && user.contains("AuthenticationAuthority=\"native\""),
            "{user}"
        );
        assert!(login_node(&app, &new, "jdoe")
            .await
            .contains("userid=\"3\""));
        assert_eq!(login_node(&app, &old, "jdoe").await, AUTH_FAILED);
    }
    // SOAP null keeps a field, "" clears a name; a change of case only is no collision.
    let node = profile(
        &app,
        Binding::Soap11,
        &admin,
        "john3",
        [P::V("John3"), P::Nil, P::V(""), P::Omit],
    )
    .await;
    assert_eq!(node, RESPONSE_OK);
    let user = app.get_user(&admin, "ID:3").await;
    assert!(
        user.contains("FirstName=\"Johnny\" LastName=\"\"") && user.contains("UserName=\"John3\""),
        "{user}"
    );
    let node = profile(
        &app,
        Binding::Soap12,
        &admin,
        "ID:3",
        [P::Omit, P::Omit, P::Omit, P::V("CORPLDAP")],
    )
    .await;
    assert_eq!(node, RESPONSE_OK);
    assert!(app
        .get_user(&admin, "ID:3")
        .await
        .contains("AuthenticationAuthority=\"CORPLDAP\""));
}

#[actix_web::test]
async fn update_user_profile_errors() {
    let app = spawn_app().await;
    let admin = app.login("admin", "admin").await;
    let jdoe = app.login("jdoe", "jdoe").await;
    for binding in BINDINGS {
        let v = |name| [P::V(name), P::V("A"), P::V("B"), P::V("native")];
        let cases = [
            (&admin, "jdoe", v("ASMITH"), "Username already exists"),
            (&admin, "jdoe", v(" "), "User name field cannot be empty."),
            (&admin, "nobody", v("x"), "User not found"),
            (&jdoe, "jdoe", v("jdoe"), ACCESS_DENIED),
            (&admin, "sysadmin", v("root"), ACCESS_DENIED),
        ];
        for (ticket, user, values, error) in cases {
            assert_eq!(
                profile(&app, binding, ticket, user, values).await,
                response_error(error),
                "{binding:?} {user}"
            );
        }
    }
    let user = app.get_user(&admin, "jdoe").await;
    assert!(
        user.contains("FirstName=\"John\" LastName=\"Doe\""),
        "nothing changed: {user}"
    );
    let node = profile(
        &app,
        Binding::Get,
        &admin,
        "sysadmin",
        [P::V("SYSADMIN"), P::V("Sys"), P::V("Admin"), P::V("")],
    )
    .await;
    assert_eq!(
        node, RESPONSE_OK,
        "the built-in account may change everything but its name"
    );
}

#[actix_web::test]
async fn disabling_blocks_login_and_ends_tickets_enabling_lets_the_user_back() {
    let app = spawn_app().await;
    let admin = app.login("admin", "admin").await;
    for binding in BINDINGS {
        let ticket = app.login("jdoe", "jdoe").await;
        assert_eq!(
            status(&app, binding, &admin, "jdoe", "0").await,
            RESPONSE_OK,
            "{binding:?}"
        );
        assert!(app
            .get_user(&admin, "jdoe")
            .await
            .contains("Enabled=\"FALSE\""));
        assert_eq!(login_node(&app, "jdoe", "jdoe").await, AUTH_FAILED);
        let node = app.get_user(&ticket, "").await;
        assert_eq!(
            node,
            response_error("[901] Session expired or Invalid ticket")
        );
        assert_eq!(
            status(&app, binding, &admin, "JDOE", " 1 ").await,
            RESPONSE_OK
        );
        assert!(app
            .get_user(&admin, "jdoe")
            .await
            .contains("Enabled=\"TRUE\""));
        assert_eq!(
            app.get_user(&ticket, "").await,
            response_error("[901] Session expired or Invalid ticket"),
            "old tickets stay dead"
        );
        assert!(login_node(&app, "jdoe", "jdoe")
            .await
            .contains("isAuthenticated=\"True\""));
    }
}

#[actix_web::test]
async fn change_user_status_errors() {
    let app = spawn_app().await;
    let admin = app.login("admin", "admin").await;
    let jdoe = app.login("jdoe", "jdoe").await;
    for binding in BINDINGS {
        let cases = [
            (&jdoe, "asmith", "0", ACCESS_DENIED.to_string()),
            (&jdoe, "jdoe", "1", ACCESS_DENIED.to_string()),
            (&admin, "nobody", "0", "User not found".to_string()),
            (&admin, "admin", "0", ACCESS_DENIED.to_string()),
            (&admin, "sysadmin", "0", ACCESS_DENIED.to_string()),
            (
                &admin,
                "jdoe",
                "2",
                "SystemError:Invalid StatusCode 2. Use 0 to disable or 1 to enable the user."
                    .to_string(),
            ),
            (
                &admin,
                "jdoe",
                "-1",
                "SystemError:Invalid StatusCode -1. Use 0 to disable or 1 to enable the user."
                    .to_string(),
            ),
        ];
        for (ticket, user, code, error) in cases {
            assert_eq!(
                status(&app, binding, ticket, user, code).await,
                response_error(&error),
                "{binding:?} {user} {code}"
            );
        }
        assert_eq!(
            status(&app, binding, &admin, "admin", "1").await,
            RESPONSE_OK,
            "enabling oneself is harmless"
        );
    }
    assert!(app
        .get_user(&jdoe, "jdoe")
        .await
        .contains("Enabled=\"TRUE\""));
}

#[actix_web::test]
async fn change_user_type_sets_read_only_user() {
    let app = spawn_app().await;
    let admin = app.login("admin", "admin").await;
    let jdoe = app.login("jdoe", "jdoe").await;
    let call = |binding, ticket: String, user: &'static str, kind: &'static str| {
        let app = &app;
        async move {
            user_call(
                app,
                binding,
                "ChangeUserType",
                &ticket,
                user,
                &[("UserType", P::V(kind))],
            )
            .await
        }
    };
    for binding in BINDINGS {
        assert_eq!(
            call(binding, admin.clone(), "jdoe", "2").await,
            RESPONSE_OK,
            "{binding:?}"
        );
        assert!(app
            .get_user(&admin, "jdoe")
            .await
            .contains("ReadOnlyUser=\"TRUE\""));
        assert_eq!(call(binding, admin.clone(), "ID:3", "1").await, RESPONSE_OK);
        assert!(app
            .get_user(&admin, "jdoe")
            .await
            .contains("ReadOnlyUser=\"FALSE\""));
        let invalid =
            "SystemError:Invalid UserType 0. Use 1 for an author or 2 for a read-only user.";
        assert_eq!(
            call(binding, admin.clone(), "jdoe", "0").await,
            response_error(invalid)
        );
        assert_eq!(
            call(binding, admin.clone(), "nobody", "2").await,
            response_error("User not found")
        );
        assert_eq!(
            call(binding, jdoe.clone(), "jdoe", "2").await,
            response_error(ACCESS_DENIED)
        );
    }
}

/// GET/POST answer a failed conversion with a 500 text/plain body, SOAP with a
/// Client/Sender fault, and the method does not run (tests/captures/084–098).
#[actix_web::test]
async fn a_non_numeric_int_or_bad_bool_is_the_asmx_conversion_fault_on_each_binding() {
    let app = spawn_app().await;
    let admin = app.login("admin", "admin").await;
    let query = format!("AuthenticationTicket={admin}&UserName=jdoe&StatusCode=abc");
    let get = app
        .get(&format!("/srv.asmx/ChangeUserStatus?{query}"))
        .await;
    let post = app.post_form("ChangeUserStatus", &query).await;
    let empty = app
        .get(&format!(
            "/srv.asmx/ChangeUserStatus?AuthenticationTicket={admin}&UserName=jdoe&StatusCode="
        ))
        .await;
    for (resp, value) in [(get, "abc"), (post, "abc"), (empty, "")] {
        assert_eq!(
            (resp.status, resp.content_type.as_str()),
            (500, "text/plain; charset=utf-8")
        );
        assert!(
            resp.body.starts_with(&format!(
                "Cannot convert {value} to System.Int32.\r\nParameter name: type "
            )),
            "{}",
            resp.body
        );
        assert!(
            resp.body
                .ends_with(" Input string was not in a correct format.\r\n"),
            "{}",
            resp.body
        );
    }
    let params = [
        ("AuthenticationTicket", P::V(&admin)),
        ("UserName", P::V("jdoe")),
        ("StatusCode", P::V("abc")),
    ];
    for (binding, code) in [
        (Binding::Soap11, "<faultcode>soap:Client</faultcode>"),
        (Binding::Soap12, "<soap:Value>soap:Sender</soap:Value>"),
    ] {
        let resp = app.call(binding, "ChangeUserStatus", &params).await;
        assert_eq!(resp.status, 500, "{binding:?}");
        assert!(resp.body.contains(code), "{}", resp.body);
        assert!(resp.body.contains(
            "Server was unable to read request. ---&gt; There is an error in XML document (4, "
        ));
        assert!(
            resp.body
                .contains("). ---&gt; Input string was not in a correct format.</"),
            "{}",
            resp.body
        );
    }
    let resp = app
        .call(
            Binding::Get,
            "CreateUser",
            &new_user(&admin, "", "x1", "pw", "1", "native"),
        )
        .await;
    assert_eq!(resp.status, 500);
    assert!(
        resp.body
            .starts_with("Cannot convert 1 to System.Boolean.\r\nParameter name: type "),
        "{}",
        resp.body
    );
    assert!(
        resp.body
            .ends_with(" String was not recognized as a valid Boolean.\r\n"),
        "{}",
        resp.body
    );
    let resp = app
        .call(
            Binding::Soap11,
            "CreateUser",
            &new_user(&admin, "", "x2", "pw", "True", "native"),
        )
        .await;
    assert_eq!(resp.status, 500);
    assert!(
        resp.body
            .contains("---&gt; The string 'True' is not a valid Boolean value.</faultstring>"),
        "{}",
        resp.body
    );
    assert!(
        app.get_user(&admin, "jdoe")
            .await
            .contains("Enabled=\"TRUE\""),
        "nothing ran"
    );
    assert_eq!(
        app.get_user(&admin, "x1").await,
        response_error("User not found")
    );
    assert_eq!(
        app.get_user(&admin, "x2").await,
        response_error("User not found")
    );
}

/// The exact bytes: Microsoft HTML-encodes each message of the chain but not the
/// ` ---> ` between them, and .NET reports the position of the name of the node that
/// follows the bad element (tests/captures/088: (4, 189), 091: (4, 151)).
#[actix_web::test]
async fn conversion_faults_match_the_oracle_byte_for_byte() {
    let app = spawn_app().await;
    let admin = app.login("admin", "admin").await;
    let query = format!("AuthenticationTicket={admin}&UserName=jdoe&StatusCode=abc");
    let resp = app
        .get(&format!("/srv.asmx/ChangeUserStatus?{query}"))
        .await;
    assert_eq!(
        resp.body,
        "Cannot convert abc to System.Int32.\r\nParameter name: type ---> Input string was not in a correct format.\r\n"
    );
    let params = [
        ("AuthenticationTicket", P::V(&admin)),
        ("UserName", P::V("jdoe")),
        ("StatusCode", P::V("abc")),
    ];
    let resp = app.call(Binding::Soap11, "ChangeUserStatus", &params).await;
    // The request element is line 4 of the helper's envelope; the bad element ends it,
    // and .NET points at the name of the next node, `</ChangeUserStatus`: one past `</`
    // (tests/captures/088: the next node's name at column 189 after 186 characters).
    let line = format!(
        "    <ChangeUserStatus xmlns=\"http://tempuri.org/\"><AuthenticationTicket>{admin}</AuthenticationTicket>\
         <UserName>jdoe</UserName><StatusCode>abc</StatusCode>"
    );
    let text = format!(
        "Server was unable to read request. ---&gt; There is an error in XML document (4, {}). ---&gt; \
         Input string was not in a correct format.",
        line.chars().count() + 3
    );
    assert!(resp.body.contains(&text), "{}", resp.body);
}
