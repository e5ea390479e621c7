//! Demo histories of the macro series: each one follows a rough outline of its real path
//! since 2010 (a few hand-set waypoints, straight lines between them) with noise of its own
//! kind on top, so a demo chart pack looks like the real one: the balance sheet near
//! 7 million million, fed funds between 0 and 5.5 %, VIX in its teens with spikes, CPI
//! rising a few percent a year.
//!
//! The series that are markets (the S&P 500, the dollar, the 10-year yields, the
//! high-yield spread, VIX and the commodity index) take their noise from the factor model
//! (`factors`) that moves the commodities, and their spikes from its stress: VIX and the
//! spread jump on the same risk-off days the S&P 500 falls, and the dollar moves against
//! gold. The policy-set and balance-sheet series (fed funds, the Fed's assets, the
//! Treasury's account, reverse repo, CPI) keep noise of their own.
//!
//! Deterministic like the commodities: a value depends only on the slug and the date, and
//! a later end date only appends. Pure; no I/O.
use std::collections::HashMap;
use std::sync::LazyLock;

use chrono::NaiveDate;

use super::factors::{demo_dates, outline_at, sample, year_fraction, Loadings, Market, Ou, TRADING_DAYS};
use super::rng::{seed, Rng};
use crate::universe::Frequency;

/// How a series moves around its outline.
#[derive(Debug, Clone, Copy)]
enum Noise {
    /// `outline + x`, with `x` mean-reverting (rate `theta` per year, volatility `sigma` per
    /// square-root year): for rates and spreads in percent.
    Additive { sigma: f64, theta: f64 },
    /// `outline * exp(x)`, the same `x`: for levels that scale (balances, indices).
    Multiplicative { sigma: f64, theta: f64 },
}

#[derive(Debug, Clone, Copy)]
struct Model {
    /// (year with fraction, level) in time order; flat before the first and after the last.
    /// The series' list in `macro_series.toml`.
    outline: &'static [(f64, f64)],
    noise: Noise,
    min: f64,
    max: f64,
    decimals: i32,
    /// Moved by the factor model rather than by noise of its own.
    market: Option<Tie>,
}

/// How a market series moves with the factor model: its noise is driven by the factors
/// through `loadings`, and stress adds `stress` times the market's stress level (in
/// percentage points for additive noise, in log terms for multiplicative noise). A
/// multiplicative series scales only its part above `floor`, so VIX's calm days cannot
/// sink below the real low while its spikes stay proportional.
///
/// A spiking series (`spikes`) bends its part above `floor` softly toward `max - floor`
/// instead of being cut there, so crises that pile up (March 2020) peak near the real
/// record rather than sitting flat on a bound for weeks.
#[derive(Debug, Clone, Copy)]
struct Tie {
    loadings: Loadings,
    stress: f64,
    floor: f64,
    spikes: bool,
}

const fn tie(loadings: Loadings, stress: f64, floor: f64) -> Option<Tie> {
    Some(Tie { loadings, stress, floor, spikes: false })
}

const fn spiky(loadings: Loadings, stress: f64, floor: f64) -> Option<Tie> {
    Some(Tie { loadings, stress, floor, spikes: true })
}

/// `x` unchanged while small against `cap`, approaching `cap` without reaching it.
fn soft_ceiling(x: f64, cap: f64) -> f64 {
    x / (1.0 + (x / cap).powi(4)).powf(0.25)
}

/// The outlines of the macro series, by slug, from `macro_series.toml` (compiled in).
static OUTLINES: LazyLock<HashMap<String, Vec<(f64, f64)>>> = LazyLock::new(|| {
    toml::from_str(include_str!("macro_series.toml")).expect("demo/macro_series.toml is valid (its tests read it)")
});

