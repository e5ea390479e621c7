//! Reading the job_runs record and the health of feeds and series.
use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::kind::Job;
use super::model::{FailureGroup, FailurePage, FeedHealth, Health, JobRunView, JobView, StaleSeries};
use super::scheduler::next_run;
use crate::config::JobsConfig;
use crate::db::entities::job_runs;
use crate::sources::Sources;
use crate::universe::{Provider, Universe};

const RECENT_RUNS: u64 = 5;

fn run_view(r: job_runs::Model) -> JobRunView {
    let duration_secs = r.finished_at.map(|f| (f - r.started_at).num_milliseconds() as f64 / 1000.0);
    JobRunView {
        slot: r.slot,
        started_at: r.started_at,
        finished_at: r.finished_at,
        status: r.status,
        rows_written: r.rows_written,
        error: r.error,
        progress: r.progress,
        duration_secs,
    }
}

pub async fn list_jobs(
    db: &impl ConnectionTrait,
    config: &JobsConfig,
    now: DateTime<Utc>,
) -> Result<Vec<JobView>, DbErr> {
    let mut out = Vec::new();
    for job in Job::ALL {
        let runs = job_runs::Entity::find()
            .filter(job_runs::Column::Job.eq(job.name()))
            .order_by_desc(job_runs::Column::StartedAt)
            .limit(RECENT_RUNS)
            .all(db)
            .await?;
        let schedule = job.schedule(config).unwrap_or_default();
        out.push(JobView {
            name: job.name().to_string(),
            description: job.description().to_string(),
            schedule: schedule.to_string(),
            // Every job of the list has its body in this build.
            registered: true,
            next_run: next_run(schedule, now),
            paused: None,
            recent_runs: runs.into_iter().map(run_view).collect(),
        });
    }
    Ok(out)
}

/// Demo mode: the jobs that need the network do not run, so they have no next run.
pub fn mark_paused(jobs: &mut [JobView]) {
    for j in jobs.iter_mut() {
        if super::kind::JobKind::by_name(&j.name).is_some_and(|k| k.needs_network()) {
            j.paused = Some("paused: demo mode".to_string());
            j.next_run = None;
        }
    }
}

/// Every feed of the universe (instruments and macro series) with its health, the stale
/// instruments and macro series with their reasons, and the backfill in progress.
pub async fn health(
    db: &impl ConnectionTrait,
    universe: &Universe,
    sources: &Sources,
    admin_actions: bool,
    now: DateTime<Utc>,
) -> Result<Health, DbErr> {
    let mut feeds: BTreeMap<(Provider, String), FeedHealth> = BTreeMap::new();
    for inst in universe.all_series() {
        for s in &inst.sources {
            let entry = feeds.entry((s.provider, s.code.clone())).or_insert_with(|| FeedHealth {
                unavailable: sources.unavailable(s.provider).map(str::to_string),
                ..FeedHealth::new(s.provider.as_str().to_string(), s.provider.label().to_string(), s.code.clone())
            });
            entry.instruments.push(inst.slug.clone());
        }
    }
    for h in crate::ingest::health::all_feeds(db).await? {
        let Some(provider) = Provider::parse(&h.provider) else { continue };
        if let Some(f) = feeds.get_mut(&(provider, h.code.clone())) {
            f.last_attempt_at = h.last_attempt_at;
            f.last_success_at = h.last_success_at;
            f.last_error_at = h.last_error_at;
            f.last_error = h.last_error;
            f.consecutive_failures = h.consecutive_failures;
            f.last_rows = h.last_rows;
        }
    }
    let mut stale = crate::commodities::service::stale_instruments(db, universe, now).await?;
    stale.extend(crate::macro_series::service::stale_series(db, universe, now).await?);
    let stale = stale.into_iter().map(|(slug, name, reason)| StaleSeries { slug, name, reason }).collect();
    let backfill = job_runs::Entity::find()
        .filter(job_runs::Column::Job.eq(Job::Backfill.name()))
        .filter(job_runs::Column::Status.eq("running"))
        .order_by_desc(job_runs::Column::StartedAt)
        .one(db)
        .await?
        .map(run_view);
    Ok(Health { admin_actions, feeds: feeds.into_values().collect(), stale, backfill, offline_notice: None })
}

