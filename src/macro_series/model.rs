//! Types the macro API sends.
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::universe::Frequency;

/// One macro series with its newest observation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MacroSeriesEntry {
    /// The FRED id in lower case (`walcl`, `dgs10`, ...).
    pub slug: String,
    pub name: String,
    /// FRED's unit: `USD millions`, `percent`, `index 1982-84=100`, ...
    pub unit: String,
    /// The frequency of the data: `daily`, `weekly` (Wednesday levels) or `monthly`.
    pub frequency: Frequency,
    pub note: Option<String>,
    /// The primary source: provider (`fred`) and its series id (`WALCL`).
    pub provider: String,
    pub provider_code: String,
    /// The terms the data comes under (FRED asks for its "not endorsed" notice).
    pub licence: String,
    pub last_value: Option<f64>,
    /// The date of the last value: a day, a Wednesday for weekly series, the first of the
    /// month for monthly ones.
    pub as_of: Option<NaiveDate>,
    /// Where the last value came from: `fred` (or another provider) or `demo`.
    pub source: Option<String>,
    pub source_label: Option<String>,
    /// The newest observation is older than the frequency allows, or the latest refresh
    /// failed on every source.
    pub stale: bool,
    pub stale_reason: Option<String>,
    /// `demo`, `fresh`, `stale` or `no_data` (see the commodities overview).
    pub freshness: crate::commodities::model::Freshness,
}

impl MacroSeriesEntry {
    pub fn is_demo(&self) -> bool {
        self.source.as_deref() == Some(crate::universe::DEMO_SOURCE)
    }
}

/// `GET /api/macro/series`: every macro series of the universe, in universe order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MacroSeriesList {
    pub generated_at: DateTime<Utc>,
    /// Some last value is generated demo data.
    pub demo: bool,
    pub notice: Option<String>,
    pub series: Vec<MacroSeriesEntry>,
}
