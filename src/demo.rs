//! Demo data for machines with no network: a deterministic, plausible price history for
//! every instrument and macro series, stored with source `demo` so that every page and API
//! answer labels it. Macro series follow their own models (`macro_::demo`): a rate stays a
//! rate, the Fed's balance sheet keeps its size.
//!
//! Each value depends only on the instrument and the date (a walk from a fixed epoch with a
//! seed taken from the slug), so seeding again tomorrow extends the same history instead
//! of drawing a new one.
use chrono::{Datelike, Days, Months, NaiveDate, Utc, Weekday};
use sea_orm::{ActiveValue::Set, DatabaseConnection, DbErr, EntityTrait, TransactionTrait};

use crate::db::entities::observations;
use crate::universe::{Frequency, Instrument, Universe, DEMO_SOURCE, MACRO_GROUP};

/// Where every demo walk starts; more than ten years before any plausible "today".
pub(crate) const EPOCH: (i32, u32, u32) = (2010, 1, 4);
const CHUNK: usize = 1000;

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

/// splitmix64: tiny, and stable forever (a library RNG's stream may change between
/// versions, which would silently change the demo history).
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub(crate) fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    /// Standard normal by Box-Muller.
    pub(crate) fn normal(&mut self) -> f64 {
        let (u1, u2) = (self.uniform(), self.uniform());
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }
}

pub(crate) fn seed(slug: &str) -> u64 {
    // FNV-1a: fixed, unlike std's hasher.
    slug.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ b as u64).wrapping_mul(0x0100_0000_01b3))
}

/// The demo history of one series of the universe: its own model for a known macro
/// series, the commodity walk for everything else.
pub fn generate_for(inst: &Instrument, end: NaiveDate) -> Vec<(NaiveDate, f64)> {
    if inst.group == MACRO_GROUP {
        if let Some(points) = crate::macro_::demo::generate(&inst.slug, inst.frequency, end) {
            return points;
        }
    }
    generate(&inst.slug, inst.frequency, end)
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

/// Fills every series (instruments and macro series) that holds no real data with demo
/// history up to today. Series with real observations are left alone, so demo and real
/// rows never mix in one series; rows already present are kept (the insert skips existing
/// dates). Returns rows written.
pub async fn seed_demo(db: &DatabaseConnection, universe: &Universe) -> Result<u64, DbErr> {
    let ids = crate::commodities::service::series_ids(db).await?;
    let today = Utc::now().date_naive();
    let mut written = 0;
    for inst in universe.all_series() {
        let Some(&series_id) = ids.get(&inst.slug) else { continue };
        if crate::commodities::service::has_real_data(db, series_id).await? {
            continue;
        }
        written += write_demo_series(db, series_id, inst, today).await?;
    }
    Ok(written)
}

async fn write_demo_series(
    db: &DatabaseConnection,
    series_id: i32,
    inst: &Instrument,
    end: NaiveDate,
) -> Result<u64, DbErr> {
    let now = Utc::now();
    let points = generate_for(inst, end);
    let txn = db.begin().await?;
    let mut written = 0;
    for chunk in points.chunks(CHUNK) {
        let rows = chunk.iter().map(|(date, value)| observations::ActiveModel {
            series_id: Set(series_id),
            date: Set(*date),
            value: Set(*value),
            open: Set(None),
            high: Set(None),
            low: Set(None),
            volume: Set(None),
            source: Set(DEMO_SOURCE.to_string()),
            fetched_at: Set(now),
            ..Default::default()
        });
        let result = observations::Entity::insert_many(rows)
            .on_conflict_do_nothing_on([observations::Column::SeriesId, observations::Column::Date])
            .exec_without_returning(&txn)
            .await?;
        if let sea_orm::TryInsertResult::Inserted(n) = result {
            written += n;
        }
    }
    txn.commit().await?;
    Ok(written)
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
