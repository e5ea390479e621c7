//! The one HTTP client every adapter shares, and the discipline that goes with it:
//! connect and total timeouts, at most a few retries with exponential backoff and jitter
//! that honour `Retry-After`, a rate limit per host, a cap on the response size, an
//! identifying User-Agent, and a check that the body is what was asked for (an HTML page
//! served with status 200 is an error, not data).
use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use backon::{ExponentialBuilder, Retryable};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use reqwest::header::{HeaderMap, HeaderValue, CONTENT_TYPE, RETRY_AFTER, USER_AGENT};

use super::SourceError;
use crate::config::SourcesConfig;
use crate::universe::Provider;

/// What the caller expects the body to be; decides how a wrong body is recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    Json,
    Csv,
    Xlsx,
    Html,
}

impl Expect {
    fn name(self) -> &'static str {
        match self {
            Expect::Json => "JSON",
            Expect::Csv => "CSV",
            Expect::Xlsx => "an XLSX workbook",
            Expect::Html => "HTML",
        }
    }
}

#[derive(Debug, Clone)]
pub struct HttpPolicy {
    pub connect_timeout: Duration,
    /// The whole exchange, headers and body, per attempt.
    pub timeout: Duration,
    /// Attempts after the first.
    pub max_retries: usize,
    pub base_delay: Duration,
    pub max_delay: Duration,
    /// A `Retry-After` longer than this fails the fetch instead of stalling the job.
    pub max_retry_after: Duration,
    pub max_body_bytes: usize,
    pub user_agent: String,
    /// Requests per second, by provider; hosts take the rate of the provider that uses them.
    pub rates: HashMap<Provider, f64>,
}

impl HttpPolicy {
    pub fn from_config(c: &SourcesConfig) -> Self {
        HttpPolicy {
            connect_timeout: Duration::from_secs(c.connect_timeout_secs.max(1)),
            timeout: Duration::from_secs(c.fetch_timeout_secs.max(1)),
            max_retries: c.max_retries.min(3),
            base_delay: Duration::from_millis(c.retry_base_ms),
            max_delay: Duration::from_secs(30),
            max_retry_after: Duration::from_secs(120),
            max_body_bytes: c.max_response_mb.max(1) * 1024 * 1024,
            user_agent: c.user_agent.clone(),
            rates: c.rate_limits.by_provider(),
        }
    }
}

pub struct Http {
    client: reqwest::Client,
    policy: HttpPolicy,
    limiters: Mutex<HashMap<String, Arc<DefaultDirectRateLimiter>>>,
}

impl Http {
    pub fn new(policy: HttpPolicy) -> Result<Self, SourceError> {
        // reqwest is built without a bundled TLS provider (see Cargo.toml); ring is the one
        // the whole process uses. Installing twice is harmless: the first one stays.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut headers = HeaderMap::new();
        let ua = HeaderValue::from_str(&policy.user_agent)
            .map_err(|_| SourceError::NotConfigured("sources.user_agent is not a valid header value".into()))?;
        headers.insert(USER_AGENT, ua);
        let client = reqwest::Client::builder()
            .default_headers(headers)
            .connect_timeout(policy.connect_timeout)
            .timeout(policy.timeout)
            .build()
            .map_err(|e| SourceError::NotConfigured(format!("cannot build the HTTP client: {e}")))?;
        Ok(Http { client, policy, limiters: Mutex::new(HashMap::new()) })
    }

    pub fn policy(&self) -> &HttpPolicy {
        &self.policy
    }

