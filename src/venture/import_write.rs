//! Writes a validated import: all of it in one transaction, or nothing. Rows are first
//! resolved against the file and the database (which company a round names, which key a
//! company gets), and only when every row is good does anything get written, through
//! `venture::upsert`, whose upserts leave identical rows untouched: a re-import writes
//! nothing.
//!
//! A company or fund row that matches a known one (the same CIK, or without a CIK the same
//! name) fills in the fields it gives and keeps the others, and the row keeps its first
//! provenance; otherwise it is new, keyed `cik:<cik>` or `name:<slug>`, with source
//! `import` and source id `<file name>:<line>`. Demo rows are never matched: imported data
//! does not attach itself to generated companies.
use std::collections::{HashMap, HashSet};
use std::fmt;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};

use super::import::{self, CompanyIn, FundIn, ImportSet, InvestorIn, Ref, Row, RowError};
use super::upsert::{self, name_key, slug, Tally};
use crate::db::entities::{
    acquisitions, companies, fund_cash_flows, fund_holdings, funding_rounds, funds, investors, valuations,
};

const SOURCE: &str = "import";
const DEMO: &str = "demo";
const DEFAULT_INVESTOR_KIND: &str = "venture capital";
const DEFAULT_STRATEGY: &str = "venture capital";

/// What one table of an import did (or, in a dry run, would do).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TableCount {
    pub table: String,
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
}

/// The summary of an import that went through (or would, in a dry run).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ImportReport {
    pub file: String,
    /// `csv` or `json`.
    pub format: String,
    /// Validated and counted, then rolled back: nothing was written.
    pub dry_run: bool,
    /// Data rows in the file.
    pub rows: usize,
    /// Per table, in the order they are written.
    pub tables: Vec<TableCount>,
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// What the refresh of the funding aggregates did after an import that wrote rounds.
    #[serde(default)]
    pub tracker: Option<String>,
}

impl ImportReport {
    /// Rows written to `table` (inserted or updated).
    pub fn written(&self, table: &str) -> u64 {
        self.tables.iter().filter(|t| t.table == table).map(|t| t.inserted + t.updated).sum()
    }

    /// The summary as the command line prints it, one line per table and a total.
    pub fn lines(&self) -> Vec<String> {
        let mut out = vec![format!(
            "{} {} ({}, {} rows){}",
            if self.dry_run { "dry run of" } else { "imported" },
            self.file,
            self.format,
            self.rows,
            if self.dry_run { ": valid; nothing was written, this is what importing would do" } else { ":" }
        )];
        for t in &self.tables {
            out.push(format!(
                "  {:<16} {} inserted, {} updated, {} unchanged",
                t.table, t.inserted, t.updated, t.unchanged
            ));
        }
        out.push(format!("total: {} inserted, {} updated, {} unchanged", self.inserted, self.updated, self.unchanged));
        out.extend(self.tracker.clone());
        out
    }
}

#[derive(Debug)]
pub enum ImportError {
    /// The file is refused: every reason, in file order. Nothing was written.
    Invalid {
        file: String,
        errors: Vec<RowError>,
    },
    Db(DbErr),
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportError::Invalid { file, errors } => write!(
                f,
                "{file}: {} problem{} found; nothing was imported",
                errors.len(),
                if errors.len() == 1 { "" } else { "s" }
            ),
            ImportError::Db(e) => write!(f, "the import failed in the database and was rolled back: {e}"),
        }
    }
}

impl std::error::Error for ImportError {}

impl From<DbErr> for ImportError {
    fn from(e: DbErr) -> Self {
        ImportError::Db(e)
    }
}

/// The name rows are attributed to (`source_id` = `<name>:<line>`): the file's own name,
/// without its folders.
pub fn display_name(file_name: &str) -> String {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name).trim();
    let base: String = base.chars().filter(|c| !c.is_control()).take(120).collect();
    if base.is_empty() {
        "upload".to_string()
    } else {
        base
    }
}

/// Validates `bytes` (CSV or JSON, see `venture::import`) and writes it in one transaction.
/// With `dry_run` everything is checked and counted, then rolled back.
pub async fn import(
    db: &DatabaseConnection,
    file_name: &str,
    bytes: &[u8],
    dry_run: bool,
    now: DateTime<Utc>,
) -> Result<ImportReport, ImportError> {
    import_with_progress(db, file_name, bytes.to_vec(), dry_run, now, &|_| {}).await
}

