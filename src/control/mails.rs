//! `/__emulator/mails`: the outbox of mails the emulator "sent" (password resets,
//! welcome mails), each with the link and secret it carries.

use actix_web::http::Method;
use actix_web::{web, HttpResponse};
use serde::Serialize;

use super::error::ControlError;
use super::resource::resource;
use crate::model::Mail;
use crate::state::AppState;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        resource("/mails")
            .route(Method::GET, list)
            .route(Method::DELETE, clear),
    );
}

#[derive(Serialize)]
struct MailView {
    to: String,
    user: String,
    /// The template: `FORGOTPASSWORD`, `WELCOMETOIR` or their `…EXTERNAL` forms.
    kind: String,
    subject: String,
    body: String,
    link: String,
    /// The reset code (`secretText`) the link carries; empty when none.
    secret: String,
}

impl From<Mail> for MailView {
    fn from(m: Mail) -> MailView {
        MailView {
            to: m.to_address,
            user: m.user_name,
            kind: m.template,
            subject: m.subject,
            body: m.body,
            link: m.link,
            secret: m.secret,
        }
    }
}

#[derive(Serialize)]
struct Outbox {
    mails: Vec<MailView>,
}

async fn list(state: web::Data<AppState>) -> Result<HttpResponse, ControlError> {
    let store = state.service.store.clone();
    let mails = web::block(move || store.read(|tx| tx.mails())).await??;
    Ok(HttpResponse::Ok().json(Outbox {
        mails: mails.into_iter().map(MailView::from).collect(),
    }))
}

async fn clear(state: web::Data<AppState>) -> Result<HttpResponse, ControlError> {
    let store = state.service.store.clone();
    web::block(move || store.write(|tx| tx.clear_mails())).await??;
    Ok(HttpResponse::NoContent().finish())
}
