//! Commodity prices from the factor model (`factors`): each instrument's log price reverts
//! toward an anchor, a rough outline of its real path since 2010 (a few waypoints a year at
//! most), and its daily shock is its loadings on the common factors plus its own noise,
//! scaled by its volatility and by the market's stress. Brent is WTI times a mean-reverting
//! spread held within 10 % of parity, as the two crudes are the same commodity in two
//! places. Monthly and annual instruments are averages of the same daily paths. Each
//! instrument's numbers (outline, volatility, loadings, real range) are its table in
//! `commodities.toml`, compiled in. Pure; no I/O.
use std::collections::BTreeMap;
use std::sync::LazyLock;

use chrono::NaiveDate;
use serde::Deserialize;

use super::factors::{outline_at, sample, year_fraction, Loadings, Market, Ou, TRADING_DAYS};
use super::rng::{seed, Rng};
use crate::universe::Frequency;

/// The widest a demo price may stray from its real range since 2010: a factor of 1.5
/// below its real low or above its real high.
pub const BAND: f64 = 1.5;

/// How one instrument behaves: a `[slug]` of `commodities.toml`, which says what each
/// field means.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// The table's key.
    #[serde(skip)]
    pub slug: String,
    /// Annualised volatility on calm days.
    pub vol: f64,
    /// Mean reversion toward the outline, per year.
    pub theta: f64,
    pub loadings: Loadings,
    /// The real price's range since 2010, roughly (low, high): a yardstick for plausibility.
    pub real_range: (f64, f64),
    /// Rough real levels, (year with fraction, level): the first is the early-2010 level,
    /// later ones mostly mid-year averages. The log price reverts toward this line.
    pub outline: Vec<(f64, f64)>,
}

impl Profile {
    /// The band a demo price must stay within: [`BAND`] around the real range.
    pub fn band(&self) -> (f64, f64) {
        (self.real_range.0 / BAND, self.real_range.1 * BAND)
    }
}

/// Every instrument of the built-in universe, by slug, as `commodities.toml` (compiled in)
/// describes it.
pub static PROFILES: LazyLock<BTreeMap<String, Profile>> = LazyLock::new(|| {
    let mut profiles: BTreeMap<String, Profile> =
        toml::from_str(include_str!("commodities.toml")).expect("demo/commodities.toml is valid (its tests read it)");
    for (slug, p) in &mut profiles {
        p.slug.clone_from(slug);
    }
    profiles
});

/// A slug the built-in universe does not know (a universe file of one's own): a flat
/// level of 100 moving modestly with growth.
static UNKNOWN: LazyLock<Profile> = LazyLock::new(|| Profile {
    slug: String::new(),
    vol: 0.25,
    theta: 1.0,
    loadings: Loadings { growth: 0.30, ..Loadings::default() },
    real_range: (50.0, 200.0),
    outline: vec![(2010.0, 100.0)],
});

pub fn profile(slug: &str) -> &'static Profile {
    PROFILES.get(slug).unwrap_or(&UNKNOWN)
}

/// Brent over WTI: 1.035 ± 0.055, so within 10 % of parity by construction (the tanh of a
/// mean-reverting process), its premium drifting over months as the real one does.
const SPREAD_MID: f64 = 1.035;
const SPREAD_HALF_WIDTH: f64 = 0.055;
const SPREAD_THETA: f64 = 3.0;
const SPREAD_SIGMA: f64 = 2.0;

/// The daily path (business days from the epoch, unrounded) of an instrument.
pub fn daily_path(market: &Market, slug: &str) -> Vec<(NaiveDate, f64)> {
    if slug == "brent" {
        let mut rng = Rng(seed("brent"));
        let ou = Ou::new(SPREAD_THETA, SPREAD_SIGMA, 1.0 / TRADING_DAYS);
        let mut u = 0.0;
        return daily_path(market, "wti")
            .into_iter()
            .map(|(d, wti)| {
                u = ou.step(u, rng.normal());
                (d, wti * (SPREAD_MID + SPREAD_HALF_WIDTH * u.tanh()))
            })
            .collect();
    }
    let p = profile(slug);
    let mut rng = Rng(seed(slug));
    let ou = Ou::new(p.theta, p.vol, 1.0 / TRADING_DAYS);
    let mut y = 0.0;
    market
        .dates
        .iter()
        .enumerate()
        .map(|(i, d)| {
            y = ou.step(y, market.shock(i, &p.loadings, rng.normal()));
            (*d, outline_at(&p.outline, year_fraction(*d)) * y.exp())
        })
        .collect()
}

