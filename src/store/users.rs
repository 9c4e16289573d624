//! Users and their preferences.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, Row};

use super::batch_changes::UserRow;
use super::epoch::{from_epoch, to_epoch};
use super::error::StoreError;
use super::tx::Tx;
use crate::model::{
    DefaultItems, Notification, Preferences, PreferencesPatch, ProfilePatch, User, UserId,
    VendorProfile,
};

/// A literal, so the lookups below are whole `&'static str`s: no SQL text is built per
/// call on the hot path (issue 8).
macro_rules! select_user {
    () => {
        "
    SELECT u.id, u.user_name, u.first_name, u.last_name, u.email, u.mobile, u.enabled,
           u.read_only, u.sysadmin, d.name, u.auth_source, u.password_hash, u.last_logon,
           u.last_password_change,
           p.language, p.default_portal, p.show_archives, p.show_hiddens,
           p.notification_type, p.email_type, p.attach_document_to_mail
    FROM users u
    LEFT JOIN domains d ON d.id = u.domain_id
    LEFT JOIN preferences p ON p.user_id = u.id"
    };
}

pub(super) const SELECT_USER: &str = select_user!();

/// GetUser's lookup by login name; public for the raw SQLite baseline of the benchmark
/// (`examples/lookup_floor.rs`).
pub const USER_BY_NAME: &str = concat!(select_user!(), " WHERE u.user_name = ?1");

pub(super) fn user_from_row(row: &Row) -> rusqlite::Result<User> {
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
            language: row
                .get::<_, Option<String>>(14)?
                .unwrap_or(defaults.language),
            default_portal: row.get::<_, Option<String>>(15)?.unwrap_or_default(),
            show_archives: row.get::<_, Option<bool>>(16)?.unwrap_or(false),
            show_hiddens: row.get::<_, Option<bool>>(17)?.unwrap_or(false),
            notification: row
                .get::<_, Option<i64>>(18)?
                .and_then(Notification::from_id)
                .unwrap_or(defaults.notification),
            email_type: row
                .get::<_, Option<String>>(19)?
                .unwrap_or(defaults.email_type),
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

#[cfg(test)]
impl<'a> NewUser<'a> {
    /// An enabled native user with a name and nothing else, for tests.
    pub fn bare(user_name: &'a str, preferences: &'a Preferences) -> NewUser<'a> {
        NewUser {
            id: None,
            user_name,
            first_name: "",
            last_name: "",
            email: "",
            mobile: "",
            enabled: true,
            read_only: false,
            sysadmin: false,
            domain: None,
            auth_source: "native",
            password_hash: None,
            preferences,
        }
    }
}

