//! Companies: the searchable list, and one company with its facts, rounds timeline,
//! valuations, deals, IPO status and EDGAR filings (each with its error when it failed).
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use serde::{Deserialize, Serialize};

use super::{demo_mark, filing_cell, newest, usd, usd_opt, FillHint, ProvenanceLine, SectorSelect, VentureNav};
use crate::components::{
    answer_with, fetched_from, Col, DataTable, DemoBadge, DemoNotice, ErrorBox, ErrorText, Loaded, Loading, NoMatch,
    PageFailure, PageHead, Pager, Section, SourceLine, TableTools,
};
use crate::error::AppError;
use crate::format::fmt_date;
use crate::params::{param, query_string};
use crate::venture::api::{get_companies, get_company};
use crate::venture::model::{
    stage_label, AcquisitionRow, CompanyDetail, CompanyRow, FilingRow, IpoRow, Page, RoundRow, ValuationRow,
};
use crate::venture::sector::label_of;

const LIST: &str = "/venture/companies";

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct ListQuery {
    q: Option<String>,
    sector: Option<String>,
    page: Option<String>,
}

impl ListQuery {
    fn href(&self, page: u64) -> String {
        let page = (page > 1).then(|| page.to_string());
        format!("{LIST}{}", query_string(&[("q", self.q.clone()), ("sector", self.sector.clone()), ("page", page)]))
    }
}

#[component]
pub fn CompaniesPage() -> impl IntoView {
    let query = use_query_map();
    let wanted = Memo::new(move |_| {
        let q = query.read();
        ListQuery { q: param(&q, "q"), sector: param(&q, "sector"), page: param(&q, "page") }
    });
    let data = answer_with(wanted, |w| get_companies(w.q.clone(), w.sector.clone(), w.page.clone(), None));
    view! {
        <VentureNav/>
        <PageHead title="Companies" lede="Companies that filed a Form D or an IPO registration, or that you imported, A to Z."/>
        <Loaded data loading="Loading companies…" body=|(w, answer)| view! { <CompanyList w answer/> }/>
    }
}

#[component]
fn CompanyList(w: ListQuery, answer: Result<Page<CompanyRow>, AppError>) -> impl IntoView {
    let sector = w.sector.clone().unwrap_or_default();
    let form = view! {
        <form method="get" action=LIST class="filters" role="search" aria-label="Search companies">
            <label>
                <span>"Name"</span>
                <input type="search" name="q" maxlength="100" value=w.q.clone().unwrap_or_default()/>
            </label>
            <SectorSelect selected=sector/>
            <button type="submit">"Search"</button>
            <a href=LIST>"Clear"</a>
        </form>
    };
    let page = match answer {
        Err(e) => return view! { {form} <ErrorBox e what="companies" reset=LIST/> }.into_any(),
        Ok(p) => p,
    };
    if page.total == 0 {
        let empty = if w.q.is_none() && w.sector.is_none() {
            view! { <FillHint what="No companies yet"/> }.into_any()
        } else {
            view! { <NoMatch text="No company matches." reset=LIST label="Show all companies"/> }.into_any()
        };
        return view! { {form} {empty} }.into_any();
    }
    let csv =
        format!("/api/venture/companies.csv{}", query_string(&[("q", w.q.clone()), ("sector", w.sector.clone())]));
    let as_of = newest(page.rows.iter().map(|r| &r.provenance));
    let shown = page.rows.len();
    let pw = w.clone();
    view! {
        {form}
        {page.demo.then(|| view! { <DemoNotice text="Companies marked DEMO are generated."/> })}
        <TableTools count=page.total label=format!("{} companies", page.total) csv/>
        <DataTable class="companies" cols=vec![
            Col::text("Company"), Col::text("CIK"), Col::text("Sector"), Col::text("State"),
            Col::num("Rounds"), Col::num("Amount sold"), Col::text("Last round"),
        ]>
                    {page.rows.into_iter().map(|c| view! {
                        <tr data-id=c.id.to_string()>
                            <th scope="row">
                                <a href=format!("{LIST}/{}", c.id)>{c.name.clone()}</a>
                                {demo_mark(&c.provenance)}
                            </th>
                            <td>{c.cik.map(|k| k.to_string()).unwrap_or_else(|| "—".into())}</td>
                            <td>{label_of(&c.sector)}</td>
                            <td>{c.state.clone().unwrap_or_else(|| "—".into())}</td>
                            <td class="num">{c.rounds}</td>
                            <td class="num">{usd(c.amount_sold)}</td>
                            <td>{fmt_date(c.last_round_on)}</td>
                        </tr>
                    }).collect_view()}
        </DataTable>
        <Pager total=page.total page=page.page per_page=page.per_page shown href=Callback::new(move |n: u64| pw.href(n))/>
        <SourceLine text=fetched_from("SEC EDGAR (Form D, submissions) and imports", as_of)/>
    }
    .into_any()
}

