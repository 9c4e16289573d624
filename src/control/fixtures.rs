//! The data: `POST /__emulator/reset` (back to the fixture directory the server started
//! with), `GET|POST /__emulator/fixtures` (export, or replace everything with a
//! document) and `POST /__emulator/users` (one more user).

use actix_web::http::Method;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Serialize;

use super::body;
use super::error::ControlError;
use super::plane::Control;
use super::resource::resource;
use crate::ops::{hash_fixture_password, hash_password};
use crate::state::AppState;
use crate::store::{FixtureSet, FixtureUser};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("/reset").route(Method::POST, reset))
        .service(
            resource("/fixtures")
                .route(Method::GET, export)
                .route(Method::POST, load),
        )
        .service(resource("/users").route(Method::POST, create_user));
}

#[derive(Serialize)]
struct Loaded {
    users: usize,
}

/// Hashes the set's passwords, then swaps all data for it in one transaction.
async fn replace(state: &AppState, mut set: FixtureSet) -> Result<HttpResponse, ControlError> {
    let store = state.service.store.clone();
    let users = web::block(move || {
        set.hash_passwords(&hash_fixture_password)?;
        store.replace_all(&set, &hash_fixture_password)?;
        Ok::<_, ControlError>(set.user_count())
    })
    .await??;
    Ok(HttpResponse::Ok().json(Loaded { users }))
}

async fn reset(
    state: web::Data<AppState>,
    control: web::Data<Control>,
) -> Result<HttpResponse, ControlError> {
    let dir = control.fixtures.clone();
    let set = web::block(move || FixtureSet::from_source(&dir)).await??;
    replace(&state, set).await
}

async fn load(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
    control: web::Data<Control>,
) -> Result<HttpResponse, ControlError> {
    let document = body::read(&req, payload, &state).await?;
    let set = FixtureSet::parse(&document, &control.fixtures)?;
    replace(&state, set).await
}

async fn export(state: web::Data<AppState>) -> Result<HttpResponse, ControlError> {
    let store = state.service.store.clone();
    let set = web::block(move || store.read(|tx| tx.export_fixtures())).await??;
    Ok(HttpResponse::Ok().json(set))
}

#[derive(Serialize)]
struct Created {
    id: i64,
}

async fn create_user(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ControlError> {
    let mut user: FixtureUser = body::json(&req, payload, &state).await?;
    let store = state.service.store.clone();
    let id = web::block(move || {
        user.hash_password(&hash_password)?;
        Ok::<_, ControlError>(store.write(|tx| tx.insert_fixture_user(&user, &hash_password))?)
    })
    .await??;
    Ok(HttpResponse::Created().json(Created { id }))
}
