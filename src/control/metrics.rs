//! Prometheus metrics, served at `GET /metrics` by `scrape.rs`: request counts and
//! durations fed by the observing middleware, one set per world, and two gauges read
//! from the store at scrape time.

use std::time::Duration;

use actix_web::http::StatusCode;
use prometheus::{HistogramOpts, HistogramVec, IntCounterVec, IntGauge, Opts, Registry};

/// A label value for calls no handler named (unknown paths, the WSDL, help pages).
const NONE: &str = "none";

/// The server's: the registry every world's series are in, and the gauges.
pub struct Metrics {
    pub(super) registry: Registry,
    pub(super) active_tickets: IntGauge,
    pub(super) database_bytes: IntGauge,
}

/// One world's request series. Its name is a constant label rather than a label the
/// request fills in: a request pays for no extra label lookup, and a world that goes
/// takes its series with it (`Metrics::forget`), so their number stays bounded by
/// `--max-worlds`.
pub struct Series {
    requests: IntCounterVec,
    durations: HistogramVec,
}

impl Metrics {
    pub fn new() -> Result<Metrics, prometheus::Error> {
        let registry = Registry::new();
        let active_tickets = IntGauge::new("asmx_active_tickets", "Unexpired tickets")?;
        let database_bytes = IntGauge::new("asmx_database_bytes", "Size of the SQLite database")?;
        registry.register(Box::new(active_tickets.clone()))?;
        registry.register(Box::new(database_bytes.clone()))?;
        Ok(Metrics {
            registry,
            active_tickets,
            database_bytes,
        })
    }

    /// The series of `world`, registered until [`Metrics::forget`].
    pub fn series(&self, world: &str) -> Result<Series, prometheus::Error> {
        let requests = IntCounterVec::new(
            Opts::new("asmx_requests_total", "Emulated requests answered")
                .const_label("world", world),
            &["operation", "binding", "status"],
        )?;
        let durations = HistogramVec::new(
            HistogramOpts::new(
                "asmx_request_duration_seconds",
                "Time to answer an emulated request",
            )
            .const_label("world", world),
            &["operation", "binding"],
        )?;
        self.registry.register(Box::new(requests.clone()))?;
        if let Err(e) = self.registry.register(Box::new(durations.clone())) {
            self.registry.unregister(Box::new(requests)).ok();
            return Err(e);
        }
        Ok(Series {
            requests,
            durations,
        })
    }

    /// Takes a world's series off `/metrics`.
    pub fn forget(&self, series: &Series) {
        // Each was registered once, by `series`: nothing else can fail here.
        self.registry
            .unregister(Box::new(series.requests.clone()))
            .ok();
        self.registry
            .unregister(Box::new(series.durations.clone()))
            .ok();
    }
}

impl Series {
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
