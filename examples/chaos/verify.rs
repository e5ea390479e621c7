//! The write journal, and what is checked on it and on the records after a chaos run.
//!
//! `journal DB` adds triggers that copy every insert, update and delete on `observations`
//! into `chaos_journal`, inside the writing transaction: a write rolled back leaves no
//! journal row, a committed one always does, and later writes never erase the record of an
//! earlier one (which the table itself does: a good fetch heals a bad one's rows).
//!
//! `verify DB` replays the journal write by write (one fetch's write is the rows sharing its
//! series, source and `fetched_at`, the moment of that fetch) and holds each to what a full
//! good fetch leaves behind. A partial write is a write after which some date that the
//! source serves, from the write's earliest date to the source's last, is held neither by
//! that source nor by one ranked above it (the ingest never lets a fallback overwrite its
//! betters), or a row whose value is not the one the source serves for that date (a number
//! cut short). It then checks the replay ends where the table is, that no fetch recorded as
//! failed wrote rows, and that every failure on record has its reason.
use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use quarry::db::entities::{edgar_filings, job_runs, series_health};
use quarry::universe::{parse_universe, Instrument, BUILTIN_UNIVERSE};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, Statement};

use crate::feeds::Catalog;

const TRIGGERS: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS chaos_journal (id INTEGER PRIMARY KEY AUTOINCREMENT, op TEXT NOT NULL, \
     series_id INTEGER NOT NULL, date TEXT NOT NULL, value REAL, source TEXT NOT NULL, fetched_at TEXT NOT NULL)",
    "CREATE TRIGGER IF NOT EXISTS chaos_journal_insert AFTER INSERT ON observations BEGIN \
     INSERT INTO chaos_journal (op, series_id, date, value, source, fetched_at) \
     VALUES ('write', NEW.series_id, NEW.date, NEW.value, NEW.source, NEW.fetched_at); END",
    "CREATE TRIGGER IF NOT EXISTS chaos_journal_update AFTER UPDATE ON observations BEGIN \
     INSERT INTO chaos_journal (op, series_id, date, value, source, fetched_at) \
     VALUES ('write', NEW.series_id, NEW.date, NEW.value, NEW.source, NEW.fetched_at); END",
    "CREATE TRIGGER IF NOT EXISTS chaos_journal_delete AFTER DELETE ON observations BEGIN \
     INSERT INTO chaos_journal (op, series_id, date, value, source, fetched_at) \
     VALUES ('delete', OLD.series_id, OLD.date, OLD.value, OLD.source, OLD.fetched_at); END",
];

async fn open(path: &str) -> anyhow::Result<DatabaseConnection> {
    anyhow::ensure!(std::path::Path::new(path).exists(), "no database at {path} (run `quarry migrate` first)");
    Ok(quarry::db::connect(&format!("sqlite://{path}")).await?)
}

/// Installs the journal on a migrated SQLite database.
pub async fn install(path: &str) -> anyhow::Result<()> {
    let db = open(path).await?;
    for sql in TRIGGERS {
        db.execute_unprepared(sql).await?;
    }
    println!("chaos: every write to observations in {path} is journaled in chaos_journal");
    Ok(())
}

struct Entry {
    op: String,
    series_id: i32,
    date: NaiveDate,
    value: f64,
    source: String,
    fetched_at: String,
}

async fn journal(db: &DatabaseConnection) -> anyhow::Result<Vec<Entry>> {
    let sql = "SELECT op, series_id, date, value, source, fetched_at FROM chaos_journal ORDER BY id";
    let rows = db.query_all_raw(Statement::from_string(DbBackend::Sqlite, sql)).await?;
    rows.iter()
        .map(|r| {
            let date: String = r.try_get_by_index(2)?;
            Ok(Entry {
                op: r.try_get_by_index(0)?,
                series_id: r.try_get_by_index(1)?,
                date: date.parse()?,
                value: r.try_get_by_index(3)?,
                source: r.try_get_by_index(4)?,
                fetched_at: r.try_get_by_index(5)?,
            })
        })
        .collect()
}

/// The figures `verify` prints; the ones that must be 0 decide its exit status.
#[derive(Default)]
pub struct Findings {
    pub writes: usize,
    pub journal_rows: usize,
    pub partial_writes: Vec<String>,
    pub wrong_values: Vec<String>,
    pub replay_differs: Vec<String>,
    pub failed_fetches_checked: usize,
    pub failed_fetches_that_wrote: Vec<String>,
    pub without_reason: Vec<String>,
    pub runs_by_status: BTreeMap<String, usize>,
    pub runs_by_job: BTreeMap<String, BTreeMap<String, usize>>,
    pub left_running: Vec<String>,
    pub feeds_failing: usize,
    pub series_failing: usize,
    pub filings_in_error: usize,
}

