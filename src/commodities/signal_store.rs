//! The `signals` table: storing computed rows and keeping them current. A series whose
//! stored history is unchanged is extended from its last row (new days only); one whose
//! history changed (a revision, a backfill, demo rows replaced), or whose rows were computed
//! under an older definition of the indicators (`signals::DEFINITION_VERSION`), is
//! recomputed in full. Both paths give the same rows (the signals module guarantees it, the
//! tests check it here).
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

use super::changes::{percent_change, Period};
use super::signals::{self, Cross, SignalRow, Stance};
use crate::db::entities::{observations, signals as table};
use crate::universe::Frequency;

/// Rows per INSERT: 27 bound values a row stays under SQLite's 32766 and PostgreSQL's 65535.
const CHUNK: usize = 500;

/// How a refresh brought a series' signals up to date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refresh {
    /// Nothing new since the last run.
    Unchanged,
    /// New days appended to the stored rows.
    Extended(usize),
    /// Every row recomputed: first run, or the stored history changed.
    Recomputed(usize),
}

impl Refresh {
    pub fn rows(self) -> usize {
        match self {
            Refresh::Unchanged => 0,
            Refresh::Extended(n) | Refresh::Recomputed(n) => n,
        }
    }
}

fn to_active(series_id: i32, r: &SignalRow, computed_at: DateTime<Utc>) -> table::ActiveModel {
    table::ActiveModel {
        series_id: Set(series_id),
        date: Set(r.date),
        close: Set(r.close),
        sma20: Set(r.sma20),
        sma50: Set(r.sma50),
        sma200: Set(r.sma200),
        ema12: Set(r.ema12),
        ema26: Set(r.ema26),
        macd: Set(r.macd),
        macd_signal: Set(r.macd_signal),
        macd_hist: Set(r.macd_hist),
        rsi14: Set(r.rsi14),
        roc_1w: Set(r.roc_1w),
        roc_1m: Set(r.roc_1m),
        roc_3m: Set(r.roc_3m),
        roc_1y: Set(r.roc_1y),
        high_52w: Set(r.high_52w),
        low_52w: Set(r.low_52w),
        pct_from_high: Set(r.pct_from_high),
        pct_from_low: Set(r.pct_from_low),
        vol_20d: Set(r.vol_20d),
        zscore_1y: Set(r.zscore_1y),
        cross: Set(r.cross.map(|c| c.as_str().to_string())),
        stance: Set(r.stance.as_str().to_string()),
        // The carry state keeps its floats as bit patterns, so JSON text loses nothing.
        state: Set(serde_json::to_string(&r.state).expect("carry state serializes")),
        computed_at: Set(computed_at),
        ..Default::default()
    }
}

/// A stored row back as the signals module's row.
pub fn from_model(m: table::Model) -> Result<SignalRow, DbErr> {
    let bad = |what: &str| DbErr::Custom(format!("signals row {} of series {}: bad {what}", m.date, m.series_id));
    let cross = match m.cross.as_deref() {
        None => None,
        Some("golden") => Some(Cross::Golden),
        Some("death") => Some(Cross::Death),
        Some(_) => return Err(bad("cross")),
    };
    let stance = match m.stance.as_str() {
        "bullish" => Stance::Bullish,
        "neutral" => Stance::Neutral,
        "bearish" => Stance::Bearish,
        _ => return Err(bad("stance")),
    };
    let state = serde_json::from_str(&m.state).map_err(|_| bad("state"))?;
    Ok(SignalRow {
        date: m.date,
        close: m.close,
        sma20: m.sma20,
        sma50: m.sma50,
        sma200: m.sma200,
        ema12: m.ema12,
        ema26: m.ema26,
        macd: m.macd,
        macd_signal: m.macd_signal,
        macd_hist: m.macd_hist,
        rsi14: m.rsi14,
        roc_1w: m.roc_1w,
        roc_1m: m.roc_1m,
        roc_3m: m.roc_3m,
        roc_1y: m.roc_1y,
        high_52w: m.high_52w,
        low_52w: m.low_52w,
        pct_from_high: m.pct_from_high,
        pct_from_low: m.pct_from_low,
        vol_20d: m.vol_20d,
        zscore_1y: m.zscore_1y,
        cross,
        stance,
        state,
    })
}

