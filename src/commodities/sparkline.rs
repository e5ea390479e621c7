//! The geometry of a sparkline: values to SVG polyline points. Pure, so the page can draw
//! it the same way on the server and in the browser.

/// `points` attribute for an SVG polyline that fills `width` x `height` (with a one-unit
/// margin so the stroke is not clipped). Empty for fewer than two values.
pub fn polyline_points(values: &[f64], width: f64, height: f64) -> String {
    if values.len() < 2 {
        return String::new();
    }
    let (min, max) = values.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(*v), hi.max(*v)));
    let span = if max > min { max - min } else { 1.0 };
    let step = (width - 2.0) / (values.len() - 1) as f64;
    values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let x = 1.0 + i as f64 * step;
            // A flat series sits in the middle rather than on the floor.
            let y = if max > min { 1.0 + (max - v) / span * (height - 2.0) } else { height / 2.0 };
            format!("{x:.1},{y:.1}")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highest_value_is_at_the_top_and_lowest_at_the_bottom() {
        let p = polyline_points(&[1.0, 3.0, 2.0], 102.0, 22.0);
        assert_eq!(p, "1.0,21.0 51.0,1.0 101.0,11.0");
    }

    #[test]
    fn flat_and_short_series() {
        assert_eq!(polyline_points(&[5.0, 5.0], 12.0, 10.0), "1.0,5.0 11.0,5.0");
        assert_eq!(polyline_points(&[5.0], 12.0, 10.0), "");
    }
}
