//! Builds the server from a [`Config`]: opens the store, seeds it, binds the listener.
//! `main` and the tests start the server the same way; tests bind port 0.

use std::future::{poll_fn, Future};
use std::net::TcpListener;
use std::pin::pin;
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::{web, App, HttpServer};
use anyhow::Context;

use crate::asmx;
use crate::asmx::soap::NilMode;
use crate::clock::Clock;
use crate::config::Config;
use crate::control::auth::AdminAuth;
use crate::control::observe::Observe;
use crate::control::Control;
use crate::faults::Faults;
use crate::ops::{hash_fixture_password, Service, Settings};
use crate::state::AppState;
use crate::store::{DbLock, Store};
use crate::vendors::rate_limit::RateLimiter;
use crate::vendors::{VendorEndpoint, VendorState};
use crate::worlds::{Blueprint, World, WorldName, WorldRoute, Worlds};

/// Threads per HTTP worker for what blocks (writes, scans, password hashing). Enough
/// for group commit to gather sizeable batches; actix's default (512 / workers) let a
/// write load start dozens, each with its own stack and allocator heap, for no gain.
const BLOCKING_THREADS: usize = 16;

pub struct Application {
    port: u16,
    server: Server,
    clock: Clock,
    store: Store,
    worlds: Arc<Worlds>,
    /// `--shutdown-timeout`.
    shutdown_timeout: Duration,
    /// Held until everything is written at stop (`store/lock.rs`).
    _lock: Option<DbLock>,
    /// `https` when served over TLS.
    scheme: &'static str,
    /// The certificate's SHA-256 fingerprint, over TLS.
    fingerprint: Option<String>,
}

