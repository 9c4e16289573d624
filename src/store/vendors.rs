//! What the vendor REST APIs keep beside infoRouter's user record: their credentials,
//! each user's id at each vendor, and the fields only vendors know.

use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use rusqlite::{params, OptionalExtension, Row};

use super::credential_cache::{CredentialCache, Credentials};
use super::error::StoreError;
use super::tx::Tx;
use crate::model::{ContactPatch, UserId, Vendor, VendorProfile};

/// The profile's columns of the user's row (migration 9); `profile_created_at` is NULL
/// until the profile is made.
const SELECT_PROFILE: &str = "
    SELECT phone2, remarks, unique_id, content, country_code, gender, date_of_birth, address,
           shipping_addresses, billing_addresses, email_verified, phone_verified,
           profile_created_at, profile_updated_at, phone1
    FROM users WHERE id = ?1";

/// The statement that writes the user's row after a change: the profile's columns from
/// `?2` (the user's id is `?1`), then the contact columns given as `$contact`, from
/// `?17`. Only the contact columns a change gives: SQLite rewrites the email index
/// entry of an `UPDATE` that sets the column, even to its old value.
///
/// `OR FAIL`: a constraint this statement breaks fails the write it is part of, and
/// that write's savepoint rolls all of it back. Under SQLite's default (`ABORT`), the
/// statement would also keep a journal of its own to undo itself, a copy of each page
/// it changes that its write had changed before it (BENCHMARKS.md, "Writes: the written
/// user kept…").
macro_rules! save_user_row {
    ($contact:literal) => {
        concat!(
            "UPDATE OR FAIL users SET phone2 = ?2, remarks = ?3, unique_id = ?4, content = ?5,
                country_code = ?6, gender = ?7, date_of_birth = ?8, address = ?9,
                shipping_addresses = ?10, billing_addresses = ?11, email_verified = ?12,
                phone_verified = ?13, profile_created_at = ?14, profile_updated_at = ?15,
                phone1 = ?16",
            $contact,
            " WHERE id = ?1"
        )
    };
}

/// The empty id is no one's, and saying so lets the partial unique index answer.
const USER_BY_UNIQUE_ID: &str = "SELECT id FROM users WHERE unique_id = ?1 AND unique_id <> ''";

/// Vendor timestamps keep milliseconds: Conscent shows them.
pub(super) fn to_ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

fn from_ms(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms).single().unwrap_or_default()
}

/// A JSON column; only this module writes them, from well-formed values.
fn json_column<T: serde::de::DeserializeOwned + Default>(
    row: &Row,
    index: usize,
) -> rusqlite::Result<T> {
    Ok(serde_json::from_str(&row.get::<_, String>(index)?).unwrap_or_default())
}

fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// The profile in the row, `None` when it is not made yet.
fn profile_from_row(row: &Row) -> rusqlite::Result<Option<VendorProfile>> {
    let Some(created_at) = row.get::<_, Option<i64>>(12)? else {
        return Ok(None);
    };
    Ok(Some(VendorProfile {
        phone1: row.get(14)?,
        phone2: row.get(0)?,
        remarks: row.get(1)?,
        unique_id: row.get(2)?,
        content: json_column(row, 3)?,
        country_code: row.get(4)?,
        gender: row.get(5)?,
        date_of_birth: row.get::<_, Option<i64>>(6)?.map(from_ms),
        address: json_column(row, 7)?,
        shipping_addresses: json_column(row, 8)?,
        billing_addresses: json_column(row, 9)?,
        email_verified: row.get(10)?,
        phone_verified: row.get(11)?,
        created_at: from_ms(created_at),
        updated_at: from_ms(row.get(13)?),
    }))
}

