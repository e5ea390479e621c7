//! Site-wide status for the layout: is any figure generated demo data?
use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json};
use serde::{Deserialize, Serialize};

use crate::error::AppError;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SiteStatus {
    pub version: String,
    /// Generated demo data is present and shown.
    pub demo: bool,
}

/// The running version, and whether generated demo data is present.
#[cfg_attr(feature = "ssr", utoipa::path(get, path = "/api/status", tag = "status",
    responses((status = 200, description = "The status.", body = SiteStatus))))]
#[server(prefix = "/api", endpoint = "status", input = GetUrl, output = Json)]
pub async fn get_status() -> Result<SiteStatus, AppError> {
    let state = crate::state::use_app_state()?;
    Ok(SiteStatus { version: env!("CARGO_PKG_VERSION").to_string(), demo: state.demo_active() })
}
