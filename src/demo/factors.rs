//! The one factor model every demo market moves with. Each business day since the epoch
//! draws six correlated factor shocks (global growth, the dollar, energy, risk appetite,
//! rates, and a precious-metals "haven" factor) and a stress level. A series' daily shock
//! is its loadings on the factors plus a shock of its own, scaled up while stress is high,
//! so co-movement comes from shared causes rather than from copying one series into
//! another: oil moves with energy, gold against the dollar, VIX against risk appetite.
//!
//! Stress jumps on risk-off days (the real crises since 2010 on their dates, random ones
//! after the last of them) and decays over a few weeks. A jump is also a large negative
//! shock to the risk factor that day, which is what ties VIX's spikes to equity and metal
//! sell-offs.
//!
//! Everything is drawn in date order from fixed seeds, so a later end date only appends.
//! Pure; no I/O.
use chrono::{Datelike, Days, Months, NaiveDate, Weekday};

use super::rng::{seed, Rng};
use crate::universe::Frequency;

/// Where every demo history starts; more than ten years before any plausible "today".
pub(crate) const EPOCH: (i32, u32, u32) = (2010, 1, 4);
pub const TRADING_DAYS: f64 = 252.0;

pub fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(EPOCH.0, EPOCH.1, EPOCH.2).expect("valid epoch")
}

/// The common factors, in the order of [`CORRELATION`] and of a day's shocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Factor {
    Growth,
    Dollar,
    Energy,
    Risk,
    Rates,
    /// Precious-metals demand: most of gold and silver's real co-movement is neither the
    /// dollar nor rates, and without it they could not correlate like the real pair.
    Haven,
}

impl Factor {
    pub const ALL: [Factor; 6] =
        [Factor::Growth, Factor::Dollar, Factor::Energy, Factor::Risk, Factor::Rates, Factor::Haven];

    pub fn name(self) -> &'static str {
        match self {
            Factor::Growth => "growth",
            Factor::Dollar => "dollar",
            Factor::Energy => "energy",
            Factor::Risk => "risk",
            Factor::Rates => "rates",
            Factor::Haven => "haven",
        }
    }
}

/// Correlations of the factors' daily shocks. Growth and risk appetite go together, the
/// dollar rises when either falls (it is where money hides), rates rise with growth.
const CORRELATION: [[f64; 6]; 6] = [
    // growth dollar energy risk  rates  haven
    [1.00, -0.30, 0.30, 0.50, 0.30, 0.00],
    [-0.30, 1.00, -0.20, -0.30, 0.20, 0.00],
    [0.30, -0.20, 1.00, 0.20, 0.10, 0.00],
    [0.50, -0.30, 0.20, 1.00, 0.30, -0.20],
    [0.30, 0.20, 0.10, 0.30, 1.00, 0.00],
    [0.00, 0.00, 0.00, -0.20, 0.00, 1.00],
];

/// How much a series moves with each factor, as correlations of its calm-day shock with
/// the factor's; what the factors leave unexplained is the series' own shock. Read from the
/// demo's tables with 0 for a factor left out.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Loadings {
    pub growth: f64,
    pub dollar: f64,
    pub energy: f64,
    pub risk: f64,
    pub rates: f64,
    pub haven: f64,
}

impl Loadings {
    pub fn get(&self, f: Factor) -> f64 {
        self.as_array()[f as usize]
    }

    fn as_array(&self) -> [f64; 6] {
        [self.growth, self.dollar, self.energy, self.risk, self.rates, self.haven]
    }

    /// The share of the shock's variance the factors explain (β'Cβ); the series' own
    /// shock takes the rest, so every series' shock has unit variance on calm days.
    pub fn explained(&self) -> f64 {
        let b = self.as_array();
        (0..6).map(|i| (0..6).map(|j| b[i] * CORRELATION[i][j] * b[j]).sum::<f64>()).sum()
    }

