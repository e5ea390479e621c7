//! Chart server functions: part of the public API (/api/openapi.json lists them).
use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json};

use super::model::{ChartView, PackList, SeriesOption};
use crate::error::AppError;

/// The kept macro chart packs, newest first, with their download URLs.
#[cfg_attr(feature = "ssr", utoipa::path(get, path = "/api/charts/packs", tag = "charts",
    responses((status = 200, description = "The packs.", body = PackList))))]
#[server(prefix = "/api", endpoint = "charts/packs", input = GetUrl, output = Json)]
pub async fn list_packs() -> Result<PackList, AppError> {
    let state = crate::state::use_app_state()?;
    Ok(super::pack_service::list(&state.db, 60).await?)
}

/// Every stored series a chart view can draw (commodities and macro series).
#[cfg_attr(feature = "ssr", utoipa::path(get, path = "/api/charts/series", tag = "charts",
    responses((status = 200, description = "The series, with unit and frequency.", body = Vec<SeriesOption>))))]
#[server(prefix = "/api", endpoint = "charts/series", input = GetUrl, output = Json)]
pub async fn list_series() -> Result<Vec<SeriesOption>, AppError> {
    let state = crate::state::use_app_state()?;
    super::view::options(&state.db).await
}

/// A chart view as inline SVG, with the URLs of its SVG, PNG, PDF and CSV downloads.
///
/// The same view as `/api/charts/view.svg` and its siblings, for a page.
#[cfg_attr(feature = "ssr", utoipa::path(get, path = "/api/charts/view", tag = "charts",
    params(crate::charts::view::ViewQuery),
    responses(
        (status = 200, description = "The view; `svg` is `null` when the range holds no observations.", body = ChartView),
        crate::error::BadParameter,
        (status = 404, description = "An unknown series.", body = AppError),
    )))]
#[server(prefix = "/api", endpoint = "charts/view", input = GetUrl, output = Json)]
pub async fn get_chart_view(
    series: Option<String>,
    range: Option<String>,
    overlays: Option<String>,
    ratio: Option<String>,
    log: Option<String>,
    rebase: Option<String>,
) -> Result<ChartView, AppError> {
    let state = crate::state::use_app_state()?;
    let q = super::view::ViewQuery { series, range, overlays, ratio, log, rebase };
    super::view::page_view(&state.db, &q).await
}
