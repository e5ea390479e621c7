//! The chart renderers: plain data in, pictures out. One theme, a time-series chart, bars,
//! heatmaps, small multiples and the download frame, drawn with plotters to SVG (pages
//! inline it, so charts need no JavaScript), PNG (downloads) and PDF (the pack). Nothing
//! here reads the database or knows a domain: commodities, venture and charts hand it
//! numbers and labels.
pub mod axes;
pub mod bars;
pub mod framed;
pub mod heatmap;
pub mod multiples;
pub mod pdf;
pub mod png;
pub mod svg;
pub mod svg_layout;
pub mod theme;
pub mod time_series;
pub mod transform;

pub use pdf::svgs_to_pdf;
pub use png::render_png;
pub use time_series::{render_svg, Band, Bars, Line, RefLine, TimeChart};

/// Why a chart could not be drawn.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    #[error("nothing to draw: {0}")]
    Empty(&'static str),
    #[error("drawing failed: {0}")]
    Draw(String),
}
