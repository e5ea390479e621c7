//! Types the commodities API sends and the pages read.
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::universe::{Frequency, Group, Instrument};

/// One instrument on the overview: its last value with source and as-of date, the changes
/// its frequency allows (`null` where it has none) and a sparkline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OverviewEntry {
    pub slug: String,
    pub name: String,
    pub group: String,
    pub unit: String,
    pub frequency: Frequency,
    /// The price stands in for the named material (see the universe file).
    pub is_proxy: bool,
    pub last_value: Option<f64>,
    pub as_of: Option<NaiveDate>,
    /// Where the last value came from: a provider (`lbma`, `fred`, ...) or `demo`.
    pub source: Option<String>,
    pub source_label: Option<String>,
    pub change_1d: Option<f64>,
    pub change_1m: Option<f64>,
    pub change_1y: Option<f64>,
    /// Values oldest first: the last year (the last ten for annual series), at most 60.
    pub sparkline: Vec<f64>,
    pub sparkline_from: Option<NaiveDate>,
    /// The newest observation is older than the frequency allows, or the latest refresh
    /// failed on every source.
    pub stale: bool,
    /// Why the entry is stale, with the reason of the last failed fetch when there is one.
    pub stale_reason: Option<String>,
}

impl OverviewEntry {
    /// The entry of an instrument before any data is known.
    pub fn without_data(inst: &Instrument) -> Self {
        OverviewEntry {
            slug: inst.slug.clone(),
            name: inst.name.clone(),
            group: inst.group.clone(),
            unit: inst.unit.clone(),
            frequency: inst.frequency,
            is_proxy: inst.is_proxy,
            last_value: None,
            as_of: None,
            source: None,
            source_label: None,
            change_1d: None,
            change_1m: None,
            change_1y: None,
            sparkline: Vec::new(),
            sparkline_from: None,
            stale: false,
            stale_reason: None,
        }
    }

    pub fn is_demo(&self) -> bool {
        self.source.as_deref() == Some(crate::universe::DEMO_SOURCE)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Overview {
    pub generated_at: DateTime<Utc>,
    /// Some figures are generated demo data (each such entry has `"source": "demo"`).
    pub demo: bool,
    pub notice: Option<String>,
    pub groups: Vec<Group>,
    pub instruments: Vec<OverviewEntry>,
}

pub const DEMO_NOTICE: &str =
    "Demo mode: figures with source \"demo\" are generated, not market data. Real data replaces them as sources are fetched.";

/// Columns the overview can be sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    Name,
    Last,
    AsOf,
    Change1d,
    Change1m,
    Change1y,
}

impl SortKey {
    pub const ALL: [SortKey; 6] =
        [SortKey::Name, SortKey::Last, SortKey::AsOf, SortKey::Change1d, SortKey::Change1m, SortKey::Change1y];