/// `import`, telling `progress` the fraction written so far (0 to 1) as each table is done.
/// A transaction that another writer kept out of the database past the busy timeout is
/// tried again after a pause (the file is parsed once): a long job write delays an import,
/// it does not fail it.
pub async fn import_with_progress(
    db: &DatabaseConnection,
    file_name: &str,
    bytes: Vec<u8>,
    dry_run: bool,
    now: DateTime<Utc>,
    progress: &(dyn Fn(f64) + Send + Sync),
) -> Result<ImportReport, ImportError> {
    use backon::{ExponentialBuilder, Retryable};

    let file = display_name(file_name);
    // Parsing ten megabytes is CPU work: off the async workers that answer pages.
    let name = file.clone();
    let started = std::time::Instant::now();
    let parsed = tokio::task::spawn_blocking(move || import::parse(&name, &bytes))
        .await
        .map_err(|e| ImportError::Db(DbErr::Custom(format!("the import's parser stopped: {e}"))))?;
    tracing::debug!(rows = parsed.rows, ms = started.elapsed().as_millis() as u64, "import parsed");
    // A file refused as a whole (empty, binary, not JSON) has no rows to look up.
    if parsed.errors.iter().any(|e| e.line.is_none() && e.path.is_none()) {
        return Err(ImportError::Invalid { file, errors: parsed.errors });
    }
    let attempt = || async {
        let mut errors = parsed.errors.clone();
        let txn = crate::db::begin_write(db).await?;
        crate::db::set_write_cache(&txn, crate::db::WriteCache::Large).await?;
        let outcome = async {
            let started = std::time::Instant::now();
            let plan = resolve(&txn, &parsed.set, &file, now, &mut errors).await?;
            tracing::debug!(ms = started.elapsed().as_millis() as u64, "import resolved");
            if !errors.is_empty() {
                return Ok(None);
            }
            let total = plan.rows().max(1) as f64;
            let report = |done: u64| progress((done as f64 / total).min(1.0));
            write(&txn, &parsed.set, plan, &file, now, &report).await.map(Some)
        }
        .await;
        // Back to the usual cache before the connection returns to the pool, whatever
        // happened; a failure here only leaves that connection's cache larger.
        let _ = crate::db::set_write_cache(&txn, crate::db::WriteCache::Usual).await;
        match outcome? {
            None => {
                txn.rollback().await?;
                errors.sort_by(|a, b| (a.line, &a.path, &a.field).cmp(&(b.line, &b.path, &b.field)));
                Err(ImportError::Invalid { file: file.clone(), errors })
            }
            Some(tallies) if dry_run => {
                txn.rollback().await?;
                Ok(tallies)
            }
            Some(tallies) => {
                txn.commit().await?;
                Ok(tallies)
            }
        }
    };
    let tallies = attempt
        .retry(ExponentialBuilder::default().with_min_delay(std::time::Duration::from_millis(200)).with_max_times(4))
        .when(|e| matches!(e, ImportError::Db(d) if crate::db::is_busy(d)))
        .notify(|e, pause| tracing::warn!(error = %e, ?pause, "the database was busy; the import tries again"))
        .await?;
    Ok(summary(file, &parsed, dry_run, tallies))
}

/// The report of an import from what each table did.
fn summary(file: String, parsed: &import::Parsed, dry_run: bool, tallies: Vec<(&'static str, Tally)>) -> ImportReport {
    let tables: Vec<TableCount> = tallies
        .into_iter()
        .map(|(table, t)| TableCount {
            table: table.to_string(),
            inserted: t.inserted,
            updated: t.updated,
            unchanged: t.unchanged,
        })
        .collect();
    ImportReport {
        file,
        format: match parsed.format {
            Some(import::Format::Json) => "json".into(),
            _ => "csv".into(),
        },
        dry_run,
        rows: parsed.rows,
        inserted: tables.iter().map(|t| t.inserted).sum(),
        updated: tables.iter().map(|t| t.updated).sum(),
        unchanged: tables.iter().map(|t| t.unchanged).sum(),
        tables,
        tracker: None,
    }
}

/// Recomputes the funding aggregates and notable flags after an import that wrote rounds,
/// as `funding_tracker` would at its next run, and notes what it did in the report. The
/// import is already stored, so a failure here is noted, not raised: the scheduled run
/// catches up.
pub async fn refresh_tracker(db: &DatabaseConnection, report: &mut ImportReport, notable_usd: f64, now: DateTime<Utc>) {
    if report.dry_run || report.written("rounds") == 0 {
        return;
    }
    report.tracker = Some(match super::tracker::run(db, notable_usd, now).await {
        Ok(o) => format!(
            "funding_tracker refreshed: {} months of aggregates, {} notable rounds (at least ${notable_usd:.0})",
            o.months, o.notable
        ),
        Err(e) => {
            tracing::error!(error = %e, "funding_tracker after an import failed");
            "funding_tracker could not refresh the aggregates now (see the server log); its next scheduled run will"
                .to_string()
        }
    });
}

/// A company a row refers to: one of the file's company rows, or a known one.
#[derive(Debug, Clone)]
enum Co {
    File(usize),
    Db(Box<companies::Model>),
}

#[derive(Debug, Clone)]
enum Fu {
    File(usize),
    Db(i32),
}

/// Everything `write` needs beyond the rows: the models of the file's companies, funds and
/// investors as they will be stored, and what each reference points at.
struct Plan {
    companies: Vec<companies::Model>,
    funds: Vec<funds::Model>,
    /// Investor slug -> the model to upsert, or the id of a known investor the file only
    /// names (not rewritten).
    investors: Vec<(String, InvestorPlan)>,
    round_companies: Vec<Co>,
    /// Each round's key, and the key of the post-money valuation it states, computed once
    /// (None where its company is unresolved, which is then an error on the row).
    round_keys: Vec<Option<(String, Option<String>)>>,
    valuation_companies: Vec<Co>,
    acquisition_parties: Vec<(Option<Co>, Option<Co>)>,
    flow_funds: Vec<Fu>,
    holding_refs: Vec<(Fu, Co)>,
}

enum InvestorPlan {
    Upsert(investors::Model),
    Known(i32),
}

/// Where the rows an import creates say they came from: source `import`, source id
/// `<file name>:<line>`, fetched now.
#[derive(Clone, Copy)]
struct Origin<'a> {
    file: &'a str,
    now: DateTime<Utc>,
}

impl Origin<'_> {
    fn source_id(&self, line: usize) -> String {
        format!("{}:{line}", self.file)
    }
}

/// Looks up everything the rows refer to; records every unknown or ambiguous reference and
/// every clash of final keys. Reads only.
async fn resolve(
    db: &DatabaseTransaction,
    set: &ImportSet,
    file: &str,
    now: DateTime<Utc>,
    errors: &mut Vec<RowError>,
) -> Result<Plan, DbErr> {
    let origin = Origin { file, now };
    let known = Known::load(db, set).await?;
    let (companies, file_company) = plan_companies(set, &known, origin, errors);
    let investors = plan_investors(set, &known, origin);
    let known_funds = funds::Entity::find().filter(funds::Column::Source.ne(DEMO)).all(db).await?;
    let (funds, file_fund) = plan_funds(set, &known_funds, origin, errors);

    let company_refs = CompanyLookups { file: &file_company, known: &known, refused: &set.refused_companies };
    let fund_refs = FundLookups { file: &file_fund, known: &known_funds, refused: &set.refused_funds };
    let refs = References::resolve(set, &company_refs, &fund_refs, errors);
    let mut plan = Plan {
        companies,
        funds,
        investors,
        round_keys: Vec::new(),
        round_companies: refs.round_companies,
        valuation_companies: refs.valuation_companies,
        acquisition_parties: refs.acquisition_parties,
        flow_funds: refs.flow_funds,
        holding_refs: refs.holding_refs,
    };
    plan.round_keys = round_keys(set, &plan);
    check_clashes(set, &plan, errors);
    Ok(plan)
}

