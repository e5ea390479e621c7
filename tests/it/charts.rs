//! Charts over HTTP on both databases: the view downloads (SVG, PNG, PDF, CSV) of seeded
//! prices, their 4xx answers, and the chart pack kept and served, checked with poppler.
use axum::body::{to_bytes, Body};
use axum::http::{Request, StatusCode};
use chrono::{Datelike, NaiveDate, Utc};
use quarry::db::entities::observations;
use sea_orm::{ActiveValue::Set, EntityTrait};
use serde_json::Value;
use tower::ServiceExt;

use crate::support::prepared_state;

async fn get(app: &axum::Router, uri: &str) -> (StatusCode, String, Vec<u8>) {
    let res = app.clone().oneshot(Request::get(uri).body(Body::empty()).unwrap()).await.unwrap();
    let status = res.status();
    let ct = res.headers().get("content-type").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    let body = to_bytes(res.into_body(), 50 << 20).await.unwrap();
    (status, ct, body.to_vec())
}

/// Business days of 2025: gold 2000 + day index, silver 25 + day index / 100.
fn days() -> Vec<NaiveDate> {
    let mut d = NaiveDate::from_ymd_opt(2025, 1, 2).unwrap();
    let mut out = Vec::new();
    while d.year() == 2025 {
        if d.weekday().num_days_from_monday() < 5 {
            out.push(d);
        }
        d = d.succ_opt().unwrap();
    }
    out
}

async fn seed(state: &quarry::state::AppState, slug: &str, f: impl Fn(usize) -> f64, source: &str) {
    let id = quarry::commodities::service::series_ids(&state.db).await.unwrap()[slug];
    let rows: Vec<_> = days()
        .into_iter()
        .enumerate()
        .map(|(i, d)| observations::ActiveModel {
            series_id: Set(id),
            date: Set(d),
            value: Set(f(i)),
            source: Set(source.to_string()),
            fetched_at: Set(Utc::now()),
            ..Default::default()
        })
        .collect();
    for chunk in rows.chunks(100) {
        observations::Entity::insert_many(chunk.to_vec()).exec_without_returning(&state.db).await.unwrap();
    }
}

fn bad(status: StatusCode, body: &[u8], param: &str, what: &str) {
    let text = String::from_utf8_lossy(body);
    assert_eq!(status, StatusCode::BAD_REQUEST, "{what}: {text}");
    let v: Value = serde_json::from_slice(body).unwrap();
    assert_eq!(v["parameter"], param, "{what}: {text}");
}

