//! Macro series: the FRED series the chart pack draws on (the Fed's balance sheet, the
//! Treasury's account, reverse repo, the S&P 500, rates, CPI, the dollar, spreads, VIX and
//! a commodity index). They are rows of `series` of kind `macro`, refreshed by the
//! `macro_series` job through the same ingestion as the commodities, and kept out of every
//! commodity page, table and job.
pub mod api;
pub mod model;

#[cfg(feature = "ssr")]
pub mod service;
