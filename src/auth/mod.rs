//! The admin's sign-in. A password (argon2, `password`) entered at `/login` opens a session
//! kept in the database (`session`), carried by an HttpOnly, SameSite=Strict cookie
//! (`cookie`); every request passes the gate (`handlers::gate`), which finds its session,
//! refuses a session's state change sent from another site (`origin`), and under
//! `QUARRY_REQUIRE_LOGIN` turns the anonymous away. Scripts keep the Bearer token. The
//! model, the status server function and the pages are shared with the browser.
pub mod api;
pub mod model;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod cookie;
#[cfg(feature = "ssr")]
pub mod handlers;
#[cfg(feature = "ssr")]
pub mod origin;
#[cfg(feature = "ssr")]
pub mod password;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod session;

/// A request's headers from name-value pairs, for the pure checks' tests.
#[cfg(all(test, feature = "ssr"))]
fn test_headers(pairs: &[(&'static str, &str)]) -> axum::http::HeaderMap {
    let mut h = axum::http::HeaderMap::new();
    for (k, v) in pairs {
        h.append(*k, axum::http::HeaderValue::from_str(v).unwrap());
    }
    h
}
