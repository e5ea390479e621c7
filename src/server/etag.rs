//! Pages are revalidated on every use (`Cache-Control: no-cache`) and carry an ETag, so a
//! browser that already holds the page gets a `304` instead of the page again.
//!
//! Each page carries its response's CSP nonce, so two renders of the same content differ
//! in those bytes only. The ETag is a hash of the page with the nonce taken out, followed
//! by the nonce: when the content is unchanged, the `304` repeats the policy with the nonce
//! of the copy the browser holds, so its inline scripts still run.
use axum::body::{to_bytes, Body, Bytes};
use axum::extract::Request;
use axum::http::header::{self, HeaderValue};
use axum::http::response::Parts;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Pages are far smaller; a body past this is sent without an ETag.
const MAX_PAGE: usize = 16 << 20;

pub async fn pages(req: Request, next: Next) -> Response {
    let if_none_match = req.headers().get(header::IF_NONE_MATCH).cloned();
    let (mut parts, bytes, nonce) = match read_page(next.run(req).await).await {
        Ok(page) => page,
        Err(other) => return other,
    };
    let digest = content_hash(&bytes, &nonce);
    parts.headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if let Some(held) = if_none_match.as_ref().and_then(|v| v.to_str().ok()).and_then(|v| matching(v, &digest)) {
        let mut not_modified = Response::new(Body::empty());
        *not_modified.status_mut() = StatusCode::NOT_MODIFIED;
        let h = not_modified.headers_mut();
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        if let Ok(v) = HeaderValue::from_str(&etag(&digest, &held)) {
            h.insert(header::ETAG, v);
        }
        let policy =
            if held.is_empty() { crate::app::policy::default_policy() } else { crate::app::policy::page_policy(&held) };
        if let Ok(v) = HeaderValue::from_str(&policy) {
            h.insert(header::CONTENT_SECURITY_POLICY, v);
        }
        return not_modified;
    }
    if let Ok(v) = HeaderValue::from_str(&etag(&digest, &nonce)) {
        parts.headers.insert(header::ETAG, v);
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// A complete, uncompressed `200` HTML page as its parts, its bytes and its CSP nonce
/// (empty when its policy has none); any other response comes back as it was.
pub(super) async fn read_page(res: Response) -> Result<(Parts, Bytes, String), Response> {
    let html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if !html || res.status() != StatusCode::OK || res.headers().contains_key(header::CONTENT_ENCODING) {
        return Err(res);
    }
    let (parts, body) = res.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_PAGE).await else {
        return Err((StatusCode::INTERNAL_SERVER_ERROR, "page too large").into_response());
    };
    let nonce = parts
        .headers
        .get(header::CONTENT_SECURITY_POLICY)
        .and_then(|v| v.to_str().ok())
        .and_then(policy_nonce)
        .unwrap_or_default();
    Ok((parts, bytes, nonce))
}

pub(super) fn policy_nonce(policy: &str) -> Option<String> {
    policy
        .split_whitespace()
        .find_map(|w| w.strip_prefix("'nonce-").map(|n| n.trim_end_matches(['\'', ';']).to_string()))
}

/// xxh3 of the page with every occurrence of the nonce removed: cheap enough for every
/// response (a cryptographic hash of a 100 KB page would cost more than rendering it).
fn content_hash(body: &[u8], nonce: &str) -> String {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    if nonce.is_empty() {
        h.update(body);
    } else {
        let n = nonce.as_bytes();
        let mut rest = body;
        while let Some(i) = find(rest, n) {
            h.update(&rest[..i]);
            rest = &rest[i + n.len()..];
        }
        h.update(rest);
    }
    format!("{:016x}", h.digest())
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn etag(digest: &str, nonce: &str) -> String {
    if nonce.is_empty() {
        format!("\"{digest}\"")
    } else {
        format!("\"{digest}.{nonce}\"")
    }
}

/// The nonce of the held copy, when one of the client's ETags is this content's.
fn matching(if_none_match: &str, digest: &str) -> Option<String> {
    if_none_match.split(',').find_map(|t| {
        let t = t.trim().trim_start_matches("W/").trim_matches('"');
        let (d, nonce) = t.split_once('.').unwrap_or((t, ""));
        // A nonce is base64url: anything else in its place is not ours to repeat.
        let plausible = nonce.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        (d == digest && plausible).then(|| nonce.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_page_under_two_nonces_has_one_content_hash() {
        let a = content_hash(b"<script nonce=\"AAA\">x</script><p>gold</p>", "AAA");
        let b = content_hash(b"<script nonce=\"BBB\">x</script><p>gold</p>", "BBB");
        let c = content_hash(b"<script nonce=\"CCC\">x</script><p>silver</p>", "CCC");
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn a_held_etag_matches_only_its_content_and_gives_back_its_nonce() {
        let d = "0123456789abcdef";
        assert_eq!(matching(&format!("\"{d}.Zk9_-x\""), d).as_deref(), Some("Zk9_-x"));
        assert_eq!(matching(&format!("W/\"other\", \"{d}.n1\""), d).as_deref(), Some("n1"));
        assert_eq!(matching("\"fedcba9876543210.n1\"", d), None);
        assert_eq!(matching(&format!("\"{d}.a b'\""), d), None, "not a nonce we made");
        assert_eq!(matching(&format!("\"{d}\""), d).as_deref(), Some(""));
    }
}