/// The file's companies as they will be stored, each laid over the known row it enriches,
/// and where each is in the file by name key and by `cik:<cik>` (what rows refer to it by).
fn plan_companies(
    set: &ImportSet,
    known: &Known,
    origin: Origin,
    errors: &mut Vec<RowError>,
) -> (Vec<companies::Model>, HashMap<String, usize>) {
    let mut models = Vec::new();
    let mut in_file = HashMap::new();
    for (i, row) in set.companies.iter().enumerate() {
        let existing = known_company(row, known, errors);
        models.push(company_model(row, existing.as_ref(), &origin.source_id(row.line), origin.now));
        index_in_file(&mut in_file, i, &row.data.name, row.data.cik);
    }
    (models, in_file)
}

/// Records where a company or fund row is in the file, by name key and by `cik:<cik>`.
fn index_in_file(in_file: &mut HashMap<String, usize>, i: usize, name: &str, cik: Option<i64>) {
    in_file.insert(name_key(name), i);
    if let Some(cik) = cik {
        in_file.insert(format!("cik:{cik}"), i);
    }
}

/// The known company a company row enriches: the one with its CIK, or without a CIK the
/// one of its name (several is an error on the row).
fn known_company(row: &Row<CompanyIn>, known: &Known, errors: &mut Vec<RowError>) -> Option<companies::Model> {
    let c = &row.data;
    match c.cik {
        Some(cik) => known.by_key.get(&format!("cik:{cik}")).cloned(),
        None => {
            let same = known.by_name.get(&name_key(&c.name)).map(Vec::as_slice).unwrap_or_default();
            match same.len() {
                0 => known.by_key.get(&format!("name:{}", slug(&c.name))).cloned(),
                1 => same.first().cloned(),
                n => {
                    errors.push(row.error(
                        Some("name"),
                        format!("{n} companies named {:?} are known; add its cik to say which", c.name),
                    ));
                    None
                }
            }
        }
    }
}

/// Investors by slug: the file's investor rows, then the fund managers and round investors
/// it only names (each once; a known one is referred to, not rewritten).
fn plan_investors(set: &ImportSet, known: &Known, origin: Origin) -> Vec<(String, InvestorPlan)> {
    let mut plan = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    for row in &set.investors {
        let key = slug(&row.data.name);
        let model = match known.investors.get(&format!("name:{key}")).cloned() {
            Some(old) => investors::Model {
                kind: row.data.kind.clone().unwrap_or(old.kind.clone()),
                website: row.data.website.clone().or(old.website.clone()),
                city: row.data.city.clone().or(old.city.clone()),
                ..old
            },
            None => new_investor(&row.data, &key, origin.source_id(row.line), origin.now),
        };
        seen.insert(key.clone());
        plan.push((key, InvestorPlan::Upsert(model)));
    }
    let named = set
        .funds
        .iter()
        .filter_map(|f| f.data.manager.clone().map(|m| (m, f.line)))
        .chain(set.rounds.iter().flat_map(|r| r.data.investors.iter().map(move |(n, _)| (n.clone(), r.line))));
    for (name, line) in named.collect::<Vec<_>>() {
        let key = slug(&name);
        if !seen.insert(key.clone()) {
            continue;
        }
        let p = match known.investors.get(&format!("name:{key}")) {
            Some(old) => InvestorPlan::Known(old.id),
            None => {
                let named = InvestorIn { name, kind: None, website: None, city: None };
                InvestorPlan::Upsert(new_investor(&named, &key, origin.source_id(line), origin.now))
            }
        };
        plan.push((key, p));
    }
    plan
}

/// A new investor, keyed `name:<slug>`; the default kind when the file gives none.
fn new_investor(i: &InvestorIn, key: &str, source_id: String, now: DateTime<Utc>) -> investors::Model {
    investors::Model {
        id: 0,
        key: format!("name:{key}"),
        name: i.name.clone(),
        kind: i.kind.clone().unwrap_or_else(|| DEFAULT_INVESTOR_KIND.into()),
        website: i.website.clone(),
        city: i.city.clone(),
        source: SOURCE.into(),
        source_id,
        fetched_at: now,
    }
}

/// The file's funds as they will be stored, and where each is in the file (as for
/// companies).
fn plan_funds(
    set: &ImportSet,
    known: &[funds::Model],
    origin: Origin,
    errors: &mut Vec<RowError>,
) -> (Vec<funds::Model>, HashMap<String, usize>) {
    let mut models = Vec::new();
    let mut in_file = HashMap::new();
    for (i, row) in set.funds.iter().enumerate() {
        let existing = known_fund(row, known, errors);
        models.push(fund_model(row, existing.as_ref(), &origin.source_id(row.line), origin.now));
        index_in_file(&mut in_file, i, &row.data.name, row.data.cik);
    }
    (models, in_file)
}

/// The known fund a fund row enriches, found as for companies.
fn known_fund(row: &Row<FundIn>, known: &[funds::Model], errors: &mut Vec<RowError>) -> Option<funds::Model> {
    let f = &row.data;
    match f.cik {
        Some(cik) => known.iter().find(|k| k.key == format!("cik:{cik}")).cloned(),
        None => {
            let same: Vec<_> = known.iter().filter(|k| name_key(&k.name) == name_key(&f.name)).collect();
            match same.len() {
                0 => known.iter().find(|k| k.key == format!("name:{}", slug(&f.name))).cloned(),
                1 => Some(same[0].clone()),
                n => {
                    errors.push(row.error(
                        Some("name"),
                        format!("{n} funds named {:?} are known; add its cik to say which", f.name),
                    ));
                    None
                }
            }
        }
    }
}

