//! Plain data shared by the layers (protocol, operations, store, control plane): no SQL,
//! no XML, no HTTP.

use chrono::{DateTime, Utc};

/// A user's numeric id (`UserID` on the wire, CommBox's id too).
pub type UserId = i64;

/// The largest id a user can be given: the Conscent and Web API ids derived from it
/// carry it in 12 hex digits (docs/vendors.md, "Fixture users' vendor ids"), so a user
/// with an id in 1…2^48−1 is reachable through every API.
pub const MAX_USER_ID: UserId = (1 << 48) - 1;

/// A user as the store keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct User {
    pub id: UserId,
    pub user_name: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub mobile: String,
    pub enabled: bool,
    pub read_only: bool,
    pub sysadmin: bool,
    /// The user's default domain (library), by name.
    pub domain: Option<String>,
    pub auth_source: String,
    pub password_hash: Option<String>,
    pub last_logon: Option<DateTime<Utc>>,
    pub last_password_change: Option<DateTime<Utc>>,
    pub preferences: Preferences,
}

impl User {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
            .trim()
            .to_string()
    }

    /// Users of an external authority (LDAP, Windows, OAuth) have no local password.
    pub fn is_native(&self) -> bool {
        self.auth_source.eq_ignore_ascii_case(NATIVE_AUTHORITY)
    }
}

pub const NATIVE_AUTHORITY: &str = "native";

/// Per-user preferences, shown as the `<Preferences>` element.
#[derive(Debug, Clone, PartialEq)]
pub struct Preferences {
    pub language: String,
    pub default_portal: String,
    pub show_archives: bool,
    pub show_hiddens: bool,
    pub notification: Notification,
    pub email_type: String,
    pub attach_document_to_email: bool,
}

impl Default for Preferences {
    fn default() -> Self {
        Preferences {
            language: "English".into(),
            default_portal: String::new(),
            show_archives: false,
            show_hiddens: false,
            notification: Notification::Instant,
            email_type: "HTML".into(),
            attach_document_to_email: false,
        }
    }
}

/// `NotificationType` / `NotificationTypeId` (docs/compatibility.md A17).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notification {
    None = 0,
    Instant = 1,
    DailyReport = 2,
}

impl Notification {
    pub fn id(self) -> i64 {
        self as i64
    }

    pub fn from_id(id: i64) -> Option<Self> {
        match id {
            0 => Some(Notification::None),
            1 => Some(Notification::Instant),
            2 => Some(Notification::DailyReport),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Notification::None => "NONE",
            Notification::Instant => "INSTANT",
            Notification::DailyReport => "DAILY REPORT",
        }
    }
}

/// A change to a user's contact fields: `None` keeps the stored value, `Some("")` clears it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ContactPatch {
    pub email: Option<String>,
    pub mobile: Option<String>,
}

/// A change to a user's profile (UpdateUserProfile): `None` keeps the stored value.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProfilePatch {
    pub user_name: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub auth_source: Option<String>,
}

/// A change to a user's preferences (UpdateUserPreferences): `None` keeps the stored value.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PreferencesPatch {
    pub language: Option<String>,
    pub default_portal: Option<String>,
    pub show_archives: Option<bool>,
    pub show_hiddens: Option<bool>,
    pub notification: Option<Notification>,
    pub email_type: Option<String>,
    pub attach_document_to_email: Option<bool>,
}

/// A domain (library): users have one default domain and any number of memberships.
#[derive(Debug, Clone, PartialEq)]
pub struct Domain {
    pub id: i64,
    pub name: String,
}

/// A valid session as the store keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub ticket: String,
    pub user_id: UserId,
    pub expires_at: DateTime<Utc>,
    /// The expiry on disk; `expires_at` runs ahead of it while slides are deferred.
    pub stored_expires_at: DateTime<Utc>,
}

/// A mail the emulator "sent": recorded instead of delivered (docs/compatibility.md A21).
#[derive(Debug, Clone, PartialEq)]
pub struct Mail {
    pub to_address: String,
    pub user_name: String,
    pub template: String,
    pub subject: String,
    pub body: String,
    pub link: String,
    pub secret: String,
}

