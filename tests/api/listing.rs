//! GetAllUsers, GetAllUsers1, GetAllUsers2 and GetAllUsersWithoutDetails: every sort
//! key both ways, each filter, paging edges, and who may list.

use crate::helpers::{
    response_error, spawn_app, user_names, Binding, TestApp, BINDINGS, P, RESPONSE_OK,
};

/// The fixture users in each `SortBy` order, ascending; descending is the reverse
/// (ties are broken by UserID in the same direction).
const ORDERS: [(&str, [&str; 10]); 9] = [
    (
        "0",
        [
            "admin", "asmith", "bwong", "jdoe", "kpatel", "lchen", "mgarcia", "hrlead", "sysadmin",
            "t_nguyen",
        ],
    ),
    (
        "1",
        [
            "admin", "asmith", "bwong", "hrlead", "jdoe", "kpatel", "lchen", "mgarcia", "sysadmin",
            "t_nguyen",
        ],
    ),
    (
        "2",
        [
            "admin", "asmith", "bwong", "jdoe", "kpatel", "lchen", "mgarcia", "hrlead", "sysadmin",
            "t_nguyen",
        ],
    ),
    (
        "3",
        [
            "admin", "sysadmin", "lchen", "jdoe", "mgarcia", "hrlead", "t_nguyen", "kpatel",
            "asmith", "bwong",
        ],
    ),
    (
        "4",
        [
            "hrlead", "admin", "asmith", "bwong", "jdoe", "kpatel", "lchen", "mgarcia", "sysadmin",
            "t_nguyen",
        ],
    ),
    (
        "5",
        [
            "lchen", "sysadmin", "admin", "jdoe", "asmith", "bwong", "mgarcia", "kpatel",
            "t_nguyen", "hrlead",
        ],
    ),
    (
        "6",
        [
            "kpatel", "sysadmin", "admin", "jdoe", "asmith", "bwong", "mgarcia", "lchen",
            "t_nguyen", "hrlead",
        ],
    ),
    (
        "7",
        [
            "sysadmin", "admin", "asmith", "lchen", "kpatel", "jdoe", "mgarcia", "hrlead",
            "t_nguyen", "bwong",
        ],
    ),
    (
        "8",
        [
            "sysadmin", "admin", "jdoe", "asmith", "mgarcia", "lchen", "kpatel", "hrlead", "bwong",
            "t_nguyen",
        ],
    ),
];

/// GetAllUsers2's parameters with no filter, the first 100 rows, by first name.
fn query2(ticket: &str) -> Vec<(&'static str, String)> {
    [
        ("AuthenticationTicket", ticket),
        ("StartingRowNumber", "0"),
        ("NumberOfRow", "100"),
        ("firstNameFilter", ""),
        ("lastNameFilter", ""),
        ("userNameFilter", ""),
        ("emailFilter", ""),
        ("authenticationSourceFilter", ""),
        ("domainNameFilter", ""),
        ("UserStatusFilter", "-1"),
        ("UserTypeFilter", "-1"),
        ("SortBy", "0"),
        ("SortAscending", "true"),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_string()))
    .collect()
}

/// Calls `method` with `base` changed by `changes`.
async fn list(
    app: &TestApp,
    binding: Binding,
    method: &str,
    base: &[(&'static str, String)],
    changes: &[(&str, &str)],
) -> String {
    let params: Vec<(&str, P)> = base
        .iter()
        .map(|(k, v)| {
            let value = changes
                .iter()
                .find(|(c, _)| c == k)
                .map_or(v.as_str(), |(_, v)| *v);
            (*k, P::V(value))
        })
        .collect();
    app.node(binding, method, &params).await
}

/// Parameter changes and the users they select, in the default order.
type FilterCase<'a> = (&'a [(&'a str, &'a str)], &'a [&'a str]);

fn total(node: &str) -> String {
    crate::helpers::attr(node, "totalusercount").unwrap_or_else(|| panic!("no total: {node}"))
}

