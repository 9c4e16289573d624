//! Schema migrations, applied in order at start. Each entry runs once; the applied
//! count lives in `PRAGMA user_version`, so an old database file upgrades in place.

use rusqlite::Connection;

use super::StoreError;

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
];

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
        tx.pragma_update(None, "user_version", index + 1)?;
        tx.commit()?;
    }
    Ok(())
}
