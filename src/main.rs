use std::process::ExitCode;

use clap::Parser;
use quarry::cli::Cli;
use quarry::config::Config;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::load() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("quarry: {e}");
            return ExitCode::from(2);
        }
    };
    // The backfill command draws a progress bar on stderr; per-series log lines would break
    // it, so it logs warnings only unless a level was asked for explicitly.
    let command = cli.command();
    let quiet = command.draws_progress_bar() && std::env::var_os("QUARRY_LOG").is_none();
    init_tracing(if quiet { "warn" } else { &config.log }, &config.log_format);
    // One TLS crypto provider for every HTTPS client (reqwest, sqlx): ring.
    let _ = rustls::crypto::ring::default_provider().install_default();
    if let Some(file) = &config.loaded_from {
        tracing::info!(file = %file.display(), "configuration loaded");
    }

    let result = quarry::cli::run(command, config).await;
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("quarry: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_tracing(default_filter: &str, format: &str) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_filter));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if format == "json" {
        builder.json().init();
    } else {
        builder.init();
    }
}
