//! The OpenAPI document against the router: every route under /api is documented, every
//! documented GET answers with its examples, the /api page shows every path, and the
//! document is well-formed OpenAPI.
use std::collections::BTreeSet;

use axum::body::{to_bytes, Body};
use axum::http::{header, Request, StatusCode};
use chrono::Utc;
use quarry::openapi::reference::{anchor, example_target, operations};
use serde_json::Value;
use tower::ServiceExt;

use crate::support::test_config;

/// Whether the axum route pattern `route` serves the documented path template `doc`: the
/// same segments, where a `{param}` of the route stands for any one segment (the document
/// may spell it out, `{slug}.{format}`) and `{*rest}` for the rest.
fn covers(route: &str, doc: &str) -> bool {
    let (r, d): (Vec<&str>, Vec<&str>) = (route.split('/').collect(), doc.split('/').collect());
    for (i, seg) in r.iter().enumerate() {
        if seg.starts_with("{*") {
            return d.len() > i;
        }
        let Some(other) = d.get(i) else { return false };
        if !(seg.starts_with('{') && seg.ends_with('}')) && seg != other {
            return false;
        }
    }
    r.len() == d.len()
}

/// Method and pattern of every route the router serves: the plain axum routes (one list
/// builds both the router and this) and the server functions it registers.
fn served_routes() -> Vec<(String, String)> {
    let mut routes: Vec<(String, String)> =
        quarry::server::plain_route_list().into_iter().map(|(m, p)| (m.to_string(), p.to_string())).collect();
    routes.extend(leptos::server_fn::axum::server_fn_paths().map(|(p, m)| (m.to_string(), p.to_string())));
    routes
}

fn documented() -> Vec<(String, String)> {
    operations(quarry::openapi::document()).into_iter().map(|(m, p, _)| (m, p)).collect()
}

#[test]
fn every_route_the_router_serves_under_api_is_in_the_document() {
    let routes = served_routes();
    let docs = documented();
    let under_api: Vec<&(String, String)> = routes.iter().filter(|(_, p)| p.starts_with("/api/")).collect();
    // Both kinds are seen: server functions and plain axum routes.
    assert!(under_api.iter().any(|(_, p)| p == "/api/venture/funding"), "{under_api:?}");
    assert!(under_api.iter().any(|(_, p)| p == "/api/venture/funds/{id}"), "{under_api:?}");
    let missing: Vec<String> = under_api
        .iter()
        .filter(|(m, p)| !docs.iter().any(|(dm, dp)| dm == m && covers(p, dp)))
        .map(|(m, p)| format!("{m} {p}"))
        .collect();
    assert!(missing.is_empty(), "served under /api but not in /api/openapi.json: {missing:?}");
    // And the document lists nothing the router does not serve.
    let unserved: Vec<String> = docs
        .iter()
        .filter(|(m, p)| !routes.iter().any(|(rm, rp)| rm == m && covers(rp, p)))
        .map(|(m, p)| format!("{m} {p}"))
        .collect();
    assert!(unserved.is_empty(), "documented but not served: {unserved:?}");
}

#[test]
fn route_patterns_cover_documented_paths_segment_by_segment() {
    assert!(covers("/api/venture/{table}", "/api/venture/{table}.csv"));
    assert!(covers("/api/charts/series/{file}", "/api/charts/series/{slug}.{format}"));
    assert!(covers("/api/commodities/signals.csv", "/api/commodities/signals.csv"));
    assert!(!covers("/api/commodities/signals.csv", "/api/commodities/{slug}"));
    assert!(!covers("/api/commodities/{slug}", "/api/commodities/{slug}/history"));
    assert!(covers("/pkg/{*file}", "/pkg/a/b.js"));
}

async fn send(app: &axum::Router, req: Request<Body>) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let res = app.clone().oneshot(req).await.unwrap();
    let (status, headers) = (res.status(), res.headers().clone());
    (status, headers, to_bytes(res.into_body(), 64 << 20).await.unwrap().to_vec())
}

/// A router over demo data, a chart pack and an admin token, so every documented read has
/// something to answer with.
async fn full_app(url: &str, data_dir: &std::path::Path) -> axum::Router {
    let mut c = test_config(url);
    c.data_dir = data_dir.to_path_buf();
    c.admin_token = serde_json::from_str("\"s3cret\"").unwrap();
    let state = quarry::startup::prepare(c).await.unwrap();
    quarry::startup::refresh_demo(&state, true).await.unwrap();
    quarry::charts::pack_service::generate(&state.db, &state.universe, data_dir, Utc::now().date_naive(), Utc::now())
        .await
        .unwrap();
    quarry::server::router(state)
}

