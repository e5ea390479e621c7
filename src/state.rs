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

/// The state inside a server function. Its absence is a wiring bug, reported as such.
pub fn use_app_state() -> Result<AppState, AppError> {
    leptos::prelude::use_context::<AppState>()
        .ok_or_else(|| AppError::internal("application state missing", "AppState was not provided to the request"))
}
