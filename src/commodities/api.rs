//! Commodity server functions: the pages call them, and so can anyone with curl. Their
//! URLs are part of the public API (docs/api.md lists them): never rename an endpoint.
use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json};

use super::model::{InstrumentPage, Overview, SignalsTable, Trending};
use crate::error::AppError;
use crate::universe::Universe;

/// `GET /api/commodities/overview[?group=SLUG]`: every instrument with its last value,
/// as-of date, source, changes and sparkline.
#[server(prefix = "/api", endpoint = "commodities/overview", input = GetUrl, output = Json)]
pub async fn get_overview(group: Option<String>) -> Result<Overview, AppError> {
    let state = crate::state::use_app_state()?;
    let group = super::rest::group_param(&state.universe, group)?;
    let db = &state.db;
    let compute = || super::service::overview(db, &state.universe, group.as_deref(), chrono::Utc::now());
    let mut ov = Overview::clone(&*state.overview.get(group.clone(), compute).await?);
    ov.offline_notice = state.config.demo.then(|| crate::jobs::model::DEMO_OFFLINE_NOTICE.to_string());
    Ok(ov)
}

/// The group endpoints: the overview of one group, at a URL of its own.
macro_rules! group_endpoint {
    ($name:ident, $endpoint:literal, $group:literal) => {
        #[doc = concat!("`GET /api/", $endpoint, "`: the overview of the ", $group, " group.")]
        #[server(prefix = "/api", endpoint = $endpoint, input = GetUrl, output = Json)]
        pub async fn $name() -> Result<Overview, AppError> {
            get_overview(Some($group.to_string())).await
        }
    };
}
group_endpoint!(get_metals, "commodities/metals", "metals");
group_endpoint!(get_energy, "commodities/energy", "energy");
group_endpoint!(get_ai_materials, "commodities/ai-materials", "ai-materials");
group_endpoint!(get_space_tech, "commodities/space-tech", "space-tech");

/// `GET /api/commodities/signals[?group=&stance=&sort=&dir=]`: every instrument's latest
/// signals, pre-computed by the `commodity_signals` job.
#[server(prefix = "/api", endpoint = "commodities/signals", input = GetUrl, output = Json)]
pub async fn get_signals(
    group: Option<String>,
    stance: Option<String>,
    sort: Option<String>,
    dir: Option<String>,
) -> Result<SignalsTable, AppError> {
    let state = crate::state::use_app_state()?;
    super::rest::signals_table(&state, group, stance, sort, dir).await
}

/// `GET /api/commodities/trending[?limit=N]`: top gainers and losers over 1 day, 1 week,
/// 1 month and 1 year, the largest |z-scores|, and new 52-week highs and lows.
#[server(prefix = "/api", endpoint = "commodities/trending", input = GetUrl, output = Json)]
pub async fn get_trending(limit: Option<String>) -> Result<Trending, AppError> {
    let limit = match limit.as_deref().filter(|l| !l.is_empty()) {
        None => 5,
        Some(l) => match l.parse::<usize>() {
            Ok(n) if (1..=50).contains(&n) => n,
            _ => return Err(AppError::bad_parameter("limit", format!("'{l}' is not a whole number from 1 to 50"))),
        },
    };
    let state = crate::state::use_app_state()?;
    let rows = super::signal_store::latest(&state.db, &state.universe, None, None).await?;
    Ok(super::model::trending(&rows, limit, chrono::Utc::now()))
}

/// `GET /api/commodities/config`: the universe (groups, instruments, ordered sources).
#[server(prefix = "/api", endpoint = "commodities/config", input = GetUrl, output = Json)]
pub async fn get_config() -> Result<Universe, AppError> {
    let state = crate::state::use_app_state()?;
    Ok((*state.universe).clone())
}

/// `GET /api/pages/commodity?slug=SLUG[&range=1m|3m|1y|5y|10y|max]`: what the instrument
/// page shows: the `commodities/{slug}` answer, its charts for the range as inline SVG, and
/// the newest observations. Made for the page; `commodities/{slug}/history` is the data API.
#[server(prefix = "/api", endpoint = "pages/commodity", input = GetUrl, output = Json)]
pub async fn get_instrument_page(slug: String, range: Option<String>) -> Result<InstrumentPage, AppError> {
    let range = match range.as_deref().filter(|r| !r.is_empty()) {
        None => None,
        Some(r) => Some(super::range::Range::parse(r).map_err(|m| AppError::bad_parameter("range", m))?),
    };
    let state = crate::state::use_app_state()?;
    super::instrument::page(&state, &slug, range).await
}

/// `GET /api/commodities/compare?instruments=a,b[,...][&base=&from=&to=]`: 2 to 6
/// instruments rebased to 100 on `base` (default: the window start; the first common date
/// on or after it is used) over `from`..`to` (default: the 5 years up to the newest common
/// observation), with the chart of the rebased lines and the correlation matrix of their
/// returns. Dates look like 2024-01-31; a bad one is a 400 naming its parameter.
#[server(prefix = "/api", endpoint = "commodities/compare", input = GetUrl, output = Json)]
pub async fn get_compare(
    instruments: Option<String>,
    base: Option<String>,
    from: Option<String>,
    to: Option<String>,
) -> Result<super::comparison::Comparison, AppError> {
    let state = crate::state::use_app_state()?;
    super::compare::compare(
        &state,
        instruments.as_deref(),
        base.as_deref(),
        from.as_deref(),
        to.as_deref(),
        chrono::Utc::now().date_naive(),
    )
    .await
}
