//! Every adapter against a local upstream that answers in the provider's real format: a
//! normal answer, HTML with status 200, a truncated body, 429 with Retry-After then
//! success, 500 then success, a hang past the timeout, missing values, a negative price,
//! an empty series.
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use quarry::sources::{HttpPolicy, Point, SourceError, Sources};
use quarry::universe::{Provider, SourceRef};
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::test_config;
use crate::upstream::{self, ok, Pts};

/// Every keyed or optional provider switched on, all pointed at `server`.
fn sources(server: &MockServer, max_retries: usize) -> Sources {
    let mut c = test_config("sqlite::memory:");
    upstream::point_sources_at(&mut c, &server.uri());
    c.sources.fred_api_key = serde_json::from_str("\"test-key\"").unwrap();
    c.sources.eia_api_key = serde_json::from_str("\"test-key\"").unwrap();
    c.sources.yahoo_enabled = true;
    c.sources.max_retries = max_retries;
    Sources::new(&c.sources, HttpPolicy::from_config(&c.sources)).unwrap()
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// A short series with a gap and a negative value, as real data has.
fn sample(provider: Provider) -> Pts {
    if provider == Provider::Usgs {
        return vec![
            (d("2021-01-01"), Some(7800.0)),
            (d("2022-01-01"), None),
            (d("2023-01-01"), Some(-5.5)),
            (d("2024-01-01"), Some(9100.0)),
        ];
    }
    vec![
        (d("2020-04-16"), Some(19.87)),
        (d("2020-04-17"), Some(18.27)),
        (d("2020-04-20"), Some(-36.98)),
        (d("2020-04-21"), None),
        (d("2020-04-22"), Some(13.78)),
    ]
}

fn expected(p: &Pts) -> Vec<Point> {
    p.iter().filter_map(|(date, v)| v.map(|value| Point { date: *date, value })).collect()
}

/// The adapters under test, each with the code it is asked for and the path its data comes from.
fn cases() -> Vec<(Provider, &'static str, &'static str)> {
    vec![
        (Provider::Lbma, "gold_pm", "/json/gold_pm.json"),
        (Provider::Fred, "DCOILWTICO", "/graph/fredgraph.csv"),
        (Provider::FredApi, "DCOILWTICO", "/fred/series/observations"),
        (Provider::Eia, "RWTC", "/v2/petroleum/pri/spt/data/"),
        (Provider::Yahoo, "CL=F", r"/v8/finance/chart/CL(=|%3D)F"),
        (Provider::Usgs, "lithium", "/files/mcs2025-lithium_salient.csv"),
    ]
}

fn body(provider: Provider, code: &str, p: &Pts) -> (Vec<u8>, &'static str) {
    match provider {
        Provider::Lbma => (upstream::lbma_json(p).into(), "application/json"),
        Provider::Fred => (upstream::fred_csv(code, p).into(), "text/csv"),
        Provider::FredApi => (upstream::fred_api_json(p).into(), "application/json"),
        Provider::Eia => (upstream::eia_json(code, p).into(), "application/json"),
        Provider::Yahoo => (upstream::yahoo_json(code, p).into(), "application/json"),
        Provider::Usgs => (upstream::usgs_csv(code, p), "text/csv"),
        Provider::Worldbank => unreachable!("the World Bank serves a workbook; see its own tests"),
        Provider::Edgar => unreachable!("EDGAR serves filings, not series; see venture_sync"),
    }
}

/// The index requests an adapter makes before its data request.
async fn mount_index(server: &MockServer, provider: Provider) {
    if provider == Provider::Usgs {
        Mock::given(method("GET"))
            .and(path("/catalog/items"))
            .respond_with(ok(upstream::usgs_search(&server.uri(), &["lithium"]), "application/json"))
            .mount(server)
            .await;
    }
}

fn data_mock(p: &str) -> wiremock::MockBuilder {
    Mock::given(method("GET")).and(path_regex(format!("^{p}$")))
}

async fn fetch(s: &Sources, provider: Provider, code: &str) -> Result<Vec<Point>, SourceError> {
    s.fetch(&SourceRef { provider, code: code.to_string() }, None).await
}

#[tokio::test]
async fn normal_answers_parse_with_gaps_skipped_and_negative_prices_kept() {
    for (provider, code, p) in cases() {
        let server = MockServer::start().await;
        mount_index(&server, provider).await;
        let pts = sample(provider);
        let (b, ct) = body(provider, code, &pts);
        data_mock(p).respond_with(ok(b, ct)).mount(&server).await;
        let got = fetch(&sources(&server, 0), provider, code).await.unwrap_or_else(|e| panic!("{provider:?}: {e}"));
        assert_eq!(got, expected(&pts), "{provider:?}");
        assert!(got.iter().any(|p| p.value < 0.0), "{provider:?} lost the negative price");
    }
}

#[tokio::test]
async fn html_with_status_200_is_rejected_by_every_adapter() {
    for (provider, code, p) in cases() {
        let server = MockServer::start().await;
        mount_index(&server, provider).await;
        let page = "<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>Checking your browser</body></html>";
        data_mock(p).respond_with(ok(page, "text/html")).mount(&server).await;
        let err = fetch(&sources(&server, 0), provider, code).await.unwrap_err();
        assert!(matches!(err, SourceError::Html { .. }), "{provider:?}: {err}");
        // Also when the server lies about the content type.
        let server = MockServer::start().await;
        mount_index(&server, provider).await;
        data_mock(p).respond_with(ok(page, "application/json")).mount(&server).await;
        let err = fetch(&sources(&server, 0), provider, code).await.unwrap_err();
        assert!(matches!(err, SourceError::Html { .. }), "{provider:?}: {err}");
    }
}

#[tokio::test]
async fn a_truncated_body_is_an_error_not_partial_data() {
    for (provider, code, p) in cases() {
        let server = MockServer::start().await;
        mount_index(&server, provider).await;
        let (b, ct) = body(provider, code, &sample(provider));
        // Cut inside the last row: what a dropped connection leaves behind.
        let cut = b.len() - 6;
        data_mock(p).respond_with(ok(b[..cut].to_vec(), ct)).mount(&server).await;
        let err = fetch(&sources(&server, 0), provider, code).await.unwrap_err();
        assert!(matches!(err, SourceError::Parse { .. }), "{provider:?}: {err}");
    }
}

/// Answers each request with `body` cut at the next of `cuts`, framed as a whole answer.
struct Cuts {
    body: Vec<u8>,
    content_type: &'static str,
    cuts: Vec<usize>,
    next: std::sync::atomic::AtomicUsize,
}

impl wiremock::Respond for Cuts {
    fn respond(&self, _: &wiremock::Request) -> ResponseTemplate {
        let n = self.next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        ok(self.body[..self.cuts[n % self.cuts.len()]].to_vec(), self.content_type)
    }
}

/// A body cut anywhere inside a row (neither side of the cut a line break), framed as a
/// whole answer as a proxy that lost the rest would, is an error from every adapter, never
/// the rows before the cut. The chaos suite (scripts/chaos.sh) caught the USGS CSV taking
/// a cut inside a row's last column for a complete file with fewer years.
#[tokio::test]
async fn a_body_cut_anywhere_mid_row_is_an_error_never_the_rows_before_it() {
    let is_break = |b: u8| b == b'\n' || b == b'\r';
    for (provider, code, p) in cases() {
        let (body, content_type) = body(provider, code, &sample(provider));
        let cuts: Vec<usize> = (1..body.len()).filter(|&c| !is_break(body[c - 1]) && !is_break(body[c])).collect();
        let server = MockServer::start().await;
        mount_index(&server, provider).await;
        let next = std::sync::atomic::AtomicUsize::new(0);
        data_mock(p)
            .respond_with(Cuts { body: body.clone(), content_type, cuts: cuts.clone(), next })
            .mount(&server)
            .await;
        let s = sources(&server, 0);
        for cut in &cuts {
            if let Ok(points) = fetch(&s, provider, code).await {
                let text = String::from_utf8_lossy(&body[..*cut]);
                panic!("{provider:?}: the body cut after {cut} of {} bytes gave {points:?}:\n{text}", body.len());
            }
        }
    }
}

#[tokio::test]
async fn a_429_with_retry_after_is_waited_out_then_the_answer_is_used() {
    for (provider, code, p) in cases() {
        let server = MockServer::start().await;
        mount_index(&server, provider).await;
        let pts = sample(provider);
        let (b, ct) = body(provider, code, &pts);
        data_mock(p)
            .respond_with(
                ResponseTemplate::new(429).insert_header("Retry-After", "1").set_body_string("Too Many Requests"),
            )
            .up_to_n_times(1)
            .with_priority(1)
            .mount(&server)
            .await;
        data_mock(p).respond_with(ok(b, ct)).mount(&server).await;
        let started = Instant::now();
        let got = fetch(&sources(&server, 3), provider, code).await.unwrap_or_else(|e| panic!("{provider:?}: {e}"));
        assert_eq!(got, expected(&pts), "{provider:?}");
        assert!(started.elapsed() >= Duration::from_millis(950), "{provider:?} did not honour Retry-After");
    }
}

#[tokio::test]
async fn a_500_is_retried_and_the_next_answer_is_used() {
    for (provider, code, p) in cases() {
        let server = MockServer::start().await;
        mount_index(&server, provider).await;
        let pts = sample(provider);
        let (b, ct) = body(provider, code, &pts);
        data_mock(p).respond_with(ResponseTemplate::new(500)).up_to_n_times(1).with_priority(1).mount(&server).await;
        data_mock(p).respond_with(ok(b, ct)).mount(&server).await;
        let got = fetch(&sources(&server, 3), provider, code).await.unwrap_or_else(|e| panic!("{provider:?}: {e}"));
        assert_eq!(got, expected(&pts), "{provider:?}");
    }
}

#[tokio::test]
async fn retries_stop_after_three_and_the_status_is_reported() {
    let server = MockServer::start().await;
    Mock::given(path("/graph/fredgraph.csv")).respond_with(ResponseTemplate::new(503)).expect(4).mount(&server).await;
    let err = fetch(&sources(&server, 3), Provider::Fred, "DCOILWTICO").await.unwrap_err();
    assert!(matches!(err, SourceError::Status { status: 503, .. }), "{err}");
    // `expect(4)`: the first attempt and three retries, verified when the server drops.
}

#[tokio::test]
async fn a_hang_past_the_timeout_fails_with_a_timeout() {
    for (provider, code, p) in cases() {
        let server = MockServer::start().await;
        mount_index(&server, provider).await;
        let (b, ct) = body(provider, code, &sample(provider));
        data_mock(p).respond_with(ok(b, ct).set_delay(Duration::from_secs(3))).mount(&server).await;
        let started = Instant::now();
        let err = fetch(&sources(&server, 0), provider, code).await.unwrap_err();
        assert!(matches!(err, SourceError::Timeout { .. }), "{provider:?}: {err}");
        assert!(started.elapsed() < Duration::from_millis(2900), "{provider:?} waited for the hang");
    }
}

#[tokio::test]
async fn an_empty_series_is_no_points_not_an_error() {
    for (provider, code, p) in cases() {
        let server = MockServer::start().await;
        mount_index(&server, provider).await;
        let (b, ct) = body(provider, code, &vec![]);
        data_mock(p).respond_with(ok(b, ct)).mount(&server).await;
        let got = fetch(&sources(&server, 0), provider, code).await;
        assert_eq!(got, Ok(vec![]), "{provider:?}");
    }
}

#[tokio::test]
async fn a_body_over_the_size_cap_is_refused() {
    let server = MockServer::start().await;
    let big = upstream::fred_csv("DCOILWTICO", &upstream::daily(d("2026-01-02"), 60_000, 20.0));
    assert!(big.len() > 1024 * 1024);
    Mock::given(path("/graph/fredgraph.csv")).respond_with(ok(big, "text/csv")).mount(&server).await;
    let mut c = test_config("sqlite::memory:");
    upstream::point_sources_at(&mut c, &server.uri());
    c.sources.max_response_mb = 1;
    let s = Sources::new(&c.sources, HttpPolicy::from_config(&c.sources)).unwrap();
    let err = fetch(&s, Provider::Fred, "DCOILWTICO").await.unwrap_err();
    assert!(matches!(err, SourceError::TooLarge { .. }), "{err}");
}

#[tokio::test]
async fn every_request_names_quarry_in_its_user_agent() {
    let server = MockServer::start().await;
    Mock::given(path("/graph/fredgraph.csv"))
        .and(wiremock::matchers::header_regex("user-agent", "^Quarry/"))
        .respond_with(ok(upstream::fred_csv("X", &sample(Provider::Fred)), "text/csv"))
        .mount(&server)
        .await;
    assert!(fetch(&sources(&server, 0), Provider::Fred, "X").await.is_ok());
}

#[tokio::test]
async fn the_world_bank_workbook_is_found_from_the_landing_page_and_read() {
    let server = MockServer::start().await;
    upstream::mount_worldbank(&server).await;
    let got = fetch(&sources(&server, 0), Provider::Worldbank, "Copper").await.unwrap();
    assert_eq!(got.len(), 24);
    assert_eq!(got[0], Point { date: d("2023-01-01"), value: 8500.0 });
    assert_eq!(got[23], Point { date: d("2024-12-01"), value: 8500.0 + 25.5 * 23.0 });
    // `..` and blank cells are gaps: the nickel column has one.
    let nickel = fetch(&sources(&server, 0), Provider::Worldbank, "Nickel").await.unwrap();
    assert_eq!(nickel.len(), 23);
}

#[tokio::test]
async fn the_world_bank_adapter_refuses_html_truncation_and_retries_a_429() {
    // HTML where the workbook should be.
    let server = MockServer::start().await;
    Mock::given(path(upstream::LANDING_PATH))
        .respond_with(ok(upstream::worldbank_landing(&server.uri()), "text/html"))
        .mount(&server)
        .await;
    Mock::given(path(upstream::XLSX_PATH))
        .respond_with(ok("<html><body>Access denied</body></html>", "text/html"))
        .mount(&server)
        .await;
    let err = fetch(&sources(&server, 0), Provider::Worldbank, "Copper").await.unwrap_err();
    assert!(matches!(err, SourceError::Html { .. }), "{err}");

    // A truncated workbook.
    let server = MockServer::start().await;
    Mock::given(path(upstream::LANDING_PATH))
        .respond_with(ok(upstream::worldbank_landing(&server.uri()), "text/html"))
        .mount(&server)
        .await;
    let half = upstream::WORLDBANK_XLSX[..upstream::WORLDBANK_XLSX.len() / 2].to_vec();
    Mock::given(path(upstream::XLSX_PATH)).respond_with(ok(half, "application/octet-stream")).mount(&server).await;
    let err = fetch(&sources(&server, 0), Provider::Worldbank, "Copper").await.unwrap_err();
    assert!(matches!(err, SourceError::Parse { .. }), "{err}");

    // 429 then the workbook.
    let server = MockServer::start().await;
    Mock::given(path(upstream::XLSX_PATH))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "1"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    upstream::mount_worldbank(&server).await;
    assert_eq!(fetch(&sources(&server, 3), Provider::Worldbank, "Copper").await.unwrap().len(), 24);
}

#[tokio::test]
async fn a_connection_refused_is_reported_as_such() {
    // A port that was just free: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let uri = format!("http://127.0.0.1:{port}");
    let mut c = test_config("sqlite::memory:");
    upstream::point_sources_at(&mut c, &uri);
    c.sources.max_retries = 0;
    let s = Sources::new(&c.sources, HttpPolicy::from_config(&c.sources)).unwrap();
    let err = fetch(&s, Provider::Lbma, "gold_pm").await.unwrap_err();
    assert!(matches!(err, SourceError::Connect { .. }), "{err}");
}

#[tokio::test]
async fn keyed_and_optional_providers_say_how_to_enable_them() {
    let server = MockServer::start().await;
    let mut c = test_config("sqlite::memory:");
    upstream::point_sources_at(&mut c, &server.uri());
    let s = Sources::new(&c.sources, HttpPolicy::from_config(&c.sources)).unwrap();
    let err = fetch(&s, Provider::Eia, "RWTC").await.unwrap_err().to_string();
    assert!(err.contains("QUARRY_SOURCES__EIA_API_KEY"), "{err}");
    let err = fetch(&s, Provider::Yahoo, "GC=F").await.unwrap_err().to_string();
    assert!(err.contains("YAHOO_ENABLED"), "{err}");
}
