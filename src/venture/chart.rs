//! A fund's cash-flow chart: cumulative paid-in capital and distributions, and the NAV
//! marks, in USD millions, on the shared time-series renderer.
use crate::plot::time_series::{render_svg, Line, TimeChart};
use crate::plot::{theme, ChartError};

use super::model::CashFlowRow;

/// A running total at each date.
pub type DatedSums = Vec<(chrono::NaiveDate, f64)>;

/// Cumulative series from dated flows (calls stored negative are shown as positive
/// paid-in), one point per flow date.
pub fn cumulative(flows: &[CashFlowRow]) -> (DatedSums, DatedSums) {
    let (mut called, mut distributed) = (0.0, 0.0);
    let (mut c, mut d) = (Vec::new(), Vec::new());
    let mut sorted: Vec<&CashFlowRow> = flows.iter().filter(|f| f.kind != "nav").collect();
    sorted.sort_by_key(|f| f.date);
    for f in sorted {
        if f.kind == "call" {
            called += -f.amount;
        } else {
            distributed += f.amount;
        }
        c.push((f.date, called / 1e6));
        d.push((f.date, distributed / 1e6));
    }
    (c, d)
}

pub fn cash_flow_svg(name: &str, flows: &[CashFlowRow], demo: bool) -> Result<String, ChartError> {
    if flows.is_empty() {
        return Ok(String::new());
    }
    let (called, distributed) = cumulative(flows);
    let nav: Vec<_> = flows.iter().filter(|f| f.kind == "nav").map(|f| (f.date, f.amount / 1e6)).collect();
    let mut chart = TimeChart::new(
        format!("{name}: cumulative paid-in, distributions and NAV"),
        "Cumulative capital called from limited partners, cumulative distributions to them, and the reported net asset value, in USD millions.",
        900,
        360,
    );
    chart.lines.push(Line { label: "Paid-in (cumulative)".into(), points: called, color: theme::PALETTE[0], width: 2 });
    chart.lines.push(Line {
        label: "Distributions (cumulative)".into(),
        points: distributed,
        color: theme::PALETTE[1],
        width: 2,
    });
    // NAVs are marks on the dates they were reported: often only the latest one, which a
    // line (two points at least) would not draw at all.
    if !nav.is_empty() {
        chart.marks.push(Line { label: "NAV (reported)".into(), points: nav, color: theme::PALETTE[2], width: 2 });
    }
    chart.left_desc = Some("USD m".into());
    if demo {
        chart.watermark = Some("DEMO".into());
    }
    render_svg(&chart, "fund-cash-flows")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(d: &str, kind: &str, amount: f64) -> CashFlowRow {
        CashFlowRow { date: d.parse().unwrap(), kind: kind.into(), amount, source: "import".into() }
    }

    #[test]
    fn calls_accumulate_as_paid_in_and_distributions_separately() {
        let flows =
            [row("2020-03-31", "call", -4e6), row("2021-03-31", "distribution", 1e6), row("2020-09-30", "call", -2e6)];
        let (c, d) = cumulative(&flows);
        assert_eq!(c.iter().map(|p| p.1).collect::<Vec<_>>(), [4.0, 6.0, 6.0]);
        assert_eq!(d.iter().map(|p| p.1).collect::<Vec<_>>(), [0.0, 0.0, 1.0]);
        let svg =
            cash_flow_svg("Fund I", &[row("2020-03-31", "call", -4e6), row("2021-03-31", "nav", 5e6)], true).unwrap();
        assert!(svg.contains("<svg") && svg.contains("DEMO"));
    }

    #[test]
    fn a_single_nav_is_drawn_beside_calls_and_distributions_and_named_in_the_legend() {
        let flows = [
            row("2020-03-31", "call", -4e6),
            row("2020-09-30", "call", -2e6),
            row("2021-03-31", "distribution", 1e6),
            row("2021-06-30", "nav", 7e6),
        ];
        let svg = cash_flow_svg("Fund I", &flows, false).unwrap();
        let l = crate::plot::svg_layout::read(&svg).unwrap();
        let colour = |c: plotters::style::RGBColor| format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2);
        let plot = l.plots[0];
        let drawn = |c| l.series_in(&plot).iter().any(|s| s.color == colour(c));
        assert!(drawn(theme::PALETTE[0]) && drawn(theme::PALETTE[1]), "paid-in and distributions drawn");
        assert!(drawn(theme::PALETTE[2]), "the one NAV is drawn in the plot");
        let texts: Vec<&str> = l.texts.iter().map(|t| t.text.as_str()).collect();
        for name in ["Paid-in (cumulative)", "Distributions (cumulative)", "NAV (reported)"] {
            assert!(texts.contains(&name), "{name} in the legend: {texts:?}");
        }
        assert!(l.text_over_series().is_empty(), "{:?}", l.text_over_series());
    }
}
