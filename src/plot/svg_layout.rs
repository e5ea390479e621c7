//! Reads a drawn chart back from its SVG: the plot areas (found from their axis lines),
//! the series drawn in them (strokes and fills in the series colours), and where each text
//! sits (estimated from its position, anchor, font size and length). Layout tests use it
//! to check that no text covers data and that no plot is left empty, on what a reader
//! actually gets rather than on the chart's description.
use roxmltree::{Document, Node};

use super::theme;

/// An axis-aligned box in SVG pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

impl Rect {
    fn contains(&self, (x, y): (f64, f64)) -> bool {
        x > self.x0 && x < self.x1 && y > self.y0 && y < self.y1
    }
    fn intersects(&self, o: &Rect) -> bool {
        self.x0 < o.x1 && o.x0 < self.x1 && self.y0 < o.y1 && o.y0 < self.y1
    }
    fn grow(&self, by: f64) -> Rect {
        Rect { x0: self.x0 - by, y0: self.y0 - by, x1: self.x1 + by, y1: self.y1 + by }
    }
}

/// A text element and the box it covers.
#[derive(Debug, Clone, PartialEq)]
pub struct TextBox {
    pub text: String,
    pub rect: Rect,
}

/// One drawn series element: the points along its strokes (sampled every 2 px) and the
/// areas it fills.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Series {
    pub color: String,
    pub points: Vec<(f64, f64)>,
    pub areas: Vec<Rect>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Layout {
    pub plots: Vec<Rect>,
    pub texts: Vec<TextBox>,
    pub series: Vec<Series>,
}

/// The colours series are drawn in (the palette, and up/down for signed bars), as the
/// SVG writes them.
fn series_colours() -> Vec<String> {
    theme::PALETTE
        .iter()
        .chain([&theme::UP, &theme::DOWN])
        .map(|c| format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2))
        .collect()
}

fn num(n: &Node, name: &str) -> Option<f64> {
    n.attribute(name)?.trim().trim_end_matches("px").parse().ok()
}

fn points(n: &Node) -> Vec<(f64, f64)> {
    let nums: Vec<f64> = n
        .attribute("points")
        .unwrap_or("")
        .split([' ', ',', '\n', '\t'])
        .filter(|s| !s.is_empty())
        .filter_map(|s| s.parse().ok())
        .collect();
    nums.chunks_exact(2).map(|c| (c[0], c[1])).collect()
}

/// Points every 2 px along a polyline, so a text box between two far-apart vertices of a
/// coarse series (quarterly, monthly) still counts as covering it.
fn sampled(pts: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let mut out = Vec::with_capacity(pts.len());
    for w in pts.windows(2) {
        let ((ax, ay), (bx, by)) = (w[0], w[1]);
        let steps = ((bx - ax).hypot(by - ay) / 2.0).ceil().max(1.0) as usize;
        out.extend((0..steps).map(|i| {
            let t = i as f64 / steps as f64;
            (ax + (bx - ax) * t, ay + (by - ay) * t)
        }));
    }
    out.extend(pts.last());
    out
}

/// The box a `<text>` covers, from how plotters (and the page code) write it: `dy` gives
/// the vertical anchor, `text-anchor` the horizontal one, and a `rotate(a, x, y)` turns the
/// box about its anchor. The width is estimated at 0.62 em a character, a little wider
/// than DejaVu Sans' average, so the estimate errs towards finding overlaps.
fn text_box(n: &Node) -> Option<TextBox> {
    let text: String =
        n.descendants().filter(|d| d.is_text()).filter_map(|d| d.text()).collect::<String>().trim().to_string();
    if text.is_empty() {
        return None;
    }
    let (x, y) = (num(n, "x")?, num(n, "y")?);
    let size = num(n, "font-size").unwrap_or(16.0);
    let w = text.chars().count() as f64 * size * 0.62;
    let x0 = match n.attribute("text-anchor") {
        Some("middle") => x - w / 2.0,
        Some("end") => x - w,
        _ => x,
    };
    let y0 = match n.attribute("dy") {
        Some("0.76em") => y,
        Some("0.5ex") => y - size / 2.0,
        Some("-0.5ex") => y - size,
        // A baseline: most of the glyphs are above it.
        _ => y - size * 0.8,
    };
    let mut rect = Rect { x0, y0, x1: x0 + w, y1: y0 + size };
    if let Some(rot) = n.attribute("transform").and_then(|t| t.strip_prefix("rotate(")) {
        let angle: f64 = rot.split([',', ' ', ')']).next()?.parse().ok()?;
        let turn = |(px, py): (f64, f64)| {
            let (s, c) = angle.to_radians().sin_cos();
            let (dx, dy) = (px - x, py - y);
            (x + dx * c - dy * s, y + dx * s + dy * c)
        };
        let (a, b) = (turn((rect.x0, rect.y0)), turn((rect.x1, rect.y1)));
        rect = Rect { x0: a.0.min(b.0), y0: a.1.min(b.1), x1: a.0.max(b.0), y1: a.1.max(b.1) };
    }
    Some(TextBox { text, rect })
}

