//! The OpenAPI document `openapi/openapi.yaml` (issue 9): it is valid OpenAPI, the server
//! serves it byte for byte, and every operation it lists answers a real request built
//! from the document's own examples with a documented status, media type and body shape.

use std::collections::BTreeSet;
use std::process::Command;
use std::time::Duration;

use serde_json::Value;

use crate::helpers::{basic, spawn_app, spawn_app_with, Resp};
use crate::tools::run_bounded_async;

const FILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.yaml");
const METHODS: [&str; 5] = ["get", "put", "post", "patch", "delete"];

pub(crate) fn document() -> Value {
    let text = std::fs::read_to_string(FILE).expect("openapi/openapi.yaml");
    serde_yaml::from_str(&text).expect("the document is YAML")
}

/// `value` with a `$ref` to `#/...` followed (repeatedly).
fn resolve<'a>(doc: &'a Value, mut value: &'a Value) -> &'a Value {
    while let Some(target) = value.get("$ref").and_then(Value::as_str) {
        let pointer = target
            .strip_prefix('#')
            .unwrap_or_else(|| panic!("only local references: {target}"));
        value = doc
            .pointer(pointer)
            .unwrap_or_else(|| panic!("dangling reference {target}"));
    }
    value
}

/// Every (path, method, operation) of the document, in its order.
pub(crate) fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut all = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in METHODS {
            if let Some(op) = item.get(method) {
                let mut op = op.clone();
                // Path-level parameters apply to every operation of the path.
                if let Some(shared) = item.get("parameters").and_then(Value::as_array) {
                    let own = op
                        .get("parameters")
                        .and_then(Value::as_array)
                        .cloned()
                        .unwrap_or_default();
                    op["parameters"] = Value::Array(shared.iter().cloned().chain(own).collect());
                }
                all.push((path.clone(), method.to_string(), op));
            }
        }
    }
    all
}

/// Scalar text for a path or query parameter, a header or a form field.
fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The URL of `op` with every parameter set from its `example`.
pub(crate) fn url(doc: &Value, path: &str, op: &Value) -> (String, Vec<(String, String)>) {
    let mut url = path.to_string();
    let mut query = Vec::new();
    let mut headers = Vec::new();
    for param in op["parameters"].as_array().into_iter().flatten() {
        let param = resolve(doc, param);
        let name = param["name"].as_str().expect("parameter name");
        let example = param
            .get("example")
            .or_else(|| resolve(doc, &param["schema"]).get("example"));
        let Some(example) = example else {
            assert_ne!(
                param["required"],
                Value::Bool(true),
                "{path}: required parameter {name} has no example"
            );
            continue;
        };
        match param["in"].as_str() {
            Some("path") => url = url.replace(&format!("{{{name}}}"), &text(example)),
            Some("query") => query.push((name.to_string(), text(example))),
            Some("header") => headers.push((name.to_string(), text(example))),
            other => panic!("{path}: parameter {name} in {other:?}"),
        }
    }
    assert!(
        !url.contains('{'),
        "{path}: a path parameter has no example"
    );
    if !query.is_empty() {
        url = format!("{url}?{}", serde_urlencoded::to_string(&query).unwrap());
    }
    (url, headers)
}

/// How an operation authenticates: the header to send, and the server flags that make
/// the credential required (`x-emulator-flag`, for a scheme that is off by default).
struct Auth {
    header: (String, String),
    flags: Vec<String>,
}

