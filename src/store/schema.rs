//! Schema migrations, applied in order at start. Each entry runs once; the applied
//! count lives in `PRAGMA user_version`, so an old database file upgrades in place.

use rusqlite::Connection;

use super::error::StoreError;

const MIGRATIONS: &[&str] = &[
    // 1: users, their preferences, domains, tickets, the mail outbox and reset codes.
    "
    CREATE TABLE domains (
        id   INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE
    );
    CREATE TABLE users (
        id                   INTEGER PRIMARY KEY,
        user_name            TEXT NOT NULL UNIQUE COLLATE NOCASE,
        first_name           TEXT NOT NULL DEFAULT '',
        last_name            TEXT NOT NULL DEFAULT '',
        email                TEXT NOT NULL DEFAULT '',
        mobile               TEXT NOT NULL DEFAULT '',
        enabled              INTEGER NOT NULL DEFAULT 1,
        read_only            INTEGER NOT NULL DEFAULT 0,
        sysadmin             INTEGER NOT NULL DEFAULT 0,
        domain_id            INTEGER REFERENCES domains(id) ON DELETE SET NULL,
        auth_source          TEXT NOT NULL DEFAULT 'native',
        password_hash        TEXT,
        last_logon           INTEGER,
        last_password_change INTEGER
    );
    CREATE INDEX users_email ON users(email COLLATE NOCASE);
    CREATE TABLE domain_members (
        domain_id INTEGER NOT NULL REFERENCES domains(id) ON DELETE CASCADE,
        user_id   INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        PRIMARY KEY (domain_id, user_id)
    );
    CREATE TABLE preferences (
        user_id                 INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
        language                TEXT NOT NULL DEFAULT 'English',
        default_portal          TEXT NOT NULL DEFAULT '',
        show_archives           INTEGER NOT NULL DEFAULT 0,
        show_hiddens            INTEGER NOT NULL DEFAULT 0,
        notification_type       INTEGER NOT NULL DEFAULT 1,
        email_type              TEXT NOT NULL DEFAULT 'HTML',
        attach_document_to_mail INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE tickets (
        ticket     TEXT PRIMARY KEY,
        user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        issued_at  INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        language   TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX tickets_user ON tickets(user_id);
    CREATE TABLE reset_codes (
        secret     TEXT PRIMARY KEY,
        user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        expires_at INTEGER NOT NULL,
        used       INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE mails (
        id         INTEGER PRIMARY KEY,
        sent_at    INTEGER NOT NULL,
        to_address TEXT NOT NULL,
        user_name  TEXT NOT NULL,
        template   TEXT NOT NULL,
        subject    TEXT NOT NULL,
        body       TEXT NOT NULL,
        link       TEXT NOT NULL DEFAULT '',
        secret     TEXT NOT NULL DEFAULT ''
    );
    ",
    // 2: user management. Domain managers; one index per listing sort key (each index
    // ends in the rowid, so `ORDER BY key, id` walks it without sorting), and members
    // by user for co-workers and the domain filter.
    "
    ALTER TABLE domain_members ADD COLUMN manager INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX domain_members_user ON domain_members(user_id);
    CREATE INDEX users_first_last ON users(first_name COLLATE NOCASE, last_name COLLATE NOCASE);
    CREATE INDEX users_last_first ON users(last_name COLLATE NOCASE, first_name COLLATE NOCASE);
    CREATE INDEX users_enabled ON users(enabled);
    CREATE INDEX users_auth_source ON users(auth_source COLLATE NOCASE);
    CREATE INDEX users_domain ON users(domain_id);
    CREATE INDEX users_read_only ON users(read_only);
    ",
    // 3: the vendor REST APIs. Their credentials, each user's id at each vendor, the
    // fields only vendors know, and the Web API's contact items with their catalogue.
    "
    CREATE TABLE vendor_credentials (
        vendor TEXT NOT NULL,
        key    TEXT NOT NULL,
        secret TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (vendor, key)
    );
    CREATE TABLE vendor_ids (
        user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        vendor      TEXT NOT NULL,
        external_id TEXT NOT NULL COLLATE NOCASE,
        PRIMARY KEY (user_id, vendor),
        UNIQUE (vendor, external_id)
    );
    CREATE TABLE vendor_profiles (
        user_id            INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
        phone2             TEXT NOT NULL DEFAULT '',
        remarks            TEXT NOT NULL DEFAULT '',
        unique_id          TEXT NOT NULL DEFAULT '',
        content            TEXT NOT NULL DEFAULT '{}',
        country_code       TEXT NOT NULL DEFAULT '',
        gender             TEXT NOT NULL DEFAULT '',
        date_of_birth      INTEGER,
        address            TEXT NOT NULL DEFAULT '{}',
        shipping_addresses TEXT NOT NULL DEFAULT '[]',
        billing_addresses  TEXT NOT NULL DEFAULT '[]',
        email_verified     INTEGER NOT NULL DEFAULT 1,
        phone_verified     INTEGER NOT NULL DEFAULT 1,
        created_at         INTEGER NOT NULL,
        updated_at         INTEGER NOT NULL
    );
    CREATE UNIQUE INDEX vendor_profiles_unique_id ON vendor_profiles(unique_id)
        WHERE unique_id <> '';
    CREATE TABLE contact_item_types (
        sub_type     TEXT PRIMARY KEY,
        contact_type TEXT NOT NULL,
        name         TEXT NOT NULL,
        field        TEXT
    );
    CREATE TABLE contact_items (
        id         TEXT PRIMARY KEY,
        user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        sub_type   TEXT NOT NULL REFERENCES contact_item_types(sub_type),
        value      TEXT NOT NULL,
        is_default INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX contact_items_user ON contact_items(user_id);
    ",
    // 4: every login purges expired tickets; without this index that is a full scan.
    "CREATE INDEX tickets_expiry ON tickets(expires_at);",
    // 5: a user's items are found by value and by default flag through indexes, not by
    // reading all of them: a user written with many values keeps many items.
    "ALTER TABLE contact_items ADD COLUMN match_key TEXT NOT NULL DEFAULT '';
    CREATE INDEX contact_items_key ON contact_items(user_id, match_key);
    CREATE INDEX contact_items_default ON contact_items(user_id) WHERE is_default = 1;",
    // 6: contact_items_key begins with user_id, so it serves every lookup by user (the
    // foreign key's cascade too); an index on user_id alone only cost one more B-tree
    // write per new item (issue 8).
    "DROP INDEX contact_items_user;",
    // 7: CommBox `Phone1` is kept as `phone1` beside the mobile number, mirrored by the
    // Work Phone item (docs/vendors.md §4.6, §6, D-18).
    "ALTER TABLE vendor_profiles ADD COLUMN phone1 TEXT NOT NULL DEFAULT '';",
    // 8: one index by user serves both lookups of a user's items, by value and by
    // default flag: a new default item and the old default it replaces change one
    // page of it, where the two indexes it replaces changed two (BENCHMARKS.md,
    // "Writes: one index of contact items by user…").
    "CREATE INDEX contact_items_user ON contact_items(user_id, is_default, match_key);
    DROP INDEX contact_items_key;
    DROP INDEX contact_items_default;",
    // 9: the vendor profile moves into the user's row: every update writes both, and
    // in two tables they were two pages to write and sync (BENCHMARKS.md, "Writes:
    // the vendor profile in the user's row…"). `profile_created_at` is NULL until a
    // vendor write first makes the profile.
    "ALTER TABLE users ADD COLUMN phone1 TEXT NOT NULL DEFAULT '';
    ALTER TABLE users ADD COLUMN phone2 TEXT NOT NULL DEFAULT '';
    ALTER TABLE users ADD COLUMN remarks TEXT NOT NULL DEFAULT '';
    ALTER TABLE users ADD COLUMN unique_id TEXT NOT NULL DEFAULT '';
    ALTER TABLE users ADD COLUMN content TEXT NOT NULL DEFAULT '{}';
    ALTER TABLE users ADD COLUMN country_code TEXT NOT NULL DEFAULT '';
    ALTER TABLE users ADD COLUMN gender TEXT NOT NULL DEFAULT '';
    ALTER TABLE users ADD COLUMN date_of_birth INTEGER;
    ALTER TABLE users ADD COLUMN address TEXT NOT NULL DEFAULT '{}';
    ALTER TABLE users ADD COLUMN shipping_addresses TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE users ADD COLUMN billing_addresses TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE users ADD COLUMN email_verified INTEGER NOT NULL DEFAULT 1;
    ALTER TABLE users ADD COLUMN phone_verified INTEGER NOT NULL DEFAULT 1;
    ALTER TABLE users ADD COLUMN profile_created_at INTEGER;
    ALTER TABLE users ADD COLUMN profile_updated_at INTEGER;
    UPDATE users SET phone1 = p.phone1, phone2 = p.phone2, remarks = p.remarks,
        unique_id = p.unique_id, content = p.content, country_code = p.country_code,
        gender = p.gender, date_of_birth = p.date_of_birth, address = p.address,
        shipping_addresses = p.shipping_addresses, billing_addresses = p.billing_addresses,
        email_verified = p.email_verified, phone_verified = p.phone_verified,
        profile_created_at = p.created_at, profile_updated_at = p.updated_at
        FROM vendor_profiles p WHERE p.user_id = users.id;
    DROP TABLE vendor_profiles;
    CREATE UNIQUE INDEX users_unique_id ON users(unique_id) WHERE unique_id <> '';",
];

/// Work a migration needs beyond its SQL, in its transaction: `match_key` is computed
/// in Rust, as every later write computes it.
fn after(version: usize, tx: &rusqlite::Transaction) -> Result<(), StoreError> {
    if version == 5 {
        super::contact_items::fill_match_keys(tx)?;
    }
    Ok(())
}

/// Brings the database up to the newest schema, one transaction per migration.
pub fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let applied: usize = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if applied > MIGRATIONS.len() {
        return Err(StoreError::SchemaTooNew {
            found: applied,
            known: MIGRATIONS.len(),
        });
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(applied) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        after(index + 1, &tx)?;
        tx.pragma_update(None, "user_version", index + 1)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A database at schema `version` holding `rows`, then migrated to the newest.
    fn migrated_from(version: usize, rows: &str) -> Connection {
        let mut conn = Connection::open_in_memory().unwrap();
        for sql in &MIGRATIONS[..version] {
            conn.execute_batch(sql).unwrap();
        }
        conn.pragma_update(None, "user_version", version).unwrap();
        conn.execute_batch(rows).unwrap();
        migrate(&mut conn).unwrap();
        conn
    }

    #[test]
    fn migration_5_keys_the_items_stored_before_it() {
        let conn = migrated_from(
            4,
            "INSERT INTO users (id, user_name) VALUES (1, 'jdoe');
             INSERT INTO contact_item_types VALUES ('e', 'Email', 'Primary Email', 'email'),
                                                   ('p', 'Phone', 'Mobile', 'mobile');
             INSERT INTO contact_items (id, user_id, sub_type, value, is_default)
                 VALUES ('a', 1, 'e', ' John@Example.COM ', 1), ('b', 1, 'p', '+1 (555) 0100', 1);",
        );
        let keys: Vec<String> = conn
            .prepare("SELECT match_key FROM contact_items ORDER BY id")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(keys, ["john@example.com", "15550100"]);
    }

    #[test]
    fn migration_9_moves_each_profile_into_its_users_row() {
        let conn = migrated_from(
            8,
            "INSERT INTO users (id, user_name) VALUES (1, 'jdoe'), (2, 'asmith');
             INSERT INTO vendor_profiles (user_id, phone1, remarks, unique_id, content,
                                          phone_verified, created_at, updated_at)
                 VALUES (1, '555-0100', 'vip', 'u-1', '{\"a\":\"b\"}', 0, 10, 20);",
        );
        type Profile = (
            String,
            String,
            String,
            String,
            bool,
            Option<i64>,
            Option<i64>,
        );
        let rows: Vec<Profile> = conn
            .prepare(
                "SELECT phone1, remarks, unique_id, content, phone_verified,
                        profile_created_at, profile_updated_at FROM users ORDER BY id",
            )
            .unwrap()
            .query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                ))
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let strings = |values: [&str; 4]| values.map(String::from);
        let [a, b, c, d] = strings(["555-0100", "vip", "u-1", "{\"a\":\"b\"}"]);
        let [e, f, g, h] = strings(["", "", "", "{}"]);
        assert_eq!(
            rows,
            [
                (a, b, c, d, false, Some(10), Some(20)),
                (e, f, g, h, true, None, None)
            ],
            "the user without a profile has none made"
        );
        let taken = conn.execute("UPDATE users SET unique_id = 'u-1' WHERE id = 2", []);
        assert!(taken.is_err(), "a unique id stays one user's");
    }
}
