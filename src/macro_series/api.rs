//! Macro server functions. Their URLs are part of the public API (/api/openapi.json lists them).
use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json};

use super::model::MacroSeriesList;
use crate::error::AppError;

/// Every macro series with its unit, frequency, last value, as-of date, source and staleness.
///
/// One entry per macro series in universe order; `slug` is the FRED id in lower case.
#[cfg_attr(feature = "ssr", utoipa::path(get, path = "/api/macro/series", tag = "macro",
    responses((status = 200, description = "The series.", body = MacroSeriesList))))]
#[server(prefix = "/api", endpoint = "macro/series", input = GetUrl, output = Json)]
pub async fn get_macro_series() -> Result<MacroSeriesList, AppError> {
    let state = crate::state::use_app_state()?;
    Ok(super::service::list(&state.db, &state.universe, chrono::Utc::now()).await?)
}
