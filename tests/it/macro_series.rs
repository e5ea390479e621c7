//! The macro series on SQLite and PostgreSQL: the `macro_series` job through the FRED
//! adapter from a local upstream in `fredgraph.csv` format, the backfill by slug, weekly
//! dates, demo data, the read functions and `GET /api/macro/series`; and that no commodity
//! overview, signal or job ever picks a macro series up.
use std::collections::BTreeSet;

use axum::body::{to_bytes, Body};
use axum::http::{Request, StatusCode};
use chrono::{Datelike, Duration, Months, NaiveDate, Utc, Weekday};
use quarry::db::entities::{series, signals};
use quarry::ingest::{self, Mode};
use quarry::jobs::commodity::JobKind;
use quarry::jobs::runner::run_slot;
use quarry::macro_series::service;
use quarry::universe::{Frequency, Provider, MACRO_GROUP};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::Value;
use tower::ServiceExt;
use wiremock::MockServer;

use crate::support::{prepared_state, upstream_state};
use crate::upstream;

const FRED_IDS: [&str; 12] = [
    "WALCL",
    "WTREGEN",
    "RRPONTSYD",
    "SP500",
    "DFF",
    "CPIAUCSL",
    "DTWEXBGS",
    "DGS10",
    "DFII10",
    "BAMLH0A0HYM2",
    "VIXCLS",
    "PALLFNFINDEXM",
];

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// The points an upstream answer holds values for (a `.` is no observation).
fn present(p: &upstream::Pts) -> Vec<(NaiveDate, f64)> {
    p.iter().filter_map(|(d, v)| v.map(|v| (*d, v))).collect()
}

async fn macro_ids(state: &quarry::state::AppState) -> Vec<i32> {
    series::Entity::find()
        .filter(series::Column::Kind.eq("macro"))
        .all(&state.db)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.id)
        .collect()
}

async fn get_json(app: &axum::Router, uri: &str) -> (StatusCode, Value) {
    let res = app.clone().oneshot(Request::get(uri).body(Body::empty()).unwrap()).await.unwrap();
    let status = res.status();
    let body = to_bytes(res.into_body(), 10 << 20).await.unwrap();
    (status, serde_json::from_slice(&body).unwrap())
}

