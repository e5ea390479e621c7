//! Venture server functions: the pages call them, and so can anyone with curl. Their URLs
//! are part of the public API (/api/openapi.json lists them). The endpoints whose URL carries an id
//! (`/api/venture/companies/{id}`, ...) and the CSV downloads live in `handlers.rs`, over the
//! same parameter checks and services.
// A server function takes one argument per query parameter (`get_funding` has 13): the URL
// is the interface and the OpenAPI document lists each. The browser-side function the
// #[server] macro writes carries no item attribute, hence a module-wide allow.
#![allow(clippy::too_many_arguments)]
use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json};

use super::model::*;
use crate::error::AppError;

/// Row counts, filing errors, the last sync, and whether the data is demo data.
#[cfg_attr(feature = "ssr", utoipa::path(get, path = "/api/venture/status", tag = "venture",
    responses((status = 200, description = "The status.", body = VentureStatus))))]
#[server(prefix = "/api", endpoint = "venture/status", input = GetUrl, output = Json)]
pub async fn get_venture_status() -> Result<VentureStatus, AppError> {
    let state = crate::state::use_app_state()?;
    Ok(super::service::status(&state.db).await?)
}

/// Funding by sector and quarter (by stage within one sector), totals and the biggest rounds.
///
/// Whole quarters; the default is the 12 quarters up to the newest round. `computed_at`
/// says when `funding_tracker` last ran; a quarter still running is `partial_quarter`.
#[cfg_attr(feature = "ssr", utoipa::path(get, path = "/api/venture/landscape", tag = "venture",
    params(
        ("from" = Option<chrono::NaiveDate>, Query, description = "The first quarter: a date in it, `YYYY-MM-DD`.", example = "2025-01-01"),
        ("to" = Option<chrono::NaiveDate>, Query, description = "The last quarter: a date in it, `YYYY-MM-DD`."),
        ("sector" = Option<String>, Query, description = "Drill into one sector: the rows become its stages."),
    ),
    responses(
        (status = 200, description = "The landscape.", body = Landscape),
        (status = 400, description = "A bad date or sector, or `from` after `to`; `parameter` names it.", body = AppError),
    )))]
#[server(prefix = "/api", endpoint = "venture/landscape", input = GetUrl, output = Json)]
pub async fn get_landscape(
    from: Option<String>,
    to: Option<String>,
    sector: Option<String>,
) -> Result<Landscape, AppError> {
    let state = crate::state::use_app_state()?;
    super::handlers::landscape(&state, &from, &to, &sector).await
}

/// Funding rounds, filtered, sorted and paged.
///
/// Every row carries its `provenance` (`source` `edgar`, `import` or `demo`, and the filing
/// on sec.gov for EDGAR rows). `amount_offered` is `null` with `offering_indefinite` when
/// the form says Indefinite.
#[cfg_attr(feature = "ssr", utoipa::path(get, path = "/api/venture/funding", tag = "venture",
    params(super::query::FundingParams),
    responses(
        (status = 200, description = "One page of rounds.", body = Page<RoundRow>),
        crate::error::BadParameter,
    )))]
#[server(prefix = "/api", endpoint = "venture/funding", input = GetUrl, output = Json)]
pub async fn get_funding(
    sector: Option<String>,
    stage: Option<String>,
    state: Option<String>,
    min_amount: Option<String>,
    max_amount: Option<String>,
    from: Option<String>,
    to: Option<String>,
    q: Option<String>,
    notable: Option<String>,
    sort: Option<String>,
    dir: Option<String>,
    page: Option<String>,
    per_page: Option<String>,
) -> Result<Page<RoundRow>, AppError> {
    let params = super::query::FundingParams {
        sector,
        stage,
        state,
        min_amount,
        max_amount,
        from,
        to,
        q,
        notable,
        sort,
        dir,
        page,
        per_page,
    };
    let filter = params.parse()?;
    let app = crate::state::use_app_state()?;
    Ok(super::service::funding(&app.db, &filter).await?)
}

