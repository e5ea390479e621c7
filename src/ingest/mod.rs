//! Ingestion: for each series, fetch from the first healthy source in the instrument's
//! list, fall back to the next on failure, validate, and write in one transaction. Jobs
//! and the backfill command drive it; sources know nothing of it.
pub mod edgar;
pub mod health;
pub mod store;
pub mod validate;

use chrono::{DateTime, Months, NaiveDate, Utc};
use sea_orm::DatabaseConnection;

use crate::sources::{Point, SourceError, Sources};
use crate::universe::{Frequency, Instrument};

/// How much of a series to ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// From shortly before the newest stored real observation, so recent revisions are
    /// picked up; the whole history when the series has none.
    Incremental,
    /// Everything from this date (or all the upstream has).
    Backfill(Option<NaiveDate>),
}

/// The outcome of refreshing one series.
#[derive(Debug, Clone, PartialEq)]
pub struct Refreshed {
    /// The provider whose data was written.
    pub source: String,
    pub fetched: usize,
    pub rows: u64,
    pub demo_rows_removed: u64,
    /// Sources that failed before this one succeeded, with their reasons.
    pub fell_back_from: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// Every source failed; the text lists each with its reason.
    #[error("{0}")]
    AllSourcesFailed(String),
    #[error("database: {0}")]
    Db(#[from] sea_orm::DbErr),
}

/// How far back an incremental fetch reaches before the newest stored observation, so
/// that an upstream's revisions of recent values replace what was stored.
fn overlap(frequency: Frequency) -> Months {
    match frequency {
        Frequency::Daily => Months::new(1),
        Frequency::Weekly => Months::new(3),
        Frequency::Monthly => Months::new(12),
        Frequency::Annual => Months::new(120),
    }
}

/// The first date to fetch, or `None` for the whole history.
pub fn fetch_from(mode: Mode, latest_real: Option<NaiveDate>, frequency: Frequency) -> Option<NaiveDate> {
    match mode {
        Mode::Backfill(from) => from,
        Mode::Incremental => latest_real.and_then(|d| d.checked_sub_months(overlap(frequency))),
    }
}

/// Refreshes one instrument's series.
pub async fn refresh_series(
    db: &DatabaseConnection,
    sources: &Sources,
    inst: &Instrument,
    series_id: i32,
    mode: Mode,
    now: DateTime<Utc>,
) -> Result<Refreshed, IngestError> {
    let latest = store::latest_real_date(db, series_id).await?;
    let from = fetch_from(mode, latest, inst.frequency);

    // Healthy feeds first, in the instrument's order; feeds cooling down after repeated
    // failures go last rather than not at all, so a lone source is still tried.
    let mut healthy = Vec::new();
    let mut cooling = Vec::new();
    for (rank, src) in inst.sources.iter().enumerate() {
        let h = health::feed(db, src.provider.as_str(), &src.code).await?;
        if health::is_healthy(h.as_ref(), now) {
            healthy.push(rank);
        } else {
            cooling.push(rank);
        }
    }

    let mut failures: Vec<String> = Vec::new();
    for rank in healthy.into_iter().chain(cooling) {
        let src = &inst.sources[rank];
        let provider = src.provider.as_str();
        if let Some(why) = sources.unavailable(src.provider) {
            tracing::debug!(slug = %inst.slug, provider, why, "source skipped");
            continue;
        }
        match fetch_checked(sources, src, from, now).await {
            Ok(points) => {
                // Sources ranked below this one may be overwritten by it; those above may not.
                let overridable: Vec<String> =
                    inst.sources[rank + 1..].iter().map(|s| s.provider.as_str().to_string()).collect();
                let written = store::upsert_series(db, series_id, provider, &overridable, &points, now).await?;
                health::feed_succeeded(db, provider, &src.code, written.rows, now).await?;
                health::series_attempted(db, series_id, Ok(provider), now).await?;
                tracing::info!(slug = %inst.slug, provider, fetched = points.len(), rows = written.rows, "series refreshed");
                return Ok(Refreshed {
                    source: provider.to_string(),
                    fetched: points.len(),
                    rows: written.rows,
                    demo_rows_removed: written.demo_rows_removed,
                    fell_back_from: failures,
                });
            }
            Err(reason) => {
                tracing::warn!(slug = %inst.slug, provider, %reason, "source failed");
                health::feed_failed(db, provider, &src.code, &reason, now).await?;
                failures.push(format!("{} {}: {reason}", src.provider.label(), src.code));
            }
        }
    }
    let reason = if failures.is_empty() {
        "no source is available (every source of this instrument needs a key or is disabled)".to_string()
    } else {
        failures.join("; ")
    };
    health::series_attempted(db, series_id, Err(&reason), now).await?;
    Err(IngestError::AllSourcesFailed(reason))
}

/// Fetches, trims to `from`, validates. Every way the data can be wrong is a reason string.
async fn fetch_checked(
    sources: &Sources,
    src: &crate::universe::SourceRef,
    from: Option<NaiveDate>,
    now: DateTime<Utc>,
) -> Result<Vec<Point>, String> {
    let points = sources.fetch(src, from).await.map_err(|e: SourceError| e.to_string())?;
    // Some upstreams always answer with their whole history; only the asked-for span is written.
    let points: Vec<Point> = points.into_iter().filter(|p| from.is_none_or(|f| p.date >= f)).collect();
    let points = validate::validate(points, now.date_naive()).map_err(|e| format!("invalid data: {e}"))?;
    if points.is_empty() {
        return Err(match from {
            Some(f) => format!("no observations since {f}"),
            None => "the upstream returned no observations".to_string(),
        });
    }
    Ok(points)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn incremental_fetches_reach_back_by_the_frequencys_overlap() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(fetch_from(Mode::Incremental, Some(d("2026-03-31")), Frequency::Daily), Some(d("2026-02-28")));
        assert_eq!(fetch_from(Mode::Incremental, Some(d("2026-03-01")), Frequency::Monthly), Some(d("2025-03-01")));
        assert_eq!(fetch_from(Mode::Incremental, Some(d("2026-11-25")), Frequency::Weekly), Some(d("2026-08-25")));
        assert_eq!(fetch_from(Mode::Incremental, None, Frequency::Daily), None);
        assert_eq!(
            fetch_from(Mode::Backfill(Some(d("2000-01-01"))), Some(d("2026-03-01")), Frequency::Daily),
            Some(d("2000-01-01"))
        );
        assert_eq!(fetch_from(Mode::Backfill(None), Some(d("2026-03-01")), Frequency::Daily), None);
    }
}