impl Tx<'_> {
    pub fn user_count(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT COUNT(*) FROM users", [], |r| r.get(0))?)
    }

    /// Looks a user up by login name, case-insensitively (docs/compatibility.md A19).
    pub fn user_by_name(&self, user_name: &str) -> Result<Option<Arc<User>>, StoreError> {
        if let Some(user) = self.cache.and_then(|c| c.user_named(user_name)) {
            return Ok(Some(user));
        }
        let user = self
            .conn
            .prepare_cached(USER_BY_NAME)?
            .query_row([user_name], user_from_row)
            .optional()?;
        Ok(self.remember(user))
    }

    pub fn user_by_id(&self, id: UserId) -> Result<Option<Arc<User>>, StoreError> {
        if let Some(user) = self.cache.and_then(|c| c.user(id)) {
            return Ok(Some(user));
        }
        let user = self
            .conn
            .prepare_cached(concat!(select_user!(), " WHERE u.id = ?1"))?
            .query_row([id], user_from_row)
            .optional()?;
        Ok(self.remember(user))
    }

    /// Tells the read cache how this write left the user, after its last change to
    /// the user's row or contact items: the commit then keeps the row, its profile and
    /// the default items cached rather than forgetting them (`batch_changes`). All
    /// three must be what a fresh read would find (the items in each type's order).
    pub fn wrote_user(&self, user: Arc<User>, profile: Arc<VendorProfile>, defaults: DefaultItems) {
        if let Some(cache) = self.cache {
            cache.wrote_user(UserRow {
                user,
                profile: Some(profile),
                defaults: Some(Arc::new(defaults)),
            });
        }
    }

    /// A user a read transaction found, kept for the next reads (see `read_cache`).
    fn remember(&self, user: Option<User>) -> Option<Arc<User>> {
        let user = user.map(Arc::new);
        if let (Some(cache), Some(user)) = (self.cache, &user) {
            cache.put_user(user);
        }
        user
    }

    /// Every user with this e-mail address (case-insensitive), in id order.
    pub fn users_by_email(&self, email: &str) -> Result<Vec<User>, StoreError> {
        let mut stmt = self.conn.prepare_cached(concat!(
            select_user!(),
            " WHERE u.email = ?1 COLLATE NOCASE ORDER BY u.id"
        ))?;
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
        self.conn
            .execute(
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
            )
            .map_err(unique_name)?;
        let id = self.conn.last_insert_rowid();
        if let Some(domain_id) = domain_id {
            self.insert_member(domain_id, id, false)?;
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

    /// Applies a profile patch: `None` fields are left as stored; a new user name
    /// that another user has is a [`StoreError::Conflict`].
    pub fn update_profile(&self, id: UserId, patch: &ProfilePatch) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "UPDATE users SET user_name = COALESCE(?2, user_name),
                    first_name = COALESCE(?3, first_name), last_name = COALESCE(?4, last_name),
                    auth_source = COALESCE(?5, auth_source)
                 WHERE id = ?1",
            )?
            .execute(params![
                id,
                patch.user_name,
                patch.first_name,
                patch.last_name,
                patch.auth_source
            ])
            .map_err(unique_name)?;
        Ok(())
    }

    /// Applies a preferences patch: `None` fields are left as stored.
    pub fn update_preferences(
        &self,
        id: UserId,
        patch: &PreferencesPatch,
    ) -> Result<(), StoreError> {
        self.conn
            .prepare_cached("INSERT OR IGNORE INTO preferences (user_id) VALUES (?1)")?
            .execute([id])?;
        self.conn
            .prepare_cached(
                "UPDATE preferences SET language = COALESCE(?2, language),
                    default_portal = COALESCE(?3, default_portal),
                    show_archives = COALESCE(?4, show_archives),
                    show_hiddens = COALESCE(?5, show_hiddens),
                    notification_type = COALESCE(?6, notification_type),
                    email_type = COALESCE(?7, email_type),
                    attach_document_to_mail = COALESCE(?8, attach_document_to_mail)
                 WHERE user_id = ?1",
            )?
            .execute(params![
                id,
                patch.language,
                patch.default_portal,
                patch.show_archives,
                patch.show_hiddens,
                patch.notification.map(Notification::id),
                patch.email_type,
                patch.attach_document_to_email
            ])?;
        Ok(())
    }

    /// Enables or disables a user. Disabling also ends every session of the user, so
    /// its tickets do not come back to life when it is enabled again.
    pub fn set_enabled(&self, id: UserId, enabled: bool) -> Result<(), StoreError> {
        self.conn
            .prepare_cached("UPDATE users SET enabled = ?2 WHERE id = ?1")?
            .execute(params![id, enabled])?;
        if !enabled {
            self.conn
                .prepare_cached("DELETE FROM tickets WHERE user_id = ?1")?
                .execute([id])?;
        }
        Ok(())
    }

    pub fn set_read_only(&self, id: UserId, read_only: bool) -> Result<(), StoreError> {
        self.conn
            .prepare_cached("UPDATE users SET read_only = ?2 WHERE id = ?1")?
            .execute(params![id, read_only])?;
        Ok(())
    }

    /// Deletes a user; its preferences, memberships, tickets and reset codes go with
    /// it (foreign keys cascade), recorded mails stay. True when the user existed.
    pub fn delete_user(&self, id: UserId) -> Result<bool, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("DELETE FROM users WHERE id = ?1")?;
        // The cascade deletes the user's contact items, and only them.
        Ok(self.writing_items_of(id, || Ok(stmt.execute([id])?))? > 0)
    }

    /// Records a login of `user`, as read in this transaction. The login says how it
    /// left the row, so that the commit keeps the user cached for the calls that follow
    /// it (`batch_changes`); the profile and the default items it does not change stay
    /// cached as they were, when they were and the batch had not changed the user.
    pub fn set_last_logon(&self, user: &User, at: DateTime<Utc>) -> Result<(), StoreError> {
        // Taken before the UPDATE: from then on the batch counts the user as changed.
        let kept = self
            .cache
            .map(|c| (c.profile(user.id), c.defaults(user.id)));
        let at = to_epoch(at);
        self.conn
            .prepare_cached("UPDATE users SET last_logon = ?2 WHERE id = ?1")?
            .execute(params![user.id, at])?;
        if let (Some(cache), Some((profile, defaults))) = (self.cache, kept) {
            let user = User {
                last_logon: Some(from_epoch(at)),
                ..user.clone()
            };
            cache.wrote_user(UserRow {
                user: Arc::new(user),
                profile,
                defaults,
            });
        }
        Ok(())
    }
}

/// A unique user name taken: the one constraint a client can hit.
fn unique_name(e: rusqlite::Error) -> StoreError {
    match e {
        rusqlite::Error::SqliteFailure(f, _)
            if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE =>
        {
            StoreError::Conflict
        }
        e => e.into(),
    }
}
