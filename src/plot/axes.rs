//! Which value axis each series of a chart view reads against, and rebasing to 100 when
//! two axes are not enough. One shared axis flattens a series whose unit or size differs
//! (silver at USD 30 beside gold at USD 3,000 draws as a line along the floor), so such
//! a series gets the right axis; a third kind of series cannot have an axis of its own,
//! and the view rebases them all instead. Pure.
use chrono::NaiveDate;

/// Series further apart than this factor in size do not share an axis.
pub const MAX_SCALE_RATIO: f64 = 10.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Axis {
    Left,
    Right,
}

/// How many times bigger the larger of two sizes is (sizes are largest absolute values);
/// infinite when exactly one is zero.
pub fn scale_ratio(a: f64, b: f64) -> f64 {
    let (a, b) = (a.abs(), b.abs());
    let (lo, hi) = (a.min(b), a.max(b));
    if hi == 0.0 {
        1.0
    } else if lo == 0.0 {
        f64::INFINITY
    } else {
        hi / lo
    }
}

/// The largest absolute value of a series (its size, for [`assign_axes`]).
pub fn size(points: &[(NaiveDate, f64)]) -> f64 {
    points.iter().map(|p| p.1.abs()).filter(|v| v.is_finite()).fold(0.0, f64::max)
}

/// Axes for series given as (unit, size), in order: a series joins the left axis when it
/// has the unit of every series there and is within [`MAX_SCALE_RATIO`] of each one's
/// size; else the right axis on the same terms; `None` when it fits neither (the view
/// then rebases).
pub fn assign_axes(series: &[(&str, f64)]) -> Option<Vec<Axis>> {
    let fits = |members: &[usize], s: &(&str, f64)| {
        members.iter().all(|&m| series[m].0 == s.0 && scale_ratio(series[m].1, s.1) <= MAX_SCALE_RATIO)
    };
    let (mut left, mut right) = (Vec::new(), Vec::new());
    let mut out = Vec::with_capacity(series.len());
    for (i, s) in series.iter().enumerate() {
        if fits(&left, s) {
            left.push(i);
            out.push(Axis::Left);
        } else if fits(&right, s) {
            right.push(i);
            out.push(Axis::Right);
        } else {
            return None;
        }
    }
    Some(out)
}

/// Each series as an index, 100 at the first date every series has reached (each one's
/// latest value on or before it), dropping earlier points. A series whose base is zero
/// cannot be rebased and comes back empty. Empty input series give an empty output.
pub fn rebase(series: &[Vec<(NaiveDate, f64)>]) -> (Option<NaiveDate>, Vec<Vec<(NaiveDate, f64)>>) {
    let Some(start) =
        series.iter().map(|s| s.first().map(|p| p.0)).collect::<Option<Vec<_>>>().and_then(|f| f.into_iter().max())
    else {
        return (None, vec![Vec::new(); series.len()]);
    };
    let out = series
        .iter()
        .map(|s| {
            let base = s.iter().take_while(|p| p.0 <= start).last().map(|p| p.1).filter(|b| *b != 0.0 && b.is_finite());
            match base {
                Some(b) => {
                    // The base point itself, dated at the start, then every later one.
                    std::iter::once((start, 100.0))
                        .chain(s.iter().filter(|p| p.0 > start).map(|p| (p.0, p.1 / b * 100.0)))
                        .collect()
                }
                None => Vec::new(),
            }
        })
        .collect();
    (Some(start), out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_series_of_another_unit_or_size_reads_on_the_right_axis() {
        use Axis::*;
        // Gold (~3,000) and silver (~35), both USD/troy oz: 86 times apart.
        assert_eq!(assign_axes(&[("USD/troy oz", 3000.0), ("USD/troy oz", 35.0)]), Some(vec![Left, Right]));
        // Gold and platinum, same unit, within 10 times: one axis.
        assert_eq!(assign_axes(&[("USD/troy oz", 3000.0), ("USD/troy oz", 1000.0)]), Some(vec![Left, Left]));
        // Exactly 10 times apart still shares; a different unit never does.
        assert_eq!(assign_axes(&[("USD", 1000.0), ("USD", 100.0)]), Some(vec![Left, Left]));
        assert_eq!(assign_axes(&[("USD/troy oz", 3000.0), ("percent", 2500.0)]), Some(vec![Left, Right]));
        // WTI and Brent on the left, the 10-year yield on the right.
        assert_eq!(
            assign_axes(&[("USD/bbl", 70.0), ("percent", 4.0), ("USD/bbl", 75.0)]),
            Some(vec![Left, Right, Left])
        );
        // A third kind fits neither axis.
        assert_eq!(assign_axes(&[("USD/troy oz", 3000.0), ("USD/troy oz", 35.0), ("percent", 4.0)]), None);
        // A series must fit every series on an axis, not just the first.
        assert_eq!(assign_axes(&[("x", 100.0), ("x", 900.0), ("x", 12.0)]), Some(vec![Left, Left, Right]));
    }

    #[test]
    fn scale_ratios_are_symmetric_and_zero_is_its_own_size() {
        assert_eq!(scale_ratio(35.0, 3500.0), 100.0);
        assert_eq!(scale_ratio(-50.0, 5.0), 10.0);
        assert_eq!(scale_ratio(0.0, 0.0), 1.0);
        assert!(scale_ratio(0.0, 1.0).is_infinite());
    }

    #[test]
    fn rebasing_starts_every_series_at_100_on_their_first_common_date() {
        let a = vec![(d("2025-01-01"), 50.0), (d("2025-01-03"), 60.0), (d("2025-01-05"), 75.0)];
        let b = vec![(d("2025-01-02"), 4.0), (d("2025-01-05"), 5.0)];
        let (start, out) = rebase(&[a, b]);
        assert_eq!(start, Some(d("2025-01-02")));
        // a's base is its value on or before 2 January: 50.
        assert_eq!(out[0], vec![(d("2025-01-02"), 100.0), (d("2025-01-03"), 120.0), (d("2025-01-05"), 150.0)]);
        assert_eq!(out[1], vec![(d("2025-01-02"), 100.0), (d("2025-01-05"), 125.0)]);
        let (_, zero) = rebase(&[vec![(d("2025-01-01"), 0.0), (d("2025-01-02"), 1.0)]]);
        assert!(zero[0].is_empty(), "a zero base cannot be rebased");
        assert_eq!(rebase(&[vec![], vec![(d("2025-01-01"), 1.0)]]).0, None);
    }
}
