//! The users and domains as a fixture document (`GET /__emulator/fixtures`), which
//! loads back into the same users: passwords travel as their hashes.

use std::collections::HashMap;

use super::error::StoreError;
use super::fixtures::{FixturePreferences, FixtureSet, FixtureUser};
use super::tx::Tx;
use super::users::{user_from_row, SELECT_USER};
use crate::model::{User, UserId};

/// A user's memberships: (domain, manager).
type Memberships = HashMap<UserId, Vec<(String, bool)>>;

impl Tx<'_> {
    pub fn export_fixtures(&self) -> Result<FixtureSet, StoreError> {
        let domains = self
            .conn
            .prepare("SELECT name FROM domains ORDER BY id")?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let mut memberships = Memberships::new();
        let mut stmt = self.conn.prepare(
            "SELECT m.user_id, d.name, m.manager FROM domain_members m
             JOIN domains d ON d.id = m.domain_id ORDER BY d.id",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            memberships
                .entry(r.get(0)?)
                .or_default()
                .push((r.get(1)?, r.get(2)?));
        }
        let users = self
            .conn
            .prepare(&format!("{SELECT_USER} ORDER BY u.id"))?
            .query_map([], user_from_row)?
            .map(|u| u.map(|u| fixture_user(u, &memberships)))
            .collect::<Result<_, _>>()?;
        Ok(FixtureSet::new(domains, users))
    }
}

fn fixture_user(u: User, memberships: &Memberships) -> FixtureUser {
    let mine = memberships
        .get(&u.id)
        .map(Vec::as_slice)
        .unwrap_or_default();
    // The default domain's plain membership comes with `domain` when loading.
    let is_default = |d: &str| u.domain.as_deref() == Some(d);
    let memberships = mine
        .iter()
        .filter(|(d, manager)| !manager && !is_default(d))
        .map(|(d, _)| d.clone())
        .collect();
    let manages = mine
        .iter()
        .filter(|(_, manager)| *manager)
        .map(|(d, _)| d.clone())
        .collect();
    let p = u.preferences;
    FixtureUser {
        id: Some(u.id),
        user_name: u.user_name,
        first_name: u.first_name,
        last_name: u.last_name,
        email: u.email,
        mobile: u.mobile,
        password: None,
        password_hash: u.password_hash,
        enabled: u.enabled,
        read_only: u.read_only,
        sysadmin: u.sysadmin,
        domain: u.domain,
        memberships,
        manages,
        auth_source: u.auth_source,
        preferences: FixturePreferences {
            language: Some(p.language),
            default_portal: Some(p.default_portal),
            show_archives: Some(p.show_archives),
            show_hiddens: Some(p.show_hiddens),
            notification_type: Some(p.notification.name().to_string()),
            email_type: Some(p.email_type),
            attach_document_to_email: Some(p.attach_document_to_email),
        },
    }
}
