//! The one wrapper every job runs in: a lease on the (job, slot) row so that replicas
//! sharing a database run each slot once, a `job_runs` record with progress, a tracing
//! span, and error and panic capture so a failing job never takes the scheduler down.
use std::sync::Arc;

use chrono::Utc;
use sea_orm::{ActiveValue::Set, DbErr, EntityTrait};
use tracing::Instrument;

use super::kind::{self as jobs_kind, JobKind};
use super::model::{JobOutcome, Progress};
use crate::db::entities::job_runs;
use crate::db::lease::{acquire, finish};
use crate::state::AppState;

pub type ProgressFn = Arc<dyn Fn(&Progress) + Send + Sync>;

/// How a run ended, as recorded in its job_runs row.
#[derive(Debug, Clone, PartialEq)]
pub struct RunReport {
    pub status: &'static str,
    pub outcome: JobOutcome,
    pub error: Option<String>,
}

/// What the running job may touch.
pub struct JobContext {
    pub state: AppState,
    pub run_id: i64,
    progress: Option<ProgressFn>,
}

impl JobContext {
    /// Records progress in the job's row (the jobs page shows it) and tells the terminal.
    pub async fn report(&self, p: Progress) {
        if let Some(f) = &self.progress {
            f(&p);
        }
        let fraction = if p.total == 0 { 1.0 } else { p.done as f64 / p.total as f64 };
        let update = job_runs::ActiveModel {
            id: Set(self.run_id),
            progress: Set(Some(fraction)),
            rows_written: Set(p.rows as i64),
            ..Default::default()
        };
        if let Err(e) = job_runs::Entity::update(update).exec(&self.state.db).await {
            tracing::warn!(error = %e, "cannot record job progress");
        }
    }
}

/// Runs a job whose lease `run_id` is held, and records how it ended. Panics and errors are
/// captured into the record; the caller gets the outcome either way.
pub async fn execute(state: &AppState, run_id: i64, kind: JobKind, progress: Option<ProgressFn>) -> RunReport {
    let kind_name = kind.name();
    let span = tracing::info_span!("job", name = kind_name, run_id);
    let ctx = JobContext { state: state.clone(), run_id, progress };
    let started = std::time::Instant::now();
    // A task of its own, so that a panic inside the job is caught here; aborted when this
    // future is dropped (Ctrl-C in `quarry backfill`), which rolls back its transaction.
    let mut task = AbortOnDrop(tokio::spawn(async move { jobs_kind::run(&ctx, &kind).await }.instrument(span.clone())));
    let (status, outcome, error) = match task.await_inner().await {
        Ok(Ok(outcome)) => {
            let error = (!outcome.failures.is_empty()).then(|| outcome.failures.join("\n"));
            (outcome.status(), outcome, error)
        }
        Ok(Err(e)) => ("failed", JobOutcome::default(), Some(format!("{e:#}"))),
        Err(panic) => ("failed", JobOutcome::default(), Some(format!("the job panicked: {panic}"))),
    };
    // In the job's span through `instrument`, entered per poll: an `enter()` guard held
    // across these awaits left the span current for other work on the threads the future
    // ran on, where tracing-subscriber later panicked ("tried to clone a span that already
    // closed").
    async {
        tracing::info!(
            status,
            rows = outcome.rows_written,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "job finished"
        );
        if let Err(e) = finish(&state.db, run_id, status, outcome.rows_written, error.clone()).await {
            tracing::error!(error = %e, "cannot record the end of a job run");
        }
        crate::metrics::job_run(kind_name, status, outcome.rows_written);
        // Whatever the job wrote (rounds, aggregates, signals) may be in a kept answer or page.
        crate::series::kept::invalidate();
        // A job that stored real venture rows (vc_sync, an import) retires the venture demo.
        if let Err(e) = crate::demo::venture_store::give_way(&state.db).await {
            tracing::error!(error = %e, "cannot delete the venture demo rows now that real venture data exists");
        }
        if let Ok(demo) = crate::series::has_demo_data(&state.db).await {
            state.set_demo_active(demo);
        }
    }
    .instrument(span)
    .await;
    RunReport { status, outcome, error }
}

struct AbortOnDrop<T>(tokio::task::JoinHandle<T>);