/// The four vendor REST APIs served over the same users (docs/vendors.md): each has its
/// own credentials, and some their own user ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vendor {
    Chatbot,
    Conscent,
    CommBox,
    WebApi,
}

impl Vendor {
    /// The vendor's name in the store and in fixtures.
    pub fn key(self) -> &'static str {
        match self {
            Vendor::Chatbot => "chatbot",
            Vendor::Conscent => "conscent",
            Vendor::CommBox => "commbox",
            Vendor::WebApi => "webapi",
        }
    }

    pub fn from_key(key: &str) -> Option<Vendor> {
        [
            Vendor::Chatbot,
            Vendor::Conscent,
            Vendor::CommBox,
            Vendor::WebApi,
        ]
        .into_iter()
        .find(|v| v.key() == key)
    }
}

/// How a call reached the emulator: one of srv.asmx's four bindings or a vendor API.
/// The request journal, the metric labels and fault rules name it by [`Binding::as_str`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Binding {
    Soap11,
    Soap12,
    Get,
    Post,
    Chatbot,
    Conscent,
    #[serde(rename = "commbox")]
    CommBox,
    #[serde(rename = "webapi")]
    WebApi,
}

impl Binding {
    pub const ALL: [Binding; 8] = [
        Binding::Soap11,
        Binding::Soap12,
        Binding::Get,
        Binding::Post,
        Binding::Chatbot,
        Binding::Conscent,
        Binding::CommBox,
        Binding::WebApi,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Binding::Soap11 => "soap11",
            Binding::Soap12 => "soap12",
            Binding::Get => "get",
            Binding::Post => "post",
            Binding::Chatbot => "chatbot",
            Binding::Conscent => "conscent",
            Binding::CommBox => "commbox",
            Binding::WebApi => "webapi",
        }
    }

    pub fn from_name(name: &str) -> Option<Binding> {
        Binding::ALL.into_iter().find(|b| b.as_str() == name)
    }

    pub fn is_asmx(self) -> bool {
        matches!(
            self,
            Binding::Soap11 | Binding::Soap12 | Binding::Get | Binding::Post
        )
    }
}

impl From<Vendor> for Binding {
    fn from(vendor: Vendor) -> Binding {
        match vendor {
            Vendor::Chatbot => Binding::Chatbot,
            Vendor::Conscent => Binding::Conscent,
            Vendor::CommBox => Binding::CommBox,
            Vendor::WebApi => Binding::WebApi,
        }
    }
}

/// A contact item's kind: one default item per kind mirrors the user's email or mobile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactType {
    Email,
    Phone,
}

impl ContactType {
    pub fn name(self) -> &'static str {
        match self {
            ContactType::Email => "Email",
            ContactType::Phone => "Phone",
        }
    }

    pub fn from_name(name: &str) -> Option<ContactType> {
        [ContactType::Email, ContactType::Phone]
            .into_iter()
            .find(|t| t.name() == name)
    }

    /// Two values of this type are the same item value when their keys are equal:
    /// emails case-insensitively, phone numbers by their digits (docs/vendors.md D-21).
    pub fn match_key(self, value: &str) -> String {
        if self == ContactType::Phone {
            let digits: String = value.chars().filter(char::is_ascii_digit).collect();
            if !digits.is_empty() {
                return digits;
            }
        }
        value.trim().to_lowercase()
    }
}

/// The user field a contact item sub-type stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkedField {
    Email,
    Mobile,
    Phone1,
    Phone2,
}

impl LinkedField {
    pub fn key(self) -> &'static str {
        match self {
            LinkedField::Email => "email",
            LinkedField::Mobile => "mobile",
            LinkedField::Phone1 => "phone1",
            LinkedField::Phone2 => "phone2",
        }
    }

    pub fn from_key(key: &str) -> Option<LinkedField> {
        [
            LinkedField::Email,
            LinkedField::Mobile,
            LinkedField::Phone1,
            LinkedField::Phone2,
        ]
        .into_iter()
        .find(|f| f.key() == key)
    }
}

/// One entry of the contact item catalogue (Web API `GetAllTypes`).
#[derive(Debug, Clone, PartialEq)]
pub struct ContactItemType {
    pub sub_type: String,
    pub contact_type: ContactType,
    pub name: String,
    /// The field whose value an item of this sub-type records, if any.
    pub field: Option<LinkedField>,
}