#[component]
pub fn CompanyPage() -> impl IntoView {
    let params = use_params_map();
    let data = Resource::new(move || params.read().get("id").unwrap_or_default(), get_company);
    view! {
        <VentureNav/>
        <Suspense fallback=|| view! { <Loading text="Loading the company…"/> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(d) => view! { <CompanyBody d/> }.into_any(),
                    Err(e) => view! { <PageFailure e what="company" back=(LIST, "All companies")/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn CompanyBody(d: CompanyDetail) -> impl IntoView {
    let c = d.company.clone();
    let demo = c.provenance.demo;
    let location = match (&c.city, &c.state) {
        (Some(city), Some(st)) => format!("{city}, {st}"),
        (Some(city), None) => city.clone(),
        (None, Some(st)) => st.clone(),
        (None, None) => "—".into(),
    };
    let incorporated = match (&c.jurisdiction, c.year_of_inc) {
        (Some(j), Some(y)) => format!("{j}, {y}"),
        (Some(j), None) => j.clone(),
        (None, Some(y)) => y.to_string(),
        (None, None) => "—".into(),
    };
    let cik = c.cik.map(|k| {
        view! {
            <a href=format!("https://www.sec.gov/cgi-bin/browse-edgar?action=getcompany&CIK={k:010}") rel="external">
                {k.to_string()}
            </a>
        }
    });
    let website = c.website.clone().map(|w| {
        let href =
            if w.starts_with("http://") || w.starts_with("https://") { w.clone() } else { format!("https://{w}") };
        view! { <a href=href rel="external nofollow">{w}</a> }
    });
    view! {
        <Title text=c.name.clone()/>
        <p class="muted"><a href=LIST>"Companies"</a></p>
        <h1 data-company-id=c.id.to_string()>{c.name.clone()} {demo.then(|| view! { " " <DemoBadge/> })}</h1>
        {c.description.clone().map(|t| view! { <p class="lede">{t}</p> })}
        <dl class="facts company-facts">
            <div><dt>"CIK"</dt><dd data-fact="cik">{cik.map(|v| v.into_any()).unwrap_or_else(|| "—".into_any())}</dd></div>
            <div><dt>"Sector"</dt><dd data-fact="sector">
                <a href=format!("/venture?sector={}", c.sector)>{label_of(&c.sector)}</a>
            </dd></div>
            {c.industry_group.clone().map(|g| view! { <div><dt>"Form D industry"</dt><dd>{g}</dd></div> })}
            {c.sic.map(|s| view! { <div><dt>"SIC"</dt><dd>{s}</dd></div> })}
            <div><dt>"Location"</dt><dd data-fact="state">{location}</dd></div>
            <div><dt>"Incorporated"</dt><dd data-fact="incorporation">{incorporated}</dd></div>
            <div><dt>"Website"</dt><dd data-fact="website">{website.map(|v| v.into_any()).unwrap_or_else(|| "—".into_any())}</dd></div>
            {c.tickers.clone().map(|t| view! { <div><dt>"Tickers"</dt><dd>{t}</dd></div> })}
            <div><dt>"Raised (known amounts)"</dt><dd data-fact="raised">{usd(d.amount_sold)}</dd></div>
        </dl>
        <Section id="rounds" heading=format!("Rounds ({})", d.rounds.len())><Timeline rounds=d.rounds.clone()/></Section>
        <Section id="valuations" heading="Valuations"><Valuations rows=d.valuations.clone()/></Section>
        <Section id="deals" heading="Acquisitions"><Deals rows=d.acquisitions.clone()/></Section>
        <Section id="ipo" heading="IPO"><Ipo ipo=d.ipo.clone()/></Section>
        <Section id="filings" heading="EDGAR filings"><Filings rows=d.filings.clone() cik=c.cik/></Section>
        <ProvenanceLine p=c.provenance.clone()/>
    }
}

#[component]
fn Timeline(rounds: Vec<RoundRow>) -> impl IntoView {
    if rounds.is_empty() {
        return view! {
            <p class="empty-state" role="status">
                "No rounds recorded: Form D notices arrive with the " <code>"vc_sync"</code>
                " job, and other rounds can be imported at " <a href="/venture/import">"/venture/import"</a> "."
            </p>
        }
        .into_any();
    }
    view! {
        <ol class="timeline rounds">
            {rounds.into_iter().map(|r| {
                let offered = if r.offering_indefinite { "Indefinite".to_string() } else { usd_opt(r.amount_offered) };
                let first_sale = if r.first_sale_yet_to_occur { "yet to occur".to_string() } else { fmt_date(r.first_sale_on) };
                let investors: Vec<String> = r.lead_investors.iter().map(|l| format!("{l} (lead)")).chain(r.investors.iter().cloned()).collect();
                view! {
                    <li data-round-id=r.id.to_string() data-stage=r.stage.clone()>
                        <time datetime=r.announced_on.to_string()>{r.announced_on.to_string()}</time>
                        <div class="what">
                            <strong class="stage">{stage_label(&r.stage).to_string()}</strong>
                            " " <span class="amount" data-value=r.amount_sold.map(|a| format!("{a:.0}")).unwrap_or_default()>
                                {r.amount_sold.map(usd).unwrap_or_else(|| "amount not stated".into())}
                            </span>
                            {r.notable.then(|| view! { " " <span class="tag notable">"notable"</span> })}
                            {demo_mark(&r.provenance)}
                            <div class="muted">
                                {format!("Offered {offered} · first sale {first_sale} · form {}", r.form_type)}
                                {r.investor_count.map(|n| format!(" · {n} investors"))}
                                {(!r.provenance.demo).then(|| view! { " · " {filing_cell(&r.provenance)} })}
                            </div>
                            {(!investors.is_empty()).then(|| view! { <div class="investors">{investors.join(", ")}</div> })}
                        </div>
                    </li>
                }
            }).collect_view()}
        </ol>
    }
    .into_any()
}

#[component]
fn Valuations(rows: Vec<ValuationRow>) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p class="muted">"No valuations: the public record has none; import them when you know them."</p> }
            .into_any();
    }
    let cols =
        vec![Col::text("Date"), Col::num("Pre-money"), Col::num("Post-money"), Col::text("Basis"), Col::text("Source")];
    view! {
        <DataTable class="valuations" cols>
                    {rows.into_iter().map(|v| view! {
                        <tr data-id=v.id.to_string()>
                            <td class="date">{v.valued_on.to_string()}</td>
                            <td class="num">{usd_opt(v.pre_money)}</td>
                            <td class="num">{usd(v.post_money)}</td>
                            <td>{v.basis.clone()}</td>
                            <td>{if v.provenance.demo { view! { <DemoBadge/> }.into_any() } else { view! { <code>{v.provenance.source_id.clone()}</code> }.into_any() }}</td>
                        </tr>
                    }).collect_view()}
        </DataTable>
    }
    .into_any()
}

/// An acquisition's party: a link to the company page when Quarry has it.
pub fn party(name: Option<String>, id: Option<i32>) -> AnyView {
    let name = name.unwrap_or_else(|| "—".into());
    match id {
        Some(id) => view! { <a href=format!("{LIST}/{id}")>{name}</a> }.into_any(),
        None => view! { <span>{name}</span> }.into_any(),
    }
}

#[component]
fn Deals(rows: Vec<AcquisitionRow>) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p class="muted">"No acquisitions by or of this company on record."</p> }.into_any();
    }
    let cols = vec![
        Col::text("Announced"),
        Col::text("Acquirer"),
        Col::text("Target"),
        Col::num("Price"),
        Col::text("Status"),
        Col::text("Form"),
        Col::text("Filing"),
    ];
    view! {
        <DataTable class="acquisitions" cols>
                    {rows.into_iter().map(|a| view! {
                        <tr data-id=a.id.to_string()>
                            <td class="date">{a.announced_on.to_string()}</td>
                            <td>{party(a.acquirer.clone(), a.acquirer_id)}</td>
                            <td>{party(a.target.clone(), a.target_id)}</td>
                            <td class="num">{usd_opt(a.price)}</td>
                            <td>{a.status.clone()}</td>
                            <td>{a.form_type.clone()}</td>
                            <td>{filing_cell(&a.provenance)}</td>
                        </tr>
                    }).collect_view()}
        </DataTable>
    }
    .into_any()
}

