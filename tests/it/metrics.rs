//! `/metrics` scraped through the router, on SQLite and PostgreSQL: requests move their
//! route's counter and latency histogram, a job run its outcome and rows, a failed fetch
//! its source's failures; the age of each group's newest observation and each job's last
//! success come from the database; a configured token closes the endpoint.
//!
//! The registry is the process's, and the tests of this crate run in parallel in one
//! process: exact deltas are asserted only on series whose labels belong to one test (a
//! route made for it); series other tests can move too are asserted to grow by at least
//! what this test did.
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use axum::body::{to_bytes, Body};
use axum::http::{header, HeaderMap, Request, StatusCode};
use axum::routing::get;
use chrono::{NaiveTime, Utc};
use quarry::jobs::commodity::JobKind;
use quarry::jobs::runner::run_slot;
use quarry::sources::Point;
use quarry::universe::MACRO_GROUP;
use tower::ServiceExt;
use wiremock::matchers::{path, path_regex};
use wiremock::{Mock, MockServer};

use crate::support::{prepared_state, test_config, upstream_state};
use crate::upstream::ok;

async fn send(app: &axum::Router, uri: &str, bearer: Option<&str>) -> (StatusCode, HeaderMap, String) {
    let mut req = Request::get(uri);
    if let Some(t) = bearer {
        req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    let res = app.clone().oneshot(req.body(Body::empty()).unwrap()).await.unwrap();
    let (status, headers) = (res.status(), res.headers().clone());
    let body = to_bytes(res.into_body(), 64 << 20).await.unwrap();
    (status, headers, String::from_utf8(body.to_vec()).unwrap())
}

/// One sample: its metric name and labels.
type Key = (String, BTreeMap<String, String>);

/// The samples of a scrape in the Prometheus text format. Label values are read as quoted
/// strings with their escapes, since route templates hold braces and commas could appear.
fn parse(text: &str) -> BTreeMap<Key, f64> {
    let mut out = BTreeMap::new();
    for line in text.lines().filter(|l| !l.is_empty() && !l.starts_with('#')) {
        let name_end = line.find(['{', ' ']).unwrap_or_else(|| panic!("no value: {line}"));
        let name = line[..name_end].to_string();
        let mut labels = BTreeMap::new();
        let mut rest = &line[name_end..];
        if let Some(body) = rest.strip_prefix('{') {
            let mut chars = body.char_indices().peekable();
            loop {
                let (start, c) = chars.next().unwrap_or_else(|| panic!("unterminated labels: {line}"));
                if c == '}' {
                    rest = &body[start + 1..];
                    break;
                }
                if c == ',' {
                    continue;
                }
                let eq = body[start..].find("=\"").unwrap_or_else(|| panic!("label without value: {line}")) + start;
                let key = body[start..eq].to_string();
                while chars.peek().is_some_and(|(i, _)| *i <= eq + 1) {
                    chars.next();
                }
                let mut value = String::new();
                loop {
                    match chars.next().unwrap_or_else(|| panic!("unterminated value: {line}")).1 {
                        '\\' => match chars.next().unwrap().1 {
                            'n' => value.push('\n'),
                            other => value.push(other),
                        },
                        '"' => break,
                        c => value.push(c),
                    }
                }
                labels.insert(key, value);
            }
        }
        let value: f64 = rest.trim().parse().unwrap_or_else(|e| panic!("{line}: {e}"));
        assert!(out.insert((name, labels), value).is_none(), "a sample appears twice: {line}");
    }
    out
}

/// A sample's value; 0 when the series does not exist yet (a counter nobody moved).
fn value(samples: &BTreeMap<Key, f64>, name: &str, labels: &[(&str, &str)]) -> f64 {
    let labels: BTreeMap<String, String> = labels.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    samples.get(&(name.to_string(), labels)).copied().unwrap_or(0.0)
}

/// Every sample of one metric, by its labels.
fn series<'a>(samples: &'a BTreeMap<Key, f64>, name: &str) -> Vec<(&'a BTreeMap<String, String>, f64)> {
    samples.iter().filter(|((n, _), _)| n == name).map(|((_, l), v)| (l, *v)).collect()
}

async fn scrape(app: &axum::Router) -> BTreeMap<Key, f64> {
    let (status, headers, body) = send(app, "/metrics", None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(headers[header::CONTENT_TYPE], "text/plain; version=0.0.4; charset=utf-8");
    parse(&body)
}

/// A route template no other test serves.
fn own_route() -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    format!("/it/metrics/probe{}/{{n}}", N.fetch_add(1, Ordering::Relaxed))
}

