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
    let id = quarry::series::series_ids(&state.db).await.unwrap()[slug];
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
        // One unit, but gold is some 80 times silver: silver reads on an axis of its own
        // instead of as a line along the floor of gold's.
        assert!(svg.contains("Gold (daily)") && svg.contains("Silver (daily) (right axis)"), "legend");
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
        // twice 960 x (420 + the title band, 40, and one caption line, 32)
        assert_eq!(u32::from_be_bytes(png[16..20].try_into().unwrap()), 1920);
        assert_eq!(u32::from_be_bytes(png[20..24].try_into().unwrap()), 984);

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
        let (info, _) = quarry::charts::pack_service::generate(&state.db, &state.universe, dir.path(), today, Utc::now())
            .await
            .unwrap();
        assert_eq!(info.pages, 11);
        assert_eq!(info.data_as_of, Some(NaiveDate::from_ymd_opt(2025, 12, 31).unwrap()));
        // No macro series and no filings here: those pages say so; the oil page is drawn.
        assert!(info.missing_pages.contains(&2) && !info.missing_pages.contains(&7), "{:?}", info.missing_pages);
        // A second run the same day replaces the pack rather than adding one. (Its cover says
        // when it was built, so its bytes differ from the first run's.)
        let (_, pdf) =
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
        assert!(served == pdf, "the latest pack served is the second run's, byte for byte");

        if !crate::support::poppler() {
            return;
        }
        let file = dir.path().join("check.pdf");
        std::fs::write(&file, &served).unwrap();
        let text = |page: usize| crate::support::pdf_page_text(&file, page);
        let cover = text(1);
        assert!(cover.contains("Quarry macro chart pack") && cover.contains("Contents"), "{cover}");
        assert!(cover.contains("from the Quarry database") && cover.contains("Sources: FRED, LBMA"), "when and from what: {cover}");
        assert!(cover.contains("Data as of 2025-12-31"), "{cover}");
        for page in 2..=11 {
            let t = text(page);
            assert!(t.contains("Units: ") && t.contains("Sources: "), "page {page}: {t}");
            assert!(t.contains("data as of ") || t.contains("no data"), "page {page}: {t}");
            assert!(!t.contains("DEMO"), "page {page} of real data says DEMO: {t}");
        }
        assert!(text(2).contains("1. Fed balance sheet and net liquidity") && text(2).contains("No data for this page yet"));
        let oil = text(7);
        assert!(oil.contains("6. WTI and Brent"), "{oil}");
        assert!(oil.contains("Sources: FRED") && oil.contains("data as of 2025-12-31"), "{oil}");
        assert!(oil.contains("not endorsed by the Federal Reserve Bank of St. Louis"), "the FRED notice: {oil}");
        assert!(oil.contains("Units: USD per barrel; RSI 0 to 100"), "{oil}");
        let gold_page = text(5);
        assert!(gold_page.contains("Missing series: dfii10"), "{gold_page}");
        crate::support::assert_pdf_pages_render_and_none_is_blank(&file, 11);
    }
}

/// Every problem the layout check finds on one drawn page: plots with no series, text
/// over a series, and a page that should have plots but has none.
fn layout_problems(name: &str, svg: &str) -> Vec<String> {
    let l = quarry::plot::svg_layout::read(svg).unwrap_or_else(|e| panic!("{name} is not XML: {e}"));
    let mut out = Vec::new();
    if l.plots.is_empty() {
        out.push(format!("{name}: no plot found"));
    }
    out.extend(l.empty_plots().iter().map(|p| format!("{name}: an empty plot at {p:?}")));
    out.extend(l.text_over_series().into_iter().map(|t| format!("{name}: {t}")));
    out
}

