//! The request as the adapters see it: the parts they read, owned so the request can
//! move into the store's thread, with the body read up to a bound. JSON is parsed
//! with a depth bound too; a body over either bound is that vendor's 400.

use actix_web::http::{header, Method};
use actix_web::web::{self, Bytes};
use actix_web::HttpRequest;
use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::ops::{Interrupted, Service};
use crate::state::AppState;
use crate::store::{StoreError, Tx};

/// Far above any contact update, far below the server's general limit.
pub const MAX_BODY: usize = 256 * 1024;
/// Deeper JSON or XML than this is refused.
pub const MAX_DEPTH: usize = 32;

/// The body could not be read whole within [`MAX_BODY`] and `--body-timeout`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unreadable;

pub struct Incoming {
    pub method: Method,
    pub path: String,
    pub query: String,
    /// `scheme://host` as the client addressed us, and the world's path.
    pub origin: String,
    pub authorization: Option<String>,
    pub content_type: Option<String>,
    pub accept: Option<String>,
    pub body: Result<Bytes, Unreadable>,
}

impl Incoming {
    pub async fn read(req: &HttpRequest, payload: web::Payload, state: &AppState) -> Incoming {
        let header = |name: header::HeaderName| {
            req.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let body = crate::body::read(req, payload, MAX_BODY, state.body_timeout)
            .await
            .map_err(|_| Unreadable);
        let info = req.connection_info();
        Incoming {
            method: req.method().clone(),
            path: req.path().to_string(),
            query: req.query_string().to_string(),
            origin: format!("{}://{}{}", info.scheme(), info.host(), state.base_path),
            authorization: header(header::AUTHORIZATION),
            content_type: header(header::CONTENT_TYPE),
            accept: header(header::ACCEPT),
            body,
        }
    }

    /// An update: the request is checked on a read snapshot and, once it passes,
    /// what the check found is written at `now` in one store transaction.
    pub async fn check_then_update<C, T, E>(
        self,
        service: &Service,
        now: DateTime<Utc>,
        check: fn(&Tx, &Incoming) -> Result<C, E>,
        update: fn(&Tx, &C, DateTime<Utc>) -> Result<T, E>,
    ) -> Result<T, E>
    where
        C: Send + 'static,
        T: Send + 'static,
        E: From<StoreError> + From<Interrupted> + Send + 'static,
    {
        service
            .check_then_write(
                move |tx| check(tx, &self),
                move |tx, checked| update(tx, &checked, now),
            )
            .await
    }

    /// The content type without parameters, lower-case (`application/json`).
    pub fn media_type(&self) -> Option<String> {
        self.content_type.as_deref().map(|ct| {
            ct.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        })
    }

    /// The path and query as the client sent them.
    pub fn path_and_query(&self) -> String {
        if self.query.is_empty() {
            self.path.clone()
        } else {
            format!("{}?{}", self.path, self.query)
        }
    }

    /// The query parameters, decoded; `None` when the query is not well-formed.
    pub fn query_pairs(&self) -> Option<Vec<(String, String)>> {
        serde_urlencoded::from_str(&self.query).ok()
    }
}

/// A JSON document no deeper than [`MAX_DEPTH`].
pub fn json(bytes: &[u8]) -> Option<Value> {
    let value: Value = serde_json::from_slice(bytes).ok()?;
    (depth(&value) <= MAX_DEPTH).then_some(value)
}

fn depth(value: &Value) -> usize {
    match value {
        Value::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
        Value::Object(map) => 1 + map.values().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

/// A JSON member that must be a string when present.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotAString;

/// A member under docs/vendors.md D-0: absent or `null` is `None` (keep), a string is the
/// new value (`""` clears).
pub fn optional_string(value: Option<&Value>) -> Result<Option<String>, NotAString> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(NotAString),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_depth_is_bounded() {
        let shallow = format!("{}1{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(json(shallow.as_bytes()).is_some());
        let deep = format!(
            "{}1{}",
            "[".repeat(MAX_DEPTH + 1),
            "]".repeat(MAX_DEPTH + 1)
        );
        assert!(json(deep.as_bytes()).is_none());
        let very_deep = "[".repeat(100_000);
        assert!(json(very_deep.as_bytes()).is_none());
    }

    #[test]
    fn optional_strings_follow_d0() {
        let doc: Value = serde_json::json!({"a": "x", "b": null, "c": "", "d": 1});
        assert_eq!(optional_string(doc.get("a")), Ok(Some("x".into())));
        assert_eq!(optional_string(doc.get("b")), Ok(None));
        assert_eq!(optional_string(doc.get("c")), Ok(Some(String::new())));
        assert_eq!(optional_string(doc.get("missing")), Ok(None));
        assert_eq!(optional_string(doc.get("d")), Err(NotAString));
    }
}

/// Fuzzing by property (issue 7): any body or query yields a value or `None`, never a
/// panic, and an accepted JSON document is never deeper than [`MAX_DEPTH`].
#[cfg(test)]
pub(crate) mod props {
    use super::*;
    use proptest::prelude::*;

    /// Any JSON value, up to a few levels deep.
    pub(crate) fn value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<String>().prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 32, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::btree_map(".{0,6}", inner, 0..4)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    /// Serialised JSON with some bytes spliced in.
    pub(crate) fn mutated() -> impl Strategy<Value = Vec<u8>> {
        (
            value(),
            any::<prop::sample::Index>(),
            prop::collection::vec(any::<u8>(), 0..8),
        )
            .prop_map(|(v, at, junk)| {
                let text = serde_json::to_vec(&v).unwrap();
                let at = at.index(text.len() + 1);
                [&text[..at], &junk[..], &text[at..]].concat()
            })
    }

    /// A request as an adapter sees it, with this query, content type and body.
    pub(crate) fn incoming(query: String, content_type: &str, body: Vec<u8>) -> Incoming {
        Incoming {
            method: Method::POST,
            path: "/".into(),
            query,
            origin: "http://localhost".into(),
            authorization: None,
            content_type: Some(content_type.into()),
            accept: None,
            body: Ok(Bytes::from(body)),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn arbitrary_bytes_are_json_or_none(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
            if let Some(v) = json(&bytes) {
                prop_assert!(depth(&v) <= MAX_DEPTH);
            }
        }

        #[test]
        fn mutated_json_is_json_or_none(bytes in mutated()) {
            if let Some(v) = json(&bytes) {
                prop_assert!(depth(&v) <= MAX_DEPTH);
            }
        }

        #[test]
        fn valid_json_reads_back_and_members_bind_or_refuse(v in value()) {
            let read = json(&serde_json::to_vec(&v).unwrap());
            prop_assert_eq!(read.as_ref(), Some(&v));
            if let Value::Object(map) = &v {
                for member in map.values() {
                    let bound = optional_string(Some(member));
                    prop_assert_eq!(bound.is_ok(), matches!(member, Value::Null | Value::String(_)));
                }
            }
        }

        #[test]
        fn arbitrary_queries_decode_or_refuse(query in prop_oneof![any::<String>(), "[a-z=&%+0-9A-F]{0,40}"]) {
            let _ = incoming(query, "application/json", Vec::new()).query_pairs();
        }
    }
}
