//! Concurrent writers (issue 7): tasks on every protocol update the same and different
//! users at once. Every write must be acknowledged (no `database is locked`, no error),
//! and each user's final value must be the last write of one of its writers, as in
//! some serial order.

use std::collections::HashMap;

use crate::helpers::{attr, result_node, spawn_app, Binding, TestApp, P, RESPONSE_OK};

/// Writers per user: with 4 users, 16 tasks.
const USERS: [(i64, &str, &str); 4] = [
    (2, "admin", "admin@example.com"),
    (3, "jdoe", "jdoe@example.com"),
    (4, "asmith", "alice.smith@example.com"),
    (6, "mgarcia", "maria.garcia@example.com"),
];
const TASKS: usize = 16;
const WRITES_PER_TASK: usize = 8;

#[derive(Clone, Copy, Debug)]
enum Via {
    Asmx(Binding),
    CommBox,
}

const VIAS: [Via; 4] = [
    Via::Asmx(Binding::Soap11),
    Via::Asmx(Binding::Get),
    Via::Asmx(Binding::Post),
    Via::CommBox,
];

/// Sets the user's mobile number; panics unless the write is acknowledged.
async fn write(app: &TestApp, ticket: &str, via: Via, user: (i64, &str, &str), mobile: &str) {
    let (id, name, email) = user;
    match via {
        Via::Asmx(binding) => {
            let resp = app
                .call(
                    binding,
                    "UpdateUserContactInfo",
                    &[
                        ("authenticationTicket", P::V(ticket)),
                        ("userName", P::V(name)),
                        ("emailAddress", P::V(email)),
                        ("mobileNumber", P::V(mobile)),
                    ],
                )
                .await;
            assert_eq!(resp.status, 200, "{via:?} {name}: {}", resp.body);
            assert_eq!(
                result_node(binding, "UpdateUserContactInfo", &resp),
                RESPONSE_OK,
                "{via:?} {name}"
            );
        }
        Via::CommBox => {
            let body = serde_json::json!({"data": {"Phone1": mobile}}).to_string();
            let resp = app
                .request(
                    "POST",
                    &format!("/users/{id}"),
                    &[
                        ("Authorization", "Bearer commbox-demo-token"),
                        ("Content-Type", "application/json"),
                    ],
                    &body,
                )
                .await;
            assert_eq!(resp.status, 200, "CommBox {id}: {}", resp.body);
        }
    }
}

#[actix_web::test]
async fn concurrent_writes_on_every_protocol_are_all_acknowledged_and_serializable() {
    let app = spawn_app().await;
    let ticket = app.login("admin", "admin").await;
    let writers = (0..TASKS).map(|task| {
        let (app, ticket) = (&app, ticket.as_str());
        let user = USERS[task % USERS.len()];
        // Each user is written through every protocol, by four tasks at once.
        let via = VIAS[(task / USERS.len()) % VIAS.len()];
        async move {
            let mut last = String::new();
            for n in 0..WRITES_PER_TASK {
                last = format!("555-{task:02}{n:02}");
                write(app, ticket, via, user, &last).await;
            }
            (user.1, last)
        }
    });
    let mut finals: HashMap<&str, Vec<String>> = HashMap::new();
    for (name, last) in futures_util::future::join_all(writers).await {
        finals.entry(name).or_default().push(last);
    }
    for (_, name, email) in USERS {
        let node = app.get_user(&ticket, name).await;
        let mobile = attr(&node, "MobileNumber").unwrap();
        assert!(
            finals[name].contains(&mobile),
            "{name}: {mobile} is not the last write of any writer {:?}",
            finals[name]
        );
        assert_eq!(attr(&node, "Email").as_deref(), Some(email));
    }
}

/// Reads beside writes (issue 8's read cache): a read that starts after a write was
/// acknowledged sees that write or a later one, never an older value.
#[actix_web::test]
async fn a_read_after_an_acknowledged_write_never_sees_an_older_value() {
    const WRITES: usize = 40;
    let app = spawn_app().await;
    let ticket = app.login("jdoe", "jdoe").await;
    let acked = std::cell::Cell::new(0usize);
    let writer = async {
        for n in 1..=WRITES {
            let resp = app
                .call(
                    Binding::Soap11,
                    "UpdateUserContactInfo",
                    &[
                        ("authenticationTicket", P::V(&ticket)),
                        ("userName", P::V("jdoe")),
                        ("emailAddress", P::V(&format!("v{n}@example.com"))),
                        ("mobileNumber", P::Nil),
                    ],
                )
                .await;
            assert_eq!(
                result_node(Binding::Soap11, "UpdateUserContactInfo", &resp),
                RESPONSE_OK
            );
            acked.set(n);
        }
    };
    let reader = |binding: Binding| {
        let (app, ticket, acked) = (&app, &ticket, &acked);
        async move {
            let mut reads = 0;
            while acked.get() < WRITES {
                let floor = acked.get();
                let node = app
                    .node(
                        binding,
                        "GetUser",
                        &[
                            ("AuthenticationTicket", P::V(ticket)),
                            ("UserName", P::V("jdoe")),
                        ],
                    )
                    .await;
                let email = attr(&node, "Email").unwrap_or_else(|| panic!("{node}"));
                let seen: usize = email
                    .strip_prefix('v')
                    .and_then(|e| e.strip_suffix("@example.com"))
                    .map_or(0, |n| n.parse().unwrap());
                assert!(
                    seen >= floor,
                    "read {email} after write {floor} was acknowledged"
                );
                reads += 1;
            }
            reads
        }
    };
    let (_, a, b) =
        futures_util::future::join3(writer, reader(Binding::Soap11), reader(Binding::Get)).await;
    assert!(a + b > 0, "the readers ran");
}
