//! FRED, the Federal Reserve Bank of St. Louis's economic database, through its JSON API
//! (`fred/series/observations`, free key, about 120 requests a minute). The same series as
//! the keyless CSV, for deployments that have a key and want the documented interface. Most
//! series are public domain, some belong to their publishers; FRED's terms ask every page
//! that shows its data to say it is not endorsed by the Federal Reserve Bank of St. Louis.
use std::sync::Arc;

use chrono::NaiveDate;
use reqwest::Url;
use serde::Deserialize;
use serde_json::Value;

use super::{json_error, next_page, parse_value, Expect, Http, Point, SourceError};
use crate::universe::Provider;

const FORMAT: &str = "FRED API JSON";

pub struct FredApi {
    http: Arc<Http>,
    base: String,
    key: String,
}

impl FredApi {
    pub fn new(http: Arc<Http>, base: &str, key: String) -> Self {
        FredApi { http, base: base.trim_end_matches('/').to_string(), key }
    }

    /// Fetches one series, from `from` on when given, following the API's pages until it has
    /// every observation it said there were.
    pub async fn fetch(&self, code: &str, from: Option<NaiveDate>) -> Result<Vec<Point>, SourceError> {
        let mut points = Vec::new();
        let mut offset = 0;
        loop {
            let url = url(&self.base, code, &self.key, from, offset)?;
            let body = self.http.get(Provider::FredApi, url.as_str(), Expect::Json, &[]).await?;
            let page = parse(&body)?;
            let next = next_offset(offset, &page)?;
            points.extend(page.points);
            match next {
                Some(next) => offset = next,
                None => return Ok(points),
            }
        }
    }
}

fn url(base: &str, code: &str, key: &str, from: Option<NaiveDate>, offset: u64) -> Result<Url, SourceError> {
    let bad_base = || SourceError::NotConfigured(format!("the FRED API base URL '{base}' is not a usable URL"));
    let mut url = Url::parse(base).map_err(|_| bad_base())?;
    url.path_segments_mut().map_err(|_| bad_base())?.pop_if_empty().extend(["fred", "series", "observations"]);
    {
        let mut query = url.query_pairs_mut();
        query.append_pair("series_id", code).append_pair("api_key", key).append_pair("file_type", "json");
        if let Some(from) = from {
            query.append_pair("observation_start", &from.format("%Y-%m-%d").to_string());
        }
        if offset > 0 {
            query.append_pair("offset", &offset.to_string());
        }
    }
    Ok(url)
}

/// One response of `fred/series/observations`.
#[derive(Debug, PartialEq)]
pub struct Page {
    /// The observations with a value, in response order.
    pub points: Vec<Point>,
    /// Observations the series has in the requested range, over all pages.
    pub count: u64,
    /// Where this page starts among them.
    pub offset: u64,
    /// Observations on this page, missing ones included: what the next offset moves by.
    pub rows: u64,
}

#[derive(Deserialize)]
struct Envelope {
    count: Option<u64>,
    offset: Option<u64>,
    observations: Option<Vec<Value>>,
    error_code: Option<i64>,
    error_message: Option<String>,
}

#[derive(Deserialize)]
struct Observation {
    date: String,
    value: String,
}

/// Reads one page of observations. `"."` marks a missing value and is skipped. An error
/// document (`{"error_code":400,"error_message":...}`) becomes an error carrying its message.
///
/// # Errors
/// Incomplete or invalid JSON (a truncated page never yields the observations before the
/// cut), an error document, no `observations` or `count`, an observation without a date or
/// value, an impossible date, or a value that is neither a number nor `.`; the message names
/// the observation.
pub fn parse(body: &[u8]) -> Result<Page, SourceError> {
    let envelope: Envelope = serde_json::from_slice(body).map_err(|e| json_error(FORMAT, e))?;
    if let Some(message) = envelope.error_message {
        let code = envelope.error_code.map(|c| format!(" (error {c})")).unwrap_or_default();
        return Err(SourceError::parse(FORMAT, format!("FRED refused the request: {message}{code}")));
    }
    let observations =
        envelope.observations.ok_or_else(|| SourceError::parse(FORMAT, "no `observations` in the response"))?;
    let count = envelope.count.ok_or_else(|| SourceError::parse(FORMAT, "no `count` in the response"))?;
    let mut points = Vec::with_capacity(observations.len());
    for (i, raw) in observations.iter().enumerate() {
        let n = i + 1;
        let fail = |detail: String| SourceError::parse(FORMAT, format!("observation {n}: {detail}"));
        let obs = Observation::deserialize(raw).map_err(|e| fail(e.to_string()))?;
        let date = NaiveDate::parse_from_str(&obs.date, "%Y-%m-%d")
            .map_err(|_| fail(format!("date '{}' is not YYYY-MM-DD", obs.date)))?;
        if let Some(value) = parse_value(&obs.value).map_err(|e| fail(format!("{date}: {e}")))? {
            points.push(Point { date, value });
        }
    }
    Ok(Page { points, count, offset: envelope.offset.unwrap_or(0), rows: observations.len() as u64 })
}

