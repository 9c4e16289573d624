//! The parity kit (docs/parity.md): `record` proxies a client's traffic to a real
//! server into a capture directory, `compare` replays it against a target and reports
//! every difference, classed protocol, schema or data. A tool beside the server: no
//! server module imports it.

pub mod capture;
pub mod carry;
pub mod cli;
pub mod diff;
pub mod error;
pub mod html;
pub mod normalise;
pub mod operation;
pub mod proxy;
pub mod redact;
pub mod replay;
pub mod report;
pub mod target;
pub mod tree;
pub mod wire;