#[component]
fn Ipo(ipo: Option<IpoRow>) -> impl IntoView {
    let Some(i) = ipo else {
        return view! { <p class="muted">"No IPO registration (S-1 or F-1) on record."</p> }.into_any();
    };
    view! {
        <p class="ipo-status" data-status=i.status.clone()>
            <span class=format!("status ipo-{}", i.status)>{crate::venture::pages::ipo::status_label(&i.status)}</span>
            {format!(
                " · {} filed {}, last event {}, {} amendment{}",
                i.form,
                i.filed_on,
                i.last_event_on,
                i.amendments,
                if i.amendments == 1 { "" } else { "s" }
            )}
            {i.priced_on.map(|d| format!(" · priced {d}"))}
            {i.withdrawn_on.map(|d| format!(" · withdrawn {d}"))}
            {demo_mark(&i.provenance)}
        </p>
        {(!i.offering_label().is_empty()).then(|| view! {
            <p class="ipo-offering">"Offering: " <crate::venture::pages::ipo::Offering r=i.clone()/></p>
        })}
        <ol class="events">
            {i.events.into_iter().map(|e| view! {
                <li>
                    <time datetime=e.filed_on.to_string()>{e.filed_on.to_string()}</time>
                    " " <strong>{e.form.clone()}</strong> " → " {e.status.clone()}
                    " " {match e.url.clone() {
                        Some(u) => view! { <a href=u rel="external">{e.accession.clone()}</a> }.into_any(),
                        None => view! { <code>{e.accession.clone()}</code> }.into_any(),
                    }}
                </li>
            }).collect_view()}
        </ol>
        <p><a href="/venture/ipo">"The whole IPO pipeline →"</a></p>
    }
    .into_any()
}

#[component]
fn Filings(rows: Vec<FilingRow>, cik: Option<i64>) -> impl IntoView {
    if rows.is_empty() {
        let why = if cik.is_some() {
            "No EDGAR filing of this company has been processed yet."
        } else {
            "Without a CIK (imported or demo companies) there are no EDGAR filings to list."
        };
        return view! { <p class="muted">{why}</p> }.into_any();
    }
    let cols = vec![Col::text("Filed"), Col::text("Form"), Col::text("Accession"), Col::text("Status")];
    view! {
        <DataTable class="filings" cols>
                    {rows.into_iter().map(|f| {
                        let failed = f.status == "error";
                        view! {
                            <tr data-status=f.status.clone() class:failing=failed>
                                <td class="date">{f.filed_on.to_string()}</td>
                                <td>{f.form.clone()}</td>
                                <td><a href=f.url.clone() rel="external">{f.accession.clone()}</a></td>
                                <td>
                                    <span class=format!("status {}", if failed { "failed" } else { "succeeded" })>{f.status.clone()}</span>
                                    {f.error.clone().map(|e| view! { <div class="run-error"><ErrorText full=e/></div> })}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
        </DataTable>
    }
    .into_any()
}
