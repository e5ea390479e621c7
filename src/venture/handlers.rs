//! The venture endpoints that carry an id in their URL, and the CSV download of every
//! table: thin axum handlers over the same parameter checks and services as the server
//! functions, answering errors in the same JSON shape.
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::Utc;
use serde::Deserialize;

use super::model::*;
use super::query::{self, FundingFilter, FundingParams, MAX_PER_PAGE};
use super::service;
use crate::error::{AppError, NotAnId};
use crate::params::ApiQuery;
use crate::routing::Listed;
use crate::state::{AppState, WithApp};

/// The most rows one CSV download holds; the file says when it was cut.
pub const CSV_MAX_ROWS: u64 = 100_000;

/// The tables `/api/venture/{table}.csv` answers.
pub const CSV_TABLES: [&str; 9] = [
    "funding",
    "companies",
    "investors",
    "acquisitions",
    "valuations",
    "funds",
    "ipo-pipeline",
    "landscape",
    "sectors",
];

pub fn routes<S: WithApp>() -> Listed<S> {
    Listed::new()
        .get("/api/venture/companies/{id}", company_json)
        .get("/api/venture/investors/{id}", investor_json)
        .get("/api/venture/funds/{id}", fund_json)
        .get("/api/venture/{table}", csv_table)
}

/// `page` and `per_page`, which every paged venture list takes (documentation only: each
/// endpoint reads them as strings).
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub(crate) struct Paging {
    /// The page, from 1 (default 1).
    #[param(minimum = 1)]
    page: Option<u32>,
    /// Rows a page: 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    per_page: Option<u32>,
}

fn pages(page: &Option<String>, per_page: &Option<String>) -> Result<(u64, u64), AppError> {
    Ok((query::page(page)?, query::per_page(per_page)?))
}

fn id_param(name: &str, v: &str) -> Result<i32, AppError> {
    v.trim()
        .parse::<i32>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| AppError::bad_parameter(name, format!("'{v}' is not an id (a whole number above 0)")))
}

/// The 404 for an id that names no row: `what` by its id, and the list endpoint to look in.
fn no_such(what: &str, list: &str, id: i32) -> AppError {
    AppError::not_found(format!("no {what} with id {id}; /api/venture/{list} lists them"))
}

pub async fn landscape(
    state: &AppState,
    from: &Option<String>,
    to: &Option<String>,
    sector: &Option<String>,
) -> Result<Landscape, AppError> {
    let (from, to, sector) = (query::date("from", from)?, query::date("to", to)?, query::sector(sector)?);
    let latest = service::latest_round_date(&state.db).await?.unwrap_or_else(|| Utc::now().date_naive());
    let (start, end) = query::landscape_period(from, to, latest)?;
    Ok(service::landscape(&state.db, start, end, sector).await?)
}

pub async fn companies(
    state: &AppState,
    q: &Option<String>,
    sector: &Option<String>,
    page: &Option<String>,
    per_page: &Option<String>,
) -> Result<Page<CompanyRow>, AppError> {
    let (page, per_page) = pages(page, per_page)?;
    let (q, sector) = (query::search(q)?, query::sector(sector)?);
    Ok(service::companies(&state.db, q.as_deref(), sector, page, per_page).await?)
}

pub async fn company(state: &AppState, id: &str) -> Result<CompanyDetail, AppError> {
    let id = id_param("id", id)?;
    service::company(&state.db, id).await?.ok_or_else(|| no_such("company", "companies", id))
}

pub async fn investors(
    state: &AppState,
    q: &Option<String>,
    page: &Option<String>,
    per_page: &Option<String>,
) -> Result<Page<InvestorRow>, AppError> {
    let (page, per_page) = pages(page, per_page)?;
    let q = query::search(q)?;
    Ok(service::investors(&state.db, q.as_deref(), page, per_page).await?)
}

pub async fn investor(state: &AppState, id: &str) -> Result<InvestorDetail, AppError> {
    let id = id_param("id", id)?;
    service::investor(&state.db, id, Utc::now()).await?.ok_or_else(|| no_such("investor", "investors", id))
}

