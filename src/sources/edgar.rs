//! SEC EDGAR: the daily form index, Form D documents and submissions JSON, fetched under
//! the house rules EDGAR publishes. Every call sends a User-Agent that names the operator
//! and a contact address (`sources.edgar_user_agent`; without one no call is made), all
//! EDGAR hosts share one rate limiter (`rate_limits.edgar`, at most 10 a second), and
//! EDGAR's "Request Rate Threshold Exceeded" page is a signal to back off, never data:
//! it pauses every EDGAR call for `edgar_backoff_secs`, and calls during the pause fail at
//! once without touching the network.
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};

use super::edgar_index::{self, IndexError, ParsedIndex};
use super::edgar_prospectus::{self, NotAProspectus, Terms};
use super::edgar_submissions::{self, Submissions, SubmissionsError};
use super::form_d::{self, FormD, FormDError};
use super::http::looks_like_html;
use super::{Expect, Http, SourceError};
use crate::config::SourcesConfig;
use crate::universe::Provider;

#[derive(Debug, PartialEq, thiserror::Error)]
pub enum EdgarError {
    /// No usable User-Agent: nothing was sent.
    #[error("{0}")]
    NotConfigured(String),
    /// EDGAR's rate page arrived (now or earlier): EDGAR calls are paused until `until`.
    #[error("EDGAR rate threshold exceeded; pausing EDGAR calls until {} UTC", .until.format("%H:%M"))]
    RateLimited { until: DateTime<Utc> },
    #[error("{0}")]
    Fetch(SourceError),
    #[error("an HTML page arrived where {expected} was expected ({url})")]
    Html { expected: &'static str, url: String },
    #[error("Form D {0}")]
    FormD(FormDError),
    #[error("EDGAR index {0}")]
    Index(IndexError),
    #[error("submissions JSON {0}")]
    Submissions(SubmissionsError),
    #[error("{0}")]
    Prospectus(NotAProspectus),
}

impl EdgarError {
    /// The filing itself is at fault or absent: asking again later gives the same answer,
    /// so the sync records it as a per-filing error. Network trouble, an HTML page and the
    /// rate pause are not: the filing is left for the next run.
    pub fn is_about_the_filing(&self) -> bool {
        matches!(self, EdgarError::FormD(_) | EdgarError::Fetch(SourceError::Status { status: 404 | 410, .. }))
    }

    /// Every other EDGAR call would fail the same way now: the job should stop.
    pub fn stops_the_run(&self) -> bool {
        matches!(self, EdgarError::NotConfigured(_) | EdgarError::RateLimited { .. })
    }
}

/// The User-Agent EDGAR asks for: the operator and a contact e-mail. `Err` says what to set.
pub fn check_user_agent(ua: &str) -> Result<&str, String> {
    let ua = ua.trim();
    if ua.is_empty() {
        return Err("EDGAR requires a User-Agent naming the operator and a contact e-mail, and none is configured: \
                    set QUARRY_SOURCES__EDGAR_USER_AGENT=\"Name email@example.com\" (sources.edgar_user_agent in \
                    Leptos.toml); no EDGAR request was sent"
            .into());
    }
    let has_email = ua.split_whitespace().any(|w| {
        let w = w.trim_matches(|c: char| matches!(c, '<' | '>' | '(' | ')' | ',' | ';'));
        matches!(w.split_once('@'), Some((user, host)) if !user.is_empty() && host.contains('.') && !host.ends_with('.'))
    });
    if !has_email {
        return Err(format!(
            "sources.edgar_user_agent ('{ua}') must name the operator and a contact e-mail, like \
             QUARRY_SOURCES__EDGAR_USER_AGENT=\"Name email@example.com\"; no EDGAR request was sent"
        ));
    }
    if reqwest::header::HeaderValue::from_str(ua).is_err() {
        return Err(format!("sources.edgar_user_agent ('{ua}') holds characters a header cannot carry"));
    }
    Ok(ua)
}

/// Whether an HTML body is EDGAR's rate page (as opposed to any other HTML page).
pub fn is_rate_page(text: &str) -> bool {
    edgar_index::html_kind(text) == Some(true)
        || text.contains("Request Rate Threshold Exceeded")
        || text.contains("Your request rate has exceeded")
}

/// How much of a registration statement or prospectus is read: the cover pages and the
/// fee table are in the first few hundred kilobytes; the whole file can run to megabytes.
pub const PROSPECTUS_HEAD_BYTES: usize = 1536 * 1024;

/// `QTR1` .. `QTR4`: the folder of a date's daily index.
pub fn quarter(date: NaiveDate) -> u32 {
    (date.month() - 1) / 3 + 1
}

pub struct Edgar {
    http: Arc<Http>,
    base: String,
    data_base: String,
    user_agent: String,
    backoff: Duration,
    /// One for every EDGAR host: EDGAR counts requests per client, not per host name.
    limiter: Arc<DefaultDirectRateLimiter>,
    /// When EDGAR calls may resume after its rate page; shared by every call.
    paused_until: Arc<Mutex<Option<DateTime<Utc>>>>,
}

impl Edgar {
    pub fn new(http: Arc<Http>, config: &SourcesConfig) -> Self {
        // SEC's ceiling holds whatever the configuration says; a local stand-in (tests, a
        // mirror) may go faster.
        let real = [&config.edgar_base_url, &config.edgar_data_base_url].iter().any(|u| u.contains("sec.gov"));
        let rps = config.rate_limits.edgar.clamp(0.001, if real { 10.0 } else { 1000.0 });
        let period = Duration::from_secs_f64(1.0 / rps);
        let quota = Quota::with_period(period).expect("period is positive").allow_burst(NonZeroU32::MIN);
        Edgar {
            http,
            base: config.edgar_base_url.trim_end_matches('/').to_string(),
            data_base: config.edgar_data_base_url.trim_end_matches('/').to_string(),
            user_agent: config.edgar_user_agent.clone(),
            backoff: Duration::from_secs(config.edgar_backoff_secs),
            limiter: Arc::new(RateLimiter::direct(quota)),
            paused_until: Arc::new(Mutex::new(None)),
        }
    }

