//! Plain data shared by the operations and the store: no SQL, no XML.

use chrono::{DateTime, Utc};

/// A user's numeric id (`UserID` on the wire, CommBox's id too).
pub type UserId = i64;

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

/// `NotificationType` / `NotificationTypeId` (Part A17).
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

/// A valid session as the store keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub ticket: String,
    pub user_id: UserId,
    pub expires_at: DateTime<Utc>,
}

/// A mail the emulator "sent": recorded instead of delivered (Part A21).
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
