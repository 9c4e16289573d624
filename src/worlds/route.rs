//! The middleware that puts each request into its world: `/worlds/{name}/rest` is
//! served as `/rest` in world `name`, `/__emulator/worlds/{name}/rest` as
//! `/__emulator/rest` (that world's admin API); the request's path is rewritten before
//! routing, as actix's `NormalizePath` does, so every route matches unchanged, and the
//! world's handles become the request's app data (`World::enter`). An unprefixed
//! request is left as it is: the app data registered at start is the default world's.

use std::future::{ready, Future, Ready};
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;
use std::task::{Context, Poll};

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{forward_ready, Service, ServiceRequest, ServiceResponse, Transform};
use actix_web::http::uri::{PathAndQuery, Uri};
use actix_web::{web, HttpRequest, HttpResponse, ResponseError};
use pin_project_lite::pin_project;

use super::error::WorldError;
use super::name::{InvalidName, WorldName};
use super::registry::Worlds;
use crate::control::{is_own, ControlError, PREFIX};

const WORLDS: &str = "/worlds/";
const ADMIN_WORLDS: &str = "/__emulator/worlds/";

/// A request for a world, as its path tells.
struct Located {
    name: String,
    /// The path and query to serve it as.
    serve_as: String,
    admin: bool,
}

/// `None` for a request of the default world, and for `/__emulator/worlds/{name}`
/// itself (the admin API's route for deleting it).
fn locate(uri: &Uri) -> Option<Result<Located, WorldError>> {
    let path = uri.path();
    let (admin, after) = match path.strip_prefix(WORLDS) {
        Some(after) => (false, after),
        None => (true, path.strip_prefix(ADMIN_WORLDS)?),
    };
    let (name, rest) = after.split_at(after.find('/').unwrap_or(after.len()));
    if admin && rest.is_empty() {
        return None;
    }
    let rest = if rest.is_empty() { "/" } else { rest };
    if !admin && is_own(rest) {
        return Some(Err(WorldError::NotEmulated));
    }
    let query = uri.query().map(|q| ["?", q].concat()).unwrap_or_default();
    let prefix = if admin { PREFIX } else { "" };
    Some(Ok(Located {
        name: name.to_owned(),
        serve_as: [prefix, rest, &query].concat(),
        admin,
    }))
}

/// Serves the request as `serve_as` from here on. It is the tail of a valid path and
/// query, so it parses; were it not to, the request is refused rather than served in
/// `default`.
fn rewrite(req: &mut ServiceRequest, serve_as: String) -> Result<(), WorldError> {
    let mut parts = req.uri().clone().into_parts();
    parts.path_and_query = Some(PathAndQuery::try_from(serve_as).map_err(|_| InvalidName)?);
    let uri = Uri::from_parts(parts).map_err(|_| InvalidName)?;
    req.match_info_mut().get_mut().update(&uri);
    req.head_mut().uri = uri;
    Ok(())
}

/// The refusal in the request's own protocol: the admin API's JSON, a vendor's error
/// body, or ASP.NET's error page; a name that breaks the rule is a one-line text.
fn refusal(req: &HttpRequest, admin: bool, error: WorldError) -> HttpResponse {
    let message = error.to_string();
    let not_found = matches!(error, WorldError::Name(_) | WorldError::NotEmulated);
    if admin {
        return match not_found {
            true => ControlError::NotFound(message),
            false => ControlError::Unavailable(message),
        }
        .error_response();
    }
    if not_found {
        return HttpResponse::NotFound()
            .content_type("text/plain; charset=utf-8")
            .body(message + "\n");
    }
    tracing::warn!(path = req.path(), error = %message, "world unavailable");
    crate::vendors::unavailable::unavailable(req, message.clone())
        .unwrap_or_else(|| crate::asmx::unavailable(message))
}

/// `App::wrap(WorldRoute(worlds))`.
pub struct WorldRoute(pub Arc<Worlds>);

impl<S, B> Transform<S, ServiceRequest> for WorldRoute
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = actix_web::Error;
    type Transform = WorldRouteService<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(WorldRouteService {
            service: Rc::new(service),
            worlds: Arc::clone(&self.0),
        }))
    }
}