impl Findings {
    pub fn passed(&self) -> bool {
        self.partial_writes.is_empty()
            && self.wrong_values.is_empty()
            && self.replay_differs.is_empty()
            && self.failed_fetches_that_wrote.is_empty()
            && self.without_reason.is_empty()
    }
}

/// A value as written and read back through SQLite's REAL: exact, but compared with a
/// hair of tolerance so a printing round trip is not a finding.
fn same(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

type Table = HashMap<(i32, NaiveDate), (f64, String)>;

/// Replays the journal, holding each write to the good answers; returns the table it ends with.
fn replay(entries: &[Entry], universe_by_id: &HashMap<i32, &Instrument>, catalog: &Catalog, f: &mut Findings) -> Table {
    let mut good: HashMap<(String, String), BTreeMap<NaiveDate, f64>> = HashMap::new();
    let mut state = Table::new();
    let mut start = 0;
    while start < entries.len() {
        let e0 = &entries[start];
        let end = start
            + entries[start..]
                .iter()
                .take_while(|e| {
                    e.op == e0.op
                        && e.series_id == e0.series_id
                        && e.source == e0.source
                        && e.fetched_at == e0.fetched_at
                })
                .count();
        let group = &entries[start..end];
        start = end;
        for e in group {
            if e.op == "delete" {
                state.remove(&(e.series_id, e.date));
            } else {
                state.insert((e.series_id, e.date), (e.value, e.source.clone()));
            }
        }
        if e0.op == "delete" {
            continue;
        }
        f.writes += 1;
        let Some(inst) = universe_by_id.get(&e0.series_id) else {
            f.wrong_values.push(format!("series {} is in no universe entry", e0.series_id));
            continue;
        };
        let rank_of = |source: &str| inst.sources.iter().position(|s| s.provider.as_str() == source);
        let Some(rank) = rank_of(&e0.source) else {
            f.wrong_values.push(format!("{}: rows from '{}', which is none of its sources", inst.slug, e0.source));
            continue;
        };
        let src = &inst.sources[rank];
        let served = good.entry((src.provider.as_str().to_string(), src.code.clone())).or_insert_with(|| {
            catalog
                .good_points(src.provider, &src.code)
                .map(|p| p.into_iter().map(|p| (p.date, p.value)).collect())
                .unwrap_or_default()
        });
        let what = format!("{} ({} {}) write at {}", inst.slug, e0.source, src.code, e0.fetched_at);
        for e in group {
            match served.get(&e.date) {
                Some(v) if same(*v, e.value) => {}
                Some(v) => {
                    f.wrong_values.push(format!("{what}: {} holds {} where the source serves {v}", e.date, e.value))
                }
                None => f.wrong_values.push(format!("{what}: {} is a date the source does not serve", e.date)),
            }
        }
        let earliest = group.iter().map(|e| e.date).min().expect("a group has rows");
        let unheld: Vec<NaiveDate> = served
            .range(earliest..)
            .map(|(d, _)| *d)
            .filter(|d| match state.get(&(e0.series_id, *d)) {
                Some((_, holder)) => rank_of(holder).is_none_or(|r| r > rank),
                None => true,
            })
            .collect();
        if let Some(first) = unheld.first() {
            f.partial_writes.push(format!(
                "{what}: wrote {} rows from {earliest}, but {} of the source's dates after that are not held (first {first}, source's last {})",
                group.len(),
                unheld.len(),
                served.keys().next_back().map(ToString::to_string).unwrap_or_default()
            ));
        }
    }
    state
}

pub async fn verify(path: &str, today: NaiveDate, years: u32) -> anyhow::Result<Findings> {
    let db = open(path).await?;
    let universe = parse_universe("built-in", BUILTIN_UNIVERSE)?;
    let catalog = Catalog::new(&universe, today, years, "http://verify");
    let ids = quarry::series::series_ids(&db).await?;
    let by_id: HashMap<i32, &Instrument> =
        universe.all_series().filter_map(|i| ids.get(&i.slug).map(|id| (*id, i))).collect();
    let mut f = Findings::default();

    let entries = journal(&db).await?;
    f.journal_rows = entries.len();
    // The replay must end where the table is, or the journal missed a write.
    let mut replayed = replay(&entries, &by_id, &catalog, &mut f);
    let sql = "SELECT series_id, date, value, source FROM observations";
    let rows = db.query_all_raw(Statement::from_string(DbBackend::Sqlite, sql)).await?;
    for r in &rows {
        let (id, date, value, source): (i32, String, f64, String) =
            (r.try_get_by_index(0)?, r.try_get_by_index(1)?, r.try_get_by_index(2)?, r.try_get_by_index(3)?);
        match replayed.remove(&(id, date.parse()?)) {
            Some((v, s)) if same(v, value) && s == source => {}
            other => f.replay_differs.push(format!("series {id} {date}: table {value} {source}, journal {other:?}")),
        }
    }
    f.replay_differs.extend(replayed.keys().map(|(id, d)| format!("series {id} {d}: in the journal, not the table")));

    // A fetch recorded as failed wrote nothing: the feed's last failure (the moment its
    // fetch started) is no write's moment from that source.
    let writes: HashSet<(i32, String, String)> =
        entries.iter().map(|e| (e.series_id, e.source.clone(), e.fetched_at.clone())).collect();
    let sql = "SELECT provider, code, last_error_at, last_error, consecutive_failures FROM source_health \
               WHERE last_error_at IS NOT NULL";
    for r in db.query_all_raw(Statement::from_string(DbBackend::Sqlite, sql)).await? {
        let (provider, code, at): (String, String, String) =
            (r.try_get_by_index(0)?, r.try_get_by_index(1)?, r.try_get_by_index(2)?);
        let (error, failures): (Option<String>, i32) = (r.try_get_by_index(3)?, r.try_get_by_index(4)?);
        f.feeds_failing += usize::from(failures > 0);
        if error.as_deref().is_none_or(|e| e.trim().is_empty()) {
            f.without_reason.push(format!("feed {provider} {code}: failed at {at} with no reason"));
        }
        f.failed_fetches_checked += 1;
        for (id, inst) in &by_id {
            let uses = inst.sources.iter().any(|s| s.provider.as_str() == provider && s.code == code);
            if uses && writes.contains(&(*id, provider.clone(), at.clone())) {
                f.failed_fetches_that_wrote.push(format!("{provider} {code} at {at} ({})", inst.slug));
            }
        }
    }
    for s in series_health::Entity::find().all(&db).await? {
        let failed_last = s.last_success_at.is_none_or(|ok| ok < s.last_attempt_at);
        f.series_failing += usize::from(failed_last);
        if failed_last && s.last_error.as_deref().is_none_or(|e| e.trim().is_empty()) {
            f.without_reason.push(format!("series {}: last attempt failed with no reason", s.series_id));
        }
    }
    for run in job_runs::Entity::find().all(&db).await? {
        *f.runs_by_status.entry(run.status.clone()).or_default() += 1;
        *f.runs_by_job.entry(run.job.clone()).or_default().entry(run.status.clone()).or_default() += 1;
        match run.status.as_str() {
            "succeeded" => {}
            "running" => f.left_running.push(format!("{} (slot {})", run.job, run.slot)),
            other if run.error.as_deref().is_none_or(|e| e.trim().is_empty()) => f
                .without_reason
                .push(format!("job run {} {} (slot {}) is {other} with no reason", run.id, run.job, run.slot)),
            _ => {}
        }
    }
    for filing in edgar_filings::Entity::find().all(&db).await? {
        if filing.status == "error" {
            f.filings_in_error += 1;
            if filing.error.as_deref().is_none_or(|e| e.trim().is_empty()) {
                f.without_reason.push(format!("EDGAR filing {} is in error with no reason", filing.accession));
            }
        }
    }
    Ok(f)
}

fn list(items: &[String]) -> String {
    let mut out: Vec<String> = items.iter().take(10).map(|i| format!("\n    {i}")).collect();
    if items.len() > 10 {
        out.push(format!("\n    ... and {} more", items.len() - 10));
    }
    out.concat()
}

pub fn print(f: &Findings) {
    println!("journal: {} rows, {} writes (one per fetch that changed rows)", f.journal_rows, f.writes);
    println!("partial writes: {}{}", f.partial_writes.len(), list(&f.partial_writes));
    println!("values unlike the upstream's: {}{}", f.wrong_values.len(), list(&f.wrong_values));
    println!("journal replay differs from the table: {}{}", f.replay_differs.len(), list(&f.replay_differs));
    println!(
        "failed fetches that wrote rows: {} (of the {} last failures on record)",
        f.failed_fetches_that_wrote.len(),
        f.failed_fetches_checked
    );
    println!("failures without a reason: {}{}", f.without_reason.len(), list(&f.without_reason));
    let status = |m: &BTreeMap<String, usize>| m.iter().map(|(s, n)| format!("{s} {n}")).collect::<Vec<_>>().join(", ");
    println!("job runs: {}", status(&f.runs_by_status));
    for (job, by) in &f.runs_by_job {
        println!("    {job}: {}", status(by));
    }
    println!("runs left running after the stop: {}{}", f.left_running.len(), list(&f.left_running));
    println!(
        "on record at the end: {} feeds failing, {} series whose last attempt failed, {} EDGAR filings in error",
        f.feeds_failing, f.series_failing, f.filings_in_error
    );
}
