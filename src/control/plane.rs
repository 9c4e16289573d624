//! What the control plane keeps: its own registered app data, beside `AppState`. Each
//! world has its own (its journal, clock, fault rules and request series); the metrics
//! registry is the server's.

use std::sync::Arc;

use super::journal::Journal;
use super::metrics::{Metrics, Series};
use crate::clock::Clock;
use crate::faults::Faults;
use crate::store::FixtureSource;
use crate::worlds::name::DEFAULT;

/// Cheap to clone.
#[derive(Clone)]
pub struct Control {
    /// The world this is the control plane of, as the journal and the log name it.
    pub(crate) world: Arc<str>,
    /// `None` when `--journal-size` is 0.
    pub(crate) journal: Option<Arc<Journal>>,
    journal_size: usize,
    /// The same rules the handlers consult through `AppState`.
    pub(crate) faults: Arc<Faults>,
    pub(crate) metrics: Arc<Metrics>,
    /// The world's request series, in `metrics`' registry.
    pub(crate) series: Arc<Series>,
    pub(crate) clock: Clock,
    /// The fixtures the server started with: what a reset goes back to.
    pub(crate) fixtures: Arc<FixtureSource>,
}

impl Control {
    pub fn new(
        journal_size: usize,
        clock: Clock,
        faults: Arc<Faults>,
        fixtures: FixtureSource,
    ) -> Result<Control, prometheus::Error> {
        let metrics = Metrics::new()?;
        Ok(Control {
            world: Arc::from(DEFAULT),
            journal: Journal::new(journal_size).map(Arc::new),
            journal_size,
            faults,
            series: Arc::new(metrics.series(DEFAULT)?),
            metrics: Arc::new(metrics),
            clock,
            fixtures: Arc::new(fixtures),
        })
    }

    /// The control plane of another world: the same metrics registry and fixture
    /// directory, with an empty journal, series of its own (until [`Control::forget`])
    /// and the world's own clock and fault rules.
    pub fn for_world(
        &self,
        world: Arc<str>,
        clock: Clock,
        faults: Arc<Faults>,
    ) -> Result<Control, prometheus::Error> {
        Ok(Control {
            series: Arc::new(self.metrics.series(&world)?),
            world,
            journal: Journal::new(self.journal_size).map(Arc::new),
            journal_size: self.journal_size,
            faults,
            metrics: Arc::clone(&self.metrics),
            clock,
            fixtures: Arc::clone(&self.fixtures),
        })
    }

    /// Takes the world's series off `/metrics`, as the world goes.
    pub fn forget(&self) {
        self.metrics.forget(&self.series);
    }
}
