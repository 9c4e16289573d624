//! `/__emulator/faults`: the admin API over the fault rules (`crate::faults`).

use actix_web::http::Method;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Serialize;

use super::body;
use super::error::ControlError;
use super::plane::Control;
use super::resource::resource;
use crate::faults::rules::{Rule, RuleError};
use crate::state::AppState;

impl From<RuleError> for ControlError {
    fn from(e: RuleError) -> Self {
        ControlError::BadRequest(e.0)
    }
}

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        resource("/faults")
            .route(Method::GET, list)
            .route(Method::POST, create)
            .route(Method::DELETE, clear),
    )
    .service(resource("/faults/{id}").route(Method::DELETE, remove));
}

#[derive(Serialize)]
struct RuleList {
    faults: Vec<Rule>,
}

async fn list(control: web::Data<Control>) -> HttpResponse {
    HttpResponse::Ok().json(RuleList {
        faults: control.faults.list(),
    })
}

async fn create(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
    control: web::Data<Control>,
) -> Result<HttpResponse, ControlError> {
    let rule = control
        .faults
        .add(body::json(&req, payload, &state).await?)?;
    Ok(HttpResponse::Created().json(rule))
}

async fn clear(control: web::Data<Control>) -> HttpResponse {
    control.faults.clear();
    HttpResponse::NoContent().finish()
}

async fn remove(
    control: web::Data<Control>,
    id: web::Path<String>,
) -> Result<HttpResponse, ControlError> {
    let id = id.into_inner();
    let id: u64 = id
        .parse()
        .map_err(|_| ControlError::BadRequest(format!("fault id {id:?} is not a number")))?;
    if control.faults.remove(id) {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(ControlError::NotFound(format!("no fault rule {id}")))
    }
}
