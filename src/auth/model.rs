use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Whether admin actions are possible here and whether the asking client is signed in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AuthStatus {
    /// An admin password or the admin token is configured, so admin actions can be taken.
    pub admin_enabled: bool,
    /// An admin password is set, so `/login` can sign in.
    pub password_set: bool,
    /// The request carried a live session cookie.
    pub signed_in: bool,
    /// When that session ends at the latest (it also ends after an idle spell).
    pub expires_at: Option<DateTime<Utc>>,
    /// Every page and endpoint asks for sign-in (`QUARRY_REQUIRE_LOGIN`).
    pub require_login: bool,
}
