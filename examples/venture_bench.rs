//! Landscape latency at scale: fills a database with N generated funding rounds (default
//! 1,000,000) over ten years for 50,000 companies across every sector, stage and many
//! states, runs `funding_tracker` once and times it, then times the landscape (the
//! sector × quarter heatmap over three years with the biggest rounds, and a sector
//! drill-down) and, for comparison, the same aggregation straight over the rounds. Prints
//! figures; asserts nothing. Not part of the product; `scripts/bench-venture.sh` runs it on
//! SQLite and PostgreSQL.
//!
//!     cargo run --release --features ssr --example venture_bench -- DATABASE_URL [N]
//!
//! A database that already holds N rounds is reused as it is; one that holds another
//! number of rounds has its rounds and generated companies replaced. The generated rows
//! carry source `demo`, so every page that shows them says DEMO.

#[cfg(not(feature = "ssr"))]
fn main() {
    eprintln!("venture_bench needs the server build: cargo run --release --features ssr --example venture_bench");
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
    use std::fmt::Write as _;
    use std::time::{Duration, Instant};

    use anyhow::{bail, Context};
    use chrono::{Datelike, Days, NaiveDate, SecondsFormat, Utc};
    use quarry::venture::sector::Sector;
    use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement, TransactionTrait};

    const COMPANIES: usize = 50_000;
    /// Rows per INSERT statement, and statements per transaction.
    const ROWS_PER_INSERT: usize = 1_000;
    const INSERTS_PER_TXN: usize = 50;
    const RUNS: usize = 20;

    /// (stage, weight, median dollars, log sd); `unstated` is what Form D gives.
    const STAGES: [(&str, u32, f64, f64); 10] = [
        ("unstated", 45, 3.0e6, 1.6),
        ("pre-seed", 5, 0.8e6, 0.6),
        ("seed", 15, 2.0e6, 0.6),
        ("series-a", 12, 12.0e6, 0.6),
        ("series-b", 8, 35.0e6, 0.6),
        ("series-c", 5, 80.0e6, 0.6),
        ("series-d+", 3, 200.0e6, 0.6),
        ("growth", 2, 300.0e6, 0.7),
        ("debt", 4, 20.0e6, 0.9),
        ("grant", 1, 1.5e6, 0.5),
    ];
    const STATES: [(&str, u32); 20] = [
        ("CA", 30),
        ("NY", 14),
        ("MA", 10),
        ("TX", 8),
        ("WA", 5),
        ("CO", 4),
        ("IL", 4),
        ("FL", 5),
        ("NC", 3),
        ("UT", 2),
        ("GA", 3),
        ("PA", 3),
        ("NJ", 3),
        ("MN", 2),
        ("OR", 2),
        ("VA", 2),
        ("MD", 2),
        ("OH", 2),
        ("AZ", 2),
        ("DE", 1),
    ];
    const SECTOR_WEIGHTS: [u32; 11] = [22, 10, 8, 12, 7, 6, 9, 8, 6, 8, 4];

    use super::rng::Rng;

    pub async fn main() -> anyhow::Result<()> {
        let mut args = std::env::args().skip(1);
        let url = args.next().context("usage: venture_bench DATABASE_URL [N]")?;
        let n: usize = match args.next() {
            Some(s) => s.replace('_', "").parse().with_context(|| format!("N must be a whole number, not '{s}'"))?,
            None => 1_000_000,
        };
        let db = quarry::db::connect(&url).await.with_context(|| format!("cannot connect to {url}"))?;
        quarry::db::migrate(&db).await.context("migration failed")?;
        let backend = db.get_database_backend();
        let name = match backend {
            DbBackend::Sqlite => "SQLite",
            DbBackend::Postgres => "PostgreSQL",
            _ => bail!("SQLite or PostgreSQL only"),
        };
        let today = Utc::now().date_naive();

        let have = scalar(&db, "SELECT COUNT(*) FROM funding_rounds").await? as usize;
        if have == n {
            println!("{name}: {n} rounds already present, reused");
        } else {
            let started = Instant::now();
            fill(&db, n, today).await?;
            let secs = started.elapsed().as_secs_f64();
            println!(
                "{name}: inserted {COMPANIES} companies and {n} rounds in {secs:.1} s ({:.0} rounds/s)",
                n as f64 / secs
            );
            if backend == DbBackend::Postgres {
                // What autovacuum would do shortly after a bulk load.
                db.execute_unprepared("ANALYZE").await?;
            }
        }

        // The first run after a load flags every notable round; the daily runs after it
        // find the flags right and only recompute the aggregates.
        for label in ["first run", "second run"] {
            let started = Instant::now();
            let outcome = quarry::venture::tracker::run(&db, 100e6, Utc::now()).await?;
            println!(
                "{name}: funding_tracker over {n} rounds, {label}: {} ms ({} monthly rows, {} months, {} notable rounds)",
                started.elapsed().as_millis(),
                outcome.rows,
                outcome.months,
                outcome.notable
            );
        }

        // The landscape's default view: the last twelve whole quarters.
        let this_quarter = NaiveDate::from_ymd_opt(today.year(), (today.month0() / 3) * 3 + 1, 1).expect("valid");
        let start = this_quarter.checked_sub_months(chrono::Months::new(33)).expect("valid");
        let landscape = time(RUNS, || async {
            let l = quarry::venture::service::landscape(&db, start, today, None).await?;
            anyhow::ensure!(l.total.rounds > 0 && l.biggest.len() == 10, "the landscape came back empty");
            Ok(())
        })
        .await?;
        report(name, "landscape (sector x quarter, 3 years, top 10 rounds)", &landscape);
        let drill = time(RUNS, || async {
            quarry::venture::service::landscape(&db, start, today, Some(Sector::AiSoftware)).await?;
            Ok(())
        })
        .await?;
        report(name, "landscape drill-down (one sector by stage)", &drill);
        let month = match backend {
            DbBackend::Sqlite => {
                "strftime('%Y', announced_on) || '-' || ((CAST(strftime('%m', announced_on) AS INTEGER) + 2) / 3)"
            }
            _ => "to_char(announced_on, 'YYYY-Q')",
        };
        let p = if backend == DbBackend::Postgres { ("$1", "$2") } else { ("?", "?") };
        let raw_sql = format!(
            "SELECT sector, {month} AS q, COUNT(*), SUM(amount_sold) FROM funding_rounds \
             WHERE announced_on BETWEEN {} AND {} GROUP BY sector, {month}",
            p.0, p.1
        );
        let raw = time(5, || async {
            let stmt = Statement::from_sql_and_values(backend, &raw_sql, [start.into(), today.into()]);
            let rows = db.query_all_raw(stmt).await?;
            anyhow::ensure!(!rows.is_empty(), "no rows");
            Ok(())
        })
        .await?;
        report(name, "for comparison: the same GROUP BY over funding_rounds", &raw);
        Ok(())
    }

    fn report(backend: &str, what: &str, d: &[Duration]) {
        let ms = |x: Duration| x.as_secs_f64() * 1000.0;
        let p = |q: f64| ms(d[((q * d.len() as f64).ceil() as usize).clamp(1, d.len()) - 1]);
        println!("{backend}: {what}: p50 {:.1} ms, p95 {:.1} ms over {} runs", p(0.5), p(0.95), d.len());
    }

    /// Runs `f` once to warm caches, then `runs` times; the durations, sorted.
    async fn time<F, Fut>(runs: usize, f: F) -> anyhow::Result<Vec<Duration>>
    where
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = anyhow::Result<()>>,
    {
        f().await?;
        let mut out = Vec::with_capacity(runs);
        for _ in 0..runs {
            let t = Instant::now();
            f().await?;
            out.push(t.elapsed());
        }
        out.sort();
        Ok(out)
    }

    async fn scalar(db: &DatabaseConnection, sql: &str) -> anyhow::Result<i64> {
        let row = db.query_one_raw(Statement::from_string(db.get_database_backend(), sql)).await?;
        Ok(row.map(|r| r.try_get_by_index::<i64>(0)).transpose()?.unwrap_or(0))
    }

    /// Replaces the generated data with `n` rounds, in multi-row INSERTs of literal values
    /// (no bind-parameter limits, one parse per thousand rows), batched in transactions.
    async fn fill(db: &DatabaseConnection, n: usize, today: NaiveDate) -> anyhow::Result<()> {
        let pg = db.get_database_backend() == DbBackend::Postgres;
        let (t, f) = if pg { ("TRUE", "FALSE") } else { ("1", "0") };
        let at = Utc::now().to_rfc3339_opts(SecondsFormat::Secs, false);
        db.execute_unprepared("DELETE FROM funding_monthly").await?;
        db.execute_unprepared("DELETE FROM round_investors").await?;
        db.execute_unprepared("DELETE FROM valuations").await?;
        db.execute_unprepared("DELETE FROM funding_rounds").await?;
        db.execute_unprepared("DELETE FROM companies WHERE key LIKE 'bench:%'").await?;

        let mut rng = Rng(0x00be_7c4e_0001);
        let mut companies: Vec<(&str, &str)> = Vec::with_capacity(COMPANIES);
        let txn = db.begin().await?;
        let mut sql = String::new();
        for i in 0..COMPANIES {
            let sector = Sector::ALL[rng.weighted(SECTOR_WEIGHTS.iter().copied())].slug();
            let state = STATES[rng.weighted(STATES.iter().map(|s| s.1))].0;
            companies.push((sector, state));
            if sql.is_empty() {
                sql.push_str(
                    "INSERT INTO companies (key, name, name_key, sector, state, source, source_id, fetched_at) VALUES ",
                );
            } else {
                sql.push(',');
            }
            write!(
                sql,
                "('bench:{i}', 'Bench Company {i}', 'bench company {i}', '{sector}', '{state}', 'demo', 'venture_bench', '{at}')"
            )?;
            if (i + 1) % ROWS_PER_INSERT == 0 || i + 1 == COMPANIES {
                txn.execute_unprepared(&sql).await?;
                sql.clear();
            }
        }
        txn.commit().await?;
        let first_id = scalar(db, "SELECT CAST(MIN(id) AS BIGINT) FROM companies WHERE key LIKE 'bench:%'").await?;

        let days = 3650.0;
        let mut txn = Some(db.begin().await?);
        let mut statements = 0;
        for i in 0..n {
            let c = (rng.uniform() * COMPANIES as f64) as usize % COMPANIES;
            let (sector, state) = companies[c];
            let on = today - Days::new((rng.uniform() * days) as u64);
            let (stage, _, median, sd) = STAGES[rng.weighted(STAGES.iter().map(|s| s.1))];
            let amount =
                (rng.uniform() >= 0.08).then(|| (median * (sd * rng.normal()).exp() / 1000.0).round() * 1000.0);
            let indefinite = amount.is_none() && rng.uniform() < 0.5;
            let amount_sql = amount.map(|a| format!("{a:.1}")).unwrap_or_else(|| "NULL".into());
            let form = if stage == "unstated" { "D" } else { "import" };
            if sql.is_empty() {
                sql.push_str(
                    "INSERT INTO funding_rounds (key, company_id, announced_on, first_sale_yet_to_occur, stage, sector, \
                     state, amount_offered, offering_indefinite, amount_sold, currency, form_type, notable, source, \
                     source_id, fetched_at) VALUES ",
                );
            } else {
                sql.push(',');
            }
            write!(
                sql,
                "('bench:{i}', {}, '{on}', {f}, '{stage}', '{sector}', '{state}', {}, {}, {amount_sql}, 'USD', '{form}', \
                 {f}, 'demo', 'venture_bench', '{at}')",
                first_id + c as i64,
                if indefinite { "NULL".to_string() } else { amount_sql.clone() },
                if indefinite { t } else { f },
            )?;
            if (i + 1) % ROWS_PER_INSERT == 0 || i + 1 == n {
                let tx = txn.as_ref().expect("open transaction");
                tx.execute_unprepared(&sql).await?;
                sql.clear();
                statements += 1;
                if statements % INSERTS_PER_TXN == 0 || i + 1 == n {
                    txn.take().expect("open transaction").commit().await?;
                    if i + 1 < n {
                        txn = Some(db.begin().await?);
                    }
                    eprint!("\r{} / {n} rounds", i + 1);
                }
            }
        }
        eprintln!();
        if let Some(tx) = txn {
            tx.commit().await?;
        }
        Ok(())
    }
}
