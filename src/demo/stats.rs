//! Small statistics over generated series, for the demo's own tests and for
//! `examples/demo_stats.rs`, which prints how the demo markets behave. Pure.
use std::collections::HashMap;
use std::fmt::Write as _;

use chrono::NaiveDate;

use super::factors::Market;
use super::{commodities, macro_series};
use crate::universe::Frequency;

/// Pearson's correlation; NaN for fewer than two points or a constant series.
pub fn correlation(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len().min(b.len());
    if n < 2 {
        return f64::NAN;
    }
    let (a, b) = (&a[..n], &b[..n]);
    let mean = |x: &[f64]| x.iter().sum::<f64>() / n as f64;
    let (ma, mb) = (mean(a), mean(b));
    let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
    for (x, y) in a.iter().zip(b) {
        sab += (x - ma) * (y - mb);
        saa += (x - ma) * (x - ma);
        sbb += (y - mb) * (y - mb);
    }
    sab / (saa * sbb).sqrt()
}

/// Log returns between consecutive points, each dated on its later point.
pub fn log_returns(points: &[(NaiveDate, f64)]) -> Vec<(NaiveDate, f64)> {
    points.windows(2).map(|w| (w[1].0, (w[1].1 / w[0].1).ln())).collect()
}

/// The correlation of two series' log returns over the dates both have.
pub fn return_correlation(a: &[(NaiveDate, f64)], b: &[(NaiveDate, f64)]) -> f64 {
    let rb: HashMap<NaiveDate, f64> = log_returns(b).into_iter().collect();
    let (x, y): (Vec<f64>, Vec<f64>) =
        log_returns(a).into_iter().filter_map(|(d, r)| rb.get(&d).map(|s| (r, *s))).unzip();
    correlation(&x, &y)
}

/// (min, max, mean) of the values.
pub fn min_max_mean(points: &[(NaiveDate, f64)]) -> (f64, f64, f64) {
    let v = points.iter().map(|p| p.1);
    let min = v.clone().fold(f64::INFINITY, f64::min);
    let max = v.clone().fold(f64::NEG_INFINITY, f64::max);
    (min, max, v.sum::<f64>() / points.len() as f64)
}

/// The instruments' frequencies in the built-in universe (`config/universe.toml`).
pub const FREQUENCIES: [(&str, Frequency); 21] = [
    ("gold", Frequency::Daily),
    ("silver", Frequency::Daily),
    ("platinum", Frequency::Daily),
    ("palladium", Frequency::Daily),
    ("copper", Frequency::Monthly),
    ("wti", Frequency::Daily),
    ("brent", Frequency::Daily),
    ("henry-hub", Frequency::Daily),
    ("uranium", Frequency::Monthly),
    ("lithium", Frequency::Annual),
    ("cobalt", Frequency::Annual),
    ("nickel", Frequency::Monthly),
    ("rare-earths", Frequency::Annual),
    ("gallium", Frequency::Annual),
    ("germanium", Frequency::Annual),
    ("silicon", Frequency::Annual),
    ("aluminium", Frequency::Monthly),
    ("titanium", Frequency::Annual),
    ("tungsten", Frequency::Annual),
    ("rhenium", Frequency::Annual),
    ("beryllium", Frequency::Annual),
];

