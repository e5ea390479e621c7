//! Demo data for machines with no network: a deterministic, plausible history for every
//! instrument and macro series, stored with source `demo` so that every page and API
//! answer labels it, and generated venture data (companies, rounds, funds...) likewise.
//!
//! Generation is pure and lives apart from the writing: `factors` (the one factor model
//! every market moves with: common factors, stress, the calendar), `commodities` (the
//! commodities), `macro_series` (the macro series), `venture` (the venture models), `stats`
//! (figures over them); this module and `venture_store` write them. Each value depends
//! only on the series and the date, so seeding again tomorrow extends the same history
//! instead of drawing a new one.
use chrono::{NaiveDate, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, OnConflict};
use sea_orm::{ActiveValue::Set, DatabaseConnection, DbErr, EntityTrait};

use crate::db::entities::observations;
use crate::universe::{Instrument, Universe, DEMO_SOURCE, MACRO_GROUP};

pub mod commodities;
pub mod factors;
pub mod macro_series;
mod rng;
pub mod stats;
pub mod venture;
pub mod venture_store;

const CHUNK: usize = 1000;

/// What `quarry serve --demo` (and so `scripts/run.sh --demo`) prints on stdout first: the
/// URL to open and what the demo holds, so a new user knows where to look.
pub fn banner(addr: std::net::SocketAddr) -> String {
    let host = if addr.ip().is_unspecified() { "127.0.0.1".to_string() } else { addr.ip().to_string() };
    let url = format!("http://{host}:{}/", addr.port());
    format!(
        "Quarry demo: open {url} (it answers in a few seconds, once the demo data is written)

What is in the demo (generated, labelled DEMO everywhere, deterministic):
  - 21 commodities (metals, energy, AI materials, space tech), daily, monthly or annual since 2010,
    with their signals: {url}commodities/signals
  - 12 macro series (Fed balance sheet, rates, CPI, dollar, S&P 500, VIX) for the charts: {url}charts
  - the macro chart pack, made at start-up from the demo data: {url}charts/pack
  - venture capital: 60 companies, about 230 rounds, 40 investors, 8 funds, 12 acquisitions,
    15 IPO filings: {url}venture
  - the jobs and data health: {url}jobs
{notice}.
",
        notice = crate::config::DEMO_OFFLINE_NOTICE
    )
}

/// The demo history of one series of the universe: its own model for a known macro
/// series, the commodity model for everything else.
pub fn generate_for(inst: &Instrument, end: NaiveDate) -> Vec<(NaiveDate, f64)> {
    if inst.group == MACRO_GROUP {
        if let Some(points) = macro_series::generate(&inst.slug, inst.frequency, end) {
            return points;
        }
    }
    commodities::generate(&inst.slug, inst.frequency, end)
}

/// Fills every series (instruments and macro series) that holds no real data with demo
/// history up to today. Series with real observations are left alone, so demo and real
/// rows never mix in one series; demo rows already present are kept when they hold the
/// current model's value and rewritten when they do not. Returns rows written.
pub async fn seed_demo(db: &DatabaseConnection, universe: &Universe) -> Result<u64, DbErr> {
    let ids = crate::series::series_ids(db).await?;
    let today = Utc::now().date_naive();
    let mut written = 0;
    for inst in universe.all_series() {
        let Some(&series_id) = ids.get(&inst.slug) else { continue };
        if crate::series::has_real_data(db, series_id).await? {
            continue;
        }
        written += write_demo_series(db, series_id, inst, today).await?;
    }
    Ok(written)
}

async fn write_demo_series(
    db: &DatabaseConnection,
    series_id: i32,
    inst: &Instrument,
    end: NaiveDate,
) -> Result<u64, DbErr> {
    let now = Utc::now();
    let points = generate_for(inst, end);
    let txn = crate::db::begin_write(db).await?;
    let mut written = 0;
    for chunk in points.chunks(CHUNK) {
        let rows = chunk.iter().map(|(date, value)| observations::ActiveModel {
            series_id: Set(series_id),
            date: Set(*date),
            value: Set(*value),
            open: Set(None),
            high: Set(None),
            low: Set(None),
            volume: Set(None),
            source: Set(DEMO_SOURCE.to_string()),
            fetched_at: Set(now),
            ..Default::default()
        });
        // A demo row that an older model wrote with another value takes the current one,
        // so a history seeded before a model change does not jump where the new rows
        // begin; a row that already holds it, or real data, is left as it is.
        let stored = |c: observations::Column| Expr::col((observations::Entity, c));
        let proposed = Expr::col((Alias::new("excluded"), observations::Column::Value));
        written += observations::Entity::insert_many(rows)
            .on_conflict(
                OnConflict::columns([observations::Column::SeriesId, observations::Column::Date])
                    .update_columns([observations::Column::Value, observations::Column::FetchedAt])
                    .action_and_where(
                        stored(observations::Column::Source)
                            .eq(DEMO_SOURCE)
                            .and(stored(observations::Column::Value).ne(proposed)),
                    )
                    .to_owned(),
            )
            .exec_without_returning(&txn)
            .await?;
    }
    txn.commit().await?;
    crate::series::kept::invalidate();
    Ok(written)
}
