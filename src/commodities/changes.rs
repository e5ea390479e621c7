//! Price changes over fixed look-backs, honest about frequency: a weekly or monthly series
//! has no one-day change and an annual one no one-month change. Pure; no I/O.
use chrono::{Months, NaiveDate};

use crate::universe::Frequency;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookback {
    Day,
    Month,
    Year,
}

/// Percentage change from the observation one look-back before the last one to the last
/// one, or `None` when the frequency has no such change or the history lacks the point.
/// `points` are sorted by date, oldest first.
pub fn percent_change(points: &[(NaiveDate, f64)], frequency: Frequency, lookback: Lookback) -> Option<f64> {
    let &(last_date, last) = points.last()?;
    let reference = match (frequency, lookback) {
        (Frequency::Daily, Lookback::Day) => {
            let &(d, v) = points.get(points.len().checked_sub(2)?)?;
            // A "1-day" change across a gap of more than a long weekend plus holiday is not one.
            ((last_date - d).num_days() <= 5).then_some(v)?
        }
        (Frequency::Weekly | Frequency::Monthly | Frequency::Annual, Lookback::Day)
        | (Frequency::Annual, Lookback::Month) => return None,
        (_, lb) => {
            let months = if lb == Lookback::Month { 1 } else { 12 };
            let target = last_date.checked_sub_months(Months::new(months))?;
            let idx = points.partition_point(|(d, _)| *d <= target).checked_sub(1)?;
            let (d, v) = points[idx];
            let close_enough = match frequency {
                // Nearest trading day (or weekly print) at or before the target, within a week.
                Frequency::Daily | Frequency::Weekly => (target - d).num_days() <= 7,
                // Monthly and annual periods are dated at their start: the same period or nothing.
                Frequency::Monthly | Frequency::Annual => d == target,
            };
            close_enough.then_some(v)?
        }
    };
    (reference != 0.0).then(|| (last - reference) / reference.abs() * 100.0)
}

