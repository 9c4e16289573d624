use std::sync::Arc;

use chrono::{TimeZone, Utc};

use super::change::{ContactItemChange, UserChange};
use super::*;
use crate::model::{Address, ContactItem, ContactType};
use crate::store::Store;

/// `apply` keeps the stored user and profile in memory rather than reading them back:
/// what it returns must be what a fresh read finds, to the millisecond.
#[test]
fn apply_returns_what_the_store_then_holds() {
    let (_dir, store) = Store::seeded_for_test();
    let now = Utc.timestamp_nanos(1_790_000_000_123_456_789);
    let born = Utc.timestamp_nanos(315_532_800_987_654_321);
    let address = Address {
        city: "Ghent".into(),
        ..Address::default()
    };
    let change = UserChange {
        first_name: Some("Joan".into()),
        email: Some("Joan.Doe@Example.com".into()),
        mobile: Some("+32 470 12 34 56".into()),
        phone2: Some("+32 9 123 45 67".into()),
        remarks: Some("café".into()),
        content: vec![("plan".into(), "gold".into())],
        date_of_birth: Some(Some(born)),
        address: vec![("city".into(), "Ghent".into())],
        shipping_addresses: Some(vec![address]),
        ..UserChange::default()
    };
    store
        .write(|tx| -> Result<(), OpError> {
            let user = tx.user_by_name("jdoe")?.unwrap();
            let id = user.id;
            let written = apply(tx, user, &change, now)?;
            assert_eq!(written.user.first_name, "Joan");
            let born_ms = written.profile.date_of_birth.unwrap();
            assert_eq!(born_ms.timestamp_subsec_nanos() % 1_000_000, 0);
            assert_eq!(Some(written.user), tx.user_by_id(id)?);
            assert_eq!(*written.profile, tx.vendor_profile(id, now)?);
            Ok(())
        })
        .unwrap();
}

/// Found by a review against docs/vendors.md: upserting an item wrote the mirrored
/// field through a write that first settled the items against the field as it still
/// was. Taking the default off a Work Phone item then respelled the user's Mobile
/// Phone item of the same digits, and making a new Work Phone item default left the
/// default on that Mobile Phone item instead.
#[test]
fn an_upsert_changes_only_its_own_item() {
    let (_dir, store) = Store::seeded_for_test();
    store
        .write(|tx| -> Result<(), OpError> {
            let types = tx.contact_item_types()?;
            let sub_type = |name: &str| {
                types
                    .iter()
                    .find(|t| t.name == name)
                    .unwrap()
                    .sub_type
                    .clone()
            };
            let (work, mobile) = (sub_type("Work Phone"), sub_type("Mobile Phone"));
            let user = tx.user_by_name("jdoe")?.unwrap().id;
            let now = Utc::now();
            let item = |value: &str| -> Result<ContactItem, OpError> {
                let items = tx.contact_items_like(user, ContactType::Phone, value)?;
                Ok(items.into_iter().find(|i| i.value == value).unwrap())
            };
            let upsert = |sub_type: &str, value: &str, is_default| -> Result<Upserted, OpError> {
                let change = UserChange {
                    contact_item: Some(ContactItemChange {
                        sub_type: sub_type.into(),
                        value: value.into(),
                        is_default,
                    }),
                    ..UserChange::default()
                };
                let user = tx.user_by_id(user)?.unwrap();
                Ok(apply(tx, user, &change, now)?.contact_item.unwrap())
            };

            upsert(&work, "555-7000", true)?;
            upsert(&mobile, "5557000", false)?;
            upsert(&work, "555-7000", false)?;
            assert!(
                !item("5557000")?.is_default,
                "the Mobile Phone item is kept"
            );
            assert!(!item("555-7000")?.is_default);
            assert_eq!(tx.user_by_id(user)?.unwrap().mobile, "");

            upsert(&mobile, "5551111", false)?;
            let added = upsert(&work, "555-1111", true)?;
            let default = item("555-1111")?;
            assert!(default.is_default && default.id == added.id);
            assert!(!item("5551111")?.is_default);
            assert_eq!(tx.user_by_id(user)?.unwrap().mobile, "555-1111");
            Ok(())
        })
        .unwrap();
}

/// Every refusal is found before the first write, so a refused change leaves the
/// transaction as it found it, even before the rollback.
#[test]
fn a_refused_change_writes_nothing() {
    let (_dir, store) = Store::seeded_for_test();
    store
        .write(|tx| -> Result<(), OpError> {
            let now = Utc::now();
            let taken = UserChange {
                unique_id: Some("taken".into()),
                ..UserChange::default()
            };
            apply(tx, tx.user_by_name("asmith")?.unwrap(), &taken, now)?;
            let jdoe = tx.user_by_name("jdoe")?.unwrap();
            let stored = || -> Result<_, OpError> {
                Ok((
                    tx.user_by_id(jdoe.id)?,
                    tx.vendor_profile(jdoe.id, now)?,
                    tx.default_contact_items(jdoe.id)?,
                    tx.has_contact_item(jdoe.id, ContactType::Phone)?,
                ))
            };
            let before = stored()?;
            let change = UserChange {
                first_name: Some("Joan".into()),
                email: Some("Alice.Smith@example.com".into()),
                mobile: Some("555-7777".into()),
                ..UserChange::default()
            };
            let unknown_item = ContactItemChange {
                sub_type: "no such sub-type".into(),
                value: "555-7777".into(),
                is_default: true,
            };
            for (refused, error) in [
                (
                    UserChange {
                        unique_id: Some("taken".into()),
                        ..change.clone()
                    },
                    OpError::UniqueIdTaken,
                ),
                (
                    UserChange {
                        email_unique: true,
                        ..change.clone()
                    },
                    OpError::EmailTaken,
                ),
                (
                    UserChange {
                        contact_item: Some(unknown_item),
                        ..change.clone()
                    },
                    OpError::UnknownSubType,
                ),
            ] {
                let refusal = apply(tx, Arc::clone(&jdoe), &refused, now).unwrap_err();
                assert_eq!(refusal.to_string(), error.to_string());
                assert_eq!(stored()?, before, "{error}");
            }
            Ok(())
        })
        .unwrap();
}