pub struct WorldRouteService<S> {
    service: Rc<S>,
    worlds: Arc<Worlds>,
}

type Answer<B> = Result<ServiceResponse<EitherBody<B>>, actix_web::Error>;

pin_project! {
    #[project = RoutedProj]
    pub enum Routed<F, B> {
        Pass { #[pin] inner: F },
        /// The world is being made first: boxed, as this happens once per world.
        Making { inner: Pin<Box<dyn Future<Output = Answer<B>>>> },
        Refused { res: Option<ServiceResponse<EitherBody<B>>> },
    }
}

impl<F, B> Future for Routed<F, B>
where
    F: Future<Output = Result<ServiceResponse<B>, actix_web::Error>>,
{
    type Output = Answer<B>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project() {
            RoutedProj::Pass { inner } => {
                inner.poll(cx).map_ok(ServiceResponse::map_into_left_body)
            }
            RoutedProj::Making { inner } => inner.as_mut().poll(cx),
            RoutedProj::Refused { res } => {
                Poll::Ready(Ok(res.take().expect("a refused request is answered once")))
            }
        }
    }
}

impl<S, B> Service<ServiceRequest> for WorldRouteService<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = actix_web::Error;
    type Future = Routed<S::Future, B>;

    forward_ready!(service);

    fn call(&self, mut req: ServiceRequest) -> Self::Future {
        let Some(located) = locate(req.uri()) else {
            self.worlds.default_world().touch();
            return Routed::Pass {
                inner: self.service.call(req),
            };
        };
        let admin = located.as_ref().is_ok_and(|l| l.admin);
        let refuse = |req: ServiceRequest, error| {
            let res = refusal(req.request(), admin, error);
            Routed::Refused {
                res: Some(req.into_response(res).map_into_right_body()),
            }
        };
        let name = located.and_then(|l| {
            let name = WorldName::parse(&l.name)?;
            rewrite(&mut req, l.serve_as)?;
            Ok(name)
        });
        let name = match name {
            Ok(name) => name,
            Err(error) => return refuse(req, error),
        };
        if let Some(world) = self.worlds.get_live(&name) {
            world.enter(&mut req);
            return Routed::Pass {
                inner: self.service.call(req),
            };
        }
        let (service, worlds) = (Rc::clone(&self.service), Arc::clone(&self.worlds));
        Routed::Making {
            inner: Box::pin(async move {
                let made = web::block(move || worlds.resolve(name))
                    .await
                    .map_err(WorldError::from)
                    .and_then(|made| made);
                match made {
                    Ok(world) => {
                        world.enter(&mut req);
                        service
                            .call(req)
                            .await
                            .map(ServiceResponse::map_into_left_body)
                    }
                    Err(error) => {
                        let res = refusal(req.request(), admin, error);
                        Ok(req.into_response(res).map_into_right_body())
                    }
                }
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn located(uri: &'static str) -> Option<(String, String, bool)> {
        locate(&Uri::from_static(uri)).map(|l| {
            let l = l.expect("located");
            (l.name, l.serve_as, l.admin)
        })
    }

    #[test]
    fn prefixes_come_off_and_queries_stay() {
        let world = |name: &str, path: &str, admin| Some((name.into(), path.into(), admin));
        assert_eq!(
            located("/worlds/a/srv.asmx?WSDL"),
            world("a", "/srv.asmx?WSDL", false)
        );
        assert_eq!(located("/worlds/a"), world("a", "/", false));
        assert_eq!(
            located("/__emulator/worlds/b.c/clock/advance"),
            world("b.c", "/__emulator/clock/advance", true)
        );
        assert_eq!(located("/__emulator/worlds/b"), None);
        assert_eq!(located("/srv.asmx"), None);
        assert_eq!(located("/worldsx/a/srv.asmx"), None);
        assert!(matches!(
            locate(&Uri::from_static("/worlds/a/__emulator/reset")),
            Some(Err(WorldError::NotEmulated))
        ));
    }
}
