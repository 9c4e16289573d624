//! Raw SQLite baseline for write workloads: `cargo run --release --example sqlite_floor -- <db> [seconds [synchronous]]`.
//!
//! One thread, one connection, configured like the server's writer (`src/store/handle.rs`:
//! WAL, `synchronous=FULL`; the third argument sets another mode, e.g. `NORMAL`, which
//! syncs only at checkpoints: the rate SQLite reaches when the disk is not the limit), on a users-like table of 1,000 rows with an e-mail index.
//! Runs single-row `UPDATE` transactions (`BEGIN IMMEDIATE; UPDATE …; COMMIT`), a
//! different row and value each time, for the given time (default 5 s) and prints one
//! tab-separated line: `SQLITE_FLOOR <tx/s> <p50 ms> <p99 ms> <transactions>`.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::bail;
use rusqlite::{params, Connection, TransactionBehavior};

const ROWS: i64 = 1_000;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (db, seconds, synchronous) = match args.as_slice() {
        [db] => (PathBuf::from(db), 5.0, "FULL"),
        [db, s] => (PathBuf::from(db), s.parse::<f64>()?, "FULL"),
        [db, s, mode] => (PathBuf::from(db), s.parse::<f64>()?, mode.as_str()),
        _ => bail!("usage: sqlite_floor <db> [seconds [synchronous]]"),
    };
    for suffix in ["", "-wal", "-shm"] {
        let mut path = db.clone().into_os_string();
        path.push(suffix);
        let _ = std::fs::remove_file(&path);
    }
    let mut conn = Connection::open(&db)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", synchronous)?;
    conn.execute_batch(
        "CREATE TABLE users (
             id        INTEGER PRIMARY KEY,
             user_name TEXT NOT NULL UNIQUE COLLATE NOCASE,
             email     TEXT NOT NULL DEFAULT '',
             mobile    TEXT NOT NULL DEFAULT ''
         );
         CREATE INDEX users_email ON users(email COLLATE NOCASE);",
    )?;
    {
        let tx = conn.transaction()?;
        for i in 1..=ROWS {
            tx.execute(
                "INSERT INTO users (id, user_name, email, mobile) VALUES (?1, ?2, ?3, '555-0100')",
                params![i, format!("user{i:07}"), format!("user{i:07}@example.com")],
            )?;
        }
        tx.commit()?;
    }
    let limit = Duration::from_secs_f64(seconds);
    let mut latencies = Vec::with_capacity(100_000);
    let started = Instant::now();
    let mut n: i64 = 0;
    while started.elapsed() < limit {
        let t = Instant::now();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.prepare_cached("UPDATE users SET mobile = ?2 WHERE id = ?1")?
            .execute(params![n % ROWS + 1, format!("555-{n:07}")])?;
        tx.commit()?;
        latencies.push(t.elapsed());
        n += 1;
    }
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort_unstable();
    let pct = |p: f64| {
        let i = ((latencies.len() as f64 * p) as usize).min(latencies.len().saturating_sub(1));
        latencies.get(i).map_or(0.0, |d| d.as_secs_f64() * 1e3)
    };
    println!(
        "SQLITE_FLOOR\t{:.1}\t{:.3}\t{:.3}\t{n}",
        n as f64 / elapsed,
        pct(0.50),
        pct(0.99)
    );
    Ok(())
}
