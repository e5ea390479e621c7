//! Chart views: any one to four stored series (commodity or macro) over a range, with
//! overlays, as a ratio of two, on a log scale; as SVG, PNG, PDF or CSV. One validation
//! serves the page and every download, so each answers the same chart or the same 400.
use std::collections::BTreeMap;

use chrono::NaiveDate;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Deserialize;

use super::model::{ChartView, SeriesOption};
use crate::commodities::downsample::{choose, period_close};
use crate::commodities::range::Range;
use crate::db::entities::{observations, series, signals};
use crate::error::AppError;
use crate::plot::axes::{self, Axis};
use crate::plot::time_series::{Band, Line, TimeChart};
use crate::plot::{theme, transform};
use crate::universe::{source_label, Frequency};

pub const MAX_SERIES: usize = 4;
const WIDTH: u32 = 960;
const HEIGHT: u32 = 420;
const POINTS: usize = 900;

/// The view's query string, as the page's form and the download links write it. Its
/// fields are the chart endpoints' documented parameters.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ViewQuery {
    /// 1 to 4 series (`/api/charts/series` lists them), comma-separated, none repeated.
    #[param(required = true, example = "gold,silver")]
    pub series: Option<String>,
    /// The span drawn (default `5y`).
    #[param(value_type = Option<Range>, inline, example = "10y")]
    pub range: Option<String>,
    /// Comma-separated, any of `sma50`, `sma200`, `band` (one daily commodity series only).
    pub overlays: Option<String>,
    /// `1` or `true`: draw the first series divided by the second (exactly two series).
    pub ratio: Option<String>,
    /// `1` or `true`: a logarithmic value axis.
    pub log: Option<String>,
    /// `1`/`true`: every series as an index, 100 on their first common date.
    pub rebase: Option<String>,
}

/// A view that passed validation.
#[derive(Debug, Clone, PartialEq)]
pub struct View {
    pub series: Vec<String>,
    pub range: Range,
    pub overlays: Vec<Overlay>,
    pub ratio: bool,
    pub log: bool,
    pub rebase: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overlay {
    Sma50,
    Sma200,
    Band,
}

impl Overlay {
    pub fn as_str(self) -> &'static str {
        match self {
            Overlay::Sma50 => "sma50",
            Overlay::Sma200 => "sma200",
            Overlay::Band => "band",
        }
    }
}

fn flag(name: &str, v: &Option<String>) -> Result<bool, AppError> {
    match v.as_deref().map(str::trim) {
        None | Some("") | Some("0") | Some("false") | Some("off") => Ok(false),
        Some("1") | Some("true") | Some("on") => Ok(true),
        Some(other) => Err(AppError::bad_parameter(name, format!("'{other}' is not 1 or 0"))),
    }
}

/// Checks the query (pure: the known slugs are passed in). Errors name the parameter.
pub fn parse(q: &ViewQuery, known: &[String]) -> Result<View, AppError> {
    let list: Vec<String> = q
        .series
        .as_deref()
        .unwrap_or("")
        .split(',')
        .map(|s| s.trim().to_ascii_lowercase())
        .filter(|s| !s.is_empty())
        .collect();
    if list.is_empty() {
        return Err(AppError::bad_parameter("series", "choose at least one series, e.g. series=gold"));
    }
    if list.len() > MAX_SERIES {
        return Err(AppError::bad_parameter("series", format!("at most {MAX_SERIES} series; {} given", list.len())));
    }
    for (i, s) in list.iter().enumerate() {
        if list[..i].contains(s) {
            return Err(AppError::bad_parameter("series", format!("'{s}' is listed twice")));
        }
    }
    if let Some(unknown) = list.iter().find(|s| !known.contains(s)) {
        return Err(AppError::not_found(format!("unknown series '{unknown}'; /api/charts/series lists them")));
    }
    let range = match q.range.as_deref().filter(|r| !r.is_empty()) {
        None => Range::Y5,
        Some(r) => Range::parse(r).map_err(|m| AppError::bad_parameter("range", m))?,
    };
    let mut overlays = Vec::new();
    for o in q.overlays.as_deref().unwrap_or("").split(',').map(str::trim).filter(|o| !o.is_empty()) {
        let ov = match o {
            "sma50" => Overlay::Sma50,
            "sma200" => Overlay::Sma200,
            "band" => Overlay::Band,
            other => {
                return Err(AppError::bad_parameter(
                    "overlays",
                    format!("unknown overlay '{other}'; expected sma50, sma200 or band"),
                ))
            }
        };
        if !overlays.contains(&ov) {
            overlays.push(ov);
        }
    }
    let ratio = flag("ratio", &q.ratio)?;
    if ratio && list.len() != 2 {
        return Err(AppError::bad_parameter("ratio", "a ratio needs exactly two series: the first over the second"));
    }
    if !overlays.is_empty() && list.len() != 1 {
        return Err(AppError::bad_parameter("overlays", "overlays apply to a single series"));
    }
    let rebase = flag("rebase", &q.rebase)?;
    if rebase && ratio {
        return Err(AppError::bad_parameter("rebase", "a ratio has no units to rebase; choose one of ratio or rebase"));
    }
    if rebase && !overlays.is_empty() {
        return Err(AppError::bad_parameter(
            "rebase",
            "overlays are in the series' own unit; rebasing applies to series without overlays",
        ));
    }
    Ok(View { series: list, range, overlays, ratio, log: flag("log", &q.log)?, rebase })
}

