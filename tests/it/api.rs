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
    quarry::startup::refresh_demo(&state, true).await.unwrap();
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

async fn post_form(app: &axum::Router, uri: &str, body: &str, bearer: Option<&str>) -> (StatusCode, Value) {
    let mut req = Request::post(uri).header("content-type", "application/x-www-form-urlencoded");
    if let Some(t) = bearer {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let res = app.clone().oneshot(req.body(Body::from(body.to_string())).unwrap()).await.unwrap();
    let status = res.status();
    let body = to_bytes(res.into_body(), 1 << 20).await.unwrap();
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

mod jobs {
    use super::*;

    async fn app(url: &str, admin_token: &str) -> axum::Router {
        let mut c = crate::support::test_config(url);
        // Nothing listens on port 9: a job started here fails fast instead of going online.
        crate::upstream::point_sources_at(&mut c, "http://127.0.0.1:9");
        c.admin_token = serde_json::from_str(&format!("\"{admin_token}\"")).unwrap();
        quarry::server::router(quarry::startup::prepare(c).await.unwrap())
    }

    crate::on_both_backends! {
        fn without_an_admin_token_run_now_is_403_and_the_page_has_no_buttons(url) {
            let app = app(&url, "").await;
            let (status, v) = post_form(&app, "/api/jobs/run", "job=commodity_prices&token=anything", None).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{v}");
            assert!(v["message"].as_str().unwrap().contains("QUARRY_ADMIN_TOKEN"));
            let (status, _, html) = get(&app, "/jobs").await;
            assert_eq!(status, StatusCode::OK, "{}", &html[..html.len().min(400)]);
            assert!(html.contains("commodity_prices") && html.contains("Sources"));
            assert!(!html.contains("Run now"), "run-now buttons shown without an admin token");
        }

        fn with_an_admin_token_run_now_checks_it_and_the_job_name(url) {
            let app = app(&url, "s3cret").await;
            // The page offers a visitor the sign-in, not the form; the form is the signed-in
            // admin's (tests/it/auth.rs, end2end/tests/login.test.mjs).
            let (status, _, html) = get(&app, "/jobs").await;
            assert!(html.contains("sign-in-first"), "{status}: {}", &html[..html.len().min(400)]);
            assert!(!html.contains("Run now"), "no run-now form for a visitor");
            let (status, _) = post_form(&app, "/api/jobs/run", "job=commodity_prices", None).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED);
            let (status, _) = post_form(&app, "/api/jobs/run", "job=commodity_prices&token=guess", None).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED);
            let (status, v) = post_form(&app, "/api/jobs/run", "job=no_such_job", Some("s3cret")).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{v}");
            assert_eq!(v["parameter"], "job");
            let (status, v) = post_form(&app, "/api/jobs/run", "job=space_tech", Some("s3cret")).await;
            assert_eq!(status, StatusCode::OK, "{v}");
            assert!(v["slot"].as_str().unwrap().starts_with("manual:"));
        }

        fn health_lists_every_feed_of_the_universe_and_says_which_need_a_key(url) {
            let app = app(&url, "").await;
            let (status, _, body) = get(&app, "/api/jobs/health").await;
            assert_eq!(status, StatusCode::OK, "{body}");
            let v: Value = serde_json::from_str(&body).unwrap();
            assert_eq!(v["admin_actions"], false);
            let feeds = v["feeds"].as_array().unwrap();
            let universe = quarry::universe::parse_universe("builtin", quarry::universe::BUILTIN_UNIVERSE).unwrap();
            let unique: std::collections::BTreeSet<_> =
                universe.all_series().flat_map(|i| i.sources.iter().map(|s| (s.provider, s.code.clone()))).collect();
            assert_eq!(feeds.len(), unique.len());
            let eia = feeds.iter().find(|f| f["provider"] == "eia").unwrap();
            assert!(eia["unavailable"].as_str().unwrap().contains("EIA_API_KEY"));
            let gold = feeds.iter().find(|f| f["code"] == "gold_pm").unwrap();
            assert_eq!(gold["instruments"], serde_json::json!(["gold"]));
            // The macro series' FRED feeds are listed too.
            let walcl = feeds.iter().find(|f| f["code"] == "WALCL").unwrap();
            assert_eq!((walcl["provider"].as_str(), walcl["instruments"].clone()), (Some("fred"), serde_json::json!(["walcl"])));
            assert!(v["stale"].as_array().unwrap().is_empty());
            let (_, _, body) = get(&app, "/api/jobs").await;
            let jobs: Value = serde_json::from_str(&body).unwrap();
            let prices = jobs.as_array().unwrap().iter().find(|j| j["name"] == "commodity_prices").unwrap();
            assert_eq!(prices["registered"], true);
            assert!(prices["next_run"].is_string());
        }
    }
}

