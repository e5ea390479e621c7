//! Bars by period or category: one or more series side by side per category (filings and
//! pricings per quarter, dollars per quarter), on a shared value axis from zero.
use plotters::coord::Shift;
use plotters::prelude::*;

use super::theme::{self, FONT};
use super::time_series::{axis_value, padded_range};
use super::ChartError;

#[derive(Debug, Clone)]
pub struct BarSeries {
    pub label: String,
    /// One value per category; `None` draws nothing there.
    pub values: Vec<Option<f64>>,
    pub color: RGBColor,
}

#[derive(Debug, Clone)]
pub struct BarChart {
    pub title: String,
    pub desc: String,
    pub width: u32,
    pub height: u32,
    pub categories: Vec<String>,
    pub series: Vec<BarSeries>,
    pub value_desc: Option<String>,
    pub watermark: Option<String>,
    /// A line across the categories read against a second axis on the right (net
    /// liquidity beside filing counts), with what that axis measures.
    pub line: Option<BarSeries>,
    pub line_desc: Option<String>,
}

impl BarChart {
    pub fn new(title: impl Into<String>, desc: impl Into<String>, width: u32, height: u32) -> Self {
        BarChart {
            title: title.into(),
            desc: desc.into(),
            width,
            height,
            categories: Vec::new(),
            series: Vec::new(),
            value_desc: None,
            watermark: None,
            line: None,
            line_desc: None,
        }
    }
}

fn err<E: std::fmt::Display>(e: E) -> ChartError {
    ChartError::Draw(e.to_string())
}

pub fn render_svg(chart: &BarChart, id: &str) -> Result<String, ChartError> {
    theme::ensure_fonts();
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, (chart.width, chart.height)).into_drawing_area();
        draw(chart, &root)?;
        root.present().map_err(err)?;
    }
    Ok(super::svg::accessible(&buf, id, &chart.title, &chart.desc))
}

/// Every `step`-th category gets a label, so labels never overlap.
pub fn label_step(categories: usize, width: u32) -> usize {
    let fit = (width as usize / 70).max(1);
    categories.div_ceil(fit).max(1)
}

/// The legend: the bar series, then the line (right axis).
pub fn legend(chart: &BarChart) -> Vec<theme::LegendEntry> {
    use theme::{LegendEntry, Swatch};
    let mut out: Vec<LegendEntry> = chart
        .series
        .iter()
        .map(|s| LegendEntry { label: s.label.clone(), color: s.color, swatch: Swatch::Block(1.0) })
        .collect();
    if let Some(l) = &chart.line {
        out.push(LegendEntry { label: format!("{} (right axis)", l.label), color: l.color, swatch: Swatch::Line(2) });
    }
    out
}

