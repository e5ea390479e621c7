//! The compare view's service (server only): checks the parameters, reads the window of
//! each instrument, and builds the answer with the arithmetic of `compare_math` and a chart
//! of the rebased lines drawn by the shared renderer.
use std::collections::BTreeSet;

use chrono::{Months, NaiveDate};

use super::compare_math::{
    align, at_basis, basis, correlation_matrix, method_text, period_end, period_start, rebase, ComparedInstrument,
    Comparison, RebaseError, BASE_VALUE, MAX_INSTRUMENTS, MIN_INSTRUMENTS,
};
use super::downsample::{choose, period_close, Interval};
use super::model::{ChartSvg, DEMO_NOTICE};
use crate::error::AppError;
use crate::plot::{render_svg, theme, Line, RefLine, TimeChart};
use crate::state::AppState;
use crate::universe::{source_label, Instrument, Universe, DEMO_SOURCE};

/// Points the chart draws at most per line; longer windows take period closes.
const CHART_POINTS: usize = 800;
const WIDTH: u32 = 880;
const HEIGHT: u32 = 360;
/// The default window: this many months up to the newest common observation.
const DEFAULT_MONTHS: u32 = 60;

/// The instruments of `instruments=a,b,c`, in the order given: 2 to 6 known slugs, no
/// duplicates. Empty items (a trailing comma) are ignored.
pub fn instruments_param<'u>(universe: &'u Universe, raw: Option<&str>) -> Result<Vec<&'u Instrument>, AppError> {
    let slugs: Vec<String> =
        raw.unwrap_or("").split(',').map(|s| s.trim().to_lowercase()).filter(|s| !s.is_empty()).collect();
    let mut seen = BTreeSet::new();
    if let Some(dup) = slugs.iter().find(|s| !seen.insert(s.as_str())) {
        return Err(AppError::bad_parameter(
            "instruments",
            format!("'{dup}' is listed twice; list each instrument once"),
        ));
    }
    if slugs.len() < MIN_INSTRUMENTS {
        let got = if slugs.is_empty() { "none".to_string() } else { format!("{} ({})", slugs.len(), slugs.join(", ")) };
        return Err(AppError::bad_parameter(
            "instruments",
            format!(
                "choose {MIN_INSTRUMENTS} to {MAX_INSTRUMENTS} instruments to compare, as a comma-separated list like instruments=gold,silver; got {got}"
            ),
        ));
    }
    if slugs.len() > MAX_INSTRUMENTS {
        return Err(AppError::bad_parameter(
            "instruments",
            format!("at most {MAX_INSTRUMENTS} instruments can be compared at once; got {}", slugs.len()),
        ));
    }
    slugs
        .iter()
        .map(|slug| {
            universe.instrument(slug).ok_or_else(|| {
                AppError::not_found(format!("unknown instrument '{slug}'; /api/commodities/config lists them"))
            })
        })
        .collect()
}

/// Builds the comparison for the request's parameters; `today` closes the window when no
/// instrument has data.
pub async fn compare(
    state: &AppState,
    instruments: Option<&str>,
    base: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
    today: NaiveDate,
) -> Result<Comparison, AppError> {
    let chosen = instruments_param(&state.universe, instruments)?;
    let base = crate::params::date("base", base)?;
    let (from_asked, to_asked) = crate::params::date_span(from, to)?;
    let basis = basis(&chosen.iter().map(|i| i.frequency).collect::<Vec<_>>());

    let ids = crate::series::series_ids(&state.db).await?;
    let ids: Vec<Option<i32>> = chosen.iter().map(|i| ids.get(&i.slug).copied()).collect();
    let to = match to_asked {
        Some(t) => t,
        None => {
            // The newest period every instrument has reached: its end closes the window.
            let latest = crate::series::latest_dates(&state.db).await?;
            ids.iter()
                .filter_map(|id| id.and_then(|id| latest.get(&id)))
                .map(|d| period_end(*d, basis))
                .min()
                .unwrap_or(today)
        }
    };
    let from =
        from_asked.unwrap_or_else(|| to.checked_sub_months(Months::new(DEFAULT_MONTHS)).unwrap_or(NaiveDate::MIN));
    if from > to {
        return Err(AppError::bad_parameter(
            "from",
            format!("from ({from}) is after the newest observation all instruments share ({to})"),
        ));
    }
    // At month or year ends a period counts whole: the window opens at the start of the
    // period holding `from`, so a monthly figure dated the 1st is not cut off.
    let from = period_start(from, basis);

    let mut notes = Vec::new();
    let mut rows = Vec::with_capacity(chosen.len());
    let mut based = Vec::with_capacity(chosen.len());
    for (inst, id) in chosen.iter().zip(&ids) {
        let obs = match id {
            Some(id) => crate::series::observations_between(&state.db, *id, Some(from), Some(to)).await?,
            None => Vec::new(),
        };
        if obs.is_empty() {
            notes.push(format!("{} has no observations between {from} and {to}.", inst.name));
        }
        let sources: Vec<String> = obs.iter().map(|o| o.2.clone()).collect::<BTreeSet<_>>().into_iter().collect();
        let points: Vec<(NaiveDate, f64)> = obs.iter().map(|(d, v, _)| (*d, *v)).collect();
        based.push(at_basis(&points, basis));
        rows.push(ComparedInstrument {
            slug: inst.slug.clone(),
            name: inst.name.clone(),
            group: inst.group.clone(),
            unit: inst.unit.clone(),
            frequency: inst.frequency,
            source_labels: sources.iter().map(|s| source_label(s).to_string()).collect(),
            demo: sources.iter().any(|s| s == DEMO_SOURCE),
            sources,
            color: theme::hex(theme::PALETTE[rows.len() % theme::PALETTE.len()]),
            base_value: None,
            last_value: None,
            as_of: None,
            last_rebased: None,
            change_pct: None,
            observations: points.len(),
        });
    }

    let aligned = align(&based);
    let (correlation, common_returns) = correlation_matrix(&based);
    let demo = rows.iter().any(|r| r.demo);
    let rebased = match rebase(&aligned, base) {
        Ok(r) => Some(r),
        Err(RebaseError::NoCommonDates) => {
            if notes.is_empty() {
                notes.push(format!("The instruments share no date between {from} and {to}: nothing to rebase."));
            }
            None
        }
        Err(RebaseError::BaseAfterLastCommon { asked, last }) => {
            return Err(AppError::bad_parameter(
                "base",
                format!(
                    "no date on or after {asked} on which all instruments have a value; the last such date is {last}"
                ),
            ))
        }
        Err(RebaseError::NotPositive { index, date, value }) => {
            return Err(AppError::bad_parameter(
                "base",
                format!(
                    "{} is {value} on {date}; rebasing needs a positive value, so choose another base date",
                    rows[index].name
                ),
            ))
        }
    };

    let mut chart = None;
    let mut interval = Interval::Raw;
    if let Some(r) = &rebased {
        let last = aligned.values.iter().map(|v| v.last().copied());
        for ((row, line), (b, l)) in rows.iter_mut().zip(&r.lines).zip(r.base_values.iter().zip(last)) {
            row.base_value = Some(*b);
            row.last_value = l;
            row.as_of = aligned.dates.last().copied();
            row.last_rebased = line.last().map(|p| p.1);
            row.change_pct = row.last_rebased.map(|v| v - BASE_VALUE);
        }
        interval = choose(&r.lines[0], None, basis, CHART_POINTS);
        chart = draw(&rows, &r.lines, r.base_used, basis, interval, demo, &mut notes);
    }
    let base_used = rebased.as_ref().map(|r| r.base_used);
    Ok(Comparison {
        method: method_text(basis, base_used, interval),
        instruments: rows,
        basis,
        base_asked: base,
        base_used,
        from,
        to,
        common_dates: aligned.dates.len(),
        first_common: aligned.dates.first().copied(),
        last_common: aligned.dates.last().copied(),
        chart,
        notes,
        correlation,
        common_returns,
        demo,
        notice: demo.then(|| DEMO_NOTICE.to_string()),
    })
}

