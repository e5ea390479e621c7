use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct JobRunView {
    pub slot: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    /// running, succeeded, partial (some items failed), failed, interrupted (Ctrl-C) or
    /// abandoned (its process stopped).
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

/// The one notice demo mode gives about the network instead of an error per run.
pub const DEMO_OFFLINE_NOTICE: &str =
    "demo mode: live fetching is off; set QUARRY_DEMO=0 with network access to fetch real data";

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
    /// Demo mode: the jobs that need the network are paused (`DEMO_OFFLINE_NOTICE`).
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
