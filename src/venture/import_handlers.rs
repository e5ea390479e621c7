//! The import over HTTP, for admins. The admin token is checked before a byte of the body
//! is read; the body streams to a temporary file, and the import runs as a job of its own
//! (`import_run`):
//! - `POST /api/venture/import?name=FILE&dry_run=BOOL&wait=SECONDS` with the file as the raw
//!   body and `Authorization: Bearer ...`: 200 with the summary, 400 with every bad row,
//!   401/403 without the token, 413 above `import::MAX_IMPORT_BYTES`; or, when the import
//!   takes longer than `wait` (20 s by default, 0 to answer at once), 202 with the run's
//!   status URL (also in `Location`).
//! - `GET /api/venture/import/runs/RUN`: the run's state, progress and outcome.
//! - `POST /api/venture/import/form`: the upload page's plain HTML form, sent as
//!   multipart/form-data (fields `token`, `name`, `dry_run`, then `file` or `content`),
//!   answered with a small HTML page or redirected to the run's page
//!   (`GET /venture/import/runs/RUN`), so it works the same with JavaScript off.
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};

use super::import::{RowError, MAX_IMPORT_BYTES};
use super::import_run::{self, RunStatus, SpoolError, Spooled};
use super::import_write::ImportReport;
use crate::auth::session::Live;
use crate::error::AppError;
use crate::format::escape;
use crate::params::ApiQuery;
use crate::routing::Listed;
use crate::state::{AppState, WithApp};

/// How long a request waits for its import before answering 202 with the status URL: well
/// inside the request timeout, and far more than a 10 MB file takes.
const DEFAULT_WAIT: Duration = Duration::from_secs(20);
const MAX_WAIT_SECS: u64 = 25;
/// The form's text fields (token, name, dry_run) are short; a longer one is refused.
const MAX_FIELD_BYTES: usize = 4096;

pub fn routes<S: WithApp>() -> Listed<S> {
    Listed::new()
        // The body is streamed and counted by the handler, not buffered by an extractor.
        .post_streamed("/api/venture/import", upload)
        .post_streamed("/api/venture/import/form", form)
        .get("/api/venture/import/runs/{run}", run_json)
        .get("/venture/import/runs/{run}", run_page)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct UploadQuery {
    /// The file's name, which says its format: `.csv` or `.json`.
    #[param(example = "rounds.csv")]
    name: Option<String>,
    /// `true`: validate and count, then roll back; nothing is written.
    #[param(value_type = Option<bool>, example = true)]
    dry_run: Option<String>,
    /// Seconds to wait for the import before answering 202 (0 to 25, default 20).
    #[param(value_type = Option<u32>, minimum = 0, maximum = 25)]
    wait: Option<String>,
}

/// An import that went through (or would, in a dry run): the summary and where the run is.
#[derive(Serialize, utoipa::ToSchema)]
struct ImportDone {
    #[serde(flatten)]
    report: ImportReport,
    run: String,
    status_url: String,
    page_url: String,
}

/// An import still running when the answer left: where to follow it.
#[derive(Serialize, utoipa::ToSchema)]
struct ImportAccepted {
    /// `accepted`.
    kind: &'static str,
    message: String,
    run: String,
    status_url: String,
    page_url: String,
}

/// A refused file: nothing was imported, and every bad row says why.
#[derive(Serialize, utoipa::ToSchema)]
struct ImportRefused {
    /// `bad_request`.
    kind: &'static str,
    message: String,
    errors: Vec<RowError>,
    run: String,
}

/// A body over the import limit.
#[derive(Serialize, utoipa::ToSchema)]
struct TooLarge {
    /// `payload_too_large`.
    kind: &'static str,
    message: String,
}

/// Imports a CSV or JSON file of venture rows (admin).
///
/// The file is the raw body. The import runs as a job of its own: the answer waits up to
/// `wait` seconds for it, then says where to follow it (202, also in `Location`). The
/// formats are described in docs/venture.md.
#[utoipa::path(post, path = "/api/venture/import", tag = "venture",
    params(UploadQuery),
    request_body(description = "The file itself.", content(("text/csv"), ("application/json"))),
    security(("admin_token" = []), ("admin_session" = [])),
    responses(
        (status = 200, description = "Imported (or, in a dry run, validated and counted).", body = ImportDone),
        (status = 202, description = "Still importing: follow `status_url`.", body = ImportAccepted),
        (status = 400, description = "The file was refused: nothing was imported, and `errors` lists every bad row. (A bad parameter answers the usual error, naming it.)", body = ImportRefused),
        (status = 401, description = "The token is missing or wrong.", body = AppError),
        (status = 403, description = "No admin token is configured.", body = AppError),
        (status = 413, description = "The file is larger than the import limit.", body = TooLarge),
    ))]
