//! Bulk-generated users for benchmarks (`examples/gen_users.rs`): many rows in one
//! transaction with prepared statements, shaped like users the fixture loader or
//! CreateUser would write (a users row, its preferences row, its default domain's
//! membership), and then as their first contact write leaves them: a vendor profile,
//! and the default contact items that mirror their e-mail and mobile number. So a
//! benchmark's writes are steady-state writes, on any user it picks.

use chrono::Utc;
use rusqlite::params;

use super::error::StoreError;
use super::handle::Store;
use super::sliding::DeferredSlides;
use super::tx::{Conn, Tx};
use super::vendors;
use crate::model::{ContactItem, ContactItemType, LinkedField, Vendor};

/// Names cycled through so the name indexes see realistic, repeating keys (also by
/// the listing bench).
pub const FIRST_NAMES: [&str; 12] = [
    "Ada", "Brian", "Chen", "Dana", "Emil", "Fatima", "Goran", "Hana", "Ivan", "Jun", "Kofi",
    "Lena",
];
pub const LAST_NAMES: [&str; 10] = [
    "Anderson", "Baker", "Carlsson", "Dubois", "Evans", "Fischer", "Garcia", "Hansen", "Ito",
    "Johnson",
];

/// The user name of the `n`th generated user (1-based): `user0000001`, …
pub fn bulk_user_name(n: usize) -> String {
    format!("user{n:07}")
}

/// The `n`th generated user's ids at Conscent (an ObjectId), the Web API (a GUID) and
/// the chatbot (a chat link), for the users given vendor ids.
pub fn bulk_vendor_ids(n: usize) -> [(Vendor, String); 3] {
    [
        (Vendor::Conscent, format!("bb{n:022x}")),
        (Vendor::WebApi, format!("00000000-0000-4000-8000-{n:012x}")),
        (Vendor::Chatbot, format!("bench-{n}")),
    ]
}

impl Store {
    /// Inserts `count` enabled native users named [`bulk_user_name`]`(1..=count)`, all
    /// with `password_hash` (hash one password and reuse it: hashing is deliberately
    /// slow), spread over `domains` (created when missing). One transaction; durability
    /// is relaxed for its duration and the WAL is checkpointed afterwards, so a server
    /// starts on a compact file. The first `with_vendor_ids` of them also get the ids of
    /// [`bulk_vendor_ids`]. Returns the number of users inserted.
    pub fn bulk_insert_users(
        &self,
        count: usize,
        password_hash: &str,
        domains: &[&str],
        with_vendor_ids: usize,
    ) -> Result<usize, StoreError> {
        self.writer.exclusive(|conn| {
            relaxed(conn, |conn| {
                insert_all(conn, count, password_hash, domains, with_vendor_ids)
            })
        })?;
        // The checkpoint may have left part of the WAL to a reader: synced all the same.
        match self.writer.make_durable() {
            Some(failure) => Err(failure.error()),
            None => Ok(count),
        }
    }
}

/// Runs `load` with durability relaxed and a big cache, then checkpoints the WAL.
fn relaxed(
    conn: &mut rusqlite::Connection,
    load: impl FnOnce(&mut rusqlite::Connection) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    let cache: i64 = conn.pragma_query_value(None, "cache_size", |r| r.get(0))?;
    let synchronous: i64 = conn.pragma_query_value(None, "synchronous", |r| r.get(0))?;
    conn.pragma_update(None, "synchronous", "OFF")?;
    conn.pragma_update(None, "cache_size", -262_144)?;
    let loaded = load(conn);
    // The writer's own settings again, whatever happened.
    conn.pragma_update(None, "synchronous", synchronous)?;
    conn.pragma_update(None, "cache_size", cache)?;
    loaded?;
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    Ok(())
}

