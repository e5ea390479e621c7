//! Commodity server functions: the pages call them, and so can anyone with curl. Their
//! URLs are part of the public API (/api/openapi.json lists them): never rename an endpoint.
use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json};

use super::model::{InstrumentPage, Overview, SignalsTable, Trending};
use crate::error::AppError;
use crate::universe::Universe;

/// Every instrument: last value, as-of date, source, changes and sparkline.
///
/// `change_*` are percentages, `null` where the frequency has no such change (a monthly
/// series has no 1-day change) or the history lacks the point. `stale` is true when the
/// newest observation is older than the frequency allows or the latest refresh failed on
/// every source; `freshness` is the badge (`fresh`, `stale`, `demo` or `no_data`).
#[cfg_attr(feature = "ssr", utoipa::path(get, path = "/api/commodities/overview", tag = "commodities",
    params(("group" = Option<String>, Query, description = "One group's slug (`/api/commodities/config` lists them); every group when left out.", example = "energy")),
    responses(
        (status = 200, description = "The overview.", body = Overview),
        (status = 400, description = "An unknown group; `parameter` is `group`.", body = AppError),
    )))]
#[server(prefix = "/api", endpoint = "commodities/overview", input = GetUrl, output = Json)]
pub async fn get_overview(group: Option<String>) -> Result<Overview, AppError> {
    let state = crate::state::use_app_state()?;
    let group = super::handlers::group_param(&state.universe, group)?;
    let db = &state.db;
    let compute = || super::service::overview(db, &state.universe, group.as_deref(), chrono::Utc::now());
    let mut ov = Overview::clone(&*state.kept.of::<super::service::OverviewCache>().get(group.clone(), compute).await?);
    ov.offline_notice = state.config.demo.then(|| crate::config::DEMO_OFFLINE_NOTICE.to_string());
    Ok(ov)
}

/// The group endpoints: the overview of one group, at a URL of its own.
macro_rules! group_endpoint {
    ($name:ident, $endpoint:literal, $group:literal) => {
        #[doc = concat!("The overview of the ", $group, " group, at a URL of its own.")]
        // The summary is spelled out: the doc above is not a literal, which the derive skips.
        #[cfg_attr(feature = "ssr", utoipa::path(get, path = concat!("/api/", $endpoint), tag = "commodities",
            summary = concat!("The overview of the ", $group, " group."),
            description = concat!("The same answer as `/api/commodities/overview?group=", $group, "`, at a URL of its own."),
            responses((status = 200, description = "The group's overview.", body = Overview))))]
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

/// Every instrument's latest signals, pre-computed by the `commodity_signals` job.
///
/// Rates of change and distances are percentages; `vol_20d` is a fraction. A monthly or
/// annual series lists the indicators it has no such thing as in `not_applicable`. Rows
/// without a value sort last in both directions. `/api/commodities/signals.csv` gives the
/// same table as CSV.
#[cfg_attr(feature = "ssr", utoipa::path(get, path = "/api/commodities/signals", tag = "commodities",
    params(
        ("group" = Option<String>, Query, description = "One group's slug; every group when left out.", example = "energy"),
        ("stance" = inline(Option<super::signals::Stance>), Query, description = "Only rows with this stance."),
        ("sort" = Option<String>, Query, description = "The column to sort by (default `name`).", example = "rsi14"),
        ("dir" = Option<String>, Query, description = "`asc` (the default) or `desc`.", example = "desc"),
    ),
    responses(
        (status = 200, description = "The signals table.", body = SignalsTable),
        crate::error::BadParameter,
    )))]
#[server(prefix = "/api", endpoint = "commodities/signals", input = GetUrl, output = Json)]
pub async fn get_signals(
    group: Option<String>,
    stance: Option<String>,
    sort: Option<String>,
    dir: Option<String>,
) -> Result<SignalsTable, AppError> {
    let state = crate::state::use_app_state()?;
    super::handlers::signals_table(&state, group, stance, sort, dir).await
}

/// Gainers and losers over 1d, 1w, 1m and 1y, the largest |z-scores|, new 52-week highs and lows.
///
/// Percent changes over 1, 5, 21 and 252 observations of daily series; monthly series join
/// the `1m` and `1y` lists with their own 1- and 12-month changes. A gainer must have
/// gained and a loser lost.
#[cfg_attr(feature = "ssr", utoipa::path(get, path = "/api/commodities/trending", tag = "commodities",
    params(("limit" = Option<u32>, Query, minimum = 1, maximum = 50, description = "The most entries per list: 1 to 50 (default 5).", example = 3)),
    responses(
        (status = 200, description = "The movers.", body = Trending),
        (status = 400, description = "`limit` is not a whole number from 1 to 50.", body = AppError),
    )))]
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