/// The demo fills every page of the pack; each is checked on its SVG: no text box over a
/// plotted series, no empty plot, and the parts pages 7, 9 and 11 once lacked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_of_the_demo_pack_keeps_text_off_its_data_and_leaves_no_plot_empty() {
    crate::support::with_db(crate::support::Backend::Sqlite, |url| async move {
        let state = prepared_state(&url).await;
        quarry::startup::refresh_demo(&state, true).await.unwrap();
        let data =
            quarry::charts::pack_service::load(&state.db, &state.universe, Utc::now().date_naive()).await.unwrap();
        let pages = quarry::charts::pack::pages(&data);
        let missing: Vec<&str> = pages
            .iter()
            .filter(|p| matches!(p.body, quarry::charts::pack::Body::Missing(_)))
            .map(|p| p.title.as_str())
            .collect();
        assert!(missing.is_empty(), "the demo fills every page: {missing:?}");
        let svgs = quarry::charts::pack::render(&data).unwrap();
        let problems: Vec<String> = svgs
            .iter()
            .enumerate()
            .skip(1)
            .flat_map(|(i, svg)| layout_problems(&format!("page {}", i + 1), svg))
            .collect();
        assert!(problems.is_empty(), "{problems:#?}");

        let read = |page: usize| quarry::plot::svg_layout::read(&svgs[page - 1]).unwrap();
        let p7 = read(7).plots;
        assert_eq!(p7.len(), 2, "page 7: prices over RSI");
        assert!(
            (p7[0].x0 - p7[1].x0).abs() < 1.0 && (p7[0].x1 - p7[1].x1).abs() < 1.0,
            "page 7: the panels' dates line up: {p7:?}"
        );
        let rsi: Vec<String> = read(7).texts.into_iter().map(|t| t.text).collect();
        assert!(rsi.iter().any(|t| t == "70 overbought") && rsi.iter().any(|t| t == "30 oversold"), "page 7: {rsi:?}");
        // Page 9 names net liquidity: a line beside the filing bars, in the same plot.
        let p9 = read(9);
        let in_plot = p9.series_in(&p9.plots[0]);
        assert!(in_plot.iter().any(|s| !s.areas.is_empty() && s.points.is_empty()), "page 9: filing bars");
        assert!(in_plot.iter().any(|s| s.points.len() > 20 && s.areas.is_empty()), "page 9: the net-liquidity line");
        assert!(svgs[8].contains("Net liquidity (right axis)"), "page 9: its legend names the line");
        // Page 11: the table, and under it a plot of the changes, not half a page of white.
        let p11 = read(11);
        assert_eq!(p11.plots.len(), 1, "page 11: a plot under the table");
        assert!(
            p11.plots[0].y1 - p11.plots[0].y0 > 150.0,
            "page 11: the plot fills the lower half: {:?}",
            p11.plots[0]
        );
    })
    .await;
}

fn texts(svg: &str) -> Vec<String> {
    quarry::plot::svg_layout::read(svg).unwrap().texts.into_iter().map(|t| t.text).collect()
}

/// Downloads and the view's axes, on both databases.
mod views {
    use super::*;

