//! `POST /login` and `POST /logout`, and the gate every request passes first: it finds the
//! request's session, refuses a cross-site state change made with one, and, under
//! `QUARRY_REQUIRE_LOGIN`, turns away whoever is neither signed in nor holding the token.
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::header::{HeaderMap, HeaderValue, LOCATION, RETRY_AFTER, SET_COOKIE};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Form, Json};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use serde::Deserialize;

use super::model::AuthStatus;
use super::service::wants_html;
use super::session::Live;
use super::{cookie, origin, password, service, session};
use crate::error::AppError;
use crate::routing::Listed;
use crate::state::{AppState, WithApp};

/// Where a signed-in admin lands when the form names nowhere else.
const AFTER_SIGN_IN: &str = "/jobs";

pub fn routes<S: WithApp>() -> Listed<S> {
    Listed::new().post("/login", login).post("/logout", logout)
}

/// Sign-in attempts per client address: a password guesser gets a handful a minute.
/// Kept in memory: each replica counts its own, which at worst multiplies the allowance by
/// the number of replicas.
pub struct LoginLimiter {
    limiter: DefaultKeyedRateLimiter<IpAddr>,
}

impl LoginLimiter {
    pub fn new(per_minute: u32) -> Arc<Self> {
        let n = NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN);
        Arc::new(LoginLimiter { limiter: RateLimiter::keyed(Quota::per_minute(n)) })
    }

    /// Ok, or the seconds to wait before the next attempt.
    fn attempt(&self, client: IpAddr) -> Result<(), u64> {
        // Forget addresses whose allowance is whole again, so the map stays small.
        if self.limiter.len() > 10_000 {
            self.limiter.retain_recent();
        }
        self.limiter
            .check_key(&client)
            .map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()).as_secs().max(1))
    }
}

/// The sign-in form's fields.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct LoginForm {
    /// The admin password.
    password: String,
    /// A path on this site to go to after signing in (a form answer only).
    next: Option<String>,
}

/// Signs the admin in: a session cookie (HttpOnly, SameSite=Strict, Secure behind TLS).
///
/// A browser's form (asking for HTML) is sent on to `next` (default `/jobs`), or back to
/// `/login?error=...`; a program gets JSON. Attempts are limited per client address.
#[utoipa::path(post, path = "/login", tag = "auth",
    request_body(content = LoginForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "Signed in (a program's request); the cookie is in `Set-Cookie`.", body = AuthStatus),
        (status = 303, description = "A browser's form: signed in and sent on to `next`, or sent back to `/login?error=...`."),
        (status = 400, description = "The form has no password field.", body = AppError),
        (status = 401, description = "The password is wrong.", body = AppError),
        (status = 403, description = "No admin password is set, or the form came from another site.", body = AppError),
        (status = 429, description = "Too many attempts from this address; `Retry-After` says when to try again.", body = AppError),
    ))]
async fn login(
    State(state): State<AppState>,
    limiter: Option<Extension<Arc<LoginLimiter>>>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    form: Result<Form<LoginForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let html = wants_html(&headers);
    let next = form.as_ref().ok().and_then(|f| f.next.as_deref()).map(safe_next).unwrap_or(AFTER_SIGN_IN).to_string();
    let refuse = |code: &str, e: AppError| refused(html, code, &next, e);
    // Signing a victim into the attacker's session is an attack too: a form posted from
    // another site is refused when the browser says where it came from.
    if has_origin(&headers) {
        if let Err(why) = origin::check(&headers) {
            return refuse("origin", AppError::forbidden(format!("the sign-in came from another site: {why}")));
        }
    }
    // The accept loop records each connection's peer (server/listen.rs).
    let client = peer.map(|Extension(ConnectInfo(a))| a.ip()).unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    if let Some(Extension(limiter)) = &limiter {
        if let Err(wait) = limiter.attempt(client) {
            let mut r = refuse(
                "limited",
                AppError::too_many_requests(format!("too many sign-in attempts from {client}; try again in {wait} s")),
            );
            r.headers_mut().insert(RETRY_AFTER, HeaderValue::from(wait));
            return r;
        }
    }
    let Ok(Form(form)) = form else {
        return refuse("form", AppError::bad_parameter("password", "the sign-in form needs a `password` field"));
    };
    let stored = match password::current(&state.db, &state.config).await {
        Ok(Some(h)) => h,
        Ok(None) => {
            return refuse(
                "unset",
                AppError::forbidden("no admin password is set: run `quarry admin set-password` on the server"),
            )
        }
        Err(e) => return AppError::from(e).into_response(),
    };
    let given = form.password;
    let matches = tokio::task::spawn_blocking(move || password::verify(&stored, &given)).await.unwrap_or(false);
    if !matches {
        tracing::warn!(%client, "admin sign-in refused: wrong password");
        return refuse("wrong", AppError::unauthorized("the password is wrong"));
    }
    let opened = match session::open(&state.db, &state.config.sessions, &client.to_string(), chrono::Utc::now()).await {
        Ok(o) => o,
        Err(e) => return AppError::from(e).into_response(),
    };
    tracing::info!(%client, "admin signed in");
    let max_age = state.config.sessions.lifetime_hours * 3600;
    let set = cookie::set(&opened.token, max_age, cookie::secure(&state.config.sessions.secure_cookie, &headers));
    let mut r = if html {
        see_other(&next)
    } else {
        let live = Live { expires_at: opened.expires_at };
        match service::status(&state, Some(&live)).await {
            Ok(s) => Json(s).into_response(),
            Err(e) => return AppError::from(e).into_response(),
        }
    };
    r.headers_mut().insert(SET_COOKIE, HeaderValue::from_str(&set).expect("hex token"));
    r
}

