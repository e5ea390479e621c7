//! Fund returns from dated cash flows: XIRR, the paid-in multiples (TVPI, DPI, RVPI, MOIC)
//! and the Kaplan–Schoar public market equivalent. Pure: no I/O, and it builds without `ssr`
//! because fund pages render it on both sides.
//!
//! Convention: a cash flow is `(date, amount)` seen from the limited partner, contributions
//! (capital calls) negative and distributions positive. The fund's residual value (NAV) at a
//! date is passed separately, because the multiples treat it differently from cash.
//! Flows are not netted: a call and a distribution on the same day both count in full in
//! paid-in and distributed, as they do in an LP's capital account.
use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A dated cash flow, LP sign convention (contributions negative, distributions positive).
pub type CashFlow = (NaiveDate, f64);

/// Why there is no single IRR.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum IrrError {
    /// Fewer than two non-zero flows, or all of one sign: no rate can make the NPV zero.
    NoSignChange,
    /// The flows change sign but the NPV has no zero between -99.99% and +10,000% a year.
    NoRoot,
    /// The NPV is zero at several rates (sorted ascending); any one of them alone would mislead.
    MultipleRoots(Vec<f64>),
}

impl fmt::Display for IrrError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IrrError::NoSignChange => f.write_str("no IRR: every cash flow has the same sign"),
            IrrError::NoRoot => {
                f.write_str("no IRR: the net present value never reaches zero between -99.99% and 10,000% a year")
            }
            IrrError::MultipleRoots(roots) => {
                f.write_str("several IRRs: ")?;
                for (i, r) in roots.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{:.2}%", r * 100.0)?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for IrrError {}

/// The lowest and highest annual rates searched. Below -99.99% the discount factor explodes;
/// above 10,000% a year no fund result is credible, and the NPV is flat there anyway.
const RATE_MIN: f64 = -0.9999;
const RATE_MAX: f64 = 100.0;
/// Grid cells over ln(1+r). Uniform in ln(1+r) puts cells about 0.35% apart in r near zero,
/// where fund IRRs live, and lets them widen at the extremes. Two roots closer than one cell
/// cancel out and a double (tangent) root has no sign change: both are inherent to bracketing.
const GRID_STEPS: usize = 4000;
const ROOT_TOL: f64 = 1e-12;

/// The annual internal rate of return of dated flows, Excel's XIRR convention: actual/365
/// from the earliest flow. Order of input does not matter.
///
/// Every root in [-99.99%, 10,000%] is found by scanning the NPV over a grid and refining each
/// sign change with Brent's method, so a series with two IRRs says so instead of returning
/// whichever one a Newton iteration happened to reach.
pub fn xirr(flows: &[CashFlow]) -> Result<f64, IrrError> {
    let has_neg = flows.iter().any(|&(_, cf)| cf < 0.0);
    let has_pos = flows.iter().any(|&(_, cf)| cf > 0.0);
    if flows.len() < 2 || !has_neg || !has_pos {
        return Err(IrrError::NoSignChange);
    }
    let mut sorted = flows.to_vec();
    sorted.sort_by_key(|&(d, _)| d);
    let d0 = sorted[0].0;
    let terms: Vec<(f64, f64)> = sorted.iter().map(|&(d, cf)| ((d - d0).num_days() as f64 / 365.0, cf)).collect();
    let npv = |rate: f64| npv_at(&terms, rate);

    let lo = (1.0 + RATE_MIN).ln();
    let hi = (1.0 + RATE_MAX).ln();
    let mut roots: Vec<f64> = Vec::new();
    // The previous finite grid point; reset across non-finite points so Brent is never handed a
    // bracket it cannot evaluate inside.
    let mut prev: Option<(f64, f64)> = None;
    for i in 0..=GRID_STEPS {
        let rate = (lo + (hi - lo) * i as f64 / GRID_STEPS as f64).exp_m1();
        let v = npv(rate);
        if !v.is_finite() {
            prev = None;
            continue;
        }
        if v == 0.0 {
            roots.push(rate);
        } else if let Some((pr, pv)) = prev {
            if pv != 0.0 && (pv < 0.0) != (v < 0.0) {
                if let Some(root) = brent(&npv, pr, rate, pv, v, ROOT_TOL) {
                    roots.push(root);
                }
            }
        }
        prev = Some((rate, v));
    }

    roots.sort_by(f64::total_cmp);
    roots.dedup_by(|a, b| (*a - *b).abs() <= 1e-9 * (1.0 + b.abs()));
    match roots.len() {
        0 => Err(IrrError::NoRoot),
        1 => Ok(roots[0]),
        _ => Err(IrrError::MultipleRoots(roots)),
    }
}

/// NPV of `(years, amount)` terms at `rate`. exp(-t ln(1+r)) rather than powf so a huge
/// discount factor shows up as a non-finite value the caller skips.
fn npv_at(terms: &[(f64, f64)], rate: f64) -> f64 {
    let x = 1.0 + rate;
    if x <= 0.0 || !x.is_finite() {
        return f64::NAN;
    }
    let ln_x = x.ln();
    terms.iter().map(|&(t, cf)| cf * (-t * ln_x).exp()).sum()
}

/// Brent's method (Brent 1973, "Algorithms for Minimization without Derivatives", ch. 4):
/// inverse quadratic interpolation or secant when it stays inside the bracket and shrinks it
/// fast enough, bisection otherwise, so it never does worse than bisection.
/// `fa` and `fb` must have opposite signs.
fn brent(f: &impl Fn(f64) -> f64, a: f64, b: f64, fa: f64, fb: f64, tol: f64) -> Option<f64> {
    let (mut a, mut b, mut fa, mut fb) = (a, b, fa, fb);
    let (mut c, mut fc) = (a, fa);
    let mut d = b - a;
    let mut e = d;
    for _ in 0..200 {
        if (fb > 0.0) == (fc > 0.0) {
            c = a;
            fc = fa;
            d = b - a;
            e = d;
        }
        // Keep b the best estimate so far.
        if fc.abs() < fb.abs() {
            a = b;
            b = c;
            c = a;
            fa = fb;
            fb = fc;
            fc = fa;
        }
        let tol1 = 2.0 * f64::EPSILON * b.abs() + 0.5 * tol;
        let xm = 0.5 * (c - b);
        if xm.abs() <= tol1 || fb == 0.0 {
            return Some(b);
        }
        if e.abs() >= tol1 && fa.abs() > fb.abs() {
            let s = fb / fa;
            let (mut p, mut q);
            if a == c {
                p = 2.0 * xm * s;
                q = 1.0 - s;
            } else {
                let qa = fa / fc;
                let r = fb / fc;
                p = s * (2.0 * xm * qa * (qa - r) - (b - a) * (r - 1.0));
                q = (qa - 1.0) * (r - 1.0) * (s - 1.0);
            }
            if p > 0.0 {
                q = -q;
            }
            p = p.abs();
            let min1 = 3.0 * xm * q - (tol1 * q).abs();
            let min2 = (e * q).abs();
            if 2.0 * p < min1.min(min2) {
                e = d;
                d = p / q;
            } else {
                d = xm;
                e = d;
            }
        } else {
            d = xm;
            e = d;
        }
        a = b;
        fa = fb;
        b += if d.abs() > tol1 { d } else { tol1.copysign(xm) };
        fb = f(b);
        if !fb.is_finite() {
            return None;
        }
    }
    None
}

/// Paid-in multiples of a fund from the LP's side.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Multiples {
    /// Sum of contributions, as a positive number.
    pub paid_in: f64,
    /// Sum of distributions.
    pub distributed: f64,
    /// Residual value at the NAV date.
    pub nav: f64,
    /// Total value to paid-in: (distributed + nav) / paid_in.
    pub tvpi: f64,
    /// Distributed to paid-in (the realised part): distributed / paid_in.
    pub dpi: f64,
    /// Residual value to paid-in (the unrealised part): nav / paid_in.
    pub rvpi: f64,
    /// Multiple on invested capital. For an LP's view of a fund the invested capital is the
    /// paid-in capital, so this equals `tvpi`; for one holding use [`moic`].
    pub moic: f64,
}

