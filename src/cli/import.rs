//! `quarry import FILE [--dry-run]`: prints the summary per table, or every error (then
//! fails, having written nothing).
use std::path::Path;

use anyhow::Context;
use chrono::Utc;

use crate::state::AppState;
use crate::venture::import_write::{import, refresh_tracker, ImportError};

/// The file's bytes, read before start-up so a wrong path costs no migration.
pub fn read(path: &Path) -> anyhow::Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))
}

pub async fn run(state: &AppState, path: &Path, bytes: &[u8], dry_run: bool) -> anyhow::Result<()> {
    let notable = state.config.venture.notable_round_usd;
    let now = Utc::now();
    let started = std::time::Instant::now();
    match import(&state.db, &path.display().to_string(), bytes, dry_run, now).await {
        Ok(mut report) => {
            let seconds = started.elapsed().as_secs_f64();
            refresh_tracker(&state.db, &mut report, notable, now).await;
            for l in report.lines() {
                println!("{l}");
            }
            // Parse, resolve and write, without start-up and the aggregates' refresh.
            println!(
                "{} rows ({} bytes) in {seconds:.2} s: {:.0} rows/s",
                report.rows,
                bytes.len(),
                report.rows as f64 / seconds.max(1e-9)
            );
            Ok(())
        }
        Err(ImportError::Invalid { file, errors }) => {
            for e in &errors {
                eprintln!("{e}");
            }
            anyhow::bail!("{}", ImportError::Invalid { file, errors })
        }
        Err(e) => Err(e.into()),
    }
}
