//! Charts as PNG images, for downloads and for places that cannot show SVG (e-mail, chat
//! previews). The drawing is the very one the SVG gets ([`time_series::draw`]), made on
//! plotters' in-memory RGB bitmap and encoded with the `png` crate.
//!
//! `scale` renders at a higher resolution (2.0 for crisp downloads on high-density screens)
//! without changing the layout: the chart code works in fixed pixel sizes (margins, font
//! sizes, line widths), so instead of drawing a bigger chart, [`Scaled`] multiplies every
//! coordinate, width and font size on the way to the bitmap. A 2x PNG is the 1x image with
//! twice the detail, not a chart with smaller text.
use plotters::prelude::*;
use plotters::style::FontDesc;
use plotters_backend::{BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind};

use super::theme;
use super::time_series::{self, TimeChart};
use super::ChartError;

/// The largest scale accepted; more makes multi-hundred-megabyte buffers for no gain.
pub const MAX_SCALE: f64 = 4.0;

/// Something drawn at a fixed size on any plotters backend: a bare chart, or a chart in
/// its download frame ([`super::framed::Framed`]).
pub trait Figure {
    fn size(&self) -> (u32, u32);
    fn draw_on<DB: DrawingBackend>(&self, area: &DrawingArea<DB, plotters::coord::Shift>) -> Result<(), ChartError>;
}

impl Figure for TimeChart {
    fn size(&self) -> (u32, u32) {
        (self.width, self.height)
    }
    fn draw_on<DB: DrawingBackend>(&self, area: &DrawingArea<DB, plotters::coord::Shift>) -> Result<(), ChartError> {
        time_series::draw(self, area)
    }
}

/// Draws the figure as a PNG `scale` times its size (rounded). `scale` must be finite and
/// between 0.25 and [`MAX_SCALE`].
pub fn render_png<F: Figure>(figure: &F, scale: f64) -> Result<Vec<u8>, ChartError> {
    if !(0.25..=MAX_SCALE).contains(&scale) {
        return Err(ChartError::Draw(format!("scale {scale} is outside 0.25 to {MAX_SCALE}")));
    }
    let (width, height) = figure.size();
    if width == 0 || height == 0 {
        return Err(ChartError::Empty("a zero-sized chart"));
    }
    theme::ensure_fonts();
    let (w, h) = (px(width, scale), px(height, scale));
    let mut rgb = vec![0u8; w as usize * h as usize * 3];
    {
        let bitmap = BitMapBackend::with_buffer(&mut rgb, (w, h));
        let root = Scaled { inner: bitmap, scale, size: (width, height) }.into_drawing_area();
        figure.draw_on(&root)?;
        root.present().map_err(|e| ChartError::Draw(e.to_string()))?;
    }
    encode(&rgb, w, h)
}

fn px(n: u32, scale: f64) -> u32 {
    ((n as f64 * scale).round() as u32).max(1)
}

/// RGB bytes to a PNG file in memory. Default compression: a chart is mostly flat colour,
/// so it shrinks well and quickly.
fn encode(rgb: &[u8], w: u32, h: u32) -> Result<Vec<u8>, ChartError> {
    let enc_err = |e: png::EncodingError| ChartError::Draw(format!("png: {e}"));
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, w, h);
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    let mut writer = enc.write_header().map_err(enc_err)?;
    writer.write_image_data(rgb).map_err(enc_err)?;
    writer.finish().map_err(enc_err)?;
    Ok(out)
}

/// A backend that looks `size` big to the drawing code and draws `scale` times bigger on
/// the one it wraps: coordinates, stroke widths, radii and font sizes are multiplied; text
/// is measured at the logical size, so the layout is the same as at 1x.
struct Scaled<B> {
    inner: B,
    scale: f64,
    size: (u32, u32),
}

impl<B> Scaled<B> {
    fn at(&self, (x, y): BackendCoord) -> BackendCoord {
        ((x as f64 * self.scale).round() as i32, (y as f64 * self.scale).round() as i32)
    }

