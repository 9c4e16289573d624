//! One process per database (issue 23): a second emulator on a file another one serves
//! is refused, naming the file and the holder's pid; a `kill -9` of the holder never
//! blocks the next start; a world's file is held as `--db` is.

use std::process::Command;
use std::time::Duration;

use crate::crash::{client, emulator, exit_code, launch, start};
use crate::tools::run_bounded;

/// Runs a second emulator on `db` to its end: it must fail, naming the file and the
/// pid of the process that holds it.
fn refused_on(db: &std::path::Path, holder: u32) {
    let mut command: Command = emulator(db);
    command.env("RUST_LOG", "off");
    let (ok, output) = run_bounded(command, Duration::from_secs(30));
    assert!(!ok, "a second emulator started on a held file:\n{output}");
    assert!(output.contains(&db.display().to_string()), "{output}");
    assert!(output.contains(&format!("pid {holder}")), "{output}");
}

#[actix_web::test]
async fn a_second_process_on_a_held_database_is_refused_and_kill_9_frees_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("held.db");
    let (mut first, _) = start(&db);

    refused_on(&db, first.0.id());

    first.0.kill().unwrap();
    first.0.wait().unwrap();
    let (mut next, base) = start(&db);
    let answer = client()
        .get(format!("{base}/readyz"))
        .send()
        .await
        .expect("answered");
    assert_eq!(answer.status().as_u16(), 200);
    next.terminate();
    assert_eq!(exit_code(&mut next).await, Some(0));
}

#[actix_web::test]
async fn a_worlds_file_is_held_as_the_database_is() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("worlds.db");
    let (first, base) = start(&db);
    // A world is made by its first request.
    crate::crash::get_text(
        &client(),
        &format!("{base}/worlds/suite/srv.asmx/ServerInfo"),
    )
    .await;
    let world = dir.path().join("worlds.db.worlds/suite.db");
    assert!(world.exists());

    refused_on(&world, first.0.id());
}

/// Started from a directory with no `fixtures/` (as after `cargo install`), the binary
/// seeds the fixtures it carries; `--version` names the version.
#[actix_web::test]
async fn the_binary_carries_its_fixtures_and_its_version() {
    let cwd = tempfile::tempdir().unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_asmx-emulator"));
    command
        .args(["--bind", "127.0.0.1:0", "--workers", "2"])
        .current_dir(cwd.path())
        .env("RUST_LOG", "error")
        .env_remove("ASMX_FIXTURES")
        .env_remove("ASMX_DB");
    let (mut server, base, _) = launch(command);
    let user = crate::crash::get_text(
        &client(),
        &format!("{base}/srv.asmx/AuthenticateUser?UID=jdoe&PWD=jdoe"),
    )
    .await;
    assert!(user.contains("<root success=\"true\" ticket=\""), "{user}");
    assert!(cwd.path().join("asmx-emulator.db").exists());
    server.terminate();
    assert_eq!(exit_code(&mut server).await, Some(0));

    let mut version = Command::new(env!("CARGO_BIN_EXE_asmx-emulator"));
    version.arg("--version");
    let (ok, output) = run_bounded(version, Duration::from_secs(30));
    assert!(ok, "{output}");
    assert_eq!(
        output.trim(),
        format!("asmx-emulator {}", env!("CARGO_PKG_VERSION"))
    );
}