/// The model of a known macro series, by slug.
fn model(slug: &str) -> Option<Model> {
    use Noise::*;
    let outline = OUTLINES.get(slug)?.as_slice();
    let m = |noise, min, max, decimals| Model { outline, noise, min, max, decimals, market: None };
    Some(match slug {
        // Fed total assets, USD millions, Wednesday levels.
        "walcl" => m(Multiplicative { sigma: 0.01, theta: 4.0 }, 1_000_000.0, 10_000_000.0, 0),
        // Treasury General Account, USD millions, Wednesday levels.
        "wtregen" => m(Multiplicative { sigma: 0.25, theta: 12.0 }, 20_000.0, 2_000_000.0, 0),
        // Overnight reverse repo, USD billions.
        "rrpontsyd" => m(Multiplicative { sigma: 0.5, theta: 20.0 }, 0.0, 2_600.0, 3),
        // The trend only: its crashes come from the market's stress, on the same days as
        // VIX's spikes.
        "sp500" => Model {
            market: tie(Loadings { risk: 0.75, growth: 0.3, ..Loadings::default() }, -0.1, 0.0),
            ..m(Multiplicative { sigma: 0.15, theta: 3.0 }, 500.0, 10_000.0, 2)
        },
        // Effective fed funds, percent: the hiking and cutting cycles.
        "dff" => m(Additive { sigma: 0.05, theta: 50.0 }, 0.04, 5.5, 2),
        // CPI, index 1982-84=100, monthly.
        "cpiaucsl" => m(Additive { sigma: 0.3, theta: 6.0 }, 200.0, 400.0, 3),
        // Broad dollar, index Jan 2006=100: the dollar factor itself, a little stronger
        // under stress (where money hides).
        "dtwexbgs" => Model {
            market: tie(Loadings { dollar: 0.95, ..Loadings::default() }, 0.03, 0.0),
            ..m(Multiplicative { sigma: 0.05, theta: 4.0 }, 80.0, 140.0, 4)
        },
        // 10-year nominal yield, percent.
        "dgs10" => Model {
            market: tie(Loadings { rates: 0.9, ..Loadings::default() }, -0.1, 0.0),
            ..m(Additive { sigma: 0.35, theta: 8.0 }, 0.4, 5.5, 2)
        },
        // 10-year real yield (TIPS), percent: negative through 2012-13 and 2020-21.
        "dfii10" => Model {
            market: tie(Loadings { rates: 0.8, ..Loadings::default() }, 0.0, 0.0),
            ..m(Additive { sigma: 0.3, theta: 8.0 }, -1.3, 2.8, 2)
        },
        // High-yield option-adjusted spread, percent: the slow credit cycles in the outline,
        // the sudden widenings (March 2020) from stress.
        "bamlh0a0hym2" => Model {
            market: spiky(Loadings { risk: -0.6, growth: -0.2, ..Loadings::default() }, 0.45, 0.0),
            ..m(Multiplicative { sigma: 0.25, theta: 10.0 }, 2.5, 12.0, 2)
        },
        // VIX: a calm level (its real typical values year by year) with fast mean
        // reversion, moving against risk appetite, and spikes from stress: the part above
        // 8.5 is multiplied by e^noise and by 1 + 1.7 × stress, so one crisis takes a
        // calm 16 to the high 30s and March 2020's pile-up of crises near 80.
        "vixcls" => Model {
            market: spiky(Loadings { risk: -0.8, growth: -0.1, ..Loadings::default() }, 1.7, 8.5),
            ..m(Multiplicative { sigma: 1.0, theta: 8.0 }, 9.0, 85.0, 2)
        },
        // IMF all-commodity index, 2016=100, monthly: averages of a daily path that moves
        // with energy and growth, like the commodities it indexes.
        "pallfnfindexm" => Model {
            market: tie(Loadings { energy: 0.6, growth: 0.35, dollar: -0.1, ..Loadings::default() }, -0.05, 0.0),
            ..m(Multiplicative { sigma: 0.15, theta: 4.0 }, 50.0, 250.0, 3)
        },
        _ => return None,
    })
}

fn round(v: f64, decimals: i32) -> f64 {
    let f = 10f64.powi(decimals);
    (v * f).round() / f
}

/// The demo history of a known macro series up to `end` (inclusive), at the dates of its
/// frequency (business days, Wednesdays, first of the month); `None` for a slug without a
/// model of its own (the caller falls back to the commodity model). A market series is
/// sampled from its daily path (monthly averages for the commodity index).
pub fn generate(slug: &str, frequency: Frequency, end: NaiveDate) -> Option<Vec<(NaiveDate, f64)>> {
    let model = model(slug)?;
    if model.market.is_some() {
        let daily = daily_path(&Market::until(end), slug)?;
        return Some(sample(&daily, frequency, end).into_iter().map(|(d, v)| (d, round(v, model.decimals))).collect());
    }
    let mut rng = Rng(seed(slug));
    let (step, dates) = demo_dates(frequency, end);
    let ou = Ou::new(model.noise.theta(), model.noise.sigma(), step);
    let mut x = 0.0;
    let mut out = Vec::new();
    for d in dates {
        x = ou.step(x, rng.normal());
        let level = outline_at(model.outline, year_fraction(d));
        let v = match model.noise {
            Noise::Additive { .. } => level + x,
            Noise::Multiplicative { .. } => level * x.exp(),
        };
        out.push((d, round(v.clamp(model.min, model.max), model.decimals)));
    }
    Some(out)
}