pub async fn acquisitions(
    state: &AppState,
    status: &Option<String>,
    sector: &Option<String>,
    from: &Option<String>,
    to: &Option<String>,
    page: &Option<String>,
    per_page: &Option<String>,
) -> Result<Page<AcquisitionRow>, AppError> {
    let (page, per_page) = pages(page, per_page)?;
    let status = query::optional_one_of("status", status, &ACQUISITION_STATUSES)?;
    let (sector, from, to) = (query::sector(sector)?, query::date("from", from)?, query::date("to", to)?);
    query::ordered(from, to)?;
    Ok(service::acquisitions(&state.db, status.as_deref(), sector, from, to, page, per_page).await?)
}

pub async fn valuations(
    state: &AppState,
    company: &Option<String>,
    page: &Option<String>,
    per_page: &Option<String>,
) -> Result<Page<ValuationRow>, AppError> {
    let (page, per_page) = pages(page, per_page)?;
    let company = match company.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(c) => Some(id_param("company", c)?),
    };
    Ok(service::valuations(&state.db, company, page, per_page).await?)
}

pub async fn fund(state: &AppState, id: &str) -> Result<FundDetail, AppError> {
    let id = id_param("id", id)?;
    service::fund(&state.db, id, Utc::now()).await?.ok_or_else(|| no_such("fund", "funds", id))
}

pub async fn ipo_pipeline(state: &AppState, status: &Option<String>) -> Result<IpoPipeline, AppError> {
    let status = query::optional_one_of("status", status, &IPO_STATUSES)?;
    Ok(service::ipo_pipeline(&state.db, status.as_deref()).await?)
}

/// One company: its rounds, valuations, acquisitions, IPO entry and EDGAR filings.
///
/// A filing that could not be stored is listed with its error.
#[utoipa::path(get, path = "/api/venture/companies/{id}", tag = "venture",
    params(("id" = u32, Path, minimum = 1, description = "The company's id.", example = 1)),
    responses(
        (status = 200, description = "The company.", body = CompanyDetail),
        NotAnId,
        (status = 404, description = "No company with that id.", body = AppError),
    ))]
async fn company_json(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    company(&state, &id).await.map(Json).into_response()
}

/// One investor: its rounds and the funds it manages.
#[utoipa::path(get, path = "/api/venture/investors/{id}", tag = "venture",
    params(("id" = u32, Path, minimum = 1, description = "The investor's id.", example = 1)),
    responses(
        (status = 200, description = "The investor.", body = InvestorDetail),
        NotAnId,
        (status = 404, description = "No investor with that id.", body = AppError),
    ))]
async fn investor_json(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    investor(&state, &id).await.map(Json).into_response()
}

/// One fund: its returns, dated cash flows, holdings with MOIC, and a chart of them.
///
/// `chart_svg` draws cumulative paid-in, distributions and NAV.
#[utoipa::path(get, path = "/api/venture/funds/{id}", tag = "venture",
    params(("id" = u32, Path, minimum = 1, description = "The fund's id.", example = 1)),
    responses(
        (status = 200, description = "The fund.", body = FundDetail),
        NotAnId,
        (status = 404, description = "No fund with that id.", body = AppError),
    ))]
async fn fund_json(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    fund(&state, &id).await.map(Json).into_response()
}

