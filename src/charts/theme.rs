//! The look every chart shares: font, colours, sizes. The font is DejaVu Sans, embedded
//! from the `dejavu` crate (its licence is the Bitstream Vera / public-domain one), so text
//! is measured and drawn the same on a machine with no system fonts.
use std::sync::Once;

use plotters::style::{FontStyle, RGBColor};

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
    use plotters::style::text_anchor::{HPos, Pos, VPos};
    use plotters::style::{Color, IntoFont};
    let size = (height as f64 * 0.3).clamp(24.0, 96.0) as u32;
    (FONT, size).into_font().style(FontStyle::Bold).color(&DOWN.mix(0.12)).pos(Pos::new(HPos::Center, VPos::Center))
}

/// The legend every chart draws: upper left, on a translucent white box.
pub fn draw_legend<'a, DB: plotters::prelude::DrawingBackend + 'a, CT: plotters::coord::CoordTranslate>(
    cc: &mut plotters::chart::ChartContext<'a, DB, CT>,
) -> Result<(), super::ChartError> {
    use plotters::prelude::*;
    cc.configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.85))
        .border_style(GRID)
        .label_font((FONT, 14).into_font().color(&TEXT))
        .draw()
        .map_err(|e| super::ChartError::Draw(e.to_string()))
}