#[actix_web::test]
async fn get_all_users_lists_everyone_in_full_by_first_then_last_name() {
    let app = spawn_app().await;
    let admin = app.login("admin", "admin").await;
    for binding in BINDINGS {
        let node = app
            .node(
                binding,
                "GetAllUsers",
                &[("AuthenticationTicket", P::V(&admin))],
            )
            .await;
        assert!(
            node.starts_with(
                "<response success=\"true\" error=\"\"><users><User exists=\"true\" UserID=\"2\""
            ),
            "{node}"
        );
        assert_eq!(user_names(&node), ORDERS[2].1, "{binding:?}");
        assert_eq!(node.matches("<Preferences ").count(), 10);
        assert!(
            node.contains("UserName=\"lchen\" Domain=\"Engineering\""),
            "disabled users too"
        );
    }
}

#[actix_web::test]
async fn only_system_administrators_may_list_all_users() {
    let app = spawn_app().await;
    let jdoe = app.login("jdoe", "jdoe").await;
    let bad = "00000000-0000-0000-0000-000000000000";
    for binding in BINDINGS {
        for method in ["GetAllUsers2", "GetAllUsersWithoutDetails"] {
            for (ticket, error) in [
                (jdoe.as_str(), "Access denied"),
                ("", "[900] Authentication failed"),
                (bad, "[901] Session expired or Invalid ticket"),
            ] {
                let node = list(&app, binding, method, &query2(ticket), &[]).await;
                assert_eq!(node, response_error(error), "{binding:?} {method}");
            }
        }
        let node = app
            .node(
                binding,
                "GetAllUsers",
                &[("AuthenticationTicket", P::V(&jdoe))],
            )
            .await;
        assert_eq!(node, response_error("Access denied"));
    }
}

#[actix_web::test]
async fn every_sort_key_both_ways() {
    let app = spawn_app().await;
    let admin = app.login("admin", "admin").await;
    let base = query2(&admin);
    for (code, ascending) in ORDERS {
        for (direction, binding) in [("true", Binding::Get), ("false", Binding::Soap11)] {
            let node = list(
                &app,
                binding,
                "GetAllUsers2",
                &base,
                &[("SortBy", code), ("SortAscending", direction)],
            )
            .await;
            let mut expected = ascending.to_vec();
            if direction == "false" {
                expected.reverse();
            }
            assert_eq!(
                user_names(&node),
                expected,
                "SortBy={code} ascending={direction}"
            );
            assert_eq!(total(&node), "10");
        }
    }
    for unknown in ["9", "-1", "2147483647"] {
        let node = list(
            &app,
            Binding::Post,
            "GetAllUsers2",
            &base,
            &[("SortBy", unknown)],
        )
        .await;
        assert_eq!(
            user_names(&node),
            ORDERS[0].1,
            "SortBy={unknown} is the default order"
        );
    }
}

#[actix_web::test]
async fn filters_contain_match_without_case_and_combine() {
    let app = spawn_app().await;
    let admin = app.login("admin", "admin").await;
    let base = query2(&admin);
    let cases: [FilterCase; 14] = [
        (
            &[("firstNameFilter", "A")],
            &[
                "admin", "asmith", "bwong", "kpatel", "mgarcia", "hrlead", "t_nguyen",
            ],
        ),
        (&[("lastNameFilter", "SMITH")], &["asmith"]),
        (&[("userNameFilter", "_")], &["t_nguyen"]),
        (&[("userNameFilter", "%")], &[]),
        (
            &[("emailFilter", "@EXAMPLE.com")],
            &[
                "admin", "asmith", "bwong", "jdoe", "kpatel", "lchen", "mgarcia", "sysadmin",
                "t_nguyen",
            ],
        ),
        (&[("authenticationSourceFilter", "ldap")], &["kpatel"]),
        (
            &[("domainNameFilter", "fin")],
            &["admin", "jdoe", "mgarcia", "t_nguyen"],
        ),
        (&[("domainNameFilter", "Archive")], &[]),
        (&[("UserStatusFilter", "0")], &["lchen"]),
        (
            &[
                ("UserStatusFilter", "1"),
                ("domainNameFilter", "engineering"),
            ],
            &["admin", "asmith", "jdoe", "kpatel"],
        ),
        (&[("UserTypeFilter", "2")], &["bwong", "t_nguyen"]),
        (
            &[("UserTypeFilter", "1"), ("lastNameFilter", "n")],
            &["admin", "lchen", "hrlead", "sysadmin"],
        ),
        (
            &[
                ("UserStatusFilter", "7"),
                ("UserTypeFilter", "9"),
                ("lastNameFilter", "o"),
            ],
            &["bwong", "jdoe", "hrlead", "sysadmin"],
        ),
        (
            &[("firstNameFilter", "Marí"), ("emailFilter", "garcia")],
            &["mgarcia"],
        ),
    ];
    for (changes, expected) in cases {
        for binding in [Binding::Get, Binding::Soap12] {
            let node = list(&app, binding, "GetAllUsers2", &base, changes).await;
            assert_eq!(user_names(&node), expected.to_vec(), "{changes:?}");
            assert_eq!(total(&node), expected.len().to_string(), "{changes:?}");
        }
    }
}