/// The operation's first security scheme, with the credential of its
/// `x-emulator-credential`; `None` for an open operation.
fn credential(doc: &Value, op: &Value) -> Option<Auth> {
    let security = op.get("security").or_else(|| doc.get("security"))?;
    let name = security
        .as_array()?
        .iter()
        .find_map(|r| r.as_object()?.keys().next().cloned())?;
    let scheme = &doc["components"]["securitySchemes"][&name];
    let secret = scheme["x-emulator-credential"]
        .as_str()
        .unwrap_or_else(|| panic!("security scheme {name} has no x-emulator-credential"));
    let header = match (scheme["type"].as_str(), scheme["scheme"].as_str()) {
        (Some("http"), Some("basic")) => {
            let (user, password) = secret.split_once(':').expect("user:password");
            ("Authorization".to_string(), basic(user, password))
        }
        (Some("http"), Some("bearer")) => ("Authorization".to_string(), format!("Bearer {secret}")),
        (Some("apiKey"), _) => {
            assert_eq!(scheme["in"], "header", "{name}: only header API keys");
            (scheme["name"].as_str().unwrap().to_string(), secret.into())
        }
        other => panic!("security scheme {name}: {other:?}"),
    };
    let flags = match scheme["x-emulator-flag"].as_str() {
        Some(flag) => vec![flag.to_string(), secret.to_string()],
        None => Vec::new(),
    };
    Some(Auth { header, flags })
}

/// One body per request media type that has an example: (content type, bytes).
fn bodies(doc: &Value, path: &str, op: &Value) -> Vec<Option<(String, String)>> {
    let Some(body) = op.get("requestBody").map(|b| resolve(doc, b)) else {
        return vec![None];
    };
    let mut out = Vec::new();
    for (media, content) in body["content"].as_object().expect("content") {
        let Some(example) = content.get("example") else {
            continue;
        };
        let bytes = match (media.as_str(), example) {
            (_, Value::String(s)) => s.clone(),
            ("application/x-www-form-urlencoded", Value::Object(fields)) => {
                let pairs: Vec<(String, String)> =
                    fields.iter().map(|(k, v)| (k.clone(), text(v))).collect();
                serde_urlencoded::to_string(&pairs).unwrap()
            }
            (_, json) => json.to_string(),
        };
        out.push(Some((media.clone(), bytes)));
    }
    assert!(
        !out.is_empty() || body["required"] != Value::Bool(true),
        "{path}: a required body without any example"
    );
    if out.is_empty() {
        out.push(None);
    }
    out
}

/// Checks `value` against the subset of JSON Schema the document uses; returns what
/// does not match.
fn check(doc: &Value, schema: &Value, value: &Value, at: &str) -> Result<(), String> {
    let schema = resolve(doc, schema);
    if value.is_null() && schema["nullable"] == Value::Bool(true) {
        return Ok(());
    }
    if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
        for part in all {
            check(doc, part, value, at)?;
        }
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(any) = schema.get(key).and_then(Value::as_array) {
            let errors: Vec<String> = any
                .iter()
                .filter_map(|s| check(doc, s, value, at).err())
                .collect();
            if errors.len() == any.len() {
                return Err(format!("{at}: matches none of {key}: {errors:?}"));
            }
        }
    }
    if let Some(options) = schema.get("enum").and_then(Value::as_array) {
        if !options.contains(value) {
            return Err(format!("{at}: {value} not in {options:?}"));
        }
    }
    let kind_ok = match schema.get("type").and_then(Value::as_str) {
        None => true,
        Some("object") => value.is_object(),
        Some("array") => value.is_array(),
        Some("string") => value.is_string(),
        Some("integer") => value.as_i64().is_some() || value.as_u64().is_some(),
        Some("number") => value.is_number(),
        Some("boolean") => value.is_boolean(),
        Some(other) => return Err(format!("{at}: unknown type {other}")),
    };
    if !kind_ok {
        return Err(format!("{at}: {value} is not {}", schema["type"]));
    }
    if let Value::Object(members) = value {
        for name in schema["required"].as_array().into_iter().flatten() {
            let name = name.as_str().unwrap();
            if !members.contains_key(name) {
                return Err(format!("{at}: required member {name} missing in {value}"));
            }
        }
        let properties = schema["properties"].as_object();
        for (name, member) in members {
            let at = format!("{at}.{name}");
            match properties.and_then(|p| p.get(name)) {
                Some(s) => check(doc, s, member, &at)?,
                None => {
                    if let Some(extra) = schema.get("additionalProperties") {
                        if extra.is_object() {
                            check(doc, extra, member, &at)?;
                        }
                    }
                }
            }
        }
    }
    if let (Value::Array(items), Some(item)) = (value, schema.get("items")) {
        for (i, v) in items.iter().enumerate() {
            check(doc, item, v, &format!("{at}[{i}]"))?;
        }
    }
    Ok(())
}

