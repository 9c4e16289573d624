//! What can go wrong loading seed data. Both the users' and the vendors' fixture
//! loaders raise it, and the users' loader runs the vendors', so it sits below both.

use std::path::PathBuf;

use super::error::StoreError;
use crate::model::UserId;

#[derive(Debug, thiserror::Error)]
pub enum FixtureError {
    #[error("cannot read fixture file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("fixture file {path} is not valid: {source}")]
    Parse {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error("fixture user {0}: unknown notification type (use NONE, INSTANT or DAILY REPORT)")]
    Notification(String),
    #[error("fixture file vendors.json: {0}")]
    Vendors(String),
    #[error("fixture document is not valid: {0}")]
    Document(serde_json::Error),
    #[error("fixture user {0}: give password or password_hash, not both")]
    TwoPasswords(String),
    #[error("fixture user {user}: id {id} is outside 1…{max}", max = crate::model::MAX_USER_ID)]
    IdRange { user: String, id: UserId },
    #[error("fixture user {user}: id {id} is taken")]
    IdTaken { user: String, id: UserId },
    #[error(transparent)]
    Store(#[from] StoreError),
}