/// What the rows of the other tables refer to, in the order of their rows. An unresolved
/// reference is an error on its row, and a placeholder here.
struct References {
    round_companies: Vec<Co>,
    valuation_companies: Vec<Co>,
    acquisition_parties: Vec<(Option<Co>, Option<Co>)>,
    flow_funds: Vec<Fu>,
    holding_refs: Vec<(Fu, Co)>,
}

impl References {
    fn resolve(
        set: &ImportSet,
        companies: &CompanyLookups,
        funds: &FundLookups,
        errors: &mut Vec<RowError>,
    ) -> References {
        let mut round_companies = Vec::new();
        for r in &set.rounds {
            round_companies.push(companies.required(r, "company", &r.data.company, errors));
        }
        let mut valuation_companies = Vec::new();
        for v in &set.valuations {
            valuation_companies.push(companies.required(v, "company", &v.data.company, errors));
        }
        let acquisition_parties: Vec<(Option<Co>, Option<Co>)> = set
            .acquisitions
            .iter()
            .map(|a| (companies.optional(&a.data.acquirer), companies.optional(&a.data.target)))
            .collect();
        let mut flow_funds = Vec::new();
        for f in &set.cash_flows {
            flow_funds.push(funds.required(f, &f.data.fund, errors).unwrap_or(Fu::Db(0)));
        }
        let mut holding_refs = Vec::new();
        for h in &set.holdings {
            let fu = funds.required(h, &h.data.fund, errors);
            let co = companies.required(h, "company", &h.data.company, errors);
            holding_refs.push((fu.unwrap_or(Fu::Db(0)), co));
        }
        References { round_companies, valuation_companies, acquisition_parties, flow_funds, holding_refs }
    }
}

/// Each round's key and the key of the post-money valuation it states (None where its
/// company is unresolved).
fn round_keys(set: &ImportSet, plan: &Plan) -> Vec<Option<(String, Option<String>)>> {
    set.rounds
        .iter()
        .zip(&plan.round_companies)
        .map(|(row, co)| {
            let name = plan.company_name(co)?;
            let post = row.data.post_money_usd.map(|_| valuation_key(&name, row.data.announced_on, "post-money"));
            Some((round_key(&name, &row.data), post))
        })
        .collect()
}

/// The same database row reached twice, through a name once and a CIK the other time:
/// the file says one thing twice.
fn check_clashes(set: &ImportSet, plan: &Plan, errors: &mut Vec<RowError>) {
    let mut keys: HashMap<String, usize> = HashMap::new();
    let mut clash = |key: String, row_line: usize, err: RowError, errors: &mut Vec<RowError>| {
        if let Some(first) = keys.get(&key) {
            let mut e = err;
            e.reason = format!("{} (the same row as line {first})", e.reason);
            errors.push(e);
        } else {
            keys.insert(key, row_line);
        }
    };
    for (row, m) in set.companies.iter().zip(&plan.companies) {
        clash(format!("company:{}", m.key), row.line, row.error(None, "duplicate company"), errors);
    }
    for (row, m) in set.funds.iter().zip(&plan.funds) {
        clash(format!("fund:{}", m.key), row.line, row.error(None, "duplicate fund"), errors);
    }
    for (row, keys) in set.rounds.iter().zip(&plan.round_keys) {
        if let Some((key, post)) = keys {
            clash(key.clone(), row.line, row.error(None, "duplicate round"), errors);
            if let Some(vkey) = post {
                clash(format!("valuation:{vkey}"), row.line, row.error(None, "duplicate valuation"), errors);
            }
        }
    }
    for (row, co) in set.valuations.iter().zip(&plan.valuation_companies) {
        if let Some(name) = plan.company_name(co) {
            let vkey = format!("valuation:{}", valuation_key(&name, row.data.valued_on, &row.data.basis));
            clash(vkey, row.line, row.error(None, "duplicate valuation"), errors);
        }
    }
    for (row, (fu, co)) in set.holdings.iter().zip(&plan.holding_refs) {
        if let (Some(f), Some(c)) = (plan.fund_ident(fu), plan.company_ident(co)) {
            clash(format!("holding:{f}:{c}"), row.line, row.error(None, "duplicate holding"), errors);
        }
    }
    for (row, fu) in set.cash_flows.iter().zip(&plan.flow_funds) {
        if let Some(f) = plan.fund_ident(fu) {
            let key = format!("flow:{f}:{}:{}", row.data.date, row.data.kind);
            clash(key, row.line, row.error(None, "duplicate cash flow"), errors);
        }
    }
}

impl Plan {
    /// Rows `write` will go through, for its progress: a round's investors and post-money
    /// count as rows of their own tables.
    fn rows(&self) -> usize {
        self.companies.len()
            + self.funds.len()
            + self.investors.len()
            + self.round_companies.len() * 2
            + self.valuation_companies.len()
            + self.acquisition_parties.len()
            + self.flow_funds.len()
            + self.holding_refs.len()
    }

    fn company_name(&self, co: &Co) -> Option<String> {
        match co {
            Co::File(i) => self.companies.get(*i).map(|m| m.name.clone()),
            Co::Db(m) if m.id > 0 => Some(m.name.clone()),
            Co::Db(_) => None,
        }
    }

    /// What identifies a company across the file and the database, before ids exist.
    fn company_ident(&self, co: &Co) -> Option<String> {
        match co {
            Co::File(i) => self.companies.get(*i).map(|m| m.key.clone()),
            Co::Db(m) if m.id > 0 => Some(m.key.clone()),
            Co::Db(_) => None,
        }
    }

