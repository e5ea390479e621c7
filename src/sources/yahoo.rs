//! Yahoo Finance's chart endpoint (`v8/finance/chart`), for front-month futures closes
//! (`GC=F`, `CL=F`, ...). Unofficial and undocumented, with no licence beyond Yahoo's terms
//! for personal use, and often rate-limited: a fallback that is off unless enabled, never
//! the primary source of a series.
use std::sync::Arc;

use chrono::{DateTime, Days, Months, NaiveDate, Utc};
use reqwest::Url;
use serde::Deserialize;
use serde_json::Value;

use super::{json_error, json_number, Expect, Http, Point, SourceError};
use crate::universe::Provider;

const FORMAT: &str = "Yahoo chart JSON";

pub struct Yahoo {
    http: Arc<Http>,
    base: String,
}

impl Yahoo {
    pub fn new(http: Arc<Http>, base: &str) -> Self {
        Yahoo { http, base: base.trim_end_matches('/').to_string() }
    }

    /// Fetches the daily closes of one symbol, over the shortest range Yahoo offers that
    /// reaches back to `from` (everything when `from` is `None`); the caller trims the
    /// days before `from`.
    pub async fn fetch(&self, code: &str, from: Option<NaiveDate>) -> Result<Vec<Point>, SourceError> {
        let url = url(&self.base, code, range_for(from, Utc::now().date_naive()))?;
        let body = self.http.get(Provider::Yahoo, url.as_str(), Expect::Json, &[]).await?;
        parse(&body)
    }
}

fn url(base: &str, code: &str, range: &str) -> Result<Url, SourceError> {
    let bad_base = || SourceError::NotConfigured(format!("the Yahoo base URL '{base}' is not a usable URL"));
    let mut url = Url::parse(base).map_err(|_| bad_base())?;
    // Pushed as one segment, so a symbol with `/` or `?` is escaped instead of reshaping the URL.
    url.path_segments_mut().map_err(|_| bad_base())?.pop_if_empty().extend(["v8", "finance", "chart", code]);
    url.query_pairs_mut().append_pair("range", range).append_pair("interval", "1d");
    Ok(url)
}

/// The shortest of Yahoo's fixed ranges that reaches back to `from` from `today`.
fn range_for(from: Option<NaiveDate>, today: NaiveDate) -> &'static str {
    const RANGES: [(&str, u32); 7] =
        [("1mo", 1), ("3mo", 3), ("6mo", 6), ("1y", 12), ("2y", 24), ("5y", 60), ("10y", 120)];
    let Some(from) = from else { return "max" };
    for (range, months) in RANGES {
        // Yahoo counts the range back from the exchange's clock, which may be a day behind
        // UTC; a few days' margin keeps `from` itself inside the range.
        let start = today.checked_sub_months(Months::new(months)).and_then(|d| d.checked_add_days(Days::new(3)));
        if start.is_some_and(|start| from >= start) {
            return range;
        }
    }
    "max"
}

#[derive(Deserialize)]
struct Envelope {
    chart: Chart,
}

#[derive(Deserialize)]
struct Chart {
    result: Option<Vec<ChartResult>>,
    error: Option<ChartError>,
}

#[derive(Deserialize)]
struct ChartError {
    code: Option<String>,
    description: Option<String>,
}

#[derive(Deserialize)]
struct ChartResult {
    #[serde(default)]
    meta: Meta,
    /// Absent, like the quote arrays, when the range holds no bars.
    #[serde(default)]
    timestamp: Vec<i64>,
    indicators: Indicators,
}

#[derive(Deserialize, Default)]
struct Meta {
    /// The exchange's offset from UTC in seconds, as it is now (not at each bar).
    #[serde(default)]
    gmtoffset: i64,
}

#[derive(Deserialize)]
struct Indicators {
    quote: Vec<Quote>,
}

#[derive(Deserialize)]
struct Quote {
    #[serde(default)]
    close: Vec<Value>,
}

