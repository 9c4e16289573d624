//! Seed data: `users.json` in the fixture directory, loaded into an empty database,
//! then `vendors.json` (see `vendor_fixtures`).

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::users::NewUser;
use super::{StoreError, Tx};
use crate::model::{Notification, Preferences, UserId, NATIVE_AUTHORITY};

#[derive(Debug, thiserror::Error)]
pub enum FixtureError {
    #[error("cannot read fixture file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("fixture file {path} is not valid: {source}")]
    Parse {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error("fixture user {0}: unknown notification type (use NONE, INSTANT or DAILY REPORT)")]
    Notification(String),
    #[error("fixture file vendors.json: {0}")]
    Vendors(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FixtureSet {
    #[serde(default)]
    domains: Vec<String>,
    users: Vec<FixtureUser>,
    #[serde(skip)]
    vendors: Option<super::vendor_fixtures::VendorFixtures>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FixtureUser {
    id: Option<UserId>,
    user_name: String,
    #[serde(default)]
    first_name: String,
    #[serde(default)]
    last_name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    mobile: String,
    password: Option<String>,
    #[serde(default = "yes")]
    enabled: bool,
    #[serde(default)]
    read_only: bool,
    #[serde(default)]
    sysadmin: bool,
    domain: Option<String>,
    #[serde(default)]
    memberships: Vec<String>,
    /// Domains the user is a member and manager of.
    #[serde(default)]
    manages: Vec<String>,
    #[serde(default = "native")]
    auth_source: String,
    #[serde(default)]
    preferences: FixturePreferences,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FixturePreferences {
    language: Option<String>,
    default_portal: Option<String>,
    show_archives: Option<bool>,
    show_hiddens: Option<bool>,
    notification_type: Option<String>,
    email_type: Option<String>,
    attach_document_to_email: Option<bool>,
}

fn yes() -> bool {
    true
}

fn native() -> String {
    NATIVE_AUTHORITY.to_string()
}

pub fn read_dir(dir: &Path) -> Result<FixtureSet, FixtureError> {
    let path = dir.join("users.json");
    let text = std::fs::read_to_string(&path).map_err(|source| FixtureError::Read {
        path: path.clone(),
        source,
    })?;
    let mut set: FixtureSet =
        serde_json::from_str(&text).map_err(|source| FixtureError::Parse { path, source })?;
    set.vendors = super::vendor_fixtures::read(dir)?;
    Ok(set)
}

pub fn load(tx: &Tx, set: &FixtureSet, hash: &dyn Fn(&str) -> String) -> Result<(), FixtureError> {
    for domain in &set.domains {
        tx.ensure_domain(domain)?;
    }
    for user in &set.users {
        let preferences = preferences(user)?;
        let hash = user.password.as_deref().map(hash);
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
    }
    if let Some(vendors) = &set.vendors {
        super::vendor_fixtures::load(tx, vendors)?;
    }
    Ok(())
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
