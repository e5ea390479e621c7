//! `quarry backfill` and `quarry vc-backfill`: a backfill job in the foreground with a
//! progress bar, through one runner. Ctrl-C stops it cleanly: what is being loaded is
//! rolled back, what is finished stays, and the same command resumes.
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::{NaiveDate, Utc};
use indicatif::{ProgressBar, ProgressStyle};

use crate::config::Config;
use crate::db::lease::{acquire, finish};
use crate::jobs::kind::JobKind;
use crate::jobs::model::Progress;
use crate::jobs::runner::{execute, RunReport};
use crate::state::AppState;

/// What the runner says about one kind of backfill.
struct Words {
    /// "backfill", "venture backfill": the run in messages.
    job: &'static str,
    /// What the progress bar counts.
    unit: &'static str,
    /// What an interrupt keeps.
    kept: &'static str,
}

/// `quarry backfill [--series] [--from]`.
pub async fn series(state: &AppState, series: Option<String>, from: Option<NaiveDate>) -> anyhow::Result<()> {
    if let Some(slug) = &series {
        if state.universe.series(slug).is_none() {
            let known: Vec<_> = state.universe.all_series().map(|i| i.slug.as_str()).collect();
            anyhow::bail!("unknown series '{slug}'; known: {}", known.join(", "));
        }
    }
    let words = Words { job: "backfill", unit: "series", kept: "finished series are kept" };
    let started = Instant::now();
    let report = in_foreground(state, JobKind::Backfill { series, from }, &words).await?;
    let secs = started.elapsed().as_secs_f64();
    let rows = report.outcome.rows_written;
    println!(
        "backfill {}: {} series, {rows} rows written in {secs:.1} s ({:.0} rows/s)",
        report.status,
        report.outcome.items,
        rows as f64 / secs.max(1e-9)
    );
    ended(&report, &words)
}

/// What `quarry vc-backfill` checks before the database is touched.
pub fn check_venture(config: &Config, from: NaiveDate, to: NaiveDate) -> anyhow::Result<()> {
    anyhow::ensure!(from <= to, "--from {from} is after --to {to}");
    crate::sources::edgar::check_user_agent(&config.sources.edgar_user_agent).map_err(|e| anyhow::anyhow!(e))?;
    Ok(())
}

/// `quarry vc-backfill --from --to`. Every filing already stored stays (each is its own
/// transaction), and the same command resumes, skipping them.
pub async fn venture(state: &AppState, from: NaiveDate, to: NaiveDate) -> anyhow::Result<()> {
    let words = Words { job: "venture backfill", unit: "days", kept: "stored filings are kept" };
    let started = Instant::now();
    let report = in_foreground(state, JobKind::VentureBackfill { from, to }, &words).await?;
    let days = crate::ingest::edgar::days_between(from, to).len();
    println!(
        "venture backfill {}: {days} days from {from} to {to}, {} filings looked at, {} rows written in {:.1} s",
        report.status,
        report.outcome.items.saturating_sub(days),
        report.outcome.rows_written,
        started.elapsed().as_secs_f64()
    );
    ended(&report, &words)
}

/// Runs `kind` under a manual slot with a progress bar until it ends; Ctrl-C records the
/// run as interrupted and exits with 130.
async fn in_foreground(state: &AppState, kind: JobKind, words: &Words) -> anyhow::Result<RunReport> {
    // A backfill killed outright (kill -9, a power cut) left its run "running": this one
    // takes over, so that record is closed as the server would close it at start.
    let closed = crate::db::lease::close_abandoned_runs(&state.db).await?;
    if closed > 0 {
        eprintln!("closed {closed} run(s) left running by a process that died");
    }
    let slot = format!("manual:{}", Utc::now().format("%Y-%m-%dT%H:%M:%S%.3fZ"));
    let run_id = acquire(&state.db, kind.name(), &slot, Utc::now())
        .await?
        .with_context(|| format!("a {} with this slot is already running", words.job))?;

    let bar = ProgressBar::new(0);
    let template = format!("{{spinner}} [{{elapsed_precise}}] {{bar:30}} {{pos}}/{{len}} {}  {{msg}}", words.unit);
    bar.set_style(ProgressStyle::with_template(&template).expect("valid template"));
    bar.enable_steady_tick(Duration::from_millis(200));
    let b = bar.clone();
    let on_progress = Arc::new(move |p: &Progress| {
        b.set_length(p.total as u64);
        b.set_position(p.done as u64);
        b.set_message(format!("{} rows  {}", p.rows, p.current));
    });

    let report = tokio::select! {
        r = execute(state, run_id, kind, Some(on_progress)) => r,
        _ = tokio::signal::ctrl_c() => {
            bar.abandon_with_message("interrupted");
            finish(&state.db, run_id, "interrupted", 0, Some("interrupted by the operator".into())).await?;
            eprintln!("{} interrupted: {}; run the same command again to resume", words.job, words.kept);
            std::process::exit(130);
        }
    };
    bar.finish_and_clear();
    Ok(report)
}

/// The run's error, if any, on stderr; success only when every item succeeded.
fn ended(report: &RunReport, words: &Words) -> anyhow::Result<()> {
    if let Some(e) = &report.error {
        eprintln!("{e}");
    }
    match report.status {
        "succeeded" => Ok(()),
        status => anyhow::bail!("{} {status}", words.job),
    }
}
