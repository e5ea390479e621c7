//! What an EDGAR filing becomes in the venture tables, decided from the filing alone: pure
//! functions from the parsed index, Form D and prospectus to rows (`ingest::edgar` fetches
//! and writes).
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
use std::collections::HashMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};

use super::sector::{self, Sector};
use super::upsert;
use crate::db::entities::{companies, funding_rounds, funds, ipo_filings};
use crate::sources::edgar_index::IndexEntry;
use crate::sources::edgar_prospectus::Offering;
use crate::sources::edgar_submissions::Submissions;
use crate::sources::form_d::{Amount, FirstSale, FormD};

pub const FORM_D: [&str; 2] = ["D", "D/A"];
pub const IPO_FORMS: [&str; 6] = ["S-1", "F-1", "S-1/A", "F-1/A", "424B4", "RW"];
pub const ACQUISITION_FORMS: [&str; 3] = ["S-4", "DEFM14A", "SC TO-T"];
pub const VENTURE_FUND_STRATEGY: &str = "Venture Capital Fund";
pub const SOURCE: &str = "edgar";
const CURRENCY: &str = "USD";

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

/// The company row a Form D describes: the form's name, sector, state, jurisdiction, year
/// and industry group over what the submissions JSON says.
pub fn company_from_form_d(
    d: &FormD,
    subs: Option<&Submissions>,
    accession: &str,
    now: DateTime<Utc>,
) -> companies::Model {
    let row = company_from_submissions(d.cik, &d.entity_name, subs, accession, now);
    companies::Model {
        name: d.entity_name.clone(),
        name_key: upsert::name_key(&d.entity_name),
        sector: company_sector(d, row.sic).slug().to_string(),
        state: d.state.clone(),
        jurisdiction: d.jurisdiction.clone(),
        year_of_inc: d.year_of_inc,
        industry_group: Some(d.industry_group.clone()),
        ..row
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

// ---------------------------------------------------------------------------------------
// Companies known by CIK and name: from the index (IPO filers, parties to acquisitions),
// and under what a Form D says of its issuer

/// A company known by its CIK and a name (an index line's), with what its submissions JSON
/// adds: its own name for the company, sector from the SIC code (else Other), tickers,
/// website, business address.
pub fn company_from_submissions(
    cik: u64,
    name: &str,
    subs: Option<&Submissions>,
    accession: &str,
    now: DateTime<Utc>,
) -> companies::Model {
    let name = subs.map(|s| s.name.clone()).filter(|n| !n.is_empty()).unwrap_or_else(|| name.to_string());
    let sic = subs.and_then(|s| s.sic);
    companies::Model {
        id: 0,
        key: format!("cik:{cik}"),
        cik: Some(cik as i64),
        name_key: upsert::name_key(&name),
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
pub fn with_terms(
    mut m: ipo_filings::Model,
    o: Option<&Offering>,
    from: Option<TermsSource<'_>>,
) -> ipo_filings::Model {
    m.price_low = o.and_then(|o| o.price_low);
    m.price_high = o.and_then(|o| o.price_high);
    m.shares_offered = o.and_then(|o| o.shares).and_then(|n| i64::try_from(n).ok());
    m.offering_amount = o.and_then(|o| o.amount);
    m.terms_form = from.map(|f| f.form.to_string());
    m.terms_accession = from.map(|f| f.accession.to_string());
    m.terms_filed_on = from.map(|f| f.filed);
    m
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
        assert_eq!(
            (p.price_high, p.terms_form.as_deref()),
            (Some(17.0), Some("S-1/A")),
            "terms stay until a document replaces them"
        );

        // The newest document's terms replace the row's, all of them.
        let b4 = TermsSource { form: "424B4", accession: "c", filed: date("2026-11-20") };
        assert!(terms_replace(&p, b4));
        let final_price = Offering { price_low: Some(17.5), price_high: Some(17.5), shares: None, amount: None };
        let t = with_terms(p.clone(), Some(&final_price), Some(b4));
        assert_eq!(
            (t.price_low, t.price_high, t.shares_offered, t.offering_amount),
            (Some(17.5), Some(17.5), None, None)
        );
        assert_eq!(
            (t.terms_form.as_deref(), t.terms_accession.as_deref(), t.terms_filed_on),
            (Some("424B4"), Some("c"), Some(date("2026-11-20")))
        );
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
}
