//! The OpenAPI 3.1 document of the HTTP API, built from the `#[utoipa::path]` attribute on
//! each handler and the schemas the wire types derive, then finished here with what only
//! the code knows at run time (the allowed values of parameters, from the same constants
//! the checks use). Served at `/api/openapi.json`; the `/api` page is rendered from it
//! (`reference`), so neither can drift from the handlers.
pub mod reference;

use std::sync::OnceLock;

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
use utoipa::OpenApi;

/// The tags, in the order the `/api` page shows them.
pub const TAGS: [&str; 7] = ["commodities", "macro", "charts", "venture", "jobs", "auth", "status"];

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Quarry API",
        description = "Commodity prices with signals, the venture landscape and a macro chart pack. Every read is a GET at a stable URL; errors are JSON `{kind, message, parameter}` with a 4xx status for bad input (400 names the parameter, 404 an unknown thing) and 5xx only for failures on the server's side. Answers holding generated demo data say `demo: true` and carry a notice. docs/api.md explains the concepts."
    ),
    paths(
        crate::commodities::api::get_overview,
        crate::commodities::api::get_metals,
        crate::commodities::api::get_energy,
        crate::commodities::api::get_ai_materials,
        crate::commodities::api::get_space_tech,
        crate::commodities::api::get_signals,
        crate::commodities::handlers::signals_csv,
        crate::commodities::api::get_trending,
        crate::commodities::api::get_compare,
        crate::commodities::api::get_config,
        crate::commodities::handlers::detail_json,
        crate::commodities::handlers::history_json,
        crate::commodities::handlers::history_csv,
        crate::commodities::api::get_instrument_page,
        crate::macro_series::api::get_macro_series,
        crate::charts::api::list_series,
        crate::charts::api::get_chart_view,
        crate::charts::handlers::view_svg,
        crate::charts::handlers::view_png,
        crate::charts::handlers::view_pdf,
        crate::charts::handlers::view_csv,
        crate::charts::handlers::series_file,
        crate::charts::api::list_packs,
        crate::charts::handlers::pack_pdf,
        crate::venture::api::get_venture_status,
        crate::venture::api::get_landscape,
        crate::venture::api::get_funding,
        crate::venture::api::get_companies,
        crate::venture::handlers::company_json,
        crate::venture::api::get_company,
        crate::venture::api::get_investors,
        crate::venture::handlers::investor_json,
        crate::venture::api::get_investor,
        crate::venture::api::get_acquisitions,
        crate::venture::api::get_valuations,
        crate::venture::api::get_funds,
        crate::venture::handlers::fund_json,
        crate::venture::api::get_fund,
        crate::venture::api::get_ipo_pipeline,
        crate::venture::api::get_sectors,
        crate::venture::handlers::csv_table,
        crate::venture::import_handlers::upload,
        crate::venture::import_handlers::form,
        crate::venture::import_handlers::run_json,
        crate::jobs::api::list_jobs,
        crate::jobs::api::get_health,
        crate::jobs::api::get_failures,
        crate::jobs::api::run_job,
        crate::auth::api::get_auth_status,
        crate::auth::handlers::login,
        crate::auth::handlers::logout,
        crate::app::api::get_status,
        openapi_json,
        crate::probes::healthz,
        crate::probes::readyz,
        crate::probes::metrics,
    ),
    tags(
        (name = "commodities", description = "Commodity instruments: the overview, signals, movers, comparisons and histories."),
        (name = "macro", description = "The macro series (FRED) the chart pack draws on."),
        (name = "charts", description = "Chart views as JSON with inline SVG, and as SVG, PNG, PDF and CSV downloads; the kept chart packs."),
        (name = "venture", description = "Funding rounds, companies, investors, acquisitions, valuations, funds and the IPO pipeline, with their provenance; CSV downloads and the admin import."),
        (name = "jobs", description = "The scheduled jobs, their runs and failures, feed health, and \"run now\"."),
        (name = "auth", description = "The admin's sign-in: a session cookie from `/login` authorizes admin actions from the browser; programs send the admin token as `Authorization: Bearer`."),
        (name = "status", description = "The running version, liveness and readiness, the Prometheus metrics, and this document."),
    )
)]
struct ApiDoc;

/// This document, as JSON.
#[utoipa::path(get, path = "/api/openapi.json", tag = "status",
    responses(
        (status = 200, description = "The OpenAPI document; it changes only with a new build, and carries an ETag.", content_type = "application/json", body = Object),
        (status = 304, description = "The copy held (`If-None-Match`) is current."),
    ))]