    fn fund_ident(&self, fu: &Fu) -> Option<String> {
        match fu {
            Fu::File(i) => self.funds.get(*i).map(|m| m.key.clone()),
            Fu::Db(id) if *id > 0 => Some(format!("id:{id}")),
            Fu::Db(_) => None,
        }
    }
}

/// `import:<company slug>:<announced date>:<stage>`.
fn round_key(company: &str, r: &import::RoundIn) -> String {
    format!("import:{}:{}:{}", slug(company), r.announced_on, r.stage)
}

/// `import:<company slug>:<date>:<basis>`.
fn valuation_key(company: &str, on: chrono::NaiveDate, basis: &str) -> String {
    format!("import:{}:{on}:{}", slug(company), slug(basis))
}

/// The rows of the database that the file refers to, read in batches before anything is
/// resolved (one query per `BATCH` names, not one per row).
#[derive(Default)]
struct Known {
    /// Companies by `key` (`cik:N`, `name:slug`), whatever their source.
    by_key: HashMap<String, companies::Model>,
    /// Companies that are not demo rows, by name key and by CIK.
    by_name: HashMap<String, Vec<companies::Model>>,
    by_cik: HashMap<i64, Vec<companies::Model>>,
    /// Investors by `key`.
    investors: HashMap<String, investors::Model>,
}

impl Known {
    async fn load(db: &DatabaseTransaction, set: &ImportSet) -> Result<Known, DbErr> {
        let mut keys = HashSet::new();
        let mut names = HashSet::new();
        let mut ciks = HashSet::new();
        for row in &set.companies {
            let c = &row.data;
            if let Some(cik) = c.cik {
                keys.insert(format!("cik:{cik}"));
            } else {
                keys.insert(format!("name:{}", slug(&c.name)));
                names.insert(name_key(&c.name));
            }
        }
        let refs = set
            .rounds
            .iter()
            .map(|r| &r.data.company)
            .chain(set.valuations.iter().map(|v| &v.data.company))
            .chain(set.holdings.iter().map(|h| &h.data.company));
        for r in refs {
            match r {
                Ref::Cik(c) => ciks.insert(*c),
                Ref::Name(n) => names.insert(name_key(n)),
            };
        }
        for a in &set.acquisitions {
            names.insert(name_key(&a.data.acquirer));
            names.insert(name_key(&a.data.target));
        }
        let investor_keys: HashSet<String> = set
            .investors
            .iter()
            .map(|i| i.data.name.clone())
            .chain(set.funds.iter().filter_map(|f| f.data.manager.clone()))
            .chain(set.rounds.iter().flat_map(|r| r.data.investors.iter().map(|(n, _)| n.clone())))
            .map(|n| format!("name:{}", slug(&n)))
            .collect();

        let mut known = Known::default();
        for chunk in keys.into_iter().collect::<Vec<_>>().chunks(upsert::BATCH) {
            let q = companies::Entity::find().filter(companies::Column::Key.is_in(chunk.iter().cloned()));
            known.by_key.extend(q.all(db).await?.into_iter().map(|m| (m.key.clone(), m)));
        }
        let not_demo = || companies::Entity::find().filter(companies::Column::Source.ne(DEMO));
        for chunk in names.into_iter().collect::<Vec<_>>().chunks(upsert::BATCH) {
            let q = not_demo().filter(companies::Column::NameKey.is_in(chunk.iter().cloned()));
            for m in q.all(db).await? {
                known.by_name.entry(m.name_key.clone()).or_default().push(m);
            }
        }
        for chunk in ciks.into_iter().collect::<Vec<_>>().chunks(upsert::BATCH) {
            let q = not_demo().filter(companies::Column::Cik.is_in(chunk.iter().copied()));
            for m in q.all(db).await? {
                if let Some(cik) = m.cik {
                    known.by_cik.entry(cik).or_default().push(m);
                }
            }
        }
        for chunk in investor_keys.into_iter().collect::<Vec<_>>().chunks(upsert::BATCH) {
            let q = investors::Entity::find().filter(investors::Column::Key.is_in(chunk.iter().cloned()));
            known.investors.extend(q.all(db).await?.into_iter().map(|m| (m.key.clone(), m)));
        }
        Ok(known)
    }

    /// Known companies (not demo rows) a reference may mean.
    fn companies(&self, r: &Ref) -> &[companies::Model] {
        let found = match r {
            Ref::Cik(c) => self.by_cik.get(c),
            Ref::Name(n) => self.by_name.get(&name_key(n)),
        };
        found.map(Vec::as_slice).unwrap_or_default()
    }
}

/// Company references: a company row of the file, or a known one.
struct CompanyLookups<'a> {
    file: &'a HashMap<String, usize>,
    known: &'a Known,
    refused: &'a HashSet<String>,
}

impl CompanyLookups<'_> {
    /// A company the row cannot do without; unknown or ambiguous is an error on the row.
    /// The error case still answers (with a placeholder) so every row gets checked.
    fn required<T>(&self, row: &Row<T>, field: &str, r: &Ref, errors: &mut Vec<RowError>) -> Co {
        if let Some(i) = self.file.get(&r.key()) {
            return Co::File(*i);
        }
        let found = self.known.companies(r);
        let placeholder = Co::Db(Box::new(placeholder_company()));
        match found.len() {
            1 => Co::Db(Box::new(found[0].clone())),
            // A row naming a company whose own row was refused: that row's error says it.
            0 if self.refused.contains(&r.key()) => placeholder,
            0 => {
                errors.push(row.error(Some(field), format!("unknown company {:?}: add a company row", r.to_string())));
                placeholder
            }
            n => {
                errors.push(row.error(
                    Some(field),
                    format!("{n} companies named {:?} are known; refer to it as cik:<number>", r.to_string()),
                ));
                placeholder
            }
        }
    }

    /// An acquisition's party: linked when it is a company Quarry knows, else kept by name.
    fn optional(&self, name: &str) -> Option<Co> {
        let r = Ref::Name(name.to_string());
        if let Some(i) = self.file.get(&r.key()) {
            return Some(Co::File(*i));
        }
        match self.known.companies(&r) {
            [only] => Some(Co::Db(Box::new(only.clone()))),
            _ => None,
        }
    }
}

