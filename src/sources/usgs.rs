//! U.S. Geological Survey Mineral Commodity Summaries (MCS): one annual figure per commodity
//! and year, public domain (a work of the U.S. Government). Each yearly MCS data release on
//! ScienceBase carries a "salient statistics" CSV per commodity, named like
//! `mcs2025-lithi_salient.csv`; the adapter finds the newest such file, by ScienceBase search
//! for a commodity name or by item id, and reads its first price column.
//!
//! Codes are commodity names (`lithium`, `rare-earths`), the USGS file abbreviation itself
//! (`lithi`, `raree`), or a 24-hex-digit ScienceBase item id.
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::NaiveDate;
use serde_json::Value;

use super::{is_missing_marker, parse_value, Expect, Http, Point, SourceError};
use crate::universe::Provider;

pub struct Usgs {
    http: Arc<Http>,
    base: String,
}

impl Usgs {
    pub fn new(http: Arc<Http>, base: &str) -> Self {
        Usgs { http, base: base.trim_end_matches('/').to_string() }
    }

    pub async fn fetch(&self, code: &str) -> Result<Vec<Point>, SourceError> {
        let code = code.trim();
        let listing = if is_item_id(code) {
            format!("{}/catalog/item/{}?format=json&fields=title,files", self.base, code.to_ascii_lowercase())
        } else {
            let query = format!("Mineral Commodity Summaries {}", code.replace('-', " "));
            let params = [("q", query.as_str()), ("format", "json"), ("fields", "title,files"), ("max", "20")];
            reqwest::Url::parse_with_params(&format!("{}/catalog/items", self.base), params)
                .map_err(|e| SourceError::NotConfigured(format!("USGS base URL '{}' is invalid: {e}", self.base)))?
                .into()
        };
        let json = self.http.get(Provider::Usgs, &listing, Expect::Json, &[]).await?;
        let (url, name) = pick_file(&json, code)?;
        // ScienceBase gives absolute addresses today; a relative one still belongs to it.
        let url = reqwest::Url::parse(&self.base)
            .and_then(|b| b.join(&url))
            .map_err(|e| SourceError::parse("JSON", format!("file URL '{url}' of {name} is not a URL: {e}")))?;
        let csv = self.http.get(Provider::Usgs, url.as_str(), Expect::Csv, &[]).await?;
        parse(&csv).map_err(|e| match e {
            SourceError::Parse { format, detail } => SourceError::parse(format, format!("{name}: {detail}")),
            other => other,
        })
    }
}

/// A ScienceBase item id: 24 hexadecimal digits (a MongoDB object id).
pub fn is_item_id(code: &str) -> bool {
    code.len() == 24 && code.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Picks the newest salient-statistics CSV for `code` from a ScienceBase answer, either a
/// search (`{"items": [...]}`) or a single item, and returns its download URL and file name.
///
/// For a commodity code the file's stem must match the code; for an item id every salient
/// CSV in the item counts, but they must all be for one commodity.
pub fn pick_file(json: &[u8], code: &str) -> Result<(String, String), SourceError> {
    let doc: Value = serde_json::from_slice(json).map_err(|e| SourceError::parse("JSON", e.to_string()))?;
    let items: Vec<&Value> = match doc.get("items") {
        Some(Value::Array(items)) => items.iter().collect(),
        _ => vec![&doc],
    };
    let by_id = is_item_id(code.trim());
    let mut best: Option<(u16, String, String)> = None;
    let mut stems: Vec<String> = Vec::new();
    for file in items.iter().filter_map(|i| i.get("files")?.as_array()).flatten() {
        let Some(name) = file.get("name").and_then(Value::as_str) else { continue };
        let Some((year, stem)) = salient_name(name) else { continue };
        if !by_id && !stem_matches(&stem, code) {
            continue;
        }
        // `url` and `downloadUri` are the same link on ScienceBase; either may be absent.
        let url = ["url", "downloadUri"]
            .iter()
            .filter_map(|k| file.get(*k).and_then(Value::as_str))
            .find(|u| !u.trim().is_empty());
        let Some(url) = url else { continue };
        if !stems.contains(&stem) {
            stems.push(stem);
        }
        // Ties keep the first listed: search results come best match first.
        if best.as_ref().is_none_or(|(y, _, _)| year > *y) {
            best = Some((year, url.trim().to_string(), name.to_string()));
        }
    }
    if by_id && stems.len() > 1 {
        return Err(SourceError::parse(
            "JSON",
            format!(
                "ScienceBase item {code} holds salient CSVs for several commodities ({}); use a commodity code",
                stems.join(", ")
            ),
        ));
    }
    best.map(|(_, url, name)| (url, name))
        .ok_or_else(|| SourceError::parse("JSON", format!("no MCS salient CSV for '{code}' on ScienceBase")))
}

/// `mcs(YYYY)-(stem)_salient.csv`, any letter case, as (year, lowercased stem).
fn salient_name(name: &str) -> Option<(u16, String)> {
    let lower = name.trim().to_ascii_lowercase();
    let rest = lower.strip_prefix("mcs")?;
    let (year, rest) = rest.split_at_checked(4)?;
    if !year.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let stem = rest.strip_prefix('-')?.strip_suffix("_salient.csv")?;
    if stem.is_empty() {
        return None;
    }
    Some((year.parse().ok()?, stem.to_string()))
}

/// Whether a file stem belongs to the commodity `code`, both compared without punctuation
/// or case. USGS names files by a five-letter abbreviation of the commodity (`lithi`,
/// `raree` for rare earths, `coppe`), so a stem of five or more letters that begins the code
/// also matches; shorter stems must match exactly, so that `li` is not lithium.
fn stem_matches(stem: &str, code: &str) -> bool {
    let norm =
        |s: &str| s.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect::<String>();
    let (stem, code) = (norm(stem), norm(code));
    !stem.is_empty() && (stem == code || (stem.len() >= 5 && code.starts_with(&stem)))
}

/// The CSV's text. The files are written by Excel on Windows: cp1252, sometimes behind a
/// UTF-8 byte-order mark that does not describe them. UTF-8 is tried first because a file
/// that happens to be valid UTF-8 is far more likely UTF-8 than cp1252 mojibake.
pub fn decode(bytes: &[u8]) -> Cow<'_, str> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes).0,
    }
}

