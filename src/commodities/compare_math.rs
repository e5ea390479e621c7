//! The compare view's arithmetic: several instruments brought onto common dates, rebased to
//! 100 on a base date, and the correlation of their returns. Pure (no I/O), on both sides
//! of the wire; `compare_service` (server only) reads the observations and draws the chart.
//!
//! # Rules
//!
//! * **Common dates.** The rebased lines are drawn on the dates on which *every* chosen
//!   instrument has an observation, so all lines share their x values and no price is
//!   carried forward or interpolated.
//! * **Rebasing.** Each line is `value / value on the base date × 100`. The base date used
//!   is the first common date on or after the asked one (a weekend or holiday moves it to
//!   the next date all instruments share); the answer says which date was used. A base
//!   value that is zero or negative (WTI closed at −36.98 once) cannot be rebased.
//! * **Correlation.** Pearson correlation of simple period returns (`v_t / v_{t−1} − 1`),
//!   computed pairwise: for each pair, the returns between consecutive dates *both* series
//!   share in the window, so a gap in a third instrument does not shorten the pair. `None`
//!   when a pair has fewer than [`MIN_RETURNS`] common returns, or when either series'
//!   returns do not vary (a constant price).
//! * **Mixed frequencies.** Instruments are compared at the coarsest frequency among them:
//!   when one is monthly, every series is taken at month ends (the period close: the last
//!   observation of each calendar month, dated the month's last day); when one is annual,
//!   at year ends (the last observation of each calendar year, dated 31 December). Monthly
//!   and annual data are stored dated at the start of their period, so re-dating every
//!   close to the end of its period is what lets a daily month-end and a monthly figure
//!   meet on one date; the window then opens at the start of the period holding `from`.
//!   With daily series only, daily observations are compared as stored.
use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::downsample::{period_close, Interval};
use super::model::ChartSvg;
use crate::universe::Frequency;

/// Instruments a comparison takes, at least and at most.
pub const MIN_INSTRUMENTS: usize = 2;
pub const MAX_INSTRUMENTS: usize = 6;
/// Fewer common returns than this give no correlation.
pub const MIN_RETURNS: usize = 3;
/// The value every line starts from on the base date.
pub const BASE_VALUE: f64 = 100.0;

/// One compared instrument, in the order asked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ComparedInstrument {
    pub slug: String,
    pub name: String,
    pub group: String,
    pub unit: String,
    /// The frequency of the stored data (the comparison may be coarser; see `basis`).
    pub frequency: Frequency,
    /// The sources of the observations used, e.g. `["lbma"]` or `["demo"]`.
    pub sources: Vec<String>,
    /// Badge texts of `sources` (`LBMA`, `DEMO`, ...).
    pub source_labels: Vec<String>,
    /// Some observations used are generated demo data.
    pub demo: bool,
    /// Colour of its line in the chart, `#rrggbb`.
    pub color: String,
    /// Its price on the base date used.
    pub base_value: Option<f64>,
    /// Its price on the last common date.
    pub last_value: Option<f64>,
    /// The last common date.
    pub as_of: Option<NaiveDate>,
    /// Its rebased value on the last common date (100 on the base date).
    pub last_rebased: Option<f64>,
    /// Change from the base date to the last common date, in percent (`last_rebased − 100`).
    pub change_pct: Option<f64>,
    /// Observations of this instrument in the window (at its stored frequency).
    pub observations: usize,
}

/// `GET /api/commodities/compare`: the instruments rebased to 100 and their correlations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Comparison {
    pub instruments: Vec<ComparedInstrument>,
    /// The frequency everything is compared at: the coarsest of the instruments'.
    pub basis: Frequency,
    /// The base date asked for (`None`: the start of the window).
    pub base_asked: Option<NaiveDate>,
    /// The first common date on or after the asked one; `None` without common dates.
    pub base_used: Option<NaiveDate>,
    /// The window read, both ends included.
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Dates on which every instrument has a value (at `basis`), and the first and last.
    pub common_dates: usize,
    pub first_common: Option<NaiveDate>,
    pub last_common: Option<NaiveDate>,
    /// How the figures are computed, in words.
    pub method: String,
    /// The rebased lines as inline SVG; `None` when there is nothing to draw.
    pub chart: Option<ChartSvg>,
    /// Why something is missing (no common dates, an instrument without data).
    pub notes: Vec<String>,
    /// Pearson correlations of period returns, in instrument order; `None` where a pair
    /// has fewer than 3 common returns or a series does not move.
    pub correlation: Vec<Vec<Option<f64>>>,
    /// The number of common returns behind each correlation.
    pub common_returns: Vec<Vec<usize>>,
    /// Some figures are generated demo data.
    pub demo: bool,
    pub notice: Option<String>,
}

