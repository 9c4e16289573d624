//! What can go wrong with a world, whichever protocol asked for it. `route.rs` writes
//! it in the protocol of the request that met it; `admin.rs` as the admin API's JSON.

use super::name::{InvalidName, WorldName};
use crate::store::FixtureError;

#[derive(Debug, thiserror::Error)]
pub enum WorldError {
    #[error(transparent)]
    Name(#[from] InvalidName),
    #[error(
        "/worlds/{{name}}/ serves the emulated APIs only; \
         a world's admin API is under /__emulator/worlds/{{name}}/"
    )]
    NotEmulated,
    #[error(
        "the limit of {0} worlds (--max-worlds, ASMX_MAX_WORLDS) is reached: \
         delete one (DELETE /__emulator/worlds/{{name}}) or raise the limit"
    )]
    Limit(usize),
    #[error("world {0} exists")]
    Exists(WorldName),
    #[error("no world {0}")]
    NotFound(WorldName),
    #[error("the default world cannot be deleted")]
    DeleteDefault,
    #[error("world {0} is still answering requests; try again")]
    InUse(WorldName),
    #[error("world {name} could not be created: {reason}")]
    Create { name: WorldName, reason: String },
    #[error("the worlds' directory {0}")]
    Directory(String),
    #[error("world {name} could not be opened: {reason}")]
    Open { name: WorldName, reason: String },
    /// The fixture document an explicit creation gave.
    #[error("fixtures: {0}")]
    Fixtures(#[from] FixtureError),
    #[error("the request's worker stopped")]
    Interrupted,
}

impl From<actix_web::error::BlockingError> for WorldError {
    fn from(_: actix_web::error::BlockingError) -> Self {
        WorldError::Interrupted
    }
}
