//! `funding_tracker`: rounds and dollars by month, sector and stage (the `funding_monthly`
//! table the landscape reads), and the `notable` flag on rounds above a configured size.
//!
//! Set-based SQL, never a loop over rounds: one `GROUP BY` scan of the rounds computes the
//! aggregates and, in the same pass, how many flags are wrong; the few thousand aggregate
//! rows replace the table in batched inserts inside one transaction; and the flags are
//! fixed by two `UPDATE ... WHERE` statements that run only when some flag must change and
//! touch only those rounds. A daily run over a million rounds is one table scan (a
//! PostgreSQL scan in parallel workers, which an `INSERT ... SELECT` would not get).
use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ActiveValue::Set, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait, Statement, Value};

use crate::db::entities::funding_monthly;

/// Aggregate rows per INSERT: 8 columns each stays far below both backends' limits on
/// bound parameters.
const BATCH: usize = 1000;

/// What a run did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TrackerOutcome {
    /// Distinct months with at least one round.
    pub months: usize,
    /// Rows of `funding_monthly` written (month × sector × stage).
    pub rows: u64,
    /// Rounds flagged notable after the run.
    pub notable: u64,
}

/// One group of the scan: the aggregate row, plus the flag counts of its rounds.
#[derive(Debug, Clone, PartialEq)]
struct Group {
    month: NaiveDate,
    sector: String,
    stage: String,
    rounds: i64,
    amount_sold: f64,
    rounds_with_amount: i64,
    demo: bool,
    /// Rounds at or above the threshold, and those whose flag is off / on wrongly.
    notable: i64,
    to_flag: i64,
    to_unflag: i64,
}

/// Recomputes `funding_monthly` from every round and flags the rounds whose amount sold
/// reaches `notable_usd` (and only those). Idempotent: a second run writes the same
/// aggregates and changes no flag.
pub async fn run(db: &DatabaseConnection, notable_usd: f64, now: DateTime<Utc>) -> Result<TrackerOutcome, DbErr> {
    check_threshold(notable_usd)?;
    let groups = scan(db, Some(notable_usd)).await?;
    let txn = crate::db::begin_write(db).await?;
    let rows = replace_monthly(&txn, &groups, now).await?;
    if groups.iter().any(|g| g.to_flag > 0) {
        set_flags(&txn, true, notable_usd).await?;
    }
    if groups.iter().any(|g| g.to_unflag > 0) {
        set_flags(&txn, false, notable_usd).await?;
    }
    txn.commit().await?;
    let months = groups.iter().map(|g| g.month).collect::<HashSet<_>>().len();
    let notable = groups.iter().map(|g| g.notable).sum::<i64>().max(0) as u64;
    Ok(TrackerOutcome { months, rows, notable })
}

