//! No secret in logs (issue 7): the real binary at `RUST_LOG=debug` serves calls that
//! carry passwords, the trusted-application secret, each vendor credential and
//! tickets, and none of them appears in anything it prints.

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use crate::helpers::{attr, basic, form};

const TRUSTED: &str = "Trusted-5b2d-secret";
const NEW_PASSWORD: &str = "Pw-7c1e-secret";
const WRONG_PASSWORD: &str = "Wrong-4a4a-secret";
const VENDOR_SECRETS: [&str; 4] = [
    "demo-token",
    "cs_demo",
    "commbox-demo-token",
    "webapi-demo-token",
];

/// Everything a pipe carries until it closes.
fn collect(mut pipe: impl Read + Send + 'static) -> JoinHandle<String> {
    std::thread::spawn(move || {
        let mut out = Vec::new();
        let _ = pipe.read_to_end(&mut out);
        String::from_utf8_lossy(&out).into_owned()
    })
}

async fn text(
    res: Result<
        awc::ClientResponse<
            impl futures_core::Stream<Item = Result<actix_web::web::Bytes, awc::error::PayloadError>>
                + Unpin,
        >,
        awc::error::SendRequestError,
    >,
) -> String {
    let mut res = res.expect("answered");
    String::from_utf8_lossy(&res.body().await.expect("body")).into_owned()
}

#[actix_web::test]
async fn no_secret_reaches_the_logs_at_debug_level() {
    let dir = tempfile::tempdir().unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_asmx-emulator"))
        .args(["--bind", "127.0.0.1:0", "--workers", "1", "--db"])
        .arg(dir.path().join("logs.db"))
        .arg("--fixtures")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures"))
        .env("RUST_LOG", "debug")
        .env("ASMX_TRUSTED_USER_PASSWORD", TRUSTED)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary starts");
    let mut server = crate::crash::Server(child);
    let stderr = collect(server.0.stderr.take().unwrap());
    // Stdout is read line by line until the URL, then kept whole like stderr.
    let (url_tx, url_rx) = mpsc::channel();
    let mut lines = BufReader::new(server.0.stdout.take().unwrap());
    let stdout = std::thread::spawn(move || {
        let mut out = String::new();
        let mut line = String::new();
        while lines.read_line(&mut line).unwrap_or(0) > 0 {
            if let Some(url) = line
                .trim()
                .strip_prefix("asmx-emulator listening on ")
                .and_then(|u| u.strip_suffix("/srv.asmx"))
            {
                let _ = url_tx.send(url.to_string());
            }
            out.push_str(&line);
            line.clear();
        }
        out
    });
    let base = url_rx
        .recv_timeout(Duration::from_secs(15))
        .expect("the server listens");
    let client = awc::Client::builder()
        .timeout(Duration::from_secs(10))
        .finish();
    let srv = |method: &str| format!("{base}/srv.asmx/{method}");
    let post = |method: &str, pairs: &[(&str, &str)]| {
        client
            .post(srv(method))
            .content_type("application/x-www-form-urlencoded")
            .send_body(form(pairs))
    };

    let first = text(post("AuthenticateUser", &[("UID", "jdoe"), ("PWD", "jdoe")]).await).await;
    let first = attr(&first, "ticket").expect("login");
    let changed = text(
        post(
            "ChangeUserPassword",
            &[
                ("AuthenticationTicket", &first),
                ("UserName", "jdoe"),
                ("NewPassword", NEW_PASSWORD),
            ],
        )
        .await,
    )
    .await;
    assert!(changed.contains("success=\"true\""), "{changed}");
    let wrong = text(
        post(
            "AuthenticateUser",
            &[("UID", "jdoe"), ("PWD", WRONG_PASSWORD)],
        )
        .await,
    )
    .await;
    assert!(wrong.contains("[900]"), "{wrong}");
    let again = text(
        client
            .get(format!(
                "{}?{}",
                srv("AuthenticateUser"),
                form(&[("UID", "jdoe"), ("PWD", NEW_PASSWORD)])
            ))
            .send()
            .await,
    )
    .await;
    let second = attr(&again, "ticket").expect("login with the new password");
    let trusted = text(
        post(
            "CreateTicketforUser",
            &[("TrustedUserPwd", TRUSTED), ("UserName", "asmith")],
        )
        .await,
    )
    .await;
    let third = attr(&trusted, "ticket").expect("trusted ticket");
    let user = text(
        client
            .get(format!(
                "{}?{}",
                srv("GetUser"),
                form(&[("AuthenticationTicket", &second), ("UserName", "jdoe")])
            ))
            .send()
            .await,
    )
    .await;
    assert!(user.contains("success=\"true\""), "{user}");

    // Each vendor with its credential; the answers do not matter, only what is printed.
    let chatbot = basic("ACdemo", "demo-token");
    let conscent = basic("ck_demo", "cs_demo");
    let vendor_calls = [
        (
            "POST",
            format!("{base}/api/rest/v1/ecom/integrations/updateUserContactDetails"),
            chatbot.clone(),
        ),
        (
            "PATCH",
            format!("{base}/client/update-user?userId=681c74b2333e169d16a7e583"),
            conscent.clone(),
        ),
        (
            "POST",
            format!("{base}/users/3"),
            "Bearer commbox-demo-token".to_string(),
        ),
        (
            "GET",
            format!("{base}/api/v2/Users/0f54d07a-f8b1-43c1-af92-71e41f3cc103/UserContactItem"),
            "Bearer webapi-demo-token".to_string(),
        ),
    ];
    for (method, url, auth) in &vendor_calls {
        let method = awc::http::Method::from_bytes(method.as_bytes()).unwrap();
        let res = client
            .request(method, url)
            .insert_header(("Authorization", auth.as_str()))
            .insert_header(("Content-Type", "application/json"))
            .send_body("{}")
            .await
            .expect("vendor answered");
        assert_ne!(res.status().as_u16(), 401, "{url}");
    }

    // A graceful stop: log lines are written in batches, and SIGKILL would lose the
    // last few milliseconds of them.
    server.terminate();
    server.0.wait().unwrap();
    let printed = stdout.join().unwrap() + &stderr.join().unwrap();
    // Proof that the logs were captured: a vendor update logs a line.
    assert!(printed.contains("user details updated"), "{printed}");
    let mut secrets = vec![
        TRUSTED,
        NEW_PASSWORD,
        WRONG_PASSWORD,
        &first,
        &second,
        &third,
    ];
    secrets.extend(VENDOR_SECRETS);
    let encoded = [chatbot, conscent];
    secrets.extend(encoded.iter().map(|b| b.trim_start_matches("Basic ")));
    for secret in secrets {
        assert!(
            !printed.contains(secret),
            "{secret:?} was printed:\n{printed}"
        );
    }
}