    /// The end of the current back-off, if one is running.
    pub fn paused_until(&self) -> Option<DateTime<Utc>> {
        let until = *self.paused_until.lock().expect("pause lock poisoned");
        until.filter(|u| *u > Utc::now())
    }

    fn pause(&self) -> DateTime<Utc> {
        let mut guard = self.paused_until.lock().expect("pause lock poisoned");
        let until = Utc::now() + chrono::Duration::from_std(self.backoff).unwrap_or(chrono::Duration::minutes(10));
        let until = guard.map_or(until, |u| u.max(until));
        *guard = Some(until);
        tracing::warn!(until = %until, "EDGAR rate threshold exceeded; pausing EDGAR calls");
        until
    }

    /// One GET under the rules. `Ok(None)` is a 404 (for the daily index: no file that day).
    async fn get(&self, url: &str, expected: &'static str) -> Result<Option<String>, EdgarError> {
        let ua = check_user_agent(&self.user_agent).map_err(EdgarError::NotConfigured)?;
        if let Some(until) = self.paused_until() {
            return Err(EdgarError::RateLimited { until });
        }
        self.limiter.until_ready().await;
        // Expect::Html takes any body as it comes: the rate page must be seen to be
        // recognised, so the check for HTML is done here rather than in `Http`.
        let body = match self.http.get(Provider::Edgar, url, Expect::Html, &[("user-agent", ua)]).await {
            Ok(b) => b,
            Err(SourceError::Status { status: 404, .. }) => return Ok(None),
            // EDGAR answers 403 with its rate page once the threshold is crossed (the
            // other cause of a 403, an undeclared User-Agent, is refused above); the shared
            // client does not keep an error's body, so the status is the signal.
            Err(SourceError::Status { status: 403, .. }) => {
                return Err(EdgarError::RateLimited { until: self.pause() })
            }
            Err(e) => return Err(EdgarError::Fetch(e)),
        };
        let text = String::from_utf8_lossy(&body).into_owned();
        if looks_like_html(&body) || edgar_index::html_kind(&text).is_some() {
            if is_rate_page(&text) {
                return Err(EdgarError::RateLimited { until: self.pause() });
            }
            return Err(EdgarError::Html { expected, url: super::http::redact(url) });
        }
        Ok(Some(text))
    }

    pub fn daily_index_url(&self, date: NaiveDate) -> String {
        format!(
            "{}/Archives/edgar/daily-index/{}/QTR{}/form.{}.idx",
            self.base,
            date.year(),
            quarter(date),
            date.format("%Y%m%d")
        )
    }

    /// The day's `form.YYYYMMDD.idx`; `None` on a weekend or holiday (EDGAR has no file).
    pub async fn daily_index(&self, date: NaiveDate) -> Result<Option<ParsedIndex>, EdgarError> {
        let Some(text) = self.get(&self.daily_index_url(date), "an EDGAR daily index").await? else {
            return Ok(None);
        };
        edgar_index::parse(&text).map(Some).map_err(EdgarError::Index)
    }

