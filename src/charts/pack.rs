//! The macro chart pack: a cover and ten pages read the liquidity-first way (balance sheet,
//! rates and the dollar before prices), one chart a page with a title, a one-line reading
//! of what it shows now, its sources and as-of date, and the FRED notice where FRED data is
//! used. Building the pages from data is pure; `render` draws them; `pdf.rs` binds them.
use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::format::{format_change, format_period, format_value};
use crate::plot::bars::{self, BarChart, BarSeries};
use crate::plot::theme::{self, text, FONT};
use crate::plot::time_series::{self, Line, RefLine, TimeChart};
use crate::plot::transform::{
    change_over, monthly_mean, net_liquidity, per_quarter, quarter_label, ratio, year_on_year,
};
use crate::plot::ChartError;
use crate::universe::Frequency;

/// Page size: A4 landscape at 96 px per inch.
pub const PAGE_W: u32 = 1123;
pub const PAGE_H: u32 = 794;
pub const FRED_NOTICE: &str =
    "Source: FRED, Federal Reserve Bank of St. Louis; not endorsed by the Federal Reserve Bank of St. Louis.";

/// One series as the pack reads it: points oldest first and where they came from.
#[derive(Debug, Clone)]
pub struct SeriesData {
    pub name: String,
    pub unit: String,
    pub frequency: Frequency,
    /// Provider labels of the points (`FRED`, `LBMA`, or `DEMO`).
    pub sources: Vec<String>,
    pub points: Vec<(NaiveDate, f64)>,
}

impl SeriesData {
    pub fn demo(&self) -> bool {
        self.sources.iter().any(|s| s == "DEMO")
    }
    fn last(&self) -> Option<(NaiveDate, f64)> {
        self.points.last().copied()
    }
}

/// One daily indicator row for the oil page: (date, close, SMA 50, SMA 200, RSI 14).
pub type SignalRow = (NaiveDate, f64, Option<f64>, Option<f64>, Option<f64>);
pub type SignalRows = Vec<SignalRow>;

/// One row of the AI-materials table.
#[derive(Debug, Clone)]
pub struct LatestRow {
    pub name: String,
    pub unit: String,
    pub frequency: Frequency,
    pub last: Option<f64>,
    pub as_of: Option<NaiveDate>,
    pub change_1y: Option<f64>,
    pub source: Option<String>,
}

/// Dated events for the venture pages: (date, amount in USD) per Form D, and IPO filings.
#[derive(Debug, Clone, Default)]
pub struct VentureData {
    pub form_d: Vec<(NaiveDate, f64)>,
    pub ipo_filed: Vec<NaiveDate>,
    pub ipo_priced: Vec<NaiveDate>,
    pub demo: bool,
}

/// Everything the pack draws, read by the service (`pack_service.rs`) in one go.
#[derive(Debug, Clone, Default)]
pub struct PackData {
    pub date: NaiveDate,
    /// When the pack was built (the cover says so).
    pub built_at: DateTime<Utc>,
    /// By slug: macro series (`walcl`, `dgs10`, ...) and commodities (`gold`, `copper`, ...).
    pub series: HashMap<String, SeriesData>,
    /// By slug: daily signals rows (`wti`, `brent`).
    pub signals: HashMap<String, SignalRows>,
    pub ai_materials: Vec<LatestRow>,
    pub venture: Option<VentureData>,
}

/// What a page draws.
#[derive(Debug, Clone)]
pub enum Body {
    Time(Box<TimeChart>),
    /// Two time charts stacked (prices over RSI).
    Stacked(Box<TimeChart>, Box<TimeChart>),
    Bars(Box<BarChart>),
    /// A table, with a bar chart of its changes below when there are any.
    Table(Vec<LatestRow>, Option<Box<BarChart>>),
    /// The data is missing: say what and how to get it, instead of an empty frame.
    Missing(String),
}

#[derive(Debug, Clone)]
pub struct Page {
    pub title: String,
    pub reading: String,
    /// What the numbers are in: "USD bn (left); S&P 500 index (right)".
    pub units: String,
    pub sources: String,
    pub as_of: Option<NaiveDate>,
    /// How the footer says it: a day, or a month or year for coarser data.
    pub as_of_label: Option<String>,
    pub fred: bool,
    pub demo: bool,
    pub body: Body,
}

impl Page {
    /// A page with nothing to draw: why not (`reading`), and what would fill it (`why`).
    fn not_drawn(title: &str, units: &str, reading: &str, sources: &str, why: String) -> Page {
        Page {
            title: title.into(),
            reading: reading.into(),
            units: units.into(),
            sources: sources.into(),
            as_of: None,
            as_of_label: None,
            fred: false,
            demo: false,
            body: Body::Missing(why),
        }
    }
}

const CHART_W: u32 = PAGE_W - 80;
const CHART_H: u32 = PAGE_H - 250;
/// The height the AI-materials table takes at the top of its page.
const TABLE_H: u32 = 300;

fn since(points: &[(NaiveDate, f64)], from: NaiveDate) -> Vec<(NaiveDate, f64)> {
    points.iter().filter(|(d, _)| *d >= from).copied().collect()
}

fn years_back(d: NaiveDate, years: u32) -> NaiveDate {
    d.checked_sub_months(chrono::Months::new(12 * years)).unwrap_or(d)
}

fn pct_change_over(points: &[(NaiveDate, f64)], days: u64) -> Option<f64> {
    let (_, last, diff) = change_over(points, days)?;
    let base = last - diff;
    (base > 0.0).then(|| diff / base * 100.0)
}

fn sources_line(parts: &[&SeriesData]) -> String {
    let mut labels: Vec<String> = parts.iter().flat_map(|s| s.sources.iter().cloned()).collect();
    labels.sort();
    labels.dedup();
    let names: Vec<String> = parts.iter().map(|s| s.name.clone()).collect();
    format!("{} ({})", labels.join(", "), names.join("; "))
}

