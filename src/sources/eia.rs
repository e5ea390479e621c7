//! The U.S. Energy Information Administration's API v2 (free key): daily spot prices for
//! crude oil (WTI `RWTC`, Brent `RBRTE`) and products under `petroleum/pri/spt`, and the
//! Henry Hub natural-gas spot (`RNGWHHD`) under `natural-gas/pri/fut`. EIA data is a work of
//! the U.S. government and in the public domain; EIA asks to be cited as the source.
use std::sync::Arc;

use chrono::NaiveDate;
use reqwest::Url;
use serde::Deserialize;
use serde_json::Value;

use super::{json_error, json_number, next_page, Expect, Http, Point, SourceError};
use crate::universe::Provider;

const FORMAT: &str = "EIA JSON";

/// The most rows the API returns in one JSON response.
const PAGE_LENGTH: u64 = 5000;

pub struct Eia {
    http: Arc<Http>,
    base: String,
    key: String,
}

impl Eia {
    pub fn new(http: Arc<Http>, base: &str, key: String) -> Self {
        Eia { http, base: base.trim_end_matches('/').to_string(), key }
    }

    /// Fetches one daily series (`RWTC`, `RBRTE`, `RNGWHHD`, ...), from `from` on when given,
    /// oldest first, following the pages until it has the total the API announced.
    pub async fn fetch(&self, code: &str, from: Option<NaiveDate>) -> Result<Vec<Point>, SourceError> {
        let mut points = Vec::new();
        let mut offset = 0;
        loop {
            let url = url(&self.base, &self.key, code, from, offset)?;
            let body = self.http.get(Provider::Eia, url.as_str(), Expect::Json, &[]).await?;
            let page = parse(&body, code)?;
            let next = next_offset(offset, &page)?;
            points.extend(page.points);
            match next {
                Some(next) => offset = next,
                None => return Ok(points),
            }
        }
    }
}

/// The dataset a series lives in: Henry Hub and the other gas series (`RNG...`) sit with the
/// gas futures, everything else with the petroleum spot prices.
fn route(code: &str) -> [&'static str; 3] {
    if code.starts_with("RNG") {
        ["natural-gas", "pri", "fut"]
    } else {
        ["petroleum", "pri", "spt"]
    }
}

fn url(base: &str, key: &str, code: &str, from: Option<NaiveDate>, offset: u64) -> Result<Url, SourceError> {
    let bad_base = || SourceError::NotConfigured(format!("the EIA base URL '{base}' is not a usable URL"));
    let mut url = Url::parse(base).map_err(|_| bad_base())?;
    {
        let mut path = url.path_segments_mut().map_err(|_| bad_base())?;
        // The trailing empty segment keeps the slash after `data`, as the API documents it.
        path.pop_if_empty().push("v2").extend(route(code)).extend(["data", ""]);
    }
    {
        let mut query = url.query_pairs_mut();
        query
            .append_pair("api_key", key)
            .append_pair("frequency", "daily")
            .append_pair("data[0]", "value")
            .append_pair("facets[series][]", code)
            .append_pair("sort[0][column]", "period")
            .append_pair("sort[0][direction]", "asc")
            .append_pair("offset", &offset.to_string())
            .append_pair("length", &PAGE_LENGTH.to_string());
        if let Some(from) = from {
            query.append_pair("start", &from.format("%Y-%m-%d").to_string());
        }
    }
    Ok(url)
}

/// One response of a v2 `data` route.
#[derive(Debug, PartialEq)]
pub struct Page {
    /// The rows with a value, in response order.
    pub points: Vec<Point>,
    /// Rows matching the request over all pages.
    pub total: u64,
    /// Rows on this page, those without a value included: what the next offset moves by.
    pub rows: u64,
}

#[derive(Deserialize)]
struct Envelope {
    response: Option<Response>,
    error: Option<Value>,
}

#[derive(Deserialize)]
struct Response {
    /// A string in most responses, a number in some.
    total: Option<Value>,
    data: Option<Vec<Value>>,
}

#[derive(Deserialize)]
struct Row {
    period: String,
    // Absent in some datasets' rows; when present it must be the series asked for.
    series: Option<String>,
    value: Value,
}

