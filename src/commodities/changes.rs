//! The one definition of a price change over a period, used by every page, API answer and
//! CSV (the overview, the signals engine's rates of change, trending, the instrument page):
//! a calendar look-back from the latest observation, honest about frequency (a weekly or
//! monthly series has no one-day change, an annual one no one-month change). Pure; no I/O.
use chrono::{Days, Months, NaiveDate};

use crate::universe::Frequency;

/// How a change over a period is defined, in words; pages and docs show this text, and
/// [`percent_change`] follows it exactly.
pub const CHANGE_RULE: &str = "A change over a period (1D, 1W, 1M, 3M, 1Y) compares the latest \
observation with the last observation on or before the date one calendar period earlier: a day, \
7 days, a month, 3 months or a year back from the latest date (from the 31st, a month back is \
the last day of the shorter month). That earlier observation must be close to the date: within \
4 days for a daily series' 1-day change and 7 days for its longer ones (weekends and holidays), \
within 6 days for a weekly series (its print of that week), and on the date itself for monthly \
and annual series. The change is (latest - earlier) / earlier x 100. It is empty when the \
history does not reach back, when the earlier price is zero or negative, or when the frequency \
has no such change: weekly series have no 1-day change, monthly ones no 1-day or 1-week change, \
annual ones only the 1-year change.";

/// A period a change is measured over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Period {
    Day,
    Week,
    Month,
    /// Three months.
    Quarter,
    Year,
}

impl Period {
    pub const ALL: [Period; 5] = [Period::Day, Period::Week, Period::Month, Period::Quarter, Period::Year];

    /// The short label the pages use: `1D`, `1W`, `1M`, `3M`, `1Y`.
    pub fn label(self) -> &'static str {
        match self {
            Period::Day => "1D",
            Period::Week => "1W",
            Period::Month => "1M",
            Period::Quarter => "3M",
            Period::Year => "1Y",
        }
    }

    /// The date one period before `latest`, on the calendar; months are clamped to the
    /// end of a shorter month (2026-03-31 back a month is 2026-02-28).
    pub fn start(self, latest: NaiveDate) -> Option<NaiveDate> {
        match self {
            Period::Day => latest.checked_sub_days(Days::new(1)),
            Period::Week => latest.checked_sub_days(Days::new(7)),
            Period::Month => latest.checked_sub_months(Months::new(1)),
            Period::Quarter => latest.checked_sub_months(Months::new(3)),
            Period::Year => latest.checked_sub_months(Months::new(12)),
        }
    }

    /// Whether a series of frequency `f` has a change over this period at all: one at
    /// least as long as the spacing of its observations.
    pub fn applies(self, f: Frequency) -> bool {
        match f {
            Frequency::Daily => true,
            Frequency::Weekly => self != Period::Day,
            Frequency::Monthly => matches!(self, Period::Month | Period::Quarter | Period::Year),
            Frequency::Annual => self == Period::Year,
        }
    }

    /// How many days before the start date the earlier observation may lie. Beyond it the
    /// series has a gap there, and a price from before the gap is not the price of the date.
    fn slack_days(self, f: Frequency) -> i64 {
        match f {
            // Friday to Tuesday over a long weekend with a holiday.
            Frequency::Daily if self == Period::Day => 4,
            Frequency::Daily => MAX_SLACK_DAYS,
            // The print of the start date's week, whatever its weekday; a missing week is a gap.
            Frequency::Weekly => 6,
            // Monthly and annual periods are dated at their start: that period or nothing.
            Frequency::Monthly | Frequency::Annual => 0,
        }
    }
}

/// The most any [`Period::slack_days`] allows.
const MAX_SLACK_DAYS: i64 = 7;

/// The percentage change over `period` as of the last of `points` (sorted by date, oldest
/// first, no duplicate dates), per [`CHANGE_RULE`]; `None` where that rule says empty.
/// Never NaN or infinite.
pub fn percent_change(points: &[(NaiveDate, f64)], frequency: Frequency, period: Period) -> Option<f64> {
    if !period.applies(frequency) {
        return None;
    }
    let &(latest, last) = points.last()?;
    let start = period.start(latest)?;
    let idx = points.partition_point(|(d, _)| *d <= start).checked_sub(1)?;
    let (date, base) = points[idx];
    if (start - date).num_days() > period.slack_days(frequency) || base <= 0.0 || base.is_nan() {
        return None;
    }
    let change = (last - base) / base * 100.0;
    change.is_finite().then_some(change)
}

