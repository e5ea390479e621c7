//! The compare view: 2 to 6 instruments rebased to 100 on a chosen date, and the
//! correlation of their returns. Everything it shows follows from the URL
//! (`?instruments=gold,silver&from=2021-01-01&to=&base=`), so a link reproduces the view;
//! the form is a plain GET form whose checkboxes submit `pick=gold&pick=silver`, and the
//! page reads both spellings. The chart is server-drawn SVG: no JavaScript needed.
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use leptos_router::params::ParamsMap;

use crate::commodities::api::{get_compare, get_config};
use crate::commodities::compare_math::{Comparison, MAX_INSTRUMENTS, MIN_INSTRUMENTS};
use crate::components::{Col, DemoBadge, EmptyState, ErrorBox, Loading, TableHead};
use crate::error::AppError;
use crate::format::{format_change, format_period, format_value};
use crate::universe::{Frequency, Universe};

const PRESETS: [(&str, &str); 5] = [
    ("Precious metals", "gold,silver,platinum,palladium"),
    ("Oil", "wti,brent"),
    ("Gold vs copper", "gold,copper"),
    ("Energy", "wti,brent,henry-hub"),
    ("Battery metals", "nickel,cobalt,lithium"),
];

/// What the URL asks for.
#[derive(Debug, Clone, PartialEq, Default)]
struct Asked {
    /// `instruments=a,b` then every `pick=`, in order, each slug once.
    instruments: Vec<String>,
    from: String,
    to: String,
    base: String,
}

impl Asked {
    fn read(q: &ParamsMap) -> Asked {
        let mut instruments: Vec<String> = Vec::new();
        let listed = q.get("instruments").unwrap_or_default();
        let picked = q.get_all("pick").unwrap_or_default();
        for slug in listed.split(',').chain(picked.iter().map(String::as_str)) {
            let slug = slug.trim().to_lowercase();
            if !slug.is_empty() && !instruments.contains(&slug) {
                instruments.push(slug);
            }
        }
        let text = |k: &str| q.get(k).map(|v| v.trim().to_string()).unwrap_or_default();
        Asked { instruments, from: text("from"), to: text("to"), base: text("base") }
    }

    /// This view with other instruments: the window and base date stay.
    fn href(&self, instruments: &str) -> String {
        let mut url = format!("?instruments={instruments}");
        for (k, v) in [("from", &self.from), ("to", &self.to), ("base", &self.base)] {
            if !v.is_empty() {
                url.push_str(&format!("&{k}={v}"));
            }
        }
        url
    }
}

