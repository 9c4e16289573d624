//! The one value every user write takes: what is to change, whichever API asked.

use chrono::{DateTime, Utc};

use crate::model::{Address, LinkedField};

/// A change to a user: every `None` keeps the stored value and `Some("")` clears it
/// (docs/vendors.md D-0). infoRouter's contact methods set the email and mobile number;
/// each vendor sets the fields its API has.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UserChange {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub mobile: Option<String>,
    /// Conscent's split number: when either part is set the mobile number becomes
    /// `country_code` + `national_phone` (empty when the phone is empty).
    pub country_code: Option<String>,
    pub national_phone: Option<String>,
    pub phone1: Option<String>,
    pub phone2: Option<String>,
    pub remarks: Option<String>,
    pub unique_id: Option<String>,
    /// Custom fields set one by one; an empty value removes the field.
    pub content: Vec<(String, String)>,
    pub gender: Option<String>,
    /// `Some(None)` clears the date.
    pub date_of_birth: Option<Option<DateTime<Utc>>>,
    /// Address lines set one by one, by [`Address::line_mut`] name.
    pub address: Vec<(String, String)>,
    /// Whole lists replacing the stored ones; an empty `id` gets a new one.
    pub shipping_addresses: Option<Vec<Address>>,
    pub billing_addresses: Option<Vec<Address>>,
    /// A contact item to add or update (the Web API). The fields it mirrors are
    /// written from it, over any the change sets itself.
    pub contact_item: Option<ContactItemChange>,
    /// Conscent refuses an email address another user has; the other APIs let users
    /// share one.
    pub email_unique: bool,
}

/// A contact item to add, or to update when the user has one of this sub-type and
/// value (compared as [`crate::model::ContactType::match_key`] does).
#[derive(Debug, Clone, PartialEq)]
pub struct ContactItemChange {
    pub sub_type: String,
    pub value: String,
    /// Makes it its contact type's only default. The first item of a type becomes
    /// the default either way.
    pub is_default: bool,
}

impl UserChange {
    /// Sets the field a contact item mirrors.
    pub(super) fn set(&mut self, field: LinkedField, value: String) {
        let slot = match field {
            LinkedField::Email => &mut self.email,
            LinkedField::Mobile => &mut self.mobile,
            LinkedField::Phone1 => &mut self.phone1,
            LinkedField::Phone2 => &mut self.phone2,
        };
        *slot = Some(value);
    }
}
