//! The faults, drawn per request from a seeded generator, how each goes on the wire, and
//! the count of what was injected. A raw HTTP/1.1 server on tokio's TcpListener rather than
//! wiremock: a slow drip and a reset mid-body need the socket itself.
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use quarry::universe::Provider;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::feeds::{Catalog, Good};
use crate::rng::Rng;

/// What one request gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// The good answer (a 404 where that is the good answer).
    Good,
    /// HTTP 500.
    ServerError,
    /// HTTP 429 with `Retry-After: 1`.
    TooMany,
    /// An HTML error page with status 200.
    Html,
    /// The good body cut short mid-row (never at a line end) or mid-document, framed as a
    /// whole answer (its Content-Length is the cut length): only the body can tell.
    Truncated,
    /// The good answer, its body trickled over longer than any client waits.
    SlowDrip,
    /// The socket reset (SO_LINGER 0): before the answer, or half-way through its body.
    Reset,
}

impl Kind {
    pub const ALL: [Kind; 7] =
        [Kind::Good, Kind::ServerError, Kind::TooMany, Kind::Html, Kind::Truncated, Kind::SlowDrip, Kind::Reset];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Good => "good",
            Kind::ServerError => "500",
            Kind::TooMany => "429",
            Kind::Html => "html_200",
            Kind::Truncated => "truncated",
            Kind::SlowDrip => "slow_drip",
            Kind::Reset => "reset",
        }
    }
}

pub struct Settings {
    /// Percent of requests answered well; the six faults share the rest evenly.
    pub good_percent: u32,
    /// How long a slow drip takes to send its body (past the client's timeout).
    pub drip: Duration,
}

/// Injected answers by provider and kind.
pub type Counts = BTreeMap<&'static str, BTreeMap<&'static str, u64>>;

pub struct Chaos {
    pub catalog: Catalog,
    pub settings: Settings,
    rng: Mutex<Rng>,
    counts: Mutex<Counts>,
}

impl Chaos {
    pub fn new(catalog: Catalog, settings: Settings, seed: u64) -> Self {
        Chaos { catalog, settings, rng: Mutex::new(Rng(seed)), counts: Mutex::default() }
    }

    fn draw(&self) -> (Kind, u64) {
        // Good answers `good_percent` of the time, the six faults sharing the rest evenly
        // (weights times six, to stay whole numbers).
        let good = self.settings.good_percent.min(100);
        let weights = Kind::ALL.iter().map(move |&k| if k == Kind::Good { 6 * good } else { 100 - good });
        let mut rng = self.rng.lock().expect("rng lock");
        let kind = Kind::ALL[rng.weighted(weights)];
        (kind, rng.next())
    }

    fn count(&self, provider: Provider, kind: Kind) {
        let mut counts = self.counts.lock().expect("counts lock");
        *counts.entry(provider.as_str()).or_default().entry(kind.name()).or_default() += 1;
    }

    pub fn counts(&self) -> Counts {
        self.counts.lock().expect("counts lock").clone()
    }

    /// Totals by kind over every provider.
    pub fn by_kind(&self) -> BTreeMap<&'static str, u64> {
        let mut out: BTreeMap<&'static str, u64> = Kind::ALL.iter().map(|k| (k.name(), 0)).collect();
        for per in self.counts().values() {
            for (k, n) in per {
                *out.entry(k).or_default() += n;
            }
        }
        out
    }
}

struct Request {
    path: String,
    query: Vec<(String, String)>,
}

/// Reads the request head (GET only; no body), or `None` when the client went away.
async fn read_request(stream: &mut TcpStream) -> Option<Request> {
    let mut buf = Vec::with_capacity(2048);
    let mut chunk = [0u8; 2048];
    let read = async {
        while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = stream.read(&mut chunk).await.ok()?;
            if n == 0 || buf.len() > 64 * 1024 {
                return None;
            }
            buf.extend_from_slice(&chunk[..n]);
        }
        Some(())
    };
    tokio::time::timeout(Duration::from_secs(10), read).await.ok()??;
    let head = String::from_utf8_lossy(&buf);
    let target = head.lines().next()?.split_whitespace().nth(1)?.to_string();
    let url = reqwest::Url::parse(&format!("http://chaos{target}")).ok()?;
    let path = percent_encoding::percent_decode_str(url.path()).decode_utf8_lossy().into_owned();
    let query = url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    Some(Request { path, query })
}

