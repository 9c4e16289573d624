//! Domains (libraries): each user has at most one default domain (`users.domain_id`,
//! whose users are the domain's local users) and any number of memberships, some of
//! them as the domain's manager.

use rusqlite::{params, OptionalExtension};

use super::error::StoreError;
use super::tx::Tx;
use crate::model::{Domain, UserId};

impl Tx<'_> {
    /// The domain with this name, matched case-insensitively.
    pub fn domain_by_name(&self, name: &str) -> Result<Option<Domain>, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT id, name FROM domains WHERE name = ?1")?
            .query_row([name], |r| {
                Ok(Domain {
                    id: r.get(0)?,
                    name: r.get(1)?,
                })
            })
            .optional()?)
    }

    /// Makes `user_id` a member of `domain` (creating the domain if needed); a
    /// manager stays one when added again as a plain member.
    pub fn add_domain_member(
        &self,
        domain: &str,
        user_id: UserId,
        manager: bool,
    ) -> Result<(), StoreError> {
        let domain_id = self.ensure_domain(domain)?;
        self.insert_member(domain_id, user_id, manager)
    }

    pub(super) fn insert_member(
        &self,
        domain_id: i64,
        user_id: UserId,
        manager: bool,
    ) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO domain_members (domain_id, user_id, manager) VALUES (?1, ?2, ?3)
                 ON CONFLICT (domain_id, user_id) DO UPDATE SET manager = max(manager, excluded.manager)",
            )?
            .execute(params![domain_id, user_id, manager])?;
        Ok(())
    }

    pub fn is_domain_manager(&self, domain_id: i64, user_id: UserId) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT 1 FROM domain_members WHERE domain_id = ?1 AND user_id = ?2 AND manager",
            )?
            .query_row(params![domain_id, user_id], |_| Ok(()))
            .optional()?
            .is_some())
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
}
