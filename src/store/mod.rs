//! The only place with SQL in the crate. One SQLite file in WAL mode; every write is
//! one transaction on the single writer connection (`writer.rs`; a request's write is
//! run there by the writer thread, `write_queue.rs`), so a failed operation leaves
//! nothing half-written and no client ever sees `database is locked`.
//! Concurrent writes share one commit (group commit), and a write returns only once it
//! is durable (`durable.rs`; WAL checkpoints in `checkpoints.rs`). Reads run on pooled read-only connections, each in a snapshot of its
//! own (`read_pool.rs`, `snapshot.rs`), in parallel with the writer. The schema is
//! migrated in code at start (`schema.rs`).
//!
//! This file only declares the modules and re-exports what the rest of the crate uses.
//! Each shared type has a file of its own ([`Store`] in `handle.rs`, [`Tx`] in
//! `tx.rs`, [`StoreError`] in `error.rs`), and the files import from where a thing is
//! defined, never from here: so imports between the files point one way.

mod batch_changes;
mod batches;
mod bulk;
mod checkpoints;
mod contact_items;
mod credential_cache;
mod domains;
mod durable;
mod epoch;
mod error;
mod export;
mod fixture_error;
mod fixture_source;
mod fixtures;
mod handle;
mod health;
mod helper_thread;
mod lifetime;
mod listing;
mod lock;
mod mail;
mod read_cache;
mod read_pool;
mod reset;
mod schema;
mod sliding;
mod snapshot;
mod stats;
mod tickets;
mod tx;
mod users;
mod vendor_fixtures;
mod vendors;
mod write_queue;
mod writer;

pub use batches::Cursor;
pub use bulk::{bulk_user_name, bulk_vendor_ids, FIRST_NAMES, LAST_NAMES};
pub use error::StoreError;
pub use fixture_error::FixtureError;
pub use fixture_source::FixtureSource;
pub use fixtures::{FixtureSet, FixtureUser};
pub use handle::Store;
pub use listing::{Page, Scope, SortKey, UserFilter, UserQuery};
pub use lock::{lock_path, DbLock, LockError};
pub use snapshot::Snapshot;
pub use tx::Tx;
pub use users::{NewUser, USER_BY_NAME};
pub use write_queue::WriteLost;
