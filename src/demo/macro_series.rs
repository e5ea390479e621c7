//! Demo histories of the macro series: each one follows a rough outline of its real path
//! since 2010 (a few hand-set waypoints, straight lines between them) with noise of its own
//! kind on top, so a demo chart pack looks like the real one: the balance sheet near
//! 7 million million, fed funds between 0 and 5.5 %, VIX in its teens with spikes, CPI
//! rising a few percent a year. Deterministic like the commodity walk (`crate::demo`):
//! a value depends only on the slug and the date, and a later end date only appends.
//! Pure; no I/O.
use chrono::{Datelike, NaiveDate};

use super::prices::demo_dates;
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
    outline: &'static [(f64, f64)],
    noise: Noise,
    /// Jumps (in log terms) per year and their size range: VIX's spikes.
    jumps: Option<(f64, f64, f64)>,
    min: f64,
    max: f64,
    decimals: i32,
}

/// The model of a known macro series, by slug.
fn model(slug: &str) -> Option<Model> {
    use Noise::*;
    let m = |outline, noise, min, max, decimals| Model { outline, noise, jumps: None, min, max, decimals };
    Some(match slug {
        // Fed total assets, USD millions, Wednesday levels.
        "walcl" => m(
            &[
                (2010.0, 2_240_000.0),
                (2011.5, 2_870_000.0),
                (2013.0, 2_930_000.0),
                (2014.9, 4_500_000.0),
                (2017.8, 4_460_000.0),
                (2019.7, 3_760_000.0),
                (2020.2, 4_300_000.0),
                (2020.45, 7_100_000.0),
                (2021.0, 7_400_000.0),
                (2022.3, 8_960_000.0),
                (2023.15, 8_400_000.0),
                (2023.25, 8_730_000.0),
                (2024.0, 7_700_000.0),
                (2025.0, 6_850_000.0),
                (2025.9, 6_550_000.0),
                (2026.9, 6_600_000.0),
            ],
            Multiplicative { sigma: 0.01, theta: 4.0 },
            1_000_000.0,
            10_000_000.0,
            0,
        ),
        // Treasury General Account, USD millions, Wednesday levels.
        "wtregen" => m(
            &[
                (2010.0, 120_000.0),
                (2014.0, 150_000.0),
                (2016.0, 350_000.0),
                (2019.0, 380_000.0),
                (2020.3, 1_000_000.0),
                (2020.6, 1_700_000.0),
                (2021.5, 700_000.0),
                (2021.9, 200_000.0),
                (2022.4, 800_000.0),
                (2023.4, 50_000.0),
                (2023.9, 750_000.0),
                (2024.5, 750_000.0),
                (2025.5, 350_000.0),
                (2025.8, 850_000.0),
                (2026.9, 850_000.0),
            ],
            Multiplicative { sigma: 0.25, theta: 12.0 },
            20_000.0,
            2_000_000.0,
            0,
        ),
        // Overnight reverse repo, USD billions.
        "rrpontsyd" => m(
            &[
                (2010.0, 0.5),
                (2013.7, 10.0),
                (2014.9, 150.0),
                (2015.9, 200.0),
                (2016.5, 80.0),
                (2017.0, 200.0),
                (2018.5, 5.0),
                (2019.0, 1.0),
                (2021.2, 1.0),
                (2021.5, 800.0),
                (2021.9, 1_600.0),
                (2022.5, 2_200.0),
                (2023.0, 2_200.0),
                (2023.5, 1_900.0),
                (2024.0, 700.0),
                (2024.6, 300.0),
                (2025.0, 150.0),
                (2025.8, 20.0),
                (2026.9, 10.0),
            ],
            Multiplicative { sigma: 0.5, theta: 20.0 },
            0.0,
            2_600.0,
            3,
        ),
        "sp500" => m(
            &[
                (2010.0, 1_120.0),
                (2011.3, 1_350.0),
                (2011.7, 1_150.0),
                (2013.0, 1_450.0),
                (2014.0, 1_840.0),
                (2015.0, 2_050.0),
                (2016.1, 1_900.0),
                (2017.0, 2_270.0),
                (2018.0, 2_700.0),
                (2018.95, 2_480.0),
                (2019.95, 3_230.0),
                (2020.22, 2_300.0),
                (2020.95, 3_750.0),
                (2021.95, 4_770.0),
                (2022.8, 3_600.0),
                (2023.95, 4_770.0),
                (2024.95, 5_900.0),
                (2025.3, 5_000.0),
                (2025.9, 6_800.0),
                (2026.9, 7_000.0),
            ],
            Multiplicative { sigma: 0.12, theta: 6.0 },
            500.0,
            10_000.0,
            2,
        ),
        // Effective fed funds, percent: the hiking and cutting cycles.
        "dff" => m(
            &[
                (2010.0, 0.15),
                (2015.95, 0.13),
                (2016.0, 0.37),
                (2016.95, 0.40),
                (2017.0, 0.65),
                (2017.5, 1.15),
                (2018.0, 1.42),
                (2018.5, 1.91),
                (2019.0, 2.40),
                (2019.55, 2.40),
                (2019.6, 2.13),
                (2019.9, 1.55),
                (2020.15, 1.58),
                (2020.2, 0.08),
                (2022.2, 0.08),
                (2022.25, 0.33),
                (2022.5, 1.58),
                (2022.95, 4.33),
                (2023.6, 5.33),
                (2024.7, 5.33),
                (2024.72, 4.83),
                (2024.97, 4.33),
                (2025.7, 4.33),
                (2025.72, 4.08),
                (2025.83, 3.87),
                (2025.95, 3.64),
            ],
            Additive { sigma: 0.05, theta: 50.0 },
            0.04,
            5.5,
            2,
        ),
        // CPI, index 1982-84=100, monthly.
        "cpiaucsl" => m(
            &[
                (2010.0, 217.5),
                (2012.0, 227.0),
                (2014.0, 235.0),
                (2016.0, 237.0),
                (2018.0, 248.0),
                (2020.0, 259.0),
                (2020.3, 256.0),
                (2021.0, 262.0),
                (2022.0, 282.0),
                (2022.5, 295.0),
                (2023.0, 300.0),
                (2024.0, 309.0),
                (2025.0, 317.0),
                (2025.8, 324.0),
                (2026.9, 333.0),
            ],
            Additive { sigma: 0.3, theta: 6.0 },
            200.0,
            400.0,
            3,
        ),
        // Broad dollar, index Jan 2006=100.
        "dtwexbgs" => m(
            &[
                (2010.0, 98.0),
                (2011.5, 94.0),
                (2013.0, 98.0),
                (2014.5, 99.0),
                (2015.2, 113.0),
                (2016.0, 120.0),
                (2017.0, 122.0),
                (2018.1, 110.0),
                (2018.9, 116.0),
                (2020.2, 126.0),
                (2020.95, 113.0),
                (2021.5, 112.0),
                (2022.8, 128.0),
                (2023.5, 119.0),
                (2024.0, 120.0),
                (2025.0, 130.0),
                (2025.5, 121.0),
            ],
            Multiplicative { sigma: 0.03, theta: 5.0 },
            80.0,
            140.0,
            4,
        ),
        // 10-year nominal yield, percent.
        "dgs10" => m(
            &[
                (2010.2, 3.8),
                (2010.8, 2.5),
                (2011.2, 3.5),
                (2012.5, 1.5),
                (2013.9, 3.0),
                (2015.0, 2.0),
                (2016.5, 1.4),
                (2016.95, 2.45),
                (2018.8, 3.2),
                (2019.7, 1.5),
                (2020.2, 0.7),
                (2020.6, 0.55),
                (2021.2, 1.7),
                (2021.95, 1.5),
                (2022.8, 4.1),
                (2023.3, 3.4),
                (2023.8, 4.95),
                (2023.95, 3.9),
                (2024.3, 4.6),
                (2024.7, 3.65),
                (2025.0, 4.6),
                (2025.3, 4.2),
                (2025.9, 4.05),
                (2026.9, 4.1),
            ],
            Additive { sigma: 0.35, theta: 8.0 },
            0.4,
            5.5,
            2,
        ),
        // 10-year real yield (TIPS), percent: negative through 2012-13 and 2020-21.
        "dfii10" => m(
            &[
                (2010.0, 1.4),
                (2010.8, 0.4),
                (2011.9, 0.0),
                (2012.5, -0.7),
                (2012.95, -0.8),
                (2013.9, 0.8),
                (2015.0, 0.5),
                (2016.5, 0.0),
                (2018.8, 1.1),
                (2019.7, 0.0),
                (2020.2, -0.3),
                (2020.6, -1.1),
                (2021.9, -1.0),
                (2022.3, -0.2),
                (2022.8, 1.7),
                (2023.3, 1.2),
                (2023.8, 2.5),
                (2023.95, 1.7),
                (2024.3, 2.2),
                (2024.7, 1.6),
                (2025.0, 2.2),
                (2025.9, 1.8),
                (2026.9, 1.85),
            ],
            Additive { sigma: 0.3, theta: 8.0 },
            -1.3,
            2.8,
            2,
        ),
        // High-yield option-adjusted spread, percent.
        "bamlh0a0hym2" => m(
            &[
                (2010.0, 6.3),
                (2010.5, 7.0),
                (2011.3, 4.8),
                (2011.8, 8.5),
                (2012.9, 5.3),
                (2014.5, 3.4),
                (2015.0, 5.0),
                (2016.1, 8.4),
                (2016.9, 4.2),
                (2018.0, 3.3),
                (2018.95, 5.3),
                (2019.9, 3.6),
                (2020.15, 3.6),
                (2020.22, 10.9),
                (2020.9, 4.2),
                (2021.5, 3.0),
                (2022.5, 5.8),
                (2023.0, 4.8),
                (2024.0, 3.4),
                (2025.0, 2.9),
                (2025.27, 4.5),
                (2025.5, 3.0),
            ],
            Multiplicative { sigma: 0.25, theta: 10.0 },
            2.5,
            12.0,
            2,
        ),
        // VIX: a calm level with fast mean reversion, and spikes.
        "vixcls" => Model {
            jumps: Some((1.5, 0.4, 0.9)),
            ..m(
                &[
                    (2010.0, 20.0),
                    (2011.0, 18.0),
                    (2012.0, 17.0),
                    (2013.0, 14.0),
                    (2014.0, 13.0),
                    (2016.0, 15.0),
                    (2017.0, 11.5),
                    (2018.0, 15.0),
                    (2020.15, 15.0),
                    (2020.25, 45.0),
                    (2020.5, 28.0),
                    (2021.0, 22.0),
                    (2022.0, 25.0),
                    (2023.0, 17.0),
                    (2024.0, 14.0),
                    (2025.0, 17.0),
                ],
                Multiplicative { sigma: 0.9, theta: 6.0 },
                9.0,
                85.0,
                2,
            )
        },
        // IMF all-commodity index, 2016=100, monthly.
        "pallfnfindexm" => m(
            &[
                (2010.0, 135.0),
                (2011.3, 165.0),
                (2012.0, 155.0),
                (2013.0, 150.0),
                (2014.5, 148.0),
                (2015.0, 110.0),
                (2016.0, 90.0),
                (2017.0, 105.0),
                (2018.8, 120.0),
                (2019.5, 110.0),
                (2020.3, 78.0),
                (2021.0, 120.0),
                (2022.4, 195.0),
                (2023.0, 160.0),
                (2024.0, 150.0),
                (2025.0, 160.0),
            ],
            Multiplicative { sigma: 0.05, theta: 6.0 },
            50.0,
            250.0,
            3,
        ),
        _ => return None,
    })
}