/// TVPI, DPI, RVPI and MOIC from the flows and the NAV; `None` when nothing was paid in,
/// or so little that a multiple would not be a finite number.
/// Flows are taken as given, so pass only those on or before the NAV date.
pub fn multiples(flows: &[CashFlow], nav: f64) -> Option<Multiples> {
    let paid_in: f64 = flows.iter().filter(|f| f.1 < 0.0).map(|f| -f.1).sum();
    let distributed: f64 = flows.iter().filter(|f| f.1 > 0.0).map(|f| f.1).sum();
    if paid_in == 0.0 {
        return None;
    }
    let tvpi = (distributed + nav) / paid_in;
    let m = Multiples { paid_in, distributed, nav, tvpi, dpi: distributed / paid_in, rvpi: nav / paid_in, moic: tvpi };
    // An import accepts any amount up to ten trillion, 1e-300 too: a call that small under
    // a real distribution overflowed DPI to infinity, which the fund page showed as "inf"
    // and the JSON as null (found by fuzzing, fuzz/regressions/returns).
    [m.tvpi, m.dpi, m.rvpi].iter().all(|x| x.is_finite()).then_some(m)
}

/// Multiple on invested capital of a single holding: (realized + unrealized) / invested;
/// `None` unless `invested` is positive and the multiple finite (see [`multiples`]).
pub fn moic(invested: f64, realized: f64, unrealized: f64) -> Option<f64> {
    (invested > 0.0).then(|| (realized + unrealized) / invested).filter(|m| m.is_finite())
}

