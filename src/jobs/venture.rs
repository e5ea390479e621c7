//! The venture jobs, wired to the runner: `vc_sync`, `ipo_monitor` and `venture_backfill`
//! walk EDGAR's daily indexes (`venture::sync`); `funding_tracker` recomputes the funding
//! aggregates and notable flags (`venture::tracker`). Also `quarry vc-backfill`, the
//! backfill in the foreground with a progress bar.
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::{NaiveDate, Utc};
use indicatif::{ProgressBar, ProgressStyle};

use super::commodity::JobKind;
use super::runner::{acquire, execute, finish, JobContext, JobOutcome, Progress};
use crate::config::Config;
use crate::venture::sync::{self, Sink};

impl Sink for JobContext {
    async fn report(&self, p: Progress) {
        JobContext::report(self, p).await
    }
}

pub async fn run(ctx: &JobContext, kind: &JobKind) -> anyhow::Result<JobOutcome> {
    let state = &ctx.state;
    let (db, edgar) = (&state.db, &state.sources.edgar);
    let notable = state.config.venture.notable_round_usd;
    let recent = sync::recent_days(Utc::now().date_naive(), sync::RECENT_DAYS);
    match kind {
        JobKind::VcSync => sync::vc_sync(db, edgar, &recent, notable, ctx).await,
        JobKind::IpoMonitor => sync::ipo_monitor(db, edgar, &recent, ctx).await,
        JobKind::VentureBackfill { from, to } => sync::backfill(db, edgar, *from, *to, notable, ctx).await,
        JobKind::FundingTracker => {
            let t = crate::venture::tracker::run(db, notable, Utc::now()).await?;
            tracing::info!(months = t.months, rows = t.rows, notable = t.notable, "funding aggregates recomputed");
            Ok(JobOutcome { items: t.months, rows_written: t.rows, failures: vec![] })
        }
        other => anyhow::bail!("{} is not a venture job", other.name()),
    }
}

/// `quarry vc-backfill --from --to`: the venture backfill in the foreground. Ctrl-C stops
/// it; every filing already stored stays (each is its own transaction), and the same
/// command resumes, skipping them.
pub async fn run_cli(config: Config, from: NaiveDate, to: NaiveDate) -> anyhow::Result<()> {
    anyhow::ensure!(from <= to, "--from {from} is after --to {to}");
    // Say so before migrating anything: no EDGAR call may go out without it.
    crate::sources::edgar::check_user_agent(&config.sources.edgar_user_agent).map_err(|e| anyhow::anyhow!(e))?;
    let state = crate::server::prepare(config).await?;
    let slot = format!("manual:{}", Utc::now().format("%Y-%m-%dT%H:%M:%S%.3fZ"));
    let run_id = acquire(&state.db, "venture_backfill", &slot, Utc::now())
        .await?
        .context("a venture backfill with this slot is already running")?;

    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} days  {msg}")
            .expect("valid template"),
    );
    bar.enable_steady_tick(Duration::from_millis(200));
    let b = bar.clone();
    let on_progress = Arc::new(move |p: &Progress| {
        b.set_length(p.total as u64);
        b.set_position(p.done as u64);
        b.set_message(format!("{} rows  {}", p.rows, p.current));
    });

    let started = Instant::now();
    let report = tokio::select! {
        r = execute(&state, run_id, JobKind::VentureBackfill { from, to }, Some(on_progress)) => r,
        _ = tokio::signal::ctrl_c() => {
            bar.abandon_with_message("interrupted");
            finish(&state.db, run_id, "interrupted", 0, Some("interrupted by the operator".into())).await?;
            eprintln!("venture backfill interrupted: stored filings are kept; run the same command again to resume");
            std::process::exit(130);
        }
    };
    bar.finish_and_clear();
    let days = sync::days_between(from, to).len();
    println!(
        "venture backfill {}: {days} days from {from} to {to}, {} filings looked at, {} rows written in {:.1} s",
        report.status,
        report.outcome.items.saturating_sub(days),
        report.outcome.rows_written,
        started.elapsed().as_secs_f64()
    );
    if let Some(e) = &report.error {
        eprintln!("{e}");
    }
    match report.status {
        "succeeded" => Ok(()),
        status => anyhow::bail!("venture backfill {status}"),
    }
}
