//! Every job Quarry runs, by name, and which domain's body runs it: the series jobs in
//! `commodity.rs`, the venture jobs in `venture.rs`, the chart pack in `charts`.
//!
//! [`Job`] (in the model, so pages can name a job too) is the one list of job names: the
//! scheduler, the Jobs page, "run now", the OpenAPI document and docs/jobs.md (held to it
//! by a test) all read it; here it gains its schedule and the run it starts.
use chrono::{NaiveDate, Utc};

pub use super::model::Job;
use super::model::JobOutcome;
use super::runner::JobContext;
use crate::config::JobsConfig;
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
    /// (`ingest::edgar`), then the funding aggregates.
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

impl Job {
    /// The configured six-field cron string (empty: disabled), or `None` for the jobs that
    /// are never scheduled (the backfills run at start-up and on demand only).
    pub fn schedule(self, c: &JobsConfig) -> Option<&str> {
        match self {
            Job::CommodityPrices => Some(&c.commodity_prices),
            Job::CommoditySignals => Some(&c.commodity_signals),
            Job::AiMaterials => Some(&c.ai_materials),
            Job::SpaceTech => Some(&c.space_tech),
            Job::MacroSeries => Some(&c.macro_series),
            Job::VcSync => Some(&c.vc_sync),
            Job::FundingTracker => Some(&c.funding_tracker),
            Job::IpoMonitor => Some(&c.ipo_monitor),
            Job::ChartPack => Some(&c.chart_pack),
            Job::Backfill | Job::VentureBackfill => None,
        }
    }

    /// The run a start by name makes (a schedule tick or "run now").
    pub fn kind(self) -> JobKind {
        match self {
            Job::CommodityPrices => JobKind::CommodityPrices,
            Job::CommoditySignals => JobKind::CommoditySignals,
            Job::AiMaterials => JobKind::AiMaterials,
            Job::SpaceTech => JobKind::SpaceTech,
            Job::MacroSeries => JobKind::MacroSeries,
            Job::VcSync => JobKind::VcSync,
            Job::FundingTracker => JobKind::FundingTracker,
            Job::IpoMonitor => JobKind::IpoMonitor,
            Job::ChartPack => JobKind::ChartPack,
            Job::Backfill => JobKind::Backfill { series: None, from: None },
            // Started by name ("run now"): the last 30 days. `quarry vc-backfill` takes any range.
            Job::VentureBackfill => {
                let to = Utc::now().date_naive();
                JobKind::VentureBackfill { from: to - chrono::Duration::days(29), to }
            }
        }
    }
}

impl JobKind {
    pub fn job(&self) -> Job {
        match self {
            JobKind::CommodityPrices => Job::CommodityPrices,
            JobKind::AiMaterials => Job::AiMaterials,
            JobKind::SpaceTech => Job::SpaceTech,
            JobKind::CommoditySignals => Job::CommoditySignals,
            JobKind::MacroSeries => Job::MacroSeries,
            JobKind::ChartPack => Job::ChartPack,
            JobKind::Backfill { .. } => Job::Backfill,
            JobKind::VcSync => Job::VcSync,
            JobKind::FundingTracker => Job::FundingTracker,
            JobKind::IpoMonitor => Job::IpoMonitor,
            JobKind::VentureBackfill { .. } => Job::VentureBackfill,
        }
    }

    pub fn name(&self) -> &'static str {
        self.job().name()
    }

    pub fn by_name(name: &str) -> Option<JobKind> {
        Job::by_name(name).map(Job::kind)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_job_has_one_name_that_leads_back_to_it() {
        let mut seen = std::collections::HashSet::new();
        for job in Job::ALL {
            assert!(seen.insert(job.name()), "{} twice", job.name());
            assert_eq!(Job::by_name(job.name()), Some(job));
            assert_eq!(job.kind().job(), job, "{}", job.name());
            assert_eq!(JobKind::by_name(job.name()).map(|k| k.name()), Some(job.name()));
        }
        assert_eq!(Job::NAMES.to_vec(), Job::ALL.map(Job::name).to_vec());
        assert_eq!(Job::by_name("no_such_job"), None);
    }

    /// docs/jobs.md's table lists exactly the jobs of [`Job`] (and the import runs, which
    /// share the record but are started by an upload, not by name).
    #[test]
    fn the_jobs_table_in_the_docs_lists_every_job_and_no_other() {
        let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/jobs.md")).unwrap();
        let table = doc.split("## The jobs").nth(1).expect("a section \"The jobs\"");
        let documented: std::collections::BTreeSet<&str> = table
            .lines()
            .skip_while(|l| !l.starts_with('|'))
            .take_while(|l| l.starts_with('|'))
            .filter_map(|l| l.strip_prefix("| `")?.split('`').next())
            .collect();
        let mut expected: std::collections::BTreeSet<&str> = Job::NAMES.into_iter().collect();
        expected.insert(crate::venture::import_run::JOB);
        assert_eq!(documented, expected);
    }
}