/// Why a PME cannot be computed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum PmeError {
    /// No contributions, so there is nothing to compare the index against.
    NoContributions,
    /// The index has no observation on or before this date (a flow's or the NAV's).
    NoIndexAt(NaiveDate),
    /// The index level used for this date is zero, negative or not a number.
    BadIndexLevel(NaiveDate),
    /// The index moved so far between a flow and the NAV date (levels many orders of
    /// magnitude apart) that the grown flows are not finite numbers.
    OutOfRange,
}

impl fmt::Display for PmeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PmeError::NoContributions => f.write_str("no PME: the fund has no contributions"),
            PmeError::NoIndexAt(d) => {
                write!(f, "no PME: the index has no level on or before {d}")
            }
            PmeError::BadIndexLevel(d) => {
                write!(f, "no PME: the index level for {d} is not a positive number")
            }
            PmeError::OutOfRange => f.write_str("no PME: the index levels are too far apart to grow the flows by"),
        }
    }
}

impl std::error::Error for PmeError {}

/// Kaplan–Schoar public market equivalent: every flow is grown by the index from its date to
/// the NAV date T, then (distributions + NAV) / contributions. Above 1.0 the fund beat the
/// index. The index level at a date is the latest observation on or before it, because
/// flows land on weekends and holidays when the index is not published.
pub fn ks_pme(flows: &[CashFlow], nav: CashFlow, index: &[CashFlow]) -> Result<f64, PmeError> {
    let mut index = index.to_vec();
    // Stable, so of two observations on one date the later one in the input wins.
    index.sort_by_key(|&(d, _)| d);
    let level = |t: NaiveDate| -> Result<f64, PmeError> {
        let i = index.partition_point(|&(d, _)| d <= t);
        if i == 0 {
            return Err(PmeError::NoIndexAt(t));
        }
        let v = index[i - 1].1;
        if v.is_finite() && v > 0.0 {
            Ok(v)
        } else {
            Err(PmeError::BadIndexLevel(t))
        }
    };

    let (nav_date, nav_value) = nav;
    let i_t = level(nav_date)?;
    let mut grown_in = 0.0;
    let mut grown_out = 0.0;
    for &(d, cf) in flows {
        if cf == 0.0 {
            continue;
        }
        let growth = i_t / level(d)?;
        if cf < 0.0 {
            grown_in += -cf * growth;
        } else {
            grown_out += cf * growth;
        }
    }
    if grown_in == 0.0 {
        return Err(PmeError::NoContributions);
    }
    // Levels are whatever positive numbers the source gave: one near zero (1e-300) beside
    // a normal one overflowed the growth factor, and the PME came out inf, NaN, or 0 over
    // an infinite paid-in (found by fuzzing, fuzz/regressions/returns).
    let pme = (grown_out + nav_value) / grown_in;
    if grown_in.is_finite() && pme.is_finite() {
        Ok(pme)
    } else {
        Err(PmeError::OutOfRange)
    }
}

