//! Series and their observations: the queries every domain reads prices and macro series
//! through (commodities, charts, liquidity, venture, jobs, demo), and the one write that
//! keeps the `series` table in step with the universe. Observation writes belong to
//! ingestion (`ingest::store`). Server only.
pub mod kept;

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::IntoCondition;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Select,
};

use crate::db::entities::{observations, series, series_health};
use crate::universe::{Universe, DEMO_SOURCE};

/// Makes the `series` table match the universe: one row per instrument (kind `commodity`)
/// and per macro series (kind `macro`, group `macro`), keyed by slug; `position` is the
/// order within its kind. Series removed from the universe keep their rows and history.
/// Returns how many series the universe has.
pub async fn sync_universe(db: &impl ConnectionTrait, universe: &Universe) -> Result<usize, DbErr> {
    let commodities = universe.instruments.iter().enumerate().map(|(i, inst)| ("commodity", i, inst));
    let macros = universe.macros.iter().enumerate().map(|(i, inst)| ("macro", i, inst));
    for (kind, position, inst) in commodities.chain(macros) {
        let primary = &inst.sources[0];
        let row = series::ActiveModel {
            kind: Set(kind.into()),
            slug: Set(inst.slug.clone()),
            name: Set(inst.name.clone()),
            group_slug: Set(inst.group.clone()),
            unit: Set(inst.unit.clone()),
            frequency: Set(inst.frequency.as_str().into()),
            provider: Set(primary.provider.as_str().into()),
            provider_code: Set(primary.code.clone()),
            is_proxy: Set(inst.is_proxy),
            licence: Set(primary.provider.licence().into()),
            position: Set(position as i32),
            ..Default::default()
        };
        series::Entity::insert(row)
            .on_conflict(
                OnConflict::column(series::Column::Slug)
                    .update_columns([
                        series::Column::Kind,
                        series::Column::Name,
                        series::Column::GroupSlug,
                        series::Column::Unit,
                        series::Column::Frequency,
                        series::Column::Provider,
                        series::Column::ProviderCode,
                        series::Column::IsProxy,
                        series::Column::Licence,
                        series::Column::Position,
                    ])
                    .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
    }
    Ok(universe.instruments.len() + universe.macros.len())
}

/// Slug -> series id for every series in the database.
pub async fn series_ids(db: &impl ConnectionTrait) -> Result<HashMap<String, i32>, DbErr> {
    let rows: Vec<(i32, String)> = series::Entity::find()
        .select_only()
        .column(series::Column::Id)
        .column(series::Column::Slug)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|(id, slug)| (slug, id)).collect())
}

/// The newest observation date of every instrument and macro series that has one.
pub async fn latest_dates(db: &impl ConnectionTrait) -> Result<HashMap<i32, NaiveDate>, DbErr> {
    newest_per_series(db, "").await
}

/// The series that hold demo rows, with the newest demo day of each. Demo and real rows
/// never share a series, so these are the series whose figures are generated; the newest
/// day over all of them is the demo's own as-of date.
pub async fn demo_latest(db: &impl ConnectionTrait) -> Result<HashMap<i32, NaiveDate>, DbErr> {
    newest_per_series(db, &format!(" AND o.source = '{DEMO_SOURCE}'")).await
}

/// The newest date per instrument and macro series, one index seek each. A GROUP BY over
/// the observations reads every row of the table: 0.9 s (and 1.5 s with the source
/// filter, which no index covers) at 7.5 million rows, against 0.5 ms this way
/// (scripts/bench.sh at 100x, docs/performance.md).
async fn newest_per_series(db: &impl ConnectionTrait, and: &str) -> Result<HashMap<i32, NaiveDate>, DbErr> {
    let sql = format!(
        "SELECT s.id AS id, (SELECT MAX(o.date) FROM observations o WHERE o.series_id = s.id{and}) AS newest \
         FROM series s WHERE s.kind IN ('commodity', 'macro')"
    );
    let rows = db.query_all_raw(sea_orm::Statement::from_string(db.get_database_backend(), sql)).await?;
    let mut out = HashMap::with_capacity(rows.len());
    for r in rows {
        if let Some(d) = r.try_get::<Option<NaiveDate>>("", "newest")? {
            out.insert(r.try_get::<i32>("", "id")?, d);
        }
    }
    Ok(out)
}

/// The newest `n` observations of one series, newest first, with source.
pub async fn newest_observations(
    db: &impl ConnectionTrait,
    series_id: i32,
    n: u64,
) -> Result<Vec<(NaiveDate, f64, String)>, DbErr> {
    rows_of(series_id).order_by_desc(observations::Column::Date).limit(n).into_tuple().all(db).await
}

/// Observations of one series between two dates (either open), oldest first, with source.
pub async fn observations_between(
    db: &impl ConnectionTrait,
    series_id: i32,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<Vec<(NaiveDate, f64, String)>, DbErr> {
    let mut q = rows_of(series_id);
    if let Some(f) = from {
        q = q.filter(observations::Column::Date.gte(f));
    }
    if let Some(t) = to {
        q = q.filter(observations::Column::Date.lte(t));
    }
    q.order_by_asc(observations::Column::Date).into_tuple().all(db).await
}

/// One series' observations as (date, value, source), unordered: the shape every reader
/// of a history asks for.
fn rows_of(series_id: i32) -> Select<observations::Entity> {
    observations::Entity::find()
        .select_only()
        .column(observations::Column::Date)
        .column(observations::Column::Value)
        .column(observations::Column::Source)
        .filter(observations::Column::SeriesId.eq(series_id))
}

/// Series whose latest refresh failed on every source: the reason and when.
pub async fn latest_failures(db: &impl ConnectionTrait) -> Result<HashMap<i32, (String, DateTime<Utc>)>, DbErr> {
    let rows = series_health::Entity::find().filter(series_health::Column::LastError.is_not_null()).all(db).await?;
    Ok(rows.into_iter().filter_map(|r| r.last_error.map(|e| (r.series_id, (e, r.last_attempt_at)))).collect())
}

/// `true` when any stored observation is generated demo data.
pub async fn has_demo_data(db: &impl ConnectionTrait) -> Result<bool, DbErr> {
    any_observation(db, observations::Column::Source.eq(DEMO_SOURCE)).await
}

/// `true` when one series holds any observation that is not demo data.
pub async fn has_real_data(db: &impl ConnectionTrait, series_id: i32) -> Result<bool, DbErr> {
    let cond = Condition::all()
        .add(observations::Column::SeriesId.eq(series_id))
        .add(observations::Column::Source.ne(DEMO_SOURCE));
    any_observation(db, cond).await
}

async fn any_observation(db: &impl ConnectionTrait, cond: impl IntoCondition) -> Result<bool, DbErr> {
    let row = observations::Entity::find()
        .select_only()
        .column(observations::Column::Id)
        .filter(cond)
        .limit(1)
        .into_tuple::<i64>()
        .one(db)
        .await?;
    Ok(row.is_some())
}