impl View {
    /// The canonical query string of this view (what links and downloads carry).
    pub fn query(&self) -> String {
        let mut q = format!("series={}&range={}", self.series.join(","), self.range.as_str());
        if !self.overlays.is_empty() {
            q.push_str("&overlays=");
            q.push_str(&self.overlays.iter().map(|o| o.as_str()).collect::<Vec<_>>().join(","));
        }
        if self.ratio {
            q.push_str("&ratio=1");
        }
        if self.log {
            q.push_str("&log=1");
        }
        if self.rebase {
            q.push_str("&rebase=1");
        }
        q
    }
}

/// Every stored series a view can draw, commodities first.
pub async fn options(db: &impl ConnectionTrait) -> Result<Vec<SeriesOption>, AppError> {
    let rows = series::Entity::find()
        .order_by_asc(series::Column::Kind)
        .order_by_asc(series::Column::Position)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| SeriesOption {
            slug: r.slug,
            name: r.name,
            kind: r.kind,
            group: r.group_slug,
            unit: r.unit,
            frequency: Frequency::parse(&r.frequency).unwrap_or(Frequency::Daily),
        })
        .collect())
}

struct Loaded {
    opt: SeriesOption,
    points: Vec<(NaiveDate, f64)>,
    sources: Vec<String>,
}

async fn load(db: &impl ConnectionTrait, opt: &SeriesOption, id: i32, range: Range) -> Result<Loaded, AppError> {
    let latest: Option<NaiveDate> = observations::Entity::find()
        .select_only()
        .column(observations::Column::Date)
        .filter(observations::Column::SeriesId.eq(id))
        .order_by_desc(observations::Column::Date)
        .into_tuple()
        .one(db)
        .await?;
    let from = latest.and_then(|l| range.start(l));
    let rows = crate::series::observations_between(db, id, from, None).await?;
    let mut sources: Vec<String> = rows.iter().map(|r| source_label(&r.2).to_string()).collect();
    sources.sort();
    sources.dedup();
    Ok(Loaded { opt: opt.clone(), points: rows.into_iter().map(|(d, v, _)| (d, v)).collect(), sources })
}

/// (date, SMA 20, SMA 50, SMA 200, 20-day volatility) of a signals row.
type OverlayRow = (NaiveDate, Option<f64>, Option<f64>, Option<f64>, Option<f64>);

/// The data of a view: one column per drawn line, by date (for CSV).
pub struct ViewData {
    pub chart: TimeChart,
    pub columns: Vec<String>,
    pub rows: BTreeMap<NaiveDate, Vec<Option<f64>>>,
    pub notes: Vec<String>,
    pub sources: Vec<String>,
    pub demo: bool,
    /// What the values are in, as a download's caption says it.
    pub units: String,
    /// The newest observation drawn.
    pub as_of: Option<NaiveDate>,
}

