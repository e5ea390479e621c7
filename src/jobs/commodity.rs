//! The ingest jobs: refresh a set of instruments (or the macro series), and the backfill.
//! Plain async functions; the runner adds the lease, the record and the error capture.
use chrono::{NaiveDate, Utc};

use super::runner::{JobContext, JobOutcome, Progress};
use crate::ingest::{self, Mode};
use crate::universe::{Instrument, Universe};

/// Groups that have jobs of their own; `commodity_prices` refreshes every other group.
pub const AI_MATERIALS: &str = "ai-materials";
pub const SPACE_TECH: &str = "space-tech";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobKind {
    /// Metals and energy (every group without its own job), incrementally.
    CommodityPrices,
    AiMaterials,
    SpaceTech,
    /// Signals of every instrument whose observations changed since the last run (never
    /// of a macro series).
    CommoditySignals,
    /// The macro series (`[[macro]]` in the universe), incrementally.
    MacroSeries,
    /// Render today's macro chart pack and keep it (not a commodity job, but the same
    /// runner: lease, record, progress).
    ChartPack,
    /// Full history for series that lack it (or from a date), instruments and macro
    /// series alike, one series at a time, each in its own transaction: an interrupted
    /// backfill resumes where it stopped.
    Backfill {
        series: Option<String>,
        from: Option<NaiveDate>,
    },
    /// EDGAR: the last few days' Form D and D/A filings to companies, funds and rounds
    /// (`venture::sync`), then the funding aggregates.
    VcSync,
    /// Funding aggregates by sector, stage and month; notable rounds (`venture::tracker`).
    FundingTracker,
    /// EDGAR: the last few days' IPO registrations, prices and withdrawals, and the
    /// acquisitions visible in the index.
    IpoMonitor,
    /// Every EDGAR pass over each day of a range, oldest first (`quarry vc-backfill`).
    VentureBackfill {
        from: NaiveDate,
        to: NaiveDate,
    },
}

impl JobKind {
    pub fn name(&self) -> &'static str {
        match self {
            JobKind::CommodityPrices => "commodity_prices",
            JobKind::AiMaterials => "ai_materials",
            JobKind::SpaceTech => "space_tech",
            JobKind::CommoditySignals => "commodity_signals",
            JobKind::MacroSeries => "macro_series",
            JobKind::ChartPack => "chart_pack",
            JobKind::Backfill { .. } => "backfill",
            JobKind::VcSync => "vc_sync",
            JobKind::FundingTracker => "funding_tracker",
            JobKind::IpoMonitor => "ipo_monitor",
            JobKind::VentureBackfill { .. } => "venture_backfill",
        }
    }

    /// The jobs that can be started by name (schedule or "run now").
    pub fn by_name(name: &str) -> Option<JobKind> {
        match name {
            "commodity_prices" => Some(JobKind::CommodityPrices),
            "ai_materials" => Some(JobKind::AiMaterials),
            "space_tech" => Some(JobKind::SpaceTech),
            "commodity_signals" => Some(JobKind::CommoditySignals),
            "macro_series" => Some(JobKind::MacroSeries),
            "chart_pack" => Some(JobKind::ChartPack),
            "backfill" => Some(JobKind::Backfill { series: None, from: None }),
            "vc_sync" => Some(JobKind::VcSync),
            "funding_tracker" => Some(JobKind::FundingTracker),
            "ipo_monitor" => Some(JobKind::IpoMonitor),
            // Started by name ("run now"): the last 30 days. `quarry vc-backfill` takes any range.
            "venture_backfill" => {
                let to = Utc::now().date_naive();
                Some(JobKind::VentureBackfill { from: to - chrono::Duration::days(29), to })
            }
            _ => None,
        }
    }

    fn selects(&self, inst: &Instrument) -> bool {
        match self {
            JobKind::CommodityPrices => inst.group != AI_MATERIALS && inst.group != SPACE_TECH,
            JobKind::AiMaterials => inst.group == AI_MATERIALS,
            JobKind::SpaceTech => inst.group == SPACE_TECH,
            JobKind::CommoditySignals | JobKind::MacroSeries => true,
            JobKind::ChartPack
            | JobKind::VcSync
            | JobKind::FundingTracker
            | JobKind::IpoMonitor
            | JobKind::VentureBackfill { .. } => false,
            JobKind::Backfill { series, .. } => series.as_ref().is_none_or(|s| *s == inst.slug),
        }
    }

    /// The series this job works on, in universe order: the macro series for
    /// `macro_series`, instruments and macro series for the backfill, the selected
    /// instruments (never a macro series) for every other job.
    pub fn select<'u>(&self, universe: &'u Universe) -> Vec<&'u Instrument> {
        let pool: Box<dyn Iterator<Item = &'u Instrument>> = match self {
            JobKind::MacroSeries => Box::new(universe.macros.iter()),
            JobKind::Backfill { .. } => Box::new(universe.all_series()),
            _ => Box::new(universe.instruments.iter()),
        };
        pool.filter(|i| self.selects(i)).collect()
    }
}

pub async fn run(ctx: &JobContext, kind: &JobKind) -> anyhow::Result<JobOutcome> {
    if matches!(
        kind,
        JobKind::VcSync | JobKind::FundingTracker | JobKind::IpoMonitor | JobKind::VentureBackfill { .. }
    ) {
        return crate::jobs::venture::run(ctx, kind).await;
    }
    let state = &ctx.state;
    let ids = crate::commodities::service::series_ids(&state.db).await?;
    let selected = kind.select(&state.universe);
    if *kind == JobKind::CommoditySignals {
        return signals(ctx, &ids, &selected).await;
    }
    if *kind == JobKind::ChartPack {
        let now = Utc::now();
        let (info, _) = crate::charts::pack_service::generate(
            &state.db,
            &state.universe,
            &state.config.data_dir,
            now.date_naive(),
            now,
        )
        .await?;
        tracing::info!(date = %info.date, pages = info.pages, bytes = info.bytes, ms = info.render_ms, "chart pack kept");
        return Ok(JobOutcome { items: info.pages as usize, rows_written: 1, ..Default::default() });
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
    use crate::universe::{parse_universe, BUILTIN_UNIVERSE, MACRO_GROUP};

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