/// The daily path (business days, unrounded, within the series' bounds) of a macro series
/// that the factor model moves; `None` for the others.
pub fn daily_path(market: &Market, slug: &str) -> Option<Vec<(NaiveDate, f64)>> {
    let model = model(slug)?;
    let tie = model.market?;
    let ou = Ou::new(model.noise.theta(), model.noise.sigma(), 1.0 / TRADING_DAYS);
    let mut rng = Rng(seed(slug));
    let mut x = 0.0;
    let path = market
        .dates
        .iter()
        .enumerate()
        .map(|(i, d)| {
            x = ou.step(x, market.shock(i, &tie.loadings, rng.normal()));
            let level = outline_at(model.outline, year_fraction(*d));
            let stress = tie.stress * market.stress[i];
            let v = match model.noise {
                Noise::Additive { .. } => level + x + stress,
                // Linear in stress: crises that pile up (March 2020) add, not compound.
                Noise::Multiplicative { .. } => {
                    let excess = (level - tie.floor) * x.exp() * (1.0 + stress).max(0.05);
                    tie.floor + if tie.spikes { soft_ceiling(excess, model.max - tie.floor) } else { excess }
                }
            };
            (*d, v.clamp(model.min, model.max))
        })
        .collect();
    Some(path)
}

impl Noise {
    fn sigma(self) -> f64 {
        match self {
            Noise::Additive { sigma, .. } | Noise::Multiplicative { sigma, .. } => sigma,
        }
    }

