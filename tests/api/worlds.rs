//! Isolated worlds (docs/worlds.md): every emulated path under `/worlds/{name}`, each
//! world with its own users, clock, fault rules, journal and mails; the admin API over
//! them; the limit, bad names, a restart, deletion and a failure to create one.

use futures_util::future::join_all;
use serde_json::{json, Value};

use crate::control_state::{admin, admin_with};
use crate::crash;
use crate::helpers::{attr, spawn_app, spawn_app_with, Binding, TestApp, BINDINGS, P};
use crate::vendors_commbox as commbox;

/// jdoe's email as admin reads it over GET.
async fn email_of(app: &TestApp, user: &str) -> String {
    let ticket = app.login("admin", "admin").await;
    attr(&app.get_user(&ticket, user).await, "Email").unwrap()
}

async fn set_email(app: &TestApp, binding: Binding, email: &str) {
    let ticket = app.login("jdoe", "jdoe").await;
    let node = app
        .node(
            binding,
            "UpdateUserContactInfo",
            &[
                ("authenticationTicket", P::V(&ticket)),
                ("userName", P::V("jdoe")),
                ("emailAddress", P::V(email)),
                ("mobileNumber", P::V("555-0100")),
            ],
        )
        .await;
    assert_eq!(
        node, "<response success=\"true\" error=\"\" />",
        "{binding:?}"
    );
}

/// The names `GET /__emulator/worlds` lists.
async fn world_names(app: &TestApp) -> Vec<String> {
    let (status, body) = admin(app, "GET", "/__emulator/worlds", None).await;
    assert_eq!(status, 200, "{body}");
    body["worlds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["name"].as_str().unwrap().to_string())
        .collect()
}

const FIXTURE_EMAIL: &str = "jdoe@example.com";

#[actix_web::test]
async fn a_change_in_one_world_is_seen_in_no_other() {
    let app = spawn_app().await;
    for (i, binding) in BINDINGS.into_iter().enumerate() {
        set_email(
            &app.world(&format!("w{i}")),
            binding,
            &format!("w{i}@example.com"),
        )
        .await;
    }
    let commbox = commbox::post(
        &app.world("vendor"),
        "/users/3",
        json!({"Email": "vendor@example.com"}),
    )
    .await;
    assert_eq!(commbox.status, 200, "{}", commbox.body);
    let (status, _) = admin(
        &app,
        "POST",
        "/__emulator/worlds/admin/users",
        Some(json!({"user_name": "only-here", "password": "x", "domain": "Corporate"})),
    )
    .await;
    assert_eq!(status, 201);

    for i in 0..BINDINGS.len() {
        let world = app.world(&format!("w{i}"));
        assert_eq!(email_of(&world, "jdoe").await, format!("w{i}@example.com"));
    }
    assert_eq!(
        email_of(&app.world("vendor"), "jdoe").await,
        "vendor@example.com"
    );
    assert_eq!(email_of(&app, "jdoe").await, FIXTURE_EMAIL);
    assert_eq!(email_of(&app.world("admin"), "jdoe").await, FIXTURE_EMAIL);
    let users = |world: &'static str| {
        let app = &app;
        async move {
            let path = format!("/__emulator/worlds/{world}/fixtures");
            let (_, doc) = admin(app, "GET", &path, None).await;
            let names: Vec<_> = doc["users"]
                .as_array()
                .unwrap()
                .iter()
                .map(|u| u["user_name"].as_str().unwrap().to_string())
                .collect();
            names.contains(&"only-here".to_string())
        }
    };
    assert!(users("admin").await);
    assert!(!users("default").await);
    assert!(!users("w0").await);

    // One suite's reset leaves every other world as it was.
    set_email(&app, Binding::Get, "default@example.com").await;
    let (status, _) = admin(&app, "POST", "/__emulator/worlds/w0/reset", None).await;
    assert_eq!(status, 200);
    assert_eq!(email_of(&app.world("w0"), "jdoe").await, FIXTURE_EMAIL);
    assert_eq!(email_of(&app.world("w1"), "jdoe").await, "w1@example.com");
    assert_eq!(email_of(&app, "jdoe").await, "default@example.com");
}