/// Signs out: ends the session and clears its cookie.
///
/// A browser's form is sent to `/login?signed_out=1`; a program gets the status. Like every
/// state change made with a session, it must come from this site.
#[utoipa::path(post, path = "/logout", tag = "auth",
    responses(
        (status = 200, description = "Signed out (a program's request).", body = AuthStatus),
        (status = 303, description = "A browser's form: signed out, sent to `/login?signed_out=1`."),
        (status = 403, description = "A session's request from another site.", body = AppError),
    ))]
async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(token) = cookie::find(&headers, cookie::NAME) {
        if let Err(e) = session::close(&state.db, token).await {
            return AppError::from(e).into_response();
        }
    }
    let mut r = if wants_html(&headers) {
        see_other("/login?signed_out=1")
    } else {
        match service::status(&state, None).await {
            Ok(s) => Json(s).into_response(),
            Err(e) => return AppError::from(e).into_response(),
        }
    };
    let clear = cookie::clear(cookie::secure(&state.config.sessions.secure_cookie, &headers));
    r.headers_mut().insert(SET_COOKIE, HeaderValue::from_str(&clear).expect("static text"));
    r
}

/// The middleware in front of every route (see the module's comment).
pub async fn gate(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    // Files and probes never act on a session: no lookup, and no idle time renewed by a tab
    // fetching its stylesheet.
    let looked_up = !needs_no_session(req.uri().path());
    if let Some(token) = cookie::find(req.headers(), cookie::NAME).filter(|_| looked_up).map(str::to_string) {
        match session::find(&state.db, &state.config.sessions, &token, chrono::Utc::now()).await {
            Ok(Some(live)) => {
                req.extensions_mut().insert(live);
            }
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "cannot look the session up: the request goes on as anonymous"),
        }
    }
    let signed_in = req.extensions().get::<Live>().is_some();
    if signed_in && !req.method().is_safe() {
        if let Err(why) = origin::check(req.headers()) {
            return AppError::forbidden(format!("a signed-in change from another site was refused: {why}"))
                .into_response();
        }
    }
    if state.config.require_login && !signed_in && !open_to_all(req.uri().path()) && !holds_token(&state, req.headers())
    {
        return turned_away(&req);
    }
    next.run(req).await
}

/// What stays open under `QUARRY_REQUIRE_LOGIN`: the sign-in itself and what its page
/// loads, the probes an orchestrator calls, and /metrics (which has its own token).
fn open_to_all(path: &str) -> bool {
    matches!(path, "/login" | "/logout" | "/api/auth/status") || needs_no_session(path)
}

/// Static files, the probes and /metrics: read-only routes that answer alike to everyone.
fn needs_no_session(path: &str) -> bool {
    matches!(path, "/healthz" | "/readyz" | "/metrics" | "/favicon.svg") || path.starts_with("/pkg/")
}

fn holds_token(state: &AppState, headers: &HeaderMap) -> bool {
    super::service::bearer(headers).is_some_and(|t| state.config.admin_token.matches(t))
}

/// A page is sent to sign in and come back; anything else gets a 401.
fn turned_away(req: &Request) -> Response {
    if wants_html(req.headers()) && req.method().is_safe() {
        let back = req.uri().path_and_query().map(|p| p.as_str()).unwrap_or("/");
        return see_other(&format!("/login?next={}", crate::params::encode(back)));
    }
    AppError::unauthorized(
        "this Quarry asks for sign-in: sign in at /login, or send the admin token as `Authorization: Bearer`",
    )
    .into_response()
}

fn refused(html: bool, code: &str, next: &str, e: AppError) -> Response {
    if html {
        return see_other(&format!("/login?error={code}&next={}", crate::params::encode(next)));
    }
    e.into_response()
}

fn see_other(to: &str) -> Response {
    (StatusCode::SEE_OTHER, [(LOCATION, to.to_string())]).into_response()
}

fn has_origin(headers: &HeaderMap) -> bool {
    headers.contains_key(axum::http::header::ORIGIN) || headers.contains_key(axum::http::header::REFERER)
}

/// `next` when it is a path on this site; else where sign-in goes by default. A value like
/// `//evil.example` or `/\evil.example` is a link to another site in a browser's eyes.
pub fn safe_next(next: &str) -> &str {
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && next.len() <= 2000
        && !next.chars().any(|c| c.is_control());
    if ok {
        next
    } else {
        AFTER_SIGN_IN
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_paths_on_this_site_are_followed_after_sign_in() {
        assert_eq!(safe_next("/venture/import"), "/venture/import");
        assert_eq!(safe_next("/jobs?page=2"), "/jobs?page=2");
        for bad in ["//evil.example/", "/\\evil.example", "https://evil.example", "", "jobs", "/a\nb"] {
            assert_eq!(safe_next(bad), AFTER_SIGN_IN, "{bad:?}");
        }
    }

    #[test]
    fn the_limiter_allows_a_handful_then_says_how_long_to_wait() {
        let l = LoginLimiter::new(3);
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        assert!((0..3).all(|_| l.attempt(a).is_ok()));
        let wait = l.attempt(a).unwrap_err();
        assert!((1..=60).contains(&wait), "{wait}");
        assert!(l.attempt(b).is_ok(), "another address has its own allowance");
    }

    #[test]
    fn probes_and_the_sign_in_stay_open_and_pages_do_not() {
        for p in ["/login", "/healthz", "/readyz", "/pkg/abc/quarry.css", "/api/auth/status"] {
            assert!(open_to_all(p), "{p}");
        }
        for p in ["/", "/jobs", "/api/jobs", "/api/venture/import", "/loginx", "/pkgx"] {
            assert!(!open_to_all(p), "{p}");
        }
    }
}
