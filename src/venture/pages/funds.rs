//! Funds: the returns table (IRR, TVPI, DPI, RVPI, KS-PME), and one fund with its
//! returns, cash-flow chart, flows and holdings. Where a figure cannot be computed the
//! page says why, in the API's words, instead of showing a number.
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::{demo_mark, multiple, newest, percent, usd, usd_opt, FillHint, ProvenanceLine, VentureNav};
use crate::components::{
    fetched_from, Col, DataTable, DemoBadge, DemoNotice, ErrorBox, Loading, PageFailure, PageHead, Section, SourceLine,
    TableTools,
};
use crate::format::fmt_date;
use crate::venture::api::{get_fund, get_funds};
use crate::venture::model::{CashFlowRow, FundDetail, FundRow, HoldingRow, ReturnsView};

const LIST: &str = "/venture/funds";

fn size(f: &FundRow) -> String {
    if f.target_indefinite {
        "Indefinite".into()
    } else {
        usd_opt(f.target_size)
    }
}

/// A figure, or the reason there is none (shown small, in full on hover).
fn figure_or_note(value: Option<String>, note: Option<String>) -> AnyView {
    match (value, note) {
        (Some(v), _) => view! { {v} }.into_any(),
        (None, Some(n)) => {
            let title = n.clone();
            view! { <span class="na-note" title=title>{n}</span> }.into_any()
        }
        (None, None) => view! { "—" }.into_any(),
    }
}

/// The fund's manager, a link to the investor page when Quarry has it.
fn manager(f: &FundRow) -> AnyView {
    match (f.manager.clone(), f.manager_id) {
        (Some(m), Some(id)) => view! { <a href=format!("/venture/investors/{id}")>{m}</a> }.into_any(),
        (Some(m), None) => view! { {m} }.into_any(),
        _ => view! { "—" }.into_any(),
    }
}

fn irr(r: &ReturnsView) -> AnyView {
    figure_or_note(r.irr.map(percent), r.irr_note.clone())
}

fn pme(r: &ReturnsView) -> AnyView {
    figure_or_note(r.pme.filter(|p| p.is_finite()).map(|p| format!("{p:.2}")), r.pme_note.clone())
}

