//! The signals job on both databases: the first run computes every row, later runs extend
//! a series with its new days only, a changed history is recomputed, and every path leaves
//! exactly what a full recompute gives.
use chrono::{Duration, NaiveDate, Utc};
use quarry::commodities::signal_store::{self, Refresh};
use quarry::commodities::signals;
use quarry::ingest::store::upsert_series;
use quarry::jobs::commodity::JobKind;
use quarry::jobs::runner::run_slot;
use quarry::sources::Point;
use quarry::state::AppState;
use quarry::universe::Frequency;

use crate::support::prepared_state;

/// The WTI-like reference series (with its negative and zero prices) that the signals
/// module's own tests check against pandas.
fn wti() -> Vec<Point> {
    include_str!("../fixtures/signals/wti_reference.csv")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("date"))
        .map(|l| {
            let mut f = l.split(',');
            let date: NaiveDate = f.next().unwrap().parse().unwrap();
            Point { date, value: f.next().unwrap().parse().unwrap() }
        })
        .collect()
}

async fn wti_id(state: &AppState) -> i32 {
    quarry::series::series_ids(&state.db).await.unwrap()["wti"]
}

async fn load(state: &AppState, points: &[Point]) {
    upsert_series(&state.db, wti_id(state).await, "fred", &[], points, Utc::now()).await.unwrap();
}

/// What a full recompute over everything stored gives.
async fn expected(state: &AppState) -> Vec<signals::SignalRow> {
    let id = wti_id(state).await;
    let obs: Vec<(NaiveDate, f64)> =
        quarry::series::observations_between(&state.db, id, Some(NaiveDate::from_ymd_opt(1900, 1, 1).unwrap()), None)
            .await
            .unwrap()
            .into_iter()
            .map(|(d, v, _)| (d, v))
            .collect();
    signals::compute(&obs, Frequency::Daily)
}

async fn refresh(state: &AppState) -> Refresh {
    // A moment later than the writes before it, as the hourly job is.
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    signal_store::refresh(&state.db, wti_id(state).await, Frequency::Daily, Utc::now()).await.unwrap()
}

