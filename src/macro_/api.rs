//! Macro server functions. Their URLs are part of the public API (docs/api.md lists them).
use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json};

use super::model::MacroSeriesList;
use crate::error::AppError;

/// `GET /api/macro/series`: every macro series with its unit, frequency, last value,
/// as-of date, source (`fred` or `demo`) and staleness.
#[server(prefix = "/api", endpoint = "macro/series", input = GetUrl, output = Json)]
pub async fn get_macro_series() -> Result<MacroSeriesList, AppError> {
    let state = crate::state::use_app_state()?;
    Ok(super::service::list(&state.db, &state.universe, chrono::Utc::now()).await?)
}