/// Companies by name, with their rounds, dollars sold and the last round's date.
#[cfg_attr(feature = "ssr", utoipa::path(get, path = "/api/venture/companies", tag = "venture",
    params(
        ("q" = Option<String>, Query, description = "Part of the name (at most 100 characters)."),
        ("sector" = Option<String>, Query, description = "Only this sector."),
        crate::venture::handlers::Paging,
    ),
    responses(
        (status = 200, description = "One page of companies.", body = Page<CompanyRow>),
        crate::error::BadParameter,
    )))]
#[server(prefix = "/api", endpoint = "venture/companies", input = GetUrl, output = Json)]
pub async fn get_companies(
    q: Option<String>,
    sector: Option<String>,
    page: Option<String>,
    per_page: Option<String>,
) -> Result<Page<CompanyRow>, AppError> {
    let state = crate::state::use_app_state()?;
    super::handlers::companies(&state, &q, &sector, &page, &per_page).await
}

/// One company by id: the same answer as `/api/venture/companies/{id}`.
#[cfg_attr(feature = "ssr", utoipa::path(get, path = "/api/venture/company", tag = "venture",
    params(("id" = u32, Query, minimum = 1, description = "The company's id.", example = 1)),
    responses(
        (status = 200, description = "The company.", body = CompanyDetail),
        crate::error::NotAnId,
        (status = 404, description = "No company with that id.", body = AppError),
    )))]
#[server(prefix = "/api", endpoint = "venture/company", input = GetUrl, output = Json)]
pub async fn get_company(id: String) -> Result<CompanyDetail, AppError> {
    let state = crate::state::use_app_state()?;
    super::handlers::company(&state, &id).await
}

/// Investors, most rounds first: rounds, rounds led and dollars in those rounds.
#[cfg_attr(feature = "ssr", utoipa::path(get, path = "/api/venture/investors", tag = "venture",
    params(
        ("q" = Option<String>, Query, description = "Part of the name (at most 100 characters)."),
        crate::venture::handlers::Paging,
    ),
    responses(
        (status = 200, description = "One page of investors.", body = Page<InvestorRow>),
        crate::error::BadParameter,
    )))]
#[server(prefix = "/api", endpoint = "venture/investors", input = GetUrl, output = Json)]
pub async fn get_investors(
    q: Option<String>,
    page: Option<String>,
    per_page: Option<String>,
) -> Result<Page<InvestorRow>, AppError> {
    let state = crate::state::use_app_state()?;
    super::handlers::investors(&state, &q, &page, &per_page).await
}

/// One investor by id: the same answer as `/api/venture/investors/{id}`.
#[cfg_attr(feature = "ssr", utoipa::path(get, path = "/api/venture/investor", tag = "venture",
    params(("id" = u32, Query, minimum = 1, description = "The investor's id.", example = 1)),
    responses(
        (status = 200, description = "The investor, its rounds and the funds it manages.", body = InvestorDetail),
        crate::error::NotAnId,
        (status = 404, description = "No investor with that id.", body = AppError),
    )))]
#[server(prefix = "/api", endpoint = "venture/investor", input = GetUrl, output = Json)]
pub async fn get_investor(id: String) -> Result<InvestorDetail, AppError> {
    let state = crate::state::use_app_state()?;
    super::handlers::investor(&state, &id).await
}

/// Acquisitions: acquirer, target, dates, price, status, the filing form and accession.
#[cfg_attr(feature = "ssr", utoipa::path(get, path = "/api/venture/acquisitions", tag = "venture",
    params(
        ("status" = Option<String>, Query, description = "Only deals in this state."),
        ("sector" = Option<String>, Query, description = "Only this sector (the target's)."),
        ("from" = Option<chrono::NaiveDate>, Query, description = "Announced on or after, `YYYY-MM-DD`."),
        ("to" = Option<chrono::NaiveDate>, Query, description = "Announced on or before, `YYYY-MM-DD`."),
        crate::venture::handlers::Paging,
    ),
    responses(
        (status = 200, description = "One page of deals.", body = Page<AcquisitionRow>),
        crate::error::BadParameter,
    )))]
