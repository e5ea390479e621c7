//! The EDGAR-fed venture jobs: `vc_sync` (Form D and D/A filings to companies, funds and
//! funding rounds), `ipo_monitor` (S-1/F-1 filed, amended, priced by a 424B4, withdrawn by
//! an RW; and acquisitions from S-4, DEFM14A and SC TO-T, with 8-Ks keeping an open deal's
//! last filing date) and the backfill that runs all three passes over a range of days.
//!
//! Every filing a pass looks at is recorded once in `edgar_filings` (stored, skipped with
//! the reason, or error with the reason), in the same transaction as the rows it became.
//! That record is what makes a second run write nothing, and what lets a run go on past a
//! malformed or incomplete filing. A filing that could not be fetched (network trouble,
//! EDGAR's rate pause) is not recorded, so the next run tries it again.
//!
//! Decisions the index alone forces:
//! - Pooled investment funds other than venture capital funds (hedge, private equity, real
//!   estate funds...) are recorded as `skipped` ("pooled fund, not venture") and write
//!   nothing else: they are neither startups raising a round nor venture funds.
//! - A 424B4 or RW of a company with no S-1/F-1 in the pipeline is recorded as `skipped`:
//!   most 424B4s are follow-on or debt offerings of listed companies, and an RW withdraws
//!   any registration. An S-1/A or F-1/A with no entry opens one (status `amended`): the
//!   registration began before the sync's window.
//! - An 8-K cannot be told apart at index level (item 2.01, completion of an acquisition,
//!   is inside the document), so 8-Ks create nothing; one filed by a party to an open
//!   acquisition moves that deal's `last_filing_on`.
//! - SC TO-T is listed under every party; the bidder is the party whose CIK is the
//!   accession number's filer prefix, the target the first other party (in index order
//!   when no party filed under its own CIK).
use std::collections::{HashMap, HashSet};
use std::future::Future;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, IntoActiveModel, QueryFilter,
};

use super::sector::{self, Sector};
use super::store::{self, Change};
use crate::db::entities::{acquisitions, companies, edgar_filings, funding_rounds, funds, ipo_events, ipo_filings};
use crate::jobs::model::{JobOutcome, Progress};
use crate::sources::edgar::{Edgar, EdgarError};
use crate::sources::edgar_index::{IndexEntry, ParsedIndex};
use crate::sources::edgar_prospectus::{offering, Offering};
use crate::sources::edgar_submissions::Submissions;
use crate::sources::form_d::{Amount, FirstSale, FormD};

/// How many days, today included, `vc_sync` and `ipo_monitor` walk back: a weekend and a
/// holiday fit, and a day a paused run left unfinished is picked up. Filings already
/// recorded cost nothing but the index fetch.
pub const RECENT_DAYS: i64 = 5;

pub const FORM_D: [&str; 2] = ["D", "D/A"];
pub const IPO_FORMS: [&str; 6] = ["S-1", "F-1", "S-1/A", "F-1/A", "424B4", "RW"];
pub const ACQUISITION_FORMS: [&str; 3] = ["S-4", "DEFM14A", "SC TO-T"];
pub const VENTURE_FUND_STRATEGY: &str = "Venture Capital Fund";
const SOURCE: &str = "edgar";
const CURRENCY: &str = "USD";

/// Where progress goes: the job's record (and a terminal bar), or nowhere.
pub trait Sink: Send + Sync {
    fn report(&self, p: Progress) -> impl Future<Output = ()> + Send;
}

/// A sink that drops progress (tests, callers without a job record).
pub struct Quiet;

impl Sink for Quiet {
    async fn report(&self, _p: Progress) {}
}

/// Which passes a run makes over each day's index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Passes {
    pub form_d: bool,
    pub ipo: bool,
    pub acquisitions: bool,
}

impl Passes {
    pub const VC_SYNC: Passes = Passes { form_d: true, ipo: false, acquisitions: false };
    pub const IPO_MONITOR: Passes = Passes { form_d: false, ipo: true, acquisitions: true };
    pub const ALL: Passes = Passes { form_d: true, ipo: true, acquisitions: true };
}

/// The last `n` days up to `today`, oldest first.
pub fn recent_days(today: NaiveDate, n: i64) -> Vec<NaiveDate> {
    (0..n.max(1)).rev().map(|back| today - Duration::days(back)).collect()
}

/// Every day from `from` to `to`, both included.
pub fn days_between(from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    from.iter_days().take_while(|d| *d <= to).collect()
}

/// `vc_sync`: the days' Form D and D/A filings, then `funding_tracker` when rounds changed.
pub async fn vc_sync(
    db: &DatabaseConnection,
    edgar: &Edgar,
    days: &[NaiveDate],
    notable_usd: f64,
    sink: &impl Sink,
) -> anyhow::Result<JobOutcome> {
    run_days(db, edgar, days, Passes::VC_SYNC, Some(notable_usd), sink).await
}

/// `ipo_monitor`: the days' registration statements, prices and withdrawals, and the
/// acquisitions visible at index level.
pub async fn ipo_monitor(
    db: &DatabaseConnection,
    edgar: &Edgar,
    days: &[NaiveDate],
    sink: &impl Sink,
) -> anyhow::Result<JobOutcome> {
    run_days(db, edgar, days, Passes::IPO_MONITOR, None, sink).await
}

/// The backfill: every pass over each day from `from` to `to`, oldest first (so an
/// original filing comes before its amendment and an S-1 before its 424B4).
pub async fn backfill(
    db: &DatabaseConnection,
    edgar: &Edgar,
    from: NaiveDate,
    to: NaiveDate,
    notable_usd: f64,
    sink: &impl Sink,
) -> anyhow::Result<JobOutcome> {
    anyhow::ensure!(from <= to, "the backfill starts on {from}, after its end {to}");
    run_days(db, edgar, &days_between(from, to), Passes::ALL, Some(notable_usd), sink).await
}

/// Why a run stops before its last day.
enum Halt {
    /// EDGAR paused every call; the failure is already in the outcome.
    Paused,
    Fatal(anyhow::Error),
}

impl From<DbErr> for Halt {
    fn from(e: DbErr) -> Self {
        Halt::Fatal(e.into())
    }
}

/// Puts an EDGAR error in the outcome, and says whether the run can go on.
fn on_edgar_error(e: EdgarError, what: &str, out: &mut JobOutcome) -> Result<(), Halt> {
    match e {
        EdgarError::NotConfigured(msg) => Err(Halt::Fatal(anyhow::anyhow!(msg))),
        e @ EdgarError::RateLimited { .. } => {
            out.failures.push(format!("{what}: {e}; the rest is left for the next run"));
            Err(Halt::Paused)
        }
        e => {
            out.failures.push(format!("{what}: {e}"));
            Ok(())
        }
    }
}

