//! EDGAR into the venture tables, for the venture jobs (`jobs::venture` wires them): `vc_sync` (Form D and D/A filings to companies, funds and
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
//! What each filing becomes is decided by `venture::classify` (pure); this module fetches
//! (`sources::edgar*`), asks it, and writes.
use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::future::Future;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, IntoActiveModel, QueryFilter,
};

use crate::db::entities::{acquisitions, companies, edgar_filings, funding_rounds, funds, ipo_events, ipo_filings};
use crate::sources::edgar::{Edgar, EdgarError};
use crate::sources::edgar_index::{IndexEntry, ParsedIndex};
use crate::sources::edgar_prospectus::{offering, Offering};
use crate::sources::edgar_submissions::Submissions;
use crate::sources::form_d::FormD;
use crate::venture::classify::*;
use crate::venture::sector::Sector;
use crate::venture::upsert::{self, Change};

/// What a sync did: days, broken index lines and filings looked at, rows written, and one
/// line per failure ("what: why"); the venture jobs hand it on as their outcome.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tally {
    pub items: usize,
    pub rows_written: u64,
    pub failures: Vec<String>,
}

/// How many days, today included, `vc_sync` and `ipo_monitor` walk back: a weekend and a
/// holiday fit, and a day a paused run left unfinished is picked up. Filings already
/// recorded cost nothing but the index fetch.
pub const RECENT_DAYS: i64 = 5;

/// Where progress goes: the job's record (and a terminal bar), or nowhere.
pub trait Sink: Send + Sync {
    /// `done` of `total` days, the day now read (empty at the end), rows written so far.
    fn report(&self, done: usize, total: usize, current: String, rows: u64) -> impl Future<Output = ()> + Send;
}

/// A sink that drops progress (tests, callers without a job record).
pub struct Quiet;

impl Sink for Quiet {
    async fn report(&self, _done: usize, _total: usize, _current: String, _rows: u64) {}
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
) -> anyhow::Result<Tally> {
    run_days(db, edgar, days, Passes::VC_SYNC, Some(notable_usd), sink).await
}

