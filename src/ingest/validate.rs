//! Checks a batch of upstream observations before anything is written: pure, no I/O.
use chrono::NaiveDate;

use crate::sources::Point;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ValidationError {
    #[error("value on {0} is not a finite number")]
    NotFinite(NaiveDate),
    #[error("date {0} appears twice in one batch")]
    DuplicateDate(NaiveDate),
    #[error("date {date} is in the future (today is {today})")]
    FutureDate { date: NaiveDate, today: NaiveDate },
}

/// How far past `today` a date may lie before it is taken as garbage: upstream dates are
/// local to the market, and a time zone ahead of UTC can be a day ahead.
const FUTURE_SLACK_DAYS: i64 = 2;

/// Returns the batch sorted by date, or the first problem found. A negative value is valid
/// data (WTI settled at -36.98 on 2020-04-20); a duplicate date is not, because there is
/// no way to know which of the two values the upstream meant.
pub fn validate(mut points: Vec<Point>, today: NaiveDate) -> Result<Vec<Point>, ValidationError> {
    for p in &points {
        if !p.value.is_finite() {
            return Err(ValidationError::NotFinite(p.date));
        }
        if (p.date - today).num_days() > FUTURE_SLACK_DAYS {
            return Err(ValidationError::FutureDate { date: p.date, today });
        }
    }
    points.sort_by_key(|p| p.date);
    if let Some(w) = points.windows(2).find(|w| w[0].date == w[1].date) {
        return Err(ValidationError::DuplicateDate(w[0].date));
    }
    Ok(points)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn p(date: &str, value: f64) -> Point {
        Point { date: d(date), value }
    }

    #[test]
    fn a_batch_comes_back_sorted_and_keeps_negative_prices() {
        let out = validate(vec![p("2020-04-21", 8.91), p("2020-04-20", -36.98)], d("2026-01-01")).unwrap();
        assert_eq!(out, vec![p("2020-04-20", -36.98), p("2020-04-21", 8.91)]);
    }

    #[test]
    fn a_duplicate_date_rejects_the_batch() {
        let err = validate(vec![p("2024-01-02", 1.0), p("2024-01-03", 2.0), p("2024-01-02", 1.5)], d("2026-01-01"));
        assert_eq!(err, Err(ValidationError::DuplicateDate(d("2024-01-02"))));
    }

    #[test]
    fn infinite_and_nan_values_are_rejected() {
        assert_eq!(
            validate(vec![p("2024-01-02", f64::NAN)], d("2026-01-01")),
            Err(ValidationError::NotFinite(d("2024-01-02")))
        );
        assert!(validate(vec![p("2024-01-02", f64::INFINITY)], d("2026-01-01")).is_err());
    }

    #[test]
    fn dates_far_in_the_future_are_rejected_but_tomorrow_is_not() {
        assert!(validate(vec![p("2026-01-02", 1.0)], d("2026-01-01")).is_ok());
        assert!(matches!(
            validate(vec![p("2027-01-02", 1.0)], d("2026-01-01")),
            Err(ValidationError::FutureDate { .. })
        ));
    }

    #[test]
    fn an_empty_batch_is_valid() {
        assert_eq!(validate(vec![], d("2026-01-01")), Ok(vec![]));
    }
}
