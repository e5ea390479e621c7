use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json};

use super::model::JobView;
use crate::error::AppError;

/// `GET /api/jobs`: every job with its schedule and its most recent runs.
#[server(prefix = "/api", endpoint = "jobs", input = GetUrl, output = Json)]
pub async fn list_jobs() -> Result<Vec<JobView>, AppError> {
    let state = crate::state::use_app_state()?;
    Ok(super::service::list_jobs(&state.db, &state.config.jobs).await?)
}
