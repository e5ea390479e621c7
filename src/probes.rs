//! The health checks: `/healthz` (the process is alive) and `/readyz` (the database
//! answers). The server routes them and the OpenAPI document describes them, so they live
//! apart from both.
use axum::extract::State;
use axum::http::StatusCode;

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
