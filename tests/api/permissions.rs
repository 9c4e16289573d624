//! Permissions (issue 7): every administrator-only method refuses a regular user with
//! its exact text, a user cannot change another user, and a dead ticket (logged out,
//! or its user disabled) works on no method — and none of these refusals writes.

use asmx_emulator::ops::{ParamKind, METHODS};

use crate::helpers::{response_error, spawn_app, Binding, TestApp, P};

/// Every row of every table, tickets' last use included: a refused call rolls back.
fn snapshot(app: &TestApp) -> Vec<String> {
    let conn = rusqlite::Connection::open(&app.db).unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut rows = Vec::new();
    for table in tables {
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{table}\"")).unwrap();
        let width = stmt.column_count();
        let mut query = stmt.query([]).unwrap();
        while let Some(row) = query.next().unwrap() {
            let values: Vec<rusqlite::types::Value> =
                (0..width).map(|i| row.get(i).unwrap()).collect();
            rows.push(format!("{table}: {values:?}"));
        }
    }
    rows
}

/// Arguments for `method` that would change `target` if the caller were allowed to.
fn arguments<'a>(method: &str, ticket: &'a str, target: &'a str) -> Vec<(&'static str, P<'a>)> {
    let spec = asmx_emulator::ops::find(method).unwrap();
    spec.params
        .iter()
        .map(|p| {
            let value = match (p.name.to_ascii_lowercase().as_str(), p.kind) {
                ("authenticationticket", _) => ticket,
                ("username", _) => target,
                // DeleteUser1 checks the caller's own password before its rights.
                ("userpassword", _) => "jdoe",
                ("domainname", _) => "Finance",
                ("xmlpreferences", _) => "<Preferences EmailType=\"TEXT\" />",
                ("statuscode", _) => "0",
                ("usertype", _) => "2",
                (_, ParamKind::Int) => "0",
                (_, ParamKind::Bool) => "true",
                (_, ParamKind::Str) => "changed@example.com",
            };
            (p.name, P::V(value))
        })
        .collect()
}

#[actix_web::test]
async fn regular_users_are_refused_administration_and_other_users_and_nothing_changes() {
    let app = spawn_app().await;
    let jdoe = app.login("jdoe", "jdoe").await;
    let denied = response_error("Access denied");
    let cases = [
        ("GetAllUsers", denied.clone()),
        ("GetAllUsers1", denied.clone()),
        ("GetAllUsers2", denied.clone()),
        ("GetAllUsersWithoutDetails", denied.clone()),
        ("CreateUser", denied.clone()),
        ("DeleteUser", denied.clone()),
        ("DeleteUser1", denied.clone()),
        ("UpdateUserProfile", denied.clone()),
        ("ChangeUserStatus", denied.clone()),
        ("ChangeUserType", denied.clone()),
        (
            "SendWelcomeEmailForUser",
            "<root success=\"false\" error=\"Only the system administrator can perform this operation\" />".to_string(),
        ),
        ("UpdateUserContactInfo", denied.clone()),
        ("UpdateUserEmail", denied.clone()),
        ("UpdateUserPreferences", denied.clone()),
        (
            "ChangeUserPassword",
            "<root success=\"false\" error=\"Insufficient rights\" />".to_string(),
        ),
    ];
    let before = snapshot(&app);
    for (method, expected) in &cases {
        let node = app
            .node(Binding::Post, method, &arguments(method, &jdoe, "asmith"))
            .await;
        assert_eq!(&node, expected, "{method}");
    }
    assert_eq!(snapshot(&app), before, "a refused call wrote");
}

/// Calls every method that takes a ticket with `ticket`, acting on its own user:
/// each must refuse, and nothing may change.
async fn dead_everywhere(app: &TestApp, ticket: &str, user: &str) {
    let before = snapshot(app);
    let with_ticket = METHODS.iter().filter(|m| {
        m.params
            .iter()
            .any(|p| p.name.eq_ignore_ascii_case("AuthenticationTicket"))
    });
    for method in with_ticket {
        let node = app
            .node(
                Binding::Soap12,
                method.name,
                &arguments(method.name, ticket, user),
            )
            .await;
        assert!(
            node.contains("success=\"false\""),
            "{}: {node}",
            method.name
        );
    }
    assert_eq!(snapshot(app), before, "a dead ticket wrote");
}

#[actix_web::test]
async fn logged_out_and_disabled_users_tickets_never_work_again() {
    let app = spawn_app().await;
    // An administrator logs out, so even the administrator-only methods are tried.
    let gone = app.login("admin", "admin").await;
    assert_eq!(app.log_out(&gone).await, "<root success=\"true\" />");
    dead_everywhere(&app, &gone, "jdoe").await;

    let jdoe = app.login("jdoe", "jdoe").await;
    let admin = app.login("admin", "admin").await;
    let status = [
        ("AuthenticationTicket", P::V(&admin)),
        ("UserName", P::V("jdoe")),
        ("StatusCode", P::V("0")),
    ];
    let node = app.node(Binding::Get, "ChangeUserStatus", &status).await;
    assert_eq!(node, crate::helpers::RESPONSE_OK);
    dead_everywhere(&app, &jdoe, "jdoe").await;
}