impl Tx<'_> {
    /// Every (key, secret) pair that opens `vendor`'s API.
    /// The vendor's (key, secret) pairs, from the credential cache when it has them.
    pub fn vendor_credentials(&self, vendor: Vendor) -> Result<Vec<(String, String)>, StoreError> {
        let all = match self.credentials.map(CredentialCache::get) {
            Some((_, Some(cached))) => cached,
            Some((version, None)) => {
                let read = Arc::new(self.all_vendor_credentials()?);
                self.credentials
                    .inspect(|cache| cache.fill(version, Arc::clone(&read)));
                read
            }
            None => Arc::new(self.all_vendor_credentials()?),
        };
        Ok(all
            .iter()
            .filter(|(v, _, _)| v == vendor.key())
            .map(|(_, key, secret)| (key.clone(), secret.clone()))
            .collect())
    }

    fn all_vendor_credentials(&self) -> Result<Credentials, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT vendor, key, secret FROM vendor_credentials")?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }

    pub fn insert_vendor_credential(
        &self,
        vendor: Vendor,
        key: &str,
        secret: &str,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT OR REPLACE INTO vendor_credentials (vendor, key, secret) VALUES (?1, ?2, ?3)",
            params![vendor.key(), key, secret],
        )?;
        Ok(())
    }

    pub fn vendor_id(&self, user_id: UserId, vendor: Vendor) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT external_id FROM vendor_ids WHERE user_id = ?1 AND vendor = ?2",
            )?
            .query_row(params![user_id, vendor.key()], |r| r.get(0))
            .optional()?)
    }

    /// Gives the user this id at `vendor`, replacing any earlier one.
    pub fn set_vendor_id(
        &self,
        user_id: UserId,
        vendor: Vendor,
        external_id: &str,
    ) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO vendor_ids (user_id, vendor, external_id) VALUES (?1, ?2, ?3)
                 ON CONFLICT(user_id, vendor) DO UPDATE SET external_id = excluded.external_id",
            )?
            .execute(params![user_id, vendor.key(), external_id])?;
        Ok(())
    }

    /// The user `vendor` knows by `external_id` (compared case-insensitively).
    pub fn user_id_by_vendor_id(
        &self,
        vendor: Vendor,
        external_id: &str,
    ) -> Result<Option<UserId>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT user_id FROM vendor_ids WHERE vendor = ?1 AND external_id = ?2",
            )?
            .query_row(params![vendor.key(), external_id], |r| r.get(0))
            .optional()?)
    }

    /// The user's vendor fields, created empty (stamped `now`) on first use.
    pub fn vendor_profile(
        &self,
        user_id: UserId,
        now: DateTime<Utc>,
    ) -> Result<VendorProfile, StoreError> {
        let stored = || {
            self.conn
                .prepare_cached(SELECT_PROFILE)?
                .query_row([user_id], profile_from_row)
                .optional()
                .map(Option::flatten)
        };
        if let Some(cached) = self.cache.and_then(|c| c.profile(user_id)) {
            return Ok(VendorProfile::clone(&cached));
        }
        // Read first: a user seen before has a profile, and one statement is enough.
        if let Some(profile) = stored()? {
            if let Some(cache) = self.cache {
                cache.put_profile(user_id, Arc::new(profile.clone()));
            }
            return Ok(profile);
        }
        self.ensure_vendor_profile(user_id, now)?;
        stored()?.ok_or(StoreError::Sqlite(rusqlite::Error::QueryReturnedNoRows))
    }

    /// Gives the user an empty profile made at `now`, unless they have one.
    fn ensure_vendor_profile(&self, user_id: UserId, now: DateTime<Utc>) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "UPDATE users SET profile_created_at = ?2, profile_updated_at = ?2
                 WHERE id = ?1 AND profile_created_at IS NULL",
            )?
            .execute(params![user_id, to_ms(now)])?;
        Ok(())
    }

    /// Stores the whole profile and the contact columns `contact` gives, in one
    /// statement (callers check `unique_id` is free first). The profile's times are cut
    /// to what the store keeps, so `p` reads as the stored profile would. A user that
    /// does not exist is an error, as the profile row's foreign key made it before the
    /// profile moved into the user's row.
    pub fn save_vendor_profile(
        &self,
        user_id: UserId,
        contact: &ContactPatch,
        p: &mut VendorProfile,
    ) -> Result<(), StoreError> {
        for t in [&mut p.created_at, &mut p.updated_at]
            .into_iter()
            .chain(p.date_of_birth.as_mut())
        {
            *t = from_ms(to_ms(*t));
        }
        let mut stmt = self
            .conn
            .prepare_cached(match (&contact.email, &contact.mobile) {
                (None, None) => save_user_row!(""),
                (Some(_), None) => save_user_row!(", email = ?17"),
                (None, Some(_)) => save_user_row!(", mobile = ?18"),
                (Some(_), Some(_)) => save_user_row!(", email = ?17, mobile = ?18"),
            })?;
        // The statement's parameters run to the highest number it names.
        let count = stmt.parameter_count();
        let stored = stmt.execute(
            &params![
                user_id,
                p.phone2,
                p.remarks,
                p.unique_id,
                to_json(&p.content),
                p.country_code,
                p.gender,
                p.date_of_birth.map(to_ms),
                to_json(&p.address),
                to_json(&p.shipping_addresses),
                to_json(&p.billing_addresses),
                p.email_verified,
                p.phone_verified,
                to_ms(p.created_at),
                to_ms(p.updated_at),
                p.phone1,
                contact.email,
                contact.mobile,
            ][..count],
        )?;
        if stored == 0 {
            return Err(StoreError::Sqlite(rusqlite::Error::QueryReturnedNoRows));
        }
        Ok(())
    }

    /// The user holding CommBox `UniqueId` `unique_id` (exact match).
    pub fn user_id_by_unique_id(&self, unique_id: &str) -> Result<Option<UserId>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(USER_BY_UNIQUE_ID)?
            .query_row([unique_id], |r| r.get(0))
            .optional()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ProfilePatch;
    use crate::store::Store;

    #[test]
    fn a_unique_id_is_found_through_its_index() {
        let (_dir, store) = Store::seeded_for_test();
        let plan: Vec<String> = store
            .read(|tx| -> Result<_, StoreError> {
                let sql = format!("EXPLAIN QUERY PLAN {USER_BY_UNIQUE_ID}");
                let mut stmt = tx.conn.prepare(&sql)?;
                let plan = stmt.query_map(["u-1"], |r| r.get(3))?;
                Ok(plan.collect::<Result<_, _>>()?)
            })
            .unwrap();
        assert_eq!(
            plan,
            ["SEARCH users USING COVERING INDEX users_unique_id (unique_id=?)"]
        );
    }

    #[test]
    fn a_profile_is_saved_only_for_a_user_that_exists() {
        let (_dir, store) = Store::seeded_for_test();
        let saved = store.write(|tx| -> Result<_, StoreError> {
            let now = Utc::now();
            let jdoe = tx.user_by_name("jdoe")?.unwrap();
            let mut profile = tx.vendor_profile(jdoe.id, now)?;
            let contact = ContactPatch::default();
            tx.save_vendor_profile(jdoe.id, &contact, &mut profile)?;
            Ok(tx
                .save_vendor_profile(UserId::MAX, &contact, &mut profile)
                .is_err())
        });
        assert!(saved.unwrap(), "no user, no profile");
    }

    /// The row's statement fails `OR FAIL` on a unique id another user holds, and the
    /// write it ends leaves nothing behind: neither that statement's contact columns
    /// nor what the write changed before it.
    #[test]
    fn a_failed_save_leaves_nothing_of_its_write() {
        let (_dir, store) = Store::seeded_for_test();
        let now = Utc::now();
        let (jdoe, admin) = (store.user_for_test("jdoe"), store.user_for_test("admin"));
        let profile_of = |id| store.read(|tx| tx.vendor_profile(id, now)).unwrap();
        store
            .write(|tx| -> Result<(), StoreError> {
                let mut profile = tx.vendor_profile(admin.id, now)?;
                profile.unique_id = "taken".into();
                tx.save_vendor_profile(admin.id, &ContactPatch::default(), &mut profile)
            })
            .unwrap();
        let failed = store.write(|tx| -> Result<(), StoreError> {
            let names = ProfilePatch {
                first_name: Some("Changed".into()),
                ..ProfilePatch::default()
            };
            tx.update_profile(jdoe.id, &names)?;
            let mut profile = tx.vendor_profile(jdoe.id, now)?;
            profile.unique_id = "taken".into();
            let contact = ContactPatch {
                email: Some("changed@example.com".into()),
                mobile: Some("555-0000".into()),
            };
            tx.save_vendor_profile(jdoe.id, &contact, &mut profile)
        });
        assert!(
            matches!(failed, Err(StoreError::Sqlite(ref e)) if e.to_string().contains("UNIQUE")),
            "{failed:?}"
        );
        let after = store.user_for_test("jdoe");
        assert_eq!(
            (&after.first_name, &after.email, &after.mobile),
            (&jdoe.first_name, &jdoe.email, &jdoe.mobile)
        );
        assert_eq!(profile_of(jdoe.id).unique_id, "");
    }
}
