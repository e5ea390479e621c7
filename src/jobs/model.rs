use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct JobRunView {
    pub slot: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    /// running, succeeded, partial (some items failed), failed, interrupted (Ctrl-C, or the
    /// server stopped while it ran) or abandoned (its process stopped).
    pub status: String,
    pub rows_written: i64,
    pub error: Option<String>,
    /// 0 to 1 while running.
    pub progress: Option<f64>,
    pub duration_secs: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct JobView {
    pub name: String,
    pub description: String,
    /// Six-field cron, UTC; empty when the job is disabled.
    pub schedule: String,
    /// Whether this build has the job's implementation registered with the scheduler.
    pub registered: bool,
    /// When the schedule fires next (for a registered, enabled job).
    pub next_run: Option<DateTime<Utc>>,
    /// Why the job does not run (demo mode pauses the jobs that need the network).
    pub paused: Option<String>,
    pub recent_runs: Vec<JobRunView>,
}

/// Every job Quarry runs, by name, in the order the Jobs page lists them: the one list of
/// job names (its schedule and the run it starts are in `jobs::kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    CommodityPrices,
    CommoditySignals,
    AiMaterials,
    SpaceTech,
    MacroSeries,
    VcSync,
    FundingTracker,
    IpoMonitor,
    ChartPack,
    Backfill,
    VentureBackfill,
}

impl Job {
    pub const ALL: [Job; 11] = [
        Job::CommodityPrices,
        Job::CommoditySignals,
        Job::AiMaterials,
        Job::SpaceTech,
        Job::MacroSeries,
        Job::VcSync,
        Job::FundingTracker,
        Job::IpoMonitor,
        Job::ChartPack,
        Job::Backfill,
        Job::VentureBackfill,
    ];

    /// Every name, in [`Job::ALL`]'s order: the jobs "run now" can start.
    pub const NAMES: [&'static str; 11] = {
        let mut names = [""; 11];
        let mut i = 0;
        while i < names.len() {
            names[i] = Job::ALL[i].name();
            i += 1;
        }
        names
    };

    /// The name in the `job_runs` record, the API, the configuration and the docs.
    pub const fn name(self) -> &'static str {
        match self {
            Job::CommodityPrices => "commodity_prices",
            Job::CommoditySignals => "commodity_signals",
            Job::AiMaterials => "ai_materials",
            Job::SpaceTech => "space_tech",
            Job::MacroSeries => "macro_series",
            Job::VcSync => "vc_sync",
            Job::FundingTracker => "funding_tracker",
            Job::IpoMonitor => "ipo_monitor",
            Job::ChartPack => "chart_pack",
            Job::Backfill => "backfill",
            Job::VentureBackfill => "venture_backfill",
        }
    }

    pub fn by_name(name: &str) -> Option<Job> {
        Job::ALL.into_iter().find(|j| j.name() == name)
    }

    /// What the job does, as the Jobs page says it.
    pub fn description(self) -> &'static str {
        match self {
            Job::CommodityPrices => {
                "Metals and energy: latest observations (the whole history for a series that has none)"
            }
            Job::CommoditySignals => "Recompute signals for series whose prices changed",
            Job::AiMaterials => "Refresh the AI-materials instruments",
            Job::SpaceTech => "Refresh the space-tech instruments",
            Job::MacroSeries => {
                "Macro series from FRED for the chart pack (liquidity, rates, CPI, dollar, S&P 500, VIX): latest observations"
            }
            Job::VcSync => "EDGAR daily index: new Form D filings to companies, funds and rounds",
            Job::FundingTracker => "Funding aggregates by sector, stage and month; notable rounds",
            Job::IpoMonitor => "S-1/F-1 filed, amended, priced (424B4) or withdrawn (RW)",
            Job::ChartPack => "Render the macro chart pack PDF and keep it",
            Job::Backfill => "Full history of series that have none: at start-up and on demand (`quarry backfill`)",
            Job::VentureBackfill => {
                "EDGAR filings of a range of days (the last 30 when run from here; any range with `quarry vc-backfill`)"
            }
        }
    }
}

/// One feed: a provider and the code of one series there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FeedHealth {
    pub provider: String,
    pub provider_label: String,
    pub code: String,
    /// Instruments that list this feed among their sources.
    pub instruments: Vec<String>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    pub last_success_at: Option<DateTime<Utc>>,
    pub last_error_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub consecutive_failures: i32,
    /// Rows the last successful fetch wrote.
    pub last_rows: i64,
    /// Why the feed is not called at all (a missing key, a disabled fallback).
    pub unavailable: Option<String>,
}

impl FeedHealth {
    /// A feed with no recorded fetch yet; the record fills in the rest.
    pub fn new(provider: String, provider_label: String, code: String) -> Self {
        FeedHealth {
            provider,
            provider_label,
            code,
            instruments: Vec::new(),
            last_attempt_at: None,
            last_success_at: None,
            last_error_at: None,
            last_error: None,
            consecutive_failures: 0,
            last_rows: 0,
            unavailable: None,
        }
    }
}

/// An instrument whose data cannot be taken as current, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct StaleSeries {
    pub slug: String,
    pub name: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Health {
    /// "Run now" is possible: an admin token is configured.
    pub admin_actions: bool,
    pub feeds: Vec<FeedHealth>,
    pub stale: Vec<StaleSeries>,
    /// A backfill in progress, if any.
    pub backfill: Option<JobRunView>,
    /// Demo mode: the jobs that need the network are paused (`config::DEMO_OFFLINE_NOTICE`).
    pub offline_notice: Option<String>,
}

/// The answer to "run now".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RunStarted {
    pub job: String,
    pub slot: String,
}

/// Failed and partial runs with the same job and the same short reason, counted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FailureGroup {
    pub job: String,
    /// The short reason (the error's first line without its parenthesised detail).
    pub reason: String,
    pub count: u64,
    pub latest_at: DateTime<Utc>,
    /// The newest run's full error, as recorded.
    pub latest_error: String,
}

/// One page of failure groups, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FailurePage {
    pub groups: Vec<FailureGroup>,
    pub page: u64,
    pub pages: u64,
    /// Failed or partial runs in all groups.
    pub total_runs: u64,
}

/// Progress of a running job, for the job_runs record and a terminal progress bar.
#[derive(Debug, Clone)]
pub struct Progress {
    pub done: usize,
    pub total: usize,
    /// What is being worked on now (a series slug).
    pub current: String,
    pub rows: u64,
}

/// What a job hands back to the wrapper.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct JobOutcome {
    pub items: usize,
    pub rows_written: u64,
    /// One line per failed item: "slug: reason". The job went on with the others.
    pub failures: Vec<String>,
}

impl JobOutcome {
    pub fn status(&self) -> &'static str {
        if self.failures.is_empty() {
            "succeeded"
        } else if self.failures.len() >= self.items {
            "failed"
        } else {
            "partial"
        }
    }
}
