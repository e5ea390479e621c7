//! FRED, the Federal Reserve Bank of St. Louis's economic database, through the keyless CSV
//! download behind its graphs (`fredgraph.csv`): one series per file, one observation per
//! line. Most series are public domain, but some belong to their publishers (ICE BofA
//! indices, S&P); FRED's terms ask every page that shows its data to say it is not endorsed
//! by the Federal Reserve Bank of St. Louis.
use std::sync::Arc;

use chrono::NaiveDate;
use reqwest::Url;

use super::{parse_value, Expect, Http, Point, SourceError};
use crate::universe::Provider;

const FORMAT: &str = "FRED CSV";

pub struct Fred {
    http: Arc<Http>,
    base: String,
}

impl Fred {
    pub fn new(http: Arc<Http>, base: &str) -> Self {
        Fred { http, base: base.trim_end_matches('/').to_string() }
    }

    /// Fetches one series (`DCOILWTICO`, `DGS10`, ...), from `from` on when given, otherwise
    /// its whole history.
    pub async fn fetch(&self, code: &str, from: Option<NaiveDate>) -> Result<Vec<Point>, SourceError> {
        let url = url(&self.base, code, from)?;
        let body = self.http.get(Provider::Fred, url.as_str(), Expect::Csv, &[]).await?;
        parse(&body)
    }
}

fn url(base: &str, code: &str, from: Option<NaiveDate>) -> Result<Url, SourceError> {
    let bad_base = || SourceError::NotConfigured(format!("the FRED base URL '{base}' is not a usable URL"));
    let mut url = Url::parse(base).map_err(|_| bad_base())?;
    url.path_segments_mut().map_err(|_| bad_base())?.pop_if_empty().extend(["graph", "fredgraph.csv"]);
    {
        let mut query = url.query_pairs_mut();
        query.append_pair("id", code);
        if let Some(from) = from {
            query.append_pair("cosd", &from.format("%Y-%m-%d").to_string());
        }
    }
    Ok(url)
}

/// Reads a FRED graph CSV (`observation_date,SERIES`, or `DATE,SERIES` in older files) into
/// points, in file order. `.` marks a day without a value and is skipped; a file with only
/// its header is an empty series.
///
/// # Errors
/// A body that stops mid-line, a header that is not a date column and one series column, a
/// line with the wrong number of fields, an impossible date, or a value that is neither a
/// number nor a missing marker; the message names the line.
pub fn parse(body: &[u8]) -> Result<Vec<Point>, SourceError> {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    if body.trim_ascii().is_empty() {
        return Err(SourceError::parse(FORMAT, "the body is empty, not even a header"));
    }
    // FRED ends every file with a line break. Without one the transfer stopped mid-line, and
    // the cut line can still read as a plausible value (`-36` from `-36.98`).
    if !body.ends_with(b"\n") {
        return Err(SourceError::parse(
            FORMAT,
            format!("the body stops mid-line after {} bytes, probably truncated", body.len()),
        ));
    }
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(body);
    let header = reader.headers().map_err(csv_error)?;
    let date_column = header.get(0).unwrap_or_default();
    if header.len() != 2
        || !(date_column.eq_ignore_ascii_case("observation_date") || date_column.eq_ignore_ascii_case("DATE"))
    {
        let found = header.iter().collect::<Vec<_>>().join(",");
        return Err(SourceError::parse(FORMAT, format!("line 1: header '{found}' is not observation_date,SERIES")));
    }
    let mut points = Vec::new();
    for record in reader.records() {
        let record = record.map_err(csv_error)?;
        let line = record.position().map_or(0, |p| p.line());
        let fail = |detail: String| SourceError::parse(FORMAT, format!("line {line}: {detail}"));
        let date = NaiveDate::parse_from_str(&record[0], "%Y-%m-%d")
            .map_err(|_| fail(format!("date '{}' is not YYYY-MM-DD", &record[0])))?;
        if let Some(value) = parse_value(&record[1]).map_err(|e| fail(format!("{date}: {e}")))? {
            points.push(Point { date, value });
        }
    }
    Ok(points)
}

fn csv_error(e: csv::Error) -> SourceError {
    let line = |pos: &Option<csv::Position>| pos.as_ref().map_or(0, |p| p.line());
    let detail = match e.kind() {
        csv::ErrorKind::UnequalLengths { pos, expected_len, len } => {
            format!("line {}: {len} field(s) where the header has {expected_len}", line(pos))
        }
        csv::ErrorKind::Utf8 { pos, err } => format!("line {}: not UTF-8 text ({err})", line(pos)),
        _ => e.to_string(),
    };
    SourceError::parse(FORMAT, detail)
}

