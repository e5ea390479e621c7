//! A local upstream: every provider's answers, rendered in the provider's real format from
//! generated points, served by wiremock. Tests point the base URLs here.
use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use quarry::config::Config;
use quarry::universe::{Frequency, Instrument, Provider, Universe, MACRO_GROUP};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

pub type Pts = Vec<(NaiveDate, Option<f64>)>;

pub const WORLDBANK_XLSX: &[u8] = include_bytes!("../fixtures/sources/worldbank_pinksheet.xlsx");
pub const LANDING_PATH: &str = "/en/research/commodity-markets";
pub const XLSX_PATH: &str = "/files/CMO-Historical-Data-Monthly.xlsx";

/// The User-Agent tests send to the local EDGAR: an operator and a contact e-mail.
pub const EDGAR_TEST_UA: &str = "Quarry test suite tests@example.com";

/// Points the configuration's sources at `uri`, with fast retries, short timeouts and
/// no rate limit worth the name, so tests do not wait on politeness meant for real hosts.
pub fn point_sources_at(c: &mut Config, uri: &str) {
    let s = &mut c.sources;
    s.lbma_base_url = uri.into();
    s.fred_base_url = uri.into();
    s.fred_api_base_url = uri.into();
    s.eia_base_url = uri.into();
    s.usgs_base_url = uri.into();
    s.yahoo_base_url = uri.into();
    s.worldbank_landing_url = format!("{uri}{LANDING_PATH}");
    s.edgar_base_url = uri.into();
    s.edgar_data_base_url = uri.into();
    // A stand-in operator: EDGAR calls refuse to run without one.
    s.edgar_user_agent = EDGAR_TEST_UA.into();
    s.connect_timeout_secs = 1;
    s.fetch_timeout_secs = 1;
    s.retry_base_ms = 20;
    let r = &mut s.rate_limits;
    for rate in [
        &mut r.lbma,
        &mut r.fred,
        &mut r.fred_api,
        &mut r.eia,
        &mut r.worldbank,
        &mut r.usgs,
        &mut r.yahoo,
        &mut r.edgar,
    ] {
        *rate = 1000.0;
    }
}

/// The environment variables that do the same for a `quarry` process.
pub fn env_for(uri: &str) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = ["LBMA", "FRED", "FRED_API", "EIA", "USGS", "YAHOO", "EDGAR", "EDGAR_DATA"]
        .iter()
        .map(|p| (format!("QUARRY_SOURCES__{p}_BASE_URL"), uri.to_string()))
        .collect();
    v.push(("QUARRY_SOURCES__WORLDBANK_LANDING_URL".into(), format!("{uri}{LANDING_PATH}")));
    v.push(("QUARRY_SOURCES__FETCH_TIMEOUT_SECS".into(), "2".into()));
    v.push(("QUARRY_SOURCES__RETRY_BASE_MS".into(), "20".into()));
    v.push(("QUARRY_SOURCES__EDGAR_USER_AGENT".into(), EDGAR_TEST_UA.into()));
    for p in ["LBMA", "FRED", "FRED_API", "EIA", "WORLDBANK", "USGS", "YAHOO", "EDGAR"] {
        v.push((format!("QUARRY_SOURCES__RATE_LIMITS__{p}"), "1000".into()));
    }
    v
}

/// Business days ending at `end`, `n` of them, with values drifting from `base`.
pub fn daily(end: NaiveDate, n: usize, base: f64) -> Pts {
    let mut out = Vec::new();
    let mut d = end;
    while out.len() < n {
        if !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
            out.push(d);
        }
        d -= Duration::days(1);
    }
    out.reverse();
    out.into_iter().enumerate().map(|(i, d)| (d, Some(((base + i as f64 * 0.37) * 100.0).round() / 100.0))).collect()
}

