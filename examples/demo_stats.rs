//! Prints how the demo markets behave: the correlations of daily log returns the demo's
//! tests assert, Brent's distance from WTI, every instrument's range against its band, and
//! VIX's range and mean, over the history up to today. Not part of the product.
//!
//!     cargo run --features ssr --example demo_stats [-- 2026-11-27]
fn main() {
    let end = std::env::args()
        .nth(1)
        .map(|s| s.parse().expect("a date, YYYY-MM-DD"))
        .unwrap_or_else(|| chrono::Utc::now().date_naive());
    print!("{}", quarry::demo::stats::report(end));
}
