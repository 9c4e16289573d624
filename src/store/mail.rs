//! The mail outbox and password-reset codes (docs/compatibility.md A21: no SMTP, mail is recorded).

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};

use super::epoch::to_epoch;
use super::error::StoreError;
use super::tx::Tx;
use crate::model::{Mail, UserId};

impl Tx<'_> {
    pub fn record_mail(&self, mail: &Mail, at: DateTime<Utc>) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO mails (sent_at, to_address, user_name, template, subject, body, link, secret)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                to_epoch(at),
                mail.to_address,
                mail.user_name,
                mail.template,
                mail.subject,
                mail.body,
                mail.link,
                mail.secret
            ],
        )?;
        Ok(())
    }

    /// Every recorded mail, oldest first.
    pub fn mails(&self) -> Result<Vec<Mail>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT to_address, user_name, template, subject, body, link, secret
             FROM mails ORDER BY id",
        )?;
        let mails = stmt
            .query_map([], |r| {
                Ok(Mail {
                    to_address: r.get(0)?,
                    user_name: r.get(1)?,
                    template: r.get(2)?,
                    subject: r.get(3)?,
                    body: r.get(4)?,
                    link: r.get(5)?,
                    secret: r.get(6)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok(mails)
    }

    pub fn insert_reset_code(
        &self,
        secret: &str,
        user_id: UserId,
        expires_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO reset_codes (secret, user_id, expires_at) VALUES (?1, ?2, ?3)",
            params![secret, user_id, to_epoch(expires_at)],
        )?;
        Ok(())
    }

    /// Marks the code used and returns true if it was an unused, unexpired code
    /// issued to `user_id`. A code works once.
    pub fn consume_reset_code(
        &self,
        secret: &str,
        user_id: UserId,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let found: Option<i64> = self
            .conn
            .query_row(
                "SELECT rowid FROM reset_codes
                 WHERE secret = ?1 AND user_id = ?2 AND used = 0 AND expires_at > ?3",
                params![secret, user_id, to_epoch(now)],
                |r| r.get(0),
            )
            .optional()?;
        match found {
            Some(rowid) => {
                self.conn
                    .execute("UPDATE reset_codes SET used = 1 WHERE rowid = ?1", [rowid])?;
                Ok(true)
            }
            None => Ok(false),
        }
    }
}