    /// The correlation of two series' calm-day shocks implied by their loadings.
    pub fn implied_correlation(&self, other: &Loadings) -> f64 {
        let (a, b) = (self.as_array(), other.as_array());
        (0..6).map(|i| (0..6).map(|j| a[i] * CORRELATION[i][j] * b[j]).sum::<f64>()).sum()
    }
}

/// The lower-triangular L with L·Lᵀ = `m`; `None` when `m` is not positive definite.
pub(crate) fn cholesky(m: &[[f64; 6]; 6]) -> Option<[[f64; 6]; 6]> {
    let mut l = [[0.0; 6]; 6];
    for i in 0..6 {
        for j in 0..=i {
            let s: f64 = (0..j).map(|k| l[i][k] * l[j][k]).sum();
            if i == j {
                let d = m[i][i] - s;
                if d <= 0.0 {
                    return None;
                }
                l[i][j] = d.sqrt();
            } else {
                l[i][j] = (m[i][j] - s) / l[j][j];
            }
        }
    }
    Some(l)
}

/// Real risk-off days since 2010 and the size of the risk factor's drop that day, in
/// standard deviations: the flash crash, the US downgrade, China's devaluation,
/// "Volmageddon", Christmas 2018, March 2020, 2022's drawdown, the yen carry unwind and
/// April 2025's tariffs. Sized so VIX peaks land near the real closes.
const CRISES: [(&str, f64); 18] = [
    ("2010-05-06", 4.5),
    ("2010-05-20", 3.0),
    ("2011-08-04", 4.5),
    ("2011-08-08", 5.0),
    ("2015-08-24", 5.5),
    ("2018-02-05", 6.0),
    ("2018-12-24", 3.5),
    ("2020-02-24", 3.5),
    ("2020-03-09", 4.5),
    ("2020-03-12", 4.5),
    ("2020-03-16", 5.0),
    ("2022-01-24", 2.5),
    ("2022-03-07", 2.5),
    ("2022-06-13", 3.0),
    ("2024-08-05", 5.0),
    ("2025-04-03", 3.5),
    ("2025-04-04", 4.0),
    ("2025-04-07", 2.5),
];
/// After the last known crisis, risk-off days come at random: this many a year, each
/// between 2.5 and 4.5 standard deviations.
const RANDOM_CRISES_PER_YEAR: f64 = 1.0;
const RANDOM_FROM: (i32, u32, u32) = (2026, 1, 1);
/// Stress added per standard deviation of a crisis' drop, and its daily decay (a half-life
/// of about fifteen business days, like VIX's after a spike).
const STRESS_PER_SD: f64 = 0.2;
const STRESS_HALF_LIFE_DAYS: f64 = 15.0;
/// How much stress raises every series' volatility: at stress 1 (one large crisis, a VIX
/// in the 30s), shocks are 1.8 times their calm size, as realized volatility roughly
/// doubles in a real sell-off.
const STRESS_VOL: f64 = 0.8;

/// The factor model's draws for every business day from the epoch to an end date.
#[derive(Debug, Clone, PartialEq)]
pub struct Market {
    pub dates: Vec<NaiveDate>,
    /// Each day's factor shocks before stress and crises (unit variance), in
    /// [`Factor::ALL`] order.
    pub factors: Vec<[f64; 6]>,
    /// Each day's stress, after that day's crisis if any.
    pub stress: Vec<f64>,
    /// The risk factor's drop that day in calm standard deviations (a crisis), else 0.
    pub crisis: Vec<f64>,
}

