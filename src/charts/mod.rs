//! Charts: plotters renderers drawn on the server (one theme, a time-series chart, bars, a
//! page layout for the chart pack) with SVG for pages, PNG for download and PDF for the
//! pack; and the Charts section's wire types, server functions and pages. Pages inline the
//! SVG, so charts need no JavaScript.
pub mod api;
pub mod model;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod axes;
#[cfg(feature = "ssr")]
pub mod bars;
#[cfg(feature = "ssr")]
pub mod framed;
#[cfg(feature = "ssr")]
pub mod heatmap;
#[cfg(feature = "ssr")]
pub mod multiples;
#[cfg(feature = "ssr")]
pub mod pack;
#[cfg(feature = "ssr")]
pub mod pack_service;
#[cfg(feature = "ssr")]
pub mod pdf;
#[cfg(feature = "ssr")]
pub mod png;
#[cfg(feature = "ssr")]
pub mod rest;
#[cfg(feature = "ssr")]
pub mod svg;
#[cfg(feature = "ssr")]
pub mod svg_layout;
#[cfg(feature = "ssr")]
pub mod theme;
#[cfg(feature = "ssr")]
pub mod time_series;
#[cfg(feature = "ssr")]
pub mod transform;
#[cfg(feature = "ssr")]
pub mod view;

#[cfg(feature = "ssr")]
pub use pdf::svgs_to_pdf;
#[cfg(feature = "ssr")]
pub use png::render_png;
#[cfg(feature = "ssr")]
pub use time_series::{render_svg, Band, Bars, Line, RefLine, TimeChart};

/// Why a chart could not be drawn.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    #[error("nothing to draw: {0}")]
    Empty(&'static str),
    #[error("drawing failed: {0}")]
    Draw(String),
}