#[actix_web::test]
async fn clock_faults_journal_and_mails_are_each_worlds_own() {
    let app = spawn_app().await;
    let (a, b) = (app.world("a"), app.world("b"));
    let (status, clock) = admin(
        &app,
        "POST",
        "/__emulator/worlds/a/clock/advance",
        Some(json!({"duration": "1day"})),
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        clock["offset_ms"].as_i64().unwrap() >= 86_400_000,
        "{clock}"
    );
    for path in ["/__emulator/clock", "/__emulator/worlds/b/clock"] {
        assert_eq!(
            admin(&app, "GET", path, None).await.1["offset_ms"],
            0,
            "{path}"
        );
    }

    let rule = json!({"target": "GetUser", "action": {"soap_fault": "down in a"}});
    let (status, _) = admin(&app, "POST", "/__emulator/worlds/a/faults", Some(rule)).await;
    assert_eq!(status, 201);
    let ticket = a.login("jdoe", "jdoe").await;
    let failed = a
        .call(
            Binding::Soap11,
            "GetUser",
            &[
                ("authenticationTicket", P::V(&ticket)),
                ("UserName", P::V("jdoe")),
            ],
        )
        .await;
    assert_eq!(failed.status, 500);
    assert!(failed.body.contains("down in a"), "{}", failed.body);
    assert_eq!(email_of(&b, "jdoe").await, FIXTURE_EMAIL);
    assert_eq!(email_of(&app, "jdoe").await, FIXTURE_EMAIL);
    let (_, rules) = admin(&app, "GET", "/__emulator/faults", None).await;
    assert_eq!(rules, json!({"faults": []}));

    a.call(
        Binding::Get,
        "ForgotPasswordByUserName",
        &[("UserName", P::V("jdoe"))],
    )
    .await;
    let (_, mails) = admin(&app, "GET", "/__emulator/worlds/a/mails", None).await;
    let link = mails["mails"][0]["link"].as_str().unwrap();
    let site = format!("{}/worlds/a/resetpassword.aspx?", app.base);
    assert!(link.starts_with(&site), "{link}");
    for path in ["/__emulator/mails", "/__emulator/worlds/b/mails"] {
        assert_eq!(admin(&app, "GET", path, None).await.1, json!({"mails": []}));
    }

    let journal = |path: &'static str| {
        let app = &app;
        async move { admin(app, "GET", path, None).await.1["requests"].clone() }
    };
    let in_a = journal("/__emulator/worlds/a/requests").await;
    let in_a = in_a.as_array().unwrap();
    assert!(in_a.iter().all(|e| e["world"] == "a"), "{in_a:?}");
    let operations: Vec<_> = in_a.iter().map(|e| e["operation"].clone()).collect();
    assert!(operations.contains(&json!("ForgotPasswordByUserName")));
    assert!(operations.contains(&json!("GetUser")));
    let in_default = journal("/__emulator/requests").await;
    let in_default = in_default.as_array().unwrap();
    assert!(!in_default.is_empty());
    assert!(in_default.iter().all(|e| e["world"] == "default"));
    assert!(!in_default
        .iter()
        .any(|e| e["operation"] == "ForgotPasswordByUserName"));
}