/// Reads a chart response into daily closes, in response order. A bar whose close is null
/// is skipped. Each bar's date is its timestamp in the exchange's local time.
///
/// # Errors
/// Incomplete or invalid JSON (a truncated response never yields the bars before the cut),
/// Yahoo's own error (`"result":null` with an `error`, e.g. an unknown symbol; the message
/// carries its description), a result without `indicators.quote`, timestamps and closes of
/// different lengths, a timestamp out of range, or a close that is neither a number nor null;
/// the message names the bar.
pub fn parse(body: &[u8]) -> Result<Vec<Point>, SourceError> {
    let envelope: Envelope = serde_json::from_slice(body).map_err(|e| json_error(FORMAT, e))?;
    let chart = envelope.chart;
    let result = match (chart.result, chart.error) {
        (_, Some(error)) => {
            let code = error.code.unwrap_or_else(|| "error".into());
            let description = error.description.unwrap_or_else(|| "no description".into());
            return Err(SourceError::parse(FORMAT, format!("Yahoo answered {code}: {description}")));
        }
        (Some(results), None) => results.into_iter().next(),
        (None, None) => None,
    };
    let result = result.ok_or_else(|| SourceError::parse(FORMAT, "neither a result nor an error in the chart"))?;
    let quote = result.indicators.quote.into_iter().next();
    let closes = quote.map(|q| q.close).unwrap_or_default();
    if closes.len() != result.timestamp.len() {
        return Err(SourceError::parse(
            FORMAT,
            format!("{} timestamps but {} closes", result.timestamp.len(), closes.len()),
        ));
    }
    let offset = result.meta.gmtoffset;
    let mut points = Vec::with_capacity(closes.len());
    for (i, (ts, close)) in result.timestamp.iter().zip(&closes).enumerate() {
        let n = i + 1;
        let date = bar_date(*ts, offset)
            .ok_or_else(|| SourceError::parse(FORMAT, format!("bar {n}: timestamp {ts} is out of range")))?;
        let value =
            json_number(close).map_err(|e| SourceError::parse(FORMAT, format!("bar {n} ({date}): close {e}")))?;
        if let Some(value) = value {
            points.push(Point { date, value });
        }
    }
    Ok(points)
}

