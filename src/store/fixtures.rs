//! Seed data: `users.json` in the fixture directory, loaded into an empty database,
//! then `vendors.json` (see `vendor_fixtures`). The same document shape is what the
//! admin API loads, exports (`export.rs`) and creates single users from.

use serde::{Deserialize, Serialize};

use super::fixture_error::FixtureError;
use super::fixture_source::FixtureSource;
use super::tx::Tx;
use super::users::NewUser;
use super::vendor_fixtures::{VendorFixtures, VendorUsers};
use crate::model::{Notification, Preferences, UserId, MAX_USER_ID, NATIVE_AUTHORITY};

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FixtureSet {
    #[serde(default)]
    pub(super) domains: Vec<String>,
    pub(super) users: Vec<FixtureUser>,
    #[serde(skip)]
    vendors: Option<VendorFixtures>,
    /// Whether every vendor user must be in `users` (the fixture directory) or is
    /// skipped when not (a document posted to the admin API).
    #[serde(skip)]
    vendor_users: VendorUsers,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FixtureUser {
    pub(super) id: Option<UserId>,
    pub(super) user_name: String,
    #[serde(default)]
    pub(super) first_name: String,
    #[serde(default)]
    pub(super) last_name: String,
    #[serde(default)]
    pub(super) email: String,
    #[serde(default)]
    pub(super) mobile: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) password: Option<String>,
    /// An argon2 hash in PHC form instead of a password: what an export carries, so a
    /// re-imported user signs in with the same password.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) password_hash: Option<String>,
    #[serde(default = "yes")]
    pub(super) enabled: bool,
    #[serde(default)]
    pub(super) read_only: bool,
    #[serde(default)]
    pub(super) sysadmin: bool,
    pub(super) domain: Option<String>,
    #[serde(default)]
    pub(super) memberships: Vec<String>,
    /// Domains the user is a member and manager of.
    #[serde(default)]
    pub(super) manages: Vec<String>,
    #[serde(default = "native")]
    pub(super) auth_source: String,
    #[serde(default)]
    pub(super) preferences: FixturePreferences,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FixturePreferences {
    pub(super) language: Option<String>,
    pub(super) default_portal: Option<String>,
    pub(super) show_archives: Option<bool>,
    pub(super) show_hiddens: Option<bool>,
    pub(super) notification_type: Option<String>,
    pub(super) email_type: Option<String>,
    pub(super) attach_document_to_email: Option<bool>,
}

fn yes() -> bool {
    true
}

fn native() -> String {
    NATIVE_AUTHORITY.to_string()
}

pub fn read_dir(source: &FixtureSource) -> Result<FixtureSet, FixtureError> {
    const USERS: &str = "users.json";
    let text = source.read(USERS)?.unwrap_or_default();
    let mut set: FixtureSet =
        serde_json::from_str(&text).map_err(|source_error| FixtureError::Parse {
            path: source.path(USERS),
            source: source_error,
        })?;
    set.vendors = super::vendor_fixtures::read(source)?;
    Ok(set)
}

impl FixtureSet {
    /// `users.json` and `vendors.json` of the fixtures.
    pub fn from_source(source: &FixtureSource) -> Result<FixtureSet, FixtureError> {
        read_dir(source)
    }

    pub fn user_count(&self) -> usize {
        self.users.len()
    }

    /// A document of this shape (a request body); the vendor credentials, catalogue and
    /// ids come from `vendors_dir`, ids only for the users the document has.
    pub fn parse(document: &[u8], vendors: &FixtureSource) -> Result<FixtureSet, FixtureError> {
        let mut set: FixtureSet =
            serde_json::from_slice(document).map_err(FixtureError::Document)?;
        set.vendors = super::vendor_fixtures::read(vendors)?;
        set.vendor_users = VendorUsers::IfPresent;
        Ok(set)
    }

    /// Hashes every password now, so that loading (inside the write lock) hashes none.
    pub fn hash_passwords(&mut self, hash: &dyn Fn(&str) -> String) -> Result<(), FixtureError> {
        self.users
            .iter_mut()
            .try_for_each(|u| u.hash_password(hash))
    }

    pub(super) fn new(domains: Vec<String>, users: Vec<FixtureUser>) -> FixtureSet {
        FixtureSet {
            domains,
            users,
            vendors: None,
            vendor_users: VendorUsers::default(),
        }
    }
}

impl FixtureUser {
    /// Turns `password` into `password_hash`.
    pub fn hash_password(&mut self, hash: &dyn Fn(&str) -> String) -> Result<(), FixtureError> {
        match (self.password.take(), &self.password_hash) {
            (Some(_), Some(_)) => Err(FixtureError::TwoPasswords(self.user_name.clone())),
            (Some(password), None) => {
                self.password_hash = Some(hash(&password));
                Ok(())
            }
            (None, _) => Ok(()),
        }
    }
}

pub fn load(tx: &Tx, set: &FixtureSet, hash: &dyn Fn(&str) -> String) -> Result<(), FixtureError> {
    for domain in &set.domains {
        tx.ensure_domain(domain)?;
    }
    for user in &set.users {
        load_user(tx, user, hash)?;
    }
    if let Some(vendors) = &set.vendors {
        super::vendor_fixtures::load(tx, vendors, set.vendor_users)?;
    }
    Ok(())
}

impl Tx<'_> {
    /// Creates one user from its fixture form (`POST /__emulator/users`).
    pub fn insert_fixture_user(
        &self,
        user: &FixtureUser,
        hash: &dyn Fn(&str) -> String,
    ) -> Result<UserId, FixtureError> {
        load_user(self, user, hash)
    }
}

