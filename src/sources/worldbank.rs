//! World Bank Commodity Price Data, "the Pink Sheet": monthly average prices in nominal US
//! dollars since 1960, licensed CC BY 4.0. The monthly series exist only as the workbook
//! `CMO-Historical-Data-Monthly.xlsx`, whose address changes with every release, so the
//! adapter reads the commodity-markets landing page, follows its link to the workbook and
//! parses the sheet "Monthly Prices". One workbook holds every commodity; it is parsed whole
//! and kept for an hour so the several instruments of one job download it once.
use std::collections::HashMap;
use std::io::Cursor;
use std::sync::Arc;
use std::time::{Duration, Instant};

use calamine::{CellErrorType, Data, Reader, Xlsx};
use chrono::NaiveDate;

use super::{parse_value, xlsx_guard, Expect, Http, Point, SourceError};
use crate::universe::Provider;

/// The workbook's file name; its folder on thedocs.worldbank.org changes each release.
pub const WORKBOOK_FILE: &str = "CMO-Historical-Data-Monthly.xlsx";
pub const SHEET: &str = "Monthly Prices";
/// The workbook changes once a month; an hour keeps one job's instruments on one download
/// without serving last month's prices for long after a release.
const CACHE_TTL: Duration = Duration::from_secs(3600);

/// Every column of the sheet, keyed by its header name as written (trimmed).
pub type Workbook = HashMap<String, Vec<Point>>;

pub struct WorldBank {
    http: Arc<Http>,
    landing: String,
    // Held across the download so that concurrent fetches wait for one download instead of
    // starting their own.
    cache: tokio::sync::Mutex<Option<(Instant, Arc<Workbook>)>>,
}

impl WorldBank {
    pub fn new(http: Arc<Http>, base: &str) -> Self {
        // Not trimmed of its trailing slash: relative links on the page resolve against the
        // landing address exactly as a browser would.
        WorldBank { http, landing: base.trim().to_string(), cache: tokio::sync::Mutex::new(None) }
    }

    /// The monthly series whose header is `code` (e.g. "Copper", "Crude oil, Brent").
    pub async fn fetch(&self, code: &str) -> Result<Vec<Point>, SourceError> {
        let workbook = self.workbook().await?;
        column(&workbook, code)
    }

    async fn workbook(&self) -> Result<Arc<Workbook>, SourceError> {
        let mut cache = self.cache.lock().await;
        if let Some((at, book)) = cache.as_ref() {
            if at.elapsed() < CACHE_TTL {
                return Ok(book.clone());
            }
        }
        let page = self.http.get(Provider::Worldbank, &self.landing, Expect::Html, &[]).await?;
        let link = find_workbook_link(&String::from_utf8_lossy(&page), &self.landing)?;
        let bytes = self.http.get(Provider::Worldbank, &link, Expect::Xlsx, &[]).await?;
        let book = Arc::new(parse_workbook(&bytes)?);
        *cache = Some((Instant::now(), book.clone()));
        Ok(book)
    }
}

/// The absolute address of the first link on the landing page whose file name (the last
/// path segment, query and fragment ignored) is [`WORKBOOK_FILE`], in any letter case.
pub fn find_workbook_link(html: &str, landing: &str) -> Result<String, SourceError> {
    let base = reqwest::Url::parse(landing)
        .map_err(|e| SourceError::NotConfigured(format!("World Bank landing URL '{landing}' is invalid: {e}")))?;
    for href in hrefs(html) {
        let href = href.replace("&amp;", "&");
        let path = href.split(['?', '#']).next().unwrap_or_default();
        let file = path.rsplit('/').next().unwrap_or_default();
        if file.eq_ignore_ascii_case(WORKBOOK_FILE) {
            return base
                .join(href.trim())
                .map(String::from)
                .map_err(|e| SourceError::parse("HTML", format!("workbook link '{href}' is not a URL: {e}")));
        }
    }
    Err(SourceError::parse("HTML", format!("landing page has no link to {WORKBOOK_FILE}")))
}

