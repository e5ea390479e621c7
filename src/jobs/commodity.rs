//! The series jobs: refresh a set of instruments (or the macro series), their signals,
//! and the backfill. Plain async functions; the runner adds the lease, the record and the
//! error capture.
use chrono::{NaiveDate, Utc};

pub use super::kind::{JobKind, AI_MATERIALS, SPACE_TECH};
use super::model::{JobOutcome, Progress};
use super::runner::JobContext;
use crate::ingest::{self, Mode};
use crate::universe::Instrument;

/// The series jobs: prices of a set of instruments, the macro series, signals, backfill.
pub async fn run(ctx: &JobContext, kind: &JobKind) -> anyhow::Result<JobOutcome> {
    let state = &ctx.state;
    let ids = crate::series::series_ids(&state.db).await?;
    let selected = kind.select(&state.universe);
    if *kind == JobKind::CommoditySignals {
        return signals(ctx, &ids, &selected).await;
    }
    if let JobKind::Backfill { series: Some(slug), .. } = kind {
        anyhow::ensure!(!selected.is_empty(), "unknown series '{slug}'");
    }
    let mut outcome = JobOutcome { items: selected.len(), ..Default::default() };
    for (done, inst) in selected.iter().enumerate() {
        ctx.report(Progress { done, total: selected.len(), current: inst.slug.clone(), rows: outcome.rows_written })
            .await;
        let Some(&series_id) = ids.get(&inst.slug) else {
            outcome.failures.push(format!("{}: not in the series table (run `quarry migrate`)", inst.slug));
            continue;
        };
        let mode = match kind {
            JobKind::Backfill { from, .. } => {
                if already_backfilled(ctx, series_id, *from).await? {
                    continue;
                }
                Mode::Backfill(*from)
            }
            _ => Mode::Incremental,
        };
        match ingest::refresh_series(&state.db, &state.sources, inst, series_id, mode, Utc::now()).await {
            Ok(r) => outcome.rows_written += r.rows,
            Err(ingest::IngestError::AllSourcesFailed(reason)) => {
                outcome.failures.push(format!("{}: {reason}", inst.slug))
            }
            Err(e @ ingest::IngestError::Db(_)) => return Err(e.into()),
        }
    }
    ctx.report(Progress {
        done: selected.len(),
        total: selected.len(),
        current: String::new(),
        rows: outcome.rows_written,
    })
    .await;
    Ok(outcome)
}

/// A series needs no backfill when it already holds real data (back to `from`, if given).
/// This is what makes an interrupted backfill resumable: finished series are skipped.
async fn already_backfilled(ctx: &JobContext, series_id: i32, from: Option<NaiveDate>) -> Result<bool, sea_orm::DbErr> {
    let earliest = ingest::store::earliest_real_date(&ctx.state.db, series_id).await?;
    Ok(match (earliest, from) {
        (None, _) => false,
        (Some(_), None) => true,
        (Some(e), Some(f)) => e <= f,
    })
}

/// Recomputes signals where observations changed: new days extend a series, a changed
/// history recomputes it (see `commodities::signal_store`).
async fn signals(
    ctx: &JobContext,
    ids: &std::collections::HashMap<String, i32>,
    selected: &[&Instrument],
) -> anyhow::Result<JobOutcome> {
    let mut outcome = JobOutcome { items: selected.len(), ..Default::default() };
    for (done, inst) in selected.iter().enumerate() {
        ctx.report(Progress { done, total: selected.len(), current: inst.slug.clone(), rows: outcome.rows_written })
            .await;
        let Some(&series_id) = ids.get(&inst.slug) else { continue };
        let refresh =
            crate::commodities::signal_store::refresh(&ctx.state.db, series_id, inst.frequency, Utc::now()).await?;
        tracing::debug!(slug = %inst.slug, ?refresh, "signals");
        outcome.rows_written += refresh.rows() as u64;
    }
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::universe::{parse_universe, Universe, BUILTIN_UNIVERSE, MACRO_GROUP};

    fn slugs(kind: &JobKind, u: &Universe) -> Vec<String> {
        kind.select(u).into_iter().map(|i| i.slug.clone()).collect()
    }

    #[test]
    fn macro_series_have_their_own_job_and_no_commodity_job_touches_them() {
        let u = parse_universe("builtin", BUILTIN_UNIVERSE).unwrap();
        let macros = JobKind::MacroSeries.select(&u);
        assert_eq!(macros.len(), 12);
        assert!(macros.iter().all(|i| i.group == MACRO_GROUP));
        for kind in [JobKind::CommodityPrices, JobKind::AiMaterials, JobKind::SpaceTech, JobKind::CommoditySignals] {
            assert!(kind.select(&u).iter().all(|i| i.group != MACRO_GROUP), "{}", kind.name());
        }
        assert_eq!(JobKind::CommoditySignals.select(&u).len(), 21);
        assert_eq!(JobKind::by_name("macro_series"), Some(JobKind::MacroSeries));
        assert_eq!(JobKind::MacroSeries.name(), "macro_series");
    }

    #[test]
    fn the_backfill_covers_instruments_then_macro_series_or_the_one_asked_for() {
        let u = parse_universe("builtin", BUILTIN_UNIVERSE).unwrap();
        let all = slugs(&JobKind::Backfill { series: None, from: None }, &u);
        assert_eq!(all.len(), 33);
        assert_eq!((all[0].as_str(), all[21].as_str(), all[32].as_str()), ("gold", "walcl", "pallfnfindexm"));
        assert_eq!(slugs(&JobKind::Backfill { series: Some("walcl".into()), from: None }, &u), ["walcl"]);
        assert!(slugs(&JobKind::Backfill { series: Some("nope".into()), from: None }, &u).is_empty());
    }
}