/// Parses a salient-statistics CSV into one point per year (dated 1 January) from the first
/// column whose header starts with `Price`. Withheld, blank and bound values (`W`, `NA`,
/// `>50`) are missing; estimates (`8,500E`, `E8,500`) count as values. A file that does not
/// end with a line break was cut off, and is an error however well its rows read.
pub fn parse(bytes: &[u8]) -> Result<Vec<Point>, SourceError> {
    let text = decode(bytes);
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| csv_error(&text, e))?.clone();
    let year_col = headers
        .iter()
        .position(|h| h.eq_ignore_ascii_case("year"))
        .ok_or_else(|| SourceError::parse("CSV", format!("no Year column (headers: {})", join(&headers))))?;
    let price_col =
        headers.iter().position(|h| h.get(..5).is_some_and(|p| p.eq_ignore_ascii_case("price"))).ok_or_else(|| {
            SourceError::parse("CSV", format!("no column starting with 'Price' (headers: {})", join(&headers)))
        })?;
    let price_name = &headers[price_col];

    let mut by_year: BTreeMap<NaiveDate, f64> = BTreeMap::new();
    let mut seen: Vec<NaiveDate> = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(&text, e))?;
        let line = record.position().map_or(0, |p| line_at(&text, p));
        if record.iter().all(str::is_empty) {
            continue;
        }
        let raw_year = &record[year_col];
        let date = year_of(raw_year)
            .ok_or_else(|| SourceError::parse("CSV", format!("line {line}: '{raw_year}' is not a year")))?;
        // One row per year is the format; a repeat means the layout changed under us, and
        // guessing which row is the headline figure could chart the wrong series.
        if seen.contains(&date) {
            return Err(SourceError::parse("CSV", format!("line {line}: year {raw_year} appears twice")));
        }
        seen.push(date);
        let value = amount(&record[price_col])
            .map_err(|e| SourceError::parse("CSV", format!("line {line}, column '{price_name}': {e}")))?;
        if let Some(value) = value {
            by_year.insert(date, value);
        }
    }
    // USGS ends every line with a line break. A file that stops without one was cut
    // mid-line, and a cut inside a row's last column still reads as a whole row: the file
    // would pass as one with fewer years.
    if !text.ends_with(['\n', '\r']) {
        let line = 1 + text.matches('\n').count();
        return Err(SourceError::parse("CSV", format!("line {line}: the file stops mid-line, probably truncated")));
    }
    Ok(by_year.into_iter().map(|(date, value)| Point { date, value }).collect())
}

/// `2024`, or `2024E` for an estimated year.
fn year_of(raw: &str) -> Option<NaiveDate> {
    let digits = raw.strip_suffix(['E', 'e']).unwrap_or(raw).trim();
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    NaiveDate::from_ymd_opt(digits.parse().ok()?, 1, 1)
}

