//! The worlds' admin API and their edges: creating one with fixtures of its own, the
//! limit (a 503 in each protocol), names outside the rule, deletion (also while
//! requests run), many first requests at once, a failure to create one, the admin token.

use futures_util::future::join_all;
use serde_json::{json, Value};

use crate::control_state::{admin, admin_with};
use crate::helpers::{attr, spawn_app, spawn_app_with, Binding, BINDINGS, P};
use crate::vendors_commbox as commbox;
use crate::worlds::{email_of, set_email, world_names, FIXTURE_EMAIL};

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

/// A deletion waits for the requests already in the world: each is answered from it in
/// full, and only then is its file removed.
#[actix_web::test]
async fn a_world_deleted_while_requests_run_answers_them_all() {
    const READS: u64 = 12;
    let app = spawn_app().await;
    let busy = app.world("busy");
    set_email(&busy, Binding::Get, "busy@example.com").await;
    let ticket = busy.login("admin", "admin").await;
    let rule = json!({"target": "GetUser", "action": {"latency_ms": 300}});
    let (status, _) = admin(&app, "POST", "/__emulator/worlds/busy/faults", Some(rule)).await;
    assert_eq!(status, 201);
    let answered = std::cell::Cell::new(0);
    let reads = join_all((0..READS).map(|_| async {
        let node = busy.get_user(&ticket, "jdoe").await;
        answered.set(answered.get() + 1);
        node
    }));
    let delete = async {
        // The rule fires as each read enters its handler, before its delay; the reads
        // are in the world once it has fired for each (asked at most 1,000 times).
        let path = "/__emulator/worlds/busy/faults";
        let mut asked = 0;
        while admin(&app, "GET", path, None).await.1["faults"][0]["fired"] != READS {
            asked += 1;
            assert!(asked < 1000, "the reads never all arrived");
        }
        let deleted = admin(&app, "DELETE", "/__emulator/worlds/busy", None).await;
        // Every read was answered before the deletion was (their answers were
        // written first, and `join` looks at the reads first).
        assert_eq!(answered.get(), READS);
        deleted
    };
    let (reads, deleted) = futures_util::future::join(reads, delete).await;
    assert_eq!(deleted, (204, Value::Null));
    for node in reads {
        assert_eq!(attr(&node, "Email").as_deref(), Some("busy@example.com"));
    }
    assert!(!busy.db.exists());
    assert_eq!(email_of(&busy, "jdoe").await, FIXTURE_EMAIL);
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

/// A world unused for `--world-idle` on the default world's clock goes with its file
/// when a world is next made or the worlds are listed; one used since stays, and
/// `default` always does.
#[actix_web::test]
async fn idle_worlds_are_dropped_on_the_default_worlds_clock() {
    let app = spawn_app_with(&["--world-idle", "1h"]).await;
    let (stale, used) = (app.world("stale"), app.world("used"));
    set_email(&stale, Binding::Get, "stale@example.com").await;
    set_email(&used, Binding::Get, "used@example.com").await;
    let advance_by = |duration: &'static str| {
        admin(
            &app,
            "POST",
            "/__emulator/clock/advance",
            Some(json!({ "duration": duration })),
        )
    };
    let advance = || advance_by("2h");
    // `used` is used 40 minutes in, `stale` not: 80 minutes in, only `stale` has been
    // unused for the hour.
    assert_eq!(advance_by("40min").await.0, 200);
    assert_eq!(email_of(&used, "jdoe").await, "used@example.com");
    assert_eq!(advance_by("40min").await.0, 200);

    assert_eq!(world_names(&app).await, ["default", "used"]);
    assert!(!stale.db.exists());
    assert!(used.db.exists());
    // Its next request makes it afresh.
    assert_eq!(email_of(&stale, "jdoe").await, FIXTURE_EMAIL);

    // Making a world checks too.
    assert_eq!(advance().await.0, 200);
    assert_eq!(email_of(&app.world("new"), "jdoe").await, FIXTURE_EMAIL);
    assert!(!stale.db.exists());
    assert!(!used.db.exists());
    assert_eq!(world_names(&app).await, ["default", "new"]);
    assert_eq!(email_of(&app, "jdoe").await, FIXTURE_EMAIL);

    // With no sweep in between (no listing, no world made), a request to an idle world
    // still finds it made afresh.
    let new = app.world("new");
    set_email(&new, Binding::Get, "new@example.com").await;
    assert_eq!(advance().await.0, 200);
    assert_eq!(email_of(&new, "jdoe").await, FIXTURE_EMAIL);
}

/// Each world's requests are series of their own on `/metrics`, and a deleted world's
/// series go with it.
#[actix_web::test]
async fn metrics_carry_the_world_and_a_deleted_worlds_go() {
    let app = spawn_app().await;
    let login = |app: crate::helpers::TestApp| async move {
        app.login("jdoe", "jdoe").await;
    };
    login(app.world("m1")).await;
    login(app.world("m1")).await;
    login(app.world("m2")).await;
    let count = |world: &str| {
        format!(
            "asmx_requests_total{{binding=\"get\",operation=\"AuthenticateUser\",\
             status=\"200\",world=\"{world}\"}}"
        )
    };
    let text = app.get("/metrics").await.body;
    assert!(text.contains(&format!("{} 2\n", count("m1"))), "{text}");
    assert!(text.contains(&format!("{} 1\n", count("m2"))), "{text}");
    assert!(!text.contains(&count("default")), "{text}");
    assert!(text.contains(
        "asmx_request_duration_seconds_count{binding=\"get\",operation=\"AuthenticateUser\",\
         world=\"m2\"} 1\n"
    ));

    assert_eq!(
        admin(&app, "DELETE", "/__emulator/worlds/m2", None).await.0,
        204
    );
    let text = app.get("/metrics").await.body;
    assert!(!text.contains("world=\"m2\""), "{text}");
    assert!(text.contains(&format!("{} 2\n", count("m1"))), "{text}");
    // Made again, it starts from nothing.
    login(app.world("m2")).await;
    let text = app.get("/metrics").await.body;
    assert!(text.contains(&format!("{} 1\n", count("m2"))), "{text}");
}