/// Every query parameter any table's CSV takes; each table reads the ones it knows.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct CsvQuery {
    /// funding, companies, acquisitions, landscape: only this sector.
    sector: Option<String>,
    /// funding: only this stage.
    stage: Option<String>,
    /// funding: only companies in this state, two letters like `CA`.
    state: Option<String>,
    /// funding: at least this amount sold, in USD.
    #[param(value_type = Option<f64>, minimum = 0)]
    min_amount: Option<String>,
    /// funding: at most this amount sold, in USD.
    #[param(value_type = Option<f64>, minimum = 0)]
    max_amount: Option<String>,
    /// funding, acquisitions, landscape: from this date, `YYYY-MM-DD`.
    #[param(value_type = Option<chrono::NaiveDate>)]
    from: Option<String>,
    /// funding, acquisitions, landscape: up to this date, `YYYY-MM-DD`.
    #[param(value_type = Option<chrono::NaiveDate>)]
    to: Option<String>,
    /// funding, companies, investors: part of the name.
    q: Option<String>,
    /// funding: `true` for the notable rounds only.
    notable: Option<String>,
    /// funding: what to sort by.
    sort: Option<String>,
    /// funding: `desc` or `asc`.
    dir: Option<String>,
    /// acquisitions, ipo-pipeline: only this status.
    status: Option<String>,
    /// valuations: only this company's (its id).
    #[param(value_type = Option<u32>, minimum = 1)]
    company: Option<String>,
}

impl CsvQuery {
    /// The funding filters, for the one parser the funding endpoint and page use.
    fn funding(&self) -> FundingParams {
        FundingParams {
            sector: self.sector.clone(),
            stage: self.stage.clone(),
            state: self.state.clone(),
            min_amount: self.min_amount.clone(),
            max_amount: self.max_amount.clone(),
            from: self.from.clone(),
            to: self.to.clone(),
            q: self.q.clone(),
            notable: self.notable.clone(),
            sort: self.sort.clone(),
            dir: self.dir.clone(),
            page: None,
            per_page: None,
        }
    }
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

fn money(v: Option<f64>) -> String {
    v.map(|x| format!("{x:.0}")).unwrap_or_default()
}

/// Reads every page of a paged service call, up to [`CSV_MAX_ROWS`].
async fn all_pages<T, F, Fut>(mut f: F) -> Result<Vec<T>, AppError>
where
    F: FnMut(u64, u64) -> Fut,
    Fut: std::future::Future<Output = Result<Page<T>, AppError>>,
{
    let mut out = Vec::new();
    let mut page = 1;
    loop {
        let p = f(page, MAX_PER_PAGE).await?;
        let n = p.rows.len() as u64;
        out.extend(p.rows);
        if n < MAX_PER_PAGE || out.len() as u64 >= CSV_MAX_ROWS || page * MAX_PER_PAGE >= p.total {
            break;
        }
        page += 1;
    }
    out.truncate(CSV_MAX_ROWS as usize);
    Ok(out)
}

/// A venture table as CSV: every page (at most 100,000 rows), with the provenance columns.
///
/// Takes the JSON endpoint's filters; each table reads the ones it knows.
#[utoipa::path(get, path = "/api/venture/{table}.csv", tag = "venture",
    params(("table" = String, Path, description = "The table.", example = "funding"), CsvQuery),
    responses(
        (status = 200, description = "The rows as CSV.", content_type = "text/csv", body = String),
        (status = 400, description = "A bad filter; `parameter` names it.", body = AppError),
        (status = 404, description = "No such table.", body = AppError),
    ))]
async fn csv_table(
    State(state): State<AppState>,
    Path(table): Path<String>,
    q: Result<ApiQuery<CsvQuery>, AppError>,
) -> Response {
    let Some(name) = table.strip_suffix(".csv") else {
        return AppError::not_found(format!("no endpoint /api/venture/{table}; /api lists the venture API"))
            .into_response();
    };
    let q = match q {
        Ok(ApiQuery(q)) => q,
        Err(e) => return e.into_response(),
    };
    match csv_rows(&state, name, &q).await {
        Ok((header, rows)) => {
            let header: Vec<&str> = header.to_vec();
            crate::csv_export::response(&format!("quarry-venture-{name}.csv"), &header, rows)
        }
        Err(e) => e.into_response(),
    }
}

type Table = (&'static [&'static str], Vec<Vec<String>>);

