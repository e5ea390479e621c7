//! The time ranges a chart can show (1M to MAX), as the URL spells them. Pure.
use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::universe::Frequency;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Range {
    #[serde(rename = "1m")]
    M1,
    #[serde(rename = "3m")]
    M3,
    #[serde(rename = "1y")]
    Y1,
    #[serde(rename = "5y")]
    Y5,
    #[serde(rename = "10y")]
    Y10,
    #[serde(rename = "max")]
    Max,
}

impl Range {
    pub const ALL: [Range; 6] = [Range::M1, Range::M3, Range::Y1, Range::Y5, Range::Y10, Range::Max];

    /// The URL value: `1m`, `3m`, `1y`, `5y`, `10y`, `max`.
    pub fn as_str(self) -> &'static str {
        match self {
            Range::M1 => "1m",
            Range::M3 => "3m",
            Range::Y1 => "1y",
            Range::Y5 => "5y",
            Range::Y10 => "10y",
            Range::Max => "max",
        }
    }

    /// The button text: `1M` ... `MAX`.
    pub fn label(self) -> &'static str {
        match self {
            Range::M1 => "1M",
            Range::M3 => "3M",
            Range::Y1 => "1Y",
            Range::Y5 => "5Y",
            Range::Y10 => "10Y",
            Range::Max => "MAX",
        }
    }

    /// Reads a URL value, case-insensitively; the error lists what is accepted.
    pub fn parse(s: &str) -> Result<Range, String> {
        let lower = s.to_ascii_lowercase();
        Range::ALL.into_iter().find(|r| r.as_str() == lower).ok_or_else(|| {
            let all: Vec<_> = Range::ALL.iter().map(|r| r.as_str()).collect();
            format!("unknown range '{s}'; expected one of: {}", all.join(", "))
        })
    }

    fn months(self) -> Option<u32> {
        match self {
            Range::M1 => Some(1),
            Range::M3 => Some(3),
            Range::Y1 => Some(12),
            Range::Y5 => Some(60),
            Range::Y10 => Some(120),
            Range::Max => None,
        }
    }

    /// The first date the range shows when the newest point is `latest`; `None` for MAX.
    pub fn start(self, latest: NaiveDate) -> Option<NaiveDate> {
        self.months().map(|m| latest.checked_sub_months(Months::new(m)).unwrap_or(NaiveDate::MIN))
    }

    /// Whether the range shows enough points of a series at this frequency to draw a line:
    /// any range of daily or weekly data, at least a year of monthly data, five years of
    /// annual data.
    pub fn fits(self, f: Frequency) -> bool {
        match f {
            Frequency::Daily | Frequency::Weekly => true,
            Frequency::Monthly => self.months().is_none_or(|m| m >= 12),
            Frequency::Annual => self.months().is_none_or(|m| m >= 60),
        }
    }

    /// What a page shows first: a year of daily or weekly data, ten years of monthly, all
    /// of annual.
    pub fn default_for(f: Frequency) -> Range {
        match f {
            Frequency::Daily | Frequency::Weekly => Range::Y1,
            Frequency::Monthly => Range::Y10,
            Frequency::Annual => Range::Max,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn ranges_round_trip_through_the_url_and_reject_the_unknown() {
        for r in Range::ALL {
            assert_eq!(Range::parse(r.as_str()), Ok(r));
        }
        assert_eq!(Range::parse("1Y"), Ok(Range::Y1));
        let e = Range::parse("2w").unwrap_err();
        assert!(e.contains("'2w'") && e.contains("1m, 3m, 1y, 5y, 10y, max"), "{e}");
    }

    #[test]
    fn starts_count_back_calendar_months_and_clamp_month_ends() {
        assert_eq!(Range::M1.start(d("2026-03-31")), Some(d("2026-02-28")));
        assert_eq!(Range::Y1.start(d("2024-02-29")), Some(d("2023-02-28")));
        assert_eq!(Range::Y10.start(d("2026-11-27")), Some(d("2016-11-27")));
        assert_eq!(Range::Max.start(d("2026-11-27")), None);
    }

    #[test]
    fn short_ranges_do_not_fit_coarse_series() {
        assert!(Range::M1.fits(Frequency::Daily));
        assert!(!Range::M3.fits(Frequency::Monthly));
        assert!(Range::Y1.fits(Frequency::Monthly));
        assert!(!Range::Y1.fits(Frequency::Annual));
        assert!(Range::Max.fits(Frequency::Annual));
        assert!(Range::M1.fits(Frequency::Weekly));
        for f in [Frequency::Daily, Frequency::Weekly, Frequency::Monthly, Frequency::Annual] {
            assert!(Range::default_for(f).fits(f));
        }
    }
}