async fn run_days(
    db: &DatabaseConnection,
    edgar: &Edgar,
    days: &[NaiveDate],
    passes: Passes,
    notable_usd: Option<f64>,
    sink: &impl Sink,
) -> anyhow::Result<JobOutcome> {
    let now = Utc::now();
    let mut out = JobOutcome::default();
    let mut rounds_changed = false;
    let total = days.len();
    let mut days_done = 0;
    for (done, &date) in days.iter().enumerate() {
        sink.report(Progress { done, total, current: date.to_string(), rows: out.rows_written }).await;
        out.items += 1;
        let result = async {
            let Some(index) = day_index(edgar, date, &mut out).await? else { return Ok(()) };
            if passes.form_d {
                let before = out.rows_written;
                let pass = form_d_pass(db, edgar, &index.entries, now, &mut out).await;
                // Before `?`: a pass cut short by EDGAR's pause may have stored rounds.
                rounds_changed |= out.rows_written > before;
                pass?;
            }
            if passes.ipo {
                ipo_pass(db, edgar, &index.entries, now, &mut out).await?;
            }
            if passes.acquisitions {
                acquisition_pass(db, edgar, &index.entries, now, &mut out).await?;
            }
            Ok::<(), Halt>(())
        }
        .await;
        match result {
            Ok(()) => days_done += 1,
            Err(Halt::Paused) => break,
            Err(Halt::Fatal(e)) => return Err(e),
        }
    }
    if let (true, Some(notable)) = (rounds_changed, notable_usd) {
        // The landscape reads the aggregates: refresh them once rounds changed. A failure
        // here leaves the rounds stored; the daily funding_tracker run catches up.
        match super::tracker::run(db, notable, now).await {
            Ok(t) => out.rows_written += t.rows,
            Err(e) => out.failures.push(format!("funding_tracker after the sync: {e}")),
        }
    }
    sink.report(Progress { done: days_done, total, current: String::new(), rows: out.rows_written }).await;
    Ok(out)
}

/// A day's index; `None` when EDGAR has no file that day (weekend, holiday) or it could not
/// be fetched (the failure is in the outcome). Broken lines are failures with their number.
async fn day_index(edgar: &Edgar, date: NaiveDate, out: &mut JobOutcome) -> Result<Option<ParsedIndex>, Halt> {
    let file = format!("form.{}.idx", date.format("%Y%m%d"));
    match edgar.daily_index(date).await {
        Ok(None) => Ok(None),
        Ok(Some(index)) => {
            for (line, why) in &index.errors {
                out.items += 1;
                out.failures.push(format!("{file} line {line}: {why}"));
            }
            Ok(Some(index))
        }
        Err(e) => on_edgar_error(e, &file, out).map(|()| None),
    }
}

/// One filing as the index lists it: its accession, form, date and every party listed
/// under it (a Form D with co-issuers, an S-4 with co-registrants, both sides of a tender
/// offer).
#[derive(Debug, Clone, PartialEq)]
pub struct Listed<'a> {
    pub accession: &'a str,
    pub form: &'a str,
    pub filed: NaiveDate,
    pub parties: Vec<&'a IndexEntry>,
}

/// The filings of the given forms, one per accession, in index order.
pub fn listed<'a>(entries: &'a [IndexEntry], forms: &[&str]) -> Vec<Listed<'a>> {
    let mut out: Vec<Listed<'a>> = Vec::new();
    let mut at: HashMap<&str, usize> = HashMap::new();
    for e in entries.iter().filter(|e| forms.contains(&e.form.as_str())) {
        match at.get(e.accession.as_str()) {
            Some(&i) => {
                if !out[i].parties.iter().any(|p| p.cik == e.cik) {
                    out[i].parties.push(e);
                }
            }
            None => {
                at.insert(&e.accession, out.len());
                out.push(Listed { accession: &e.accession, form: &e.form, filed: e.filed, parties: vec![e] });
            }
        }
    }
    out
}

/// The party that filed: the one whose CIK is the accession number's prefix (a company
/// filing for itself), else the first listed (a filing agent's accession says nothing).
pub fn filer<'a>(l: &Listed<'a>) -> &'a IndexEntry {
    let prefix: Option<u64> = l.accession.split('-').next().and_then(|p| p.parse().ok());
    l.parties.iter().find(|p| Some(p.cik) == prefix).copied().unwrap_or(l.parties[0])
}

/// The accessions among `accessions` that `edgar_filings` already holds.
async fn known(db: &impl ConnectionTrait, accessions: &[&str]) -> Result<HashSet<String>, DbErr> {
    let mut out = HashSet::new();
    for chunk in accessions.chunks(500) {
        let rows = edgar_filings::Entity::find()
            .filter(edgar_filings::Column::Accession.is_in(chunk.iter().map(|a| a.to_string())))
            .all(db)
            .await?;
        out.extend(rows.into_iter().map(|r| r.accession));
    }
    Ok(out)
}

/// Records what a filing became; 1 when the row is new.
async fn record(
    db: &impl ConnectionTrait,
    l: &Listed<'_>,
    cik: u64,
    status: &str,
    error: Option<String>,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let row = edgar_filings::Model {
        accession: l.accession.to_string(),
        form: l.form.to_string(),
        cik: cik as i64,
        company_name: l.parties.iter().find(|p| p.cik == cik).unwrap_or(&l.parties[0]).company.clone(),
        filed_on: l.filed,
        status: status.to_string(),
        error,
        processed_at: now,
    };
    edgar_filings::Entity::insert(row.into_active_model())
        .on_conflict(OnConflict::column(edgar_filings::Column::Accession).do_nothing().to_owned())
        .exec_without_returning(db)
        .await
}

fn wrote(c: Change) -> u64 {
    u64::from(c.wrote())
}

/// A company's details from its submissions JSON; a failure there leaves them out (the
/// filing is stored all the same) unless EDGAR paused, which stops the run.
async fn submissions(edgar: &Edgar, cik: u64, out: &mut JobOutcome) -> Result<Option<Submissions>, Halt> {
    match edgar.submissions(cik).await {
        Ok(s) => Ok(Some(s)),
        Err(e) if e.stops_the_run() => on_edgar_error(e, &format!("submissions of CIK {cik}"), out).map(|()| None),
        Err(e) => {
            tracing::warn!(cik, error = %e, "company details from the submissions JSON unavailable");
            Ok(None)
        }
    }
}

// ---------------------------------------------------------------------------------------
// Form D

/// What a Form D becomes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Becomes {
    /// A venture capital fund raising: the fund, and no round.
    Fund,
    /// A company's round, keyed by the original filing (`edgar:<original>`).
    Round { original: String },
    /// Recorded, nothing else written.
    Skip(String),
}

pub fn becomes(d: &FormD, accession: &str) -> Becomes {
    if d.is_venture_fund() {
        return Becomes::Fund;
    }
    if d.industry_group == "Pooled Investment Fund" {
        let kind = d.fund_type.as_deref().unwrap_or("type not stated");
        return Becomes::Skip(format!("pooled fund ({kind}), not venture"));
    }
    let original = match (&d.previous_accession, d.is_amendment) {
        (Some(prev), true) => prev.clone(),
        _ => accession.to_string(),
    };
    Becomes::Round { original }
}

/// Whether a filing's figures replace those a row shows now. Each side is (amendment?,
/// filed on, accession). An original never undoes its amendment (a backfill may meet the
/// amendment first); otherwise the later filing wins.
pub fn replaces(shown: (bool, NaiveDate, &str), incoming: (bool, NaiveDate, &str)) -> bool {
    match (shown.0, incoming.0) {
        (true, false) => false,
        (false, true) => true,
        _ => (incoming.1, incoming.2) >= (shown.1, shown.2),
    }
}

/// The sector of a Form D issuer: its industry group, or its SIC code when the group
/// says only "Other".
pub fn company_sector(d: &FormD, sic: Option<i32>) -> Sector {
    match sector::from_form_d(&d.industry_group) {
        Sector::Other => sic.and_then(|s| u16::try_from(s).ok()).map(sector::from_sic).unwrap_or(Sector::Other),
        s => s,
    }
}