fn head(status: &str, content_type: &str, length: usize, extra: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {length}\r\n{extra}Connection: close\r\n\r\n"
    )
    .into_bytes()
}

async fn send(stream: &mut TcpStream, status: &str, content_type: &str, body: &[u8], extra: &str) {
    let mut out = head(status, content_type, body.len(), extra);
    out.extend_from_slice(body);
    if stream.write_all(&out).await.is_ok() {
        let _ = stream.shutdown().await;
    }
}

/// Where to cut a body: somewhere in its middle 80 %, moved back until neither side of the
/// cut is a line break, so a text body always loses part of a row (a cut at a line end
/// leaves a shorter file that no reader can tell from a whole one).
pub fn cut_point(body: &[u8], r: u64) -> usize {
    let len = body.len();
    if len < 4 {
        return len / 2;
    }
    let mut cut = len / 10 + (r as usize) % (len * 8 / 10).max(1);
    let is_break = |b: u8| b == b'\n' || b == b'\r';
    while cut > 1 && (is_break(body[cut - 1]) || is_break(body[cut])) {
        cut -= 1;
    }
    cut
}

const HTML_PAGE: &[u8] = b"<!DOCTYPE html><html><head><title>Down for maintenance</title></head>\
    <body><h1>We'll be back soon</h1><p>The service is undergoing scheduled maintenance.</p></body></html>";

/// Answers one connection: the chaos endpoints, a path no upstream serves (404), or a
/// source URL with a drawn fault.
pub async fn handle(mut stream: TcpStream, chaos: Arc<Chaos>) {
    let Some(req) = read_request(&mut stream).await else { return };
    if req.path == "/_chaos/stats" {
        let json = serde_json::json!({ "by_kind": chaos.by_kind(), "by_provider": chaos.counts() });
        return send(&mut stream, "200 OK", "application/json", json.to_string().as_bytes(), "").await;
    }
    let Some((provider, good)) = chaos.catalog.route(&req.path, &req.query) else {
        return send(&mut stream, "404 Not Found", "text/plain", b"no such upstream path\n", "").await;
    };
    let (kind, r) = chaos.draw();
    chaos.count(provider, kind);
    let (body, content_type): (&[u8], &str) = match &good {
        Good::Body { body, content_type } => (body, content_type),
        Good::NotFound => (b"Not Found\n", "text/plain"),
    };
    let status = if matches!(good, Good::NotFound) { "404 Not Found" } else { "200 OK" };
    match kind {
        Kind::Good => send(&mut stream, status, content_type, body, "").await,
        Kind::ServerError => {
            send(&mut stream, "500 Internal Server Error", "text/plain", b"internal error\n", "").await
        }
        Kind::TooMany => {
            send(&mut stream, "429 Too Many Requests", "text/plain", b"slow down\n", "Retry-After: 1\r\n").await
        }
        Kind::Html => send(&mut stream, "200 OK", "text/html; charset=utf-8", HTML_PAGE, "").await,
        Kind::Truncated => send(&mut stream, status, content_type, &body[..cut_point(body, r)], "").await,
        Kind::SlowDrip => {
            if stream.write_all(&head(status, content_type, body.len(), "")).await.is_err() {
                return;
            }
            let pieces = 40.min(body.len().max(1));
            let pause = chaos.settings.drip / pieces as u32;
            for piece in body.chunks(body.len().div_ceil(pieces).max(1)) {
                tokio::time::sleep(pause).await;
                // The client gave up (its timeout): stop writing.
                if stream.write_all(piece).await.is_err() || stream.flush().await.is_err() {
                    return;
                }
            }
            let _ = stream.shutdown().await;
        }
        Kind::Reset => {
            // Half the resets come before any byte, half after the head and half the body.
            if r % 2 == 0 {
                let mut out = head(status, content_type, body.len(), "");
                out.extend_from_slice(&body[..body.len() / 2]);
                let _ = stream.write_all(&out).await;
                let _ = stream.flush().await;
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            // SO_LINGER 0: closing sends RST instead of FIN.
            let _ = stream.set_zero_linger();
            drop(stream);
        }
    }
}
