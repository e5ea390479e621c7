//! A chart as a download: the chart with a title above it and, below, its units, its
//! sources and the date of its newest data, and DEMO when the data is generated, all drawn
//! as text in the image. A PNG, SVG or PDF saved to disk or pasted elsewhere then still
//! says what it shows and where it came from, which the page around an inline chart used
//! to say for it.
use chrono::NaiveDate;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::png::Figure;
use super::theme::{self, text};
use super::time_series::{self, TimeChart};
use super::ChartError;

const HEADER: u32 = 40;
const LINE: u32 = 20;

/// What a download says about its chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Caption {
    pub title: String,
    /// What the values are in: "USD/troy oz", or per axis.
    pub units: String,
    /// Provider labels (`LBMA`, `FRED`, `DEMO`).
    pub sources: Vec<String>,
    /// The newest observation drawn.
    pub as_of: Option<NaiveDate>,
    /// Some of the data is generated.
    pub demo: bool,
}

impl Caption {
    /// The lines under the chart.
    pub fn footer(&self) -> Vec<String> {
        let sources = if self.sources.is_empty() { "none".to_string() } else { self.sources.join(", ") };
        let as_of = self.as_of.map(|d| format!("data as of {d}")).unwrap_or_else(|| "no data".into());
        let mut lines = vec![format!("Units: {}  ·  Sources: {sources}  ·  {as_of}", self.units)];
        if self.demo {
            lines.push("DEMO: generated data, not market data".into());
        }
        lines
    }
}

/// A chart and its caption, drawn together.
pub struct Framed<'a> {
    pub chart: &'a TimeChart,
    pub caption: Caption,
}

impl Framed<'_> {
    fn footer_height(&self) -> u32 {
        LINE * self.caption.footer().len() as u32 + 12
    }
}

impl Figure for Framed<'_> {
    fn size(&self) -> (u32, u32) {
        (self.chart.width, HEADER + self.chart.height + self.footer_height())
    }

    fn draw_on<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        area.fill(&WHITE).map_err(|e| ChartError::Draw(e.to_string()))?;
        let (_, h) = area.dim_in_pixel();
        let title =
            if self.caption.demo { format!("{} · DEMO", self.caption.title) } else { self.caption.title.clone() };
        text(area, &title, (12, 10), 20, FontStyle::Bold, theme::TEXT)?;
        let footer_top = h as i32 - self.footer_height() as i32 + 6;
        for (i, l) in self.caption.footer().iter().enumerate() {
            let color = if l.starts_with("DEMO") { theme::DOWN } else { theme::MUTED };
            text(area, l, (12, footer_top + (LINE * i as u32) as i32), 14, FontStyle::Normal, color)?;
        }
        let body = area.margin(HEADER, self.footer_height(), 0, 0);
        time_series::draw(self.chart, &body)
    }
}

/// The framed chart as SVG. `accessible` adds the `<title>` and `<desc>` screen readers
/// read (for a standalone SVG); a PDF page takes it without, as its title is already text.
pub fn render_svg(framed: &Framed, id: &str, accessible: bool) -> Result<String, ChartError> {
    theme::ensure_fonts();
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, framed.size()).into_drawing_area();
        framed.draw_on(&root)?;
        root.present().map_err(|e| ChartError::Draw(e.to_string()))?;
    }
    Ok(if accessible { super::svg::accessible(&buf, id, &framed.caption.title, &framed.chart.desc) } else { buf })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plot::time_series::Line;

    fn chart() -> TimeChart {
        let d0: NaiveDate = "2025-01-01".parse().unwrap();
        let mut c = TimeChart::new("Gold, 1Y", "Daily price.", 640, 260);
        let pts = (0..100).map(|i| (d0 + chrono::Days::new(i), 2000.0 + i as f64)).collect();
        c.lines.push(Line { label: "Gold".into(), points: pts, color: theme::PALETTE[0], width: 2 });
        c
    }

    fn caption(demo: bool) -> Caption {
        Caption {
            title: "Gold, 1Y".into(),
            units: "USD/troy oz".into(),
            sources: vec!["LBMA".into()],
            as_of: Some("2025-04-10".parse().unwrap()),
            demo,
        }
    }

    #[test]
    fn the_frame_says_title_units_sources_date_and_demo_as_text() {
        let c = chart();
        let svg = render_svg(&Framed { chart: &c, caption: caption(true) }, "g", false).unwrap();
        let l = crate::plot::svg_layout::read(&svg).unwrap();
        let texts: Vec<&str> = l.texts.iter().map(|t| t.text.as_str()).collect();
        assert!(texts.contains(&"Gold, 1Y · DEMO"), "{texts:?}");
        assert!(texts.contains(&"Units: USD/troy oz  ·  Sources: LBMA  ·  data as of 2025-04-10"), "{texts:?}");
        assert!(texts.contains(&"DEMO: generated data, not market data"), "{texts:?}");
        assert!(!svg.contains("<title"), "no accessible title for PDF pages");
        let plain = render_svg(&Framed { chart: &c, caption: caption(false) }, "g", true).unwrap();
        assert!(!plain.contains("DEMO") && plain.contains("<title id=\"g-title\">Gold, 1Y</title>"));
    }

    #[test]
    fn the_frame_adds_its_bands_to_the_chart_size() {
        let c = chart();
        let f = Framed { chart: &c, caption: caption(false) };
        assert_eq!(f.size(), (640, 260 + HEADER + LINE + 12));
        let d = Framed { chart: &c, caption: caption(true) };
        assert_eq!(d.size().1, f.size().1 + LINE, "a line more for DEMO");
    }
}
