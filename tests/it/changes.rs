//! One definition of a change (issue 16): for every instrument of the demo database, the
//! 1D, 1W, 1M and 1Y changes read the same on every surface that shows them (the overview,
//! signals, instrument and trending APIs, the signals CSV, and the overview, signals and
//! instrument pages), and equal the definition computed here from the raw observations.
use std::collections::HashMap;

use axum::body::{to_bytes, Body};
use axum::http::{Request, StatusCode};
use chrono::{Days, Months, NaiveDate};
use quarry::format::format_change;
use quarry::universe::Frequency;
use scraper::{Html, Selector};
use serde_json::Value;
use tower::ServiceExt;

use crate::support::prepared_state;

const PERIODS: [&str; 4] = ["1d", "1w", "1m", "1y"];

async fn get(app: &axum::Router, uri: &str) -> String {
    let res = app.clone().oneshot(Request::get(uri).body(Body::empty()).unwrap()).await.unwrap();
    let status = res.status();
    let body = String::from_utf8(to_bytes(res.into_body(), 20 << 20).await.unwrap().to_vec()).unwrap();
    assert_eq!(status, StatusCode::OK, "{uri}: {body}");
    body
}

async fn get_json(app: &axum::Router, uri: &str) -> Value {
    serde_json::from_str(&get(app, uri).await).unwrap()
}

/// The definition as the API reference states it, written out here on its own: the last
/// observation on or before the date one calendar period back (clamped to a month's end),
/// close enough to it, and a positive base; `None` where the frequency has no such change.
fn defined_change(points: &[(NaiveDate, f64)], frequency: Frequency, period: &str) -> Option<f64> {
    let applies = match frequency {
        Frequency::Daily => true,
        Frequency::Weekly => period != "1d",
        Frequency::Monthly => matches!(period, "1m" | "1y"),
        Frequency::Annual => period == "1y",
    };
    let &(latest, last) = points.last()?;
    let start = match period {
        "1d" => latest - Days::new(1),
        "1w" => latest - Days::new(7),
        "1m" => latest - Months::new(1),
        _ => latest - Months::new(12),
    };
    let slack = match (frequency, period) {
        (Frequency::Daily, "1d") => 4,
        (Frequency::Daily, _) => 7,
        (Frequency::Weekly, _) => 6,
        _ => 0,
    };
    let &(date, base) = points.iter().rev().find(|(d, _)| *d <= start)?;
    (applies && (start - date).num_days() <= slack && base > 0.0).then(|| (last - base) / base * 100.0)
}

