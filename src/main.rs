use clap::Parser;

use asmx_emulator::app::Application;
use asmx_emulator::config::Config;

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let config = Config::parse();
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