fn latest_date(parts: &[&SeriesData]) -> Option<NaiveDate> {
    parts.iter().filter_map(|s| s.last().map(|l| l.0)).max()
}

fn line(label: &str, points: Vec<(NaiveDate, f64)>, i: usize) -> Line {
    Line { label: label.into(), points, color: theme::PALETTE[i % theme::PALETTE.len()], width: 2 }
}

fn chart(title: &str, desc: String) -> TimeChart {
    TimeChart::new(title, desc, CHART_W, CHART_H)
}

/// A page whose series are missing: which ones, and what fills them.
fn missing(title: &str, units: &str, slugs: &[&str], data: &PackData) -> Option<Page> {
    let absent: Vec<&str> =
        slugs.iter().copied().filter(|s| data.series.get(*s).is_none_or(|d| d.points.is_empty())).collect();
    (!absent.is_empty()).then(|| {
        Page::not_drawn(
            title,
            units,
            "Not drawn: the data this page needs is not loaded.",
            "—",
            format!(
                "Missing series: {}. The macro_series and commodity jobs (or `quarry backfill`) load them; with no network, `quarry serve --demo` generates labelled demo data.",
                absent.join(", ")
            ),
        )
    })
}

/// The ten pages, in order, from whatever data there is.
pub fn pages(data: &PackData) -> Vec<Page> {
    vec![
        liquidity(data),
        policy(data),
        dollar(data),
        gold_real(data),
        copper_gold(data),
        oil(data),
        credit(data),
        venture_liquidity(data),
        ipo_window(data),
        ai_materials(data),
    ]
}

fn s<'a>(data: &'a PackData, slug: &str) -> &'a SeriesData {
    &data.series[slug]
}

fn liquidity(data: &PackData) -> Page {
    let title = "1. Fed balance sheet and net liquidity vs the S&P 500";
    let units = "USD bn (left); S&P 500 index (right)";
    if let Some(p) = missing(title, units, &["walcl", "wtregen", "rrpontsyd", "sp500"], data) {
        return p;
    }
    let (w, t, r, spx) = (s(data, "walcl"), s(data, "wtregen"), s(data, "rrpontsyd"), s(data, "sp500"));
    let from = years_back(data.date, 5);
    let net = since(&net_liquidity(&w.points, &t.points, &r.points), from);
    let assets: Vec<_> = since(&w.points, from).into_iter().map(|(d, v)| (d, v / 1000.0)).collect();
    let spx_pts = since(&spx.points, from);
    let reading = match (change_over(&net, 91), pct_change_over(&spx_pts, 91)) {
        (Some((d, v, diff)), spx_chg) => format!(
            "Net liquidity USD {} bn on {d} ({}{} bn over 13 weeks); S&P 500 {} ({} over the same span).",
            format_value(v),
            if diff >= 0.0 { "+" } else { "" },
            format_value(diff),
            spx.last().map(|l| format_value(l.1)).unwrap_or_default(),
            format_change(spx_chg),
        ),
        _ => "Not enough history for a 13-week reading.".into(),
    };
    let mut c = chart(title, "Fed total assets (WALCL) and net liquidity (WALCL − TGA − reverse repos), USD bn, weekly; S&P 500 daily on the right axis.".into());
    c.lines.push(line("Fed total assets", assets, 4));
    c.lines.push(line("Net liquidity", net, 0));
    c.right_lines.push(line("S&P 500", spx_pts, 1));
    c.left_desc = Some("USD bn".into());
    c.right_desc = Some("S&P 500 index".into());
    finish(title, units, reading, c, &[w, t, r, spx], true)
}

fn policy(data: &PackData) -> Page {
    let title = "2. Fed funds vs CPI inflation";
    let units = "percent";
    if let Some(p) = missing(title, units, &["dff", "cpiaucsl"], data) {
        return p;
    }
    let (dff, cpi) = (s(data, "dff"), s(data, "cpiaucsl"));
    let from = years_back(data.date, 10);
    let yoy = since(&year_on_year(&cpi.points), from);
    let funds = since(&dff.points, from);
    let reading = match (funds.last(), yoy.last()) {
        (Some((_, f)), Some((m, c))) => format!(
            "Fed funds {f:.2}% vs CPI {c:.1}% year on year ({}): a real policy rate of {:+.1} points.",
            format_period(*m, Frequency::Monthly),
            f - c
        ),
        _ => "Not enough history for a year-on-year reading.".into(),
    };
    let mut c = chart(
        title,
        "Effective federal funds rate (daily) and CPI, all urban consumers, change over 12 months (monthly), percent."
            .into(),
    );
    c.lines.push(line("Fed funds rate", funds, 0));
    c.lines.push(line("CPI, % y/y", yoy, 5));
    c.ref_lines.push(RefLine { value: 0.0, label: "0".into() });
    c.left_desc = Some("percent".into());
    finish(title, units, reading, c, &[dff, cpi], true)
}

fn dollar(data: &PackData) -> Page {
    let title = "3. Broad dollar vs the all-commodity index";
    let units = "index, Jan 2006 = 100 (left); index, 2016 = 100 (right)";
    if let Some(p) = missing(title, units, &["dtwexbgs", "pallfnfindexm"], data) {
        return p;
    }
    let (usd, com) = (s(data, "dtwexbgs"), s(data, "pallfnfindexm"));
    let from = years_back(data.date, 10);
    let (u, k) = (since(&usd.points, from), since(&com.points, from));
    let reading = format!(
        "Broad dollar index {} ({} over a year); all-commodity index {} ({} over a year, monthly, {}).",
        u.last().map(|l| format_value(l.1)).unwrap_or_default(),
        format_change(pct_change_over(&u, 365)),
        k.last().map(|l| format_value(l.1)).unwrap_or_default(),
        format_change(pct_change_over(&k, 365)),
        k.last().map(|l| format_period(l.0, Frequency::Monthly)).unwrap_or_default(),
    );
    let mut c = chart(title, "Nominal broad U.S. dollar index (daily, Jan 2006 = 100) and the IMF all-commodity price index (monthly, 2016 = 100, right axis).".into());
    c.lines.push(line("Broad dollar", u, 0));
    c.right_lines.push(line("All-commodity index", k, 1));
    c.left_desc = Some("dollar index".into());
    c.right_desc = Some("commodity index".into());
    finish(title, units, reading, c, &[usd, com], true)
}