/// Wednesdays, `n` of them, the last one at or before `end`, with values drifting from
/// `base` (the Fed's weekly levels are dated Wednesdays).
pub fn weekly(end: NaiveDate, n: usize, base: f64) -> Pts {
    let back = (7 + end.weekday().num_days_from_monday() - Weekday::Wed.num_days_from_monday()) % 7;
    let last = end - Duration::days(i64::from(back));
    (0..n)
        .map(|i| {
            let d = last - Duration::weeks((n - 1 - i) as i64);
            (d, Some(((base + i as f64 * 1.25) * 100.0).round() / 100.0))
        })
        .collect()
}

pub fn monthly(last: NaiveDate, n: u32, base: f64) -> Pts {
    (0..n)
        .map(|i| {
            let d = last.checked_sub_months(chrono::Months::new(n - 1 - i)).unwrap();
            (d.with_day(1).unwrap(), Some(base + f64::from(i) * 12.5))
        })
        .collect()
}

pub fn annual(last_year: i32, n: i32, base: f64) -> Pts {
    (0..n)
        .map(|i| (NaiveDate::from_ymd_opt(last_year - n + 1 + i, 1, 1).unwrap(), Some(base + f64::from(i) * 3.0)))
        .collect()
}

fn num(v: Option<f64>) -> String {
    v.map(|v| v.to_string()).unwrap_or_else(|| "null".into())
}

pub fn lbma_json(p: &Pts) -> String {
    let rows: Vec<String> = p
        .iter()
        .map(|(d, v)| {
            format!("{{\"is_cms_locked\":0,\"d\":\"{d}\",\"v\":[{},{},null]}}", num(*v), num(v.map(|x| x * 0.79)))
        })
        .collect();
    format!("[{}]", rows.join(","))
}

pub fn fred_csv(code: &str, p: &Pts) -> String {
    let mut s = format!("observation_date,{code}\n");
    for (d, v) in p {
        s.push_str(&format!("{d},{}\n", v.map(|v| v.to_string()).unwrap_or_else(|| ".".into())));
    }
    s
}

pub fn fred_api_json(p: &Pts) -> String {
    let obs: Vec<String> = p
        .iter()
        .map(|(d, v)| {
            let v = v.map(|v| v.to_string()).unwrap_or_else(|| ".".into());
            format!("{{\"realtime_start\":\"2026-11-28\",\"realtime_end\":\"2026-11-28\",\"date\":\"{d}\",\"value\":\"{v}\"}}")
        })
        .collect();
    format!(
        "{{\"realtime_start\":\"2026-11-28\",\"realtime_end\":\"2026-11-28\",\"observation_start\":\"1600-01-01\",\"observation_end\":\"9999-12-31\",\"units\":\"lin\",\"output_type\":1,\"file_type\":\"json\",\"order_by\":\"observation_date\",\"sort_order\":\"asc\",\"count\":{},\"offset\":0,\"limit\":100000,\"observations\":[{}]}}",
        p.len(),
        obs.join(",")
    )
}

pub fn eia_json(code: &str, p: &Pts) -> String {
    let rows: Vec<String> = p
        .iter()
        .map(|(d, v)| {
            let v = v.map(|v| format!("\"{v}\"")).unwrap_or_else(|| "null".into());
            format!(
                "{{\"period\":\"{d}\",\"duoarea\":\"YCUOK\",\"series\":\"{code}\",\"value\":{v},\"units\":\"$/BBL\"}}"
            )
        })
        .collect();
    format!("{{\"response\":{{\"total\":\"{}\",\"dateFormat\":\"YYYY-MM-DD\",\"frequency\":\"daily\",\"data\":[{}]}},\"apiVersion\":\"2.1.8\"}}", p.len(), rows.join(","))
}

pub fn yahoo_json(code: &str, p: &Pts) -> String {
    // Bars stamped at the 09:30 New York open, as Yahoo does for futures.
    let ts: Vec<String> =
        p.iter().map(|(d, _)| (d.and_hms_opt(14, 30, 0).unwrap().and_utc().timestamp()).to_string()).collect();
    let close: Vec<String> = p.iter().map(|(_, v)| num(*v)).collect();
    format!(
        "{{\"chart\":{{\"result\":[{{\"meta\":{{\"currency\":\"USD\",\"symbol\":\"{code}\",\"gmtoffset\":-18000,\"timezone\":\"EST\",\"regularMarketPrice\":1.0}},\"timestamp\":[{}],\"indicators\":{{\"quote\":[{{\"open\":[{c}],\"high\":[{c}],\"low\":[{c}],\"close\":[{c}],\"volume\":[{c}]}}]}}}}],\"error\":null}}}}",
        ts.join(","),
        c = close.join(",")
    )
}