/// `ipo_monitor`: the days' registration statements, prices and withdrawals, and the
/// acquisitions visible at index level.
pub async fn ipo_monitor(
    db: &DatabaseConnection,
    edgar: &Edgar,
    days: &[NaiveDate],
    sink: &impl Sink,
) -> anyhow::Result<Tally> {
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
) -> anyhow::Result<Tally> {
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

/// Counts a failed EDGAR call among the upstream failures (`crate::metrics`), every call
/// site passing its error through here. A missing User-Agent is not EDGAR failing: nothing
/// was sent, and the run's own failure says what to set.
fn counted(e: EdgarError) -> EdgarError {
    if !matches!(e, EdgarError::NotConfigured(_)) {
        crate::metrics::upstream_failure(crate::universe::Provider::Edgar.as_str());
    }
    e
}

/// Puts an EDGAR error in the outcome, and says whether the run can go on.
fn on_edgar_error(e: EdgarError, what: &str, out: &mut Tally) -> Result<(), Halt> {
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
) -> anyhow::Result<Tally> {
    let now = Utc::now();
    let mut out = Tally::default();
    let mut rounds_changed = false;
    let total = days.len();
    let mut days_done = 0;
    for (done, &date) in days.iter().enumerate() {
        sink.report(done, total, date.to_string(), out.rows_written).await;
        out.items += 1;
        let result = async {
            let Some(index) = day_index(edgar, date, &mut out).await? else { return Ok(()) };
            let day = Day { db, edgar, entries: &index.entries, now };
            if passes.form_d {
                let before = out.rows_written;
                let pass = form_d_pass(day, &mut out).await;
                // Before `?`: a pass cut short by EDGAR's pause may have stored rounds.
                rounds_changed |= out.rows_written > before;
                pass?;
            }
            if passes.ipo {
                ipo_pass(day, &mut out).await?;
            }
            if passes.acquisitions {
                acquisition_pass(day, &mut out).await?;
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
        match crate::venture::tracker::run(db, notable, now).await {
            Ok(t) => out.rows_written += t.rows,
            Err(e) => out.failures.push(format!("funding_tracker after the sync: {e}")),
        }
    }
    sink.report(days_done, total, String::new(), out.rows_written).await;
    Ok(out)
}

/// A day's index; `None` when EDGAR has no file that day (weekend, holiday) or it could not
/// be fetched (the failure is in the outcome). Broken lines are failures with their number.
async fn day_index(edgar: &Edgar, date: NaiveDate, out: &mut Tally) -> Result<Option<ParsedIndex>, Halt> {
    let file = format!("form.{}.idx", date.format("%Y%m%d"));
    match edgar.daily_index(date).await.map_err(counted) {
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

/// One day's index as each pass reads it, with the database, EDGAR and the run's clock.
#[derive(Clone, Copy)]
struct Day<'a> {
    db: &'a DatabaseConnection,
    edgar: &'a Edgar,
    entries: &'a [IndexEntry],
    now: DateTime<Utc>,
}

impl<'a> Day<'a> {
    /// The day's filings of `forms` that `edgar_filings` does not hold yet, in index order:
    /// a filing is looked at once, whichever run or backfill meets it first.
    async fn unseen(&self, forms: &[&str]) -> Result<Vec<Listed<'a>>, DbErr> {
        drop_seen(self.db, listed(self.entries, forms)).await
    }
}

/// `filings` without those `edgar_filings` already holds, in their order.
async fn drop_seen<'a>(db: &DatabaseConnection, filings: Vec<Listed<'a>>) -> Result<Vec<Listed<'a>>, DbErr> {
    let accessions: Vec<&str> = filings.iter().map(|l| l.accession).collect();
    let seen = known(db, &accessions).await?;
    Ok(filings.into_iter().filter(|l| !seen.contains(l.accession)).collect())
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
async fn submissions(edgar: &Edgar, cik: u64, out: &mut Tally) -> Result<Option<Submissions>, Halt> {
    match edgar.submissions(cik).await.map_err(counted) {
        Ok(s) => Ok(Some(s)),
        Err(e) if e.stops_the_run() => on_edgar_error(e, &format!("submissions of CIK {cik}"), out).map(|()| None),
        Err(e) => {
            tracing::warn!(cik, error = %e, "company details from the submissions JSON unavailable");
            Ok(None)
        }
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

async fn form_d_pass(day: Day<'_>, out: &mut Tally) -> Result<(), Halt> {
    let Day { db, edgar, now, .. } = day;
    let mut filings = day.unseen(&FORM_D).await?;
    // Originals before amendments, so a same-day D/A finds its D.
    filings.sort_by_key(|l| (l.form == "D/A", l.accession));
    for l in &filings {
        out.items += 1;
        let party = filer(l);
        let d = match edgar.form_d(party.cik, l.accession).await.map_err(counted) {
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
        written += wrote(upsert::upsert_fund(&txn, row).await?.1);
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
    let (company_id, change) = upsert::upsert_company(&txn, company).await?;
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
                // `notable` stays as funding_tracker set it: upsert::upsert_round keeps it.
                row
            } else {
                // The original, met after its amendment: its figures stay superseded, but
                // the round dates from it.
                funding_rounds::Model { announced_on: o.announced_on.min(l.filed), ..o }
            }
        }
    };
    written += wrote(upsert::upsert_round(&txn, row).await?.1);
    written += record(&txn, l, d.cik, "stored", None, now).await?;
    txn.commit().await?;
    Ok(written)
}

/// A company row for an index party: the stored one, or `None` with the submissions JSON
/// fetched for the caller to insert (in its own transaction).
async fn party_details(
    db: &impl ConnectionTrait,
    edgar: &Edgar,
    party: &IndexEntry,
    out: &mut Tally,
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
            let row = company_from_submissions(party.cik, &party.company, subs.as_ref(), accession, now);
            let sector = row.sector.clone();
            let (id, change) = upsert::upsert_company(txn, row).await?;
            *written += wrote(change);
            Ok((id, sector))
        }
    }
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
    if let Entry::Vacant(slot) = cache.entry(cik) {
        let got = edgar.submissions(cik).await.map_err(counted).map_err(|e| {
            let paused = e.stops_the_run();
            (format!("submissions JSON of CIK {cik}: {e}"), paused)
        });
        slot.insert(got);
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
    match edgar.prospectus_terms(cik, l.accession, &document).await.map_err(counted) {
        Ok(t) => TermsRead::Read(offering(&t, l.form == "424B4")),
        Err(e) => TermsRead::Unknown { why: format!("{document}: {e}"), paused: e.stops_the_run() },
    }
}

async fn ipo_pass(day: Day<'_>, out: &mut Tally) -> Result<(), Halt> {
    let Day { db, edgar, now, .. } = day;
    let mut filings = day.unseen(&IPO_FORMS).await?;
    filings.sort_by_key(|l| (ipo_rank(l.form), l.accession));
    let mut subs_cache = HashMap::new();
    for l in &filings {
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
        let (ipo_id, change) = upsert::upsert_ipo(&txn, row).await?;
        written += wrote(change);
        let event = ipo_events::Model {
            id: 0,
            ipo_id,
            form: l.form.to_string(),
            filed_on: l.filed,
            accession: l.accession.to_string(),
            status: status.to_string(),
        };
        written += wrote(upsert::record_ipo_event(&txn, event).await?);
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

async fn acquisition_pass(day: Day<'_>, out: &mut Tally) -> Result<(), Halt> {
    let Day { db, edgar, now, .. } = day;
    for l in &day.unseen(&ACQUISITION_FORMS).await? {
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
        written += wrote(upsert::upsert_acquisition(&txn, row).await?);
        let cik = target.or(acquirer).map_or(filer(l).cik, |p| p.cik);
        written += record(&txn, l, cik, "stored", None, now).await?;
        txn.commit().await?;
        out.rows_written += written;
    }
    eight_k_pass(day, out).await?;
    Ok(())
}

/// 8-Ks of parties to open deals move the deal's `last_filing_on`; those are recorded
/// (the company's filings list shows them), every other 8-K is left alone.
async fn eight_k_pass(day: Day<'_>, out: &mut Tally) -> Result<(), DbErr> {
    let Day { db, now, .. } = day;
    let filings = listed(day.entries, &["8-K"]);
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
    let relevant: Vec<Listed> =
        filings.into_iter().filter(|l| l.parties.iter().any(|p| by_cik.contains_key(&(p.cik as i64)))).collect();
    for l in &drop_seen(db, relevant).await? {
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
            written += wrote(upsert::upsert_acquisition(&txn, deal.clone()).await?);
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

    #[test]
    fn day_ranges_are_inclusive_and_oldest_first() {
        assert_eq!(recent_days(date("2026-11-18"), 3), [date("2026-11-16"), date("2026-11-17"), date("2026-11-18")]);
        assert_eq!(days_between(date("2026-11-30"), date("2026-12-02")).len(), 3);
        assert!(days_between(date("2026-11-30"), date("2026-11-29")).is_empty());
    }
}