/// Replaces the monthly aggregates only (no flags): for callers that removed rounds (the
/// demo giving way to real data) and must not leave stale months behind.
pub async fn recompute_monthly(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<u64, DbErr> {
    let groups = scan(db, None).await?;
    let txn = crate::db::begin_write(db).await?;
    let rows = replace_monthly(&txn, &groups, now).await?;
    txn.commit().await?;
    Ok(rows)
}

fn check_threshold(notable_usd: f64) -> Result<(), DbErr> {
    if notable_usd.is_finite() && notable_usd > 0.0 {
        Ok(())
    } else {
        Err(DbErr::Custom(format!(
            "the notable round threshold must be a positive number of dollars, not {notable_usd}"
        )))
    }
}

async fn scan(db: &impl ConnectionTrait, notable_usd: Option<f64>) -> Result<Vec<Group>, DbErr> {
    let sql = monthly_sql(db.get_database_backend(), notable_usd)?;
    let rows = db.query_all_raw(Statement::from_string(db.get_database_backend(), sql)).await?;
    rows.into_iter()
        .map(|r| {
            Ok(Group {
                month: r.try_get("", "month")?,
                sector: r.try_get("", "sector")?,
                stage: r.try_get("", "stage")?,
                rounds: r.try_get("", "rounds")?,
                amount_sold: r.try_get("", "amount_sold")?,
                rounds_with_amount: r.try_get("", "rounds_with_amount")?,
                demo: r.try_get::<i32>("", "demo")? == 1,
                notable: r.try_get::<Option<i64>>("", "notable")?.unwrap_or(0),
                to_flag: r.try_get::<Option<i64>>("", "to_flag")?.unwrap_or(0),
                to_unflag: r.try_get::<Option<i64>>("", "to_unflag")?.unwrap_or(0),
            })
        })
        .collect()
}

async fn replace_monthly(db: &impl ConnectionTrait, groups: &[Group], now: DateTime<Utc>) -> Result<u64, DbErr> {
    funding_monthly::Entity::delete_many().exec(db).await?;
    for chunk in groups.chunks(BATCH) {
        let models = chunk.iter().map(|g| funding_monthly::ActiveModel {
            month: Set(g.month),
            sector: Set(g.sector.clone()),
            stage: Set(g.stage.clone()),
            rounds: Set(g.rounds),
            amount_sold: Set(g.amount_sold),
            rounds_with_amount: Set(g.rounds_with_amount),
            demo: Set(g.demo),
            computed_at: Set(now),
        });
        funding_monthly::Entity::insert_many(models).exec_without_returning(db).await?;
    }
    Ok(groups.len() as u64)
}

/// Turns the flag on where it is off and the amount reaches the threshold, or off where it
/// is on and the amount does not (or is unknown).
async fn set_flags(db: &impl ConnectionTrait, on: bool, notable_usd: f64) -> Result<u64, DbErr> {
    let backend = db.get_database_backend();
    let (p1, p2, p3) = (placeholder(backend, 1), placeholder(backend, 2), placeholder(backend, 3));
    let range =
        if on { format!("amount_sold >= {p3}") } else { format!("(amount_sold IS NULL OR amount_sold < {p3})") };
    let sql = format!("UPDATE funding_rounds SET notable = {p1} WHERE notable = {p2} AND {range}");
    let values: [Value; 3] = [on.into(), (!on).into(), notable_usd.into()];
    Ok(db.execute_raw(Statement::from_sql_and_values(backend, sql, values)).await?.rows_affected())
}

/// The one aggregate query, per backend: only the month truncation differs. With a
/// threshold it also counts, per group, the notable rounds and the flags that are wrong
/// (the threshold is a checked, finite number, written as a literal).
pub fn monthly_sql(backend: DbBackend, notable_usd: Option<f64>) -> Result<String, DbErr> {
    let month = match backend {
        DbBackend::Sqlite => "date(announced_on, 'start of month')",
        DbBackend::Postgres => "CAST(date_trunc('month', announced_on) AS date)",
        other => return Err(DbErr::Custom(format!("funding_tracker supports SQLite and PostgreSQL, not {other:?}"))),
    };
    let flags = match notable_usd {
        Some(x) => {
            check_threshold(x)?;
            format!(
                ", SUM(CASE WHEN amount_sold >= {x:?} THEN 1 ELSE 0 END) AS notable, \
                 SUM(CASE WHEN notable = FALSE AND amount_sold >= {x:?} THEN 1 ELSE 0 END) AS to_flag, \
                 SUM(CASE WHEN notable = TRUE AND (amount_sold IS NULL OR amount_sold < {x:?}) THEN 1 ELSE 0 END) AS to_unflag"
            )
        }
        None => String::new(),
    };
    Ok(format!(
        "SELECT {month} AS month, sector, stage, COUNT(*) AS rounds, COALESCE(SUM(amount_sold), 0.0) AS amount_sold, \
         COUNT(amount_sold) AS rounds_with_amount, MIN(CASE WHEN source = 'demo' THEN 1 ELSE 0 END) AS demo{flags} \
         FROM funding_rounds GROUP BY {month}, sector, stage"
    ))
}

fn placeholder(backend: DbBackend, n: usize) -> String {
    match backend {
        DbBackend::Postgres => format!("${n}"),
        _ => "?".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_month_is_truncated_the_way_each_backend_spells_it() {
        let lite = monthly_sql(DbBackend::Sqlite, None).unwrap();
        assert!(lite.contains("SELECT date(announced_on, 'start of month') AS month"), "{lite}");
        assert!(lite.ends_with("GROUP BY date(announced_on, 'start of month'), sector, stage"), "{lite}");
        assert!(!lite.contains("to_flag"), "{lite}");
        let pg = monthly_sql(DbBackend::Postgres, Some(1e8)).unwrap();
        assert!(pg.contains("CAST(date_trunc('month', announced_on) AS date) AS month"), "{pg}");
        assert!(pg.contains("amount_sold >= 100000000.0 THEN 1 ELSE 0 END) AS to_flag"), "{pg}");
        assert!(pg.contains("amount_sold < 100000000.0) THEN 1 ELSE 0 END) AS to_unflag"), "{pg}");
        let err = monthly_sql(DbBackend::MySql, None).unwrap_err().to_string();
        assert!(err.contains("SQLite and PostgreSQL"), "{err}");
    }

    #[test]
    fn a_threshold_that_is_not_a_positive_number_is_refused() {
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            let err = monthly_sql(DbBackend::Sqlite, Some(bad)).unwrap_err().to_string();
            assert!(err.contains("positive number of dollars"), "{err}");
        }
        // A literal in the SQL, so it must print as a number SQL reads back exactly.
        assert!(monthly_sql(DbBackend::Sqlite, Some(2.5e8)).unwrap().contains(">= 250000000.0 "));
    }

    #[test]
    fn placeholders_follow_the_backend() {
        assert_eq!(placeholder(DbBackend::Postgres, 3), "$3");
        assert_eq!(placeholder(DbBackend::Sqlite, 3), "?");
    }
}