    /// GETs `url` for `provider` with the full discipline and returns the checked body.
    pub async fn get(
        &self,
        provider: Provider,
        url: &str,
        expect: Expect,
        headers: &[(&'static str, &str)],
    ) -> Result<Vec<u8>, SourceError> {
        self.get_upto(Fetch { provider, url, expect, headers, head: None }).await
    }

    /// The first `max_bytes` of the body (all of it when shorter): for documents whose
    /// useful part is at the top, so a long one is cut off rather than refused. The rest
    /// is never downloaded.
    pub async fn get_head(
        &self,
        provider: Provider,
        url: &str,
        expect: Expect,
        headers: &[(&'static str, &str)],
        max_bytes: usize,
    ) -> Result<Vec<u8>, SourceError> {
        self.get_upto(Fetch { provider, url, expect, headers, head: Some(max_bytes) }).await
    }

    async fn get_upto(&self, fetch: Fetch<'_>) -> Result<Vec<u8>, SourceError> {
        let url = fetch.url;
        let backoff = ExponentialBuilder::default()
            .with_min_delay(self.policy.base_delay)
            .with_max_delay(self.policy.max_delay)
            .with_max_times(self.policy.max_retries)
            .with_jitter();
        let max_wait = self.policy.max_retry_after;
        (|| self.attempt(fetch))
            .retry(backoff)
            .sleep(tokio::time::sleep)
            .when(SourceError::is_transient)
            // The upstream's own Retry-After wins over the computed delay; one longer than
            // we are willing to wait ends the fetch now rather than holding the job.
            .adjust(move |e, computed| match e {
                SourceError::Status { retry_after: Some(wait), .. } if *wait > max_wait => None,
                SourceError::Status { retry_after: Some(wait), .. } => Some(*wait),
                _ => computed,
            })
            .notify(|e, wait| tracing::warn!(%url, error = %e, wait_ms = wait.as_millis() as u64, "retrying"))
            .await
    }

    async fn attempt(&self, fetch: Fetch<'_>) -> Result<Vec<u8>, SourceError> {
        let Fetch { provider, url, expect, headers, head } = fetch;
        self.limiter(provider, url).until_ready().await;
        let mut req = self.client.get(url);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let mut resp = req.send().await.map_err(|e| self.transport_error(e, url))?;
        let status = resp.status();
        if !status.is_success() {
            let retry_after = resp.headers().get(RETRY_AFTER).and_then(|v| v.to_str().ok()).and_then(parse_retry_after);
            return Err(SourceError::Status { status: status.as_u16(), url: redact(url), retry_after });
        }
        let limit = head.map_or(self.policy.max_body_bytes, |h| h.min(self.policy.max_body_bytes));
        if head.is_none() && resp.content_length().is_some_and(|n| n as usize > limit) {
            return Err(SourceError::TooLarge { limit, url: redact(url) });
        }
        let content_type =
            resp.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_ascii_lowercase();
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(|e| self.transport_error(e, url))? {
            if body.len() + chunk.len() > limit {
                if head.is_some() {
                    // Dropping the response closes the connection: the rest is not read.
                    body.extend_from_slice(&chunk[..limit - body.len()]);
                    break;
                }
                return Err(SourceError::TooLarge { limit, url: redact(url) });
            }
            body.extend_from_slice(&chunk);
        }
        check_body(&body, &content_type, expect).map_err(|what| match what {
            BodyProblem::Html => SourceError::Html { expected: expect.name(), url: redact(url) },
            BodyProblem::NotXlsx => SourceError::parse("XLSX", "the body is not a zip-packaged workbook"),
        })?;
        Ok(body)
    }

    fn transport_error(&self, e: reqwest::Error, url: &str) -> SourceError {
        if e.is_timeout() {
            SourceError::Timeout { secs: self.policy.timeout.as_secs(), url: redact(url) }
        } else if e.is_connect() {
            SourceError::Connect { detail: format!("{} ({})", host_of(url), root_cause(&e)) }
        } else {
            SourceError::Transport { detail: format!("{} ({})", redact(url), root_cause(&e)) }
        }
    }

    fn limiter(&self, provider: Provider, url: &str) -> Arc<DefaultDirectRateLimiter> {
        let host = host_of(url);
        let mut map = self.limiters.lock().expect("rate-limiter map poisoned");
        map.entry(host)
            .or_insert_with(|| {
                let rps = self.policy.rates.get(&provider).copied().unwrap_or(1.0);
                Arc::new(RateLimiter::direct(quota(rps)))
            })
            .clone()
    }
}

/// One GET as `get` or `get_head` asked for it: every attempt of its retries sends the same.
#[derive(Clone, Copy)]
struct Fetch<'a> {
    provider: Provider,
    url: &'a str,
    expect: Expect,
    headers: &'a [(&'static str, &'a str)],
    /// Read at most this many bytes of the body (`get_head`).
    head: Option<usize>,
}

/// A quota of `rps` requests a second, evenly spaced: no burst beyond one request, so a
/// limit of 10 a second never sends 10 at once.
fn quota(rps: f64) -> Quota {
    let period = Duration::from_secs_f64(1.0 / rps.clamp(0.001, 1000.0));
    Quota::with_period(period).expect("period is positive").allow_burst(NonZeroU32::MIN)
}

enum BodyProblem {
    Html,
    NotXlsx,
}

/// An HTML page is recognised by its content type or by how it starts; an XLSX workbook
/// must start with the zip signature.
fn check_body(body: &[u8], content_type: &str, expect: Expect) -> Result<(), BodyProblem> {
    match expect {
        Expect::Html => Ok(()),
        Expect::Xlsx if body.starts_with(b"PK\x03\x04") => Ok(()),
        Expect::Xlsx if looks_like_html(body) || content_type.contains("html") => Err(BodyProblem::Html),
        Expect::Xlsx => Err(BodyProblem::NotXlsx),
        _ if content_type.contains("text/html") || looks_like_html(body) => Err(BodyProblem::Html),
        _ => Ok(()),
    }
}

pub fn looks_like_html(body: &[u8]) -> bool {
    let start = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    let head: Vec<u8> =
        start.iter().skip_while(|b| b.is_ascii_whitespace()).take(64).map(|b| b.to_ascii_lowercase()).collect();
    [&b"<!doctype html"[..], b"<html", b"<head", b"<body", b"<!--", b"<?xml version=\"1.0\"?><html"]
        .iter()
        .any(|p| head.starts_with(p))
}

/// `Retry-After` as seconds or as an HTTP date.
pub fn parse_retry_after(v: &str) -> Option<Duration> {
    let v = v.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(v).ok()?;
    Some(when.duration_since(std::time::SystemTime::now()).unwrap_or(Duration::ZERO))
}

fn host_of(url: &str) -> String {
    reqwest::Url::parse(url)
        .ok()
        .map(|u| format!("{}{}", u.host_str().unwrap_or(""), u.port().map(|p| format!(":{p}")).unwrap_or_default()))
        .unwrap_or_else(|| url.to_string())
}

/// The URL without its query string's secrets (`api_key=...`).
pub fn redact(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut u) => {
            let pairs: Vec<(String, String)> = u
                .query_pairs()
                .map(|(k, v)| {
                    let v = if k.contains("key") { "***".to_string() } else { v.into_owned() };
                    (k.into_owned(), v)
                })
                .collect();
            if pairs.is_empty() {
                return u.to_string();
            }
            u.query_pairs_mut().clear().extend_pairs(pairs);
            u.to_string()
        }
        Err(_) => url.to_string(),
    }
}

fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_pages_are_recognised_however_they_start() {
        assert!(looks_like_html(b"  <!DOCTYPE html><html>"));
        assert!(looks_like_html(b"\xEF\xBB\xBF<html lang=en>"));
        assert!(looks_like_html(b"\n<HEAD><title>Stooq</title>"));
        assert!(!looks_like_html(b"observation_date,DCOILWTICO\n"));
        assert!(!looks_like_html(b"[{\"d\":\"2024-01-02\"}]"));
    }

