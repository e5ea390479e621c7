//! Response headers that limit what a page may do if something hostile ever reaches it:
//! a Content-Security-Policy that runs only the app's own scripts and wasm (and the inline
//! hydration scripts that carry this response's nonce; the policies' text is
//! `crate::app::policy`, since a page sets its own while it renders), no sniffing, no
//! framing, and a referrer that stays on this site.
use axum::extract::Request;
use axum::http::header::{self, HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

use crate::app::policy::default_policy;

/// Middleware: the headers every response carries; a policy set by the page is kept.
pub async fn headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        if let Ok(v) = HeaderValue::from_str(&default_policy()) {
            h.insert(header::CONTENT_SECURITY_POLICY, v);
        }
    }
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("strict-origin-when-cross-origin"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(HeaderName::from_static("cross-origin-opener-policy"), HeaderValue::from_static("same-origin"));
    res
}
