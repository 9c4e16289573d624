//! What a method of the service is: its name, parameters, root element, summary, how
//! it touches the store, and the function that runs it. The rows themselves are in
//! `table.rs`.

use super::args::{Args, Param, Value};
use super::ctx::Ctx;
use super::error::OpError;
use super::reply::{Reply, Root};

/// Whether a method may change the store. Reads run on a read-only snapshot in
/// parallel with everything else; writes take the single writer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// A read of a few rows by key: cheap enough to run on the request's own worker.
    Lookup,
    /// A read that may scan many rows (the paged listings).
    Read,
    /// A read answering every matching user: the method runs on a snapshot that
    /// stays open while its rows are read and written out (see `rows`).
    Stream,
    /// A write; argon2 runs beside the writer, never on it (see `hashing`).
    Write,
}

type Handler = fn(&Ctx, &Args) -> Result<Reply, OpError>;

pub struct MethodSpec {
    pub name: &'static str,
    pub params: &'static [Param],
    pub root: Root,
    pub summary: &'static str,
    pub access: Access,
    pub(super) run: Handler,
}

impl std::fmt::Debug for MethodSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

/// A method of the service; only the table hands these out.
pub type Method = &'static MethodSpec;

impl MethodSpec {
    /// The call's arguments: `values` follow [`MethodSpec::params`], and a missing tail
    /// counts as absent.
    pub fn args(&'static self, values: Vec<Value>) -> Args {
        Args::new(self.name, self.params, values)
    }
}
