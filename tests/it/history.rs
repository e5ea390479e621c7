//! `GET /api/commodities/{slug}/history` and its CSV: long ranges downsampled to period
//! closes that are real observations, raw ranges as stored, and 4xx answers naming the bad
//! parameter.
use axum::body::{to_bytes, Body};
use axum::http::{Request, StatusCode};
use chrono::{Datelike, Utc};
use quarry::ingest::store::upsert_series;
use quarry::sources::Point;
use serde_json::Value;
use tower::ServiceExt;

use crate::support::prepared_state;
use crate::upstream;

async fn get(app: &axum::Router, uri: &str) -> (StatusCode, String, String) {
    let res = app.clone().oneshot(Request::get(uri).body(Body::empty()).unwrap()).await.unwrap();
    let status = res.status();
    let ctype = res.headers().get("content-type").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    let body = to_bytes(res.into_body(), 20 << 20).await.unwrap();
    (status, ctype, String::from_utf8(body.to_vec()).unwrap())
}

/// Fifty years of business days for WTI, stored as FRED data.
async fn app_with_fifty_years(url: &str) -> (axum::Router, Vec<Point>) {
    let state = prepared_state(url).await;
    let pts: Vec<Point> = upstream::daily(Utc::now().date_naive() - chrono::Duration::days(1), 50 * 261, 20.0)
        .into_iter()
        .map(|(date, v)| Point { date, value: v.unwrap() })
        .collect();
    let id = quarry::series::series_ids(&state.db).await.unwrap()["wti"];
    upsert_series(&state.db, id, "fred", &[], &pts, Utc::now()).await.unwrap();
    (quarry::server::router(state), pts)
}

crate::on_both_backends! {
    fn fifty_years_are_downsampled_to_monthly_closes_that_are_real_observations(url) {
        let (app, pts) = app_with_fifty_years(&url).await;
        let (status, _, body) = get(&app, "/api/commodities/wti/history").await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let v: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["total_observations"], pts.len());
        // Weekly closes over 50 years (about 2,600) exceed the default budget of 2,000.
        assert_eq!(v["interval"], "month");
        assert!(v["method"].as_str().unwrap().contains("last observation of each calendar month"));
        let points = v["points"].as_array().unwrap();
        // One per calendar month the stored days touch: 601 or 602 depending on the day.
        let months: std::collections::BTreeSet<(i32, u32)> = pts.iter().map(|p| (p.date.year(), p.date.month())).collect();
        assert_eq!(points.len(), months.len());
        assert!((600..=602).contains(&points.len()), "{}", points.len());
        assert_eq!(v["sources"], serde_json::json!(["fred"]));
        // Each point is the last stored observation of its month.
        for p in points.iter().step_by(97) {
            let date: chrono::NaiveDate = p["date"].as_str().unwrap().parse().unwrap();
            let last = pts.iter().rfind(|o| o.date.year() == date.year() && o.date.month() == date.month()).unwrap();
            assert_eq!((last.date, last.value), (date, p["value"].as_f64().unwrap()));
        }
        let (_, _, body) = get(&app, "/api/commodities/wti/history?points=10000").await;
        let v: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["interval"], "week");
    }

    fn a_short_range_comes_back_raw_and_as_csv(url) {
        let (app, pts) = app_with_fifty_years(&url).await;
        let (from, to) = (pts[100].date, pts[120].date);
        let (status, _, body) = get(&app, &format!("/api/commodities/wti/history?from={from}&to={to}")).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let v: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["interval"], "raw");
        assert_eq!(v["points"].as_array().unwrap().len(), 21);
        assert_eq!(v["from"], from.to_string());
        let (status, ctype, csv) = get(&app, &format!("/api/commodities/wti/history.csv?from={from}&to={to}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(ctype.starts_with("text/csv"), "{ctype}");
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], "date,value,unit,source");
        assert_eq!(lines.len(), 22);
        assert_eq!(lines[1], format!("{from},{},USD/bbl,fred", pts[100].value));

        // Fifty years as CSV: every observation, not the JSON's monthly closes; period
        // closes only when asked for.
        let (_, _, csv) = get(&app, "/api/commodities/wti/history.csv").await;
        assert_eq!(csv.lines().count() - 1, pts.len());
        let (_, _, json) = get(&app, "/api/commodities/wti/history").await;
        let v: Value = serde_json::from_str(&json).unwrap();
        assert!(v["points"].as_array().unwrap().len() < pts.len() / 10, "the JSON still fits its budget");
        let (_, _, csv) = get(&app, "/api/commodities/wti/history.csv?interval=month").await;
        assert_eq!(csv.lines().count() - 1, v["points"].as_array().unwrap().len());
    }

    fn bad_history_parameters_are_4xx_answers_that_name_the_parameter(url) {
        let app = quarry::server::router(prepared_state(&url).await);
        for (query, param) in [
            ("from=yesterday", "from"),
            ("from=2024-02-01&to=2024-01-01", "from"),
            ("to=2024-13-01", "to"),
            ("interval=hourly", "interval"),
            ("points=5", "points"),
        ] {
            let (status, ctype, body) = get(&app, &format!("/api/commodities/wti/history?{query}")).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {body}");
            assert!(ctype.contains("json"), "{ctype}");
            let v: Value = serde_json::from_str(&body).unwrap();
            assert_eq!(v["parameter"], param, "{query}");
        }
        let (status, _, body) = get(&app, "/api/commodities/copper/history?interval=week").await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(body.contains("finer than this series' monthly data"), "{body}");
        let (status, _, body) = get(&app, "/api/commodities/unobtainium/history").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(body.contains("unknown instrument 'unobtainium'"), "{body}");
        let (status, _, body) = get(&app, "/api/commodities/unobtainium/history.csv").await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    }

    fn the_detail_answer_has_the_figures_every_signal_and_the_sources(url) {
        let state = prepared_state(&url).await;
        quarry::startup::refresh_demo(&state, true).await.unwrap();
        quarry::jobs::runner::run_slot(&state, quarry::jobs::commodity::JobKind::CommoditySignals, "detail").await.unwrap();
        let app = quarry::server::router(state);
        let (status, _, body) = get(&app, "/api/commodities/gold").await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let v: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["slug"], "gold");
        assert_eq!(v["source"], "demo");
        assert!(v["notice"].is_string(), "demo figures carry the notice");
        assert_eq!(v["sources"][0]["provider"], "lbma");
        assert_eq!(v["sources"][0]["rank"], 1);
        assert!(v["sources"][0]["licence"].as_str().unwrap().contains("LBMA"));
        assert_eq!(v["signals"]["date"], v["as_of"]);
        assert!(v["signals"]["sma200"].is_number());
        assert!(v["stance_rule"].as_str().unwrap().contains("SMA200"));
        let (status, _, body) = get(&app, "/api/commodities/lithium").await;
        assert_eq!(status, StatusCode::OK);
        let v: Value = serde_json::from_str(&body).unwrap();
        assert!(v["signals"]["rsi14"].is_null());
        assert!(v["signals"]["not_applicable"].as_array().unwrap().iter().any(|c| c == "rsi14"));
        // The fixed endpoints are not taken for instruments.
        let (status, _, _) = get(&app, "/api/commodities/config").await;
        assert_eq!(status, StatusCode::OK);
        let (status, _, body) = get(&app, "/api/commodities/unobtainium").await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    }
}
