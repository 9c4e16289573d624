//! Isolated worlds (docs/worlds.md): every emulated path under `/worlds/{name}`, each
//! world with its own users, clock, fault rules, journal, mails and CommBox buckets; the
//! addresses its descriptions name; worlds across a stop and start. Their admin API and
//! edges are in `worlds_admin.rs`.

use serde_json::{json, Value};

use crate::control_state::admin;
use crate::crash;
use crate::helpers::{attr, spawn_app, spawn_app_with, Binding, TestApp, BINDINGS, P};
use crate::vendors_commbox as commbox;
use crate::{vendors_chatbot as chatbot, vendors_conscent as conscent, vendors_webapi as webapi};

/// jdoe's email as admin reads it over GET.
pub(crate) async fn email_of(app: &TestApp, user: &str) -> String {
    let ticket = app.login("admin", "admin").await;
    attr(&app.get_user(&ticket, user).await, "Email").unwrap()
}

pub(crate) async fn set_email(app: &TestApp, binding: Binding, email: &str) {
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
pub(crate) async fn world_names(app: &TestApp) -> Vec<String> {
    let (status, body) = admin(app, "GET", "/__emulator/worlds", None).await;
    assert_eq!(status, 200, "{body}");
    body["worlds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["name"].as_str().unwrap().to_string())
        .collect()
}

pub(crate) const FIXTURE_EMAIL: &str = "jdoe@example.com";

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

/// Each vendor API writes into the world its path names, and only there (CommBox is
/// in the test above).
#[actix_web::test]
async fn each_vendor_api_writes_only_into_its_world() {
    let app = spawn_app().await;
    let chat = chatbot::update(
        &app.world("chatbot"),
        &chatbot::request("jdoe", "", json!({"emailId": "chatbot@example.com"})),
    )
    .await;
    assert_eq!(chat.status, 200, "{}", chat.body);
    let path = format!("/client/update-user?userId={}", conscent::JDOE);
    let patched = conscent::patch(
        &app.world("conscent"),
        &path,
        r#"{"email": "conscent@example.com"}"#,
    )
    .await;
    assert_eq!(patched.status, 200, "{}", patched.body);
    let (code, _) = webapi::upsert(
        &app.world("webapi"),
        webapi::JDOE,
        webapi::PRIMARY_EMAIL,
        "webapi@example.com",
        true,
    )
    .await;
    assert_eq!(code, 1, "jdoe's primary email item is added");

    for world in ["chatbot", "conscent", "webapi"] {
        let own = format!("{world}@example.com");
        assert_eq!(email_of(&app.world(world), "jdoe").await, own);
        for other in ["chatbot", "conscent", "webapi"]
            .iter()
            .filter(|o| **o != world)
        {
            assert_ne!(email_of(&app.world(other), "jdoe").await, own, "{other}");
        }
    }
    assert_eq!(email_of(&app, "jdoe").await, FIXTURE_EMAIL);
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
    // What a crash in the middle of creating a world would leave.
    let partial = dir.path().join("e.db.worlds/half.db.partial");
    std::fs::write(&partial, "half a copy").unwrap();

    let (_server, base) = crash::start(&db);
    let listed = crash::get_text(&client, &format!("{base}/__emulator/worlds")).await;
    let listed: Value = serde_json::from_str(&listed).unwrap();
    let names: Vec<_> = listed["worlds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["name"].clone())
        .collect();
    assert_eq!(names, [json!("default"), json!("kept")]);
    assert!(!partial.exists());
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

/// The help pages' test forms, submitted by a real browser (`tests/browser`), change the
/// world the pages were served in.
#[actix_web::test]
async fn help_page_test_forms_post_into_their_world_in_chromium() {
    let app = spawn_app().await;
    let artifacts = tempfile::tempdir().unwrap();
    let mut command = std::process::Command::new("node");
    command
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/browser/help_forms.mjs"
        ))
        .arg(format!("{}/worlds/browser", app.base))
        .arg(artifacts.path())
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/browser"));
    let limit = std::time::Duration::from_secs(180);
    let (ok, output) = crate::tools::run_bounded_async(command, limit).await;
    assert!(ok, "the browser scenario failed:\n{output}");
    assert!(output.contains("help forms: all steps passed"), "{output}");
    let world = app.world("browser");
    assert_eq!(
        email_of(&world, "jdoe").await,
        "john.doe+browser@example.org"
    );
    assert_eq!(email_of(&app, "jdoe").await, FIXTURE_EMAIL);
}
