//! A chaos upstream for `scripts/chaos.sh`: every source Quarry's jobs fetch (LBMA, FRED,
//! EIA, Yahoo, USGS, the World Bank Pink Sheet, SEC EDGAR), in their real formats, where
//! each request gets, drawn from a seeded generator, a good answer, a 500, a 429 with
//! `Retry-After`, an HTML page with status 200, a body cut short mid-row, a body trickled
//! past the client's timeout, or a reset connection. Not part of the product.
//!
//!     chaos serve --port P [--seed S] [--today YYYY-MM-DD] [--years N] [--good PERCENT] [--drip-secs N]
//!     chaos journal DB       journal every write to observations (after `quarry migrate`)
//!     chaos verify DB --today YYYY-MM-DD [--years N]
//!
//! `serve` prints its seed and the variables that point Quarry at it, answers
//! `GET /_chaos/stats` with what it injected (JSON, by kind and by provider), and prints
//! the same when stopped (SIGINT or SIGTERM). The seed fixes the sequence of draws; which
//! request meets which draw still depends on the order requests arrive in. `verify` checks
//! the journal and the records (see verify.rs) and exits 1 when a must-be-zero is not.
#[path = "../support/rng.rs"]
mod rng;
#[path = "../../tests/it/upstream.rs"]
#[allow(dead_code)]
mod upstream;

mod faults;
mod feeds;
mod verify;

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDate;
use quarry::universe::{parse_universe, BUILTIN_UNIVERSE};

use faults::{Chaos, Settings};
use feeds::Catalog;

fn flag<T: std::str::FromStr>(args: &[String], name: &str) -> Option<T> {
    let value = args.iter().position(|a| a == name).and_then(|i| args.get(i + 1))?;
    match value.parse() {
        Ok(v) => Some(v),
        Err(_) => {
            eprintln!("chaos: {name} {value} is not valid");
            std::process::exit(2);
        }
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let today = || flag::<NaiveDate>(&args, "--today").unwrap_or_else(|| chrono::Utc::now().date_naive());
    let years = flag(&args, "--years").unwrap_or(1);
    let result = match (args.first().map(String::as_str), args.get(1)) {
        (Some("serve"), _) => serve(&args, today(), years).await,
        (Some("journal"), Some(db)) => verify::install(db).await.map(|()| true),
        (Some("verify"), Some(db)) => verify::verify(db, today(), years).await.map(|f| {
            verify::print(&f);
            f.passed()
        }),
        _ => {
            eprintln!(
                "usage: chaos serve --port P [--seed S] [--today D] | chaos journal DB | chaos verify DB --today D"
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("chaos: {e:#}");
            ExitCode::from(2)
        }
    }
}

async fn serve(args: &[String], today: NaiveDate, years: u32) -> anyhow::Result<bool> {
    let port: u16 = flag(args, "--port").unwrap_or(0);
    let seed = flag(args, "--seed").unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(1, |d| d.as_nanos() as u64)
    });
    let settings = Settings {
        good_percent: flag(args, "--good").unwrap_or(40),
        drip: Duration::from_secs(flag(args, "--drip-secs").unwrap_or(10)),
    };
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    let uri = format!("http://{}", listener.local_addr()?);
    let universe = parse_universe("built-in", BUILTIN_UNIVERSE)?;
    let catalog = Catalog::new(&universe, today, years, &uri);
    println!(
        "chaos: {uri}, seed {seed} (again: --seed {seed}), today {today}, {}% good answers, drips over {} s",
        settings.good_percent,
        settings.drip.as_secs()
    );
    // Shell words: the script `eval`s these lines (the EDGAR User-Agent holds spaces).
    for (k, v) in upstream::env_for(&uri) {
        println!("export {k}='{}'", v.replace('\'', "'\\''"));
    }
    let chaos = Arc::new(Chaos::new(catalog, settings, seed));
    let accept = {
        let chaos = chaos.clone();
        async move {
            loop {
                match listener.accept().await {
                    Ok((stream, _)) => {
                        tokio::spawn(faults::handle(stream, chaos.clone()));
                    }
                    Err(e) => eprintln!("chaos: accept: {e}"),
                }
            }
        }
    };
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    tokio::select! {
        () = accept => {}
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
    let by_kind = chaos.by_kind();
    let total: u64 = by_kind.values().sum();
    let line = |m: &std::collections::BTreeMap<&str, u64>| {
        faults::Kind::ALL
            .iter()
            .map(|k| format!("{} {}", k.name(), m.get(k.name()).unwrap_or(&0)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    println!("chaos: {total} source requests answered: {}", line(&by_kind));
    for (provider, counts) in chaos.counts() {
        println!("    {provider}: {}", line(&counts));
    }
    println!("chaos stats: {}", serde_json::json!({ "seed": seed, "by_kind": by_kind, "by_provider": chaos.counts() }));
    Ok(true)
}