/// Every `href` attribute value in document order, quoted or not. A scan rather than an HTML
/// parser: the page is large and script-heavy, and only these attribute values matter.
fn hrefs(html: &str) -> Vec<&str> {
    let lower = html.to_ascii_lowercase();
    let bytes = html.as_bytes();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(found) = lower[from..].find("href") {
        let mut i = from + found + 4;
        from = i;
        // `data-href` and `hreflang` are other attributes.
        let before = (from - 4).checked_sub(1).map(|p| bytes[p]);
        if before.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
            continue;
        }
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if bytes.get(i) != Some(&b'=') {
            continue;
        }
        i += 1;
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let (start, end) = match bytes.get(i) {
            Some(&q @ (b'"' | b'\'')) => {
                let start = i + 1;
                match bytes[start..].iter().position(|&b| b == q) {
                    Some(len) => (start, start + len),
                    None => break,
                }
            }
            Some(_) => {
                let len =
                    bytes[i..].iter().position(|&b| b.is_ascii_whitespace() || b == b'>').unwrap_or(bytes.len() - i);
                (i, i + len)
            }
            None => break,
        };
        out.push(&html[start..end]);
        from = end;
    }
    out
}

/// Parses the sheet "Monthly Prices" into every commodity's monthly series.
///
/// The layout rule: data rows are those whose first cell is a period `YYYYMmm`. The header
/// row is the nearest row above the first data row that has a text cell, outside the first
/// column, which is not a parenthesised unit like `($/mt)`; this skips the units row and
/// whatever number of title and blank rows precede the header. Once data rows have started,
/// every row must be a data row (or entirely empty). Cells that are empty, `..` or `#N/A`
/// are missing and produce no point.
pub fn parse_workbook(bytes: &[u8]) -> Result<Workbook, SourceError> {
    // Before calamine unpacks anything: it trusts the sheets' cell references and sizes
    // (xlsx_guard), and opening the workbook already unpacks its shared strings and styles.
    xlsx_guard::check(bytes).map_err(|why| SourceError::parse("XLSX", why))?;
    let mut xlsx = Xlsx::new(Cursor::new(bytes)).map_err(|e| SourceError::parse("XLSX", e.to_string()))?;
    if !xlsx.sheet_names().iter().any(|s| s == SHEET) {
        let names = xlsx.sheet_names().join(", ");
        return Err(SourceError::parse("XLSX", format!("no sheet '{SHEET}' in the workbook (sheets: {names})")));
    }
    let range = xlsx.worksheet_range(SHEET).map_err(|e| SourceError::parse("XLSX", format!("sheet '{SHEET}': {e}")))?;
    let first_row = range.start().map_or(0, |(r, _)| r as usize);
    let rows: Vec<&[Data]> = range.rows().collect();
    // Spreadsheet row numbers, as an operator opening the file would see them.
    let row_no = |i: usize| first_row + i + 1;

    let first_data = rows.iter().position(|r| r.first().and_then(period_of).is_some()).ok_or_else(|| {
        SourceError::parse("XLSX", format!("sheet '{SHEET}' has no rows starting with a period like 1960M01"))
    })?;
    let header_idx = (0..first_data).rev().find(|&i| is_header(rows[i])).ok_or_else(|| {
        SourceError::parse("XLSX", format!("sheet '{SHEET}' has no header row above row {}", row_no(first_data)))
    })?;

    // Column index -> name; blank and repeated headers are not addressable and are skipped.
    let mut columns: Vec<(usize, String)> = Vec::new();
    for (c, cell) in rows[header_idx].iter().enumerate().skip(1) {
        let name = cell_text(cell).trim().to_string();
        if !name.is_empty() && !columns.iter().any(|(_, n)| n.eq_ignore_ascii_case(&name)) {
            columns.push((c, name));
        }
    }
    let mut series: Vec<Vec<Point>> = vec![Vec::new(); columns.len()];

    for (i, row) in rows.iter().enumerate().skip(first_data) {
        if row.iter().all(|c| matches!(c, Data::Empty)) {
            continue;
        }
        let date = row.first().and_then(period_of).ok_or_else(|| {
            let got = row.first().map(cell_text).unwrap_or_default();
            SourceError::parse("XLSX", format!("row {}: '{got}' is not a period like 1960M01", row_no(i)))
        })?;
        for ((c, name), points) in columns.iter().zip(series.iter_mut()) {
            let cell = row.get(*c).unwrap_or(&Data::Empty);
            let value = cell_value(cell)
                .map_err(|e| SourceError::parse("XLSX", format!("row {}, column '{name}': {e}", row_no(i))))?;
            if let Some(value) = value {
                points.push(Point { date, value });
            }
        }
    }
    Ok(columns.into_iter().map(|(_, name)| name).zip(series).collect())
}

