//! LBMA precious-metal benchmarks (gold and silver from ICE Benchmark Administration,
//! platinum and palladium from the LME), read from the JSON files behind the price tables on
//! the LBMA website: one file per price, the whole daily history since 1968, each day in USD,
//! GBP and EUR. Free to view, not openly licensed: the benchmarks belong to their
//! administrators, so the app stores them for its own charts and does not republish them.
use std::sync::Arc;

use chrono::NaiveDate;
use reqwest::Url;
use serde::Deserialize;
use serde_json::Value;

use super::{json_error, json_number, Expect, Http, Point, SourceError};
use crate::universe::Provider;

const FORMAT: &str = "LBMA JSON";

/// The files are published for the LBMA's own pages, and some of its servers refuse a
/// request that does not say it came from there.
const REFERER: &str = "https://www.lbma.org.uk/";
const ORIGIN: &str = "https://www.lbma.org.uk";

pub struct Lbma {
    http: Arc<Http>,
    base: String,
}

impl Lbma {
    pub fn new(http: Arc<Http>, base: &str) -> Self {
        Lbma { http, base: base.trim_end_matches('/').to_string() }
    }

    /// Fetches the whole daily history of one price (`gold_pm`, `silver`, `platinum_pm`, ...)
    /// in US dollars. The file cannot be filtered by date, so there is no `from`: the caller
    /// trims what it already has.
    pub async fn fetch(&self, code: &str) -> Result<Vec<Point>, SourceError> {
        let url = url(&self.base, code)?;
        let headers = [("Referer", REFERER), ("Origin", ORIGIN)];
        let body = self.http.get(Provider::Lbma, url.as_str(), Expect::Json, &headers).await?;
        parse(&body)
    }
}

fn url(base: &str, code: &str) -> Result<Url, SourceError> {
    let bad_base = || SourceError::NotConfigured(format!("the LBMA base URL '{base}' is not a usable URL"));
    let mut url = Url::parse(base).map_err(|_| bad_base())?;
    url.path_segments_mut().map_err(|_| bad_base())?.pop_if_empty().extend(["json", &format!("{code}.json")]);
    Ok(url)
}

#[derive(Deserialize)]
struct Row {
    d: String,
    /// `[usd, gbp, eur]`; any of them may be null (holidays, EUR before 1999).
    v: Vec<Value>,
}