impl Comparison {
    /// Why a correlation cell is empty, for the page's tooltip.
    pub fn why_no_correlation(&self, i: usize, j: usize) -> String {
        let n = self.common_returns.get(i).and_then(|r| r.get(j)).copied().unwrap_or(0);
        if n < MIN_RETURNS {
            format!("Only {n} common returns in the window; a correlation needs at least {MIN_RETURNS}.")
        } else {
            "A series does not move in the window (zero variance of returns): no correlation.".to_string()
        }
    }
}

/// The frequency a set of instruments is compared at: the coarsest of theirs.
pub fn basis(frequencies: &[Frequency]) -> Frequency {
    if frequencies.contains(&Frequency::Annual) {
        Frequency::Annual
    } else if frequencies.contains(&Frequency::Monthly) {
        Frequency::Monthly
    } else if frequencies.contains(&Frequency::Weekly) {
        Frequency::Weekly
    } else {
        Frequency::Daily
    }
}

/// The last day of the period of `basis` that holds `d` (the day itself for daily).
pub fn period_end(d: NaiveDate, basis: Frequency) -> NaiveDate {
    match basis {
        Frequency::Daily => d,
        // The Sunday that ends the ISO week.
        Frequency::Weekly => d + chrono::Days::new(6 - u64::from(d.weekday().num_days_from_monday())),
        Frequency::Monthly => {
            let (y, m) = if d.month() == 12 { (d.year() + 1, 1) } else { (d.year(), d.month() + 1) };
            NaiveDate::from_ymd_opt(y, m, 1).and_then(|n| n.pred_opt()).unwrap_or(d)
        }
        Frequency::Annual => NaiveDate::from_ymd_opt(d.year(), 12, 31).unwrap_or(d),
    }
}

/// The first day of the period of `basis` that holds `d` (the day itself for daily).
pub fn period_start(d: NaiveDate, basis: Frequency) -> NaiveDate {
    match basis {
        Frequency::Daily => d,
        // The Monday that starts the ISO week.
        Frequency::Weekly => d - chrono::Days::new(u64::from(d.weekday().num_days_from_monday())),
        Frequency::Monthly => d.with_day(1).unwrap_or(d),
        Frequency::Annual => NaiveDate::from_ymd_opt(d.year(), 1, 1).unwrap_or(d),
    }
}

/// A series at `basis`: as stored for daily, otherwise the period close (last observation
/// of each calendar month or year) dated the last day of its period. Points oldest first.
pub fn at_basis(points: &[(NaiveDate, f64)], basis: Frequency) -> Vec<(NaiveDate, f64)> {
    let interval = match basis {
        Frequency::Daily => return points.to_vec(),
        Frequency::Weekly => Interval::Week,
        Frequency::Monthly => Interval::Month,
        Frequency::Annual => Interval::Year,
    };
    period_close(points, interval).into_iter().map(|(d, v)| (period_end(d, basis), v)).collect()
}

/// Several series on the dates they all share.
#[derive(Debug, Clone, PartialEq)]
pub struct Aligned {
    /// Dates common to every series, oldest first.
    pub dates: Vec<NaiveDate>,
    /// One row per series, one value per date in `dates`.
    pub values: Vec<Vec<f64>>,
}

/// Keeps the dates on which every series has a value. Each series is sorted by date.
pub fn align(series: &[Vec<(NaiveDate, f64)>]) -> Aligned {
    let maps: Vec<BTreeMap<NaiveDate, f64>> = series.iter().map(|s| s.iter().copied().collect()).collect();
    let dates: Vec<NaiveDate> = match maps.first() {
        None => Vec::new(),
        Some(first) => first.keys().copied().filter(|d| maps[1..].iter().all(|m| m.contains_key(d))).collect(),
    };
    let values = maps.iter().map(|m| dates.iter().map(|d| m[d]).collect()).collect();
    Aligned { dates, values }
}

