//! Isolated worlds (docs/worlds.md): every emulated path is also served under
//! `/worlds/{name}`, over a store, clock, fault rules, journal and CommBox rate buckets
//! of that world's own; the unprefixed paths are the world `default`. A world is made
//! on its first request, by copying a template database, and lives in its own SQLite
//! file beside `--db`.
//!
//! - `name.rs`: what a world name is ([`WorldName`]).
//! - `world.rs`: one world's handles, given to each of its requests as app data, so
//!   no handler knows which world it serves.
//! - `registry.rs`: the worlds by name ([`Worlds`]), made once, deleted safely.
//! - `files.rs`: the template and each world's file.
//! - `route.rs`: the middleware that puts a request into its world.
//! - `admin.rs`: `/__emulator/worlds`.
//!
//! Only the wiring (`app`) imports this module, and the control plane its `name.rs`
//! (the default world's name); it imports the protocol modules to refuse a request in
//! their own error form.

mod admin;
mod error;
mod files;
pub mod name;
mod registry;
mod route;
mod world;

pub use admin::routes;
pub use error::WorldError;
pub use name::WorldName;
pub use registry::Worlds;
pub use route::WorldRoute;
pub use world::{Blueprint, World};
