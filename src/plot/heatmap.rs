//! A heatmap: rows (sectors) by columns (quarters), each cell shaded by its value on one
//! sequential scale and labelled when it has room. Empty cells say so instead of reading
//! as zero.
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::theme::{self, FONT};
use super::ChartError;

#[derive(Debug, Clone)]
pub struct Heatmap {
    pub title: String,
    pub desc: String,
    pub width: u32,
    pub height: u32,
    pub rows: Vec<String>,
    pub cols: Vec<String>,
    /// `values[row][col]`; `None` is "no data", drawn hatched-grey, not as zero.
    pub values: Vec<Vec<Option<f64>>>,
    /// How a cell's value reads (e.g. compact dollars).
    pub label: fn(f64) -> String,
    pub watermark: Option<String>,
}

/// The fill of a value on the scale from `lo` to `hi`: light to dark blue.
pub fn shade(v: f64, lo: f64, hi: f64) -> RGBColor {
    let t = if hi > lo { ((v - lo) / (hi - lo)).clamp(0.0, 1.0) } else { 1.0 };
    let (a, b) = ((0xee, 0xf3, 0xfb), (0x08, 0x30, 0x6b));
    let mix = |x: u8, y: u8| (x as f64 + (y as f64 - x as f64) * t).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// Dollars as a page reads them: 950, 12.5K, 3.4M, 1.2B.
pub fn compact(v: f64) -> String {
    let a = v.abs();
    let (n, unit) = match a {
        a if a >= 1e9 => (v / 1e9, "B"),
        a if a >= 1e6 => (v / 1e6, "M"),
        a if a >= 1e3 => (v / 1e3, "K"),
        _ => return format!("{v:.0}"),
    };
    if n.abs() >= 100.0 {
        format!("{n:.0}{unit}")
    } else {
        format!("{n:.1}{unit}")
    }
}

fn err<E: std::fmt::Display>(e: E) -> ChartError {
    ChartError::Draw(e.to_string())
}

pub fn render_svg(h: &Heatmap, id: &str) -> Result<String, ChartError> {
    theme::ensure_fonts();
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, (h.width, h.height)).into_drawing_area();
        draw(h, &root)?;
        root.present().map_err(err)?;
    }
    Ok(super::svg::accessible(&buf, id, &h.title, &h.desc))
}

pub fn draw<DB: DrawingBackend>(h: &Heatmap, area: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
    if h.rows.is_empty() || h.cols.is_empty() {
        return Err(ChartError::Empty("no rows or columns"));
    }
    area.fill(&WHITE).map_err(err)?;
    let (w, ht) = area.dim_in_pixel();
    let left = 150i32;
    let bottom = 30i32;
    let cell_w = ((w as i32 - left - 10) / h.cols.len() as i32).max(1);
    let cell_h = ((ht as i32 - bottom - 10) / h.rows.len() as i32).max(1);
    let all: Vec<f64> = h.values.iter().flatten().flatten().copied().filter(|v| v.is_finite()).collect();
    let lo = all.iter().copied().fold(f64::INFINITY, f64::min).min(0.0);
    let hi = all.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let label_font = (FONT, 13).into_font().color(&theme::TEXT);
    for (r, name) in h.rows.iter().enumerate() {
        let y = 5 + r as i32 * cell_h;
        area.draw(&Text::new(
            name.clone(),
            (left - 8, y + cell_h / 2),
            label_font.clone().pos(Pos::new(HPos::Right, VPos::Center)),
        ))
        .map_err(err)?;
        for c in 0..h.cols.len() {
            let x = left + c as i32 * cell_w;
            let v = h.values.get(r).and_then(|row| row.get(c)).copied().flatten();
            let fill = match v {
                Some(v) => shade(v, lo, hi),
                None => RGBColor(0xf4, 0xf4, 0xf4),
            };
            area.draw(&Rectangle::new([(x, y), (x + cell_w - 1, y + cell_h - 1)], fill.filled())).map_err(err)?;
            if cell_w >= 44 && cell_h >= 18 {
                let (text, color) = match v {
                    Some(v) => ((h.label)(v), if shade(v, lo, hi).0 < 0x80 { WHITE } else { theme::TEXT }),
                    None => ("—".to_string(), theme::MUTED),
                };
                let font = (FONT, 12).into_font().color(&color).pos(Pos::new(HPos::Center, VPos::Center));
                area.draw(&Text::new(text, (x + cell_w / 2, y + cell_h / 2), font)).map_err(err)?;
            }
        }
    }
    let every = h.cols.len().div_ceil(((w as i32 - left) / 60).max(1) as usize).max(1);
    let col_font = (FONT, 12).into_font().color(&theme::MUTED).pos(Pos::new(HPos::Center, VPos::Top));
    for (c, name) in h.cols.iter().enumerate() {
        if c % every == 0 || c == h.cols.len() - 1 {
            let x = left + c as i32 * cell_w + cell_w / 2;
            area.draw(&Text::new(name.clone(), (x, 8 + h.rows.len() as i32 * cell_h), col_font.clone()))
                .map_err(err)?;
        }
    }
    if let Some(wm) = &h.watermark {
        let font = (FONT, 72)
            .into_font()
            .style(FontStyle::Bold)
            .color(&theme::DOWN.mix(0.15))
            .pos(Pos::new(HPos::Center, VPos::Center));
        area.draw(&Text::new(wm.clone(), (w as i32 / 2, ht as i32 / 2), font)).map_err(err)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shades_run_light_to_dark_and_clamp() {
        assert_eq!(shade(0.0, 0.0, 10.0), RGBColor(0xee, 0xf3, 0xfb));
        assert_eq!(shade(10.0, 0.0, 10.0), RGBColor(0x08, 0x30, 0x6b));
        assert_eq!(shade(99.0, 0.0, 10.0), shade(10.0, 0.0, 10.0));
        assert!(shade(5.0, 0.0, 10.0).0 < 0xee && shade(5.0, 0.0, 10.0).0 > 0x08);
    }

    #[test]
    fn compact_amounts_read_like_a_page() {
        assert_eq!(compact(950.0), "950");
        assert_eq!(compact(12_500.0), "12.5K");
        assert_eq!(compact(3_400_000.0), "3.4M");
        assert_eq!(compact(1_234_000_000.0), "1.2B");
        assert_eq!(compact(250_000_000_000.0), "250B");
    }

    #[test]
    fn cells_are_shaded_labelled_and_empty_ones_say_so() {
        let h = Heatmap {
            title: "Funding by sector".into(),
            desc: "USD per quarter".into(),
            width: 700,
            height: 200,
            rows: vec!["AI / software".into(), "Biotech".into()],
            cols: vec!["2025Q1".into(), "2025Q2".into(), "2025Q3".into()],
            values: vec![vec![Some(2e9), Some(3.5e9), None], vec![Some(4e8), Some(0.0), Some(9e8)]],
            label: compact,
            watermark: None,
        };
        let svg = render_svg(&h, "heat").unwrap();
        for text in ["\nAI / software\n", "\n2025Q3\n", "\n3.5B\n", "\n400M\n", "\n—\n"] {
            assert!(svg.contains(text), "{text:?}");
        }
        // The largest value gets the darkest fill.
        assert!(svg.contains("fill=\"#08306B\""));
    }
}
