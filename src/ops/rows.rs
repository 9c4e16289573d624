//! Listings too large to hold: GetAllUsers, GetLocalUsers and GetCoWorkers(1) answer
//! every matching user, which on a big store is tens of megabytes. Their `<users>`
//! element names the query instead of holding the users, and the protocol layer reads
//! them in batches from a snapshot while it writes the answer, so memory does not grow
//! with the store.

use std::sync::Arc;

use super::reply::Node;
use super::{OpError, Service};
use crate::model::User;
use crate::store::{self, Cursor, Tx, UserQuery};

/// Users per batch: enough that the per-batch query is a small part of the cost, few
/// enough that a batch's users, nodes and text stay around a megabyte.
const BATCH: u32 = 1000;

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
    pub(super) fn read<T, E>(&self, f: impl FnOnce(&Tx) -> Result<T, E>) -> Result<T, E> {
        self.0.read(f)
    }
}

/// Children read as the answer is written: the users a query selects, each shown by
/// `view`, in the query's order.
#[derive(Debug, Clone)]
pub struct UserRows {
    query: UserQuery<'static>,
    view: fn(Arc<User>) -> Node,
    cursor: Cursor,
    done: bool,
}

impl UserRows {
    pub fn new(query: UserQuery<'static>, view: fn(Arc<User>) -> Node) -> UserRows {
        UserRows {
            query,
            view,
            cursor: Cursor::default(),
            done: false,
        }
    }

    /// The next batch of elements, `None` once every user was read.
    pub fn next_batch(&mut self, snapshot: &Snapshot) -> Result<Option<Vec<Node>>, OpError> {
        if self.done {
            return Ok(None);
        }
        let users = snapshot
            .0
            .read(|tx| tx.next_users(&self.query, &mut self.cursor, BATCH))?;
        // A short batch is the last one: no query to find nothing after it.
        self.done = users.len() < BATCH as usize;
        if users.is_empty() {
            return Ok(None);
        }
        Ok(Some(
            users.into_iter().map(Arc::new).map(self.view).collect(),
        ))
    }
}