/// The year with its fraction: 2020.5 is about the first of July 2020.
fn year_fraction(d: NaiveDate) -> f64 {
    let days = if NaiveDate::from_ymd_opt(d.year(), 2, 29).is_some() { 366.0 } else { 365.0 };
    f64::from(d.year()) + f64::from(d.ordinal0()) / days
}

/// The outline's level at `t`: straight lines between waypoints, flat outside them.
fn outline_at(outline: &[(f64, f64)], t: f64) -> f64 {
    let i = outline.partition_point(|(x, _)| *x <= t);
    match (i.checked_sub(1).map(|j| outline[j]), outline.get(i)) {
        (Some((x0, y0)), Some(&(x1, y1))) => y0 + (y1 - y0) * (t - x0) / (x1 - x0),
        (Some((_, y)), None) | (None, Some(&(_, y))) => y,
        (None, None) => 0.0,
    }
}

fn round(v: f64, decimals: i32) -> f64 {
    let f = 10f64.powi(decimals);
    (v * f).round() / f
}

/// The demo history of a known macro series up to `end` (inclusive), at the dates of its
/// frequency (business days, Wednesdays, first of the month); `None` for a slug without a
/// model of its own (the caller falls back to the commodity walk).
pub fn generate(slug: &str, frequency: Frequency, end: NaiveDate) -> Option<Vec<(NaiveDate, f64)>> {
    let model = model(slug)?;
    let mut rng = Rng(seed(slug));
    let (step, dates) = demo_dates(frequency, end);
    let (sigma, theta) = match model.noise {
        Noise::Additive { sigma, theta } | Noise::Multiplicative { sigma, theta } => (sigma, theta),
    };
    // The exact discretisation of a mean-reverting process, stable for any step.
    let keep = (-theta * step).exp();
    let shock = sigma * ((1.0 - keep * keep) / (2.0 * theta)).sqrt();
    let mut x = 0.0;
    let mut out = Vec::new();
    for d in dates {
        x = keep * x + shock * rng.normal();
        if let Some((per_year, low, high)) = model.jumps {
            // Drawn every step, so the stream of draws is the same whether or not one jumps.
            let (hit, size) = (rng.uniform(), rng.uniform());
            if hit < per_year * step {
                x += low + (high - low) * size;
            }
        }
        let level = outline_at(model.outline, year_fraction(d));
        let v = match model.noise {
            Noise::Additive { .. } => level + x,
            Noise::Multiplicative { .. } => level * x.exp(),
        };
        out.push((d, round(v.clamp(model.min, model.max), model.decimals)));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use chrono::Weekday;

    use super::*;

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
        for slug in [
            "walcl",
            "wtregen",
            "rrpontsyd",
            "sp500",
            "dff",
            "cpiaucsl",
            "dtwexbgs",
            "dgs10",
            "dfii10",
            "bamlh0a0hym2",
            "vixcls",
            "pallfnfindexm",
        ] {
            assert!(model(slug).is_some(), "{slug}");
        }
        assert!(generate("gold", Frequency::Daily, d(END)).is_none());
    }

    #[test]
    fn histories_are_deterministic_and_a_later_end_only_appends() {
        let a = generate("vixcls", Frequency::Daily, d("2026-11-20")).unwrap();
        let b = series("vixcls", Frequency::Daily);
        assert_eq!(a, generate("vixcls", Frequency::Daily, d("2026-11-20")).unwrap());
        assert_eq!(&b[..a.len()], &a[..]);
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
    fn vix_lives_in_its_teens_and_spikes() {
        let vix = series("vixcls", Frequency::Daily);
        let v: Vec<f64> = vix.iter().map(|(_, v)| *v).collect();
        assert!(v.iter().all(|x| (9.0..=85.0).contains(x)));
        let mut sorted = v.clone();
        sorted.sort_by(f64::total_cmp);
        let median = sorted[sorted.len() / 2];
        assert!((12.0..22.0).contains(&median), "{median}");
        assert!(max(&values_between(&vix, "2020-02-15", "2020-05-31")) > 35.0, "the 2020 spike");
        let spikes = v.windows(2).filter(|w| w[1] > 30.0 && w[0] <= 30.0).count();
        assert!(spikes >= 5, "{spikes} spikes above 30 in sixteen years");
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

    #[test]
    fn the_outline_is_flat_outside_its_waypoints_and_straight_between() {
        let o = [(2010.0, 1.0), (2012.0, 3.0)];
        assert_eq!(outline_at(&o, 2000.0), 1.0);
        assert_eq!(outline_at(&o, 2011.0), 2.0);
        assert_eq!(outline_at(&o, 2030.0), 3.0);
        assert!((year_fraction(d("2024-07-01")) - (2024.0 + 182.0 / 366.0)).abs() < 1e-12);
    }
}
