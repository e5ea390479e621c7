//! The import over HTTP, for admins:
//! - `POST /api/venture/import?name=FILE&dry_run=BOOL` with the file as the raw body and the
//!   admin token as `Authorization: Bearer ...`: 200 with the summary, 400 with every bad
//!   row, 401/403 without the token, 413 above `import::MAX_IMPORT_BYTES`.
//! - `POST /api/venture/import/form`: the upload page's plain HTML form (fields `name`,
//!   `content`, `token`, `dry_run`), answered with a small HTML page, so it works with
//!   JavaScript off.
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, FormRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, FromRef, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::post;
use axum::{Form, Json, Router};
use serde::Deserialize;

use super::import::{RowError, MAX_IMPORT_BYTES};
use super::import_store::{self, ImportError, ImportReport};
use crate::error::AppError;
use crate::state::AppState;

/// A form-encoded file grows by up to three times (`%XX` per byte).
const FORM_LIMIT: usize = 3 * MAX_IMPORT_BYTES + 64 * 1024;

pub fn routes<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    AppState: FromRef<S>,
{
    Router::new()
        // One byte over the limit is enough to know the file is too large.
        .route("/api/venture/import", post(upload).layer(DefaultBodyLimit::max(MAX_IMPORT_BYTES + 1)))
        .route("/api/venture/import/form", post(form).layer(DefaultBodyLimit::max(FORM_LIMIT)))
}

#[derive(Debug, Deserialize)]
struct UploadQuery {
    name: Option<String>,
    dry_run: Option<String>,
}

async fn upload(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<UploadQuery>, QueryRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    if let Err(e) = authorize(&state, bearer(&headers).as_deref()) {
        return e.into_response();
    }
    let Query(q) = match query {
        Ok(q) => q,
        Err(e) => return AppError::bad_parameter("query", e.body_text()).into_response(),
    };
    let dry_run = match parse_bool(q.dry_run.as_deref()) {
        Ok(b) => b,
        Err(m) => return AppError::bad_parameter("dry_run", m).into_response(),
    };
    let body = match body {
        Ok(b) => b,
        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return too_large(),
        Err(e) => return AppError::bad_parameter("body", e.body_text()).into_response(),
    };
    if body.len() > MAX_IMPORT_BYTES {
        return too_large();
    }
    let name = q.name.unwrap_or_default();
    match run(&state, &name, &body, dry_run).await {
        Ok(report) => Json(report).into_response(),
        Err(ImportError::Invalid { file, errors }) => {
            let message = ImportError::Invalid { file, errors: errors.clone() }.to_string();
            (
                StatusCode::BAD_REQUEST,
                Json(serde_json::json!({ "kind": "bad_request", "message": message, "errors": errors })),
            )
                .into_response()
        }
        Err(ImportError::Db(e)) => {
            AppError::internal("the import failed in the database and was rolled back", e).into_response()
        }
    }
}

fn too_large() -> Response {
    (
        StatusCode::PAYLOAD_TOO_LARGE,
        Json(serde_json::json!({
            "kind": "payload_too_large",
            "message": format!("the file is larger than {} MB, the import limit", MAX_IMPORT_BYTES / 1_048_576),
        })),
    )
        .into_response()
}

/// Imports, then refreshes the funding aggregates when rounds changed.
async fn run(state: &AppState, name: &str, bytes: &[u8], dry_run: bool) -> Result<ImportReport, ImportError> {
    let now = chrono::Utc::now();
    let mut report = import_store::import(&state.db, name, bytes, dry_run, now).await?;
    import_store::refresh_tracker(&state.db, &mut report, state.config.venture.notable_round_usd, now).await;
    tracing::info!(
        file = %report.file,
        dry_run,
        inserted = report.inserted,
        updated = report.updated,
        unchanged = report.unchanged,
        "venture import"
    );
    Ok(report)
}

#[derive(Debug, Deserialize)]
struct ImportForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    content: String,
    #[serde(default)]
    token: String,
    /// A checkbox: present (`on`) when ticked.
    dry_run: Option<String>,
}

