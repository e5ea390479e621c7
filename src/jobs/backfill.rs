//! `quarry backfill`: the backfill job in the foreground, with a progress bar. Ctrl-C
//! stops it cleanly: the series being loaded is rolled back, finished ones stay, and the
//! next run picks up where this one stopped.
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::{NaiveDate, Utc};
use indicatif::{ProgressBar, ProgressStyle};

use super::commodity::JobKind;
use super::runner::{acquire, execute, finish, Progress};
use crate::config::Config;

pub async fn run_cli(config: Config, series: Option<String>, from: Option<NaiveDate>) -> anyhow::Result<()> {
    let state = crate::server::prepare(config).await?;
    if let Some(slug) = &series {
        if state.universe.series(slug).is_none() {
            let known: Vec<_> = state.universe.all_series().map(|i| i.slug.as_str()).collect();
            anyhow::bail!("unknown series '{slug}'; known: {}", known.join(", "));
        }
    }
    let slot = format!("manual:{}", Utc::now().format("%Y-%m-%dT%H:%M:%S%.3fZ"));
    let run_id = acquire(&state.db, "backfill", &slot, Utc::now())
        .await?
        .context("a backfill with this slot is already running")?;

    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} series  {msg}")
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
    let kind = JobKind::Backfill { series, from };
    let report = tokio::select! {
        r = execute(&state, run_id, kind, Some(on_progress)) => r,
        _ = tokio::signal::ctrl_c() => {
            bar.abandon_with_message("interrupted");
            finish(&state.db, run_id, "interrupted", 0, Some("interrupted by the operator".into())).await?;
            eprintln!("backfill interrupted: finished series are kept; run the same command again to resume");
            std::process::exit(130);
        }
    };
    bar.finish_and_clear();
    let secs = started.elapsed().as_secs_f64();
    let rows = report.outcome.rows_written;
    println!(
        "backfill {}: {} series, {rows} rows written in {secs:.1} s ({:.0} rows/s)",
        report.status,
        report.outcome.items,
        rows as f64 / secs.max(1e-9)
    );
    if let Some(e) = &report.error {
        eprintln!("{e}");
    }
    match report.status {
        "succeeded" => Ok(()),
        status => anyhow::bail!("backfill {status}"),
    }
}
