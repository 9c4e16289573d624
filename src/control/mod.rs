//! The control plane: what tests use to drive the emulator, under `/__emulator/` (JSON in
//! and out, behind `--admin-token` when set), plus `/healthz`, `/readyz` and `/metrics`.
//! The [`observe::Observe`] middleware watches every emulated call (journal, metrics,
//! one log line): it reads the per-request [`crate::record::Record`] that the handlers
//! fill in. Nothing in the protocol modules imports this one; the fault rules the
//! handlers consult live below both, in [`crate::faults`].
//!
//! | route | what |
//! |---|---|
//! | `POST /__emulator/reset` | all data back to the startup fixture directory |
//! | `GET /__emulator/fixtures` | users and domains as a fixture document |
//! | `POST /__emulator/fixtures` | replace all data with a fixture document |
//! | `POST /__emulator/users` | create one user (fixture user shape) → 201 `{"id"}` |
//! | `GET /__emulator/requests` | the journal, oldest first (`?operation=&user=&binding=&status=&since=&limit=`) |
//! | `GET /__emulator/requests/count` | `{"count"}` with the same filters |
//! | `DELETE /__emulator/requests` | empty the journal |
//! | `GET /__emulator/clock` | `{"now", "offset_ms"}` |
//! | `PUT /__emulator/clock` | set: `{"now": RFC 3339}` |
//! | `POST /__emulator/clock/advance` | `{"seconds": N}` or `{"duration": "29days"}` |
//! | `DELETE /__emulator/clock` | back to real time |
//! | `GET /__emulator/mails` | the outbox |
//! | `DELETE /__emulator/mails` | empty the outbox |
//! | `GET /__emulator/faults` | fault rules with their remaining counts |
//! | `POST /__emulator/faults` | add a rule → 201 |
//! | `DELETE /__emulator/faults` | remove every rule |
//! | `DELETE /__emulator/faults/{id}` | remove one rule |
//! | `GET /__emulator/worlds` | every world (served by the worlds module, as the next two) |
//! | `POST /__emulator/worlds` | create a world → 201; 409 when it exists |
//! | `DELETE /__emulator/worlds/{world}` | delete a world and its file → 204 |
//! | `GET /healthz`, `GET /readyz`, `GET /metrics` | liveness, readiness, Prometheus |
//!
//! Each route above under `/__emulator/` is also served as `/__emulator/worlds/{world}/…`
//! for that world (docs/worlds.md); unprefixed, it acts on `default`.

pub mod auth;
pub mod body;
mod capture;
mod clock;
mod error;
mod faults;
mod fixtures;
mod health;
mod journal;
mod mails;
mod metrics;
pub mod observe;
mod plane;
mod requests;
pub mod resource;
mod scrape;

use actix_web::web;

pub use error::ControlError;
pub use plane::Control;
pub use resource::{is_own, PREFIX};

/// The admin routes under [`PREFIX`], and the health and metrics routes at the root.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope(PREFIX)
            .configure(fixtures::routes)
            .configure(requests::routes)
            .configure(clock::routes)
            .configure(mails::routes)
            .configure(faults::routes)
            .default_service(web::to(resource::not_found)),
    )
    .configure(health::routes)
    .configure(scrape::routes);
}
