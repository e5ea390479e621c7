//! The commodity walk: a mean-reverting walk in log space around a slowly drifting level,
//! per instrument. Pure; no I/O.
use chrono::{Datelike, Days, Months, NaiveDate, Weekday};

use super::rng::{seed, Rng};
use crate::universe::Frequency;

/// Where every demo walk starts; more than ten years before any plausible "today".
pub(crate) const EPOCH: (i32, u32, u32) = (2010, 1, 4);

/// A price level around the epoch and an annualised volatility, per known slug.
fn profile(slug: &str) -> (f64, f64) {
    match slug {
        "gold" => (1100.0, 0.16),
        "silver" => (17.0, 0.28),
        "platinum" => (1500.0, 0.24),
        "palladium" => (450.0, 0.32),
        "copper" => (7000.0, 0.22),
        "wti" => (80.0, 0.38),
        "brent" => (80.0, 0.34),
        "henry-hub" => (4.5, 0.55),
        "uranium" => (45.0, 0.30),
        "lithium" => (5000.0, 0.45),
        "cobalt" => (20.0, 0.35),
        "nickel" => (20000.0, 0.30),
        "rare-earths" => (40.0, 0.40),
        "gallium" => (500.0, 0.30),
        "germanium" => (1000.0, 0.25),
        "silicon" => (1.2, 0.25),
        "aluminium" => (2100.0, 0.20),
        "titanium" => (10.0, 0.20),
        "tungsten" => (200.0, 0.25),
        "rhenium" => (4000.0, 0.30),
        "beryllium" => (450.0, 0.15),
        _ => (100.0, 0.25),
    }
}

/// The dates of a demo history up to `end` (inclusive), with the step between two of them
/// in years: business days for daily series, Wednesdays for weekly ones (the day the Fed's
/// weekly levels are dated), the first of each month for monthly ones up to the last
/// complete month, and January 1st of each year up to the last complete year for annual
/// ones.
pub(crate) fn demo_dates(frequency: Frequency, end: NaiveDate) -> (f64, Box<dyn Iterator<Item = NaiveDate>>) {
    let epoch = NaiveDate::from_ymd_opt(EPOCH.0, EPOCH.1, EPOCH.2).expect("valid epoch");
    match frequency {
        Frequency::Daily => (
            1.0 / 252.0,
            Box::new(
                std::iter::successors(Some(epoch), |d| d.checked_add_days(Days::new(1)))
                    .take_while(move |d| *d <= end)
                    .filter(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)),
            ),
        ),
        Frequency::Weekly => {
            let ahead = (7 + Weekday::Wed.num_days_from_monday() - epoch.weekday().num_days_from_monday()) % 7;
            let first = epoch + Days::new(u64::from(ahead));
            (
                1.0 / 52.0,
                Box::new(
                    std::iter::successors(Some(first), |d| d.checked_add_days(Days::new(7)))
                        .take_while(move |d| *d <= end),
                ),
            )
        }
        Frequency::Monthly => {
            let last =
                NaiveDate::from_ymd_opt(end.year(), end.month(), 1).and_then(|d| d.checked_sub_months(Months::new(1)));
            let first = NaiveDate::from_ymd_opt(EPOCH.0, 1, 1).expect("valid");
            (
                1.0 / 12.0,
                Box::new(
                    std::iter::successors(Some(first), |d| d.checked_add_months(Months::new(1)))
                        .take_while(move |d| Some(*d) <= last),
                ),
            )
        }
        Frequency::Annual => (1.0, Box::new((EPOCH.0..end.year()).filter_map(|y| NaiveDate::from_ymd_opt(y, 1, 1)))),
    }
}

/// The demo history of one instrument up to `end` (inclusive), at the dates of
/// [`demo_dates`].
pub fn generate(slug: &str, frequency: Frequency, end: NaiveDate) -> Vec<(NaiveDate, f64)> {
    let (level, vol) = profile(slug);
    let mut rng = Rng(seed(slug));
    // Log price follows a mean-reverting walk around a slowly drifting level, so sixteen
    // years stay in a plausible band instead of wandering off by orders of magnitude.
    let (step_years, dates) = demo_dates(frequency, end);
    let theta = 0.35; // mean reversion per year
    let drift = 0.03; // the anchor level's growth per year
    let mut x = level.ln();
    let mut t = 0.0;
    let mut out = Vec::new();
    for d in dates {
        let anchor = level.ln() + drift * t;
        x += theta * (anchor - x) * step_years + vol * step_years.sqrt() * rng.normal();
        t += step_years;
        out.push((d, round_to_cents(x.exp())));
    }
    out
}

fn round_to_cents(v: f64) -> f64 {
    if v >= 1.0 {
        (v * 100.0).round() / 100.0
    } else {
        (v * 10_000.0).round() / 10_000.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn history_is_deterministic_and_does_not_depend_on_the_end_date() {
        let a = generate("gold", Frequency::Daily, d("2026-11-27"));
        let b = generate("gold", Frequency::Daily, d("2026-11-28"));
        assert_eq!(a, generate("gold", Frequency::Daily, d("2026-11-27")));
        assert_eq!(&b[..a.len()], &a[..], "a later end date only appends");
        assert_ne!(a, generate("silver", Frequency::Daily, d("2026-11-27")));
    }

    #[test]
    fn frequencies_give_business_days_months_and_years_covering_ten_years() {
        let end = d("2026-11-28"); // a Saturday
        let daily = generate("wti", Frequency::Daily, end);
        assert!(daily.iter().all(|(d, _)| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)));
        assert_eq!(daily.last().unwrap().0, d("2026-11-27"));
        assert!(daily[0].0 <= d("2016-11-28"));
        let monthly = generate("copper", Frequency::Monthly, end);
        assert_eq!(monthly.last().unwrap().0, d("2026-10-01"), "last complete month");
        assert!(monthly.iter().all(|(d, _)| d.day() == 1));
        assert!(monthly.len() >= 120);
        let weekly = generate("walcl", Frequency::Weekly, end);
        assert!(weekly.iter().all(|(d, _)| d.weekday() == Weekday::Wed));
        assert_eq!(weekly[0].0, d("2010-01-06"));
        assert_eq!(weekly.last().unwrap().0, d("2026-11-25"));
        assert!(weekly.windows(2).all(|w| (w[1].0 - w[0].0).num_days() == 7));
        let annual = generate("lithium", Frequency::Annual, end);
        assert_eq!(annual.last().unwrap().0, d("2025-01-01"), "last complete year");
        assert!(annual.len() >= 10);
    }

    #[test]
    fn prices_stay_positive_and_near_their_level() {
        for (slug, f) in [("gold", Frequency::Daily), ("henry-hub", Frequency::Daily), ("silicon", Frequency::Annual)] {
            let (level, _) = profile(slug);
            for (_, v) in generate(slug, f, d("2026-11-28")) {
                assert!(v > 0.0 && v.is_finite());
                assert!(v > level / 20.0 && v < level * 20.0, "{slug}: {v} strays from {level}");
            }
        }
    }
}
