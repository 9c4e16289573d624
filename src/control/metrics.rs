//! Prometheus metrics, served at `GET /metrics` by `scrape.rs`: request counts and durations fed by the
//! observing middleware, and two gauges read from the store at scrape time.

use std::time::Duration;

use actix_web::http::StatusCode;
use prometheus::{HistogramOpts, HistogramVec, IntCounterVec, IntGauge, Opts, Registry};

/// A label value for calls no handler named (unknown paths, the WSDL, help pages).
const NONE: &str = "none";

pub struct Metrics {
    pub(super) registry: Registry,
    requests: IntCounterVec,
    durations: HistogramVec,
    pub(super) active_tickets: IntGauge,
    pub(super) database_bytes: IntGauge,
}

impl Metrics {
    pub fn new() -> Result<Metrics, prometheus::Error> {
        let registry = Registry::new();
        let requests = IntCounterVec::new(
            Opts::new("asmx_requests_total", "Emulated requests answered"),
            &["operation", "binding", "status"],
        )?;
        let durations = HistogramVec::new(
            HistogramOpts::new(
                "asmx_request_duration_seconds",
                "Time to answer an emulated request",
            ),
            &["operation", "binding"],
        )?;
        let active_tickets = IntGauge::new("asmx_active_tickets", "Unexpired tickets")?;
        let database_bytes = IntGauge::new("asmx_database_bytes", "Size of the SQLite database")?;
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(durations.clone()))?;
        registry.register(Box::new(active_tickets.clone()))?;
        registry.register(Box::new(database_bytes.clone()))?;
        Ok(Metrics {
            registry,
            requests,
            durations,
            active_tickets,
            database_bytes,
        })
    }

    /// Counts one answered request. `status` is `None` when a fault dropped it.
    pub fn observe(
        &self,
        operation: Option<&str>,
        binding: Option<&str>,
        status: Option<StatusCode>,
        duration: Duration,
    ) {
        let operation = operation.unwrap_or(NONE);
        let binding = binding.unwrap_or(NONE);
        let status = status.as_ref().map_or("dropped", StatusCode::as_str);
        self.requests
            .with_label_values(&[operation, binding, status])
            .inc();
        self.durations
            .with_label_values(&[operation, binding])
            .observe(duration.as_secs_f64());
    }
}
