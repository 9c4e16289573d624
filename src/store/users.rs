//! Users, their preferences and domains.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, Row};

use super::{from_epoch, to_epoch, StoreError, Tx};
use crate::model::{ContactPatch, Notification, Preferences, User, UserId};

const SELECT_USER: &str = "
    SELECT u.id, u.user_name, u.first_name, u.last_name, u.email, u.mobile, u.enabled,
           u.read_only, u.sysadmin, d.name, u.auth_source, u.password_hash, u.last_logon,
           u.last_password_change,
           p.language, p.default_portal, p.show_archives, p.show_hiddens,
           p.notification_type, p.email_type, p.attach_document_to_mail
    FROM users u
    LEFT JOIN domains d ON d.id = u.domain_id
    LEFT JOIN preferences p ON p.user_id = u.id";

fn user_from_row(row: &Row) -> rusqlite::Result<User> {
    let defaults = Preferences::default();
    Ok(User {
        id: row.get(0)?,
        user_name: row.get(1)?,
        first_name: row.get(2)?,
        last_name: row.get(3)?,
        email: row.get(4)?,
        mobile: row.get(5)?,
        enabled: row.get(6)?,
        read_only: row.get(7)?,
        sysadmin: row.get(8)?,
        domain: row.get(9)?,
        auth_source: row.get(10)?,
        password_hash: row.get(11)?,
        last_logon: row.get::<_, Option<i64>>(12)?.map(from_epoch),
        last_password_change: row.get::<_, Option<i64>>(13)?.map(from_epoch),
        preferences: Preferences {
            language: row.get::<_, Option<String>>(14)?.unwrap_or(defaults.language),
            default_portal: row.get::<_, Option<String>>(15)?.unwrap_or_default(),
            show_archives: row.get::<_, Option<bool>>(16)?.unwrap_or(false),
            show_hiddens: row.get::<_, Option<bool>>(17)?.unwrap_or(false),
            notification: row
                .get::<_, Option<i64>>(18)?
                .and_then(Notification::from_id)
                .unwrap_or(defaults.notification),
            email_type: row.get::<_, Option<String>>(19)?.unwrap_or(defaults.email_type),
            attach_document_to_email: row.get::<_, Option<bool>>(20)?.unwrap_or(false),
        },
    })
}

/// What a new user starts with.
#[derive(Debug, Clone)]
pub struct NewUser<'a> {
    /// A fixed id (fixtures keep stable ids); `None` lets the store choose.
    pub id: Option<UserId>,
    pub user_name: &'a str,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub email: &'a str,
    pub mobile: &'a str,
    pub enabled: bool,
    pub read_only: bool,
    pub sysadmin: bool,
    pub domain: Option<&'a str>,
    pub auth_source: &'a str,
    pub password_hash: Option<&'a str>,
    pub preferences: &'a Preferences,
}

impl Tx<'_> {
    pub fn user_count(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT COUNT(*) FROM users", [], |r| r.get(0))?)
    }

    /// Looks a user up by login name, case-insensitively (Part A19).
    pub fn user_by_name(&self, user_name: &str) -> Result<Option<User>, StoreError> {
        let sql = format!("{SELECT_USER} WHERE u.user_name = ?1");
        Ok(self
            .conn
            .prepare_cached(&sql)?
            .query_row([user_name], user_from_row)
            .optional()?)
    }

    pub fn user_by_id(&self, id: UserId) -> Result<Option<User>, StoreError> {
        let sql = format!("{SELECT_USER} WHERE u.id = ?1");
        Ok(self
            .conn
            .prepare_cached(&sql)?
            .query_row([id], user_from_row)
            .optional()?)
    }

    /// Every user with this e-mail address (case-insensitive), in id order.
    pub fn users_by_email(&self, email: &str) -> Result<Vec<User>, StoreError> {
        let sql = format!("{SELECT_USER} WHERE u.email = ?1 COLLATE NOCASE ORDER BY u.id");
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let users = stmt
            .query_map([email], user_from_row)?
            .collect::<Result<_, _>>()?;
        Ok(users)
    }

    pub fn insert_user(&self, user: &NewUser) -> Result<UserId, StoreError> {
        let domain_id = match user.domain {
            Some(name) => Some(self.ensure_domain(name)?),
            None => None,
        };
        let inserted = self.conn.execute(
            "INSERT INTO users (user_name, first_name, last_name, email, mobile, enabled,
                                read_only, sysadmin, domain_id, auth_source, password_hash, id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            params![
                user.user_name,
                user.first_name,
                user.last_name,
                user.email,
                user.mobile,
                user.enabled,
                user.read_only,
                user.sysadmin,
                domain_id,
                user.auth_source,
                user.password_hash,
                user.id,
            ],
        );
        match inserted {
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE =>
            {
                return Err(StoreError::Conflict)
            }
            other => other?,
        };
        let id = self.conn.last_insert_rowid();
        if let Some(domain_id) = domain_id {
            self.conn.execute(
                "INSERT OR IGNORE INTO domain_members (domain_id, user_id) VALUES (?1, ?2)",
                params![domain_id, id],
            )?;
        }
        let p = user.preferences;
        self.conn.execute(
            "INSERT INTO preferences (user_id, language, default_portal, show_archives,
                 show_hiddens, notification_type, email_type, attach_document_to_mail)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                id,
                p.language,
                p.default_portal,
                p.show_archives,
                p.show_hiddens,
                p.notification.id(),
                p.email_type,
                p.attach_document_to_email
            ],
        )?;
        Ok(id)
    }

    /// Adds `user_id` to a domain's members, creating the domain if needed.
    pub fn add_domain_member(&self, domain: &str, user_id: UserId) -> Result<(), StoreError> {
        let domain_id = self.ensure_domain(domain)?;
        self.conn.execute(
            "INSERT OR IGNORE INTO domain_members (domain_id, user_id) VALUES (?1, ?2)",
            params![domain_id, user_id],
        )?;
        Ok(())
    }

    pub(super) fn ensure_domain(&self, name: &str) -> Result<i64, StoreError> {
        self.conn.execute(
            "INSERT INTO domains (name) VALUES (?1) ON CONFLICT(name) DO NOTHING",
            [name],
        )?;
        Ok(self
            .conn
            .query_row("SELECT id FROM domains WHERE name = ?1", [name], |r| {
                r.get(0)
            })?)
    }

    /// Applies a contact patch: `None` fields are left as stored.
    pub fn update_contact(&self, id: UserId, patch: &ContactPatch) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "UPDATE users SET email = COALESCE(?2, email), mobile = COALESCE(?3, mobile)
                 WHERE id = ?1",
            )?
            .execute(params![id, patch.email, patch.mobile])?;
        Ok(())
    }

    pub fn set_password(
        &self,
        id: UserId,
        hash: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE users SET password_hash = ?2, last_password_change = ?3 WHERE id = ?1",
            params![id, hash, to_epoch(at)],
        )?;
        Ok(())
    }

    pub fn set_last_logon(&self, id: UserId, at: DateTime<Utc>) -> Result<(), StoreError> {
        self.conn
            .prepare_cached("UPDATE users SET last_logon = ?2 WHERE id = ?1")?
            .execute(params![id, to_epoch(at)])?;
        Ok(())
    }
}