/// Reads one page of daily rows for series `code`. A row whose value is null or a missing
/// marker is skipped.
///
/// # Errors
/// Incomplete or invalid JSON (a truncated page never yields the rows before the cut), an
/// error document (`{"error": ...}`), no `response`, `total` or `data`, a row without a
/// period or value, a row of another series (the series filter was not applied, and
/// mixing WTI with Brent would go unnoticed), an impossible date, or a value that is neither
/// a number nor missing; the message names the row.
pub fn parse(body: &[u8], code: &str) -> Result<Page, SourceError> {
    let envelope: Envelope = serde_json::from_slice(body).map_err(|e| json_error(FORMAT, e))?;
    if let Some(error) = envelope.error {
        let message = match &error {
            Value::String(s) => s.clone(),
            // The key gateway answers `{"error":{"code":"API_KEY_INVALID","message":...}}`.
            Value::Object(o) => {
                o.get("message").and_then(Value::as_str).map_or_else(|| error.to_string(), str::to_string)
            }
            other => other.to_string(),
        };
        return Err(SourceError::parse(FORMAT, format!("EIA refused the request: {message}")));
    }
    let response = envelope.response.ok_or_else(|| SourceError::parse(FORMAT, "no `response` in the document"))?;
    let total = response.total.ok_or_else(|| SourceError::parse(FORMAT, "no `total` in the response"))?;
    let total = match &total {
        Value::String(s) => s.trim().parse::<u64>().ok(),
        Value::Number(n) => n.as_u64(),
        _ => None,
    }
    .ok_or_else(|| SourceError::parse(FORMAT, format!("`total` {total} is not a row count")))?;
    let data = response.data.ok_or_else(|| SourceError::parse(FORMAT, "no `data` in the response"))?;
    let mut points = Vec::with_capacity(data.len());
    for (i, raw) in data.iter().enumerate() {
        let n = i + 1;
        let fail = |detail: String| SourceError::parse(FORMAT, format!("row {n}: {detail}"));
        let row = Row::deserialize(raw).map_err(|e| fail(e.to_string()))?;
        if let Some(other) = row.series.as_deref().filter(|s| *s != code) {
            return Err(fail(format!("series {other} where {code} was asked for")));
        }
        let date = NaiveDate::parse_from_str(&row.period, "%Y-%m-%d")
            .map_err(|_| fail(format!("period '{}' is not YYYY-MM-DD", row.period)))?;
        if let Some(value) = json_number(&row.value).map_err(|e| fail(format!("{date}: {e}")))? {
            points.push(Point { date, value });
        }
    }
    Ok(Page { points, total, rows: data.len() as u64 })
}

