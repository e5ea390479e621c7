//! `quarry check`, `quarry backup FILE` and `quarry restore FILE`: the database's
//! invariants, and a copy of it to keep or to go back to (`db::check`, `db::backup`).
use std::path::Path;

use anyhow::Context;

use crate::config::Config;
use crate::db::check::Report;
use crate::startup::prepare;

/// Prints every check; fails when one does.
pub async fn check(config: Config) -> anyhow::Result<()> {
    let state = prepare(config).await?;
    let report = crate::db::check::check(&state.db).await.context("reading the database")?;
    print(&report);
    ended(&report)
}

fn print(report: &Report) {
    for f in &report.findings {
        println!("{:<5} {}: {}", if f.ok { "ok" } else { "FAIL" }, f.check, f.detail);
    }
    for note in &report.notes {
        println!("note  {note}");
    }
}

fn ended(report: &Report) -> anyhow::Result<()> {
    let n = report.findings.len();
    match report.failed() {
        0 => {
            println!("check passed: {n} checks");
            Ok(())
        }
        failed => anyhow::bail!("check failed: {failed} of {n} checks"),
    }
}

pub async fn backup(config: Config, to: &Path) -> anyhow::Result<()> {
    // Said before connecting: a PostgreSQL database is not even migrated by this command.
    anyhow::ensure!(config.is_sqlite(), crate::db::backup::POSTGRES_GUIDANCE);
    let state = prepare(config).await?;
    let bytes = crate::db::backup::backup(&state.db, to).await?;
    println!("backup written to {} ({bytes} bytes), checked sound; restore it with quarry restore", to.display());
    Ok(())
}

/// Restores, then migrates the restored database to this build's schema and checks it.
pub async fn restore(config: Config, from: &Path) -> anyhow::Result<()> {
    anyhow::ensure!(config.is_sqlite(), crate::db::backup::POSTGRES_GUIDANCE);
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ").to_string();
    let restored = crate::db::backup::restore(&config.database_url, from, &stamp).await?;
    for aside in &restored.moved_aside {
        println!("the replaced database file is kept as {}", aside.display());
    }
    let state = prepare(config).await.context("opening the restored database")?;
    let report = crate::db::check::check(&state.db).await.context("checking the restored database")?;
    println!("restored from {}", from.display());
    print(&report);
    ended(&report)
}