    #[test]
    fn a_wrong_body_is_refused_for_each_expected_format() {
        assert!(check_body(b"a,b\n1,2\n", "text/html; charset=utf-8", Expect::Csv).is_err());
        assert!(check_body(b"<html></html>", "text/csv", Expect::Csv).is_err());
        assert!(check_body(b"a,b\n1,2\n", "text/csv", Expect::Csv).is_ok());
        assert!(matches!(check_body(b"a,b", "application/octet-stream", Expect::Xlsx), Err(BodyProblem::NotXlsx)));
        assert!(check_body(b"PK\x03\x04rest", "application/vnd.ms-excel", Expect::Xlsx).is_ok());
        assert!(check_body(b"<html>", "text/html", Expect::Html).is_ok());
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        assert_eq!(parse_retry_after("7"), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon"), None);
    }

    #[test]
    fn api_keys_never_appear_in_error_urls() {
        let r = redact("https://api.eia.gov/v2/x?api_key=SECRET&frequency=daily");
        assert!(!r.contains("SECRET"), "{r}");
        assert!(r.contains("frequency=daily"));
    }

    #[test]
    fn slow_rates_become_a_period_between_requests() {
        assert_eq!(quota(0.5).replenish_interval(), Duration::from_secs(2));
        assert_eq!(quota(10.0).replenish_interval(), Duration::from_millis(100));
        assert_eq!(quota(10.0).burst_size().get(), 1);
    }
}
