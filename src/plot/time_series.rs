//! One renderer for every chart over time: lines, a shaded band, bars around zero and
//! horizontal reference lines, on a date axis. Price charts, indicator panels and the
//! compare view are all this chart with different parts.
use chrono::{Datelike, NaiveDate};
use plotters::coord::Shift;
use plotters::prelude::*;

use super::theme::{self, FONT};
use super::ChartError;

/// A line drawn through its points (oldest first).
#[derive(Debug, Clone)]
pub struct Line {
    pub label: String,
    pub points: Vec<(NaiveDate, f64)>,
    pub color: RGBColor,
    pub width: u32,
}

/// A shaded band between a lower and an upper value.
#[derive(Debug, Clone)]
pub struct Band {
    pub label: String,
    /// (date, lower, upper)
    pub points: Vec<(NaiveDate, f64, f64)>,
    pub color: RGBColor,
}

/// Bars from zero, coloured by sign (a MACD histogram).
#[derive(Debug, Clone)]
pub struct Bars {
    pub label: String,
    pub points: Vec<(NaiveDate, f64)>,
}

/// A horizontal line at a fixed value (RSI 30 and 70, zero).
#[derive(Debug, Clone)]
pub struct RefLine {
    pub value: f64,
    pub label: String,
}

/// The RSI panel's reference lines, labelled with what crossing them is read as.
pub fn rsi_bands() -> Vec<RefLine> {
    vec![RefLine { value: 70.0, label: "70 overbought".into() }, RefLine { value: 30.0, label: "30 oversold".into() }]
}

#[derive(Debug, Clone)]
pub struct TimeChart {
    /// Read by screen readers, and shown as the page's heading for the chart.
    pub title: String,
    /// What the chart shows and how it is computed, in a sentence or two.
    pub desc: String,
    pub width: u32,
    pub height: u32,
    pub lines: Vec<Line>,
    pub band: Option<Band>,
    pub bars: Option<Bars>,
    pub ref_lines: Vec<RefLine>,
    /// A fixed y range (RSI is 0 to 100); otherwise the data's range with a margin.
    pub y_range: Option<(f64, f64)>,
    /// Plot on a logarithmic axis (values must be positive; others are left out).
    pub log_scale: bool,
    /// Faint text across the plot, e.g. "DEMO" for generated data.
    pub watermark: Option<String>,
    /// Lines read against a second y axis on the right (another unit).
    pub right_lines: Vec<Line>,
    /// What each axis measures, written along it ("USD bn", "percent").
    pub left_desc: Option<String>,
    pub right_desc: Option<String>,
    /// Values drawn as dots on the left axis, not joined: dated marks such as reported
    /// NAVs, readable even when there is only one.
    pub marks: Vec<Line>,
    /// Room right of the plot at least this wide: panels stacked over one another set the
    /// same (and the same `left_desc` or none), so their date axes line up even when one
    /// labels reference lines in its margin.
    pub min_right_margin: Option<i32>,
}

impl TimeChart {
    pub fn new(title: impl Into<String>, desc: impl Into<String>, width: u32, height: u32) -> Self {
        TimeChart {
            title: title.into(),
            desc: desc.into(),
            width,
            height,
            lines: Vec::new(),
            band: None,
            bars: None,
            ref_lines: Vec::new(),
            y_range: None,
            log_scale: false,
            watermark: None,
            right_lines: Vec::new(),
            left_desc: None,
            right_desc: None,
            marks: Vec::new(),
            min_right_margin: None,
        }
    }

    fn dates(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.lines
            .iter()
            .chain(self.right_lines.iter())
            .chain(self.marks.iter())
            .flat_map(|l| l.points.iter().map(|p| p.0))
            .chain(self.band.iter().flat_map(|b| b.points.iter().map(|p| p.0)))
            .chain(self.bars.iter().flat_map(|b| b.points.iter().map(|p| p.0)))
    }

