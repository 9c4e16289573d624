//! Fault injection: rules kept in memory ([`rules`]) and their application to a call
//! ([`inject`]). Below both the protocol modules, which apply rules, and the control
//! plane, which manages them, so neither imports the other.

pub mod inject;
pub mod rules;

pub use inject::{begin, Injected};
pub use rules::{Action, Faults};