impl ViewData {
    /// The caption a download carries: the chart's title, units, sources, date, DEMO.
    pub fn caption(&self) -> crate::plot::framed::Caption {
        crate::plot::framed::Caption {
            title: self.chart.title.clone(),
            units: self.units.clone(),
            sources: self.sources.clone(),
            as_of: self.as_of,
            demo: self.demo,
        }
    }
}

/// Reads and builds the chart of a view.
pub async fn build(db: &impl ConnectionTrait, view: &View) -> Result<ViewData, AppError> {
    let all = options(db).await?;
    let ids = crate::series::series_ids(db).await?;
    let mut loaded = Vec::new();
    for slug in &view.series {
        let opt = all.iter().find(|o| &o.slug == slug).expect("parse checked the slug");
        loaded.push(load(db, opt, ids[slug], view.range).await?);
    }
    let mut notes = Vec::new();
    let units;
    let mut sources: Vec<String> = loaded.iter().flat_map(|l| l.sources.clone()).collect();
    sources.sort();
    sources.dedup();
    let demo = sources.iter().any(|s| s == "DEMO");
    let names: Vec<String> = loaded.iter().map(|l| l.opt.name.clone()).collect();
    let title = if view.ratio {
        format!("{} / {}, {}", names[0], names[1], view.range.label())
    } else {
        format!("{}, {}", names.join(", "), view.range.label())
    };
    let mut chart = TimeChart::new(title, String::new(), WIDTH, HEIGHT);
    chart.log_scale = view.log;
    if demo {
        chart.watermark = Some("DEMO".into());
    }
    let mut columns = Vec::new();
    let mut rows: BTreeMap<NaiveDate, Vec<Option<f64>>> = BTreeMap::new();
    let mut push_column = |name: String, pts: &[(NaiveDate, f64)], rows: &mut BTreeMap<NaiveDate, Vec<Option<f64>>>| {
        let k = columns.len();
        columns.push(name);
        for (d, v) in pts {
            let row = rows.entry(*d).or_default();
            row.resize(k + 1, None);
            row[k] = Some(*v);
        }
    };
    let thin = |pts: &[(NaiveDate, f64)], f: Frequency| -> Vec<(NaiveDate, f64)> {
        period_close(pts, choose(pts, None, f, POINTS))
    };
    if view.ratio {
        let (a, b) = (&loaded[0], &loaded[1]);
        // Match each date of the finer series with the latest value of the other.
        let r: Vec<(NaiveDate, f64)> = transform::asof_join(&a.points, &b.points)
            .into_iter()
            .filter(|(_, _, y)| *y != 0.0)
            .map(|(d, x, y)| (d, x / y))
            .collect();
        if r.is_empty() {
            notes.push("The two series share no dates in this range.".into());
        }
        push_column(format!("{}/{}", a.opt.slug, b.opt.slug), &r, &mut rows);
        let f = a.opt.frequency;
        chart.lines.push(Line {
            label: format!("{} / {}", a.opt.name, b.opt.name),
            points: thin(&r, f),
            color: theme::PALETTE[0],
            width: 2,
        });
        chart.desc =
            format!(
            "{} ({}) divided by {} ({}), each {}'s value matched with the latest value of the other known that day.",
            a.opt.name, a.opt.unit, b.opt.name, b.opt.unit, a.opt.frequency.as_str()
        );
        units = format!("ratio of {} ({}) to {} ({})", a.opt.name, a.opt.unit, b.opt.name, b.opt.unit);
        chart.left_desc = Some("ratio".into());
    } else {
        let sized: Vec<(&str, f64)> = loaded.iter().map(|l| (l.opt.unit.as_str(), axes::size(&l.points))).collect();
        let assigned = if view.rebase { None } else { axes::assign_axes(&sized) };
        for l in &loaded {
            push_column(l.opt.slug.clone(), &l.points, &mut rows);
        }
        let label = |l: &Loaded| format!("{} ({})", l.opt.name, l.opt.frequency.as_str());
        match assigned {
            Some(sides) => {
                for (i, (l, side)) in loaded.iter().zip(&sides).enumerate() {
                    let line = Line {
                        label: label(l),
                        points: thin(&l.points, l.opt.frequency),
                        color: theme::PALETTE[i],
                        width: 2,
                    };
                    match side {
                        Axis::Left => chart.lines.push(line),
                        Axis::Right => {
                            chart.right_lines.push(line);
                            chart.right_desc = Some(l.opt.unit.clone());
                        }
                    }
                }
                chart.left_desc = Some(loaded[0].opt.unit.clone());
                units = match &chart.right_desc {
                    Some(r) if r == &loaded[0].opt.unit => format!("{r} (both axes, on their own scales)"),
                    Some(r) => format!("{} (left); {r} (right)", loaded[0].opt.unit),
                    None => loaded[0].opt.unit.clone(),
                };
            }
            None => {
                // Three kinds of series cannot each have an axis: all as an index instead.
                let (start, based) = axes::rebase(&loaded.iter().map(|l| l.points.clone()).collect::<Vec<_>>());
                for (i, (l, pts)) in loaded.iter().zip(&based).enumerate() {
                    if pts.is_empty() && !l.points.is_empty() {
                        notes.push(format!("{} is zero on the base date and cannot be rebased.", l.opt.name));
                    }
                    chart.lines.push(Line {
                        label: label(l),
                        points: thin(pts, l.opt.frequency),
                        color: theme::PALETTE[i],
                        width: 2,
                    });
                }
                let base = start.map(|d| d.to_string()).unwrap_or_else(|| "their first common date".into());
                chart.ref_lines.push(crate::plot::time_series::RefLine { value: 100.0, label: "100".into() });
                chart.left_desc = Some(format!("index, {base} = 100"));
                units = format!(
                    "index, {base} = 100 (each series' own unit: {})",
                    loaded.iter().map(|l| l.opt.unit.as_str()).collect::<Vec<_>>().join(", ")
                );
                if !view.rebase {
                    notes.push("These series differ in unit or size more than two axes can show: each is drawn as an index, 100 on their first common date.".into());
                }
            }
        }
        chart.desc = loaded
            .iter()
            .map(|l| {
                format!("{} in {}, {} ({})", l.opt.name, l.opt.unit, l.opt.frequency.as_str(), l.sources.join(", "))
            })
            .collect::<Vec<_>>()
            .join("; ");
    }
    if !view.overlays.is_empty() {
        let l = &loaded[0];
        if l.opt.frequency != Frequency::Daily || l.opt.kind != "commodity" {
            notes.push(format!("Overlays are daily indicators of commodity series: not drawn for {}.", l.opt.name));
        } else {
            let from = l.points.first().map(|p| p.0);
            let rows_s: Vec<OverlayRow> = signals::Entity::find()
                .select_only()
                .columns([
                    signals::Column::Date,
                    signals::Column::Sma20,
                    signals::Column::Sma50,
                    signals::Column::Sma200,
                    signals::Column::Vol20d,
                ])
                .filter(signals::Column::SeriesId.eq(ids[&l.opt.slug]))
                .filter(signals::Column::Date.gte(from.unwrap_or(NaiveDate::MIN)))
                .order_by_asc(signals::Column::Date)
                .into_tuple()
                .all(db)
                .await?;
            for (k, ov) in view.overlays.iter().enumerate() {
                let pts: Vec<(NaiveDate, f64)> = match ov {
                    Overlay::Sma50 => rows_s.iter().filter_map(|r| r.2.map(|v| (r.0, v))).collect(),
                    Overlay::Sma200 => rows_s.iter().filter_map(|r| r.3.map(|v| (r.0, v))).collect(),
                    Overlay::Band => {
                        let band: Vec<(NaiveDate, f64, f64)> = rows_s
                            .iter()
                            .filter_map(|r| {
                                let (lo, hi) = crate::commodities::instrument::vol_band(r.1?, r.4?);
                                Some((r.0, lo, hi))
                            })
                            .collect();
                        push_column("band_low".into(), &band.iter().map(|b| (b.0, b.1)).collect::<Vec<_>>(), &mut rows);
                        push_column(
                            "band_high".into(),
                            &band.iter().map(|b| (b.0, b.2)).collect::<Vec<_>>(),
                            &mut rows,
                        );
                        let tagged: Vec<(NaiveDate, (f64, f64))> = band.iter().map(|b| (b.0, (b.1, b.2))).collect();
                        let thin_band = period_close(&tagged, choose(&l.points, None, Frequency::Daily, POINTS));
                        chart.band = Some(Band {
                            label: "Volatility band".into(),
                            points: thin_band.into_iter().map(|(d, (lo, hi))| (d, lo, hi)).collect(),
                            color: theme::PALETTE[4],
                        });
                        continue;
                    }
                };
                if pts.is_empty() {
                    notes.push(format!(
                        "{} has no values in this range (not enough history, or signals not computed yet).",
                        ov.as_str()
                    ));
                    continue;
                }
                push_column(ov.as_str().into(), &pts, &mut rows);
                chart.lines.push(Line {
                    label: ov.as_str().to_uppercase(),
                    points: thin(&pts, Frequency::Daily),
                    color: theme::PALETTE[k + 1],
                    width: 1,
                });
            }
        }
    }
    let width = columns.len();
    for r in rows.values_mut() {
        r.resize(width, None);
    }
    if view.log {
        chart.desc.push_str(" Logarithmic value axis.");
    }
    let as_of = loaded.iter().filter_map(|l| l.points.last().map(|p| p.0)).max();
    Ok(ViewData { chart, columns, rows, notes, sources, demo, units, as_of })
}