    /// The legend: bands, bars, lines, right-axis lines and marks, in drawing order.
    pub fn legend(&self) -> Vec<theme::LegendEntry> {
        use theme::{LegendEntry, Swatch};
        let mut out = Vec::new();
        if let Some(b) = &self.band {
            out.push(LegendEntry { label: b.label.clone(), color: b.color, swatch: Swatch::Block(0.25) });
        }
        if let Some(b) = &self.bars {
            out.push(LegendEntry { label: b.label.clone(), color: theme::UP, swatch: Swatch::Block(0.6) });
        }
        for l in &self.lines {
            out.push(LegendEntry { label: l.label.clone(), color: l.color, swatch: Swatch::Line(l.width) });
        }
        for l in &self.right_lines {
            out.push(LegendEntry {
                label: format!("{} (right axis)", l.label),
                color: l.color,
                swatch: Swatch::Line(l.width),
            });
        }
        for l in &self.marks {
            out.push(LegendEntry { label: l.label.clone(), color: l.color, swatch: Swatch::Dot });
        }
        out
    }

    fn values(&self) -> impl Iterator<Item = f64> + '_ {
        self.lines
            .iter()
            .chain(self.marks.iter())
            .flat_map(|l| l.points.iter().map(|p| p.1))
            .chain(self.band.iter().flat_map(|b| b.points.iter().flat_map(|p| [p.1, p.2])))
            .chain(self.bars.iter().flat_map(|b| b.points.iter().map(|p| p.1)))
            .chain(self.ref_lines.iter().map(|r| r.value))
            .filter(|v| v.is_finite())
    }
}

fn day(d: NaiveDate) -> f64 {
    d.num_days_from_ce() as f64
}

/// The y range with a 5% margin; a flat series gets a unit either side.
pub fn padded_range(min: f64, max: f64) -> (f64, f64) {
    if !(min.is_finite() && max.is_finite()) {
        return (0.0, 1.0);
    }
    if max > min {
        let pad = (max - min) * 0.05;
        (min - pad, max + pad)
    } else {
        let pad = if min == 0.0 { 1.0 } else { min.abs() * 0.05 };
        (min - pad, max + pad)
    }
}

/// An axis label for a value: thousands separators, and only the decimals the step needs.
pub fn axis_value(v: f64, step: f64) -> String {
    let decimals = if step >= 1.0 || step <= 0.0 { 0 } else { (-step.log10().floor()) as usize };
    let text = format!("{:.*}", decimals.min(6), v);
    let (sign, digits) = text.strip_prefix('-').map(|d| ("-", d)).unwrap_or(("", text.as_str()));
    let (int, frac) = digits.split_once('.').map(|(i, f)| (i, Some(f))).unwrap_or((digits, None));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// How far apart date ticks are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TickStep {
    Weeks(u32),
    Months(u32),
    Years(i32),
}

impl TickStep {
    /// A tick's label, as fine as the step: years, months, or days.
    pub fn label(self, d: NaiveDate) -> String {
        match self {
            TickStep::Years(_) => d.format("%Y").to_string(),
            TickStep::Months(_) => d.format("%b %Y").to_string(),
            TickStep::Weeks(_) => d.format("%d %b").to_string(),
        }
    }
}

