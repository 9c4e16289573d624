//! # asmx-emulator
//!
//! A server that behaves on the wire like infoRouter's `srv.asmx` (an ASP.NET ASMX SOAP
//! service), over one SQLite file.
//!
//! ## Layout: protocol → operations → store, one direction only
//! - [`asmx`]: the only place that knows ASMX — SOAP 1.1/1.2 envelopes, the HTTP GET
//!   and form POST bindings, faults, the WSDL, disco and help pages.
//! - [`ops`]: each infoRouter method written once, with no HTTP or XML types: it takes
//!   [`ops::Args`] and returns an [`ops::Node`], business errors in-band.
//! - [`vendors`]: four vendor REST APIs (chatbot, Conscent, CommBox, ASP.NET Web API),
//!   thin adapters over [`ops::vendor_users`] and [`ops::contact_items`], which share
//!   the users with `srv.asmx` (docs/vendors.md).
//! - [`store`]: the only SQL; one transaction per call.
//! - [`model`]: plain data shared by operations and store.
//! - [`control`]: the admin API under `/__emulator/` (reset, journal, clock, mails,
//!   faults), health checks and metrics. Handlers of `asmx` and `vendors` report each
//!   call to it (`control::exchange`) and ask it for faults (`control::faults`); each
//!   renders an injected fault in its own wire format.
//! - [`app`], [`config`], [`state`], [`clock`]: wiring, flags, shared state, time.
//! - [`openapi`]: serves `openapi/openapi.yaml`, the OpenAPI document of the REST APIs.
//!
//! ## Invariants
//! - Only `asmx` knows SOAP/ASMX and only `vendors` knows the vendors' wire shapes; each
//!   renders its errors to bytes in one place (`asmx/fault.rs`, one `into_response` per
//!   vendor).
//! - `ops` never sees HTTP, XML bytes or SQL; exact in-band texts live in `ops/error.rs`.
//! - Only `store` has SQL. Every request is at most one write transaction, committed only
//!   when the operation succeeds, so an error leaves nothing half-written.
//! - Time comes from [`clock::Clock`] only, so tests move it instead of sleeping.

pub mod app;
pub mod asmx;
pub mod clock;
pub mod config;
pub mod control;
pub mod logging;
pub mod model;
pub mod openapi;
pub mod ops;
pub mod state;
pub mod store;
pub mod vendors;
