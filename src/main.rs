use std::future::Future;

use clap::Parser;

use asmx_emulator::app::Application;
use asmx_emulator::config::Config;

/// jemalloc serves a request's many small, short-lived strings and nodes in fewer
/// instructions than glibc's malloc: under callgrind a SOAP GetUser took 7% fewer
/// instructions in all, with 43 allocations per request (12% with 72; issue 8).
/// mimalloc was as fast but kept more of what the blocking pool's threads freed (see
/// `MALLOC_CONF`).
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// A `const char *` that jemalloc reads before `main`.
#[cfg(not(target_env = "msvc"))]
#[repr(transparent)]
struct MallocConf(*const std::ffi::c_char);

// SAFETY: the pointer is to a static string and nothing writes through it.
#[cfg(not(target_env = "msvc"))]
unsafe impl Sync for MallocConf {}

/// jemalloc's options, read at its first allocation (the `MALLOC_CONF` environment
/// variable, spelt `_RJEM_MALLOC_CONF` for this prefixed build, still overrides them).
/// By default it makes four arenas per core, and the blocking pool's sixteen threads
/// spread over them kept freed memory in each; two arenas keep the listing server's
/// peak as low as glibc's two. Dirty pages go back to the OS after a second rather
/// than ten, muzzy ones at once.
#[cfg(not(target_env = "msvc"))]
#[export_name = "_rjem_malloc_conf"]
static MALLOC_CONF: MallocConf =
    MallocConf(c"narenas:2,dirty_decay_ms:1000,muzzy_decay_ms:0".as_ptr());

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    limit_malloc_arenas();
    let config = Config::parse();
    if let Some(tool) = config.tool() {
        std::process::exit(asmx_emulator::parity::cli::run(tool));
    }
    let _logs = asmx_emulator::logging::init(config.log_format);
    let stop = stop_signal()?;
    let app = Application::build(&config)?;
    let host = match config.bind.ip() {
        ip if ip.is_unspecified() => "127.0.0.1".to_string(),
        ip => ip.to_string(),
    };
    if let Some(fingerprint) = app.fingerprint() {
        println!("asmx-emulator certificate SHA-256 fingerprint {fingerprint}");
    }
    println!(
        "asmx-emulator listening on {}://{host}:{}/srv.asmx",
        app.scheme(),
        app.port()
    );
    app.run_until(stop).await?;
    Ok(())
}

/// SIGTERM (a service manager's stop) or Ctrl-C: both stop gracefully. Listened for
/// from here on, before the server says it listens: a stop sent as soon as it does must
/// not meet the default action, which ends the process unflushed.
#[cfg(unix)]
fn stop_signal() -> anyhow::Result<impl Future<Output = ()>> {
    use actix_web::rt::signal::unix::{signal, SignalKind};
    let mut term = signal(SignalKind::terminate())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    Ok(async move {
        let mut term = std::pin::pin!(term.recv());
        let mut interrupt = std::pin::pin!(interrupt.recv());
        std::future::poll_fn(|cx| {
            if term.as_mut().poll(cx).is_ready() || interrupt.as_mut().poll(cx).is_ready() {
                std::task::Poll::Ready(())
            } else {
                std::task::Poll::Pending
            }
        })
        .await;
    })
}

#[cfg(not(unix))]
fn stop_signal() -> anyhow::Result<impl Future<Output = ()>> {
    Ok(async {
        let _ = actix_web::rt::signal::ctrl_c().await;
    })
}

/// SQLite's own allocations still go to glibc's malloc. glibc gives threads that
/// allocate arenas of their own, up to eight per core, and keeps what is freed in each:
/// under a listing load the blocking pool's threads left 88 MB resident in them (when
/// glibc served the Rust side too). Two arenas kept the peak under the 100 MB target
/// with no measurable cost to throughput (issue 8).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn limit_malloc_arenas() {
    // SAFETY: mallopt only sets an allocator parameter, and M_ARENA_MAX takes any
    // positive count; nothing else runs yet.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn limit_malloc_arenas() {}