fn opacity(n: &Node) -> f64 {
    n.attribute("opacity").and_then(|o| o.parse().ok()).unwrap_or(1.0)
}

/// Reads the layout of an SVG drawn by the chart code.
///
/// # Errors
/// When the text is not well-formed XML.
pub fn read(svg: &str) -> Result<Layout, String> {
    let doc = Document::parse(svg).map_err(|e| e.to_string())?;
    let colours = series_colours();
    let axis = format!("#{:02X}{:02X}{:02X}", theme::AXIS.0, theme::AXIS.1, theme::AXIS.2);
    let mut layout = Layout::default();
    let (mut verticals, mut horizontals) = (Vec::new(), Vec::new());
    for n in doc.descendants().filter(|n| n.is_element()) {
        let stroke = n.attribute("stroke").unwrap_or("").to_ascii_uppercase();
        let fill = n.attribute("fill").unwrap_or("").to_ascii_uppercase();
        match n.tag_name().name() {
            // Faint text (the DEMO watermark) is meant to lie across the plot.
            "text" if opacity(&n) >= 0.3 => layout.texts.extend(text_box(&n)),
            "polyline" | "line" => {
                let pts = if n.tag_name().name() == "line" {
                    match (num(&n, "x1"), num(&n, "y1"), num(&n, "x2"), num(&n, "y2")) {
                        (Some(a), Some(b), Some(c), Some(d)) => vec![(a, b), (c, d)],
                        _ => continue,
                    }
                } else {
                    points(&n)
                };
                if stroke == axis && pts.len() == 2 {
                    let ((ax, ay), (bx, by)) = (pts[0], pts[1]);
                    if (ax - bx).abs() < 0.5 && (ay - by).abs() > 30.0 {
                        verticals.push((ax, ay.min(by), ay.max(by)));
                    } else if (ay - by).abs() < 0.5 && (ax - bx).abs() > 30.0 {
                        horizontals.push((ay, ax.min(bx), ax.max(bx)));
                    }
                } else if colours.contains(&stroke) && pts.len() >= 2 {
                    // A one-point polyline draws nothing: it is no series a reader sees.
                    layout.series.push(Series { color: stroke, points: sampled(&pts), areas: Vec::new() });
                }
            }
            "polygon" if colours.contains(&fill) => {
                layout.series.push(Series { color: fill, points: sampled(&points(&n)), areas: Vec::new() });
            }
            "rect" if colours.contains(&fill) => {
                if let (Some(x), Some(y), Some(w), Some(h)) =
                    (num(&n, "x"), num(&n, "y"), num(&n, "width"), num(&n, "height"))
                {
                    layout.series.push(Series {
                        color: fill,
                        points: Vec::new(),
                        areas: vec![Rect { x0: x, y0: y, x1: x + w, y1: y + h }],
                    });
                }
            }
            "circle" if colours.contains(&fill) => {
                if let (Some(cx), Some(cy), Some(r)) = (num(&n, "cx"), num(&n, "cy"), num(&n, "r")) {
                    let area = Rect { x0: cx - r, y0: cy - r, x1: cx + r, y1: cy + r };
                    layout.series.push(Series { color: fill, points: vec![(cx, cy)], areas: vec![area] });
                }
            }
            _ => {}
        }
    }
    // A plot: a y axis (vertical) whose foot meets the start of an x axis (horizontal).
    for (x, top, bottom) in verticals {
        if let Some((_, _, right)) =
            horizontals.iter().find(|(y, l, _)| (y - bottom).abs() <= 3.0 && (l - x).abs() <= 3.0)
        {
            layout.plots.push(Rect { x0: x, y0: top, x1: *right, y1: bottom });
        }
    }
    Ok(layout)
}

