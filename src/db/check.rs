//! The database's invariants, as `quarry check` reports them: the file is sound (SQLite's
//! own integrity and foreign-key checks), no row points at a row that is gone, no stored
//! value is infinite, and no job lease is held by a process that died. Series without any
//! observation are listed as a note, not a failure: a backfill stopped half-way leaves
//! them, and the next one fills them.
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, DbErr, Statement};

/// Every reference between tables, (table, column, referenced table): the ones with a
/// foreign key (kept by the database, checked again after a file was copied or restored)
/// and the ones without (kept by the code alone).
pub const REFERENCES: [(&str, &str, &str); 16] = [
    ("observations", "series_id", "series"),
    ("signals", "series_id", "series"),
    ("series_health", "series_id", "series"),
    ("funding_rounds", "company_id", "companies"),
    ("round_investors", "round_id", "funding_rounds"),
    ("round_investors", "investor_id", "investors"),
    ("valuations", "company_id", "companies"),
    ("valuations", "round_id", "funding_rounds"),
    ("acquisitions", "acquirer_id", "companies"),
    ("acquisitions", "target_id", "companies"),
    ("funds", "manager_id", "investors"),
    ("fund_cash_flows", "fund_id", "funds"),
    ("fund_holdings", "fund_id", "funds"),
    ("fund_holdings", "company_id", "companies"),
    ("ipo_filings", "company_id", "companies"),
    ("ipo_events", "ipo_id", "ipo_filings"),
];

/// One invariant and whether it holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub check: &'static str,
    pub ok: bool,
    /// What was found: the count checked when it holds, every offender when not.
    pub detail: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    pub findings: Vec<Finding>,
    /// Facts worth knowing that break nothing.
    pub notes: Vec<String>,
}

impl Report {
    pub fn passed(&self) -> bool {
        self.findings.iter().all(|f| f.ok)
    }

    pub fn failed(&self) -> usize {
        self.findings.iter().filter(|f| !f.ok).count()
    }

    fn add(&mut self, check: &'static str, problems: Vec<String>, when_ok: String) {
        let ok = problems.is_empty();
        let detail = if ok { when_ok } else { problems.join("; ") };
        self.findings.push(Finding { check, ok, detail });
    }
}

/// Reads every invariant; writes nothing.
pub async fn check(db: &DatabaseConnection) -> Result<Report, DbErr> {
    let mut report = Report::default();
    if db.get_database_backend() == DbBackend::Sqlite {
        let integrity = strings(db, "PRAGMA integrity_check").await?;
        let sound = integrity.iter().all(|l| l == "ok");
        report.add("integrity", if sound { vec![] } else { integrity }, "SQLite integrity_check: ok".into());
        let broken = count(db, "SELECT COUNT(*) FROM pragma_foreign_key_check").await?;
        let problems = if broken == 0 { vec![] } else { vec![format!("{broken} rows break a foreign key")] };
        report.add("foreign keys", problems, "SQLite foreign_key_check: none broken".into());
    } else {
        report.notes.push(
            "integrity: PostgreSQL checks its own pages (the amcheck extension checks indexes, if installed)".into(),
        );
    }

    let mut orphans = Vec::new();
    for (table, column, parent) in REFERENCES {
        let sql = format!(
            "SELECT COUNT(*) FROM {table} c WHERE c.{column} IS NOT NULL \
             AND NOT EXISTS (SELECT 1 FROM {parent} p WHERE p.id = c.{column})"
        );
        let n = count(db, &sql).await?;
        if n > 0 {
            orphans.push(format!("{n} {table}.{column} point at no {parent} row"));
        }
    }
    report.add("orphans", orphans, format!("{} references checked, none dangling", REFERENCES.len()));

    let infinite = match db.get_database_backend() {
        DbBackend::Postgres => "value = 'NaN'::float8 OR value = 'Infinity'::float8 OR value = '-Infinity'::float8",
        // SQLite stores NaN as NULL, which the column refuses: only infinities can be there.
        _ => "value > 1.7e308 OR value < -1.7e308",
    };
    let n = count(db, &format!("SELECT COUNT(*) FROM observations WHERE {infinite}")).await?;
    let problems = if n == 0 { vec![] } else { vec![format!("{n} observations are not finite numbers")] };
    report.add("values", problems, "every observation is a finite number".into());

    let dead = super::lease::held_by_the_dead(db).await?;
    let problems = dead
        .iter()
        .map(|(run, pid)| format!("{} (slot {}) is held by process {pid}, which is gone", run.job, run.slot))
        .collect();
    report.add("leases", problems, "no job run is held by a process that died".into());

    let empty = strings(
        db,
        "SELECT slug FROM series s WHERE NOT EXISTS (SELECT 1 FROM observations o WHERE o.series_id = s.id) ORDER BY slug",
    )
    .await?;
    if !empty.is_empty() {
        report.notes.push(format!(
            "{} series without observations (a backfill fills them): {}",
            empty.len(),
            empty.join(", ")
        ));
    }
    Ok(report)
}

async fn count(db: &DatabaseConnection, sql: &str) -> Result<i64, DbErr> {
    let row = db.query_one_raw(Statement::from_string(db.get_database_backend(), sql)).await?;
    row.map(|r| r.try_get_by_index::<i64>(0)).transpose().map(|n| n.unwrap_or(0))
}

async fn strings(db: &DatabaseConnection, sql: &str) -> Result<Vec<String>, DbErr> {
    let rows = db.query_all_raw(Statement::from_string(db.get_database_backend(), sql)).await?;
    rows.iter().map(|r| r.try_get_by_index::<String>(0)).collect()
}
