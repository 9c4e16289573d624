//! The sliding ticket expiry without a disk write per read (issue 8): a read moves the
//! ticket in memory, a slide far past the stored expiry is written, and a restart
//! honours every ticket that was valid.

use chrono::{DateTime, Duration, TimeZone, Utc};

use crate::helpers::{attr, spawn_app, Binding, TestApp, P};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap()
}

fn stored_expiry(app: &TestApp, ticket: &str) -> DateTime<Utc> {
    let secs: i64 = rusqlite::Connection::open(&app.db)
        .unwrap()
        .query_row(
            "SELECT expires_at FROM tickets WHERE ticket = ?1",
            [ticket],
            |r| r.get(0),
        )
        .unwrap();
    Utc.timestamp_opt(secs, 0).unwrap()
}

/// SQLite's count of commits by other connections, as seen from a fresh one.
fn data_version(conn: &rusqlite::Connection) -> i64 {
    conn.query_row("PRAGMA data_version", [], |r| r.get(0))
        .unwrap()
}

async fn expire_on(app: &TestApp, ticket: &str) -> DateTime<Utc> {
    let node = app
        .node(
            Binding::Get,
            "isValidTicket",
            &[("AuthenticationTicket", P::V(ticket))],
        )
        .await;
    let text = attr(&node, "expireOn").unwrap_or_else(|| panic!("{node}"));
    DateTime::parse_from_rfc3339(&text)
        .unwrap()
        .with_timezone(&Utc)
}

#[actix_web::test]
async fn reads_slide_the_ticket_without_writing_the_database() {
    let app = spawn_app().await;
    app.clock.set(t0());
    let ticket = app.login("jdoe", "jdoe").await;
    let observer = rusqlite::Connection::open(&app.db).unwrap();
    let before = data_version(&observer);
    app.clock.advance(Duration::seconds(30));
    for binding in [
        Binding::Soap11,
        Binding::Soap12,
        Binding::Get,
        Binding::Post,
    ] {
        let node = app
            .node(
                binding,
                "GetUser",
                &[
                    ("AuthenticationTicket", P::V(&ticket)),
                    ("UserName", P::V("")),
                ],
            )
            .await;
        assert!(node.starts_with("<response success=\"true\""), "{node}");
    }
    assert_eq!(data_version(&observer), before, "a read committed a write");
    assert_eq!(
        stored_expiry(&app, &ticket),
        t0() + Duration::days(30),
        "the slide stays in memory"
    );
    let slid = expire_on(&app, &ticket).await;
    assert!(
        (slid - (t0() + Duration::days(30) + Duration::seconds(30)))
            .num_seconds()
            .abs()
            <= 2,
        "the ticket slid: {slid}"
    );
}

#[actix_web::test]
async fn a_slide_far_past_the_stored_expiry_is_written() {
    let app = spawn_app().await;
    app.clock.set(t0());
    let ticket = app.login("jdoe", "jdoe").await;
    app.clock.advance(Duration::days(2));
    let node = app.get_user(&ticket, "jdoe").await;
    assert!(node.starts_with("<response success=\"true\""), "{node}");
    // Written before the answer went out.
    let stored = stored_expiry(&app, &ticket);
    assert!(
        (stored - (t0() + Duration::days(32))).num_seconds().abs() <= 2,
        "{stored}"
    );
}

#[actix_web::test]
async fn a_restart_honours_a_ticket_slid_in_memory_only() {
    let app = spawn_app().await;
    app.clock.set(t0());
    let ticket = app.login("jdoe", "jdoe").await;
    app.clock.advance(Duration::days(29));
    assert!(app
        .get_user(&ticket, "jdoe")
        .await
        .starts_with("<response success=\"true\""));
    app.clock.advance(Duration::seconds(30));
    assert!(app
        .get_user(&ticket, "jdoe")
        .await
        .starts_with("<response success=\"true\""));

    // The old server is not stopped, so nothing is flushed: the new one sees the disk.
    let app = app.restart().await;
    app.clock
        .set(t0() + Duration::days(29) + Duration::seconds(30));
    app.clock.advance(Duration::days(29));
    let node = app.get_user(&ticket, "jdoe").await;
    assert!(node.starts_with("<response success=\"true\""), "{node}");
}

/// Found by a review against docs/compatibility.md (B1.5): a ticket seen expired is evicted. Moving
/// the clock back does not revive it, and the next login deletes its row.
#[actix_web::test]
async fn an_expired_ticket_stays_gone_when_the_clock_moves_back() {
    let app = spawn_app().await;
    app.clock.set(t0());
    let ticket = app.login("jdoe", "jdoe").await;
    let params = [("AuthenticationTicket", P::V(&ticket))];
    app.clock.advance(Duration::days(31));
    let expired = app.node(Binding::Get, "isValidTicket", &params).await;
    assert!(expired.contains("[901]"), "{expired}");
    app.clock.set(t0() + Duration::days(1));
    let still = app.node(Binding::Get, "isValidTicket", &params).await;
    assert!(still.contains("[901]"), "{still}");

    app.login("admin", "admin").await;
    assert_eq!(crate::helpers::ticket_rows(&app.db, &ticket), 0);
}