#[actix_web::test]
async fn descriptions_and_help_forms_name_the_worlds_address() {
    let app = spawn_app().await;
    let world = app.world("gen");
    let service = format!("{}/worlds/gen/srv.asmx", app.base);
    let wsdl = world.get("/srv.asmx?WSDL").await;
    assert_eq!(wsdl.status, 200);
    assert_eq!(
        wsdl.body
            .matches(&format!("location=\"{service}\""))
            .count(),
        4,
        "{}",
        wsdl.body
    );
    let disco = world.get("/srv.asmx?disco").await;
    assert!(disco.body.contains(&format!("ref=\"{service}?wsdl\"")));
    let help = world.get("/srv.asmx?op=GetUser").await;
    assert!(help
        .body
        .contains(&format!("action=\"{service}/GetUser\" method=\"POST\"")));
    assert!(help.body.contains("POST /worlds/gen/srv.asmx HTTP/1.1"));
    let default = app.get("/srv.asmx?WSDL").await;
    assert!(!default.body.contains("/worlds/"));
}

/// jdoe's email as jdoe reads it from the service at `service` (`…/srv.asmx`).
async fn own_email(client: &awc::Client, service: &str) -> String {
    let login = format!("{service}/AuthenticateUser?UID=jdoe&PWD=jdoe");
    let ticket = attr(&crash::get_text(client, &login).await, "ticket").unwrap();
    let get = format!("{service}/GetUser?authenticationTicket={ticket}&UserName=jdoe");
    attr(&crash::get_text(client, &get).await, "Email").unwrap()
}

/// A graceful stop leaves each world's writes in its file (no WAL), and the next start
/// on the same `--db` finds every world.
#[actix_web::test]
async fn worlds_outlive_a_stop_and_start() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e.db");
    let (mut server, base) = crash::start(&db);
    let client = crash::client();
    let created = client
        .post(format!("{base}/__emulator/worlds"))
        .send_json(&json!({"name": "kept"}))
        .await
        .unwrap();
    assert_eq!(created.status().as_u16(), 201);
    let world = format!("{base}/worlds/kept/srv.asmx");
    let login = format!("{world}/AuthenticateUser?UID=jdoe&PWD=jdoe");
    let ticket = attr(&crash::get_text(&client, &login).await, "ticket").unwrap();
    let update = format!(
        "{world}/UpdateUserContactInfo?authenticationTicket={ticket}&userName=jdoe\
         &emailAddress=kept%40example.com&mobileNumber=555-0100"
    );
    assert!(crash::get_text(&client, &update)
        .await
        .contains("success=\"true\""));
    server.terminate();
    assert_eq!(crash::exit_code(&mut server).await, Some(0));
    let wal = dir.path().join("e.db.worlds/kept.db-wal");
    assert!(std::fs::metadata(&wal).map_or(true, |m| m.len() == 0));
    let conn = rusqlite::Connection::open(dir.path().join("e.db.worlds/kept.db")).unwrap();
    let email: String = conn
        .query_row(
            "SELECT email FROM users WHERE user_name = 'jdoe'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(email, "kept@example.com");
    drop(conn);

    let (_server, base) = crash::start(&db);
    let listed = crash::get_text(&client, &format!("{base}/__emulator/worlds")).await;
    let listed: Value = serde_json::from_str(&listed).unwrap();
    assert_eq!(listed["worlds"][1]["name"], "kept");
    let kept = own_email(&client, &format!("{base}/worlds/kept/srv.asmx")).await;
    assert_eq!(kept, "kept@example.com");
    let default = own_email(&client, &format!("{base}/srv.asmx")).await;
    assert_eq!(default, FIXTURE_EMAIL);
    let again = client
        .post(format!("{base}/__emulator/worlds"))
        .send_json(&json!({"name": "kept"}))
        .await
        .unwrap();
    assert_eq!(again.status().as_u16(), 409);
}

