//! The session cookie on the wire: finding it among a request's cookies and writing the
//! `Set-Cookie` that sets or clears it. Pure, so its rules are tested on their own.
use axum::http::header::{HeaderMap, COOKIE};

/// The session cookie's name.
pub const NAME: &str = "quarry_session";

/// The value of cookie `name` in the request's `Cookie` headers (a browser may send
/// several), trimmed; `None` when absent or empty.
pub fn find<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| k.trim() == name)
        .map(|(_, v)| v.trim().trim_matches('"'))
        .filter(|v| !v.is_empty())
}

/// Sets the session cookie. HttpOnly: no script reads it. SameSite=Strict: no other site's
/// page makes the browser send it. Path=/: every page and endpoint sees it. Secure when the
/// site is reached over TLS, so it never travels in the clear.
pub fn set(value: &str, max_age_secs: u64, secure: bool) -> String {
    format!("{NAME}={value}; Path=/; Max-Age={max_age_secs}; HttpOnly; SameSite=Strict{}", secure_attr(secure))
}

/// Clears the session cookie (sign-out, or a session the server no longer knows).
pub fn clear(secure: bool) -> String {
    format!("{NAME}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict{}", secure_attr(secure))
}

fn secure_attr(secure: bool) -> &'static str {
    if secure {
        "; Secure"
    } else {
        ""
    }
}

/// Whether the cookie gets `Secure`: `always`, `never`, or (`auto`) when the request came
/// over TLS as the proxy in front says (`X-Forwarded-Proto` or `Forwarded: proto=`). A
/// client lying about this can only make its own cookie stricter.
pub fn secure(setting: &str, headers: &HeaderMap) -> bool {
    match setting {
        "always" => true,
        "never" => false,
        _ => {
            let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_ascii_lowercase);
            header("x-forwarded-proto").is_some_and(|p| p.split(',').next().map(str::trim) == Some("https"))
                || header("forwarded").is_some_and(|f| f.split([';', ',']).any(|p| p.trim() == "proto=https"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::test_headers as headers;

    #[test]
    fn finds_the_session_among_other_cookies_and_headers() {
        let h = headers(&[("cookie", "theme=dark; quarry_session=abc123 ; x=1"), ("cookie", "y=2")]);
        assert_eq!(find(&h, NAME), Some("abc123"));
        let h = headers(&[("cookie", "a=1"), ("cookie", "quarry_session=\"q\"")]);
        assert_eq!(find(&h, NAME), Some("q"));
        // A cookie whose name only ends like ours, or an empty value, is not ours.
        assert_eq!(find(&headers(&[("cookie", "not_quarry_session=x")]), NAME), None);
        assert_eq!(find(&headers(&[("cookie", "quarry_session=")]), NAME), None);
        assert_eq!(find(&HeaderMap::new(), NAME), None);
    }

    #[test]
    fn the_cookie_is_http_only_strict_and_secure_behind_tls() {
        let c = set("tok", 3600, true);
        assert_eq!(c, "quarry_session=tok; Path=/; Max-Age=3600; HttpOnly; SameSite=Strict; Secure");
        assert!(!set("tok", 1, false).contains("Secure"));
        assert!(clear(false).contains("Max-Age=0"));
        assert!(secure("auto", &headers(&[("x-forwarded-proto", "https")])));
        assert!(secure("auto", &headers(&[("forwarded", "for=1.2.3.4;proto=https")])));
        assert!(!secure("auto", &headers(&[("x-forwarded-proto", "http")])));
        assert!(!secure("auto", &HeaderMap::new()));
        assert!(secure("always", &HeaderMap::new()));
        assert!(!secure("never", &headers(&[("x-forwarded-proto", "https")])));
    }
}
