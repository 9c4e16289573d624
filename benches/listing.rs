//! The listing queries with 100,000 users: `cargo bench --bench listing`.
//!
//! Builds a store through the store API in a temporary directory, then times what
//! the listing methods ask of it (the count and one page, as GetAllUsers2 does) and
//! prints each as a mean time, requests per second and a ratio against a baseline
//! measured in the same run, a plain `SELECT COUNT(*) FROM users`. Ratios, unlike raw
//! times, compare across machines. Nothing here asserts: it is a report.

use std::time::{Duration, Instant};

use asmx_emulator::model::Preferences;
use asmx_emulator::store::{
    NewUser, Page, Scope, SortKey, Store, StoreError, UserFilter, UserQuery, FIRST_NAMES as FIRST,
    LAST_NAMES as LAST,
};

const USERS: usize = 100_000;
const DOMAINS: usize = 20;
const PAGE: u32 = 25;
fn build(store: &Store) -> Result<(), StoreError> {
    let preferences = Preferences::default();
    store.write(|tx| {
        for i in 0..USERS {
            let (first, last) = (FIRST[i % FIRST.len()], LAST[(i / 7) % LAST.len()]);
            let user_name = format!("user{i:06}");
            let email = format!(
                "{}.{}{i}@example.com",
                first.to_lowercase(),
                last.to_lowercase()
            );
            let domain = format!("Domain {:02}", i % DOMAINS);
            let id = tx.insert_user(&NewUser {
                id: None,
                user_name: &user_name,
                first_name: first,
                last_name: last,
                email: &email,
                mobile: "",
                enabled: i % 17 != 0,
                read_only: i % 5 == 0,
                sysadmin: false,
                domain: Some(&domain),
                auth_source: if i % 10 == 0 { "CORPLDAP" } else { "native" },
                password_hash: None,
                preferences: &preferences,
            })?;
            if i % 3 == 0 {
                tx.add_domain_member(&format!("Domain {:02}", (i + 1) % DOMAINS), id, false)?;
            }
        }
        Ok(())
    })
}

/// Mean time of `run` over at least 300 ms (and at least 5 runs), after a warm-up.
fn measure(
    mut run: impl FnMut() -> Result<usize, StoreError>,
) -> Result<(Duration, usize), StoreError> {
    let rows = run()?;
    let started = Instant::now();
    let mut runs = 0u32;
    while runs < 5 || started.elapsed() < Duration::from_millis(300) {
        run()?;
        runs += 1;
    }
    Ok((started.elapsed() / runs, rows))
}

fn query(
    sort: SortKey,
    ascending: bool,
    offset: u32,
    filter: UserFilter<'static>,
) -> UserQuery<'static> {
    UserQuery {
        scope: Scope::All,
        filter,
        sort,
        ascending,
        page: Some(Page {
            offset,
            limit: PAGE,
        }),
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let store = Store::open(&dir.path().join("bench.db"))?;
    let started = Instant::now();
    build(&store)?;
    println!(
        "built {USERS} users in {DOMAINS} domains in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let last_page = (USERS as u32) - PAGE;
    let mut cases: Vec<(String, UserQuery)> = vec![
        (
            "first page, default order".into(),
            query(SortKey::FirstLast, true, 0, UserFilter::default()),
        ),
        (
            "first page, default order, descending".into(),
            query(SortKey::FirstLast, false, 0, UserFilter::default()),
        ),
        (
            "last page, default order".into(),
            query(SortKey::FirstLast, true, last_page, UserFilter::default()),
        ),
        (
            "last page, by domain".into(),
            query(SortKey::Domain, true, last_page, UserFilter::default()),
        ),
        (
            "filtered: last name 'sen', enabled".into(),
            query(
                SortKey::FirstLast,
                true,
                0,
                UserFilter {
                    last_name: Some("sen"),
                    enabled: Some(true),
                    ..Default::default()
                },
            ),
        ),
        (
            "filtered: member of 'Domain 07', enabled".into(),
            query(
                SortKey::UserName,
                true,
                0,
                UserFilter {
                    domain: Some("Domain 07"),
                    enabled: Some(true),
                    ..Default::default()
                },
            ),
        ),
        (
            "filtered: no match (walks every user)".into(),
            query(
                SortKey::UserName,
                true,
                0,
                UserFilter {
                    domain: Some("Domain 07"),
                    read_only: Some(true),
                    ..Default::default()
                },
            ),
        ),
        (
            "filtered: user name '0999' (few matches)".into(),
            query(
                SortKey::UserName,
                true,
                0,
                UserFilter {
                    user_name: Some("0999"),
                    ..Default::default()
                },
            ),
        ),
    ];
    for sort in SortKey::ALL {
        cases.push((
            format!("first page, by {sort:?}"),
            query(sort, true, 0, UserFilter::default()),
        ));
    }
    cases.push((
        "co-workers of user 1 (unpaged)".into(),
        UserQuery {
            scope: Scope::CoWorkersOf(1),
            filter: UserFilter::default(),
            sort: SortKey::FirstLast,
            ascending: true,
            page: None,
        },
    ));

    let (baseline, _) = measure(|| store.write(|tx| tx.user_count().map(|n| n as usize)))?;
    println!(
        "\n{:<46} {:>10} {:>10} {:>8} {:>10}",
        "query (count + page, as the methods run it)", "mean ms", "req/s", "rows", "x COUNT(*)"
    );
    println!(
        "{:<46} {:>10.3} {:>10.0} {:>8} {:>10.1}",
        "baseline: SELECT COUNT(*) FROM users",
        ms(baseline),
        per_second(baseline),
        1,
        1.0
    );
    for (name, q) in &cases {
        let (mean, rows) = measure(|| {
            store.write(|tx| {
                tx.count_users(q)?;
                Ok(tx.list_users(q)?.len())
            })
        })?;
        println!(
            "{name:<46} {:>10.3} {:>10.0} {rows:>8} {:>10.1}",
            ms(mean),
            per_second(mean),
            mean.as_secs_f64() / baseline.as_secs_f64()
        );
    }

    for (title, q) in [&cases[2], &cases[3]] {
        println!("\nplan of the {title}:");
        for line in store.write(|tx| tx.explain_listing(q))? {
            println!("  {line}");
        }
    }
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn per_second(d: Duration) -> f64 {
    1.0 / d.as_secs_f64()
}