/// The universe: groups, instruments and macro series with their ordered sources.
#[cfg_attr(feature = "ssr", utoipa::path(get, path = "/api/commodities/config", tag = "commodities",
    responses((status = 200, description = "The universe.", body = Universe))))]
#[server(prefix = "/api", endpoint = "commodities/config", input = GetUrl, output = Json)]
pub async fn get_config() -> Result<Universe, AppError> {
    let state = crate::state::use_app_state()?;
    Ok((*state.universe).clone())
}

/// What the instrument page shows: the detail, its charts for a range as inline SVG.
///
/// The `/api/commodities/{slug}` answer under `detail`, the span drawn, the price, RSI and
/// MACD charts (`null` where the frequency has no such indicator, `chart_notes` saying why)
/// and the 15 newest observations. Made for the page; `/api/commodities/{slug}/history` is
/// the data API. The default range is 1y for daily series, 10y for monthly, max for annual.
#[cfg_attr(feature = "ssr", utoipa::path(get, path = "/api/pages/commodity", tag = "commodities",
    params(
        ("slug" = String, Query, description = "The instrument.", example = "gold"),
        ("range" = inline(Option<super::range::Range>), Query, description = "The span drawn.", example = "5y"),
    ),
    responses(
        (status = 200, description = "The page's data.", body = InstrumentPage),
        (status = 400, description = "An unknown range, or no `slug`.", body = AppError),
        super::handlers::UnknownInstrument,
    )))]
#[server(prefix = "/api", endpoint = "pages/commodity", input = GetUrl, output = Json)]
pub async fn get_instrument_page(slug: String, range: Option<String>) -> Result<InstrumentPage, AppError> {
    let range = match range.as_deref().filter(|r| !r.is_empty()) {
        None => None,
        Some(r) => Some(super::range::Range::parse(r).map_err(|m| AppError::bad_parameter("range", m))?),
    };
    let state = crate::state::use_app_state()?;
    super::instrument::page(&state, &slug, range).await
}

/// 2 to 6 instruments rebased to 100, and the correlations of their returns.
///
/// Rebased on `base` (default: the window start; the first common date on or after it is
/// used) over `from`..`to` (default: the 5 years up to the newest common observation). With
/// a monthly series among them every series is compared at month ends (an annual one: year
/// ends). Correlations are Pearson correlations of simple period returns, pairwise on the
/// dates both share; `null` with fewer than 3 common returns. `chart` is the rebased chart
/// as inline SVG.
#[cfg_attr(feature = "ssr", utoipa::path(get, path = "/api/commodities/compare", tag = "commodities",
    params(
        ("instruments" = String, Query, description = "2 to 6 instrument slugs, comma-separated, none repeated.", example = "gold,silver,copper"),
        ("base" = Option<chrono::NaiveDate>, Query, description = "The rebase date, `YYYY-MM-DD`."),
        ("from" = Option<chrono::NaiveDate>, Query, description = "The window's first date, `YYYY-MM-DD`.", example = "2024-01-01"),
        ("to" = Option<chrono::NaiveDate>, Query, description = "The window's last date, `YYYY-MM-DD`."),
    ),
    responses(
        (status = 200, description = "The comparison.", body = super::compare_math::Comparison),
        (status = 400, description = "Too few or too many instruments, a repeated one, a bad date, `from` after `to`, or a base with no common date after it; `parameter` names it.", body = AppError),
        super::handlers::UnknownInstrument,
    )))]
#[server(prefix = "/api", endpoint = "commodities/compare", input = GetUrl, output = Json)]
pub async fn get_compare(
    instruments: Option<String>,
    base: Option<String>,
    from: Option<String>,
    to: Option<String>,
) -> Result<super::compare_math::Comparison, AppError> {
    let state = crate::state::use_app_state()?;
    super::compare_service::compare(
        &state,
        instruments.as_deref(),
        base.as_deref(),
        from.as_deref(),
        to.as_deref(),
        chrono::Utc::now().date_naive(),
    )
    .await
}
