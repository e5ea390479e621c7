//! Commodity prices from the factor model (`factors`): each instrument's log price reverts
//! toward an anchor, a rough outline of its real path since 2010 (a few waypoints a year at
//! most), and its daily shock is its loadings on the common factors plus its own noise,
//! scaled by its volatility and by the market's stress. Brent is WTI times a mean-reverting
//! spread held within 10 % of parity, as the two crudes are the same commodity in two
//! places. Monthly and annual instruments are averages of the same daily paths.
//! Pure; no I/O.
use chrono::NaiveDate;

use super::factors::{outline_at, sample, year_fraction, Loadings, Market, Ou, TRADING_DAYS};
use super::rng::{seed, Rng};
use crate::universe::Frequency;

/// The widest a demo price may stray from its real range since 2010: a factor of 1.5
/// below its real low or above its real high.
pub const BAND: f64 = 1.5;

/// How one instrument behaves.
#[derive(Debug, Clone, Copy)]
pub struct Profile {
    pub slug: &'static str,
    /// Rough real levels, (year with fraction, level): the first is the early-2010 level,
    /// later ones mostly mid-year averages. The log price reverts toward this line.
    pub outline: &'static [(f64, f64)],
    /// Annualised volatility on calm days.
    pub vol: f64,
    /// Mean reversion toward the outline, per year: about a year's half-life, so prices
    /// wander for months but not for a decade.
    pub theta: f64,
    pub loadings: Loadings,
    /// The real price's range since 2010, roughly (low, high), in the instrument's unit
    /// and at its frequency (monthly or annual averages where it is monthly or annual).
    /// From public price histories, rounded; a yardstick for plausibility, not data.
    pub real_range: (f64, f64),
}

impl Profile {
    /// The band a demo price must stay within: [`BAND`] around the real range.
    pub fn band(&self) -> (f64, f64) {
        (self.real_range.0 / BAND, self.real_range.1 * BAND)
    }
}

const fn loads(growth: f64, dollar: f64, energy: f64, risk: f64, rates: f64, haven: f64) -> Loadings {
    Loadings { growth, dollar, energy, risk, rates, haven }
}

