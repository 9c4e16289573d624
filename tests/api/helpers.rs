//! A real server on a random loopback port with a fresh database, and one helper per
//! binding. Every test talks HTTP to it and asserts bytes.

use std::future::Future;
use std::time::Duration;

use asmx_emulator::app::Application;
use asmx_emulator::clock::Clock;
use asmx_emulator::config::Config;
use asmx_emulator::ops::hash_password;
use asmx_emulator::store::Store;
use clap::Parser;

pub struct TestApp {
    pub base: String,
    pub port: u16,
    pub clock: Clock,
    pub db: std::path::PathBuf,
    client: awc::Client,
    _dir: std::rc::Rc<tempfile::TempDir>,
    running: std::rc::Rc<Running>,
}

/// The server task, and how to stop it as SIGTERM would.
pub struct Running {
    stop: futures_util::future::AbortHandle,
    ended: std::cell::RefCell<Option<actix_web::rt::task::JoinHandle<std::io::Result<()>>>>,
}

impl Running {
    /// Stops the server gracefully and waits until it has written everything and let
    /// go of its database.
    pub async fn stop(&self) {
        self.stop.abort();
        let ended = self.ended.borrow_mut().take();
        if let Some(ended) = ended {
            ended
                .await
                .expect("server task")
                .expect("server stops cleanly");
        }
    }
}

#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub content_type: String,
    pub headers: awc::http::header::HeaderMap,
    pub body: String,
}

impl Resp {
    /// Status, content type, headers and the whole body (UTF-8) of an answer.
    pub async fn read<S>(mut res: awc::ClientResponse<S>) -> Resp
    where
        S: futures_core::Stream<Item = Result<actix_web::web::Bytes, awc::error::PayloadError>>
            + Unpin,
    {
        let body = res.body().limit(16 * 1024 * 1024).await.expect("body");
        Resp {
            status: res.status().as_u16(),
            content_type: res
                .headers()
                .get("content-type")
                .map(|v| v.to_str().unwrap().to_string())
                .unwrap_or_default(),
            headers: res.headers().clone(),
            body: String::from_utf8(body.to_vec()).expect("utf-8 body"),
        }
    }
}

/// The four bindings every method answers on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Binding {
    Soap11,
    Soap12,
    Get,
    Post,
}

pub const BINDINGS: [Binding; 4] = [
    Binding::Soap11,
    Binding::Soap12,
    Binding::Get,
    Binding::Post,
];

/// A parameter value: `Nil` is `xsi:nil="true"`, `Omit` leaves the element out (SOAP only).
#[derive(Debug, Clone, Copy)]
pub enum P<'a> {
    V(&'a str),
    Nil,
    Omit,
}

/// Waits until `condition` holds, checking it every few milliseconds while other tasks
/// run; panics naming `what` if it does not hold within `limit`.
pub async fn wait_until(what: &str, limit: Duration, mut condition: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + limit;
    while !condition() {
        assert!(
            std::time::Instant::now() < deadline,
            "{what}: not within {limit:?}"
        );
        actix_web::rt::time::sleep(Duration::from_millis(5)).await;
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
}

pub async fn spawn_app_with(extra: &[&str]) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("test.db");
    start(dir, db, FIXTURES, extra)
}

/// A server whose startup fixture directory is `fixtures` (what a reset goes back to).
pub async fn spawn_app_on_fixtures(fixtures: &std::path::Path) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("test.db");
    start(dir, db, fixtures.to_str().expect("a UTF-8 path"), &[])
}

/// A server on the fixtures and `users` generated users (`user0000001`…, password
/// `bench`, spread over the fixture domains), built as `examples/gen_users.rs` does.
pub async fn spawn_app_with_users(users: usize) -> TestApp {
    let (dir, db, store) = seeded();
    let domains = ["Corporate", "Finance", "Engineering", "Marketing", "Legal"];
    store
        .bulk_insert_users(users, &hash_password("bench"), &domains, 0)
        .expect("generated users");
    start(dir, db, FIXTURES, &[])
}