/// Inserts one fixture user with its memberships; returns its id.
fn load_user(
    tx: &Tx,
    user: &FixtureUser,
    hash: &dyn Fn(&str) -> String,
) -> Result<UserId, FixtureError> {
    if user.password.is_some() && user.password_hash.is_some() {
        return Err(FixtureError::TwoPasswords(user.user_name.clone()));
    }
    if let Some(id) = user.id {
        if !(1..=MAX_USER_ID).contains(&id) {
            return Err(FixtureError::IdRange {
                user: user.user_name.clone(),
                id,
            });
        }
        if tx.user_by_id(id)?.is_some() {
            return Err(FixtureError::IdTaken {
                user: user.user_name.clone(),
                id,
            });
        }
    }
    let preferences = preferences(user)?;
    let hash = match (&user.password, &user.password_hash) {
        (Some(password), _) => Some(hash(password)),
        (None, stored) => stored.clone(),
    };
    let id = tx.insert_user(&NewUser {
        id: user.id,
        user_name: &user.user_name,
        first_name: &user.first_name,
        last_name: &user.last_name,
        email: &user.email,
        mobile: &user.mobile,
        enabled: user.enabled,
        read_only: user.read_only,
        sysadmin: user.sysadmin,
        domain: user.domain.as_deref(),
        auth_source: &user.auth_source,
        password_hash: hash.as_deref(),
        preferences: &preferences,
    })?;
    for domain in &user.memberships {
        tx.add_domain_member(domain, id, false)?;
    }
    for domain in &user.manages {
        tx.add_domain_member(domain, id, true)?;
    }
    Ok(id)
}

fn preferences(user: &FixtureUser) -> Result<Preferences, FixtureError> {
    let p = &user.preferences;
    let base = Preferences::default();
    let notification = match p.notification_type.as_deref() {
        None => base.notification,
        Some(name) => [
            Notification::None,
            Notification::Instant,
            Notification::DailyReport,
        ]
        .into_iter()
        .find(|n| n.name().eq_ignore_ascii_case(name))
        .ok_or_else(|| FixtureError::Notification(user.user_name.clone()))?,
    };
    Ok(Preferences {
        language: p.language.clone().unwrap_or(base.language),
        default_portal: p.default_portal.clone().unwrap_or(base.default_portal),
        show_archives: p.show_archives.unwrap_or(base.show_archives),
        show_hiddens: p.show_hiddens.unwrap_or(base.show_hiddens),
        notification,
        email_type: p.email_type.clone().unwrap_or(base.email_type),
        attach_document_to_email: p
            .attach_document_to_email
            .unwrap_or(base.attach_document_to_email),
    })
}