impl<T> AbortOnDrop<T> {
    async fn await_inner(&mut self) -> Result<T, String> {
        (&mut self.0).await.map_err(|e| {
            if e.is_panic() {
                let p = e.into_panic();
                p.downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| p.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "unknown panic".into())
            } else {
                "the job was cancelled".into()
            }
        })
    }
}

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Acquires the lease for `slot` and runs the job; `None` when another run holds the slot,
/// or when the job needs the network and this is demo mode (an offline machine: the run
/// would only fail at the resolver, once a slot, and bury the record in errors).
pub async fn run_slot(state: &AppState, kind: JobKind, slot: &str) -> Result<Option<RunReport>, DbErr> {
    if state.config.demo && kind.needs_network() {
        tracing::debug!(job = kind.name(), slot, "{}", crate::config::DEMO_OFFLINE_NOTICE);
        return Ok(None);
    }
    match acquire(&state.db, kind.name(), slot, Utc::now()).await? {
        Some(run_id) => Ok(Some(execute(state, run_id, kind, None).await)),
        None => {
            tracing::info!(job = kind.name(), slot, "slot already taken by another run; skipping");
            Ok(None)
        }
    }
}

/// Runs a slot, then the work that reads what it wrote: when a price or macro job (or the
/// backfill) wrote rows, the signals now and today's pack if there is none, instead of at
/// their next clock slot (up to an hour, or a day, later). The scheduler, the start-up
/// backfill and "run now" go through here; `quarry backfill` and tests call `run_slot`.
pub async fn run_slot_then_dependents(state: &AppState, kind: JobKind, slot: &str) -> Result<Option<RunReport>, DbErr> {
    let wrote = kind.writes_observations();
    let report = run_slot(state, kind, slot).await?;
    if wrote && report.as_ref().is_some_and(|r| r.outcome.rows_written > 0) {
        run_dependents(state, slot).await?;
    }
    Ok(report)
}

/// Like `run_slot_then_dependents`, for a run whose lease is already held ("run now").
pub async fn execute_then_dependents(
    state: &AppState,
    run_id: i64,
    kind: JobKind,
    slot: &str,
) -> Result<RunReport, DbErr> {
    let wrote = kind.writes_observations();
    let report = execute(state, run_id, kind, None).await;
    if wrote && report.outcome.rows_written > 0 {
        run_dependents(state, slot).await?;
    }
    Ok(report)
}

/// The signals, then today's chart pack when none exists yet. Their slots name the run
/// that caused them (`after:<slot>`), so replicas that ran the same slot agree on them.
async fn run_dependents(state: &AppState, cause: &str) -> Result<(), DbErr> {
    let slot = format!("after:{cause}");
    run_slot(state, JobKind::CommoditySignals, &slot).await?;
    let today = Utc::now().date_naive();
    if crate::charts::pack_service::file(&state.db, &state.config.data_dir, Some(today)).await?.is_none() {
        run_slot(state, JobKind::ChartPack, &slot).await?;
    }
    Ok(())
}

/// In demo mode, makes today's chart pack from the demo data when there is none, in the
/// background, so the pack page and its PDF work minutes after the first start rather
/// than at the next 08:00 UTC.
pub fn spawn_demo_pack(state: &AppState) {
    if !state.config.demo {
        return;
    }
    let state = state.clone();
    tokio::spawn(async move {
        let today = Utc::now().date_naive();
        match crate::charts::pack_service::file(&state.db, &state.config.data_dir, Some(today)).await {
            Ok(Some(_)) => {}
            Ok(None) => {
                let slot = format!("startup:{}", Utc::now().format("%Y-%m-%dT%H:%M:%SZ"));
                if let Err(e) = run_slot(&state, JobKind::ChartPack, &slot).await {
                    tracing::error!(error = %e, "cannot record the start-up chart pack");
                }
            }
            Err(e) => tracing::error!(error = %e, "cannot look for today's chart pack"),
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_with_some_failed_items_is_partial_and_with_all_failed_is_failed() {
        let o = |items, failures: usize| JobOutcome { items, rows_written: 0, failures: vec!["x".into(); failures] };
        assert_eq!(o(3, 0).status(), "succeeded");
        assert_eq!(o(3, 1).status(), "partial");
        assert_eq!(o(3, 3).status(), "failed");
        assert_eq!(o(0, 0).status(), "succeeded");
    }
}