    fn theta(self) -> f64 {
        match self {
            Noise::Additive { theta, .. } | Noise::Multiplicative { theta, .. } => theta,
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Datelike, Weekday};

    use super::*;
    use crate::demo::stats::{correlation, log_returns};

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    const END: &str = "2026-11-28"; // a Saturday

    fn series(slug: &str, f: Frequency) -> Vec<(NaiveDate, f64)> {
        generate(slug, f, d(END)).unwrap()
    }

    fn values_between(points: &[(NaiveDate, f64)], from: &str, to: &str) -> Vec<f64> {
        points.iter().filter(|(x, _)| *x >= d(from) && *x <= d(to)).map(|(_, v)| *v).collect()
    }

    fn max(v: &[f64]) -> f64 {
        v.iter().copied().fold(f64::MIN, f64::max)
    }

    fn min(v: &[f64]) -> f64 {
        v.iter().copied().fold(f64::MAX, f64::min)
    }

    #[test]
    fn every_chart_pack_series_has_a_model_and_others_do_not() {
        // The pack's macro series (the rest of its series are instruments, generated by
        // `demo::commodities`).
        let universe = crate::universe::parse_universe("builtin", crate::universe::BUILTIN_UNIVERSE).unwrap();
        let macros: Vec<&str> = universe.macros.iter().map(|m| m.slug.as_str()).collect();
        let pack_macros: Vec<&str> =
            crate::charts::pack_service::PACK_SERIES.into_iter().filter(|s| macros.contains(s)).collect();
        assert_eq!(pack_macros.len(), 12, "{pack_macros:?}");
        for slug in &pack_macros {
            let outline = model(slug).expect(slug).outline;
            assert!(
                !outline.is_empty() && outline.windows(2).all(|w| w[0].0 < w[1].0),
                "{slug}: its outline in time order"
            );
        }
        // macro_series.toml holds the outlines of these and of nothing else.
        let mut outlined: Vec<&str> = OUTLINES.keys().map(String::as_str).collect();
        outlined.sort();
        let mut modelled = pack_macros.clone();
        modelled.sort();
        assert_eq!(outlined, modelled);
        assert!(generate("gold", Frequency::Daily, d(END)).is_none());
        for slug in ["sp500", "dtwexbgs", "dgs10", "dfii10", "bamlh0a0hym2", "vixcls", "pallfnfindexm"] {
            let tie = model(slug).unwrap().market.expect(slug);
            assert!(tie.loadings.explained() < 0.97, "{slug} keeps noise of its own");
        }
        for slug in ["walcl", "wtregen", "rrpontsyd", "dff", "cpiaucsl"] {
            assert!(model(slug).unwrap().market.is_none(), "{slug} is policy or accounting, not a market");
        }
    }

    #[test]
    fn histories_are_deterministic_and_a_later_end_only_appends() {
        for (slug, f) in
            [("vixcls", Frequency::Daily), ("walcl", Frequency::Weekly), ("pallfnfindexm", Frequency::Monthly)]
        {
            let a = generate(slug, f, d("2026-09-20")).unwrap();
            let b = series(slug, f);
            assert_eq!(a, generate(slug, f, d("2026-09-20")).unwrap(), "{slug}");
            assert!(b.len() > a.len());
            assert_eq!(&b[..a.len()], &a[..], "{slug}");
        }
        assert_ne!(series("dgs10", Frequency::Daily), series("dfii10", Frequency::Daily));
    }

    #[test]
    fn the_balance_sheet_is_weekly_on_wednesdays_at_its_real_size() {
        let walcl = series("walcl", Frequency::Weekly);
        assert!(walcl.iter().all(|(x, _)| x.weekday() == Weekday::Wed));
        assert_eq!(walcl.last().unwrap().0, d("2026-11-25"));
        let recent = values_between(&walcl, "2024-06-01", END);
        assert!(min(&recent) > 6_000_000.0 && max(&recent) < 8_000_000.0, "{:?}", (min(&recent), max(&recent)));
        let peak = max(&values_between(&walcl, "2022-01-01", "2022-12-31"));
        assert!((8_500_000.0..9_300_000.0).contains(&peak), "{peak}");
        assert!(walcl.iter().all(|(_, v)| v.fract() == 0.0), "whole USD millions");
    }

    #[test]
    fn rates_stay_in_their_ranges_and_follow_the_cycles() {
        let dff = series("dff", Frequency::Daily);
        assert!(dff.iter().all(|(_, v)| (0.0..=5.5).contains(v)));
        assert!(max(&values_between(&dff, "2021-01-01", "2021-12-31")) < 0.3, "zero bound in 2021");
        assert!(min(&values_between(&dff, "2023-09-01", "2024-06-30")) > 5.0, "5.33 % in 2023-24");
        let tips = series("dfii10", Frequency::Daily);
        assert!(max(&values_between(&tips, "2021-01-01", "2021-06-30")) < 0.0, "negative real yields");
        let ten = series("dgs10", Frequency::Daily);
        assert!(ten.iter().all(|(_, v)| (0.4..=5.5).contains(v)));
        // Nominal above real, as it has been throughout.
        let (n, r) = (values_between(&ten, "2025-01-01", END), values_between(&tips, "2025-01-01", END));
        assert!(n.iter().zip(&r).all(|(n, r)| n > r));
    }

    #[test]
    fn vix_mean_reverts_between_10_and_40_with_spikes_that_fade() {
        for end in [END, "2031-06-30"] {
            let vix = generate("vixcls", Frequency::Daily, d(end)).unwrap();
            let v: Vec<f64> = vix.iter().map(|(_, v)| *v).collect();
            assert!(v.iter().all(|x| *x > 9.0 && *x < 85.0), "inside the real record, never on a bound");
            let within = v.iter().filter(|x| (10.0..=40.0).contains(*x)).count() as f64 / v.len() as f64;
            assert!(within >= 0.95, "{within} of days between 10 and 40");
            let mean = v.iter().sum::<f64>() / v.len() as f64;
            assert!((14.0..22.0).contains(&mean), "mean {mean}");
            let mut sorted = v.clone();
            sorted.sort_by(f64::total_cmp);
            let median = sorted[sorted.len() / 2];
            assert!((12.0..20.0).contains(&median), "median {median}");
            assert!(max(&v) > 40.0, "spikes above 40 happen");
            let spikes: Vec<usize> = (1..v.len()).filter(|i| v[*i] > 30.0 && v[i - 1] <= 30.0).collect();
            assert!(spikes.len() >= 5, "{} spikes above 30", spikes.len());
            // Mean reversion: every spike above 30 is back within three months under 25, or
            // under 1.3 times the calm level where that is higher (after March 2020).
            let calm = model("vixcls").unwrap().outline;
            for i in spikes {
                let back = vix[i..].iter().position(|(x, v)| *v < 25f64.max(1.3 * outline_at(calm, year_fraction(*x))));
                assert!(back.is_some_and(|n| n <= 63), "the spike of {} lasts {back:?} days", vix[i].0);
            }
        }
        let vix = series("vixcls", Frequency::Daily);
        assert!(max(&values_between(&vix, "2020-02-15", "2020-05-31")) > 60.0, "the 2020 spike");
        assert!(max(&values_between(&vix, "2017-01-01", "2017-12-31")) < 20.0, "the calm of 2017");
    }

    #[test]
    fn vix_spikes_and_spread_widenings_come_on_risk_off_days() {
        let market = Market::until(d(END));
        let vix = series("vixcls", Frequency::Daily);
        let sp = series("sp500", Frequency::Daily);
        let hy = series("bamlh0a0hym2", Frequency::Daily);
        assert_eq!((vix.len(), sp.len()), (market.dates.len(), market.dates.len()));
        let (dv, ds, dh) = (log_returns(&vix), log_returns(&sp), log_returns(&hy));
        let jumps: Vec<usize> = (0..dv.len()).filter(|i| dv[*i].1 > 0.2f64.ln_1p()).collect();
        assert!(jumps.len() >= 10, "{} days VIX rose 20 %", jumps.len());
        let falling = jumps.iter().filter(|i| ds[**i].1 < 0.0).count();
        assert!(falling as f64 >= 0.9 * jumps.len() as f64, "{falling} of {} VIX jumps on a falling S&P", jumps.len());
        let r = |a: &[(NaiveDate, f64)], b: &[(NaiveDate, f64)]| {
            correlation(&a.iter().map(|x| x.1).collect::<Vec<_>>(), &b.iter().map(|x| x.1).collect::<Vec<_>>())
        };
        assert!(r(&dv, &ds) <= -0.5, "VIX/S&P {}", r(&dv, &ds));
        assert!(r(&dh, &ds) < -0.3, "spread/S&P {}", r(&dh, &ds));
        // On each of the factor model's crisis days VIX and the spread jump and the S&P falls.
        let mut crises = 0;
        for (i, c) in market.crisis.iter().enumerate().skip(1) {
            if *c > 0.0 {
                crises += 1;
                let (date, k) = (market.dates[i], i - 1);
                assert!(dv[k].1 > 0.1 && dh[k].1 > 0.0 && ds[k].1 < -0.01, "{date}: {:?}", (dv[k], dh[k], ds[k]));
            }
        }
        assert!(crises >= 15, "{crises}");
    }

    #[test]
    fn cpi_is_monthly_and_rises_a_few_percent_a_year() {
        let cpi = series("cpiaucsl", Frequency::Monthly);
        assert!(cpi.iter().all(|(x, _)| x.day() == 1));
        assert_eq!(cpi.last().unwrap().0, d("2026-10-01"));
        let yoy: Vec<f64> = cpi.windows(13).map(|w| (w[12].1 / w[0].1 - 1.0) * 100.0).collect();
        let (first, last) = (cpi[0].1, cpi.last().unwrap().1);
        let years = cpi.len() as f64 / 12.0;
        let average = ((last / first).powf(1.0 / years) - 1.0) * 100.0;
        assert!((2.0..4.0).contains(&average), "{average}");
        assert!(max(&yoy) > 6.0 && max(&yoy) < 10.0, "the 2022 surge: {}", max(&yoy));
    }

    #[test]
    fn levels_are_plausible() {
        let sp = series("sp500", Frequency::Daily);
        let recent = values_between(&sp, "2024-01-01", END);
        assert!(min(&recent) > 3_000.0 && max(&recent) < 9_000.0);
        let rrp = series("rrpontsyd", Frequency::Daily);
        assert!(rrp.iter().all(|(_, v)| (0.0..=2_600.0).contains(v)));
        assert!(max(&values_between(&rrp, "2022-06-01", "2023-03-31")) > 1_500.0, "the 2022 RRP peak");
        for (slug, f, lo, hi) in [
            ("wtregen", Frequency::Weekly, 20_000.0, 2_000_000.0),
            ("dtwexbgs", Frequency::Daily, 80.0, 140.0),
            ("bamlh0a0hym2", Frequency::Daily, 2.5, 12.0),
            ("pallfnfindexm", Frequency::Monthly, 50.0, 250.0),
        ] {
            assert!(series(slug, f).iter().all(|(_, v)| (lo..=hi).contains(v) && v.is_finite()), "{slug}");
        }
    }
}