#[server(prefix = "/api", endpoint = "venture/acquisitions", input = GetUrl, output = Json)]
pub async fn get_acquisitions(
    status: Option<String>,
    sector: Option<String>,
    from: Option<String>,
    to: Option<String>,
    page: Option<String>,
    per_page: Option<String>,
) -> Result<Page<AcquisitionRow>, AppError> {
    let state = crate::state::use_app_state()?;
    super::handlers::acquisitions(&state, &status, &sector, &from, &to, &page, &per_page).await
}

/// Valuations: pre- and post-money by date and basis.
#[cfg_attr(feature = "ssr", utoipa::path(get, path = "/api/venture/valuations", tag = "venture",
    params(
        ("company" = Option<u32>, Query, minimum = 1, description = "Only this company's (its id)."),
        crate::venture::handlers::Paging,
    ),
    responses(
        (status = 200, description = "One page of valuations.", body = Page<ValuationRow>),
        crate::error::BadParameter,
    )))]
#[server(prefix = "/api", endpoint = "venture/valuations", input = GetUrl, output = Json)]
pub async fn get_valuations(
    company: Option<String>,
    page: Option<String>,
    per_page: Option<String>,
) -> Result<Page<ValuationRow>, AppError> {
    let state = crate::state::use_app_state()?;
    super::handlers::valuations(&state, &company, &page, &per_page).await
}

/// Every fund with its returns: IRR, TVPI, DPI, RVPI, MOIC and KS-PME.
///
/// Where a figure cannot be computed it is `null` and a note says why (`irr_note`,
/// `pme_note`); errors are never turned into numbers.
#[cfg_attr(feature = "ssr", utoipa::path(get, path = "/api/venture/funds", tag = "venture",
    responses((status = 200, description = "The funds.", body = Page<FundRow>))))]
#[server(prefix = "/api", endpoint = "venture/funds", input = GetUrl, output = Json)]
pub async fn get_funds() -> Result<Page<FundRow>, AppError> {
    let state = crate::state::use_app_state()?;
    Ok(super::service::funds(&state.db, chrono::Utc::now()).await?)
}

/// One fund by id: the same answer as `/api/venture/funds/{id}`.
#[cfg_attr(feature = "ssr", utoipa::path(get, path = "/api/venture/fund", tag = "venture",
    params(("id" = u32, Query, minimum = 1, description = "The fund's id.", example = 1)),
    responses(
        (status = 200, description = "The fund, its flows, holdings and chart.", body = FundDetail),
        crate::error::NotAnId,
        (status = 404, description = "No fund with that id.", body = AppError),
    )))]
#[server(prefix = "/api", endpoint = "venture/fund", input = GetUrl, output = Json)]
pub async fn get_fund(id: String) -> Result<FundDetail, AppError> {
    let state = crate::state::use_app_state()?;
    super::handlers::fund(&state, &id).await
}

/// The IPO pipeline, grouped by status, each entry with its dates, amendments and events.
#[cfg_attr(feature = "ssr", utoipa::path(get, path = "/api/venture/ipo-pipeline", tag = "venture",
    params(("status" = Option<String>, Query, description = "Only this status.")),
    responses(
        (status = 200, description = "The pipeline.", body = IpoPipeline),
        (status = 400, description = "An unknown status; `parameter` is `status`.", body = AppError),
    )))]
#[server(prefix = "/api", endpoint = "venture/ipo-pipeline", input = GetUrl, output = Json)]
pub async fn get_ipo_pipeline(status: Option<String>) -> Result<IpoPipeline, AppError> {
    let state = crate::state::use_app_state()?;
    super::handlers::ipo_pipeline(&state, &status).await
}

/// The sector taxonomy, with the rounds and dollars in each.
#[cfg_attr(feature = "ssr", utoipa::path(get, path = "/api/venture/sectors", tag = "venture",
    responses((status = 200, description = "The sectors.", body = SectorList))))]
#[server(prefix = "/api", endpoint = "venture/sectors", input = GetUrl, output = Json)]
pub async fn get_sectors() -> Result<SectorList, AppError> {
    let state = crate::state::use_app_state()?;
    Ok(super::service::sectors(&state.db).await?)
}
