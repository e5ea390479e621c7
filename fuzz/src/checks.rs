//! What each fuzz target checks, one function per target taking the raw input.
//!
//! Every function must not panic on any input, and asserts what the parser or computation
//! promises: every f64 that can reach a served value (JSON, a page) is finite or absent,
//! TVPI = DPI + RVPI, an XIRR is finite or none, signals continued with `extend` equal a
//! full `compute`, a query string built from a parsed filter parses back to that filter.
//!
//! The fuzz targets (fuzz/fuzz_targets/) each call one of these. tests/it/fuzz_regressions.rs
//! includes this file too and replays every seed and every kept crash input through the
//! same functions on stable Rust, so this file uses only crates Quarry itself depends on.
use chrono::{Days, NaiveDate};
use quarry::sources::{
    edgar_index, edgar_prospectus, edgar_submissions, eia, form_d, fred, fred_api, lbma, usgs, worldbank, yahoo, Point,
};

/// A target's check: it panics when the input breaks a promise.
pub type Check = fn(&[u8]);

/// Every target, by the name of its directory under fuzz/corpus and fuzz/regressions.
pub const TARGETS: [(&str, Check); 17] = [
    ("lbma", lbma),
    ("fred_csv", fred_csv),
    ("fred_json", fred_json),
    ("eia", eia),
    ("usgs_csv", usgs_csv),
    ("usgs_search", usgs_search),
    ("pinksheet", pinksheet),
    ("pinksheet_landing", pinksheet_landing),
    ("yahoo", yahoo),
    ("edgar_index", edgar_index),
    ("form_d", form_d),
    ("edgar_submissions", edgar_submissions),
    ("edgar_prospectus", edgar_prospectus),
    ("import", import),
    ("query", query),
    ("signals", signals),
    ("returns", returns),
];

fn finite(what: &str, v: f64) {
    assert!(v.is_finite(), "{what} is {v}");
}

fn finite_opt(what: &str, v: Option<f64>) {
    if let Some(v) = v {
        finite(what, v);
    }
}

/// Points become stored observations, charts and JSON: never NaN or infinite.
fn finite_points(points: &[Point]) {
    for p in points {
        finite(&format!("the value on {}", p.date), p.value);
    }
}

/// EDGAR bodies reach their parsers as text decoded this way (sources/edgar.rs).
fn text(data: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(data)
}

/// `data` split at its first newline: a short parameter line, then the body.
fn first_line(data: &[u8]) -> (std::borrow::Cow<'_, str>, &[u8]) {
    match data.iter().position(|&b| b == b'\n') {
        Some(i) => (text(&data[..i]), &data[i + 1..]),
        None => (text(data), &[][..]),
    }
}

// ---------------------------------------------------------------------------------------
// Price sources

pub fn lbma(data: &[u8]) {
    if let Ok(points) = lbma::parse(data) {
        finite_points(&points);
    }
}

pub fn fred_csv(data: &[u8]) {
    if let Ok(points) = fred::parse(data) {
        finite_points(&points);
    }
}

pub fn fred_json(data: &[u8]) {
    if let Ok(page) = fred_api::parse(data) {
        finite_points(&page.points);
        assert!(page.points.len() as u64 <= page.rows, "more points than observations");
    }
}

pub fn eia(data: &[u8]) {
    if let Ok(page) = eia::parse(data, "RWTC") {
        finite_points(&page.points);
        assert!(page.points.len() as u64 <= page.rows, "more points than rows");
    }
}

pub fn usgs_csv(data: &[u8]) {
    if let Ok(points) = usgs::parse(data) {
        finite_points(&points);
        assert!(points.windows(2).all(|w| w[0].date < w[1].date), "years not ascending and unique");
    }
}