/// The answer is one of the operation's documented responses: its status, its media type,
/// and for JSON a body of the documented schema.
fn assert_documented(doc: &Value, what: &str, op: &Value, resp: &Resp) {
    let responses = op["responses"].as_object().expect("responses");
    let status = resp.status.to_string();
    let range = format!("{}XX", status.chars().next().unwrap());
    let response = [status.as_str(), range.as_str(), "default"]
        .iter()
        .find_map(|key| responses.get(*key))
        .unwrap_or_else(|| {
            panic!(
                "{what}: status {status} is not documented (only {:?}): {}",
                responses.keys().collect::<Vec<_>>(),
                resp.body
            )
        });
    let response = resolve(doc, response);
    let Some(content) = response.get("content").and_then(Value::as_object) else {
        assert!(
            resp.body.is_empty(),
            "{what}: {status} documents no body but got {:?}: {}",
            resp.content_type,
            resp.body
        );
        return;
    };
    let media = resp
        .content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let documented = content.get(&media).unwrap_or_else(|| {
        panic!(
            "{what}: {status} answered {:?}, documented {:?}",
            resp.content_type,
            content.keys().collect::<Vec<_>>()
        )
    });
    if media.ends_with("xml") {
        if let Some(schema) = documented.get("schema") {
            let root = xml_root(&resp.body);
            let names = xml_names(doc, schema);
            assert!(
                names.is_empty() || names.contains(&root),
                "{what}: {status} XML root <{root}>, documented {names:?}: {}",
                resp.body
            );
        }
    }
    if media.ends_with("json") {
        let body: Value = serde_json::from_str(&resp.body)
            .unwrap_or_else(|e| panic!("{what}: {media} body is not JSON ({e}): {}", resp.body));
        if let Some(schema) = documented.get("schema") {
            if let Err(e) = check(doc, schema, &body, "body") {
                panic!(
                    "{what}: {status} body does not match its schema: {e}\n{}",
                    resp.body
                );
            }
        }
    }
}

/// The name of the first element of an XML document.
fn xml_root(body: &str) -> String {
    let mut rest = body.trim_start_matches('\u{feff}');
    while let Some(at) = rest.find('<') {
        rest = &rest[at + 1..];
        if !rest.starts_with(['?', '!']) {
            let end = rest.find([' ', '>', '/']).unwrap_or(rest.len());
            return rest[..end].to_string();
        }
    }
    String::new()
}

/// The element names (`xml.name`) a schema allows, through `$ref` and `oneOf`.
fn xml_names(doc: &Value, schema: &Value) -> Vec<String> {
    let schema = resolve(doc, schema);
    match schema.get("oneOf").and_then(Value::as_array) {
        Some(any) => any.iter().flat_map(|s| xml_names(doc, s)).collect(),
        None => schema["xml"]["name"]
            .as_str()
            .map(|n| vec![n.to_string()])
            .unwrap_or_default(),
    }
}

#[actix_web::test]
async fn the_document_is_valid_openapi() {
    let mut command = Command::new("python3");
    command.args(["-m", "openapi_spec_validator", FILE]);
    let (ok, output) = run_bounded_async(command, Duration::from_secs(120)).await;
    assert!(
        ok && output.contains("OK"),
        "openapi-spec-validator (tests/clients/requirements.txt) failed:\n{output}"
    );
}

#[actix_web::test]
async fn the_server_serves_the_checked_in_document_byte_for_byte() {
    let app = spawn_app().await;
    let resp = app.get("/__emulator/openapi.yaml").await;
    assert_eq!(resp.status, 200);
    assert_eq!(resp.content_type, "application/yaml");
    let file = std::fs::read_to_string(FILE).expect("openapi/openapi.yaml");
    assert!(resp.body == file, "the served document differs from {FILE}");
}

