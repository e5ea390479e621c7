//! The instrument page's data: the detail answer plus charts for one range, drawn from the
//! stored signals rows (the request path reads, it never computes indicators), and the
//! newest observations.
use chrono::NaiveDate;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, QueryFilter, QueryOrder, QuerySelect,
};

use super::downsample::{choose, period_close, Interval};
use super::model::{ChartSvg, Detail, HistoryPoint, InstrumentPage};
use super::range::Range;
use super::signals::{applies, Indicator};
use crate::db::entities::signals as table;
use crate::error::AppError;
use crate::plot::{render_svg, theme, Band, Bars, Line, RefLine, TimeChart};
use crate::state::AppState;
use crate::universe::Instrument;

/// Points a chart draws at most; longer ranges take period closes. About one point per
/// pixel column of the price chart.
const CHART_POINTS: usize = 800;
const RECENT: u64 = 15;
const WIDTH: u32 = 880;

/// The columns of a signals row a chart draws.
#[derive(Debug, Clone, FromQueryResult)]
pub struct ChartRow {
    pub date: NaiveDate,
    pub close: f64,
    pub sma20: Option<f64>,
    pub sma50: Option<f64>,
    pub sma200: Option<f64>,
    pub vol_20d: Option<f64>,
    pub rsi14: Option<f64>,
    pub macd: Option<f64>,
    pub macd_signal: Option<f64>,
    pub macd_hist: Option<f64>,
}

async fn chart_rows(
    db: &impl ConnectionTrait,
    series_id: i32,
    from: Option<NaiveDate>,
) -> Result<Vec<ChartRow>, DbErr> {
    use table::Column as C;
    let mut q = table::Entity::find().select_only().columns([
        C::Date,
        C::Close,
        C::Sma20,
        C::Sma50,
        C::Sma200,
        C::Vol20d,
        C::Rsi14,
        C::Macd,
        C::MacdSignal,
        C::MacdHist,
    ]);
    q = q.filter(C::SeriesId.eq(series_id));
    if let Some(f) = from {
        q = q.filter(C::Date.gte(f));
    }
    q.order_by_asc(C::Date).into_model::<ChartRow>().all(db).await
}

/// Observations as chart rows without indicators: before the signals job has run.
async fn plain_rows(
    db: &impl ConnectionTrait,
    series_id: i32,
    from: Option<NaiveDate>,
) -> Result<Vec<ChartRow>, DbErr> {
    Ok(crate::series::observations_between(db, series_id, from, None)
        .await?
        .into_iter()
        .map(|(date, close, _)| ChartRow {
            date,
            close,
            sma20: None,
            sma50: None,
            sma200: None,
            vol_20d: None,
            rsi14: None,
            macd: None,
            macd_signal: None,
            macd_hist: None,
        })
        .collect())
}

async fn recent(db: &impl ConnectionTrait, series_id: i32) -> Result<Vec<HistoryPoint>, DbErr> {
    let rows = crate::series::newest_observations(db, series_id, RECENT).await?;
    Ok(rows.into_iter().map(|(date, value, source)| HistoryPoint { date, value, source }).collect())
}

/// Reads and draws the page for `slug` over `range` (the frequency's default when `None`).
pub async fn page(state: &AppState, slug: &str, range: Option<Range>) -> Result<InstrumentPage, AppError> {
    let detail = super::handlers::detail(state, slug).await?;
    let inst = state.universe.instrument(slug).expect("detail checked the slug");
    let range = range.unwrap_or_else(|| Range::default_for(inst.frequency));
    let ids = crate::series::series_ids(&state.db).await?;
    let Some((id, latest)) = ids.get(slug).copied().zip(detail.entry.as_of) else {
        return Ok(empty(detail, range, "No observations yet: the price jobs fill this series."));
    };
    let from = range.start(latest);
    let mut rows = chart_rows(&state.db, id, from).await?;
    let mut notes = Vec::new();
    if rows.is_empty() {
        rows = plain_rows(&state.db, id, from).await?;
        if !rows.is_empty() {
            notes.push("Indicators are not computed yet: the commodity_signals job draws them on its next run.".into());
        }
    }
    let recent = recent(&state.db, id).await?;
    if rows.is_empty() {
        return Ok(InstrumentPage { recent, ..empty(detail, range, "No observations in this range.") });
    }
    let closes: Vec<(NaiveDate, f64)> = rows.iter().map(|r| (r.date, r.close)).collect();
    let interval = choose(&closes, None, inst.frequency, CHART_POINTS);
    let tagged: Vec<(NaiveDate, ChartRow)> = rows.into_iter().map(|r| (r.date, r)).collect();
    let rows: Vec<ChartRow> = period_close(&tagged, interval).into_iter().map(|(_, r)| r).collect();
    let charts = Charts::build(inst, &detail, range, interval, &rows);
    notes.extend(charts.notes);
    Ok(InstrumentPage {
        range,
        from: rows.first().map(|r| r.date),
        to: rows.last().map(|r| r.date),
        method: interval.method().to_string(),
        points: rows.len(),
        price_chart: charts.price,
        rsi_chart: charts.rsi,
        macd_chart: charts.macd,
        chart_notes: notes,
        recent,
        detail,
    })
}