/// Calendar-aligned ticks between two dates: Mondays, first days of months (every 1, 2, 3
/// or 6 months, aligned to January) or first days of years (every 1, 2, 5, 10 or 20
/// years, aligned to multiples), the finest step that gives at most `max` ticks. Pure.
pub fn date_ticks(from: NaiveDate, to: NaiveDate, max: usize) -> (TickStep, Vec<NaiveDate>) {
    const STEPS: [TickStep; 12] = [
        TickStep::Weeks(1),
        TickStep::Weeks(2),
        TickStep::Months(1),
        TickStep::Months(2),
        TickStep::Months(3),
        TickStep::Months(6),
        TickStep::Years(1),
        TickStep::Years(2),
        TickStep::Years(5),
        TickStep::Years(10),
        TickStep::Years(20),
        TickStep::Years(50),
    ];
    let ticks = |step: TickStep| -> Vec<NaiveDate> {
        let mut out = Vec::new();
        match step {
            TickStep::Weeks(k) => {
                let back = from.weekday().num_days_from_monday() as u64;
                let mut d = from - chrono::Days::new(back);
                if d < from {
                    d = d + chrono::Days::new(7);
                }
                while d <= to {
                    out.push(d);
                    d = d + chrono::Days::new(7 * k as u64);
                }
            }
            TickStep::Months(k) => {
                let (mut y, mut m) = (from.year(), from.month());
                loop {
                    if let Some(d) = NaiveDate::from_ymd_opt(y, m, 1) {
                        if d > to {
                            break;
                        }
                        if d >= from && (m - 1) % k == 0 {
                            out.push(d);
                        }
                    }
                    (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
                }
            }
            TickStep::Years(k) => {
                for y in from.year()..=to.year() {
                    if let Some(d) = NaiveDate::from_ymd_opt(y, 1, 1) {
                        if d >= from && d <= to && y.rem_euclid(k) == 0 {
                            out.push(d);
                        }
                    }
                }
            }
        }
        out
    };
    for step in STEPS {
        // Cheap bound first, so a 60-year span never walks week by week.
        let rough = match step {
            TickStep::Weeks(k) => (to - from).num_days() / (7 * k as i64),
            TickStep::Months(k) => (to - from).num_days() / (30 * k as i64),
            TickStep::Years(k) => (to - from).num_days() / (366 * k as i64),
        };
        if rough as usize > max + 1 {
            continue;
        }
        let t = ticks(step);
        if t.len() <= max {
            return (step, t);
        }
    }
    (TickStep::Years(100), ticks(TickStep::Years(100)))
}

/// Value-axis ticks for a logarithmic axis from `lo` to `hi` (both positive): round values
/// 1, 2 and 5 x 10^n; only the powers of ten (every k-th) when those are more than `max`;
/// for a range too narrow to hold three of them, 1 to 9 x 10^n, then evenly spaced round
/// values ([`linear_ticks`]). Pure.
pub fn log_ticks(lo: f64, hi: f64, max: usize) -> Vec<f64> {
    if !(lo > 0.0 && hi > lo && hi.is_finite()) || max < 2 {
        return Vec::new();
    }
    let (n0, n1) = (lo.log10().floor() as i32, hi.log10().ceil() as i32);
    let within = |v: f64| v >= lo * (1.0 - 1e-9) && v <= hi * (1.0 + 1e-9);
    let series = |mults: &[f64], every: i32| -> Vec<f64> {
        (n0..=n1)
            .filter(|n| n.rem_euclid(every) == 0)
            .flat_map(|n| mults.iter().map(move |m| m * 10f64.powi(n)))
            .filter(|v| within(*v))
            .collect()
    };
    let ones_twos_fives = series(&[1.0, 2.0, 5.0], 1);
    if ones_twos_fives.len() > max {
        let decades = series(&[1.0], 1).len();
        let every = decades.div_ceil(max).max(1) as i32;
        return series(&[1.0], every);
    }
    if ones_twos_fives.len() >= 3 {
        return ones_twos_fives;
    }
    let digits = series(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0], 1);
    if (3..=max).contains(&digits.len()) {
        return digits;
    }
    linear_ticks(lo, hi, max)
}

/// Evenly spaced ticks from `lo` to `hi` at a round step (1, 2 or 5 x 10^n), the finest
/// step that gives at most `max`. Pure.
pub fn linear_ticks(lo: f64, hi: f64, max: usize) -> Vec<f64> {
    if !(lo.is_finite() && hi.is_finite() && hi > lo) || max < 2 {
        return Vec::new();
    }
    let mut exp = ((hi - lo) / max as f64).log10().floor() as i32 - 1;
    loop {
        for m in [1.0, 2.0, 5.0] {
            let step = m * 10f64.powi(exp);
            let first = (lo / step - 1e-9).ceil() as i64;
            let last = (hi / step + 1e-9).floor() as i64;
            if last >= first && (last - first + 1) as usize <= max {
                return (first..=last).map(|k| k as f64 * step).collect();
            }
        }
        exp += 1;
    }
}

/// A tick's label with the decimals that tell it from its neighbours.
fn tick_label(ticks: &[f64], i: usize) -> String {
    let v = ticks[i];
    let gap = [i.checked_sub(1).map(|j| v - ticks[j]), ticks.get(i + 1).map(|n| n - v)]
        .into_iter()
        .flatten()
        .fold(v.abs(), f64::min);
    axis_value(v, gap)
}

/// Draws the chart as SVG, with its title and description inside for screen readers.
/// `id` must be unique on the page.
pub fn render_svg(chart: &TimeChart, id: &str) -> Result<String, ChartError> {
    theme::ensure_fonts();
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, (chart.width, chart.height)).into_drawing_area();
        draw(chart, &root)?;
        root.present().map_err(|e| ChartError::Draw(e.to_string()))?;
    }
    Ok(super::svg::accessible(&buf, id, &chart.title, &chart.desc))
}

