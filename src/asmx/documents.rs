//! The service's description documents (WSDL, disco, help pages) depend only on the
//! host the client addressed, so each is built once per host and then served from
//! memory: a code generator polling `?WSDL` costs a map lookup, not a rebuild.

use foldhash::HashMap;
use std::sync::{LazyLock, RwLock};

use actix_web::web::Bytes;

use super::{disco, help, wsdl};
use crate::ops::Method;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Document {
    Wsdl,
    Disco,
    ServiceHelp,
    OperationHelp(&'static str),
}

/// Documents kept; the Host header is the client's to choose, so beyond this many
/// (document, host) pairs new ones are built per request rather than remembered.
const CAPACITY: usize = 512;

type Cache = HashMap<Document, HashMap<String, Bytes>>;

static CACHE: LazyLock<RwLock<Cache>> = LazyLock::new(RwLock::default);
static SIZE: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

impl Document {
    pub fn operation(method: Method) -> Document {
        Document::OperationHelp(method.name)
    }

    fn build(self, base: &str) -> String {
        match self {
            Document::Wsdl => wsdl::document(base),
            Document::Disco => disco::document(base),
            Document::ServiceHelp => help::service_page(base),
            Document::OperationHelp(name) => match crate::ops::find(name) {
                Some(method) => help::operation_page(method, base),
                None => help::service_page(base),
            },
        }
    }

    /// The document for `base` (`http://host`), from memory when built before.
    pub fn bytes(self, base: &str) -> Bytes {
        // Building is deterministic, so a poisoned lock still holds good documents.
        let cached = CACHE
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(&self)
            .and_then(|hosts| hosts.get(base).cloned());
        if let Some(bytes) = cached {
            return bytes;
        }
        let bytes = Bytes::from(self.build(base));
        use std::sync::atomic::Ordering::Relaxed;
        if SIZE.load(Relaxed) < CAPACITY {
            let mut cache = CACHE.write().unwrap_or_else(|p| p.into_inner());
            let hosts = cache.entry(self).or_default();
            if !hosts.contains_key(base) {
                hosts.insert(base.to_owned(), bytes.clone());
                SIZE.fetch_add(1, Relaxed);
            }
        }
        bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cached_documents_equal_fresh_ones() {
        let base = "http://cache.test:8080";
        for doc in [
            Document::Wsdl,
            Document::Disco,
            Document::ServiceHelp,
            Document::OperationHelp("GetUser"),
        ] {
            let first = doc.bytes(base);
            assert_eq!(first, doc.build(base).as_bytes());
            assert_eq!(doc.bytes(base), first);
        }
    }
}
