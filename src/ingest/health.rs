//! The health record of feeds (provider + code) and series: written by every fetch,
//! read by the jobs page and by the stale markers.
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};

use crate::db::entities::{series_health, source_health};

/// After this many failures in a row a feed is "cooling down": tried after the healthy ones.
pub const UNHEALTHY_AFTER: i32 = 3;
/// How long a cooling-down feed is tried last before it gets first place again.
pub const COOL_DOWN_MINUTES: i64 = 30;

pub async fn feed(
    db: &impl ConnectionTrait,
    provider: &str,
    code: &str,
) -> Result<Option<source_health::Model>, DbErr> {
    source_health::Entity::find()
        .filter(source_health::Column::Provider.eq(provider))
        .filter(source_health::Column::Code.eq(code))
        .one(db)
        .await
}

pub async fn all_feeds(db: &impl ConnectionTrait) -> Result<Vec<source_health::Model>, DbErr> {
    source_health::Entity::find()
        .order_by_asc(source_health::Column::Provider)
        .order_by_asc(source_health::Column::Code)
        .all(db)
        .await
}

pub async fn all_series(db: &impl ConnectionTrait) -> Result<Vec<series_health::Model>, DbErr> {
    series_health::Entity::find().all(db).await
}

/// A feed is healthy unless it failed several times in a row recently.
pub fn is_healthy(h: Option<&source_health::Model>, now: DateTime<Utc>) -> bool {
    match h {
        Some(h) if h.consecutive_failures >= UNHEALTHY_AFTER => {
            h.last_error_at.is_none_or(|t| (now - t).num_minutes() >= COOL_DOWN_MINUTES)
        }
        _ => true,
    }
}

fn blank_feed(provider: &str, code: &str, now: DateTime<Utc>) -> source_health::ActiveModel {
    source_health::ActiveModel {
        provider: Set(provider.to_string()),
        code: Set(code.to_string()),
        last_attempt_at: Set(Some(now)),
        consecutive_failures: Set(0),
        last_rows: Set(0),
        ..Default::default()
    }
}

pub async fn feed_succeeded(
    db: &impl ConnectionTrait,
    provider: &str,
    code: &str,
    rows: u64,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    // A fetch's outcome can change what the overview says is stale.
    crate::series::kept::invalidate();
    let mut row = blank_feed(provider, code, now);
    row.last_success_at = Set(Some(now));
    row.last_rows = Set(rows as i64);
    source_health::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([source_health::Column::Provider, source_health::Column::Code])
                .update_columns([
                    source_health::Column::LastAttemptAt,
                    source_health::Column::LastSuccessAt,
                    source_health::Column::ConsecutiveFailures,
                    source_health::Column::LastRows,
                ])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Records a failed fetch from a feed, and counts it among the upstream failures.
pub async fn feed_failed(
    db: &impl ConnectionTrait,
    provider: &str,
    code: &str,
    error: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    // A fetch's outcome can change what the overview says is stale.
    crate::series::kept::invalidate();
    crate::metrics::upstream_failure(provider);
    let mut row = blank_feed(provider, code, now);
    row.last_error_at = Set(Some(now));
    row.last_error = Set(Some(error.to_string()));
    row.consecutive_failures = Set(1);
    source_health::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([source_health::Column::Provider, source_health::Column::Code])
                .update_columns([
                    source_health::Column::LastAttemptAt,
                    source_health::Column::LastErrorAt,
                    source_health::Column::LastError,
                ])
                .value(
                    source_health::Column::ConsecutiveFailures,
                    Expr::col((source_health::Entity, source_health::Column::ConsecutiveFailures)).add(1),
                )
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Records the outcome of one attempt to refresh a series: `Ok(source)` or `Err(reason)`
/// when every source failed.
pub async fn series_attempted(
    db: &impl ConnectionTrait,
    series_id: i32,
    outcome: Result<&str, &str>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    // A fetch's outcome can change what the overview says is stale.
    crate::series::kept::invalidate();
    let row = series_health::ActiveModel {
        series_id: Set(series_id),
        last_attempt_at: Set(now),
        last_success_at: Set(outcome.is_ok().then_some(now)),
        last_error: Set(outcome.err().map(str::to_string)),
        last_source: Set(outcome.ok().map(str::to_string)),
    };
    let mut update = vec![series_health::Column::LastAttemptAt, series_health::Column::LastError];
    if outcome.is_ok() {
        update.extend([series_health::Column::LastSuccessAt, series_health::Column::LastSource]);
    }
    series_health::Entity::insert(row)
        .on_conflict(OnConflict::column(series_health::Column::SeriesId).update_columns(update).to_owned())
        .exec_without_returning(db)
        .await?;
    Ok(())
}