/// The company row a Form D describes, with what the submissions JSON adds.
pub fn company_from_form_d(
    d: &FormD,
    subs: Option<&Submissions>,
    accession: &str,
    now: DateTime<Utc>,
) -> companies::Model {
    let sic = subs.and_then(|s| s.sic).map(i32::from);
    companies::Model {
        id: 0,
        key: format!("cik:{}", d.cik),
        cik: Some(d.cik as i64),
        name: d.entity_name.clone(),
        name_key: store::name_key(&d.entity_name),
        sector: company_sector(d, sic).slug().to_string(),
        state: d.state.clone(),
        city: subs.and_then(|s| s.city.clone()),
        jurisdiction: d.jurisdiction.clone(),
        year_of_inc: d.year_of_inc,
        sic,
        industry_group: Some(d.industry_group.clone()),
        website: subs.and_then(|s| s.website.clone()),
        description: None,
        tickers: subs.map(|s| s.tickers.join(",")).filter(|t| !t.is_empty()),
        source: SOURCE.into(),
        source_id: accession.to_string(),
        fetched_at: now,
    }
}

/// A fresh row over the one stored: what the new filing does not say is kept (a Form D
/// names no SIC code or website; an earlier lookup may have), and a sector found from the
/// SIC code is not lost to a Form D that says "Other".
pub fn merge_company(fresh: companies::Model, old: Option<&companies::Model>) -> companies::Model {
    let Some(old) = old else { return fresh };
    let other = Sector::Other.slug();
    companies::Model {
        sector: if fresh.sector == other { old.sector.clone() } else { fresh.sector },
        state: fresh.state.or_else(|| old.state.clone()),
        city: fresh.city.or_else(|| old.city.clone()),
        jurisdiction: fresh.jurisdiction.or_else(|| old.jurisdiction.clone()),
        year_of_inc: fresh.year_of_inc.or(old.year_of_inc),
        sic: fresh.sic.or(old.sic),
        industry_group: fresh.industry_group.or_else(|| old.industry_group.clone()),
        website: fresh.website.or_else(|| old.website.clone()),
        description: fresh.description.or_else(|| old.description.clone()),
        tickers: fresh.tickers.or_else(|| old.tickers.clone()),
        ..fresh
    }
}

/// The filing a round's figures come from, and the original that keys the round.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FromFiling<'a> {
    pub accession: &'a str,
    pub original: &'a str,
    pub filed: NaiveDate,
}

/// The round a Form D reports. `announced_on` is the filing date (the caller keeps an
/// earlier original's); the stage is `unstated` because Form D never says.
pub fn round_from_form_d(
    d: &FormD,
    key: String,
    company_id: i32,
    sector: &str,
    from: FromFiling<'_>,
    now: DateTime<Utc>,
) -> funding_rounds::Model {
    let FromFiling { accession, original, filed } = from;
    let (amount_offered, offering_indefinite) = match d.total_offering {
        Amount::Dollars(x) => (Some(x), false),
        Amount::Indefinite => (None, true),
    };
    let (first_sale_on, first_sale_yet_to_occur) = match d.first_sale {
        Some(FirstSale::On(date)) => (Some(date), false),
        Some(FirstSale::YetToOccur) => (None, true),
        None => (None, false),
    };
    funding_rounds::Model {
        id: 0,
        key,
        company_id,
        announced_on: filed,
        first_sale_on,
        first_sale_yet_to_occur,
        stage: "unstated".into(),
        sector: sector.to_string(),
        state: d.state.clone(),
        amount_offered,
        offering_indefinite,
        amount_sold: d.total_sold,
        amount_remaining: match d.total_remaining {
            Some(Amount::Dollars(x)) => Some(x),
            _ => None,
        },
        investor_count: d.investors.and_then(|n| i32::try_from(n).ok()),
        minimum_investment: d.minimum_investment,
        currency: CURRENCY.into(),
        form_type: if d.is_amendment { "D/A" } else { "D" }.into(),
        accession: Some(accession.to_string()),
        original_accession: Some(original.to_string()),
        notable: false,
        source: SOURCE.into(),
        source_id: accession.to_string(),
        fetched_at: now,
    }
}

/// The fund a venture capital fund's Form D describes. Vintage: the year of first sale,
/// else the year of filing.
pub fn fund_from_form_d(d: &FormD, accession: &str, filed: NaiveDate, now: DateTime<Utc>) -> funds::Model {
    let (target_size, target_indefinite) = match d.total_offering {
        Amount::Dollars(x) => (Some(x), false),
        Amount::Indefinite => (None, true),
    };
    let vintage = match d.first_sale {
        Some(FirstSale::On(date)) => date.year(),
        _ => filed.year(),
    };
    funds::Model {
        id: 0,
        key: format!("cik:{}", d.cik),
        cik: Some(d.cik as i64),
        name: d.entity_name.clone(),
        manager_id: None,
        vintage: Some(vintage),
        target_size,
        target_indefinite,
        amount_raised: d.total_sold,
        investor_count: d.investors.and_then(|n| i32::try_from(n).ok()),
        strategy: VENTURE_FUND_STRATEGY.into(),
        state: d.state.clone(),
        currency: CURRENCY.into(),
        accession: Some(accession.to_string()),
        source: SOURCE.into(),
        source_id: accession.to_string(),
        fetched_at: now,
    }
}

/// (amendment?, filed on) of a filing a row shows, from the sync's own record.
async fn shown_filing(
    db: &impl ConnectionTrait,
    accession: Option<&str>,
    fallback: NaiveDate,
) -> Result<(bool, NaiveDate), DbErr> {
    let Some(acc) = accession else { return Ok((false, fallback)) };
    Ok(match edgar_filings::Entity::find_by_id(acc.to_string()).one(db).await? {
        Some(f) => (f.form == "D/A", f.filed_on),
        None => (false, fallback),
    })
}

async fn form_d_pass(
    db: &DatabaseConnection,
    edgar: &Edgar,
    entries: &[IndexEntry],
    now: DateTime<Utc>,
    out: &mut JobOutcome,
) -> Result<(), Halt> {
    let mut filings = listed(entries, &FORM_D);
    // Originals before amendments, so a same-day D/A finds its D.
    filings.sort_by_key(|l| (l.form == "D/A", l.accession));
    let accessions: Vec<&str> = filings.iter().map(|l| l.accession).collect();
    let seen = known(db, &accessions).await?;
    for l in filings.iter().filter(|l| !seen.contains(l.accession)) {
        out.items += 1;
        let party = filer(l);
        let d = match edgar.form_d(party.cik, l.accession).await {
            Ok(d) => d,
            Err(e) if e.is_about_the_filing() => {
                let why = e.to_string();
                out.rows_written += record(db, l, party.cik, "error", Some(why.clone()), now).await?;
                out.failures.push(format!("{}: {why}", l.accession));
                continue;
            }
            Err(e) => {
                on_edgar_error(e, l.accession, out)?;
                continue;
            }
        };
        match becomes(&d, l.accession) {
            Becomes::Skip(why) => out.rows_written += record(db, l, d.cik, "skipped", Some(why), now).await?,
            Becomes::Fund => out.rows_written += store_fund(db, l, &d, now).await?,
            Becomes::Round { original } => {
                let key = format!("cik:{}", d.cik);
                let old = companies::Entity::find().filter(companies::Column::Key.eq(key)).one(db).await?;
                // New companies get their SIC code, tickers and website from EDGAR's
                // submissions JSON: one more request, only once per company.
                let subs = match old {
                    Some(_) => None,
                    None => submissions(edgar, d.cik, out).await?,
                };
                out.rows_written += store_round(db, l, &d, &original, subs.as_ref(), old.as_ref(), now).await?;
            }
        }
    }
    Ok(())
}

