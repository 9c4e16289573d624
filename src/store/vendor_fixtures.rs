//! Seed data for the vendor APIs: `vendors.json` in the fixture directory, loaded after
//! `users.json`. Optional: without it the vendor APIs have no credentials.

use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::fixture_error::FixtureError;
use super::fixture_source::FixtureSource;
use super::tx::Tx;
use crate::model::{
    Address, ContactItemType, ContactPatch, ContactType, LinkedField, UserId, Vendor,
};

pub const FILE: &str = "vendors.json";

/// What a vendor user whose id is not among the loaded users means.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum VendorUsers {
    /// The fixture directory is inconsistent: an error.
    #[default]
    Required,
    /// A posted document left that user out: skipped.
    IfPresent,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VendorFixtures {
    #[serde(default)]
    credentials: Vec<Credential>,
    #[serde(default)]
    contact_item_types: Vec<ItemType>,
    #[serde(default)]
    users: Vec<VendorUser>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Credential {
    vendor: String,
    key: String,
    #[serde(default)]
    secret: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ItemType {
    sub_type: String,
    contact_type: String,
    name: String,
    field: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct VendorUser {
    id: UserId,
    conscent_id: Option<String>,
    webapi_id: Option<String>,
    chatbot_uid: Option<String>,
    created_at: Option<String>,
    #[serde(default)]
    country_code: String,
    #[serde(default)]
    gender: String,
    date_of_birth: Option<String>,
    #[serde(default)]
    address: Address,
    #[serde(default)]
    shipping_addresses: Vec<Address>,
    #[serde(default)]
    billing_addresses: Vec<Address>,
}

pub fn read(source: &FixtureSource) -> Result<Option<VendorFixtures>, FixtureError> {
    let Some(text) = source.read(FILE)? else {
        return Ok(None);
    };
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|e| FixtureError::Parse {
            path: source.path(FILE),
            source: e,
        })
}

fn invalid(what: String) -> FixtureError {
    FixtureError::Vendors(what)
}

fn time(text: Option<&str>, what: &str) -> Result<Option<DateTime<Utc>>, FixtureError> {
    text.map(|t| {
        DateTime::parse_from_rfc3339(t)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|_| invalid(format!("{what}: {t:?} is not an RFC 3339 time")))
    })
    .transpose()
}

pub fn load(tx: &Tx, set: &VendorFixtures, users: VendorUsers) -> Result<(), FixtureError> {
    for c in &set.credentials {
        let vendor = Vendor::from_key(&c.vendor)
            .ok_or_else(|| invalid(format!("unknown vendor {:?}", c.vendor)))?;
        tx.insert_vendor_credential(vendor, &c.key, &c.secret)?;
    }
    for t in &set.contact_item_types {
        let field = match t.field.as_deref() {
            None => None,
            Some(key) => Some(
                LinkedField::from_key(key)
                    .ok_or_else(|| invalid(format!("{}: unknown field {key:?}", t.name)))?,
            ),
        };
        tx.insert_contact_item_type(&ContactItemType {
            sub_type: t.sub_type.to_ascii_lowercase(),
            contact_type: ContactType::from_name(&t.contact_type).ok_or_else(|| {
                invalid(format!("{}: contact type must be Email or Phone", t.name))
            })?,
            name: t.name.clone(),
            field,
        })?;
    }
    for u in &set.users {
        if users == VendorUsers::IfPresent && tx.user_by_id(u.id)?.is_none() {
            continue;
        }
        load_user(tx, u)?;
    }
    Ok(())
}

fn load_user(tx: &Tx, u: &VendorUser) -> Result<(), FixtureError> {
    if tx.user_by_id(u.id)?.is_none() {
        return Err(invalid(format!("user {} is not in users.json", u.id)));
    }
    let ids = [
        (Vendor::Conscent, &u.conscent_id),
        (Vendor::WebApi, &u.webapi_id),
        (Vendor::Chatbot, &u.chatbot_uid),
    ];
    for (vendor, id) in ids {
        if let Some(id) = id {
            tx.set_vendor_id(u.id, vendor, &id.to_ascii_lowercase())?;
        }
    }
    let created = time(u.created_at.as_deref(), "created_at")?.unwrap_or_default();
    let mut profile = tx.vendor_profile(u.id, created)?;
    profile.country_code = u.country_code.clone();
    profile.gender = u.gender.clone();
    profile.date_of_birth = time(u.date_of_birth.as_deref(), "date_of_birth")?;
    profile.address = u.address.clone();
    profile.shipping_addresses = u.shipping_addresses.clone();
    profile.billing_addresses = u.billing_addresses.clone();
    tx.save_vendor_profile(u.id, &ContactPatch::default(), &mut profile)
        .map_err(FixtureError::from)
}
