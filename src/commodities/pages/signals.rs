//! The signals table: every instrument's latest indicators and stance in one sortable
//! table. Filters and sorting are links that put the state in the URL; the server filters
//! and sorts (`commodities/signals`), so with JavaScript off a click is a page load and
//! with it on the router fetches the new table in place.
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

use crate::commodities::api::{get_config, get_signals};
use crate::commodities::model::{SignalSummary, SignalsTable};
use crate::commodities::signals::Stance;
use crate::components::{
    choice_chips, count_of, Chips, DemoBadge, DemoNotice, EmptyState, ErrorBox, Loading, NoMatch, SortHeader,
    TableTools,
};
use crate::error::AppError;
use crate::format::{format_change, format_period, format_value};
use crate::params::encode;
use crate::universe::{Frequency, Group, DEMO_SOURCE};

use super::sign_class;

const PATH: &str = "/commodities/signals";
const STANCES: [Stance; 3] = [Stance::Bullish, Stance::Neutral, Stance::Bearish];

/// The table's state as the URL gives it; values are passed on as they are, so the API
/// decides what is valid and the page shows its message when something is not.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct SignalsQuery {
    group: Option<String>,
    stance: Option<String>,
    sort: Option<String>,
    dir: Option<String>,
}

impl SignalsQuery {
    /// The column the rows are sorted by: the API sorts by name when none is given.
    fn sort_column(&self) -> &str {
        self.sort.as_deref().unwrap_or("name")
    }

    fn descending(&self) -> bool {
        self.dir.as_deref() == Some("desc")
    }

    /// The query string of this state (`?group=...&stance=...`, or empty).
    fn query_string(&self) -> String {
        let parts: Vec<String> =
            [("group", &self.group), ("stance", &self.stance), ("sort", &self.sort), ("dir", &self.dir)]
                .into_iter()
                .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k}={}", encode(v))))
                .collect();
        if parts.is_empty() {
            String::new()
        } else {
            format!("?{}", parts.join("&"))
        }
    }

    fn href(&self) -> String {
        format!("{PATH}{}", self.query_string())
    }

    fn with_group(&self, group: Option<&str>) -> Self {
        Self { group: group.map(str::to_string), ..self.clone() }
    }

    fn with_stance(&self, stance: Option<&str>) -> Self {
        Self { stance: stance.map(str::to_string), ..self.clone() }
    }

    /// The state after clicking a column header: the active column flips its direction; a
    /// new column starts with the biggest first, except text columns, which read A to Z.
    fn sorted_by(&self, column: &str) -> Self {
        let descending =
            if self.sort_column() == column { !self.descending() } else { !matches!(column, "name" | "group") };
        Self {
            sort: Some(column.to_string()),
            dir: Some(if descending { "desc" } else { "asc" }.to_string()),
            ..self.clone()
        }
    }
}

#[component]
pub fn SignalsPage() -> impl IntoView {
    let query = use_query_map();
    let state = Memo::new(move |_| {
        let q = query.read();
        let param = |name: &str| q.get(name).filter(|v| !v.is_empty());
        SignalsQuery { group: param("group"), stance: param("stance"), sort: param("sort"), dir: param("dir") }
    });
    // The answer carries the state it was fetched for, so what the page shows always
    // matches its data, even while the next state is loading.
    let table = Resource::new(
        move || state.get(),
        |q| async move {
            let answer = get_signals(q.group.clone(), q.stance.clone(), q.sort.clone(), q.dir.clone()).await;
            (q, answer)
        },
    );
    let config = Resource::new(|| (), |_| get_config());
    view! {
        <Title text="Commodity signals"/>
        <h1>"Signals"</h1>
        <p class="lede">
            "Every instrument's technical indicators as of its newest observation, and the stance they add up to. Monthly and annual series have fewer indicators than daily ones: those they cannot have read n/a, and a dash means the history is too short yet. The 1D change and the rates of change are the same figures as on the overview: see how changes are measured below the table."
        </p>
        <Transition fallback=|| view! { <Loading text="Loading signals…"/> }>
            {move || Suspend::new(async move {
                let groups = config.await.map(|u| u.groups).unwrap_or_default();
                let (q, answer) = table.await;
                view! { <SignalsBody q groups answer/> }
            })}
        </Transition>
    }
}