/// The series named `code`, matched trimmed and case-insensitively against the headers.
pub fn column(workbook: &Workbook, code: &str) -> Result<Vec<Point>, SourceError> {
    let wanted = code.trim();
    if let Some((_, points)) = workbook.iter().find(|(name, _)| name.eq_ignore_ascii_case(wanted)) {
        return Ok(points.clone());
    }
    let mut names: Vec<&str> = workbook.keys().map(String::as_str).collect();
    names.sort_unstable();
    let more = if names.len() > 8 { format!(" and {} more", names.len() - 8) } else { String::new() };
    names.truncate(8);
    Err(SourceError::parse(
        "XLSX",
        format!("no column '{wanted}' in '{SHEET}' (available: {}{more})", names.join("; ")),
    ))
}

fn is_header(row: &[Data]) -> bool {
    row.iter().skip(1).any(|c| match c {
        Data::String(s) => {
            let s = s.trim();
            let unit = s.starts_with('(') && s.ends_with(')');
            !s.is_empty() && !unit
        }
        _ => false,
    })
}

/// `YYYYMmm` as the first day of that month.
fn period_of(cell: &Data) -> Option<NaiveDate> {
    let Data::String(s) = cell else { return None };
    let s = s.trim().as_bytes();
    if s.len() != 7 || !s[4].eq_ignore_ascii_case(&b'M') {
        return None;
    }
    if !s[..4].iter().chain(&s[5..]).all(u8::is_ascii_digit) {
        return None;
    }
    let digits = std::str::from_utf8(s).ok()?;
    let year: i32 = digits[..4].parse().ok()?;
    let month: u32 = digits[5..].parse().ok()?;
    NaiveDate::from_ymd_opt(year, month, 1)
}