impl Layout {
    /// The series elements with something inside `plot`.
    pub fn series_in(&self, plot: &Rect) -> Vec<&Series> {
        self.series
            .iter()
            .filter(|s| s.points.iter().any(|p| plot.contains(*p)) || s.areas.iter().any(|a| a.intersects(plot)))
            .collect()
    }

    /// Texts that lie over a series inside a plot: "text 'Gold' covers a #005AB5 series".
    pub fn text_over_series(&self) -> Vec<String> {
        let mut out = Vec::new();
        for t in &self.texts {
            // A pixel of slack: a label may touch a line's end without hiding it.
            let r = t.rect.grow(-1.0);
            for plot in &self.plots {
                if !r.intersects(plot) {
                    continue;
                }
                let inside = |p: &(f64, f64)| plot.contains(*p) && r.contains(*p);
                let clip = |a: &Rect| Rect {
                    x0: a.x0.max(plot.x0),
                    y0: a.y0.max(plot.y0),
                    x1: a.x1.min(plot.x1),
                    y1: a.y1.min(plot.y1),
                };
                if let Some(s) = self
                    .series
                    .iter()
                    .find(|s| s.points.iter().any(inside) || s.areas.iter().any(|a| clip(a).intersects(&r)))
                {
                    out.push(format!("text '{}' at {:?} covers a {} series", t.text, t.rect, s.color));
                    break;
                }
            }
        }
        out
    }

    /// Plots with no series drawn in them.
    pub fn empty_plots(&self) -> Vec<Rect> {
        self.plots.iter().filter(|p| self.series_in(p).is_empty()).copied().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const AXES: &str = r##"<polyline fill="none" stroke="#9AA1AB" points="100,10 100,200"/><polyline fill="none" stroke="#9AA1AB" points="100,200 500,200"/>"##;

    fn svg(body: &str) -> String {
        format!(r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 600 300">{AXES}{body}</svg>"#)
    }

    #[test]
    fn a_plot_is_found_from_its_axes_and_a_line_in_it_is_its_series() {
        let l = read(&svg(r##"<polyline fill="none" stroke="#005AB5" points="110,150 490,50"/>"##)).unwrap();
        assert_eq!(l.plots, vec![Rect { x0: 100.0, y0: 10.0, x1: 500.0, y1: 200.0 }]);
        assert_eq!(l.series_in(&l.plots[0]).len(), 1);
        assert!(l.empty_plots().is_empty());
        assert!(l.text_over_series().is_empty());
    }

    #[test]
    fn text_over_a_line_between_its_vertices_is_found() {
        // The line runs from (110,150) to (490,50): at x = 300 it is at y = 100.
        let over = r##"<polyline fill="none" stroke="#005AB5" points="110,150 490,50"/><text x="280" y="95" dy="0.76em" text-anchor="start" font-size="11">Gold</text>"##;
        let found = read(&svg(over)).unwrap().text_over_series();
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("'Gold'"));
        // The same text in the empty corner, or faint (a watermark), is fine.
        let clear = r##"<polyline fill="none" stroke="#005AB5" points="110,150 490,50"/><text x="120" y="20" dy="0.76em" font-size="11">Gold</text><text x="300" y="100" dy="0.5ex" text-anchor="middle" font-size="60" opacity="0.12">DEMO</text>"##;
        assert!(read(&svg(clear)).unwrap().text_over_series().is_empty());
    }

    #[test]
    fn text_over_a_bar_is_found_and_an_empty_plot_is_reported() {
        let bar = r##"<rect x="200" y="120" width="40" height="80" fill="#E69F00"/><text x="220" y="150" dy="0.5ex" text-anchor="middle" font-size="11">12</text>"##;
        assert_eq!(read(&svg(bar)).unwrap().text_over_series().len(), 1);
        let l = read(&svg("")).unwrap();
        assert_eq!(l.empty_plots().len(), 1);
    }

    #[test]
    fn a_one_point_line_draws_nothing_and_leaves_its_plot_empty() {
        let l = read(&svg(r##"<polyline fill="none" stroke="#009E73" points="300,100"/>"##)).unwrap();
        assert_eq!(l.empty_plots().len(), 1);
    }

    #[test]
    fn rotated_text_is_boxed_along_its_turn() {
        let l = read(&svg(r##"<text x="50" y="100" dy="0.76em" text-anchor="middle" font-size="10" transform="rotate(270, 50, 100)">USD bn</text>"##)).unwrap();
        let r = l.texts[0].rect;
        assert!(r.y1 - r.y0 > r.x1 - r.x0, "tall, not wide: {r:?}");
    }
}