#[component]
fn SignalsBody(q: SignalsQuery, groups: Vec<Group>, answer: Result<SignalsTable, AppError>) -> impl IntoView {
    let group_name = {
        let groups = groups.clone();
        move |slug: &str| {
            groups.iter().find(|g| g.slug == slug).map(|g| g.name.clone()).unwrap_or_else(|| slug.to_string())
        }
    };
    let group_chips = choice_chips(
        groups.iter().map(|g| g.slug.as_str()),
        q.group.as_deref(),
        |g| q.with_group(g).href(),
        &group_name,
    );
    let stance_chips =
        choice_chips(STANCES.map(|s| s.as_str()), q.stance.as_deref(), |s| q.with_stance(s).href(), str::to_string);
    let filters = view! {
        <Chips aria_label="Filter by group" title="Group" chips=group_chips/>
        <Chips aria_label="Filter by stance" title="Stance" chips=stance_chips/>
    };
    let body = match answer {
        Err(e) => {
            let reset = e.parameter.is_some();
            view! {
                <ErrorBox e what="signals">
                    {reset.then(|| view! { <p><a href=PATH>"Show all signals"</a></p> })}
                </ErrorBox>
            }
            .into_any()
        }
        Ok(table) => {
            let filtered = q.group.is_some() || q.stance.is_some();
            let count = table.rows.len();
            let rows = if table.rows.is_empty() {
                if filtered {
                    view! { <NoMatch text="No instrument matches these filters." reset=PATH label="Show all signals"/> }
                        .into_any()
                } else {
                    view! {
                        <EmptyState heading="No signals yet">
                            <p>
                                "Signals are computed from the stored prices by the " <code>"commodity_signals"</code>
                                " job, which fills this table after prices arrive. Run it from the "
                                <a href="/jobs">"Jobs page"</a> " or wait for its schedule."
                            </p>
                        </EmptyState>
                    }
                    .into_any()
                }
            } else {
                let header = |label: &'static str, column: &'static str, numeric: bool| {
                    let sorted = (q.sort_column() == column).then(|| q.descending());
                    view! { <SortHeader label column href=q.sorted_by(column).href() sorted numeric/> }
                };
                view! {
                    <TableTools
                        count=count as u64
                        label=count_of(count as u64, "instrument", "instruments")
                        csv=format!("/api/commodities/signals.csv{}", q.query_string())
                    />
                    <div class="table-wrap">
                        <table
                            class="data signals"
                            data-group=q.group.clone().unwrap_or_default()
                            data-stance=q.stance.clone().unwrap_or_default()
                            data-sort=q.sort_column().to_string()
                            data-dir=if q.descending() { "desc" } else { "asc" }
                        >
                            <thead>
                                <tr>
                                    {header("Instrument", "name", false)}
                                    {header("Group", "group", false)}
                                    {header("As of", "date", false)}
                                    {header("Close", "close", true)}
                                    {header("1D", "change_1d", true)}
                                    {header("RSI 14", "rsi14", true)}
                                    {header("MACD", "macd", true)}
                                    {header("ROC 1M", "roc_1m", true)}
                                    {header("ROC 1Y", "roc_1y", true)}
                                    {header("From 52W high", "pct_from_high", true)}
                                    {header("Vol 20D", "vol_20d", true)}
                                    {header("Z 1Y", "zscore_1y", true)}
                                    <th scope="col">"Last cross"</th>
                                    {header("Stance", "stance", false)}
                                </tr>
                            </thead>
                            <tbody>
                                {table
                                    .rows
                                    .into_iter()
                                    .map(|row| {
                                        let group = group_name(&row.group);
                                        view! { <SignalRow row group/> }
                                    })
                                    .collect_view()}
                            </tbody>
                        </table>
                    </div>
                }
                .into_any()
            };
            view! {
                {table.demo.then(|| view! {
                    <DemoNotice text=table.notice.clone().unwrap_or_else(|| "Some figures are generated demo data.".into())/>
                })}
                {rows}
                <section class="stance-rule" aria-labelledby="stance-rule-heading">
                    <h2 id="stance-rule-heading">"How the stance is decided"</h2>
                    <p>{table.stance_rule}</p>
                    <p class="note">"A stance describes recent price action; it is not advice."</p>
                </section>
                <super::ChangeRule/>
            }
            .into_any()
        }
    };
    view! {
        {filters}
        {body}
    }
}

/// How a column's value reads.
#[derive(Clone, Copy)]
enum Style {
    /// A signed percentage, coloured by its sign.
    Change,
    /// A percentage without colour (distance from the 52-week high is never positive).
    Percent,
    /// A fraction shown as a percentage.
    Fraction,
    /// RSI: 0 to 100, one decimal.
    Rsi,
    /// A price-scaled figure (MACD), coloured by its sign.
    Price,
    /// A plain signed number (z-score).
    Signed,
}

fn format_indicator(style: Style, v: f64) -> String {
    match style {
        Style::Change | Style::Percent => format_change(Some(v)),
        Style::Fraction => format!("{:.1}%", v * 100.0),
        Style::Rsi => format!("{v:.1}"),
        Style::Price => format_value(v),
        Style::Signed => format!("{v:+.2}"),
    }
}