/// Every stored signals row of a series, oldest first.
pub async fn rows(db: &impl ConnectionTrait, series_id: i32) -> Result<Vec<SignalRow>, DbErr> {
    table::Entity::find()
        .filter(table::Column::SeriesId.eq(series_id))
        .order_by_asc(table::Column::Date)
        .all(db)
        .await?
        .into_iter()
        .map(from_model)
        .collect()
}

async fn observations_where(
    db: &impl ConnectionTrait,
    series_id: i32,
    after: Option<NaiveDate>,
    up_to: Option<NaiveDate>,
) -> Result<Vec<(NaiveDate, f64)>, DbErr> {
    let mut q = observations::Entity::find()
        .select_only()
        .column(observations::Column::Date)
        .column(observations::Column::Value)
        .filter(observations::Column::SeriesId.eq(series_id));
    if let Some(a) = after {
        q = q.filter(observations::Column::Date.gt(a));
    }
    if let Some(u) = up_to {
        q = q.filter(observations::Column::Date.lte(u));
    }
    q.order_by_asc(observations::Column::Date).into_tuple().all(db).await
}

/// Brings one series' signals up to date with its observations.
pub async fn refresh(
    db: &DatabaseConnection,
    series_id: i32,
    frequency: Frequency,
    now: DateTime<Utc>,
) -> Result<Refresh, DbErr> {
    let last = table::Entity::find()
        .filter(table::Column::SeriesId.eq(series_id))
        .order_by_desc(table::Column::Date)
        .one(db)
        .await?;
    if let Some(last) = last {
        let (last_date, computed_at) = (last.date, last.computed_at);
        let last = from_model(last)?;
        // The stored history is as it was when the rows were computed: no row written since
        // (a revision or a backfill) and none removed (demo rows replaced by real data).
        let rewritten = observations::Entity::find()
            .filter(observations::Column::SeriesId.eq(series_id))
            .filter(observations::Column::Date.lte(last_date))
            .filter(observations::Column::FetchedAt.gt(computed_at))
            .count(db)
            .await?;
        let held = observations::Entity::find()
            .filter(observations::Column::SeriesId.eq(series_id))
            .filter(observations::Column::Date.lte(last_date))
            .count(db)
            .await?;
        // Rows of an older definition are recomputed once, even with nothing new: they
        // would show figures the other pages no longer agree with.
        let current = last.state.definition == signals::DEFINITION_VERSION;
        if current && rewritten == 0 && held == last.state.count {
            let new = observations_where(db, series_id, Some(last_date), None).await?;
            if new.is_empty() {
                return Ok(Refresh::Unchanged);
            }
            let mut history = observations_where(db, series_id, None, Some(last_date)).await?;
            history.drain(..signals::history_start(&history, new[0].0));
            let rows = signals::extend(&history, &last, &new, frequency);
            write(db, series_id, &rows, now, false).await?;
            return Ok(Refresh::Extended(rows.len()));
        }
    }
    let all = observations_where(db, series_id, None, None).await?;
    let rows = signals::compute(&all, frequency);
    write(db, series_id, &rows, now, true).await?;
    Ok(Refresh::Recomputed(rows.len()))
}

async fn write(
    db: &DatabaseConnection,
    series_id: i32,
    rows: &[SignalRow],
    now: DateTime<Utc>,
    replace: bool,
) -> Result<(), DbErr> {
    let txn = crate::db::begin_write(db).await?;
    if replace {
        table::Entity::delete_many().filter(table::Column::SeriesId.eq(series_id)).exec(&txn).await?;
    }
    for chunk in rows.chunks(CHUNK) {
        table::Entity::insert_many(chunk.iter().map(|r| to_active(series_id, r, now)))
            .exec_without_returning(&txn)
            .await?;
    }
    txn.commit().await
}

