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
    quarry::commodities::service::series_ids(&state.db).await.unwrap()["wti"]
}

async fn load(state: &AppState, points: &[Point]) {
    upsert_series(&state.db, wti_id(state).await, "fred", &[], points, Utc::now()).await.unwrap();
}

/// What a full recompute over everything stored gives.
async fn expected(state: &AppState) -> Vec<signals::SignalRow> {
    let id = wti_id(state).await;
    let obs: Vec<(NaiveDate, f64)> =
        quarry::commodities::service::observations_since(&state.db, id, NaiveDate::from_ymd_opt(1900, 1, 1).unwrap())
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

    fn the_commodity_signals_job_covers_every_series_and_writes_nothing_when_nothing_changed(url) {
        let state = prepared_state(&url).await;
        quarry::server::refresh_demo(&state, true).await.unwrap();
        let first = run_slot(&state, JobKind::CommoditySignals, "t1").await.unwrap().unwrap();
        assert_eq!(first.status, "succeeded");
        let observations = quarry::commodities::service::latest_dates(&state.db).await.unwrap().len();
        assert_eq!(observations, 21);
        assert!(first.outcome.rows_written > 21 * 10, "{}", first.outcome.rows_written);
        let second = run_slot(&state, JobKind::CommoditySignals, "t2").await.unwrap().unwrap();
        assert_eq!(second.outcome.rows_written, 0);
        // A new day for one series extends that series only.
        let id = wti_id(&state).await;
        let last = quarry::commodities::service::latest_dates(&state.db).await.unwrap()[&id];
        upsert_series(&state.db, id, "demo", &[], &[Point { date: last + Duration::days(3), value: 70.0 }], Utc::now())
            .await
            .unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        let third = run_slot(&state, JobKind::CommoditySignals, "t3").await.unwrap().unwrap();
        assert_eq!(third.outcome.rows_written, 1);
    }
}
