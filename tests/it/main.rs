//! Integration tests: one crate so the tree links once. Every test opens its own database,
//! a fresh SQLite file or a fresh PostgreSQL database, and migrates it.
#![cfg(feature = "ssr")]

mod api;
mod architecture;
mod assets;
mod auth;
mod changes;
mod charts;
mod cli;
mod compare;
mod database;
mod fuzz_regressions;
mod history;
mod ingest;
mod macro_series;
mod metrics;
mod offline;
mod openapi;
mod replicas;
mod security;
mod signals;
mod sources;
mod support;
mod upstream;
mod venture_api;
mod venture_demo;
mod venture_import;
mod venture_sync;
mod venture_upload;