/// Every instrument's latest signals (optionally one group's, or one stance's), with the
/// dates of its last golden and death crosses.
pub async fn latest(
    db: &impl ConnectionTrait,
    universe: &crate::universe::Universe,
    group: Option<&str>,
    stance: Option<Stance>,
) -> Result<Vec<super::model::SignalSummary>, DbErr> {
    latest_in(db, universe, group.map_or(super::service::Scope::All, super::service::Scope::Group), stance).await
}

/// The latest signals of the instruments in `scope`.
pub async fn latest_in(
    db: &impl ConnectionTrait,
    universe: &crate::universe::Universe,
    scope: super::service::Scope<'_>,
    stance: Option<Stance>,
) -> Result<Vec<super::model::SignalSummary>, DbErr> {
    use super::model::SignalSummary;
    use super::signals::{applies, Indicator};
    let ids = crate::series::series_ids(db).await?;
    let mut out = Vec::new();
    for inst in universe.instruments.iter().filter(|i| scope.includes(i)) {
        let Some(&id) = ids.get(&inst.slug) else { continue };
        let Some(last) = table::Entity::find()
            .filter(table::Column::SeriesId.eq(id))
            .order_by_desc(table::Column::Date)
            .one(db)
            .await?
        else {
            continue;
        };
        let row = from_model(last)?;
        if stance.is_some_and(|s| s != row.stance) {
            continue;
        }
        let crosses: Vec<(Option<String>, Option<NaiveDate>)> = table::Entity::find()
            .select_only()
            .column(table::Column::Cross)
            .column_as(table::Column::Date.max(), "last")
            .filter(table::Column::SeriesId.eq(id))
            .filter(table::Column::Cross.is_not_null())
            .group_by(table::Column::Cross)
            .into_tuple()
            .all(db)
            .await?;
        let last_cross = |kind: &str| crosses.iter().find(|(c, _)| c.as_deref() == Some(kind)).and_then(|(_, d)| *d);
        let source: Option<String> = observations::Entity::find()
            .select_only()
            .column(observations::Column::Source)
            .filter(observations::Column::SeriesId.eq(id))
            .filter(observations::Column::Date.eq(row.date))
            .into_tuple()
            .one(db)
            .await?;
        let previous: Option<(NaiveDate, f64)> = table::Entity::find()
            .select_only()
            .column(table::Column::Date)
            .column(table::Column::Close)
            .filter(table::Column::SeriesId.eq(id))
            .filter(table::Column::Date.lt(row.date))
            .order_by_desc(table::Column::Date)
            .into_tuple()
            .one(db)
            .await?;
        // A 1-day change reads only the observation before the last, so these two are enough.
        let last_two: Vec<(NaiveDate, f64)> = previous.into_iter().chain([(row.date, row.close)]).collect();
        let change_1d = percent_change(&last_two, inst.frequency, Period::Day);
        let numeric = Indicator::ALL.into_iter().filter(|i| *i != Indicator::Cross);
        out.push(SignalSummary {
            slug: inst.slug.clone(),
            name: inst.name.clone(),
            group: inst.group.clone(),
            unit: inst.unit.clone(),
            frequency: inst.frequency,
            source,
            date: row.date,
            close: row.close,
            change_1d,
            values: numeric.map(|i| (i.as_str().to_string(), row.value(i))).collect(),
            cross: row.cross,
            last_golden_cross: last_cross("golden"),
            last_death_cross: last_cross("death"),
            stance: row.stance,
            not_applicable: Indicator::ALL
                .into_iter()
                .filter(|i| !applies(*i, inst.frequency))
                .map(|i| i.as_str().to_string())
                .collect(),
        });
    }
    Ok(out)
}
