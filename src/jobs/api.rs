//! Job server functions. Their URLs are part of the public API (docs/api.md lists them).
use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json};

use super::model::{FailurePage, Health, JobView, RunStarted};
use crate::error::AppError;

/// `GET /api/jobs`: every job with its schedule, next run and most recent runs.
#[server(prefix = "/api", endpoint = "jobs", input = GetUrl, output = Json)]
pub async fn list_jobs() -> Result<Vec<JobView>, AppError> {
    let state = crate::state::use_app_state()?;
    let mut jobs = super::service::list_jobs(&state.db, &state.config.jobs, chrono::Utc::now()).await?;
    if state.config.demo {
        super::service::mark_paused(&mut jobs);
    }
    Ok(jobs)
}

/// `GET /api/jobs/health`: per-feed health (last success, last error, consecutive
/// failures), stale instruments with their reasons, and a running backfill's progress.
#[server(prefix = "/api", endpoint = "jobs/health", input = GetUrl, output = Json)]
pub async fn get_health() -> Result<Health, AppError> {
    let state = crate::state::use_app_state()?;
    let admin = state.config.admin_token.expose().is_some();
    let mut health = super::service::health(&state.db, &state.universe, &state.sources, admin, chrono::Utc::now()).await?;
    health.offline_notice = state.config.demo.then(|| super::model::DEMO_OFFLINE_NOTICE.to_string());
    Ok(health)
}

/// `GET /api/jobs/failures[?page=N]`: failed and partial runs grouped by job and short
/// reason, with counts and the newest full error, newest first, 20 groups a page. A page
/// that is not a whole number from 1, or past the last page, is a 400.
#[server(prefix = "/api", endpoint = "jobs/failures", input = GetUrl, output = Json)]
pub async fn get_failures(page: Option<String>) -> Result<FailurePage, AppError> {
    let state = crate::state::use_app_state()?;
    let n = match page.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        None => 1,
        Some(p) => match p.parse::<u64>() {
            Ok(n) if (1..=1_000_000).contains(&n) => n,
            _ => return Err(AppError::bad_parameter("page", format!("'{p}' is not a page number (a whole number from 1)"))),
        },
    };
    super::service::failures(&state.db, n)
        .await?
        .ok_or_else(|| AppError::bad_parameter("page", format!("page {n} is past the last page of failures")))
}

/// `POST /api/jobs/run` (form fields `job` and `token`, or the token as
/// `Authorization: Bearer ...`): starts a job now, in the background. 403 when no admin
/// token is configured, 401 when the token is missing or wrong.
#[server(prefix = "/api", endpoint = "jobs/run")]
pub async fn run_job(job: String, token: Option<String>) -> Result<RunStarted, AppError> {
    let state = crate::state::use_app_state()?;
    let header_token = bearer_token().await;
    let given = token.filter(|t| !t.is_empty()).or(header_token);
    state.config.admin_token.authorize(given.as_deref(), "form field `token` or a Bearer header")?;
    let Some(kind) = super::commodity::JobKind::by_name(&job) else {
        return Err(AppError::bad_parameter(
            "job",
            format!("'{job}' cannot be run now; runnable jobs: commodity_prices, commodity_signals, ai_materials, space_tech, macro_series, chart_pack, backfill, vc_sync, funding_tracker, ipo_monitor, venture_backfill"),
        ));
    };
    let slot = format!("manual:{}", chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S%.3fZ"));
    // The run's row exists before the answer leaves, so the caller (and the page) sees it.
    let Some(run_id) = super::runner::acquire(&state.db, kind.name(), &slot, chrono::Utc::now()).await? else {
        return Err(AppError::bad_parameter("job", format!("'{job}' was started a moment ago; try again")));
    };
    let (st, run_slot) = (state.clone(), slot.clone());
    tokio::spawn(async move {
        if let Err(e) = super::runner::execute_then_dependents(&st, run_id, kind, &run_slot).await {
            tracing::error!(error = %e, "cannot record the runs that follow a job");
        }
    });
    // A page's form (it asks for HTML) goes back to the jobs page, which says what started;
    // a program asking for JSON gets the JSON.
    if asks_for_html().await {
        let q = format!("started={}&slot={}", crate::params::encode(&job), crate::params::encode(&slot));
        leptos_axum::redirect(&format!("/jobs?{q}"));
    }
    Ok(RunStarted { job, slot })
}

#[cfg(feature = "ssr")]
async fn asks_for_html() -> bool {
    let headers: Option<axum::http::HeaderMap> = leptos_axum::extract().await.ok();
    headers
        .and_then(|h| h.get(axum::http::header::ACCEPT).and_then(|v| v.to_str().ok()).map(|v| v.contains("text/html")))
        .unwrap_or(false)
}

#[cfg(feature = "ssr")]
async fn bearer_token() -> Option<String> {
    let headers: axum::http::HeaderMap = leptos_axum::extract().await.ok()?;
    let v = headers.get(axum::http::header::AUTHORIZATION)?.to_str().ok()?;
    v.strip_prefix("Bearer ").map(|t| t.trim().to_string())
}