fn near(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// One instrument's figures for one period, by the surface they were read from.
#[derive(Default)]
struct Seen {
    numbers: Vec<(String, Option<f64>)>,
    /// A page's cells matched by a selector (exactly one is expected).
    texts: Vec<(String, Vec<String>)>,
}

impl Seen {
    fn number(&mut self, surface: &str, v: &Value) {
        assert!(v.is_null() || v.is_number(), "{surface}: {v}");
        self.numbers.push((surface.to_string(), v.as_f64()));
    }

    fn csv(&mut self, surface: &str, cell: &str) {
        let v = match cell {
            "" | "n/a" => None,
            text => Some(text.parse::<f64>().unwrap_or_else(|_| panic!("{surface}: {text:?}"))),
        };
        self.numbers.push((surface.to_string(), v));
    }

    fn html(&mut self, surface: &str, doc: &Html, selector: &str) {
        let sel = Selector::parse(selector).unwrap();
        let cells: Vec<String> = doc.select(&sel).map(|e| e.text().collect::<String>().trim().to_string()).collect();
        self.texts.push((format!("{surface} ({selector})"), cells));
    }

    /// Every number equals `want` (both absent, or equal to 1e-9 relative: JSON and CSV
    /// round trips may move the last bit), and every page shows it as the page formats it.
    fn check(&self, slug: &str, period: &str, want: Option<f64>) {
        for (surface, got) in &self.numbers {
            let same = match (got, want) {
                (Some(g), Some(w)) => near(*g, w),
                (None, None) => true,
                _ => false,
            };
            assert!(same, "{slug} {period}: {surface} says {got:?}, the definition {want:?}; all: {:?}", self.numbers);
        }
        let shown = format_change(want);
        for (surface, cells) in &self.texts {
            let [text] = cells.as_slice() else { panic!("{slug} {period}: {surface} matched {cells:?}") };
            let ok = *text == shown || (want.is_none() && text == "n/a");
            assert!(ok, "{slug} {period}: {surface} shows {text:?}, the definition {shown:?}");
        }
    }
}

crate::on_both_backends! {
    fn overview_signals_detail_csv_and_pages_show_the_same_changes_for_every_instrument(url) {
        let state = prepared_state(&url).await;
        quarry::startup::refresh_demo(&state, true).await.unwrap();
        let ids = quarry::series::series_ids(&state.db).await.unwrap();
        let mut history = HashMap::new();
        for inst in &state.universe.instruments {
            let from = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap();
            let rows = quarry::series::observations_between(&state.db, ids[&inst.slug], Some(from), None)
                .await
                .unwrap();
            history.insert(inst.slug.clone(), rows.into_iter().map(|(d, v, _)| (d, v)).collect::<Vec<_>>());
        }
        let universe = state.universe.clone();
        let app = quarry::server::router(state);

        let overview = get_json(&app, "/api/commodities/overview").await;
        let signals = get_json(&app, "/api/commodities/signals").await;
        let trending = get_json(&app, "/api/commodities/trending?limit=50").await;
        let csv = get(&app, "/api/commodities/signals.csv").await;
        let mut reader = csv::Reader::from_reader(csv.as_bytes());
        let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_string).collect();
        let csv_rows: Vec<HashMap<String, String>> = reader
            .records()
            .map(|r| header.iter().cloned().zip(r.unwrap().iter().map(str::to_string)).collect())
            .collect();
        let overview_page = Html::parse_document(&get(&app, "/").await);
        let signals_page = Html::parse_document(&get(&app, "/commodities/signals").await);

        let mut compared = 0;
        for inst in &universe.instruments {
            let slug = inst.slug.as_str();
            let by_slug = |list: &Value| list.as_array().unwrap().iter().find(|e| e["slug"] == slug).cloned().unwrap();
            let over = by_slug(&overview["instruments"]);
            let sig = by_slug(&signals["rows"]);
            let detail = get_json(&app, &format!("/api/commodities/{slug}")).await;
            let detail_page = Html::parse_document(&get(&app, &format!("/commodities/{slug}")).await);
            let csv_row = csv_rows.iter().find(|r| r["slug"] == slug).unwrap();
            let points = &history[slug];
            // The figures describe the same, newest observation everywhere.
            assert_eq!(over["as_of"], sig["date"], "{slug}");
            assert_eq!(detail["signals"]["date"], sig["date"], "{slug}");

            for period in PERIODS {
                let mut seen = Seen::default();
                // The overview has 1D, 1M and 1Y; the signals 1D and the rates of change.
                let overview_key = format!("change_{period}");
                let signal_key = if period == "1d" { "change_1d".to_string() } else { format!("roc_{period}") };
                if period != "1w" {
                    seen.number("overview API", &over[&overview_key]);
                    seen.number("detail API figures", &detail[&overview_key]);
                    seen.html("overview page", &overview_page, &format!(r#"tr[data-slug="{slug}"] td[data-col="{overview_key}"]"#));
                    seen.html("detail page headline", &detail_page, &format!(r#".headline dd[data-col="{overview_key}"]"#));
                }
                seen.number("signals API", &sig[&signal_key]);
                seen.number("detail API signals", &detail["signals"][&signal_key]);
                seen.csv("signals CSV", &csv_row[&signal_key]);
                if period != "1d" {
                    seen.html("detail page signals", &detail_page, &format!(r#"tr[data-indicator="{signal_key}"] td"#));
                }
                if period != "1w" {
                    seen.html("signals page", &signals_page, &format!(r#"tr[data-slug="{slug}"] td[data-col="{signal_key}"]"#));
                }
                for list in ["gainers", "losers"] {
                    if let Some(m) = trending[list][period].as_array().unwrap().iter().find(|m| m["slug"] == slug) {
                        seen.number(&format!("trending {list}"), &m["value"]);
                    }
                }

                let want = defined_change(points, inst.frequency, period);
                seen.check(slug, period, want);
                // The demo's histories reach back years: a change is missing only where the
                // frequency has none.
                let has = match inst.frequency {
                    Frequency::Daily => true,
                    Frequency::Weekly => period != "1d",
                    Frequency::Monthly => matches!(period, "1m" | "1y"),
                    Frequency::Annual => period == "1y",
                };
                assert_eq!(want.is_some(), has, "{slug} {period}");
                compared += seen.numbers.len() + seen.texts.len();
            }
        }
        assert!(compared > 21 * 4 * 5, "only {compared} figures compared");
    }
}
