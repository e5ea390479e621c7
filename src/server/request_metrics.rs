//! Counts every answered request and times it, by the route that matched (`crate::metrics`).
//! The route's template (`/commodities/{slug}`, a server function's path) is the label,
//! never the requested path: the router sets `MatchedPath` before the layers of the route
//! run, and a request no route matched (the fallback) is `other`, so no client can add
//! series by asking for new paths. `/metrics` itself is not counted: a scrape would
//! otherwise move the figures it reads.
use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;

use crate::metrics::UNMATCHED_ROUTE;

/// The path of the metrics endpoint, which the server routes and this layer leaves out.
pub const METRICS_PATH: &str = "/metrics";

/// Middleware: records the response's status and the time until its head was ready.
pub async fn record(req: Request, next: Next) -> Response {
    let route = req.extensions().get::<MatchedPath>().map(|p| p.as_str().to_string());
    if route.as_deref() == Some(METRICS_PATH) {
        return next.run(req).await;
    }
    let started = Instant::now();
    let response = next.run(req).await;
    let route = route.as_deref().unwrap_or(UNMATCHED_ROUTE);
    crate::metrics::http_request(route, response.status().as_u16(), started.elapsed());
    response
}
