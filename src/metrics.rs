//! The process's Prometheus metrics (`prometheus-client`), and the text `/metrics` serves.
//!
//! Foundation: this module imports nothing of the crate, so every layer that has something
//! to count can record here: the server (requests and their latency), the job runner and
//! the import runs (runs by outcome, rows written), ingestion (upstream failures by
//! source). The figures that live in the database (how old each group's newest
//! observation is, when each job last succeeded) are read at scrape time by the handler
//! (`probes::metrics`) and handed to [`render`] as a [`Snapshot`], so every replica tells
//! the same truth about them. docs/metrics.md lists every series.
use std::sync::OnceLock;
use std::time::Duration;

use prometheus_client::encoding::prometheus_text::encode;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::metrics::info::Info;
use prometheus_client::registry::{Registry, Unit};

/// The Prometheus text format, version 0.0.4.
pub const CONTENT_TYPE: &str = prometheus_client::encoding::prometheus_text::CONTENT_TYPE;

/// Every series' name starts with this (`quarry_http_requests_total`).
const PREFIX: &str = "quarry";

/// The `route` of a request no route matched: static files from the fallback, unknown
/// paths, the trailing-slash redirect. Never the path itself, so a client cannot make
/// new series by asking for new paths.
pub const UNMATCHED_ROUTE: &str = "other";

