//! # asmx-emulator
//!
//! A server that behaves on the wire like infoRouter's `srv.asmx` (an ASP.NET ASMX SOAP
//! service) and, over the same users, like four vendor REST APIs, over one SQLite file.
//! ARCHITECTURE.md walks a request through these modules.
//!
//! ## Layout: protocol → operations → store, one direction only
//! - [`asmx`]: the only place that knows ASMX — SOAP 1.1/1.2 envelopes, the HTTP GET
//!   and form POST bindings, faults, the WSDL, disco and help pages.
//! - [`vendors`]: the four vendor REST APIs (chatbot, Conscent, CommBox, ASP.NET Web
//!   API), thin adapters that share the users with `srv.asmx` (docs/vendors.md).
//! - [`ops`]: each infoRouter method written once, with no HTTP or XML types: it takes
//!   [`ops::Args`] and returns an [`ops::Node`], business errors in-band.
//!   [`ops::Service::call`] is the one seam the protocol layer calls.
//! - [`store`]: the only SQL; one transaction per call.
//! - [`model`]: plain data shared by every layer.
//! - [`record`], [`faults`], [`body`]: what a request carries beside its bytes (the
//!   per-request record, the fault rules it may meet, its body read within limits).
//!   Protocol modules write the record and consult the rules; the control plane reads
//!   the record and manages the rules; neither imports the other.
//! - [`control`]: the admin API under `/__emulator/` (reset, journal, clock, mails,
//!   faults), health checks and metrics, and the middleware that observes each call.
//! - [`worlds`]: isolated worlds (docs/worlds.md): the middleware that serves
//!   `/worlds/{name}/…` as `/…` over that world's own handles, given to the handlers as
//!   their usual app data; the registry of worlds and their files; `/__emulator/worlds`.
//! - [`app`], [`config`], [`state`], [`clock`], [`logging`]: wiring, flags, the handles
//!   every handler shares, time, log output.
//! - [`parity`]: the `record` and `compare` subcommands (docs/parity.md), a tool beside
//!   the server that no server module imports.
//! - [`openapi`]: serves `openapi/openapi.yaml`, the OpenAPI document of the REST APIs.
//!
//! ## Invariants
//! - Only `asmx` knows SOAP/ASMX and only `vendors` knows the vendors' wire shapes; each
//!   renders its errors to bytes in one place (`asmx/fault.rs`, one `into_response` per
//!   vendor).
//! - `ops` never sees HTTP, XML bytes or SQL; exact in-band texts live in `ops/error.rs`.
//! - Only `store` has SQL. Every request is at most one write transaction, committed only
//!   when the operation succeeds, so an error leaves nothing half-written.
//! - Imports between files point one way: a `mod.rs` declares and re-exports, and every
//!   file imports what it uses from the file that defines it.
//! - Time comes from [`clock::Clock`] only, so tests move it instead of sleeping.

pub mod app;
pub mod asmx;
pub mod body;
pub mod clock;
pub mod config;
pub mod control;
pub mod faults;
pub mod logging;
pub mod model;
pub mod openapi;
pub mod ops;
pub mod parity;
pub mod record;
pub mod state;
pub mod store;
pub mod tls;
pub mod vendors;
pub mod worlds;
