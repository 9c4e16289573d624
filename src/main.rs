use clap::Parser;

use asmx_emulator::app::Application;
use asmx_emulator::config::Config;

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
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