/// A dry-run import's run token: the one path parameter only the server can make.
async fn an_import_run(app: &axum::Router) -> String {
    let csv = std::fs::read(format!("{}/tests/fixtures/venture/import_valid.csv", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let req = Request::post("/api/venture/import?name=rounds.csv&dry_run=true")
        .header(header::AUTHORIZATION, "Bearer s3cret")
        .body(Body::from(csv))
        .unwrap();
    let (status, _, body) = send(app, req).await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    let v: Value = serde_json::from_slice(&body).unwrap();
    v["run"].as_str().unwrap().to_string()
}

crate::on_both_backends! {
    fn every_documented_get_answers_its_examples_with_a_documented_content_type(url) {
        let dir = tempfile::tempdir().unwrap();
        let app = full_app(&url, dir.path()).await;
        let run = an_import_run(&app).await;
        let doc = quarry::openapi::document();
        let mut checked = 0;
        for (method, path, op) in operations(doc) {
            if method != "GET" {
                continue;
            }
            let mut target = example_target(&path, op);
            if path.contains("{run}") {
                let example = op["parameters"][0]["example"].as_str().unwrap();
                target = target.replace(example, &run);
            }
            let (status, headers, body) = send(&app, Request::get(&target).body(Body::empty()).unwrap()).await;
            let text = String::from_utf8_lossy(&body);
            assert_eq!(status, StatusCode::OK, "GET {target} ({path}): {}", &text[..text.len().min(400)]);
            let ctype = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
            let media = ctype.split(';').next().unwrap().trim();
            let allowed: Vec<&String> = op["responses"]["200"]["content"].as_object().unwrap().keys().collect();
            assert!(allowed.iter().any(|a| a.as_str() == media), "GET {target}: {ctype} is not one of {allowed:?}");
            if media == "application/json" {
                serde_json::from_slice::<Value>(&body).unwrap_or_else(|e| panic!("GET {target}: not JSON: {e}"));
            }
            checked += 1;
        }
        assert!(checked > 40, "{checked} GETs checked");
    }

    fn the_api_page_shows_every_documented_endpoint_venture_included(url) {
        let state = quarry::startup::prepare(test_config(&url)).await.unwrap();
        let app = quarry::server::router(state);
        let (status, _, body) = send(&app, Request::get("/api").body(Body::empty()).unwrap()).await;
        assert_eq!(status, StatusCode::OK);
        let html = scraper::Html::parse_document(&String::from_utf8(body).unwrap());
        let sel = |s: &str| scraper::Selector::parse(s).unwrap();
        let shown: BTreeSet<(String, String)> = html
            .select(&sel("article.endpoint"))
            .map(|a| {
                let id = a.value().attr("id").unwrap_or_default().to_string();
                let path = a.select(&sel("code.path")).next().map(|c| c.text().collect::<String>()).unwrap_or_default();
                (id, path)
            })
            .collect();
        let docs = documented();
        for (method, path) in &docs {
            assert!(shown.contains(&(anchor(method, path), path.clone())), "{method} {path} is not on /api");
        }
        assert_eq!(shown.len(), docs.len(), "the page shows an endpoint the document lacks");
        assert!(shown.iter().filter(|(_, p)| p.starts_with("/api/venture/")).count() >= 15);
        // Each endpoint has its curl example, and the page links the document.
        assert_eq!(html.select(&sel("article.endpoint pre.curl")).count(), docs.len());
        assert!(html.select(&sel("a[href='/api/openapi.json']")).next().is_some());
    }

    fn the_document_is_served_cacheable_and_is_valid_openapi(url) {
        let state = quarry::startup::prepare(test_config(&url)).await.unwrap();
        let app = quarry::server::router(state);
        let (status, headers, body) = send(&app, Request::get("/api/openapi.json").body(Body::empty()).unwrap()).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(headers[header::CONTENT_TYPE], "application/json");
        assert!(headers[header::CACHE_CONTROL].to_str().unwrap().contains("max-age="));
        let etag = headers[header::ETAG].clone();
        let again = Request::get("/api/openapi.json").header(header::IF_NONE_MATCH, etag).body(Body::empty()).unwrap();
        let (status, _, empty) = send(&app, again).await;
        assert_eq!((status, empty.len()), (StatusCode::NOT_MODIFIED, 0));

        let doc: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(&doc, quarry::openapi::document());
        assert!(doc["openapi"].as_str().unwrap().starts_with("3."), "{}", doc["openapi"]);
        assert_eq!(doc["info"]["title"], "Quarry API");
        assert!(!doc["info"]["version"].as_str().unwrap().is_empty());
        let paths = doc["paths"].as_object().unwrap();
        assert!(paths.len() > 30, "{} paths", paths.len());
        let tags: BTreeSet<&str> = doc["tags"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
        for (path, item) in paths {
            assert!(path.starts_with('/'), "{path}");
            for (method, op) in item.as_object().unwrap() {
                assert!(["get", "post", "put", "patch", "delete"].contains(&method.as_str()), "{path}: {method}");
                let responses = op["responses"].as_object().unwrap_or_else(|| panic!("{method} {path}: no responses"));
                assert!(!responses.is_empty(), "{method} {path}: no responses");
                for (code, r) in responses {
                    assert!(code.len() == 3 && code.parse::<u16>().is_ok(), "{method} {path}: status {code}");
                    assert!(r["description"].is_string(), "{method} {path} {code}: no description");
                }
                for t in op["tags"].as_array().unwrap() {
                    assert!(tags.contains(t.as_str().unwrap()), "{method} {path}: undeclared tag {t}");
                }
                for p in op["parameters"].as_array().into_iter().flatten() {
                    assert!(["query", "path", "header", "cookie"].contains(&p["in"].as_str().unwrap()), "{p}");
                    if p["in"] == "path" {
                        assert_eq!(p["required"], true, "{method} {path}: path parameter {p}");
                    }
                }
            }
        }
        // Every reference resolves to a schema of the document.
        fn refs<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
            match v {
                Value::Object(m) => {
                    if let Some(r) = m.get("$ref").and_then(Value::as_str) {
                        out.push(r);
                    }
                    m.values().for_each(|x| refs(x, out));
                }
                Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
                _ => {}
            }
        }
        let mut all = Vec::new();
        refs(&doc, &mut all);
        assert!(all.len() > 50);
        for r in all {
            let name = r.strip_prefix("#/components/schemas/").unwrap_or_else(|| panic!("external ref {r}"));
            assert!(doc["components"]["schemas"][name].is_object(), "{r} does not resolve");
        }
    }
}