async fn upload(
    State(state): State<AppState>,
    session: Option<Extension<Live>>,
    headers: HeaderMap,
    query: Result<ApiQuery<UploadQuery>, AppError>,
    body: Body,
) -> Response {
    if let Err(e) = authorize(&state, session.as_deref(), crate::auth::service::bearer(&headers)).await {
        return e.into_response();
    }
    let ApiQuery(q) = match query {
        Ok(q) => q,
        Err(e) => return e.into_response(),
    };
    let dry_run = match parse_bool(q.dry_run.as_deref()) {
        Ok(b) => b,
        Err(m) => return AppError::bad_parameter("dry_run", m).into_response(),
    };
    let wait = match parse_wait(q.wait.as_deref()) {
        Ok(w) => w,
        Err(m) => return AppError::bad_parameter("wait", m).into_response(),
    };
    if declared_length(&headers).is_some_and(|n| n > MAX_IMPORT_BYTES as u64) {
        return too_large();
    }
    let spooled = {
        let _slot = import_run::upload_slot().await;
        match import_run::spool_body(body).await {
            Ok(s) => s,
            Err(SpoolError::TooLarge) => return too_large(),
            Err(SpoolError::Body(m)) => return AppError::bad_parameter("body", m).into_response(),
            Err(SpoolError::Disk(e)) => return AppError::internal("cannot keep the upload on disk", e).into_response(),
        }
    };
    let name = q.name.unwrap_or_default();
    let status = match start_and_settle(&state, &name, spooled, dry_run, wait).await {
        Ok(s) => s,
        Err(e) => return e.into_response(),
    };
    json_outcome(status)
}

/// Starts the run and waits up to `wait` for it. A run that did not end in time (or was
/// not waited for) is answered as still running: the caller follows its status URL.
async fn start_and_settle(
    state: &AppState,
    name: &str,
    spooled: Spooled,
    dry_run: bool,
    wait: Duration,
) -> Result<RunStatus, AppError> {
    let (run, task) = import_run::start(state, name, spooled, dry_run)
        .await
        .map_err(|e| AppError::internal("cannot record the import run", e))?;
    let ended = import_run::settle(task, wait).await;
    let mut status = import_run::status(state, &run)
        .await
        .map_err(|e| AppError::internal("cannot read the import run", e))?
        .ok_or_else(|| AppError::internal("the import run vanished", run))?;
    if !ended {
        status.status = "running".into();
    }
    Ok(status)
}

/// A run as the JSON API answers it: the summary (200), the bad rows (400), a database
/// failure (500), or still running (202 with where to follow it).
fn json_outcome(s: RunStatus) -> Response {
    match (s.status.as_str(), s.report) {
        ("running", _) => (
            StatusCode::ACCEPTED,
            [(header::LOCATION, s.status_url.clone())],
            Json(ImportAccepted {
                kind: "accepted",
                message: format!("{} is being imported; follow it at {}", s.file, s.status_url),
                run: s.run,
                status_url: s.status_url,
                page_url: s.page_url,
            }),
        )
            .into_response(),
        ("succeeded", Some(report)) => {
            Json(ImportDone { report, run: s.run, status_url: s.status_url, page_url: s.page_url }).into_response()
        }
        ("failed", _) => (
            StatusCode::BAD_REQUEST,
            Json(ImportRefused {
                kind: "bad_request",
                message: s.message.unwrap_or_default(),
                errors: s.errors,
                run: s.run,
            }),
        )
            .into_response(),
        _ => AppError::internal(
            "the import failed in the database and was rolled back",
            s.message.unwrap_or_else(|| format!("run {} ended {}", s.run, s.status)),
        )
        .into_response(),
    }
}

/// An import run: its state, progress and, once it ended, its outcome.
#[utoipa::path(get, path = "/api/venture/import/runs/{run}", tag = "venture",
    params(("run" = String, Path, description = "The run's token, from the import's answer (`run`, `status_url`).", example = "3f9c2a7e-5b1d-4c8e-9a60-2d7f1e4b8c05")),
    responses(
        (status = 200, description = "The run.", body = RunStatus),
        (status = 404, description = "No such run.", body = AppError),
    ))]