/// Found by fuzzing: SQLite refuses a `LIKE` pattern over 50,000 bytes, and the answer
/// carried its message. A filter that long matches by containment like any other.
#[actix_web::test]
async fn a_filter_of_any_length_matches_by_containment() {
    let app = spawn_app().await;
    let admin = app.login("admin", "admin").await;
    let long = format!("Doe{}", "%_".repeat(30_000));
    let renamed = app
        .node(
            Binding::Soap11,
            "UpdateUserProfile",
            &[
                ("AuthenticationTicket", P::V(&admin)),
                ("UserName", P::V("jdoe")),
                ("NewUserName", P::Nil),
                ("NewFirstName", P::Nil),
                ("NewLastName", P::V(&long)),
                ("AuthenticateSource", P::Nil),
            ],
        )
        .await;
    assert_eq!(renamed, RESPONSE_OK);
    let base = query2(&admin);
    let filter = &long[1..];
    let cases: [(&str, &[&str]); 3] = [
        ("lastNameFilter", &["jdoe"]),
        ("firstNameFilter", &[]),
        ("domainNameFilter", &[]),
    ];
    for binding in [Binding::Post, Binding::Soap11] {
        for (name, expected) in cases {
            let node = list(&app, binding, "GetAllUsers2", &base, &[(name, filter)]).await;
            assert_eq!(user_names(&node), expected.to_vec(), "{binding:?} {name}");
            assert_eq!(
                total(&node),
                expected.len().to_string(),
                "{binding:?} {name}"
            );
        }
    }
}

#[actix_web::test]
async fn paging_edges() {
    let app = spawn_app().await;
    let admin = app.login("admin", "admin").await;
    let base = query2(&admin);
    let all = ORDERS[0].1;
    let cases: [(&str, &str, &[&str]); 9] = [
        ("0", "3", &all[..3]),
        ("3", "3", &all[3..6]),
        ("9", "3", &all[9..]),
        ("10", "3", &[]),
        ("500", "25", &[]),
        ("2", "0", &[]),
        ("-5", "2", &all[..2]),
        ("0", "-1", &[]),
        ("1", "2147483647", &all[1..]),
    ];
    for binding in BINDINGS {
        for (start, rows, expected) in cases {
            let node = list(
                &app,
                binding,
                "GetAllUsers2",
                &base,
                &[("StartingRowNumber", start), ("NumberOfRow", rows)],
            )
            .await;
            assert_eq!(
                user_names(&node),
                expected.to_vec(),
                "{binding:?} start={start} rows={rows}"
            );
            assert_eq!(total(&node), "10", "the count ignores the page");
        }
    }
    let node = list(
        &app,
        Binding::Get,
        "GetAllUsers2",
        &base,
        &[("StartingRowNumber", "20"), ("NumberOfRow", "5")],
    )
    .await;
    assert_eq!(
        node,
        "<response success=\"true\" error=\"\" totalusercount=\"10\"><users /></response>"
    );
}

