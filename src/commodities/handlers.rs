//! The commodity endpoints whose URL carries the instrument (`/api/commodities/{slug}/...`),
//! which server functions cannot express: thin axum handlers over the same services,
//! answering errors in the same JSON shape as every other endpoint.
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::NaiveDate;
use serde::Deserialize;

use super::downsample::{choose, period_close, Interval};
use super::model::{Detail, History, HistoryPoint, SignalsTable, SourceInfo, DEMO_NOTICE};
use crate::error::{AppError, BadParameter};
use crate::params::ApiQuery;
use crate::routing::Listed;
use crate::state::{AppState, WithApp};
use crate::universe::DEMO_SOURCE;

pub fn routes<S: WithApp>() -> Listed<S> {
    Listed::new()
        .get("/api/commodities/signals.csv", signals_csv)
        .get("/api/commodities/{slug}", detail_json)
        .get("/api/commodities/{slug}/history", history_json)
        .get("/api/commodities/{slug}/history.csv", history_csv)
}

/// The history endpoints' query string; its fields are the documented parameters.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HistoryQuery {
    /// The first date, `YYYY-MM-DD` (the start of the history when left out).
    #[param(value_type = Option<chrono::NaiveDate>, example = "2020-04-16")]
    from: Option<String>,
    /// The last date, `YYYY-MM-DD` (the newest observation when left out).
    #[param(value_type = Option<chrono::NaiveDate>, example = "2020-04-22")]
    to: Option<String>,
    /// What each point is: `raw` (every observation) or the last observation of each `week`,
    /// `month` or `year`; `auto` (the JSON's default) takes the finest that fits `points`. The
    /// CSV's default is `raw`.
    #[param(example = "raw")]
    interval: Option<String>,
    /// The budget for `auto`: 10 to 10,000 points (default 2,000).
    #[param(value_type = Option<u32>, minimum = 10, maximum = 10000)]
    points: Option<String>,
}

impl HistoryQuery {
    /// The `points` budget: 10 to 10,000, 2,000 when left out.
    fn budget(&self) -> Result<usize, AppError> {
        const DEFAULT_POINTS: usize = 2000;
        const MAX_POINTS: usize = 10_000;
        match self.points.as_deref().filter(|s| !s.is_empty()) {
            None => Ok(DEFAULT_POINTS),
            Some(p) => match p.parse::<usize>() {
                Ok(n) if (10..=MAX_POINTS).contains(&n) => Ok(n),
                _ => Err(AppError::bad_parameter(
                    "points",
                    format!("'{p}' is not a whole number from 10 to {MAX_POINTS}"),
                )),
            },
        }
    }
}

/// The 404 of an endpoint whose instrument the universe does not have, for its
/// `#[utoipa::path(responses(...))]`.
#[derive(utoipa::IntoResponses)]
#[response(status = 404, description = "An unknown instrument.")]
pub struct UnknownInstrument(pub AppError);

/// The `group` parameter: empty means all groups; an unknown one is a 400 listing the known.
pub fn group_param(universe: &crate::universe::Universe, group: Option<String>) -> Result<Option<String>, AppError> {
    let group = group.filter(|g| !g.is_empty());
    if let Some(g) = &group {
        if universe.group(g).is_none() {
            let known: Vec<_> = universe.groups.iter().map(|g| g.slug.as_str()).collect();
            return Err(AppError::bad_parameter(
                "group",
                format!("unknown group '{g}'; expected one of: {}", known.join(", ")),
            ));
        }
    }
    Ok(group)
}

/// Validates the request and reads the history; shared by the JSON and CSV answers. Kept
/// per instrument and query (`kept`): a long daily series is thousands of rows.
pub async fn history(state: &AppState, slug: &str, q: &HistoryQuery) -> Result<History, AppError> {
    let key = format!("{slug}\u{1f}{:?}\u{1f}{:?}\u{1f}{:?}\u{1f}{:?}", q.from, q.to, q.interval, q.points);
    let kept = state.kept.of::<super::service::HistoryCache>().get(key, || read_history(state, slug, q)).await?;
    Ok(History::clone(&kept))
}