crate::on_both_backends! {
    fn the_macro_job_fills_the_12_fred_series_as_kind_macro_and_a_second_run_writes_nothing(url) {
        let server = MockServer::start().await;
        let state = upstream_state(&url, &server.uri()).await;
        let served = upstream::mount_universe(&server, &state.universe, today()).await;
        let report = run_slot(&state, JobKind::MacroSeries, "test:1").await.unwrap().expect("lease");
        assert_eq!(report.status, "succeeded", "{:?}", report.error);
        assert_eq!(report.outcome.items, 12);
        let expected: usize = state.universe.macros.iter().map(|m| present(&served[&m.slug]).len()).sum();
        assert_eq!(report.outcome.rows_written as usize, expected);

        // FRED's graph CSV was asked once per macro series, and nothing else was.
        let requests = server.received_requests().await.unwrap();
        assert!(requests.iter().all(|r| r.url.path() == "/graph/fredgraph.csv"));
        let asked: BTreeSet<String> = requests
            .iter()
            .filter_map(|r| r.url.query_pairs().find(|(k, _)| k == "id").map(|(_, v)| v.into_owned()))
            .collect();
        assert_eq!((requests.len(), asked), (12, FRED_IDS.iter().map(|s| s.to_string()).collect()));

        // Twelve rows of kind macro in group macro, each holding exactly what was served.
        let rows = series::Entity::find().filter(series::Column::Kind.eq("macro")).all(&state.db).await.unwrap();
        assert_eq!(rows.len(), 12);
        for row in &rows {
            let m = state.universe.macro_series(&row.slug).unwrap();
            assert_eq!(row.group_slug, MACRO_GROUP);
            assert_eq!((row.provider.as_str(), row.provider_code.as_str()), ("fred", m.sources[0].code.as_str()));
            assert_eq!((row.frequency.as_str(), row.unit.as_str()), (m.frequency.as_str(), m.unit.as_str()));
            let stored = service::observations(&state.db, &row.slug, None, None).await.unwrap();
            let want: Vec<_> = present(&served[&row.slug]).into_iter().map(|(d, v)| (d, v, "fred".to_string())).collect();
            assert_eq!(stored, want, "{}", row.slug);
            assert_eq!(service::latest(&state.db, &row.slug).await.unwrap(), want.last().cloned());
        }
        let commodity_rows = series::Entity::find().filter(series::Column::Kind.eq("commodity")).count(&state.db).await.unwrap();
        assert_eq!(commodity_rows, 21);

        let again = run_slot(&state, JobKind::MacroSeries, "test:2").await.unwrap().unwrap();
        assert_eq!((again.status, again.outcome.rows_written), ("succeeded", 0), "{:?}", again.error);

        let list = service::list(&state.db, &state.universe, Utc::now()).await.unwrap();
        assert!(!list.demo && list.notice.is_none());
        assert_eq!(list.series.iter().map(|e| e.provider_code.as_str()).collect::<Vec<_>>(), FRED_IDS);
        for e in &list.series {
            let (d, v) = *present(&served[&e.slug]).last().unwrap();
            assert_eq!((e.as_of, e.last_value), (Some(d), Some(v)), "{}", e.slug);
            assert_eq!((e.source.as_deref(), e.source_label.as_deref()), (Some("fred"), Some("FRED")));
            assert!(!e.stale, "{}: {:?}", e.slug, e.stale_reason);
            assert!(e.licence.contains("not endorsed by the Federal Reserve Bank of St. Louis"));
        }
    }

    fn commodity_overview_signals_and_jobs_never_list_a_macro_series(url) {
        let server = MockServer::start().await;
        let state = upstream_state(&url, &server.uri()).await;
        upstream::mount_universe(&server, &state.universe, today()).await;
        for kind in [JobKind::CommodityPrices, JobKind::AiMaterials, JobKind::SpaceTech, JobKind::MacroSeries, JobKind::CommoditySignals] {
            let name = kind.name();
            let report = run_slot(&state, kind, "test:1").await.unwrap().unwrap();
            assert_eq!(report.status, "succeeded", "{name}: {:?}", report.error);
        }
        let instruments: BTreeSet<String> = state.universe.instruments.iter().map(|i| i.slug.clone()).collect();
        assert_eq!(instruments.len(), 21);

        let ov = quarry::commodities::service::overview(&state.db, &state.universe, None, Utc::now()).await.unwrap();
        assert_eq!(ov.instruments.iter().map(|e| e.slug.clone()).collect::<BTreeSet<_>>(), instruments);
        let table = quarry::commodities::handlers::signals_table(&state, None, None, None, None).await.unwrap();
        assert_eq!(table.rows.iter().map(|r| r.slug.clone()).collect::<BTreeSet<_>>(), instruments);
        let latest = quarry::commodities::signal_store::latest(&state.db, &state.universe, None, None).await.unwrap();
        assert_eq!(latest.len(), 21);
        // The signals job computed nothing for the macro series, though they hold data.
        let ids = macro_ids(&state).await;
        let macro_signals = signals::Entity::find().filter(signals::Column::SeriesId.is_in(ids)).count(&state.db).await.unwrap();
        assert_eq!(macro_signals, 0);

        // The jobs page's health covers the macro feeds too, none of them stale.
        let health = quarry::jobs::service::health(&state.db, &state.universe, &state.sources, false, Utc::now()).await.unwrap();
        let walcl = health.feeds.iter().find(|f| f.code == "WALCL").expect("the WALCL feed is listed");
        assert_eq!((walcl.instruments.clone(), walcl.consecutive_failures), (vec!["walcl".to_string()], 0));
        assert!(health.stale.is_empty(), "{:?}", health.stale);
        let jobs = quarry::jobs::service::list_jobs(&state.db, &state.config.jobs, Utc::now()).await.unwrap();
        let job = jobs.iter().find(|j| j.name == "macro_series").unwrap();
        assert!(job.registered && job.schedule == "0 30 22 * * *" && job.next_run.is_some());
        assert_eq!(job.recent_runs[0].status, "succeeded");
    }

    fn weekly_walcl_keeps_its_wednesday_dates_backfills_by_slug_and_refetches_three_months(url) {
        let server = MockServer::start().await;
        let state = upstream_state(&url, &server.uri()).await;
        let p = upstream::weekly(today() - Duration::days(1), 400, 4_000_000.0);
        upstream::mount_source(&server, Provider::Fred, "WALCL", &p).await;
        let kind = JobKind::Backfill { series: Some("walcl".into()), from: None };
        let report = run_slot(&state, kind, "test:bf").await.unwrap().unwrap();
        assert_eq!((report.status, report.outcome.items, report.outcome.rows_written), ("succeeded", 1, 400), "{:?}", report.error);

        let stored = service::observations(&state.db, "walcl", None, None).await.unwrap();
        assert_eq!(stored.iter().map(|(d, _, _)| *d).collect::<Vec<_>>(), p.iter().map(|(d, _)| *d).collect::<Vec<_>>());
        assert!(stored.iter().all(|(d, _, _)| d.weekday() == Weekday::Wed));
        assert!(stored.windows(2).all(|w| (w[1].0 - w[0].0).num_days() == 7));
        let window = service::observations(&state.db, "walcl", Some(p[100].0), Some(p[199].0)).await.unwrap();
        assert_eq!((window.len(), window[0].0, window[99].0), (100, p[100].0, p[199].0));
        let after = service::observations(&state.db, "walcl", Some(p[390].0 + Duration::days(1)), None).await.unwrap();
        assert_eq!(after.len(), 9);

        // The next incremental fetch reaches three months back from the newest Wednesday.
        let inst = state.universe.macro_series("walcl").unwrap().clone();
        let id = service::series_id(&state.db, "walcl").await.unwrap().unwrap();
        let r = ingest::refresh_series(&state.db, &state.sources, &inst, id, Mode::Incremental, Utc::now()).await.unwrap();
        assert_eq!(r.rows, 0);
        let last = server.received_requests().await.unwrap().pop().unwrap();
        let cosd = last.url.query_pairs().find(|(k, _)| k == "cosd").map(|(_, v)| v.into_owned());
        let newest = p.last().unwrap().0;
        assert_eq!(cosd, Some(newest.checked_sub_months(Months::new(3)).unwrap().to_string()));

        let list = service::list(&state.db, &state.universe, Utc::now()).await.unwrap();
        let walcl = list.series.iter().find(|e| e.slug == "walcl").unwrap();
        assert_eq!((walcl.frequency, walcl.as_of, walcl.stale), (Frequency::Weekly, Some(newest), false));
        let empty = list.series.iter().find(|e| e.slug == "dgs10").unwrap();
        assert_eq!((empty.last_value, empty.source.as_deref(), empty.stale), (None, None, false));
        assert!(service::observations(&state.db, "no-such-series", None, None).await.unwrap().is_empty());
        assert_eq!(service::latest(&state.db, "no-such-series").await.unwrap(), None);
        // Reads go by slug for a series of any kind.
        assert!(service::latest(&state.db, "gold").await.unwrap().is_none());
    }

    fn demo_seeding_fills_the_12_macro_series_with_source_demo_at_their_frequencies(url) {
        let state = prepared_state(&url).await;
        quarry::startup::refresh_demo(&state, true).await.unwrap();
        assert!(state.demo_active());
        for m in &state.universe.macros {
            let obs = service::observations(&state.db, &m.slug, None, None).await.unwrap();
            assert!(obs.len() >= 12 * 10, "{}: {} rows", m.slug, obs.len());
            assert!(obs.iter().all(|(_, v, s)| s == "demo" && v.is_finite()), "{}", m.slug);
            let dates_fit = |d: &NaiveDate| match m.frequency {
                Frequency::Daily => !matches!(d.weekday(), Weekday::Sat | Weekday::Sun),
                Frequency::Weekly => d.weekday() == Weekday::Wed,
                Frequency::Monthly => d.day() == 1,
                Frequency::Annual => d.ordinal() == 1,
            };
            assert!(obs.iter().all(|(d, _, _)| dates_fit(d)), "{}: dates do not fit {}", m.slug, m.frequency.as_str());
        }
        let (_, walcl, _) = service::latest(&state.db, "walcl").await.unwrap().unwrap();
        assert!((5_000_000.0..10_000_000.0).contains(&walcl), "{walcl}");
        let dff = service::observations(&state.db, "dff", None, None).await.unwrap();
        assert!(dff.iter().all(|(_, v, _)| (0.0..=5.5).contains(v)));
        let vix = service::observations(&state.db, "vixcls", None, None).await.unwrap();
        assert!(vix.iter().all(|(_, v, _)| (9.0..=85.0).contains(v)));

        let list = service::list(&state.db, &state.universe, Utc::now()).await.unwrap();
        assert!(list.demo && list.notice.is_some());
        assert!(list.series.iter().all(|e| e.source_label.as_deref() == Some("DEMO") && e.last_value.is_some()));
        // Demo seeding computes signals for the instruments, not for the macro series.
        let ids = macro_ids(&state).await;
        assert_eq!(signals::Entity::find().filter(signals::Column::SeriesId.is_in(ids)).count(&state.db).await.unwrap(), 0);

        // Real data replaces one macro series' demo rows and leaves the others alone.
        let server = MockServer::start().await;
        let mut c = crate::support::test_config(&url);
        upstream::point_sources_at(&mut c, &server.uri());
        let real = quarry::startup::prepare(c).await.unwrap();
        let p = upstream::daily(today() - Duration::days(1), 30, 4.1);
        upstream::mount_source(&server, Provider::Fred, "DGS10", &p).await;
        let inst = real.universe.macro_series("dgs10").unwrap().clone();
        let id = service::series_id(&real.db, "dgs10").await.unwrap().unwrap();
        let r = ingest::refresh_series(&real.db, &real.sources, &inst, id, Mode::Incremental, Utc::now()).await.unwrap();
        assert!(r.demo_rows_removed > 1000, "{}", r.demo_rows_removed);
        assert!(service::observations(&real.db, "dgs10", None, None).await.unwrap().iter().all(|(_, _, s)| s == "fred"));
        assert!(service::observations(&real.db, "dfii10", None, None).await.unwrap().iter().all(|(_, _, s)| s == "demo"));
    }

    fn the_macro_series_endpoint_lists_the_12_with_unit_frequency_last_value_and_source(url) {
        let state = prepared_state(&url).await;
        quarry::startup::refresh_demo(&state, true).await.unwrap();
        let app = quarry::server::router(state);
        let (status, v) = get_json(&app, "/api/macro/series").await;
        assert_eq!(status, StatusCode::OK, "{v}");
        assert_eq!(v["demo"], true);
        let list = v["series"].as_array().unwrap();
        assert_eq!(list.len(), 12);
        for e in list {
            for key in ["slug", "name", "unit", "frequency", "note", "provider_code", "last_value", "as_of", "source", "licence"] {
                assert!(!e[key].is_null(), "{key} missing in {e}");
            }
            assert_eq!((e["source"].as_str(), e["source_label"].as_str(), e["provider"].as_str()), (Some("demo"), Some("DEMO"), Some("fred")));
        }
        let walcl = list.iter().find(|e| e["slug"] == "walcl").unwrap();
        assert_eq!((walcl["frequency"].as_str(), walcl["unit"].as_str(), walcl["provider_code"].as_str()), (Some("weekly"), Some("USD millions"), Some("WALCL")));
        let cpi = list.iter().find(|e| e["slug"] == "cpiaucsl").unwrap();
        assert_eq!(cpi["frequency"], "monthly");
        assert!(cpi["as_of"].as_str().unwrap().ends_with("-01"));
        // The commodity overview still lists the 21 instruments only.
        let (_, ov) = get_json(&app, "/api/commodities/overview").await;
        assert_eq!(ov["instruments"].as_array().unwrap().len(), 21);
    }
}
