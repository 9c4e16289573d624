//! What a vendor call checks before its action, and the Web API's GetAllTypes, is read
//! on a snapshot, never through the single writer: with SQLite's write lock held by
//! another connection, such calls are still answered at once, where the writer would
//! first wait out its busy timeout.

use crate::helpers::spawn_app;

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