fn empty(detail: Detail, range: Range, why: &str) -> InstrumentPage {
    InstrumentPage {
        detail,
        range,
        from: None,
        to: None,
        method: Interval::Raw.method().to_string(),
        points: 0,
        price_chart: None,
        rsi_chart: None,
        macd_chart: None,
        chart_notes: vec![why.to_string()],
        recent: Vec::new(),
    }
}

struct Charts {
    price: Option<ChartSvg>,
    rsi: Option<ChartSvg>,
    macd: Option<ChartSvg>,
    notes: Vec<String>,
}

fn series(rows: &[ChartRow], f: impl Fn(&ChartRow) -> Option<f64>) -> Vec<(NaiveDate, f64)> {
    rows.iter().filter_map(|r| f(r).map(|v| (r.date, v))).collect()
}

/// The volatility band: the 20-day average times (1 ± σ), σ being the standard deviation
/// of a 20-trading-day move implied by the annualised 20-day volatility (vol × √(20/252)).
pub fn vol_band(sma20: f64, vol_20d: f64) -> (f64, f64) {
    let sigma = vol_20d * (20.0f64 / 252.0).sqrt();
    (sma20 * (1.0 - sigma), sma20 * (1.0 + sigma))
}

/// The margin right of each stacked panel's plot, wide enough for the RSI panel's
/// "70 overbought", so the three panels' dates line up.
const PANEL_GUTTER: i32 = 110;

