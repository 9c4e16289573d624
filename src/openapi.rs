//! `GET /__emulator/openapi.yaml`: the OpenAPI 3 document of the vendor REST APIs and the
//! admin API, byte for byte the checked-in `openapi/openapi.yaml` (tests/api/openapi.rs
//! walks every operation it lists against a real server).

use actix_web::http::Method;
use actix_web::{web, HttpResponse};

use crate::control::resource::resource;

/// The stable path of the document.
pub const PATH: &str = "/__emulator/openapi.yaml";
/// The document, compiled in.
pub const DOCUMENT: &str = include_str!("../openapi/openapi.yaml");

pub fn routes(cfg: &mut web::ServiceConfig) {
    // An admin path: another method gets the admin API's JSON 405.
    cfg.service(resource(PATH).route(Method::GET, document));
}

async fn document() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/yaml")
        .insert_header(("Cache-Control", "no-cache"))
        .body(DOCUMENT)
}