impl Application {
    pub fn build(config: &Config) -> anyhow::Result<Application> {
        // A certificate that does not load stops the start before the database is
        // created or seeded: a mistyped flag leaves nothing behind.
        let tls = config.tls().map(|source| source.load()).transpose()?;
        let lock = DbLock::acquire(&config.db)?;
        let store = Store::open(&config.db)
            .with_context(|| format!("opening database {}", config.db.display()))?;
        let fixtures = config.fixture_source();
        if store.seed_if_empty(&fixtures, hash_fixture_password)? {
            tracing::info!(%fixtures, "seeded an empty database");
        }
        if let Some(pages) = config.test_max_pages {
            store.cap_pages(pages)?;
        }
        let clock = Clock::default();
        let faults = Arc::new(Faults::new(&VendorEndpoint::NAMES));
        let control = Control::new(
            config.journal_size,
            clock.clone(),
            faults.clone(),
            fixtures.clone(),
        )
        .context("registering metrics")?;
        let settings = Settings {
            ticket_lifetime: chrono::Duration::from_std(config.ticket_lifetime)
                .context("ticket lifetime out of range")?,
            sysadmin_account: config.sysadmin_account.clone(),
            trusted_user_password: config.trusted_user_password.clone(),
            anonymous_access: config.anonymous_access,
            company: config.company.clone(),
            server_name: config.server_name.clone(),
        };
        let state = AppState {
            service: Service {
                store: store.clone(),
                clock: clock.clone(),
                settings: Arc::new(settings),
            },
            faults,
            body_timeout: config.body_timeout,
            base_path: Arc::from(""),
        };
        let options = asmx::Options {
            nil_mode: if config.nil_as_empty {
                NilMode::Empty
            } else {
                NilMode::Null
            },
            max_body: config.max_body,
        };
        let vendors = VendorState {
            commbox_limiter: config
                .commbox_rate
                .map(|rate| Arc::new(RateLimiter::new(rate))),
        };
        let blueprint = Blueprint {
            state: state.clone(),
            control: control.clone(),
            commbox_rate: config.commbox_rate,
        };
        let default = World::new(
            WorldName::default_world(),
            state.clone(),
            vendors.clone(),
            control.clone(),
            config.db.clone(),
        );
        let worlds = Arc::new(
            Worlds::open(
                default,
                &config.db,
                fixtures,
                config.max_worlds,
                config.world_idle,
                blueprint,
            )
            .context("opening the worlds")?,
        );
        let admin_token = config.admin_token.clone();
        let app_worlds = Arc::clone(&worlds);
        let listener =
            TcpListener::bind(config.bind).with_context(|| format!("binding {}", config.bind))?;
        let port = listener.local_addr()?.port();
        let mut server = HttpServer::new(move || {
            App::new()
                .app_data(web::Data::new(state.clone()))
                .app_data(web::Data::new(options))
                .app_data(web::Data::new(vendors.clone()))
                .app_data(web::Data::new(control.clone()))
                .app_data(web::Data::from(Arc::clone(&app_worlds)))
                .configure(routes)
                .wrap(Observe(control.clone()))
                .wrap(WorldRoute(Arc::clone(&app_worlds)))
                .wrap(AdminAuth::new(admin_token.as_deref()))
        })
        .worker_max_blocking_threads(BLOCKING_THREADS)
        // Pipelined requests are answered one response at a time: with Nagle's
        // algorithm each response after the first waited for the client's delayed ACK
        // (40 ms on Linux), which capped the session workload (issue 21).
        .tcp_nodelay(true)
        // The stop is ours (`run_until`): actix's own signal handling stops Ctrl-C
        // forcefully and waits 300 ms more before it returns.
        .disable_signals()
        .shutdown_timeout(whole_seconds(config.shutdown_timeout));
        let (scheme, fingerprint) = match &tls {
            Some(tls) => ("https", Some(tls.fingerprint.clone())),
            None => ("http", None),
        };
        if let Some(dir) = tls.as_ref().and_then(|tls| tls.written.as_ref()) {
            tracing::info!(dir = %dir.display(), "wrote a self-signed certificate");
        }
        server = match tls {
            Some(tls) => server.listen_rustls_0_23(listener, tls.config)?,
            None => server.listen(listener)?,
        };
        if let Some(workers) = config.workers {
            server = server.workers(workers);
        }
        Ok(Application {
            port,
            server: server.run(),
            clock,
            store,
            worlds,
            shutdown_timeout: config.shutdown_timeout,
            _lock: lock,
            scheme,
            fingerprint,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http` or `https`.
    pub fn scheme(&self) -> &'static str {
        self.scheme
    }

    /// The SHA-256 fingerprint of the certificate served, over TLS.
    pub fn fingerprint(&self) -> Option<&str> {
        self.fingerprint.as_deref()
    }

    /// The emulator's clock, for tests that move time.
    pub fn clock(&self) -> Clock {
        self.clock.clone()
    }

    /// Serves until `stop` resolves (in `main`, SIGTERM or Ctrl-C). Then it stops
    /// accepting and lets the requests in flight finish within `--shutdown-timeout`,
    /// closing what is still open after it; then it writes back the ticket slides kept
    /// in memory, so a restart honours every ticket exactly as this run left it, and
    /// leaves every write in the database file itself. Every acknowledged write is on
    /// disk already (`store/writer.rs`).
    pub async fn run_until(self, stop: impl Future<Output = ()>) -> std::io::Result<()> {
        let handle = self.server.handle();
        let mut server = pin!(self.server);
        let mut stop = pin!(stop);
        let ended = poll_fn(|cx| match server.as_mut().poll(cx) {
            Poll::Ready(ended) => Poll::Ready(Some(ended)),
            Poll::Pending => stop.as_mut().poll(cx).map(|()| None),
        })
        .await;
        match ended {
            Some(ended) => ended?,
            None => {
                tracing::info!("stopping: finishing the requests in flight");
                // Sent as it is called; the server's own future says when it is done.
                drop(handle.stop(true));
                match actix_web::rt::time::timeout(self.shutdown_timeout, server).await {
                    Ok(ended) => ended?,
                    Err(_) => tracing::warn!(
                        timeout = ?self.shutdown_timeout,
                        "requests still in flight at the shutdown timeout: their connections are closed"
                    ),
                }
            }
        }
        self.worlds.close();
        match self.store.flush_slides() {
            Ok(n) => tracing::info!(tickets = n, "stored deferred ticket expiries"),
            Err(e) => tracing::error!(error = %e, "could not store deferred ticket expiries"),
        }
        match self.store.checkpoint() {
            Ok(true) => {}
            Ok(false) => tracing::warn!("the WAL was not emptied: a read was still open"),
            Err(e) => tracing::error!(error = %e, "could not checkpoint the WAL"),
        }
        Ok(())
    }
}

/// actix counts its worker shutdown timeout in whole seconds; ours is the exact bound
/// (`run_until`), this only makes the workers close what is left soon after it.
fn whole_seconds(timeout: Duration) -> u64 {
    timeout.as_secs() + u64::from(timeout.subsec_nanos() > 0)
}

/// Every route of the emulator. `/srv.asmx` in the case clients nearly always use
/// comes first, so its calls skip trying every other route (a tenth of a help page's
/// instructions); other spellings reach it through `unrouted`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::scope(asmx::SERVICE_PATH).default_service(web::to(asmx::handle)))
        .configure(crate::openapi::routes)
        .configure(crate::worlds::routes)
        .configure(crate::control::routes)
        .configure(crate::vendors::routes)
        .default_service(web::to(unrouted));
}

/// What no route claimed: the Web API's paths, then `srv.asmx` and the 404s.
async fn unrouted(
    req: actix_web::HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
    options: web::Data<asmx::Options>,
) -> actix_web::HttpResponse {
    if crate::vendors::is_web_api_path(req.path()) {
        crate::vendors::web_api(req, payload, state).await
    } else {
        asmx::handle(req, payload, state, options).await
    }
}
