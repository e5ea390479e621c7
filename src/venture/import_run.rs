//! An upload's way from the socket to the database, for the HTTP import (`import_handlers`):
//! - the body is streamed to a temporary file, never held whole in memory, and refused at
//!   `MAX_IMPORT_BYTES` + 1 byte; at most `MAX_UPLOADS` bodies stream at once;
//! - the import then runs as a job of its own (`venture_import` in `job_runs`, so the jobs
//!   page lists it), in a task that outlives the request: a large file cannot hit the
//!   request timeout, and the caller follows it by its run token;
//! - its outcome (the summary, or every bad row) is kept in the run's `detail`, so any
//!   replica answers the status URL.
use std::collections::HashMap;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, LazyLock, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use axum::body::Body;
use chrono::Utc;
use futures_util::StreamExt;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use tokio::io::AsyncWriteExt;
use tokio::sync::{Semaphore, SemaphorePermit};

use super::import::{RowError, MAX_IMPORT_BYTES};
use super::import_write::{self, ImportError, ImportReport};
use crate::db::entities::job_runs;
use crate::state::AppState;

/// The job name import runs are recorded under.
pub const JOB: &str = "venture_import";

/// Uploads streaming to disk at once, per process. More wait for a turn (bounded by the
/// request timeout) without reading their bodies.
pub const MAX_UPLOADS: usize = 2;
static UPLOADS: Semaphore = Semaphore::const_new(MAX_UPLOADS);

/// Fractions done of the runs this process is executing: a SQLite import holds the write
/// lock until it commits, so its progress cannot be written to its own row meanwhile.
static LIVE: LazyLock<Mutex<HashMap<String, f64>>> = LazyLock::new(Default::default);

/// Why an upload did not become a run.
#[derive(Debug)]
pub enum SpoolError {
    TooLarge,
    /// The client stopped sending, or the stream broke.
    Body(String),
    Disk(std::io::Error),
}

/// Waits for an upload slot. The permit is held while the body streams to disk.
pub async fn upload_slot() -> SemaphorePermit<'static> {
    UPLOADS.acquire().await.expect("the upload semaphore is never closed")
}

/// A spooled upload: the temporary file is deleted when this is dropped.
pub struct Spooled {
    file: tempfile::TempPath,
    pub bytes: usize,
}

/// Streams chunks into a temporary file, refusing more than `MAX_IMPORT_BYTES`.
pub async fn spool<S, E>(mut chunks: S) -> Result<Spooled, SpoolError>
where
    S: futures_util::Stream<Item = Result<bytes::Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    let temp = tempfile::Builder::new().prefix("quarry-upload-").tempfile().map_err(SpoolError::Disk)?;
    let (std_file, path) = temp.into_parts();
    let mut file = tokio::fs::File::from_std(std_file);
    let mut bytes = 0usize;
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk.map_err(|e| SpoolError::Body(e.to_string()))?;
        bytes += chunk.len();
        if bytes > MAX_IMPORT_BYTES {
            return Err(SpoolError::TooLarge);
        }
        file.write_all(&chunk).await.map_err(SpoolError::Disk)?;
    }
    file.flush().await.map_err(SpoolError::Disk)?;
    Ok(Spooled { file: path, bytes })
}

/// `spool` for a whole request body.
pub async fn spool_body(body: Body) -> Result<Spooled, SpoolError> {
    spool(body.into_data_stream()).await
}

/// How much of a form body may be read before its token is settled: the token, name and
/// dry-run fields come first and are short.
pub const UNAUTHORIZED_READ_BYTES: usize = 64 * 1024;

/// Holds a request body back once `UNAUTHORIZED_READ_BYTES` were read, until `open` is
/// called. A multipart reader buffers every chunk the socket has ready; without the gate
/// an anonymous client's ten megabytes would be in memory before its (missing) token was
/// even looked at.
#[derive(Default)]
pub struct Gate {
    open: AtomicBool,
    waiting: Mutex<Option<Waker>>,
}

