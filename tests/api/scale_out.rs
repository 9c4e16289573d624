//! Worlds at scale. A farm (docs/scale-out.md): Debian's nginx, running that page's
//! configuration, in front of two emulators, sends each world to one of them; a client
//! generated from a world's WSDL fetched through nginx calls back through nginx. And
//! one server: 16 suites at once, each in a world of its own.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use futures_util::future::join_all;

use crate::control_state::admin;
use crate::crash::Server;
use crate::helpers::{spawn_app, wait_until, Binding};
use crate::worlds::{email_of, set_email, world_names, FIXTURE_EMAIL};

/// Installed by `.ci/run` (Debian's package `nginx`).
const NGINX: &str = "/usr/sbin/nginx";
const PAGE: &str = include_str!("../../docs/scale-out.md");
/// Enough worlds that both emulators get some whatever ports they were given (the hash
/// covers their addresses): all on one would be a chance of 2 in 2^24.
const WORLDS: usize = 24;
const ROUNDS: u64 = 3;

/// nginx on a loopback port, its files in a directory of its own; stopped on drop.
struct Nginx {
    base: String,
    dir: tempfile::TempDir,
    _process: Server,
}

impl Nginx {
    fn log(&self, name: &str) -> String {
        std::fs::read_to_string(self.dir.path().join(name)).unwrap_or_default()
    }
}

/// The page's configuration, with the emulators' and nginx's addresses put in.
fn farm_conf(upstreams: [u16; 2], listen: u16) -> String {
    let (_, rest) = PAGE.split_once("```nginx\n").expect("an nginx block");
    let (conf, _) = rest.split_once("```").expect("the block's end");
    let mut conf = conf.to_string();
    for (from, to) in [
        (
            "server 10.0.0.1:8080;",
            format!("server 127.0.0.1:{};", upstreams[0]),
        ),
        (
            "server 10.0.0.2:8080;",
            format!("server 127.0.0.1:{};", upstreams[1]),
        ),
        ("listen 80;", format!("listen 127.0.0.1:{listen};")),
    ] {
        assert!(conf.contains(from), "no {from:?} in docs/scale-out.md");
        conf = conf.replace(from, &to);
    }
    conf
}

