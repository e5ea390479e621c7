//! What every upstream answers when nothing goes wrong: each series' sources (fallbacks
//! too) in their real formats, rendered by tests/it/upstream.rs; the USGS search; the
//! World Bank landing page and workbook; EDGAR replaying tests/fixtures/edgar. Built from
//! the universe and a date alone, so `verify` rebuilds exactly what `serve` answered.
use std::collections::HashMap;
use std::sync::Arc;

use chrono::{Datelike, NaiveDate, Weekday};
use quarry::sources::{self, Point, SourceError};
use quarry::universe::{Provider, Universe};

use crate::upstream;

const EDGAR_FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/edgar");

/// The answer a request gets when no fault is drawn.
#[derive(Clone)]
pub enum Good {
    Body {
        body: Arc<Vec<u8>>,
        content_type: &'static str,
    },
    /// A 404 is the right answer: EDGAR has no index on a weekend, no document under an
    /// unknown name.
    NotFound,
}

pub struct Catalog {
    /// Data answers by (provider, code): every source of every series.
    feeds: HashMap<(Provider, String), Good>,
    usgs_search: Good,
    landing: Good,
    /// The two fixture days' daily indexes; weekdays take turns between them.
    edgar_indexes: [Good; 2],
    /// EDGAR documents by the last two path segments (folder/name), submissions by name.
    edgar_documents: HashMap<String, Good>,
    edgar_submissions: HashMap<String, Good>,
}

fn body(bytes: impl Into<Vec<u8>>, content_type: &'static str) -> Good {
    Good::Body { body: Arc::new(bytes.into()), content_type }
}

/// The points a source serves for a series at `rank` in its list: the primary's are
/// upstream.rs's (the same as examples/upstream.rs), each fallback's drift from another
/// base so that a value written under the wrong source shows.
fn points(universe: &Universe, today: NaiveDate, years: u32) -> Vec<(Provider, String, upstream::Pts)> {
    let mut out = Vec::new();
    for (i, inst) in universe.all_series().enumerate() {
        for (rank, src) in inst.sources.iter().enumerate() {
            let seed = 50.0 + 10.0 * i as f64 + 3.0 * rank as f64;
            out.push((src.provider, src.code.clone(), upstream::series_over(inst, today, seed, years)));
        }
    }
    out
}

impl Catalog {
    /// `uri` is where the catalog is served (links in the USGS search and on the landing
    /// page point there); `verify` passes any.
    pub fn new(universe: &Universe, today: NaiveDate, years: u32, uri: &str) -> Self {
        let mut feeds = HashMap::new();
        let mut usgs_codes = Vec::new();
        for (provider, code, p) in points(universe, today, years) {
            if provider == Provider::Edgar {
                continue;
            }
            let (_, bytes, content_type) = upstream::source_answer(provider, &code, &p);
            if provider == Provider::Usgs {
                usgs_codes.push(code.clone());
            }
            feeds.insert((provider, code), body(bytes, content_type));
        }
        let codes: Vec<&str> = usgs_codes.iter().map(String::as_str).collect();
        let fixture = |name: &str| std::fs::read(format!("{EDGAR_FIXTURES}/{name}")).expect("an EDGAR fixture");
        let mut edgar_documents = HashMap::new();
        let mut edgar_submissions = HashMap::new();
        for entry in std::fs::read_dir(EDGAR_FIXTURES).expect("tests/fixtures/edgar") {
            let name = entry.expect("a fixture").file_name().into_string().expect("a UTF-8 name");
            if let Some(accession) = name.strip_prefix("primary_doc.").and_then(|n| n.strip_suffix(".xml")) {
                let folder = accession.replace('-', "");
                edgar_documents.insert(format!("{folder}/primary_doc.xml"), body(fixture(&name), "text/xml"));
            } else if name.ends_with(".htm") {
                // Registration statements and prospectuses: under any filing's folder.
                edgar_documents.insert(format!("*/{name}"), body(fixture(&name), "text/html"));
            } else if name.starts_with("CIK") && name.ends_with(".json") {
                edgar_submissions.insert(name.clone(), body(fixture(&name), "application/json"));
            }
        }
        Catalog {
            feeds,
            usgs_search: body(upstream::usgs_search(uri, &codes), "application/json"),
            landing: body(upstream::worldbank_landing(uri), "text/html; charset=utf-8"),
            edgar_indexes: [
                body(fixture("form.20261117.idx"), "text/plain"),
                body(fixture("form.20261118.idx"), "text/plain"),
            ],
            edgar_documents,
            edgar_submissions,
        }
    }

