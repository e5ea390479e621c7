//! The in-process scheduler: every job of [`Job::ALL`] that has a cron string in
//! Leptos.toml is added with it.
use std::str::FromStr;

use chrono::{DateTime, Duration, Timelike, Utc};
use croner::Cron;
use tokio_cron_scheduler::{Job as CronJob, JobScheduler, JobSchedulerError};

use super::kind::Job;
use crate::state::AppState;

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

/// Creates and starts the scheduler with every job that has a schedule.
pub async fn start(state: &AppState) -> Result<JobScheduler, JobSchedulerError> {
    let sched = JobScheduler::new().await?;
    if state.config.demo {
        tracing::info!("{}", crate::config::DEMO_OFFLINE_NOTICE);
        super::runner::spawn_demo_pack(state);
    }
    for job in Job::ALL {
        let name = job.name();
        // Said once above, instead of a resolver error every slot.
        if state.config.demo && job.kind().needs_network() {
            continue;
        }
        // The backfills are never scheduled (start-up and on demand only).
        let Some(cron) = job.schedule(&state.config.jobs) else { continue };
        if cron.trim().is_empty() {
            tracing::info!(job = name, "job not scheduled (empty schedule); it can still be run now");
            continue;
        }
        let schedule = cron.to_string();
        let (st, kind, cron) = (state.clone(), job.kind(), schedule.clone());
        let task = CronJob::new_async(schedule.as_str(), move |_id, _sched| {
            let (st, kind, cron) = (st.clone(), kind.clone(), cron.clone());
            Box::pin(async move {
                let Some(slot) = slot_for(&cron, Utc::now()) else { return };
                if let Err(e) = super::runner::run_slot_then_dependents(&st, kind, &slot).await {
                    tracing::error!(error = %e, "cannot record a job run");
                }
            })
        })?;
        sched.add(task).await?;
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
    fn every_scheduled_job_has_a_schedule_that_parses_and_the_backfills_have_none() {
        let config = crate::config::Config::builtin().unwrap();
        for job in Job::ALL {
            match job.schedule(&config.jobs) {
                Some(cron) => assert!(next_run(cron, at("2026-11-28T07:00:00Z")).is_some(), "{}: {cron}", job.name()),
                None => assert!(matches!(job, Job::Backfill | Job::VentureBackfill), "{}", job.name()),
            }
        }
        let cron = Job::MacroSeries.schedule(&config.jobs).unwrap();
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