/// The rows of one table, each table read and written by its own function (whose header
/// list is `rustfmt::skip`: one compact list, not a line per column).
async fn csv_rows(state: &AppState, name: &str, q: &CsvQuery) -> Result<Table, AppError> {
    match name {
        "funding" => funding_csv(state, q).await,
        "companies" => companies_csv(state, q).await,
        "investors" => investors_csv(state, q).await,
        "acquisitions" => acquisitions_csv(state, q).await,
        "valuations" => valuations_csv(state, q).await,
        "funds" => funds_csv(state).await,
        "ipo-pipeline" => ipo_pipeline_csv(state, q).await,
        "landscape" => landscape_csv(state, q).await,
        "sectors" => sectors_csv(state).await,
        other => {
            Err(AppError::not_found(format!("no CSV table '{other}'; expected one of: {}", CSV_TABLES.join(", "))))
        }
    }
}

/// A row's cells, then its provenance: `source`, `source_id`, `fetched_at`, `demo`,
/// `filing_url`.
fn with_provenance(mut cells: Vec<String>, p: &Provenance) -> Vec<String> {
    cells.extend([
        p.source.clone(),
        p.source_id.clone(),
        p.fetched_at.to_rfc3339(),
        p.demo.to_string(),
        opt(p.filing_url.clone()),
    ]);
    cells
}

async fn funding_csv(state: &AppState, q: &CsvQuery) -> Result<Table, AppError> {
    let filter = q.funding().parse()?;
    let db = &state.db;
    let rows = all_pages(|page, per_page| {
        let f = FundingFilter { page, per_page, ..filter.clone() };
        async move { Ok(service::funding(db, &f).await?) }
    })
    .await?;
    #[rustfmt::skip]
    const H: &[&str] = &[
        "id", "company", "company_id", "announced_on", "first_sale_on", "first_sale_yet_to_occur", "stage", "sector",
        "state", "amount_offered_usd", "offering_indefinite", "amount_sold_usd", "investor_count", "form_type",
        "accession", "notable", "lead_investors", "investors", "source", "source_id", "fetched_at", "demo",
        "filing_url",
    ];
    let rows = rows
        .iter()
        .map(|r| {
            let cells = vec![
                r.id.to_string(),
                r.company.clone(),
                r.company_id.to_string(),
                r.announced_on.to_string(),
                opt(r.first_sale_on),
                r.first_sale_yet_to_occur.to_string(),
                r.stage.clone(),
                r.sector.clone(),
                opt(r.state.clone()),
                money(r.amount_offered),
                r.offering_indefinite.to_string(),
                money(r.amount_sold),
                opt(r.investor_count),
                r.form_type.clone(),
                opt(r.accession.clone()),
                r.notable.to_string(),
                r.lead_investors.join("; "),
                r.investors.join("; "),
            ];
            with_provenance(cells, &r.provenance)
        })
        .collect();
    Ok((H, rows))
}

async fn companies_csv(state: &AppState, q: &CsvQuery) -> Result<Table, AppError> {
    let (search, sector) = (query::search(&q.q)?, query::sector(&q.sector)?);
    let db = &state.db;
    let rows = all_pages(|page, per_page| {
        let search = search.clone();
        async move { Ok(service::companies(db, search.as_deref(), sector, page, per_page).await?) }
    })
    .await?;
    #[rustfmt::skip]
    const H: &[&str] = &[
        "id", "name", "cik", "sector", "state", "rounds", "amount_sold_usd", "last_round_on", "source", "source_id",
        "fetched_at", "demo", "filing_url",
    ];
    let rows = rows
        .iter()
        .map(|c| {
            let cells = vec![
                c.id.to_string(),
                c.name.clone(),
                opt(c.cik),
                c.sector.clone(),
                opt(c.state.clone()),
                c.rounds.to_string(),
                format!("{:.0}", c.amount_sold),
                opt(c.last_round_on),
            ];
            with_provenance(cells, &c.provenance)
        })
        .collect();
    Ok((H, rows))
}