/// Reads an LBMA price file into its US-dollar points, in file order. A day without a USD
/// price is skipped.
///
/// # Errors
/// A document that is not complete JSON (a truncated download fails as a whole, never as the
/// rows before the cut), a row without a date or prices, an impossible date, or a USD price
/// that is neither a number nor null; the message names the row.
pub fn parse(body: &[u8]) -> Result<Vec<Point>, SourceError> {
    // The whole document is read before any row, so a cut anywhere is an error.
    let rows: Vec<Value> = serde_json::from_slice(body).map_err(|e| json_error(FORMAT, e))?;
    let mut points = Vec::with_capacity(rows.len());
    for (i, raw) in rows.iter().enumerate() {
        let n = i + 1;
        let fail = |detail: String| SourceError::parse(FORMAT, format!("row {n}: {detail}"));
        let row = Row::deserialize(raw).map_err(|e| fail(e.to_string()))?;
        let date = NaiveDate::parse_from_str(&row.d, "%Y-%m-%d")
            .map_err(|_| fail(format!("date '{}' is not YYYY-MM-DD", row.d)))?;
        let usd = row.v.first().ok_or_else(|| fail(format!("{date} has no USD price")))?;
        if let Some(value) = json_number(usd).map_err(|e| fail(format!("{date}: USD {e}")))? {
            points.push(Point { date, value });
        }
    }
    Ok(points)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOLD_PM: &[u8] = include_bytes!("../../tests/fixtures/sources/lbma_gold_pm.json");

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn error_text(body: &[u8]) -> String {
        parse(body).expect_err("should not parse").to_string()
    }

    #[test]
    fn usd_prices_are_read_in_file_order() {
        let points = parse(GOLD_PM).unwrap();
        assert_eq!(points.first(), Some(&Point { date: day("1968-01-02"), value: 35.18 }));
        assert_eq!(points[3], Point { date: day("1999-01-04"), value: 287.85 });
        assert_eq!(points.last(), Some(&Point { date: day("2024-01-04"), value: 2045.05 }));
    }

    #[test]
    fn a_day_without_a_usd_price_is_skipped() {
        let points = parse(GOLD_PM).unwrap();
        assert_eq!(points.len(), 9, "ten rows, one with a null USD price");
        assert!(points.iter().all(|p| p.date != day("2020-04-10")));
    }

    #[test]
    fn a_missing_euro_price_does_not_drop_the_day() {
        let points = parse(GOLD_PM).unwrap();
        assert_eq!(points[1], Point { date: day("1968-01-03"), value: 35.16 });
        assert_eq!(points[2], Point { date: day("1998-12-31"), value: 287.45 });
    }

    #[test]
    fn an_empty_history_is_no_points() {
        assert_eq!(parse(b"[]"), Ok(vec![]));
    }

    #[test]
    fn truncated_json_is_an_error() {
        // Cut inside the 2020-04-14 row: the rows before it must not come back as data.
        let cut = GOLD_PM.windows(10).position(|w| w == b"2020-04-14").unwrap() + 20;
        let text = error_text(&GOLD_PM[..cut]);
        assert!(text.contains("truncated"), "{text}");
        let whole = GOLD_PM.trim_ascii_end();
        assert!(parse(&whole[..whole.len() - 1]).is_err(), "missing only the closing bracket");
    }

    #[test]
    fn a_garbage_price_is_an_error_naming_the_row() {
        let body = String::from_utf8(GOLD_PM.to_vec()).unwrap().replace("[2034.25,", "[\"20x4.25\",");
        let text = error_text(body.as_bytes());
        assert!(text.contains("row 9") && text.contains("2024-01-03") && text.contains("20x4.25"), "{text}");
        let body = br#"[{"is_cms_locked":0,"d":"2024-01-02","v":[true,1,2]}]"#;
        assert!(error_text(body).contains("row 1"));
    }

    #[test]
    fn a_row_without_a_date_or_prices_is_an_error() {
        let text = error_text(br#"[{"d":"2024-01-02","v":[1.0]},{"is_cms_locked":0,"v":[1.0,2.0,3.0]}]"#);
        assert!(text.contains("row 2") && text.contains("`d`"), "{text}");
        let text = error_text(br#"[{"d":"2024-01-02","v":[]}]"#);
        assert!(text.contains("row 1") && text.contains("no USD price"), "{text}");
    }

    #[test]
    fn an_impossible_date_is_an_error() {
        let text = error_text(br#"[{"d":"2024-02-30","v":[1.0,null,null]}]"#);
        assert!(text.contains("row 1") && text.contains("2024-02-30"), "{text}");
    }

    #[test]
    fn a_negative_price_is_kept() {
        assert_eq!(
            parse(br#"[{"d":"2024-01-02","v":[-1.5]}]"#),
            Ok(vec![Point { date: day("2024-01-02"), value: -1.5 }])
        );
    }

    #[test]
    fn the_url_names_the_price_file() {
        assert_eq!(
            url("https://prices.lbma.org.uk", "gold_pm").unwrap().as_str(),
            "https://prices.lbma.org.uk/json/gold_pm.json"
        );
        assert_eq!(
            url("http://127.0.0.1:9/lbma", "silver").unwrap().as_str(),
            "http://127.0.0.1:9/lbma/json/silver.json"
        );
        assert!(matches!(url("not a url", "silver"), Err(SourceError::NotConfigured(_))));
    }
}
