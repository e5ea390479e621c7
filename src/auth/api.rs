//! The sign-in's server function. Its URL is part of the public API.
use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json};

use super::model::AuthStatus;
use crate::error::AppError;

/// Whether admin actions are enabled and whether this request is signed in.
///
/// Sign in with `POST /login` (the `/login` page's form); a program can send the admin
/// token as `Authorization: Bearer` instead.
#[cfg_attr(feature = "ssr", utoipa::path(get, path = "/api/auth/status", tag = "auth",
    responses((status = 200, description = "The status.", body = AuthStatus))))]
#[server(prefix = "/api", endpoint = "auth/status", input = GetUrl, output = Json)]
pub async fn get_auth_status() -> Result<AuthStatus, AppError> {
    let state = crate::state::use_app_state()?;
    Ok(super::service::status(&state, super::service::signed_in_here().as_ref()).await?)
}