impl Market {
    pub fn until(end: NaiveDate) -> Market {
        let l = cholesky(&CORRELATION).expect("the factor correlations are positive definite");
        let mut rng = Rng(seed("factors"));
        let mut jumps = Rng(seed("stress"));
        let crises: Vec<(NaiveDate, f64)> =
            CRISES.iter().map(|(d, j)| (d.parse().expect("a valid crisis date"), *j)).collect();
        let random_from = NaiveDate::from_ymd_opt(RANDOM_FROM.0, RANDOM_FROM.1, RANDOM_FROM.2).expect("valid");
        let decay = 0.5f64.powf(1.0 / STRESS_HALF_LIFE_DAYS);
        let dates: Vec<NaiveDate> = business_days(end).collect();
        let mut factors = Vec::with_capacity(dates.len());
        let mut stress = Vec::with_capacity(dates.len());
        let mut crisis = Vec::with_capacity(dates.len());
        let mut s = 0.0;
        for d in &dates {
            let z: [f64; 6] = std::array::from_fn(|_| rng.normal());
            let f: [f64; 6] = std::array::from_fn(|i| (0..=i).map(|k| l[i][k] * z[k]).sum());
            // Drawn every day, so the stream is the same whichever days are crises.
            let (hit, size) = (jumps.uniform(), jumps.uniform());
            let jump = match crises.iter().find(|(c, _)| c == d) {
                Some((_, j)) => *j,
                None if *d >= random_from && hit < RANDOM_CRISES_PER_YEAR / TRADING_DAYS => 2.5 + 2.0 * size,
                None => 0.0,
            };
            s = s * decay + STRESS_PER_SD * jump;
            factors.push(f);
            stress.push(s);
            crisis.push(jump);
        }
        Market { dates, factors, stress, crisis }
    }

    /// How much larger than calm every shock is on day `i`.
    pub fn vol_scale(&self, i: usize) -> f64 {
        1.0 + STRESS_VOL * self.stress[i]
    }

    /// A series' shock on day `i`, in units of its calm-day standard deviation: its
    /// loadings on the factors plus `own` (a standard normal of its own) for the rest,
    /// scaled by the day's stress, and the day's crisis through its loading on risk.
    pub fn shock(&self, i: usize, loadings: &Loadings, own: f64) -> f64 {
        let explained = loadings.explained();
        debug_assert!(explained < 1.0, "loadings explain more than all: {loadings:?}");
        let common: f64 = Factor::ALL.iter().map(|f| loadings.get(*f) * self.factors[i][*f as usize]).sum();
        let calm = common + (1.0 - explained).max(0.0).sqrt() * own;
        self.vol_scale(i) * calm - loadings.risk * self.crisis[i]
    }
}

/// A mean-reverting (Ornstein-Uhlenbeck) process stepped exactly, so any step is stable:
/// `theta` per year toward 0, volatility `sigma` per square-root year.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ou {
    keep: f64,
    step_sd: f64,
}

impl Ou {
    pub(crate) fn new(theta: f64, sigma: f64, step_years: f64) -> Ou {
        let keep = (-theta * step_years).exp();
        Ou { keep, step_sd: sigma * ((1.0 - keep * keep) / (2.0 * theta)).sqrt() }
    }

    pub(crate) fn step(&self, x: f64, shock: f64) -> f64 {
        self.keep * x + self.step_sd * shock
    }
}

