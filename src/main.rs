use clap::Parser;

use asmx_emulator::app::Application;
use asmx_emulator::config::Config;

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    limit_malloc_arenas();
    let config = Config::parse();
    let _logs = asmx_emulator::logging::init(config.log_format);
    let app = Application::build(&config)?;
    let host = match config.bind.ip() {
        ip if ip.is_unspecified() => "127.0.0.1".to_string(),
        ip => ip.to_string(),
    };
    println!(
        "asmx-emulator listening on http://{host}:{}/srv.asmx",
        app.port()
    );
    app.run_until_stopped().await?;
    Ok(())
}

/// glibc gives threads that allocate arenas of their own, up to eight per core, and
/// keeps what is freed in each: under a listing load the blocking pool's threads left
/// 88 MB resident in them. Two arenas kept the peak under the 100 MB target with no
/// measurable cost to throughput (issue 8).
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