/// Routers built while another serves pages (the tests do this; so would a process that
/// rebuilt its router) must not leave a page waiting forever: generating leptos's route
/// list suppresses resource loading process-wide, and a page whose resources first ran in
/// that window never finished (leptos #4773; here it was a 408 after 30 s).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn building_routers_while_pages_render_never_stalls_a_page() {
    crate::support::with_db(crate::support::Backend::Sqlite, |url| async move {
        let state = prepared_state(&url).await;
        quarry::startup::refresh_demo(&state, true).await.unwrap();
        let app = quarry::server::router(state.clone());
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let builder = {
            let (state, stop) = (state.clone(), stop.clone());
            tokio::task::spawn_blocking(move || {
                let mut built = 0;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    drop(quarry::server::router(state.clone()));
                    built += 1;
                }
                built
            })
        };
        let mut stalled = Vec::new();
        for i in 0..60 {
            let uri = ["/jobs", "/", "/venture", "/commodities/gold"][i % 4];
            let req = app.clone().oneshot(Request::get(uri).body(Body::empty()).unwrap());
            match tokio::time::timeout(std::time::Duration::from_secs(8), req).await {
                Ok(res) => assert_eq!(res.unwrap().status(), StatusCode::OK, "{uri}"),
                Err(_) => stalled.push(uri),
            }
            if stalled.len() == 3 {
                break;
            }
        }
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        let built = builder.await.unwrap();
        assert!(built > 0, "no router was built while the pages rendered");
        assert!(
            stalled.is_empty(),
            "{} page requests stalled ({built} routers built meanwhile): {stalled:?}",
            stalled.len()
        );
    })
    .await;
}

/// The overview page is kept rendered: a second request is served from the kept copy, each
/// response with a nonce of its own in its policy and in every inline script, and a write
/// of observations shows on the very next request.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_overview_page_is_kept_with_a_fresh_nonce_each_time_until_a_write() {
    use quarry::ingest::store::upsert_series;
    use quarry::sources::Point;

    async fn page(app: &axum::Router, uri: &str) -> (Option<String>, String, String) {
        let res = app.clone().oneshot(Request::get(uri).body(Body::empty()).unwrap()).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{uri}");
        let how = res.headers().get("x-quarry-cache").map(|v| v.to_str().unwrap().to_string());
        let policy = res.headers()["content-security-policy"].to_str().unwrap().to_string();
        let nonce = policy.split("'nonce-").nth(1).and_then(|t| t.split('\'').next()).expect("a nonce").to_string();
        let body = String::from_utf8(to_bytes(res.into_body(), 10 << 20).await.unwrap().to_vec()).unwrap();
        (how, nonce, body)
    }

    crate::support::with_db(crate::support::Backend::Sqlite, |url| async move {
        let state = prepared_state(&url).await;
        quarry::startup::refresh_demo(&state, true).await.unwrap();
        let app = quarry::server::router(state.clone());
        // Other tests of this process write observations too, and any local write drops
        // every kept page: so ask until a kept copy comes back, checking every answer.
        let (first_how, n1, first) = page(&app, "/").await;
        assert_eq!(first_how.as_deref(), Some("miss"));
        let (mut rendered, mut nonces, mut hit) = ((n1.clone(), first.clone()), vec![n1], None);
        for _ in 0..100 {
            let (how, nonce, body) = page(&app, "/").await;
            let attrs: Vec<&str> = body.split("nonce=\"").skip(1).map(|t| t.split('"').next().unwrap()).collect();
            assert!(!attrs.is_empty() && attrs.iter().all(|a| *a == nonce), "the scripts carry its nonce: {attrs:?}");
            assert!(!body.contains("quarry-nonce"), "the placeholder never reaches a page");
            assert!(!nonces.contains(&nonce), "each response has a nonce of its own");
            nonces.push(nonce.clone());
            if how.as_deref() == Some("hit") {
                hit = Some((nonce, body));
                break;
            }
            rendered = (nonce, body);
        }
        let (n2, second) = hit.expect("no kept copy was served in 100 requests");
        assert_eq!(
            rendered.1.replace(&rendered.0, "N"),
            second.replace(&n2, "N"),
            "the kept copy is the page as rendered, with another nonce"
        );

        // With a query string it is another page, rendered each time.
        let res = app.clone().oneshot(Request::get("/?x=1").body(Body::empty()).unwrap()).await.unwrap();
        assert!(res.headers().get("x-quarry-cache").is_none());

        // A write shows at once.
        let ids = quarry::series::series_ids(&state.db).await.unwrap();
        let last = quarry::series::latest_dates(&state.db).await.unwrap()[&ids["wti"]];
        let point = Point { date: last + chrono::Duration::days(1), value: 98_765.0 };
        upsert_series(&state.db, ids["wti"], "demo", &[], &[point], chrono::Utc::now()).await.unwrap();
        let (how, _, after) = page(&app, "/").await;
        assert_eq!(how.as_deref(), Some("miss"));
        assert!(after.contains("98,765") && !first.contains("98,765"), "the new WTI close is on the page");
    })
    .await;
}