#[actix_web::test]
async fn a_world_made_with_its_own_fixtures_has_only_them() {
    let app = spawn_app().await;
    let doc = json!({"domains": ["Corporate"], "users": [
        {"id": 1, "user_name": "solo", "password": "solo", "domain": "Corporate",
         "email": "solo@example.com"}
    ]});
    let (status, created) = admin(
        &app,
        "POST",
        "/__emulator/worlds",
        Some(json!({"name": "own", "fixtures": doc})),
    )
    .await;
    assert_eq!(
        (status, created["users"].clone()),
        (201, json!(1)),
        "{created}"
    );
    let own = app.world("own");
    assert!(attr(
        &own.get_user(&own.login("solo", "solo").await, "solo").await,
        "Email"
    )
    .is_some_and(|e| e == "solo@example.com"));
    let (status, body) = admin(
        &app,
        "POST",
        "/__emulator/worlds",
        Some(json!({"name": "bad", "fixtures": {"users": "none"}})),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(world_names(&app).await, ["default", "own"]);
}

#[actix_web::test]
async fn the_limit_is_a_503_in_each_protocol() {
    let app = spawn_app_with(&["--max-worlds", "1"]).await;
    assert_eq!(email_of(&app.world("one"), "jdoe").await, FIXTURE_EMAIL);
    let two = app.world("two");
    let limit = "the limit of 1 worlds (--max-worlds, ASMX_MAX_WORLDS) is reached";

    for binding in BINDINGS {
        let resp = two
            .call(
                binding,
                "AuthenticateUser",
                &[("UID", P::V("jdoe")), ("PWD", P::V("jdoe"))],
            )
            .await;
        assert_eq!(resp.status, 503, "{binding:?}");
        assert_eq!(resp.content_type, "text/html; charset=utf-8");
        assert!(resp.body.contains("Server Error in '/' Application."));
        assert!(resp.body.contains(limit), "{}", resp.body);
    }
    let resp = two.get("/srv.asmx?WSDL").await;
    assert_eq!(resp.status, 503);

    let resp = commbox::post(&two, "/users/3", json!({})).await;
    assert_eq!(resp.status, 503);
    let body: Value = serde_json::from_str(&resp.body).unwrap();
    assert_eq!(body["status"], 503);
    assert!(body["description"].as_str().unwrap().starts_with(limit));

    let resp = two
        .request("PATCH", "/client/update-user?userId=1", &[], "{}")
        .await;
    assert_eq!(resp.status, 503);
    let body: Value = serde_json::from_str(&resp.body).unwrap();
    assert_eq!(
        (body["statusCode"].clone(), body["error"].clone()),
        (json!(503), json!("Service Unavailable"))
    );
    assert!(body["message"].as_str().unwrap().starts_with(limit));

    let resp = two
        .request(
            "GET",
            "/api/ContactItemTypes",
            &[("Accept", "application/json")],
            "",
        )
        .await;
    assert_eq!(resp.status, 503);
    assert!(resp.body.contains(limit), "{}", resp.body);

    let resp = two.request("POST", "/api/rest/v1/x", &[], "{}").await;
    assert_eq!(resp.status, 503);
    assert!(resp.body.contains(limit), "{}", resp.body);

    for (method, path, body) in [
        ("GET", "/__emulator/worlds/two/clock", None),
        ("POST", "/__emulator/worlds", Some(json!({"name": "two"}))),
    ] {
        let (status, answer) = admin(&app, method, path, body).await;
        assert_eq!(status, 503, "{path}");
        assert!(answer["error"].as_str().unwrap().starts_with(limit));
    }
    assert_eq!(world_names(&app).await, ["default", "one"]);
    assert!(!app.world("two").db.exists());
}

#[actix_web::test]
async fn names_outside_the_rule_are_a_one_line_404() {
    let app = spawn_app().await;
    let rule = "a world name is 1 to 64 of the characters A-Z a-z 0-9 _ . - \
                (case-sensitive), and not \".\" or \"..\"\n";
    let long = format!("/worlds/{}/srv.asmx", "a".repeat(65));
    for path in [
        "/worlds//srv.asmx",
        "/worlds/a%2Fb/srv.asmx",
        "/worlds/caf%C3%A9/srv.asmx",
        "/worlds/../srv.asmx",
        "/worlds/./srv.asmx?WSDL",
        long.as_str(),
    ] {
        let resp = app.get(path).await;
        assert_eq!((resp.status, resp.body.as_str()), (404, rule), "{path}");
        assert_eq!(resp.content_type, "text/plain; charset=utf-8");
    }
    let resp = app
        .request("POST", "/worlds/a/__emulator/reset", &[], "")
        .await;
    assert_eq!(resp.status, 404);
    assert!(
        resp.body.contains("/__emulator/worlds/{name}/"),
        "{}",
        resp.body
    );

    let (status, body) = admin(&app, "GET", "/__emulator/worlds/a%2Fb/clock", None).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (404, Some(rule.trim_end()))
    );
    let (status, _) = admin(
        &app,
        "POST",
        "/__emulator/worlds",
        Some(json!({"name": ".."})),
    )
    .await;
    assert_eq!(status, 400);

    // `srv.asmx` follows the rule: it is simply a world of that name.
    let wsdl = app.get("/worlds/srv.asmx/srv.asmx?WSDL").await;
    assert_eq!(wsdl.status, 200);
    assert!(wsdl.body.contains("/worlds/srv.asmx/srv.asmx\""));
    // Case matters: `Case` and `case` are two worlds.
    set_email(&app.world("Case"), Binding::Get, "upper@example.com").await;
    assert_eq!(email_of(&app.world("case"), "jdoe").await, FIXTURE_EMAIL);
    assert_eq!(
        world_names(&app).await,
        ["default", "Case", "case", "srv.asmx"]
    );
}

