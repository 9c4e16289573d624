//! Real SOAP client toolchains, generated from the live WSDL of a running server.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::helpers::spawn_app;

/// Runs a client program with a deadline; returns (success, stdout + stderr).
fn run_bounded(mut command: Command, limit: Duration) -> (bool, String) {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("cannot start {command:?}: {e} (run .ci/run to install the clients)")
        });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break Some(status);
        }
        if started.elapsed() > limit {
            child.kill().ok();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let output = child.wait_with_output().expect("output");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (status.is_some_and(|s| s.success()), text)
}

#[actix_web::test]
async fn zeep_client_from_the_live_wsdl_runs_the_contact_scenario() {
    let app = spawn_app().await;
    let mut command = Command::new("python3");
    command
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/clients/zeep/roundtrip.py"
        ))
        .arg(format!("{}/srv.asmx", app.base));
    let (ok, output) =
        actix_web::rt::task::spawn_blocking(move || run_bounded(command, Duration::from_secs(120)))
            .await
            .expect("client thread");
    assert!(ok, "zeep scenario failed:\n{output}");
    assert!(output.contains("zeep: all steps passed"), "{output}");
}