/// A USGS salient CSV as ScienceBase serves it: a BOM, cp1252 text, CRLF line ends.
pub fn usgs_csv(commodity: &str, p: &Pts) -> Vec<u8> {
    let mut s: Vec<u8> = b"\xEF\xBB\xBF".to_vec();
    s.extend_from_slice(b"DataSource,Commodity,Year,USprod_t,Price_dollars_per_t,NIR_pct\r\n");
    for (d, v) in p {
        let v = v.map(|v| v.to_string()).unwrap_or_else(|| "W".into());
        // 0xE9 is "é" in cp1252 and invalid on its own in UTF-8.
        s.extend_from_slice(format!("MCS2025,{commodity} m").as_bytes());
        s.push(0xE9);
        s.extend_from_slice(format!("tal,{},W,{v},>50\r\n", d.year()).as_bytes());
    }
    s
}

pub fn usgs_search(uri: &str, codes: &[&str]) -> String {
    let items: Vec<String> = codes
        .iter()
        .enumerate()
        .map(|(i, c)| {
            format!(
                "{{\"id\":\"6797ff62d34ea8c18376e1{i:02x}\",\"title\":\"Mineral Commodity Summaries 2025 - {c}\",\"files\":[{{\"name\":\"mcs2025-{c}_salient.csv\",\"contentType\":\"text/csv\",\"url\":\"{uri}/files/mcs2025-{c}_salient.csv\"}},{{\"name\":\"mcs2025-{c}_world.csv\",\"contentType\":\"text/csv\",\"url\":\"{uri}/files/mcs2025-{c}_world.csv\"}}]}}"
            )
        })
        .collect();
    format!("{{\"total\":{},\"items\":[{}]}}", codes.len(), items.join(","))
}

pub fn worldbank_landing(uri: &str) -> String {
    format!(
        "<!DOCTYPE html><html><head><title>Commodity Markets</title></head><body>\
         <a href=\"/en/research/commodity-markets#1\">Pink Sheet</a>\
         <a href=\"{uri}/files/CMO-Pink-Sheet-November-2026.pdf\">Monthly Pink Sheet (PDF)</a>\
         <a href=\"{uri}{XLSX_PATH}\">Monthly prices (XLSX)</a></body></html>"
    )
}

pub fn ok(body: impl Into<Vec<u8>>, content_type: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(body.into(), content_type)
}

/// What one instrument's primary source serves: about a year of history.
pub fn series_for(inst: &Instrument, today: NaiveDate, seed: f64) -> Pts {
    series_over(inst, today, seed, 1)
}

/// The same over `years` of history (annual series always have the five USGS publishes).
/// A macro series serves its demo model's values (its real order of magnitude: a balance
/// sheet in USD millions, rates in percent) over the same span, at most back to 2010.
pub fn series_over(inst: &Instrument, today: NaiveDate, seed: f64, years: u32) -> Pts {
    if inst.group == MACRO_GROUP {
        let end = today - Duration::days(1);
        if let Some(all) = quarry::demo::macro_series::generate(&inst.slug, inst.frequency, end) {
            let months = if inst.frequency == Frequency::Monthly { 36.max(12 * years) } else { 12 * years };
            let from = end.checked_sub_months(chrono::Months::new(months)).unwrap();
            let mut p: Pts = all.into_iter().filter(|(d, _)| *d > from).map(|(d, v)| (d, Some(v))).collect();
            p[3].1 = None; // a day (or week, or month) without a value: `.`, not zero
            return p;
        }
    }
    match inst.frequency {
        Frequency::Daily => {
            let mut p = daily(today - Duration::days(1), 260 * years as usize, seed);
            p[10].1 = None; // a holiday: missing, not zero
            p
        }
        Frequency::Weekly => {
            let mut p = weekly(today - Duration::days(1), 52 * years as usize, seed);
            p[3].1 = None; // a week without a print: `.`, not zero
            p
        }
        Frequency::Monthly => {
            let last = today.checked_sub_months(chrono::Months::new(1)).unwrap();
            monthly(last, 36.max(12 * years), seed)
        }
        Frequency::Annual => {
            let mut p = annual(today.year() - 1, 5, seed);
            p[0].1 = None; // withheld
            p
        }
    }
}

