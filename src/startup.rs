//! Bootstrap, in one place: configuration in, a ready [`AppState`] out (the universe
//! loaded, the database connected and migrated, the universe synced into `series`, the
//! sources set up). `quarry serve` and every other command (`src/cli/`) start here, as do
//! the integration tests; the domains never do, they are handed the state.
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use anyhow::Context;

use crate::config::Config;
use crate::sources::{HttpPolicy, Sources};
use crate::state::AppState;
use crate::universe::load_universe;

/// Loads the universe, connects, migrates and syncs: everything every command shares.
///
/// # Errors
/// A broken universe file, an unreachable database or a failed migration.
pub async fn prepare(config: Config) -> anyhow::Result<AppState> {
    let universe = load_universe(config.universe_file.as_deref())?;
    std::fs::create_dir_all(&config.data_dir)
        .with_context(|| format!("cannot create data directory {}", config.data_dir.display()))?;
    let db = crate::db::connect(&config.database_url)
        .await
        .with_context(|| format!("cannot open database {}", redact_url(&config.database_url)))?;
    crate::db::migrate(&db).await.context("database migration failed")?;
    let n = crate::series::sync_universe(&db, &universe).await.context("cannot sync the universe")?;
    tracing::info!(series = n, "universe synced");
    let sources =
        Sources::new(&config.sources, HttpPolicy::from_config(&config.sources)).context("cannot set up the sources")?;
    Ok(AppState {
        db,
        config: Arc::new(config),
        universe: Arc::new(universe),
        sources: Arc::new(sources),
        demo: Arc::new(AtomicBool::new(false)),
        kept: Arc::default(),
    })
}

/// Seeds demo data when asked, and records whether any is present.
pub async fn refresh_demo(state: &AppState, seed: bool) -> anyhow::Result<()> {
    if seed {
        let started = std::time::Instant::now();
        let rows = crate::demo::seed_demo(&state.db, &state.universe).await.context("demo seeding failed")?;
        tracing::info!(rows, elapsed_ms = started.elapsed().as_millis() as u64, "demo data seeded (source = demo)");
        // Signals too, so the signal pages and charts are populated from the first request
        // instead of after the job's first scheduled run.
        let ids = crate::series::series_ids(&state.db).await?;
        for inst in &state.universe.instruments {
            if let Some(&id) = ids.get(&inst.slug) {
                crate::commodities::signal_store::refresh(&state.db, id, inst.frequency, chrono::Utc::now()).await?;
            }
        }
    }
    // The venture models' demo gives way to real venture data, and is seeded only where
    // there is none.
    let venture = crate::demo::venture_store::refresh(
        &state.db,
        seed,
        chrono::Utc::now().date_naive(),
        state.config.venture.notable_round_usd,
    )
    .await
    .context("venture demo seeding failed")?;
    if venture.written() > 0 {
        tracing::info!(rows = venture.written(), "venture demo data refreshed (source = demo)");
    }
    state.set_demo_active(crate::series::has_demo_data(&state.db).await?);
    Ok(())
}

/// A database URL fit for a log line: the password, if any, replaced.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let creds = &url[scheme + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{}:***{}", &url[..scheme + 3], user, &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::redact_url;

    #[test]
    fn passwords_are_redacted_from_database_urls() {
        assert_eq!(redact_url("postgres://q:secret@db:5432/quarry"), "postgres://q:***@db:5432/quarry");
        assert_eq!(redact_url("postgres://postgres@127.0.0.1/x"), "postgres://postgres@127.0.0.1/x");
        assert_eq!(redact_url("sqlite://data/quarry.db?mode=rwc"), "sqlite://data/quarry.db?mode=rwc");
    }
}
