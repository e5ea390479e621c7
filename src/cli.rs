//! The `quarry` command line.
use clap::{Parser, Subcommand};

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

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Migrate the database, sync the universe, start the jobs and serve the web app (default).
    Serve {
        /// Fill series that have no real data with generated demo history (same as QUARRY_DEMO=1).
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending database migrations, sync the universe into `series`, and exit.
    Migrate,
}

impl Cli {
    pub fn command(&self) -> Command {
        match &self.command {
            Some(Command::Serve { demo }) => Command::Serve { demo: *demo },
            Some(Command::Migrate) => Command::Migrate,
            None => Command::Serve { demo: false },
        }
    }
}
