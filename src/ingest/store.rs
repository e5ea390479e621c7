//! Writing a validated batch: one transaction per series, idempotent upserts.
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, OnConflict};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter};

use crate::db::entities::observations;
use crate::sources::Point;
use crate::universe::DEMO_SOURCE;

/// Rows per INSERT: 7 bound values a row stays far below SQLite's and PostgreSQL's limits.
const CHUNK: usize = 1000;

/// What one write did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Written {
    /// Rows inserted or changed (a revised value, or a row taken over from a lower-priority
    /// source). Rows that already held the same value are not counted.
    pub rows: u64,
    /// Generated demo rows this series lost to real data.
    pub demo_rows_removed: u64,
}

/// Upserts `points` for one series in a single transaction, so a failure writes nothing.
///
/// `source` may overwrite a stored row only when that row came from `source` itself (a
/// revision) or from one of `overridable` (sources ranked below it for this instrument);
/// a fallback never overwrites its betters' data. Real data removes the series' demo rows.
pub async fn upsert_series(
    db: &DatabaseConnection,
    series_id: i32,
    source: &str,
    overridable: &[String],
    points: &[Point],
    fetched_at: DateTime<Utc>,
) -> Result<Written, DbErr> {
    let txn = crate::db::begin_write(db).await?;
    let mut written = Written::default();
    if source != DEMO_SOURCE {
        written.demo_rows_removed = observations::Entity::delete_many()
            .filter(observations::Column::SeriesId.eq(series_id))
            .filter(observations::Column::Source.eq(DEMO_SOURCE))
            .exec(&txn)
            .await?
            .rows_affected;
    }
    let mut may_replace: Vec<String> = overridable.to_vec();
    may_replace.push(source.to_string());
    for chunk in points.chunks(CHUNK) {
        let rows = chunk.iter().map(|p| observations::ActiveModel {
            series_id: Set(series_id),
            date: Set(p.date),
            value: Set(p.value),
            source: Set(source.to_string()),
            fetched_at: Set(fetched_at),
            ..Default::default()
        });
        written.rows += observations::Entity::insert_many(rows)
            .on_conflict(upsert_rule(&may_replace))
            .exec_without_returning(&txn)
            .await?;
    }
    txn.commit().await?;
    crate::series::kept::invalidate();
    Ok(written)
}

/// ON CONFLICT (series_id, date) DO UPDATE ... WHERE the stored row may be replaced and
/// differs from the incoming one: an unchanged re-fetch updates nothing and counts 0 rows.
fn upsert_rule(may_replace: &[String]) -> OnConflict {
    let stored = |c: observations::Column| Expr::col((observations::Entity, c));
    let incoming = |c: observations::Column| Expr::col((Alias::new("excluded"), c));
    let differs = stored(observations::Column::Value)
        .ne(incoming(observations::Column::Value))
        .or(stored(observations::Column::Source).ne(incoming(observations::Column::Source)));
    let allowed = stored(observations::Column::Source).is_in(may_replace.iter().cloned());
    OnConflict::columns([observations::Column::SeriesId, observations::Column::Date])
        .update_columns([observations::Column::Value, observations::Column::Source, observations::Column::FetchedAt])
        .action_and_where(allowed.and(differs))
        .to_owned()
}

/// The newest date of a series held from a real (non-demo) source.
pub async fn latest_real_date(db: &impl ConnectionTrait, series_id: i32) -> Result<Option<NaiveDate>, DbErr> {
    real_date_bound(db, series_id, observations::Column::Date.max()).await
}

/// The oldest date of a series held from a real source.
pub async fn earliest_real_date(db: &impl ConnectionTrait, series_id: i32) -> Result<Option<NaiveDate>, DbErr> {
    real_date_bound(db, series_id, observations::Column::Date.min()).await
}

async fn real_date_bound(
    db: &impl ConnectionTrait,
    series_id: i32,
    aggregate: sea_orm::sea_query::SimpleExpr,
) -> Result<Option<NaiveDate>, DbErr> {
    use sea_orm::QuerySelect;
    let row: Option<Option<NaiveDate>> = observations::Entity::find()
        .select_only()
        .column_as(aggregate, "bound")
        .filter(observations::Column::SeriesId.eq(series_id))
        .filter(observations::Column::Source.ne(DEMO_SOURCE))
        .into_tuple()
        .one(db)
        .await?;
    Ok(row.flatten())
}
