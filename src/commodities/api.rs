//! Commodity server functions: the pages call them, and so can anyone with curl. Their
//! URLs are part of the public API (README lists them): never rename an endpoint.
use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json};

use super::model::Overview;
use crate::error::AppError;
use crate::universe::Universe;

/// `GET /api/commodities/overview[?group=SLUG]`: every instrument with its last value,
/// as-of date, source, changes and sparkline.
#[server(prefix = "/api", endpoint = "commodities/overview", input = GetUrl, output = Json)]
pub async fn get_overview(group: Option<String>) -> Result<Overview, AppError> {
    let state = crate::state::use_app_state()?;
    let group = group.filter(|g| !g.is_empty());
    if let Some(g) = &group {
        if state.universe.group(g).is_none() {
            let known: Vec<_> = state.universe.groups.iter().map(|g| g.slug.as_str()).collect();
            return Err(AppError::bad_parameter(
                "group",
                format!("unknown group '{g}'; expected one of: {}", known.join(", ")),
            ));
        }
    }
    Ok(super::service::overview(&state.db, &state.universe, group.as_deref(), chrono::Utc::now()).await?)
}

/// `GET /api/commodities/config`: the universe (groups, instruments, ordered sources).
#[server(prefix = "/api", endpoint = "commodities/config", input = GetUrl, output = Json)]
pub async fn get_config() -> Result<Universe, AppError> {
    let state = crate::state::use_app_state()?;
    Ok((*state.universe).clone())
}
