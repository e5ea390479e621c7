//! The HTTP server: demo data, scheduler, routes, middleware and graceful shutdown. The
//! state it serves is built by `crate::startup`.
pub mod assets;
pub mod etag;
pub mod fallback;
pub mod listen;
pub mod page_cache;
pub mod request_metrics;
pub mod security;

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use axum::extract::{FromRef, State};
use axum::http::{Method, StatusCode};
use axum::Router;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};

use crate::app::{shell, App};
use crate::config::Config;
use crate::routing::Listed;
use crate::state::AppState;

/// Everything the router's handlers can extract.
#[derive(Clone)]
pub struct RouterState {
    pub leptos: LeptosOptions,
    pub app: AppState,
    pub assets: assets::Assets,
}

impl FromRef<RouterState> for LeptosOptions {
    fn from_ref(s: &RouterState) -> Self {
        s.leptos.clone()
    }
}

impl crate::state::WithApp for RouterState {
    fn app(&self) -> AppState {
        self.app.clone()
    }
}

/// leptos's settings; `pkg_dir` is where the pages find the bundle (`pkg/<version>`).
pub fn leptos_options(config: &Config, pkg_dir: &str) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("quarry")
        .site_root(config.site_root.display().to_string())
        .site_pkg_dir(pkg_dir.to_string())
        .site_addr(config.site_addr)
        .build()
}

/// The app's page routes, generated once per process. Generating them renders the app
/// with resource loading suppressed by a process-wide flag (leptos_server's
/// `SuppressResourceLoad`), and a resource first polled while the flag is up waits
/// forever (leptos #4773): building a second router while another serves pages, as the
/// tests do, left a page hanging until the request timeout.
pub fn route_list() -> &'static [AxumRouteListing] {
    static ROUTES: std::sync::OnceLock<Vec<AxumRouteListing>> = std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App))
}

/// The whole HTTP surface: pages, server functions, health checks and static files.
pub fn router(state: AppState) -> Router {
    let assets = assets::Assets::load(&state.config.site_root);
    if assets.is_empty() {
        tracing::warn!(site_root = %state.config.site_root.display(), "no site files: pages render without their islands and stylesheet (run scripts/build.sh)");
    }
    let leptos = leptos_options(&state.config, &format!("pkg/{}", assets.version()));
    let routes = route_list().to_vec();
    let timeout = Duration::from_secs(state.config.request_timeout_secs);
    let rs = RouterState { leptos: leptos.clone(), app: state.clone(), assets };
    let ctx_state = state.clone();
    let pages = Arc::new(page_cache::PageCache::new(&state.universe));
    let router = plain_routes()
        .into_router()
        .leptos_routes_with_context(
            &rs,
            routes,
            move || {
                provide_context(ctx_state.clone());
                provide_context(crate::app::docs::Reference(crate::openapi::reference::groups_cached()));
            },
            {
                let leptos = leptos.clone();
                move || shell(leptos.clone())
            },
        )
        .fallback(fallback::fallback)
        .with_state(rs)
        .layer(axum::middleware::from_fn_with_state(pages, page_cache::serve))
        // Outside the kept pages: under QUARRY_REQUIRE_LOGIN a kept page is served to the
        // signed-in only.
        .layer(axum::middleware::from_fn_with_state(state.clone(), crate::auth::handlers::gate))
        .layer(axum::Extension(crate::auth::handlers::LoginLimiter::new(
            state.config.sessions.login_attempts_per_minute,
        )));
    with_middleware(router, timeout)
}

/// Every route that is not a page or a server function, added through one list: the
/// router serves exactly these, and [`plain_route_list`] reads the same list.
fn plain_routes() -> Listed<RouterState> {
    Listed::new()
        .get("/healthz", crate::probes::healthz)
        .get("/readyz", crate::probes::readyz)
        .get(request_metrics::METRICS_PATH, crate::probes::metrics)
        .get("/pkg/{*file}", pkg_file)
        .get("/api/openapi.json", crate::openapi::openapi_json)
        .merge(crate::commodities::handlers::routes())
        .merge(crate::charts::handlers::routes())
        .merge(crate::venture::handlers::routes())
        .merge(crate::venture::import_handlers::routes())
        .merge(crate::auth::handlers::routes())
}