#[actix_web::test]
async fn deleting_removes_the_world_and_its_file_but_never_default() {
    let app = spawn_app().await;
    let (status, body) = admin(&app, "DELETE", "/__emulator/worlds/default", None).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (409, Some("the default world cannot be deleted"))
    );

    let gone = app.world("gone");
    set_email(&gone, Binding::Soap12, "gone@example.com").await;
    assert!(gone.db.exists());
    assert_eq!(
        admin(&app, "DELETE", "/__emulator/worlds/gone", None).await,
        (204, Value::Null)
    );
    assert!(!gone.db.exists());
    assert_eq!(world_names(&app).await, ["default"]);
    let (status, _) = admin(&app, "DELETE", "/__emulator/worlds/gone", None).await;
    assert_eq!(status, 404);
    // Its next request makes it afresh.
    assert_eq!(email_of(&gone, "jdoe").await, FIXTURE_EMAIL);
}

#[actix_web::test]
async fn thirty_two_first_requests_make_one_world() {
    let app = spawn_app().await;
    let burst = app.world("burst");
    let logins = (0..32).map(|_| {
        burst.call(
            Binding::Get,
            "AuthenticateUser",
            &[("UID", P::V("jdoe")), ("PWD", P::V("jdoe"))],
        )
    });
    for resp in join_all(logins).await {
        assert_eq!(resp.status, 200, "{}", resp.body);
        assert!(resp.body.contains("ticket=\""), "{}", resp.body);
    }
    assert_eq!(world_names(&app).await, ["default", "burst"]);
    let (_, count) = admin(
        &app,
        "GET",
        "/__emulator/worlds/burst/requests/count?operation=AuthenticateUser",
        None,
    )
    .await;
    assert_eq!(count, json!({"count": 32}));
}

#[actix_web::test]
async fn a_world_deleted_while_requests_run_answers_them_all() {
    let app = spawn_app().await;
    let busy = app.world("busy");
    assert_eq!(email_of(&busy, "jdoe").await, FIXTURE_EMAIL);
    let ticket = busy.login("admin", "admin").await;
    let reads = (0..24).map(|_| busy.get_user(&ticket, "jdoe"));
    let delete = admin(&app, "DELETE", "/__emulator/worlds/busy", None);
    let (reads, deleted) = futures_util::future::join(join_all(reads), delete).await;
    assert_eq!(deleted, (204, Value::Null));
    // Each read ran in the world before its deletion, or in the one its request made
    // afresh, where the old ticket is unknown: a whole answer either way.
    for node in reads {
        assert!(node.starts_with("<response success="), "{node}");
    }
    set_email(&busy, Binding::Get, "after@example.com").await;
    assert_eq!(email_of(&busy, "jdoe").await, "after@example.com");
}