    fn len(&self, n: u32) -> u32 {
        ((n as f64 * self.scale).round() as u32).max(1)
    }
}

/// A style with its stroke width multiplied.
struct Wider {
    color: BackendColor,
    width: u32,
}

impl BackendStyle for Wider {
    fn color(&self) -> BackendColor {
        self.color
    }
    fn stroke_width(&self) -> u32 {
        self.width
    }
}

impl<B: DrawingBackend> Scaled<B> {
    fn wider<S: BackendStyle>(&self, style: &S) -> Wider {
        Wider { color: style.color(), width: self.len(style.stroke_width()) }
    }
}

impl<B: DrawingBackend> DrawingBackend for Scaled<B> {
    type ErrorType = B::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.size
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.inner.ensure_prepared()
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.inner.present()
    }

    fn draw_pixel(&mut self, p: BackendCoord, color: BackendColor) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        if self.scale == 1.0 {
            return self.inner.draw_pixel(p, color);
        }
        // A logical pixel is a filled square; the bitmap's filled rectangles end before
        // their bottom-right corner.
        let (a, b) = (self.at(p), self.at((p.0 + 1, p.1 + 1)));
        self.inner.draw_rect(a, b, &Wider { color, width: 1 }, true)
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        let style = self.wider(style);
        self.inner.draw_line(self.at(from), self.at(to), &style)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        let style = self.wider(style);
        self.inner.draw_rect(self.at(upper_left), self.at(bottom_right), &style, fill)
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        let style = self.wider(style);
        let path: Vec<_> = path.into_iter().map(|p| self.at(p)).collect();
        self.inner.draw_path(path, &style)
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        let style = self.wider(style);
        self.inner.draw_circle(self.at(center), self.len(radius), &style, fill)
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        let style = self.wider(style);
        let vert: Vec<_> = vert.into_iter().map(|p| self.at(p)).collect();
        self.inner.fill_polygon(vert, &style)
    }

    fn draw_text<T: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &T,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        // The same font at `scale` times the size, rasterised by the wrapped backend.
        let font = FontDesc::new(style.family(), style.size() * self.scale, style.style()).transform(style.transform());
        let scaled = TextStyle { font, color: style.color(), pos: style.anchor() };
        self.inner.draw_text(text, &scaled, self.at(pos))
    }

    fn estimate_text_size<T: BackendTextStyle>(
        &self,
        text: &str,
        style: &T,
    ) -> Result<(u32, u32), DrawingErrorKind<B::ErrorType>> {
        self.inner.estimate_text_size(text, style)
    }

    fn blit_bitmap(
        &mut self,
        pos: BackendCoord,
        (w, h): (u32, u32),
        src: &[u8],
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        if self.scale == 1.0 {
            return self.inner.blit_bitmap(pos, (w, h), src);
        }
        // Not used by the charts; pixel by pixel through `draw_pixel` is correct if slow.
        for y in 0..h {
            for x in 0..w {
                let i = (y * w + x) as usize * 3;
                let Some(p) = src.get(i..i + 3) else { return Ok(()) };
                let color = BackendColor { alpha: 1.0, rgb: (p[0], p[1], p[2]) };
                self.draw_pixel((pos.0 + x as i32, pos.1 + y as i32), color)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plot::{Band, Line};
    use chrono::NaiveDate;

    /// A price line with a band around it, as the detail page draws.
    fn chart(legend: &str) -> TimeChart {
        let start: NaiveDate = "2024-01-01".parse().unwrap();
        let pts: Vec<_> = (0..200)
            .map(|i| (start + chrono::Days::new(i), 100.0 + (i as f64 / 9.0).sin() * 20.0 + i as f64 / 10.0))
            .collect();
        let mut c = TimeChart::new("Gold", "Daily price.", 640, 240);
        c.lines.push(Line { label: legend.into(), points: pts.clone(), color: theme::PALETTE[0], width: 2 });
        c.band = Some(Band {
            label: "Range".into(),
            points: pts.iter().map(|(d, v)| (*d, v - 5.0, v + 5.0)).collect(),
            color: theme::PALETTE[1],
        });
        c
    }

    /// Decodes a PNG: (width, height, RGB bytes).
    fn decode(bytes: &[u8]) -> (u32, u32, Vec<u8>) {
        let mut reader = png::Decoder::new(bytes).read_info().expect("a valid PNG header");
        let mut buf = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buf).expect("valid PNG data");
        assert_eq!((info.color_type, info.bit_depth), (png::ColorType::Rgb, png::BitDepth::Eight));
        buf.truncate(info.buffer_size());
        (info.width, info.height, buf)
    }

    #[test]
    fn a_chart_renders_to_a_png_of_its_size_with_something_drawn() {
        let bytes = render_png(&chart("Close"), 1.0).unwrap();
        assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "the PNG signature");
        let (w, h, rgb) = decode(&bytes);
        assert_eq!((w, h), (640, 240));
        let mut colours: Vec<&[u8]> = rgb.chunks(3).collect();
        colours.sort_unstable();
        colours.dedup();
        assert!(colours.len() > 20, "lines, band, grid and anti-aliased text: {} colours", colours.len());
        // The first series colour is drawn as it is somewhere (the line).
        let blue = [theme::PALETTE[0].0, theme::PALETTE[0].1, theme::PALETTE[0].2];
        assert!(rgb.chunks(3).any(|p| p == blue), "the line is drawn");
    }

    #[test]
    fn text_is_drawn_with_the_embedded_font() {
        let (_, _, a) = decode(&render_png(&chart("Close"), 1.0).unwrap());
        let (_, _, b) = decode(&render_png(&chart("Settlement price"), 1.0).unwrap());
        let differ = a.chunks(3).zip(b.chunks(3)).filter(|(x, y)| x != y).count();
        assert!(differ > 100, "a different legend label changes the pixels: {differ} differ");

        // A watermark puts its (faint) text over the plot.
        let mut marked = chart("Close");
        marked.watermark = Some("DEMO".into());
        let (_, _, m) = decode(&render_png(&marked, 1.0).unwrap());
        let differ = a.chunks(3).zip(m.chunks(3)).filter(|(x, y)| x != y).count();
        assert!(differ > 1000, "the watermark is drawn: {differ} pixels differ");
    }

    #[test]
    fn scale_multiplies_the_size_and_keeps_the_layout() {
        let c = chart("Close");
        let (w, h, big) = decode(&render_png(&c, 2.0).unwrap());
        assert_eq!((w, h), (1280, 480));
        let (_, _, small) = decode(&render_png(&c, 1.0).unwrap());
        // Same layout: the 2x image shrunk to 1x (2x2 averages) looks like the 1x one. Lines
        // and glyph edges fall differently, so compare how many pixels are close, not all.
        let mut close = 0;
        for y in 0..240usize {
            for x in 0..640usize {
                let at = |xx: usize, yy: usize, c: usize| big[(yy * 1280 + xx) * 3 + c] as i32;
                let near = (0..3).all(|c| {
                    let avg = (at(2 * x, 2 * y, c)
                        + at(2 * x + 1, 2 * y, c)
                        + at(2 * x, 2 * y + 1, c)
                        + at(2 * x + 1, 2 * y + 1, c))
                        / 4;
                    (avg - small[(y * 640 + x) * 3 + c] as i32).abs() < 48
                });
                close += near as usize;
            }
        }
        let share = close as f64 / (640.0 * 240.0);
        assert!(share > 0.95, "the 2x image is the 1x one in more detail: {share:.3} of pixels match");
    }

    #[test]
    fn bad_scales_and_empty_charts_are_errors() {
        assert!(render_png(&chart("Close"), 0.0).is_err());
        assert!(render_png(&chart("Close"), f64::NAN).is_err());
        assert!(render_png(&chart("Close"), 100.0).is_err());
        let empty = TimeChart::new("t", "d", 400, 200);
        assert!(matches!(render_png(&empty, 1.0), Err(ChartError::Empty(_))));
    }
}