///
/// Public and cacheable for an hour, with a strong ETag so a client that holds it
/// revalidates with a 304.
pub async fn openapi_json(headers: HeaderMap) -> Response {
    let (body, etag) = served();
    let held = headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let cache = [(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600"))];
    let tag = HeaderValue::from_str(etag).unwrap_or_else(|_| HeaderValue::from_static("\"\""));
    if held.split(',').any(|t| t.trim() == etag.as_str() || t.trim() == "*") {
        return (StatusCode::NOT_MODIFIED, cache, [(header::ETAG, tag)]).into_response();
    }
    (cache, [(header::ETAG, tag), (header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], body.as_str())
        .into_response()
}

/// The serialized document and its ETag, made once.
fn served() -> &'static (String, String) {
    static SERVED: OnceLock<(String, String)> = OnceLock::new();
    SERVED.get_or_init(|| {
        let body = serde_json::to_string_pretty(document()).unwrap_or_default();
        let etag = format!("\"{:016x}\"", xxhash_rust::xxh3::xxh3_64(body.as_bytes()));
        (body, etag)
    })
}

/// The finished document, built once per process.
pub fn document() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(|| {
        let mut doc = serde_json::to_value(ApiDoc::openapi()).unwrap_or_else(|_| json!({}));
        finish(&mut doc);
        doc
    })
}

/// What the derive cannot say: the admin token's scheme, the allowed values of string
/// parameters (from the constants the checks use), and the 500 every endpoint may answer.
fn finish(doc: &mut Value) {
    doc["components"]["securitySchemes"]["admin_token"] = json!({
        "type": "http",
        "scheme": "bearer",
        "description": "The admin token (`QUARRY_ADMIN_TOKEN`), for programs. 403 when none is configured, 401 when it is missing or wrong."
    });
    doc["components"]["securitySchemes"]["admin_session"] = json!({
        "type": "apiKey",
        "in": "cookie",
        "name": "quarry_session",
        "description": "The admin's session, set by `POST /login` (HttpOnly, SameSite=Strict). A state change made with it must come from this site (`Origin` or `Referer`), or it is refused with 403."
    });
    doc["components"]["securitySchemes"]["metrics_token"] = json!({
        "type": "http",
        "scheme": "bearer",
        "description": "The metrics token (`QUARRY_METRICS_TOKEN`), asked for only when one is configured: then 401 when it is missing or wrong."
    });
    if let Some(job) = doc.pointer_mut("/components/schemas/RunJobForm/properties/job") {
        job["enum"] = json!(crate::jobs::kind::Job::NAMES);
    }
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else { return };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else { continue };
        for op in item.values_mut() {
            for p in op.get_mut("parameters").and_then(Value::as_array_mut).into_iter().flatten() {
                let name = p["name"].as_str().unwrap_or_default().to_string();
                if let Some(values) = allowed_values(path, &name) {
                    p["schema"] = json!({ "type": "string", "enum": values });
                }
            }
            if path.starts_with("/api/") && op["responses"].get("500").is_none() {
                op["responses"]["500"] = json!({
                    "description": "A failure on the server's side; the details are in the server log.",
                    "content": { "application/json": { "schema": { "$ref": "#/components/schemas/AppError" } } }
                });
            }
        }
    }
}

/// The values a string parameter accepts, where the code checks it against a fixed list.
pub fn allowed_values(path: &str, name: &str) -> Option<Vec<String>> {
    use crate::commodities::signals::Indicator;
    fn list(v: &[&str]) -> Option<Vec<String>> {
        Some(v.iter().map(|s| s.to_string()).collect())
    }
    let venture = path.starts_with("/api/venture/");
    match name {
        "dir" => list(&["asc", "desc"]),
        "interval" => list(&crate::commodities::downsample::Interval::NAMES),
        "format" if path.starts_with("/api/charts/") => list(&["svg", "png", "pdf", "csv"]),
        "table" => list(&crate::venture::handlers::CSV_TABLES),
        "sector" if venture => Some(crate::venture::sector::Sector::ALL.iter().map(|s| s.slug().to_string()).collect()),
        "stage" if venture => list(&crate::venture::model::STAGES),
        "status" if path.starts_with("/api/venture/acquisitions") => list(&crate::venture::model::ACQUISITION_STATUSES),
        "status" if path.starts_with("/api/venture/ipo-pipeline") => list(&crate::venture::model::IPO_STATUSES),
        "sort" if path.starts_with("/api/commodities/signals") => Some(
            crate::commodities::model::SIGNAL_SORT_COLUMNS
                .into_iter()
                .chain(Indicator::ALL.into_iter().filter(|i| *i != Indicator::Cross).map(Indicator::as_str))
                .map(String::from)
                .collect(),
        ),
        "sort" if path.starts_with("/api/venture/funding") => list(&crate::venture::query::FUNDING_SORTS),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