/// Where the next page starts, or `None` when the total is reached.
///
/// # Errors
/// An empty page while the total says more rows remain: asking again would loop forever.
fn next_offset(asked: u64, page: &Page) -> Result<Option<u64>, SourceError> {
    next_page(FORMAT, asked, page.rows, page.total)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE1: &[u8] = include_bytes!("../../tests/fixtures/sources/eia_rwtc_page1.json");
    const PAGE2: &[u8] = include_bytes!("../../tests/fixtures/sources/eia_rwtc_page2.json");

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn error_text(body: &[u8]) -> String {
        parse(body, "RWTC").expect_err("should not parse").to_string()
    }

    #[test]
    fn string_values_and_a_string_total_are_read() {
        let page = parse(PAGE1, "RWTC").unwrap();
        assert_eq!(
            page.points,
            vec![Point { date: day("2020-04-17"), value: 18.31 }, Point { date: day("2020-04-20"), value: -36.98 }]
        );
        assert_eq!((page.total, page.rows), (4, 3));
    }

    #[test]
    fn numeric_values_and_a_numeric_total_are_read() {
        let page = parse(PAGE2, "RWTC").unwrap();
        assert_eq!(page.points, vec![Point { date: day("2020-04-22"), value: 13.64 }]);
        assert_eq!((page.total, page.rows), (4, 1));
    }

    #[test]
    fn a_null_value_is_skipped_but_still_moves_the_offset() {
        let page = parse(PAGE1, "RWTC").unwrap();
        assert!(page.points.iter().all(|p| p.date != day("2020-04-21")));
        assert_eq!(next_offset(0, &page), Ok(Some(3)));
        assert_eq!(next_offset(3, &parse(PAGE2, "RWTC").unwrap()), Ok(None));
    }

    #[test]
    fn an_empty_series_is_no_points() {
        let page = parse(br#"{"response":{"total":0,"data":[]}}"#, "RWTC").unwrap();
        assert_eq!(page.points, vec![]);
        assert_eq!(next_offset(0, &page), Ok(None));
    }

    #[test]
    fn an_empty_page_before_the_total_is_an_error() {
        let page = Page { points: vec![], total: 10_000, rows: 0 };
        assert!(next_offset(5000, &page).is_err());
    }

    #[test]
    fn truncated_json_is_an_error() {
        let cut = PAGE1.windows(6).position(|w| w == b"-36.98").unwrap() + 3;
        let text = error_text(&PAGE1[..cut]);
        assert!(text.contains("truncated"), "{text}");
        assert!(parse(&PAGE2[..PAGE2.len() / 2], "RWTC").is_err());
    }

    #[test]
    fn a_garbage_value_is_an_error_naming_the_row() {
        let body = String::from_utf8(PAGE1.to_vec()).unwrap().replace(r#""value":"-36.98""#, r#""value":"n/a?""#);
        let text = error_text(body.as_bytes());
        assert!(text.contains("row 2") && text.contains("2020-04-20") && text.contains("n/a?"), "{text}");
    }

    #[test]
    fn a_row_without_a_period_is_an_error_naming_the_row() {
        let body = String::from_utf8(PAGE2.to_vec()).unwrap().replace("\"period\":", "\"when\":");
        let text = error_text(body.as_bytes());
        assert!(text.contains("row 1") && text.contains("`period`"), "{text}");
    }

    #[test]
    fn a_row_of_another_series_is_an_error() {
        let text = parse(PAGE1, "RBRTE").expect_err("the facet filter was ignored").to_string();
        assert!(text.contains("row 1") && text.contains("RWTC"), "{text}");
    }

    #[test]
    fn an_error_document_becomes_an_error_with_its_message() {
        let text = error_text(br#"{"error":"Invalid facet 'seriez'.","code":400}"#);
        assert!(text.contains("Invalid facet 'seriez'."), "{text}");
        let text = error_text(br#"{"error":{"code":"API_KEY_INVALID","message":"An invalid api_key was supplied."}}"#);
        assert!(text.contains("An invalid api_key was supplied."), "{text}");
    }

    #[test]
    fn a_document_without_a_response_or_total_is_an_error() {
        assert!(error_text(br#"{"request":{}}"#).contains("response"));
        assert!(error_text(br#"{"response":{"data":[]}}"#).contains("total"));
        assert!(error_text(br#"{"response":{"total":"many","data":[]}}"#).contains("total"));
        assert!(error_text(br#"{"response":{"total":"1"}}"#).contains("data"));
    }

    #[test]
    fn gas_series_use_the_gas_route_and_the_rest_the_petroleum_route() {
        let u = url("https://api.eia.gov", "K", "RNGWHHD", None, 0).unwrap();
        assert_eq!(u.path(), "/v2/natural-gas/pri/fut/data/");
        let u = url("https://api.eia.gov", "K", "RBRTE", None, 0).unwrap();
        assert_eq!(u.path(), "/v2/petroleum/pri/spt/data/");
    }

    #[test]
    fn the_url_asks_for_one_series_oldest_first_from_the_offset() {
        let u = url("http://127.0.0.1:9/", "K", "RWTC", Some(day("2020-04-17")), 5000).unwrap();
        let pairs: Vec<(String, String)> = u.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
        let expected = [
            ("api_key", "K"),
            ("frequency", "daily"),
            ("data[0]", "value"),
            ("facets[series][]", "RWTC"),
            ("sort[0][column]", "period"),
            ("sort[0][direction]", "asc"),
            ("offset", "5000"),
            ("length", "5000"),
            ("start", "2020-04-17"),
        ];
        assert_eq!(pairs, expected.map(|(k, v)| (k.to_string(), v.to_string())).to_vec());
        assert!(u.as_str().starts_with("http://127.0.0.1:9/v2/petroleum/pri/spt/data/?api_key=K&"), "{u}");
    }
}