impl Charts {
    fn build(inst: &Instrument, detail: &Detail, range: Range, interval: Interval, rows: &[ChartRow]) -> Charts {
        let mut notes = Vec::new();
        let from = rows.first().map(|r| r.date).unwrap_or_default();
        let to = rows.last().map(|r| r.date).unwrap_or_default();
        let sampled = match interval {
            Interval::Raw => String::new(),
            i => format!(" One point per {} (its last observation).", i.as_str()),
        };
        let demo = detail.entry.is_demo();
        let source = detail.entry.source_label.clone().unwrap_or_else(|| "unknown source".into());
        let watermark = demo.then(|| "DEMO".to_string());
        let span = format!("{from} to {to}");

        let mut price = TimeChart::new(
            format!("{} price, {} ({})", inst.name, range.label(), span),
            format!(
                "{} {} closes in {} from {}{}, {span}.{sampled}",
                if demo { "Generated (DEMO)" } else { "Published" },
                inst.frequency.as_str(),
                inst.unit,
                source,
                if inst.is_proxy { " (a proxy price)" } else { "" },
            ),
            WIDTH,
            320,
        );
        price.watermark = watermark.clone();
        price.left_desc = Some(inst.unit.clone());
        price.min_right_margin = Some(PANEL_GUTTER);
        price.lines.push(Line {
            label: "Close".into(),
            points: series(rows, |r| Some(r.close)),
            color: theme::PALETTE[0],
            width: 2,
        });
        for (label, f, color) in [
            ("SMA 50", (|r: &ChartRow| r.sma50) as fn(&ChartRow) -> Option<f64>, theme::PALETTE[1]),
            ("SMA 200", |r: &ChartRow| r.sma200, theme::PALETTE[3]),
        ] {
            let pts = series(rows, f);
            if !pts.is_empty() {
                price.lines.push(Line { label: label.into(), points: pts, color, width: 1 });
            }
        }
        let band: Vec<_> = rows
            .iter()
            .filter_map(|r| Some((r.date, r.sma20?, r.vol_20d?)))
            .map(|(d, m, v)| {
                let (lo, hi) = vol_band(m, v);
                (d, lo, hi)
            })
            .collect();
        if !band.is_empty() {
            price.desc.push_str(
                " Lines: the 50- and 200-day simple moving averages. Shaded band: the 20-day average ± one standard 20-day move (annualised 20-day volatility × √(20/252)).",
            );
            price.band = Some(Band { label: "Volatility band".into(), points: band, color: theme::PALETTE[4] });
        }
        let price = render(&price, "price-chart", &mut notes);

        let daily_panels = applies(Indicator::Rsi14, inst.frequency);
        let (rsi, macd) = if !daily_panels {
            notes.push(format!(
                "Moving averages, the volatility band, RSI and MACD are daily indicators: n/a for {} data.",
                inst.frequency.as_str()
            ));
            (None, None)
        } else {
            let mut rsi = TimeChart::new(
                format!("{} RSI 14, {}", inst.name, range.label()),
                format!("Relative strength index over 14 observations (Wilder smoothing), {span}. Lines at 70 (overbought) and 30 (oversold).{sampled}"),
                WIDTH,
                150,
            );
            rsi.y_range = Some((0.0, 100.0));
            rsi.ref_lines = crate::plot::time_series::rsi_bands();
            rsi.left_desc = Some("RSI 14".into());
            rsi.min_right_margin = Some(PANEL_GUTTER);
            rsi.watermark = watermark.clone();
            let pts = series(rows, |r| r.rsi14);
            if !pts.is_empty() {
                rsi.lines.push(Line { label: "RSI 14".into(), points: pts, color: theme::PALETTE[2], width: 1 });
            }
            let mut macd = TimeChart::new(
                format!("{} MACD (12, 26, 9), {}", inst.name, range.label()),
                format!("MACD line (EMA 12 − EMA 26), its 9-period signal line, and the histogram (MACD − signal), {span}.{sampled}"),
                WIDTH,
                170,
            );
            macd.watermark = watermark;
            macd.left_desc = Some("MACD".into());
            macd.min_right_margin = Some(PANEL_GUTTER);
            macd.ref_lines = vec![RefLine { value: 0.0, label: "0".into() }];
            let hist = series(rows, |r| r.macd_hist);
            if !hist.is_empty() {
                macd.bars = Some(Bars { label: "Histogram".into(), points: hist });
            }
            for (label, f, color) in [
                ("MACD", (|r: &ChartRow| r.macd) as fn(&ChartRow) -> Option<f64>, theme::PALETTE[0]),
                ("Signal", |r: &ChartRow| r.macd_signal, theme::PALETTE[5]),
            ] {
                let pts = series(rows, f);
                if !pts.is_empty() {
                    macd.lines.push(Line { label: label.into(), points: pts, color, width: 1 });
                }
            }
            let rsi = if rsi.lines.is_empty() {
                notes.push("RSI needs 15 observations; this range has none with a value.".into());
                None
            } else {
                render(&rsi, "rsi-chart", &mut notes)
            };
            let macd = if macd.lines.is_empty() {
                notes.push("MACD needs 26 observations; this range has none with a value.".into());
                None
            } else {
                render(&macd, "macd-chart", &mut notes)
            };
            (rsi, macd)
        };
        Charts { price, rsi, macd, notes }
    }
}

fn render(chart: &TimeChart, id: &str, notes: &mut Vec<String>) -> Option<ChartSvg> {
    match render_svg(chart, id) {
        Ok(svg) => Some(ChartSvg { title: chart.title.clone(), svg }),
        Err(e) => {
            tracing::warn!(chart = %chart.title, error = %e, "chart not drawn");
            notes.push(format!("{}: not drawn ({e}).", chart.title));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_band_is_one_twenty_day_sigma_either_side_of_the_average() {
        // 31.75% annualised volatility: √(20/252) = 0.281718..., so σ20 = 0.089445...
        let (lo, hi) = vol_band(100.0, 0.3175);
        let sigma = 0.3175 * (20.0f64 / 252.0).sqrt();
        assert!((sigma - 0.089445).abs() < 1e-6, "{sigma}");
        assert!((lo - 91.0555).abs() < 1e-3 && (hi - 108.9445).abs() < 1e-3, "{lo} {hi}");
    }
}