async fn read_history(state: &AppState, slug: &str, q: &HistoryQuery) -> Result<History, AppError> {
    let inst = state.universe.instrument(slug).ok_or_else(|| {
        AppError::not_found(format!("unknown instrument '{slug}'; /api/commodities/config lists them"))
    })?;
    let (from, to) = crate::params::date_span(q.from.as_deref(), q.to.as_deref())?;
    let asked = Interval::parse(q.interval.as_deref().filter(|s| !s.is_empty()).unwrap_or("auto"))
        .map_err(|m| AppError::bad_parameter("interval", m))?;
    if let Some(i) = asked.filter(|i| !i.fits(inst.frequency)) {
        return Err(AppError::bad_parameter(
            "interval",
            format!("interval '{}' is finer than this series' {} data", i.as_str(), inst.frequency.as_str()),
        ));
    }
    let budget = q.budget()?;
    let ids = crate::series::series_ids(&state.db).await?;
    let rows = match ids.get(slug) {
        Some(id) => crate::series::observations_between(&state.db, *id, from, to).await?,
        None => Vec::new(),
    };
    let values: Vec<(NaiveDate, f64)> = rows.iter().map(|(d, v, _)| (*d, *v)).collect();
    let interval = choose(&values, asked, inst.frequency, budget);
    let tagged: Vec<(NaiveDate, (f64, String))> = rows.into_iter().map(|(d, v, s)| (d, (v, s))).collect();
    let total = tagged.len();
    let points: Vec<HistoryPoint> = period_close(&tagged, interval)
        .into_iter()
        .map(|(date, (value, source))| HistoryPoint { date, value, source })
        .collect();
    let mut sources: Vec<String> = points.iter().map(|p| p.source.clone()).collect();
    sources.sort();
    sources.dedup();
    let demo = sources.iter().any(|s| s == DEMO_SOURCE);
    Ok(History {
        slug: inst.slug.clone(),
        name: inst.name.clone(),
        unit: inst.unit.clone(),
        frequency: inst.frequency,
        from: points.first().map(|p| p.date),
        to: points.last().map(|p| p.date),
        interval: interval.as_str().to_string(),
        method: interval.method().to_string(),
        total_observations: total,
        demo,
        notice: demo.then(|| DEMO_NOTICE.to_string()),
        sources,
        points,
    })
}

/// One instrument's stored history, thinned to period closes when long.
///
/// A coarser interval keeps the last observation of each period (its close), so every point
/// is a value the upstream published; `auto` takes the finest interval whose result fits the
/// budget. The answer says which interval and method it used.
#[utoipa::path(get, path = "/api/commodities/{slug}/history", tag = "commodities",
    params(("slug" = String, Path, description = "The instrument.", example = "wti"), HistoryQuery),
    responses(
        (status = 200, description = "The points.", body = History),
        (status = 400, description = "An unparseable date, `from` after `to`, an unknown interval, one finer than the data, or a budget out of range; `parameter` names it.", body = AppError),
        UnknownInstrument,
    ))]
async fn history_json(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    ApiQuery(q): ApiQuery<HistoryQuery>,
) -> Response {
    history(&state, &slug, &q).await.map(Json).into_response()
}

/// The history as CSV: `date,value,unit,source`, every stored observation by default.
///
/// Unlike the JSON, which fits a chart's point budget, the CSV is every stored observation
/// unless `interval` asks for period closes: a download is for analysis, where a silently
/// thinned series misleads.
#[utoipa::path(get, path = "/api/commodities/{slug}/history.csv", tag = "commodities",
    params(("slug" = String, Path, description = "The instrument.", example = "wti"), HistoryQuery),
    responses(
        (status = 200, description = "The points as CSV.", content_type = "text/csv", body = String),
        BadParameter,
        UnknownInstrument,
    ))]
async fn history_csv(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    ApiQuery(mut q): ApiQuery<HistoryQuery>,
) -> Response {
    if q.interval.as_deref().is_none_or(str::is_empty) {
        q.interval = Some("raw".into());
    }
    let h = match history(&state, &slug, &q).await {
        Ok(h) => h,
        Err(e) => return e.into_response(),
    };
    let rows = h.points.iter().map(|p| vec![p.date.to_string(), p.value.to_string(), h.unit.clone(), p.source.clone()]);
    crate::csv_export::response(
        &format!("{}-history-{}.csv", h.slug, h.interval),
        &["date", "value", "unit", "source"],
        rows,
    )
}

/// One instrument: its latest figures, every signal and its sources with their licences.
///
/// The overview figures (last value, as-of date, source, changes, stale and why), every
/// signal of its latest date (`signals`, `null` until the signals job has run), the stance
/// rule, and its ordered sources with their licences.
#[utoipa::path(get, path = "/api/commodities/{slug}", tag = "commodities",
    params(("slug" = String, Path, description = "The instrument (`/api/commodities/config` lists them).", example = "gold")),
    responses(
        (status = 200, description = "The instrument.", body = Detail),
        UnknownInstrument,
    ))]
async fn detail_json(State(state): State<AppState>, Path(slug): Path<String>) -> Response {
    detail(&state, &slug).await.map(Json).into_response()
}

pub async fn detail(state: &AppState, slug: &str) -> Result<Detail, AppError> {
    let inst = state.universe.instrument(slug).ok_or_else(|| {
        AppError::not_found(format!("unknown instrument '{slug}'; /api/commodities/config lists them"))
    })?;
    let scope = super::service::Scope::Instrument(slug);
    let overview = super::service::overview_in(&state.db, &state.universe, scope, chrono::Utc::now()).await?;
    let entry = overview.instruments.into_iter().next().expect("the slug is in the universe");
    let signals = super::signal_store::latest_in(&state.db, &state.universe, scope, None).await?.into_iter().next();
    let sources = inst
        .sources
        .iter()
        .enumerate()
        .map(|(i, s)| SourceInfo {
            provider: s.provider.as_str().to_string(),
            label: s.provider.label().to_string(),
            code: s.code.clone(),
            licence: s.provider.licence().to_string(),
            rank: i + 1,
        })
        .collect();
    let notice = entry.is_demo().then(|| DEMO_NOTICE.to_string());
    Ok(Detail { entry, sources, signals, stance_rule: super::signals::STANCE_RULE.to_string(), notice })
}