/// The local date of a daily bar. Bars are stamped at the exchange's local midnight (futures)
/// or session open (stocks), but `gmtoffset` is today's offset: in winter a summer midnight
/// shifts to 23:00 the day before. One hour of slack puts it back; no daily bar is stamped in
/// the last hour before midnight.
fn bar_date(timestamp: i64, gmtoffset: i64) -> Option<NaiveDate> {
    let local = timestamp.checked_add(gmtoffset)?.checked_add(3600)?;
    DateTime::from_timestamp(local, 0).map(|t| t.date_naive())
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOLD: &[u8] = include_bytes!("../../tests/fixtures/sources/yahoo_gc.json");

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn error_text(body: &[u8]) -> String {
        parse(body).expect_err("should not parse").to_string()
    }

    #[test]
    fn closes_are_read_at_the_exchange_date() {
        let points = parse(GOLD).unwrap();
        assert_eq!(
            points,
            vec![
                Point { date: day("2023-07-03"), value: 1921.1 },
                Point { date: day("2024-01-02"), value: 2073.9 },
                Point { date: day("2024-01-03"), value: 2034.2 },
                Point { date: day("2024-01-04"), value: 2042.3 },
            ]
        );
    }

    #[test]
    fn a_bar_with_a_null_close_is_skipped() {
        let points = parse(GOLD).unwrap();
        assert_eq!(points.len(), 4, "five bars, one of them null");
        assert!(points.iter().all(|p| p.date != day("2023-07-05")));
    }

    #[test]
    fn summer_bars_keep_their_date_in_a_winter_response() {
        // 2023-07-03 04:00 UTC is midnight in New York (EDT); the response says EST (-18000).
        assert_eq!(bar_date(1_688_356_800, -18_000), Some(day("2023-07-03")));
        assert_eq!(bar_date(1_704_171_600, -14_400), Some(day("2024-01-02")));
        // A stock's bar at the 09:30 open and an Asian midnight stay on their day.
        assert_eq!(bar_date(1_704_205_800, -18_000), Some(day("2024-01-02")));
        assert_eq!(bar_date(1_704_121_200, 32_400), Some(day("2024-01-02")));
        assert_eq!(bar_date(1_704_171_600, 0), Some(day("2024-01-02")));
    }

    #[test]
    fn an_empty_chart_is_no_points() {
        let body = br#"{"chart":{"result":[{"meta":{"symbol":"GC=F","gmtoffset":-18000},"indicators":{"quote":[{}],"adjclose":[{}]}}],"error":null}}"#;
        assert_eq!(parse(body), Ok(vec![]));
    }

    #[test]
    fn a_negative_close_is_kept() {
        let body = br#"{"chart":{"result":[{"meta":{"gmtoffset":-14400},"timestamp":[1587355200],"indicators":{"quote":[{"close":[-37.63]}]}}],"error":null}}"#;
        assert_eq!(parse(body), Ok(vec![Point { date: day("2020-04-20"), value: -37.63 }]));
    }

    #[test]
    fn truncated_json_is_an_error() {
        let cut = GOLD.windows(6).position(|w| w == b"2034.2").unwrap() + 3;
        let text = error_text(&GOLD[..cut]);
        assert!(text.contains("truncated"), "{text}");
    }

    #[test]
    fn a_garbage_close_is_an_error_naming_the_bar() {
        let body = String::from_utf8(GOLD.to_vec())
            .unwrap()
            .replace("\"close\":[1921.1,null,2073.9", "\"close\":[1921.1,null,\"2O73.9\"");
        let text = error_text(body.as_bytes());
        assert!(text.contains("bar 3") && text.contains("2024-01-02") && text.contains("2O73.9"), "{text}");
    }

    #[test]
    fn an_unknown_symbol_is_an_error_with_yahoos_description() {
        let body = br#"{"chart":{"result":null,"error":{"code":"Not Found","description":"No data found, symbol may be delisted"}}}"#;
        let text = error_text(body);
        assert!(text.contains("Not Found") && text.contains("No data found, symbol may be delisted"), "{text}");
    }

    #[test]
    fn timestamps_and_closes_of_different_lengths_are_an_error() {
        let body = String::from_utf8(GOLD.to_vec()).unwrap().replace("\"close\":[1921.1,null,", "\"close\":[null,");
        let text = error_text(body.as_bytes());
        assert!(text.contains("5 timestamps but 4 closes"), "{text}");
    }

    #[test]
    fn a_result_without_indicators_is_an_error() {
        assert!(
            error_text(br#"{"chart":{"result":[{"meta":{},"timestamp":[1]}],"error":null}}"#).contains("indicators")
        );
        assert!(error_text(br#"{"chart":{"result":[],"error":null}}"#).contains("neither"));
    }

    #[test]
    fn the_range_is_the_shortest_that_reaches_the_start_date() {
        let today = day("2026-08-18");
        assert_eq!(range_for(None, today), "max");
        assert_eq!(range_for(Some(day("2026-08-10")), today), "1mo");
        assert_eq!(range_for(Some(day("2026-07-19")), today), "3mo", "too close to the edge of 1mo");
        assert_eq!(range_for(Some(day("2026-01-02")), today), "1y");
        assert_eq!(range_for(Some(day("2020-04-20")), today), "10y");
        assert_eq!(range_for(Some(day("1990-01-01")), today), "max");
    }

    #[test]
    fn the_symbol_is_one_path_segment() {
        let u = url("https://query1.finance.yahoo.com", "GC=F", "1y").unwrap();
        assert_eq!(u.as_str(), "https://query1.finance.yahoo.com/v8/finance/chart/GC=F?range=1y&interval=1d");
        let u = url("http://127.0.0.1:9/", "A/B?C", "max").unwrap();
        assert_eq!(u.path(), "/v8/finance/chart/A%2FB%3FC");
    }
}