    pub fn form_d_url(&self, cik: u64, accession: &str) -> String {
        format!("{}/Archives/edgar/data/{cik}/{}/primary_doc.xml", self.base, accession.replace('-', ""))
    }

    /// A filing's Form D (`primary_doc.xml`). A missing document is an error (HTTP 404).
    pub async fn form_d(&self, cik: u64, accession: &str) -> Result<FormD, EdgarError> {
        let url = self.form_d_url(cik, accession);
        let text = self.get(&url, "Form D XML").await?.ok_or_else(|| {
            EdgarError::Fetch(SourceError::Status { status: 404, url: url.clone(), retry_after: None })
        })?;
        form_d::parse(&text).map_err(EdgarError::FormD)
    }

    /// A filing's document, as the submissions JSON names it (`primaryDocument`).
    pub fn document_url(&self, cik: u64, accession: &str, document: &str) -> String {
        format!("{}/Archives/edgar/data/{cik}/{}/{document}", self.base, accession.replace('-', ""))
    }

    /// The offering terms on the cover of a registration statement or prospectus: the
    /// first `PROSPECTUS_HEAD_BYTES` of its primary document, read under the same rules as
    /// every EDGAR call. The document is HTML, so only EDGAR's rate page is refused as
    /// such; a page that is no prospectus (an error or maintenance page) is
    /// `EdgarError::Prospectus`, a missing one a 404.
    pub async fn prospectus_terms(&self, cik: u64, accession: &str, document: &str) -> Result<Terms, EdgarError> {
        let url = self.document_url(cik, accession, document);
        let ua = check_user_agent(&self.user_agent).map_err(EdgarError::NotConfigured)?;
        if let Some(until) = self.paused_until() {
            return Err(EdgarError::RateLimited { until });
        }
        self.limiter.until_ready().await;
        let headers = [("user-agent", ua)];
        let body = match self.http.get_head(Provider::Edgar, &url, Expect::Html, &headers, PROSPECTUS_HEAD_BYTES).await
        {
            Ok(b) => b,
            Err(SourceError::Status { status: 403, .. }) => {
                return Err(EdgarError::RateLimited { until: self.pause() })
            }
            Err(e) => return Err(EdgarError::Fetch(e)),
        };
        let text = String::from_utf8_lossy(&body);
        // The rate page is short; a prospectus that mentions a "rate threshold" further
        // down is not one.
        let mut end = text.len().min(8192);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        if is_rate_page(&text[..end]) {
            return Err(EdgarError::RateLimited { until: self.pause() });
        }
        edgar_prospectus::parse(&text).map_err(EdgarError::Prospectus)
    }

    pub fn submissions_url(&self, cik: u64) -> String {
        format!("{}/submissions/CIK{cik:010}.json", self.data_base)
    }

    /// A company's submissions JSON (name, SIC, tickers, recent filings).
    pub async fn submissions(&self, cik: u64) -> Result<Submissions, EdgarError> {
        let url = self.submissions_url(cik);
        let text = self.get(&url, "submissions JSON").await?.ok_or_else(|| {
            EdgarError::Fetch(SourceError::Status { status: 404, url: url.clone(), retry_after: None })
        })?;
        edgar_submissions::parse(&text).map_err(EdgarError::Submissions)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    const UA: &str = "Quarry Tests ops@example.com";
    const RATE_PAGE: &str = "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\">\n<html><head>\
        <title>SEC.gov | Request Rate Threshold Exceeded</title></head><body><h1>You have exceeded the traffic limit</h1>\
        <p>Your request rate has exceeded the maximum allowable requests per second.</p></body></html>";
    const INDEX: &str = "Description:           Daily Index of EDGAR Dissemination Feed by Form Type\n\
        Last Data Received:    Nov 18, 2026\n\n\
        Form Type   Company Name                                                  CIK         Date Filed  File Name\n\
        ---------------------------------------------------------------------------------------------------------------------------------------------\n\
        D           Example Robotics, Inc.                                        1900001     20261118    edgar/data/1900001/0001900001-26-000001.txt\n";

    fn edgar(server: &MockServer, ua: &str, backoff_secs: u64) -> Edgar {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut config = crate::config::Config::builtin().unwrap().sources;
        config.edgar_base_url = server.uri();
        config.edgar_data_base_url = format!("{}/", server.uri());
        config.edgar_user_agent = ua.into();
        config.edgar_backoff_secs = backoff_secs;
        config.rate_limits.edgar = 10.0;
        let mut policy = super::super::HttpPolicy::from_config(&config);
        policy.max_retries = 0;
        Edgar::new(Arc::new(Http::new(policy).unwrap()), &config)
    }

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 18).unwrap()
    }