/// How the demo markets behave up to `end`, as text: the figures the demo's tests bound.
pub fn report(end: NaiveDate) -> String {
    let market = Market::until(end);
    let rows = |slug: &str, f: Frequency| match macro_series::generate(slug, f, end) {
        Some(v) => v,
        None => commodities::generate(slug, f, end),
    };
    let daily = |slug: &str| rows(slug, Frequency::Daily);
    let path = |slug: &str| commodities::daily_path(&market, slug);
    let mut out = String::new();
    let _ = writeln!(out, "Demo markets from 2010-01-04 to {end}: {} business days\n", market.dates.len());
    let _ = writeln!(out, "Correlations of daily log returns (stored rows unless noted)");
    let pairs: [(&str, &str, &str); 7] = [
        ("wti", "brent", ">= 0.90"),
        ("gold", "silver", ">= 0.60"),
        ("platinum", "palladium", "> 0.20"),
        ("dtwexbgs", "gold", "<= -0.20"),
        ("wti", "henry-hub", "0 to 0.40"),
        ("vixcls", "sp500", "<= -0.50"),
        ("bamlh0a0hym2", "sp500", "< -0.30"),
    ];
    for (a, b, bound) in pairs {
        let r = return_correlation(&daily(a), &daily(b));
        let _ = writeln!(out, "  {:<24} {r:>6.3}   (asserted {bound})", format!("{a}/{b}"));
    }
    let r = return_correlation(&path("copper"), &path("nickel"));
    let _ = writeln!(out, "  {:<24} {r:>6.3}   (asserted > 0.20; daily model paths, stored monthly)", "copper/nickel");
    let r = return_correlation(&rows("copper", Frequency::Monthly), &rows("nickel", Frequency::Monthly));
    let _ = writeln!(out, "  {:<24} {r:>6.3}   (monthly averages as stored; asserted > 0)", "copper/nickel monthly");
    let (wti, brent) = (daily("wti"), daily("brent"));
    let gap = wti.iter().zip(&brent).map(|(w, b)| (b.1 / w.1 - 1.0).abs()).fold(0.0, f64::max);
    let _ = writeln!(out, "\nmax |Brent/WTI - 1| = {gap:.4} (asserted < 0.10)\n");
    let _ = writeln!(
        out,
        "Levels over the history (stored rows) against the band (real range since 2010, 1.5x either way)"
    );
    let _ = writeln!(
        out,
        "  {:<12} {:<8} {:>10} {:>10}   {:>10} {:>10}   {:>10}",
        "", "", "min", "max", "band low", "band high", "first"
    );
    for (slug, f) in FREQUENCIES {
        let v = rows(slug, f);
        let (min, max, _) = min_max_mean(&v);
        let p = commodities::profile(slug);
        let (lo, hi) = p.band();
        let _ = writeln!(
            out,
            "  {slug:<12} {:<8} {min:>10.2} {max:>10.2}   {lo:>10.2} {hi:>10.2}   {:>10.2}",
            f.as_str(),
            v[0].1
        );
    }
    let vix = daily("vixcls");
    let (min, max, mean) = min_max_mean(&vix);
    let within = vix.iter().filter(|(_, v)| (10.0..=40.0).contains(v)).count() as f64 / vix.len() as f64;
    let _ = writeln!(
        out,
        "\nVIX: min {min:.2}, max {max:.2}, mean {mean:.2}; {:.1} % of days between 10 and 40",
        within * 100.0
    );
    for slug in ["sp500", "dtwexbgs", "bamlh0a0hym2", "dgs10", "dfii10"] {
        let (min, max, mean) = min_max_mean(&daily(slug));
        let _ = writeln!(out, "{slug}: min {min:.2}, max {max:.2}, mean {mean:.2}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn correlation_is_one_for_a_line_minus_one_for_its_mirror_and_known_in_between() {
        let a = [1.0, 2.0, 3.0, 4.0];
        assert!((correlation(&a, &[2.0, 4.0, 6.0, 8.0]) - 1.0).abs() < 1e-12);
        assert!((correlation(&a, &[4.0, 3.0, 2.0, 1.0]) + 1.0).abs() < 1e-12);
        // Worked by hand: deviations (-1.5,-.5,.5,1.5) and (-1,1,-1,1): 2 / sqrt(5 * 4).
        assert!((correlation(&a, &[1.0, 3.0, 1.0, 3.0]) - 2.0 / 20f64.sqrt()).abs() < 1e-12);
        assert!(correlation(&a, &[1.0, 1.0, 1.0, 1.0]).is_nan());
    }

    #[test]
    fn returns_are_matched_by_date() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let a = [(d("2020-01-01"), 1.0), (d("2020-01-02"), 2.0), (d("2020-01-03"), 4.0), (d("2020-01-06"), 2.0)];
        // `b` has no 3rd, so only the returns dated the 2nd and the 6th are compared.
        let b = [(d("2020-01-01"), 10.0), (d("2020-01-02"), 20.0), (d("2020-01-06"), 5.0)];
        let r = log_returns(&a);
        assert_eq!(r.len(), 3);
        assert!((r[1].1 - 2f64.ln()).abs() < 1e-12 && r[1].0 == d("2020-01-03"));
        assert!((return_correlation(&a, &b) - 1.0).abs() < 1e-12, "two matched returns, same signs and ratio");
        assert_eq!(min_max_mean(&a), (1.0, 4.0, 2.25));
    }
}
