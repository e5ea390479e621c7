//! Commodities: prices of the instruments in the universe, their changes and pages.
pub mod api;
pub mod changes;
pub mod compare_math;
pub mod downsample;
pub mod model;
pub mod pages;
pub mod range;
pub mod signals;
pub mod sparkline;

#[cfg(feature = "ssr")]
pub mod compare_service;
#[cfg(feature = "ssr")]
pub mod handlers;
#[cfg(feature = "ssr")]
pub mod instrument;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod signal_store;
