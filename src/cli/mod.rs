//! The `quarry` command line. [`run`] checks what can be checked without a database, builds
//! the state once (`crate::startup::prepare`) and hands it to the subcommand: `serve` (the
//! server), `migrate`, and the foreground commands in this folder (`backfill.rs`,
//! `pack.rs`, `import.rs`, `database.rs`).
mod admin;
pub use admin::AdminAction;
mod backfill;
mod database;
mod import;
mod pack;

use clap::{Parser, Subcommand};

use crate::config::Config;
use crate::startup::prepare;

#[derive(Debug, Parser)]
#[command(
    name = "quarry",
    version,
    about = "Self-hosted markets intelligence: commodities, venture capital, macro charts."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Migrate the database, sync the universe, start the jobs and serve the web app (default).
    Serve {
        /// Fill series that have no real data with generated demo history (same as QUARRY_DEMO=1).
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending database migrations, sync the universe into `series`, and exit.
    Migrate,
    /// Load the full available history of series that lack it, with a progress bar.
    /// Interrupt at will: finished series are kept, and running it again resumes.
    Backfill {
        /// Only this series (an instrument slug such as `gold`).
        #[arg(long)]
        series: Option<String>,
        /// Load from this date (YYYY-MM-DD) instead of the whole history; also reloads
        /// series that already hold data but not back to this date.
        #[arg(long, value_parser = parse_date)]
        from: Option<chrono::NaiveDate>,
    },
    /// Render today's macro chart pack (cover + ten pages) from the database, keep it under
    /// the data directory like the daily job does, and copy it to --out. `quarry pack` is
    /// the same command.
    #[command(visible_alias = "pack")]
    ChartPack {
        /// Also write the PDF here.
        #[arg(long)]
        out: Option<std::path::PathBuf>,
    },
    /// Walk SEC EDGAR's daily indexes from --from to --to (both included), oldest first:
    /// Form D filings to companies, funds and rounds; IPO filings; acquisitions. Days
    /// without a file (weekends, holidays) are skipped; filings already synced cost
    /// nothing, so an interrupted run resumes when run again. Needs
    /// QUARRY_SOURCES__EDGAR_USER_AGENT="Name email@example.com".
    VcBackfill {
        /// First day (YYYY-MM-DD).
        #[arg(long, value_parser = parse_date)]
        from: chrono::NaiveDate,
        /// Last day (YYYY-MM-DD).
        #[arg(long, value_parser = parse_date)]
        to: chrono::NaiveDate,
    },
    /// Import venture data EDGAR lacks (companies, rounds with their investors, acquisitions,
    /// valuations, funds, cash flows, holdings) from a CSV or JSON file, whole or not at
    /// all; every bad row is listed with its line number.
    Import {
        /// The CSV or JSON file (docs/venture.md, "Importing what EDGAR lacks", has the layout).
        file: std::path::PathBuf,
        /// Validate and count what would change, write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Check the database's invariants: integrity, references that point at nothing,
    /// non-finite values, job leases held by a process that died. Exits non-zero when one
    /// fails; series without observations are listed as a note.
    Check,
    /// Write a consistent copy of the SQLite database to FILE (a new file), while the
    /// server runs. On PostgreSQL it says how to use pg_dump instead.
    Backup {
        /// Where to write the copy; it must not exist yet.
        file: std::path::PathBuf,
    },
    /// Put a backup in place of the SQLite database (stop the server first). The replaced
    /// database is kept beside it as `<file>.before-restore-<time>`; the restored one is
    /// migrated and checked.
    Restore {
        /// A file `quarry backup` wrote.
        file: std::path::PathBuf,
    },
    /// The admin's sign-in: set the password /login asks for, hash one for
    /// QUARRY_ADMIN_PASSWORD_HASH, or sign everyone out.
    Admin {
        #[command(subcommand)]
        action: AdminAction,
    },
}

fn parse_date(s: &str) -> Result<chrono::NaiveDate, String> {
    s.parse().map_err(|_| format!("'{s}' is not a date like 2000-01-31"))
}

impl Cli {
    pub fn command(&self) -> Command {
        self.command.clone().unwrap_or(Command::Serve { demo: false })
    }
}

impl Command {
    /// The commands that draw a progress bar on stderr, which per-series log lines would
    /// break.
    pub fn draws_progress_bar(&self) -> bool {
        matches!(self, Command::Backfill { .. } | Command::VcBackfill { .. })
    }
}

/// Runs one command with the loaded configuration.
///
/// # Errors
/// Whatever stopped the command; `main` prints it and exits non-zero.
pub async fn run(command: Command, mut config: Config) -> anyhow::Result<()> {
    match command {
        Command::Serve { demo } => {
            // `--demo` and QUARRY_DEMO mean the same: the jobs read `config.demo` to know
            // that this machine is offline.
            config.demo |= demo;
            if config.demo {
                println!("{}", crate::demo::banner(config.site_addr));
            }
            crate::server::serve(prepare(config).await?).await
        }
        Command::Migrate => {
            prepare(config).await?;
            println!("database migrated and universe synced");
            Ok(())
        }
        Command::Backfill { series, from } => backfill::series(&prepare(config).await?, series, from).await,
        Command::ChartPack { out } => pack::run(&prepare(config).await?, out).await,
        Command::VcBackfill { from, to } => {
            // Said before migrating anything: no EDGAR call may go out without it.
            backfill::check_venture(&config, from, to)?;
            backfill::venture(&prepare(config).await?, from, to).await
        }
        Command::Import { file, dry_run } => {
            let bytes = import::read(&file)?;
            import::run(&prepare(config).await?, &file, &bytes, dry_run).await
        }
        Command::Check => database::check(config).await,
        Command::Backup { file } => database::backup(config, &file).await,
        Command::Restore { file } => database::restore(config, &file).await,
        Command::Admin { action } => admin::run(action, config).await,
    }
}