/// Method and path of every plain axum route the router serves. With the server functions
/// (`leptos::server_fn::axum::server_fn_paths()`, which the router registers) this is
/// every route; the OpenAPI test holds both against the document.
pub fn plain_route_list() -> Vec<(Method, &'static str)> {
    plain_routes().routes().to_vec()
}

/// The layers every response passes through, innermost first: page ETags, compression,
/// the request timeout, panic capture, the security headers, tracing, and the request
/// metrics (outermost, so a request's time includes every other layer's).
pub fn with_middleware(router: Router, timeout: Duration) -> Router {
    router
        .layer(axum::middleware::from_fn(etag::pages))
        .layer(CompressionLayer::new())
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, timeout))
        // A panic anywhere inside becomes a response (which the headers then reach),
        // instead of a dropped connection.
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(axum::middleware::from_fn(security::headers))
        // Every response at DEBUG (a 404 is not an error); failures (5xx) stay at ERROR.
        .layer(TraceLayer::new_for_http().on_response(DefaultOnResponse::new().level(tracing::Level::DEBUG)))
        .layer(axum::middleware::from_fn(request_metrics::record))
}

/// A panic inside a handler: logged with its message, answered as an internal error in the
/// shape every endpoint uses.
fn panic_response(panic: Box<dyn std::any::Any + Send + 'static>) -> axum::response::Response {
    use axum::response::IntoResponse;
    let detail = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    crate::error::AppError::internal("the request failed unexpectedly", format!("handler panicked: {detail}"))
        .into_response()
}

/// A file of the bundle, from memory (see assets.rs).
async fn pkg_file(State(rs): State<RouterState>, req: axum::extract::Request) -> axum::response::Response {
    use axum::response::IntoResponse;
    rs.assets.serve(req.method(), req.uri().path(), req.headers()).unwrap_or_else(|| {
        crate::error::AppError::not_found(format!("no file at {}", req.uri().path())).into_response()
    })
}

/// `quarry serve` with the prepared state: seed demo data if the configuration says demo,
/// start the jobs, serve until SIGTERM or Ctrl-C, then stop the scheduler and close the
/// runs the stop interrupted.
pub async fn serve(state: AppState) -> anyhow::Result<()> {
    let addr = state.config.site_addr;
    crate::startup::refresh_demo(&state, state.config.demo).await?;
    let abandoned = crate::db::lease::close_abandoned_runs(&state.db).await?;
    if abandoned > 0 {
        tracing::warn!(runs = abandoned, "closed job runs left running by a process that stopped");
    }
    let mut scheduler = crate::jobs::scheduler::start(&state).await.context("cannot start the scheduler")?;
    if state.config.backfill_on_start {
        spawn_startup_backfill(&state);
    }
    let fds = listen::raise_fd_limit();
    let limits = listen::Limits {
        header_read: Duration::from_secs(state.config.server.header_timeout_secs),
        idle: Duration::from_secs(state.config.server.idle_timeout_secs),
        max_connections: state.config.server.max_connections,
        ..listen::Limits::default()
    };
    let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("cannot listen on {addr}"))?;
    tracing::info!(%addr, site_root = %state.config.site_root.display(), open_files = ?fds, ?limits, "serving on http://{addr}");
    let db = state.db.clone();
    listen::serve(listener, router(state), limits, shutdown_signal()).await?;
    tracing::info!("shutting down");
    scheduler.shutdown().await.ok();
    let reason =
        "interrupted: the server stopped (SIGTERM or Ctrl-C) before the run finished; the next run does its work";
    match crate::db::lease::interrupt_own_runs(&db, reason).await {
        Ok(0) => {}
        Ok(n) => tracing::warn!(runs = n, "job runs interrupted by the stop"),
        Err(e) => tracing::error!(error = %e, "cannot close the job runs the stop interrupted"),
    }
    Ok(())
}

/// Loads the history of every series that has none, in the background: the server answers
/// at once, with demo data or empty rows until the backfill lands.
fn spawn_startup_backfill(state: &AppState) {
    let state = state.clone();
    tokio::spawn(async move {
        let slot = format!("startup:{}", chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ"));
        let kind = crate::jobs::commodity::JobKind::Backfill { series: None, from: None };
        if let Err(e) = crate::jobs::runner::run_slot_then_dependents(&state, kind, &slot).await {
            tracing::error!(error = %e, "start-up backfill could not be recorded");
        }
    });
}

async fn shutdown_signal() {
    let ctrl_c = async {
        tokio::signal::ctrl_c().await.ok();
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