crate::on_both_backends! {
    fn requests_move_their_routes_counter_and_latency_histogram(url) {
        let state = prepared_state(&url).await;
        let app = quarry::server::router(state);
        // A route of this test's own, behind the server's layers: its figures are exact.
        let route = own_route();
        let probe = quarry::server::with_middleware(
            axum::Router::new().route(&route, get(|| async { "ok" })),
            Duration::from_secs(5),
        );
        let before = scrape(&app).await;
        for n in 0..3 {
            let (status, _, _) = send(&probe, &route.replace("{n}", &n.to_string()), None).await;
            assert_eq!(status, StatusCode::OK);
        }
        let (status, _, _) = send(&probe, "/it/metrics/nowhere", None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        // The app's own routes: a plain route, a page (its template, not its path), an
        // unknown path (`other`: the path never becomes a label).
        for _ in 0..2 {
            assert_eq!(send(&app, "/healthz", None).await.0, StatusCode::OK);
        }
        assert_eq!(send(&app, "/commodities/gold", None).await.0, StatusCode::OK);
        assert_eq!(send(&app, "/it-metrics-no-such-page", None).await.0, StatusCode::NOT_FOUND);
        let after = scrape(&app).await;

        let delta = |name: &str, labels: &[(&str, &str)]| value(&after, name, labels) - value(&before, name, labels);
        let own = [("route", route.as_str()), ("status", "200")];
        assert_eq!(delta("quarry_http_requests_total", &own), 3.0);
        assert_eq!(delta("quarry_http_request_duration_seconds_count", &[("route", &route)]), 3.0);
        let inf = [("route", route.as_str()), ("le", "+Inf")];
        assert_eq!(delta("quarry_http_request_duration_seconds_bucket", &inf), 3.0);
        assert!(value(&after, "quarry_http_request_duration_seconds_sum", &[("route", &route)]) > 0.0);
        assert!(delta("quarry_http_requests_total", &[("route", "other"), ("status", "404")]) >= 2.0);
        assert!(delta("quarry_http_requests_total", &[("route", "/healthz"), ("status", "200")]) >= 2.0);
        assert!(delta("quarry_http_request_duration_seconds_count", &[("route", "/healthz")]) >= 2.0);
        assert!(delta("quarry_http_requests_total", &[("route", "/commodities/{slug}"), ("status", "200")]) >= 1.0);
        // No label holds a requested path, and a scrape does not count itself.
        let routes: Vec<&str> =
            series(&after, "quarry_http_requests_total").iter().map(|(l, _)| l["route"].as_str()).collect();
        assert!(!routes.iter().any(|r| r.contains("no-such-page") || r.contains("nowhere") || *r == "/commodities/gold"));
        assert!(!routes.contains(&"/metrics"), "{routes:?}");
        assert!(series(&after, "quarry_build_info").len() == 1);
    }

    fn the_age_of_each_groups_newest_observation_and_a_job_run_are_in_the_scrape(url) {
        let state = prepared_state(&url).await;
        let app = quarry::server::router(state.clone());
        let before = scrape(&app).await;
        assert_eq!(value(&before, "quarry_database_up", &[]), 1.0);
        assert!(series(&before, "quarry_newest_observation_age_seconds").is_empty(), "no observations yet");
        assert!(series(&before, "quarry_job_last_success_timestamp_seconds").is_empty(), "no runs yet");

        // A month of daily figures ending two days ago, for one series of each group.
        let today = Utc::now().date_naive();
        let newest = today - chrono::Duration::days(2);
        let ids = quarry::series::series_ids(&state.db).await.unwrap();
        let mut groups: Vec<&str> = state.universe.groups.iter().map(|g| g.slug.as_str()).collect();
        groups.push(MACRO_GROUP);
        let mut seeded = Vec::new();
        for group in &groups {
            let inst = state.universe.all_series().find(|i| i.group == *group).unwrap();
            let points: Vec<Point> =
                (0..30).map(|d| Point { date: newest - chrono::Duration::days(d), value: 100.0 + d as f64 }).collect();
            quarry::ingest::store::upsert_series(&state.db, ids[&inst.slug], "fred", &[], &points, Utc::now())
                .await
                .unwrap();
            seeded.push((*group, inst.frequency.as_str()));
        }
        let report = run_slot(&state, JobKind::CommoditySignals, "it-metrics").await.unwrap().expect("the slot was free");
        assert!(report.outcome.rows_written > 0, "{report:?}");
        let after = scrape(&app).await;

        let ages = series(&after, "quarry_newest_observation_age_seconds");
        assert_eq!(ages.len(), seeded.len(), "{ages:?}");
        let start_of_newest = newest.and_time(NaiveTime::MIN).and_utc();
        let expected = (Utc::now() - start_of_newest).num_seconds() as f64;
        for (group, frequency) in seeded {
            let age = value(&after, "quarry_newest_observation_age_seconds", &[("group", group), ("frequency", frequency)]);
            assert!((age - expected).abs() < 120.0, "{group} {frequency}: {age} s, expected about {expected}");
            assert!((2.0 * 86400.0..3.0 * 86400.0 + 120.0).contains(&age), "{group}: {age}");
        }
        assert_eq!(value(&after, "quarry_stale_after_seconds", &[("frequency", "daily")]), 4.0 * 86400.0);

        // The run: its outcome and rows (other tests run this job too, hence "at least").
        let job = [("job", "commodity_signals"), ("status", report.status)];
        let runs = value(&after, "quarry_job_runs_total", &job) - value(&before, "quarry_job_runs_total", &job);
        assert!(runs >= 1.0, "{runs}");
        let rows = [("job", "commodity_signals")];
        let written =
            value(&after, "quarry_job_rows_written_total", &rows) - value(&before, "quarry_job_rows_written_total", &rows);
        assert!(written >= report.outcome.rows_written as f64, "{written} < {}", report.outcome.rows_written);
        // And its end, read from this database alone.
        let last = value(&after, "quarry_job_last_success_timestamp_seconds", &rows);
        let now = Utc::now().timestamp() as f64;
        assert!((now - last).abs() < 120.0, "last success at {last}, now {now}");
        assert_eq!(series(&after, "quarry_job_last_success_timestamp_seconds").len(), 1);
    }

    fn failed_fetches_count_for_their_source(url) {
        let server = MockServer::start().await;
        let state = upstream_state(&url, &server.uri()).await;
        let app = quarry::server::router(state.clone());
        // LBMA answers with an HTML page; EDGAR's daily indexes too.
        Mock::given(path("/json/gold_pm.json")).respond_with(ok("<html>down</html>", "text/html")).mount(&server).await;
        Mock::given(path_regex(r"^/Archives/edgar/daily-index/"))
            .respond_with(ok("<html><body>maintenance</body></html>", "text/html"))
            .mount(&server)
            .await;
        let before = scrape(&app).await;
        let gold = state.universe.instrument("gold").unwrap().clone();
        let id = quarry::series::series_ids(&state.db).await.unwrap()["gold"];
        let err = quarry::ingest::refresh_series(&state.db, &state.sources, &gold, id, quarry::ingest::Mode::Incremental, Utc::now())
            .await
            .unwrap_err()
            .to_string();
        assert!(err.contains("HTML"), "{err}");
        let report = run_slot(&state, JobKind::VcSync, "it-metrics").await.unwrap().expect("the slot was free");
        assert_eq!(report.status, "failed", "{report:?}");
        let after = scrape(&app).await;
        let delta = |source: &str| {
            let l = [("source", source)];
            value(&after, "quarry_upstream_failures_total", &l) - value(&before, "quarry_upstream_failures_total", &l)
        };
        assert!(delta("lbma") >= 1.0, "{}", delta("lbma"));
        assert!(delta("edgar") >= 1.0, "{}", delta("edgar"));
        let failed = [("job", "vc_sync"), ("status", "failed")];
        assert!(value(&after, "quarry_job_runs_total", &failed) - value(&before, "quarry_job_runs_total", &failed) >= 1.0);
    }

    fn a_configured_metrics_token_is_asked_for(url) {
        let mut c = test_config(&url);
        c.metrics_token = quarry::config::Secret::new("scrape-token");
        let state = quarry::startup::prepare(c).await.unwrap();
        let app = quarry::server::router(state);
        for given in [None, Some("wrong"), Some("")] {
            let (status, headers, body) = send(&app, "/metrics", given).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{given:?}: {body}");
            assert_eq!(headers[header::WWW_AUTHENTICATE], "Bearer");
            assert!(!body.contains("quarry_"), "{body}");
        }
        let (status, _, body) = send(&app, "/metrics", Some("scrape-token")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(value(&parse(&body), "quarry_database_up", &[]), 1.0);
    }
}

#[test]
fn the_parser_reads_quoted_label_values_with_braces_commas_and_escapes() {
    let text = "# HELP x y\nx_total{route=\"/a/{b}\",status=\"200\"} 3\ny{v=\"a,b\\\"c\\\\d\"} 1.5\nz 7\n";
    let s = parse(text);
    assert_eq!(value(&s, "x_total", &[("route", "/a/{b}"), ("status", "200")]), 3.0);
    assert_eq!(value(&s, "y", &[("v", "a,b\"c\\d")]), 1.5);
    assert_eq!(value(&s, "z", &[]), 7.0);
    assert_eq!(value(&s, "missing", &[]), 0.0);
}
