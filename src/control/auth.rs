//! The admin token: with `--admin-token`, every `/__emulator/` request must carry
//! `Authorization: Bearer <token>`, compared in constant time; else 401.

use std::future::{ready, Future, Ready};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{forward_ready, Service, ServiceRequest, ServiceResponse, Transform};
use actix_web::http::header;
use actix_web::ResponseError;
use pin_project_lite::pin_project;
use subtle::ConstantTimeEq;

use super::error::ControlError;
use super::resource::PREFIX;

/// `App::wrap(AdminAuth::new(token))`; a no-op without a token.
pub struct AdminAuth {
    token: Option<Rc<[u8]>>,
}

impl AdminAuth {
    pub fn new(token: Option<&str>) -> AdminAuth {
        AdminAuth {
            token: token.map(|t| Rc::from(t.as_bytes())),
        }
    }
}

/// Whether the request may use the admin API: only `/__emulator/*` is guarded.
fn allowed(req: &ServiceRequest, token: &[u8]) -> bool {
    if !req.path().starts_with(PREFIX) {
        return true;
    }
    let given = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("Bearer"))
        .map(|(_, t)| t.trim().as_bytes())
        .unwrap_or_default();
    // Only the token's length can leak through timing, never its content.
    given.ct_eq(token).into()
}

impl<S, B> Transform<S, ServiceRequest> for AdminAuth
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = actix_web::Error;
    type Transform = AdminAuthService<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(AdminAuthService {
            service,
            token: self.token.clone(),
        }))
    }
}

pub struct AdminAuthService<S> {
    service: S,
    token: Option<Rc<[u8]>>,
}

impl<S, B> Service<ServiceRequest> for AdminAuthService<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = actix_web::Error;
    type Future = Guarded<S::Future, B>;

    forward_ready!(service);

    fn call(&self, req: ServiceRequest) -> Self::Future {
        match &self.token {
            Some(token) if !allowed(&req, token) => {
                let res = ControlError::Unauthorized.error_response();
                Guarded::Denied {
                    res: Some(req.into_response(res).map_into_right_body()),
                }
            }
            _ => Guarded::Pass {
                inner: self.service.call(req),
            },
        }
    }
}

pin_project! {
    #[project = GuardedProj]
    pub enum Guarded<F, B> {
        Pass { #[pin] inner: F },
        Denied { res: Option<ServiceResponse<EitherBody<B>>> },
    }
}

impl<F, B> Future for Guarded<F, B>
where
    F: Future<Output = Result<ServiceResponse<B>, actix_web::Error>>,
{
    type Output = Result<ServiceResponse<EitherBody<B>>, actix_web::Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project() {
            GuardedProj::Pass { inner } => {
                inner.poll(cx).map_ok(ServiceResponse::map_into_left_body)
            }
            GuardedProj::Denied { res } => {
                Poll::Ready(Ok(res.take().expect("a denied request is answered once")))
            }
        }
    }
}
