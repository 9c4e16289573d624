//! The control plane: what tests use to drive the emulator, under `/__emulator/` (JSON in
//! and out, behind `--admin-token` when set), plus `/healthz`, `/readyz` and `/metrics`.
//! The [`observe::Observe`] middleware watches every emulated call (journal, metrics,
//! one log line); handlers report what they know through [`exchange::Exchange`] and ask
//! [`faults::begin`] whether to misbehave.
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
//! | `GET /healthz`, `GET /readyz`, `GET /metrics` | liveness, readiness, Prometheus |

pub mod auth;
mod body;
mod capture;
mod clock;
mod error;
pub mod exchange;
pub mod faults;
mod fixtures;
mod health;
mod journal;
mod mails;
mod metrics;
pub mod observe;

use std::path::PathBuf;
use std::sync::Arc;

use actix_web::web;

pub use error::ControlError;
use faults::Faults;
use journal::Journal;
use metrics::Metrics;

/// The prefix of every admin route; no emulated API uses it.
pub const PREFIX: &str = "/__emulator";

/// What the control plane keeps; cheap to clone.
#[derive(Clone)]
pub struct Control {
    /// `None` when `--journal-size` is 0.
    pub(crate) journal: Option<Arc<Journal>>,
    pub(crate) faults: Arc<Faults>,
    pub(crate) metrics: Arc<Metrics>,
    pub(crate) clock: crate::clock::Clock,
    /// The fixture directory the server started with: what a reset goes back to.
    pub(crate) fixtures: Arc<PathBuf>,
}

impl Control {
    pub fn new(
        journal_size: usize,
        clock: crate::clock::Clock,
        fixtures: PathBuf,
    ) -> Result<Control, prometheus::Error> {
        Ok(Control {
            journal: Journal::new(journal_size).map(Arc::new),
            faults: Arc::default(),
            metrics: Arc::new(Metrics::new()?),
            clock,
            fixtures: Arc::new(fixtures),
        })
    }
}

/// The admin routes under [`PREFIX`], and the health and metrics routes at the root.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope(PREFIX)
            .configure(fixtures::routes)
            .configure(journal::routes)
            .configure(clock::routes)
            .configure(mails::routes)
            .configure(faults::routes)
            .default_service(web::to(not_found)),
    )
    .configure(health::routes)
    .configure(metrics::routes);
}

/// An admin resource: a method it does not serve is a JSON 405, like every other error.
fn resource(path: &str) -> actix_web::Resource {
    web::resource(path).default_service(web::to(method_not_allowed))
}

async fn method_not_allowed(
    req: actix_web::HttpRequest,
) -> Result<actix_web::HttpResponse, ControlError> {
    Err(ControlError::MethodNotAllowed(format!(
        "{} is not served on {}",
        req.method(),
        req.path()
    )))
}

async fn not_found(req: actix_web::HttpRequest) -> Result<actix_web::HttpResponse, ControlError> {
    Err(ControlError::NotFound(format!(
        "no admin route {} {}",
        req.method(),
        req.path()
    )))
}