#[component]
pub fn FundsPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_funds());
    view! {
        <VentureNav/>
        <PageHead
            title="Funds"
            lede="Venture funds from Form D (a pooled investment fund files one too) and imports, with their returns computed from dated cash flows: IRR (XIRR, actual/365), TVPI, DPI, RVPI and the Kaplan-Schoar public market equivalent."
        />
        <Suspense fallback=|| view! { <Loading text="Loading funds…"/> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <ErrorBox e what="funds" reset=LIST/> }.into_any(),
                    Ok(page) if page.rows.is_empty() => view! { <FillHint what="No funds yet"/> }.into_any(),
                    Ok(page) => {
                        let as_of = newest(page.rows.iter().map(|r| &r.provenance));
                        let index = page.rows.first().map(|f| f.returns.pme_index.clone()).unwrap_or_default();
                        view! {
                            {page.demo.then(|| view! { <DemoNotice text="Funds marked DEMO are generated, with generated cash flows."/> })}
                            <TableTools count=page.total label=format!("{} funds", page.total) csv="/api/venture/funds.csv"/>
                            <FundsTable rows=page.rows/>
                            <p class="note">
                                {format!("KS-PME above 1 means the fund beat {index} over the same dates. Returns need the fund's calls, distributions and NAV: import them (funds and fund cash flows) at ")}
                                <a href="/venture/import">"/venture/import"</a> "."
                            </p>
                            <SourceLine text=fetched_from("SEC EDGAR Form D (fund size and amount raised) and imported cash flows", as_of)/>
                        }
                        .into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// The returns table; the investor page shows the funds a firm manages with it.
#[component]
pub fn FundsTable(rows: Vec<FundRow>) -> impl IntoView {
    let cols = vec![
        Col::text("Fund"),
        Col::text("Manager"),
        Col::num("Vintage"),
        Col::num("Size"),
        Col::num("Raised"),
        Col::num("IRR"),
        Col::num("TVPI"),
        Col::num("DPI"),
        Col::num("RVPI"),
        Col::num("KS-PME"),
        Col::text("NAV as of"),
    ];
    view! {
        <DataTable class="funds" cols>
                    {rows.into_iter().map(|f| {
                        let r = f.returns.clone();
                        view! {
                            <tr data-id=f.id.to_string()>
                                <th scope="row">
                                    <a href=format!("{LIST}/{}", f.id)>{f.name.clone()}</a>
                                    {demo_mark(&f.provenance)}
                                </th>
                                <td>{manager(&f)}</td>
                                <td class="num">{f.vintage.map(|v| v.to_string()).unwrap_or_else(|| "—".into())}</td>
                                <td class="num">{size(&f)}</td>
                                <td class="num">{usd_opt(f.amount_raised)}</td>
                                <td class="num" data-col="irr">{irr(&r)}</td>
                                <td class="num" data-col="tvpi">{multiple(r.tvpi)}</td>
                                <td class="num" data-col="dpi">{multiple(r.dpi)}</td>
                                <td class="num" data-col="rvpi">{multiple(r.rvpi)}</td>
                                <td class="num" data-col="pme">{pme(&r)}</td>
                                <td data-col="nav_as_of">{fmt_date(r.nav_as_of)}</td>
                            </tr>
                        }
                    }).collect_view()}
        </DataTable>
    }
}

#[component]
pub fn FundPage() -> impl IntoView {
    let params = use_params_map();
    let data = Resource::new(move || params.read().get("id").unwrap_or_default(), get_fund);
    view! {
        <VentureNav/>
        <Suspense fallback=|| view! { <Loading text="Loading the fund…"/> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(d) => view! { <Detail d/> }.into_any(),
                    Err(e) => view! { <PageFailure e what="fund" back=(LIST, "All funds")/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Detail(d: FundDetail) -> impl IntoView {
    let f = d.fund.clone();
    let r = f.returns.clone();
    let manager = manager(&f);
    let nav = match (r.nav, r.nav_as_of) {
        (Some(v), Some(d)) => format!("{} as of {d}", usd(v)),
        (Some(v), None) => usd(v),
        _ => "—".into(),
    };
    let chart = if d.chart_svg.is_empty() {
        view! {
            <p class="empty-state" role="status">
                "No cash flows for this fund yet: import its calls, distributions and NAV at "
                <a href="/venture/import">"/venture/import"</a> " (" <code>"quarry import FILE"</code> ")."
            </p>
        }
        .into_any()
    } else {
        view! {
            <figure class="chart fund-chart">
                <div inner_html=d.chart_svg.clone()></div>
                <figcaption>"Cumulative capital called and distributed, and the reported NAV, in USD millions."</figcaption>
            </figure>
        }
        .into_any()
    };
    view! {
        <Title text=f.name.clone()/>
        <p class="muted"><a href=LIST>"Funds"</a></p>
        <h1 data-fund-id=f.id.to_string()>{f.name.clone()} {f.provenance.demo.then(|| view! { " " <DemoBadge/> })}</h1>
        <dl class="facts">
            <div><dt>"Manager"</dt><dd>{manager}</dd></div>
            <div><dt>"Vintage"</dt><dd>{f.vintage.map(|v| v.to_string()).unwrap_or_else(|| "—".into())}</dd></div>
            <div><dt>"Strategy"</dt><dd>{f.strategy.clone()}</dd></div>
            <div><dt>"Size"</dt><dd>{size(&f)}</dd></div>
            <div><dt>"Raised"</dt><dd>{usd_opt(f.amount_raised)}</dd></div>
            {f.investor_count.map(|n| view! { <div><dt>"Investors"</dt><dd>{n}</dd></div> })}
            {f.cik.map(|k| view! { <div><dt>"CIK"</dt><dd>{k}</dd></div> })}
        </dl>
        <Section id="returns" heading="Returns">
            <dl class="facts returns">
                <div><dt>"IRR"</dt><dd data-metric="irr">{irr(&r)}</dd></div>
                <div><dt>"TVPI"</dt><dd data-metric="tvpi">{multiple(r.tvpi)}</dd></div>
                <div><dt>"DPI"</dt><dd data-metric="dpi">{multiple(r.dpi)}</dd></div>
                <div><dt>"RVPI"</dt><dd data-metric="rvpi">{multiple(r.rvpi)}</dd></div>
                <div><dt>"MOIC"</dt><dd data-metric="moic">{multiple(r.moic)}</dd></div>
                <div><dt>"KS-PME"</dt><dd data-metric="pme">{pme(&r)}</dd></div>
                <div><dt>"Paid-in"</dt><dd>{usd_opt(r.paid_in)}</dd></div>
                <div><dt>"Distributed"</dt><dd>{usd_opt(r.distributed)}</dd></div>
                <div><dt>"NAV"</dt><dd>{nav}</dd></div>
            </dl>
            <p class="note">
                {format!(
                    "IRR from the dated flows with the latest NAV as the final value (XIRR, actual/365); TVPI = (distributions + NAV) / paid-in, DPI = distributions / paid-in, RVPI = NAV / paid-in; KS-PME against {}.",
                    r.pme_index
                )}
            </p>
        </Section>
        <Section id="chart" heading="Cash flows">
            {chart}
            <Flows rows=d.flows.clone()/>
        </Section>
        <Section id="holdings" heading="Holdings"><Holdings rows=d.holdings.clone()/></Section>
        <ProvenanceLine p=f.provenance.clone()/>
    }
}

#[component]
fn Flows(rows: Vec<CashFlowRow>) -> impl IntoView {
    if rows.is_empty() {
        return ().into_any();
    }
    view! {
        <details class="flows">
            <summary>{format!("All {} cash flows", rows.len())}</summary>
            <DataTable class="flows" cols=vec![Col::text("Date"), Col::text("Kind"), Col::num("Amount"), Col::text("Source")]>
                        {rows.into_iter().map(|c| view! {
                            <tr data-kind=c.kind.clone()>
                                <td>{c.date.to_string()}</td>
                                <td>{c.kind.clone()}</td>
                                <td class="num">{usd(c.amount)}</td>
                                <td>{if c.source == "demo" { view! { <DemoBadge/> }.into_any() } else { view! { {c.source.clone()} }.into_any() }}</td>
                            </tr>
                        }).collect_view()}
            </DataTable>
        </details>
    }
    .into_any()
}

#[component]
fn Holdings(rows: Vec<HoldingRow>) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p class="muted">"No holdings on record: import them with the fund's other data."</p> }
            .into_any();
    }
    let cols = vec![
        Col::text("Company"),
        Col::num("Invested"),
        Col::num("Realized"),
        Col::num("Unrealized"),
        Col::num("MOIC"),
        Col::text("As of"),
    ];
    view! {
        <DataTable class="holdings" cols>
                    {rows.into_iter().map(|h| view! {
                        <tr data-company-id=h.company_id.to_string()>
                            <th scope="row"><a href=format!("/venture/companies/{}", h.company_id)>{h.company.clone()}</a></th>
                            <td class="num">{usd(h.invested)}</td>
                            <td class="num">{usd(h.realized)}</td>
                            <td class="num">{usd(h.unrealized)}</td>
                            <td class="num" data-col="moic">{multiple(h.moic)}</td>
                            <td>{h.as_of.to_string()}</td>
                        </tr>
                    }).collect_view()}
        </DataTable>
    }
    .into_any()
}
