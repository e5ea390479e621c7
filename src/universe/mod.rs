//! The universe: which commodity instruments Quarry tracks, in which groups, and where each
//! one's prices come from; and, apart from them, the macro series the chart pack draws on.
//! The types cross the wire (`commodities/config`); loading and validation are server-only.
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
mod load;
#[cfg(feature = "ssr")]
pub use load::{load_universe, parse_universe, UniverseError, BUILTIN_UNIVERSE};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Frequency {
    Daily,
    /// One observation a week (the Fed's H.4.1 balance-sheet levels, dated Wednesdays).
    Weekly,
    Monthly,
    Annual,
}

impl Frequency {
    pub fn as_str(self) -> &'static str {
        match self {
            Frequency::Daily => "daily",
            Frequency::Weekly => "weekly",
            Frequency::Monthly => "monthly",
            Frequency::Annual => "annual",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "daily" => Some(Frequency::Daily),
            "weekly" => Some(Frequency::Weekly),
            "monthly" => Some(Frequency::Monthly),
            "annual" => Some(Frequency::Annual),
            _ => None,
        }
    }

    /// How old the newest observation may be before the series counts as stale. Weekly,
    /// monthly and annual figures are published with a lag, so their allowance covers it
    /// (a Wednesday level appears on Thursday evening; a holiday can push it a day).
    pub fn stale_after_days(self) -> i64 {
        match self {
            Frequency::Daily => 4,
            Frequency::Weekly => 10,
            Frequency::Monthly => 75,
            Frequency::Annual => 760,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Provider {
    Lbma,
    Fred,
    FredApi,
    Eia,
    Worldbank,
    Usgs,
    Yahoo,
    /// SEC EDGAR: filings for the venture jobs, not prices. Not in `ALL` (an instrument
    /// cannot name it); it exists so EDGAR calls get their own rate limit.
    Edgar,
}

impl Provider {
    /// The price providers an instrument may name.
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
            Provider::Edgar => "edgar",
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
            Provider::Edgar => "SEC EDGAR",
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
            Provider::Edgar => "SEC EDGAR filings; U.S. government work, public domain",
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
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SourceRef {
    pub provider: Provider,
    pub code: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Group {
    pub slug: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Instrument {
    pub slug: String,
    pub name: String,
    pub group: String,
    pub unit: String,
    pub frequency: Frequency,
    pub is_proxy: bool,
    pub sources: Vec<SourceRef>,
    /// A line on what the series is (macro series say what the chart pack uses them for).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The group every macro series belongs to (`series.group_slug`). It is not one of the
/// universe's `groups`: those are the commodity groups the pages list.
pub const MACRO_GROUP: &str = "macro";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Universe {
    pub groups: Vec<Group>,
    /// The commodity instruments: what the commodity pages, signals and jobs cover.
    pub instruments: Vec<Instrument>,
    /// Macro series (`[[macro]]` in the file; group `macro`), kept apart from the
    /// instruments so that no commodity page, table or job picks them up.
    #[serde(default)]
    pub macros: Vec<Instrument>,
}

impl Universe {
    pub fn group(&self, slug: &str) -> Option<&Group> {
        self.groups.iter().find(|g| g.slug == slug)
    }

    /// A commodity instrument (never a macro series).
    pub fn instrument(&self, slug: &str) -> Option<&Instrument> {
        self.instruments.iter().find(|i| i.slug == slug)
    }

    /// A macro series.
    pub fn macro_series(&self, slug: &str) -> Option<&Instrument> {
        self.macros.iter().find(|i| i.slug == slug)
    }

    /// Any series the universe defines: an instrument or a macro series.
    pub fn series(&self, slug: &str) -> Option<&Instrument> {
        self.all_series().find(|i| i.slug == slug)
    }

    /// Every series: the instruments in order, then the macro series.
    pub fn all_series(&self) -> impl Iterator<Item = &Instrument> {
        self.instruments.iter().chain(&self.macros)
    }
}
