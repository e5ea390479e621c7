//! The benchmark's database: the demo data, WTI's daily history carried back to 1986 so
//! a 40-year history can be asked for, and at SCALE > 1 the observation table grown
//! SCALE times by generated copies of every series. Everything it writes is generated and
//! labelled so (source `demo`; the copies are series of kind `bench`, which no page lists
//! as an instrument). Deterministic: the same SCALE gives the same rows. Not part of the
//! product; `scripts/bench.sh` runs it. The venture tables grow with
//! `examples/venture_bench.rs`.
//!
//!     DATABASE_URL=... QUARRY_DATA_DIR=... bench_data SCALE

#[cfg(not(feature = "ssr"))]
fn main() {
    eprintln!("bench_data needs the server build: cargo run --release --features ssr --example bench_data");
    std::process::exit(2);
}

#[cfg(feature = "ssr")]
#[tokio::main]
async fn main() -> anyhow::Result<()> {
    bench::main().await
}

#[cfg(feature = "ssr")]
#[path = "support/rng.rs"]
mod rng;

#[cfg(feature = "ssr")]
mod bench {
    use std::time::Instant;

    use anyhow::{bail, Context};
    use chrono::{Datelike, NaiveDate, Utc, Weekday};
    use quarry::db::entities::observations;
    use quarry::universe::DEMO_SOURCE;
    use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait, Set, Statement};

    use super::rng::Rng;

    /// The first day of the 40-year history (FRED's WTI series starts on 1986-01-02).
    const FORTY_YEARS_FROM: (i32, u32, u32) = (1986, 1, 2);
    /// The series whose history is carried back.
    const LONG_SERIES: &str = "wti";

    pub async fn main() -> anyhow::Result<()> {
        let scale: usize = match std::env::args().nth(1) {
            Some(s) => s.parse().with_context(|| format!("SCALE must be a whole number, not '{s}'"))?,
            None => 1,
        };
        if scale == 0 {
            bail!("SCALE must be at least 1");
        }
        let config = quarry::config::Config::load().context("configuration")?;
        let state = quarry::startup::prepare(config).await?;
        let db = &state.db;

        let started = Instant::now();
        let long = extend_back(db, &state.universe).await?;
        // Seeds the demo rows (from 2010) and computes every series' signals over the whole
        // history, the older rows included.
        quarry::startup::refresh_demo(&state, true).await?;
        println!(
            "demo data with {LONG_SERIES} from 1986 ({long} rows before 2010): {:.1} s",
            started.elapsed().as_secs_f64()
        );

        if scale > 1 {
            let started = Instant::now();
            let copied = grow(db, scale).await?;
            println!("{scale}x: {copied} generated observations added in {:.1} s", started.elapsed().as_secs_f64());
        }
        let total = scalar(db, "SELECT COUNT(*) FROM observations").await?;
        let rounds = scalar(db, "SELECT COUNT(*) FROM funding_rounds").await?;
        println!("observations: {total}; funding rounds: {rounds}");
        Ok(())
    }

    /// Writes WTI's business days from 1986 up to where its demo history begins, as a
    /// random walk run backwards from the demo's first value (2% daily volatility, kept
    /// within $10-$150, the range WTI actually traded in over those years).
    async fn extend_back(db: &DatabaseConnection, universe: &quarry::universe::Universe) -> anyhow::Result<usize> {
        let inst = universe.instruments.iter().find(|i| i.slug == LONG_SERIES).context("wti is not in the universe")?;
        let ids = quarry::series::series_ids(db).await?;
        let id = *ids.get(LONG_SERIES).context("wti has no series row")?;
        let demo = quarry::demo::generate_for(inst, Utc::now().date_naive());
        let &(first_day, first_value) = demo.first().context("no demo history for wti")?;
        let (y, m, d) = FORTY_YEARS_FROM;
        let from = NaiveDate::from_ymd_opt(y, m, d).expect("valid date");

        let mut rng = Rng(0x40_7ea2);
        let mut value = first_value;
        let mut points = Vec::new();
        let mut day = first_day.pred_opt().expect("valid date");
        while day >= from {
            if !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
                value = (value * (0.02 * rng.normal()).exp()).clamp(10.0, 150.0);
                points.push((day, (value * 100.0).round() / 100.0));
            }
            day = day.pred_opt().expect("valid date");
        }
        let now = Utc::now();
        for chunk in points.chunks(1000) {
            let rows = chunk.iter().map(|&(date, value)| observations::ActiveModel {
                series_id: Set(id),
                date: Set(date),
                value: Set(value),
                source: Set(DEMO_SOURCE.to_string()),
                fetched_at: Set(now),
                ..Default::default()
            });
            observations::Entity::insert_many(rows)
                .on_conflict_do_nothing_on([observations::Column::SeriesId, observations::Column::Date])
                .exec_without_returning(db)
                .await?;
        }
        Ok(points.len())
    }

    /// Adds SCALE - 1 generated copies of every instrument and macro series (kind `bench`,
    /// slug `bench-<slug>-<k>`) with copies of their observations, so the observation
    /// table and its index are SCALE times the demo's while the pages read the same rows.
    async fn grow(db: &DatabaseConnection, scale: usize) -> anyhow::Result<i64> {
        let before = scalar(db, "SELECT COUNT(*) FROM observations").await?;
        for k in 1..scale {
            db.execute_unprepared(&format!(
                "INSERT INTO series (kind, slug, name, group_slug, unit, frequency, provider, provider_code, is_proxy, licence, position) \
                 SELECT 'bench', 'bench-' || slug || '-{k}', 'Generated copy {k} of ' || name, group_slug, unit, frequency, \
                 'demo', slug, is_proxy, licence, position FROM series WHERE kind IN ('commodity', 'macro')"
            ))
            .await?;
            db.execute_unprepared(
                "INSERT INTO observations (series_id, date, value, source, fetched_at) \
                 SELECT b.id, o.date, o.value, o.source, o.fetched_at FROM series b \
                 JOIN series s ON s.slug = b.provider_code AND s.kind IN ('commodity', 'macro') \
                 JOIN observations o ON o.series_id = s.id \
                 WHERE b.kind = 'bench' AND NOT EXISTS (SELECT 1 FROM observations x WHERE x.series_id = b.id)",
            )
            .await?;
            eprint!("\r{} / {} copies", k, scale - 1);
        }
        eprintln!();
        if db.get_database_backend() == sea_orm::DbBackend::Postgres {
            db.execute_unprepared("ANALYZE").await?;
        }
        Ok(scalar(db, "SELECT COUNT(*) FROM observations").await? - before)
    }

    async fn scalar(db: &DatabaseConnection, sql: &str) -> anyhow::Result<i64> {
        let row = db.query_one_raw(Statement::from_string(db.get_database_backend(), sql)).await?;
        Ok(row.map(|r| r.try_get_by_index::<i64>(0)).transpose()?.unwrap_or(0))
    }
}
