//! Venture capital: companies, rounds, investors, acquisitions, valuations, funds and the
//! IPO pipeline, from SEC EDGAR and imports.
pub mod api;
pub mod model;
pub mod pages;
pub mod query;
pub mod returns;
pub mod sector;

#[cfg(feature = "ssr")]
pub mod chart;
#[cfg(feature = "ssr")]
pub mod classify;
#[cfg(feature = "ssr")]
pub mod handlers;
#[cfg(feature = "ssr")]
pub mod import;
#[cfg(feature = "ssr")]
pub mod import_handlers;
#[cfg(feature = "ssr")]
pub mod import_run;
#[cfg(feature = "ssr")]
pub mod import_write;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod tracker;
#[cfg(feature = "ssr")]
pub mod upsert;
