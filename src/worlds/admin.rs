//! The admin API over the worlds: `GET|POST /__emulator/worlds` (list, create) and
//! `DELETE /__emulator/worlds/{world}`. Every other admin route of a world is the
//! `default` one's, reached through the path rewrite in `route.rs`.

use std::sync::Arc;

use actix_web::http::Method;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

use super::error::WorldError;
use super::name::WorldName;
use super::registry::Worlds;
use super::world::World;
use crate::control::body;
use crate::control::resource::resource;
use crate::control::{Control, ControlError};
use crate::ops::hash_fixture_password;
use crate::state::AppState;
use crate::store::FixtureSet;

impl From<WorldError> for ControlError {
    fn from(e: WorldError) -> ControlError {
        let message = e.to_string();
        match e {
            WorldError::Name(_) | WorldError::NotEmulated | WorldError::NotFound(_) => {
                ControlError::NotFound(message)
            }
            WorldError::Exists(_) | WorldError::DeleteDefault | WorldError::InUse(_) => {
                ControlError::Conflict(message)
            }
            WorldError::Limit(_)
            | WorldError::Create { .. }
            | WorldError::Open { .. }
            | WorldError::Directory(_) => ControlError::Unavailable(message),
            WorldError::Fixtures(e) => ControlError::Fixtures(e),
            WorldError::Interrupted => ControlError::Interrupted,
        }
    }
}

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        resource("/__emulator/worlds")
            .route(Method::GET, list)
            .route(Method::POST, create),
    )
    .service(resource("/__emulator/worlds/{world}").route(Method::DELETE, delete));
}

#[derive(Serialize)]
struct Entry {
    name: String,
    users: i64,
    created: String,
    last_used: Option<String>,
    bytes: u64,
}

fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Blocks (reads the world's store).
fn entry(world: &World) -> Result<Entry, ControlError> {
    let info = world.info()?;
    Ok(Entry {
        name: world.name.to_string(),
        users: info.users,
        created: time(world.created),
        last_used: info.last_used.map(time),
        bytes: info.bytes,
    })
}

#[derive(Serialize)]
struct Listing {
    worlds: Vec<Entry>,
}

async fn list(worlds: web::Data<Worlds>) -> Result<HttpResponse, ControlError> {
    let worlds = Arc::clone(&worlds);
    let entries = web::block(move || {
        worlds.drop_idle();
        worlds
            .all()
            .iter()
            .map(|w| entry(w))
            .collect::<Result<_, _>>()
    })
    .await??;
    Ok(HttpResponse::Ok().json(Listing { worlds: entries }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Create {
    name: String,
    /// A `users.json` document, as `POST /__emulator/fixtures` takes.
    fixtures: Option<serde_json::Value>,
}

async fn create(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
    control: web::Data<Control>,
    worlds: web::Data<Worlds>,
) -> Result<HttpResponse, ControlError> {
    let Create { name, fixtures } = body::json(&req, payload, &state).await?;
    let name = WorldName::parse(&name)
        .map_err(|e| ControlError::BadRequest(format!("name: {name:?}: {e}")))?;
    let fixtures = fixtures
        .map(|document| FixtureSet::parse(document.to_string().as_bytes(), &control.fixtures))
        .transpose()?;
    let worlds = Arc::clone(&worlds);
    let created = web::block(move || {
        let fixtures = fixtures
            .map(|mut set| set.hash_passwords(&hash_fixture_password).map(|()| set))
            .transpose()
            .map_err(WorldError::from)?;
        let world = worlds.create(name, fixtures.as_ref())?;
        entry(&world)
    })
    .await??;
    Ok(HttpResponse::Created().json(created))
}

async fn delete(
    worlds: web::Data<Worlds>,
    name: web::Path<String>,
) -> Result<HttpResponse, ControlError> {
    let name = WorldName::parse(&name).map_err(WorldError::from)?;
    let worlds = Arc::clone(&worlds);
    web::block(move || worlds.delete(&name)).await??;
    Ok(HttpResponse::NoContent().finish())
}
