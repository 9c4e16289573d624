//! The srv.asmx help pages in a real browser (issue 9): `tests/browser/help_forms.mjs`
//! drives Debian's Chromium through playwright-core from the operation list through the
//! test forms of AuthenticateUser, UpdateUserContactInfo and GetUser, and saves a
//! screenshot as `target/artifacts/help-page.png`, which CI keeps. A missing node,
//! Chromium or `tests/browser/node_modules` fails the test: `.ci/run` installs them.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, SystemTime};

use crate::helpers::{spawn_app, P};
use crate::tools::run_bounded_async;

const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/browser/help_forms.mjs");
const ARTIFACTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/target/artifacts");
/// The script stops itself after 120 s; this only catches a script that cannot.
const LIMIT: Duration = Duration::from_secs(180);

#[actix_web::test]
async fn help_page_test_forms_work_in_chromium() {
    assert!(
        Path::new("/usr/bin/chromium").exists(),
        "Debian's chromium is missing (.ci/run installs it)"
    );
    let started = SystemTime::now();
    let app = spawn_app().await;
    let mut command = Command::new("node");
    command
        .arg(SCRIPT)
        .arg(&app.base)
        .arg(ARTIFACTS)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/browser"));
    let (ok, output) = run_bounded_async(command, LIMIT).await;
    assert!(ok, "the browser scenario failed:\n{output}");
    assert!(
        output.contains("help forms: all steps passed"),
        "no success line in:\n{output}"
    );

    // The change the browser made is stored: read it back over another binding.
    let ticket = app.login("jdoe", "jdoe").await;
    let user = app
        .node(
            crate::helpers::Binding::Soap11,
            "GetUser",
            &[
                ("AuthenticationTicket", P::V(&ticket)),
                ("UserName", P::V("jdoe")),
            ],
        )
        .await;
    assert!(
        user.contains(" Email=\"john.doe+browser@example.org\""),
        "{user}"
    );
    assert!(
        user.contains(" MobileNumber=\"+1 555 0177 (Büro)\""),
        "{user}"
    );

    let png = Path::new(ARTIFACTS).join("help-page.png");
    let meta = std::fs::metadata(&png).expect("target/artifacts/help-page.png");
    assert!(
        meta.modified().unwrap() >= started,
        "the screenshot is from an earlier run"
    );
    let bytes = std::fs::read(&png).unwrap();
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
}
