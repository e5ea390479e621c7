//! What answers a request no route matched: a path with a trailing slash is sent to its
//! canonical form, an unknown `/api/...` path gets the JSON error every endpoint uses, a
//! file under the site root is served, and anything else is the app's own 404 page.
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use leptos::prelude::provide_context;

use super::RouterState;
use crate::app::shell;
use crate::error::AppError;

pub async fn fallback(State(rs): State<RouterState>, req: Request<Body>) -> Response {
    let path = req.uri().path().to_string();
    if let Some(target) = canonical(req.uri()) {
        return permanent_redirect(&target);
    }
    if path.starts_with("/api/") {
        return AppError::not_found(format!("no endpoint at {path}; /api lists every endpoint")).into_response();
    }
    if let Some(file) = rs.assets.serve(req.method(), &path, req.headers()) {
        return file;
    }
    let app = rs.app.clone();
    let handler =
        leptos_axum::file_and_error_handler_with_context::<RouterState, _>(move || provide_context(app.clone()), shell);
    let uri = req.uri().clone();
    let res = handler(uri, State(rs), req).await;
    if res.status() == StatusCode::NOT_FOUND {
        tracing::debug!(%path, "not found");
    }
    res
}

/// The canonical form of a path that ends in a slash (`/venture/` -> `/venture`), query
/// kept; `None` when the path is canonical. Leading slashes collapse to one, so `//host/`
/// stays on this site instead of becoming a protocol-relative redirect.
pub fn canonical(uri: &Uri) -> Option<String> {
    let path = uri.path();
    if path == "/" || !path.ends_with('/') {
        return None;
    }
    let trimmed = format!("/{}", path.trim_matches('/'));
    Some(match uri.query() {
        Some(q) => format!("{trimmed}?{q}"),
        None => trimmed,
    })
}

/// 308: like 301, but a POST stays a POST.
fn permanent_redirect(target: &str) -> Response {
    match HeaderValue::from_str(target) {
        Ok(location) => (StatusCode::PERMANENT_REDIRECT, [(header::LOCATION, location)]).into_response(),
        Err(_) => AppError::not_found("no page at this address").into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::canonical;

    fn c(s: &str) -> Option<String> {
        canonical(&s.parse().unwrap())
    }

    #[test]
    fn trailing_slashes_go_to_the_canonical_path_and_keep_the_query() {
        assert_eq!(c("/venture/").as_deref(), Some("/venture"));
        assert_eq!(c("/commodities/gold/?range=5y").as_deref(), Some("/commodities/gold?range=5y"));
        assert_eq!(c("/venture///").as_deref(), Some("/venture"));
        assert_eq!(c("/"), None);
        assert_eq!(c("/venture"), None);
    }

    #[test]
    fn a_doubled_leading_slash_cannot_redirect_to_another_host() {
        assert_eq!(c("//evil.example/").as_deref(), Some("/evil.example"));
        assert_eq!(c("///evil.example//").as_deref(), Some("/evil.example"));
    }
}