/// The points a sparkline shows: the last year of a daily or monthly series, the last ten
/// years of an annual one, thinned to at most `max` points (the newest always kept).
pub fn sparkline_window(points: &[(NaiveDate, f64)], frequency: Frequency, max: usize) -> Vec<(NaiveDate, f64)> {
    let Some(&(last, _)) = points.last() else { return Vec::new() };
    let months = if frequency == Frequency::Annual { 120 } else { 12 };
    let start = last.checked_sub_months(Months::new(months)).unwrap_or(NaiveDate::MIN);
    let from = points.partition_point(|(d, _)| *d < start);
    let window = &points[from..];
    if window.len() <= max || max < 2 {
        return window.to_vec();
    }
    // Evenly spaced picks that always include both ends.
    (0..max).map(|i| window[i * (window.len() - 1) / (max - 1)]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn daily_changes_use_the_nearest_earlier_trading_day() {
        let pts = vec![
            (d("2025-11-27"), 50.0), // a year and a day back: the target 2025-11-28 has no print
            (d("2026-10-26"), 80.0), // the target 2026-10-27 has no print: the day before counts
            (d("2026-11-26"), 98.0),
            (d("2026-11-27"), 100.0),
        ];
        let day = percent_change(&pts, Frequency::Daily, Lookback::Day).unwrap();
        assert!((day - (100.0 / 98.0 - 1.0) * 100.0).abs() < 1e-12);
        assert_eq!(percent_change(&pts, Frequency::Daily, Lookback::Month), Some(25.0));
        assert_eq!(percent_change(&pts, Frequency::Daily, Lookback::Year), Some(100.0));
    }

    #[test]
    fn a_stale_previous_point_gives_no_daily_change() {
        let pts = vec![(d("2026-10-01"), 1.0), (d("2026-11-27"), 2.0)];
        assert_eq!(percent_change(&pts, Frequency::Daily, Lookback::Day), None);
        // and a month-back point more than a week before the target is no monthly change.
        assert_eq!(percent_change(&pts, Frequency::Daily, Lookback::Month), None);
    }

    #[test]
    fn monthly_series_have_no_daily_change_and_need_the_exact_month() {
        let pts = vec![(d("2025-10-01"), 8000.0), (d("2026-09-01"), 9000.0), (d("2026-10-01"), 9900.0)];
        assert_eq!(percent_change(&pts, Frequency::Monthly, Lookback::Day), None);
        assert_eq!(percent_change(&pts, Frequency::Monthly, Lookback::Month), Some(10.0));
        assert_eq!(percent_change(&pts, Frequency::Monthly, Lookback::Year), Some(23.75));
        let gap = vec![(d("2026-08-01"), 1.0), (d("2026-10-01"), 2.0)];
        assert_eq!(percent_change(&gap, Frequency::Monthly, Lookback::Month), None);
    }

    #[test]
    fn weekly_series_have_no_daily_change_and_take_the_latest_week_at_or_before_the_target() {
        // Wednesday levels: 2026-11-25 back a month is 2026-10-25 (a Sunday), so the
        // Wednesday before it, 2026-10-22, is the reference; a year back, 2025-11-19.
        let pts = vec![
            (d("2025-11-19"), 6_600_000.0),
            (d("2025-11-26"), 6_500_000.0),
            (d("2026-10-22"), 6_800_000.0),
            (d("2026-10-29"), 6_900_000.0),
            (d("2026-11-25"), 7_260_000.0),
        ];
        assert_eq!(percent_change(&pts, Frequency::Weekly, Lookback::Day), None);
        let m = percent_change(&pts, Frequency::Weekly, Lookback::Month).unwrap();
        assert!((m - (7_260_000.0 / 6_800_000.0 - 1.0) * 100.0).abs() < 1e-9, "{m}");
        assert_eq!(percent_change(&pts, Frequency::Weekly, Lookback::Year), Some(10.0));
        // A missing month of prints is no monthly change.
        let gap = vec![(d("2026-09-30"), 1.0), (d("2026-11-25"), 2.0)];
        assert_eq!(percent_change(&gap, Frequency::Weekly, Lookback::Month), None);
    }

    #[test]
    fn annual_series_only_have_a_yearly_change() {
        let pts = vec![(d("2024-01-01"), 20.0), (d("2025-01-01"), 15.0)];
        assert_eq!(percent_change(&pts, Frequency::Annual, Lookback::Day), None);
        assert_eq!(percent_change(&pts, Frequency::Annual, Lookback::Month), None);
        assert_eq!(percent_change(&pts, Frequency::Annual, Lookback::Year), Some(-25.0));
    }

    #[test]
    fn change_from_a_negative_price_keeps_its_direction() {
        // WTI settled at -36.98 on 2020-04-20 and 8.91 the next day.
        let pts = vec![(d("2020-04-20"), -36.98), (d("2020-04-21"), 8.91)];
        let c = percent_change(&pts, Frequency::Daily, Lookback::Day).unwrap();
        assert!(c > 0.0);
        assert_eq!(
            percent_change(&[(d("2020-04-20"), 0.0), (d("2020-04-21"), 1.0)], Frequency::Daily, Lookback::Day),
            None
        );
    }

    #[test]
    fn sparkline_keeps_a_year_and_thins_to_the_budget() {
        let start = d("2024-01-01");
        let pts: Vec<_> = (0..800).map(|i| (start + chrono::Days::new(i), i as f64)).collect();
        let w = sparkline_window(&pts, Frequency::Daily, 50);
        assert_eq!(w.len(), 50);
        assert_eq!(w.last(), pts.last());
        assert!(w[0].0 >= pts.last().unwrap().0.checked_sub_months(Months::new(12)).unwrap());
        let annual: Vec<_> = (2000..2026).map(|y| (NaiveDate::from_ymd_opt(y, 1, 1).unwrap(), y as f64)).collect();
        assert_eq!(sparkline_window(&annual, Frequency::Annual, 50).len(), 11);
        assert!(sparkline_window(&[], Frequency::Daily, 50).is_empty());
    }
}