/// Upper bounds of the request latency buckets, in seconds; the request timeout is 30 s by
/// default, so the last finite bucket is that.
const LATENCY_BUCKETS: [f64; 12] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0];

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteStatus {
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabel {
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct JobStatus {
    job: String,
    status: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct JobLabel {
    job: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct SourceLabel {
    source: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct GroupLabels {
    group: String,
    frequency: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct FrequencyLabel {
    frequency: String,
}

type Seconds = Gauge<f64, std::sync::atomic::AtomicU64>;

fn latency_histogram() -> Histogram {
    Histogram::new(LATENCY_BUCKETS)
}

/// What the process counts, registered once.
struct Metrics {
    registry: Registry,
    requests: Family<RouteStatus, Counter>,
    latency: Family<RouteLabel, Histogram, fn() -> Histogram>,
    job_runs: Family<JobStatus, Counter>,
    rows_written: Family<JobLabel, Counter>,
    upstream_failures: Family<SourceLabel, Counter>,
}

fn metrics() -> &'static Metrics {
    static METRICS: OnceLock<Metrics> = OnceLock::new();
    METRICS.get_or_init(|| {
        let mut registry = Registry::with_prefix(PREFIX);
        let requests = Family::<RouteStatus, Counter>::default();
        let latency = Family::<RouteLabel, Histogram, fn() -> Histogram>::new_with_constructor(latency_histogram);
        let job_runs = Family::<JobStatus, Counter>::default();
        let rows_written = Family::<JobLabel, Counter>::default();
        let upstream_failures = Family::<SourceLabel, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by route template (`other` when no route matched) and status code; /metrics itself is not counted",
            requests.clone(),
        );
        registry.register_with_unit(
            "http_request_duration",
            "Time from a request's arrival to its response's head, by route template",
            Unit::Seconds,
            latency.clone(),
        );
        registry.register(
            "job_runs",
            "Job runs this process finished, by job and status (succeeded, partial, failed, error, abandoned)",
            job_runs.clone(),
        );
        registry.register(
            "job_rows_written",
            "Rows the job runs of this process wrote, by job",
            rows_written.clone(),
        );
        registry.register(
            "upstream_failures",
            "Failed fetches from an upstream source (a network error, an error status, an unreadable or empty answer), by source",
            upstream_failures.clone(),
        );
        registry.register(
            "build",
            "The running build",
            Info::new(vec![("version", env!("CARGO_PKG_VERSION"))]),
        );
        Metrics { registry, requests, latency, job_runs, rows_written, upstream_failures }
    })
}

/// One answered request: `route` is the matched route's template (`/commodities/{slug}`),
/// or [`UNMATCHED_ROUTE`].
pub fn http_request(route: &str, status: u16, elapsed: Duration) {
    let m = metrics();
    m.requests.get_or_create(&RouteStatus { route: route.to_string(), status }).inc();
    m.latency.get_or_create(&RouteLabel { route: route.to_string() }).observe(elapsed.as_secs_f64());
}

/// One finished job run, with the status its `job_runs` row records and the rows it wrote.
pub fn job_run(job: &str, status: &str, rows: u64) {
    let m = metrics();
    m.job_runs.get_or_create(&JobStatus { job: job.to_string(), status: status.to_string() }).inc();
    m.rows_written.get_or_create(&JobLabel { job: job.to_string() }).inc_by(rows);
}

/// One failed fetch from an upstream (`source` is the provider's name: `lbma`, `edgar`).
pub fn upstream_failure(source: &str) {
    metrics().upstream_failures.get_or_create(&SourceLabel { source: source.to_string() }).inc();
}

/// The figures read from the database at scrape time.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    /// Whether the database answered; when it did not, the other fields are empty.
    pub database_up: bool,
    /// (group, frequency, seconds since the newest observation's day began, UTC), for each
    /// group and frequency of data that has observations.
    pub observation_ages: Vec<(String, String, f64)>,
    /// (frequency, seconds): how old a series' newest observation may be before the app
    /// calls it stale.
    pub stale_after: Vec<(String, f64)>,
    /// (job, Unix time in seconds) of the end of each job's newest succeeded or partial run.
    pub job_last_success: Vec<(String, f64)>,
}

/// The whole exposition: what the process counted, then the snapshot's gauges.
pub fn render(snapshot: &Snapshot) -> String {
    let mut scrape = Registry::with_prefix(PREFIX);
    let up = Gauge::<i64>::default();
    up.set(i64::from(snapshot.database_up));
    scrape.register("database_up", "1 when the database answered this scrape's queries, else 0", up);
    let ages = Family::<GroupLabels, Seconds>::default();
    for (group, frequency, secs) in &snapshot.observation_ages {
        ages.get_or_create(&GroupLabels { group: group.clone(), frequency: frequency.clone() }).set(*secs);
    }
    scrape.register_with_unit(
        "newest_observation_age",
        "Age of the newest observation among a group's series of one data frequency, from the start (UTC) of its day",
        Unit::Seconds,
        ages,
    );
    let allowance = Family::<FrequencyLabel, Seconds>::default();
    for (frequency, secs) in &snapshot.stale_after {
        allowance.get_or_create(&FrequencyLabel { frequency: frequency.clone() }).set(*secs);
    }
    scrape.register_with_unit(
        "stale_after",
        "How old a series' newest observation may be before Quarry marks it stale, by data frequency",
        Unit::Seconds,
        allowance,
    );
    let last = Family::<JobLabel, Seconds>::default();
    for (job, at) in &snapshot.job_last_success {
        last.get_or_create(&JobLabel { job: job.clone() }).set(*at);
    }
    scrape.register_with_unit(
        "job_last_success_timestamp",
        "Unix time at which each job's newest succeeded or partial run ended (from the job_runs table)",
        Unit::Seconds,
        last,
    );

    let mut out = String::with_capacity(8192);
    // Writing into a String cannot fail.
    let _ = encode(&mut out, &metrics().registry);
    let _ = encode(&mut out, &scrape);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The value of one sample line, `name{labels} value`, where `labels` is the exact text
    /// between the braces.
    fn sample(text: &str, name: &str, labels: &str) -> Option<f64> {
        let head = format!("{name}{{{labels}}} ");
        text.lines().find_map(|l| l.strip_prefix(&head)).map(|v| v.parse().unwrap())
    }

    #[test]
    fn what_is_recorded_is_rendered_in_the_prometheus_text_format() {
        http_request("/unit-test/{id}", 404, Duration::from_millis(30));
        job_run("unit_test_job", "partial", 7);
        upstream_failure("unit_test_source");
        let text = render(&Snapshot {
            database_up: true,
            observation_ages: vec![("metals".into(), "daily".into(), 86400.0)],
            stale_after: vec![("daily".into(), 4.0 * 86400.0)],
            job_last_success: vec![("unit_test_job".into(), 1.7e9)],
        });
        assert!(text.contains("# TYPE quarry_http_requests_total counter"), "{text}");
        assert_eq!(sample(&text, "quarry_http_requests_total", "route=\"/unit-test/{id}\",status=\"404\""), Some(1.0));
        assert_eq!(
            sample(&text, "quarry_http_request_duration_seconds_bucket", "route=\"/unit-test/{id}\",le=\"0.025\""),
            Some(0.0)
        );
        assert_eq!(
            sample(&text, "quarry_http_request_duration_seconds_bucket", "route=\"/unit-test/{id}\",le=\"0.05\""),
            Some(1.0)
        );
        assert_eq!(sample(&text, "quarry_http_request_duration_seconds_count", "route=\"/unit-test/{id}\""), Some(1.0));
        assert_eq!(sample(&text, "quarry_job_runs_total", "job=\"unit_test_job\",status=\"partial\""), Some(1.0));
        assert_eq!(sample(&text, "quarry_job_rows_written_total", "job=\"unit_test_job\""), Some(7.0));
        assert_eq!(sample(&text, "quarry_upstream_failures_total", "source=\"unit_test_source\""), Some(1.0));
        assert_eq!(
            sample(&text, "quarry_newest_observation_age_seconds", "group=\"metals\",frequency=\"daily\""),
            Some(86400.0)
        );
        assert_eq!(sample(&text, "quarry_stale_after_seconds", "frequency=\"daily\""), Some(345600.0));
        assert_eq!(sample(&text, "quarry_job_last_success_timestamp_seconds", "job=\"unit_test_job\""), Some(1.7e9));
        assert!(text.lines().any(|l| l == "quarry_database_up 1"), "{text}");
        assert!(text.lines().any(|l| l.starts_with("quarry_build_info{version=")), "{text}");
        // Every line is a comment or a sample with a number.
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let value = line.rsplit(' ').next().unwrap();
            assert!(value.parse::<f64>().is_ok(), "{line}");
        }
    }
}
