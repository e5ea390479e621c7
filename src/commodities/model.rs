//! Types the commodities API sends and the pages read.
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::universe::{Frequency, Group, Instrument};

/// One instrument on the overview: its last value with source and as-of date, the changes
/// its frequency allows (`null` where it has none) and a sparkline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
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
    /// Changes over 1 day, 1 month and 1 year in percent, per `changes::CHANGE_RULE`.
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
    /// The badge: `demo` (generated, judged against the demo's own as-of date), `fresh`,
    /// `stale` or `no_data`.
    pub freshness: Freshness,
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
            freshness: Freshness::NoData,
        }
    }

    pub fn is_demo(&self) -> bool {
        self.source.as_deref() == Some(crate::universe::DEMO_SOURCE)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Overview {
    pub generated_at: DateTime<Utc>,
    /// Some figures are generated demo data (each such entry has `"source": "demo"`).
    pub demo: bool,
    pub notice: Option<String>,
    /// Demo mode: the jobs that fetch are paused, and this says so (once, calmly).
    #[serde(default)]
    pub offline_notice: Option<String>,
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
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
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
    /// The 1-day change in percent, as the overview gives it (`changes::CHANGE_RULE`:
    /// daily series only; `null` across a gap or from a zero or negative close).
    pub change_1d: Option<f64>,
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
pub const SIGNAL_SORT_COLUMNS: [&str; 6] = ["name", "group", "date", "close", "change_1d", "stance"];

impl SignalSummary {
    /// The value of a sort column; `None` for an unknown column or a missing value.
    pub fn sort_value(&self, column: &str) -> Option<SortValue> {
        use super::signals::Stance;
        match column {
            "name" => Some(SortValue::Text(self.name.to_lowercase())),
            "group" => Some(SortValue::Text(self.group.clone())),
            "date" => Some(SortValue::Date(self.date)),
            "close" => Some(SortValue::Number(self.close)),
            "change_1d" => self.change_1d.map(SortValue::Number),
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
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
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
            note: None,
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

/// What the badge beside a figure says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Freshness {
    /// Generated demo data: never "stale" for being behind today, only for being behind
    /// the demo's own as-of date, and a failed fetch on an offline machine is no news.
    Demo,
    Fresh,
    Stale,
    NoData,
}

impl Freshness {
    pub fn label(self) -> &'static str {
        match self {
            Freshness::Demo => "DEMO",
            Freshness::Fresh => "fresh",
            Freshness::Stale => "STALE",
            Freshness::NoData => "no data",
        }
    }
}

/// Judges one series: `demo_as_of` is the demo's own as-of date when the series holds demo
/// rows (the newest day the demo was generated up to), `None` for real data. Demo rows are
/// judged against that date and not against a failed fetch; real rows by `stale_reason`.
pub fn judge(
    frequency: Frequency,
    as_of: Option<NaiveDate>,
    today: NaiveDate,
    last_error: Option<(&str, DateTime<Utc>)>,
    demo_as_of: Option<NaiveDate>,
) -> (Freshness, Option<String>) {
    let reason = match demo_as_of {
        Some(demo_day) => stale_reason(frequency, as_of, demo_day, None),
        None => stale_reason(frequency, as_of, today, last_error),
    };
    let freshness = match (&reason, demo_as_of, as_of) {
        (Some(_), _, _) => Freshness::Stale,
        (None, Some(_), _) => Freshness::Demo,
        (None, None, Some(_)) => Freshness::Fresh,
        (None, None, None) => Freshness::NoData,
    };
    (freshness, reason)
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
    fn a_weekly_level_is_current_for_ten_days() {
        assert!(stale_reason(Frequency::Weekly, Some(d("2026-11-18")), d("2026-11-28"), None).is_none());
        let r = stale_reason(Frequency::Weekly, Some(d("2026-11-11")), d("2026-11-28"), None).unwrap();
        assert!(r.contains("newest weekly observation is 17 days old (limit 10 days)"), "{r}");
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

/// One mover: an instrument and the figure that ranks it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Mover {
    pub slug: String,
    pub name: String,
    pub group: String,
    pub frequency: Frequency,
    pub source: Option<String>,
    pub date: NaiveDate,
    pub close: f64,
    /// The ranking figure: a percent change, or a z-score.
    pub value: f64,
}

/// The `commodities/trending` answer. Changes are the percentages every page shows over 1
/// day, 1 week, 1 month and 1 year (`changes::CHANGE_RULE`); a series takes part in the
/// rankings its frequency has a change for (monthly: 1M and 1Y; annual: 1Y).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Trending {
    pub generated_at: DateTime<Utc>,
    pub demo: bool,
    pub notice: Option<String>,
    /// At most this many per list.
    pub limit: usize,
    /// Keyed `1d`, `1w`, `1m`, `1y`: highest change first.
    pub gainers: std::collections::BTreeMap<String, Vec<Mover>>,
    /// Keyed like `gainers`: lowest change first.
    pub losers: std::collections::BTreeMap<String, Vec<Mover>>,
    /// Largest |z-score| against the last year first (the value keeps its sign).
    pub largest_zscore: Vec<Mover>,
    /// Instruments whose latest close is their highest (lowest) of the last year.
    pub new_highs: Vec<Mover>,
    pub new_lows: Vec<Mover>,
}

/// Ranks the latest signals into movers (pure: the endpoint reads, this sorts).
pub fn trending(rows: &[SignalSummary], limit: usize, now: DateTime<Utc>) -> Trending {
    let mover = |r: &SignalSummary, value: f64| Mover {
        slug: r.slug.clone(),
        name: r.name.clone(),
        group: r.group.clone(),
        frequency: r.frequency,
        source: r.source.clone(),
        date: r.date,
        close: r.close,
        value,
    };
    let ranked = |get: &dyn Fn(&SignalSummary) -> Option<f64>, descending: bool| {
        let mut v: Vec<Mover> = rows.iter().filter_map(|r| get(r).map(|x| mover(r, x))).collect();
        v.sort_by(|a, b| {
            let o = a.value.partial_cmp(&b.value).unwrap_or(std::cmp::Ordering::Equal);
            if descending {
                o.reverse()
            } else {
                o
            }
        });
        v.truncate(limit);
        v
    };
    let value = |key: &'static str| move |r: &SignalSummary| r.values.get(key).copied().flatten();
    type Get = fn(&SignalSummary) -> Option<f64>;
    let periods: [(&str, Get); 4] = [
        ("1d", |r| r.change_1d),
        ("1w", |r| r.values.get("roc_1w").copied().flatten()),
        ("1m", |r| r.values.get("roc_1m").copied().flatten()),
        ("1y", |r| r.values.get("roc_1y").copied().flatten()),
    ];
    let mut gainers = std::collections::BTreeMap::new();
    let mut losers = std::collections::BTreeMap::new();
    for (key, get) in &periods {
        // A gainer gained and a loser lost: a flat market has neither.
        let up = |r: &SignalSummary| get(r).filter(|x| *x > 0.0);
        let down = |r: &SignalSummary| get(r).filter(|x| *x < 0.0);
        gainers.insert(key.to_string(), ranked(&up, true));
        losers.insert(key.to_string(), ranked(&down, false));
    }
    let z = value("zscore_1y");
    let mut largest_zscore: Vec<Mover> = rows.iter().filter_map(|r| z(r).map(|x| mover(r, x))).collect();
    largest_zscore.sort_by(|a, b| b.value.abs().partial_cmp(&a.value.abs()).unwrap_or(std::cmp::Ordering::Equal));
    largest_zscore.truncate(limit);
    let at = |key: &'static str| move |r: &SignalSummary| value(key)(r).filter(|x| *x == r.close).map(|_| r.close);
    let demo = rows.iter().any(|r| r.source.as_deref() == Some(crate::universe::DEMO_SOURCE));
    Trending {
        generated_at: now,
        demo,
        notice: demo.then(|| DEMO_NOTICE.to_string()),
        limit,
        gainers,
        losers,
        largest_zscore,
        new_highs: ranked(&at("high_52w"), true),
        new_lows: ranked(&at("low_52w"), false),
    }
}

#[cfg(test)]
mod trending_tests {
    use super::*;
    use crate::commodities::signals::Stance;

    fn row(
        slug: &str,
        change_1d: Option<f64>,
        roc_1y: Option<f64>,
        z: Option<f64>,
        close: f64,
        high: f64,
    ) -> SignalSummary {
        SignalSummary {
            slug: slug.into(),
            name: slug.into(),
            group: "metals".into(),
            unit: "USD".into(),
            frequency: Frequency::Daily,
            source: Some("lbma".into()),
            date: "2026-11-27".parse().unwrap(),
            close,
            change_1d,
            values: [("roc_1y", roc_1y), ("zscore_1y", z), ("high_52w", Some(high)), ("low_52w", Some(1.0))]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
            cross: None,
            last_golden_cross: None,
            last_death_cross: None,
            stance: Stance::Neutral,
            not_applicable: vec![],
        }
    }

    #[test]
    fn gainers_and_losers_are_ranked_and_a_flat_day_is_neither() {
        let rows = vec![
            row("a", Some(2.0), Some(-10.0), Some(0.5), 10.0, 12.0),
            row("b", Some(-1.0), Some(30.0), Some(-2.5), 12.0, 12.0),
            row("c", Some(0.0), None, None, 5.0, 9.0),
            row("d", Some(5.0), Some(1.0), Some(1.0), 8.0, 9.0),
        ];
        let t = trending(&rows, 2, Utc::now());
        let slugs = |v: &Vec<Mover>| v.iter().map(|m| m.slug.as_str()).collect::<Vec<_>>().join(",");
        assert_eq!(slugs(&t.gainers["1d"]), "d,a");
        assert_eq!(slugs(&t.losers["1d"]), "b");
        assert_eq!(slugs(&t.gainers["1y"]), "b,d");
        assert_eq!(slugs(&t.losers["1y"]), "a");
        assert!(t.gainers["1w"].is_empty(), "no 1-week changes given");
        assert_eq!(slugs(&t.largest_zscore), "b,d");
        assert_eq!(t.largest_zscore[0].value, -2.5);
        assert_eq!(slugs(&t.new_highs), "b");
        assert!(t.new_lows.is_empty());
        assert!(!t.demo);
    }
}

/// One point of a history answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct HistoryPoint {
    pub date: NaiveDate,
    pub value: f64,
    pub source: String,
}

/// The `commodities/{slug}/history` answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct History {
    pub slug: String,
    pub name: String,
    pub unit: String,
    pub frequency: Frequency,
    /// The span of the points returned (`null` when there are none).
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// `raw`, `week`, `month` or `year`: what the points are.
    pub interval: String,
    /// How the points were chosen, in words.
    pub method: String,
    /// Observations in the asked-for span before downsampling.
    pub total_observations: usize,
    pub demo: bool,
    pub notice: Option<String>,
    /// Every source the points come from.
    pub sources: Vec<String>,
    pub points: Vec<HistoryPoint>,
}

/// One source of an instrument as the detail answer lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SourceInfo {
    pub provider: String,
    pub label: String,
    pub code: String,
    pub licence: String,
    /// 1 for the primary source, then the fallbacks in order.
    pub rank: usize,
}

/// The `commodities/{slug}` answer: the overview figures, every signal, and the sources.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Detail {
    #[serde(flatten)]
    pub entry: OverviewEntry,
    pub sources: Vec<SourceInfo>,
    /// `null` until the `commodity_signals` job has run over this series.
    pub signals: Option<SignalSummary>,
    pub stance_rule: String,
    pub notice: Option<String>,
}

/// A chart drawn on the server: inline SVG with its own `<title>` and `<desc>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ChartSvg {
    pub title: String,
    pub svg: String,
}

/// What the instrument page shows for one range: the detail answer, the charts drawn for
/// the range, and the most recent observations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct InstrumentPage {
    pub detail: Detail,
    pub range: super::range::Range,
    /// The span drawn (`null` without data).
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// How the drawn points were chosen (`raw`, or a period close for long ranges).
    pub method: String,
    pub points: usize,
    pub price_chart: Option<ChartSvg>,
    pub rsi_chart: Option<ChartSvg>,
    pub macd_chart: Option<ChartSvg>,
    /// Why a chart is missing, when one is.
    pub chart_notes: Vec<String>,
    /// The newest observations, newest first.
    pub recent: Vec<HistoryPoint>,
}
