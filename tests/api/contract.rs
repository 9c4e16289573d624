//! The contract test (issue 24): schemathesis (pinned in tests/clients/requirements.txt)
//! generates valid and hostile requests from openapi/openapi.yaml and holds every answer to
//! the document: no server error, a documented status, media type, headers and body, bad
//! data refused, and 405 with `Allow` for a method a path does not serve. Its seed, the
//! credentials and every exclusion (each with its reason) are in
//! tests/contract/schemathesis.toml (docs/testing.md, "Contract test").
//!
//! One run per tag, each against a fresh server: a fault rule or a fixture load that the
//! admin run makes cannot change what the vendor runs see.

use std::process::Command;
use std::time::Duration;

use serde_json::Value;

use crate::helpers::spawn_app_with;
use crate::tools::run_bounded_async;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/contract");
const CONFIG: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/contract/schemathesis.toml"
);
const DOCUMENT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.yaml");
/// One tag's run takes well under a minute on two cores; this only stops a hang.
const LIMIT: Duration = Duration::from_secs(300);

fn security_schemes() -> serde_json::Map<String, Value> {
    let text = std::fs::read_to_string(DOCUMENT).expect("openapi/openapi.yaml");
    let doc: Value = serde_yaml::from_str(&text).expect("the document is YAML");
    doc["components"]["securitySchemes"]
        .as_object()
        .expect("security schemes")
        .clone()
}

/// The admin token the document's `adminBearer` scheme names, which the config sends.
fn admin_token() -> String {
    security_schemes()["adminBearer"]["x-emulator-credential"]
        .as_str()
        .expect("adminBearer credential")
        .to_string()
}

/// Runs schemathesis over the operations tagged `tag`, against a server of its own.
async fn contract_holds(tag: &'static str) {
    let token = admin_token();
    let app = spawn_app_with(&["--admin-token", &token]).await;
    // Schemathesis keeps a cache in its working directory: a scratch one, not the checkout.
    let scratch = tempfile::tempdir().expect("temp dir");
    let mut command = Command::new("python3");
    command
        .args([
            "-m",
            "schemathesis.cli",
            "--config-file",
            CONFIG,
            "run",
            DOCUMENT,
        ])
        .args(["--url", &app.base, "--include-tag", tag])
        .env("SCHEMATHESIS_HOOKS", format!("{DIR}/hooks.py"))
        .current_dir(scratch.path());
    let (ok, output) = run_bounded_async(command, LIMIT).await;
    assert!(ok, "schemathesis found defects in the {tag} API:\n{output}");
    assert!(
        output.contains("Seed: "),
        "schemathesis did not report a run for {tag}:\n{output}"
    );
}

#[actix_web::test]
async fn the_chatbot_api_keeps_its_documented_contract() {
    contract_holds("chatbot").await;
}

#[actix_web::test]
async fn the_conscent_api_keeps_its_documented_contract() {
    contract_holds("conscent").await;
}

#[actix_web::test]
async fn the_commbox_api_keeps_its_documented_contract() {
    contract_holds("commbox").await;
}

#[actix_web::test]
async fn the_webapi_keeps_its_documented_contract() {
    contract_holds("webapi").await;
}

#[actix_web::test]
async fn the_admin_api_keeps_its_documented_contract() {
    contract_holds("admin").await;
}

#[actix_web::test]
async fn the_ops_endpoints_keep_their_documented_contract() {
    contract_holds("ops").await;
}

/// Every tag of the document has its run above, and every security scheme its
/// credential in the config, equal to the scheme's `x-emulator-credential`.
#[actix_web::test]
async fn every_tag_and_credential_is_in_the_contract_run() {
    let text = std::fs::read_to_string(DOCUMENT).expect("openapi/openapi.yaml");
    let doc: Value = serde_yaml::from_str(&text).expect("the document is YAML");
    let this = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/api/contract.rs"
    ))
    .expect("tests/api/contract.rs");
    for tag in doc["tags"].as_array().expect("tags") {
        let name = tag["name"].as_str().expect("tag name");
        assert!(
            this.contains(&format!("contract_holds(\"{name}\")")),
            "no contract run for tag {name}"
        );
    }
    let config = std::fs::read_to_string(CONFIG).expect("schemathesis.toml");
    for (name, scheme) in security_schemes() {
        let header = format!("[auth.openapi.{name}]");
        let section = config
            .split_once(&header)
            .unwrap_or_else(|| panic!("{header} missing in {CONFIG}"))
            .1
            .split("\n[")
            .next()
            .unwrap_or_default();
        let secret = scheme["x-emulator-credential"]
            .as_str()
            .expect("credential");
        let expected = match scheme["scheme"].as_str() {
            Some("basic") => {
                let (user, password) = secret.split_once(':').expect("user:password");
                format!("username = \"{user}\"\npassword = \"{password}\"")
            }
            _ => format!("bearer = \"{secret}\""),
        };
        assert!(
            section.contains(&expected),
            "{header} should say {expected:?}, has {section:?}"
        );
    }
}