fn some(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

#[component]
pub fn ComparePage() -> impl IntoView {
    let query = use_query_map();
    let asked = Memo::new(move |_| Asked::read(&query.read()));
    let config = Resource::new(|| (), |_| get_config());
    let answer = Resource::new(
        move || asked.get(),
        |a| async move {
            if a.instruments.len() < MIN_INSTRUMENTS {
                return Ok(None);
            }
            get_compare(Some(a.instruments.join(",")), some(&a.base), some(&a.from), some(&a.to)).await.map(Some)
        },
    );
    view! {
        <Title text="Compare"/>
        <h1>"Compare"</h1>
        <p class="lede">
            "Two to six instruments on one chart, each rebased to 100 on the same date, and how their returns move together. The view lives in the URL: copy it to share exactly this comparison."
        </p>
        <nav class="chips presets" aria-label="Presets">
            {PRESETS
                .into_iter()
                .map(|(label, list)| {
                    let current = move || (asked.get().instruments.join(",") == list).then_some("true");
                    view! { <a href=move || asked.get().href(list) aria-current=current data-preset=list>{label}</a> }
                })
                .collect_view()}
        </nav>
        <Suspense fallback=|| view! { <Loading text="Loading the instruments…"/> }>
            {move || Suspend::new(async move {
                match config.await {
                    Ok(universe) => view! { <CompareForm universe asked/> }.into_any(),
                    Err(e) => view! { <ErrorBox e what="instruments"/> }.into_any(),
                }
            })}
        </Suspense>
        <Suspense fallback=|| view! { <Loading text="Comparing…"/> }>
            {move || Suspend::new(async move {
                match answer.await {
                    Ok(Some(c)) => view! { <Results c/> }.into_any(),
                    Ok(None) => view! { <Hint asked/> }.into_any(),
                    Err(e) => view! { <Failure e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Hint(asked: Memo<Asked>) -> impl IntoView {
    let detail = move || {
        let chosen = asked.get().instruments;
        match chosen.len() {
            0 => "No instruments chosen yet.".to_string(),
            _ => format!("Only one instrument chosen ({}): a comparison needs at least two.", chosen.join(", ")),
        }
    };
    view! {
        <EmptyState heading="Choose what to compare" class="compare-hint">
            <p>
                {detail} " Tick " {MIN_INSTRUMENTS} " to " {MAX_INSTRUMENTS}
                " instruments above and press Compare, or start from a preset. Leave the dates empty for the last five years, rebased on the first day."
            </p>
        </EmptyState>
    }
}

#[component]
fn Failure(e: AppError) -> impl IntoView {
    crate::error::set_page_status(&e);
    view! {
        <div class="error compare-error" role="alert" data-parameter=e.parameter.clone()>
            <p>
                {match e.parameter.as_deref() {
                    Some(p) => format!("The comparison cannot be made ({p}): "),
                    None => "The comparison cannot be made: ".to_string(),
                }}
                {e.message.clone()}
            </p>
        </div>
    }
}

#[component]
fn CompareForm(universe: Universe, asked: Memo<Asked>) -> impl IntoView {
    let date = move |label: &'static str, name: &'static str, hint: &'static str, get: fn(&Asked) -> String| {
        let value = move || get(&asked.get());
        view! {
            <label class="compare-date">
                <span>{label}</span>
                <input type="date" name=name value=value prop:value=value/>
                <small class="muted">{hint}</small>
            </label>
        }
    };
    view! {
        <form method="get" action="" class="compare-form" aria-label="Choose instruments and dates">
            <div class="compare-groups">
                {universe
                    .groups
                    .iter()
                    .map(|g| {
                        let members: Vec<_> = universe.instruments.iter().filter(|i| i.group == g.slug).cloned().collect();
                        view! {
                            <fieldset class="compare-group" data-group=g.slug.clone()>
                                <legend>{g.name.clone()}</legend>
                                {members
                                    .into_iter()
                                    .map(|inst| {
                                        let slug = inst.slug.clone();
                                        let checked = move || asked.get().instruments.contains(&slug);
                                        let freq = match inst.frequency {
                                            Frequency::Daily => None,
                                            f => Some(view! { <small class="freq-tag">{f.as_str()}</small> }),
                                        };
                                        view! {
                                            <label class="pick">
                                                <input type="checkbox" name="pick" value=inst.slug.clone()
                                                       checked=checked.clone() prop:checked=checked/>
                                                {inst.name.clone()}
                                                {freq}
                                            </label>
                                        }
                                    })
                                    .collect_view()}
                            </fieldset>
                        }
                    })
                    .collect_view()}
            </div>
            <div class="compare-dates">
                {date("From", "from", "empty: five years before To", |a| a.from.clone())}
                {date("To", "to", "empty: the newest common date", |a| a.to.clone())}
                {date("Rebase on", "base", "empty: the first common date", |a| a.base.clone())}
                <button type="submit">"Compare"</button>
            </div>
        </form>
    }
}

/// A correlation cell's class and background strength, by sign and size.
fn tint(r: Option<f64>) -> (&'static str, String) {
    match r {
        Some(v) if v > 0.0 => ("num pos", format!("--strength: {:.0}%", v.abs() * 45.0)),
        Some(v) if v < 0.0 => ("num neg", format!("--strength: {:.0}%", v.abs() * 45.0)),
        Some(_) => ("num", String::new()),
        None => ("num none", String::new()),
    }
}

#[component]
fn Results(c: Comparison) -> impl IntoView {
    let basis_word = match c.basis {
        Frequency::Daily => "daily",
        Frequency::Weekly => "week-end",
        Frequency::Monthly => "month-end",
        Frequency::Annual => "year-end",
    };
    let summary = match (c.base_used, c.first_common, c.last_common) {
        (Some(base), Some(first), Some(last)) => format!(
            "{} common {basis_word} dates from {first} to {last}; rebased to 100 on {base}{}.",
            c.common_dates,
            match c.base_asked {
                Some(asked) if asked != base => format!(" (the first common date on or after {asked})"),
                _ => String::new(),
            }
        ),
        _ => format!("No common dates between {} and {}.", c.from, c.to),
    };
    let names: Vec<String> = c.instruments.iter().map(|i| i.name.clone()).collect();
    let matrix = c.correlation.clone();
    let why: Vec<Vec<String>> =
        (0..names.len()).map(|i| (0..names.len()).map(|j| c.why_no_correlation(i, j)).collect()).collect();
    view! {
        <section class="compare-results" aria-labelledby="compare-chart-heading">
            <h2 id="compare-chart-heading">"Rebased to 100"</h2>
            <p class="note compare-summary">{summary}</p>
            {c.notice.clone().map(|n| view! { <p class="note demo-notice">{n}</p> })}
            {c.notes.iter().map(|n| view! { <p class="note compare-note">{n.clone()}</p> }).collect_view()}
            {c.chart.clone().map(|chart| view! {
                <figure class="chart compare-chart">
                    <div inner_html=chart.svg></div>
                </figure>
            })}
            <div class="table-wrap">
                <table class="data compare-legend">
                    <caption class="visually-hidden">"The compared instruments, their rebased value on the last common date and their price"</caption>
                    <TableHead cols=vec![
                        Col::text("Instrument"), Col::num("Rebased"), Col::num("Since base"), Col::num("Price"),
                        Col::text("As of"), Col::text("Source"),
                    ]/>
                    <tbody>
                        {c.instruments
                            .iter()
                            .map(|i| {
                                let change_class = i.change_pct.map_or("num", super::sign_class);
                                view! {
                                    <tr data-slug=i.slug.clone()>
                                        <th scope="row">
                                            <span class="swatch" style=format!("background: {}", i.color) aria-hidden="true"></span>
                                            <a href=format!("/commodities/{}", i.slug)>{i.name.clone()}</a>
                                            <small class="freq">{i.frequency.as_str()}</small>
                                        </th>
                                        <td class="num rebased">{i.last_rebased.map(|v| format!("{v:.1}")).unwrap_or_else(|| "—".into())}</td>
                                        <td class=change_class>{format_change(i.change_pct)}</td>
                                        <td class="num">
                                            {i.last_value.map(format_value).unwrap_or_else(|| "—".into())}
                                            <small class="unit">{i.unit.clone()}</small>
                                        </td>
                                        <td class="asof">{i.as_of.map(|d| format_period(d, Frequency::Daily)).unwrap_or_else(|| "no data".into())}</td>
                                        <td>
                                            {if i.demo {
                                                view! { <DemoBadge/> }.into_any()
                                            } else if i.source_labels.is_empty() {
                                                view! { <span class="muted">"—"</span> }.into_any()
                                            } else {
                                                view! { <span class="badge" title=i.sources.join(", ")>{i.source_labels.join(", ")}</span> }.into_any()
                                            }}
                                        </td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
        <section class="compare-correlation" aria-labelledby="correlation-heading">
            <h2 id="correlation-heading">"Correlation of returns"</h2>
            <div class="table-wrap">
                <table class="data correlation">
                    <caption class="visually-hidden">"Pearson correlation of period returns, pairwise over the dates both instruments share"</caption>
                    <thead>
                        <tr>
                            <td></td>
                            {names.iter().map(|n| view! { <th scope="col" class="num">{n.clone()}</th> }).collect_view()}
                        </tr>
                    </thead>
                    <tbody>
                        {matrix
                            .into_iter()
                            .enumerate()
                            .map(|(i, row)| {
                                let name = names[i].clone();
                                let cells = row
                                    .into_iter()
                                    .enumerate()
                                    .map(|(j, r)| {
                                        let (class, style) = tint(r);
                                        let n = c.common_returns[i][j];
                                        let title = match r {
                                            Some(v) => format!("{} and {}: {v:.4} over {n} common returns", names[i], names[j]),
                                            None => why[i][j].clone(),
                                        };
                                        view! {
                                            <td class=class style=style title=title data-n=n>
                                                {r.map(|v| format!("{v:.2}")).unwrap_or_else(|| "—".into())}
                                            </td>
                                        }
                                    })
                                    .collect_view();
                                view! { <tr><th scope="row">{name}</th>{cells}</tr> }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
            <p class="note method">{c.method.clone()}</p>
        </section>
    }
}
