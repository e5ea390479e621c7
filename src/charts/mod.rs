//! Server-side charts drawn with plotters: one theme, one time-series renderer, and the
//! accessibility wrapping every chart gets. Pages inline the SVG, so charts need no
//! JavaScript; the chart pack (issue 6) will reuse the same renderers.
pub mod bars;
pub mod svg;
pub mod theme;
pub mod time_series;
pub mod transform;

pub use time_series::{render_svg, Band, Bars, Line, RefLine, TimeChart};

/// Why a chart could not be drawn.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    #[error("nothing to draw: {0}")]
    Empty(&'static str),
    #[error("drawing failed: {0}")]
    Draw(String),
}
