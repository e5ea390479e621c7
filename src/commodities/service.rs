//! Commodity queries and writes (server only).
use std::collections::HashMap;

use chrono::{DateTime, Months, NaiveDate, Utc};
use sea_orm::sea_query::IntoCondition;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::changes::{percent_change, reach, sparkline_window, Period};
use super::model::{judge, Overview, OverviewEntry, DEMO_NOTICE};
use crate::db::entities::{observations, series, series_health};
use crate::universe::{source_label, Frequency, Universe, DEMO_SOURCE};

const SPARKLINE_POINTS: usize = 60;

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

/// Observations of one series from `from` on, oldest first, with their source.
pub async fn observations_since(
    db: &impl ConnectionTrait,
    series_id: i32,
    from: NaiveDate,
) -> Result<Vec<(NaiveDate, f64, String)>, DbErr> {
    observations::Entity::find()
        .select_only()
        .column(observations::Column::Date)
        .column(observations::Column::Value)
        .column(observations::Column::Source)
        .filter(observations::Column::SeriesId.eq(series_id))
        .filter(observations::Column::Date.gte(from))
        .order_by_asc(observations::Column::Date)
        .into_tuple()
        .all(db)
        .await
}

/// The newest `n` observations of one series, newest first, with source.
pub async fn newest_observations(
    db: &impl ConnectionTrait,
    series_id: i32,
    n: u64,
) -> Result<Vec<(NaiveDate, f64, String)>, DbErr> {
    observations::Entity::find()
        .select_only()
        .column(observations::Column::Date)
        .column(observations::Column::Value)
        .column(observations::Column::Source)
        .filter(observations::Column::SeriesId.eq(series_id))
        .order_by_desc(observations::Column::Date)
        .limit(n)
        .into_tuple()
        .all(db)
        .await
}

/// Observations of one series between two dates (either open), oldest first, with source.
pub async fn observations_between(
    db: &impl ConnectionTrait,
    series_id: i32,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<Vec<(NaiveDate, f64, String)>, DbErr> {
    let mut q = observations::Entity::find()
        .select_only()
        .column(observations::Column::Date)
        .column(observations::Column::Value)
        .column(observations::Column::Source)
        .filter(observations::Column::SeriesId.eq(series_id));
    if let Some(f) = from {
        q = q.filter(observations::Column::Date.gte(f));
    }
    if let Some(t) = to {
        q = q.filter(observations::Column::Date.lte(t));
    }
    q.order_by_asc(observations::Column::Date).into_tuple().all(db).await
}

/// The commodities overview: every instrument of the universe (or of one group), in
/// universe order, with what the database holds for it.
pub async fn overview(
    db: &impl ConnectionTrait,
    universe: &Universe,
    group: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Overview, DbErr> {
    overview_in(db, universe, group.map_or(Scope::All, Scope::Group), now).await
}

/// Which instruments a query covers: all, one group, or one instrument (the detail answer
/// asks for one, and should not pay for its whole group).
#[derive(Debug, Clone, Copy)]
pub enum Scope<'a> {
    All,
    Group(&'a str),
    Instrument(&'a str),
}

impl Scope<'_> {
    pub fn includes(&self, inst: &crate::universe::Instrument) -> bool {
        match self {
            Scope::All => true,
            Scope::Group(g) => inst.group == *g,
            Scope::Instrument(s) => inst.slug == *s,
        }
    }
}

/// The overview of the instruments in `scope`.
pub async fn overview_in(
    db: &impl ConnectionTrait,
    universe: &Universe,
    scope: Scope<'_>,
    now: DateTime<Utc>,
) -> Result<Overview, DbErr> {
    let ids = series_ids(db).await?;
    let latest = latest_dates(db).await?;
    let failures = latest_failures(db).await?;
    let demo = demo_latest(db).await?;
    let demo_day = demo.values().max().copied();
    let today = now.date_naive();
    let mut instruments = Vec::new();
    for inst in universe.instruments.iter().filter(|i| scope.includes(i)) {
        let mut entry = OverviewEntry::without_data(inst);
        let last_date = ids.get(&inst.slug).and_then(|id| latest.get(id).map(|d| (*id, *d)));
        if let Some((id, last_date)) = last_date {
            // Every observation a change can read, and the sparkline's span (ten years of an
            // annual series).
            let months = if inst.frequency == Frequency::Annual { 120 } else { 12 };
            let spark_from = last_date.checked_sub_months(Months::new(months)).unwrap_or(NaiveDate::MIN);
            let from = reach(last_date).min(spark_from);
            let rows = observations_since(db, id, from).await?;
            let points: Vec<(NaiveDate, f64)> = rows.iter().map(|(d, v, _)| (*d, *v)).collect();
            if let Some((d, v, src)) = rows.last() {
                entry.last_value = Some(*v);
                entry.as_of = Some(*d);
                entry.source_label = Some(source_label(src).to_string());
                entry.source = Some(src.clone());
            }
            entry.change_1d = percent_change(&points, inst.frequency, Period::Day);
            entry.change_1m = percent_change(&points, inst.frequency, Period::Month);
            entry.change_1y = percent_change(&points, inst.frequency, Period::Year);
            let spark = sparkline_window(&points, inst.frequency, SPARKLINE_POINTS);
            entry.sparkline_from = spark.first().map(|(d, _)| *d);
            entry.sparkline = spark.into_iter().map(|(_, v)| v).collect();
        }
        let failure = ids.get(&inst.slug).and_then(|id| failures.get(id)).map(|(e, at)| (e.as_str(), *at));
        let demo_as_of = ids.get(&inst.slug).filter(|id| demo.contains_key(id)).and(demo_day);
        (entry.freshness, entry.stale_reason) = judge(inst.frequency, entry.as_of, today, failure, demo_as_of);
        entry.stale = entry.stale_reason.is_some();
        instruments.push(entry);
    }
    let demo = instruments.iter().any(|e| e.is_demo());
    Ok(Overview {
        generated_at: now,
        demo,
        notice: demo.then(|| DEMO_NOTICE.to_string()),
        offline_notice: None,
        groups: universe
            .groups
            .iter()
            .filter(|g| match scope {
                Scope::All => true,
                Scope::Group(s) => g.slug == s,
                Scope::Instrument(_) => instruments.iter().any(|e| e.group == g.slug),
            })
            .cloned()
            .collect(),
        instruments,
    })
}

/// Every instrument that is stale, with the reason: three small queries, none of them over
/// the observations' history (the jobs page asks this, not for the whole overview).
pub async fn stale_instruments(
    db: &impl ConnectionTrait,
    universe: &Universe,
    now: DateTime<Utc>,
) -> Result<Vec<(String, String, String)>, DbErr> {
    let ids = series_ids(db).await?;
    let latest = latest_dates(db).await?;
    let failures = latest_failures(db).await?;
    let demo = demo_latest(db).await?;
    let demo_day = demo.values().max().copied();
    let today = now.date_naive();
    Ok(universe
        .instruments
        .iter()
        .filter_map(|inst| {
            let id = ids.get(&inst.slug)?;
            let failure = failures.get(id).map(|(e, at)| (e.as_str(), *at));
            let demo_as_of = demo.contains_key(id).then_some(demo_day).flatten();
            let (_, reason) = judge(inst.frequency, latest.get(id).copied(), today, failure, demo_as_of);
            let reason = reason?;
            Some((inst.slug.clone(), inst.name.clone(), reason))
        })
        .collect())
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
