//! The look every chart shares: font, colours, sizes. The font is DejaVu Sans, embedded
//! from the `dejavu` crate (its licence is the Bitstream Vera / public-domain one), so text
//! is measured and drawn the same on a machine with no system fonts.
use std::sync::Once;

use plotters::coord::Shift;
use plotters::element::Text;
use plotters::prelude::{DrawingArea, DrawingBackend};
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{Color, FontStyle, IntoFont, RGBColor};

use super::ChartError;

/// The family plotters asks for; SVG viewers map it to their own sans-serif face.
pub const FONT: &str = "sans-serif";
pub const TEXT: RGBColor = RGBColor(0x33, 0x3a, 0x44);
pub const MUTED: RGBColor = RGBColor(0x6b, 0x72, 0x80);
pub const GRID: RGBColor = RGBColor(0xe3, 0xe6, 0xea);
pub const AXIS: RGBColor = RGBColor(0x9a, 0xa1, 0xab);
pub const UP: RGBColor = RGBColor(0x1a, 0x7f, 0x4b);
pub const DOWN: RGBColor = RGBColor(0xc2, 0x41, 0x2d);
/// Series colours in order: colour-blind-safe (Okabe-Ito), the first a strong blue.
pub const PALETTE: [RGBColor; 6] = [
    RGBColor(0x00, 0x5a, 0xb5),
    RGBColor(0xe6, 0x9f, 0x00),
    RGBColor(0x00, 0x9e, 0x73),
    RGBColor(0xcc, 0x79, 0xa7),
    RGBColor(0x56, 0xb4, 0xe9),
    RGBColor(0xd5, 0x5e, 0x00),
];

static FONTS: Once = Once::new();

/// Registers the embedded font with plotters once per process; drawing text without it
/// fails, because plotters has no system fonts to fall back on in this build.
pub fn ensure_fonts() {
    FONTS.call_once(|| {
        for (style, bytes) in [
            (FontStyle::Normal, dejavu::sans::regular()),
            (FontStyle::Bold, dejavu::sans::bold()),
            (FontStyle::Italic, dejavu::sans::oblique()),
            (FontStyle::Oblique, dejavu::sans::oblique()),
        ] {
            // The bytes are the crate's own TTF files: they always parse.
            let _ = plotters::style::register_font(FONT, style, bytes);
        }
    });
}

/// `#rrggbb` for a colour, for legends drawn in HTML next to a chart.
pub fn hex(c: RGBColor) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

/// The faint, centred text across a plot that marks generated data ("DEMO"), sized to the
/// chart's height.
pub fn watermark_style(height: u32) -> plotters::style::TextStyle<'static> {
    let size = (height as f64 * 0.3).clamp(24.0, 96.0) as u32;
    (FONT, size).into_font().style(FontStyle::Bold).color(&DOWN.mix(0.12)).pos(Pos::new(HPos::Center, VPos::Center))
}

/// Draws `s` with its top-left corner at `at`, in the charts' font: the titles, readings
/// and footers drawn around a chart (the download frame, the chart pack's pages).
pub fn text<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    s: &str,
    at: (i32, i32),
    size: u32,
    style: FontStyle,
    color: RGBColor,
) -> Result<(), ChartError> {
    let font = (FONT, size).into_font().style(style).color(&color).pos(Pos::new(HPos::Left, VPos::Top));
    area.draw(&Text::new(s.to_string(), at, font)).map_err(|e| ChartError::Draw(e.to_string()))
}

/// How a legend entry shows its series.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Swatch {
    /// A short line of the series' width.
    Line(u32),
    /// A filled block (bars, a shaded band), at this opacity.
    Block(f64),
    /// A dot (marks such as reported NAVs).
    Dot,
}

/// One entry of a legend: what it is called and how its series looks.
#[derive(Debug, Clone, PartialEq)]
pub struct LegendEntry {
    pub label: String,
    pub color: RGBColor,
    pub swatch: Swatch,
}