async fn run_json(State(state): State<AppState>, Path(run): Path<String>) -> Response {
    match import_run::status(&state, &run).await {
        Ok(Some(s)) => Json(s).into_response(),
        Ok(None) => AppError::not_found(format!("no import run {run:?}")).into_response(),
        Err(e) => AppError::internal("cannot read the import run", e).into_response(),
    }
}

async fn run_page(State(state): State<AppState>, Path(run): Path<String>) -> Response {
    match import_run::status(&state, &run).await {
        Ok(Some(s)) => outcome_page(s),
        Ok(None) => {
            page(StatusCode::NOT_FOUND, "No such import", &para("error", "This import run is not known."), false)
        }
        Err(e) => {
            let e = AppError::internal("cannot read the import run", e);
            page(StatusCode::INTERNAL_SERVER_ERROR, "The import could not be read", &para("error", &e.message), false)
        }
    }
}

/// A run as a page: its progress while it runs (the page refreshes itself), then its
/// summary or every bad row.
fn outcome_page(s: RunStatus) -> Response {
    match (s.status.as_str(), &s.report) {
        ("running", _) => {
            let pct = (s.progress * 100.0).round();
            let body = format!(
                "<p class=\"notice\" role=\"status\">{} is being imported: {pct}% written. This page refreshes by itself; the jobs page lists the run as <code>venture_import</code>.</p><progress max=\"1\" value=\"{:.3}\">{pct}%</progress>",
                escape(&s.file),
                s.progress
            );
            page(StatusCode::OK, &format!("Importing {}", s.file), &body, true)
        }
        ("succeeded", Some(report)) => page(StatusCode::OK, &report_title(report), &report_html(report), false),
        ("failed", _) => {
            let body = format!("{}{}", para("error", s.message.as_deref().unwrap_or_default()), errors_html(&s.errors));
            page(StatusCode::BAD_REQUEST, "Nothing was imported", &body, false)
        }
        _ => {
            let e = AppError::internal(
                "the import failed in the database and was rolled back",
                s.message.clone().unwrap_or_else(|| format!("run ended {}", s.status)),
            );
            page(StatusCode::INTERNAL_SERVER_ERROR, "Nothing was imported", &para("error", &e.message), false)
        }
    }
}

fn too_large() -> Response {
    (StatusCode::PAYLOAD_TOO_LARGE, Json(TooLarge { kind: "payload_too_large", message: too_large_message() }))
        .into_response()
}

/// The upload page's form, sent as multipart/form-data; the fields `POST
/// /api/venture/import/form` reads.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct ImportForm {
    /// The admin token, unless it is sent as `Authorization: Bearer` (before the file).
    token: Option<String>,
    /// The file's name, when `file` has none.
    name: Option<String>,
    /// `true`: validate and count, then roll back.
    dry_run: Option<String>,
    /// The file.
    #[schema(content_media_type = "application/octet-stream")]
    file: Option<Vec<u8>>,
    /// The file's text, pasted (instead of `file`).
    content: Option<String>,
}

fn too_large_message() -> String {
    format!("The file is larger than {} MB, the import limit.", MAX_IMPORT_BYTES / 1_048_576)
}

/// The upload page's form (admin): answers with a page, for browsers without JavaScript.
///
/// Read field by field: the token must come before the file, so an anonymous upload costs a
/// few hundred bytes. A run still going when the answer leaves redirects to its page.
#[utoipa::path(post, path = "/api/venture/import/form", tag = "venture",
    request_body(content = ImportForm, content_type = "multipart/form-data"),
    security(("admin_token" = []), ("admin_session" = [])),
    responses(
        (status = 200, description = "The import's summary, as a page.", content_type = "text/html", body = String),
        (status = 303, description = "Still importing: the run's page (`/venture/import/runs/{run}`)."),
        (status = 400, description = "A malformed form, a refused file or no file, as a page.", content_type = "text/html", body = String),
        (status = 401, description = "The token is missing or wrong, as a page.", content_type = "text/html", body = String),
        (status = 403, description = "No admin token is configured, as a page.", content_type = "text/html", body = String),
        (status = 413, description = "The file is larger than the import limit, as a page.", content_type = "text/html", body = String),
    ))]