/// The venture landscape's default view and the rounds table's first page are kept too, and
/// a job that finishes (here the funding tracker, after a round was written) shows on the
/// next request.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_landscape_is_kept_until_a_job_finishes() {
    use sea_orm::ConnectionTrait;

    async fn page_at(app: &axum::Router, uri: &str) -> (Option<String>, String) {
        let res = app.clone().oneshot(Request::get(uri).body(Body::empty()).unwrap()).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let how = res.headers().get("x-quarry-cache").map(|v| v.to_str().unwrap().to_string());
        (how, String::from_utf8(to_bytes(res.into_body(), 10 << 20).await.unwrap().to_vec()).unwrap())
    }

    crate::support::with_db(crate::support::Backend::Sqlite, |url| async move {
        let state = prepared_state(&url).await;
        quarry::startup::refresh_demo(&state, true).await.unwrap();
        let app = quarry::server::router(state.clone());
        // Other tests' writes drop kept pages too: ask until a kept copy comes back.
        async fn kept(app: &axum::Router, uri: &str) -> String {
            for _ in 0..100 {
                if let (Some(how), body) = page_at(app, uri).await {
                    if how == "hit" {
                        return body;
                    }
                }
            }
            panic!("no kept {uri} in 100 requests")
        }
        let before = kept(&app, "/venture").await;
        let rounds_before = kept(&app, "/venture/funding").await;
        assert!(before.contains("class=\"biggest\""), "the landscape lists its biggest rounds");

        // A round far bigger than any demo round, written as an import would.
        let today = chrono::Utc::now().date_naive();
        let at = chrono::Utc::now().to_rfc3339();
        state
            .db
            .execute_unprepared(&format!(
                "INSERT INTO companies (key, name, name_key, sector, source, source_id, fetched_at) \
                 VALUES ('test:kept', 'Keptless Robotics', 'keptless robotics', 'hardware', 'import', 't', '{at}')"
            ))
            .await
            .unwrap();
        state
            .db
            .execute_unprepared(&format!(
                "INSERT INTO funding_rounds (key, company_id, announced_on, first_sale_yet_to_occur, stage, sector, \
                 offering_indefinite, amount_sold, currency, form_type, notable, source, source_id, fetched_at) \
                 SELECT 'test:kept', id, '{today}', 0, 'series-c', 'hardware', 0, 9.9e11, 'USD', 'import', 0, 'import', 't', '{at}' \
                 FROM companies WHERE key = 'test:kept'"
            ))
            .await
            .unwrap();
        quarry::jobs::runner::run_slot(&state, quarry::jobs::kind::JobKind::FundingTracker, "test-kept")
            .await
            .unwrap()
            .expect("the slot was free");
        let (how, after) = page_at(&app, "/venture").await;
        assert_eq!(how.as_deref(), Some("miss"), "the finished job dropped the kept page");
        assert!(after.contains("Keptless Robotics") && !before.contains("Keptless Robotics"));
        // The rounds table's first page (newest first) too.
        let (how, rounds_after) = page_at(&app, "/venture/funding").await;
        assert_eq!(how.as_deref(), Some("miss"), "the finished job dropped the kept rounds table");
        assert!(rounds_after.contains("Keptless Robotics") && !rounds_before.contains("Keptless Robotics"));
    })
    .await;
}