/// The height of a legend row, in pixels.
pub const LEGEND_ROW: u32 = 20;
const SWATCH_W: u32 = 16;
const ENTRY_GAP: u32 = 20;

/// Entries placed left to right in rows no wider than `avail`, given each entry's width:
/// the indices on each row. An entry wider than a row gets a row of its own. Pure.
pub fn legend_rows(widths: &[u32], avail: u32) -> Vec<Vec<usize>> {
    let mut rows: Vec<Vec<usize>> = Vec::new();
    let mut used = 0;
    for (i, w) in widths.iter().enumerate() {
        match rows.last_mut() {
            Some(row) if used + ENTRY_GAP + w <= avail => {
                row.push(i);
                used += ENTRY_GAP + w;
            }
            _ => {
                rows.push(vec![i]);
                used = *w;
            }
        }
    }
    rows
}

fn legend_font() -> plotters::style::TextStyle<'static> {
    use plotters::style::text_anchor::{HPos, Pos, VPos};
    use plotters::style::IntoFont;
    (FONT, 14).into_font().color(&TEXT).pos(Pos::new(HPos::Left, VPos::Center))
}

/// The legend, drawn as rows of entries in a strip across the top of `area` starting at
/// `x0`, outside the plot, so it never covers data (a legend inside the plot sat over the
/// lines wherever they ran). Returns the area left below the strip. One entry or none
/// draws no legend: the chart's title names a lone series.
pub fn legend_strip<DB: plotters::prelude::DrawingBackend>(
    area: &plotters::drawing::DrawingArea<DB, plotters::coord::Shift>,
    entries: &[LegendEntry],
    x0: i32,
) -> Result<plotters::drawing::DrawingArea<DB, plotters::coord::Shift>, super::ChartError> {
    use plotters::prelude::*;
    let fail = |e: &dyn std::fmt::Display| super::ChartError::Draw(e.to_string());
    if entries.len() < 2 {
        return Ok(area.margin(0, 0, 0, 0));
    }
    let font = legend_font();
    let mut widths = Vec::with_capacity(entries.len());
    for e in entries {
        let (w, _) = area.estimate_text_size(&e.label, &font).map_err(|e| fail(&e))?;
        widths.push(SWATCH_W + 6 + w);
    }
    let (width, _) = area.dim_in_pixel();
    let rows = legend_rows(&widths, width.saturating_sub(x0.max(0) as u32 + 10));
    let height = LEGEND_ROW * rows.len() as u32 + 6;
    for (r, row) in rows.iter().enumerate() {
        let y = 4 + (LEGEND_ROW * r as u32 + LEGEND_ROW / 2) as i32;
        let mut x = x0;
        for &i in row {
            let e = &entries[i];
            let c = e.color;
            match e.swatch {
                Swatch::Line(w) => {
                    area.draw(&PathElement::new(vec![(x, y), (x + SWATCH_W as i32, y)], c.stroke_width(w.max(2))))
                }
                Swatch::Block(a) => {
                    area.draw(&Rectangle::new([(x, y - 5), (x + SWATCH_W as i32, y + 5)], c.mix(a).filled()))
                }
                Swatch::Dot => area.draw(&Circle::new((x + SWATCH_W as i32 / 2, y), 4, c.filled())),
            }
            .map_err(|e| fail(&e))?;
            area.draw(&Text::new(e.label.clone(), (x + SWATCH_W as i32 + 6, y), font.clone())).map_err(|e| fail(&e))?;
            x += (widths[i] + ENTRY_GAP) as i32;
        }
    }
    Ok(area.margin(height, 0, 0, 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legend_entries_fill_rows_left_to_right_and_wrap() {
        // 100 + 20 + 100 + 20 + 100 = 340 fits 350; the fourth starts a row.
        assert_eq!(legend_rows(&[100, 100, 100, 100], 350), vec![vec![0, 1, 2], vec![3]]);
        assert_eq!(legend_rows(&[500, 10], 300), vec![vec![0], vec![1]], "a too-wide entry gets its own row");
        assert!(legend_rows(&[], 300).is_empty());
    }
}
