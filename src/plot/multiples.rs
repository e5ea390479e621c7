//! Small multiples: several time charts in a grid, each with its own scale and a caption,
//! so series of different units are read side by side rather than squeezed onto one axis.
use plotters::prelude::*;

use super::theme;
use super::time_series::{self, TimeChart};
use super::ChartError;

fn err<E: std::fmt::Display>(e: E) -> ChartError {
    ChartError::Draw(e.to_string())
}

/// Draws `charts` in a grid of `cols` columns; each cell is captioned with its chart's
/// title. Cells whose chart has nothing to draw say so.
pub fn render_svg(
    title: &str,
    desc: &str,
    charts: &[TimeChart],
    cols: usize,
    cell: (u32, u32),
    id: &str,
) -> Result<String, ChartError> {
    if charts.is_empty() {
        return Err(ChartError::Empty("no charts"));
    }
    theme::ensure_fonts();
    let cols = cols.clamp(1, charts.len());
    let rows = charts.len().div_ceil(cols);
    let caption = 24u32;
    let (w, h) = (cell.0 * cols as u32, (cell.1 + caption) * rows as u32);
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, (w, h)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let areas = root.split_evenly((rows, cols));
        for (chart, area) in charts.iter().zip(areas.iter()) {
            theme::text(area, &chart.title, (8, 4), 14, FontStyle::Bold, theme::TEXT)?;
            let body = area.margin(caption, 0, 0, 0);
            let mut c = chart.clone();
            c.width = cell.0;
            match time_series::draw(&c, &body) {
                Ok(()) => {}
                Err(ChartError::Empty(_)) => {
                    theme::text(&body, "No data in this range", (8, 8), 13, FontStyle::Normal, theme::MUTED)?;
                }
                Err(e) => return Err(e),
            }
        }
        root.present().map_err(err)?;
    }
    Ok(super::svg::accessible(&buf, id, title, desc))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plot::time_series::Line;
    use chrono::NaiveDate;

    #[test]
    fn each_cell_has_its_caption_and_an_empty_one_says_so() {
        let d0 = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
        let mut a = TimeChart::new("Gold", "", 300, 160);
        a.lines.push(Line {
            label: "Gold".into(),
            points: (0..50).map(|i| (d0 + chrono::Days::new(i), 2000.0 + i as f64)).collect(),
            color: theme::PALETTE[0],
            width: 1,
        });
        let mut b = TimeChart::new("10-year yield", "", 300, 160);
        b.lines.push(Line {
            label: "DGS10".into(),
            points: (0..50).map(|i| (d0 + chrono::Days::new(i), 4.0 + i as f64 / 100.0)).collect(),
            color: theme::PALETTE[1],
            width: 1,
        });
        let empty = TimeChart::new("VIX", "", 300, 160);
        let svg = render_svg("Three series", "side by side", &[a, b, empty], 2, (300, 160), "m").unwrap();
        assert!(svg.starts_with("<svg viewBox=\"0 0 600 368\""), "{}", &svg[..60]);
        for text in ["\nGold\n", "\n10-year yield\n", "\nVIX\n", "\nNo data in this range\n"] {
            assert!(svg.contains(text), "{text:?}");
        }
        // One line per drawn chart, in its own colour; nothing drawn in the empty cell.
        let lines = |hex: &str| svg.split("<polyline").filter(|p| p.contains(&format!("stroke=\"{hex}\""))).count();
        assert_eq!((lines("#005AB5"), lines("#E69F00")), (1, 1));
    }
}