/// Everything a fund page shows about returns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FundReturns {
    pub irr: Result<f64, IrrError>,
    pub multiples: Option<Multiples>,
    /// `None` when no index was given.
    pub pme: Option<Result<f64, PmeError>>,
}

/// IRR, multiples and (with an index) KS-PME of a fund. The IRR counts the NAV as if it were
/// distributed on the NAV date, the usual since-inception IRR of a fund still holding assets;
/// without that, a young fund's IRR would be near -100%.
pub fn fund_returns(flows: &[CashFlow], nav: CashFlow, index: Option<&[CashFlow]>) -> FundReturns {
    let mut with_nav = flows.to_vec();
    with_nav.push(nav);
    FundReturns {
        irr: xirr(&with_nav),
        multiples: multiples(flows, nav.1),
        pme: index.map(|ix| ks_pme(flows, nav, ix)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Months;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn close(actual: f64, expected: f64, rel: f64) {
        let tol = rel * expected.abs().max(1.0);
        assert!((actual - expected).abs() <= tol, "{actual} differs from {expected} by more than {tol}");
    }

    fn excel_example() -> Vec<CashFlow> {
        vec![
            (d(2008, 1, 1), -10000.0),
            (d(2008, 3, 1), 2750.0),
            (d(2008, 10, 30), 4250.0),
            (d(2009, 2, 15), 3250.0),
            (d(2009, 4, 1), 2750.0),
        ]
    }

    // The fixtures below mirror fund_a/fund_b/fund_c/index_series in
    // tests/fixtures/venture/returns_reference.py; the expected values are what that script
    // printed under scipy 1.17.1, numpy 2.4.6 (Python 3.11). The paid-in and distributed
    // totals are asserted too, so a fixture drifting from the script fails loudly.
    fn fund_a() -> (Vec<CashFlow>, CashFlow) {
        let start = d(2014, 1, 15);
        let q = |k: u32| start.checked_add_months(Months::new(3 * k)).unwrap();
        let mut flows: Vec<CashFlow> = (0..16).map(|k| (q(k), -(1_000_000.0 + 50_000.0 * k as f64))).collect();
        flows.extend((12..40).map(|k| (q(k), 300_000.0 + 40_000.0 * (k - 12) as f64)));
        (flows, (q(40), 4_000_000.0))
    }

    fn fund_b() -> (Vec<CashFlow>, CashFlow) {
        let flows = vec![
            (d(2015, 3, 10), -5_000_000.0),
            (d(2015, 11, 23), -3_000_000.0),
            (d(2016, 7, 1), -2_000_000.0),
            (d(2018, 2, 14), 1_200_000.0),
            (d(2019, 9, 30), 800_000.0),
            (d(2021, 6, 15), 1_500_000.0),
        ];
        (flows, (d(2023, 12, 31), 3_000_000.0))
    }

    fn fund_c() -> (Vec<CashFlow>, CashFlow) {
        let flows = vec![(d(2020, 1, 1), -1_000_000.0), (d(2020, 6, 30), -500_000.0), (d(2021, 3, 31), 4_000_000.0)];
        (flows, (d(2021, 12, 31), 500_000.0))
    }

    fn index_series() -> Vec<CashFlow> {
        let start = d(2013, 12, 1);
        (0..123u32)
            .map(|m| {
                let level = 100.0 * 1.006f64.powi(m as i32) * (1.0 + 0.05 * (m as f64 / 5.0).sin());
                (start.checked_add_months(Months::new(m)).unwrap(), level)
            })
            .collect()
    }

    struct Reference {
        irr: f64,
        paid_in: f64,
        distributed: f64,
        tvpi: f64,
        dpi: f64,
        rvpi: f64,
        pme: f64,
    }

    fn check_against_script(fund: (Vec<CashFlow>, CashFlow), r: Reference) {
        let (flows, nav) = fund;
        let index = index_series();
        let out = fund_returns(&flows, nav, Some(&index));
        close(out.irr.clone().unwrap(), r.irr, 1e-6);
        let m = out.multiples.unwrap();
        close(m.paid_in, r.paid_in, 1e-12);
        close(m.distributed, r.distributed, 1e-12);
        close(m.tvpi, r.tvpi, 1e-9);
        close(m.dpi, r.dpi, 1e-9);
        close(m.rvpi, r.rvpi, 1e-9);
        close(m.moic, r.tvpi, 1e-9);
        close(out.pme.unwrap().unwrap(), r.pme, 1e-6);
    }

    #[test]
    fn xirr_matches_excel_documented_example() {
        // Microsoft's XIRR help page example; Excel returns 0.373362535 (37.34%).
        // The reference script's brentq gives 0.37336253351883125.
        close(xirr(&excel_example()).unwrap(), 0.373362535, 1e-6);
        close(xirr(&excel_example()).unwrap(), 0.37336253351883125, 1e-9);
    }

    #[test]
    fn xirr_ignores_input_order() {
        let sorted = xirr(&excel_example()).unwrap();
        let mut shuffled = excel_example();
        shuffled.swap(0, 3);
        shuffled.swap(1, 4);
        assert_ne!(shuffled[0].0, d(2008, 1, 1));
        assert_eq!(xirr(&shuffled).unwrap(), sorted);
    }

    #[test]
    fn ten_year_quarterly_fund_matches_script() {
        check_against_script(
            fund_a(),
            Reference {
                irr: 0.04197193180152402,
                paid_in: 22_000_000.0,
                distributed: 23_520_000.0,
                tvpi: 1.250909090909091,
                dpi: 1.069090909090909,
                rvpi: 0.18181818181818182,
                pme: 0.8627233311911153,
            },
        );
    }

    #[test]
    fn losing_fund_with_irregular_dates_matches_script() {
        check_against_script(
            fund_b(),
            Reference {
                irr: -0.06597384447762694,
                paid_in: 10_000_000.0,
                distributed: 3_500_000.0,
                tvpi: 0.65,
                dpi: 0.35,
                rvpi: 0.3,
                pme: 0.4311919670342651,
            },
        );
    }

    #[test]
    fn short_high_return_deal_matches_script() {
        check_against_script(
            fund_c(),
            Reference {
                irr: 1.5630462698293992,
                paid_in: 1_500_000.0,
                distributed: 4_000_000.0,
                tvpi: 3.0,
                dpi: 2.6666666666666665,
                rvpi: 0.3333333333333333,
                pme: 2.9858421505254142,
            },
        );
    }

    #[test]
    fn fund_irr_counts_nav_as_final_flow() {
        let (flows, nav) = fund_b();
        let mut with_nav = flows.clone();
        with_nav.push(nav);
        assert_eq!(fund_returns(&flows, nav, None).irr, xirr(&with_nav));
        assert_ne!(xirr(&flows), xirr(&with_nav));
        assert_eq!(fund_returns(&flows, nav, None).pme, None);
    }

    #[test]
    fn two_irrs_are_both_reported() {
        // 365-day years (no 29 February): 132v^2 - 230v + 100 = 0 gives v = 240/264 or
        // 220/264, i.e. r = 10% or 20%; the script's brentq finds 0.1000000000000002 and
        // 0.2000000000000013.
        let flows = [(d(2021, 1, 1), -100.0), (d(2022, 1, 1), 230.0), (d(2023, 1, 1), -132.0)];
        match xirr(&flows) {
            Err(IrrError::MultipleRoots(roots)) => {
                assert_eq!(roots.len(), 2, "{roots:?}");
                close(roots[0], 0.10, 1e-6);
                close(roots[1], 0.20, 1e-6);
                assert_eq!(IrrError::MultipleRoots(roots).to_string(), "several IRRs: 10.00%, 20.00%");
            }
            other => panic!("expected two roots, got {other:?}"),
        }
    }

    #[test]
    fn one_signed_or_too_few_flows_have_no_irr() {
        let all_negative = [(d(2020, 1, 1), -100.0), (d(2021, 1, 1), -50.0)];
        assert_eq!(xirr(&all_negative), Err(IrrError::NoSignChange));
        assert_eq!(xirr(&[(d(2020, 1, 1), 100.0)]), Err(IrrError::NoSignChange));
        assert_eq!(xirr(&[]), Err(IrrError::NoSignChange));
        assert_eq!(IrrError::NoSignChange.to_string(), "no IRR: every cash flow has the same sign");
    }

    #[test]
    fn sign_changes_without_a_real_root_are_no_root() {
        // 100 - 200v + 150v^2 has discriminant 40000 - 60000 < 0: positive for every v.
        let flows = [(d(2021, 1, 1), 100.0), (d(2022, 1, 1), -200.0), (d(2023, 1, 1), 150.0)];
        assert_eq!(xirr(&flows), Err(IrrError::NoRoot));
    }

    #[test]
    fn extreme_horizons_do_not_poison_the_search() {
        // A century-long series overflows the discount factor near -100%; those grid points
        // are skipped and the ordinary root is still found: 100 * 1.05^100 back after 100y
        // (36,524 days here, so the act/365 rate is a hair under 5%).
        let flows = [(d(1920, 1, 1), -100.0), (d(2020, 1, 1), 100.0 * 1.05f64.powi(100))];
        let years = (d(2020, 1, 1) - d(1920, 1, 1)).num_days() as f64 / 365.0;
        let expected = 1.05f64.powf(100.0 / years) - 1.0;
        close(xirr(&flows).unwrap(), expected, 1e-9);
    }

    #[test]
    fn multiples_hand_worked() {
        // Paid in 100 + 50 = 150, distributed 30 + 60 = 90, NAV 120:
        // TVPI (90 + 120) / 150 = 1.4, DPI 90 / 150 = 0.6, RVPI 120 / 150 = 0.8.
        // The reference script prints the same.
        let flows = [(d(2020, 1, 1), -100.0), (d(2020, 7, 1), -50.0), (d(2021, 1, 1), 30.0), (d(2022, 1, 1), 60.0)];
        let m = multiples(&flows, 120.0).unwrap();
        assert_eq!((m.paid_in, m.distributed, m.nav), (150.0, 90.0, 120.0));
        close(m.tvpi, 1.4, 1e-12);
        close(m.dpi, 0.6, 1e-12);
        close(m.rvpi, 0.8, 1e-12);
        assert_eq!(m.moic, m.tvpi);
        assert_eq!(multiples(&[(d(2020, 1, 1), 10.0)], 5.0), None);
    }

    #[test]
    fn single_holding_moic() {
        // 2.0m in, 0.5m sold, 3.5m still held: (0.5 + 3.5) / 2.0 = 2.0x.
        assert_eq!(moic(2.0, 0.5, 3.5), Some(2.0));
        assert_eq!(moic(0.0, 1.0, 1.0), None);
    }

    #[test]
    fn an_index_that_overflows_the_growth_has_no_pme() {
        // The fuzzer's kind of index: a level of 1e-300 at the call, 1e10 at the NAV date.
        let flows = [(d(2020, 1, 1), -100.0), (d(2021, 1, 1), 50.0)];
        let index = [(d(2020, 1, 1), 1e-300), (d(2021, 1, 1), 1e10)];
        assert_eq!(ks_pme(&flows, (d(2021, 1, 1), 80.0), &index), Err(PmeError::OutOfRange));
        assert!(ks_pme(&flows, (d(2021, 1, 1), 80.0), &[(d(2020, 1, 1), 1e-3), (d(2021, 1, 1), 1e3)]).is_ok());
    }

    #[test]
    fn a_paid_in_too_small_to_divide_by_has_no_multiples() {
        // The fuzzer's input: a call of 1e-300 dollars (the import takes it) under a
        // distribution of ten trillion. DPI would be 1e313, past f64: no multiple, not inf.
        let flows = [(d(2020, 1, 1), -1e-300), (d(2021, 1, 1), 1e13)];
        assert_eq!(multiples(&flows, 0.0), None);
        assert_eq!(moic(1e-300, 1e13, 0.0), None);
        // A small but sane paid-in still has them.
        assert_eq!(multiples(&[(d(2020, 1, 1), -0.01), (d(2021, 1, 1), 1e13)], 0.0).map(|m| m.dpi), Some(1e15));
    }

    #[test]
    fn pme_hand_worked_with_index_doubling() {
        // Index 100 -> 150 -> 200 (doubles). Contributions 100 at 100 and 50 at 150 grow to
        // 100*200/100 + 50*200/150 = 200 + 66.67 = 800/3. The distribution 120 at 150 grows to
        // 120*200/150 = 160, plus NAV 180: 340. PME = 340 / (800/3) = 1.275.
        let index = [(d(2020, 1, 1), 100.0), (d(2021, 1, 1), 150.0), (d(2022, 1, 1), 200.0)];
        let flows = [(d(2020, 1, 1), -100.0), (d(2021, 1, 1), -50.0), (d(2021, 1, 1), 120.0)];
        close(ks_pme(&flows, (d(2022, 1, 1), 180.0), &index).unwrap(), 1.275, 1e-12);
    }

    #[test]
    fn pme_is_one_when_fund_tracks_index() {
        // Buy 100/100 + 50/125 = 1.4 units, sell 60/150 = 0.4 units, 1.0 unit left worth 180.
        let index = [(d(2019, 1, 1), 100.0), (d(2020, 1, 1), 125.0), (d(2021, 1, 1), 150.0), (d(2022, 1, 1), 180.0)];
        let flows = [(d(2019, 1, 1), -100.0), (d(2020, 1, 1), -50.0), (d(2021, 1, 1), 60.0)];
        let pme = ks_pme(&flows, (d(2022, 1, 1), 180.0), &index).unwrap();
        assert!((pme - 1.0).abs() <= 1e-9, "{pme}");
    }

    #[test]
    fn pme_uses_latest_index_on_or_before_each_date() {
        // Given unsorted on purpose. The call on 15 September uses the 1 July level (120);
        // the NAV on 1 March 2021 uses the 1 January 2021 level (150).
        // PME = (30*150/120 + 100) / (100*150/120) = 137.5 / 125 = 1.1.
        let index = [(d(2021, 1, 1), 150.0), (d(2020, 1, 1), 100.0), (d(2020, 7, 1), 120.0)];
        let flows = [(d(2020, 9, 15), -100.0), (d(2020, 12, 31), 30.0)];
        close(ks_pme(&flows, (d(2021, 3, 1), 100.0), &index).unwrap(), 1.1, 1e-12);

        let early = [(d(2019, 12, 31), -100.0), (d(2020, 12, 31), 30.0)];
        assert_eq!(ks_pme(&early, (d(2021, 3, 1), 100.0), &index), Err(PmeError::NoIndexAt(d(2019, 12, 31))));
        assert_eq!(ks_pme(&flows, (d(2019, 6, 1), 100.0), &index), Err(PmeError::NoIndexAt(d(2019, 6, 1))));
    }

    #[test]
    fn pme_needs_contributions() {
        let index = [(d(2020, 1, 1), 100.0)];
        let flows = [(d(2020, 6, 1), 30.0)];
        assert_eq!(ks_pme(&flows, (d(2021, 1, 1), 10.0), &index), Err(PmeError::NoContributions));
    }
}
