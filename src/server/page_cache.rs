//! The overview pages, kept rendered between requests. They show only the overview (kept
//! the same way, see `commodities::kept`) and the site's status, yet rendering one costs
//! about a millisecond of CPU; a kept copy is served for the cost of a copy.
//!
//! Each response still gets its own CSP nonce: the kept copy holds a placeholder where the
//! nonce of the render that made it was, and every response puts a fresh nonce there and
//! in its policy. An entry lives as long as a kept overview: until a local write of
//! observations or fetch outcomes, or `kept::TTL`.
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;

use crate::commodities::kept::Kept;

/// The pages kept: the overview of every instrument or of a group, and the venture
/// landscape's default view (its biggest rounds are a sort over every round of three
/// years). Jobs and imports invalidate them when they finish.
const PAGES: &[&str] = &[
    "/",
    "/commodities",
    "/commodities/metals",
    "/commodities/energy",
    "/commodities/ai-materials",
    "/commodities/space-tech",
    "/venture",
];

/// Where the nonce was, in a kept page: no render writes this string (it is not valid
/// base64, which nonces are, and HTML escaping would change its `<`).
const PLACEHOLDER: &str = "<quarry-nonce>";

/// Says whether a response came from the kept copy (`hit`) or was rendered (`miss`).
pub const CACHE_HEADER: HeaderName = HeaderName::from_static("x-quarry-cache");

/// A rendered page with its nonce taken out.
pub struct KeptPage {
    headers: HeaderMap,
    body: String,
}

pub type PageCache = Kept<String, KeptPage>;

/// Middleware: serves the pages in `PAGES` from `cache`, rendering them on a miss.
pub async fn serve(State(cache): State<Arc<PageCache>>, req: Request, next: Next) -> Response {
    // A query string (a filter, a token) makes another page: those are rendered each time.
    let keep = req.method() == Method::GET && req.uri().query().is_none() && PAGES.contains(&req.uri().path());
    if !keep {
        return next.run(req).await;
    }
    let key = req.uri().path().to_string();
    let rendered = AtomicBool::new(false);
    let flag = &rendered;
    let kept = cache
        .get(key, move || async move {
            flag.store(true, Ordering::Relaxed);
            take_nonce_out(next.run(req).await).await
        })
        .await;
    match kept {
        Ok(page) => with_fresh_nonce(&page, if rendered.into_inner() { "miss" } else { "hit" }),
        // Not a page to keep (an error, a redirect): answered as it came.
        Err(res) => res,
    }
}

/// The page with its nonce replaced by the placeholder, or the response itself when it is
/// not a complete, uncompressed HTML page with a nonce.
async fn take_nonce_out(res: Response) -> Result<KeptPage, Response> {
    let (mut parts, bytes, nonce) = super::etag::read_page(res).await?;
    let text = match (nonce.is_empty(), std::str::from_utf8(&bytes)) {
        (false, Ok(text)) => text.replace(&nonce, PLACEHOLDER),
        _ => return Err(Response::from_parts(parts, Body::from(bytes))),
    };
    parts.headers.remove(header::CONTENT_SECURITY_POLICY);
    parts.headers.remove(header::CONTENT_LENGTH);
    Ok(KeptPage { headers: parts.headers, body: text })
}

fn with_fresh_nonce(page: &KeptPage, how: &'static str) -> Response {
    let nonce = uuid::Uuid::new_v4().simple().to_string();
    let mut res = Response::new(Body::from(Bytes::from(page.body.replace(PLACEHOLDER, &nonce))));
    *res.headers_mut() = page.headers.clone();
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&crate::app::policy::page_policy(&nonce)) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    h.insert(CACHE_HEADER, HeaderValue::from_static(how));
    res
}