async fn form(
    State(state): State<AppState>,
    session: Option<Extension<Live>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let refused =
        |status: StatusCode, message: &str| page(status, "Nothing was imported", &para("error", message), false);
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let boundary = match multer::parse_boundary(content_type) {
        Ok(b) => b,
        Err(e) => {
            return refused(StatusCode::BAD_REQUEST, &format!("The form must be sent as multipart/form-data: {e}"))
        }
    };
    let (stream, gate) = import_run::gated(body.into_data_stream());
    let limits = multer::SizeLimit::new().whole_stream((MAX_IMPORT_BYTES + 64 * 1024) as u64);
    let mut mp = multer::Multipart::with_constraints(stream, boundary, multer::Constraints::new().size_limit(limits));
    let mut authorized = false;
    let token = crate::auth::service::bearer(&headers);
    if session.is_some() || token.is_some() {
        if let Err(e) = authorize(&state, session.as_deref(), token).await {
            return refused(status_of(&e), &e.message);
        }
        authorized = true;
        gate.open();
    }
    let (mut name, mut dry_run, mut spooled) = (String::new(), None, None::<Spooled>);
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => return refused(multipart_status(&e), &multipart_message(&e)),
        };
        match field.name().unwrap_or_default() {
            "token" => {
                let token = match short_text(field).await {
                    Ok(t) => t,
                    Err(r) => return r,
                };
                if !authorized {
                    if let Err(e) = authorize(&state, None, Some(&token)).await {
                        return refused(status_of(&e), &e.message);
                    }
                    authorized = true;
                    gate.open();
                }
            }
            "name" => match short_text(field).await {
                Ok(t) => name = t.trim().to_string(),
                Err(r) => return r,
            },
            "dry_run" => match short_text(field).await {
                Ok(t) => dry_run = Some(t),
                Err(r) => return r,
            },
            "file" | "content" => {
                if !authorized {
                    let e = not_signed_in(&state).await;
                    return refused(status_of(&e), &e.message);
                }
                if name.is_empty() {
                    name = field.file_name().unwrap_or_default().to_string();
                }
                let s = {
                    let _slot = import_run::upload_slot().await;
                    match import_run::spool(Box::pin(field)).await {
                        Ok(s) => s,
                        Err(SpoolError::TooLarge) => {
                            return refused(StatusCode::PAYLOAD_TOO_LARGE, &too_large_message())
                        }
                        Err(SpoolError::Body(m)) => return refused(StatusCode::BAD_REQUEST, &m),
                        Err(SpoolError::Disk(e)) => {
                            let e = AppError::internal("cannot keep the upload on disk", e);
                            return refused(StatusCode::INTERNAL_SERVER_ERROR, &e.message);
                        }
                    }
                };
                // An empty file input, or an empty textarea beside a chosen file.
                if s.bytes > 0 && spooled.is_none() {
                    spooled = Some(s);
                }
            }
            // Unknown fields are skipped unread.
            _ => {}
        }
    }
    if !authorized {
        let e = not_signed_in(&state).await;
        return refused(status_of(&e), &e.message);
    }
    let dry_run = match parse_bool(dry_run.as_deref()) {
        Ok(b) => b,
        Err(m) => return refused(StatusCode::BAD_REQUEST, &m),
    };
    let Some(spooled) = spooled else {
        return refused(StatusCode::BAD_REQUEST, "Choose a file, or paste its content: the form held neither.");
    };
    match start_and_settle(&state, &name, spooled, dry_run, DEFAULT_WAIT).await {
        Ok(s) if s.running() => Redirect::to(&s.page_url).into_response(),
        Ok(s) => outcome_page(s),
        Err(e) => refused(StatusCode::INTERNAL_SERVER_ERROR, &e.message),
    }
}

/// A short text field of the form; a long one is refused as a page.
async fn short_text(mut field: multer::Field<'_>) -> Result<String, Response> {
    let name = field.name().unwrap_or_default().to_string();
    let mut buf = Vec::new();
    loop {
        match field.chunk().await {
            Ok(Some(chunk)) => {
                buf.extend_from_slice(&chunk);
                if buf.len() > MAX_FIELD_BYTES {
                    let msg = format!("The form field {name:?} is longer than {MAX_FIELD_BYTES} bytes.");
                    return Err(page(StatusCode::BAD_REQUEST, "Nothing was imported", &para("error", &msg), false));
                }
            }
            Ok(None) => break,
            Err(e) => {
                let msg = multipart_message(&e);
                return Err(page(multipart_status(&e), "Nothing was imported", &para("error", &msg), false));
            }
        }
    }
    String::from_utf8(buf).map_err(|_| {
        let msg = format!("The form field {name:?} is not UTF-8 text.");
        page(StatusCode::BAD_REQUEST, "Nothing was imported", &para("error", &msg), false)
    })
}