    #[test]
    fn the_user_agent_must_name_someone_to_contact() {
        assert!(check_user_agent("")
            .unwrap_err()
            .contains("QUARRY_SOURCES__EDGAR_USER_AGENT=\"Name email@example.com\""));
        assert!(check_user_agent("   ").is_err());
        assert!(check_user_agent("Quarry/0.1").unwrap_err().contains("contact e-mail"));
        assert!(check_user_agent("Jane Doe jane@").is_err());
        assert_eq!(check_user_agent(" Jane Doe <jane@example.com> "), Ok("Jane Doe <jane@example.com>"));
        assert_eq!(check_user_agent(UA), Ok(UA));
    }

    #[test]
    fn urls_follow_edgar_layout() {
        let c = crate::config::Config::builtin().unwrap().sources;
        let _ = rustls::crypto::ring::default_provider().install_default();
        let e = Edgar::new(Arc::new(Http::new(super::super::HttpPolicy::from_config(&c)).unwrap()), &c);
        assert_eq!(
            e.daily_index_url(NaiveDate::from_ymd_opt(2026, 5, 4).unwrap()),
            "https://www.sec.gov/Archives/edgar/daily-index/2026/QTR2/form.20260504.idx"
        );
        assert_eq!(
            e.form_d_url(1958740, "0001958740-23-000001"),
            "https://www.sec.gov/Archives/edgar/data/1958740/000195874023000001/primary_doc.xml"
        );
        assert_eq!(e.submissions_url(1318605), "https://data.sec.gov/submissions/CIK0001318605.json");
        assert_eq!(
            [1, 3, 4, 6, 7, 12].map(|m| quarter(NaiveDate::from_ymd_opt(2026, m, 1).unwrap())),
            [1, 1, 2, 2, 3, 4]
        );
    }

    #[tokio::test]
    async fn without_a_user_agent_no_request_reaches_edgar() {
        let server = MockServer::start().await;
        Mock::given(method("GET")).respond_with(ResponseTemplate::new(200).set_body_string(INDEX)).mount(&server).await;
        let e = edgar(&server, "", 600);
        let err = e.daily_index(day()).await.unwrap_err();
        assert!(matches!(err, EdgarError::NotConfigured(_)), "{err}");
        assert!(err.to_string().contains("QUARRY_SOURCES__EDGAR_USER_AGENT"), "{err}");
        assert!(e.form_d(1900001, "0001900001-26-000001").await.is_err());
        assert!(e.submissions(1900001).await.is_err());
        assert!(server.received_requests().await.unwrap().is_empty(), "a request was sent without a User-Agent");
    }

