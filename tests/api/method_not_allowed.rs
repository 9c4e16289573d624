//! A method a path does not serve (issue 24): every admin path answers the admin API's JSON
//! 405 with an `Allow` header naming exactly the methods openapi/openapi.yaml lists for it
//! (RFC 9110 requires the header), also under a world's prefix; the Web API's 405s carry
//! `Allow` as Web API 2's action selector sets it (docs/vendors.md §4.1).

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::helpers::spawn_app;
use crate::openapi::{document, operations, url};

/// Methods no admin path serves.
const UNSERVED: [&str; 2] = ["PATCH", "TRACE"];

#[actix_web::test]
async fn every_admin_405_names_the_methods_the_path_serves() {
    let doc = document();
    // Per admin path: its URL (path parameters from the examples) and documented methods.
    let mut paths: BTreeMap<String, (String, Vec<String>)> = BTreeMap::new();
    for (path, method, op) in operations(&doc) {
        if !op["tags"].as_array().unwrap().contains(&json!("admin")) {
            continue;
        }
        let (url, _) = url(&doc, &path, &op);
        let entry = paths.entry(path).or_insert((url, Vec::new()));
        entry.1.push(method.to_uppercase());
    }
    assert!(paths.len() > 10, "admin paths found: {paths:?}");
    let app = spawn_app().await;
    for (path, (url, methods)) in &paths {
        let mut expected = methods.clone();
        expected.sort();
        let prefixed = url.replacen("/__emulator/", "/__emulator/worlds/w24/", 1);
        let world_scoped =
            !path.starts_with("/__emulator/worlds") && path != "/__emulator/openapi.yaml";
        let urls = if world_scoped {
            vec![url.clone(), prefixed]
        } else {
            vec![url.clone()]
        };
        for url in urls {
            for method in UNSERVED {
                let resp = app.request(method, &url, &[], "").await;
                assert_eq!(resp.status, 405, "{method} {url}: {}", resp.body);
                let body: Value = serde_json::from_str(&resp.body)
                    .unwrap_or_else(|e| panic!("{method} {url}: not JSON ({e}): {}", resp.body));
                assert!(body["error"].is_string(), "{method} {url}: {body}");
                let allow = resp
                    .headers
                    .get("allow")
                    .unwrap_or_else(|| panic!("{method} {url}: no Allow header"))
                    .to_str()
                    .unwrap();
                let mut allowed: Vec<String> =
                    allow.split(',').map(|m| m.trim().to_string()).collect();
                allowed.sort();
                assert_eq!(allowed, expected, "{method} {url}: Allow: {allow}");
            }
        }
    }
}

#[actix_web::test]
async fn the_webapi_405s_allow_the_routes_one_method() {
    let app = spawn_app().await;
    let auth = ("Authorization", "Bearer webapi-demo-token");
    for (method, path, allow) in [
        (
            "GET",
            "/api/v2/Users/0f54d07a-f8b1-43c1-af92-71e41f3cc103/UserContactItem",
            "PUT",
        ),
        ("POST", "/api/v2/ContactItem/GetAllTypes", "GET"),
        ("DELETE", "/api/v1/ContactItem/GetAllTypes", "GET"),
        ("TRACE", "/API/V2/contactitem/getalltypes", "GET"),
    ] {
        let resp = app.request(method, path, &[auth], "").await;
        assert_eq!(resp.status, 405, "{method} {path}: {}", resp.body);
        assert_eq!(
            resp.headers.get("allow").map(|v| v.to_str().unwrap()),
            Some(allow),
            "{method} {path}"
        );
    }
}
