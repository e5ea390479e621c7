//! Job server functions. Their URLs are part of the public API (/api/openapi.json lists them).
use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json};

use super::model::{FailurePage, Health, JobView, RunStarted};
use crate::error::AppError;

/// Every job with its schedule, next run and most recent runs.
///
/// A run's `status` is `running`, `succeeded`, `partial`, `failed`, `interrupted` or
/// `abandoned`. Slots are the cron firing time, `manual:<time>` for "run now",
/// `startup:<time>` for the start-up backfill and `after:<slot>` for the runs that follow
/// a run that wrote rows. In demo mode the jobs that fetch say `paused`.
#[cfg_attr(feature = "ssr", utoipa::path(get, path = "/api/jobs", tag = "jobs",
    responses((status = 200, description = "The jobs.", body = Vec<JobView>))))]
#[server(prefix = "/api", endpoint = "jobs", input = GetUrl, output = Json)]
pub async fn list_jobs() -> Result<Vec<JobView>, AppError> {
    let state = crate::state::use_app_state()?;
    let mut jobs = super::service::list_jobs(&state.db, &state.config.jobs, chrono::Utc::now()).await?;
    if state.config.demo {
        super::service::mark_paused(&mut jobs);
    }
    Ok(jobs)
}

/// Feed health, stale instruments with their reasons, and a running backfill's progress.
///
/// Per feed (a provider and a series code there): the last attempt, success and error,
/// consecutive failures, and why the feed is not called at all when it is not.
#[cfg_attr(feature = "ssr", utoipa::path(get, path = "/api/jobs/health", tag = "jobs",
    responses((status = 200, description = "The health.", body = Health))))]
#[server(prefix = "/api", endpoint = "jobs/health", input = GetUrl, output = Json)]
pub async fn get_health() -> Result<Health, AppError> {
    let state = crate::state::use_app_state()?;
    let admin = crate::auth::service::admin_enabled(&state).await?;
    let mut health =
        super::service::health(&state.db, &state.universe, &state.sources, admin, chrono::Utc::now()).await?;
    health.offline_notice = state.config.demo.then(|| crate::config::DEMO_OFFLINE_NOTICE.to_string());
    Ok(health)
}

/// Failed and partial runs grouped by job and short reason, newest first, 20 groups a page.
///
/// Each group has its count and the newest run's whole error.
#[cfg_attr(feature = "ssr", utoipa::path(get, path = "/api/jobs/failures", tag = "jobs",
    params(("page" = Option<u32>, Query, minimum = 1, description = "The page, from 1 (default 1).", example = 1)),
    responses(
        (status = 200, description = "One page of groups.", body = FailurePage),
        (status = 400, description = "A page that is not a whole number from 1, or is past the last page; `parameter` is `page`.", body = AppError),
    )))]
#[server(prefix = "/api", endpoint = "jobs/failures", input = GetUrl, output = Json)]
pub async fn get_failures(page: Option<String>) -> Result<FailurePage, AppError> {
    let state = crate::state::use_app_state()?;
    let n = match page.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        None => 1,
        Some(p) => match p.parse::<u64>() {
            Ok(n) if (1..=1_000_000).contains(&n) => n,
            _ => {
                return Err(AppError::bad_parameter(
                    "page",
                    format!("'{p}' is not a page number (a whole number from 1)"),
                ))
            }
        },
    };
    super::service::failures(&state.db, n)
        .await?
        .ok_or_else(|| AppError::bad_parameter("page", format!("page {n} is past the last page of failures")))
}

/// Starts a job now, in the background (admin).
///
/// The admin's session cookie (from `/login`) authorizes it, or the admin token in the form
/// field `token` or an `Authorization: Bearer` header.
/// The run then shows in `/api/jobs`. A browser's form (asking for HTML) is sent back to
/// the jobs page instead.
#[cfg_attr(feature = "ssr", utoipa::path(post, path = "/api/jobs/run", tag = "jobs",
    request_body(content = RunJobForm, content_type = "application/x-www-form-urlencoded",
        example = json!({"job": "commodity_prices"})),
    security(("admin_token" = []), ("admin_session" = [])),
    responses(
        (status = 200, description = "The job started.", body = RunStarted),
        (status = 400, description = "A job that cannot be run now; `parameter` is `job`.", body = AppError),
        (status = 401, description = "Neither signed in nor a token, or the token is wrong.", body = AppError),
        (status = 403, description = "No admin password or token is configured, or a session's request came from another site.", body = AppError),
    )))]
#[server(prefix = "/api", endpoint = "jobs/run")]
pub async fn run_job(job: String, token: Option<String>) -> Result<RunStarted, AppError> {
    let state = crate::state::use_app_state()?;
    // The request's head, read once: its token, its session, and what it asks for.
    let parts = use_context::<axum::http::request::Parts>();
    let headers = parts.as_ref().map(|p| &p.headers);
    let given =
        token.filter(|t| !t.is_empty()).or_else(|| headers.and_then(crate::auth::service::bearer).map(str::to_string));
    let session = parts.as_ref().and_then(|p| p.extensions.get::<crate::auth::session::Live>().cloned());
    crate::auth::service::authorize(
        &state,
        session.as_ref(),
        given.as_deref(),
        "form field `token` or a Bearer header",
    )
    .await?;
    let Some(kind) = super::commodity::JobKind::by_name(&job) else {
        return Err(AppError::bad_parameter(
            "job",
            format!("'{job}' cannot be run now; runnable jobs: {}", super::kind::Job::NAMES.join(", ")),
        ));
    };
    let slot = format!("manual:{}", chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S%.3fZ"));
    // The run's row exists before the answer leaves, so the caller (and the page) sees it.
    let Some(run_id) = crate::db::lease::acquire(&state.db, kind.name(), &slot, chrono::Utc::now()).await? else {
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
    if headers.is_some_and(crate::auth::service::wants_html) {
        let q = format!("started={}&slot={}", crate::params::encode(&job), crate::params::encode(&slot));
        leptos_axum::redirect(&format!("/jobs?{q}"));
    }
    Ok(RunStarted { job, slot })
}

/// The form `POST /api/jobs/run` reads (its server function's arguments).
#[cfg(feature = "ssr")]
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct RunJobForm {
    /// The job to run.
    job: String,
    /// The admin token, unless it is sent as `Authorization: Bearer`.
    token: Option<String>,
}