async fn investors_csv(state: &AppState, q: &CsvQuery) -> Result<Table, AppError> {
    let search = query::search(&q.q)?;
    let db = &state.db;
    let rows = all_pages(|page, per_page| {
        let search = search.clone();
        async move { Ok(service::investors(db, search.as_deref(), page, per_page).await?) }
    })
    .await?;
    #[rustfmt::skip]
    const H: &[&str] = &[
        "id", "name", "kind", "rounds", "lead_rounds", "amount_in_rounds_usd", "last_round_on", "source", "source_id",
        "fetched_at", "demo", "filing_url",
    ];
    let rows = rows
        .iter()
        .map(|i| {
            let cells = vec![
                i.id.to_string(),
                i.name.clone(),
                i.kind.clone(),
                i.rounds.to_string(),
                i.lead_rounds.to_string(),
                format!("{:.0}", i.amount_in_rounds),
                opt(i.last_round_on),
            ];
            with_provenance(cells, &i.provenance)
        })
        .collect();
    Ok((H, rows))
}

async fn acquisitions_csv(state: &AppState, q: &CsvQuery) -> Result<Table, AppError> {
    let rows = all_pages(|page, per_page| {
        let (status, sector, from, to) = (q.status.clone(), q.sector.clone(), q.from.clone(), q.to.clone());
        let (page, per_page) = (Some(page.to_string()), Some(per_page.to_string()));
        async move { acquisitions(state, &status, &sector, &from, &to, &page, &per_page).await }
    })
    .await?;
    #[rustfmt::skip]
    const H: &[&str] = &[
        "id", "acquirer", "target", "announced_on", "closed_on", "price_usd", "status", "sector", "form_type",
        "accession", "last_filing_on", "source", "source_id", "fetched_at", "demo", "filing_url",
    ];
    let rows = rows
        .iter()
        .map(|a| {
            let cells = vec![
                a.id.to_string(),
                opt(a.acquirer.clone()),
                opt(a.target.clone()),
                a.announced_on.to_string(),
                opt(a.closed_on),
                money(a.price),
                a.status.clone(),
                a.sector.clone(),
                a.form_type.clone(),
                opt(a.accession.clone()),
                opt(a.last_filing_on),
            ];
            with_provenance(cells, &a.provenance)
        })
        .collect();
    Ok((H, rows))
}

async fn valuations_csv(state: &AppState, q: &CsvQuery) -> Result<Table, AppError> {
    let rows = all_pages(|page, per_page| {
        let company = q.company.clone();
        let (page, per_page) = (Some(page.to_string()), Some(per_page.to_string()));
        async move { valuations(state, &company, &page, &per_page).await }
    })
    .await?;
    #[rustfmt::skip]
    const H: &[&str] = &[
        "id", "company", "company_id", "valued_on", "pre_money_usd", "post_money_usd", "basis", "currency", "source",
        "source_id", "fetched_at", "demo", "filing_url",
    ];
    let rows = rows
        .iter()
        .map(|x| {
            let cells = vec![
                x.id.to_string(),
                x.company.clone(),
                x.company_id.to_string(),
                x.valued_on.to_string(),
                money(x.pre_money),
                format!("{:.0}", x.post_money),
                x.basis.clone(),
                x.currency.clone(),
            ];
            with_provenance(cells, &x.provenance)
        })
        .collect();
    Ok((H, rows))
}

async fn funds_csv(state: &AppState) -> Result<Table, AppError> {
    let funds = service::funds(&state.db, Utc::now()).await?;
    #[rustfmt::skip]
    const H: &[&str] = &[
        "id", "name", "manager", "vintage", "target_size_usd", "amount_raised_usd", "strategy", "irr", "irr_note",
        "tvpi", "dpi", "rvpi", "moic", "ks_pme", "pme_note", "nav_as_of", "source", "source_id", "fetched_at", "demo",
        "filing_url",
    ];
    let f6 = |v: Option<f64>| v.map(|x| format!("{x:.6}")).unwrap_or_default();
    let rows = funds
        .rows
        .iter()
        .map(|f| {
            let r = &f.returns;
            let cells = vec![
                f.id.to_string(),
                f.name.clone(),
                opt(f.manager.clone()),
                opt(f.vintage),
                money(f.target_size),
                money(f.amount_raised),
                f.strategy.clone(),
                f6(r.irr),
                opt(r.irr_note.clone()),
                f6(r.tvpi),
                f6(r.dpi),
                f6(r.rvpi),
                f6(r.moic),
                f6(r.pme),
                opt(r.pme_note.clone()),
                opt(r.nav_as_of),
            ];
            with_provenance(cells, &f.provenance)
        })
        .collect();
    Ok((H, rows))
}