fn gold_real(data: &PackData) -> Page {
    let title = "4. Gold vs the 10-year real yield";
    let units = "USD per troy ounce (left); percent (right)";
    if let Some(p) = missing(title, units, &["gold", "dfii10"], data) {
        return p;
    }
    let (gold, real) = (s(data, "gold"), s(data, "dfii10"));
    let from = years_back(data.date, 10);
    let (g, r) = (since(&gold.points, from), since(&real.points, from));
    let reading = format!(
        "Gold USD {}/oz ({} over a year); 10-year TIPS yield {:.2}% ({:+.0} bp over a year).",
        g.last().map(|l| format_value(l.1)).unwrap_or_default(),
        format_change(pct_change_over(&g, 365)),
        r.last().map(|l| l.1).unwrap_or(f64::NAN),
        change_over(&r, 365).map(|c| c.2 * 100.0).unwrap_or(f64::NAN),
    );
    let mut c = chart(title, "Gold price (daily, USD per troy ounce) and the 10-year Treasury inflation-indexed yield (daily, percent, right axis).".into());
    c.lines.push(line("Gold", g, 1));
    c.right_lines.push(line("10-year real yield", r, 0));
    c.left_desc = Some("USD/oz".into());
    c.right_desc = Some("percent".into());
    finish(title, units, reading, c, &[gold, real], true)
}

fn copper_gold(data: &PackData) -> Page {
    let title = "5. Copper/gold ratio vs the 10-year yield (Gundlach's indicator)";
    let units = "ratio × 1000 (left); percent (right)";
    if let Some(p) = missing(title, units, &["copper", "gold", "dgs10"], data) {
        return p;
    }
    let (cu, au, y) = (s(data, "copper"), s(data, "gold"), s(data, "dgs10"));
    let from = years_back(data.date, 10);
    // Copper is a monthly average in USD per metric ton: gold's monthly mean is its match;
    // copper in USD per pound (÷ 2204.62) over gold in USD per ounce, × 1000 for legibility.
    let cu_lb: Vec<_> = cu.points.iter().map(|(d, v)| (*d, v / 2204.62 * 1000.0)).collect();
    let r = since(&ratio(&cu_lb, &monthly_mean(&au.points)), from);
    let yields = since(&y.points, from);
    let reading = format!(
        "Copper/gold {:.3} ({}, {} over a year); 10-year Treasury yield {:.2}%. The ratio and yields tend to move together (Jeffrey Gundlach).",
        r.last().map(|l| l.1).unwrap_or(f64::NAN),
        r.last().map(|l| format_period(l.0, Frequency::Monthly)).unwrap_or_default(),
        format_change(pct_change_over(&r, 365)),
        yields.last().map(|l| l.1).unwrap_or(f64::NAN),
    );
    let mut c = chart(title, "Copper (USD/lb, monthly average) divided by gold (USD/oz, monthly mean of daily prices) × 1000, against the 10-year Treasury yield (daily, percent, right axis).".into());
    c.lines.push(line("Copper/gold × 1000", r, 5));
    c.right_lines.push(line("10-year yield", yields, 0));
    c.left_desc = Some("ratio × 1000".into());
    c.right_desc = Some("percent".into());
    finish(title, units, reading, c, &[cu, au, y], true)
}

fn oil(data: &PackData) -> Page {
    let title = "6. WTI and Brent with 50- and 200-day averages and RSI";
    let units = "USD per barrel; RSI 0 to 100";
    if let Some(p) = missing(title, units, &["wti", "brent"], data) {
        return p;
    }
    let (wti, brent) = (s(data, "wti"), s(data, "brent"));
    let from = years_back(data.date, 2);
    let rows = |slug: &str| -> SignalRows {
        data.signals.get(slug).map(|r| r.iter().filter(|x| x.0 >= from).cloned().collect()).unwrap_or_default()
    };
    let (w, b) = (rows("wti"), rows("brent"));
    let mut top = TimeChart::new(
        title,
        "WTI and Brent spot prices (daily, USD per barrel) with their 50- and 200-day simple moving averages.",
        CHART_W,
        CHART_H * 2 / 3,
    );
    let mut rsi = TimeChart::new(
        "RSI 14",
        "Relative strength index, 14 days (Wilder), with 70 and 30 marked.",
        CHART_W,
        CHART_H / 3,
    );
    rsi.y_range = Some((0.0, 100.0));
    rsi.ref_lines = time_series::rsi_bands();
    rsi.left_desc = Some("RSI 14".into());
    top.left_desc = Some("USD per barrel".into());
    // The same room right of both plots, for RSI's band labels, so their dates line up.
    (top.min_right_margin, rsi.min_right_margin) = (Some(110), Some(110));
    for (i, (name, r)) in [("WTI", &w), ("Brent", &b)].into_iter().enumerate() {
        let pick = |f: fn(&SignalRow) -> Option<f64>| -> Vec<(NaiveDate, f64)> {
            r.iter().filter_map(|x| f(x).map(|v| (x.0, v))).collect()
        };
        let base = i * 3;
        top.lines.push(line(name, pick(|x| Some(x.1)), base));
        top.lines.push(Line { width: 1, ..line(&format!("{name} SMA 50"), pick(|x| x.2), base + 1) });
        top.lines.push(Line { width: 1, ..line(&format!("{name} SMA 200"), pick(|x| x.3), base + 2) });
        rsi.lines.push(Line { width: 1, ..line(&format!("{name} RSI"), pick(|x| x.4), base) });
    }
    if w.is_empty() && b.is_empty() {
        // Prices without computed signals: draw the prices alone and say why.
        top.lines = vec![line("WTI", since(&wti.points, from), 0), line("Brent", since(&brent.points, from), 3)];
    }
    let side = |r: &SignalRows| match r.last() {
        Some((_, c, _, Some(s200), rsi)) => format!(
            "{} ({} its 200-day average{})",
            format_value(*c),
            if c >= s200 { "above" } else { "below" },
            rsi.map(|x| format!(", RSI {x:.0}")).unwrap_or_default()
        ),
        Some((_, c, ..)) => format_value(*c),
        None => "n/a".into(),
    };
    let reading = format!("WTI USD {}; Brent USD {}.", side(&w), side(&b));
    let demo = wti.demo() || brent.demo();
    if demo {
        top.watermark = Some("DEMO".into());
        rsi.watermark = Some("DEMO".into());
    }
    let body = if rsi.lines.iter().all(|l| l.points.is_empty()) {
        Body::Time(Box::new(top))
    } else {
        Body::Stacked(Box::new(top), Box::new(rsi))
    };
    Page {
        title: title.into(),
        reading,
        units: units.into(),
        sources: sources_line(&[wti, brent]),
        as_of: latest_date(&[wti, brent]),
        as_of_label: None,
        fred: wti.sources.iter().chain(&brent.sources).any(|s| s == "FRED"),
        demo,
        body,
    }
}