crate::on_both_backends! {
    fn new_days_extend_the_stored_rows_and_equal_a_full_recompute(url) {
        let state = prepared_state(&url).await;
        let all = wti();
        load(&state, &all[..300]).await;
        assert_eq!(refresh(&state).await, Refresh::Recomputed(300));
        assert_eq!(signal_store::rows(&state.db, wti_id(&state).await).await.unwrap(), expected(&state).await);

        // One new day, then a week: only those rows are computed.
        load(&state, &all[300..301]).await;
        assert_eq!(refresh(&state).await, Refresh::Extended(1));
        load(&state, &all[301..306]).await;
        assert_eq!(refresh(&state).await, Refresh::Extended(5));
        load(&state, &all[306..]).await;
        assert_eq!(refresh(&state).await, Refresh::Extended(all.len() - 306));
        assert_eq!(refresh(&state).await, Refresh::Unchanged);
        // Bit for bit what computing the whole series at once gives.
        assert_eq!(signal_store::rows(&state.db, wti_id(&state).await).await.unwrap(), expected(&state).await);
    }

    fn a_revised_old_value_recomputes_the_series(url) {
        let state = prepared_state(&url).await;
        let mut all = wti();
        load(&state, &all).await;
        refresh(&state).await;
        all[100].value += 1.25;
        load(&state, &all[100..101]).await;
        assert_eq!(refresh(&state).await, Refresh::Recomputed(all.len()));
        let stored = signal_store::rows(&state.db, wti_id(&state).await).await.unwrap();
        assert_eq!(stored, expected(&state).await);
        assert_eq!(stored[100].close, all[100].value);
    }

    fn rows_computed_under_an_older_definition_are_recomputed_once(url) {
        use quarry::db::entities::signals as table;
        use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
        let state = prepared_state(&url).await;
        let all = wti();
        load(&state, &all).await;
        refresh(&state).await;
        // What the store held before rows recorded their definition (issue 16): carry states
        // without the version, and rates of change over observation counts.
        let id = wti_id(&state).await;
        let stored = table::Entity::find().filter(table::Column::SeriesId.eq(id)).all(&state.db).await.unwrap();
        for m in stored {
            let mut carry: serde_json::Value = serde_json::from_str(&m.state).unwrap();
            carry.as_object_mut().unwrap().remove("definition");
            let mut old: table::ActiveModel = m.into();
            old.state = Set(carry.to_string());
            old.roc_1y = Set(Some(-1.0));
            old.update(&state.db).await.unwrap();
        }
        // Nothing new, yet every row is recomputed: and only once.
        assert_eq!(refresh(&state).await, Refresh::Recomputed(all.len()));
        assert_eq!(signal_store::rows(&state.db, id).await.unwrap(), expected(&state).await);
        assert_eq!(refresh(&state).await, Refresh::Unchanged);
    }

    fn demo_start_up_computes_signals_so_the_job_finds_nothing_left_to_do(url) {
        let state = prepared_state(&url).await;
        quarry::startup::refresh_demo(&state, true).await.unwrap();
        let table = signal_store::latest(&state.db, &state.universe, None, None).await.unwrap();
        assert_eq!(table.len(), 21, "every instrument has signals right after seeding");
        let run = run_slot(&state, JobKind::CommoditySignals, "t1").await.unwrap().unwrap();
        assert_eq!(run.outcome.rows_written, 0);
    }

    fn the_commodity_signals_job_covers_every_series_and_writes_nothing_when_nothing_changed(url) {
        let state = prepared_state(&url).await;
        // Seeding alone: `refresh_demo` would compute the signals itself (see the next test).
        quarry::demo::seed_demo(&state.db, &state.universe).await.unwrap();
        let first = run_slot(&state, JobKind::CommoditySignals, "t1").await.unwrap().unwrap();
        assert_eq!(first.status, "succeeded");
        // Demo data fills the 21 instruments and the 12 macro series; signals are for the
        // instruments only.
        let observations = quarry::series::latest_dates(&state.db).await.unwrap().len();
        assert_eq!(observations, 33);
        assert!(first.outcome.rows_written > 21 * 10, "{}", first.outcome.rows_written);
        let second = run_slot(&state, JobKind::CommoditySignals, "t2").await.unwrap().unwrap();
        assert_eq!(second.outcome.rows_written, 0);
        // A new day for one series extends that series only.
        let id = wti_id(&state).await;
        let last = quarry::series::latest_dates(&state.db).await.unwrap()[&id];
        upsert_series(&state.db, id, "demo", &[], &[Point { date: last + Duration::days(3), value: 70.0 }], Utc::now())
            .await
            .unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        let third = run_slot(&state, JobKind::CommoditySignals, "t3").await.unwrap().unwrap();
        assert_eq!(third.outcome.rows_written, 1);
    }
}

mod endpoint {
    //! The acceptance check: WTI and gold loaded through their real adapters from fixtures in
    //! FRED's CSV and LBMA's JSON formats, signals computed by the job, read back through
    //! `GET /api/commodities/signals`, equal the independent pandas reference.
    use std::collections::HashMap;

    use axum::body::{to_bytes, Body};
    use axum::http::{Request, StatusCode};
    use quarry::universe::Provider;
    use serde_json::Value;
    use tower::ServiceExt;
    use wiremock::MockServer;

    use super::*;
    use crate::support::upstream_state;
    use crate::upstream;

    /// The reference file: the closes, and the last row's expected values by column.
    fn reference(csv: &str) -> (upstream::Pts, HashMap<String, String>, Option<String>, Option<String>) {
        let mut lines = csv.lines().filter(|l| !l.starts_with('#'));
        let header: Vec<&str> = lines.next().unwrap().split(',').collect();
        let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
        let closes = rows.iter().map(|r| (r[0].parse().unwrap(), Some(r[1].parse().unwrap()))).collect();
        let last: HashMap<String, String> =
            header.iter().zip(rows.last().unwrap()).map(|(h, v)| (h.to_string(), v.to_string())).collect();
        let cross_col = header.iter().position(|h| *h == "cross").unwrap();
        let last_of = |kind: &str| rows.iter().rev().find(|r| r[cross_col] == kind).map(|r| r[0].to_string());
        (closes, last, last_of("golden"), last_of("death"))
    }