fn insert_all(
    conn: &mut rusqlite::Connection,
    count: usize,
    password_hash: &str,
    domains: &[&str],
    with_vendor_ids: usize,
) -> Result<(), StoreError> {
    let txn = conn.transaction()?;
    {
        let mut domain_ids = Vec::with_capacity(domains.len());
        for name in domains {
            txn.execute(
                "INSERT INTO domains (name) VALUES (?1) ON CONFLICT (name) DO NOTHING",
                [name],
            )?;
            domain_ids.push(txn.query_row(
                "SELECT id FROM domains WHERE name = ?1",
                [name],
                |r| r.get::<_, i64>(0),
            )?);
        }
        let mut user = txn.prepare(
            "INSERT INTO users (user_name, first_name, last_name, email, mobile,
                                    domain_id, password_hash, profile_created_at,
                                    profile_updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
        )?;
        let mut preferences = txn.prepare("INSERT INTO preferences (user_id) VALUES (?1)")?;
        let mut member = txn.prepare(
            "INSERT INTO domain_members (domain_id, user_id, manager) VALUES (?1, ?2, 0)",
        )?;
        let mut vendor_id = txn
            .prepare("INSERT INTO vendor_ids (user_id, vendor, external_id) VALUES (?1, ?2, ?3)")?;
        let slides = DeferredSlides::default();
        let tx = Tx {
            conn: Conn::Writer(&txn),
            slides: &slides,
            cache: None,
            credentials: None,
        };
        let types = tx.contact_item_types()?;
        let linked = |field| {
            types
                .iter()
                .find(|t: &&ContactItemType| t.field == Some(field))
        };
        let (email_type, mobile_type) = (linked(LinkedField::Email), linked(LinkedField::Mobile));
        // Made now, as the vendor profile a first write would make.
        let profile_made = vendors::to_ms(Utc::now());
        for n in 1..=count {
            let name = bulk_user_name(n);
            let email = format!("{name}@example.com");
            let mobile = format!("555-{:04}", n % 10_000);
            let domain = domain_ids.get(n % domain_ids.len().max(1)).copied();
            user.execute(params![
                name,
                FIRST_NAMES[n % FIRST_NAMES.len()],
                LAST_NAMES[(n / 7) % LAST_NAMES.len()],
                email,
                mobile,
                domain,
                password_hash,
                profile_made,
            ])?;
            let id = txn.last_insert_rowid();
            preferences.execute([id])?;
            for (item_type, value) in [(email_type, &email), (mobile_type, &mobile)] {
                if let Some(t) = item_type {
                    let item = ContactItem {
                        id: ContactItem::new_id(),
                        sub_type: t.sub_type.clone(),
                        value: value.clone(),
                        is_default: true,
                    };
                    tx.save_contact_item(id, &item, t.contact_type)?;
                }
            }
            if let Some(domain) = domain {
                member.execute(params![domain, id])?;
            }
            if n <= with_vendor_ids {
                for (vendor, external_id) in bulk_vendor_ids(n) {
                    vendor_id.execute(params![id, vendor.key(), external_id])?;
                }
            }
        }
    }
    Ok(txn.commit()?)
}

#[cfg(test)]
mod tests {
    use crate::store::handle::Store;

    fn writer_settings(store: &Store) -> (i64, i64) {
        store.writer.exclusive(|conn| {
            let sync = conn.pragma_query_value(None, "synchronous", |r| r.get(0));
            let cache = conn.pragma_query_value(None, "cache_size", |r| r.get(0));
            (sync.unwrap(), cache.unwrap())
        })
    }

    #[test]
    fn a_failed_bulk_load_gives_the_writer_its_settings_back() {
        let (_dir, store) = Store::seeded_for_test();
        let before = writer_settings(&store);
        assert_eq!(
            before,
            (1, -2000),
            "NORMAL (durable.rs), SQLite's default cache"
        );
        store.bulk_insert_users(5, "x", &[], 0).unwrap();
        // The same generated names again: the load fails on the first.
        assert!(store.bulk_insert_users(5, "x", &[], 0).is_err());
        assert_eq!(writer_settings(&store), before);
    }
}
