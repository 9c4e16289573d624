//! Prometheus metrics at `GET /metrics`: request counts and durations fed by the
//! observing middleware, and two gauges read from the store at scrape time.

use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, Opts, Registry, TextEncoder,
};

use super::error::ControlError;
use crate::state::AppState;

/// A label value for calls no handler named (unknown paths, the WSDL, help pages).
const NONE: &str = "none";

pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    durations: HistogramVec,
    active_tickets: IntGauge,
    database_bytes: IntGauge,
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

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/metrics").route(web::get().to(scrape)));
}

async fn scrape(state: web::Data<AppState>) -> Result<HttpResponse, ControlError> {
    let store = state.service.store.clone();
    let now = state.service.clock.now();
    let (tickets, bytes) = web::block(move || {
        Ok::<_, ControlError>((store.active_tickets(now)?, store.database_bytes()?))
    })
    .await??;
    let metrics = &state.control.metrics;
    metrics.active_tickets.set(tickets);
    metrics.database_bytes.set(bytes);
    let encoder = TextEncoder::new();
    let mut text = Vec::new();
    encoder.encode(&metrics.registry.gather(), &mut text)?;
    Ok(HttpResponse::Ok()
        .content_type(encoder.format_type())
        .body(text))
}