/// A USGS table figure: `1,234`, `8,500E` / `E8,500` (estimated), `W` (withheld), `>50` or
/// `<1` (a bound, which is not a price), blank or `NA`.
fn amount(raw: &str) -> Result<Option<f64>, String> {
    let t = raw.trim();
    if is_missing_marker(t) || t.starts_with(['<', '>']) {
        return Ok(None);
    }
    let core = t.strip_prefix(['E', 'e']).or_else(|| t.strip_suffix(['E', 'e'])).unwrap_or(t).trim();
    if core.is_empty() || (core.contains(',') && !grouped_by_thousands(core)) {
        return Err(format!("'{t}' is not a number"));
    }
    match parse_value(&core.replace(',', "")) {
        Ok(Some(v)) => Ok(Some(v)),
        // A marker wrapped in an estimate flag (`EW`) is not something USGS writes.
        _ => Err(format!("'{t}' is not a number")),
    }
}

/// `1,234` and `-12,345.6` yes; `1,2` (a number cut in half) and `12,34` no.
fn grouped_by_thousands(s: &str) -> bool {
    let int = s.strip_prefix('-').unwrap_or(s).split('.').next().unwrap_or_default();
    let mut groups = int.split(',');
    let first = groups.next().unwrap_or_default();
    (1..=3).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_digit())
        && groups.all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()))
}

fn join(headers: &csv::StringRecord) -> String {
    headers.iter().collect::<Vec<_>>().join(", ")
}

fn csv_error(text: &str, e: csv::Error) -> SourceError {
    let line = e.position().map(|p| format!("line {}: ", line_at(text, p))).unwrap_or_default();
    let what = match e.kind() {
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
            format!("{len} fields where the header has {expected_len} (a cut-off file?)")
        }
        _ => e.to_string(),
    };
    SourceError::parse("CSV", format!("{line}{what}"))
}

