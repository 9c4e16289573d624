//! The "actix floor": the least an actix-web server can do per request, the baseline the
//! server benchmark (`bench/run.sh`) reports ratios against.
//!
//! `cargo run --release --example floor -- [bind] [workers] [soap] [get] [wsdl] [help]`
//!
//! Answers fixed bytes, with the same response headers as the emulator, sized like the
//! emulator's own answers (the sizes are arguments, in bytes; `bench/run.sh` captures
//! them from the running server):
//! - `POST /srv.asmx` (any body): `soap` bytes, a GetUser SOAP response;
//! - `GET /srv.asmx?WSDL`: `wsdl` bytes; `GET /srv.asmx`: `help` bytes;
//! - any other GET or POST: `get` bytes, a GetUser response of the HTTP GET binding.
//!
//! Defaults: 127.0.0.1:8090, one worker per core, 847 / 554 / 138552 / 13456 bytes.
//! The request body is read in full (as the emulator does) and dropped.

use actix_web::http::header;
use actix_web::web::{self, Bytes};
use actix_web::{App, HttpRequest, HttpResponse, HttpServer};

#[derive(Clone)]
struct Bodies {
    soap: Bytes,
    get: Bytes,
    wsdl: Bytes,
    help: Bytes,
}

/// `len` bytes of XML-looking text.
fn body(len: usize) -> Bytes {
    let head = b"<?xml version=\"1.0\" encoding=\"utf-8\"?><response success=\"true\">";
    let mut v = Vec::with_capacity(len);
    v.extend_from_slice(&head[..head.len().min(len)]);
    v.resize(len, b' ');
    Bytes::from(v)
}

async fn answer(req: HttpRequest, _body: Bytes, bodies: web::Data<Bodies>) -> HttpResponse {
    let path = req.path();
    let bytes = if path.eq_ignore_ascii_case("/srv.asmx") {
        if req.method() == actix_web::http::Method::POST {
            &bodies.soap
        } else if req.query_string().eq_ignore_ascii_case("wsdl") {
            &bodies.wsdl
        } else {
            &bodies.help
        }
    } else {
        &bodies.get
    };
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/xml; charset=utf-8"))
        .insert_header((header::SERVER, "Microsoft-IIS/10.0"))
        .insert_header((header::CACHE_CONTROL, "private, max-age=0"))
        .insert_header(("X-AspNet-Version", "4.0.30319"))
        .insert_header(("X-Powered-By", "ASP.NET"))
        .body(bytes.clone())
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| args.get(i).map(String::as_str);
    let size = |i: usize, default: usize| {
        arg(i)
            .map(|s| s.parse().expect("sizes are byte counts"))
            .unwrap_or(default)
    };
    let bind = arg(0).unwrap_or("127.0.0.1:8090").to_string();
    let workers: Option<usize> = arg(1).map(|s| s.parse().expect("workers is a number"));
    let bodies = Bodies {
        soap: body(size(2, 847)),
        get: body(size(3, 554)),
        wsdl: body(size(4, 138_552)),
        help: body(size(5, 13_456)),
    };
    let mut server = HttpServer::new(move || {
        App::new()
            .app_data(web::Data::new(bodies.clone()))
            .default_service(web::to(answer))
    })
    .bind(&bind)?;
    if let Some(workers) = workers {
        server = server.workers(workers);
    }
    println!("floor listening on http://{bind}/srv.asmx");
    server.run().await
}