/// The tooltip of an "n/a" cell.
fn not_applicable_title(frequency: Frequency, what: &str) -> String {
    format!("Not applicable: {} series have no {what}", frequency.as_str())
}

fn na_cell(column: &'static str, title: String, numeric: bool) -> AnyView {
    view! {
        <td class:num=numeric data-col=column>
            <span class="na" title=title>"n/a"</span>
        </td>
    }
    .into_any()
}

#[component]
fn SignalRow(row: SignalSummary, group: String) -> impl IntoView {
    let frequency = row.frequency;
    let demo = row.source.as_deref() == Some(DEMO_SOURCE);
    let indicator = |key: &'static str, label: &'static str, style: Style, title: Option<String>| -> AnyView {
        if row.not_applicable.iter().any(|k| k == key) {
            return na_cell(key, not_applicable_title(frequency, label), true);
        }
        match row.values.get(key).copied().flatten() {
            Some(v) => {
                let class = match style {
                    Style::Change | Style::Price => sign_class(v),
                    _ => "num",
                };
                view! { <td class=class data-col=key title=title>{format_indicator(style, v)}</td> }.into_any()
            }
            None => view! {
                <td class="num" data-col=key title="Not enough history yet">"—"</td>
            }
            .into_any(),
        }
    };
    let change_1d = if frequency == Frequency::Daily {
        match row.change_1d {
            Some(v) => view! { <td class=sign_class(v) data-col="change_1d">{format_change(Some(v))}</td> }.into_any(),
            None => view! { <td class="num" data-col="change_1d">"—"</td> }.into_any(),
        }
    } else {
        na_cell("change_1d", not_applicable_title(frequency, "1-day change"), true)
    };
    let macd_title = {
        let v = |k: &str| row.values.get(k).copied().flatten().map(format_value).unwrap_or_else(|| "—".into());
        Some(format!("MACD line (EMA12 - EMA26); signal {}, histogram {}", v("macd_signal"), v("macd_hist")))
    };
    let last_cross = if row.not_applicable.iter().any(|k| k == "cross") {
        na_cell("cross", not_applicable_title(frequency, "golden or death cross"), false)
    } else {
        let latest = match (row.last_golden_cross, row.last_death_cross) {
            (Some(g), Some(d)) if d > g => Some(("death", d)),
            (Some(g), _) => Some(("golden", g)),
            (None, Some(d)) => Some(("death", d)),
            (None, None) => None,
        };
        match latest {
            Some((kind, date)) => {
                let title = if kind == "golden" { "SMA50 crossed above SMA200" } else { "SMA50 crossed below SMA200" };
                view! {
                    <td class="cross-cell" data-col="cross" title=title>
                        <span class=format!("cross {kind}")>{if kind == "golden" { "Golden" } else { "Death" }}</span>
                        " " {format_period(date, frequency)}
                        {row.cross.is_some().then(|| view! { <span class="tag">"new"</span> })}
                    </td>
                }
                .into_any()
            }
            None => view! {
                <td data-col="cross" title="No golden or death cross in the history">"—"</td>
            }
            .into_any(),
        }
    };
    let stance = row.stance.as_str();
    view! {
        <tr data-slug=row.slug.clone() data-stance=stance>
            <th scope="row">
                <a href=format!("/commodities/{}", row.slug)>{row.name.clone()}</a>
                {demo.then(|| view! { <DemoBadge/> })}
            </th>
            <td data-col="group">{group}</td>
            <td class="asof" data-col="date">
                {format_period(row.date, frequency)}
                <small class="freq">{frequency.as_str()}</small>
            </td>
            <td class="num" data-col="close">
                {format_value(row.close)}
                <small class="unit">{row.unit.clone()}</small>
            </td>
            {change_1d}
            {indicator("rsi14", "RSI 14", Style::Rsi, None)}
            {indicator("macd", "MACD", Style::Price, macd_title)}
            {indicator("roc_1m", "1-month rate of change", Style::Change, None)}
            {indicator("roc_1y", "1-year rate of change", Style::Change, None)}
            {indicator("pct_from_high", "52-week high", Style::Percent, None)}
            {indicator("vol_20d", "20-day volatility", Style::Fraction, Some("Annualised volatility of the last 20 daily returns".into()))}
            {indicator("zscore_1y", "1-year z-score", Style::Signed, Some("Distance of the close from its one-year mean, in standard deviations".into()))}
            {last_cross}
            <td data-col="stance">
                <span class=format!("stance {stance}")>{stance}</span>
            </td>
        </tr>
    }
}