/// A user's email address or phone number as the Web API keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct ContactItem {
    pub id: String,
    pub sub_type: String,
    pub value: String,
    pub is_default: bool,
}

impl ContactItem {
    /// A new item's id: a version-7 GUID (RFC 9562), which begins with its creation
    /// time, so the entry a new item adds to the index of ids lands beside the last
    /// one instead of on a random page: one page less written per new item
    /// (BENCHMARKS.md, "Writes"). Nothing orders items by id; the wire shows a GUID.
    pub fn new_id() -> String {
        uuid::Uuid::now_v7().hyphenated().to_string()
    }
}

/// A user's default contact items with their contact types, each type's oldest first.
pub type DefaultItems = Vec<(ContactType, ContactItem)>;

/// A postal address; `id` is its 24-hex ObjectId when it sits in a list.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Address {
    pub name: String,
    pub apartment: String,
    pub area: String,
    pub pincode: String,
    pub landmark: String,
    pub city: String,
    pub state: String,
    pub country: String,
    pub id: String,
}

impl Address {
    /// The address lines by name, in their documented order.
    pub fn lines(&self) -> [(&'static str, &str); 8] {
        [
            ("name", &self.name),
            ("apartment", &self.apartment),
            ("area", &self.area),
            ("pincode", &self.pincode),
            ("landmark", &self.landmark),
            ("city", &self.city),
            ("state", &self.state),
            ("country", &self.country),
        ]
    }

    /// The line called `name`, or `None` for a name that is not an address line.
    pub fn line_mut(&mut self, name: &str) -> Option<&mut String> {
        Some(match name {
            "name" => &mut self.name,
            "apartment" => &mut self.apartment,
            "area" => &mut self.area,
            "pincode" => &mut self.pincode,
            "landmark" => &mut self.landmark,
            "city" => &mut self.city,
            "state" => &mut self.state,
            "country" => &mut self.country,
            _ => return None,
        })
    }
}

/// What the vendor APIs keep about a user beyond infoRouter's record.
#[derive(Debug, Clone, PartialEq)]
pub struct VendorProfile {
    /// CommBox `Phone1`, which is also the mobile number (docs/vendors.md D-18).
    pub phone1: String,
    pub phone2: String,
    pub remarks: String,
    /// CommBox `UniqueId`: unique among users when not empty.
    pub unique_id: String,
    /// CommBox custom fields, by their case-sensitive unique name.
    pub content: std::collections::BTreeMap<String, String>,
    /// Conscent's country code: the mobile number is this code followed by the phone.
    pub country_code: String,
    pub gender: String,
    pub date_of_birth: Option<DateTime<Utc>>,
    pub address: Address,
    pub shipping_addresses: Vec<Address>,
    pub billing_addresses: Vec<Address>,
    pub email_verified: bool,
    pub phone_verified: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl VendorProfile {
    /// The phone fields a contact item sub-type may mirror, besides the mobile number.
    pub fn linked_phones(&self) -> [(LinkedField, &str); 2] {
        [
            (LinkedField::Phone1, &self.phone1),
            (LinkedField::Phone2, &self.phone2),
        ]
    }

    /// The phone number without the country code (Conscent's `phone`).
    pub fn national_phone<'a>(&self, mobile: &'a str) -> &'a str {
        mobile
            .strip_prefix(self.country_code.as_str())
            .unwrap_or(mobile)
    }
}

#[cfg(test)]
mod contact_item_tests {
    use super::ContactItem;

    #[test]
    fn new_item_ids_are_version_7_guids_in_creation_order() {
        let ids: Vec<String> = (0..100).map(|_| ContactItem::new_id()).collect();
        for id in &ids {
            let parsed = uuid::Uuid::parse_str(id).unwrap();
            assert_eq!(parsed.get_version_num(), 7, "{id}");
            assert_eq!(
                *id,
                parsed.hyphenated().to_string(),
                "lower-case, hyphenated"
            );
        }
        // What keeps a batch's new entries on one index page.
        assert!(ids.windows(2).all(|w| w[0] < w[1]), "{ids:?}");
    }
}
