//! The in-process scheduler. Jobs register here with their cron string from Leptos.toml;
//! a job without an implementation yet is listed (so the page tells the truth) but not run.
use std::str::FromStr;

use chrono::{DateTime, Duration, Timelike, Utc};
use croner::Cron;
use tokio_cron_scheduler::{Job, JobScheduler, JobSchedulerError};

use super::commodity::JobKind;
use crate::config::JobsConfig;
use crate::state::AppState;

/// Every job Quarry knows: name, what it does, its configured schedule (empty: not
/// scheduled; the backfill runs at start-up and on demand only).
pub fn catalogue(c: &JobsConfig) -> [(&'static str, &'static str, &str); 11] {
    [
        (
            "commodity_prices",
            "Metals and energy: latest observations (the whole history for a series that has none)",
            &c.commodity_prices,
        ),
        ("commodity_signals", "Recompute signals for series whose prices changed", &c.commodity_signals),
        ("ai_materials", "Refresh the AI-materials instruments", &c.ai_materials),
        ("space_tech", "Refresh the space-tech instruments", &c.space_tech),
        (
            "macro_series",
            "Macro series from FRED for the chart pack (liquidity, rates, CPI, dollar, S&P 500, VIX): latest observations",
            &c.macro_series,
        ),
        ("vc_sync", "EDGAR daily index: new Form D filings to companies, funds and rounds", &c.vc_sync),
        ("funding_tracker", "Funding aggregates by sector, stage and month; notable rounds", &c.funding_tracker),
        ("ipo_monitor", "S-1/F-1 filed, amended, priced (424B4) or withdrawn (RW)", &c.ipo_monitor),
        ("chart_pack", "Render the macro chart pack PDF and keep it", &c.chart_pack),
        ("backfill", "Full history of series that have none: at start-up and on demand (`quarry backfill`)", ""),
        (
            "venture_backfill",
            "EDGAR filings of a range of days (the last 30 when run from here; any range with `quarry vc-backfill`)",
            "",
        ),
    ]
}

/// Jobs whose implementation this build contains.
const REGISTERED: [&str; 11] = [
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

pub fn is_registered(name: &str) -> bool {
    REGISTERED.contains(&name)
}

/// The next time a six-field cron string fires after `now`, if it parses.
pub fn next_run(cron: &str, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    // croner carries the start's fraction of a second into its answer; cron times have none.
    let now = now.with_nanosecond(0)?;
    Cron::from_str(cron).ok()?.find_next_occurrence(&now, false).ok()
}

/// The slot a tick belongs to: the latest time the cron string fired at or before `now`
/// (with a little slack for a clock running behind). Replicas firing for the same tick
/// compute the same slot, which is what makes the (job, slot) lease work.
pub fn slot_for(cron: &str, now: DateTime<Utc>) -> Option<String> {
    let c = Cron::from_str(cron).ok()?;
    let at = c.find_previous_occurrence(&(now + Duration::seconds(30)), true).ok()?;
    Some(at.format("%Y-%m-%dT%H:%M:%SZ").to_string())
}

/// Creates and starts the scheduler with every registered job that has a schedule.
pub async fn start(state: &AppState) -> Result<JobScheduler, JobSchedulerError> {
    let sched = JobScheduler::new().await?;
    if state.config.demo {
        tracing::info!("{}", super::model::DEMO_OFFLINE_NOTICE);
        super::runner::spawn_demo_pack(state);
    }
    for (name, _, cron) in catalogue(&state.config.jobs) {
        let Some(kind) = JobKind::by_name(name).filter(|_| is_registered(name)) else { continue };
        // Said once above, instead of a resolver error every slot.
        if state.config.demo && kind.needs_network() {
            continue;
        }
        if cron.trim().is_empty() {
            if name != "backfill" && name != "venture_backfill" {
                tracing::info!(job = name, "job not scheduled (empty schedule); it can still be run now");
            }
            continue;
        }
        let schedule = cron.to_string();
        let (st, cron) = (state.clone(), schedule.clone());
        let job = Job::new_async(schedule.as_str(), move |_id, _sched| {
            let (st, kind, cron) = (st.clone(), kind.clone(), cron.clone());
            Box::pin(async move {
                let Some(slot) = slot_for(&cron, Utc::now()) else { return };
                if let Err(e) = super::runner::run_slot_then_dependents(&st, kind, &slot).await {
                    tracing::error!(error = %e, "cannot record a job run");
                }
            })
        })?;
        sched.add(job).await?;
        tracing::info!(job = name, %schedule, "job scheduled");
    }
    sched.start().await?;
    Ok(sched)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn a_tick_a_moment_early_or_late_maps_to_the_same_slot() {
        let cron = "0 5 * * * *";
        assert_eq!(slot_for(cron, at("2026-11-28T12:05:00.2Z")).unwrap(), "2026-11-28T12:05:00Z");
        assert_eq!(slot_for(cron, at("2026-11-28T12:04:59.5Z")).unwrap(), "2026-11-28T12:05:00Z");
        assert_eq!(slot_for(cron, at("2026-11-28T12:05:07Z")).unwrap(), "2026-11-28T12:05:00Z");
    }

    #[test]
    fn every_registered_job_is_in_the_catalogue_and_startable_by_name() {
        let config = crate::config::Config::builtin().unwrap();
        let names: Vec<&str> = catalogue(&config.jobs).iter().map(|(n, _, _)| *n).collect();
        for name in REGISTERED {
            assert!(names.contains(&name), "{name}");
            assert_eq!(JobKind::by_name(name).map(|k| k.name()), Some(name));
        }
        let (_, _, cron) = catalogue(&config.jobs).into_iter().find(|(n, _, _)| *n == "macro_series").unwrap();
        assert_eq!(next_run(cron, at("2026-11-28T07:00:00Z")), Some(at("2026-11-28T22:30:00Z")));
    }

    #[test]
    fn next_run_follows_the_six_field_cron_in_utc() {
        assert_eq!(next_run("0 30 6 * * *", at("2026-11-28T07:00:00Z")), Some(at("2026-11-29T06:30:00Z")));
        assert_eq!(next_run("0 10 * * * Mon-Fri", at("2026-11-28T07:00:00Z")), Some(at("2026-11-30T00:10:00Z")));
        assert_eq!(next_run("0 5 * * * *", at("2026-11-28T07:00:00.822Z")), Some(at("2026-11-28T07:05:00Z")));
        assert_eq!(next_run("not cron", at("2026-11-28T07:00:00Z")), None);
    }
}