/// The first line is the configured code (a commodity or a ScienceBase item id), the rest
/// the ScienceBase answer.
pub fn usgs_search(data: &[u8]) {
    let (code, json) = first_line(data);
    if let Ok((url, name)) = usgs::pick_file(json, &code) {
        assert!(!url.trim().is_empty(), "an empty download URL");
        let lower = name.trim().to_ascii_lowercase();
        assert!(lower.starts_with("mcs") && lower.ends_with("_salient.csv"), "picked {name:?}");
    }
}

/// The World Bank's Pink Sheet workbook. An even first byte: the rest is the file as
/// downloaded. An odd one: the rest is the XML of the "Monthly Prices" sheet, packed into
/// an otherwise valid workbook, so the fuzzer works on the cells rather than the ZIP.
pub fn pinksheet(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else { return };
    let workbook = if mode % 2 == 0 { rest.to_vec() } else { xlsx_with_sheet(rest) };
    if let Ok(book) = worldbank::parse_workbook(&workbook) {
        for (name, points) in &book {
            finite_points(points);
            assert_eq!(worldbank::column(&book, name).as_ref(), Ok(points), "column {name:?} not found by its name");
        }
    }
}

pub fn pinksheet_landing(data: &[u8]) {
    let landing = "https://www.worldbank.org/en/research/commodity-markets";
    if let Ok(link) = worldbank::find_workbook_link(&text(data), landing) {
        // Absolute: it starts with a scheme (any scheme: a page linking elsewhere than
        // http(s) makes the download fail, not the parser).
        let scheme = link.split_once(':').map_or("", |(s, _)| s);
        assert!(
            !scheme.is_empty() && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)),
            "the link {link:?} is not absolute"
        );
    }
}

pub fn yahoo(data: &[u8]) {
    if let Ok(points) = yahoo::parse(data) {
        finite_points(&points);
    }
}

// ---------------------------------------------------------------------------------------
// SEC EDGAR

/// Both layouts: fixed-width (`form.idx`, `company.idx`) and pipe-separated (`master.idx`).
pub fn edgar_index(data: &[u8]) {
    if let Ok(index) = edgar_index::parse(&text(data)) {
        for e in &index.entries {
            assert_eq!(edgar_index::accession_of(&e.path).as_deref(), Some(e.accession.as_str()));
            assert!(!e.form.is_empty(), "an entry without a form type");
        }
    }
}

pub fn form_d(data: &[u8]) {
    if let Ok(f) = form_d::parse(&text(data)) {
        for (what, a) in [("total offering", Some(f.total_offering)), ("total remaining", f.total_remaining)] {
            if let Some(form_d::Amount::Dollars(v)) = a {
                finite(what, v);
            }
        }
        finite_opt("total sold", f.total_sold);
        finite_opt("minimum investment", f.minimum_investment);
    }
}

pub fn edgar_submissions(data: &[u8]) {
    if let Ok(s) = edgar_submissions::parse(&text(data)) {
        assert!(s.tickers.iter().chain(&s.exchanges).all(|t| !t.trim().is_empty()), "a blank ticker or exchange");
    }
}