/// Why the lines cannot be rebased.
#[derive(Debug, Clone, PartialEq)]
pub enum RebaseError {
    /// The series share no date.
    NoCommonDates,
    /// The asked base date is after the last common date.
    BaseAfterLastCommon { asked: NaiveDate, last: NaiveDate },
    /// Series `index` is zero or negative on the base date.
    NotPositive { index: usize, date: NaiveDate, value: f64 },
}

/// Aligned lines rebased to 100.
#[derive(Debug, Clone, PartialEq)]
pub struct Rebased {
    pub base_used: NaiveDate,
    /// Each series' value on the base date used.
    pub base_values: Vec<f64>,
    /// One line per series over every common date (before the base date too).
    pub lines: Vec<Vec<(NaiveDate, f64)>>,
}

/// Rebases aligned series to 100 on the first common date on or after `base` (the first
/// common date when `None`).
pub fn rebase(aligned: &Aligned, base: Option<NaiveDate>) -> Result<Rebased, RebaseError> {
    let last = *aligned.dates.last().ok_or(RebaseError::NoCommonDates)?;
    let at = match base {
        None => 0,
        Some(b) => {
            let i = aligned.dates.partition_point(|d| *d < b);
            if i == aligned.dates.len() {
                return Err(RebaseError::BaseAfterLastCommon { asked: b, last });
            }
            i
        }
    };
    let base_used = aligned.dates[at];
    let mut base_values = Vec::with_capacity(aligned.values.len());
    let mut lines = Vec::with_capacity(aligned.values.len());
    for (index, row) in aligned.values.iter().enumerate() {
        let b = row[at];
        if !(b.is_finite() && b > 0.0) {
            return Err(RebaseError::NotPositive { index, date: base_used, value: b });
        }
        base_values.push(b);
        lines.push(aligned.dates.iter().zip(row).map(|(d, v)| (*d, v / b * BASE_VALUE)).collect());
    }
    Ok(Rebased { base_used, base_values, lines })
}

/// Simple returns of two series between consecutive dates both have, as two equally long
/// lists. A return whose previous value is zero (not finite) is left out of both.
pub fn pair_returns(a: &[(NaiveDate, f64)], b: &[(NaiveDate, f64)]) -> (Vec<f64>, Vec<f64>) {
    let (mut i, mut j) = (0, 0);
    let mut common: Vec<(f64, f64)> = Vec::new();
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common.push((a[i].1, b[j].1));
                i += 1;
                j += 1;
            }
        }
    }
    let mut ra = Vec::new();
    let mut rb = Vec::new();
    for w in common.windows(2) {
        let (x, y) = (w[1].0 / w[0].0 - 1.0, w[1].1 / w[0].1 - 1.0);
        if x.is_finite() && y.is_finite() {
            ra.push(x);
            rb.push(y);
        }
    }
    (ra, rb)
}

/// Whether values do not vary: they agree to 12 significant digits, so returns of a price
/// growing by a constant factor, equal up to rounding, count as constant.
fn is_constant(x: &[f64]) -> bool {
    let (lo, hi) = x.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(*v), hi.max(*v)));
    hi - lo <= 1e-12 * lo.abs().max(hi.abs())
}

/// Pearson correlation of two equally long samples; `None` with fewer than 3 values or a
/// sample that does not vary.
pub fn pearson(x: &[f64], y: &[f64]) -> Option<f64> {
    let n = x.len().min(y.len());
    if n < MIN_RETURNS || is_constant(&x[..n]) || is_constant(&y[..n]) {
        return None;
    }
    let mx = x[..n].iter().sum::<f64>() / n as f64;
    let my = y[..n].iter().sum::<f64>() / n as f64;
    let (mut sxx, mut syy, mut sxy) = (0.0, 0.0, 0.0);
    for k in 0..n {
        let (dx, dy) = (x[k] - mx, y[k] - my);
        sxx += dx * dx;
        syy += dy * dy;
        sxy += dx * dy;
    }
    if sxx <= 0.0 || syy <= 0.0 {
        return None;
    }
    Some((sxy / (sxx.sqrt() * syy.sqrt())).clamp(-1.0, 1.0))
}