pub fn draw<DB: DrawingBackend>(chart: &BarChart, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
    let n = chart.categories.len();
    let values = chart.series.iter().flat_map(|s| s.values.iter().flatten().copied()).filter(|v| v.is_finite());
    let (lo, hi) = values.fold((0.0f64, 0.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    if n == 0 || chart.series.is_empty() {
        return Err(ChartError::Empty("no categories"));
    }
    let (y0, y1) = padded_range(lo, if hi > lo { hi } else { lo + 1.0 });
    let y0 = if lo >= 0.0 { 0.0 } else { y0 };
    let line_values: Vec<f64> =
        chart.line.iter().flat_map(|l| l.values.iter().flatten().copied()).filter(|v| v.is_finite()).collect();
    let dual = !line_values.is_empty();
    let (r0, r1) = padded_range(
        line_values.iter().copied().fold(f64::INFINITY, f64::min),
        line_values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
    );
    root.fill(&WHITE).map_err(err)?;
    let left_area = if chart.value_desc.is_some() { 84 } else { 64 };
    let area = theme::legend_strip(root, &legend(chart), 6 + left_area)?;
    let mut builder = ChartBuilder::on(&area);
    builder
        .margin_top(10)
        .margin_right(if dual { 6 } else { 16 })
        .margin_left(6)
        .x_label_area_size(30)
        .y_label_area_size(left_area);
    if dual {
        builder.right_y_label_area_size(if chart.line_desc.is_some() { 84 } else { 64 });
    }
    let mut cc =
        builder.build_cartesian_2d(0.0..n as f64, y0..y1).map_err(err)?.set_secondary_coord(0.0..n as f64, r0..r1);
    let step = (y1 - y0) / 5.0;
    let y_fmt = |y: &f64| axis_value(*y, step);
    let r_step = (r1 - r0) / 5.0;
    let r_fmt = |y: &f64| axis_value(*y, r_step);
    let label_font = (FONT, 14).into_font().color(&theme::MUTED);
    if dual {
        let mut axes = cc.configure_secondary_axes();
        axes.y_labels(6).y_label_formatter(&r_fmt).axis_style(theme::AXIS).label_style(label_font.clone());
        if let Some(d) = &chart.line_desc {
            axes.y_desc(d.as_str());
        }
        axes.draw().map_err(err)?;
    }
    let mut mesh = cc.configure_mesh();
    mesh.disable_x_mesh()
        .x_labels(0)
        .y_labels(6)
        .y_label_formatter(&y_fmt)
        .light_line_style(theme::GRID.mix(0.5))
        .bold_line_style(theme::GRID)
        .axis_style(theme::AXIS)
        .label_style(label_font);
    if let Some(d) = &chart.value_desc {
        mesh.y_desc(d.as_str());
    }
    mesh.draw().map_err(err)?;

    if let Some(w) = &chart.watermark {
        let mid = (n as f64 / 2.0, (y0 + y1) / 2.0);
        cc.draw_series(std::iter::once(Text::new(w.clone(), mid, theme::watermark_style(chart.height))))
            .map_err(err)?;
    }

    let k = chart.series.len() as f64;
    let width = 0.8 / k;
    for (si, s) in chart.series.iter().enumerate() {
        let color = s.color;
        cc.draw_series(s.values.iter().enumerate().filter_map(|(ci, v)| {
            let v = (*v)?;
            let x = ci as f64 + 0.1 + si as f64 * width;
            Some(Rectangle::new([(x, 0.0), (x + width * 0.92, v)], color.filled()))
        }))
        .map_err(err)?;
    }
    if let Some(line) = chart.line.as_ref().filter(|_| dual) {
        // Through the middle of each category; a gap where a category has no value.
        let pts: Vec<(f64, f64)> = line
            .values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.filter(|v| v.is_finite()).map(|v| (i as f64 + 0.5, v)))
            .collect();
        cc.draw_secondary_series(LineSeries::new(pts.clone(), line.color.stroke_width(2))).map_err(err)?;
        cc.draw_secondary_series(pts.into_iter().map(|p| Circle::new(p, 3, line.color.filled()))).map_err(err)?;
    }

    let (bx, by) = area.get_base_pixel();
    let font = (FONT, 13).into_font().color(&theme::MUTED).pos(plotters::style::text_anchor::Pos::new(
        plotters::style::text_anchor::HPos::Center,
        plotters::style::text_anchor::VPos::Top,
    ));
    let every = label_step(n, chart.width);
    for (i, c) in chart.categories.iter().enumerate() {
        // The last category is labelled too, unless that would crowd its neighbour's label.
        if i % every == 0 || (i == n - 1 && i % every * 2 > every) {
            let (px, py) = cc.backend_coord(&(i as f64 + 0.5, y0));
            area.draw(&Text::new(c.clone(), (px - bx, py - by + 6), font.clone())).map_err(err)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_thin_out_when_categories_crowd() {
        assert_eq!(label_step(8, 880), 1);
        assert_eq!(label_step(40, 880), 4);
        assert_eq!(label_step(3, 100), 3);
    }

    #[test]
    fn grouped_bars_draw_one_rectangle_per_value_with_labels_and_legend() {
        let mut c = BarChart::new("IPO window", "S-1/F-1 filings and pricings per quarter.", 640, 260);
        c.categories = vec!["2025Q1".into(), "2025Q2".into(), "2025Q3".into()];
        c.series.push(BarSeries {
            label: "Filed".into(),
            values: vec![Some(12.0), Some(20.0), None],
            color: theme::PALETTE[0],
        });
        c.series.push(BarSeries {
            label: "Priced".into(),
            values: vec![Some(4.0), Some(9.0), Some(3.0)],
            color: theme::PALETTE[1],
        });
        let svg = render_svg(&c, "ipo").unwrap();
        let fills = |hex: &str| svg.matches(&format!("fill=\"{hex}\"")).count();
        // Five bars, plus one legend swatch per series.
        assert_eq!(fills("#005AB5"), 2 + 1, "filed bars");
        assert_eq!(fills("#E69F00"), 3 + 1, "priced bars");
        for label in ["2025Q1", "2025Q3", "Filed", "Priced"] {
            assert!(svg.contains(&format!("\n{label}\n")), "{label}");
        }
    }

    #[test]
    fn no_categories_is_an_error() {
        let c = BarChart::new("t", "d", 400, 200);
        assert!(matches!(render_svg(&c, "x"), Err(ChartError::Empty(_))));
    }
}