/// Mounts answers for the primary source of every series (the instruments and the macro
/// series) and returns what each serves, by slug.
pub async fn mount_universe(server: &MockServer, universe: &Universe, today: NaiveDate) -> HashMap<String, Pts> {
    mount_universe_except(server, universe, today, None).await
}

/// The same, leaving one provider's answers to the caller (to break them).
pub async fn mount_universe_except(
    server: &MockServer,
    universe: &Universe,
    today: NaiveDate,
    except: Option<Provider>,
) -> HashMap<String, Pts> {
    let uri = server.uri();
    let mut served = HashMap::new();
    let mut usgs_codes = Vec::new();
    for (i, inst) in universe.all_series().enumerate() {
        let src = &inst.sources[0];
        if Some(src.provider) == except {
            continue;
        }
        let p = series_for(inst, today, 50.0 + 10.0 * i as f64);
        mount_source(server, src.provider, &src.code, &p).await;
        if src.provider == Provider::Usgs {
            usgs_codes.push(src.code.clone());
        }
        served.insert(inst.slug.clone(), p);
    }
    let codes: Vec<&str> = usgs_codes.iter().map(String::as_str).collect();
    Mock::given(method("GET"))
        .and(path("/catalog/items"))
        .respond_with(ok(usgs_search(&uri, &codes), "application/json"))
        .mount(server)
        .await;
    mount_worldbank(server).await;
    served
}

pub async fn mount_worldbank(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path(LANDING_PATH))
        .respond_with(ok(worldbank_landing(&server.uri()), "text/html; charset=utf-8"))
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path(XLSX_PATH))
        .respond_with(ok(WORLDBANK_XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
        .mount(server)
        .await;
}

/// Mounts the data answer of one feed (for USGS, the CSV file; the search is separate).
pub async fn mount_source(server: &MockServer, provider: Provider, code: &str, p: &Pts) {
    if provider == Provider::Worldbank {
        return mount_worldbank(server).await;
    }
    let (m, body, content_type) = source_answer(provider, code, p);
    m.respond_with(ok(body, content_type)).mount(server).await;
}

/// The request one feed's data comes from, and its answer in the provider's format.
pub fn source_answer(provider: Provider, code: &str, p: &Pts) -> (wiremock::MockBuilder, Vec<u8>, &'static str) {
    match provider {
        Provider::Lbma => (Mock::given(path(format!("/json/{code}.json"))), lbma_json(p).into(), "application/json"),
        Provider::Fred => (
            Mock::given(path("/graph/fredgraph.csv")).and(query_param("id", code)),
            fred_csv(code, p).into(),
            "text/csv",
        ),
        Provider::FredApi => (
            Mock::given(path("/fred/series/observations")).and(query_param("series_id", code)),
            fred_api_json(p).into(),
            "application/json",
        ),
        Provider::Eia => {
            (Mock::given(path("/v2/petroleum/pri/spt/data/")), eia_json(code, p).into(), "application/json")
        }
        Provider::Yahoo => {
            (Mock::given(path(format!("/v8/finance/chart/{code}"))), yahoo_json(code, p).into(), "application/json")
        }
        Provider::Usgs => {
            (Mock::given(path(format!("/files/mcs2025-{code}_salient.csv"))), usgs_csv(code, p), "text/csv")
        }
        Provider::Worldbank => (Mock::given(path(XLSX_PATH)), WORLDBANK_XLSX.to_vec(), "application/octet-stream"),
        Provider::Edgar => unreachable!("EDGAR serves filings, not series; venture_sync mounts its own fixtures"),
    }
}
