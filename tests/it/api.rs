//! The HTTP surface, in process: JSON endpoints, errors, health checks and server-rendered
//! pages (what a browser with JavaScript off receives).
use axum::body::{to_bytes, Body};
use axum::http::{Request, StatusCode};
use serde_json::Value;
use tower::ServiceExt;

use crate::support::prepared_state;

async fn get(app: &axum::Router, uri: &str) -> (StatusCode, String, String) {
    let res = app.clone().oneshot(Request::get(uri).body(Body::empty()).unwrap()).await.unwrap();
    let status = res.status();
    let ctype = res.headers().get("content-type").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    let body = to_bytes(res.into_body(), 10 << 20).await.unwrap();
    (status, ctype, String::from_utf8(body.to_vec()).unwrap())
}

async fn demo_app(url: &str) -> axum::Router {
    let state = prepared_state(url).await;
    quarry::server::refresh_demo(&state, true).await.unwrap();
    quarry::server::router(state)
}

crate::on_both_backends! {
    fn overview_endpoint_lists_21_instruments_with_source_and_as_of(url) {
        let app = demo_app(&url).await;
        let (status, ctype, body) = get(&app, "/api/commodities/overview").await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(ctype.contains("json"), "{ctype}");
        let v: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["demo"], Value::Bool(true));
        let list = v["instruments"].as_array().unwrap();
        assert_eq!(list.len(), 21);
        for e in list {
            for key in ["slug", "group", "last_value", "unit", "as_of", "frequency", "source"] {
                assert!(!e[key].is_null(), "{key} missing in {e}");
            }
            assert_eq!(e["source"], "demo");
        }
        let groups: std::collections::BTreeSet<_> = list.iter().map(|e| e["group"].as_str().unwrap().to_string()).collect();
        assert_eq!(groups.len(), 4);
    }

    fn group_filter_works_and_an_unknown_group_is_a_400_naming_the_parameter(url) {
        let app = demo_app(&url).await;
        let (status, _, body) = get(&app, "/api/commodities/overview?group=energy").await;
        assert_eq!(status, StatusCode::OK);
        let v: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["instruments"].as_array().unwrap().len(), 4);

        let (status, ctype, body) = get(&app, "/api/commodities/overview?group=softs").await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(ctype.contains("json"), "{ctype}");
        let v: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["kind"], "bad_request");
        assert_eq!(v["parameter"], "group");
        assert!(v["message"].as_str().unwrap().contains("softs"));
    }

    fn config_endpoint_returns_the_universe(url) {
        let app = demo_app(&url).await;
        let (status, _, body) = get(&app, "/api/commodities/config").await;
        assert_eq!(status, StatusCode::OK);
        let v: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["instruments"].as_array().unwrap().len(), 21);
        assert_eq!(v["groups"].as_array().unwrap().len(), 4);
        let gold = v["instruments"].as_array().unwrap().iter().find(|i| i["slug"] == "gold").unwrap();
        assert_eq!(gold["sources"][0]["provider"], "lbma");
        assert_eq!(gold["frequency"], "daily");
    }

    fn health_and_readiness(url) {
        let app = demo_app(&url).await;
        assert_eq!(get(&app, "/healthz").await.0, StatusCode::OK);
        let (status, _, body) = get(&app, "/readyz").await;
        assert_eq!((status, body.as_str()), (StatusCode::OK, "ready"));
    }

    fn overview_page_is_complete_without_javascript(url) {
        let app = demo_app(&url).await;
        let (status, ctype, html) = get(&app, "/").await;
        assert_eq!(status, StatusCode::OK);
        assert!(ctype.contains("text/html"));
        let universe = quarry::universe::parse_universe("builtin", quarry::universe::BUILTIN_UNIVERSE).unwrap();
        for inst in &universe.instruments {
            assert!(html.contains(&inst.name), "page lacks {}", inst.name);
        }
        // The data is in the document itself, before </html>, not streamed after it.
        let end = html.find("</html>").unwrap_or(html.len());
        assert!(html[..end].contains("data-slug=\"gold\""));
        assert!(html.contains("DEMO"), "demo figures are labelled");
        assert!(html.contains("demo-banner"), "the banner says the data is generated");
    }

    fn the_group_filter_in_the_url_is_rendered_by_the_server(url) {
        let app = demo_app(&url).await;
        let (_, _, html) = get(&app, "/?group=energy&sort=change_1y&dir=desc").await;
        // Every group is in the document (so the browser can switch without a load); all
        // but energy are hidden.
        assert_eq!(html.matches("<section data-group=").count(), 4);
        assert!(html.contains("data-group=\"energy\"") && !html.contains("data-group=\"energy\" hidden"));
        assert!(html.contains("data-group=\"metals\" hidden"));
        assert!(html.contains("aria-sort=\"descending\""));
    }

    fn unknown_pages_are_404(url) {
        let app = demo_app(&url).await;
        let (status, _, html) = get(&app, "/no-such-page").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(html.contains("Not found"));
    }

    fn empty_database_shows_how_to_load_data(url) {
        let state = prepared_state(&url).await;
        let app = quarry::server::router(state);
        let (status, _, html) = get(&app, "/").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("No prices yet"));
        assert!(html.contains("quarry serve --demo"));
        assert!(!html.contains("demo-banner"));
    }
}
