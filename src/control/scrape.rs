//! `GET /metrics`: the Prometheus text, with two gauges read from the store at scrape
//! time.

use actix_web::{web, HttpResponse};
use prometheus::{Encoder, TextEncoder};

use super::error::ControlError;
use super::plane::Control;
use crate::state::AppState;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/metrics").route(web::get().to(scrape)));
}

async fn scrape(
    state: web::Data<AppState>,
    control: web::Data<Control>,
) -> Result<HttpResponse, ControlError> {
    let store = state.service.store.clone();
    let now = state.service.clock.now();
    let (tickets, bytes) = web::block(move || {
        Ok::<_, ControlError>((store.active_tickets(now)?, store.database_bytes()?))
    })
    .await??;
    let metrics = &control.metrics;
    metrics.active_tickets.set(tickets);
    metrics.database_bytes.set(bytes);
    let encoder = TextEncoder::new();
    let mut text = Vec::new();
    encoder.encode(&metrics.registry.gather(), &mut text)?;
    Ok(HttpResponse::Ok()
        .content_type(encoder.format_type())
        .body(text))
}