    /// Which provider a request is for and its good answer; `None` for a path no upstream
    /// serves (answered 404 without a fault: it is not a source URL).
    pub fn route(&self, path: &str, query: &[(String, String)]) -> Option<(Provider, Good)> {
        let param = |name: &str| query.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        let feed = |p: Provider, code: Option<String>| {
            let good = code.and_then(|c| self.feeds.get(&(p, c)).cloned()).unwrap_or(Good::NotFound);
            Some((p, good))
        };
        if let Some(code) = path.strip_prefix("/json/").and_then(|r| r.strip_suffix(".json")) {
            return feed(Provider::Lbma, Some(code.to_string()));
        }
        if path == "/graph/fredgraph.csv" {
            return feed(Provider::Fred, param("id"));
        }
        if path == "/fred/series/observations" {
            return feed(Provider::FredApi, param("series_id"));
        }
        if path.starts_with("/v2/") && path.ends_with("/data/") {
            return feed(Provider::Eia, param("facets[series][]"));
        }
        if let Some(code) = path.strip_prefix("/v8/finance/chart/") {
            return feed(Provider::Yahoo, Some(code.to_string()));
        }
        if path == "/catalog/items" {
            return Some((Provider::Usgs, self.usgs_search.clone()));
        }
        if let Some(code) = path.strip_prefix("/files/mcs2025-").and_then(|r| r.strip_suffix("_salient.csv")) {
            return feed(Provider::Usgs, Some(code.to_string()));
        }
        if path == upstream::LANDING_PATH {
            return Some((Provider::Worldbank, self.landing.clone()));
        }
        if path == upstream::XLSX_PATH {
            // Every World Bank code reads the one workbook.
            return Some((Provider::Worldbank, body(upstream::WORLDBANK_XLSX, "application/octet-stream")));
        }
        self.edgar(path).map(|good| (Provider::Edgar, good))
    }

    fn edgar(&self, path: &str) -> Option<Good> {
        if let Some(rest) = path.strip_prefix("/Archives/edgar/daily-index/") {
            let day = rest.rsplit('/').next()?.strip_prefix("form.")?.strip_suffix(".idx")?;
            let day = NaiveDate::parse_from_str(day, "%Y%m%d").ok()?;
            return Some(match day.weekday() {
                Weekday::Sat | Weekday::Sun => Good::NotFound,
                _ => self.edgar_indexes[(day.ordinal() % 2) as usize].clone(),
            });
        }
        if let Some(rest) = path.strip_prefix("/Archives/edgar/data/") {
            let mut parts = rest.rsplit('/');
            let (name, folder) = (parts.next()?, parts.next()?);
            let found = self.edgar_documents.get(&format!("{folder}/{name}"));
            return Some(
                found.or_else(|| self.edgar_documents.get(&format!("*/{name}"))).cloned().unwrap_or(Good::NotFound),
            );
        }
        if let Some(name) = path.strip_prefix("/submissions/") {
            return Some(self.edgar_submissions.get(name).cloned().unwrap_or(Good::NotFound));
        }
        None
    }

    /// What a full good fetch of one feed yields: its good answer read by Quarry's own
    /// parser (so "good" means what the product accepts from an answer that arrived whole).
    pub fn good_points(&self, provider: Provider, code: &str) -> Result<Vec<Point>, SourceError> {
        let bytes = match self.feeds.get(&(provider, code.to_string())) {
            Some(Good::Body { body, .. }) => body.clone(),
            _ => return Err(SourceError::NotConfigured(format!("no chaos feed {} {code}", provider.as_str()))),
        };
        match provider {
            Provider::Lbma => sources::lbma::parse(&bytes),
            Provider::Fred => sources::fred::parse(&bytes),
            Provider::FredApi => sources::fred_api::parse(&bytes).map(|page| page.points),
            Provider::Eia => sources::eia::parse(&bytes, code).map(|page| page.points),
            Provider::Yahoo => sources::yahoo::parse(&bytes),
            Provider::Usgs => sources::usgs::parse(&bytes),
            Provider::Worldbank => sources::worldbank::column(&sources::worldbank::parse_workbook(&bytes)?, code),
            Provider::Edgar => Err(SourceError::NotConfigured("EDGAR serves filings, not series".into())),
        }
    }
}