fn cell_value(cell: &Data) -> Result<Option<f64>, String> {
    match cell {
        Data::Empty | Data::Error(CellErrorType::NA) => Ok(None),
        Data::Float(v) if v.is_finite() => Ok(Some(*v)),
        Data::Int(v) => Ok(Some(*v as f64)),
        Data::String(s) => parse_value(s),
        other => Err(format!("'{}' is not a number", cell_text(other))),
    }
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WORKBOOK: &[u8] = include_bytes!("../../tests/fixtures/sources/worldbank_pinksheet.xlsx");
    const LANDING: &str = include_str!("../../tests/fixtures/sources/worldbank_landing.html");
    const LANDING_URL: &str = "https://www.worldbank.org/en/research/commodity-markets";

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn parse_err(r: Result<impl std::fmt::Debug, SourceError>) -> String {
        match r {
            Err(SourceError::Parse { detail, .. }) => detail,
            other => panic!("expected a parse error, got {other:?}"),
        }
    }

    #[test]
    fn a_sheet_whose_references_overflow_is_a_parse_error_not_a_panic() {
        // The fuzzer's finds, in the sheet the adapter reads: calamine alone panicked on each
        // (with overflow checks; without them it wrapped, and could allocate without bound).
        for (rows, said) in [
            (r#"<dimension ref="I1:F30"/><sheetData/>"#, "the dimension 'I1:F30' ends before it starts"),
            (r#"<sheetData><row><c r="C2811111111111"><v>1</v></c></row></sheetData>"#, "'C2811111111111' is not"),
            (r#"<sheetData><row><c r="ZZZZZZZZZZZZ1"><v>1</v></c></row></sheetData>"#, "'ZZZZZZZZZZZZ1' is not"),
        ] {
            let xml = format!(
                r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{rows}</worksheet>"#
            );
            let book = xlsx_guard::with_part(WORKBOOK, "xl/worksheets/sheet2.xml", xml.as_bytes());
            let why = parse_err(parse_workbook(&book));
            assert!(why.starts_with("part 'xl/worksheets/sheet2.xml': ") && why.contains(said), "{why}");
        }
    }

    #[test]
    fn the_first_monthly_workbook_link_on_the_landing_page_is_followed() {
        assert_eq!(
            find_workbook_link(LANDING, LANDING_URL).unwrap(),
            "https://thedocs.worldbank.org/en/doc/18675f1d1639c7a34d463f59263ba0a2-0050012025/related/CMO-Historical-Data-Monthly.xlsx"
        );
    }

    #[test]
    fn relative_and_protocol_relative_links_resolve_against_the_landing_page() {
        let html = r#"<a data-href="/wrong/CMO-Historical-Data-Monthly.xlsx">no</a>
            <a href=related/cmo-historical-data-monthly.XLSX>Monthly</a>"#;
        assert_eq!(
            find_workbook_link(html, "https://www.worldbank.org/en/research/commodity-markets").unwrap(),
            "https://www.worldbank.org/en/research/related/cmo-historical-data-monthly.XLSX"
        );
        let html = r#"<a href="/en/doc/abc/related/CMO-Historical-Data-Monthly.xlsx?v=2&amp;x=1">M</a>"#;
        assert_eq!(
            find_workbook_link(html, LANDING_URL).unwrap(),
            "https://www.worldbank.org/en/doc/abc/related/CMO-Historical-Data-Monthly.xlsx?v=2&x=1"
        );
        let html = r#"<a href='//thedocs.worldbank.org/en/doc/abc/related/CMO-Historical-Data-Monthly.xlsx'>M</a>"#;
        assert_eq!(
            find_workbook_link(html, LANDING_URL).unwrap(),
            "https://thedocs.worldbank.org/en/doc/abc/related/CMO-Historical-Data-Monthly.xlsx"
        );
    }

    #[test]
    fn a_landing_page_without_the_workbook_link_is_a_parse_error() {
        let html = r#"<a href="/CMO-Historical-Data-Annual.xlsx">Annual</a><a href="/CMO-Historical-Data-Monthly.xlsx.bak">x</a>"#;
        assert_eq!(
            parse_err(find_workbook_link(html, LANDING_URL)),
            "landing page has no link to CMO-Historical-Data-Monthly.xlsx"
        );
    }

    #[test]
    fn every_column_of_the_monthly_sheet_is_parsed_with_first_of_month_dates() {
        let book = parse_workbook(WORKBOOK).unwrap();
        let mut names: Vec<&str> = book.keys().map(String::as_str).collect();
        names.sort_unstable();
        assert_eq!(names, ["Aluminum", "Copper", "Crude oil, Brent", "Gold", "Nickel"]);

        let copper = column(&book, "Copper").unwrap();
        assert_eq!(copper.len(), 24);
        assert_eq!(copper[0], Point { date: ymd(2023, 1, 1), value: 8500.0 });
        assert_eq!(copper[23], Point { date: ymd(2024, 12, 1), value: 9086.5 });
        let brent = column(&book, "crude OIL, brent ").unwrap();
        assert_eq!(brent[5], Point { date: ymd(2023, 6, 1), value: 86.25 });
    }

    #[test]
    fn double_dots_and_blank_cells_are_missing_and_skipped() {
        let book = parse_workbook(WORKBOOK).unwrap();
        let nickel = column(&book, "Nickel").unwrap();
        assert_eq!(nickel.len(), 23);
        assert!(!nickel.iter().any(|p| p.date == ymd(2023, 6, 1)));
        assert_eq!(nickel[4], Point { date: ymd(2023, 5, 1), value: 24000.0 - 4.0 * 350.25 });
        assert_eq!(nickel[5], Point { date: ymd(2023, 7, 1), value: 24000.0 - 6.0 * 350.25 });

        let gold = column(&book, "Gold").unwrap();
        assert_eq!(gold.len(), 23);
        assert!(!gold.iter().any(|p| p.date == ymd(2024, 3, 1)));

        let aluminum = column(&book, "Aluminum").unwrap();
        assert_eq!(aluminum.last(), Some(&Point { date: ymd(2024, 11, 1), value: 2470.0 }));
    }

    #[test]
    fn an_unknown_column_names_the_code_and_some_available_columns() {
        let book = parse_workbook(WORKBOOK).unwrap();
        let detail = parse_err(column(&book, "Cobalt"));
        assert!(detail.contains("'Cobalt'"), "{detail}");
        assert!(detail.contains("Copper") && detail.contains("Crude oil, Brent"), "{detail}");
    }

    #[test]
    fn truncated_workbook_bytes_are_an_error() {
        let cut = &WORKBOOK[..WORKBOOK.len() / 2];
        assert!(matches!(parse_workbook(cut), Err(SourceError::Parse { format: "XLSX", .. })));
        assert!(parse_workbook(b"PK\x03\x04 not really a zip").is_err());
    }

    #[test]
    fn a_workbook_without_the_monthly_prices_sheet_is_a_parse_error() {
        let bytes = include_bytes!("../../tests/fixtures/sources/worldbank_no_monthly_sheet.xlsx");
        let detail = parse_err(parse_workbook(bytes));
        assert!(detail.contains("no sheet 'Monthly Prices'") && detail.contains("Annual Prices"), "{detail}");
    }

    #[test]
    fn a_row_that_is_not_a_period_after_the_data_started_is_an_error_naming_the_row() {
        let bytes = include_bytes!("../../tests/fixtures/sources/worldbank_non_period_row.xlsx");
        let detail = parse_err(parse_workbook(bytes));
        assert!(detail.starts_with("row 5: 'Note: 2024 values revised'"), "{detail}");
    }

    #[test]
    fn a_text_cell_that_is_not_a_missing_marker_is_an_error_naming_the_row() {
        let bytes = include_bytes!("../../tests/fixtures/sources/worldbank_bad_cell.xlsx");
        let detail = parse_err(parse_workbook(bytes));
        assert!(detail.starts_with("row 5, column 'Copper'"), "{detail}");
    }

    #[test]
    fn periods_must_be_real_months() {
        assert_eq!(period_of(&Data::String("1960M01".into())), Some(ymd(1960, 1, 1)));
        assert_eq!(period_of(&Data::String(" 2024m12 ".into())), Some(ymd(2024, 12, 1)));
        assert_eq!(period_of(&Data::String("2024M13".into())), None);
        assert_eq!(period_of(&Data::String("2024-01".into())), None);
        assert_eq!(period_of(&Data::Float(2024.0)), None);
    }

    fn http() -> Arc<Http> {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let config = crate::config::Config::builtin().unwrap().sources;
        let mut policy = super::super::HttpPolicy::from_config(&config);
        policy.max_retries = 0;
        policy.rates = [(Provider::Worldbank, 1000.0)].into();
        Arc::new(Http::new(policy).unwrap())
    }

    #[tokio::test]
    async fn several_instruments_share_one_download_of_the_workbook() {
        use wiremock::matchers::{method, path};
        use wiremock::{Mock, MockServer, ResponseTemplate};
        let server = MockServer::start().await;
        let page = r#"<html><a href="../../docs/CMO-Historical-Data-Monthly.xlsx">Monthly</a></html>"#;
        Mock::given(method("GET"))
            .and(path("/en/research/commodity-markets"))
            .respond_with(ResponseTemplate::new(200).set_body_raw(page, "text/html"))
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/docs/CMO-Historical-Data-Monthly.xlsx"))
            .respond_with(ResponseTemplate::new(200).set_body_raw(WORKBOOK, "application/octet-stream"))
            .expect(1)
            .mount(&server)
            .await;
        let wb = WorldBank::new(http(), &format!("{}/en/research/commodity-markets", server.uri()));
        assert_eq!(wb.fetch("Copper").await.unwrap()[0], Point { date: ymd(2023, 1, 1), value: 8500.0 });
        assert_eq!(wb.fetch("Nickel").await.unwrap().len(), 23);
        assert_eq!(wb.fetch("Gold").await.unwrap().len(), 23);
        assert!(matches!(wb.fetch("Cobalt").await, Err(SourceError::Parse { .. })));
    }

    #[tokio::test]
    async fn a_failed_download_is_not_cached() {
        use wiremock::matchers::{method, path};
        use wiremock::{Mock, MockServer, ResponseTemplate};
        let server = MockServer::start().await;
        let page = r#"<a href="/CMO-Historical-Data-Monthly.xlsx">Monthly</a>"#;
        Mock::given(method("GET"))
            .and(path("/landing"))
            .respond_with(ResponseTemplate::new(200).set_body_raw(page, "text/html"))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/CMO-Historical-Data-Monthly.xlsx"))
            .respond_with(ResponseTemplate::new(404))
            .up_to_n_times(1)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/CMO-Historical-Data-Monthly.xlsx"))
            .respond_with(ResponseTemplate::new(200).set_body_raw(WORKBOOK, "application/octet-stream"))
            .mount(&server)
            .await;
        let wb = WorldBank::new(http(), &format!("{}/landing", server.uri()));
        assert!(matches!(wb.fetch("Copper").await, Err(SourceError::Status { status: 404, .. })));
        assert_eq!(wb.fetch("Copper").await.unwrap().len(), 24);
    }
}