fn credit(data: &PackData) -> Page {
    let title = "7. High-yield spread and the VIX";
    let units = "percent (left); index points (right)";
    if let Some(p) = missing(title, units, &["bamlh0a0hym2", "vixcls"], data) {
        return p;
    }
    let (hy, vix) = (s(data, "bamlh0a0hym2"), s(data, "vixcls"));
    let from = years_back(data.date, 5);
    let (h, v) = (since(&hy.points, from), since(&vix.points, from));
    let reading = format!(
        "High-yield option-adjusted spread {:.2}% ({:+.0} bp over 3 months); VIX {:.1}.",
        h.last().map(|l| l.1).unwrap_or(f64::NAN),
        change_over(&h, 91).map(|c| c.2 * 100.0).unwrap_or(f64::NAN),
        v.last().map(|l| l.1).unwrap_or(f64::NAN),
    );
    let mut c = chart(title, "ICE BofA US High Yield option-adjusted spread (daily, percent) and the CBOE volatility index (daily, right axis).".into());
    c.lines.push(line("High-yield spread", h, 5));
    c.right_lines.push(line("VIX", v, 0));
    c.left_desc = Some("percent".into());
    c.right_desc = Some("VIX".into());
    finish(title, units, reading, c, &[hy, vix], true)
}

fn venture_missing(title: &str, units: &str) -> Page {
    Page::not_drawn(
        title,
        units,
        "Not drawn: no SEC filings are loaded yet.",
        "SEC EDGAR",
        "Form D and S-1/F-1 filings come from SEC EDGAR through the vc_sync and ipo_monitor jobs; until they have run (or demo data is generated), this page has nothing to show.".into(),
    )
}

fn venture_liquidity(data: &PackData) -> Page {
    let title = "8. Venture liquidity: Form D filings per quarter vs net liquidity";
    let units = "filings per quarter (bars); USD bn, quarterly mean (net liquidity, right)";
    let Some(v) = data.venture.as_ref().filter(|v| !v.form_d.is_empty()) else { return venture_missing(title, units) };
    let from = years_back(data.date, 5);
    let quarters = per_quarter(&since(&v.form_d, from));
    let mut c = BarChart::new(
        title,
        "Form D filings per quarter (count), and net liquidity (WALCL − TGA − reverse repos, USD bn, the quarter's mean) on the right axis.",
        CHART_W,
        CHART_H,
    );
    c.categories = quarters.iter().map(|q| quarter_label(q.0)).collect();
    c.series.push(BarSeries {
        label: "Form D filings".into(),
        values: quarters.iter().map(|q| Some(q.2 as f64)).collect(),
        color: theme::PALETTE[0],
    });
    c.value_desc = Some("filings".into());
    let inputs: Option<Vec<&SeriesData>> = ["walcl", "wtregen", "rrpontsyd"]
        .iter()
        .map(|k| data.series.get(*k).filter(|s| !s.points.is_empty()))
        .collect();
    let net = inputs.as_ref().map(|i| since(&net_liquidity(&i[0].points, &i[1].points, &i[2].points), from));
    if let Some(net) = &net {
        // The quarter's mean, so a weekly series reads against quarterly counts.
        let means: HashMap<NaiveDate, f64> =
            per_quarter(net).into_iter().map(|(q, sum, n)| (q, sum / n as f64)).collect();
        c.line = Some(BarSeries {
            label: "Net liquidity".into(),
            values: quarters.iter().map(|q| means.get(&q.0).copied()).collect(),
            color: theme::PALETTE[5],
        });
        c.line_desc = Some("USD bn".into());
    }
    let last_q = quarters.last();
    let reading = format!(
        "{} Form D filings reporting USD {} bn in {}{}.",
        last_q.map(|q| q.2).unwrap_or(0),
        last_q.map(|q| format_value(q.1 / 1e9)).unwrap_or_default(),
        last_q.map(|q| quarter_label(q.0)).unwrap_or_default(),
        match net.as_ref().and_then(|n| n.last().copied()) {
            Some((d, x)) => format!("; net liquidity USD {} bn on {d}", format_value(x)),
            None => "; net liquidity not drawn: WALCL, TGA and reverse repos are not all loaded".into(),
        },
    );
    let demo = v.demo || inputs.iter().flatten().any(|s| s.demo());
    if demo {
        c.watermark = Some("DEMO".into());
    }
    let mut sources = vec![if v.demo { "DEMO (Form D filings)".to_string() } else { "SEC EDGAR (Form D)".to_string() }];
    if let Some(i) = &inputs {
        sources.push(sources_line(i));
    }
    Page {
        title: title.into(),
        reading,
        units: units.into(),
        sources: sources.join("; "),
        as_of: v.form_d.last().map(|x| x.0).into_iter().chain(inputs.iter().flat_map(|i| latest_date(i))).max(),
        as_of_label: None,
        fred: inputs.iter().flatten().any(|s| s.sources.iter().any(|x| x == "FRED")),
        demo,
        body: Body::Bars(Box::new(c)),
    }
}