impl Gate {
    pub fn open(&self) {
        self.open.store(true, Ordering::SeqCst);
        if let Some(w) = self.waiting.lock().expect("gate waker").take() {
            w.wake();
        }
    }
}

pub struct Gated<S> {
    inner: S,
    gate: Arc<Gate>,
    read: usize,
}

pub fn gated<S>(inner: S) -> (Gated<S>, Arc<Gate>) {
    let gate = Arc::new(Gate::default());
    (Gated { inner, gate: gate.clone(), read: 0 }, gate)
}

impl<S, E> futures_util::Stream for Gated<S>
where
    S: futures_util::Stream<Item = Result<bytes::Bytes, E>> + Unpin,
{
    type Item = Result<bytes::Bytes, E>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.read >= UNAUTHORIZED_READ_BYTES && !self.gate.open.load(Ordering::SeqCst) {
            *self.gate.waiting.lock().expect("gate waker") = Some(cx.waker().clone());
            // Opened between the check and storing the waker: go on.
            if !self.gate.open.load(Ordering::SeqCst) {
                return Poll::Pending;
            }
        }
        let next = Pin::new(&mut self.inner).poll_next(cx);
        if let Poll::Ready(Some(Ok(chunk))) = &next {
            self.read += chunk.len();
        }
        next
    }
}

/// What a status request answers: the run's state and, once it ended, its outcome.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RunStatus {
    /// The token of the run, as in its status URL.
    pub run: String,
    pub file: String,
    /// `running`, `succeeded`, `failed` (the file was refused: see `errors`), `error` (the
    /// database failed: nothing was written) or `abandoned` (the server stopped).
    pub status: String,
    /// 0 to 1.
    pub progress: f64,
    pub started_at: chrono::DateTime<Utc>,
    pub finished_at: Option<chrono::DateTime<Utc>>,
    pub message: Option<String>,
    pub report: Option<ImportReport>,
    #[serde(default)]
    pub errors: Vec<RowError>,
    pub status_url: String,
    pub page_url: String,
}

impl RunStatus {
    pub fn running(&self) -> bool {
        self.status == "running"
    }
}

/// What is stored in the run's `detail`.
#[derive(Debug, Serialize, Deserialize)]
struct Detail {
    file: String,
    #[serde(default)]
    report: Option<ImportReport>,
    #[serde(default)]
    errors: Vec<RowError>,
}

pub fn status_url(run: &str) -> String {
    format!("/api/venture/import/runs/{run}")
}

pub fn page_url(run: &str) -> String {
    format!("/venture/import/runs/{run}")
}