#[actix_web::test]
async fn every_example_user_and_credential_comes_from_the_fixtures() {
    // The examples address fixture users, so a walk against a fresh server finds them.
    let fixtures = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/vendors.json"
    ))
    .unwrap();
    let doc = document();
    for (path, method, op) in operations(&doc) {
        let tags = op["tags"].as_array().cloned().unwrap_or_default();
        if tags.iter().any(|t| t == "admin" || t == "ops") {
            continue;
        }
        for param in op["parameters"].as_array().into_iter().flatten() {
            let param = resolve(&doc, param);
            let example = text(&param["example"]);
            let id = param["name"] == "id" || param["name"] == "userId";
            if id {
                assert!(
                    fixtures.contains(&format!("\"{example}\"")),
                    "{method} {path}: {example} is not in fixtures/vendors.json"
                );
            }
        }
    }
    let schemes = doc["components"]["securitySchemes"].as_object().unwrap();
    for (name, scheme) in schemes {
        if scheme.get("x-emulator-flag").is_some() {
            continue; // set by a flag, not by the fixtures
        }
        for part in scheme["x-emulator-credential"]
            .as_str()
            .unwrap_or_else(|| panic!("{name}: no x-emulator-credential"))
            .split(':')
        {
            assert!(
                fixtures.contains(&format!("\"{part}\"")),
                "{name}: {part} is not in fixtures/vendors.json"
            );
        }
    }
}

/// Every path and method, each against a fresh server: once per request media type with
/// valid credentials (and once per documented answer media type), and once without
/// credentials where the operation needs some.
#[actix_web::test]
async fn every_documented_operation_answers_as_documented() {
    let doc = document();
    let operations = operations(&doc);
    assert!(operations.len() >= 8, "the vendor routes at least");
    for (path, method, op) in &operations {
        let (url, params) = url(&doc, path, op);
        let auth = credential(&doc, op);
        let flags: Vec<&str> = auth
            .iter()
            .flat_map(|a| a.flags.iter().map(String::as_str))
            .collect();
        let app = spawn_app_with(&flags).await;
        for body in bodies(&doc, path, op) {
            let mut headers: Vec<(String, String)> = params.clone();
            headers.extend(auth.as_ref().map(|a| a.header.clone()));
            let (media, bytes) = body.clone().unwrap_or_default();
            if !media.is_empty() {
                headers.push(("Content-Type".into(), media.clone()));
            }
            let refs: Vec<(&str, &str)> = headers
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            let what = format!("{} {url} ({media})", method.to_uppercase());
            let resp = app
                .request(&method.to_uppercase(), &url, &refs, &bytes)
                .await;
            assert_documented(&doc, &what, op, &resp);
            // An example succeeds unless the operation says what a fresh server answers.
            match op.get("x-emulator-example-status").and_then(Value::as_u64) {
                Some(expected) => assert_eq!(u64::from(resp.status), expected, "{what}"),
                None => assert!(
                    resp.status < 300,
                    "{what}: the document's example should succeed: {} {}",
                    resp.status,
                    resp.body
                ),
            }
            // Every media type documented for that answer is given when asked for.
            let answered = resolve(&doc, &op["responses"][resp.status.to_string()]);
            let offered: Vec<String> = answered["content"]
                .as_object()
                .map(|c| c.keys().cloned().collect())
                .unwrap_or_default();
            if offered.len() > 1 {
                for accept in &offered {
                    let mut asking = refs.clone();
                    asking.push(("Accept", accept));
                    let again = app
                        .request(&method.to_uppercase(), &url, &asking, &bytes)
                        .await;
                    let what = format!("{what} accepting {accept}");
                    assert_documented(&doc, &what, op, &again);
                    assert!(
                        again.content_type.starts_with(accept.as_str()),
                        "{what}: answered {}",
                        again.content_type
                    );
                }
            }
            if auth.is_some() {
                let without: Vec<(&str, &str)> = refs
                    .iter()
                    .filter(|(k, _)| Some(*k) != auth.as_ref().map(|a| a.header.0.as_str()))
                    .copied()
                    .collect();
                let resp = app
                    .request(&method.to_uppercase(), &url, &without, &bytes)
                    .await;
                let what = format!("{what} without credentials");
                assert_documented(&doc, &what, op, &resp);
                assert_eq!(resp.status, 401, "{what}: {}", resp.body);
            }
        }
    }
}