/// Fund references: a fund row of the file, or a known one (not a demo row).
struct FundLookups<'a> {
    file: &'a HashMap<String, usize>,
    known: &'a [funds::Model],
    refused: &'a HashSet<String>,
}

impl FundLookups<'_> {
    /// The fund a cash flow or holding names; unknown or ambiguous is an error on the
    /// row's `fund`, and None (as is a fund whose own row was refused: its error says it).
    fn required<T>(&self, row: &Row<T>, r: &Ref, errors: &mut Vec<RowError>) -> Option<Fu> {
        if let Some(i) = self.file.get(&r.key()) {
            return Some(Fu::File(*i));
        }
        let same: Vec<&funds::Model> = self
            .known
            .iter()
            .filter(|k| match r {
                Ref::Cik(c) => k.cik == Some(*c),
                Ref::Name(n) => name_key(&k.name) == name_key(n),
            })
            .collect();
        match same.len() {
            1 => Some(Fu::Db(same[0].id)),
            0 if self.refused.contains(&r.key()) => None,
            0 => {
                errors.push(row.error(Some("fund"), format!("unknown fund {:?}: add a fund row", r.to_string())));
                None
            }
            n => {
                errors.push(row.error(
                    Some("fund"),
                    format!("{n} funds named {:?} are known; refer to it as cik:<number>", r.to_string()),
                ));
                None
            }
        }
    }
}

fn placeholder_company() -> companies::Model {
    companies::Model {
        id: 0,
        key: String::new(),
        cik: None,
        name: String::new(),
        name_key: String::new(),
        sector: "other".into(),
        state: None,
        city: None,
        jurisdiction: None,
        year_of_inc: None,
        sic: None,
        industry_group: None,
        website: None,
        description: None,
        tickers: None,
        source: String::new(),
        source_id: String::new(),
        fetched_at: DateTime::<Utc>::UNIX_EPOCH,
    }
}

/// The company row as it will be stored: a known one with the fields the file gives laid
/// over it (its name and provenance stay), or a new one.
fn company_model(
    row: &Row<CompanyIn>,
    existing: Option<&companies::Model>,
    source_id: &str,
    now: DateTime<Utc>,
) -> companies::Model {
    let c = &row.data;
    match existing {
        Some(old) => companies::Model {
            cik: c.cik.or(old.cik),
            sector: c.sector.map(|s| s.slug().to_string()).unwrap_or_else(|| old.sector.clone()),
            state: c.state.clone().or_else(|| old.state.clone()),
            city: c.city.clone().or_else(|| old.city.clone()),
            website: c.website.clone().or_else(|| old.website.clone()),
            year_of_inc: c.year_founded.or(old.year_of_inc),
            description: c.description.clone().or_else(|| old.description.clone()),
            ..old.clone()
        },
        None => companies::Model {
            id: 0,
            key: match c.cik {
                Some(cik) => format!("cik:{cik}"),
                None => format!("name:{}", slug(&c.name)),
            },
            cik: c.cik,
            name: c.name.clone(),
            name_key: name_key(&c.name),
            sector: c.sector.unwrap_or(super::sector::Sector::Other).slug().to_string(),
            state: c.state.clone(),
            city: c.city.clone(),
            jurisdiction: None,
            year_of_inc: c.year_founded,
            sic: None,
            industry_group: None,
            website: c.website.clone(),
            description: c.description.clone(),
            tickers: None,
            source: SOURCE.into(),
            source_id: source_id.to_string(),
            fetched_at: now,
        },
    }
}

/// The fund row as it will be stored (its manager is set when written).
fn fund_model(row: &Row<FundIn>, existing: Option<&funds::Model>, source_id: &str, now: DateTime<Utc>) -> funds::Model {
    let f = &row.data;
    match existing {
        Some(old) => funds::Model {
            cik: f.cik.or(old.cik),
            vintage: f.vintage.or(old.vintage),
            target_size: f.size_usd.or(old.target_size),
            strategy: f.strategy.clone().unwrap_or_else(|| old.strategy.clone()),
            state: f.state.clone().or_else(|| old.state.clone()),
            ..old.clone()
        },
        None => funds::Model {
            id: 0,
            key: match f.cik {
                Some(cik) => format!("cik:{cik}"),
                None => format!("name:{}", slug(&f.name)),
            },
            cik: f.cik,
            name: f.name.clone(),
            manager_id: None,
            vintage: f.vintage,
            target_size: f.size_usd,
            target_indefinite: false,
            amount_raised: None,
            investor_count: None,
            strategy: f.strategy.clone().unwrap_or_else(|| DEFAULT_STRATEGY.into()),
            state: f.state.clone(),
            currency: "USD".into(),
            accession: None,
            source: SOURCE.into(),
            source_id: source_id.to_string(),
            fetched_at: now,
        },
    }
}

const TABLES: [&str; 9] = [
    "companies",
    "investors",
    "funds",
    "rounds",
    "round_investors",
    "valuations",
    "acquisitions",
    "cash_flows",
    "holdings",
];