pub fn edgar_prospectus(data: &[u8]) {
    let html = text(data);
    let _ = edgar_prospectus::text_of(&html);
    if let Ok(t) = edgar_prospectus::parse(&html) {
        if let Some((lo, hi)) = t.range {
            finite("range low", lo);
            finite("range high", hi);
            assert!(lo < hi, "a range from {lo} to {hi}");
        }
        finite_opt("price", t.price);
        finite_opt("total", t.total);
        finite_opt("maximum aggregate", t.max_aggregate);
        for priced in [false, true] {
            if let Some(o) = edgar_prospectus::offering(&t, priced) {
                finite_opt("price low", o.price_low);
                finite_opt("price high", o.price_high);
                finite_opt("amount", o.amount);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// The venture import

/// The first byte picks the file name the upload came with: `.csv`, `.json`, or none
/// (the content decides).
pub fn import(data: &[u8]) {
    use quarry::venture::import;
    let Some((&mode, body)) = data.split_first() else { return };
    let name = ["upload.csv", "upload.json", "upload"][usize::from(mode % 3)];
    let p = import::parse(name, body);
    let s = &p.set;
    for r in &s.funds {
        finite_opt("fund size", r.data.size_usd);
    }
    for r in &s.rounds {
        finite_opt("round amount", r.data.amount_usd);
        finite_opt("pre-money", r.data.pre_money_usd);
        finite_opt("post-money", r.data.post_money_usd);
    }
    for r in &s.acquisitions {
        finite_opt("acquisition price", r.data.price_usd);
    }
    for r in &s.valuations {
        finite("valuation", r.data.post_money_usd);
        finite_opt("pre-money", r.data.pre_money_usd);
    }
    for r in &s.cash_flows {
        finite("cash flow", r.data.amount);
    }
    for r in &s.holdings {
        finite("invested", r.data.invested_usd);
        finite("realized", r.data.realized_usd);
        finite("unrealized", r.data.unrealized_usd);
        let moic = quarry::venture::returns::moic(r.data.invested_usd, r.data.realized_usd, r.data.unrealized_usd);
        finite_opt("a holding's MOIC", moic);
    }
    if p.errors.is_empty() {
        assert!(p.rows > 0, "no rows and no error");
        // What the fund pages compute from these rows (every flow of the file as one fund).
        let flows: Vec<_> = s
            .cash_flows
            .iter()
            .enumerate()
            .map(|(i, r)| flow_model(i, r.data.date, &r.data.kind, r.data.amount))
            .collect();
        check_returns_view(&quarry::venture::service::returns_view(&flows, &[]));
    }
}

// ---------------------------------------------------------------------------------------
// Query strings

/// The series slugs a chart view may name.
const KNOWN_SERIES: [&str; 5] = ["gold", "silver", "wti", "cpi", "sp500"];

/// The first byte picks the parser; the rest is a query string (or, for the date spans,
/// lines holding `from`, `to` and the newest stored date).
pub fn query(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else { return };
    let s = text(rest);
    match mode % 5 {
        0 => funding(&s),
        1 => chart_view(&s),
        2 => spans(&s),
        3 => single_values(&s),
        _ => {
            // Every other plain value a handler reads from its query string.
            let _ = quarry::commodities::range::Range::parse(&s).map(|r| r.start(NaiveDate::MAX));
            let _ = quarry::commodities::range::Range::parse(&s).map(|r| r.start(NaiveDate::MIN));
            let _ = quarry::commodities::downsample::Interval::parse(&s);
            let _ = quarry::params::parse_date(&s);
        }
    }
}

/// A query string as axum's `Query` reads it, when it could arrive in a request at all.
fn from_query<T: serde::de::DeserializeOwned>(q: &str) -> Option<T> {
    let uri: axum::http::Uri = format!("/x?{q}").parse().ok()?;
    axum::extract::Query::<T>::try_from_uri(&uri).ok().map(|axum::extract::Query(t)| t)
}

fn client_error(e: &quarry::error::AppError) {
    assert!(e.kind.status() < 500, "a bad query string answered {}: {}", e.kind.status(), e.message);
}

/// The funding table's filter; the page's links are built with `href`, and following one
/// must show the same filter.
fn funding(q: &str) {
    use quarry::venture::query::FundingParams;
    let Some(params) = from_query::<FundingParams>(q) else { return };
    match params.parse() {
        Ok(f) => {
            finite_opt("min_amount", f.min_amount);
            finite_opt("max_amount", f.max_amount);
            let link = f.href("/venture/funding", f.page);
            let again = link.split_once('?').map_or("", |(_, q)| q);
            let back = from_query::<FundingParams>(again).unwrap_or_else(|| panic!("the link {link:?} is no URL"));
            assert_eq!(back.parse().as_ref(), Ok(&f), "the link {link:?} reads as another filter");
        }
        Err(e) => client_error(&e),
    }
}

fn chart_view(q: &str) {
    use quarry::charts::view::{self, ViewQuery};
    let Some(params) = from_query::<ViewQuery>(q) else { return };
    let known: Vec<String> = KNOWN_SERIES.iter().map(|s| s.to_string()).collect();
    match view::parse(&params, &known) {
        Ok(v) => {
            assert!((1..=view::MAX_SERIES).contains(&v.series.len()), "{} series", v.series.len());
            assert!(v.series.iter().all(|s| known.contains(s)), "an unknown series passed");
        }
        Err(e) => client_error(&e),
    }
}

fn spans(s: &str) {
    use quarry::venture::query;
    let mut lines = s.split('\n');
    let (from, to, latest) = (lines.next(), lines.next(), lines.next());
    match quarry::params::date_span(from, to) {
        Ok((Some(f), Some(t))) => assert!(f <= t, "from {f} after to {t}"),
        Ok(_) => {}
        Err(e) => client_error(&e),
    }
    let (Ok(from), Ok(to)) =
        (query::date("from", &from.map(str::to_string)), query::date("to", &to.map(str::to_string)))
    else {
        return;
    };
    // The newest stored date: any date chrono holds (a broken row must still be a 400).
    let latest = latest.and_then(|l| l.trim().parse::<NaiveDate>().ok()).unwrap_or(NaiveDate::MAX);
    match query::landscape_period(from, to, latest) {
        Ok((start, end)) => {
            assert!(start <= end, "a landscape from {start} to {end}");
            assert!(query::quarters(start, end).len() <= 4 * 31, "more quarters than 30 years hold");
        }
        Err(e) => client_error(&e),
    }
}

/// The venture endpoints' one-value readers, on one value.
fn single_values(s: &str) {
    use quarry::venture::query;
    let v = Some(s.to_string());
    if let Ok(Some(x)) = query::amount("min_amount", &v) {
        assert!(x.is_finite() && x >= 0.0, "amount {x}");
    }
    let _ = query::sector(&v);
    let _ = query::stage(&v);
    if let Ok(Some(st)) = query::state(&v) {
        assert_eq!(st.len(), 2, "state {st:?}");
    }
    if let Ok(n) = query::page(&v) {
        assert!(n >= 1);
    }
    if let Ok(n) = query::per_page(&v) {
        assert!((1..=query::MAX_PER_PAGE).contains(&n));
    }
    let _ = query::search(&v);
    let _ = query::optional_one_of("status", &v, &["announced", "completed"]);
    let _ = query::date("from", &v);
}

// ---------------------------------------------------------------------------------------
// Signals and returns

/// Reads numbers from the fuzzer's bytes; zeros once they run out.
struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn u8(&mut self) -> u8 {
        let Some((&b, rest)) = self.0.split_first() else { return 0 };
        self.0 = rest;
        b
    }

    fn u16(&mut self) -> u16 {
        u16::from_le_bytes([self.u8(), self.u8()])
    }

    fn f64(&mut self) -> f64 {
        let mut b = [0u8; 8];
        for x in &mut b {
            *x = self.u8();
        }
        f64::from_le_bytes(b)
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A series as the sources store it: finite values of any size, one per date, dates
/// ascending with gaps of 1 to 45 days. The first bytes pick the frequency and where the
/// series is split to be continued with `extend`.
pub fn signals(data: &[u8]) {
    use quarry::commodities::signals::{self, CarryState, Indicator};
    use quarry::universe::Frequency;
    let mut b = Bytes(data);
    let frequency =
        [Frequency::Daily, Frequency::Weekly, Frequency::Monthly, Frequency::Annual][usize::from(b.u8() % 4)];
    let split = usize::from(b.u16());
    let mut date = NaiveDate::from_ymd_opt(1990, 1, 1).expect("a date");
    let mut points = Vec::new();
    while !b.is_empty() && points.len() < 700 {
        date = date + Days::new(1 + u64::from(b.u8() % 45));
        let v = b.f64();
        if v.is_finite() {
            points.push((date, v));
        }
    }
    let rows = signals::compute(&points, frequency);
    assert_eq!(rows.len(), points.len());
    for r in &rows {
        finite("close", r.close);
        for ind in Indicator::ALL {
            finite_opt(ind.as_str(), r.value(ind));
        }
        if let Some(rsi) = r.rsi14 {
            assert!((0.0..=100.0).contains(&rsi), "RSI {rsi}");
        }
        // The carry state is stored as JSON text and must come back bit for bit.
        let text = serde_json::to_string(&r.state).expect("serializable");
        assert_eq!(serde_json::from_str::<CarryState>(&text).expect("readable"), r.state);
    }
    if points.len() < 2 {
        return;
    }
    // As the signals job continues a stored series: the history it keeps, the last row.
    let k = 1 + split % (points.len() - 1);
    let stored = &points[..k];
    let history = &stored[signals::history_start(stored, points[k].0)..];
    let continued = signals::extend(history, &rows[k - 1], &points[k..], frequency);
    assert!(continued == rows[k..], "extend after {k} of {} points differs from compute", points.len());
}

/// A fund's stored flows as the import writes them: calls negative, distributions and NAV
/// rows positive, each at most ten trillion dollars (the import's cap), dated 1990 to 2169;
/// then an index for the PME. XIRR, the multiples and the PME are computed as the fund
/// pages do.
pub fn returns(data: &[u8]) {
    use quarry::venture::returns;
    let mut b = Bytes(data);
    let n = usize::from(b.u8() % 48);
    let day0 = NaiveDate::from_ymd_opt(1990, 1, 1).expect("a date");
    let mut flows = Vec::new();
    for i in 0..n {
        let kind = ["call", "distribution", "nav"][usize::from(b.u8() % 3)];
        let date = day0 + Days::new(u64::from(b.u16()));
        let v = b.f64().abs();
        if !v.is_finite() || v > 1e13 {
            continue;
        }
        let amount = if kind == "call" { -v } else { v };
        flows.push(flow_model(i, date, kind, amount));
    }
    let mut index = Vec::new();
    while !b.is_empty() && index.len() < 64 {
        let date = day0 + Days::new(u64::from(b.u16()));
        let v = b.f64();
        if v.is_finite() {
            index.push((date, v));
        }
    }
    check_returns_view(&quarry::venture::service::returns_view(&flows, &index));

    // XIRR on its own, over every flow as given.
    let cash: Vec<(NaiveDate, f64)> = flows.iter().map(|f| (f.flow_date, f.amount)).collect();
    match returns::xirr(&cash) {
        Ok(r) => finite("XIRR", r),
        Err(returns::IrrError::MultipleRoots(roots)) => {
            assert!(roots.len() > 1 && roots.iter().all(|r| r.is_finite()), "roots {roots:?}");
        }
        Err(_) => {}
    }
    // What the fund API serializes must read back (a NaN would be written as null).
    let nav = cash.last().copied().unwrap_or((day0, 0.0));
    let fr = returns::fund_returns(&cash[..cash.len().saturating_sub(1)], nav, Some(&index));
    let text = serde_json::to_string(&fr).expect("serializable");
    let back: Result<returns::FundReturns, _> = serde_json::from_str(&text);
    assert!(back.is_ok(), "the fund's returns do not read back from {text}");
}

fn flow_model(i: usize, date: NaiveDate, kind: &str, amount: f64) -> quarry::db::entities::fund_cash_flows::Model {
    quarry::db::entities::fund_cash_flows::Model {
        id: i as i32 + 1,
        fund_id: 1,
        flow_date: date,
        kind: kind.to_string(),
        amount,
        source: "fuzz".into(),
        source_id: format!("fuzz-{i}"),
        fetched_at: chrono::DateTime::UNIX_EPOCH,
    }
}

/// A fund's returns as the pages show them: every figure finite or absent, and
/// TVPI = DPI + RVPI whenever the three are there.
fn check_returns_view(v: &quarry::venture::model::ReturnsView) {
    for (what, x) in [
        ("IRR", v.irr),
        ("paid-in", v.paid_in),
        ("distributed", v.distributed),
        ("NAV", v.nav),
        ("TVPI", v.tvpi),
        ("DPI", v.dpi),
        ("RVPI", v.rvpi),
        ("MOIC", v.moic),
        ("PME", v.pme),
    ] {
        finite_opt(what, x);
    }
    if let (Some(t), Some(d), Some(r)) = (v.tvpi, v.dpi, v.rvpi) {
        assert!((t - (d + r)).abs() <= 1e-9 * t.abs().max(1.0), "TVPI {t} is not DPI {d} + RVPI {r}");
    }
}

// ---------------------------------------------------------------------------------------
// A workbook around one sheet

/// A minimal .xlsx (stored, uncompressed) whose only sheet, "Monthly Prices", is `sheet`.
pub fn xlsx_with_sheet(sheet: &[u8]) -> Vec<u8> {
    const MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    const PKG: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
    let content_types = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
<Default Extension=\"xml\" ContentType=\"application/xml\"/>\
<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>\
<Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>\
</Types>";
    let rels = format!(
        "<Relationships xmlns=\"{PKG}\"><Relationship Id=\"rId1\" Type=\"{REL}/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"
    );
    let workbook = format!(
        "<workbook xmlns=\"{MAIN}\" xmlns:r=\"{REL}\"><sheets><sheet name=\"Monthly Prices\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"
    );
    let workbook_rels = format!(
        "<Relationships xmlns=\"{PKG}\"><Relationship Id=\"rId1\" Type=\"{REL}/worksheet\" Target=\"worksheets/sheet1.xml\"/></Relationships>"
    );
    stored_zip(&[
        ("[Content_Types].xml", content_types.as_bytes()),
        ("_rels/.rels", rels.as_bytes()),
        ("xl/workbook.xml", workbook.as_bytes()),
        ("xl/_rels/workbook.xml.rels", workbook_rels.as_bytes()),
        ("xl/worksheets/sheet1.xml", sheet),
    ])
}

/// A ZIP archive of uncompressed entries (APPNOTE 4.3: local headers, central directory,
/// end record).
fn stored_zip(files: &[(&str, &[u8])]) -> Vec<u8> {
    fn u16le(out: &mut Vec<u8>, v: u16) {
        out.extend_from_slice(&v.to_le_bytes());
    }
    fn u32le(out: &mut Vec<u8>, v: u32) {
        out.extend_from_slice(&v.to_le_bytes());
    }
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, body) in files {
        let (crc, size, offset) = (crc32(body), body.len() as u32, out.len() as u32);
        // Local header: version 2.0, no flags, stored, no time, then the name and the body.
        u32le(&mut out, 0x0403_4b50);
        for v in [20, 0, 0, 0, 0x21] {
            u16le(&mut out, v);
        }
        for v in [crc, size, size] {
            u32le(&mut out, v);
        }
        u16le(&mut out, name.len() as u16);
        u16le(&mut out, 0);
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(body);
        u32le(&mut central, 0x0201_4b50);
        for v in [20, 20, 0, 0, 0, 0x21] {
            u16le(&mut central, v);
        }
        for v in [crc, size, size] {
            u32le(&mut central, v);
        }
        for v in [name.len() as u16, 0, 0, 0, 0] {
            u16le(&mut central, v);
        }
        u32le(&mut central, 0);
        u32le(&mut central, offset);
        central.extend_from_slice(name.as_bytes());
    }
    let (dir_offset, dir_size) = (out.len() as u32, central.len() as u32);
    out.extend_from_slice(&central);
    u32le(&mut out, 0x0605_4b50);
    for v in [0, 0, files.len() as u16, files.len() as u16] {
        u16le(&mut out, v);
    }
    u32le(&mut out, dir_size);
    u32le(&mut out, dir_offset);
    u16le(&mut out, 0);
    out
}

/// CRC-32 (IEEE), bit by bit: the workbooks here are small.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}
