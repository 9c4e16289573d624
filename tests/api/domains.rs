//! GetLocalUsers, GetCoWorkers and GetCoWorkers1 over the fixture domains: local users
//! have the domain as default domain; co-workers share a membership with the caller.

use crate::helpers::{attr, response_error, spawn_app, user_names, Binding, TestApp, BINDINGS, P};

async fn local_users(app: &TestApp, binding: Binding, ticket: &str, domain: &str) -> String {
    app.node(
        binding,
        "GetLocalUsers",
        &[
            ("AuthenticationTicket", P::V(ticket)),
            ("DomainName", P::V(domain)),
        ],
    )
    .await
}

#[actix_web::test]
async fn local_users_for_administrators_and_the_domains_managers() {
    let app = spawn_app().await;
    let admin = app.login("admin", "admin").await;
    let asmith = app.login("asmith", "asmith").await;
    let hrlead = app.login("hrlead", "hrlead").await;
    for binding in BINDINGS {
        for ticket in [&admin, &asmith] {
            let node = local_users(&app, binding, ticket, "ENGINEERING").await;
            assert_eq!(
                user_names(&node),
                ["asmith", "kpatel", "lchen"],
                "{binding:?}"
            );
            assert!(node.starts_with("<response success=\"true\" error=\"\"><users><User exists=\"true\" UserID=\"4\""), "{node}");
            assert_eq!(node.matches("<Preferences ").count(), 3);
        }
        let node = local_users(&app, binding, &hrlead, "legal").await;
        assert_eq!(
            user_names(&node),
            ["t_nguyen"],
            "a manager who is not a local user of the domain"
        );
        let node = local_users(&app, binding, &admin, "Archive").await;
        assert_eq!(
            node,
            "<response success=\"true\" error=\"\"><users /></response>"
        );
    }
}

#[actix_web::test]
async fn local_users_errors() {
    let app = spawn_app().await;
    let jdoe = app.login("jdoe", "jdoe").await;
    let asmith = app.login("asmith", "asmith").await;
    for binding in BINDINGS {
        let cases = [
            (jdoe.as_str(), "Finance", "Access denied"),
            (asmith.as_str(), "Finance", "Access denied"),
            (jdoe.as_str(), "Nowhere", "[115] Domain not found"),
            (jdoe.as_str(), "", "[115] Domain not found"),
            ("", "Finance", "[900] Authentication failed"),
        ];
        for (ticket, domain, error) in cases {
            assert_eq!(
                local_users(&app, binding, ticket, domain).await,
                response_error(error),
                "{binding:?} {domain}"
            );
        }
    }
}

async fn co_workers(app: &TestApp, binding: Binding, ticket: &str) -> String {
    app.node(
        binding,
        "GetCoWorkers",
        &[("AuthenticationTicket", P::V(ticket))],
    )
    .await
}

#[actix_web::test]
async fn co_workers_share_a_domain_with_the_caller() {
    let app = spawn_app().await;
    let cases = [
        (
            "jdoe",
            vec!["admin", "asmith", "kpatel", "lchen", "mgarcia", "t_nguyen"],
        ),
        ("bwong", vec!["admin"]),
        ("hrlead", vec!["t_nguyen"]),
        ("t_nguyen", vec!["admin", "jdoe", "mgarcia", "hrlead"]),
    ];
    for (user, expected) in cases {
        let ticket = app.login(user, user).await;
        for binding in BINDINGS {
            let node = co_workers(&app, binding, &ticket).await;
            assert_eq!(user_names(&node), expected, "{user} {binding:?}");
            assert_eq!(node.matches("<Preferences ").count(), expected.len());
        }
    }
    assert_eq!(
        co_workers(&app, Binding::Get, "").await,
        response_error("[900] Authentication failed")
    );
}

#[actix_web::test]
async fn new_members_become_co_workers_and_deleted_users_leave() {
    let app = spawn_app().await;
    let admin = app.login("admin", "admin").await;
    let bwong = app.login("bwong", "bwong").await;
    let params = [
        ("AuthenticationTicket", P::V(&admin)),
        ("DomainName", P::V("Marketing")),
        ("UserName", P::V("marketeer")),
        ("FirstName", P::V("Aaron")),
        ("LastName", P::V("Ames")),
        ("EmailAddress", P::V("")),
        ("Password", P::V("")),
        ("ReadOnlyUser", P::V("false")),
        ("AuthenticationSource", P::V("native")),
    ];
    let id = attr(&app.node(Binding::Get, "CreateUser", &params).await, "id").unwrap();
    assert_eq!(
        user_names(&co_workers(&app, Binding::Get, &bwong).await),
        ["marketeer", "admin"]
    );
    let local = local_users(&app, Binding::Get, &admin, "marketing").await;
    assert_eq!(user_names(&local), ["marketeer", "bwong"]);
    let node = app
        .node(
            Binding::Get,
            "DeleteUser",
            &[
                ("AuthenticationTicket", P::V(&admin)),
                ("UserName", P::V(&format!("ID:{id}"))),
            ],
        )
        .await;
    assert_eq!(node, crate::helpers::RESPONSE_OK);
    assert_eq!(
        user_names(&co_workers(&app, Binding::Get, &bwong).await),
        ["admin"]
    );
}

#[actix_web::test]
async fn co_workers1_sorts_and_chooses_the_detail() {
    let app = spawn_app().await;
    let jdoe = app.login("jdoe", "jdoe").await;
    let cases = [
        (
            "1",
            "true",
            "false",
            vec!["admin", "asmith", "kpatel", "lchen", "mgarcia", "t_nguyen"],
        ),
        (
            "3",
            "false",
            "true",
            vec!["asmith", "kpatel", "t_nguyen", "mgarcia", "lchen", "admin"],
        ),
        (
            "5",
            "true",
            "false",
            vec!["lchen", "admin", "asmith", "mgarcia", "kpatel", "t_nguyen"],
        ),
        (
            "8",
            "false",
            "true",
            vec!["t_nguyen", "kpatel", "lchen", "mgarcia", "asmith", "admin"],
        ),
        (
            "0",
            "true",
            "true",
            vec!["admin", "asmith", "kpatel", "lchen", "mgarcia", "t_nguyen"],
        ),
    ];
    for binding in BINDINGS {
        for (sort, ascending, detail, expected) in &cases {
            let params = [
                ("AuthenticationTicket", P::V(&jdoe)),
                ("SortBy", P::V(sort)),
                ("SortAscending", P::V(ascending)),
                ("DetailMode", P::V(detail)),
            ];
            let node = app.node(binding, "GetCoWorkers1", &params).await;
            assert_eq!(
                &user_names(&node),
                expected,
                "{binding:?} SortBy={sort} {ascending}"
            );
            let full = node.matches("<Preferences ").count();
            assert_eq!(
                full,
                if *detail == "true" { expected.len() } else { 0 },
                "{node}"
            );
            assert_eq!(node.contains("Domain="), *detail == "true");
        }
    }
    let params = [
        ("AuthenticationTicket", P::V(&jdoe)),
        ("SortBy", P::V("4")),
        ("SortAscending", P::V("1")),
        ("DetailMode", P::V("0")),
    ];
    let node = app.node(Binding::Soap11, "GetCoWorkers1", &params).await;
    assert!(
        node.starts_with(
            "<response success=\"true\" error=\"\"><users><User exists=\"true\" UserID=\"2\" FirstName=\"Ada\" \
             LastName=\"Admin\" Email=\"admin@example.com\" MobileNumber=\"555-0199\" Enabled=\"TRUE\" UserName=\"admin\" />"
        ),
        "{node}"
    );
}