fn err<E: std::fmt::Display>(e: E) -> ChartError {
    ChartError::Draw(e.to_string())
}

/// Draws onto any plotters area, so SVG, PNG and PDF pages share one drawing. The legend
/// sits in a strip above the plot and reference-line labels right of it, so no text
/// covers the data.
pub fn draw<DB: DrawingBackend>(chart: &TimeChart, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
    use plotters::style::text_anchor::{HPos, Pos, VPos};
    let (x0, x1) = {
        let mut dates = chart.dates();
        let first = dates.next().ok_or(ChartError::Empty("no points"))?;
        dates.fold((first, first), |(lo, hi), d| (lo.min(d), hi.max(d)))
    };
    let max_ticks = (chart.width / 110).clamp(3, 10) as usize;
    let (tick_step, ticks) = date_ticks(x0, x1, max_ticks);
    let (x0, x1) = (day(x0), day(x1).max(day(x0) + 1.0));
    let log = chart.log_scale;
    // A log axis is a linear axis over ln(value) with labels turned back into values.
    let tf = |v: f64| if log { v.ln() } else { v };
    let keep = |v: f64| v.is_finite() && (!log || v > 0.0);
    let range_of = |values: &mut dyn Iterator<Item = f64>| {
        let (lo, hi) = values
            .filter(|v| keep(*v))
            .map(tf)
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)));
        padded_range(lo, hi)
    };
    let (y0, y1) = match chart.y_range {
        Some(r) => (tf(r.0), tf(r.1)),
        None => range_of(&mut chart.values()),
    };
    let dual = !chart.right_lines.is_empty();
    let (r0, r1) = if dual {
        range_of(&mut chart.right_lines.iter().flat_map(|l| l.points.iter().map(|p| p.1)))
    } else {
        (y0, y1)
    };

    root.fill(&WHITE).map_err(err)?;
    let label_font = (FONT, 14).into_font().color(&theme::MUTED);
    let ref_font = (FONT, 13).into_font().color(&theme::MUTED).pos(Pos::new(HPos::Left, VPos::Center));
    // Reference lines are labelled in the right margin (not over the plot), unless a
    // second axis has that side.
    let ref_labels: Vec<&RefLine> = if dual {
        Vec::new()
    } else {
        chart.ref_lines.iter().filter(|r| keep(r.value) && !r.label.is_empty()).collect()
    };
    let mut right_margin = chart.min_right_margin.unwrap_or(0).max(if dual { 6 } else { 16 });
    for r in &ref_labels {
        let (w, _) = root.estimate_text_size(&r.label, &ref_font).map_err(err)?;
        right_margin = right_margin.max(w as i32 + 12);
    }
    let left_area = if chart.left_desc.is_some() { 84 } else { 64 };
    let area = theme::legend_strip(root, &chart.legend(), 6 + left_area)?;
    let mut builder = ChartBuilder::on(&area);
    builder.margin_top(10).margin_right(right_margin).margin_left(6).x_label_area_size(26).y_label_area_size(left_area);
    if dual {
        builder.right_y_label_area_size(if chart.right_desc.is_some() { 84 } else { 64 });
    }
    let mut cc = builder.build_cartesian_2d(x0..x1, y0..y1).map_err(err)?.set_secondary_coord(x0..x1, r0..r1);
    let span = x1 - x0;
    // Log axes get their own ticks at round values; plotters would space them in ln terms.
    let most = (chart.height / 45).clamp(3, 9) as usize;
    let custom = |lo: f64, hi: f64| if log { log_ticks(lo.exp(), hi.exp(), most) } else { Vec::new() };
    let (y_ticks, r_ticks) = (custom(y0, y1), if dual { custom(r0, r1) } else { Vec::new() });
    let (y_step, r_step) = ((y1 - y0) / 5.0, (r1 - r0) / 5.0);
    let y_fmt = |y: &f64| axis_value(*y, y_step);
    let r_fmt = |y: &f64| axis_value(*y, r_step);
    if dual {
        let mut axes = cc.configure_secondary_axes();
        axes.y_labels(if log { 0 } else { 6 })
            .y_label_formatter(&r_fmt)
            .axis_style(theme::AXIS)
            .label_style(label_font.clone());
        if let Some(d) = &chart.right_desc {
            axes.y_desc(d.as_str());
        }
        axes.draw().map_err(err)?;
    }
    let mut mesh = cc.configure_mesh();
    if let Some(d) = &chart.left_desc {
        mesh.y_desc(d.as_str());
    }
    mesh.light_line_style(theme::GRID.mix(0.5))
        .bold_line_style(theme::GRID)
        .axis_style(theme::AXIS)
        // Date ticks are drawn below, on calendar boundaries plotters does not know about.
        .disable_x_mesh()
        .x_labels(0)
        .y_labels(if log { 0 } else { 6 })
        .y_label_formatter(&y_fmt)
        .label_style(label_font.clone())
        .draw()
        .map_err(err)?;

    let (bx, by) = area.get_base_pixel();
    let at = |p: (i32, i32)| (p.0 - bx, p.1 - by);
    cc.draw_series(ticks.iter().map(|t| PathElement::new(vec![(day(*t), y0), (day(*t), y1)], theme::GRID)))
        .map_err(err)?;
    let tick_font = label_font.pos(Pos::new(HPos::Center, VPos::Top));
    for t in &ticks {
        let (px, py) = at(cc.backend_coord(&(day(*t), y0)));
        area.draw(&Text::new(tick_step.label(*t), (px, py + 6), tick_font.clone())).map_err(err)?;
    }
    let value_font = |h: HPos| (FONT, 14).into_font().color(&theme::MUTED).pos(Pos::new(h, VPos::Center));
    for (i, v) in y_ticks.iter().enumerate() {
        let y = v.ln();
        cc.draw_series(std::iter::once(PathElement::new(vec![(x0, y), (x1, y)], theme::GRID))).map_err(err)?;
        let (px, py) = at(cc.backend_coord(&(x0, y)));
        area.draw(&Text::new(tick_label(&y_ticks, i), (px - 8, py), value_font(HPos::Right))).map_err(err)?;
    }
    for (i, v) in r_ticks.iter().enumerate() {
        let (px, py) = at(cc.borrow_secondary().backend_coord(&(x1, v.ln())));
        area.draw(&Text::new(tick_label(&r_ticks, i), (px + 8, py), value_font(HPos::Left))).map_err(err)?;
    }

    if let Some(w) = &chart.watermark {
        let mid = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
        cc.draw_series(std::iter::once(Text::new(w.clone(), mid, theme::watermark_style(chart.height))))
            .map_err(err)?;
    }

    if let Some(band) = &chart.band {
        let pts: Vec<_> = band.points.iter().filter(|p| keep(p.1) && keep(p.2)).collect();
        if pts.len() >= 2 {
            let outline: Vec<(f64, f64)> =
                pts.iter().map(|p| (day(p.0), tf(p.2))).chain(pts.iter().rev().map(|p| (day(p.0), tf(p.1)))).collect();
            cc.draw_series(std::iter::once(Polygon::new(outline, band.color.mix(0.14).filled()))).map_err(err)?;
        }
    }

    for r in &chart.ref_lines {
        if keep(r.value) {
            let y = tf(r.value);
            cc.draw_series(LineSeries::new([(x0, y), (x1, y)], theme::AXIS.stroke_width(1))).map_err(err)?;
        }
    }
    for r in &ref_labels {
        let (px, py) = at(cc.backend_coord(&(x1, tf(r.value))));
        area.draw(&Text::new(r.label.clone(), (px + 6, py), ref_font.clone())).map_err(err)?;
    }

    if let Some(bars) = &chart.bars {
        // Bars as wide as the spacing of the points, so weekly and daily data both read.
        let n = bars.points.len().max(1) as f64;
        let half = (span / n / 2.0).max(0.4);
        let base = if log { y0 } else { 0.0 };
        cc.draw_series(bars.points.iter().filter(|p| keep(p.1)).map(|(d, v)| {
            let color = if *v >= 0.0 { theme::UP } else { theme::DOWN };
            Rectangle::new([(day(*d) - half, base), (day(*d) + half, tf(*v))], color.mix(0.6).filled())
        }))
        .map_err(err)?;
    }

    for line in &chart.lines {
        let pts = line.points.iter().filter(|p| keep(p.1)).map(|(d, v)| (day(*d), tf(*v)));
        cc.draw_series(LineSeries::new(pts, line.color.stroke_width(line.width))).map_err(err)?;
    }
    for line in &chart.right_lines {
        let pts = line.points.iter().filter(|p| keep(p.1)).map(|(d, v)| (day(*d), tf(*v)));
        cc.draw_secondary_series(LineSeries::new(pts, line.color.stroke_width(line.width))).map_err(err)?;
    }
    for marks in &chart.marks {
        let c = marks.color;
        cc.draw_series(
            marks.points.iter().filter(|p| keep(p.1)).map(|(d, v)| Circle::new((day(*d), tf(*v)), 4, c.filled())),
        )
        .map_err(err)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// The text content of every `<text>` element.
    fn texts(svg: &str) -> Vec<String> {
        svg.split("<text")
            .skip(1)
            .filter_map(|t| Some(t.split_once('>')?.1.split_once("</text>")?.0.trim().to_string()))
            .collect()
    }

    #[test]
    fn axis_values_get_the_decimals_their_step_needs() {
        assert_eq!(axis_value(2345.0, 100.0), "2,345");
        assert_eq!(axis_value(-1234567.0, 1000.0), "-1,234,567");
        assert_eq!(axis_value(3.25, 0.25), "3.2");
        assert_eq!(axis_value(0.0123, 0.005), "0.012");
    }

    #[test]
    fn date_ticks_fall_on_calendar_boundaries_and_coarsen_with_the_span() {
        // One month: Mondays.
        let (step, t) = date_ticks(d("2026-10-27"), d("2026-11-27"), 8);
        assert_eq!(step, TickStep::Weeks(1));
        assert_eq!(t.first(), Some(&d("2026-11-02")));
        assert!(t.iter().all(|x| x.weekday() == chrono::Weekday::Mon) && t.len() == 4, "{t:?}");
        assert_eq!(step.label(t[0]), "02 Nov");
        // One year: the first of every second month, aligned to January.
        let (step, t) = date_ticks(d("2025-11-27"), d("2026-11-27"), 8);
        assert_eq!(step, TickStep::Months(2));
        assert_eq!(t, ["2026-01-01", "2026-03-01", "2026-05-01", "2026-07-01", "2026-09-01", "2026-11-01"].map(d));
        assert_eq!(step.label(t[0]), "Jan 2026");
        // Five years: every January.
        let (step, t) = date_ticks(d("2021-11-27"), d("2026-11-27"), 8);
        assert_eq!((step, t.len()), (TickStep::Years(1), 5));
        assert_eq!(step.label(t[0]), "2022");
        // Sixty years: every ten.
        let (step, t) = date_ticks(d("1968-01-02"), d("2026-11-27"), 8);
        assert_eq!(step, TickStep::Years(10));
        assert_eq!(t.first(), Some(&d("1970-01-01")));
        assert_eq!(t.len(), 6);
    }

    #[test]
    fn a_flat_series_gets_a_visible_range() {
        assert_eq!(padded_range(5.0, 5.0), (4.75, 5.25));
        assert_eq!(padded_range(0.0, 0.0), (-1.0, 1.0));
        assert_eq!(padded_range(0.0, 100.0), (-5.0, 105.0));
    }

    #[test]
    fn a_chart_renders_to_labelled_svg_with_every_part() {
        let mut c = TimeChart::new("Gold, 1 year", "Daily LBMA PM price.", 640, 240);
        let pts: Vec<_> = (0..30).map(|i| (d("2024-01-01") + chrono::Days::new(i), 100.0 + i as f64)).collect();
        c.lines.push(Line { label: "Close".into(), points: pts.clone(), color: theme::PALETTE[0], width: 2 });
        c.band = Some(Band {
            label: "band".into(),
            points: pts.iter().map(|(d, v)| (*d, v - 1.0, v + 1.0)).collect(),
            color: theme::PALETTE[1],
        });
        c.bars = Some(Bars { label: "hist".into(), points: pts.iter().map(|(d, v)| (*d, v - 115.0)).collect() });
        c.ref_lines.push(RefLine { value: 110.0, label: "ref".into() });
        c.watermark = Some("DEMO".into());
        let svg = render_svg(&c, "gold").unwrap();
        assert!(svg.starts_with("<svg viewBox=\"0 0 640 240\""), "{}", &svg[..80]);
        assert!(svg.contains("<title id=\"gold-title\">Gold, 1 year</title>"));
        let t = texts(&svg);
        assert!(t.contains(&"DEMO".to_string()), "the watermark is real text: {t:?}");
        assert!(svg.contains("<polyline") && svg.contains("<polygon"), "line and band drawn");
        assert!(t.contains(&"Close".to_string()) && t.contains(&"band".to_string()), "legend drawn: {t:?}");
        assert!(t.contains(&"08 Jan".to_string()), "Monday ticks for a one-month span: {t:?}");
    }

    #[test]
    fn a_log_chart_labels_values_not_logarithms() {
        let mut c = TimeChart::new("t", "d", 400, 200);
        c.log_scale = true;
        let pts = vec![(d("2020-01-01"), 10.0), (d("2021-01-01"), 1000.0), (d("2022-01-01"), -5.0)];
        c.lines.push(Line { label: "x".into(), points: pts, color: theme::PALETTE[0], width: 1 });
        let svg = render_svg(&c, "log").unwrap();
        let t = texts(&svg);
        let values: Vec<f64> = t.iter().filter_map(|s| s.replace(',', "").parse().ok()).collect();
        assert!(values.iter().any(|v| *v >= 500.0), "labels in value terms, not ln(value): {t:?}");
        assert!(values.iter().all(|v| *v >= 5.0), "no label below the smallest positive value's range: {t:?}");
    }

    #[test]
    fn a_second_axis_labels_its_own_range_and_says_which_line_it_serves() {
        let mut c = TimeChart::new("Net liquidity vs S&P 500", "d", 800, 300);
        let days = |f: fn(f64) -> f64| -> Vec<(NaiveDate, f64)> {
            (0..60).map(|i| (d("2025-01-01") + chrono::Days::new(i * 7), f(i as f64))).collect()
        };
        c.lines.push(Line {
            label: "Net liquidity".into(),
            points: days(|i| 5800.0 + i),
            color: theme::PALETTE[0],
            width: 2,
        });
        c.right_lines.push(Line {
            label: "S&P 500".into(),
            points: days(|i| 0.5 + i / 100.0),
            color: theme::PALETTE[1],
            width: 2,
        });
        c.left_desc = Some("USD bn".into());
        c.right_desc = Some("index".into());
        let t = texts(&render_svg(&c, "dual").unwrap());
        assert!(t.contains(&"S&amp;P 500 (right axis)".to_string()), "{t:?}");
        assert!(t.contains(&"USD bn".to_string()) && t.contains(&"index".to_string()), "{t:?}");
        // Left labels in the thousands, right labels below 2: two scales, not one.
        let nums: Vec<f64> = t.iter().filter_map(|s| s.replace(',', "").parse().ok()).collect();
        assert!(nums.iter().any(|v| *v >= 5800.0) && nums.iter().any(|v| *v > 0.0 && *v < 2.0), "{t:?}");
    }

    /// Whether a value is 1, 2 or 5 times a power of ten.
    fn one_two_five(v: f64) -> bool {
        let m = v / 10f64.powi(v.log10().floor() as i32);
        [1.0, 2.0, 5.0].iter().any(|x| (m - x).abs() < 1e-9)
    }

    #[test]
    fn log_ticks_fall_on_one_two_five_times_a_power_of_ten() {
        assert_eq!(log_ticks(10.0, 1000.0, 8), vec![10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0]);
        assert_eq!(log_ticks(0.15, 3.0, 8), vec![0.2, 0.5, 1.0, 2.0]);
        // Too many: powers of ten only, then every third.
        assert_eq!(log_ticks(1.0, 1e6, 8), vec![1.0, 10.0, 100.0, 1e3, 1e4, 1e5, 1e6]);
        assert_eq!(log_ticks(1.0, 1e12, 5), vec![1.0, 1e3, 1e6, 1e9, 1e12]);
        for (lo, hi) in [(3.0, 700.0), (0.013, 42.0), (90.0, 120_000.0)] {
            let t = log_ticks(lo, hi, 7);
            assert!(t.len() >= 3 && t.len() <= 7, "{lo}..{hi}: {t:?}");
            assert!(t.iter().all(|v| one_two_five(*v) && *v >= lo && *v <= hi), "{lo}..{hi}: {t:?}");
        }
        // Narrow ranges: whole digits, then round steps.
        assert_eq!(log_ticks(15.0, 45.0, 7), vec![20.0, 30.0, 40.0]);
        assert_eq!(log_ticks(1800.0, 2600.0, 6), vec![1800.0, 2000.0, 2200.0, 2400.0, 2600.0]);
        assert!(log_ticks(-1.0, 10.0, 5).is_empty() && log_ticks(5.0, 5.0, 5).is_empty());
    }

    #[test]
    fn linear_ticks_take_the_finest_round_step_that_fits() {
        assert_eq!(linear_ticks(0.0, 10.0, 6), vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        let t = linear_ticks(0.12, 0.31, 5);
        let want = [0.15, 0.2, 0.25, 0.3];
        assert!(t.len() == want.len() && t.iter().zip(want).all(|(a, b)| (a - b).abs() < 1e-12), "{t:?}");
    }

    #[test]
    fn a_log_chart_draws_its_value_labels_at_round_values() {
        let mut c = TimeChart::new("t", "d", 640, 300);
        c.log_scale = true;
        let pts = (0..300).map(|i| (d("2020-01-01") + chrono::Days::new(i), 3.0 * 1.02f64.powi(i as i32))).collect();
        c.lines.push(Line { label: "x".into(), points: pts, color: theme::PALETTE[0], width: 1 });
        let svg = render_svg(&c, "log").unwrap();
        let l = crate::plot::svg_layout::read(&svg).unwrap();
        let plot = l.plots[0];
        let values: Vec<f64> = l
            .texts
            .iter()
            .filter(|t| t.rect.x1 <= plot.x0)
            .filter_map(|t| t.text.replace(',', "").parse().ok())
            .collect();
        assert!(values.len() >= 3, "{values:?}");
        assert!(values.iter().all(|v| one_two_five(*v)), "{values:?}");
    }

    #[test]
    fn the_rsi_panel_labels_its_bands_beside_the_plot_and_the_legend_sits_above_it() {
        let mut c = TimeChart::new("RSI 14", "d", 800, 200);
        c.y_range = Some((0.0, 100.0));
        c.ref_lines = rsi_bands();
        c.left_desc = Some("RSI 14".into());
        let wave = |k: f64| {
            (0..120)
                .map(move |i| (d("2025-01-01") + chrono::Days::new(i), 50.0 + 45.0 * (i as f64 / k).sin()))
                .collect::<Vec<_>>()
        };
        c.lines.push(Line { label: "WTI RSI".into(), points: wave(7.0), color: theme::PALETTE[0], width: 1 });
        c.lines.push(Line { label: "Brent RSI".into(), points: wave(5.0), color: theme::PALETTE[3], width: 1 });
        let svg = render_svg(&c, "rsi").unwrap();
        let l = crate::plot::svg_layout::read(&svg).unwrap();
        let plot = l.plots[0];
        let find = |s: &str| l.texts.iter().find(|t| t.text == s).unwrap_or_else(|| panic!("{s} drawn: {:?}", l.texts));
        for band in ["70 overbought", "30 oversold"] {
            assert!(find(band).rect.x0 >= plot.x1, "{band} right of the plot: {:?} vs {plot:?}", find(band).rect);
        }
        assert!(find("70 overbought").rect.y1 < find("30 oversold").rect.y0, "70 above 30");
        for name in ["WTI RSI", "Brent RSI"] {
            assert!(find(name).rect.y1 <= plot.y0, "{name} above the plot");
        }
        assert!(find("RSI 14").rect.x1 <= plot.x0, "the axis says what it measures");
        assert!(l.text_over_series().is_empty(), "{:?}", l.text_over_series());
    }

    #[test]
    fn marks_are_dots_even_when_there_is_one() {
        let mut c = TimeChart::new("t", "d", 400, 200);
        c.lines.push(Line {
            label: "a".into(),
            points: vec![(d("2024-01-01"), 1.0), (d("2024-06-01"), 3.0)],
            color: theme::PALETTE[0],
            width: 2,
        });
        c.marks.push(Line {
            label: "NAV".into(),
            points: vec![(d("2024-03-01"), 2.0)],
            color: theme::PALETTE[2],
            width: 2,
        });
        let svg = render_svg(&c, "m").unwrap();
        assert_eq!(svg.matches("<circle").count(), 2, "the mark and its legend dot");
    }

    #[test]
    fn nothing_to_draw_is_an_error_not_an_empty_frame() {
        let c = TimeChart::new("t", "d", 400, 200);
        assert!(matches!(render_svg(&c, "x"), Err(ChartError::Empty(_))));
    }
}