async fn store_fund(db: &DatabaseConnection, l: &Listed<'_>, d: &FormD, now: DateTime<Utc>) -> Result<u64, DbErr> {
    let txn = crate::db::begin_write(db).await?;
    let key = format!("cik:{}", d.cik);
    let old = funds::Entity::find().filter(funds::Column::Key.eq(key)).one(&txn).await?;
    let mut row = fund_from_form_d(d, l.accession, l.filed, now);
    let mut written = 0;
    let apply = match &old {
        None => true,
        Some(o) => {
            let (amended, filed) = shown_filing(&txn, o.accession.as_deref(), o.fetched_at.date_naive()).await?;
            let shown = (amended, filed, o.accession.as_deref().unwrap_or(""));
            replaces(shown, (d.is_amendment, l.filed, l.accession))
        }
    };
    if apply {
        if let Some(o) = &old {
            // What an import or an earlier filing set and a Form D does not say.
            row.manager_id = o.manager_id;
            row.vintage = match (o.vintage, row.vintage) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
        }
        written += wrote(store::upsert_fund(&txn, row).await?.1);
    }
    written += record(&txn, l, d.cik, "stored", None, now).await?;
    txn.commit().await?;
    Ok(written)
}

async fn store_round(
    db: &DatabaseConnection,
    l: &Listed<'_>,
    d: &FormD,
    original: &str,
    subs: Option<&Submissions>,
    old_company: Option<&companies::Model>,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let txn = crate::db::begin_write(db).await?;
    let mut written = 0;
    let company = merge_company(company_from_form_d(d, subs, l.accession, now), old_company);
    let sector = company.sector.clone();
    let (company_id, change) = store::upsert_company(&txn, company).await?;
    written += wrote(change);

    // An amendment of an amendment names the one before it: find the round that shows (or
    // was opened by) that filing, so the chain stays one round.
    let mut key = format!("edgar:{original}");
    if original != l.accession {
        let by_filing = funding_rounds::Entity::find()
            .filter(
                Condition::any()
                    .add(funding_rounds::Column::Accession.eq(original))
                    .add(funding_rounds::Column::OriginalAccession.eq(original)),
            )
            .one(&txn)
            .await?;
        if let Some(r) = by_filing {
            key = r.key;
        }
    }
    let old = funding_rounds::Entity::find().filter(funding_rounds::Column::Key.eq(key.clone())).one(&txn).await?;
    let mut row = round_from_form_d(
        d,
        key,
        company_id,
        &sector,
        FromFiling { accession: l.accession, original, filed: l.filed },
        now,
    );
    let row = match old {
        None => row,
        Some(o) => {
            let (amended, filed) = shown_filing(&txn, o.accession.as_deref(), o.announced_on).await?;
            let shown = (amended || o.form_type == "D/A", filed, o.accession.as_deref().unwrap_or(""));
            if replaces(shown, (d.is_amendment, l.filed, l.accession)) {
                // The round was announced by its original filing: the earliest date.
                row.announced_on = o.announced_on.min(l.filed);
                row.original_accession = o.original_accession.clone().or(row.original_accession);
                // `notable` stays as funding_tracker set it: store::upsert_round keeps it.
                row
            } else {
                // The original, met after its amendment: its figures stay superseded, but
                // the round dates from it.
                funding_rounds::Model { announced_on: o.announced_on.min(l.filed), ..o }
            }
        }
    };
    written += wrote(store::upsert_round(&txn, row).await?.1);
    written += record(&txn, l, d.cik, "stored", None, now).await?;
    txn.commit().await?;
    Ok(written)
}

// ---------------------------------------------------------------------------------------
// Companies known only from the index (IPO filers, parties to acquisitions)

/// A company named by an index line, with what its submissions JSON adds: sector from the
/// SIC code (else Other), tickers, website, business address.
pub fn company_from_index(
    party: &IndexEntry,
    subs: Option<&Submissions>,
    accession: &str,
    now: DateTime<Utc>,
) -> companies::Model {
    let sic = subs.and_then(|s| s.sic);
    let name = subs.map(|s| s.name.clone()).filter(|n| !n.is_empty()).unwrap_or_else(|| party.company.clone());
    companies::Model {
        id: 0,
        key: format!("cik:{}", party.cik),
        cik: Some(party.cik as i64),
        name_key: store::name_key(&name),
        name,
        sector: sic.map(sector::from_sic).unwrap_or(Sector::Other).slug().to_string(),
        state: subs.and_then(|s| s.state.clone()),
        city: subs.and_then(|s| s.city.clone()),
        jurisdiction: subs.and_then(|s| s.state_of_incorporation.clone()),
        year_of_inc: None,
        sic: sic.map(i32::from),
        industry_group: None,
        website: subs.and_then(|s| s.website.clone()),
        description: None,
        tickers: subs.map(|s| s.tickers.join(",")).filter(|t| !t.is_empty()),
        source: SOURCE.into(),
        source_id: accession.to_string(),
        fetched_at: now,
    }
}

/// A company row for an index party: the stored one, or `None` with the submissions JSON
/// fetched for the caller to insert (in its own transaction).
async fn party_details(
    db: &impl ConnectionTrait,
    edgar: &Edgar,
    party: &IndexEntry,
    out: &mut JobOutcome,
) -> Result<Result<companies::Model, Option<Submissions>>, Halt> {
    let key = format!("cik:{}", party.cik);
    match companies::Entity::find().filter(companies::Column::Key.eq(key)).one(db).await? {
        Some(c) => Ok(Ok(c)),
        None => Ok(Err(submissions(edgar, party.cik, out).await?)),
    }
}

/// The company's id and sector, inserting it when new. An existing company is left as it
/// is: its Form D or an import says more than an index line.
async fn ensure_company(
    txn: &impl ConnectionTrait,
    party: &IndexEntry,
    details: Result<companies::Model, Option<Submissions>>,
    accession: &str,
    now: DateTime<Utc>,
    written: &mut u64,
) -> Result<(i32, String), DbErr> {
    match details {
        Ok(c) => Ok((c.id, c.sector)),
        Err(subs) => {
            let row = company_from_index(party, subs.as_ref(), accession, now);
            let sector = row.sector.clone();
            let (id, change) = store::upsert_company(txn, row).await?;
            *written += wrote(change);
            Ok((id, sector))
        }
    }
}

// ---------------------------------------------------------------------------------------
// IPO pipeline