/// What the system's nginx.conf would hold, all of it in `dir`: one process, in the
/// foreground, so that killing it ends nginx.
fn main_conf(dir: &Path) -> String {
    let dir = dir.display();
    format!(
        "daemon off;\nmaster_process off;\nworker_processes 1;\npid {dir}/nginx.pid;\n\
         error_log {dir}/error.log;\nevents {{ worker_connections 256; }}\nhttp {{\n\
         access_log {dir}/access.log;\nclient_body_temp_path {dir}/body;\n\
         proxy_temp_path {dir}/proxy;\nfastcgi_temp_path {dir}/fastcgi;\n\
         uwsgi_temp_path {dir}/uwsgi;\nscgi_temp_path {dir}/scgi;\n\
         include {dir}/farm.conf;\n}}\n"
    )
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

async fn start_nginx(upstreams: [u16; 2]) -> Nginx {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    std::fs::write(dir.path().join("farm.conf"), farm_conf(upstreams, port)).unwrap();
    let conf = dir.path().join("nginx.conf");
    std::fs::write(&conf, main_conf(dir.path())).unwrap();
    let child = Command::new(NGINX)
        .arg("-p")
        .arg(dir.path())
        .arg("-c")
        .arg(&conf)
        .arg("-e")
        .arg(dir.path().join("error.log"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {NGINX}: {e} (.ci/run installs it)"));
    let mut process = Server(child);
    let errors = dir.path().join("error.log");
    wait_until("nginx listens", Duration::from_secs(15), || {
        if let Some(status) = process.0.try_wait().unwrap() {
            let log = std::fs::read_to_string(&errors).unwrap_or_default();
            panic!("nginx exited ({status}):\n{log}");
        }
        std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
    })
    .await;
    Nginx {
        base: format!("http://127.0.0.1:{port}"),
        dir,
        _process: process,
    }
}

#[actix_web::test]
async fn nginx_sends_each_world_to_one_emulator_and_its_wsdl_back_through_nginx() {
    let emulators = [spawn_app().await, spawn_app().await];
    let nginx = start_nginx([emulators[0].port, emulators[1].port]).await;
    let proxy = emulators[0].at(nginx.base.clone());
    let names: Vec<String> = (0..WORLDS).map(|i| format!("farm-{i}")).collect();
    for _ in 0..ROUNDS {
        for name in &names {
            proxy.world(name).login("jdoe", "jdoe").await;
        }
    }

    // Each world is on one emulator, which answered every request of it.
    let listed = [
        world_names(&emulators[0]).await,
        world_names(&emulators[1]).await,
    ];
    let mut homes = Vec::new();
    for name in &names {
        let on: Vec<usize> = (0..2).filter(|&i| listed[i].contains(name)).collect();
        assert_eq!(on.len(), 1, "{name}: {listed:?}");
        let path = format!("/__emulator/worlds/{name}/requests/count");
        let (_, count) = admin(&emulators[on[0]], "GET", &path, None).await;
        assert_eq!(count["count"], ROUNDS, "{name}");
        homes.push(on[0]);
    }
    let home_of = |emulator: usize| {
        let i = homes.iter().position(|&h| h == emulator);
        names[i.unwrap_or_else(|| panic!("no world on emulator {emulator}: {listed:?}"))].clone()
    };
    let (a, b) = (home_of(0), home_of(1));

    // Worlds on different emulators are isolated.
    set_email(&proxy.world(&a), Binding::Soap11, "a@example.com").await;
    assert_eq!(email_of(&proxy.world(&b), "jdoe").await, FIXTURE_EMAIL);
    assert_eq!(email_of(&proxy.world(&a), "jdoe").await, "a@example.com");
    assert_eq!(email_of(&proxy, "jdoe").await, FIXTURE_EMAIL);

    // The WSDL fetched through nginx names nginx, and zeep calls back through it.
    let service = format!("{}/worlds/{b}/srv.asmx", nginx.base);
    let wsdl = proxy.world(&b).get("/srv.asmx?WSDL").await;
    let location = format!("location=\"{service}\"");
    assert_eq!(wsdl.body.matches(&location).count(), 4, "{}", wsdl.body);
    crate::clients::scenario_passes_at(service, "zeep").await;
    let path = format!("/__emulator/worlds/{b}/requests/count?binding=soap11");
    let (_, calls) = admin(&emulators[1], "GET", &path, None).await;
    let posts = format!("\"POST /worlds/{b}/srv.asmx HTTP/1.1\"");
    let proxied = nginx.log("access.log").matches(&posts).count() as u64;
    assert!(proxied > 3, "{}", nginx.log("access.log"));
    assert_eq!(calls["count"], proxied);
}

/// 16 suites in parallel, each a zeep client generated from its own world's WSDL on one
/// server: all pass, and each world's journal holds its own calls only, as many as
/// every other world's. 16 processes on 2 shared cores took 27 s (debug server), each well
/// inside its own limit.
#[actix_web::test]
async fn sixteen_zeep_suites_in_parallel_each_in_its_own_world() {
    const SUITES: usize = 16;
    let app = spawn_app().await;
    let names: Vec<String> = (0..SUITES).map(|i| format!("suite-{i}")).collect();
    join_all(names.iter().map(|name| {
        let service = format!("{}/worlds/{name}/srv.asmx", app.base);
        crate::clients::scenario_passes_at(service, "zeep")
    }))
    .await;

    let mut counts = Vec::new();
    for name in &names {
        let path = format!("/__emulator/worlds/{name}/requests");
        let (_, journal) = admin(&app, "GET", &path, None).await;
        let entries = journal["requests"].as_array().unwrap();
        assert!(
            entries.iter().all(|e| e["world"] == name.as_str()),
            "{name}: {journal}"
        );
        counts.push(entries.len());
    }
    assert!(counts[0] > 10, "{counts:?}");
    assert!(counts.iter().all(|&c| c == counts[0]), "{counts:?}");
    let (_, count) = admin(&app, "GET", "/__emulator/requests/count", None).await;
    assert_eq!(count["count"], 0);
}