/// Every instrument of the built-in universe. Loadings follow each market's habits: gold
/// and silver on the haven factor and against the dollar and real rates, the industrial
/// and platinum-group metals on growth, crude on energy, natural gas mostly on its own
/// (weather and storage), the annual specialty metals mostly on their own.
pub const PROFILES: [Profile; 21] = [
    Profile {
        slug: "gold",
        outline: &[
            (2010.0, 1120.0),
            (2010.5, 1225.0),
            (2011.7, 1780.0),
            (2012.5, 1670.0),
            (2013.5, 1410.0),
            (2014.5, 1265.0),
            (2015.9, 1070.0),
            (2016.5, 1300.0),
            (2017.5, 1257.0),
            (2018.5, 1268.0),
            (2019.5, 1393.0),
            (2020.6, 1900.0),
            (2021.5, 1800.0),
            (2022.5, 1800.0),
            (2023.5, 1940.0),
            (2024.5, 2390.0),
            (2025.3, 3200.0),
            (2025.9, 4100.0),
        ],
        vol: 0.14,
        theta: 1.0,
        loadings: loads(0.05, -0.45, 0.0, -0.05, -0.30, 0.70),
        real_range: (1050.0, 4380.0),
    },
    Profile {
        slug: "silver",
        outline: &[
            (2010.0, 17.5),
            (2010.5, 20.0),
            (2011.3, 40.0),
            (2012.5, 31.0),
            (2013.5, 23.8),
            (2014.5, 19.0),
            (2015.9, 14.2),
            (2016.5, 17.1),
            (2017.5, 17.0),
            (2018.5, 15.7),
            (2019.5, 16.2),
            (2020.6, 24.0),
            (2021.5, 25.0),
            (2022.5, 21.7),
            (2023.5, 23.4),
            (2024.5, 28.3),
            (2025.3, 33.0),
            (2025.9, 52.0),
        ],
        vol: 0.25,
        theta: 1.0,
        loadings: loads(0.30, -0.35, 0.0, 0.10, -0.20, 0.65),
        real_range: (11.8, 75.0),
    },
    Profile {
        slug: "platinum",
        outline: &[
            (2010.0, 1500.0),
            (2010.5, 1610.0),
            (2011.5, 1720.0),
            (2012.5, 1550.0),
            (2013.5, 1490.0),
            (2014.5, 1385.0),
            (2015.5, 1050.0),
            (2016.5, 990.0),
            (2017.5, 950.0),
            (2018.5, 880.0),
            (2019.5, 860.0),
            (2020.5, 885.0),
            (2021.5, 1090.0),
            (2022.5, 960.0),
            (2023.5, 965.0),
            (2024.5, 955.0),
            (2025.5, 1300.0),
            (2025.9, 1550.0),
        ],
        vol: 0.22,
        theta: 1.0,
        loadings: loads(0.50, -0.25, 0.0, 0.15, 0.0, 0.35),
        real_range: (600.0, 2300.0),
    },
    Profile {
        slug: "palladium",
        outline: &[
            (2010.0, 420.0),
            (2010.5, 525.0),
            (2011.5, 735.0),
            (2012.5, 645.0),
            (2013.5, 725.0),
            (2014.5, 805.0),
            (2015.5, 690.0),
            (2016.5, 610.0),
            (2017.5, 870.0),
            (2018.5, 1030.0),
            (2019.5, 1540.0),
            (2020.5, 2200.0),
            (2021.5, 2400.0),
            (2022.5, 2100.0),
            (2023.5, 1340.0),
            (2024.5, 985.0),
            (2025.5, 1100.0),
            (2025.9, 1350.0),
        ],
        vol: 0.30,
        theta: 1.0,
        loadings: loads(0.55, -0.15, 0.0, 0.15, 0.0, 0.15),
        real_range: (440.0, 3000.0),
    },
    Profile {
        slug: "copper",
        outline: &[
            (2010.0, 7400.0),
            (2010.5, 7540.0),
            (2011.5, 8830.0),
            (2012.5, 7960.0),
            (2013.5, 7330.0),
            (2014.5, 6860.0),
            (2015.5, 5510.0),
            (2016.5, 4870.0),
            (2017.5, 6170.0),
            (2018.5, 6530.0),
            (2019.5, 6010.0),
            (2020.5, 6180.0),
            (2021.5, 9320.0),
            (2022.5, 8820.0),
            (2023.5, 8490.0),
            (2024.5, 9140.0),
            (2025.5, 9800.0),
            (2025.9, 10800.0),
        ],
        vol: 0.20,
        theta: 1.0,
        loadings: loads(0.65, -0.20, 0.10, 0.15, 0.0, 0.0),
        real_range: (4470.0, 11000.0),
    },
    Profile {
        slug: "wti",
        outline: &[
            (2010.0, 80.0),
            (2010.5, 79.0),
            (2011.5, 95.0),
            (2012.5, 94.0),
            (2013.5, 98.0),
            (2014.5, 100.0),
            (2014.95, 55.0),
            (2015.5, 49.0),
            (2016.1, 33.0),
            (2016.5, 43.0),
            (2017.5, 51.0),
            (2018.5, 65.0),
            (2019.5, 57.0),
            (2020.0, 60.0),
            (2020.3, 25.0),
            (2020.6, 40.0),
            (2021.5, 68.0),
            (2022.4, 105.0),
            (2022.9, 82.0),
            (2023.5, 78.0),
            (2024.5, 76.0),
            (2025.5, 65.0),
            (2025.9, 60.0),
        ],
        vol: 0.32,
        theta: 1.5,
        loadings: loads(0.15, -0.10, 0.80, 0.10, 0.0, 0.0),
        // The negative print of 20 April 2020 aside.
        real_range: (10.0, 124.0),
    },
    Profile {
        slug: "brent",
        // Brent is WTI's path times the spread; this outline only documents its level.
        outline: &[(2010.0, 80.0)],
        vol: 0.0,
        theta: 1.0,
        loadings: loads(0.0, 0.0, 0.0, 0.0, 0.0, 0.0),
        real_range: (9.0, 134.0),
    },
    Profile {
        slug: "henry-hub",
        outline: &[
            (2010.0, 5.8),
            (2010.5, 4.4),
            (2011.5, 4.0),
            (2012.3, 2.2),
            (2012.9, 3.4),
            (2013.5, 3.7),
            (2014.2, 5.5),
            (2014.7, 4.0),
            (2015.5, 2.6),
            (2016.2, 1.9),
            (2016.9, 3.3),
            (2017.5, 3.0),
            (2018.5, 3.15),
            (2019.5, 2.56),
            (2020.5, 1.9),
            (2021.5, 3.9),
            (2022.6, 8.5),
            (2023.0, 3.5),
            (2023.5, 2.5),
            (2024.3, 1.8),
            (2024.9, 3.0),
            (2025.5, 3.5),
        ],
        vol: 0.50,
        theta: 2.0,
        loadings: loads(0.05, 0.0, 0.25, 0.0, 0.0, 0.0),
        // The one-day spike to 23.86 in the February 2021 freeze aside.
        real_range: (1.33, 9.9),
    },
    Profile {
        slug: "uranium",
        outline: &[
            (2010.0, 42.0),
            (2010.5, 46.0),
            (2011.1, 67.0),
            (2011.5, 55.0),
            (2012.5, 49.0),
            (2013.5, 38.0),
            (2014.5, 33.0),
            (2015.5, 37.0),
            (2016.5, 26.0),
            (2016.9, 19.0),
            (2017.5, 22.0),
            (2018.5, 25.0),
            (2019.5, 26.0),
            (2020.5, 30.0),
            (2021.5, 36.0),
            (2022.5, 50.0),
            (2023.5, 58.0),
            (2024.1, 95.0),
            (2024.5, 85.0),
            (2025.5, 72.0),
            (2025.9, 78.0),
        ],
        vol: 0.25,
        theta: 1.0,
        loadings: loads(0.10, 0.0, 0.20, 0.0, 0.0, 0.0),
        real_range: (18.0, 100.0),
    },
    Profile {
        slug: "lithium",
        outline: &[
            (2010.0, 5180.0),
            (2012.5, 6060.0),
            (2015.5, 6500.0),
            (2016.5, 8650.0),
            (2017.5, 9100.0),
            (2018.5, 16500.0),
            (2019.5, 12700.0),
            (2020.5, 8400.0),
            (2021.5, 12600.0),
            (2022.5, 37000.0),
            (2023.5, 30000.0),
            (2024.5, 12000.0),
            (2025.5, 10000.0),
        ],
        vol: 0.35,
        theta: 1.5,
        loadings: loads(0.30, 0.0, 0.10, 0.0, 0.0, 0.0),
        real_range: (5000.0, 46000.0),
    },
    Profile {
        slug: "cobalt",
        outline: &[
            (2010.0, 20.5),
            (2011.5, 17.4),
            (2012.5, 14.0),
            (2013.5, 12.9),
            (2014.5, 14.4),
            (2015.5, 13.2),
            (2016.5, 11.8),
            (2017.5, 26.5),
            (2018.5, 37.4),
            (2019.5, 16.0),
            (2020.5, 15.5),
            (2021.5, 23.8),
            (2022.5, 29.4),
            (2023.5, 15.5),
            (2024.5, 12.5),
            (2025.5, 15.0),
        ],
        vol: 0.35,
        theta: 1.5,
        loadings: loads(0.30, 0.0, 0.0, 0.0, 0.0, 0.0),
        real_range: (10.0, 38.0),
    },
    Profile {
        slug: "nickel",
        outline: &[
            (2010.0, 18500.0),
            (2010.5, 21800.0),
            (2011.5, 22900.0),
            (2012.5, 17500.0),
            (2013.5, 15000.0),
            (2014.5, 16900.0),
            (2015.5, 11800.0),
            (2016.5, 9600.0),
            (2017.5, 10400.0),
            (2018.5, 13100.0),
            (2019.5, 13900.0),
            (2020.5, 13800.0),
            (2021.5, 18500.0),
            (2022.3, 30000.0),
            (2022.8, 23500.0),
            (2023.5, 21500.0),
            (2024.5, 16800.0),
            (2025.5, 15300.0),
        ],
        vol: 0.26,
        theta: 1.0,
        loadings: loads(0.55, -0.15, 0.05, 0.10, 0.0, 0.0),
        real_range: (7700.0, 33000.0),
    },
    Profile {
        slug: "rare-earths",
        outline: &[
            (2010.0, 40.0),
            (2010.5, 60.0),
            (2011.5, 230.0),
            (2012.5, 130.0),
            (2013.5, 70.0),
            (2014.5, 60.0),
            (2015.5, 45.0),
            (2016.5, 40.0),
            (2017.5, 50.0),
            (2018.5, 50.0),
            (2019.5, 45.0),
            (2020.5, 50.0),
            (2021.5, 95.0),
            (2022.5, 130.0),
            (2023.5, 80.0),
            (2024.5, 60.0),
            (2025.5, 70.0),
        ],
        vol: 0.35,
        theta: 1.5,
        loadings: loads(0.25, 0.0, 0.0, 0.0, 0.0, 0.0),
        real_range: (35.0, 283.0),
    },
    Profile {
        slug: "gallium",
        outline: &[
            (2010.0, 500.0),
            (2011.5, 690.0),
            (2012.5, 520.0),
            (2013.5, 330.0),
            (2014.5, 300.0),
            (2015.5, 200.0),
            (2016.5, 150.0),
            (2017.5, 180.0),
            (2018.5, 230.0),
            (2019.5, 170.0),
            (2020.5, 180.0),
            (2021.5, 280.0),
            (2022.5, 340.0),
            (2023.5, 290.0),
            (2024.5, 500.0),
            (2025.5, 700.0),
        ],
        vol: 0.28,
        theta: 1.5,
        loadings: loads(0.20, 0.0, 0.0, 0.0, 0.0, 0.0),
        real_range: (140.0, 800.0),
    },
    Profile {
        slug: "germanium",
        outline: &[
            (2010.0, 1000.0),
            (2011.5, 1400.0),
            (2012.5, 1640.0),
            (2013.5, 1875.0),
            (2014.5, 1900.0),
            (2015.5, 1760.0),
            (2016.5, 1300.0),
            (2017.5, 1300.0),
            (2018.5, 1500.0),
            (2019.5, 1250.0),
            (2020.5, 1200.0),
            (2021.5, 1200.0),
            (2022.5, 1350.0),
            (2023.5, 1350.0),
            (2024.5, 2200.0),
            (2025.5, 3500.0),
        ],
        vol: 0.25,
        theta: 1.5,
        loadings: loads(0.20, 0.0, 0.0, 0.0, 0.0, 0.0),
        real_range: (900.0, 3500.0),
    },
    Profile {
        slug: "silicon",
        outline: &[
            (2010.0, 1.22),
            (2011.5, 1.35),
            (2012.5, 1.20),
            (2013.5, 1.15),
            (2014.5, 1.30),
            (2015.5, 1.10),
            (2016.5, 0.90),
            (2017.5, 1.05),
            (2018.5, 1.25),
            (2019.5, 0.95),
            (2020.5, 0.90),
            (2021.5, 1.60),
            (2022.5, 2.50),
            (2023.5, 1.80),
            (2024.5, 1.40),
            (2025.5, 1.30),
        ],
        vol: 0.25,
        theta: 1.5,
        loadings: loads(0.30, 0.0, 0.20, 0.0, 0.0, 0.0),
        real_range: (0.85, 2.9),
    },
    Profile {
        slug: "aluminium",
        outline: &[
            (2010.0, 2200.0),
            (2010.5, 2170.0),
            (2011.5, 2400.0),
            (2012.5, 2020.0),
            (2013.5, 1850.0),
            (2014.5, 1870.0),
            (2015.5, 1660.0),
            (2016.5, 1600.0),
            (2017.5, 1970.0),
            (2018.5, 2110.0),
            (2019.5, 1790.0),
            (2020.4, 1500.0),
            (2020.9, 1950.0),
            (2021.5, 2470.0),
            (2022.2, 3400.0),
            (2022.8, 2300.0),
            (2023.5, 2250.0),
            (2024.5, 2420.0),
            (2025.5, 2550.0),
            (2025.9, 2800.0),
        ],
        vol: 0.18,
        theta: 1.0,
        loadings: loads(0.50, -0.15, 0.25, 0.10, 0.0, 0.0),
        real_range: (1460.0, 3500.0),
    },
    Profile {
        slug: "titanium",
        outline: &[
            (2010.0, 11.3),
            (2012.5, 11.0),
            (2013.5, 10.0),
            (2014.5, 9.9),
            (2015.5, 8.6),
            (2016.5, 7.5),
            (2017.5, 8.5),
            (2018.5, 9.5),
            (2019.5, 11.0),
            (2020.5, 11.5),
            (2021.5, 11.0),
            (2022.5, 12.2),
            (2023.5, 10.5),
            (2024.5, 10.0),
        ],
        vol: 0.15,
        theta: 1.5,
        loadings: loads(0.30, 0.0, 0.0, 0.0, 0.0, 0.0),
        real_range: (7.0, 13.0),
    },
    Profile {
        slug: "tungsten",
        outline: &[
            (2010.0, 200.0),
            (2011.5, 440.0),
            (2012.5, 410.0),
            (2013.5, 370.0),
            (2014.5, 350.0),
            (2015.5, 250.0),
            (2016.5, 200.0),
            (2017.5, 260.0),
            (2018.5, 340.0),
            (2019.5, 270.0),
            (2020.5, 240.0),
            (2021.5, 300.0),
            (2022.5, 340.0),
            (2023.5, 330.0),
            (2024.5, 340.0),
            (2025.5, 500.0),
        ],
        vol: 0.22,
        theta: 1.5,
        loadings: loads(0.25, 0.0, 0.0, 0.0, 0.0, 0.0),
        real_range: (190.0, 650.0),
    },
    Profile {
        slug: "rhenium",
        outline: &[
            (2010.0, 4700.0),
            (2011.5, 4600.0),
            (2012.5, 4000.0),
            (2013.5, 3300.0),
            (2014.5, 3000.0),
            (2015.5, 2000.0),
            (2016.5, 1600.0),
            (2017.5, 1400.0),
            (2020.5, 1200.0),
            (2021.5, 1300.0),
            (2022.5, 1600.0),
        ],
        vol: 0.25,
        theta: 1.5,
        loadings: loads(0.20, 0.0, 0.10, 0.0, 0.0, 0.0),
        real_range: (1000.0, 5000.0),
    },
    Profile {
        slug: "beryllium",
        outline: &[(2010.0, 450.0), (2015.5, 480.0), (2020.5, 540.0), (2025.5, 600.0)],
        vol: 0.12,
        theta: 1.5,
        loadings: loads(0.15, 0.0, 0.0, 0.0, 0.0, 0.0),
        real_range: (400.0, 700.0),
    },
];

/// A slug the built-in universe does not know (a universe file of one's own): a flat
/// level of 100 moving modestly with growth.
const UNKNOWN: Profile = Profile {
    slug: "",
    outline: &[(2010.0, 100.0)],
    vol: 0.25,
    theta: 1.0,
    loadings: loads(0.30, 0.0, 0.0, 0.0, 0.0, 0.0),
    real_range: (50.0, 200.0),
};

pub fn profile(slug: &str) -> &'static Profile {
    PROFILES.iter().find(|p| p.slug == slug).unwrap_or(&UNKNOWN)
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
            (*d, outline_at(p.outline, year_fraction(*d)) * y.exp())
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
        assert_eq!(universe.instruments.len(), PROFILES.len());
        for inst in &universe.instruments {
            assert_eq!(profile(&inst.slug).slug, inst.slug);
            assert!(FREQUENCIES.contains(&(inst.slug.as_str(), inst.frequency)), "{}", inst.slug);
        }
    }

    #[test]
    fn every_series_keeps_room_for_its_own_noise() {
        for p in PROFILES {
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
