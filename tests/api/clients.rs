//! Real SOAP client toolchains, each generating its client from the live WSDL of a
//! server of its own and running the conformance scenario against it
//! (`tests/clients/run.sh`; docs/testing.md, "Verified SOAP toolchains"). A missing
//! toolchain fails its test: `.ci/run` installs them all.

use std::process::Command;
use std::time::Duration;

use crate::helpers::spawn_app;
use crate::tools::run_bounded_async;

/// Seconds `run.sh` gives one toolchain; the test's own deadline is a little longer, so
/// `timeout` in the script (which ends the whole process group) acts first.
const TOOLCHAIN_LIMIT: u64 = 240;

/// Runs `toolchain`'s scenario through `tests/clients/run.sh` against a fresh server.
async fn scenario_passes(toolchain: &'static str) {
    let app = spawn_app().await;
    scenario_passes_at(format!("{}/srv.asmx", app.base), toolchain).await;
}

/// Runs `toolchain`'s scenario against the service at `service` (`…/srv.asmx`).
pub(crate) async fn scenario_passes_at(service: String, toolchain: &'static str) {
    scenario_passes_with(service, toolchain, &[]).await;
}

/// The same, with `env` set for the toolchain (how an HTTPS test tells it what to trust).
pub(crate) async fn scenario_passes_with(
    service: String,
    toolchain: &'static str,
    env: &[(&str, &str)],
) {
    let mut command = Command::new("bash");
    command.envs(env.iter().copied());
    command
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/clients/run.sh"))
        .arg(service)
        .arg(toolchain)
        .env("CLIENT_TIMEOUT", TOOLCHAIN_LIMIT.to_string());
    let limit = Duration::from_secs(TOOLCHAIN_LIMIT + 30);
    let (ok, output) = run_bounded_async(command, limit).await;
    assert!(ok, "{toolchain} scenario failed:\n{output}");
    let done = format!("{toolchain}: all steps passed");
    assert!(output.contains(&done), "no '{done}' in:\n{output}");
}

#[actix_web::test]
async fn zeep_client_from_the_live_wsdl_runs_the_scenario() {
    scenario_passes("zeep").await;
}

#[actix_web::test]
async fn suds_client_from_the_live_wsdl_runs_the_scenario() {
    scenario_passes("suds").await;
}

#[actix_web::test]
async fn node_soap_client_from_the_live_wsdl_runs_the_scenario() {
    scenario_passes("node").await;
}

#[actix_web::test]
async fn jaxws_client_from_the_live_wsdl_runs_the_scenario_on_soap11_and_soap12() {
    scenario_passes("jaxws").await;
}

#[actix_web::test]
async fn curl_runs_the_scenario_on_the_get_and_post_bindings() {
    scenario_passes("curl").await;
}