crate::on_both_backends! {
    fn a_view_downloads_as_svg_png_pdf_and_csv_with_the_stored_values(url) {
        let state = prepared_state(&url).await;
        seed(&state, "gold", |i| 2000.0 + i as f64, "lbma").await;
        seed(&state, "silver", |i| 25.0 + i as f64 / 100.0, "lbma").await;
        let app = quarry::server::router(state);

        let (s, ct, svg) = get(&app, "/api/charts/view.svg?series=gold,silver&range=max").await;
        assert_eq!((s, ct.as_str()), (StatusCode::OK, "image/svg+xml"));
        let svg = String::from_utf8(svg).unwrap();
        assert!(svg.contains("<title id=\"chart-title\">Gold, Silver, MAX</title>"), "{}", &svg[..300]);
        // Both in USD per troy ounce: one axis, both lines in the legend.
        assert!(svg.contains("Gold (daily)") && svg.contains("Silver (daily)"), "legend");
        assert!(!svg.contains("right axis"), "one unit, one axis");
        let (_, _, two_units) = get(&app, "/api/charts/view.svg?series=gold,dgs10&range=max").await;
        let two_units = String::from_utf8(two_units).unwrap();
        assert!(two_units.contains("(right axis)"), "a second unit reads on its own axis");

        let (s, ct, one) = get(&app, "/api/charts/series/gold.svg?range=1y&overlays=sma50").await;
        assert_eq!((s, ct.as_str()), (StatusCode::OK, "image/svg+xml"));
        assert!(String::from_utf8(one).unwrap().contains("<title id=\"chart-title\">Gold, 1Y</title>"));
        let (s, _, b) = get(&app, "/api/charts/series/gold.gif").await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{}", String::from_utf8_lossy(&b));
        let (s, _, b) = get(&app, "/api/charts/series/gold.png?range=century").await;
        bad(s, &b, "range", "the per-series route validates like the view");
        let (s, ct, png) = get(&app, "/api/charts/series/gold.png").await;
        assert_eq!((s, ct.as_str()), (StatusCode::OK, "image/png"));
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        // IHDR: width and height, big-endian, at bytes 16..24: twice 960 x 420.
        assert_eq!(u32::from_be_bytes(png[16..20].try_into().unwrap()), 1920);
        assert_eq!(u32::from_be_bytes(png[20..24].try_into().unwrap()), 840);

        let (s, ct, pdf) = get(&app, "/api/charts/view.pdf?series=gold,silver&ratio=1").await;
        assert_eq!((s, ct.as_str()), (StatusCode::OK, "application/pdf"));
        assert!(pdf.starts_with(b"%PDF-"));

        let (s, ct, csv) = get(&app, "/api/charts/view.csv?series=gold,silver&range=max").await;
        assert_eq!((s, ct.as_str()), (StatusCode::OK, "text/csv; charset=utf-8"));
        let csv = String::from_utf8(csv).unwrap();
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], "date,gold,silver");
        assert_eq!(lines.len(), days().len() + 1, "every observation, not the thinned chart points");
        assert_eq!(lines[1], "2025-01-02,2000,25");
        // The ratio: each gold value over the silver value of the same day.
        let (_, _, ratio) = get(&app, "/api/charts/view.csv?series=gold,silver&ratio=1&range=max").await;
        let ratio = String::from_utf8(ratio).unwrap();
        let last = ratio.lines().last().unwrap();
        let n = days().len() - 1;
        let want = (2000.0 + n as f64) / (25.0 + n as f64 / 100.0);
        let got: f64 = last.split(',').nth(1).unwrap().parse().unwrap();
        assert!((got - want).abs() < 1e-9, "{last} vs {want}");
    }

    fn bad_views_are_400s_naming_the_parameter_and_unknown_series_404(url) {
        let app = quarry::server::router(prepared_state(&url).await);
        let (s, _, b) = get(&app, "/api/charts/view.svg").await;
        bad(s, &b, "series", "no series");
        let (s, _, b) = get(&app, "/api/charts/view.png?series=gold,silver,wti,brent,copper").await;
        bad(s, &b, "series", "five series");
        let (s, _, b) = get(&app, "/api/charts/view.pdf?series=gold&ratio=1").await;
        bad(s, &b, "ratio", "a ratio of one");
        let (s, _, b) = get(&app, "/api/charts/view.csv?series=gold&range=7y").await;
        bad(s, &b, "range", "unknown range");
        let (s, _, b) = get(&app, "/api/charts/view.svg?series=gold&overlays=ema9").await;
        bad(s, &b, "overlays", "unknown overlay");
        let (s, _, b) = get(&app, "/api/charts/view?series=gold&log=maybe").await;
        bad(s, &b, "log", "the page's server function too");
        let (s, _, b) = get(&app, "/api/charts/view.svg?series=unobtainium").await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{}", String::from_utf8_lossy(&b));
        // No data in range: nothing to draw is a 404 with a reason, not an empty image.
        let (s, _, b) = get(&app, "/api/charts/view.svg?series=gold").await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{}", String::from_utf8_lossy(&b));
        let (s, _, b) = get(&app, "/api/charts/pack/latest.pdf").await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        assert!(String::from_utf8_lossy(&b).contains("quarry chart-pack"));
        let (s, _, b) = get(&app, "/api/charts/pack/2026-02-30.pdf").await;
        bad(s, &b, "date", "an impossible date");
    }

    fn the_chart_pack_is_kept_listed_served_and_every_page_carries_text(url) {
        let state = prepared_state(&url).await;
        seed(&state, "gold", |i| 2000.0 + i as f64, "lbma").await;
        seed(&state, "wti", |i| 70.0 + (i as f64 / 9.0).sin() * 5.0, "fred").await;
        seed(&state, "brent", |i| 74.0 + (i as f64 / 7.0).cos() * 5.0, "fred").await;
        let dir = tempfile::tempdir().unwrap();
        let today = NaiveDate::from_ymd_opt(2025, 12, 31).unwrap();
        let (info, pdf) = quarry::charts::pack_service::generate(&state.db, &state.universe, dir.path(), today, Utc::now())
            .await
            .unwrap();
        assert_eq!(info.pages, 11);
        assert_eq!(info.data_as_of, Some(NaiveDate::from_ymd_opt(2025, 12, 31).unwrap()));
        // No macro series and no filings here: those pages say so; the oil page is drawn.
        assert!(info.missing_pages.contains(&2) && !info.missing_pages.contains(&7), "{:?}", info.missing_pages);
        // A second run the same day replaces the pack rather than adding one.
        quarry::charts::pack_service::generate(&state.db, &state.universe, dir.path(), today, Utc::now()).await.unwrap();
        let mut config = crate::support::test_config(&url);
        config.data_dir = dir.path().to_path_buf();
        let state = quarry::state::AppState { config: std::sync::Arc::new(config), ..state };
        let app = quarry::server::router(state);
        let (s, _, list) = get(&app, "/api/charts/packs").await;
        assert_eq!(s, StatusCode::OK);
        let list: Value = serde_json::from_slice(&list).unwrap();
        assert_eq!(list["packs"].as_array().unwrap().len(), 1);
        assert_eq!(list["packs"][0]["url"], "/api/charts/pack/2025-12-31.pdf");
        let (s, ct, served) = get(&app, "/api/charts/pack/latest.pdf").await;
        assert_eq!((s, ct.as_str()), (StatusCode::OK, "application/pdf"));
        assert_eq!(served.len(), pdf.len());

        if !crate::support::poppler() {
            return;
        }
        let file = dir.path().join("check.pdf");
        std::fs::write(&file, &served).unwrap();
        let text = |page: usize| crate::support::pdf_page_text(&file, page);
        assert!(text(1).contains("Quarry macro chart pack") && text(1).contains("Contents"));
        assert!(text(2).contains("1. Fed balance sheet and net liquidity") && text(2).contains("No data for this page yet"));
        let oil = text(7);
        assert!(oil.contains("6. WTI and Brent"), "{oil}");
        assert!(oil.contains("Sources: FRED") && oil.contains("data as of 2025-12-31"), "{oil}");
        assert!(oil.contains("not endorsed by the Federal Reserve Bank of St. Louis"), "the FRED notice: {oil}");
        let gold_page = text(5);
        assert!(gold_page.contains("Missing series: dfii10"), "{gold_page}");
        crate::support::assert_pdf_pages_render_and_none_is_blank(&file, 11);
    }
}