fn ipo_window(data: &PackData) -> Page {
    let title = "9. IPO window: S-1/F-1 filings and pricings per quarter";
    let units = "filings per quarter";
    let Some(v) = data.venture.as_ref().filter(|v| !v.ipo_filed.is_empty()) else {
        return venture_missing(title, units);
    };
    let from = years_back(data.date, 5);
    let count =
        |dates: &[NaiveDate]| per_quarter(&dates.iter().filter(|d| **d >= from).map(|d| (*d, 1.0)).collect::<Vec<_>>());
    let (filed, priced) = (count(&v.ipo_filed), count(&v.ipo_priced));
    let mut qs: Vec<NaiveDate> = filed.iter().chain(&priced).map(|q| q.0).collect();
    qs.sort();
    qs.dedup();
    let get = |list: &[(NaiveDate, f64, usize)], q: NaiveDate| {
        list.iter().find(|x| x.0 == q).map(|x| x.2 as f64).or(Some(0.0))
    };
    let mut c = BarChart::new(
        title,
        "Registration statements (S-1, F-1) filed and offerings priced (424B4) per quarter.",
        CHART_W,
        CHART_H,
    );
    c.categories = qs.iter().map(|q| quarter_label(*q)).collect();
    c.series.push(BarSeries {
        label: "Filed (S-1/F-1)".into(),
        values: qs.iter().map(|q| get(&filed, *q)).collect(),
        color: theme::PALETTE[0],
    });
    c.series.push(BarSeries {
        label: "Priced (424B4)".into(),
        values: qs.iter().map(|q| get(&priced, *q)).collect(),
        color: theme::PALETTE[1],
    });
    c.value_desc = Some("filings".into());
    if v.demo {
        c.watermark = Some("DEMO".into());
    }
    let reading = match qs.last() {
        Some(q) => format!(
            "{}: {} filed, {} priced.",
            quarter_label(*q),
            get(&filed, *q).unwrap_or(0.0),
            get(&priced, *q).unwrap_or(0.0)
        ),
        None => "No filings in the last five years.".into(),
    };
    Page {
        title: title.into(),
        reading,
        units: units.into(),
        sources: if v.demo { "DEMO (S-1, F-1, 424B4 filings)" } else { "SEC EDGAR (S-1, F-1, 424B4)" }.into(),
        as_of: v.ipo_filed.iter().chain(&v.ipo_priced).max().copied(),
        as_of_label: None,
        fred: false,
        demo: v.demo,
        body: Body::Bars(Box::new(c)),
    }
}

fn ai_materials(data: &PackData) -> Page {
    let title = "10. AI materials: latest prices and their changes";
    let units = "each material's own unit (table); percent change over a year (bars)";
    let rows: Vec<LatestRow> = data.ai_materials.iter().filter(|r| r.last.is_some()).cloned().collect();
    if rows.is_empty() {
        return Page::not_drawn(
            title,
            units,
            "Not drawn: no AI-materials prices are loaded.",
            "—",
            "The ai_materials job loads them (USGS annual prices, FRED and World Bank monthly).".into(),
        );
    }
    let best =
        rows.iter().filter(|r| r.change_1y.is_some()).max_by(|a, b| a.change_1y.partial_cmp(&b.change_1y).unwrap());
    let worst =
        rows.iter().filter(|r| r.change_1y.is_some()).min_by(|a, b| a.change_1y.partial_cmp(&b.change_1y).unwrap());
    let reading = match (best, worst) {
        (Some(b), Some(w)) => format!(
            "Over a year: {} {}, {} {}. Annual USGS prices are yearly averages, not quotes.",
            b.name,
            format_change(b.change_1y),
            w.name,
            format_change(w.change_1y)
        ),
        _ => "No year-on-year changes yet.".into(),
    };
    let mut sources: Vec<String> = rows.iter().filter_map(|r| r.source.clone()).collect();
    sources.sort();
    sources.dedup();
    let demo = sources.iter().any(|s| s == "DEMO");
    // The changes side by side under the table, so the page reads at a glance.
    let changed: Vec<&LatestRow> = rows.iter().filter(|r| r.change_1y.is_some()).collect();
    let mut bars =
        BarChart::new("Change over a year", "Each material's change over a year, percent.", CHART_W, CHART_H - TABLE_H);
    bars.categories = changed.iter().map(|r| short_name(&r.name)).collect();
    bars.series.push(BarSeries {
        label: "Change over a year, %".into(),
        values: changed.iter().map(|r| r.change_1y).collect(),
        color: theme::PALETTE[0],
    });
    bars.value_desc = Some("% over a year".into());
    let has_changes = !changed.is_empty();
    if demo {
        bars.watermark = Some("DEMO".into());
    }
    Page {
        title: title.into(),
        reading,
        units: units.into(),
        fred: sources.iter().any(|s| s == "FRED"),
        sources: sources.join(", "),
        as_of_label: rows
            .iter()
            .filter_map(|r| r.as_of.map(|d| (d, r.frequency)))
            .max_by_key(|(d, _)| *d)
            .map(|(d, f)| format!("{} ({}; the table gives each figure's own date)", format_period(d, f), f.as_str())),
        as_of: rows.iter().filter_map(|r| r.as_of).max(),
        demo,
        body: Body::Table(rows, has_changes.then(|| Box::new(bars))),
    }
}

/// A material's name without its parenthesis, short enough for a bar's label.
fn short_name(name: &str) -> String {
    name.split(" (").next().unwrap_or(name).to_string()
}