async fn ipo_pipeline_csv(state: &AppState, q: &CsvQuery) -> Result<Table, AppError> {
    let p = ipo_pipeline(state, &q.status).await?;
    #[rustfmt::skip]
    const H: &[&str] = &[
        "id", "company", "cik", "sector", "form", "status", "filed_on", "last_event_on", "priced_on", "withdrawn_on",
        "amendments", "accession", "offering", "price_low_usd", "price_high_usd", "shares_offered",
        "offering_amount_usd", "terms_form", "terms_filed_on", "terms_accession", "source", "source_id", "fetched_at",
        "demo", "filing_url",
    ];
    // Unknown terms are blank cells, never 0.
    let price = |p: Option<f64>| p.map(|x| format!("{x:.2}")).unwrap_or_default();
    let rows = p
        .groups
        .iter()
        .flat_map(|g| g.rows.iter())
        .map(|i| {
            let cells = vec![
                i.id.to_string(),
                i.company.clone(),
                opt(i.cik),
                i.sector.clone(),
                i.form.clone(),
                i.status.clone(),
                i.filed_on.to_string(),
                i.last_event_on.to_string(),
                opt(i.priced_on),
                opt(i.withdrawn_on),
                i.amendments.to_string(),
                i.accession.clone(),
                i.offering_label(),
                price(i.price_low),
                price(i.price_high),
                opt(i.shares_offered),
                money(i.offering_amount),
                opt(i.terms_source.as_ref().map(|t| t.form.clone())),
                opt(i.terms_source.as_ref().map(|t| t.filed_on)),
                opt(i.terms_source.as_ref().map(|t| t.accession.clone())),
            ];
            with_provenance(cells, &i.provenance)
        })
        .collect();
    Ok((H, rows))
}

/// One line per row and quarter, without provenance columns: the cells are computed.
async fn landscape_csv(state: &AppState, q: &CsvQuery) -> Result<Table, AppError> {
    let l = landscape(state, &q.from, &q.to, &q.sector).await?;
    const H: &[&str] = &["row", "label", "quarter", "partial", "rounds", "amount_sold_usd", "demo", "computed_at"];
    let rows = l
        .rows
        .iter()
        .flat_map(|r| {
            let l = &l;
            r.cells.iter().zip(&l.quarters).map(move |(c, quarter)| {
                // Rounds that state no amount leave it blank: a 0 would read as
                // rounds that raised nothing, as "$0" did on the page.
                let amount =
                    if c.rounds > 0 && c.amount_sold <= 0.0 { String::new() } else { format!("{:.0}", c.amount_sold) };
                vec![
                    r.key.clone(),
                    r.label.clone(),
                    quarter.clone(),
                    (l.partial_quarter.as_ref() == Some(quarter)).to_string(),
                    c.rounds.to_string(),
                    amount,
                    l.demo.to_string(),
                    opt(l.computed_at.map(|t| t.to_rfc3339())),
                ]
            })
        })
        .collect();
    Ok((H, rows))
}

async fn sectors_csv(state: &AppState) -> Result<Table, AppError> {
    let s = service::sectors(&state.db).await?;
    const H: &[&str] = &["sector", "label", "rounds", "amount_sold_usd", "demo"];
    let rows = s
        .sectors
        .iter()
        .map(|x| {
            vec![
                x.slug.clone(),
                x.label.clone(),
                x.rounds.to_string(),
                format!("{:.0}", x.amount_sold),
                s.demo.to_string(),
            ]
        })
        .collect();
    Ok((H, rows))
}
