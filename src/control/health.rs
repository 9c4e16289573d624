//! `GET /healthz` (the process answers) and `GET /readyz` (the database answers, and
//! takes writes: a full disk, a file made read-only or an I/O error underneath makes it
//! 503 until the disk takes writes again, `store/health.rs`).

use actix_web::{web, HttpResponse};
use serde::Serialize;

use crate::state::AppState;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/healthz").route(web::get().to(healthz)))
        .service(web::resource("/readyz").route(web::get().to(readyz)));
}

#[derive(Serialize)]
struct Status<'a> {
    status: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Status {
        status: "ok",
        error: None,
    })
}

async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let store = state.service.store.clone();
    let outcome = web::block(move || {
        store.ping().map_err(|e| e.to_string())?;
        match store.storage_fault() {
            Some(fault) => Err(format!("the database refuses writes: {fault}")),
            None => Ok(()),
        }
    })
    .await;
    match outcome {
        Ok(Ok(())) => HttpResponse::Ok().json(Status {
            status: "ready",
            error: None,
        }),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "database not ready");
            HttpResponse::ServiceUnavailable().json(Status {
                status: "unavailable",
                error: Some(e.to_string()),
            })
        }
        Err(_) => HttpResponse::ServiceUnavailable().json(Status {
            status: "unavailable",
            error: Some("the worker stopped".into()),
        }),
    }
}