/// Failure groups a page of the jobs page shows.
pub const FAILURE_GROUPS_PER_PAGE: u64 = 20;

/// Failed and partial runs grouped by job and short reason, newest group first, one page
/// of them. The database counts runs per (job, full error), so thousands of failed runs
/// come back as a handful of rows; the few full errors shown are read by id.
pub async fn failures(db: &impl ConnectionTrait, page: u64) -> Result<Option<FailurePage>, DbErr> {
    let rows: Vec<(String, Option<String>, i64, i64)> = job_runs::Entity::find()
        .select_only()
        .column(job_runs::Column::Job)
        .column(job_runs::Column::Error)
        .column_as(job_runs::Column::Id.count(), "n")
        .column_as(job_runs::Column::Id.max(), "newest")
        .filter(job_runs::Column::Status.is_in(["failed", "partial"]))
        .group_by(job_runs::Column::Job)
        .group_by(job_runs::Column::Error)
        .into_tuple()
        .all(db)
        .await?;
    // (job, short reason) -> (runs, newest run id)
    let mut groups: BTreeMap<(String, String), (u64, i64)> = BTreeMap::new();
    for (job, error, n, newest) in rows {
        let reason = crate::format::short_error(error.as_deref().unwrap_or("no error recorded"));
        let g = groups.entry((job, reason)).or_insert((0, newest));
        g.0 += n as u64;
        g.1 = g.1.max(newest);
    }
    let mut groups: Vec<_> = groups.into_iter().collect();
    groups.sort_by_key(|(_, (_, newest))| std::cmp::Reverse(*newest));
    let total_runs = groups.iter().map(|(_, (n, _))| n).sum();
    let pages = (groups.len() as u64).div_ceil(FAILURE_GROUPS_PER_PAGE).max(1);
    if page > pages {
        return Ok(None);
    }
    let shown: Vec<_> = groups
        .into_iter()
        .skip(((page - 1) * FAILURE_GROUPS_PER_PAGE) as usize)
        .take(FAILURE_GROUPS_PER_PAGE as usize)
        .collect();
    let ids: Vec<i64> = shown.iter().map(|(_, (_, id))| *id).collect();
    let runs: std::collections::HashMap<i64, job_runs::Model> = job_runs::Entity::find()
        .filter(job_runs::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let groups = shown
        .into_iter()
        .filter_map(|((job, reason), (count, id))| {
            let run = runs.get(&id)?;
            Some(FailureGroup {
                job,
                reason,
                count,
                latest_at: run.started_at,
                latest_error: run.error.clone().unwrap_or_default(),
            })
        })
        .collect();
    Ok(Some(FailurePage { groups, page, pages, total_runs }))
}

/// When each job's newest run that succeeded, wholly or in part, ended: one statement, and
/// for each job a walk back along `(job, started_at)` that stops at its first such run.
/// Jobs without one are left out. The job names are the code's own constants.
pub async fn last_successes(db: &impl ConnectionTrait) -> Result<Vec<(String, DateTime<Utc>)>, DbErr> {
    let jobs: Vec<String> = Job::NAMES.iter().map(|n| format!("SELECT '{n}' AS job")).collect();
    let sql = format!(
        "SELECT j.job AS job, (SELECT r.finished_at FROM job_runs r WHERE r.job = j.job \
         AND r.status IN ('succeeded', 'partial') AND r.finished_at IS NOT NULL \
         ORDER BY r.started_at DESC LIMIT 1) AS at FROM ({}) j",
        jobs.join(" UNION ALL ")
    );
    let rows = db.query_all_raw(sea_orm::Statement::from_string(db.get_database_backend(), sql)).await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        if let Some(at) = r.try_get::<Option<DateTime<Utc>>>("", "at")? {
            out.push((r.try_get::<String>("", "job")?, at));
        }
    }
    Ok(out)
}