/// Every vendor route docs/vendors.md lists, and every admin route the table of
/// `src/control/mod.rs` lists, is in the document.
#[actix_web::test]
async fn the_document_lists_every_route() {
    let doc = document();
    let listed: Vec<String> = operations(&doc)
        .into_iter()
        .map(|(path, method, _)| format!("{} {path}", method.to_uppercase()))
        .collect();
    let mut routes: Vec<String> = [
        "POST /api/rest/v1/ecom/integrations/updateUserContactDetails",
        "PATCH /client/update-user",
        "PATCH /api/v1/client/update-user",
        "PATCH /api/v2/client/update-user",
        "POST /users/{USER_ID}",
        "PUT /api/v2/Users/{id}/UserContactItem",
        "GET /api/v2/ContactItem/GetAllTypes",
        "GET /api/v1/ContactItem/GetAllTypes",
        "GET /__emulator/openapi.yaml",
    ]
    .map(String::from)
    .to_vec();
    let control =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/control/mod.rs"))
            .expect("src/control/mod.rs");
    for row in control.lines().filter(|l| l.starts_with("//! | `")) {
        let cell = row.split('|').nth(1).unwrap_or_default();
        for route in cell.split('`').skip(1).step_by(2) {
            routes.push(route.to_string());
        }
    }
    assert!(routes.len() > 20, "admin routes found: {routes:?}");
    for route in &routes {
        assert!(
            listed.contains(route),
            "{route} is not in openapi/openapi.yaml"
        );
    }
    for route in &listed {
        assert!(
            routes.contains(route),
            "{route} is documented but not listed as served"
        );
    }
}

/// Every JSON example in the document, request or response, matches its own schema.
#[actix_web::test]
async fn every_json_example_matches_its_schema() {
    let doc = document();
    let mut checked = 0;
    for (path, method, op) in operations(&doc) {
        let mut contents = Vec::new();
        if let Some(body) = op.get("requestBody") {
            contents.push(("request".to_string(), resolve(&doc, body)));
        }
        for (status, response) in op["responses"].as_object().unwrap() {
            contents.push((status.clone(), resolve(&doc, response)));
        }
        for (what, holder) in contents {
            for (media, content) in holder["content"].as_object().into_iter().flatten() {
                let (Some(example), Some(schema)) = (content.get("example"), content.get("schema"))
                else {
                    continue;
                };
                if !media.ends_with("json") {
                    continue;
                }
                if let Err(e) = check(&doc, schema, example, "example") {
                    panic!("{method} {path} {what} {media}: {e}");
                }
                checked += 1;
            }
        }
    }
    assert!(checked >= 10, "only {checked} examples checked");
}

/// `FaultTarget` lists exactly what the server takes as a fault rule's target: `*`, every
/// method of the service page, and the vendor endpoints an unknown target's 400 names.
#[actix_web::test]
async fn the_fault_targets_are_the_servers() {
    let doc = document();
    let documented: BTreeSet<String> = doc["components"]["schemas"]["FaultTarget"]["enum"]
        .as_array()
        .expect("FaultTarget enum")
        .iter()
        .map(|t| t.as_str().unwrap().to_string())
        .collect();
    let app = spawn_app().await;
    let page = app.get("/srv.asmx").await.body;
    let mut served: BTreeSet<String> = page
        .split("op=")
        .skip(1)
        .map(|rest| {
            rest.chars()
                .take_while(char::is_ascii_alphanumeric)
                .collect()
        })
        .collect();
    assert!(served.len() > 20, "methods on the service page: {served:?}");
    served.insert("*".to_string());
    let json = [("Content-Type", "application/json")];
    let refused = app
        .request(
            "POST",
            "/__emulator/faults",
            &json,
            r#"{"target":"Nope","action":"drop"}"#,
        )
        .await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    let error: Value = serde_json::from_str(&refused.body).unwrap();
    let endpoints = error["error"]
        .as_str()
        .unwrap()
        .split_once("vendor endpoint (")
        .and_then(|(_, rest)| rest.split_once(')'))
        .expect("the endpoints in the error")
        .0;
    served.extend(endpoints.split(", ").map(str::to_string));
    assert_eq!(documented, served);
}