fn finish(title: &str, units: &str, reading: String, mut c: TimeChart, parts: &[&SeriesData], fred: bool) -> Page {
    let demo = parts.iter().any(|p| p.demo());
    if demo {
        c.watermark = Some("DEMO".into());
    }
    Page {
        title: title.into(),
        reading,
        units: units.into(),
        sources: sources_line(parts),
        as_of: latest_date(parts),
        as_of_label: None,
        fred: fred && parts.iter().any(|p| p.sources.iter().any(|s| s == "FRED")),
        demo,
        body: Body::Time(Box::new(c)),
    }
}

fn err<E: std::fmt::Display>(e: E) -> ChartError {
    ChartError::Draw(e.to_string())
}

/// The lines under a page's chart: its units, its sources with the date of its data (and
/// DEMO when generated), the FRED notice where FRED data is drawn.
pub fn footer_lines(page: &Page) -> Vec<String> {
    let as_of = page
        .as_of_label
        .clone()
        .or(page.as_of.map(|d| d.to_string()))
        .map(|d| format!("data as of {d}"))
        .unwrap_or_else(|| "no data".into());
    let demo = if page.demo { "  ·  DEMO: generated data, not market data" } else { "" };
    let mut lines = vec![format!("Units: {}", page.units)];
    lines.extend(wrap(&format!("Sources: {}  ·  {as_of}{demo}", page.sources), FOOTER_CHARS));
    if page.fred {
        lines.push(FRED_NOTICE.into());
    }
    lines
}

/// How many characters of footer text fit across the page at its size.
const FOOTER_CHARS: usize = 190;
const FOOTER_LINE: i32 = 20;

/// Draws one page (title, reading, chart, footer) as SVG.
pub fn render_page(page: &Page, number: usize, date: NaiveDate) -> Result<String, ChartError> {
    theme::ensure_fonts();
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, (PAGE_W, PAGE_H)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        text(&root, &page.title, (40, 30), 30, FontStyle::Bold, theme::TEXT)?;
        text(&root, &page.reading, (40, 78), 18, FontStyle::Normal, theme::TEXT)?;
        let footer = footer_lines(page);
        let footer_top = PAGE_H as i32 - 44 - FOOTER_LINE * footer.len() as i32;
        let body = root.margin(120, PAGE_H as i32 - footer_top + 6, 40, 40);
        match &page.body {
            Body::Time(c) => time_series::draw(c, &body)?,
            Body::Stacked(a, b) => {
                let (_, h) = body.dim_in_pixel();
                let (top, bottom) = body.split_vertically(h * 5 / 8);
                time_series::draw(a, &top)?;
                time_series::draw(b, &bottom)?;
            }
            Body::Bars(c) => bars::draw(c, &body)?,
            Body::Table(rows, changes) => {
                let (top, bottom) = body.split_vertically(TABLE_H);
                draw_table(&top, rows)?;
                if let Some(c) = changes {
                    bars::draw(c, &bottom)?;
                }
            }
            Body::Missing(why) => {
                text(&body, "No data for this page yet", (0, 40), 24, FontStyle::Bold, theme::DOWN)?;
                for (i, l) in wrap(why, 100).iter().enumerate() {
                    text(&body, l, (0, 90 + 28 * i as i32), 18, FontStyle::Normal, theme::TEXT)?;
                }
            }
        }
        for (i, l) in footer.iter().enumerate() {
            text(&root, l, (40, footer_top + FOOTER_LINE * i as i32), 14, FontStyle::Normal, theme::MUTED)?;
        }
        let demo = if page.demo { " · DEMO" } else { "" };
        text(
            &root,
            &format!("Quarry macro chart pack · {date} · page {number} of 11{demo}"),
            (40, PAGE_H as i32 - 36),
            13,
            FontStyle::Normal,
            theme::MUTED,
        )?;
        root.present().map_err(err)?;
    }
    // Raw SVG: the page carries its own title as text (a <title> would add a band in PDF).
    Ok(buf)
}

/// The AI-materials table: names and units left-aligned, figures right-aligned on their
/// column's edge so digits line up, one font size throughout.
fn draw_table<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, rows: &[LatestRow]) -> Result<(), ChartError> {
    // `text` at the table's size, its x the left or (`right`) the right edge of the column.
    let cell = |s: &str, at: (i32, i32), right: bool, style: FontStyle, color: RGBColor| {
        let h = if right { HPos::Right } else { HPos::Left };
        let font = (FONT, 16).into_font().style(style).color(&color).pos(Pos::new(h, VPos::Top));
        area.draw(&Text::new(s.to_string(), at, font)).map_err(err)
    };
    // (x, heading, right-aligned)
    let cols = [
        (0, "Material", false),
        (380, "Last", true),
        (400, "Unit", false),
        (560, "As of", false),
        (820, "Change 1Y", true),
        (850, "Source", false),
    ];
    for (x, h, right) in cols {
        cell(h, (x, 0), right, FontStyle::Bold, theme::MUTED)?;
    }
    let (w, _) = area.dim_in_pixel();
    area.draw(&PathElement::new(vec![(0, 26), (w as i32, 26)], theme::GRID.stroke_width(1))).map_err(err)?;
    for (i, r) in rows.iter().enumerate() {
        let y = 36 + 34 * i as i32;
        let color = match r.change_1y {
            Some(c) if c < 0.0 => theme::DOWN,
            _ => theme::UP,
        };
        let as_of =
            r.as_of.map(|d| format!("{} {}", format_period(d, r.frequency), r.frequency.as_str())).unwrap_or_default();
        let values = [
            (r.name.clone(), theme::TEXT),
            (r.last.map(format_value).unwrap_or_else(|| "—".into()), theme::TEXT),
            (r.unit.clone(), theme::MUTED),
            (as_of, theme::TEXT),
            (format_change(r.change_1y), color),
            (r.source.clone().unwrap_or_else(|| "—".into()), theme::TEXT),
        ];
        for ((x, _, right), (v, c)) in cols.iter().zip(values) {
            cell(&v, (*x, y), *right, FontStyle::Normal, c)?;
        }
    }
    Ok(())
}

