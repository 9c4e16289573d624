//! What the control plane keeps: its own registered app data, beside `AppState`.

use std::path::PathBuf;
use std::sync::Arc;

use super::journal::Journal;
use super::metrics::Metrics;
use crate::clock::Clock;
use crate::faults::Faults;

/// Cheap to clone.
#[derive(Clone)]
pub struct Control {
    /// `None` when `--journal-size` is 0.
    pub(crate) journal: Option<Arc<Journal>>,
    /// The same rules the handlers consult through `AppState`.
    pub(crate) faults: Arc<Faults>,
    pub(crate) metrics: Arc<Metrics>,
    pub(crate) clock: Clock,
    /// The fixture directory the server started with: what a reset goes back to.
    pub(crate) fixtures: Arc<PathBuf>,
}

impl Control {
    pub fn new(
        journal_size: usize,
        clock: Clock,
        faults: Arc<Faults>,
        fixtures: PathBuf,
    ) -> Result<Control, prometheus::Error> {
        Ok(Control {
            journal: Journal::new(journal_size).map(Arc::new),
            faults,
            metrics: Arc::new(Metrics::new()?),
            clock,
            fixtures: Arc::new(fixtures),
        })
    }
}