    crate::on_both_backends! {
        fn every_chart_download_says_its_title_units_sources_date_and_demo(url) {
            let state = prepared_state(&url).await;
            seed(&state, "gold", |i| 2000.0 + i as f64, "lbma").await;
            seed(&state, "silver", |i| 25.0 + i as f64 / 100.0, "demo").await;
            let app = quarry::server::router(state);

            let (s, _, svg) = get(&app, "/api/charts/view.svg?series=gold&range=max").await;
            assert_eq!(s, StatusCode::OK);
            let t = texts(&String::from_utf8(svg).unwrap());
            assert!(t.contains(&"Gold, MAX".to_string()), "the title as text: {t:?}");
            assert!(t.contains(&"Units: USD/troy oz  ·  Sources: LBMA  ·  data as of 2025-12-31".to_string()), "{t:?}");
            assert!(!t.iter().any(|x| x.contains("DEMO")), "real data is not DEMO: {t:?}");

            let (_, _, svg) = get(&app, "/api/charts/view.svg?series=gold,silver&range=max").await;
            let t = texts(&String::from_utf8(svg).unwrap());
            assert!(t.contains(&"Gold, Silver, MAX · DEMO".to_string()), "{t:?}");
            assert!(t.contains(&"Units: USD/troy oz (both axes, on their own scales)  ·  Sources: DEMO, LBMA  ·  data as of 2025-12-31".to_string()), "{t:?}");
            assert!(t.contains(&"DEMO: generated data, not market data".to_string()), "{t:?}");

            let (s, _, png) = get(&app, "/api/charts/series/silver.png").await;
            assert_eq!(s, StatusCode::OK);
            // twice 960 x (420 + 40 + two caption lines, 52): the DEMO line is drawn too.
            assert_eq!(u32::from_be_bytes(png[20..24].try_into().unwrap()), 2 * 512);

            let (s, _, pdf) = get(&app, "/api/charts/view.pdf?series=gold,silver&ratio=1&range=max").await;
            assert_eq!(s, StatusCode::OK);
            if !crate::support::poppler() {
                return;
            }
            let dir = tempfile::tempdir().unwrap();
            let file = dir.path().join("view.pdf");
            std::fs::write(&file, &pdf).unwrap();
            let text = crate::support::pdf_page_text(&file, 1);
            for want in ["Gold / Silver, MAX · DEMO", "Units: ratio of Gold (USD/troy oz) to Silver (USD/troy oz)", "Sources: DEMO, LBMA", "data as of 2025-12-31", "DEMO: generated data, not market data"] {
                assert!(text.contains(want), "{want:?} in the PDF: {text}");
            }
            assert_eq!(text.matches("Gold / Silver, MAX").count(), 1, "the title once, not also in a band: {text}");
        }

        fn the_view_gives_a_second_axis_round_log_ticks_and_rebases_on_request(url) {
            let state = prepared_state(&url).await;
            seed(&state, "gold", |i| 2000.0 + i as f64, "lbma").await;
            seed(&state, "silver", |i| 25.0 + i as f64 / 100.0, "lbma").await;
            // Grows 2% a business day: from 10 to about 1,400, two decades for a log axis.
            seed(&state, "sp500", |i| 10.0 * 1.02f64.powi(i as i32), "fred").await;
            let app = quarry::server::router(state);
            let svg = |uri: &'static str| {
                let app = app.clone();
                async move {
                    let (s, _, b) = get(&app, uri).await;
                    assert_eq!(s, StatusCode::OK, "{uri}: {}", String::from_utf8_lossy(&b));
                    String::from_utf8(b).unwrap()
                }
            };

            // Gold and silver: two axes, each labelled with its own range.
            let two = svg("/api/charts/view.svg?series=gold,silver&range=max").await;
            let layout = quarry::plot::svg_layout::read(&two).unwrap();
            let plot = layout.plots[0];
            let left: Vec<f64> =
                layout.texts.iter().filter(|t| t.rect.x1 <= plot.x0).filter_map(|t| t.text.replace(',', "").parse().ok()).collect();
            assert!(left.iter().any(|v| *v >= 2000.0), "gold's scale on the left: {left:?}");
            let right: Vec<f64> = layout.texts.iter().filter(|t| t.rect.x0 >= plot.x1).filter_map(|t| t.text.replace(',', "").parse().ok()).collect();
            assert!(!right.is_empty() && right.iter().all(|v| *v < 40.0), "silver's scale on the right: {right:?}");
            assert!(layout.text_over_series().is_empty(), "{:?}", layout.text_over_series());

            // Log scale: value labels at 1, 2 and 5 times a power of ten.
            let log = svg("/api/charts/view.svg?series=sp500&range=max&log=1").await;
            let layout = quarry::plot::svg_layout::read(&log).unwrap();
            let plot = layout.plots[0];
            let ticks: Vec<f64> =
                layout.texts.iter().filter(|t| t.rect.x1 <= plot.x0).filter_map(|t| t.text.replace(',', "").parse().ok()).collect();
            assert!(ticks.len() >= 5, "{ticks:?}");
            for v in &ticks {
                let mantissa = v / 10f64.powi(v.log10().floor() as i32);
                assert!([1.0, 2.0, 5.0].iter().any(|m| (mantissa - m).abs() < 1e-9), "{v} is not 1, 2 or 5 x 10^n: {ticks:?}");
            }

            // Rebased: one axis, an index from 100.
            let rebased = svg("/api/charts/view.svg?series=gold,silver&range=max&rebase=1").await;
            assert!(!rebased.contains("(right axis)"), "one axis when rebased");
            assert!(rebased.contains("index, 2025-01-02 = 100"), "the axis says what 100 is");
            assert!(texts(&rebased).contains(&"Units: index, 2025-01-02 = 100 (each series' own unit: USD/troy oz, USD/troy oz)  ·  Sources: LBMA  ·  data as of 2025-12-31".to_string()));
            let (s, _, b) = get(&app, "/api/charts/view.svg?series=gold,silver&ratio=1&rebase=1").await;
            bad(s, &b, "rebase", "rebase with a ratio");
        }
    }
}