/// A server whose database may grow by `pages` pages past its seeded size
/// (`--test-max-pages`): a disk that fills up after that.
pub async fn spawn_app_with_room(pages: u32) -> TestApp {
    let (dir, db, store) = seeded();
    drop(store);
    let seeded: u32 = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row("PRAGMA page_count", [], |r| r.get(0))
        .unwrap();
    let cap = (seeded + pages).to_string();
    start(dir, db, FIXTURES, &["--test-max-pages", &cap])
}

/// A temporary directory with a database seeded from the fixtures, and its store.
fn seeded() -> (tempfile::TempDir, std::path::PathBuf, Store) {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("test.db");
    let store = Store::open(&db).expect("store");
    store
        .seed_if_empty(std::path::Path::new(FIXTURES), hash_password)
        .expect("fixtures");
    (dir, db, store)
}

/// How many rows of the database file at `db` hold `ticket`.
pub fn ticket_rows(db: &std::path::Path, ticket: &str) -> i64 {
    rusqlite::Connection::open(db)
        .unwrap()
        .query_row(
            "SELECT COUNT(*) FROM tickets WHERE ticket = ?1",
            [ticket],
            |r| r.get(0),
        )
        .unwrap()
}

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures");

fn start(
    dir: impl Into<std::rc::Rc<tempfile::TempDir>>,
    db: std::path::PathBuf,
    fixtures: &str,
    extra: &[&str],
) -> TestApp {
    let mut args = vec![
        "asmx-emulator",
        "--bind",
        "127.0.0.1:0",
        "--db",
        db.to_str().unwrap(),
        "--fixtures",
        fixtures,
        "--workers",
        "2",
    ];
    args.extend_from_slice(extra);
    let config = Config::try_parse_from(args).expect("config");
    let app = Application::build(&config).expect("server starts");
    let port = app.port();
    let clock = app.clock();
    let (stop, registration) = futures_util::future::AbortHandle::new_pair();
    let stopped = futures_util::future::Abortable::new(std::future::pending::<()>(), registration);
    let ended = actix_web::rt::spawn(app.run_until(async {
        let _ = stopped.await;
    }));
    TestApp {
        base: format!("http://127.0.0.1:{port}"),
        port,
        clock,
        db,
        client: awc::Client::builder()
            .timeout(Duration::from_secs(30))
            .finish(),
        _dir: dir.into(),
        running: std::rc::Rc::new(Running {
            stop,
            ended: std::cell::RefCell::new(Some(ended)),
        }),
    }
}