/// Writes every row, table by table in dependency order, each table in bulk (see
/// `upsert::BATCH`); answers what each table did. `progress` hears the rows done so far
/// after each table.
async fn write(
    db: &DatabaseTransaction,
    set: &ImportSet,
    mut plan: Plan,
    file: &str,
    now: DateTime<Utc>,
    progress: &(dyn Fn(u64) + Send + Sync),
) -> Result<Vec<(&'static str, Tally)>, DbErr> {
    let origin = Origin { file, now };
    let mut tally = Tallies::new(progress);

    let investor_ids = write_investors(db, std::mem::take(&mut plan.investors), &mut tally).await?;
    let (company_ids, t) = upsert::upsert_companies(db, plan.companies.clone()).await?;
    tally.count("companies", t);
    let (fund_ids, t) = upsert::upsert_funds(db, fund_models(set, &plan, &investor_ids)).await?;
    tally.count("funds", t);
    let written = Written { plan: &plan, company_ids, fund_ids };

    let (round_ids, t) = upsert::upsert_rounds(db, round_models(set, &written, origin)).await?;
    tally.count("rounds", t);
    let (backers, mut valuations) = round_backers_and_valuations(set, &written, &round_ids, &investor_ids, origin);
    tally.count("round_investors", upsert::upsert_round_investors(db, &backers).await?);
    valuations.extend(valuation_models(set, &written, origin));
    tally.count("valuations", upsert::upsert_valuations(db, valuations).await?);
    tally.count("acquisitions", upsert::upsert_acquisitions(db, acquisition_models(set, &written, origin)).await?);
    tally.count("cash_flows", upsert::upsert_cash_flows(db, flow_models(set, &written, origin)).await?);
    tally.count("holdings", upsert::upsert_holdings(db, holding_models(set, &written, origin)).await?);

    Ok(tally.by_table())
}

/// What each table did so far; `progress` hears the rows done after each table.
struct Tallies<'a> {
    tally: HashMap<&'static str, Tally>,
    done: u64,
    lap: std::time::Instant,
    progress: &'a (dyn Fn(u64) + Send + Sync),
}

impl<'a> Tallies<'a> {
    fn new(progress: &'a (dyn Fn(u64) + Send + Sync)) -> Self {
        Tallies {
            tally: TABLES.iter().map(|t| (*t, Tally::default())).collect(),
            done: 0,
            lap: std::time::Instant::now(),
            progress,
        }
    }

    fn count(&mut self, table: &'static str, t: Tally) {
        // Where an import's time goes, table by table (QUARRY_LOG=quarry=debug).
        tracing::debug!(
            table,
            rows = t.inserted + t.updated + t.unchanged,
            ms = self.lap.elapsed().as_millis() as u64,
            "import wrote"
        );
        self.lap = std::time::Instant::now();
        let entry = self.tally.get_mut(table).expect("known table");
        entry.inserted += t.inserted;
        entry.updated += t.updated;
        entry.unchanged += t.unchanged;
        self.done += t.inserted + t.updated + t.unchanged;
        (self.progress)(self.done);
    }

    /// Per table, in the order they are written.
    fn by_table(&self) -> Vec<(&'static str, Tally)> {
        TABLES.iter().map(|t| (*t, self.tally[t])).collect()
    }
}

/// Upserts the investors to write; answers the id of every investor the file names, by
/// slug (known ones the file only names count as unchanged).
async fn write_investors(
    db: &DatabaseTransaction,
    plan: Vec<(String, InvestorPlan)>,
    tally: &mut Tallies<'_>,
) -> Result<HashMap<String, i32>, DbErr> {
    let (mut upserts, mut known_ids, mut known_keys) = (Vec::new(), HashMap::new(), Vec::new());
    for (key, p) in plan {
        match p {
            InvestorPlan::Upsert(m) => upserts.push((key, m)),
            InvestorPlan::Known(id) => {
                known_ids.insert(key.clone(), id);
                known_keys.push(key);
            }
        }
    }
    let (keys, models): (Vec<String>, Vec<_>) = upserts.into_iter().unzip();
    let (ids, t) = upsert::upsert_investors(db, models).await?;
    tally.count("investors", Tally { unchanged: t.unchanged + known_keys.len() as u64, ..t });
    let mut investor_ids: HashMap<String, i32> = keys.into_iter().zip(ids).collect();
    investor_ids.extend(known_ids);
    Ok(investor_ids)
}

/// The plan, and the ids the file's companies and funds were written under, for the rows
/// that point at them.
struct Written<'a> {
    plan: &'a Plan,
    company_ids: Vec<i32>,
    fund_ids: Vec<i32>,
}

impl Written<'_> {
    /// Id, name, sector and state of a referenced company.
    fn company(&self, co: &Co) -> (i32, String, String, Option<String>) {
        match co {
            Co::File(i) => {
                let m = &self.plan.companies[*i];
                (self.company_ids[*i], m.name.clone(), m.sector.clone(), m.state.clone())
            }
            Co::Db(m) => (m.id, m.name.clone(), m.sector.clone(), m.state.clone()),
        }
    }

    fn company_id(&self, co: &Co) -> i32 {
        match co {
            Co::File(i) => self.company_ids[*i],
            Co::Db(m) => m.id,
        }
    }

    fn fund_id(&self, fu: &Fu) -> i32 {
        match fu {
            Fu::File(i) => self.fund_ids[*i],
            Fu::Db(id) => *id,
        }
    }
}

/// The file's funds, each with the id of its manager.
fn fund_models(set: &ImportSet, plan: &Plan, investor_ids: &HashMap<String, i32>) -> Vec<funds::Model> {
    set.funds
        .iter()
        .zip(&plan.funds)
        .map(|(row, m)| {
            let mut m = m.clone();
            if let Some(manager) = &row.data.manager {
                m.manager_id = investor_ids.get(&slug(manager)).copied();
            }
            m
        })
        .collect()
}