/// Where the next page starts, or `None` when `page` was the last one.
///
/// # Errors
/// A page that does not start where it was asked to (an API ignoring `offset` would
/// otherwise hand back the first page again and again), or an empty page while the count
/// says more observations remain.
fn next_offset(asked: u64, page: &Page) -> Result<Option<u64>, SourceError> {
    if page.offset != asked {
        return Err(SourceError::parse(FORMAT, format!("asked for offset {asked}, got a page at {}", page.offset)));
    }
    next_page(FORMAT, asked, page.rows, page.count)
}

#[cfg(test)]
mod tests {
    use super::*;

    const OBSERVATIONS: &[u8] = include_bytes!("../../tests/fixtures/sources/fred_api_observations.json");

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn error_text(body: &[u8]) -> String {
        parse(body).expect_err("should not parse").to_string()
    }

    fn page(count: u64, offset: u64, rows: u64) -> Page {
        Page { points: vec![], count, offset, rows }
    }

    #[test]
    fn observations_are_read_in_response_order() {
        let page = parse(OBSERVATIONS).unwrap();
        assert_eq!(page.points.first(), Some(&Point { date: day("2020-04-16"), value: 19.82 }));
        assert_eq!(page.points.last(), Some(&Point { date: day("2020-05-26"), value: 34.35 }));
        assert_eq!((page.count, page.offset, page.rows), (6, 0, 6));
    }

    #[test]
    fn a_dot_is_a_missing_observation_not_a_point() {
        let page = parse(OBSERVATIONS).unwrap();
        assert_eq!(page.points.len(), 5, "six observations, one of them `.`");
        assert!(page.points.iter().all(|p| p.date != day("2020-05-25")));
    }

    #[test]
    fn the_negative_wti_price_of_april_2020_is_kept() {
        let page = parse(OBSERVATIONS).unwrap();
        assert_eq!(page.points[2], Point { date: day("2020-04-20"), value: -36.98 });
    }

    #[test]
    fn an_empty_series_is_no_points() {
        let page = parse(br#"{"count":0,"offset":0,"limit":100000,"observations":[]}"#).unwrap();
        assert_eq!(page.points, vec![]);
        assert_eq!(next_offset(0, &page), Ok(None));
    }

    #[test]
    fn truncated_json_is_an_error() {
        let cut = OBSERVATIONS.windows(6).position(|w| w == b"-36.98").unwrap() + 3;
        let text = error_text(&OBSERVATIONS[..cut]);
        assert!(text.contains("truncated"), "{text}");
    }

    #[test]
    fn a_garbage_value_is_an_error_naming_the_observation() {
        let body = String::from_utf8(OBSERVATIONS.to_vec()).unwrap().replace("\"8.91\"", "\"8,91\"");
        let text = error_text(body.as_bytes());
        assert!(text.contains("observation 4") && text.contains("2020-04-21") && text.contains("8,91"), "{text}");
    }

    #[test]
    fn an_observation_without_a_value_is_an_error() {
        let text = error_text(br#"{"count":1,"offset":0,"observations":[{"date":"2024-01-02"}]}"#);
        assert!(text.contains("observation 1") && text.contains("`value`"), "{text}");
        let text = error_text(br#"{"count":1,"offset":0,"observations":[{"date":"2024-01-32","value":"1"}]}"#);
        assert!(text.contains("observation 1") && text.contains("2024-01-32"), "{text}");
    }

    #[test]
    fn an_error_document_becomes_an_error_with_its_message() {
        let body = br#"{"error_code":400,"error_message":"Bad Request.  The series does not exist."}"#;
        let text = error_text(body);
        assert!(text.contains("The series does not exist.") && text.contains("400"), "{text}");
    }

    #[test]
    fn a_response_without_observations_is_an_error() {
        assert!(error_text(br#"{"count":3,"offset":0}"#).contains("observations"));
        assert!(error_text(br#"{"observations":[]}"#).contains("count"));
    }

    #[test]
    fn pages_are_followed_until_the_count_is_reached() {
        assert_eq!(next_offset(0, &page(250_000, 0, 100_000)), Ok(Some(100_000)));
        assert_eq!(next_offset(200_000, &page(250_000, 200_000, 50_000)), Ok(None));
        assert_eq!(next_offset(0, &page(6, 0, 6)), Ok(None));
    }

    #[test]
    fn a_page_that_ignores_the_offset_or_comes_back_empty_is_an_error() {
        assert!(next_offset(100_000, &page(250_000, 0, 100_000)).is_err());
        assert!(next_offset(100_000, &page(250_000, 100_000, 0)).is_err());
    }

    #[test]
    fn the_url_carries_the_key_the_start_and_the_offset() {
        let u = url("https://api.stlouisfed.org", "DGS10", "k3y", Some(day("2020-01-01")), 100_000).unwrap();
        assert_eq!(
            u.as_str(),
            "https://api.stlouisfed.org/fred/series/observations?series_id=DGS10&api_key=k3y&file_type=json\
             &observation_start=2020-01-01&offset=100000"
        );
        let u = url("http://127.0.0.1:9", "DGS10", "k3y", None, 0).unwrap();
        assert_eq!(
            u.as_str(),
            "http://127.0.0.1:9/fred/series/observations?series_id=DGS10&api_key=k3y&file_type=json"
        );
    }
}
