//! Raw SQLite baseline for GetUser on a store too big for the read cache:
//! `cargo run --release --example lookup_floor -- <db> <users> [seconds]`.
//!
//! One thread, one read-only connection with the server's reader page cache, inside one
//! read transaction (as a pooled reader stays between commits, `src/store/read_pool.rs`):
//! the server's own lookup by name (`store::USER_BY_NAME`) of a random generated user
//! `user0000001..=users`, every column read, for the given time (default 3 s). Prints
//! one tab-separated line: `LOOKUP_FLOOR <lookups/s> <p50 ms> <p99 ms> <lookups>`.
//! Run on the 1,000-user and the million-user store, it shows what the size of the store
//! alone adds to a lookup, before any HTTP, XML or allocation.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{bail, ensure};
use asmx_emulator::store::{bulk_user_name, USER_BY_NAME};
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (db, users, seconds) = match args.as_slice() {
        [db, users] => (PathBuf::from(db), users.parse::<u64>()?, 3.0),
        [db, users, s] => (PathBuf::from(db), users.parse::<u64>()?, s.parse::<f64>()?),
        _ => bail!("usage: lookup_floor <db> <users> [seconds]"),
    };
    ensure!(users > 0, "no users to look up");
    let conn = Connection::open_with_flags(&db, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    conn.pragma_update(None, "cache_size", -1024)?;
    conn.execute_batch("BEGIN")?;
    let mut stmt = conn.prepare(USER_BY_NAME)?;
    // xorshift64: the same spread of users on every run, no crate for it.
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let limit = Duration::from_secs_f64(seconds);
    let mut latencies = Vec::with_capacity(1_000_000);
    let started = Instant::now();
    while started.elapsed() < limit {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let name = bulk_user_name((seed % users + 1) as usize);
        let t = Instant::now();
        let mut rows = stmt.query([&name])?;
        let Some(row) = rows.next()? else {
            bail!("{name} is not in {}", db.display());
        };
        let mut bytes = 0;
        for i in 0..row.as_ref().column_count() {
            bytes += match row.get_ref(i)? {
                ValueRef::Text(b) | ValueRef::Blob(b) => b.len(),
                ValueRef::Integer(_) | ValueRef::Real(_) => 8,
                ValueRef::Null => 0,
            };
        }
        ensure!(bytes > 0, "{name} has no columns");
        latencies.push(t.elapsed());
    }
    let elapsed = started.elapsed().as_secs_f64();
    let n = latencies.len();
    latencies.sort_unstable();
    let pct = |p: f64| {
        let i = ((n as f64 * p) as usize).min(n.saturating_sub(1));
        latencies.get(i).map_or(0.0, |d| d.as_secs_f64() * 1e3)
    };
    println!(
        "LOOKUP_FLOOR\t{:.1}\t{:.4}\t{:.4}\t{n}",
        n as f64 / elapsed,
        pct(0.50),
        pct(0.99)
    );
    Ok(())
}