/// Monday to Friday from the epoch to `end` inclusive.
pub fn business_days(end: NaiveDate) -> impl Iterator<Item = NaiveDate> {
    std::iter::successors(Some(epoch()), |d| d.checked_add_days(Days::new(1)))
        .take_while(move |d| *d <= end)
        .filter(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
}

/// The dates of a demo history up to `end` (inclusive), with the step between two of them
/// in years: business days for daily series, Wednesdays for weekly ones (the day the Fed's
/// weekly levels are dated), the first of each month for monthly ones up to the last
/// complete month, and January 1st of each year up to the last complete year for annual
/// ones.
pub(crate) fn demo_dates(frequency: Frequency, end: NaiveDate) -> (f64, Box<dyn Iterator<Item = NaiveDate>>) {
    let epoch = epoch();
    match frequency {
        Frequency::Daily => (1.0 / TRADING_DAYS, Box::new(business_days(end))),
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

/// A daily path (business days, unrounded) as a series of `frequency` up to `end`: the
/// days themselves, the Wednesdays, or the average of each complete month or year dated
/// on its first day (as FRED dates monthly averages and USGS annual ones). Never more
/// points than the daily path supports, so a monthly series is never daily in disguise.
pub fn sample(daily: &[(NaiveDate, f64)], frequency: Frequency, end: NaiveDate) -> Vec<(NaiveDate, f64)> {
    let upto = daily.iter().take_while(|(d, _)| *d <= end);
    match frequency {
        Frequency::Daily => upto.copied().collect(),
        Frequency::Weekly => upto.filter(|(d, _)| d.weekday() == Weekday::Wed).copied().collect(),
        Frequency::Monthly | Frequency::Annual => {
            let period = |d: &NaiveDate| match frequency {
                Frequency::Monthly => NaiveDate::from_ymd_opt(d.year(), d.month(), 1).expect("valid"),
                _ => NaiveDate::from_ymd_opt(d.year(), 1, 1).expect("valid"),
            };
            // Only periods that ended on or before `end` are complete.
            let current = period(&end);
            let mut out: Vec<(NaiveDate, f64)> = Vec::new();
            let mut n = 0.0;
            for (d, v) in upto {
                let p = period(d);
                if p >= current {
                    break;
                }
                match out.last_mut() {
                    Some((q, sum)) if *q == p => {
                        *sum += v;
                        n += 1.0;
                    }
                    _ => {
                        if let Some((_, sum)) = out.last_mut() {
                            *sum /= n;
                        }
                        out.push((p, *v));
                        n = 1.0;
                    }
                }
            }
            if let Some((_, sum)) = out.last_mut() {
                *sum /= n;
            }
            out
        }
    }
}

/// The year with its fraction: 2020.5 is about the first of July 2020.
pub(crate) fn year_fraction(d: NaiveDate) -> f64 {
    let days = if NaiveDate::from_ymd_opt(d.year(), 2, 29).is_some() { 366.0 } else { 365.0 };
    f64::from(d.year()) + f64::from(d.ordinal0()) / days
}

/// An outline's level at `t`: straight lines between waypoints (year with fraction,
/// level), flat outside them.
pub(crate) fn outline_at(outline: &[(f64, f64)], t: f64) -> f64 {
    let i = outline.partition_point(|(x, _)| *x <= t);
    match (i.checked_sub(1).map(|j| outline[j]), outline.get(i)) {
        (Some((x0, y0)), Some(&(x1, y1))) => y0 + (y1 - y0) * (t - x0) / (x1 - x0),
        (Some((_, y)), None) | (None, Some(&(_, y))) => y,
        (None, None) => 0.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_factor_correlations_are_a_valid_correlation_matrix() {
        let l = cholesky(&CORRELATION).expect("positive definite");
        for i in 0..6 {
            assert_eq!(CORRELATION[i][i], 1.0);
            for j in 0..6 {
                assert_eq!(CORRELATION[i][j], CORRELATION[j][i], "symmetric at {i},{j}");
                let back: f64 = (0..6).map(|k| l[i][k] * l[j][k]).sum();
                assert!((back - CORRELATION[i][j]).abs() < 1e-12);
            }
        }
        let mut not_pd = CORRELATION;
        not_pd[0][3] = 1.5;
        not_pd[3][0] = 1.5;
        assert!(cholesky(&not_pd).is_none());
    }

    #[test]
    fn the_drawn_factor_shocks_have_the_correlations_they_were_given() {
        let m = Market::until(d("2026-11-27"));
        for i in 0..6 {
            for j in 0..i {
                let a: Vec<f64> = m.factors.iter().map(|f| f[i]).collect();
                let b: Vec<f64> = m.factors.iter().map(|f| f[j]).collect();
                let r = super::super::stats::correlation(&a, &b);
                assert!(
                    (r - CORRELATION[i][j]).abs() < 0.05,
                    "{}/{}: {r}",
                    Factor::ALL[i].name(),
                    Factor::ALL[j].name()
                );
            }
        }
    }

    #[test]
    fn crises_are_risk_off_days_and_stress_decays_after_them() {
        let m = Market::until(d("2030-12-31"));
        let covid = m.dates.iter().position(|x| *x == d("2020-03-16")).unwrap();
        let risk_on = Loadings { risk: 0.5, ..Loadings::default() };
        assert!(m.crisis[covid] > 0.0 && m.shock(covid, &risk_on, 0.0) < -1.0, "a crisis is a risk-off shock");
        assert!(m.vol_scale(covid) > 1.5, "and a volatile day");
        assert!(m.stress[covid + 60] < m.stress[covid] / 5.0, "stress fades within three months");
        let random = m.dates.iter().zip(&m.crisis).filter(|(x, c)| **x >= d("2026-01-01") && **c > 0.0).count();
        assert!((1..=12).contains(&random), "{random} random crises in five years");
        assert!(m.stress.iter().all(|s| *s >= 0.0));
    }

    #[test]
    fn every_real_crisis_falls_on_a_business_day_and_takes_effect() {
        let m = Market::until(d("2026-11-27"));
        for (date, size) in CRISES {
            let i = m.dates.iter().position(|x| *x == d(date)).unwrap_or_else(|| panic!("{date} is no business day"));
            assert_eq!(m.crisis[i], size, "{date}");
        }
        let before_2026 = m.dates.iter().zip(&m.crisis).filter(|(x, c)| **x < d("2026-01-01") && **c > 0.0).count();
        assert_eq!(before_2026, CRISES.len(), "no random crisis before 2026");
    }

    #[test]
    fn a_later_end_only_appends_to_the_market() {
        let a = Market::until(d("2026-11-20"));
        let b = Market::until(d("2026-11-27"));
        assert_eq!(a.dates[..], b.dates[..a.dates.len()]);
        assert_eq!(a.factors[..], b.factors[..a.dates.len()]);
        assert_eq!(a.stress[..], b.stress[..a.dates.len()]);
        assert_eq!(b.dates.len(), a.dates.len() + 5);
    }

    #[test]
    fn sampling_averages_complete_months_and_years_and_takes_wednesdays_for_weeks() {
        let daily: Vec<(NaiveDate, f64)> =
            business_days(d("2012-03-15")).enumerate().map(|(i, x)| (x, i as f64)).collect();
        let monthly = sample(&daily, Frequency::Monthly, d("2012-03-15"));
        assert_eq!(monthly.first().unwrap().0, d("2010-01-01"));
        assert_eq!(monthly.last().unwrap().0, d("2012-02-01"), "March 2012 is not complete");
        // January 2010 has 20 business days from the 4th: indexes 0..=19.
        assert_eq!(monthly[0].1, 9.5);
        let annual = sample(&daily, Frequency::Annual, d("2012-03-15"));
        assert_eq!(annual.iter().map(|p| p.0).collect::<Vec<_>>(), vec![d("2010-01-01"), d("2011-01-01")]);
        let weekly = sample(&daily, Frequency::Weekly, d("2012-03-15"));
        assert!(weekly.iter().all(|(x, _)| x.weekday() == Weekday::Wed));
        assert_eq!(weekly[0], (d("2010-01-06"), 2.0));
        assert_eq!(sample(&daily, Frequency::Daily, d("2010-01-05")).len(), 2);
    }

    #[test]
    fn the_outline_is_flat_outside_its_waypoints_and_straight_between() {
        let o = [(2010.0, 1.0), (2012.0, 3.0)];
        assert_eq!(outline_at(&o, 2000.0), 1.0);
        assert_eq!(outline_at(&o, 2011.0), 2.0);
        assert_eq!(outline_at(&o, 2030.0), 3.0);
        assert!((year_fraction(d("2024-07-01")) - (2024.0 + 182.0 / 366.0)).abs() < 1e-12);
    }
}