/// An instrument page is kept too, in its default range and in each range its buttons link
/// to; any other query (a bad range, an extra parameter) is rendered each time and never
/// kept, so no client can grow the cache by inventing URLs; and a write shows at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn instrument_pages_are_kept_per_range_until_a_write() {
    use quarry::ingest::store::upsert_series;
    use quarry::sources::Point;

    async fn page(app: &axum::Router, uri: &str) -> (StatusCode, Option<String>, String) {
        let res = app.clone().oneshot(Request::get(uri).body(Body::empty()).unwrap()).await.unwrap();
        let status = res.status();
        let how = res.headers().get("x-quarry-cache").map(|v| v.to_str().unwrap().to_string());
        (status, how, String::from_utf8(to_bytes(res.into_body(), 10 << 20).await.unwrap().to_vec()).unwrap())
    }
    /// Other tests' writes drop kept pages too: ask until a kept copy comes back.
    async fn kept(app: &axum::Router, uri: &str) -> String {
        for _ in 0..100 {
            let (status, how, body) = page(app, uri).await;
            assert_eq!(status, StatusCode::OK, "{uri}");
            if how.as_deref() == Some("hit") {
                return body;
            }
        }
        panic!("no kept copy of {uri} in 100 requests")
    }

    crate::support::with_db(crate::support::Backend::Sqlite, |url| async move {
        let state = prepared_state(&url).await;
        quarry::startup::refresh_demo(&state, true).await.unwrap();
        let app = quarry::server::router(state.clone());
        let default = kept(&app, "/commodities/wti").await;
        let five_years = kept(&app, "/commodities/wti?range=5y").await;
        assert!(default.contains("data-slug=\"wti\"") && five_years.contains("data-slug=\"wti\""));
        assert_ne!(default, five_years, "each range is a page of its own");

        for uri in ["/commodities/wti?range=7y", "/commodities/wti?range=5y&x=1", "/commodities/not-a-thing"] {
            for _ in 0..2 {
                let (status, how, _) = page(&app, uri).await;
                assert!(how.is_none(), "{uri} was served through the cache ({how:?}, {status})");
            }
        }

        let ids = quarry::series::series_ids(&state.db).await.unwrap();
        let last = quarry::series::latest_dates(&state.db).await.unwrap()[&ids["wti"]];
        let point = Point { date: last + chrono::Duration::days(1), value: 98_765.0 };
        upsert_series(&state.db, ids["wti"], "demo", &[], &[point], chrono::Utc::now()).await.unwrap();
        let (_, how, after) = page(&app, "/commodities/wti").await;
        assert_eq!(how.as_deref(), Some("miss"), "the write dropped the kept page");
        assert!(after.contains("98,765") && !default.contains("98,765"), "the new WTI close is on the page");
    })
    .await;
}

/// A query string axum cannot read (a repeated key here) is a 400 naming `query`, in the
/// API's JSON shape, on every plain handler; where a handler checks its path first (the
/// venture CSV's table, a series download's file name and type), that answer comes first.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreadable_query_string_is_a_400_naming_query_after_the_path_checks() {
    crate::support::with_db(crate::support::Backend::Sqlite, |url| async move {
        let app = quarry::server::router(prepared_state(&url).await);
        let answer = |status: StatusCode, ctype: &str, body: &str| -> Value {
            assert!(ctype.contains("json"), "{ctype}: {body}");
            let v: Value = serde_json::from_str(body).unwrap();
            assert_eq!(v["kind"], if status == StatusCode::BAD_REQUEST { "bad_request" } else { "not_found" }, "{v}");
            v
        };
        for uri in [
            "/api/commodities/gold/history?from=a&from=b",
            "/api/commodities/gold/history.csv?interval=raw&interval=week",
            "/api/commodities/signals.csv?group=energy&group=metals",
            "/api/venture/funding.csv?sector=a&sector=b",
            "/api/charts/view.svg?series=gold&series=silver",
            "/api/charts/view.png?range=1y&range=5y",
            "/api/charts/view.pdf?log=1&log=0",
            "/api/charts/view.csv?rebase=1&rebase=0",
            "/api/charts/series/gold.svg?range=1y&range=5y",
        ] {
            let (status, ctype, body) = get(&app, uri).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}: {body}");
            let v = answer(status, &ctype, &body);
            assert_eq!(v["parameter"], "query", "{uri}: {v}");
            assert!(v["message"].as_str().unwrap().contains("duplicate field"), "{uri}: {v}");
        }
        for uri in [
            "/api/venture/nope?sector=a&sector=b",
            "/api/charts/series/gold?range=1y&range=5y",
            "/api/charts/series/gold.gif?range=1y&range=5y",
        ] {
            let (status, ctype, body) = get(&app, uri).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{uri}: {body}");
            answer(status, &ctype, &body);
        }
        let (status, ctype, body) = get(&app, "/api/charts/series/gold.gif?series=silver").await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(answer(status, &ctype, &body)["parameter"], "series");
    })
    .await;
}
