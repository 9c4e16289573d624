//! How the store keeps a time: whole seconds since the Unix epoch. Tickets, users,
//! mails and the deferred slides all convert, so the conversion sits below them.

use chrono::{DateTime, TimeZone, Utc};

pub(super) fn to_epoch(t: DateTime<Utc>) -> i64 {
    t.timestamp()
}

pub(super) fn from_epoch(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(secs, 0).single().unwrap_or_default()
}
