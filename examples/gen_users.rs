//! Builds a benchmark database: `cargo run --release --example gen_users -- <db> <users> [fixtures]`.
//!
//! The database is created through [`Store::open`] (the real migrations), seeded from the
//! fixture directory like an empty server database would be (the ten fixture users, their
//! vendor ids and the vendor credentials), then filled up to `<users>` users with
//! generated ones named `user0000001`, `user0000002`, … in one transaction; the first
//! 1,000 of them also get Conscent, Web API and chatbot ids (`store::bulk_vendor_ids`). Every
//! generated user has the password `bench`, hashed once with the server's hasher. The
//! server starts on the result without reseeding (it seeds only a database with no users).
//! Prints the number of generated users and the first one's UserID on stdout.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{bail, Context};
use asmx_emulator::ops::hash_password;
use asmx_emulator::store::{bulk_user_name, Store};

const DOMAINS: [&str; 5] = ["Corporate", "Finance", "Engineering", "Marketing", "Legal"];
/// Generated users that also get vendor ids (`store::bulk_vendor_ids`), so the vendor
/// workloads spread their writes over many users.
const VENDOR_USERS: usize = 1_000;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (db, total) = match args.as_slice() {
        [db, n] | [db, n, _] => (PathBuf::from(db), n.replace('_', "").parse::<usize>()?),
        _ => bail!("usage: gen_users <db> <users> [fixtures dir]"),
    };
    let fixtures = args
        .get(2)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures"));
    for suffix in ["", "-wal", "-shm"] {
        let mut path = db.clone().into_os_string();
        path.push(suffix);
        match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(e).with_context(|| format!("removing {path:?}"))
            }
            _ => {}
        }
    }
    let started = Instant::now();
    let store = Store::open(&db).with_context(|| format!("creating {}", db.display()))?;
    store.seed_if_empty(&fixtures, hash_password)?;
    let seeded: usize = store.read(|tx| tx.user_count().map(|n| n as usize))?;
    let generated = total.saturating_sub(seeded);
    store.bulk_insert_users(
        generated,
        &hash_password("bench"),
        &DOMAINS,
        VENDOR_USERS.min(generated),
    )?;
    eprintln!(
        "gen_users: {} users ({seeded} fixture users + {generated} generated) in {} in {:.2} s",
        seeded + generated,
        db.display(),
        started.elapsed().as_secs_f64()
    );
    // CommBox addresses users by UserID: the generated users' ids follow the fixtures'.
    let first_id = store.read(|tx| {
        tx.user_by_name(&bulk_user_name(1))
            .map(|u| u.map_or(0, |u| u.id))
    })?;
    println!("{generated} {first_id}");
    Ok(())
}