/// The oldest observation date any change as of `latest` can read: a year back, less the
/// largest slack. Whoever computes changes from part of a series must hold every
/// observation from this date on.
pub fn reach(latest: NaiveDate) -> NaiveDate {
    Period::Year
        .start(latest)
        .and_then(|d| d.checked_sub_days(Days::new(MAX_SLACK_DAYS as u64)))
        .unwrap_or(NaiveDate::MIN)
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

    fn change(pts: &[(&str, f64)], f: Frequency, p: Period) -> Option<f64> {
        let pts: Vec<(NaiveDate, f64)> = pts.iter().map(|&(s, v)| (d(s), v)).collect();
        percent_change(&pts, f, p)
    }

    fn close(got: Option<f64>, want: f64) -> bool {
        got.is_some_and(|g| (g - want).abs() < 1e-9)
    }

    #[test]
    fn daily_changes_use_the_last_observation_on_or_before_the_calendar_start() {
        let pts = [
            ("2025-11-27", 50.0), // a year before 2026-11-27 exactly
            ("2026-08-26", 40.0), // 3 months back is 2026-08-27, which has no print: the day before counts
            ("2026-10-26", 80.0), // a month back is 2026-10-27, which has no print: the day before counts
            ("2026-11-20", 90.0), // a week back, to the day
            ("2026-11-26", 98.0),
            ("2026-11-27", 100.0),
        ];
        assert!(close(change(&pts, Frequency::Daily, Period::Day), (100.0 / 98.0 - 1.0) * 100.0));
        assert!(close(change(&pts, Frequency::Daily, Period::Week), (100.0 / 90.0 - 1.0) * 100.0));
        assert_eq!(change(&pts, Frequency::Daily, Period::Month), Some(25.0));
        assert_eq!(change(&pts, Frequency::Daily, Period::Quarter), Some(150.0));
        assert_eq!(change(&pts, Frequency::Daily, Period::Year), Some(100.0));
    }

    #[test]
    fn a_month_back_from_the_31st_is_the_end_of_the_shorter_month() {
        assert_eq!(Period::Month.start(d("2026-03-31")), Some(d("2026-02-28")));
        assert_eq!(Period::Quarter.start(d("2026-05-31")), Some(d("2026-02-28")));
        assert_eq!(Period::Year.start(d("2024-02-29")), Some(d("2023-02-28")));
        assert_eq!(Period::Week.start(d("2026-03-02")), Some(d("2026-02-23")));
        // A month back from 2026-03-31 is Saturday 2026-02-28: Friday's price is the start value.
        let pts = [("2026-02-26", 10.0), ("2026-02-27", 20.0), ("2026-03-02", 21.0), ("2026-03-31", 30.0)];
        assert_eq!(change(&pts, Frequency::Daily, Period::Month), Some(50.0));
        // A year back from a leap day is 28 February.
        let leap = [("2023-02-27", 5.0), ("2023-02-28", 8.0), ("2023-03-01", 9.0), ("2024-02-29", 10.0)];
        assert_eq!(change(&leap, Frequency::Daily, Period::Year), Some(25.0));
    }

    #[test]
    fn weekends_and_holidays_reach_back_to_the_last_trading_day_within_the_slack() {
        // Monday: the 1-day change is against Friday.
        let monday = [("2026-04-03", 50.0), ("2026-04-06", 55.0)];
        assert_eq!(change(&monday, Frequency::Daily, Period::Day), Some(10.0));
        // Tuesday after Easter Monday, Good Friday closed too: Thursday is 4 days before Monday.
        let easter = [("2026-04-02", 50.0), ("2026-04-07", 40.0)];
        assert_eq!(change(&easter, Frequency::Daily, Period::Day), Some(-20.0));
        // Five days before the start date is a gap, not a day.
        let gap = [("2026-04-01", 50.0), ("2026-04-07", 40.0)];
        assert_eq!(change(&gap, Frequency::Daily, Period::Day), None);
        // A longer change allows a week: 2026-10-27 back to 2026-10-20 is 7 days, 10-19 is 8.
        let week_old = [("2026-10-20", 80.0), ("2026-11-27", 100.0)];
        assert_eq!(change(&week_old, Frequency::Daily, Period::Month), Some(25.0));
        let too_old = [("2026-10-19", 80.0), ("2026-11-27", 100.0)];
        assert_eq!(change(&too_old, Frequency::Daily, Period::Month), None);
    }

    #[test]
    fn a_history_that_does_not_reach_back_gives_no_change() {
        let pts = [("2026-11-02", 1.0), ("2026-11-27", 2.0)];
        assert_eq!(change(&pts, Frequency::Daily, Period::Year), None);
        assert_eq!(change(&pts, Frequency::Daily, Period::Month), None);
        assert_eq!(change(&pts[1..], Frequency::Daily, Period::Day), None, "one observation");
        assert_eq!(change(&[], Frequency::Daily, Period::Day), None);
    }

    #[test]
    fn monthly_series_have_no_daily_or_weekly_change_and_need_the_exact_month() {
        let pts = [("2025-10-01", 8000.0), ("2026-07-01", 7500.0), ("2026-09-01", 9000.0), ("2026-10-01", 9900.0)];
        assert_eq!(change(&pts, Frequency::Monthly, Period::Day), None);
        assert_eq!(change(&pts, Frequency::Monthly, Period::Week), None);
        assert_eq!(change(&pts, Frequency::Monthly, Period::Month), Some(10.0));
        assert!(close(change(&pts, Frequency::Monthly, Period::Quarter), 32.0));
        assert_eq!(change(&pts, Frequency::Monthly, Period::Year), Some(23.75));
        let gap = [("2026-08-01", 1.0), ("2026-10-01", 2.0)];
        assert_eq!(change(&gap, Frequency::Monthly, Period::Month), None);
    }

    #[test]
    fn weekly_series_have_no_daily_change_and_take_the_print_of_the_start_week() {
        // Wednesday levels: 2026-11-25 back a month is 2026-10-25 (a Sunday), so the print
        // before it, 2026-10-22, is the reference; a year back, 2025-11-19.
        let pts = [
            ("2025-11-19", 6_600_000.0),
            ("2025-11-26", 6_500_000.0),
            ("2026-10-22", 6_800_000.0),
            ("2026-10-29", 6_900_000.0),
            ("2026-11-18", 7_000_000.0),
            ("2026-11-25", 7_280_000.0),
        ];
        assert_eq!(change(&pts, Frequency::Weekly, Period::Day), None);
        assert!(close(change(&pts, Frequency::Weekly, Period::Week), 4.0));
        assert!(close(change(&pts, Frequency::Weekly, Period::Month), (7_280_000.0 / 6_800_000.0 - 1.0) * 100.0));
        assert!(close(change(&pts, Frequency::Weekly, Period::Year), (7_280_000.0 / 6_600_000.0 - 1.0) * 100.0));
        // A missing week is no weekly change, and a missing month of prints no monthly one.
        let without = [&pts[..4], &pts[5..]].concat();
        assert_eq!(change(&without, Frequency::Weekly, Period::Week), None);
        let gap = [("2026-09-30", 1.0), ("2026-11-25", 2.0)];
        assert_eq!(change(&gap, Frequency::Weekly, Period::Month), None);
    }

    #[test]
    fn annual_series_only_have_a_yearly_change() {
        let pts = [("2024-01-01", 20.0), ("2025-01-01", 15.0)];
        for p in [Period::Day, Period::Week, Period::Month, Period::Quarter] {
            assert_eq!(change(&pts, Frequency::Annual, p), None, "{}", p.label());
        }
        assert_eq!(change(&pts, Frequency::Annual, Period::Year), Some(-25.0));
        // A missing year is no yearly change.
        assert_eq!(change(&[("2023-01-01", 20.0), ("2025-01-01", 15.0)], Frequency::Annual, Period::Year), None);
    }

    #[test]
    fn a_change_from_a_zero_or_negative_price_is_empty() {
        // WTI settled at -36.98 on 2020-04-20, 0.0 is made up; a percentage of either says nothing.
        assert_eq!(change(&[("2020-04-20", -36.98), ("2020-04-21", 8.91)], Frequency::Daily, Period::Day), None);
        assert_eq!(change(&[("2020-04-20", 0.0), ("2020-04-21", 1.0)], Frequency::Daily, Period::Day), None);
        // From a positive price to a negative one is a change like any other.
        assert_eq!(change(&[("2020-04-17", 18.0), ("2020-04-20", -36.0)], Frequency::Daily, Period::Day), Some(-300.0));
    }

    #[test]
    fn the_reach_covers_every_period_and_its_slack() {
        let latest = d("2026-03-31");
        assert_eq!(reach(latest), d("2025-03-24"));
        for p in Period::ALL {
            let start = p.start(latest).unwrap();
            for f in [Frequency::Daily, Frequency::Weekly, Frequency::Monthly, Frequency::Annual] {
                assert!(start - Days::new(p.slack_days(f) as u64) >= reach(latest), "{} {}", p.label(), f.as_str());
            }
        }
    }

    #[test]
    fn the_rule_text_names_what_the_code_does() {
        for words in
            ["on or before", "a year back", "last day of the shorter month", "zero or negative", "4 days", "6 days"]
        {
            assert!(CHANGE_RULE.contains(words), "{words}");
        }
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
