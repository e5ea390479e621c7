//! The cross-site request check: a state-changing request that a session cookie
//! authorizes must come from a page of this site. SameSite=Strict already keeps other
//! sites' pages from sending the cookie; this is the second lock (OWASP's "verify the
//! origin with standard headers"), for browsers or proxies that get SameSite wrong.
use axum::http::header::{HeaderMap, HOST, ORIGIN, REFERER};

/// Ok when the request's `Origin` (or, without one, its `Referer`) names the host the
/// request was sent to; otherwise why not. A request that names neither is refused: every
/// browser sends `Origin` with a POST, so only a non-browser client omits both, and such a
/// client should send the admin token instead of a cookie.
pub fn check(headers: &HeaderMap) -> Result<(), String> {
    let text = |name| headers.get(name).and_then(|v: &axum::http::HeaderValue| v.to_str().ok()).map(str::trim);
    // A proxy that rewrites Host says the original in X-Forwarded-Host; a browser page on
    // another site cannot set that header without a CORS preflight, which Quarry never grants.
    let host = text("x-forwarded-host")
        .and_then(|h| h.split(',').next())
        .or_else(|| text(HOST.as_str()))
        .map(str::trim)
        .filter(|h| !h.is_empty())
        .ok_or("the request names no Host")?;
    let (what, claimed) = match (text(ORIGIN.as_str()), text(REFERER.as_str())) {
        (Some(o), _) => ("Origin", o),
        (None, Some(r)) => ("Referer", r),
        (None, None) => return Err("the request has neither an Origin nor a Referer header".into()),
    };
    match authority(claimed) {
        Some(a) if a.eq_ignore_ascii_case(host) => Ok(()),
        _ => Err(format!("its {what} ({claimed}) is not this site ({host})")),
    }
}

/// `host[:port]` of an http(s) URL or origin; `None` for `null`, other schemes and junk.
fn authority(url: &str) -> Option<&str> {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"))?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let a = &rest[..end];
    // userinfo (`user@host`) is never part of an origin; a URL with one is not trusted.
    (!a.is_empty() && !a.contains('@')).then_some(a)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::test_headers as headers;

    #[test]
    fn same_site_origins_and_referers_pass() {
        assert_eq!(check(&headers(&[("host", "127.0.0.1:3000"), ("origin", "http://127.0.0.1:3000")])), Ok(()));
        assert_eq!(check(&headers(&[("host", "quarry.example"), ("origin", "https://QUARRY.example")])), Ok(()));
        assert_eq!(check(&headers(&[("host", "q.example"), ("referer", "https://q.example/jobs?x=1")])), Ok(()));
        let proxied = [("host", "10.0.0.5:3000"), ("x-forwarded-host", "q.example"), ("origin", "https://q.example")];
        assert_eq!(check(&headers(&proxied)), Ok(()));
    }

    #[test]
    fn other_sites_null_and_missing_headers_are_refused() {
        let e = check(&headers(&[("host", "127.0.0.1:3000"), ("origin", "http://evil.example")])).unwrap_err();
        assert!(e.contains("evil.example"), "{e}");
        // The same host on another port is another origin.
        assert!(check(&headers(&[("host", "127.0.0.1:3000"), ("origin", "http://127.0.0.1:4000")])).is_err());
        assert!(check(&headers(&[("host", "a.example"), ("origin", "null")])).is_err());
        assert!(check(&headers(&[("host", "a.example"), ("referer", "https://a.example@evil.example/")])).is_err());
        assert!(check(&headers(&[("host", "a.example"), ("referer", "https://a.example.evil.example/")])).is_err());
        // Origin wins over a matching Referer.
        assert!(check(&headers(&[
            ("host", "a.example"),
            ("origin", "https://b.example"),
            ("referer", "https://a.example/")
        ]))
        .is_err());
        assert!(check(&headers(&[("host", "a.example")])).unwrap_err().contains("neither"));
        assert!(check(&headers(&[("origin", "https://a.example")])).is_err());
    }
}