#[actix_web::test]
async fn get_all_users1_has_its_own_spellings_and_no_type_filter() {
    let app = spawn_app().await;
    let admin = app.login("admin", "admin").await;
    for binding in BINDINGS {
        let params = [
            ("AuthenticationTicket", P::V(&admin)),
            ("StartingRowNumber", P::V("1")),
            ("NumbeOfRow", P::V("2")),
            ("firstNameFilter", P::V("")),
            ("lastNameFilter", P::V("")),
            ("userNameFilter", P::V("")),
            ("emailFilter", P::V("")),
            ("authenticationSourceFilter", P::V("")),
            ("domainNameFilter", P::V("engineering")),
            ("StatusFilter", P::V("1")),
            ("SortBy", P::V("1")),
            ("SortAscending", P::V("false")),
        ];
        let node = app.node(binding, "GetAllUsers1", &params).await;
        assert_eq!(user_names(&node), ["jdoe", "asmith"], "{binding:?}");
        assert!(
            node.starts_with(
                "<response success=\"true\" error=\"\" totalusercount=\"4\"><users><User "
            ),
            "{node}"
        );
        assert_eq!(node.matches("<Preferences ").count(), 2);
    }
}

#[actix_web::test]
async fn without_details_users_carry_identity_only() {
    let app = spawn_app().await;
    let admin = app.login("admin", "admin").await;
    let base = query2(&admin);
    for binding in BINDINGS {
        let node = list(
            &app,
            binding,
            "GetAllUsersWithoutDetails",
            &base,
            &[("userNameFilter", "SMI"), ("SortBy", "4")],
        )
        .await;
        assert_eq!(
            node,
            "<response success=\"true\" error=\"\" totalusercount=\"1\"><users><User exists=\"true\" UserID=\"4\" \
             FirstName=\"Alice\" LastName=\"Smith\" Email=\"alice.smith@example.com\" MobileNumber=\"555-0101\" \
             Enabled=\"TRUE\" UserName=\"asmith\" /></users></response>",
            "{binding:?}"
        );
    }
}

#[actix_web::test]
async fn soap_omitted_numbers_are_zero_and_the_omitted_bool_false() {
    let app = spawn_app().await;
    let admin = app.login("admin", "admin").await;
    // Zero rows, status filter 0 (disabled users), type filter 0 (no filter).
    let node = app
        .node(
            Binding::Soap11,
            "GetAllUsers2",
            &[("AuthenticationTicket", P::V(&admin))],
        )
        .await;
    assert_eq!(
        node,
        "<response success=\"true\" error=\"\" totalusercount=\"1\"><users /></response>"
    );
    let params = [
        ("AuthenticationTicket", P::V(&admin)),
        ("NumberOfRow", P::V(" 3 ")),
        ("UserStatusFilter", P::V("-1")),
        ("UserTypeFilter", P::Nil),
    ];
    let node = app.node(Binding::Soap12, "GetAllUsers2", &params).await;
    let mut descending = ORDERS[0].1.to_vec();
    descending.reverse();
    assert_eq!(
        user_names(&node),
        descending[..3],
        "no SortAscending is descending"
    );
}

#[actix_web::test]
async fn a_bad_sort_direction_is_the_asmx_conversion_fault() {
    let app = spawn_app().await;
    let admin = app.login("admin", "admin").await;
    let params = query2(&admin);
    for binding in BINDINGS {
        let pairs: Vec<(&str, P)> = params
            .iter()
            .map(|(k, v)| {
                (
                    *k,
                    P::V(if *k == "SortAscending" {
                        "maybe"
                    } else {
                        v.as_str()
                    }),
                )
            })
            .collect();
        let resp = app.call(binding, "GetAllUsers2", &pairs).await;
        assert_eq!(resp.status, 500, "{binding:?}");
        let reason = match binding {
            Binding::Get | Binding::Post => " String was not recognized as a valid Boolean.\r\n",
            _ => " The string 'maybe' is not a valid Boolean value.</",
        };
        assert!(resp.body.contains(reason), "{binding:?}: {}", resp.body);
    }
}