    #[tokio::test]
    async fn the_configured_user_agent_is_sent_and_the_index_read() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/Archives/edgar/daily-index/2026/QTR4/form.20261118.idx"))
            .and(wiremock::matchers::header("user-agent", UA))
            .respond_with(ResponseTemplate::new(200).set_body_string(INDEX))
            .expect(1)
            .mount(&server)
            .await;
        let index = edgar(&server, UA, 600).daily_index(day()).await.unwrap().unwrap();
        assert_eq!(index.entries.len(), 1);
        assert_eq!(index.entries[0].accession, "0001900001-26-000001");
    }

    #[tokio::test]
    async fn a_missing_daily_index_is_a_day_without_filings() {
        let server = MockServer::start().await;
        let e = edgar(&server, UA, 600);
        assert_eq!(e.daily_index(NaiveDate::from_ymd_opt(2026, 11, 21).unwrap()).await, Ok(None));
        // A missing Form D is not "nothing": it is an error about that filing.
        let err = e.form_d(1900001, "0001900001-26-000001").await.unwrap_err();
        assert!(err.is_about_the_filing(), "{err}");
    }

    #[tokio::test]
    async fn html_served_with_200_for_a_form_d_is_an_error_not_data() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(
                ResponseTemplate::new(200).set_body_raw("<html><body>Down for maintenance</body></html>", "text/html"),
            )
            .mount(&server)
            .await;
        let e = edgar(&server, UA, 600);
        let err = e.form_d(1900001, "0001900001-26-000001").await.unwrap_err();
        assert!(matches!(err, EdgarError::Html { expected: "Form D XML", .. }), "{err}");
        assert!(!err.is_about_the_filing() && !err.stops_the_run(), "maintenance is retried next run");
        assert_eq!(e.paused_until(), None, "an ordinary HTML page is not the rate page");
    }

    #[tokio::test]
    async fn the_rate_page_pauses_every_edgar_call_and_the_pause_ends() {
        for status in [200, 403] {
            let server = MockServer::start().await;
            Mock::given(method("GET"))
                .and(path("/Archives/edgar/daily-index/2026/QTR4/form.20261118.idx"))
                .respond_with(ResponseTemplate::new(status).set_body_raw(RATE_PAGE, "text/html"))
                .mount(&server)
                .await;
            Mock::given(method("GET"))
                .and(path("/submissions/CIK0001900001.json"))
                .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"cik":"1900001","name":"Example"}"#))
                .mount(&server)
                .await;
            let e = edgar(&server, UA, 1);
            let before = Utc::now();
            let err = e.daily_index(day()).await.unwrap_err();
            let EdgarError::RateLimited { until } = err else { panic!("status {status}: {err}") };
            assert!(until > before && until <= Utc::now() + chrono::Duration::seconds(1), "{until}");
            assert!(err.to_string().starts_with("EDGAR rate threshold exceeded; pausing EDGAR calls until "), "{err}");
            assert!(err.stops_the_run());
            // During the pause: the same error, and nothing sent.
            let again = e.submissions(1900001).await.unwrap_err();
            assert_eq!(again, EdgarError::RateLimited { until });
            assert_eq!(server.received_requests().await.unwrap().len(), 1, "status {status}");
            // After it: calls go out again.
            tokio::time::sleep(Duration::from_millis(1100)).await;
            assert_eq!(e.submissions(1900001).await.unwrap().name, "Example");
            assert_eq!(server.received_requests().await.unwrap().len(), 2);
        }
    }

    #[tokio::test]
    async fn a_prospectus_is_read_from_its_first_part_only() {
        let server = MockServer::start().await;
        let cover = "<p>PRELIMINARY PROSPECTUS</p><p>We are offering 5,000,000 shares. The initial public offering \
                     price will be between $9.00 and $11.00 per share.</p>";
        let filler = "<p>Risk factors and other matters.</p>".repeat(2 * PROSPECTUS_HEAD_BYTES / 38);
        for (doc, body) in [
            ("top.htm", format!("<html><body>{cover}{filler}</body></html>")),
            ("tail.htm", format!("<html><body>{filler}{cover}</body></html>")),
        ] {
            Mock::given(method("GET"))
                .and(path(format!("/Archives/edgar/data/1900123/000119312526300040/{doc}")))
                .respond_with(ResponseTemplate::new(200).set_body_raw(body, "text/html"))
                .mount(&server)
                .await;
        }
        let e = edgar(&server, UA, 600);
        let t = e.prospectus_terms(1900123, "0001193125-26-300040", "top.htm").await.unwrap();
        assert_eq!((t.range, t.shares), (Some((9.0, 11.0)), Some(5_000_000)), "a long document is cut, not refused");
        let err = e.prospectus_terms(1900123, "0001193125-26-300040", "tail.htm").await.unwrap_err();
        assert!(matches!(err, EdgarError::Prospectus(_)), "what lies past the cap is never read: {err}");
        let missing = e.prospectus_terms(1900123, "0001193125-26-300040", "gone.htm").await.unwrap_err();
        assert!(missing.is_about_the_filing(), "{missing}");
        assert_eq!(
            e.document_url(1900123, "0001193125-26-300040", "top.htm"),
            format!("{}/Archives/edgar/data/1900123/000119312526300040/top.htm", server.uri())
        );
    }

    #[tokio::test]
    async fn the_rate_page_in_place_of_a_prospectus_pauses_edgar_calls() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(200).set_body_raw(RATE_PAGE, "text/html"))
            .mount(&server)
            .await;
        let e = edgar(&server, UA, 600);
        let err = e.prospectus_terms(1900123, "0001193125-26-300040", "d.htm").await.unwrap_err();
        assert!(matches!(err, EdgarError::RateLimited { .. }) && err.stops_the_run(), "{err}");
        assert!(e.paused_until().is_some());
    }

    #[test]
    fn the_default_back_off_is_ten_minutes() {
        assert_eq!(crate::config::Config::builtin().unwrap().sources.edgar_backoff_secs, 600);
    }
}
