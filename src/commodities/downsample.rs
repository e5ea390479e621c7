//! Fitting a long history into a point budget without inventing prices: a coarser interval
//! keeps the last observation of each period (the period's close), so every point shown is
//! a value the upstream published. Pure; the history endpoint says which method it used.
use chrono::{Datelike, NaiveDate};

use crate::universe::Frequency;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interval {
    /// Every stored observation.
    Raw,
    Week,
    Month,
    Year,
}

impl Interval {
    pub fn as_str(self) -> &'static str {
        match self {
            Interval::Raw => "raw",
            Interval::Week => "week",
            Interval::Month => "month",
            Interval::Year => "year",
        }
    }

    /// `None` for `auto`, which picks the finest interval that fits the budget.
    /// Every value [`Interval::parse`] accepts (`auto`: choose one).
    pub const NAMES: [&str; 5] = ["auto", "raw", "week", "month", "year"];

    pub fn parse(s: &str) -> Result<Option<Interval>, String> {
        match s {
            "auto" => Ok(None),
            "raw" => Ok(Some(Interval::Raw)),
            "week" => Ok(Some(Interval::Week)),
            "month" => Ok(Some(Interval::Month)),
            "year" => Ok(Some(Interval::Year)),
            other => Err(format!("unknown interval '{other}'; expected auto, raw, week, month or year")),
        }
    }

    /// Whether the interval is coarser than (or as fine as) the data: a week of monthly
    /// prices does not exist.
    pub fn fits(self, f: Frequency) -> bool {
        matches!(
            (self, f),
            (Interval::Raw | Interval::Year, _)
                | (Interval::Week, Frequency::Daily | Frequency::Weekly)
                | (Interval::Month, Frequency::Daily | Frequency::Weekly | Frequency::Monthly)
        )
    }

    fn period(self, d: NaiveDate) -> (i32, u32) {
        match self {
            Interval::Raw => (d.num_days_from_ce(), 0),
            Interval::Week => (d.iso_week().year(), d.iso_week().week()),
            Interval::Month => (d.year(), d.month()),
            Interval::Year => (d.year(), 0),
        }
    }

    /// What the answer says about how its points were chosen.
    pub fn method(self) -> &'static str {
        match self {
            Interval::Raw => "raw: every stored observation",
            Interval::Week => "period close: the last observation of each ISO week",
            Interval::Month => "period close: the last observation of each calendar month",
            Interval::Year => "period close: the last observation of each calendar year",
        }
    }
}

/// Keeps the last point of each period of `interval`. Points are oldest first.
pub fn period_close<T: Clone>(points: &[(NaiveDate, T)], interval: Interval) -> Vec<(NaiveDate, T)> {
    if interval == Interval::Raw {
        return points.to_vec();
    }
    let mut out: Vec<(NaiveDate, T)> = Vec::new();
    for p in points {
        match out.last_mut() {
            Some(last) if interval.period(last.0) == interval.period(p.0) => *last = p.clone(),
            _ => out.push(p.clone()),
        }
    }
    out
}

/// The interval to use: the one asked for, or for `auto` the finest (of those that fit the
/// frequency) whose result stays within `budget` points.
pub fn choose(points: &[(NaiveDate, f64)], asked: Option<Interval>, frequency: Frequency, budget: usize) -> Interval {
    if let Some(i) = asked {
        return i;
    }
    [Interval::Raw, Interval::Week, Interval::Month, Interval::Year]
        .into_iter()
        .filter(|i| i.fits(frequency))
        .find(|i| period_close(points, *i).len() <= budget)
        .unwrap_or(Interval::Year)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn days(from: &str, n: i64) -> Vec<(NaiveDate, f64)> {
        (0..n).map(|i| (d(from) + chrono::Duration::days(i), i as f64)).collect()
    }

    #[test]
    fn period_close_keeps_the_last_observation_of_each_period() {
        // 2024-01-01 is a Monday: two full ISO weeks and one day of a third.
        let p = days("2024-01-01", 15);
        let w = period_close(&p, Interval::Week);
        assert_eq!(w, vec![(d("2024-01-07"), 6.0), (d("2024-01-14"), 13.0), (d("2024-01-15"), 14.0)]);
        let m = period_close(&days("2024-01-30", 5), Interval::Month);
        assert_eq!(m, vec![(d("2024-01-31"), 1.0), (d("2024-02-03"), 4.0)]);
    }

    #[test]
    fn iso_weeks_that_straddle_a_new_year_stay_one_week() {
        // 2024-12-30 (Mon) to 2025-01-05 (Sun) is ISO week 1 of 2025.
        let w = period_close(&days("2024-12-30", 7), Interval::Week);
        assert_eq!(w, vec![(d("2025-01-05"), 6.0)]);
    }

    #[test]
    fn auto_picks_the_finest_interval_within_the_budget() {
        let forty_years = days("1986-01-01", 40 * 365);
        assert_eq!(choose(&forty_years, None, Frequency::Daily, 20_000), Interval::Raw);
        assert_eq!(choose(&forty_years, None, Frequency::Daily, 2_500), Interval::Week);
        assert_eq!(choose(&forty_years, None, Frequency::Daily, 600), Interval::Month);
        assert_eq!(choose(&forty_years, None, Frequency::Daily, 50), Interval::Year);
        assert_eq!(choose(&forty_years, Some(Interval::Raw), Frequency::Daily, 50), Interval::Raw);
    }

    #[test]
    fn an_interval_finer_than_the_data_does_not_fit() {
        assert!(!Interval::Week.fits(Frequency::Monthly));
        assert!(Interval::Week.fits(Frequency::Weekly) && Interval::Month.fits(Frequency::Weekly));
        assert!(!Interval::Month.fits(Frequency::Annual));
        assert!(Interval::Year.fits(Frequency::Monthly));
        assert_eq!(
            Interval::parse("hourly").unwrap_err(),
            "unknown interval 'hourly'; expected auto, raw, week, month or year"
        );
    }
}
