//! The in-process scheduler. Jobs register here with their cron string from Leptos.toml;
//! a job without an implementation yet is listed (so the page tells the truth) but not run.
use tokio_cron_scheduler::{JobScheduler, JobSchedulerError};

use crate::config::JobsConfig;

/// Every job Quarry knows: name, what it does, its configured schedule.
pub fn catalogue(c: &JobsConfig) -> [(&'static str, &'static str, &str); 8] {
    [
        ("commodity_prices", "Latest observations for daily instruments", &c.commodity_prices),
        ("commodity_signals", "Recompute signals for series whose prices changed", &c.commodity_signals),
        ("ai_materials", "Refresh the AI-materials instruments", &c.ai_materials),
        ("space_tech", "Refresh the space-tech instruments", &c.space_tech),
        ("vc_sync", "EDGAR daily index: new Form D filings to companies, funds and rounds", &c.vc_sync),
        ("funding_tracker", "Funding aggregates by sector, stage and month; notable rounds", &c.funding_tracker),
        ("ipo_monitor", "S-1/F-1 filed, amended, priced (424B4) or withdrawn (RW)", &c.ipo_monitor),
        ("chart_pack", "Render the macro chart pack PDF and keep it", &c.chart_pack),
    ]
}

/// Jobs whose implementation this build contains. None yet: sources and ingestion come next.
const REGISTERED: [&str; 0] = [];

pub fn is_registered(name: &str) -> bool {
    REGISTERED.contains(&name)
}

/// Creates and starts the scheduler with every registered job.
pub async fn start(_jobs: &JobsConfig) -> Result<JobScheduler, JobSchedulerError> {
    let sched = JobScheduler::new().await?;
    sched.start().await?;
    Ok(sched)
}