/// What the page gets: the chart as inline SVG and the links of its downloads.
pub async fn page_view(db: &impl ConnectionTrait, q: &ViewQuery) -> Result<ChartView, AppError> {
    let known: Vec<String> = options(db).await?.into_iter().map(|o| o.slug).collect();
    let view = parse(q, &known)?;
    let data = build(db, &view).await?;
    let svg = match crate::plot::render_svg(&data.chart, "view-chart") {
        Ok(svg) => Some(svg),
        Err(crate::plot::ChartError::Empty(_)) => None,
        Err(e) => return Err(AppError::internal("chart not drawn", e)),
    };
    let mut notes = data.notes;
    if svg.is_none() {
        notes.push("No observations in this range.".into());
    }
    let query = view.query();
    Ok(ChartView {
        title: data.chart.title.clone(),
        desc: data.chart.desc.clone(),
        svg,
        notes,
        sources: data.sources,
        demo: data.demo,
        svg_url: format!("/api/charts/view.svg?{query}"),
        png_url: format!("/api/charts/view.png?{query}"),
        pdf_url: format!("/api/charts/view.pdf?{query}"),
        csv_url: format!("/api/charts/view.csv?{query}"),
        query,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known() -> Vec<String> {
        ["gold", "silver", "wti", "dgs10", "sp500"].map(String::from).to_vec()
    }

    fn q(series: &str) -> ViewQuery {
        ViewQuery { series: Some(series.into()), ..Default::default() }
    }

    #[test]
    fn a_valid_view_round_trips_through_its_query() {
        let v = parse(
            &ViewQuery {
                range: Some("10y".into()),
                overlays: Some("sma200,sma50,sma200".into()),
                log: Some("1".into()),
                ..q("Gold")
            },
            &known(),
        )
        .unwrap();
        assert_eq!(v.query(), "series=gold&range=10y&overlays=sma200,sma50&log=1");
        assert_eq!(parse(&q("gold,silver"), &known()).unwrap().range, Range::Y5, "five years by default");
    }

    #[test]
    fn bad_views_name_the_parameter() {
        let param = |r: Result<View, AppError>| r.unwrap_err().parameter.unwrap_or_else(|| "404".into());
        assert_eq!(param(parse(&q(""), &known())), "series");
        assert_eq!(param(parse(&q("gold,silver,wti,dgs10,sp500"), &known())), "series");
        assert_eq!(param(parse(&q("gold,gold"), &known())), "series");
        assert_eq!(param(parse(&q("unobtainium"), &known())), "404");
        assert_eq!(param(parse(&ViewQuery { range: Some("2w".into()), ..q("gold") }, &known())), "range");
        assert_eq!(param(parse(&ViewQuery { ratio: Some("1".into()), ..q("gold") }, &known())), "ratio");
        assert_eq!(param(parse(&ViewQuery { ratio: Some("yes".into()), ..q("gold,silver") }, &known())), "ratio");
        assert_eq!(param(parse(&ViewQuery { overlays: Some("ema".into()), ..q("gold") }, &known())), "overlays");
        assert_eq!(
            param(parse(&ViewQuery { overlays: Some("sma50".into()), ..q("gold,silver") }, &known())),
            "overlays"
        );
    }
}
