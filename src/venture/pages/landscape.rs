//! The venture landscape: funding by sector and quarter as a shaded table (a heatmap that
//! stays a readable table), totals both ways, the biggest rounds, and a drill-down into one
//! sector by stage (`/venture?sector=biotech`). The period is a GET form.
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

use super::{heat, usd, usd_opt, FillHint, VentureNav};
use crate::components::{answer_with, Col, CsvLink, DataTable, DemoNotice, ErrorBox, Loaded, Section, SourceLine};
use crate::error::AppError;
use crate::format::fmt_time;
use crate::params::{param, query_string};
use crate::venture::api::get_landscape;
use crate::venture::model::{stage_label, Cell, Landscape, LandscapeRow, RoundRow};
use crate::venture::sector::label_of;

/// The view the URL asks for, passed to the API as it is (the API checks it).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct Wanted {
    from: Option<String>,
    to: Option<String>,
    sector: Option<String>,
}

impl Wanted {
    fn pairs(&self) -> [(&'static str, Option<String>); 3] {
        [("from", self.from.clone()), ("to", self.to.clone()), ("sector", self.sector.clone())]
    }
}

#[component]
pub fn LandscapePage() -> impl IntoView {
    let query = use_query_map();
    let wanted = Memo::new(move |_| {
        let q = query.read();
        Wanted { from: param(&q, "from"), to: param(&q, "to"), sector: param(&q, "sector") }
    });
    // The answer carries the view it was fetched for, so headings and links always match
    // the data shown, even while the next view loads.
    let data = answer_with(wanted, |w| get_landscape(w.from.clone(), w.to.clone(), w.sector.clone()));
    view! {
        <VentureNav/>
        <Loaded data loading="Loading the landscape…" body=|(w, answer)| view! { <Body w answer/> }/>
    }
}

#[component]
fn Body(w: Wanted, answer: Result<Landscape, AppError>) -> impl IntoView {
    let heading = match &w.sector {
        Some(s) => format!("{}: funding by stage", label_of(s)),
        None => "Venture landscape".to_string(),
    };
    let intro = view! {
        <Title text=heading.clone()/>
        <h1>{heading.clone()}</h1>
        <p class="lede">
            "Money raised by private companies, from the Form D notices every US private offering files with the SEC, plus your imports: by sector and quarter, with the biggest rounds. Pick a sector to see it by stage."
        </p>
    };
    let l = match answer {
        Err(e) => {
            return view! {
                {intro}
                <PeriodForm from=w.from.clone().unwrap_or_default() to=w.to.clone().unwrap_or_default() sector=w.sector.clone()/>
                <ErrorBox e what="landscape" reset="/venture"/>
            }
            .into_any();
        }
        Ok(l) => l,
    };
    let period_q =
        |sector: Option<String>| query_string(&[("from", w.from.clone()), ("to", w.to.clone()), ("sector", sector)]);
    let back = w.sector.as_ref().map(|_| {
        view! { <p class="crumbs"><a href=format!("/venture{}", period_q(None)) data-up="sectors">"← All sectors"</a></p> }
    });
    let form = view! { <PeriodForm from=l.from.to_string() to=l.to.to_string() sector=w.sector.clone()/> };
    let source = source_line(&l);
    let csv = format!("/api/venture/landscape.csv{}", query_string(&w.pairs()));
    let body = if l.data_through.is_none() {
        view! { <FillHint what="No funding rounds yet"/> }.into_any()
    } else if l.total.rounds == 0 {
        view! {
            <p class="empty-state" role="status">
                {format!("No rounds from {} to {}. ", l.from, l.to)}
                <a href="/venture">"Show the latest twelve quarters"</a>
            </p>
        }
        .into_any()
    } else {
        let funding_q = query_string(&[
            ("sector", l.sector.clone()),
            ("from", Some(l.from.to_string())),
            ("to", Some(l.to.to_string())),
        ]);
        view! {
            <Heatmap l=l.clone() from=w.from.clone() to=w.to.clone()/>
            <p class="note amounts-known" data-known=l.rounds_with_amount.to_string() data-rounds=l.total.rounds.to_string()>
                {format!(
                    "Rounds with a known amount: {} of {}. Dollar figures cover those only: a Form D may leave the amount sold at zero, and an imported round may have none.",
                    l.rounds_with_amount, l.total.rounds
                )}
            </p>
            <p><a href=format!("/venture/funding{funding_q}")>"Every round of this period in the funding table →"</a></p>
            <Biggest rows=l.biggest.clone()/>
        }
        .into_any()
    };
    view! {
        {intro}
        {back}
        {form}
        {l.demo.then(|| view! {
            <DemoNotice text="These rounds are generated demo data, not filings; real EDGAR data replaces them."/>
        })}
        {body}
        {source}
        <p class="downloads"><CsvLink href=csv/></p>
    }
    .into_any()
}

fn source_line(l: &Landscape) -> impl IntoView {
    let computed = match l.computed_at {
        Some(t) => format!("computed {}", fmt_time(t)),
        None => "not computed yet".to_string(),
    };
    let through = match l.data_through {
        Some(d) => format!(", data through {d}"),
        None => String::new(),
    };
    view! { <SourceLine demo=l.demo text=format!("Source: SEC EDGAR Form D (via funding_tracker, {computed}){through}.")/> }
}

#[component]
fn PeriodForm(from: String, to: String, sector: Option<String>) -> impl IntoView {
    view! {
        <form method="get" action="/venture" class="filters period" aria-label="Period">
            <label>
                <span>"From"</span>
                <input type="date" name="from" value=from/>
            </label>
            <label>
                <span>"To"</span>
                <input type="date" name="to" value=to/>
            </label>
            {sector.map(|s| view! { <input type="hidden" name="sector" value=s/> })}
            <button type="submit">"Show"</button>
            <a href="/venture">"Latest twelve quarters"</a>
        </form>
    }
}

fn cell_text(c: &Cell) -> String {
    format!("{} in {} round{}", amount(c), c.rounds, if c.rounds == 1 { "" } else { "s" })
}

/// A cell's dollars: "undisclosed" when it has rounds but none states its amount, which
/// "$0" would misreport as rounds that raised nothing.
fn amount(c: &Cell) -> String {
    if c.rounds > 0 && c.amount_sold <= 0.0 {
        "undisclosed".to_string()
    } else {
        usd(c.amount_sold)
    }
}

#[component]
fn HeatCell(c: Cell, max: f64, by_rounds: bool, quarter: String, title: String) -> impl IntoView {
    let basis = if by_rounds { c.rounds as f64 } else { c.amount_sold };
    let (style, dark) = heat(basis, max);
    let rounds = c.rounds;
    view! {
        <td
            class="heat num"
            class:dark=dark
            style=style
            data-quarter=quarter
            data-rounds=rounds.to_string()
            data-amount=format!("{:.0}", c.amount_sold)
            title=title
        >
            {if rounds == 0 {
                view! { <span class="muted" aria-label="no rounds">"—"</span> }.into_any()
            } else {
                view! {
                    <span class="amt">{amount(&c)}</span>
                    <small class="n">{format!("{rounds} round{}", if rounds == 1 { "" } else { "s" })}</small>
                }
                .into_any()
            }}
        </td>
    }
}

#[component]
fn Heatmap(l: Landscape, from: Option<String>, to: Option<String>) -> impl IntoView {
    let drilled = l.sector.clone();
    let max_amount = l.rows.iter().flat_map(|r| r.cells.iter()).map(|c| c.amount_sold).fold(0.0, f64::max);
    // With no known amounts at all the shading follows the round counts instead.
    let by_rounds = max_amount <= 0.0;
    let max = if by_rounds {
        l.rows.iter().flat_map(|r| r.cells.iter()).map(|c| c.rounds as f64).fold(0.0, f64::max)
    } else {
        max_amount
    };
    let mut totals = vec![Cell::default(); l.quarters.len()];
    for r in &l.rows {
        for (t, c) in totals.iter_mut().zip(&r.cells) {
            t.rounds += c.rounds;
            t.amount_sold += c.amount_sold;
        }
    }
    let kind = if drilled.is_some() { "Stage" } else { "Sector" };
    let caption = format!(
        "Amount sold and rounds by {} and quarter, {} to {}. Darker cells raised more{}.",
        kind.to_lowercase(),
        l.from,
        l.to,
        if by_rounds { " rounds (no amounts are known)" } else { "" }
    );
    // A sector row drills down keeping the period the URL asked for (none: the default
    // period); a stage row opens the funding table for that sector, stage and period.
    let row_link = {
        let (start, end) = (l.from, l.to);
        move |r: &LandscapeRow| match &drilled {
            None => format!(
                "/venture{}",
                query_string(&[("from", from.clone()), ("to", to.clone()), ("sector", Some(r.key.clone()))])
            ),
            Some(s) => format!(
                "/venture/funding{}",
                query_string(&[
                    ("sector", Some(s.clone())),
                    ("stage", Some(r.key.clone())),
                    ("from", Some(start.to_string())),
                    ("to", Some(end.to_string())),
                ])
            ),
        }
    };
    let quarters = l.quarters.clone();
    let partial = l.partial_quarter.clone().unwrap_or_default();
    view! {
        <div class="table-wrap">
            <table class="data heatmap" data-level=kind.to_lowercase()>
                <caption>{caption}</caption>
                <thead>
                    <tr>
                        <th scope="col">{kind}</th>
                        {quarters.iter().map(|q| {
                            if *q == partial {
                                view! {
                                    <th scope="col" class="num partial" data-quarter=q.clone() data-partial="true" title="This quarter is not over: its figures are to date">
                                        {q.clone()} <small>" to date"</small>
                                    </th>
                                }.into_any()
                            } else {
                                view! { <th scope="col" class="num" data-quarter=q.clone()>{q.clone()}</th> }.into_any()
                            }
                        }).collect_view()}
                        <th scope="col" class="num total">"Total"</th>
                    </tr>
                </thead>
                <tbody>
                    {l.rows.iter().map(|r| {
                        let label = r.label.clone();
                        view! {
                            <tr data-key=r.key.clone()>
                                <th scope="row"><a href=row_link(r)>{label.clone()}</a></th>
                                {r.cells.iter().zip(&quarters).map(|(c, q)| {
                                    let title = format!("{label}, {q}: {}", cell_text(c));
                                    view! { <HeatCell c=*c max by_rounds quarter=q.clone() title/> }
                                }).collect_view()}
                                <td class="num total" data-rounds=r.total.rounds.to_string() data-amount=format!("{:.0}", r.total.amount_sold)>
                                    <span class="amt">{amount(&r.total)}</span>
                                    <small class="n">{format!("{} rounds", r.total.rounds)}</small>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
                <tfoot>
                    <tr>
                        <th scope="row">"Total"</th>
                        {totals.iter().zip(&quarters).map(|(c, q)| view! {
                            <td class="num total" data-quarter=q.clone() data-rounds=c.rounds.to_string() data-amount=format!("{:.0}", c.amount_sold)>
                                <span class="amt">{amount(c)}</span>
                                <small class="n">{format!("{} rounds", c.rounds)}</small>
                            </td>
                        }).collect_view()}
                        <td class="num total grand" data-rounds=l.total.rounds.to_string() data-amount=format!("{:.0}", l.total.amount_sold)>
                            <span class="amt">{amount(&l.total)}</span>
                            <small class="n">{format!("{} rounds", l.total.rounds)}</small>
                        </td>
                    </tr>
                </tfoot>
            </table>
        </div>
    }
}

#[component]
fn Biggest(rows: Vec<RoundRow>) -> impl IntoView {
    if rows.is_empty() {
        return view! {
            <Section id="biggest" class="biggest" heading="Biggest rounds">
                <p class="muted">"No round of this period has a known amount."</p>
            </Section>
        }
        .into_any();
    }
    view! {
        <Section id="biggest" class="biggest" heading="Biggest rounds">
            <DataTable class="rounds biggest" cols=vec![
                Col::text("Company"), Col::num("Amount sold"), Col::text("Date"), Col::text("Stage"), Col::text("Sector"),
                Col::text("Filing"),
            ]>
                        {rows.into_iter().map(|r| view! {
                            <tr data-id=r.id.to_string()>
                                <th scope="row">
                                    <a href=format!("/venture/companies/{}", r.company_id)>{r.company.clone()}</a>
                                </th>
                                <td class="num" data-col="amount" data-value=r.amount_sold.map(|a| format!("{a:.0}")).unwrap_or_default()>
                                    {usd_opt(r.amount_sold)}
                                </td>
                                <td class="date" data-col="date">{r.announced_on.to_string()}</td>
                                <td data-col="stage">{stage_label(&r.stage).to_string()}</td>
                                <td data-col="sector">{label_of(&r.sector)}</td>
                                <td data-col="filing">{super::filing_cell(&r.provenance)}</td>
                            </tr>
                        }).collect_view()}
            </DataTable>
        </Section>
    }
    .into_any()
}
