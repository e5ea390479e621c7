//! Who may take an admin action: a request with the admin token, or one whose session the
//! gate (`handlers::gate`) found live.
use super::model::AuthStatus;
use super::session::Live;
use crate::error::AppError;
use crate::state::AppState;

/// The live session of the request being served, as the gate left it in the request's
/// extensions (read through leptos's context in pages and server functions).
pub fn signed_in_here() -> Option<Live> {
    leptos::prelude::use_context::<axum::http::request::Parts>().and_then(|p| p.extensions.get::<Live>().cloned())
}

/// The `Authorization: Bearer` token of a request, trimmed; `None` when absent or empty.
pub fn bearer(headers: &axum::http::HeaderMap) -> Option<&str> {
    let v = headers.get(axum::http::header::AUTHORIZATION)?.to_str().ok()?;
    v.strip_prefix("Bearer ").map(str::trim).filter(|t| !t.is_empty())
}

/// Whether the request is a browser's asking for a page (`Accept` names `text/html`): it
/// gets redirects and pages, where a program gets JSON.
pub fn wants_html(headers: &axum::http::HeaderMap) -> bool {
    headers.get(axum::http::header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("text/html"))
}

/// Whether an admin password is set (in the configuration or the database).
pub async fn password_set(state: &AppState) -> Result<bool, sea_orm::DbErr> {
    Ok(super::password::current(&state.db, &state.config).await?.is_some())
}

/// Whether any admin action is possible here: a password to sign in with, or a token.
pub async fn admin_enabled(state: &AppState) -> Result<bool, sea_orm::DbErr> {
    Ok(state.config.admin_token.expose().is_some() || password_set(state).await?)
}

/// The sign-in status as `/api/auth/status`, `/login` and `/logout` answer it, for a request
/// whose live session (if any) is `session`.
pub async fn status(state: &AppState, session: Option<&Live>) -> Result<AuthStatus, sea_orm::DbErr> {
    let password_set = password_set(state).await?;
    Ok(AuthStatus {
        admin_enabled: password_set || state.config.admin_token.expose().is_some(),
        password_set,
        signed_in: session.is_some(),
        expires_at: session.map(|s| s.expires_at),
        require_login: state.config.require_login,
    })
}

/// The admin check every admin action shares. A token, when given, decides alone: 401
/// when wrong, 403 when none is configured. Without one a live session passes. Otherwise
/// 401 saying how to sign in, or 403 when no admin password or token exists at all.
/// `how` says where this endpoint takes a token.
pub async fn authorize(
    state: &AppState,
    session: Option<&Live>,
    given: Option<&str>,
    how: &str,
) -> Result<(), AppError> {
    if let Some(token) = given.map(str::trim).filter(|t| !t.is_empty()) {
        return state.config.admin_token.authorize(Some(token), how);
    }
    if session.is_some() {
        return Ok(());
    }
    if !admin_enabled(state).await? {
        return Err(AppError::forbidden(
            "admin actions are disabled: set an admin password (quarry admin set-password) or QUARRY_ADMIN_TOKEN",
        ));
    }
    Err(AppError::unauthorized(format!("sign in as the admin at /login, or send the admin token ({how})")))
}
