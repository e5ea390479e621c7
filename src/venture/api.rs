//! Venture server functions: the pages call them, and so can anyone with curl. Their URLs
//! are part of the public API (docs/api.md lists them). The endpoints whose URL carries an id
//! (`/api/venture/companies/{id}`, ...) and the CSV downloads live in `rest.rs`, over the
//! same parameter checks and services.
use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json};

use super::model::*;
use crate::error::AppError;

/// `GET /api/venture/status`: row counts, filing errors, last sync, demo flag.
#[server(prefix = "/api", endpoint = "venture/status", input = GetUrl, output = Json)]
pub async fn get_venture_status() -> Result<VentureStatus, AppError> {
    let state = crate::state::use_app_state()?;
    Ok(super::service::status(&state.db).await?)
}

/// `GET /api/venture/landscape[?from=&to=&sector=]`: funding by sector and quarter (or by
/// stage and quarter within one sector), totals and the biggest rounds.
#[server(prefix = "/api", endpoint = "venture/landscape", input = GetUrl, output = Json)]
pub async fn get_landscape(
    from: Option<String>,
    to: Option<String>,
    sector: Option<String>,
) -> Result<Landscape, AppError> {
    let state = crate::state::use_app_state()?;
    super::rest::landscape(&state, &from, &to, &sector).await
}

/// `GET /api/venture/funding?sector=&stage=&state=&min_amount=&max_amount=&from=&to=&q=&notable=&sort=&dir=&page=&per_page=`
#[server(prefix = "/api", endpoint = "venture/funding", input = GetUrl, output = Json)]
#[allow(clippy::too_many_arguments)]
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

/// `GET /api/venture/companies[?q=&sector=&page=&per_page=]`: companies by name.
#[server(prefix = "/api", endpoint = "venture/companies", input = GetUrl, output = Json)]
pub async fn get_companies(
    q: Option<String>,
    sector: Option<String>,
    page: Option<String>,
    per_page: Option<String>,
) -> Result<Page<CompanyRow>, AppError> {
    let state = crate::state::use_app_state()?;
    super::rest::companies(&state, &q, &sector, &page, &per_page).await
}

/// `GET /api/venture/company?id=N`: the same answer as `/api/venture/companies/{id}`.
#[server(prefix = "/api", endpoint = "venture/company", input = GetUrl, output = Json)]
pub async fn get_company(id: String) -> Result<CompanyDetail, AppError> {
    let state = crate::state::use_app_state()?;
    super::rest::company(&state, &id).await
}

/// `GET /api/venture/investors[?q=&page=&per_page=]`: investors, most active first.
#[server(prefix = "/api", endpoint = "venture/investors", input = GetUrl, output = Json)]
pub async fn get_investors(
    q: Option<String>,
    page: Option<String>,
    per_page: Option<String>,
) -> Result<Page<InvestorRow>, AppError> {
    let state = crate::state::use_app_state()?;
    super::rest::investors(&state, &q, &page, &per_page).await
}

/// `GET /api/venture/investor?id=N`: the same answer as `/api/venture/investors/{id}`.
#[server(prefix = "/api", endpoint = "venture/investor", input = GetUrl, output = Json)]
pub async fn get_investor(id: String) -> Result<InvestorDetail, AppError> {
    let state = crate::state::use_app_state()?;
    super::rest::investor(&state, &id).await
}

/// `GET /api/venture/acquisitions[?status=&sector=&from=&to=&page=&per_page=]`
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
    super::rest::acquisitions(&state, &status, &sector, &from, &to, &page, &per_page).await
}

/// `GET /api/venture/valuations[?company=ID&page=&per_page=]`
#[server(prefix = "/api", endpoint = "venture/valuations", input = GetUrl, output = Json)]
pub async fn get_valuations(
    company: Option<String>,
    page: Option<String>,
    per_page: Option<String>,
) -> Result<Page<ValuationRow>, AppError> {
    let state = crate::state::use_app_state()?;
    super::rest::valuations(&state, &company, &page, &per_page).await
}

/// `GET /api/venture/funds`: every fund with IRR, TVPI, DPI, RVPI, MOIC and KS-PME.
#[server(prefix = "/api", endpoint = "venture/funds", input = GetUrl, output = Json)]
pub async fn get_funds() -> Result<Page<FundRow>, AppError> {
    let state = crate::state::use_app_state()?;
    Ok(super::service::funds(&state.db, chrono::Utc::now()).await?)
}

/// `GET /api/venture/fund?id=N`: the same answer as `/api/venture/funds/{id}`.
#[server(prefix = "/api", endpoint = "venture/fund", input = GetUrl, output = Json)]
pub async fn get_fund(id: String) -> Result<FundDetail, AppError> {
    let state = crate::state::use_app_state()?;
    super::rest::fund(&state, &id).await
}

/// `GET /api/venture/ipo-pipeline[?status=filed|amended|priced|withdrawn]`
#[server(prefix = "/api", endpoint = "venture/ipo-pipeline", input = GetUrl, output = Json)]
pub async fn get_ipo_pipeline(status: Option<String>) -> Result<IpoPipeline, AppError> {
    let state = crate::state::use_app_state()?;
    super::rest::ipo_pipeline(&state, &status).await
}

/// `GET /api/venture/sectors`: the sector taxonomy with rounds and dollars in each.
#[server(prefix = "/api", endpoint = "venture/sectors", input = GetUrl, output = Json)]
pub async fn get_sectors() -> Result<SectorList, AppError> {
    let state = crate::state::use_app_state()?;
    Ok(super::service::sectors(&state.db).await?)
}
