//! What every request handler and job shares.
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::config::Config;
use crate::error::AppError;
use crate::sources::Sources;
use crate::universe::Universe;

#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub config: Arc<Config>,
    pub universe: Arc<Universe>,
    /// Every source adapter, sharing one HTTP client.
    pub sources: Arc<Sources>,
    /// Generated demo rows are present; kept here so the layout need not query for it.
    pub demo: Arc<AtomicBool>,
    /// Answers kept between requests (the commodity overview, histories), one shelf per
    /// state (see `series::kept`).
    pub kept: Arc<crate::series::kept::Shelf>,
}

impl AppState {
    pub fn demo_active(&self) -> bool {
        self.demo.load(Ordering::Relaxed)
    }

    pub fn set_demo_active(&self, on: bool) {
        self.demo.store(on, Ordering::Relaxed);
    }
}

/// A router state that carries the app's: the domains' plain axum routes are built for any
/// such state (the server's holds more than the app's) and take the `AppState` from it.
pub trait WithApp: Clone + Send + Sync + 'static {
    fn app(&self) -> AppState;
}

impl<S: WithApp> axum::extract::FromRef<S> for AppState {
    fn from_ref(s: &S) -> AppState {
        s.app()
    }
}

/// The state inside a server function. Its absence is a wiring bug, reported as such.
pub fn use_app_state() -> Result<AppState, AppError> {
    leptos::prelude::use_context::<AppState>()
        .ok_or_else(|| AppError::internal("application state missing", "AppState was not provided to the request"))
}
