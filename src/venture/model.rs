//! Types that cross the wire for the venture domain: what the JSON API answers and the
//! pages render. Every row says where it came from (`source`: `edgar`, `import` or
//! `demo`; `demo` is true for generated rows) and when it was fetched.
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// The round stages Quarry knows, in order. Form D never states a stage, so rounds from
/// EDGAR are `unstated`; imports and the demo name one.
pub const STAGES: [&str; 10] =
    ["pre-seed", "seed", "series-a", "series-b", "series-c", "series-d+", "growth", "debt", "grant", "unstated"];

pub fn stage_label(stage: &str) -> &str {
    match stage {
        "pre-seed" => "Pre-seed",
        "seed" => "Seed",
        "series-a" => "Series A",
        "series-b" => "Series B",
        "series-c" => "Series C",
        "series-d+" => "Series D+",
        "growth" => "Growth",
        "debt" => "Debt",
        "grant" => "Grant",
        "unstated" => "Unstated (Form D)",
        other => other,
    }
}

/// The pipeline statuses an IPO filing moves through, in order.
pub const IPO_STATUSES: [&str; 4] = ["filed", "amended", "priced", "withdrawn"];

/// The states an acquisition may be in: the API's `status` filter and an import's.
pub const ACQUISITION_STATUSES: [&str; 4] = ["announced", "pending", "completed", "withdrawn"];

/// Where a row came from and when: shown next to every figure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Provenance {
    /// `edgar`, `import` or `demo`.
    pub source: String,
    /// The SEC accession number, the import file and line, or the demo seed.
    pub source_id: String,
    pub fetched_at: DateTime<Utc>,
    /// Generated data: labelled DEMO wherever it appears.
    pub demo: bool,
    /// The filing on sec.gov, for rows that came from one.
    pub filing_url: Option<String>,
}