/// The 1-based line a record starts on. The csv crate's own line count is one short after
/// CRLF line ends and counts skipped blank lines into the next record; its byte offset
/// points at (or before) the terminator of the previous line, so skip those and count.
fn line_at(text: &str, pos: &csv::Position) -> u64 {
    let bytes = text.as_bytes();
    let mut at = (pos.byte() as usize).min(bytes.len());
    while at < bytes.len() && matches!(bytes[at], b'\r' | b'\n') {
        at += 1;
    }
    1 + bytes[..at].iter().filter(|&&b| b == b'\n').count() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    const SALIENT: &[u8] = include_bytes!("../../tests/fixtures/sources/usgs_lithium_salient.csv");
    const SEARCH: &[u8] = include_bytes!("../../tests/fixtures/sources/usgs_search.json");
    const ITEM: &[u8] = include_bytes!("../../tests/fixtures/sources/usgs_item.json");

    fn jan1(y: i32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, 1, 1).unwrap()
    }

    fn parse_err(r: Result<impl std::fmt::Debug, SourceError>) -> String {
        match r {
            Err(SourceError::Parse { detail, .. }) => detail,
            other => panic!("expected a parse error, got {other:?}"),
        }
    }

    #[test]
    fn the_fixture_really_is_cp1252_behind_a_bom_with_crlf_line_ends() {
        assert!(SALIENT.starts_with(b"\xEF\xBB\xBFDataSource,"));
        assert!(SALIENT.windows(2).any(|w| w == b"\r\n"));
        assert!(SALIENT.contains(&0x96) && std::str::from_utf8(&SALIENT[3..]).is_err());
    }

    #[test]
    fn cp1252_text_is_decoded_and_the_bom_dropped() {
        let text = decode(SALIENT);
        assert!(text.starts_with("DataSource,Commodity,Year,"));
        assert!(text.contains("Carbonate price withheld – see text"));
        assert!(text.contains("Estimé"));
        assert_eq!(decode("\u{FEFF}Year,Price\r\nélan".as_bytes()), "Year,Price\r\nélan");
    }

    #[test]
    fn the_first_price_column_gives_one_point_per_year_and_withheld_years_are_skipped() {
        let points = parse(SALIENT).unwrap();
        assert_eq!(
            points,
            [
                Point { date: jan1(2020), value: 8400.0 },
                Point { date: jan1(2021), value: 17000.0 },
                Point { date: jan1(2023), value: 46000.0 },
                Point { date: jan1(2024), value: 12000.0 },
            ]
        );
    }

    #[test]
    fn estimates_thousands_separators_and_bounds_are_read_as_usgs_means_them() {
        assert_eq!(amount("1,234"), Ok(Some(1234.0)));
        assert_eq!(amount("8,500E"), Ok(Some(8500.0)));
        assert_eq!(amount("E8,500"), Ok(Some(8500.0)));
        assert_eq!(amount("1,234,567.5"), Ok(Some(1234567.5)));
        assert_eq!(amount("0.45"), Ok(Some(0.45)));
        for missing in ["W", "NA", "", " ", ">50", "<1", "--"] {
            assert_eq!(amount(missing), Ok(None), "{missing:?}");
        }
        for garbage in ["1,2", "12,34", "E", "about 5", "5 $", "EW"] {
            assert!(amount(garbage).is_err(), "{garbage:?}");
        }
    }

    #[test]
    fn a_plain_utf8_file_with_lf_and_trailing_blank_lines_parses() {
        let csv = b"DataSource,Commodity,Year,Price_Metal_dkg,Price_GeO2_dkg,NIR_pct\n\
                    MCS2023,Germanium,2021,1187,770,>50\n\
                    MCS2023,Germanium,2022E,\"1,300\",840,>50\n\n\n";
        assert_eq!(
            parse(csv).unwrap(),
            [Point { date: jan1(2021), value: 1187.0 }, Point { date: jan1(2022), value: 1300.0 }]
        );
    }

    #[test]
    fn a_file_cut_mid_row_is_an_error_not_a_shorter_series() {
        let cut_at = SALIENT.windows(8).position(|w| w == b"\"12,000E").unwrap() + 4;
        let detail = parse_err(parse(&SALIENT[..cut_at]));
        assert!(detail.starts_with("line 6:"), "{detail}");

        let cut_number = b"Year,Price_dollars_per_kg\r\n2023,\"1,250\"\r\n2024,\"1,2";
        let detail = parse_err(parse(cut_number));
        assert!(detail.starts_with("line 3, column 'Price_dollars_per_kg'"), "{detail}");
    }

    #[test]
    fn line_numbers_count_physical_lines_whatever_the_line_ends() {
        for csv in ["Year,Price_t\r\n2023,5\r\n\r\nTotal,6\r\n", "Year,Price_t\n2023,5\n\nTotal,6\n"] {
            let detail = parse_err(parse(csv.as_bytes()));
            assert!(detail.starts_with("line 4: 'Total'"), "{csv:?}: {detail}");
        }
    }

    #[test]
    fn a_file_without_a_price_column_is_an_error_listing_the_headers() {
        let detail = parse_err(parse(b"DataSource,Commodity,Year,USprod_t\r\nMCS2025,Lithium,2024,W\r\n"));
        assert!(detail.contains("'Price'") && detail.contains("DataSource, Commodity, Year, USprod_t"), "{detail}");
    }

    #[test]
    fn a_year_that_is_not_a_year_or_appears_twice_is_an_error_naming_the_line() {
        let detail = parse_err(parse(b"Year,Price_t\r\n2023,5\r\nTotal,6\r\n"));
        assert!(detail.starts_with("line 3: 'Total'"), "{detail}");
        let detail = parse_err(parse(b"Year,Price_t\r\n2023,5\r\n2023,6\r\n"));
        assert!(detail.starts_with("line 3: year 2023 appears twice"), "{detail}");
    }

    #[test]
    fn the_newest_salient_csv_of_the_commodity_is_picked_from_a_search() {
        let (url, name) = pick_file(SEARCH, "lithium").unwrap();
        assert_eq!(name, "MCS2025-Lithi_Salient.CSV");
        assert_eq!(
            url,
            "https://www.sciencebase.gov/catalog/file/get/65a6e45fd34e5af967a46749?f=__disk__bb%2F02%2Fmcs2025"
        );
    }

    #[test]
    fn world_tables_metadata_other_commodities_and_short_stems_are_not_picked() {
        assert_eq!(pick_file(SEARCH, "lead").unwrap().1, "mcs2026-lead_salient.csv");
        assert_eq!(parse_err(pick_file(SEARCH, "cobalt")), "no MCS salient CSV for 'cobalt' on ScienceBase");
        assert!(!stem_matches("li", "lithium"));
        assert!(!stem_matches("lithi", "lead"));
        assert!(stem_matches("raree", "rare-earths"));
        assert!(stem_matches("rare_earths", "Rare Earths"));
        assert_eq!(salient_name("mcs2026-lithi_world.csv"), None);
        assert_eq!(salient_name("mcs2025-lithi_salient.xml"), None);
        assert_eq!(salient_name("MCS2025-Zirco-Hafni_Salient.csv"), Some((2025, "zirco-hafni".into())));
    }

    #[test]
    fn download_uri_stands_in_for_a_missing_url() {
        let json =
            br#"{"items":[{"files":[{"name":"mcs2023-lithium_salient.csv","downloadUri":"https://x/get?f=1"}]}]}"#;
        assert_eq!(
            pick_file(json, "lithium").unwrap(),
            ("https://x/get?f=1".into(), "mcs2023-lithium_salient.csv".into())
        );
    }

    #[test]
    fn an_item_id_takes_the_salient_csv_of_that_item_whatever_its_name() {
        assert!(is_item_id("63d1a3c6d34e06fef15006be"));
        assert!(!is_item_id("germanium"));
        let (url, name) = pick_file(ITEM, "63d1a3c6d34e06fef15006be").unwrap();
        assert_eq!(name, "mcs2023-germa_salient.csv");
        assert!(url.ends_with("?f=__disk__7e%2F49%2Fe8%2F7e49e8a4a53eb2219837f97defb22a25a286cdbc"), "{url}");

        let mixed = br#"{"files":[{"name":"mcs2025-lithi_salient.csv","url":"a"},{"name":"mcs2025-lead_salient.csv","url":"b"}]}"#;
        let detail = parse_err(pick_file(mixed, "6793e234d34e72688d6b71e7"));
        assert!(detail.contains("lithi, lead"), "{detail}");
    }

    #[test]
    fn a_listing_that_is_not_json_is_a_parse_error() {
        assert!(matches!(pick_file(b"{\"items\": [", "lithium"), Err(SourceError::Parse { format: "JSON", .. })));
    }

    fn http() -> Arc<Http> {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let config = crate::config::Config::builtin().unwrap().sources;
        let mut policy = super::super::HttpPolicy::from_config(&config);
        policy.max_retries = 0;
        policy.rates = [(Provider::Usgs, 1000.0)].into();
        Arc::new(Http::new(policy).unwrap())
    }

    #[tokio::test]
    async fn a_commodity_code_is_searched_for_and_its_newest_salient_csv_read() {
        use wiremock::matchers::{method, path, query_param};
        use wiremock::{Mock, MockServer, ResponseTemplate};
        let server = MockServer::start().await;
        let search = format!(
            r#"{{"total":1,"items":[{{"id":"6793e234d34e72688d6b71e7","title":"Rare earths","files":[
                {{"name":"mcs2024-raree_salient.csv","url":"{0}/catalog/file/get/old"}},
                {{"name":"mcs2025-raree_salient.csv","url":"{0}/catalog/file/get/new"}}]}}]}}"#,
            server.uri()
        );
        Mock::given(method("GET"))
            .and(path("/catalog/items"))
            .and(query_param("q", "Mineral Commodity Summaries rare earths"))
            .and(query_param("fields", "title,files"))
            .respond_with(ResponseTemplate::new(200).set_body_raw(search, "application/json"))
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/catalog/file/get/new"))
            .respond_with(ResponseTemplate::new(200).set_body_raw(
                "DataSource,Commodity,Year,Price_NdOxide_dollars_per_kg\r\nMCS2025,Rare earths,2024E,\"1,050\"\r\n",
                "text/csv",
            ))
            .expect(1)
            .mount(&server)
            .await;
        let usgs = Usgs::new(http(), &format!("{}/", server.uri()));
        assert_eq!(usgs.fetch("rare-earths").await.unwrap(), [Point { date: jan1(2024), value: 1050.0 }]);
    }

    #[tokio::test]
    async fn an_item_id_is_fetched_directly_and_parse_errors_name_the_file() {
        use wiremock::matchers::{method, path, query_param};
        use wiremock::{Mock, MockServer, ResponseTemplate};
        let server = MockServer::start().await;
        let item = format!(r#"{{"files":[{{"name":"mcs2023-germa_salient.csv","url":"{}/get/g"}}]}}"#, server.uri());
        Mock::given(method("GET"))
            .and(path("/catalog/item/63d1a3c6d34e06fef15006be"))
            .and(query_param("format", "json"))
            .respond_with(ResponseTemplate::new(200).set_body_raw(item, "application/json"))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/get/g"))
            .respond_with(ResponseTemplate::new(200).set_body_raw("Year,USprod_kg\r\n2022,0\r\n", "text/csv"))
            .mount(&server)
            .await;
        let usgs = Usgs::new(http(), &server.uri());
        let detail = parse_err(usgs.fetch("63D1A3C6D34E06FEF15006BE").await);
        assert!(detail.starts_with("mcs2023-germa_salient.csv: no column starting with 'Price'"), "{detail}");
    }
}
