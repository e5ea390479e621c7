//! Series arithmetic the chart pack needs, pure and unit-tested: joining series of
//! different frequencies without looking ahead, year-on-year changes, ratios, period
//! aggregates. Every input is oldest first; every output too.
use chrono::{Datelike, Months, NaiveDate};

pub type Points = [(NaiveDate, f64)];

/// For each date of `base`, the latest value of `other` on or before it (an as-of join:
/// a weekly figure is matched with the daily value known that day, never a later one).
/// Base dates before `other` starts are dropped.
pub fn asof_join(base: &Points, other: &Points) -> Vec<(NaiveDate, f64, f64)> {
    let mut out = Vec::with_capacity(base.len());
    let mut j = 0;
    let mut last: Option<f64> = None;
    for (d, v) in base {
        while j < other.len() && other[j].0 <= *d {
            last = Some(other[j].1);
            j += 1;
        }
        if let Some(o) = last {
            out.push((*d, *v, o));
        }
    }
    out
}

/// Net liquidity in USD billions on each date of the Fed's balance sheet: total assets
/// (WALCL, USD millions) minus the Treasury General Account (WTREGEN, USD millions) minus
/// overnight reverse repos (RRPONTSYD, USD billions), each the latest known that day.
pub fn net_liquidity(walcl: &Points, tga: &Points, rrp: &Points) -> Vec<(NaiveDate, f64)> {
    let with_tga = asof_join(walcl, tga);
    let base: Vec<(NaiveDate, f64)> = with_tga.iter().map(|(d, w, t)| (*d, (w - t) / 1000.0)).collect();
    asof_join(&base, rrp).into_iter().map(|(d, wt, r)| (d, wt - r)).collect()
}

/// Percent change against the value twelve months earlier, for monthly data: a month
/// without its year-ago month is skipped rather than compared with another one.
pub fn year_on_year(monthly: &Points) -> Vec<(NaiveDate, f64)> {
    let by_month: std::collections::HashMap<(i32, u32), f64> =
        monthly.iter().map(|(d, v)| ((d.year(), d.month()), *v)).collect();
    monthly
        .iter()
        .filter_map(|(d, v)| {
            let prev = d.checked_sub_months(Months::new(12))?;
            let base = *by_month.get(&(prev.year(), prev.month()))?;
            (base != 0.0).then(|| (*d, (v / base - 1.0) * 100.0))
        })
        .collect()
}

/// The mean of each calendar month, dated the first of the month (how the IMF dates its
/// monthly averages), so a daily series can be set against a monthly one.
pub fn monthly_mean(points: &Points) -> Vec<(NaiveDate, f64)> {
    let mut out: Vec<(NaiveDate, f64, usize)> = Vec::new();
    for (d, v) in points {
        let first = NaiveDate::from_ymd_opt(d.year(), d.month(), 1).expect("the first of a month exists");
        match out.last_mut() {
            Some((m, sum, n)) if *m == first => {
                *sum += v;
                *n += 1;
            }
            _ => out.push((first, *v, 1)),
        }
    }
    out.into_iter().map(|(d, sum, n)| (d, sum / n as f64)).collect()
}

/// `a / b` on the dates both have (exact date match); zero denominators are skipped.
pub fn ratio(a: &Points, b: &Points) -> Vec<(NaiveDate, f64)> {
    let bs: std::collections::HashMap<NaiveDate, f64> = b.iter().copied().collect();
    a.iter().filter_map(|(d, x)| bs.get(d).filter(|y| **y != 0.0).map(|y| (*d, x / y))).collect()
}

/// The last value and its change over `days` calendar days (against the latest value on
/// or before that day), for a one-line reading. `None` without enough history.
pub fn change_over(points: &Points, days: u64) -> Option<(NaiveDate, f64, f64)> {
    let (last_d, last_v) = *points.last()?;
    let then = last_d.checked_sub_days(chrono::Days::new(days))?;
    let (_, before) = points.iter().rev().find(|(d, _)| *d <= then)?;
    Some((last_d, last_v, last_v - before))
}

/// A calendar quarter, `2026Q3`.
pub fn quarter_label(d: NaiveDate) -> String {
    format!("{}Q{}", d.year(), (d.month() - 1) / 3 + 1)
}