/// The rebased lines as one chart, with a reference line at 100.
fn draw(
    rows: &[ComparedInstrument],
    lines: &[Vec<(NaiveDate, f64)>],
    base_used: NaiveDate,
    basis: crate::universe::Frequency,
    interval: Interval,
    demo: bool,
    notes: &mut Vec<String>,
) -> Option<ChartSvg> {
    let names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
    let (first, last) = (lines[0].first()?.0, lines[0].last()?.0);
    let at = match basis {
        crate::universe::Frequency::Daily => "daily closes",
        crate::universe::Frequency::Weekly => "week-end closes",
        crate::universe::Frequency::Monthly => "month-end closes",
        crate::universe::Frequency::Annual => "year-end closes",
    };
    let sampled = match interval {
        Interval::Raw => String::new(),
        i => format!(" One point per {} (its last common date).", i.as_str()),
    };
    let mut chart = TimeChart::new(
        format!("{} rebased to 100 on {base_used}", names.join(", ")),
        format!(
            "{} {at} from {first} to {last}, each divided by its value on {base_used} and multiplied by 100, on the dates all of them share. The horizontal line marks 100.{sampled}",
            if demo { "Generated (DEMO)" } else { "Published" },
        ),
        WIDTH,
        HEIGHT,
    );
    if demo {
        chart.watermark = Some("DEMO".into());
    }
    chart.ref_lines.push(RefLine { value: BASE_VALUE, label: "100".into() });
    for (i, (row, line)) in rows.iter().zip(lines).enumerate() {
        chart.lines.push(Line {
            label: row.name.clone(),
            points: period_close(line, interval),
            color: theme::PALETTE[i % theme::PALETTE.len()],
            width: 2,
        });
    }
    match render_svg(&chart, "compare-chart") {
        Ok(svg) => Some(ChartSvg { title: chart.title, svg }),
        Err(e) => {
            tracing::warn!(chart = %chart.title, error = %e, "chart not drawn");
            notes.push(format!("The chart could not be drawn ({e})."));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn universe() -> Universe {
        crate::universe::parse_universe("builtin", crate::universe::BUILTIN_UNIVERSE).unwrap()
    }

    #[test]
    fn the_instrument_list_is_checked_before_anything_is_read() {
        let u = universe();
        let slugs =
            |raw: &str| instruments_param(&u, Some(raw)).map(|v| v.iter().map(|i| i.slug.clone()).collect::<Vec<_>>());
        assert_eq!(slugs(" Gold, silver ,").unwrap(), vec!["gold", "silver"]);
        for raw in ["", "gold", "gold,gold", "gold,silver,platinum,palladium,copper,wti,brent"] {
            let e = slugs(raw).unwrap_err();
            assert_eq!(e.parameter.as_deref(), Some("instruments"), "{raw}: {e:?}");
        }
        assert!(slugs("gold,gold").unwrap_err().message.contains("listed twice"));
        let e = slugs("gold,unobtainium").unwrap_err();
        assert_eq!(e.kind, crate::error::ErrorKind::NotFound);
        assert!(e.message.contains("unobtainium"));
    }
}