/// What a filing does to a company's pipeline entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IpoStep {
    Open { status: &'static str, amendments: i32 },
    Move { status: &'static str },
    Skip(&'static str),
}

/// The pipeline's transition rule: `current` is the entry's status (`None`: no entry).
pub fn ipo_step(current: Option<&str>, form: &str) -> IpoStep {
    use IpoStep::*;
    let open = matches!(current, Some("filed" | "amended"));
    match form {
        "S-1" | "F-1" => match current {
            None => Open { status: "filed", amendments: 0 },
            // Withdrawn, then registered again: the entry is back in the pipeline.
            Some("withdrawn") => Move { status: "filed" },
            Some("priced") => Skip("a registration statement of a company that has already priced its IPO"),
            _ => Skip("a second registration statement for a company already in the pipeline"),
        },
        "S-1/A" | "F-1/A" => match current {
            None => Open { status: "amended", amendments: 1 },
            _ if open => Move { status: "amended" },
            _ => Skip("an amendment after the IPO priced or was withdrawn"),
        },
        "424B4" if open => Move { status: "priced" },
        "424B4" if current.is_none() => Skip(
            "a 424B4 of a company with no S-1 or F-1 in the pipeline (a follow-on offering, or an IPO registered before the sync began)",
        ),
        "424B4" => Skip("a 424B4 after the IPO priced or was withdrawn"),
        "RW" if open => Move { status: "withdrawn" },
        "RW" => Skip("a withdrawal for a company with no open IPO registration"),
        _ => Skip("not an IPO form"),
    }
}

/// Order within a day: registrations, amendments, prices, withdrawals.
pub fn ipo_rank(form: &str) -> u8 {
    match form {
        "S-1" | "F-1" => 0,
        "S-1/A" | "F-1/A" => 1,
        "424B4" => 2,
        _ => 3,
    }
}

/// The entry after a step (for `Move`).
pub fn moved_ipo(old: &ipo_filings::Model, status: &str, form: &str, on: NaiveDate) -> ipo_filings::Model {
    let mut m = old.clone();
    m.status = status.to_string();
    m.last_event_on = old.last_event_on.max(on);
    match status {
        "amended" => m.amendments += 1,
        "priced" => m.priced_on = Some(on),
        "withdrawn" => m.withdrawn_on = Some(on),
        "filed" if form == "S-1" || form == "F-1" => {
            m.withdrawn_on = None;
            // A new registration is a new offering: the withdrawn one's terms do not carry over.
            m = with_terms(m, None, None);
        }
        _ => {}
    }
    m
}

/// Forms whose primary document may state the offering's terms.
pub fn states_terms(form: &str) -> bool {
    matches!(form, "S-1" | "F-1" | "S-1/A" | "F-1/A" | "424B4")
}

/// The filing a pipeline entry's terms come from: (form, accession, filed on).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TermsSource<'a> {
    pub form: &'a str,
    pub accession: &'a str,
    pub filed: NaiveDate,
}

/// Whether a filing's terms replace those the entry shows: the newer filing wins (by
/// date, then registration < amendment < 424B4 on the same day), so an amendment's range
/// replaces the S-1's fee-table figure and a 424B4's price replaces the range, and a
/// backfill meeting an older filing late does not undo a newer one.
pub fn terms_replace(row: &ipo_filings::Model, incoming: TermsSource<'_>) -> bool {
    match (row.terms_filed_on, row.terms_form.as_deref()) {
        (Some(on), Some(form)) => (incoming.filed, ipo_rank(incoming.form)) >= (on, ipo_rank(form)),
        _ => true,
    }
}

/// The entry with one document's terms in place of whatever it showed (all of them, so
/// every figure shown comes from the one filing named); `None` clears them.
pub fn with_terms(mut m: ipo_filings::Model, o: Option<&Offering>, from: Option<TermsSource<'_>>) -> ipo_filings::Model {
    m.price_low = o.and_then(|o| o.price_low);
    m.price_high = o.and_then(|o| o.price_high);
    m.shares_offered = o.and_then(|o| o.shares).and_then(|n| i64::try_from(n).ok());
    m.offering_amount = o.and_then(|o| o.amount);
    m.terms_form = from.map(|f| f.form.to_string());
    m.terms_accession = from.map(|f| f.accession.to_string());
    m.terms_filed_on = from.map(|f| f.filed);
    m
}

/// What reading a filing's primary document gave.
#[derive(Debug, Clone, PartialEq)]
enum TermsRead {
    /// Read; `None` when it states no term.
    Read(Option<Offering>),
    /// Not read, and why; `paused` when EDGAR's rate page was the reason.
    Unknown { why: String, paused: bool },
}

/// The submissions JSON of a CIK, once per pass: it names each filing's primary document.
async fn submissions_cached<'c>(
    edgar: &Edgar,
    cik: u64,
    cache: &'c mut HashMap<u64, Result<Submissions, (String, bool)>>,
) -> &'c Result<Submissions, (String, bool)> {
    if !cache.contains_key(&cik) {
        let got = edgar.submissions(cik).await.map_err(|e| {
            let paused = e.stops_the_run();
            (format!("submissions JSON of CIK {cik}: {e}"), paused)
        });
        cache.insert(cik, got);
    }
    &cache[&cik]
}

/// The offering terms a filing's primary document states: found through the filer's
/// submissions JSON, then the first part of the document read and parsed.
async fn read_terms(
    edgar: &Edgar,
    l: &Listed<'_>,
    cik: u64,
    cache: &mut HashMap<u64, Result<Submissions, (String, bool)>>,
) -> TermsRead {
    let document = match submissions_cached(edgar, cik, cache).await {
        Err((why, paused)) => return TermsRead::Unknown { why: why.clone(), paused: *paused },
        Ok(subs) => subs.filings.iter().find(|f| f.accession == l.accession).map(|f| f.primary_document.clone()),
    };
    let Some(document) = document.filter(|d| !d.trim().is_empty()) else {
        return TermsRead::Unknown {
            why: format!("the submissions JSON of CIK {cik} names no primary document for {}", l.accession),
            paused: false,
        };
    };
    match edgar.prospectus_terms(cik, l.accession, &document).await {
        Ok(t) => TermsRead::Read(offering(&t, l.form == "424B4")),
        Err(e) => TermsRead::Unknown { why: format!("{document}: {e}"), paused: e.stops_the_run() },
    }
}