/// Validates the signals table's parameters and reads it; the server function and the CSV
/// route share it, so both answer the same rows and the same errors.
pub async fn signals_table(
    state: &AppState,
    group: Option<String>,
    stance: Option<String>,
    sort: Option<String>,
    dir: Option<String>,
) -> Result<SignalsTable, AppError> {
    use super::signals::{Indicator, Stance, STANCE_RULE};
    let group = group_param(&state.universe, group)?;
    let stance = match stance.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some("bullish") => Some(Stance::Bullish),
        Some("neutral") => Some(Stance::Neutral),
        Some("bearish") => Some(Stance::Bearish),
        Some(other) => {
            return Err(AppError::bad_parameter(
                "stance",
                format!("unknown stance '{other}'; expected bullish, neutral or bearish"),
            ))
        }
    };
    let sort = sort.filter(|s| !s.is_empty()).unwrap_or_else(|| "name".into());
    let numeric = Indicator::ALL.into_iter().filter(|i| *i != Indicator::Cross).map(Indicator::as_str);
    if !super::model::SIGNAL_SORT_COLUMNS.contains(&sort.as_str()) && !numeric.clone().any(|c| c == sort) {
        let all: Vec<&str> = super::model::SIGNAL_SORT_COLUMNS.into_iter().chain(numeric).collect();
        return Err(AppError::bad_parameter("sort", format!("cannot sort by '{sort}'; columns: {}", all.join(", "))));
    }
    let descending = match dir.as_deref().filter(|d| !d.is_empty()) {
        None | Some("asc") => false,
        Some("desc") => true,
        Some(other) => return Err(AppError::bad_parameter("dir", format!("'{other}' is not asc or desc"))),
    };
    let mut rows = super::signal_store::latest(&state.db, &state.universe, group.as_deref(), stance).await?;
    super::model::sort_missing_last(&mut rows, descending, |r| r.sort_value(&sort));
    let demo = rows.iter().any(|r| r.source.as_deref() == Some(crate::universe::DEMO_SOURCE));
    Ok(SignalsTable {
        generated_at: chrono::Utc::now(),
        demo,
        notice: demo.then(|| super::model::DEMO_NOTICE.to_string()),
        stance_rule: STANCE_RULE.to_string(),
        rows,
    })
}

/// The CSV's query string: the same parameters as `/api/commodities/signals`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SignalsQuery {
    /// One group's slug; every group when left out.
    #[param(example = "energy")]
    group: Option<String>,
    /// Only rows with this stance.
    #[param(value_type = Option<super::signals::Stance>, inline)]
    stance: Option<String>,
    /// The column to sort by (default `name`).
    sort: Option<String>,
    /// `asc` (the default) or `desc`.
    dir: Option<String>,
}

/// The signals table as CSV, one row per instrument.
///
/// `n/a` where an indicator does not exist at the series' frequency.
#[utoipa::path(get, path = "/api/commodities/signals.csv", tag = "commodities",
    params(SignalsQuery),
    responses(
        (status = 200, description = "The table as CSV.", content_type = "text/csv", body = String),
        BadParameter,
    ))]
async fn signals_csv(State(state): State<AppState>, ApiQuery(q): ApiQuery<SignalsQuery>) -> Response {
    let table = match signals_table(&state, q.group, q.stance, q.sort, q.dir).await {
        Ok(t) => t,
        Err(e) => return e.into_response(),
    };
    let columns: Vec<&str> = super::signals::Indicator::ALL
        .into_iter()
        .filter(|i| *i != super::signals::Indicator::Cross)
        .map(super::signals::Indicator::as_str)
        .collect();
    let mut header = vec!["slug", "name", "group", "frequency", "unit", "source", "date", "close", "change_1d"];
    header.extend(&columns);
    header.extend(["last_golden_cross", "last_death_cross", "stance"]);
    let rows = table.rows.iter().map(|r| {
        let mut rec = vec![
            r.slug.clone(),
            r.name.clone(),
            r.group.clone(),
            r.frequency.as_str().to_string(),
            r.unit.clone(),
            r.source.clone().unwrap_or_default(),
            r.date.to_string(),
            r.close.to_string(),
            r.change_1d.map(|v| v.to_string()).unwrap_or_default(),
        ];
        for c in &columns {
            rec.push(if r.not_applicable.iter().any(|n| n == c) {
                "n/a".to_string()
            } else {
                r.values.get(*c).copied().flatten().map(|v| v.to_string()).unwrap_or_default()
            });
        }
        rec.push(r.last_golden_cross.map(|d| d.to_string()).unwrap_or_default());
        rec.push(r.last_death_cross.map(|d| d.to_string()).unwrap_or_default());
        rec.push(r.stance.as_str().to_string());
        rec
    });
    crate::csv_export::response("quarry-signals.csv", &header, rows)
}
