//! A local stand-in for every upstream Quarry reads, answering in each provider's real
//! format with generated prices: for working offline, for the browser tests and for the
//! backfill benchmark. It serves every instrument's primary feed and the 12 macro series
//! (FRED `fredgraph.csv` at their true frequencies, WALCL and WTREGEN weekly on Wednesdays,
//! with their demo models' values, so levels are plausible; at most back to 2010). Not part
//! of the product.
//!
//!     cargo run --features ssr --example upstream -- [--port 9900] [--years 40]
//!
//! Point Quarry at it with the variables it prints. `POST /_control/break?provider=lbma`
//! makes that provider answer with an HTML page (status 200), `.../mend?provider=lbma`
//! undoes it.
#[path = "../tests/it/upstream.rs"]
#[allow(dead_code)]
mod upstream;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use quarry::universe::{parse_universe, Provider, BUILTIN_UNIVERSE};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

type Switches = Arc<HashMap<Provider, AtomicBool>>;

/// A feed's answer, or an HTML page while its provider is "broken".
struct Switchable {
    provider: Provider,
    body: Vec<u8>,
    content_type: &'static str,
    broken: Switches,
}

impl Respond for Switchable {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        if self.broken[&self.provider].load(Ordering::Relaxed) {
            return upstream::ok("<!DOCTYPE html><html><body><h1>Service unavailable</h1></body></html>", "text/html");
        }
        upstream::ok(self.body.clone(), self.content_type)
    }
}

struct Control {
    broken: Switches,
    on: bool,
}

impl Respond for Control {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let name = req.url.query_pairs().find(|(k, _)| k == "provider").map(|(_, v)| v.into_owned());
        match name.as_deref().and_then(Provider::parse) {
            Some(p) => {
                self.broken[&p].store(self.on, Ordering::Relaxed);
                ResponseTemplate::new(200).set_body_string(format!(
                    "{} {}\n",
                    p.as_str(),
                    if self.on { "broken" } else { "mended" }
                ))
            }
            None => ResponseTemplate::new(400)
                .set_body_string("?provider= one of lbma, fred, fred_api, eia, worldbank, usgs, yahoo\n"),
        }
    }
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str, default: u32| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let (port, years) = (arg("--port", 9900), arg("--years", 1));
    let listener = std::net::TcpListener::bind(("127.0.0.1", port as u16)).expect("port in use");
    let server = MockServer::builder().listener(listener).start().await;
    let uri = server.uri();
    let universe = parse_universe("built-in", BUILTIN_UNIVERSE).unwrap();
    let broken: Switches = Arc::new(Provider::ALL.into_iter().map(|p| (p, AtomicBool::new(false))).collect());
    let today = chrono::Utc::now().date_naive();

    let mut rows = 0;
    let mut feeds = 0;
    let mut usgs_codes = Vec::new();
    for (i, inst) in universe.all_series().enumerate() {
        let src = &inst.sources[0];
        let p = upstream::series_over(inst, today, 50.0 + 10.0 * i as f64, years);
        rows += p.iter().filter(|(_, v)| v.is_some()).count();
        feeds += 1;
        let (mock, body, content_type) = upstream::source_answer(src.provider, &src.code, &p);
        mock.respond_with(Switchable { provider: src.provider, body, content_type, broken: broken.clone() })
            .mount(&server)
            .await;
        if src.provider == Provider::Usgs {
            usgs_codes.push(src.code.as_str());
        }
    }
    let codes: Vec<&str> = usgs_codes.to_vec();
    Mock::given(path("/catalog/items"))
        .respond_with(upstream::ok(upstream::usgs_search(&uri, &codes), "application/json"))
        .mount(&server)
        .await;
    Mock::given(path(upstream::LANDING_PATH))
        .respond_with(upstream::ok(upstream::worldbank_landing(&uri), "text/html"))
        .mount(&server)
        .await;
    let (mock, body, content_type) = upstream::source_answer(Provider::Worldbank, "", &vec![]);
    mock.respond_with(Switchable { provider: Provider::Worldbank, body, content_type, broken: broken.clone() })
        .mount(&server)
        .await;
    for (verb, on) in [("break", true), ("mend", false)] {
        Mock::given(method("POST"))
            .and(path(format!("/_control/{verb}")))
            .respond_with(Control { broken: broken.clone(), on })
            .mount(&server)
            .await;
    }

    println!(
        "upstream: {uri} serves {feeds} feeds ({} instruments, {} macro series), {rows} observations ({years} years of daily history)",
        universe.instruments.len(),
        universe.macros.len()
    );
    // Shell words: the scripts `eval` these lines, and a value may hold spaces (the
    // EDGAR User-Agent names a person and an address).
    for (k, v) in upstream::env_for(&uri) {
        println!("export {k}='{}'", v.replace('\'', "'\\''"));
    }
    tokio::signal::ctrl_c().await.ok();
}
