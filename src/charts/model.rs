//! What the Charts section sends: the kept chart packs.
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// One generated chart pack.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PackInfo {
    pub date: NaiveDate,
    pub created_at: DateTime<Utc>,
    /// Where to download it: `/api/charts/pack/{date}.pdf`.
    pub url: String,
    pub pages: i32,
    pub bytes: i64,
    pub render_ms: i32,
    /// The newest observation any page used.
    pub data_as_of: Option<NaiveDate>,
    /// Some pages show generated demo data.
    pub demo: bool,
    /// Pages drawn as "no data yet" (page numbers, the cover being 1).
    pub missing_pages: Vec<i32>,
}

/// The `charts/packs` answer, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PackList {
    pub packs: Vec<PackInfo>,
    /// `/api/charts/pack/latest.pdf` when there is a pack.
    pub latest_url: Option<String>,
}

/// A series a chart view can draw.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SeriesOption {
    pub slug: String,
    pub name: String,
    /// `commodity` or `macro`.
    pub kind: String,
    pub group: String,
    pub unit: String,
    pub frequency: crate::universe::Frequency,
}

/// The chart views page's answer: the chart drawn for the URL's view, and its downloads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ChartView {
    pub title: String,
    pub desc: String,
    /// Inline SVG; `null` when the range holds no observations.
    pub svg: Option<String>,
    pub notes: Vec<String>,
    pub sources: Vec<String>,
    pub demo: bool,
    /// The view's canonical query string.
    pub query: String,
    pub svg_url: String,
    pub png_url: String,
    pub pdf_url: String,
    pub csv_url: String,
}
