//! `funding_tracker`: rounds and dollars by month, sector and stage (the `funding_monthly`
//! table the landscape reads), and the `notable` flag on rounds above a configured size.
//!
//! Both are set-based SQL, never a loop over rounds: the aggregate is one
//! `INSERT ... SELECT ... GROUP BY` that the database runs over its own rows, and the flags
//! are two `UPDATE ... WHERE` statements that touch only the rounds whose flag changes. That
//! keeps a run over a million rounds to seconds on SQLite and PostgreSQL alike.
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, DbErr, Statement, TransactionTrait, Value};

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

/// Recomputes `funding_monthly` from every round and flags the rounds whose amount sold
/// reaches `notable_usd`. Idempotent: a second run writes the same aggregates and changes
/// no flag.
pub async fn run(db: &DatabaseConnection, notable_usd: f64, now: DateTime<Utc>) -> Result<TrackerOutcome, DbErr> {
    if !(notable_usd.is_finite() && notable_usd > 0.0) {
        return Err(DbErr::Custom(format!(
            "the notable round threshold must be a positive number of dollars, not {notable_usd}"
        )));
    }
    let backend = db.get_database_backend();
    let txn = db.begin().await?;
    let rows = recompute_monthly_in(&txn, now).await?;
    let months = count(&txn, "SELECT COUNT(DISTINCT month) AS n FROM funding_monthly", vec![]).await? as usize;
    flag_notable_in(&txn, notable_usd).await?;
    txn.commit().await?;
    // Notable rounds are exactly those at or above the threshold now; the amount index
    // answers this without reading the table.
    let notable = count(
        db,
        &format!("SELECT COUNT(*) AS n FROM funding_rounds WHERE amount_sold >= {}", placeholder(backend, 1)),
        vec![notable_usd.into()],
    )
    .await?;
    Ok(TrackerOutcome { months, rows, notable })
}

/// Replaces the monthly aggregates only (no flags), in one transaction: for callers that
/// removed rounds (the demo giving way to real data) and must not leave stale months.
pub async fn recompute_monthly(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<u64, DbErr> {
    let txn = db.begin().await?;
    let rows = recompute_monthly_in(&txn, now).await?;
    txn.commit().await?;
    Ok(rows)
}

async fn recompute_monthly_in(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64, DbErr> {
    let backend = db.get_database_backend();
    db.execute_unprepared("DELETE FROM funding_monthly").await?;
    let sql = monthly_sql(backend)?;
    let res = db.execute_raw(Statement::from_sql_and_values(backend, sql, [Value::from(now)])).await?;
    Ok(res.rows_affected())
}

/// Sets `notable` where it must change, in two statements: on where it is off and the
/// amount reaches the threshold, off where it is on and the amount does not (or is unknown).
async fn flag_notable_in(db: &impl ConnectionTrait, notable_usd: f64) -> Result<u64, DbErr> {
    let backend = db.get_database_backend();
    let (p1, p2, p3) = (placeholder(backend, 1), placeholder(backend, 2), placeholder(backend, 3));
    let on = db
        .execute_raw(Statement::from_sql_and_values(
            backend,
            format!("UPDATE funding_rounds SET notable = {p1} WHERE notable = {p2} AND amount_sold >= {p3}"),
            [true.into(), false.into(), notable_usd.into()],
        ))
        .await?
        .rows_affected();
    let off = db
        .execute_raw(Statement::from_sql_and_values(
            backend,
            format!(
                "UPDATE funding_rounds SET notable = {p1} WHERE notable = {p2} AND (amount_sold IS NULL OR amount_sold < {p3})"
            ),
            [false.into(), true.into(), notable_usd.into()],
        ))
        .await?
        .rows_affected();
    Ok(on + off)
}

/// The one aggregate query, per backend: only the month truncation and the "every row is
/// demo" test differ. `$1`/`?` is the computation time.
pub fn monthly_sql(backend: DbBackend) -> Result<String, DbErr> {
    let (month, all_demo, p) = match backend {
        DbBackend::Sqlite => {
            ("date(announced_on, 'start of month')", "MIN(CASE WHEN source = 'demo' THEN 1 ELSE 0 END)", "?")
        }
        DbBackend::Postgres => ("CAST(date_trunc('month', announced_on) AS date)", "bool_and(source = 'demo')", "$1"),
        other => return Err(DbErr::Custom(format!("funding_tracker supports SQLite and PostgreSQL, not {other:?}"))),
    };
    Ok(format!(
        "INSERT INTO funding_monthly (month, sector, stage, rounds, amount_sold, rounds_with_amount, demo, computed_at) \
         SELECT {month}, sector, stage, COUNT(*), COALESCE(SUM(amount_sold), 0.0), COUNT(amount_sold), {all_demo}, {p} \
         FROM funding_rounds GROUP BY {month}, sector, stage"
    ))
}

fn placeholder(backend: DbBackend, n: usize) -> String {
    match backend {
        DbBackend::Postgres => format!("${n}"),
        _ => "?".to_string(),
    }
}

async fn count(db: &impl ConnectionTrait, sql: &str, values: Vec<Value>) -> Result<u64, DbErr> {
    let backend = db.get_database_backend();
    let row = db.query_one_raw(Statement::from_sql_and_values(backend, sql, values)).await?;
    let n: i64 = match row {
        Some(r) => r.try_get("", "n")?,
        None => 0,
    };
    Ok(n.max(0) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_month_is_truncated_the_way_each_backend_spells_it() {
        let lite = monthly_sql(DbBackend::Sqlite).unwrap();
        assert!(lite.contains("date(announced_on, 'start of month')"), "{lite}");
        assert!(lite.contains("GROUP BY date(announced_on, 'start of month'), sector, stage"), "{lite}");
        assert!(lite.ends_with("sector, stage") && lite.contains(", ? FROM"), "{lite}");
        let pg = monthly_sql(DbBackend::Postgres).unwrap();
        assert!(pg.contains("CAST(date_trunc('month', announced_on) AS date)"), "{pg}");
        assert!(pg.contains("bool_and(source = 'demo')") && pg.contains("$1"), "{pg}");
        assert!(!pg.contains('?'), "{pg}");
        let err = monthly_sql(DbBackend::MySql).unwrap_err().to_string();
        assert!(err.contains("SQLite and PostgreSQL"), "{err}");
    }

    #[test]
    fn placeholders_follow_the_backend() {
        assert_eq!(placeholder(DbBackend::Postgres, 3), "$3");
        assert_eq!(placeholder(DbBackend::Sqlite, 3), "?");
    }
}
