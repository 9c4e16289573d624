//! infoRouter's methods, each written once and free of any wire format: they take
//! [`Args`], work through one store transaction and return a [`Node`]. The protocol
//! layer (`asmx`) decodes a request into a [`Method`] and its `Args`, awaits
//! [`Service::call`] and encodes the `Node` it answers.
//!
//! This file only declares and re-exports: each file imports what it uses from the file
//! that defines it, so imports between files point one way.

mod admin;
mod argon;
mod args;
mod auth;
mod blocking;
mod call;
mod contact;
mod ctx;
mod domains;
mod effects;
mod error;
mod fixture_hashes;
mod hashing;
mod listing;
mod mails;
mod method;
mod passwords;
mod preferences;
mod reply;
mod secrets;
mod server_info;
mod service;
mod session;
mod snapshot;
mod table;
mod user_view;
pub mod user_write;
mod users;
mod verified;
mod welcome;

pub use args::{Args, Param, ParamKind, Value};
pub use call::{Answer, Interrupted};
pub use ctx::RequestInfo;
pub use error::OpError;
pub use fixture_hashes::hash_fixture_password;
pub use method::{Access, Method, MethodSpec};
pub use reply::{failed, Node, Root, UserRows};
pub use secrets::hash_password;
pub use service::{Service, Settings};
pub use snapshot::Snapshot;
pub use table::{find, find_ignoring_case, METHODS};
