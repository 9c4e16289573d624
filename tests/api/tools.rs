//! Running outside tools (validators, browsers, the built binary) from tests: with a
//! deadline, output captured. A tool that cannot start fails the test: `.ci/run`
//! installs every tool the tests drive.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Runs `command` until it exits or `limit` passes (then it is killed); returns
/// (exited successfully, stdout + stderr).
pub fn run_bounded(command: Command, limit: Duration) -> (bool, String) {
    let (code, text) = run_bounded_code(command, limit);
    (code == Some(0), text)
}

/// [`run_bounded`], with the exit code (None when killed or ended by a signal).
pub fn run_bounded_code(mut command: Command, limit: Duration) -> (Option<i32>, String) {
    // A group of its own, so a deadline ends whatever the tool started too (a browser).
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {command:?}: {e} (.ci/run installs it)"));
    // Read both pipes while waiting, so a chatty tool cannot block on a full pipe.
    let mut stdout = child.stdout.take().expect("stdout");
    let mut stderr = child.stderr.take().expect("stderr");
    let out = std::thread::spawn(move || {
        let mut text = Vec::new();
        std::io::Read::read_to_end(&mut stdout, &mut text).ok();
        text
    });
    let err = std::thread::spawn(move || {
        let mut text = Vec::new();
        std::io::Read::read_to_end(&mut stderr, &mut text).ok();
        text
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break Some(status);
        }
        if started.elapsed() > limit {
            Command::new("kill")
                .args(["-KILL", "--", &format!("-{}", child.id())])
                .status()
                .ok();
            child.kill().ok();
            child.wait().ok();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let text = format!(
        "{}{}{}",
        String::from_utf8_lossy(&out.join().unwrap_or_default()),
        String::from_utf8_lossy(&err.join().unwrap_or_default()),
        if status.is_none() {
            format!("\n[killed after {limit:?}]")
        } else {
            String::new()
        }
    );
    (status.and_then(|s| s.code()), text)
}

/// [`run_bounded`] off the async runtime's thread, so the test's server keeps serving.
pub async fn run_bounded_async(command: Command, limit: Duration) -> (bool, String) {
    actix_web::rt::task::spawn_blocking(move || run_bounded(command, limit))
        .await
        .expect("tool thread")
}