pub fn escape(v: &str) -> String {
    v.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

pub fn form(params: &[(&str, &str)]) -> String {
    serde_urlencoded::to_string(params).unwrap()
}

impl TestApp {
    /// A second server on the same database file, once this one has stopped, as
    /// after a restart.
    pub async fn restart(self) -> TestApp {
        self.running.stop().await;
        let TestApp { _dir, db, .. } = self;
        start(_dir, db, FIXTURES, &[])
    }

    /// The same server with every helper calling into world `name` (`/worlds/{name}`),
    /// and `db` that world's file. `clock` stays the default world's: a world's clock
    /// moves through its admin API.
    pub fn world(&self, name: &str) -> TestApp {
        let mut db = self.db.clone().into_os_string();
        db.push(format!(".worlds/{name}.db"));
        TestApp {
            db: db.into(),
            ..self.at(format!("{}/worlds/{name}", self.base))
        }
    }

    /// The same server with every helper calling `base` instead (a proxy in front).
    pub fn at(&self, base: String) -> TestApp {
        TestApp {
            base,
            port: self.port,
            clock: self.clock.clone(),
            db: self.db.clone(),
            client: self.client.clone(),
            _dir: std::rc::Rc::clone(&self._dir),
            running: std::rc::Rc::clone(&self.running),
        }
    }

    pub async fn get(&self, path: &str) -> Resp {
        self.get_meanwhile(path, async {}).await
    }

    /// GET `path`; once its status and headers are in, `meanwhile` runs to its end
    /// before the body is read.
    pub async fn get_meanwhile(&self, path: &str, meanwhile: impl Future<Output = ()>) -> Resp {
        let res = self
            .client
            .get(format!("{}{}", self.base, path))
            .send()
            .await
            .expect("GET");
        meanwhile.await;
        Resp::read(res).await
    }

    /// A request with any method, headers and body.
    pub async fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> Resp {
        let method = awc::http::Method::from_bytes(method.as_bytes()).unwrap();
        let mut req = self
            .client
            .request(method, format!("{}{}", self.base, path));
        for (k, v) in headers {
            req = req.insert_header((*k, *v));
        }
        let res = req.send_body(body.to_string()).await.expect("request");
        Resp::read(res).await
    }

    pub async fn post_form(&self, method: &str, body: &str) -> Resp {
        self.request(
            "POST",
            &format!("/srv.asmx/{method}"),
            &[("Content-Type", "application/x-www-form-urlencoded")],
            body,
        )
        .await
    }

    pub async fn soap11_raw(&self, action: &str, envelope: &str) -> Resp {
        self.request(
            "POST",
            "/srv.asmx",
            &[
                ("Content-Type", "text/xml; charset=utf-8"),
                ("SOAPAction", action),
            ],
            envelope,
        )
        .await
    }

    pub async fn soap12_raw(&self, content_type: &str, envelope: &str) -> Resp {
        self.request(
            "POST",
            "/srv.asmx",
            &[("Content-Type", content_type)],
            envelope,
        )
        .await
    }

    /// Calls `method` on `binding`. `Nil`/`Omit` are only expressible over SOAP.
    pub async fn call(&self, binding: Binding, method: &str, params: &[(&str, P<'_>)]) -> Resp {
        match binding {
            Binding::Soap11 | Binding::Soap12 => {
                let mut inner = String::new();
                for (name, value) in params {
                    match value {
                        P::V(v) => inner.push_str(&format!("<{name}>{}</{name}>", escape(v))),
                        P::Nil => inner.push_str(&format!("<{name} xsi:nil=\"true\" />")),
                        P::Omit => {}
                    }
                }
                let body = format!("<{method} xmlns=\"http://tempuri.org/\">{inner}</{method}>");
                if binding == Binding::Soap11 {
                    self.soap11_raw(
                        &format!("\"http://tempuri.org/{method}\""),
                        &soap11_envelope(&body),
                    )
                    .await
                } else {
                    self.soap12_raw(
                        &format!("application/soap+xml; charset=utf-8; action=\"http://tempuri.org/{method}\""),
                        &soap12_envelope(&body),
                    )
                    .await
                }
            }
            Binding::Get | Binding::Post => {
                let pairs: Vec<(&str, &str)> = params
                    .iter()
                    .map(|(n, v)| match v {
                        P::V(v) => (*n, *v),
                        _ => panic!("null cannot be sent on {binding:?}"),
                    })
                    .collect();
                if binding == Binding::Get {
                    self.get(&format!("/srv.asmx/{method}?{}", form(&pairs)))
                        .await
                } else {
                    self.post_form(method, &form(&pairs)).await
                }
            }
        }
    }

    /// The method's XmlNode on one line, whatever the binding: the SOAP result's
    /// content without its `xmlns=""`, or the GET/POST body without declaration and
    /// indentation. Panics unless the call answered 200 with the binding's type.
    pub async fn node(&self, binding: Binding, method: &str, params: &[(&str, P<'_>)]) -> String {
        let resp = self.call(binding, method, params).await;
        assert_eq!(resp.status, 200, "{binding:?} {method}: {}", resp.body);
        result_node(binding, method, &resp)
    }

    /// A ticket for `user` from AuthenticateUser over GET.
    pub async fn login(&self, user: &str, password: &str) -> String {
        let node = self
            .node(
                Binding::Get,
                "AuthenticateUser",
                &[("UID", P::V(user)), ("PWD", P::V(password))],
            )
            .await;
        attr(&node, "ticket").unwrap_or_else(|| panic!("login {user} failed: {node}"))
    }

    /// LogOut over GET; returns the answer's root node.
    pub async fn log_out(&self, ticket: &str) -> String {
        self.node(
            Binding::Get,
            "LogOut",
            &[("AuthenticationTicket", P::V(ticket))],
        )
        .await
    }

    pub async fn get_user(&self, ticket: &str, user: &str) -> String {
        self.node(
            Binding::Get,
            "GetUser",
            &[
                ("authenticationTicket", P::V(ticket)),
                ("UserName", P::V(user)),
            ],
        )
        .await
    }
}

/// A mail the server recorded in its outbox.
#[derive(Debug, Clone, PartialEq)]
pub struct SentMail {
    pub to: String,
    pub user: String,
    pub template: String,
    pub body: String,
    pub link: String,
    pub secret: String,
}

impl TestApp {
    /// The mails recorded so far, oldest first.
    pub fn outbox(&self) -> Vec<SentMail> {
        let conn = rusqlite::Connection::open(&self.db).unwrap();
        let mut stmt = conn
            .prepare(
                "SELECT to_address, user_name, template, body, link, secret FROM mails ORDER BY id",
            )
            .unwrap();
        stmt.query_map([], |r| {
            Ok(SentMail {
                to: r.get(0)?,
                user: r.get(1)?,
                template: r.get(2)?,
                body: r.get(3)?,
                link: r.get(4)?,
                secret: r.get(5)?,
            })
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
    }
}

pub fn soap11_envelope(body: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<soap:Envelope xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
         xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\">\n  \
         <soap:Body>\n    {body}\n  </soap:Body>\n</soap:Envelope>\n"
    )
}

pub fn soap12_envelope(body: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<soap12:Envelope xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
         xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" xmlns:soap12=\"http://www.w3.org/2003/05/soap-envelope\">\n  \
         <soap12:Body>\n    {body}\n  </soap12:Body>\n</soap12:Envelope>\n"
    )
}

pub fn result_node(binding: Binding, method: &str, resp: &Resp) -> String {
    match binding {
        Binding::Soap11 | Binding::Soap12 => {
            let expected = if binding == Binding::Soap11 {
                "text/xml; charset=utf-8"
            } else {
                "application/soap+xml; charset=utf-8"
            };
            assert_eq!(resp.content_type, expected);
            let open = format!("<{method}Result>");
            let start = resp.body.find(&open).expect("result element") + open.len();
            let end = resp
                .body
                .find(&format!("</{method}Result>"))
                .expect("result end");
            resp.body[start..end].replacen(" xmlns=\"\"", "", 1)
        }
        Binding::Get | Binding::Post => {
            assert_eq!(resp.content_type, "text/xml; charset=utf-8");
            let rest = resp
                .body
                .strip_prefix("<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n")
                .expect("declaration then CRLF");
            let mut out = String::new();
            for line in rest.split("\r\n") {
                out.push_str(line.trim_start());
            }
            out
        }
    }
}

/// A successful `<response>` with nothing else.
pub const RESPONSE_OK: &str = "<response success=\"true\" error=\"\" />";

/// A failed `<response>` with this error text.
pub fn response_error(error: &str) -> String {
    format!("<response success=\"false\" error=\"{error}\" />")
}

/// The `UserName` of every `<User>` in `xml`, in document order.
pub fn user_names(xml: &str) -> Vec<String> {
    xml.split("<User ")
        .skip(1)
        .filter_map(|user| attr(&format!(" {user}"), "UserName"))
        .collect()
}

/// The value of attribute `name` in the first element of `xml` that has it.
pub fn attr(xml: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let start = xml.find(&key)? + key.len();
    let end = xml[start..].find('"')? + start;
    Some(xml[start..end].to_string())
}

/// An HTTP Basic `Authorization` value.
pub fn basic(user: &str, password: &str) -> String {
    use base64ct::{Base64, Encoding};
    format!(
        "Basic {}",
        Base64::encode_string(format!("{user}:{password}").as_bytes())
    )
}

/// `body` with the value of every `"key":"…"` string member replaced by `*`: for ids
/// and times that change from call to call.
pub fn redact(body: &str, key: &str) -> String {
    let marker = format!("\"{key}\":\"");
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(start) = rest.find(&marker) {
        let value_start = start + marker.len();
        out.push_str(&rest[..value_start]);
        out.push('*');
        let end = rest[value_start..]
            .find('"')
            .map_or(rest.len(), |e| value_start + e);
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// The body parsed as JSON; panics when it is not.
pub fn json(resp: &Resp) -> serde_json::Value {
    serde_json::from_str(&resp.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", resp.body))
}
