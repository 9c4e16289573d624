//! The middleware that watches every emulated call (not `/__emulator/*`, `/healthz`,
//! `/readyz` or `/metrics`): it gives the request an empty [`Record`] for its handler to
//! fill in, then counts the call in the metrics, logs one line, and, when the journal is
//! on, records it, all in the request's world (the control plane a world request
//! carries as its app data, docs/worlds.md). For every request, it also closes the
//! connection after a body that was not read whole ([`UnreadBody`]). Cheap on the hot
//! path: no box per request, the body bytes are shared, and with the journal off
//! nothing is captured or allocated here.

use std::future::{ready, Ready};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::{forward_ready, Service, ServiceRequest, ServiceResponse, Transform};
use actix_web::{web, HttpMessage};
use chrono::{DateTime, Utc};
use pin_project_lite::pin_project;

use super::capture::Capturing;
use super::journal::{Captured, Entry, Headers, ResponseBody};
use super::plane::Control;
use super::resource::is_own;
use crate::body::UnreadBody;
use crate::faults::rules::FaultKind;
use crate::record::Record;

/// `App::wrap(Observe(control))`.
pub struct Observe(pub Control);

impl<S, B> Transform<S, ServiceRequest> for Observe
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B, BoxBody>>;
    type Error = actix_web::Error;
    type Transform = ObserveService<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(ObserveService {
            service,
            control: web::Data::new(self.0.clone()),
        }))
    }
}

pub struct ObserveService<S> {
    service: S,
    /// The default world's.
    control: web::Data<Control>,
}

impl<S, B> Service<ServiceRequest> for ObserveService<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B, BoxBody>>;
    type Error = actix_web::Error;
    type Future = Observed<S::Future>;

    forward_ready!(service);

    fn call(&self, req: ServiceRequest) -> Self::Future {
        let watched = !is_own(req.path());
        let watch = watched.then(|| {
            let control = req
                .app_data::<web::Data<Control>>()
                .unwrap_or(&self.control)
                .clone();
            req.extensions_mut().insert(Record {
                keep_body: control.journal.is_some(),
                ..Record::default()
            });
            // The journal's time is when the request came in, on the world's clock.
            let time = control.journal.as_ref().map(|_| control.clock.now());
            Watch {
                control,
                start: Instant::now(),
                time,
            }
        });
        Observed {
            inner: self.service.call(req),
            watch,
        }
    }
}

struct Watch {
    control: web::Data<Control>,
    start: Instant,
    time: Option<DateTime<Utc>>,
}

pin_project! {
    pub struct Observed<F> {
        #[pin]
        inner: F,
        watch: Option<Watch>,
    }
}

impl<F, B> std::future::Future for Observed<F>
where
    F: std::future::Future<Output = Result<ServiceResponse<B>, actix_web::Error>>,
    B: MessageBody + 'static,
{
    type Output = Result<ServiceResponse<EitherBody<B, BoxBody>>, actix_web::Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let res = match this.inner.poll(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(res) => res?,
        };
        let unread = res.request().extensions_mut().remove::<UnreadBody>();
        let res = match this.watch.take() {
            Some(watch) => watch.finish(res),
            None => res.map_into_left_body(),
        };
        Poll::Ready(Ok(match unread {
            Some(unread) => unread.close_after(res),
            None => res,
        }))
    }
}

impl Watch {
    fn finish<B: MessageBody + 'static>(
        self,
        res: ServiceResponse<B>,
    ) -> ServiceResponse<EitherBody<B, BoxBody>> {
        let duration = self.start.elapsed();
        let record = res
            .request()
            .extensions_mut()
            .remove::<Record>()
            .unwrap_or_default();
        let status = (record.fault != Some(FaultKind::Drop)).then(|| res.status());
        let binding = record.binding.map(|b| b.as_str());
        self.control
            .series
            .observe(record.operation, binding, status, duration);
        tracing::info!(
            world = &*self.control.world,
            method = %res.request().method(),
            path = res.request().path(),
            operation = record.operation,
            binding,
            user = record.user.as_deref(),
            status = status.map(|s| s.as_u16()),
            fault = record.fault.map(FaultKind::as_str),
            duration_ms = duration.as_secs_f64() * 1e3,
            "emulated request"
        );
        let Some(journal) = self.control.journal.as_deref() else {
            return res.map_into_left_body();
        };
        let mut response_body = ResponseBody::Whole(None);
        let res = res.map_body(|_, body| match body.try_into_bytes() {
            Ok(bytes) => {
                response_body = ResponseBody::Whole(Some(if record.lasting_response {
                    Captured::shared(&bytes)
                } else {
                    Captured::new(&bytes)
                }));
                EitherBody::right(BoxBody::new(bytes))
            }
            Err(body) => {
                let slot = Arc::default();
                response_body = ResponseBody::Streamed(Arc::clone(&slot));
                EitherBody::right(BoxBody::new(Capturing::new(body, slot)))
            }
        });
        let req = res.request();
        journal.push(Entry {
            time: self.time.unwrap_or_else(|| self.control.clock.now()),
            method: req.method().clone(),
            uri: req.uri().clone(),
            binding: record.binding,
            operation: record.operation,
            user: record.user,
            fault: record.fault,
            headers: Headers::capture(req.headers()),
            request_body: record.request_body.as_ref().map(Captured::new),
            status,
            response_body,
            duration,
        });
        res
    }
}
