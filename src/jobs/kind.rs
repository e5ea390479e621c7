//! Every job Quarry runs, by name, and which domain's body runs it: the series jobs in
//! `commodity.rs`, the venture jobs in `venture.rs`, the chart pack in `charts`.
use chrono::{NaiveDate, Utc};

use super::runner::{JobContext, JobOutcome};
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
    /// Every name [`JobKind::by_name`] knows: the jobs "run now" can start.
    pub const RUNNABLE: [&'static str; 11] = [
        "commodity_prices",
        "commodity_signals",
        "ai_materials",
        "space_tech",
        "macro_series",
        "chart_pack",
        "backfill",
        "vc_sync",
        "funding_tracker",
        "ipo_monitor",
        "venture_backfill",
    ];

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

    /// Whether a run calls an upstream over the network. In demo mode (an offline machine)
    /// these are paused: every run would only fail at the resolver and fill the record.
    pub fn needs_network(&self) -> bool {
        !matches!(self, JobKind::CommoditySignals | JobKind::ChartPack | JobKind::FundingTracker)
    }

    /// Whether a run may write observations: work that reads them (signals, the pack)
    /// follows a run of one of these that wrote rows.
    pub fn writes_observations(&self) -> bool {
        matches!(
            self,
            JobKind::CommodityPrices
                | JobKind::AiMaterials
                | JobKind::SpaceTech
                | JobKind::MacroSeries
                | JobKind::Backfill { .. }
        )
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

/// Runs one job's body; the runner wraps it with the lease, the record and the capture.
pub async fn run(ctx: &JobContext, kind: &JobKind) -> anyhow::Result<JobOutcome> {
    match kind {
        JobKind::VcSync | JobKind::FundingTracker | JobKind::IpoMonitor | JobKind::VentureBackfill { .. } => {
            super::venture::run(ctx, kind).await
        }
        JobKind::ChartPack => {
            let state = &ctx.state;
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
            Ok(JobOutcome { items: info.pages as usize, rows_written: 1, ..Default::default() })
        }
        _ => super::commodity::run(ctx, kind).await,
    }
}
