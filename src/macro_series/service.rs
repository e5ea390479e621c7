//! Macro series queries (server only). Reads go by slug and work for a series of any kind,
//! so a chart can put a commodity (gold, copper) beside a macro series (the real yield).
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect};

use super::model::{MacroSeriesEntry, MacroSeriesList};
use crate::commodities::model::{judge, Freshness, DEMO_NOTICE};
use crate::db::entities::series;
use crate::series::{latest_failures, observations_between};
use crate::universe::{source_label, Instrument, Universe};

/// The id of the series with this slug, of any kind.
pub async fn series_id(db: &impl ConnectionTrait, slug: &str) -> Result<Option<i32>, DbErr> {
    series::Entity::find()
        .select_only()
        .column(series::Column::Id)
        .filter(series::Column::Slug.eq(slug))
        .into_tuple()
        .one(db)
        .await
}

/// The observations of the series `slug` (of any kind) between two dates, both inclusive
/// and either open, oldest first, each with its source (`fred`, `demo`, ...). Empty when no
/// series has this slug.
pub async fn observations(
    db: &impl ConnectionTrait,
    slug: &str,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<Vec<(NaiveDate, f64, String)>, DbErr> {
    match series_id(db, slug).await? {
        Some(id) => observations_between(db, id, from, to).await,
        None => Ok(Vec::new()),
    }
}

/// The newest observation of the series `slug` (of any kind), with its source; `None`
/// when the series has none or no series has this slug.
pub async fn latest(db: &impl ConnectionTrait, slug: &str) -> Result<Option<(NaiveDate, f64, String)>, DbErr> {
    let Some(id) = series_id(db, slug).await? else { return Ok(None) };
    latest_of(db, id).await
}

async fn latest_of(db: &impl ConnectionTrait, series_id: i32) -> Result<Option<(NaiveDate, f64, String)>, DbErr> {
    Ok(crate::series::newest_observations(db, series_id, 1).await?.pop())
}

/// Every macro series of the universe, in universe order, with its newest observation.
pub async fn list(
    db: &impl ConnectionTrait,
    universe: &Universe,
    now: DateTime<Utc>,
) -> Result<MacroSeriesList, DbErr> {
    let failures = latest_failures(db).await?;
    let demo = crate::series::demo_latest(db).await?;
    let demo_day = demo.values().max().copied();
    let today = now.date_naive();
    let mut entries = Vec::with_capacity(universe.macros.len());
    for m in &universe.macros {
        let id = series_id(db, &m.slug).await?;
        let last = match id {
            Some(id) => latest_of(db, id).await?,
            None => None,
        };
        let failure = id.and_then(|id| failures.get(&id)).map(|(e, at)| (e.as_str(), *at));
        let demo_as_of = id.filter(|id| demo.contains_key(id)).and(demo_day);
        let judged = judge(m.frequency, last.as_ref().map(|(d, _, _)| *d), today, failure, demo_as_of);
        entries.push(entry(m, last, judged));
    }
    let demo = entries.iter().any(MacroSeriesEntry::is_demo);
    Ok(MacroSeriesList { generated_at: now, demo, notice: demo.then(|| DEMO_NOTICE.to_string()), series: entries })
}

fn entry(
    m: &Instrument,
    last: Option<(NaiveDate, f64, String)>,
    (freshness, stale_reason): (Freshness, Option<String>),
) -> MacroSeriesEntry {
    let primary = &m.sources[0];
    let (as_of, last_value, source) = match last {
        Some((d, v, s)) => (Some(d), Some(v), Some(s)),
        None => (None, None, None),
    };
    MacroSeriesEntry {
        slug: m.slug.clone(),
        name: m.name.clone(),
        unit: m.unit.clone(),
        frequency: m.frequency,
        note: m.note.clone(),
        provider: primary.provider.as_str().to_string(),
        provider_code: primary.code.clone(),
        licence: primary.provider.licence().to_string(),
        last_value,
        as_of,
        source_label: source.as_deref().map(|s| source_label(s).to_string()),
        source,
        stale: stale_reason.is_some(),
        stale_reason,
        freshness,
    }
}

/// The macro series that are stale, with the reason (for the jobs page's health list).
pub async fn stale_series(
    db: &impl ConnectionTrait,
    universe: &Universe,
    now: DateTime<Utc>,
) -> Result<Vec<(String, String, String)>, DbErr> {
    Ok(list(db, universe, now)
        .await?
        .series
        .into_iter()
        .filter_map(|e| Some((e.slug, e.name, e.stale_reason?)))
        .collect())
}
