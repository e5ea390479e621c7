//! External data providers, one file each. An adapter holds the shared HTTP client and its
//! base URL from configuration, fetches, and hands the bytes to a pure `parse` function that
//! turns them into typed rows. Adapters know nothing of the database, the pages or the jobs.
pub mod edgar;
pub mod edgar_index;
pub mod edgar_prospectus;
pub mod edgar_submissions;
pub mod eia;
pub mod form_d;
pub mod fred;
pub mod fred_api;
pub mod http;
pub mod lbma;
pub mod usgs;
pub mod worldbank;
pub mod xlsx_guard;
pub mod yahoo;

use std::sync::Arc;

use chrono::NaiveDate;

use crate::config::SourcesConfig;
use crate::universe::{Provider, SourceRef};
pub use http::{Expect, Http, HttpPolicy};

/// One observation as an upstream gave it. Missing values never become points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub date: NaiveDate,
    pub value: f64,
}

/// Why a fetch failed. The text is what the jobs page and the stale marker show, so it
/// names the upstream and says what was wrong in words an operator can act on.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SourceError {
    #[error("{0}")]
    NotConfigured(String),
    #[error("HTTP {status} from {url}")]
    Status { status: u16, url: String, retry_after: Option<std::time::Duration> },
    #[error("timed out after {secs} s: {url}")]
    Timeout { secs: u64, url: String },
    #[error("cannot connect: {detail}")]
    Connect { detail: String },
    #[error("transfer failed: {detail}")]
    Transport { detail: String },
    #[error("an HTML page arrived where {expected} was expected ({url})")]
    Html { expected: &'static str, url: String },
    #[error("response larger than the {limit}-byte cap ({url})")]
    TooLarge { limit: usize, url: String },
    #[error("unreadable {format}: {detail}")]
    Parse { format: &'static str, detail: String },
}

impl SourceError {
    pub fn parse(format: &'static str, detail: impl Into<String>) -> Self {
        SourceError::Parse { format, detail: detail.into() }
    }

    /// Worth another attempt: the upstream may answer differently in a moment.
    pub fn is_transient(&self) -> bool {
        match self {
            SourceError::Status { status, .. } => *status == 429 || *status >= 500,
            SourceError::Timeout { .. } | SourceError::Connect { .. } | SourceError::Transport { .. } => true,
            _ => false,
        }
    }
}

/// A cell or field that stands for "no value" in one of the upstream formats: FRED's `.`,
/// the World Bank's `..`, JSON `null` rendered as text, USGS's `W` (withheld) and `NA`,
/// or nothing at all.
pub fn is_missing_marker(raw: &str) -> bool {
    matches!(raw.trim(), "" | "." | ".." | "null" | "NA" | "N/A" | "na" | "W" | "--" | "-" | "XX" | "NaN")
}

/// Parses a numeric field: `Ok(None)` for a missing marker, an error for anything else
/// that is not a finite number (a truncated or garbled field must not pass as data).
pub fn parse_value(raw: &str) -> Result<Option<f64>, String> {
    if is_missing_marker(raw) {
        return Ok(None);
    }
    let t = raw.trim();
    match t.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(Some(v)),
        _ => Err(format!("'{t}' is not a number")),
    }
}

/// A number in a JSON document: a number, `null` for none, or a number written as text
/// (upstreams switch between the two; EIA does it within one answer).
pub fn json_number(v: &serde_json::Value) -> Result<Option<f64>, String> {
    match v {
        serde_json::Value::Null => Ok(None),
        serde_json::Value::Number(n) => {
            n.as_f64().filter(|x| x.is_finite()).map(Some).ok_or_else(|| format!("{n} is not a number"))
        }
        serde_json::Value::String(s) => parse_value(s),
        other => Err(format!("{other} is not a number")),
    }
}

/// A JSON document that does not parse; one that stops early says it was probably cut off.
pub fn json_error(format: &'static str, e: serde_json::Error) -> SourceError {
    if e.is_eof() {
        SourceError::parse(format, format!("the document ends early, probably truncated ({e})"))
    } else {
        SourceError::parse(format, e.to_string())
    }
}

/// Where the next page of a paged answer starts, or `None` once `total` rows are read.
/// An empty page short of the total is an error: asking again would loop forever.
pub fn next_page(format: &'static str, asked: u64, rows: u64, total: u64) -> Result<Option<u64>, SourceError> {
    let next = asked + rows;
    if next >= total {
        return Ok(None);
    }
    if rows == 0 {
        return Err(SourceError::parse(
            format,
            format!("the total says {total} rows but the page at offset {asked} is empty"),
        ));
    }
    Ok(Some(next))
}

