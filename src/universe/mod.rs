//! The commodity universe: which instruments Quarry tracks, in which groups, and where each
//! one's prices come from. The types cross the wire (`commodities/config`); loading and
//! validation are server-only.
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
mod load;
#[cfg(feature = "ssr")]
pub use load::{load_universe, parse_universe, UniverseError, BUILTIN_UNIVERSE};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Frequency {
    Daily,
    Monthly,
    Annual,
}

impl Frequency {
    pub fn as_str(self) -> &'static str {
        match self {
            Frequency::Daily => "daily",
            Frequency::Monthly => "monthly",
            Frequency::Annual => "annual",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "daily" => Some(Frequency::Daily),
            "monthly" => Some(Frequency::Monthly),
            "annual" => Some(Frequency::Annual),
            _ => None,
        }
    }

    /// How old the newest observation may be before the series counts as stale. Monthly
    /// and annual figures are published with a lag, so their allowance covers it.
    pub fn stale_after_days(self) -> i64 {
        match self {
            Frequency::Daily => 4,
            Frequency::Monthly => 75,
            Frequency::Annual => 760,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Provider {
    Lbma,
    Fred,
    FredApi,
    Eia,
    Worldbank,
    Usgs,
    Yahoo,
}

impl Provider {
    pub const ALL: [Provider; 7] = [
        Provider::Lbma,
        Provider::Fred,
        Provider::FredApi,
        Provider::Eia,
        Provider::Worldbank,
        Provider::Usgs,
        Provider::Yahoo,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Lbma => "lbma",
            Provider::Fred => "fred",
            Provider::FredApi => "fred_api",
            Provider::Eia => "eia",
            Provider::Worldbank => "worldbank",
            Provider::Usgs => "usgs",
            Provider::Yahoo => "yahoo",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Provider::ALL.into_iter().find(|p| p.as_str() == s)
    }

    /// The name shown on source badges.
    pub fn label(self) -> &'static str {
        match self {
            Provider::Lbma => "LBMA",
            Provider::Fred | Provider::FredApi => "FRED",
            Provider::Eia => "EIA",
            Provider::Worldbank => "World Bank",
            Provider::Usgs => "USGS",
            Provider::Yahoo => "Yahoo",
        }
    }

    pub fn licence(self) -> &'static str {
        match self {
            Provider::Lbma => "LBMA Precious Metal Prices, administered by ICE Benchmark Administration; display with attribution",
            Provider::Fred | Provider::FredApi => {
                "FRED, Federal Reserve Bank of St. Louis; terms of the underlying series apply; not endorsed by the Federal Reserve Bank of St. Louis"
            }
            Provider::Eia => "U.S. Energy Information Administration; public domain",
            Provider::Worldbank => "World Bank Commodity Price Data (Pink Sheet); CC BY 4.0",
            Provider::Usgs => "U.S. Geological Survey Mineral Commodity Summaries; public domain",
            Provider::Yahoo => "Yahoo Finance chart data; unofficial, personal use",
        }
    }
}

/// A source label for stored rows: a provider name, or `demo` for generated data.
pub const DEMO_SOURCE: &str = "demo";

/// The badge text for a stored `source` value.
pub fn source_label(source: &str) -> &str {
    if source == DEMO_SOURCE {
        return "DEMO";
    }
    Provider::parse(source).map(Provider::label).unwrap_or(source)
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceRef {
    pub provider: Provider,
    pub code: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Group {
    pub slug: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Instrument {
    pub slug: String,
    pub name: String,
    pub group: String,
    pub unit: String,
    pub frequency: Frequency,
    pub is_proxy: bool,
    pub sources: Vec<SourceRef>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Universe {
    pub groups: Vec<Group>,
    pub instruments: Vec<Instrument>,
}

impl Universe {
    pub fn group(&self, slug: &str) -> Option<&Group> {
        self.groups.iter().find(|g| g.slug == slug)
    }

    pub fn instrument(&self, slug: &str) -> Option<&Instrument> {
        self.instruments.iter().find(|i| i.slug == slug)
    }
}