/// Sums and counts per calendar quarter, oldest first, dated the quarter's first day.
pub fn per_quarter(points: &Points) -> Vec<(NaiveDate, f64, usize)> {
    let mut out: Vec<(NaiveDate, f64, usize)> = Vec::new();
    for (d, v) in points {
        let q = NaiveDate::from_ymd_opt(d.year(), (d.month() - 1) / 3 * 3 + 1, 1).expect("quarter start exists");
        match out.last_mut() {
            Some((s, sum, n)) if *s == q => {
                *sum += v;
                *n += 1;
            }
            _ => out.push((q, *v, 1)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn pts(v: &[(&str, f64)]) -> Vec<(NaiveDate, f64)> {
        v.iter().map(|(s, x)| (d(s), *x)).collect()
    }

    #[test]
    fn the_as_of_join_never_looks_ahead() {
        let weekly = pts(&[("2025-01-01", 1.0), ("2025-01-08", 2.0), ("2025-01-15", 3.0)]);
        let daily = pts(&[("2025-01-02", 10.0), ("2025-01-08", 11.0), ("2025-01-09", 12.0)]);
        // 01-01 has no daily value yet; 01-08 takes that day's; 01-15 the latest before it.
        assert_eq!(asof_join(&weekly, &daily), vec![(d("2025-01-08"), 2.0, 11.0), (d("2025-01-15"), 3.0, 12.0)]);
    }

    #[test]
    fn net_liquidity_converts_millions_to_billions_and_subtracts_tga_and_rrp() {
        // Worked by hand: 6,900,000 - 800,000 = 6,100,000 USD mn = 6,100 USD bn; less 150 bn RRP.
        let walcl = pts(&[("2025-06-04", 6_900_000.0), ("2025-06-11", 6_880_000.0)]);
        let tga = pts(&[("2025-06-04", 800_000.0), ("2025-06-11", 790_000.0)]);
        let rrp = pts(&[("2025-06-03", 150.0), ("2025-06-10", 120.0), ("2025-06-12", 999.0)]);
        assert_eq!(net_liquidity(&walcl, &tga, &rrp), pts(&[("2025-06-04", 5950.0), ("2025-06-11", 5970.0)]));
    }

    #[test]
    fn year_on_year_compares_the_same_month_and_skips_gaps() {
        // CPIAUCSL 2023-12 306.746 and 2024-12 315.605 (FRED): +2.888% y/y.
        let cpi = pts(&[("2023-12-01", 306.746), ("2024-11-01", 315.0), ("2024-12-01", 315.605)]);
        let y = year_on_year(&cpi);
        assert_eq!(y.len(), 1, "2024-11 has no 2023-11 to compare with");
        assert_eq!(y[0].0, d("2024-12-01"));
        assert!((y[0].1 - 2.888_057).abs() < 1e-5, "{}", y[0].1);
    }

    #[test]
    fn monthly_means_are_dated_the_first_of_the_month() {
        let daily = pts(&[("2025-01-02", 10.0), ("2025-01-31", 20.0), ("2025-02-03", 5.0)]);
        assert_eq!(monthly_mean(&daily), pts(&[("2025-01-01", 15.0), ("2025-02-01", 5.0)]));
    }

    #[test]
    fn ratios_use_common_dates_and_skip_zero_denominators() {
        let a = pts(&[("2025-01-01", 4.0), ("2025-02-01", 6.0), ("2025-03-01", 1.0)]);
        let b = pts(&[("2025-01-01", 2.0), ("2025-03-01", 0.0)]);
        assert_eq!(ratio(&a, &b), pts(&[("2025-01-01", 2.0)]));
    }

    #[test]
    fn change_over_takes_the_last_value_on_or_before_the_start() {
        let p = pts(&[("2025-01-01", 100.0), ("2025-03-28", 110.0), ("2025-04-01", 120.0), ("2025-07-01", 90.0)]);
        // 91 days before 2025-07-01 is 2025-04-01.
        assert_eq!(change_over(&p, 91), Some((d("2025-07-01"), 90.0, -30.0)));
        assert_eq!(change_over(&p, 10_000), None);
    }

    #[test]
    fn quarters_group_sums_and_counts() {
        let p = pts(&[("2025-01-15", 1.0), ("2025-03-31", 2.0), ("2025-04-01", 5.0)]);
        assert_eq!(per_quarter(&p), vec![(d("2025-01-01"), 3.0, 2), (d("2025-04-01"), 5.0, 1)]);
        assert_eq!(quarter_label(d("2025-11-30")), "2025Q4");
    }
}