/// Every adapter, built once from configuration. Optional providers (those that need a key,
/// and Yahoo, which is off by default) say why they are unavailable instead of failing late.
pub struct Sources {
    pub http: Arc<Http>,
    pub lbma: lbma::Lbma,
    pub fred: fred::Fred,
    pub fred_api: Option<fred_api::FredApi>,
    pub eia: Option<eia::Eia>,
    pub worldbank: worldbank::WorldBank,
    pub usgs: usgs::Usgs,
    pub yahoo: Option<yahoo::Yahoo>,
    /// Filings for the venture jobs; every call refuses to run until
    /// `sources.edgar_user_agent` names the operator.
    pub edgar: edgar::Edgar,
}

impl Sources {
    pub fn new(config: &SourcesConfig, policy: HttpPolicy) -> Result<Self, SourceError> {
        let http = Arc::new(Http::new(policy)?);
        let key = |s: &crate::config::Secret| s.expose().map(str::to_string);
        Ok(Sources {
            lbma: lbma::Lbma::new(http.clone(), &config.lbma_base_url),
            fred: fred::Fred::new(http.clone(), &config.fred_base_url),
            fred_api: key(&config.fred_api_key)
                .map(|k| fred_api::FredApi::new(http.clone(), &config.fred_api_base_url, k)),
            eia: key(&config.eia_api_key).map(|k| eia::Eia::new(http.clone(), &config.eia_base_url, k)),
            worldbank: worldbank::WorldBank::new(http.clone(), &config.worldbank_landing_url),
            usgs: usgs::Usgs::new(http.clone(), &config.usgs_base_url),
            yahoo: config.yahoo_enabled.then(|| yahoo::Yahoo::new(http.clone(), &config.yahoo_base_url)),
            edgar: edgar::Edgar::new(http.clone(), config),
            http,
        })
    }

    /// `None` when the provider can be called; otherwise why it cannot.
    pub fn unavailable(&self, provider: Provider) -> Option<&'static str> {
        match provider {
            Provider::FredApi if self.fred_api.is_none() => {
                Some("FRED API key not configured (QUARRY_SOURCES__FRED_API_KEY)")
            }
            Provider::Eia if self.eia.is_none() => Some("EIA API key not configured (QUARRY_SOURCES__EIA_API_KEY)"),
            Provider::Yahoo if self.yahoo.is_none() => Some("Yahoo fallback disabled (QUARRY_SOURCES__YAHOO_ENABLED)"),
            _ => None,
        }
    }

    /// Fetches one source's observations, from `from` on when the upstream can filter by
    /// date (the others return their whole history, which the caller trims).
    pub async fn fetch(&self, source: &SourceRef, from: Option<NaiveDate>) -> Result<Vec<Point>, SourceError> {
        if let Some(why) = self.unavailable(source.provider) {
            return Err(SourceError::NotConfigured(why.to_string()));
        }
        let code = source.code.as_str();
        match source.provider {
            Provider::Lbma => self.lbma.fetch(code).await,
            Provider::Fred => self.fred.fetch(code, from).await,
            Provider::FredApi => self.fred_api.as_ref().expect("checked above").fetch(code, from).await,
            Provider::Eia => self.eia.as_ref().expect("checked above").fetch(code, from).await,
            Provider::Worldbank => self.worldbank.fetch(code).await,
            Provider::Usgs => self.usgs.fetch(code).await,
            Provider::Yahoo => self.yahoo.as_ref().expect("checked above").fetch(code, from).await,
            Provider::Edgar => Err(SourceError::NotConfigured("SEC EDGAR serves filings, not price series".into())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_markers_of_every_upstream_are_not_values() {
        for m in ["", " ", ".", "..", "null", "NA", "W", "--"] {
            assert_eq!(parse_value(m), Ok(None), "{m:?}");
        }
    }

    #[test]
    fn negative_numbers_are_values_and_garbage_is_an_error() {
        assert_eq!(parse_value("-36.98"), Ok(Some(-36.98)));
        assert_eq!(parse_value(" 1850.5 "), Ok(Some(1850.5)));
        assert!(parse_value("12.3.4").is_err());
        assert!(parse_value("inf").is_err());
        assert!(parse_value("<html>").is_err());
    }

    #[test]
    fn only_rate_limits_server_errors_and_network_failures_are_retried() {
        let status = |s| SourceError::Status { status: s, url: "u".into(), retry_after: None };
        assert!(status(429).is_transient());
        assert!(status(503).is_transient());
        assert!(!status(404).is_transient());
        assert!(!SourceError::Html { expected: "CSV", url: "u".into() }.is_transient());
        assert!(!SourceError::parse("CSV", "x").is_transient());
    }
}