/// Greedy word wrap at `width` characters.
pub fn wrap(s: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in s.split_whitespace() {
        let cur = lines.last_mut().expect("never empty");
        if !cur.is_empty() && cur.len() + 1 + word.len() > width {
            lines.push(word.to_string());
        } else {
            if !cur.is_empty() {
                cur.push(' ');
            }
            cur.push_str(word);
        }
    }
    lines
}

/// Where the pack's data came from: every provider label of the series, the AI-materials
/// rows and the filings, sorted.
pub fn pack_sources(data: &PackData) -> Vec<String> {
    let mut out: Vec<String> = data.series.values().flat_map(|s| s.sources.iter().cloned()).collect();
    out.extend(data.ai_materials.iter().filter_map(|r| r.source.clone()));
    if let Some(v) = &data.venture {
        out.push(if v.demo { "DEMO".into() } else { "SEC EDGAR".into() });
    }
    out.sort();
    out.dedup();
    out
}

/// What the cover says the pack was made from: when, which sources, how fresh.
pub fn provenance(pages: &[Page], data: &PackData) -> Vec<String> {
    let sources = pack_sources(data);
    let as_of = pages.iter().filter_map(|p| p.as_of).max();
    vec![
        format!("Built {} from the Quarry database.", data.built_at.format("%Y-%m-%d %H:%M UTC")),
        format!("Sources: {}.", if sources.is_empty() { "none loaded".to_string() } else { sources.join(", ") }),
        match as_of {
            Some(d) => format!("Data as of {d} (the newest observation on any page; each page gives its own)."),
            None => "No data: every page says what it needs.".to_string(),
        },
    ]
}

/// The cover: title, date, when and from what it was built, the contents, and whether any
/// page shows generated data.
pub fn render_cover(pages: &[Page], data: &PackData) -> Result<String, ChartError> {
    theme::ensure_fonts();
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, (PAGE_W, PAGE_H)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        text(&root, "Quarry macro chart pack", (60, 60), 44, FontStyle::Bold, theme::TEXT)?;
        text(&root, &format!("{}", data.date.format("%A %-d %B %Y")), (60, 118), 22, FontStyle::Normal, theme::MUTED)?;
        text(
            &root,
            "Liquidity first: the Fed's balance sheet, real rates and the dollar before prices.",
            (60, 156),
            18,
            FontStyle::Normal,
            theme::TEXT,
        )?;
        for (i, l) in provenance(pages, data).iter().enumerate() {
            text(&root, l, (60, 192 + 24 * i as i32), 16, FontStyle::Normal, theme::MUTED)?;
        }
        text(&root, "Contents", (60, 280), 22, FontStyle::Bold, theme::TEXT)?;
        for (i, p) in pages.iter().enumerate() {
            let note = match (&p.body, p.demo) {
                (Body::Missing(_), _) => "  (no data yet)",
                (_, true) => "  (DEMO data)",
                _ => "",
            };
            let y = 318 + 32 * i as i32;
            text(&root, &format!("{}{note}", p.title), (60, y), 17, FontStyle::Normal, theme::TEXT)?;
            text(&root, &format!("page {}", i + 2), (PAGE_W as i32 - 160, y), 17, FontStyle::Normal, theme::MUTED)?;
        }
        if pages.iter().any(|p| p.demo) {
            text(
                &root,
                "DEMO: pages marked so show generated data, not market data.",
                (60, PAGE_H as i32 - 70),
                17,
                FontStyle::Bold,
                theme::DOWN,
            )?;
        }
        text(
            &root,
            "Every page names its units, its sources and the date of its newest data.",
            (60, PAGE_H as i32 - 42),
            15,
            FontStyle::Normal,
            theme::MUTED,
        )?;
        root.present().map_err(err)?;
    }
    Ok(buf)
}