fn multipart_status(e: &multer::Error) -> StatusCode {
    match e {
        multer::Error::StreamSizeExceeded { .. } | multer::Error::FieldSizeExceeded { .. } => {
            StatusCode::PAYLOAD_TOO_LARGE
        }
        _ => StatusCode::BAD_REQUEST,
    }
}

fn multipart_message(e: &multer::Error) -> String {
    if multipart_status(e) == StatusCode::PAYLOAD_TOO_LARGE {
        too_large_message()
    } else {
        format!("The form could not be read: {e}")
    }
}

fn status_of(e: &AppError) -> StatusCode {
    StatusCode::from_u16(e.kind.status()).unwrap_or(StatusCode::UNAUTHORIZED)
}

fn declared_length(headers: &HeaderMap) -> Option<u64> {
    headers.get(header::CONTENT_LENGTH)?.to_str().ok()?.trim().parse().ok()
}

fn parse_wait(v: Option<&str>) -> Result<Duration, String> {
    match v.map(str::trim) {
        None | Some("") => Ok(DEFAULT_WAIT),
        Some(t) => match t.parse::<u64>() {
            Ok(n) if n <= MAX_WAIT_SECS => Ok(Duration::from_secs(n)),
            _ => Err(format!("'{t}' is not a number of seconds from 0 to {MAX_WAIT_SECS}")),
        },
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
            escape(&t.table),
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
            format!("<li{line}>{}</li>", escape(&e.to_string()))
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
    format!("<p class=\"{class}\"{role}>{}</p>", escape(text))
}

/// A small page of its own: the answer to a form post, outside the app's router. A page
/// that `refresh`es asks for itself again in two seconds (navigate.js does the same in
/// place when JavaScript is on).
fn page(status: StatusCode, title: &str, body: &str, refresh: bool) -> Response {
    let refresh = if refresh { "<meta http-equiv=\"refresh\" content=\"2\">" } else { "" };
    let html = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">{refresh}<title>{t} · Quarry</title><link rel=\"icon\" href=\"/favicon.svg\" type=\"image/svg+xml\"><link rel=\"stylesheet\" href=\"/pkg/quarry.css\"></head><body><main class=\"import-result\"><h1>{t}</h1>{body}<p><a href=\"/venture/import\">Import another file</a> · <a href=\"/venture\">Venture</a></p></main></body></html>",
        t = escape(title)
    );
    (status, [(header::CACHE_CONTROL, "no-store")], Html(html)).into_response()
}

fn parse_bool(v: Option<&str>) -> Result<bool, String> {
    match v.map(|s| s.trim().to_ascii_lowercase()).as_deref() {
        None | Some("") | Some("0") | Some("false") | Some("no") | Some("off") => Ok(false),
        Some("1") | Some("true") | Some("yes") | Some("on") => Ok(true),
        Some(other) => Err(format!("'{other}' is not a boolean (use true or false)")),
    }
}

/// The refusal of an upload that reached its file, or its end, neither signed in nor
/// holding the token: with neither, `authorize` always refuses.
async fn not_signed_in(state: &AppState) -> AppError {
    authorize(state, None, None).await.err().unwrap_or_else(|| AppError::unauthorized("sign-in missing"))
}

/// The same rule as "run now" on the jobs page (`auth::service::authorize`).
async fn authorize(state: &AppState, session: Option<&Live>, given: Option<&str>) -> Result<(), AppError> {
    crate::auth::service::authorize(
        state,
        session,
        given,
        "an `Authorization: Bearer` header, or the form's token field",
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn booleans_and_escaping() {
        assert_eq!(parse_bool(None), Ok(false));
        assert_eq!(parse_bool(Some("on")), Ok(true));
        assert!(parse_bool(Some("maybe")).unwrap_err().contains("'maybe'"));
        assert_eq!(escape("<b>\"x\" & 'y'</b>"), "&lt;b&gt;&quot;x&quot; &amp; &#x27;y&#x27;&lt;&#x2F;b&gt;");
        assert_eq!(parse_wait(None), Ok(DEFAULT_WAIT));
        assert_eq!(parse_wait(Some("0")), Ok(Duration::ZERO));
        assert!(parse_wait(Some("26")).unwrap_err().contains("'26'"));
        assert!(parse_wait(Some("-1")).is_err());
        let errs = errors_html(&[RowError::at_line(7, "amount_usd: not a number: \"<x>\"")]);
        assert_eq!(errs, "<ol class=\"import-errors\"><li data-line=\"7\">line 7: amount_usd: not a number: &quot;&lt;x&gt;&quot;</li></ol>");
    }
}
