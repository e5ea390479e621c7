//! Chart server functions: part of the public API (docs/api.md lists them).
use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json};

use super::model::{ChartView, PackList, SeriesOption};
use crate::error::AppError;

/// `GET /api/charts/packs`: the kept chart packs, newest first, with download URLs.
#[server(prefix = "/api", endpoint = "charts/packs", input = GetUrl, output = Json)]
pub async fn list_packs() -> Result<PackList, AppError> {
    let state = crate::state::use_app_state()?;
    Ok(super::pack_service::list(&state.db, 60).await?)
}

/// `GET /api/charts/series`: every stored series a chart view can draw (commodities and
/// macro series), with unit and frequency.
#[server(prefix = "/api", endpoint = "charts/series", input = GetUrl, output = Json)]
pub async fn list_series() -> Result<Vec<SeriesOption>, AppError> {
    let state = crate::state::use_app_state()?;
    super::view::options(&state.db).await
}

/// `GET /api/charts/view?series=a[,b..]&range=&overlays=&ratio=&log=&rebase=`: the chart of a view
/// as inline SVG, with the URLs of its SVG, PNG, PDF and CSV downloads.
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