fn round_models(set: &ImportSet, written: &Written, origin: Origin) -> Vec<funding_rounds::Model> {
    set.rounds
        .iter()
        .zip(&written.plan.round_companies)
        .zip(&written.plan.round_keys)
        .map(|((row, co), keys)| {
            let r = &row.data;
            let (company_id, _, sector, state) = written.company(co);
            // Every company resolved: resolve refused the file otherwise.
            let key = keys.as_ref().map(|k| k.0.clone()).unwrap_or_default();
            funding_rounds::Model {
                id: 0,
                // A new round's flag; a stored one keeps its own (upsert::upsert_rounds).
                notable: false,
                key,
                company_id,
                announced_on: r.announced_on,
                first_sale_on: None,
                first_sale_yet_to_occur: false,
                stage: r.stage.clone(),
                sector,
                state,
                amount_offered: None,
                offering_indefinite: false,
                amount_sold: r.amount_usd,
                amount_remaining: None,
                investor_count: None,
                minimum_investment: None,
                currency: "USD".into(),
                form_type: "import".into(),
                accession: None,
                original_accession: None,
                source: SOURCE.into(),
                source_id: origin.source_id(row.line),
                fetched_at: origin.now,
            }
        })
        .collect()
}

/// Each round's investors (round id, investor id, led), and the valuations the rounds'
/// post-money figures state.
fn round_backers_and_valuations(
    set: &ImportSet,
    written: &Written,
    round_ids: &[i32],
    investor_ids: &HashMap<String, i32>,
    origin: Origin,
) -> (Vec<(i32, i32, bool)>, Vec<valuations::Model>) {
    let mut backers = Vec::new();
    let mut valuations = Vec::new();
    // Investors by the name as written: a file names the same few investors on many rounds.
    let mut investor_by_name: HashMap<&str, Option<i32>> = HashMap::new();
    for (((row, co), keys), &round_id) in
        set.rounds.iter().zip(&written.plan.round_companies).zip(&written.plan.round_keys).zip(round_ids)
    {
        let r = &row.data;
        for (investor, lead) in &r.investors {
            let id = *investor_by_name
                .entry(investor.as_str())
                .or_insert_with(|| investor_ids.get(&slug(investor)).copied());
            if let Some(investor_id) = id {
                backers.push((round_id, investor_id, *lead));
            }
        }
        if let (Some(post), Some((_, Some(vkey)))) = (r.post_money_usd, keys) {
            valuations.push(valuations::Model {
                id: 0,
                key: vkey.clone(),
                company_id: written.company_id(co),
                round_id: Some(round_id),
                valued_on: r.announced_on,
                pre_money: r.pre_money_usd,
                post_money: post,
                basis: "post-money".into(),
                currency: "USD".into(),
                source: SOURCE.into(),
                source_id: origin.source_id(row.line),
                fetched_at: origin.now,
            });
        }
    }
    (backers, valuations)
}

fn valuation_models(set: &ImportSet, written: &Written, origin: Origin) -> Vec<valuations::Model> {
    set.valuations
        .iter()
        .zip(&written.plan.valuation_companies)
        .map(|(row, co)| {
            let v = &row.data;
            let (company_id, name, _, _) = written.company(co);
            valuations::Model {
                id: 0,
                key: valuation_key(&name, v.valued_on, &v.basis),
                company_id,
                round_id: None,
                valued_on: v.valued_on,
                pre_money: v.pre_money_usd,
                post_money: v.post_money_usd,
                basis: v.basis.clone(),
                currency: "USD".into(),
                source: SOURCE.into(),
                source_id: origin.source_id(row.line),
                fetched_at: origin.now,
            }
        })
        .collect()
}

/// Acquisitions, each party linked when it is a company Quarry knows, else kept by name.
fn acquisition_models(set: &ImportSet, written: &Written, origin: Origin) -> Vec<acquisitions::Model> {
    set.acquisitions
        .iter()
        .zip(&written.plan.acquisition_parties)
        .map(|(row, (acq, tgt))| {
            let a = &row.data;
            let acq = acq.as_ref().map(|co| written.company(co));
            let tgt = tgt.as_ref().map(|co| written.company(co));
            acquisitions::Model {
                id: 0,
                key: format!("import:{}:{}:{}", slug(&a.acquirer), slug(&a.target), a.announced_on),
                acquirer_id: acq.as_ref().map(|c| c.0),
                acquirer_name: Some(acq.as_ref().map(|c| c.1.clone()).unwrap_or_else(|| a.acquirer.clone())),
                target_id: tgt.as_ref().map(|c| c.0),
                target_name: Some(tgt.as_ref().map(|c| c.1.clone()).unwrap_or_else(|| a.target.clone())),
                announced_on: a.announced_on,
                closed_on: a.closed_on,
                price: a.price_usd,
                status: a.status.clone(),
                sector: tgt.as_ref().map(|c| c.2.clone()).unwrap_or_else(|| "other".into()),
                form_type: "import".into(),
                accession: None,
                last_filing_on: None,
                source: SOURCE.into(),
                source_id: origin.source_id(row.line),
                fetched_at: origin.now,
            }
        })
        .collect()
}

fn flow_models(set: &ImportSet, written: &Written, origin: Origin) -> Vec<fund_cash_flows::Model> {
    set.cash_flows
        .iter()
        .zip(&written.plan.flow_funds)
        .map(|(row, fu)| {
            let f = &row.data;
            fund_cash_flows::Model {
                id: 0,
                fund_id: written.fund_id(fu),
                flow_date: f.date,
                kind: f.kind.clone(),
                amount: f.amount,
                source: SOURCE.into(),
                source_id: origin.source_id(row.line),
                fetched_at: origin.now,
            }
        })
        .collect()
}

fn holding_models(set: &ImportSet, written: &Written, origin: Origin) -> Vec<fund_holdings::Model> {
    set.holdings
        .iter()
        .zip(&written.plan.holding_refs)
        .map(|(row, (fu, co))| {
            let h = &row.data;
            fund_holdings::Model {
                id: 0,
                fund_id: written.fund_id(fu),
                company_id: written.company_id(co),
                invested: h.invested_usd,
                realized: h.realized_usd,
                unrealized: h.unrealized_usd,
                as_of: h.as_of,
                source: SOURCE.into(),
                source_id: origin.source_id(row.line),
                fetched_at: origin.now,
            }
        })
        .collect()
}