/// The demo history of one instrument up to `end` (inclusive) at its frequency: business
/// days, Wednesdays, or the averages of complete months or years (see `factors::sample`).
pub fn generate(slug: &str, frequency: Frequency, end: NaiveDate) -> Vec<(NaiveDate, f64)> {
    let market = Market::until(end);
    sample(&daily_path(&market, slug), frequency, end).into_iter().map(|(d, v)| (d, round_to_cents(v))).collect()
}

pub(crate) fn round_to_cents(v: f64) -> f64 {
    if v >= 1.0 {
        (v * 100.0).round() / 100.0
    } else {
        (v * 10_000.0).round() / 10_000.0
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Datelike, Weekday};

    use super::*;
    use crate::demo::factors::{business_days, Factor};
    use crate::demo::macro_series;
    use crate::demo::stats::{correlation, log_returns, return_correlation, FREQUENCIES};

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// A Saturday, so the last business day and the last complete month both differ from it.
    const END: &str = "2026-11-28";
    /// Five years of random crises past the last real one.
    const FAR: &str = "2031-06-30";

    fn daily(slug: &str) -> Vec<(NaiveDate, f64)> {
        generate(slug, Frequency::Daily, d(END))
    }

    #[test]
    fn history_is_deterministic_and_a_later_end_date_only_appends() {
        for (slug, f) in [
            ("gold", Frequency::Daily),
            ("brent", Frequency::Daily),
            ("copper", Frequency::Monthly),
            ("lithium", Frequency::Annual),
        ] {
            let a = generate(slug, f, d("2026-11-27"));
            assert_eq!(a, generate(slug, f, d("2026-11-27")), "{slug}");
            let b = generate(slug, f, d("2027-02-03"));
            assert!(b.len() > a.len() || f == Frequency::Annual, "{slug}");
            assert_eq!(&b[..a.len()], &a[..], "{slug}: a later end date only appends");
        }
        assert_ne!(daily("gold"), daily("silver"));
    }

    #[test]
    fn frequencies_give_business_days_months_and_years_covering_ten_years() {
        let end = d(END);
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
    fn monthly_and_annual_instruments_are_averages_of_the_same_daily_paths_never_daily_rows() {
        let market = Market::until(d(END));
        for (slug, f) in FREQUENCIES.iter().filter(|(_, f)| *f != Frequency::Daily) {
            let path = daily_path(&market, slug);
            let rows = generate(slug, *f, d(END));
            for (date, value) in &rows {
                let within: Vec<f64> = path
                    .iter()
                    .filter(|(x, _)| x.year() == date.year() && (*f == Frequency::Annual || x.month() == date.month()))
                    .map(|(_, v)| *v)
                    .collect();
                assert!(within.len() >= 19, "{slug} {date}: a whole period of days");
                let mean = within.iter().sum::<f64>() / within.len() as f64;
                assert_eq!(*value, round_to_cents(mean), "{slug} {date}");
            }
            let periods = match f {
                Frequency::Monthly => (2026 - 2010) * 12 + 10,
                _ => 2026 - 2010,
            };
            assert_eq!(rows.len(), periods, "{slug}: one row per complete period");
        }
    }

    #[test]
    fn every_instrument_of_the_universe_has_a_profile_and_its_frequency_is_known() {
        let universe = crate::universe::parse_universe("builtin", crate::universe::BUILTIN_UNIVERSE).unwrap();
        assert_eq!(universe.instruments.len(), PROFILES.len(), "commodities.toml: one table per instrument");
        for inst in &universe.instruments {
            assert_eq!(profile(&inst.slug).slug, inst.slug);
            assert!(FREQUENCIES.contains(&(inst.slug.as_str(), inst.frequency)), "{}", inst.slug);
        }
    }

    #[test]
    fn every_series_keeps_room_for_its_own_noise() {
        for p in PROFILES.values() {
            assert!(p.loadings.explained() < 0.97, "{}: {}", p.slug, p.loadings.explained());
            assert!(p.real_range.0 < p.real_range.1 && p.outline.windows(2).all(|w| w[0].0 < w[1].0), "{}", p.slug);
        }
    }

    #[test]
    fn every_instrument_starts_near_its_real_2010_level_and_stays_within_its_band() {
        for end in [END, FAR] {
            let market = Market::until(d(end));
            for (slug, f) in FREQUENCIES {
                let p = profile(slug);
                let (low, high) = p.band();
                let path = daily_path(&market, slug);
                // The outline's first point is the instrument's real early-2010 level.
                let start = if slug == "brent" { profile("wti").outline[0].1 } else { p.outline[0].1 };
                assert!((path[0].1 / start - 1.0).abs() < 0.10, "{slug} starts at {} for {start}", path[0].1);
                for (date, v) in generate(slug, f, d(end)) {
                    assert!(v.is_finite() && (low..=high).contains(&v), "{slug} on {date}: {v} outside {low}..{high}");
                }
                // A daily path may stray further than its averages, but not 10x.
                for (date, v) in &path {
                    assert!(*v > p.real_range.0 / 3.0 && *v < p.real_range.1 * 3.0, "{slug} on {date}: {v}");
                }
            }
        }
    }

    #[test]
    fn wti_and_brent_correlate_at_least_0_9_and_brent_stays_within_10_percent_of_wti() {
        let (wti, brent) = (daily("wti"), daily("brent"));
        assert_eq!(wti.len(), brent.len());
        let r = return_correlation(&wti, &brent);
        assert!(r >= 0.9, "WTI/Brent {r}");
        for ((dw, w), (db, b)) in wti.iter().zip(&brent) {
            assert_eq!(dw, db);
            assert!((b / w - 1.0).abs() < 0.10, "{dw}: Brent {b} against WTI {w}");
        }
        // The spread moves: Brent is not WTI times a constant.
        let ratios: Vec<f64> = wti.iter().zip(&brent).map(|(w, b)| b.1 / w.1).collect();
        let (lo, hi) = ratios.iter().fold((f64::MAX, f64::MIN), |(l, h), x| (l.min(*x), h.max(*x)));
        assert!(hi - lo > 0.04, "{lo}..{hi}");
        assert!(r < 0.999);
    }

    #[test]
    fn henry_hub_is_its_own_series_weakly_tied_to_crude() {
        let r = return_correlation(&daily("wti"), &daily("henry-hub"));
        assert!(r > 0.0 && r < 0.4, "WTI/Henry Hub {r}");
    }

    #[test]
    fn gold_and_silver_correlate_at_least_0_6_and_the_dollar_moves_against_gold() {
        let gold = daily("gold");
        let r = return_correlation(&gold, &daily("silver"));
        assert!(r >= 0.6, "gold/silver {r}");
        let dollar = macro_series::generate("dtwexbgs", Frequency::Daily, d(END)).unwrap();
        let r = return_correlation(&dollar, &gold);
        assert!(r <= -0.2, "dollar/gold {r}");
    }

    #[test]
    fn platinum_palladium_copper_and_nickel_move_with_growth_and_with_each_other() {
        for slug in ["platinum", "palladium", "copper", "nickel"] {
            assert!(profile(slug).loadings.growth > 0.0, "{slug}");
        }
        let r = return_correlation(&daily("platinum"), &daily("palladium"));
        assert!(r > 0.2, "platinum/palladium {r}");
        // Copper and nickel are monthly: their daily paths, and the monthly rows as stored.
        let market = Market::until(d(END));
        let (cu, ni) = (daily_path(&market, "copper"), daily_path(&market, "nickel"));
        let r = return_correlation(&cu, &ni);
        assert!(r > 0.2, "copper/nickel daily {r}");
        let r = return_correlation(
            &generate("copper", Frequency::Monthly, d(END)),
            &generate("nickel", Frequency::Monthly, d(END)),
        );
        assert!(r > 0.0, "copper/nickel monthly {r}");
        // Each one's daily returns rise with the growth factor's draws.
        let growth: Vec<f64> = market.factors.iter().skip(1).map(|f| f[Factor::Growth as usize]).collect();
        for slug in ["platinum", "palladium", "copper", "nickel"] {
            let returns: Vec<f64> = log_returns(&daily_path(&market, slug)).into_iter().map(|(_, r)| r).collect();
            let r = correlation(&returns, &growth);
            assert!(r > 0.2, "{slug} against growth: {r}");
        }
        assert_eq!(business_days(d(END)).count(), market.dates.len());
    }
}