    async fn get(app: &axum::Router, uri: &str) -> (StatusCode, Value) {
        let res = app.clone().oneshot(Request::get(uri).body(Body::empty()).unwrap()).await.unwrap();
        let status = res.status();
        let body = to_bytes(res.into_body(), 10 << 20).await.unwrap();
        (status, serde_json::from_slice(&body).unwrap())
    }

    fn close_enough(got: f64, want: f64) -> bool {
        let scale = want.abs().max(got.abs());
        (got - want).abs() <= 1e-12 || (got - want).abs() <= 1e-9 * scale
    }

    crate::on_both_backends! {
        fn wti_and_gold_signals_from_real_format_fixtures_equal_the_pandas_reference(url) {
            let server = MockServer::start().await;
            let wti = reference(include_str!("../fixtures/signals/wti_reference.csv"));
            let gold = reference(include_str!("../fixtures/signals/gold_reference.csv"));
            upstream::mount_source(&server, Provider::Fred, "DCOILWTICO", &wti.0).await;
            upstream::mount_source(&server, Provider::Lbma, "gold_pm", &gold.0).await;
            let state = upstream_state(&url, &server.uri()).await;
            for slug in ["wti", "gold"] {
                let inst = state.universe.instrument(slug).unwrap().clone();
                let id = quarry::series::series_ids(&state.db).await.unwrap()[slug];
                quarry::ingest::refresh_series(&state.db, &state.sources, &inst, id, quarry::ingest::Mode::Backfill(None), Utc::now())
                    .await
                    .unwrap();
            }
            run_slot(&state, JobKind::CommoditySignals, "acceptance").await.unwrap().unwrap();
            let app = quarry::server::router(state);
            let (status, v) = get(&app, "/api/commodities/signals?group=energy").await;
            assert_eq!(status, StatusCode::OK, "{v}");
            assert_eq!(v["rows"].as_array().unwrap().len(), 1, "only WTI of energy has signals");
            let (_, v) = get(&app, "/api/commodities/signals").await;
            let rows = v["rows"].as_array().unwrap();
            for (slug, (_, expected, golden, death)) in [("wti", &wti), ("gold", &gold)] {
                let row = rows.iter().find(|r| r["slug"] == slug).unwrap();
                assert_eq!(row["date"], expected["date"].as_str());
                assert_eq!(row["stance"], expected["stance"].as_str(), "{slug} stance");
                assert_eq!(row["last_golden_cross"].as_str(), golden.as_deref(), "{slug}");
                assert_eq!(row["last_death_cross"].as_str(), death.as_deref(), "{slug}");
                let mut compared = 0;
                for (col, want) in expected.iter().filter(|(c, _)| !matches!(c.as_str(), "date" | "cross" | "stance")) {
                    let got = &row[col.as_str()];
                    if want.is_empty() {
                        assert!(got.is_null(), "{slug} {col}: expected n/a, got {got}");
                    } else {
                        let want: f64 = want.parse().unwrap();
                        let got = got.as_f64().unwrap_or_else(|| panic!("{slug} {col}: missing"));
                        assert!(close_enough(got, want), "{slug} {col}: {got} vs pandas {want}");
                        compared += 1;
                    }
                }
                assert!(compared >= 19, "{slug}: only {compared} values compared");
            }
        }

        fn bad_signals_parameters_are_400s_naming_the_parameter(url) {
            let app = quarry::server::router(prepared_state(&url).await);
            for (query, param) in [("stance=sideways", "stance"), ("group=softs", "group"), ("sort=colour", "sort"), ("dir=up", "dir")] {
                let (status, v) = get(&app, &format!("/api/commodities/signals?{query}")).await;
                assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {v}");
                assert_eq!(v["parameter"], param);
            }
            let (status, v) = get(&app, "/api/commodities/metals").await;
            assert_eq!(status, StatusCode::OK);
            assert_eq!(v["instruments"].as_array().unwrap().len(), 5);
        }

        fn the_signals_table_filters_by_stance_and_sorts_missing_values_last(url) {
            let state = prepared_state(&url).await;
            quarry::startup::refresh_demo(&state, true).await.unwrap();
            run_slot(&state, JobKind::CommoditySignals, "demo").await.unwrap().unwrap();
            let app = quarry::server::router(state);
            let (_, all) = get(&app, "/api/commodities/signals?sort=rsi14&dir=desc").await;
            let rows = all["rows"].as_array().unwrap();
            assert_eq!(rows.len(), 21);
            assert_eq!(all["demo"], true);
            let rsi: Vec<Option<f64>> = rows.iter().map(|r| r["rsi14"].as_f64()).collect();
            let present: Vec<f64> = rsi.iter().flatten().copied().collect();
            assert!(present.windows(2).all(|w| w[0] >= w[1]), "{rsi:?}");
            assert!(rsi.iter().skip(present.len()).all(Option::is_none), "n/a sorts last: {rsi:?}");
            let lithium = rows.iter().find(|r| r["slug"] == "lithium").unwrap();
            assert!(lithium["not_applicable"].as_array().unwrap().iter().any(|c| c == "rsi14"));
            let (_, bullish) = get(&app, "/api/commodities/signals?stance=bullish").await;
            assert!(bullish["rows"].as_array().unwrap().iter().all(|r| r["stance"] == "bullish"));
            let mut counted = 0;
            for s in ["bullish", "neutral", "bearish"] {
                counted += get(&app, &format!("/api/commodities/signals?stance={s}")).await.1["rows"].as_array().unwrap().len();
            }
            assert_eq!(counted, 21, "every row has exactly one stance");

            // Trending reads the same rows: gainers gained, ranked highest first.
            let (status, t) = get(&app, "/api/commodities/trending?limit=3").await;
            assert_eq!(status, StatusCode::OK, "{t}");
            for period in ["1d", "1w", "1m", "1y"] {
                let g: Vec<f64> = t["gainers"][period].as_array().unwrap().iter().map(|m| m["value"].as_f64().unwrap()).collect();
                assert!(g.len() <= 3 && g.iter().all(|x| *x > 0.0) && g.windows(2).all(|w| w[0] >= w[1]), "{period}: {g:?}");
                let l: Vec<f64> = t["losers"][period].as_array().unwrap().iter().map(|m| m["value"].as_f64().unwrap()).collect();
                assert!(l.iter().all(|x| *x < 0.0) && l.windows(2).all(|w| w[0] <= w[1]), "{period}: {l:?}");
            }
            assert_eq!(t["largest_zscore"].as_array().unwrap().len(), 3);
            assert_eq!(t["demo"], true);
            // The same table as CSV: one line per instrument, n/a where the frequency has none.
            let res = app
                .clone()
                .oneshot(Request::get("/api/commodities/signals.csv?sort=name").body(Body::empty()).unwrap())
                .await
                .unwrap();
            assert_eq!(res.status(), StatusCode::OK);
            assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
            let csv = String::from_utf8(to_bytes(res.into_body(), 1 << 20).await.unwrap().to_vec()).unwrap();
            let lines: Vec<&str> = csv.lines().collect();
            assert_eq!(lines.len(), 22, "{csv}");
            assert!(lines[0].starts_with("slug,name,group,frequency,unit,source,date,close,change_1d,sma20,"));
            let lithium = lines.iter().find(|l| l.starts_with("lithium,")).unwrap();
            assert!(lithium.contains(",n/a,"), "{lithium}");
            let res = app
                .clone()
                .oneshot(Request::get("/api/commodities/signals.csv?stance=up").body(Body::empty()).unwrap())
                .await
                .unwrap();
            assert_eq!(res.status(), StatusCode::BAD_REQUEST);
            let (status, v) = get(&app, "/api/commodities/trending?limit=0").await;
            assert_eq!((status, v["parameter"].as_str()), (StatusCode::BAD_REQUEST, Some("limit")));
        }
    }
}
