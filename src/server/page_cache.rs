//! The overview pages and the instrument pages, kept rendered between requests. An
//! overview shows only the overview (kept the same way, see `series::kept`) and the
//! site's status, yet rendering one costs about a millisecond of CPU; an instrument page
//! draws three charts from stored rows, about 20 ms. A kept copy is served for the cost of
//! a copy.
//!
//! Each response still gets its own CSP nonce: the kept copy holds a placeholder where the
//! nonce of the render that made it was, and every response puts a fresh nonce there and
//! in its policy. An entry lives as long as a kept overview: until a local write of
//! observations or fetch outcomes, or `kept::TTL`.
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;

use crate::commodities::range::Range;
use crate::series::kept::Kept;
use crate::universe::Universe;

/// The fixed pages kept: the overview of every instrument or of a group, the venture
/// landscape's default view (its biggest rounds are a sort over every round of three
/// years) and the rounds table's first page (a count and a sort over every round: 10-30 ms
/// at a million rounds). Jobs and imports invalidate them when they finish.
const PAGES: &[&str] = &[
    "/",
    "/commodities",
    "/commodities/metals",
    "/commodities/energy",
    "/commodities/ai-materials",
    "/commodities/space-tech",
    "/venture",
    "/venture/funding",
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

/// The kept pages and which requests may use them.
pub struct PageCache {
    kept: Kept<String, KeptPage>,
    /// Path and query of every page that may be kept: a fixed, bounded set, so no request
    /// can add entries by inventing URLs.
    keys: HashSet<String>,
}

impl PageCache {
    /// The fixed pages, and every instrument's page in its default range and in each range
    /// its buttons link to (`?range=5y`): three charts drawn from a year or more of stored
    /// signals rows, about 20 ms of CPU a render, for data that changes a few times a day.
    pub fn new(universe: &Universe) -> PageCache {
        let mut keys: HashSet<String> = PAGES.iter().map(|p| p.to_string()).collect();
        for inst in &universe.instruments {
            let path = format!("/commodities/{}", inst.slug);
            keys.extend(Range::ALL.iter().map(|r| format!("{path}?range={}", r.as_str())));
            keys.insert(path);
        }
        PageCache { kept: Kept::default(), keys }
    }

    /// The cache key of a request that may be served kept.
    fn key(&self, req: &Request) -> Option<String> {
        if req.method() != Method::GET {
            return None;
        }
        let uri = req.uri();
        let key = match uri.query() {
            None => uri.path().to_string(),
            Some(q) => format!("{}?{q}", uri.path()),
        };
        self.keys.contains(&key).then_some(key)
    }
}

/// Middleware: serves the pages `cache` may keep from it, rendering them on a miss.
pub async fn serve(State(cache): State<Arc<PageCache>>, req: Request, next: Next) -> Response {
    // Any other query string (a filter, a token) makes another page: rendered each time.
    let Some(key) = cache.key(&req) else {
        return next.run(req).await;
    };
    let rendered = AtomicBool::new(false);
    let flag = &rendered;
    let kept = cache
        .kept
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