    pub fn as_str(self) -> &'static str {
        match self {
            SortKey::Name => "name",
            SortKey::Last => "last",
            SortKey::AsOf => "as_of",
            SortKey::Change1d => "change_1d",
            SortKey::Change1m => "change_1m",
            SortKey::Change1y => "change_1y",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// What this key reads from an entry; `None` when the entry has no such value.
    fn value(self, e: &OverviewEntry) -> Option<SortValue> {
        match self {
            SortKey::Name => Some(SortValue::Text(e.name.to_lowercase())),
            SortKey::AsOf => e.as_of.map(SortValue::Date),
            SortKey::Last => e.last_value.map(SortValue::Number),
            SortKey::Change1d => e.change_1d.map(SortValue::Number),
            SortKey::Change1m => e.change_1m.map(SortValue::Number),
            SortKey::Change1y => e.change_1y.map(SortValue::Number),
        }
    }

    /// Sorts entries by this key; missing values always go last, whatever the direction.
    pub fn sort(self, entries: &mut [OverviewEntry], descending: bool) {
        sort_missing_last(entries, descending, |e| self.value(e));
    }
}

/// A sortable cell value; one key always yields one variant.
#[derive(PartialEq, PartialOrd)]
pub enum SortValue {
    Text(String),
    Date(NaiveDate),
    Number(f64),
}

/// Sorts by `key`; rows without a value go last in both directions, so "n/a" never
/// tops a ranking.
pub fn sort_missing_last<T>(items: &mut [T], descending: bool, key: impl Fn(&T) -> Option<SortValue>) {
    use std::cmp::Ordering;
    items.sort_by(|a, b| match (key(a), key(b)) {
        (Some(x), Some(y)) => {
            let o = x.partial_cmp(&y).unwrap_or(Ordering::Equal);
            if descending {
                o.reverse()
            } else {
                o
            }
        }
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    });
}

/// One instrument's latest signals: the `commodities/signals` table row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignalSummary {
    pub slug: String,
    pub name: String,
    pub group: String,
    pub unit: String,
    pub frequency: Frequency,
    /// Where the close came from (a provider, or `demo`).
    pub source: Option<String>,
    /// The date the signals are as of: the newest observation.
    pub date: NaiveDate,
    pub close: f64,
    #[serde(flatten)]
    pub values: std::collections::BTreeMap<String, Option<f64>>,
    /// A golden or death cross on `date` itself.
    pub cross: Option<super::signals::Cross>,
    pub last_golden_cross: Option<NaiveDate>,
    pub last_death_cross: Option<NaiveDate>,
    pub stance: super::signals::Stance,
    /// Indicators that do not exist at this frequency ("n/a"), as opposed to `null` values
    /// that lack enough history yet.
    pub not_applicable: Vec<String>,
}

/// Columns `commodities/signals` sorts by: these, and every numeric indicator's name.
pub const SIGNAL_SORT_COLUMNS: [&str; 5] = ["name", "group", "date", "close", "stance"];

impl SignalSummary {
    /// The value of a sort column; `None` for an unknown column or a missing value.
    pub fn sort_value(&self, column: &str) -> Option<SortValue> {
        use super::signals::Stance;
        match column {
            "name" => Some(SortValue::Text(self.name.to_lowercase())),
            "group" => Some(SortValue::Text(self.group.clone())),
            "date" => Some(SortValue::Date(self.date)),
            "close" => Some(SortValue::Number(self.close)),
            // Ranked bearish < neutral < bullish, so "desc" puts the bullish first.
            "stance" => Some(SortValue::Number(match self.stance {
                Stance::Bearish => -1.0,
                Stance::Neutral => 0.0,
                Stance::Bullish => 1.0,
            })),
            other => self.values.get(other).copied().flatten().map(SortValue::Number),
        }
    }
}

/// The `commodities/signals` answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignalsTable {
    pub generated_at: DateTime<Utc>,
    /// Some rows are computed from generated demo data (their `source` is `demo`).
    pub demo: bool,
    pub notice: Option<String>,
    /// How the stance is decided, in words.
    pub stance_rule: String,
    pub rows: Vec<SignalSummary>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &str, change_1y: Option<f64>) -> OverviewEntry {
        let inst = Instrument {
            slug: name.to_lowercase(),
            name: name.into(),
            group: "metals".into(),
            unit: "USD".into(),
            frequency: crate::universe::Frequency::Daily,
            is_proxy: false,
            sources: vec![],
        };
        OverviewEntry { change_1y, ..OverviewEntry::without_data(&inst) }
    }

    #[test]
    fn missing_values_sort_last_in_both_directions() {
        let mut v = vec![entry("A", None), entry("B", Some(1.0)), entry("C", Some(-3.0))];
        SortKey::Change1y.sort(&mut v, true);
        assert_eq!(v.iter().map(|e| e.name.as_str()).collect::<String>(), "BCA");
        SortKey::Change1y.sort(&mut v, false);
        assert_eq!(v.iter().map(|e| e.name.as_str()).collect::<String>(), "CBA");
    }
}

/// Why an instrument's figure cannot be taken as current, or `None` when it can: its newest
/// observation is older than its frequency allows, or the latest attempt to refresh it
/// failed on every source (`last_error`, with the attempt's time).
pub fn stale_reason(
    frequency: Frequency,
    as_of: Option<NaiveDate>,
    today: NaiveDate,
    last_error: Option<(&str, DateTime<Utc>)>,
) -> Option<String> {
    let failed = last_error.map(|(e, at)| format!("last fetch failed at {}: {e}", at.format("%Y-%m-%d %H:%M UTC")));
    let age = as_of.map(|d| (today - d).num_days());
    let too_old = age.filter(|a| *a > frequency.stale_after_days()).map(|a| {
        format!(
            "newest {} observation is {a} days old (limit {} days)",
            frequency.as_str(),
            frequency.stale_after_days()
        )
    });
    match (too_old, failed) {
        (Some(old), Some(failed)) => Some(format!("{old}; {failed}")),
        (Some(old), None) => Some(old),
        (None, Some(failed)) => Some(failed),
        (None, None) => None,
    }
}

#[cfg(test)]
mod stale_tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_daily_series_five_days_old_is_stale_and_four_days_is_not() {
        assert!(stale_reason(Frequency::Daily, Some(d("2026-11-24")), d("2026-11-28"), None).is_none());
        let r = stale_reason(Frequency::Daily, Some(d("2026-11-23")), d("2026-11-28"), None).unwrap();
        assert!(r.contains("5 days old"), "{r}");
    }

    #[test]
    fn an_annual_figure_a_year_old_is_not_stale() {
        assert!(stale_reason(Frequency::Annual, Some(d("2025-01-01")), d("2026-11-28"), None).is_none());
    }

    #[test]
    fn a_failed_latest_fetch_marks_even_recent_data_stale_and_says_why() {
        let at: DateTime<Utc> = "2026-11-28T12:05:00Z".parse().unwrap();
        let r = stale_reason(
            Frequency::Daily,
            Some(d("2026-11-27")),
            d("2026-11-28"),
            Some(("LBMA gold_pm: HTTP 503", at)),
        )
        .unwrap();
        assert_eq!(r, "last fetch failed at 2026-11-28 12:05 UTC: LBMA gold_pm: HTTP 503");
    }
}