/// Records the run and starts the import in a task of its own; answers the run's token.
/// The spooled file is read back and deleted by the task.
pub async fn start(
    state: &AppState,
    name: &str,
    upload: Spooled,
    dry_run: bool,
) -> Result<(String, tokio::task::JoinHandle<()>), sea_orm::DbErr> {
    let run = uuid::Uuid::new_v4().simple().to_string();
    let file = import_write::display_name(name);
    let id = crate::db::lease::acquire(&state.db, JOB, &run, Utc::now())
        .await?
        .ok_or_else(|| sea_orm::DbErr::Custom("a fresh run token was taken".into()))?;
    let detail = Detail { file: file.clone(), report: None, errors: Vec::new() };
    let update =
        job_runs::ActiveModel { id: Set(id), detail: Set(serde_json::to_string(&detail).ok()), ..Default::default() };
    job_runs::Entity::update(update).exec(&state.db).await?;
    LIVE.lock().expect("progress map").insert(run.clone(), 0.0);

    let state = state.clone();
    let token = run.clone();
    let task = tokio::spawn(async move {
        let outcome = match tokio::fs::read(&upload.file).await {
            Ok(bytes) => execute(&state, &token, &file, bytes, dry_run).await,
            Err(e) => Err(ImportError::Db(sea_orm::DbErr::Custom(format!("cannot read the spooled upload: {e}")))),
        };
        drop(upload);
        let (status, rows, message, detail) = match outcome {
            Ok(report) => {
                let rows = report.inserted + report.updated;
                ("succeeded", rows, None, Detail { file, report: Some(report), errors: Vec::new() })
            }
            Err(ImportError::Invalid { file: f, errors }) => {
                let message = ImportError::Invalid { file: f.clone(), errors: errors.clone() }.to_string();
                ("failed", 0, Some(message), Detail { file: f, report: None, errors })
            }
            Err(e @ ImportError::Db(_)) => {
                tracing::error!(error = %e, run = %token, "import failed in the database");
                ("error", 0, Some(e.to_string()), Detail { file, report: None, errors: Vec::new() })
            }
        };
        // One update: a status URL read in between must not see the end without its detail.
        let update = job_runs::ActiveModel {
            id: Set(id),
            finished_at: Set(Some(Utc::now())),
            status: Set(status.to_string()),
            rows_written: Set(rows as i64),
            error: Set(message.map(|m| m.chars().take(4000).collect())),
            progress: Set(Some(1.0)),
            detail: Set(serde_json::to_string(&detail).ok()),
            ..Default::default()
        };
        if let Err(e) = job_runs::Entity::update(update).exec(&state.db).await {
            tracing::error!(error = %e, run = %token, "cannot record the end of an import run");
        }
        // A dry run writes nothing, whatever its report counts.
        crate::metrics::job_run(JOB, status, if dry_run { 0 } else { rows });
        // The imported rounds may be in a kept landscape page.
        crate::series::kept::invalidate();
        LIVE.lock().expect("progress map").remove(&token);
    });
    Ok((run, task))
}

async fn execute(
    state: &AppState,
    run: &str,
    file: &str,
    bytes: Vec<u8>,
    dry_run: bool,
) -> Result<ImportReport, ImportError> {
    let now = Utc::now();
    let key = run.to_string();
    let progress = move |f: f64| {
        if let Some(p) = LIVE.lock().expect("progress map").get_mut(&key) {
            *p = f;
        }
    };
    let mut report = import_write::import_with_progress(&state.db, file, bytes, dry_run, now, &progress).await?;
    import_write::refresh_tracker(&state.db, &mut report, state.config.venture.notable_round_usd, now).await;
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

/// Waits up to `wait` for the run to end: a small file is answered in the same request.
/// A zero `wait` does not look: the caller asked to be answered at once, whatever the run
/// has done meanwhile.
pub async fn settle(task: tokio::task::JoinHandle<()>, wait: Duration) -> bool {
    !wait.is_zero() && tokio::time::timeout(wait, task).await.is_ok()
}

/// The run with this token, as its status URL answers it; `None` when there is none.
pub async fn status(state: &AppState, run: &str) -> Result<Option<RunStatus>, sea_orm::DbErr> {
    // Tokens are 32 hex digits; anything else names no run, without a query.
    if run.len() != 32 || !run.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    let Some(row) = job_runs::Entity::find()
        .filter(job_runs::Column::Job.eq(JOB))
        .filter(job_runs::Column::Slot.eq(run))
        .one(&state.db)
        .await?
    else {
        return Ok(None);
    };
    let detail: Option<Detail> = row.detail.as_deref().and_then(|d| serde_json::from_str(d).ok());
    let live = LIVE.lock().expect("progress map").get(run).copied();
    let (file, report, errors) = match detail {
        Some(d) => (d.file, d.report, d.errors),
        None => (String::new(), None, Vec::new()),
    };
    Ok(Some(RunStatus {
        run: run.to_string(),
        file,
        progress: live.or(row.progress).unwrap_or(0.0),
        started_at: row.started_at,
        finished_at: row.finished_at,
        message: row.error,
        status: row.status,
        report,
        errors,
        status_url: status_url(run),
        page_url: page_url(run),
    }))
}
