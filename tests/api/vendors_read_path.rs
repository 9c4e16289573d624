//! What a vendor call checks before its action, and the Web API's GetAllTypes, is read
//! on a snapshot, never through the single writer: with SQLite's write lock held by
//! another connection, such calls are still answered at once, where the writer would
//! first wait out its busy timeout.

use crate::helpers::{spawn_app, spawn_app_on_fixtures};

#[actix_web::test]
async fn reads_and_refusals_do_not_wait_for_the_writer() {
    let app = spawn_app().await;
    let holder = rusqlite::Connection::open(&app.db).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let json = ("Content-Type", "application/json");
    let cases = [
        (
            "GET",
            "/api/v1/ContactItem/GetAllTypes",
            ("Authorization", "Bearer webapi-demo-token"),
            200,
        ),
        (
            "PUT",
            "/api/v2/Users/0f54d07a-f8b1-43c1-af92-71e41f3cc103/UserContactItem",
            ("Authorization", "Bearer wrong"),
            401,
        ),
        (
            "POST",
            "/api/rest/v1/ecom/integrations/updateUserContactDetails",
            ("Authorization", "Basic d3Jvbmc6d3Jvbmc="),
            401,
        ),
        (
            "PATCH",
            "/client/update-user?userId=681c74b2333e169d16a7e583",
            ("Authorization", "Basic d3Jvbmc6d3Jvbmc="),
            401,
        ),
        ("POST", "/users/3", ("Authorization", "Bearer wrong"), 401),
    ];
    for (method, path, auth, status) in cases {
        let resp = app.request(method, path, &[auth, json], "{}").await;
        assert_eq!(resp.status, status, "{method} {path}: {}", resp.body);
    }
    holder.execute_batch("ROLLBACK").unwrap();
}

/// The credentials a vendor call checks are kept in memory between fixture loads: a
/// reset that loads changed credentials from the fixture directory takes effect at
/// once: the old ones refused, the new ones accepted.
#[actix_web::test]
async fn a_reset_replaces_the_credentials_the_checks_remember() {
    let fixtures = tempfile::tempdir().unwrap();
    let source = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    for name in ["users.json", "vendors.json"] {
        std::fs::copy(source.join(name), fixtures.path().join(name)).unwrap();
    }
    let app = spawn_app_on_fixtures(fixtures.path()).await;
    let update = |token: &'static str| {
        let app = &app;
        async move {
            app.request(
                "POST",
                "/users/3",
                &[
                    ("Authorization", token),
                    ("Content-Type", "application/json"),
                ],
                r#"{"data": {"FirstName": "J"}}"#,
            )
            .await
            .status
        }
    };
    assert_eq!(update("Bearer commbox-demo-token").await, 200);
    assert_eq!(update("Bearer rotated-token").await, 401);

    let vendors = fixtures.path().join("vendors.json");
    let text = std::fs::read_to_string(&vendors).unwrap();
    assert!(text.contains("commbox-demo-token"));
    std::fs::write(
        &vendors,
        text.replace("commbox-demo-token", "rotated-token"),
    )
    .unwrap();
    let reset = app.request("POST", "/__emulator/reset", &[], "").await;
    assert_eq!(reset.status, 200, "{}", reset.body);

    assert_eq!(update("Bearer commbox-demo-token").await, 401);
    assert_eq!(update("Bearer rotated-token").await, 200);
}