/// The filing's index page on sec.gov for an accession number such as
/// `0001544190-19-000002` filed under `cik`.
pub fn filing_url(cik: i64, accession: &str) -> String {
    format!("https://www.sec.gov/Archives/edgar/data/{cik}/{}/{accession}-index.htm", accession.replace('-', ""))
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SectorInfo {
    /// kebab-case id used in URLs (`ai-software`).
    pub slug: String,
    pub label: String,
    pub rounds: i64,
    pub amount_sold: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SectorList {
    pub sectors: Vec<SectorInfo>,
    /// How Form D industry groups and SIC codes map to them (docs/venture.md has the table).
    pub taxonomy_note: String,
    pub demo: bool,
}

/// One cell of the sector × quarter heatmap.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Cell {
    pub rounds: i64,
    pub amount_sold: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LandscapeRow {
    /// A sector slug, or a stage when drilled into one sector.
    pub key: String,
    pub label: String,
    /// One per entry of `Landscape::quarters`.
    pub cells: Vec<Cell>,
    pub total: Cell,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Landscape {
    /// `2026-Q3` labels, oldest first.
    pub quarters: Vec<String>,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The sector drilled into, if any: then `rows` are its stages.
    pub sector: Option<String>,
    pub rows: Vec<LandscapeRow>,
    pub total: Cell,
    /// Rounds whose amount sold is known (a Form D may leave it at zero or the round may
    /// be imported without one); dollars cover only these.
    pub rounds_with_amount: i64,
    pub biggest: Vec<RoundRow>,
    /// When `funding_tracker` last computed the aggregates.
    pub computed_at: Option<DateTime<Utc>>,
    /// The newest round's date.
    pub data_through: Option<NaiveDate>,
    pub demo: bool,
    /// The quarter still running (`2026-Q4`), when it is one of `quarters`: its figures
    /// are to date.
    #[serde(default)]
    pub partial_quarter: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RoundRow {
    pub id: i32,
    pub company_id: i32,
    pub company: String,
    /// The filing date (Form D) or announcement date (import).
    pub announced_on: NaiveDate,
    pub first_sale_on: Option<NaiveDate>,
    pub first_sale_yet_to_occur: bool,
    pub stage: String,
    pub sector: String,
    pub state: Option<String>,
    /// `None` with `offering_indefinite` when the form reads "Indefinite".
    pub amount_offered: Option<f64>,
    pub offering_indefinite: bool,
    pub amount_sold: Option<f64>,
    pub investor_count: Option<i32>,
    pub currency: String,
    /// `D`, `D/A` (figures of the latest amendment) or `import`.
    pub form_type: String,
    pub accession: Option<String>,
    pub notable: bool,
    pub lead_investors: Vec<String>,
    pub investors: Vec<String>,
    pub provenance: Provenance,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub rows: Vec<T>,
    /// Rows matching the filters, over all pages.
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
    pub demo: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CompanyRow {
    pub id: i32,
    pub name: String,
    pub cik: Option<i64>,
    pub sector: String,
    pub state: Option<String>,
    pub rounds: i64,
    pub amount_sold: f64,
    pub last_round_on: Option<NaiveDate>,
    pub provenance: Provenance,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CompanyInfo {
    pub id: i32,
    pub name: String,
    pub cik: Option<i64>,
    pub sector: String,
    pub industry_group: Option<String>,
    pub sic: Option<i32>,
    pub state: Option<String>,
    pub city: Option<String>,
    pub jurisdiction: Option<String>,
    pub year_of_inc: Option<i32>,
    pub website: Option<String>,
    pub description: Option<String>,
    pub tickers: Option<String>,
    pub provenance: Provenance,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FilingRow {
    pub form: String,
    pub filed_on: NaiveDate,
    pub accession: String,
    pub url: String,
    /// `stored` or `error`, with the reason.
    pub status: String,
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CompanyDetail {
    pub company: CompanyInfo,
    /// Newest first.
    pub rounds: Vec<RoundRow>,
    pub valuations: Vec<ValuationRow>,
    pub acquisitions: Vec<AcquisitionRow>,
    pub ipo: Option<IpoRow>,
    pub filings: Vec<FilingRow>,
    pub amount_sold: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct InvestorRow {
    pub id: i32,
    pub name: String,
    pub kind: String,
    pub rounds: i64,
    pub lead_rounds: i64,
    /// Sum of the amounts sold in the rounds it took part in (the whole round, not its
    /// share: no public record splits a round by investor).
    pub amount_in_rounds: f64,
    pub last_round_on: Option<NaiveDate>,
    pub provenance: Provenance,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct InvestorDetail {
    pub investor: InvestorRow,
    pub website: Option<String>,
    pub city: Option<String>,
    pub rounds: Vec<RoundRow>,
    pub funds: Vec<FundRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AcquisitionRow {
    pub id: i32,
    pub acquirer: Option<String>,
    pub acquirer_id: Option<i32>,
    pub target: Option<String>,
    pub target_id: Option<i32>,
    pub announced_on: NaiveDate,
    pub closed_on: Option<NaiveDate>,
    pub price: Option<f64>,
    pub status: String,
    pub sector: String,
    pub form_type: String,
    pub accession: Option<String>,
    pub last_filing_on: Option<NaiveDate>,
    pub provenance: Provenance,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ValuationRow {
    pub id: i32,
    pub company_id: i32,
    pub company: String,
    pub valued_on: NaiveDate,
    pub pre_money: Option<f64>,
    pub post_money: f64,
    pub basis: String,
    pub currency: String,
    pub round_id: Option<i32>,
    pub provenance: Provenance,
}

/// A fund's returns as the pages show them. Errors are said, never turned into numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReturnsView {
    pub irr: Option<f64>,
    /// Why there is no IRR (no sign change, several roots, no flows).
    pub irr_note: Option<String>,
    pub paid_in: Option<f64>,
    pub distributed: Option<f64>,
    pub nav: Option<f64>,
    pub nav_as_of: Option<NaiveDate>,
    pub tvpi: Option<f64>,
    pub dpi: Option<f64>,
    pub rvpi: Option<f64>,
    pub moic: Option<f64>,
    pub pme: Option<f64>,
    pub pme_note: Option<String>,
    /// The index the PME is measured against, e.g. "S&P 500 (FRED SP500)".
    pub pme_index: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FundRow {
    pub id: i32,
    pub name: String,
    pub cik: Option<i64>,
    pub manager: Option<String>,
    pub manager_id: Option<i32>,
    pub vintage: Option<i32>,
    pub target_size: Option<f64>,
    pub target_indefinite: bool,
    pub amount_raised: Option<f64>,
    pub investor_count: Option<i32>,
    pub strategy: String,
    pub state: Option<String>,
    pub currency: String,
    pub accession: Option<String>,
    pub returns: ReturnsView,
    pub provenance: Provenance,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CashFlowRow {
    pub date: NaiveDate,
    /// `call`, `distribution` or `nav`.
    pub kind: String,
    pub amount: f64,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct HoldingRow {
    pub company_id: i32,
    pub company: String,
    pub invested: f64,
    pub realized: f64,
    pub unrealized: f64,
    pub moic: Option<f64>,
    pub as_of: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FundDetail {
    pub fund: FundRow,
    pub flows: Vec<CashFlowRow>,
    pub holdings: Vec<HoldingRow>,
    /// Inline SVG of cumulative calls, distributions and NAV (empty without flows).
    pub chart_svg: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct IpoEventRow {
    pub form: String,
    pub filed_on: NaiveDate,
    pub accession: String,
    pub status: String,
    pub url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct IpoRow {
    pub id: i32,
    pub company: String,
    pub company_id: Option<i32>,
    pub cik: Option<i64>,
    pub sector: String,
    pub form: String,
    pub status: String,
    pub filed_on: NaiveDate,
    pub last_event_on: NaiveDate,
    pub priced_on: Option<NaiveDate>,
    pub withdrawn_on: Option<NaiveDate>,
    pub amendments: i32,
    pub accession: String,
    /// The offering's price range in USD a share, or its set price (low = high) once a
    /// 424B4 priced it; null when no filing read states it.
    pub price_low: Option<f64>,
    pub price_high: Option<f64>,
    /// Shares (or American Depositary Shares) offered, without the underwriters' option.
    pub shares_offered: Option<i64>,
    /// USD: the stated total at the set price (else shares x price); for a range, the fee
    /// table's maximum aggregate offering price, else shares x the top of the range.
    pub offering_amount: Option<f64>,
    /// The filing the terms come from; null when there are none.
    pub terms_source: Option<IpoTermsSource>,
    pub events: Vec<IpoEventRow>,
    pub provenance: Provenance,
}

/// The registration statement or prospectus whose cover states an entry's terms.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct IpoTermsSource {
    pub form: String,
    pub filed_on: NaiveDate,
    pub accession: String,
    /// The filing on sec.gov (none for demo rows).
    pub url: Option<String>,
}

impl IpoRow {
    /// The terms in a few words: "$212.5M at $17.00" once priced, "$15.00–$17.00 · 12.5M
    /// shares" for a range, "up to $100M" for a fee table alone; empty when unknown (never
    /// "$0").
    pub fn offering_label(&self) -> String {
        let price = |p: f64| format!("${p:.2}");
        let shares = self.shares_offered.map(|n| format!("{} shares", count(n as f64)));
        let amount = self.offering_amount.map(super::pages::usd);
        let parts: Vec<String> = match (self.price_low, self.price_high) {
            (Some(l), Some(h)) if l == h => match amount {
                Some(a) => vec![format!("{a} at {}", price(h))],
                None => std::iter::once(format!("{} a share", price(h))).chain(shares).collect(),
            },
            (Some(l), Some(h)) => {
                let range = format!("{}–{}", price(l), price(h));
                match shares {
                    Some(s) => vec![range, s],
                    None => std::iter::once(range).chain(amount.map(|a| format!("up to {a}"))).collect(),
                }
            }
            _ => match (shares, amount) {
                (Some(s), _) => vec![s],
                (None, Some(a)) => vec![format!("up to {a}")],
                (None, None) => vec![],
            },
        };
        parts.join(" · ")
    }

    /// "S-1/A, 2026-11-18": where the terms come from, for the page.
    pub fn terms_label(&self) -> Option<String> {
        self.terms_source.as_ref().map(|t| format!("{}, {}", t.form, t.filed_on))
    }
}

/// A count in the short form the tables use: 950, 12.5K, 12.5M, 1.2B.
fn count(n: f64) -> String {
    let usd = super::pages::usd(n);
    usd.trim_start_matches('$').to_string()
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct IpoStatusGroup {
    pub status: String,
    pub label: String,
    pub rows: Vec<IpoRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct IpoPipeline {
    pub groups: Vec<IpoStatusGroup>,
    pub total: u64,
    pub demo: bool,
    /// The newest filing date seen by `ipo_monitor`.
    pub data_through: Option<NaiveDate>,
}

/// What the venture overview knows about its own freshness: the empty states use it to
/// say how to fill the pages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct VentureStatus {
    pub companies: u64,
    pub rounds: u64,
    pub funds: u64,
    pub investors: u64,
    pub acquisitions: u64,
    pub ipo_filings: u64,
    pub filing_errors: u64,
    pub demo: bool,
    pub last_sync: Option<DateTime<Utc>>,
}