#[actix_web::test]
async fn a_world_that_cannot_be_written_is_a_clear_error_and_leaves_nothing() {
    let app = spawn_app().await;
    let mut dir = app.db.clone().into_os_string();
    dir.push(".worlds");
    // A file where the worlds' directory belongs: nothing can be created there.
    std::fs::write(&dir, "in the way").unwrap();
    let broken = app.world("broken");
    let resp = broken.get("/srv.asmx/ServerInfo").await;
    assert_eq!(resp.status, 503);
    assert!(
        resp.body
            .contains("world broken could not be created: creating "),
        "{}",
        resp.body
    );
    let (status, body) = admin(
        &app,
        "POST",
        "/__emulator/worlds",
        Some(json!({"name": "broken"})),
    )
    .await;
    assert_eq!(status, 503);
    assert!(body["error"]
        .as_str()
        .unwrap()
        .starts_with("world broken could not be created"));
    assert_eq!(world_names(&app).await, ["default"]);

    std::fs::remove_file(&dir).unwrap();
    assert_eq!(email_of(&broken, "jdoe").await, FIXTURE_EMAIL);
    assert_eq!(world_names(&app).await, ["default", "broken"]);
}

#[actix_web::test]
async fn commbox_rate_buckets_are_each_worlds_own() {
    let app = spawn_app_with(&["--commbox-rate", "1/min"]).await;
    let status = |world: &'static str| {
        let app = &app;
        async move {
            let resp = commbox::post(&app.world(world), "/users/3", json!({})).await;
            resp.status
        }
    };
    assert_eq!(status("a").await, 200);
    assert_eq!(status("a").await, 429);
    assert_eq!(status("b").await, 200);
    assert_eq!(commbox::post(&app, "/users/3", json!({})).await.status, 200);
}

/// A client generated from a world's WSDL calls back into that world only.
#[actix_web::test]
async fn a_client_generated_from_a_worlds_wsdl_stays_in_it() {
    let app = spawn_app().await;
    let service = format!("{}/worlds/generated/srv.asmx", app.base);
    crate::clients::scenario_passes_at(service, "node").await;
    let count = |path: &'static str| {
        let app = &app;
        async move {
            admin(app, "GET", path, None).await.1["count"]
                .as_u64()
                .unwrap()
        }
    };
    assert!(count("/__emulator/worlds/generated/requests/count?binding=soap11").await > 3);
    assert_eq!(count("/__emulator/requests/count").await, 0);
}

/// The admin token guards every world's admin API, before the world is made; a world's
/// emulated paths stay open, as `default`'s are.
#[actix_web::test]
async fn the_admin_token_guards_the_worlds_admin_api() {
    let app = spawn_app_with(&["--admin-token", "t0k"]).await;
    for (method, path) in [
        ("GET", "/__emulator/worlds"),
        ("POST", "/__emulator/worlds/guarded/reset"),
        ("DELETE", "/__emulator/worlds/guarded"),
    ] {
        assert_eq!(
            admin(&app, method, path, None).await.0,
            401,
            "{method} {path}"
        );
    }
    let resp = app
        .request("POST", "/worlds/guarded/__emulator/reset", &[], "")
        .await;
    assert_eq!(resp.status, 404);
    let token = [("Authorization", "Bearer t0k")];
    let (status, body) = admin_with(&app, "GET", "/__emulator/worlds", None, &token).await;
    assert_eq!(status, 200);
    assert_eq!(body["worlds"].as_array().unwrap().len(), 1, "{body}");
    assert_eq!(email_of(&app.world("guarded"), "jdoe").await, FIXTURE_EMAIL);
}
