//! Quarry: commodity prices with signals, the venture landscape and a macro chart pack,
//! served as server-rendered, hydrated Leptos pages and a JSON API.
//!
//! Server-only modules are gated once, here, where they are declared.
#![recursion_limit = "256"]

pub mod app;
pub mod auth;
pub mod charts;
pub mod commodities;
pub mod components;
pub mod error;
pub mod format;
pub mod jobs;
pub mod macro_series;
pub mod params;
pub mod universe;
pub mod venture;

#[cfg(feature = "ssr")]
pub mod cli;
#[cfg(feature = "ssr")]
pub mod config;
#[cfg(feature = "ssr")]
pub mod csv_export;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod demo;
#[cfg(feature = "ssr")]
pub mod ingest;
#[cfg(feature = "ssr")]
pub mod metrics;
#[cfg(feature = "ssr")]
pub mod openapi;
#[cfg(feature = "ssr")]
pub mod plot;
#[cfg(feature = "ssr")]
pub mod probes;
#[cfg(feature = "ssr")]
pub mod routing;
#[cfg(feature = "ssr")]
pub mod series;
#[cfg(feature = "ssr")]
pub mod server;
#[cfg(feature = "ssr")]
pub mod sources;
#[cfg(feature = "ssr")]
pub mod startup;
#[cfg(feature = "ssr")]
pub mod state;

/// The browser entry point: hydrate the islands in the server-rendered HTML (the rest of
/// each page is plain HTML and stays as the server sent it).
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
