//! One world: the handles its requests use (its own store, clock, fault rules, journal
//! and CommBox rate buckets), registered per request as the app data the handlers
//! already extract, so no handler knows which world it serves.

use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::atomic::{AtomicI64, Ordering::Relaxed};
use std::sync::Arc;

use actix_web::dev::{Extensions, ServiceRequest};
use actix_web::web;
use chrono::{DateTime, Utc};

use super::name::WorldName;
use crate::clock::Clock;
use crate::control::Control;
use crate::faults::Faults;
use crate::ops::Service;
use crate::state::AppState;
use crate::store::{DbLock, Store, StoreError};
use crate::vendors::rate_limit::{Rate, RateLimiter};
use crate::vendors::{VendorEndpoint, VendorState};

/// What every world is made like: the default world's settings and control plane, and
/// the CommBox rate.
#[derive(Clone)]
pub struct Blueprint {
    pub state: AppState,
    pub control: Control,
    pub commbox_rate: Option<Rate>,
}

pub struct World {
    pub name: WorldName,
    pub state: web::Data<AppState>,
    pub vendors: web::Data<VendorState>,
    pub control: web::Data<Control>,
    /// Its database file.
    pub path: PathBuf,
    pub created: DateTime<Utc>,
    /// The default world's clock, which idleness is measured on: a test that moves it
    /// past `--world-idle` sees idle worlds go, without waiting a day.
    usage_clock: Clock,
    /// Unix seconds, on `usage_clock`, of when the world was made or opened: a world
    /// never used is idle from then.
    since: i64,
    /// Unix seconds, on `usage_clock`, of the last request; 0 for none yet.
    last_used: AtomicI64,
    /// This process's hold on the file (`store/lock.rs`); the default world's is the
    /// application's, held until everything is written at stop.
    _lock: Option<DbLock>,
}

/// What the admin API lists of a world.
pub struct Info {
    pub users: i64,
    pub bytes: u64,
    pub last_used: Option<DateTime<Utc>>,
}

impl World {
    /// A world on these handles; the default world's are those the server was built
    /// with.
    pub fn new(
        name: WorldName,
        state: AppState,
        vendors: VendorState,
        control: Control,
        path: PathBuf,
    ) -> World {
        let usage_clock = state.service.clock.clone();
        World {
            created: created(&path),
            since: usage_clock.now().timestamp(),
            usage_clock,
            name,
            state: web::Data::new(state),
            vendors: web::Data::new(vendors),
            control: web::Data::new(control),
            path,
            last_used: AtomicI64::new(0),
            _lock: None,
        }
    }

    /// Another world on `store`: its own clock, fault rules, journal and rate buckets.
    pub fn from_blueprint(
        blueprint: &Blueprint,
        name: WorldName,
        (lock, store): (DbLock, Store),
        path: PathBuf,
    ) -> Result<World, prometheus::Error> {
        let clock = Clock::default();
        let faults = Arc::new(Faults::new(&VendorEndpoint::NAMES));
        let state = AppState {
            service: Service {
                store,
                clock: clock.clone(),
                settings: Arc::clone(&blueprint.state.service.settings),
            },
            faults: Arc::clone(&faults),
            body_timeout: blueprint.state.body_timeout,
            base_path: Arc::from(format!("/worlds/{name}")),
        };
        let vendors = VendorState {
            commbox_limiter: blueprint
                .commbox_rate
                .map(|rate| Arc::new(RateLimiter::new(rate))),
        };
        let control = blueprint.control.for_world(name.shared(), clock, faults)?;
        Ok(World {
            usage_clock: blueprint.state.service.clock.clone(),
            _lock: Some(lock),
            ..World::new(name, state, vendors, control, path)
        })
    }

    pub fn store(&self) -> &Store {
        &self.state.service.store
    }

    /// Makes the request run in this world: the handlers' app data is this world's.
    pub fn enter(&self, req: &mut ServiceRequest) {
        let mut data = Extensions::new();
        data.insert(self.state.clone());
        data.insert(self.vendors.clone());
        data.insert(self.control.clone());
        req.add_data_container(Rc::new(data));
        self.touch();
    }

    /// Notes a request. Written only when the second changed, so the requests of a busy
    /// world do not all write one cache line.
    pub fn touch(&self) {
        let now = self.usage_clock.now().timestamp();
        if self.last_used.load(Relaxed) != now {
            self.last_used.store(now, Relaxed);
        }
    }

    /// Whether no request came for `idle` seconds of the default world's clock (a
    /// clock moved back makes nothing idle).
    pub fn idle(&self, idle: i64) -> bool {
        let last = self.last_used.load(Relaxed).max(self.since);
        self.usage_clock.now().timestamp().saturating_sub(last) >= idle
    }

    /// Whether anything besides the registry still holds the world: a request that
    /// entered it, a handler's store handle, a response still streaming from it.
    pub fn in_use(self: &Arc<World>) -> bool {
        Arc::strong_count(self) > 1 || Arc::strong_count(&self.state) > 1 || self.store().in_use()
    }

    /// Blocks (reads the store).
    pub fn info(&self) -> Result<Info, StoreError> {
        let users = self.store().read(|tx| tx.user_count())?;
        let last_used = self.last_used.load(Relaxed);
        Ok(Info {
            users,
            bytes: [file_len(&self.path), file_len(&wal(&self.path))]
                .iter()
                .sum(),
            last_used: (last_used > 0)
                .then(|| DateTime::from_timestamp(last_used, 0))
                .flatten(),
        })
    }
}

/// The WAL beside a database file.
pub fn wal(path: &Path) -> PathBuf {
    sibling(path, "-wal")
}

/// `path` with `suffix` added to its file name.
pub fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn file_len(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}

/// When the file was made, as far as the file system tells (else now): a world that
/// outlives a restart keeps its creation time.
fn created(path: &Path) -> DateTime<Utc> {
    std::fs::metadata(path)
        .and_then(|m| m.created().or_else(|_| m.modified()))
        .map_or_else(|_| Utc::now(), DateTime::<Utc>::from)
}
