//! The store as of one moment, held by a streamed listing while its rows are read out
//! (see `UserRows` in `reply.rs`).

use super::error::OpError;
use super::service::Service;
use crate::store::{self, Tx};

/// The store as of one moment, for a listing's rows. Taken before the method runs, so
/// the answer shows no change made after the caller's rights were checked.
pub struct Snapshot(store::Snapshot);

impl Service {
    pub fn snapshot(&self) -> Result<Snapshot, OpError> {
        Ok(Snapshot(self.store.snapshot()?))
    }
}

impl Snapshot {
    /// Runs `f` on the snapshot, as [`crate::store::Store::read`] runs it on a fresh one.
    pub fn read<T, E>(&self, f: impl FnOnce(&Tx) -> Result<T, E>) -> Result<T, E> {
        self.0.read(f)
    }
}
