//! The health checks: `/healthz` (the process is alive) and `/readyz` (the database
//! answers), and the Prometheus metrics (`/metrics`). The server routes them and the
//! OpenAPI document describes them, so they live apart from both.
use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

use crate::metrics::Snapshot;
use crate::state::AppState;

/// The process is alive.
#[utoipa::path(get, path = "/healthz", tag = "status",
    responses((status = 200, description = "`ok`.", content_type = "text/plain", body = String)))]
pub async fn healthz() -> &'static str {
    "ok"
}

/// The database answers.
#[utoipa::path(get, path = "/readyz", tag = "status",
    responses(
        (status = 200, description = "`ready`.", content_type = "text/plain", body = String),
        (status = 503, description = "`database unreachable`.", content_type = "text/plain", body = String),
    ))]
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    // Unready within a second when the database does not answer, so a load balancer's
    // probe (typically 1-5 s) sees the state, not its own timeout.
    let answered = tokio::time::timeout(std::time::Duration::from_secs(1), crate::db::ping(&state.db)).await;
    if answered.unwrap_or(false) {
        (StatusCode::OK, "ready")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unreachable")
    }
}

/// The Prometheus metrics.
///
/// What this process counted (requests by route and status with their latency, job runs
/// by job and status, rows written, failed upstream fetches by source) and what the
/// database says now (the age of each group's newest observation, each job's last
/// success). Open unless `QUARRY_METRICS_TOKEN` is set; then it takes that token as
/// `Authorization: Bearer`. docs/metrics.md lists every series and the alerts to set.
#[utoipa::path(get, path = "/metrics", tag = "status",
    security((), ("metrics_token" = [])),
    responses(
        (status = 200, description = "The metrics in the Prometheus text format (version 0.0.4). Not cached.", content_type = "text/plain", body = String),
        (status = 401, description = "`QUARRY_METRICS_TOKEN` is set and the request's Bearer token is missing or wrong.", content_type = "application/json", body = crate::error::AppError),
    ))]
pub async fn metrics(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let token = &state.config.metrics_token;
    if token.expose().is_some() && !crate::auth::service::bearer(&headers).is_some_and(|t| token.matches(t)) {
        let e = crate::error::AppError::unauthorized("the metrics token is missing or wrong (`Authorization: Bearer`)");
        return (StatusCode::UNAUTHORIZED, [(header::WWW_AUTHENTICATE, "Bearer")], e).into_response();
    }
    let snapshot = match snapshot(&state, Utc::now()).await {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!(error = %e, "metrics: the database did not answer; serving the process's figures alone");
            Snapshot { stale_after: stale_after(), ..Snapshot::default() }
        }
    };
    let body = crate::metrics::render(&snapshot);
    let headers = [(header::CONTENT_TYPE, crate::metrics::CONTENT_TYPE), (header::CACHE_CONTROL, "no-store")];
    (headers, body).into_response()
}

/// The database's figures: two queries for the newest observations, one for the jobs.
async fn snapshot(state: &AppState, now: DateTime<Utc>) -> Result<Snapshot, sea_orm::DbErr> {
    let ids = crate::series::series_ids(&state.db).await?;
    let newest = crate::series::latest_dates(&state.db).await?;
    let mut by_group: BTreeMap<(&str, &str), NaiveDate> = BTreeMap::new();
    for inst in state.universe.all_series() {
        let Some(date) = ids.get(&inst.slug).and_then(|id| newest.get(id)) else { continue };
        let key = (inst.group.as_str(), inst.frequency.as_str());
        by_group.entry(key).and_modify(|d| *d = (*d).max(*date)).or_insert(*date);
    }
    let observation_ages = by_group
        .into_iter()
        .map(|((group, frequency), date)| {
            let age = (now - date.and_time(NaiveTime::MIN).and_utc()).num_milliseconds() as f64 / 1000.0;
            (group.to_string(), frequency.to_string(), age)
        })
        .collect();
    let job_last_success = crate::jobs::service::last_successes(&state.db)
        .await?
        .into_iter()
        .map(|(job, at)| (job, at.timestamp_millis() as f64 / 1000.0))
        .collect();
    Ok(Snapshot { database_up: true, observation_ages, stale_after: stale_after(), job_last_success })
}

/// The staleness allowance of each data frequency, in seconds.
fn stale_after() -> Vec<(String, f64)> {
    use crate::universe::Frequency;
    [Frequency::Daily, Frequency::Weekly, Frequency::Monthly, Frequency::Annual]
        .into_iter()
        .map(|f| (f.as_str().to_string(), (f.stale_after_days() * 86_400) as f64))
        .collect()
}