/// The pairwise correlation matrix of period returns and the number of common returns
/// behind each cell. The diagonal is 1 for a series that moves, `None` otherwise.
pub fn correlation_matrix(series: &[Vec<(NaiveDate, f64)>]) -> (Vec<Vec<Option<f64>>>, Vec<Vec<usize>>) {
    let n = series.len();
    let mut corr = vec![vec![None; n]; n];
    let mut counts = vec![vec![0; n]; n];
    for i in 0..n {
        for j in i..n {
            let (x, y) = pair_returns(&series[i], &series[j]);
            let r = if i == j { pearson(&x, &y).map(|_| 1.0) } else { pearson(&x, &y) };
            corr[i][j] = r;
            corr[j][i] = r;
            counts[i][j] = x.len();
            counts[j][i] = x.len();
        }
    }
    (corr, counts)
}

/// What the comparison did, in words, for the answer's `method`.
pub fn method_text(basis: Frequency, base_used: Option<NaiveDate>, chart_interval: Interval) -> String {
    let mut m = match basis {
        Frequency::Daily => "Daily observations as stored, on the dates every instrument shares.".to_string(),
        Frequency::Weekly => "Mixed frequencies: a weekly series is among the instruments, so every series is compared at week ends (the last observation of each ISO week, dated the week's Sunday).".to_string(),
        Frequency::Monthly => "Mixed frequencies: a monthly series is among the instruments, so every series is compared at month ends (the last observation of each calendar month, dated the month's last day).".to_string(),
        Frequency::Annual => "Mixed frequencies: an annual series is among the instruments, so every series is compared at year ends (the last observation of each calendar year, dated 31 December).".to_string(),
    };
    if basis != Frequency::Daily {
        m.push_str(" The window starts at the beginning of the period that holds its first day, so a figure dated the period's start is kept.");
    }
    match base_used {
        Some(d) => m.push_str(&format!(
            " Rebased: each value divided by the instrument's value on {d} × 100; {d} is the first common date on or after the base date asked (the window's start when none is asked)."
        )),
        None => m.push_str(" Rebased: each value divided by its value on the first common date on or after the base date × 100."),
    }
    m.push_str(" Correlation: Pearson correlation of simple period returns (v_t / v_t−1 − 1), computed pairwise on the dates both instruments of a pair share in the window; none with fewer than 3 common returns or when a series does not move.");
    if chart_interval != Interval::Raw {
        m.push_str(&format!(
            " The chart draws one point per {} (the last common date of each); the figures use every common date.",
            match chart_interval {
                Interval::Week => "ISO week",
                Interval::Month => "month",
                _ => "year",
            }
        ));
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn series(points: &[(&str, f64)]) -> Vec<(NaiveDate, f64)> {
        points.iter().map(|(s, v)| (d(s), *v)).collect()
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn rebasing_puts_every_line_at_100_on_the_base_date() {
        let a = series(&[("2024-01-02", 50.0), ("2024-01-03", 55.0), ("2024-01-04", 60.0)]);
        let b = series(&[("2024-01-02", 200.0), ("2024-01-03", 190.0), ("2024-01-04", 210.0)]);
        let aligned = align(&[a, b]);
        let r = rebase(&aligned, Some(d("2024-01-03"))).unwrap();
        assert_eq!(r.base_used, d("2024-01-03"));
        assert_eq!(r.base_values, vec![55.0, 190.0]);
        // Python: [100*v/55 for v in (50, 55, 60)] and [100*v/190 for v in (200, 190, 210)]
        let expected = [[90.9090909090909, 100.0, 109.0909090909091], [105.26315789473684, 100.0, 110.52631578947368]];
        for (line, want) in r.lines.iter().zip(expected) {
            for ((_, got), want) in line.iter().zip(want) {
                assert!(close(*got, want), "{got} != {want}");
            }
        }
        // No base asked: the first common date.
        assert_eq!(rebase(&aligned, None).unwrap().base_used, d("2024-01-02"));
    }

    #[test]
    fn a_base_date_that_is_not_a_trading_day_moves_to_the_next_common_date() {
        // 2024-01-06 is a Saturday; 2024-01-08 (Monday) is missing from b, so the first date
        // both share on or after the Saturday is Tuesday 2024-01-09.
        let a = series(&[("2024-01-05", 10.0), ("2024-01-08", 11.0), ("2024-01-09", 12.0), ("2024-01-10", 9.0)]);
        let b = series(&[("2024-01-05", 4.0), ("2024-01-09", 5.0), ("2024-01-10", 6.0)]);
        let aligned = align(&[a, b]);
        assert_eq!(aligned.dates, vec![d("2024-01-05"), d("2024-01-09"), d("2024-01-10")]);
        let r = rebase(&aligned, Some(d("2024-01-06"))).unwrap();
        assert_eq!(r.base_used, d("2024-01-09"));
        // Python: 100*10/12, 100*9/12; 100*4/5, 100*6/5
        assert!(close(r.lines[0][0].1, 83.33333333333333) && close(r.lines[0][2].1, 75.0));
        assert!(close(r.lines[1][0].1, 80.0) && close(r.lines[1][2].1, 120.0));
        assert_eq!(
            rebase(&aligned, Some(d("2024-01-11"))),
            Err(RebaseError::BaseAfterLastCommon { asked: d("2024-01-11"), last: d("2024-01-10") })
        );
        assert_eq!(rebase(&align(&[vec![], vec![]]), None), Err(RebaseError::NoCommonDates));
    }

    #[test]
    fn a_price_at_or_below_zero_cannot_be_a_base() {
        let a = series(&[("2020-04-20", -36.98), ("2020-04-21", 8.91)]);
        let b = series(&[("2020-04-20", 1700.0), ("2020-04-21", 1690.0)]);
        let aligned = align(&[a, b]);
        assert_eq!(
            rebase(&aligned, None),
            Err(RebaseError::NotPositive { index: 0, date: d("2020-04-20"), value: -36.98 })
        );
        assert_eq!(rebase(&aligned, Some(d("2020-04-21"))).unwrap().base_values, vec![8.91, 1690.0]);
    }

    #[test]
    fn correlation_is_pairwise_over_the_dates_each_pair_shares() {
        // a lacks 01-05, b lacks 01-09, c lacks 01-04 and 01-10: all three share only four
        // dates (three returns), but each pair shares more.
        let a = series(&[
            ("2024-01-02", 100.0),
            ("2024-01-03", 101.0),
            ("2024-01-04", 99.5),
            ("2024-01-08", 102.0),
            ("2024-01-09", 103.5),
            ("2024-01-10", 103.0),
            ("2024-01-11", 104.2),
        ]);
        let b = series(&[
            ("2024-01-02", 50.0),
            ("2024-01-03", 50.8),
            ("2024-01-04", 49.9),
            ("2024-01-05", 50.3),
            ("2024-01-08", 51.5),
            ("2024-01-10", 51.0),
            ("2024-01-11", 51.9),
        ]);
        let c = series(&[
            ("2024-01-02", 20.0),
            ("2024-01-03", 19.6),
            ("2024-01-05", 19.9),
            ("2024-01-08", 19.1),
            ("2024-01-09", 19.0),
            ("2024-01-11", 18.7),
        ]);
        let all = [a, b, c];
        assert_eq!(align(&all).dates, vec![d("2024-01-02"), d("2024-01-03"), d("2024-01-08"), d("2024-01-11")]);
        let (corr, n) = correlation_matrix(&all);
        // Expected values: numpy.corrcoef of the simple returns between consecutive dates
        // each pair shares (numpy 2.4.6):
        //   ab = common dates 01-02,03,04,08,10,11 -> 5 returns, r = 0.852946312062933
        //   ac = common dates 01-02,03,08,09,11    -> 4 returns, r = 0.6145743645584243
        //   bc = common dates 01-02,03,05,08,11    -> 4 returns, r = -0.9685251841428567
        assert_eq!(n, vec![vec![6, 5, 4], vec![5, 6, 4], vec![4, 4, 5]]);
        let want = [(0, 1, 0.852946312062933), (0, 2, 0.6145743645584243), (1, 2, -0.9685251841428567)];
        for (i, j, r) in want {
            let got = corr[i][j].unwrap();
            assert!(close(got, r), "({i},{j}) {got} != {r}");
            assert_eq!(corr[j][i], corr[i][j], "symmetric");
        }
        for (i, row) in corr.iter().enumerate() {
            assert_eq!(row[i], Some(1.0));
        }
    }

    #[test]
    fn a_constant_series_or_too_few_returns_give_no_correlation() {
        let moving = series(&[("2024-01-02", 1.0), ("2024-01-03", 2.0), ("2024-01-04", 1.5), ("2024-01-05", 1.8)]);
        let flat = series(&[("2024-01-02", 7.0), ("2024-01-03", 7.0), ("2024-01-04", 7.0), ("2024-01-05", 7.0)]);
        let (corr, n) = correlation_matrix(&[moving.clone(), flat]);
        assert_eq!(n[0][1], 3);
        assert_eq!(corr[0][1], None);
        assert_eq!(corr[1][1], None, "a flat series does not correlate with itself either");
        assert_eq!(corr[0][0], Some(1.0));
        // Growth by a constant factor: returns equal up to rounding are still constant.
        let geometric: Vec<_> =
            (0..6).map(|k| (d("2024-01-01") + chrono::Days::new(k), 100.0 * 1.1f64.powi(k as i32))).collect();
        assert_eq!(correlation_matrix(&[moving.clone(), geometric]).0[0][1], None);
        // Two common returns are not enough.
        let short = series(&[("2024-01-03", 5.0), ("2024-01-04", 6.0), ("2024-01-05", 4.0)]);
        let (corr, n) = correlation_matrix(&[moving, short]);
        assert_eq!((n[0][1], corr[0][1]), (2, None));
    }

    #[test]
    fn with_a_monthly_series_everything_is_compared_at_month_ends() {
        // Daily gold across five months (period closes 01-31, 02-29, 03-28, 04-30, 05-31)
        // and monthly copper dated at the start of each month.
        let gold = series(&[
            ("2024-01-30", 2030.0),
            ("2024-01-31", 2040.0),
            ("2024-02-28", 2020.0),
            ("2024-02-29", 2050.0),
            ("2024-03-27", 2180.0),
            ("2024-03-28", 2230.0),
            ("2024-04-29", 2340.0),
            ("2024-04-30", 2290.0),
            ("2024-05-30", 2340.0),
            ("2024-05-31", 2330.0),
        ]);
        let copper = series(&[
            ("2024-01-01", 8300.0),
            ("2024-02-01", 8400.0),
            ("2024-03-01", 8700.0),
            ("2024-04-01", 9400.0),
            ("2024-05-01", 10100.0),
        ]);
        let b = basis(&[Frequency::Daily, Frequency::Monthly]);
        assert_eq!(b, Frequency::Monthly);
        let both = [at_basis(&gold, b), at_basis(&copper, b)];
        let ends = vec![d("2024-01-31"), d("2024-02-29"), d("2024-03-31"), d("2024-04-30"), d("2024-05-31")];
        assert_eq!(both[0].iter().map(|p| p.0).collect::<Vec<_>>(), ends, "gold's closes, re-dated to month ends");
        assert_eq!(both[0].iter().map(|p| p.1).collect::<Vec<_>>(), vec![2040.0, 2050.0, 2230.0, 2290.0, 2330.0]);
        let aligned = align(&both);
        assert_eq!(aligned.dates, ends);
        let r = rebase(&aligned, Some(d("2024-02-15"))).unwrap();
        assert_eq!(r.base_used, d("2024-02-29"));
        // Python: 100*2330/2050 and 100*10100/8400
        assert!(close(r.lines[0][4].1, 113.65853658536585));
        assert!(close(r.lines[1][4].1, 120.23809523809524));
        let (corr, n) = correlation_matrix(&both);
        // numpy.corrcoef of the monthly returns of closes (2040, 2050, 2230, 2290, 2330)
        // and (8300, 8400, 8700, 9400, 10100): -0.07958726317155566
        assert_eq!(n[0][1], 4);
        assert!(close(corr[0][1].unwrap(), -0.07958726317155566), "{:?}", corr[0][1]);
        // An annual series takes everyone to year ends.
        assert_eq!(basis(&[Frequency::Monthly, Frequency::Annual, Frequency::Daily]), Frequency::Annual);
        assert_eq!(at_basis(&gold, Frequency::Annual), vec![(d("2024-12-31"), 2330.0)]);
        assert_eq!(basis(&[Frequency::Daily, Frequency::Daily]), Frequency::Daily);
        assert_eq!(at_basis(&gold, Frequency::Daily), gold);
        assert!(method_text(b, Some(d("2024-02-29")), Interval::Raw).contains("month ends"));
    }

    #[test]
    fn period_bounds() {
        assert_eq!(period_end(d("2023-12-05"), Frequency::Monthly), d("2023-12-31"));
        assert_eq!(period_end(d("2024-02-05"), Frequency::Monthly), d("2024-02-29"));
        assert_eq!(period_start(d("2024-02-05"), Frequency::Annual), d("2024-01-01"));
        assert_eq!(period_start(d("2024-02-05"), Frequency::Monthly), d("2024-02-01"));
    }
}
