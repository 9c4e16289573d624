//! The per-request record: what an emulated call turned out to be. The observing
//! middleware (`control::observe`) puts an empty record into every emulated request
//! before its handler runs; the handler fills it in as it decodes and runs the call
//! (binding and operation, the fault applied, the acting user); the middleware reads it
//! once the response is built, for the journal, the metrics and the log line. So the
//! protocol modules write it and the control plane reads it, and neither imports the
//! other.

use actix_web::web::Bytes;
use actix_web::{HttpMessage, HttpRequest};

use crate::faults::rules::FaultKind;
use crate::model::Binding;

/// Empty until a handler claims the request: unknown paths leave it so.
#[derive(Debug, Default)]
pub struct Record {
    pub binding: Option<Binding>,
    pub operation: Option<&'static str>,
    pub user: Option<String>,
    pub fault: Option<FaultKind>,
    /// The body the handler read, kept only when [`Record::keep_body`] asks for it.
    pub request_body: Option<Bytes>,
    /// The answer is a document kept in memory for the life of the process (WSDL,
    /// disco, help pages), so the journal may share it rather than copy it.
    pub lasting_response: bool,
    /// Set by the middleware while the journal is on: only then is the body kept.
    pub keep_body: bool,
}

impl Record {
    /// Changes the request's record. A request the middleware did not watch (a unit
    /// test calling a handler directly) gets one here, which nobody reads.
    pub fn update(req: &HttpRequest, change: impl FnOnce(&mut Record)) {
        let mut extensions = req.extensions_mut();
        match extensions.get_mut::<Record>() {
            Some(record) => change(record),
            None => {
                let mut record = Record::default();
                change(&mut record);
                extensions.insert(record);
            }
        }
    }

    /// The binding and operation the handler resolved, and the fault it applies.
    pub fn resolved(
        req: &HttpRequest,
        binding: Binding,
        operation: &'static str,
        fault: Option<FaultKind>,
    ) {
        Record::update(req, |r| {
            r.binding = Some(binding);
            r.operation = Some(operation);
            r.fault = fault;
        });
    }

    /// The user the call acted as (or, on a vendor API, the id it named).
    pub fn acting_user(req: &HttpRequest, user: String) {
        Record::update(req, |r| r.user = Some(user));
    }

    /// Keeps the request body the handler read, when the journal wants it.
    pub fn read_body(req: &HttpRequest, body: &Bytes) {
        let mut extensions = req.extensions_mut();
        if let Some(record) = extensions.get_mut::<Record>().filter(|r| r.keep_body) {
            record.request_body = Some(body.clone());
        }
    }
}