#[cfg(test)]
mod tests {
    use super::*;

    const WTI: &[u8] = include_bytes!("../../tests/fixtures/sources/fred_DCOILWTICO.csv");
    const OLD_HEADER: &[u8] = include_bytes!("../../tests/fixtures/sources/fred_old_header.csv");

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn error_text(body: &[u8]) -> String {
        parse(body).expect_err("should not parse").to_string()
    }

    #[test]
    fn observations_are_read_in_file_order() {
        let points = parse(WTI).unwrap();
        assert_eq!(points.first(), Some(&Point { date: day("2020-04-09"), value: 22.90 }));
        assert_eq!(points[1], Point { date: day("2020-04-13"), value: 22.36 });
        assert_eq!(points.last(), Some(&Point { date: day("2020-04-22"), value: 13.64 }));
    }

    #[test]
    fn a_dot_is_a_missing_day_not_a_point() {
        let points = parse(WTI).unwrap();
        assert_eq!(points.len(), 9, "ten lines, one of them `.`");
        assert!(points.iter().all(|p| p.date != day("2020-04-10")));
    }

    #[test]
    fn the_negative_wti_price_of_april_2020_is_kept() {
        let points = parse(WTI).unwrap();
        assert!(points.contains(&Point { date: day("2020-04-20"), value: -36.98 }));
    }

    #[test]
    fn the_old_date_header_and_crlf_lines_are_read() {
        let points = parse(OLD_HEADER).unwrap();
        assert_eq!(points.len(), 4);
        assert_eq!(points[0], Point { date: day("2024-01-02"), value: 76.24 });
        assert_eq!(points[3], Point { date: day("2024-01-05"), value: 78.31 });
    }

    #[test]
    fn a_header_only_file_is_an_empty_series() {
        assert_eq!(parse(b"observation_date,DCOILWTICO\n"), Ok(vec![]));
    }

    #[test]
    fn truncated_csv_is_an_error() {
        // Cut inside `-36.98`: the remaining `-36` would otherwise pass as a price.
        let cut = WTI.windows(6).position(|w| w == b"-36.98").unwrap() + 3;
        let text = error_text(&WTI[..cut]);
        assert!(text.contains("truncated"), "{text}");
        assert!(parse(&WTI[..WTI.len() / 2]).is_err());
    }

    #[test]
    fn a_garbage_value_is_an_error_naming_the_line() {
        let body = String::from_utf8(WTI.to_vec()).unwrap().replace("18.31", "18.3.1");
        let text = error_text(body.as_bytes());
        assert!(text.contains("line 8") && text.contains("2020-04-17") && text.contains("18.3.1"), "{text}");
    }

    #[test]
    fn an_impossible_date_is_an_error_naming_the_line() {
        let text = error_text(b"observation_date,X\n2024-01-02,1\n2024-13-01,2\n");
        assert!(text.contains("line 3") && text.contains("2024-13-01"), "{text}");
    }

    #[test]
    fn a_line_with_a_missing_column_is_an_error() {
        let text = error_text(b"observation_date,X\n2024-01-02,1\n2024-01-03\n");
        assert!(text.contains("line 3") && text.contains("1 field"), "{text}");
    }

    #[test]
    fn a_header_that_is_not_date_and_series_is_an_error() {
        assert!(error_text(b"Date,Price,Volume\n2024-01-02,1,2\n").contains("header"));
        assert!(error_text(b"period,X\n2024-01-02,1\n").contains("header"));
        assert!(error_text(b"").contains("empty"));
    }

    #[test]
    fn the_url_asks_for_the_series_from_the_start_date() {
        let u = url("https://fred.stlouisfed.org", "DCOILWTICO", Some(day("2020-04-01"))).unwrap();
        assert_eq!(u.as_str(), "https://fred.stlouisfed.org/graph/fredgraph.csv?id=DCOILWTICO&cosd=2020-04-01");
        let u = url("http://127.0.0.1:9/", "DGS10", None).unwrap();
        assert_eq!(u.as_str(), "http://127.0.0.1:9/graph/fredgraph.csv?id=DGS10");
    }
}
