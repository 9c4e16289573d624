//! Whether a database is still held open elsewhere: a world's files may be removed
//! only once nothing holds them, because SQLite, closing its last connection, removes
//! the WAL and shared-memory files by their path, which by then a new world of the
//! same name may own.

use std::sync::Arc;

use super::handle::Store;

impl Store {
    /// True while another handle or a snapshot exists (each holds the deferred slides,
    /// and nothing else does).
    pub fn in_use(&self) -> bool {
        Arc::strong_count(&self.slides) > 1
    }
}