async fn ipo_pass(
    db: &DatabaseConnection,
    edgar: &Edgar,
    entries: &[IndexEntry],
    now: DateTime<Utc>,
    out: &mut JobOutcome,
) -> Result<(), Halt> {
    let mut filings = listed(entries, &IPO_FORMS);
    filings.sort_by_key(|l| (ipo_rank(l.form), l.accession));
    let accessions: Vec<&str> = filings.iter().map(|l| l.accession).collect();
    let seen = known(db, &accessions).await?;
    let mut subs_cache = HashMap::new();
    for l in filings.iter().filter(|l| !seen.contains(l.accession)) {
        out.items += 1;
        let party = filer(l);
        let key = format!("cik:{}", party.cik);
        let current = ipo_filings::Entity::find().filter(ipo_filings::Column::Key.eq(key.clone())).one(db).await?;
        let step = ipo_step(current.as_ref().map(|c| c.status.as_str()), l.form);
        let details = match step {
            IpoStep::Open { .. } => Some(party_details(db, edgar, party, out).await?),
            _ => None,
        };
        if let Some(Err(Some(subs))) = &details {
            subs_cache.insert(party.cik, Ok(subs.clone()));
        }
        // The terms are read before the transaction: no network call holds it open.
        let terms = match step {
            IpoStep::Skip(_) => None,
            _ if states_terms(l.form) => Some(read_terms(edgar, l, party.cik, &mut subs_cache).await),
            _ => None,
        };
        let txn = crate::db::begin_write(db).await?;
        let mut written = 0;
        let (row, status) = match (step, current, details) {
            (IpoStep::Skip(why), _, _) => {
                written += record(&txn, l, party.cik, "skipped", Some(why.to_string()), now).await?;
                txn.commit().await?;
                out.rows_written += written;
                continue;
            }
            (IpoStep::Open { status, amendments }, _, Some(details)) => {
                let (company_id, sector) = ensure_company(&txn, party, details, l.accession, now, &mut written).await?;
                let row = ipo_filings::Model {
                    id: 0,
                    key,
                    cik: Some(party.cik as i64),
                    company_id: Some(company_id),
                    company_name: party.company.clone(),
                    sector,
                    form: l.form.trim_end_matches("/A").to_string(),
                    status: status.to_string(),
                    filed_on: l.filed,
                    last_event_on: l.filed,
                    priced_on: None,
                    withdrawn_on: None,
                    amendments,
                    accession: l.accession.to_string(),
                    price_low: None,
                    price_high: None,
                    shares_offered: None,
                    offering_amount: None,
                    terms_form: None,
                    terms_accession: None,
                    terms_filed_on: None,
                    source: SOURCE.into(),
                    source_id: l.accession.to_string(),
                    fetched_at: now,
                };
                (row, status)
            }
            (IpoStep::Move { status }, Some(old), _) => (moved_ipo(&old, status, l.form, l.filed), status),
            _ => unreachable!("a move has a current entry and an opening has its details"),
        };
        let from = TermsSource { form: l.form, accession: l.accession, filed: l.filed };
        let (row, unknown) = match &terms {
            Some(TermsRead::Read(Some(o))) if terms_replace(&row, from) => (with_terms(row, Some(o), Some(from)), None),
            Some(TermsRead::Unknown { why, paused }) => (row, Some((why.clone(), *paused))),
            _ => (row, None),
        };
        let (ipo_id, change) = store::upsert_ipo(&txn, row).await?;
        written += wrote(change);
        let event = ipo_events::Model {
            id: 0,
            ipo_id,
            form: l.form.to_string(),
            filed_on: l.filed,
            accession: l.accession.to_string(),
            status: status.to_string(),
        };
        written += wrote(store::record_ipo_event(&txn, event).await?);
        // The move is stored all the same; the filing's record says why its terms are unknown.
        let note = unknown.as_ref().map(|(why, _)| format!("offering terms unknown: {why}"));
        written += record(&txn, l, party.cik, "stored", note.clone(), now).await?;
        txn.commit().await?;
        out.rows_written += written;
        if let (Some(note), Some((_, paused))) = (note, unknown) {
            if paused {
                out.failures.push(format!("{}: {note}; the rest is left for the next run", l.accession));
                return Err(Halt::Paused);
            }
            out.failures.push(format!("{}: {note}", l.accession));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Acquisitions

/// The status a deal's first filing gives it: an S-4 registers the shares of an announced
/// merger; a definitive merger proxy and a tender offer put it to the target's holders.
pub fn acquisition_status(form: &str) -> &'static str {
    match form {
        "S-4" => "announced",
        _ => "pending",
    }
}

/// Statuses of a deal not yet closed.
pub const OPEN_DEALS: [&str; 2] = ["announced", "pending"];

/// (acquirer, target) as far as the index tells: the S-4 filer is the acquirer, the
/// DEFM14A filer the target, and a tender offer lists both (see the module note).
pub fn acquisition_parties<'a>(l: &Listed<'a>) -> (Option<&'a IndexEntry>, Option<&'a IndexEntry>) {
    let filer = filer(l);
    match l.form {
        "S-4" => (Some(filer), None),
        "DEFM14A" => (None, Some(filer)),
        _ if l.parties.len() == 1 => (None, Some(filer)),
        _ => {
            let prefix: Option<u64> = l.accession.split('-').next().and_then(|p| p.parse().ok());
            if filer.cik == prefix.unwrap_or(0) {
                (Some(filer), l.parties.iter().find(|p| p.cik != filer.cik).copied())
            } else {
                (l.parties.get(1).copied(), Some(l.parties[0]))
            }
        }
    }
}

async fn acquisition_pass(
    db: &DatabaseConnection,
    edgar: &Edgar,
    entries: &[IndexEntry],
    now: DateTime<Utc>,
    out: &mut JobOutcome,
) -> Result<(), Halt> {
    let filings = listed(entries, &ACQUISITION_FORMS);
    let accessions: Vec<&str> = filings.iter().map(|l| l.accession).collect();
    let seen = known(db, &accessions).await?;
    for l in filings.iter().filter(|l| !seen.contains(l.accession)) {
        out.items += 1;
        let (acquirer, target) = acquisition_parties(l);
        let acquirer_details = match acquirer {
            Some(p) => Some(party_details(db, edgar, p, out).await?),
            None => None,
        };
        let target_details = match target {
            Some(p) => Some(party_details(db, edgar, p, out).await?),
            None => None,
        };
        let txn = crate::db::begin_write(db).await?;
        let mut written = 0;
        let a = match (acquirer, acquirer_details) {
            (Some(p), Some(d)) => Some(ensure_company(&txn, p, d, l.accession, now, &mut written).await?),
            _ => None,
        };
        let t = match (target, target_details) {
            (Some(p), Some(d)) => Some(ensure_company(&txn, p, d, l.accession, now, &mut written).await?),
            _ => None,
        };
        let sector = t.as_ref().or(a.as_ref()).map(|(_, s)| s.clone()).unwrap_or_else(|| Sector::Other.slug().into());
        let row = acquisitions::Model {
            id: 0,
            key: format!("edgar:{}", l.accession),
            acquirer_id: a.map(|(id, _)| id),
            acquirer_name: acquirer.map(|p| p.company.clone()),
            target_id: t.map(|(id, _)| id),
            target_name: target.map(|p| p.company.clone()),
            announced_on: l.filed,
            closed_on: None,
            price: None,
            status: acquisition_status(l.form).into(),
            sector,
            form_type: l.form.to_string(),
            accession: Some(l.accession.to_string()),
            last_filing_on: Some(l.filed),
            source: SOURCE.into(),
            source_id: l.accession.to_string(),
            fetched_at: now,
        };
        written += wrote(store::upsert_acquisition(&txn, row).await?);
        let cik = target.or(acquirer).map_or(filer(l).cik, |p| p.cik);
        written += record(&txn, l, cik, "stored", None, now).await?;
        txn.commit().await?;
        out.rows_written += written;
    }
    eight_k_pass(db, entries, now, out).await?;
    Ok(())
}

/// 8-Ks of parties to open deals move the deal's `last_filing_on`; those are recorded
/// (the company's filings list shows them), every other 8-K is left alone.
async fn eight_k_pass(
    db: &DatabaseConnection,
    entries: &[IndexEntry],
    now: DateTime<Utc>,
    out: &mut JobOutcome,
) -> Result<(), DbErr> {
    let filings = listed(entries, &["8-K"]);
    if filings.is_empty() {
        return Ok(());
    }
    let open = acquisitions::Entity::find()
        .filter(acquisitions::Column::Status.is_in(OPEN_DEALS))
        .filter(acquisitions::Column::Source.eq(SOURCE))
        .all(db)
        .await?;
    let ids: HashSet<i32> = open.iter().flat_map(|a| [a.acquirer_id, a.target_id]).flatten().collect();
    if ids.is_empty() {
        return Ok(());
    }
    let parties = companies::Entity::find().filter(companies::Column::Id.is_in(ids)).all(db).await?;
    let by_cik: HashMap<i64, i32> = parties.iter().filter_map(|c| c.cik.map(|k| (k, c.id))).collect();
    let mut deals = open;
    let relevant: Vec<&Listed> =
        filings.iter().filter(|l| l.parties.iter().any(|p| by_cik.contains_key(&(p.cik as i64)))).collect();
    let accessions: Vec<&str> = relevant.iter().map(|l| l.accession).collect();
    let seen = known(db, &accessions).await?;
    for l in relevant.into_iter().filter(|l| !seen.contains(l.accession)) {
        let txn = crate::db::begin_write(db).await?;
        let mut written = 0;
        let mut party_cik = None;
        for deal in deals.iter_mut() {
            let hit = l.parties.iter().find(|p| {
                let id = by_cik.get(&(p.cik as i64)).copied();
                id.is_some() && (id == deal.acquirer_id || id == deal.target_id)
            });
            let Some(p) = hit else { continue };
            if deal.announced_on > l.filed || deal.last_filing_on.is_some_and(|d| d >= l.filed) {
                continue;
            }
            deal.last_filing_on = Some(l.filed);
            written += wrote(store::upsert_acquisition(&txn, deal.clone()).await?);
            party_cik = Some(p.cik);
        }
        if let Some(cik) = party_cik {
            out.items += 1;
            written += record(&txn, l, cik, "stored", None, now).await?;
        }
        txn.commit().await?;
        out.rows_written += written;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn entry(form: &str, company: &str, cik: u64, acc: &str) -> IndexEntry {
        IndexEntry {
            form: form.into(),
            company: company.into(),
            cik,
            filed: date("2026-11-18"),
            path: format!("edgar/data/{cik}/{acc}.txt"),
            accession: acc.into(),
        }
    }

    fn form_d(amendment: bool, previous: Option<&str>, group: &str, fund_type: Option<&str>) -> FormD {
        FormD {
            submission_type: if amendment { "D/A" } else { "D" }.into(),
            is_amendment: amendment,
            previous_accession: previous.map(str::to_string),
            cik: 1_900_001,
            entity_name: "Example Robotics, Inc.".into(),
            entity_type: Some("Corporation".into()),
            state: Some("TX".into()),
            jurisdiction: Some("DELAWARE".into()),
            year_of_inc: Some(2024),
            industry_group: group.into(),
            fund_type: fund_type.map(str::to_string),
            total_offering: Amount::Indefinite,
            total_sold: Some(4_500_000.0),
            total_remaining: Some(Amount::Indefinite),
            first_sale: Some(FirstSale::YetToOccur),
            investors: Some(12),
            minimum_investment: None,
            exemptions: vec![],
            related_persons: vec![],
        }
    }

    #[test]
    fn a_form_d_becomes_a_round_a_fund_or_nothing() {
        let acc = "0001900001-26-000002";
        assert_eq!(
            becomes(&form_d(false, None, "Other Technology", None), acc),
            Becomes::Round { original: acc.into() }
        );
        assert_eq!(
            becomes(&form_d(true, Some("0001900001-26-000001"), "Other Technology", None), acc),
            Becomes::Round { original: "0001900001-26-000001".into() },
            "an amendment keeps its original's round"
        );
        assert_eq!(
            becomes(&form_d(true, None, "Biotechnology", None), acc),
            Becomes::Round { original: acc.into() },
            "an amendment that names no original is its own round"
        );
        let vc = form_d(false, None, "Pooled Investment Fund", Some("Venture Capital Fund"));
        assert_eq!(becomes(&vc, acc), Becomes::Fund);
        let hedge = form_d(false, None, "Pooled Investment Fund", Some("Hedge Fund"));
        assert_eq!(becomes(&hedge, acc), Becomes::Skip("pooled fund (Hedge Fund), not venture".into()));
    }

    #[test]
    fn later_filings_replace_earlier_ones_but_an_original_never_undoes_its_amendment() {
        let (d1, d2) = (date("2026-11-17"), date("2026-11-18"));
        assert!(replaces((false, d1, "a"), (true, d2, "b")));
        assert!(replaces((false, d2, "b"), (true, d1, "a")), "an amendment wins even if met first by date order");
        assert!(!replaces((true, d2, "b"), (false, d1, "a")));
        assert!(!replaces((true, d2, "b"), (false, d2, "z")));
        assert!(replaces((true, d1, "a"), (true, d2, "b")), "the later amendment wins");
        assert!(!replaces((true, d2, "b"), (true, d1, "c")));
        assert!(replaces((false, d1, "a"), (false, d1, "a")), "the same filing again changes nothing");
    }

    #[test]
    fn indefinite_and_yet_to_occur_become_null_with_their_flags() {
        let d = form_d(false, None, "Other Technology", None);
        let now = Utc::now();
        let from = FromFiling { accession: "a", original: "a", filed: date("2026-11-18") };
        let r = round_from_form_d(&d, "edgar:a".into(), 7, "ai-software", from, now);
        assert_eq!((r.amount_offered, r.offering_indefinite), (None, true));
        assert_eq!((r.first_sale_on, r.first_sale_yet_to_occur), (None, true));
        assert_eq!((r.amount_sold, r.amount_remaining, r.investor_count), (Some(4_500_000.0), None, Some(12)));
        assert_eq!((r.stage.as_str(), r.form_type.as_str(), r.notable), ("unstated", "D", false));
        let mut sold = d.clone();
        sold.total_offering = Amount::Dollars(6e6);
        sold.first_sale = Some(FirstSale::On(date("2026-11-02")));
        let r = round_from_form_d(&sold, "edgar:a".into(), 7, "ai-software", from, now);
        assert_eq!((r.amount_offered, r.offering_indefinite), (Some(6e6), false));
        assert_eq!((r.first_sale_on, r.first_sale_yet_to_occur), (Some(date("2026-11-02")), false));
    }

    #[test]
    fn a_venture_fund_dates_from_its_first_sale_else_its_filing() {
        let now = Utc::now();
        let mut d = form_d(false, None, "Pooled Investment Fund", Some("Venture Capital Fund"));
        let f = fund_from_form_d(&d, "a", date("2026-11-18"), now);
        assert_eq!((f.vintage, f.target_size, f.target_indefinite), (Some(2026), None, true));
        assert_eq!(
            (f.amount_raised, f.investor_count, f.strategy.as_str()),
            (Some(4.5e6), Some(12), "Venture Capital Fund")
        );
        d.first_sale = Some(FirstSale::On(date("2025-12-30")));
        d.total_offering = Amount::Dollars(5e7);
        let f = fund_from_form_d(&d, "a", date("2026-11-18"), now);
        assert_eq!((f.vintage, f.target_size, f.key.as_str()), (Some(2025), Some(5e7), "cik:1900001"));
    }

    #[test]
    fn a_form_d_saying_other_takes_its_sector_from_the_sic_code() {
        let other = form_d(false, None, "Other", None);
        assert_eq!(company_sector(&other, Some(2834)), Sector::Biotech);
        assert_eq!(company_sector(&other, None), Sector::Other);
        assert_eq!(company_sector(&form_d(false, None, "Biotechnology", None), Some(7372)), Sector::Biotech);
    }

    #[test]
    fn a_new_filing_keeps_what_it_does_not_say() {
        let now = Utc::now();
        let d = form_d(false, None, "Other", None);
        let mut old = company_from_form_d(&form_d(false, None, "Other Technology", None), None, "a", now);
        old.sic = Some(7372);
        old.website = Some("https://example.com".into());
        old.tickers = Some("EXR".into());
        let merged = merge_company(company_from_form_d(&d, None, "b", now), Some(&old));
        assert_eq!(merged.sector, "ai-software", "Other does not overwrite a known sector");
        assert_eq!(
            (merged.sic, merged.website.as_deref(), merged.tickers.as_deref()),
            (Some(7372), Some("https://example.com"), Some("EXR"))
        );
        assert_eq!(merged.industry_group.as_deref(), Some("Other"), "the filing's own facts win");
    }

    #[test]
    fn the_ipo_pipeline_moves_filed_amended_priced_or_withdrawn() {
        use IpoStep::*;
        assert_eq!(ipo_step(None, "S-1"), Open { status: "filed", amendments: 0 });
        assert_eq!(ipo_step(None, "F-1/A"), Open { status: "amended", amendments: 1 });
        assert_eq!(ipo_step(Some("filed"), "S-1/A"), Move { status: "amended" });
        assert_eq!(ipo_step(Some("amended"), "F-1/A"), Move { status: "amended" });
        assert_eq!(ipo_step(Some("amended"), "424B4"), Move { status: "priced" });
        assert_eq!(ipo_step(Some("filed"), "RW"), Move { status: "withdrawn" });
        assert_eq!(ipo_step(Some("withdrawn"), "S-1"), Move { status: "filed" });
        for (current, form) in [
            (None, "424B4"),
            (None, "RW"),
            (Some("priced"), "424B4"),
            (Some("priced"), "RW"),
            (Some("withdrawn"), "424B4"),
        ] {
            assert!(matches!(ipo_step(current, form), Skip(_)), "{current:?} {form}");
        }
        assert!(matches!(ipo_step(Some("filed"), "S-1"), Skip(_)));
        let mut forms = ["RW", "424B4", "S-1/A", "S-1"];
        forms.sort_by_key(|f| ipo_rank(f));
        assert_eq!(forms, ["S-1", "S-1/A", "424B4", "RW"]);
    }

    #[test]
    fn a_moved_entry_keeps_its_history() {
        let old = ipo_filings::Model {
            id: 3,
            key: "cik:5".into(),
            cik: Some(5),
            company_id: None,
            company_name: "X".into(),
            sector: "other".into(),
            form: "S-1".into(),
            status: "amended".into(),
            filed_on: date("2026-10-01"),
            last_event_on: date("2026-11-01"),
            priced_on: None,
            withdrawn_on: None,
            amendments: 2,
            accession: "a".into(),
            price_low: Some(15.0),
            price_high: Some(17.0),
            shares_offered: Some(1_000_000),
            offering_amount: Some(1.7e7),
            terms_form: Some("S-1/A".into()),
            terms_accession: Some("a".into()),
            terms_filed_on: Some(date("2026-11-01")),
            source: "edgar".into(),
            source_id: "a".into(),
            fetched_at: Utc::now(),
        };
        let m = moved_ipo(&old, "amended", "S-1/A", date("2026-11-18"));
        assert_eq!((m.amendments, m.last_event_on, m.filed_on), (3, date("2026-11-18"), date("2026-10-01")));
        let p = moved_ipo(&old, "priced", "424B4", date("2026-11-20"));
        assert_eq!((p.status.as_str(), p.priced_on, p.amendments), ("priced", Some(date("2026-11-20")), 2));
        assert_eq!((p.price_high, p.terms_form.as_deref()), (Some(17.0), Some("S-1/A")), "terms stay until a document replaces them");

        // The newest document's terms replace the row's, all of them.
        let b4 = TermsSource { form: "424B4", accession: "c", filed: date("2026-11-20") };
        assert!(terms_replace(&p, b4));
        let final_price = Offering { price_low: Some(17.5), price_high: Some(17.5), shares: None, amount: None };
        let t = with_terms(p.clone(), Some(&final_price), Some(b4));
        assert_eq!((t.price_low, t.price_high, t.shares_offered, t.offering_amount), (Some(17.5), Some(17.5), None, None));
        assert_eq!((t.terms_form.as_deref(), t.terms_accession.as_deref(), t.terms_filed_on), (Some("424B4"), Some("c"), Some(date("2026-11-20"))));
        // An older filing met late, or a registration on the same day as its amendment, does not.
        assert!(!terms_replace(&t, TermsSource { form: "S-1/A", accession: "b", filed: date("2026-11-19") }));
        assert!(!terms_replace(&t, TermsSource { form: "S-1/A", accession: "b", filed: date("2026-11-20") }));
        let none = ipo_filings::Model { terms_form: None, terms_filed_on: None, ..old.clone() };
        assert!(terms_replace(&none, TermsSource { form: "S-1", accession: "a", filed: date("2026-01-01") }));

        // Registered again after a withdrawal: a new offering, without the old terms.
        let w = moved_ipo(&old, "withdrawn", "RW", date("2026-11-20"));
        assert_eq!(w.price_low, Some(15.0));
        let again = moved_ipo(&w, "filed", "S-1", date("2026-12-01"));
        assert_eq!((again.price_low, again.offering_amount, again.terms_form), (None, None, None));
        assert!(states_terms("S-1/A") && states_terms("424B4") && !states_terms("RW"));
    }

    #[test]
    fn filings_are_grouped_by_accession_and_the_filer_found_by_its_prefix() {
        let entries = vec![
            entry("SC TO-T", "Bidder Holdings Corp", 1_800_001, "0001800001-26-000010"),
            entry("SC TO-T", "Quillfish Therapeutics, Inc.", 1_700_002, "0001800001-26-000010"),
            entry("SC TO-T", "Quillfish Therapeutics, Inc.", 1_700_002, "0001800001-26-000010"),
            entry("S-4", "Big Parent Inc", 1_600_003, "0001193125-26-000011"),
            entry("S-4", "Big Parent Sub LLC", 1_600_004, "0001193125-26-000011"),
            entry("DEFM14A", "Target Grocers Inc", 1_500_005, "0001193125-26-000012"),
            entry("10-K", "Unrelated Inc", 1_400_006, "0001400006-26-000001"),
        ];
        let l = listed(&entries, &ACQUISITION_FORMS);
        assert_eq!(l.len(), 3);
        assert_eq!(l[0].parties.len(), 2, "a duplicate line is one party");
        let (a, t) = acquisition_parties(&l[0]);
        assert_eq!((a.unwrap().cik, t.unwrap().cik), (1_800_001, 1_700_002));
        let (a, t) = acquisition_parties(&l[1]);
        assert_eq!((a.unwrap().cik, t), (1_600_003, None), "an agent-filed S-4: the first listed");
        let (a, t) = acquisition_parties(&l[2]);
        assert_eq!((a, t.unwrap().cik), (None, 1_500_005));
        assert_eq!(
            (acquisition_status("S-4"), acquisition_status("DEFM14A"), acquisition_status("SC TO-T")),
            ("announced", "pending", "pending")
        );
    }

    #[test]
    fn day_ranges_are_inclusive_and_oldest_first() {
        assert_eq!(recent_days(date("2026-11-18"), 3), [date("2026-11-16"), date("2026-11-17"), date("2026-11-18")]);
        assert_eq!(days_between(date("2026-11-30"), date("2026-12-02")).len(), 3);
        assert!(days_between(date("2026-11-30"), date("2026-11-29")).is_empty());
    }
}