/// The whole pack as SVG pages: the cover, then the ten.
pub fn render(data: &PackData) -> Result<Vec<String>, ChartError> {
    let pages = pages(data);
    let mut out = vec![render_cover(&pages, data)?];
    for (i, p) in pages.iter().enumerate() {
        out.push(render_page(p, i + 2, data.date)?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn series(name: &str, source: &str, points: Vec<(NaiveDate, f64)>) -> SeriesData {
        SeriesData {
            name: name.into(),
            unit: "u".into(),
            frequency: Frequency::Daily,
            sources: vec![source.into()],
            points,
        }
    }

    fn weekly(from: &str, n: u64, f: impl Fn(f64) -> f64) -> Vec<(NaiveDate, f64)> {
        (0..n).map(|i| (d(from) + chrono::Days::new(7 * i), f(i as f64))).collect()
    }

    #[test]
    fn a_pack_without_data_says_so_on_every_page() {
        let data = PackData { date: d("2026-11-27"), ..Default::default() };
        let p = pages(&data);
        assert_eq!(p.len(), 10);
        assert!(p.iter().all(|p| matches!(p.body, Body::Missing(_))), "no empty frames");
        assert!(matches!(&p[0].body, Body::Missing(m) if m.contains("walcl")));
        let svgs = render(&data).unwrap();
        assert_eq!(svgs.len(), 11);
        assert!(svgs[1].contains("No data for this page yet"));
    }

    #[test]
    fn the_liquidity_page_reads_net_liquidity_and_its_13_week_change() {
        let mut data = PackData { date: d("2026-11-25"), ..Default::default() };
        // WALCL 7,000,000 falling 1,000 a week; TGA flat 800,000; RRP flat 100 bn.
        data.series.insert(
            "walcl".into(),
            series("Fed total assets", "FRED", weekly("2026-01-07", 47, |i| 7_000_000.0 - 1000.0 * i)),
        );
        data.series.insert("wtregen".into(), series("TGA", "FRED", weekly("2026-01-07", 47, |_| 800_000.0)));
        data.series.insert("rrpontsyd".into(), series("RRP", "FRED", weekly("2026-01-06", 47, |_| 100.0)));
        data.series.insert("sp500".into(), series("S&P 500", "FRED", weekly("2026-01-07", 47, |i| 5000.0 + 10.0 * i)));
        let p = liquidity(&data);
        // Last week (i = 46): 7,000,000 - 46,000 - 800,000 = 6,154,000 mn = 6,154 bn, less 100 = 6,054.
        assert!(
            p.reading.starts_with("Net liquidity USD 6,054 bn on 2026-11-25 (-13.00 bn over 13 weeks)"),
            "{}",
            p.reading
        );
        assert!(p.fred && !p.demo);
        assert_eq!(p.as_of, Some(d("2026-11-25")));
        let svg = render_page(&p, 2, data.date).unwrap();
        assert!(svg.contains(FRED_NOTICE));
        assert!(svg.contains("Net liquidity (") || svg.contains("Net liquidity"));
    }

    /// Demo fed funds at 4.33 % since 2014 and a demo CPI rising 0.25 % a month from 2015
    /// (140 months, to August 2026).
    fn with_demo_policy_series(data: &mut PackData) {
        data.series.insert("dff".into(), series("Fed funds", "DEMO", weekly("2014-01-01", 400, |_| 4.33)));
        let cpi: Vec<_> = (0..140u32)
            .map(|m| {
                (d("2015-01-01").checked_add_months(chrono::Months::new(m)).unwrap(), 100.0 * 1.0025f64.powi(m as i32))
            })
            .collect();
        data.series
            .insert("cpiaucsl".into(), SeriesData { frequency: Frequency::Monthly, ..series("CPI", "DEMO", cpi) });
    }

    #[test]
    fn demo_data_is_watermarked_and_named_in_the_footer() {
        let mut data = PackData { date: d("2026-11-25"), ..Default::default() };
        with_demo_policy_series(&mut data);
        let p = policy(&data);
        assert!(p.demo && !p.fred, "demo data carries no FRED notice");
        // 1.0025^12 - 1 = 3.04%; 4.33 - 3.04 = +1.3.
        assert!(p.reading.contains("CPI 3.0% year on year") && p.reading.contains("+1.3 points"), "{}", p.reading);
        let svg = render_page(&p, 3, data.date).unwrap();
        assert!(svg.contains("DEMO: generated data"));
        assert!(svg.contains("\nDEMO\n"), "watermark in the chart");
    }

    #[test]
    fn the_venture_page_draws_the_net_liquidity_it_names_or_says_why_not() {
        let mut data = PackData { date: d("2026-11-25"), ..Default::default() };
        let filings: Vec<_> = (0..300u64).map(|i| (d("2024-01-03") + chrono::Days::new(3 * i), 5e6)).collect();
        data.venture = Some(VentureData { form_d: filings, ..Default::default() });
        let without = venture_liquidity(&data);
        assert!(without.reading.contains("net liquidity not drawn"), "{}", without.reading);
        assert!(matches!(&without.body, Body::Bars(c) if c.line.is_none()));

        data.series.insert(
            "walcl".into(),
            series("Fed total assets", "FRED", weekly("2023-01-04", 160, |i| 7_000_000.0 - 1000.0 * i)),
        );
        data.series.insert("wtregen".into(), series("TGA", "FRED", weekly("2023-01-04", 160, |_| 800_000.0)));
        data.series.insert("rrpontsyd".into(), series("RRP", "FRED", weekly("2023-01-03", 160, |_| 100.0)));
        let with = venture_liquidity(&data);
        let Body::Bars(c) = &with.body else { panic!("bars") };
        let line = c.line.as_ref().expect("the net-liquidity line");
        assert_eq!(line.values.len(), c.categories.len(), "one value per quarter");
        // 2024Q1's weeks: WALCL 7,000,000 - 1000 i for i = 52..64, less TGA 800,000, in bn,
        // less RRP 100: the quarter's mean is (7,000,000 - 58,000 - 800,000) / 1000 - 100.
        let q1 = c.categories.iter().position(|q| q == "2024Q1").unwrap();
        assert!((line.values[q1].unwrap() - 6_042.0).abs() < 1e-6, "{:?}", line.values[q1]);
        assert!(with.fred && with.sources.contains("FRED"), "{}", with.sources);
        let svg = render_page(&with, 9, data.date).unwrap();
        assert!(svg.contains("Net liquidity (right axis)"));
    }

    #[test]
    fn every_page_names_its_units_sources_and_date_and_the_cover_its_making() {
        let mut data =
            PackData { date: d("2026-11-25"), built_at: "2026-11-25T06:30:00Z".parse().unwrap(), ..Default::default() };
        with_demo_policy_series(&mut data);
        for p in pages(&data) {
            let footer = footer_lines(&p).join("\n");
            assert!(footer.starts_with("Units: ") && footer.len() > "Units: ".len() + 2, "{}: {footer}", p.title);
            assert!(
                footer.contains("Sources: ") && (footer.contains("data as of ") || footer.contains("no data")),
                "{footer}"
            );
            assert_eq!(footer.contains("DEMO"), p.demo, "{}: {footer}", p.title);
        }
        let policy = policy(&data);
        let footer = footer_lines(&policy);
        assert_eq!(footer[0], "Units: percent");
        assert!(
            footer[1].starts_with("Sources: DEMO (Fed funds; CPI) · data as of 2026-08-01")
                && footer[1].ends_with("DEMO: generated data, not market data"),
            "{footer:?}"
        );
        let cover = provenance(&pages(&data), &data);
        assert_eq!(cover[0], "Built 2026-11-25 06:30 UTC from the Quarry database.");
        assert_eq!(cover[1], "Sources: DEMO.");
        // CPI's last month (140 months from January 2015), the newest of the two.
        assert!(cover[2].starts_with("Data as of 2026-08-01 "), "{cover:?}");
        let svg = render_cover(&pages(&data), &data).unwrap();
        for line in &cover {
            assert!(svg.contains(line.as_str()), "{line} on the cover");
        }
    }

    #[test]
    fn words_wrap_at_the_width() {
        assert_eq!(wrap("aaa bbb ccc", 7), vec!["aaa bbb", "ccc"]);
        assert_eq!(wrap("", 7), vec![""]);
    }
}