async fn form(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Form<ImportForm>, FormRejection>,
) -> Response {
    let f = match body {
        Ok(Form(f)) => f,
        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            let msg = format!("The file is larger than {} MB, the import limit.", MAX_IMPORT_BYTES / 1_048_576);
            return page(StatusCode::PAYLOAD_TOO_LARGE, "Nothing was imported", &para("error", &msg));
        }
        Err(e) => return page(StatusCode::BAD_REQUEST, "Nothing was imported", &para("error", &e.body_text())),
    };
    let given = Some(f.token.as_str()).filter(|t| !t.is_empty()).map(str::to_string).or_else(|| bearer(&headers));
    if let Err(e) = authorize(&state, given.as_deref()) {
        let status = StatusCode::from_u16(e.kind.status()).unwrap_or(StatusCode::UNAUTHORIZED);
        return page(status, "Nothing was imported", &para("error", &e.message));
    }
    let dry_run = match parse_bool(f.dry_run.as_deref()) {
        Ok(b) => b,
        Err(m) => return page(StatusCode::BAD_REQUEST, "Nothing was imported", &para("error", &m)),
    };
    if f.content.len() > MAX_IMPORT_BYTES {
        let msg = format!("The file is larger than {} MB, the import limit.", MAX_IMPORT_BYTES / 1_048_576);
        return page(StatusCode::PAYLOAD_TOO_LARGE, "Nothing was imported", &para("error", &msg));
    }
    // A textarea sends CRLF line ends; CSV and JSON readers take them, and line numbers
    // stay the same.
    match run(&state, &f.name, f.content.as_bytes(), dry_run).await {
        Ok(report) => page(StatusCode::OK, &report_title(&report), &report_html(&report)),
        Err(ImportError::Invalid { file, errors }) => {
            let message = ImportError::Invalid { file, errors: errors.clone() }.to_string();
            let body = format!("{}{}", para("error", &message), errors_html(&errors));
            page(StatusCode::BAD_REQUEST, "Nothing was imported", &body)
        }
        Err(ImportError::Db(e)) => {
            let e = AppError::internal("the import failed in the database and was rolled back", e);
            page(StatusCode::INTERNAL_SERVER_ERROR, "Nothing was imported", &para("error", &e.message))
        }
    }
}

fn report_title(r: &ImportReport) -> String {
    if r.dry_run {
        format!("{} is valid (dry run: nothing was written)", r.file)
    } else {
        format!("Imported {}", r.file)
    }
}

fn report_html(r: &ImportReport) -> String {
    let mut rows = String::new();
    for t in &r.tables {
        rows.push_str(&format!(
            "<tr data-table=\"{0}\"><th scope=\"row\">{0}</th><td class=\"num\">{1}</td><td class=\"num\">{2}</td><td class=\"num\">{3}</td></tr>",
            esc(&t.table),
            t.inserted,
            t.updated,
            t.unchanged
        ));
    }
    let summary = format!(
        "{} rows ({}): {} inserted, {} updated, {} unchanged.",
        r.rows, r.format, r.inserted, r.updated, r.unchanged
    );
    format!(
        "{}<div class=\"table-wrap\"><table class=\"data import-summary\"><thead><tr><th scope=\"col\">Table</th><th scope=\"col\" class=\"num\">Inserted</th><th scope=\"col\" class=\"num\">Updated</th><th scope=\"col\" class=\"num\">Unchanged</th></tr></thead><tbody>{rows}</tbody></table></div>{}",
        para("notice", &summary),
        r.tracker.as_deref().map(|t| para("muted", t)).unwrap_or_default()
    )
}

fn errors_html(errors: &[RowError]) -> String {
    let items: String = errors
        .iter()
        .map(|e| {
            let line = e.line.map(|l| format!(" data-line=\"{l}\"")).unwrap_or_default();
            format!("<li{line}>{}</li>", esc(&e.to_string()))
        })
        .collect();
    format!("<ol class=\"import-errors\">{items}</ol>")
}

fn para(class: &str, text: &str) -> String {
    let role = match class {
        "error" => " role=\"alert\"",
        "notice" => " role=\"status\"",
        _ => "",
    };
    format!("<p class=\"{class}\"{role}>{}</p>", esc(text))
}

/// A small page of its own: the answer to a form post, outside the app's router.
fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{t} · Quarry</title><link rel=\"stylesheet\" href=\"/pkg/quarry.css\"></head><body><main class=\"import-result\"><h1>{t}</h1>{body}<p><a href=\"/venture/import\">Import another file</a> · <a href=\"/venture\">Venture</a></p></main></body></html>",
        t = esc(title)
    );
    (status, [(header::CACHE_CONTROL, "no-store")], Html(html)).into_response()
}

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn parse_bool(v: Option<&str>) -> Result<bool, String> {
    match v.map(|s| s.trim().to_ascii_lowercase()).as_deref() {
        None | Some("") | Some("0") | Some("false") | Some("no") | Some("off") => Ok(false),
        Some("1") | Some("true") | Some("yes") | Some("on") => Ok(true),
        Some(other) => Err(format!("'{other}' is not a boolean (use true or false)")),
    }
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    v.strip_prefix("Bearer ").map(|t| t.trim().to_string()).filter(|t| !t.is_empty())
}

/// The same rule as "run now" on the jobs page: 403 when no admin token is configured,
/// 401 when it is missing or wrong.
fn authorize(state: &AppState, given: Option<&str>) -> Result<(), AppError> {
    state.config.admin_token.authorize(given, "an `Authorization: Bearer` header, or the form's token field")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn booleans_and_escaping() {
        assert_eq!(parse_bool(None), Ok(false));
        assert_eq!(parse_bool(Some("on")), Ok(true));
        assert!(parse_bool(Some("maybe")).unwrap_err().contains("'maybe'"));
        assert_eq!(esc("<b>\"x\" & 'y'</b>"), "&lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/b&gt;");
        let errs = errors_html(&[RowError::at_line(7, "amount_usd: not a number: \"<x>\"")]);
        assert_eq!(errs, "<ol class=\"import-errors\"><li data-line=\"7\">line 7: amount_usd: not a number: &quot;&lt;x&gt;&quot;</li></ol>");
    }
}
