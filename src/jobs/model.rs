use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobRunView {
    pub slot: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub status: String,
    pub rows_written: i64,
    pub error: Option<String>,
    pub progress: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobView {
    pub name: String,
    pub description: String,
    /// Six-field cron, UTC; empty when the job is disabled.
    pub schedule: String,
    /// Whether this build has the job's implementation registered with the scheduler.
    pub registered: bool,
    pub recent_runs: Vec<JobRunView>,
}
