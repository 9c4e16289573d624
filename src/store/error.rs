//! The one error every store call can fail with. Its own file because every other
//! file of the store returns it and none of them is below the others.

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("database schema version {found} is newer than this emulator knows ({known})")]
    SchemaTooNew { found: usize, known: usize },
    #[error("user name already exists")]
    Conflict,
    #[error("the transaction with this write did not commit: {message}")]
    CommitFailed {
        message: String,
        /// Whether the disk refused it (`health.rs`).
        storage: bool,
    },
}
