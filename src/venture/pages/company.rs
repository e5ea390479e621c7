//! Companies: the searchable list, and one company with its facts, rounds timeline,
//! valuations, deals, IPO status and EDGAR filings (each with its error when it failed).
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use serde::{Deserialize, Serialize};

use super::{
    demo_mark, filing_cell, fmt_date, fmt_time, newest, param, query_string, usd, usd_opt, DemoBadge, ErrorBox,
    Failure, FillHint, Pager, ProvenanceLine, VentureNav,
};
use crate::error::AppError;
use crate::venture::api::{get_companies, get_company};
use crate::venture::model::{
    stage_label, AcquisitionRow, CompanyDetail, CompanyRow, FilingRow, IpoRow, Page, RoundRow, ValuationRow,
};
use crate::venture::sector::{label_of, Sector};

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
    let data = Resource::new(
        move || wanted.get(),
        |w| async move {
            let answer = get_companies(w.q.clone(), w.sector.clone(), w.page.clone(), None).await;
            (w, answer)
        },
    );
    view! {
        <VentureNav/>
        <Title text="Companies"/>
        <h1>"Companies"</h1>
        <p class="lede">"Companies that filed a Form D or an IPO registration, or that you imported, A to Z."</p>
        <Transition fallback=|| view! { <p class="loading" aria-busy="true">"Loading companies…"</p> }>
            {move || Suspend::new(async move {
                let (w, answer) = data.await;
                view! { <CompanyList w answer/> }
            })}
        </Transition>
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
            <label>
                <span>"Sector"</span>
                <select name="sector">
                    <option value="" selected=sector.is_empty()>"All sectors"</option>
                    {Sector::ALL.into_iter().map(|s| view! {
                        <option value=s.slug() selected=sector == s.slug()>{s.label()}</option>
                    }).collect_view()}
                </select>
            </label>
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
            view! { <p class="empty-state" role="status">"No company matches. " <a href=LIST>"Show all companies"</a></p> }
                .into_any()
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
        {page.demo.then(|| view! { <p class="note demo-notice"><DemoBadge/> " Companies marked DEMO are generated."</p> })}
        <div class="table-tools">
            <p class="muted" data-count=page.total.to_string()>{format!("{} companies", page.total)}</p>
            <a href=csv rel="external" download="">"Download CSV"</a>
        </div>
        <div class="table-wrap">
            <table class="data companies">
                <thead>
                    <tr>
                        <th scope="col">"Company"</th>
                        <th scope="col">"CIK"</th>
                        <th scope="col">"Sector"</th>
                        <th scope="col">"State"</th>
                        <th scope="col" class="num">"Rounds"</th>
                        <th scope="col" class="num">"Amount sold"</th>
                        <th scope="col">"Last round"</th>
                    </tr>
                </thead>
                <tbody>
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
                </tbody>
            </table>
        </div>
        <Pager total=page.total page=page.page per_page=page.per_page shown href=Callback::new(move |n: u64| pw.href(n))/>
        <p class="note source-line">
            {format!(
                "Source: SEC EDGAR (Form D, submissions) and imports{}.",
                as_of.map(|t| format!("; newest row fetched {}", fmt_time(t))).unwrap_or_default()
            )}
        </p>
    }
    .into_any()
}

#[component]
pub fn CompanyPage() -> impl IntoView {
    let params = use_params_map();
    let data = Resource::new(move || params.read().get("id").unwrap_or_default(), get_company);
    view! {
        <VentureNav/>
        <Suspense fallback=|| view! { <p class="loading" aria-busy="true">"Loading the company…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(d) => view! { <CompanyBody d/> }.into_any(),
                    Err(e) => view! { <Failure e what="company" back=(LIST, "All companies")/> }.into_any(),
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
        <section aria-labelledby="rounds-h">
            <h2 id="rounds-h">{format!("Rounds ({})", d.rounds.len())}</h2>
            <Timeline rounds=d.rounds.clone()/>
        </section>
        <section aria-labelledby="valuations-h">
            <h2 id="valuations-h">"Valuations"</h2>
            <Valuations rows=d.valuations.clone()/>
        </section>
        <section aria-labelledby="deals-h">
            <h2 id="deals-h">"Acquisitions"</h2>
            <Deals rows=d.acquisitions.clone()/>
        </section>
        <section aria-labelledby="ipo-h">
            <h2 id="ipo-h">"IPO"</h2>
            <Ipo ipo=d.ipo.clone()/>
        </section>
        <section aria-labelledby="filings-h">
            <h2 id="filings-h">"EDGAR filings"</h2>
            <Filings rows=d.filings.clone() cik=c.cik/>
        </section>
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
    view! {
        <div class="table-wrap">
            <table class="data valuations">
                <thead><tr>
                    <th scope="col">"Date"</th><th scope="col" class="num">"Pre-money"</th><th scope="col" class="num">"Post-money"</th>
                    <th scope="col">"Basis"</th><th scope="col">"Source"</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|v| view! {
                        <tr data-id=v.id.to_string()>
                            <td class="date">{v.valued_on.to_string()}</td>
                            <td class="num">{usd_opt(v.pre_money)}</td>
                            <td class="num">{usd(v.post_money)}</td>
                            <td>{v.basis.clone()}</td>
                            <td>{if v.provenance.demo { view! { <DemoBadge/> }.into_any() } else { view! { <code>{v.provenance.source_id.clone()}</code> }.into_any() }}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
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
    view! {
        <div class="table-wrap">
            <table class="data acquisitions">
                <thead><tr>
                    <th scope="col">"Announced"</th><th scope="col">"Acquirer"</th><th scope="col">"Target"</th>
                    <th scope="col" class="num">"Price"</th><th scope="col">"Status"</th><th scope="col">"Form"</th><th scope="col">"Filing"</th>
                </tr></thead>
                <tbody>
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
                </tbody>
            </table>
        </div>
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
    view! {
        <div class="table-wrap">
            <table class="data filings">
                <thead><tr>
                    <th scope="col">"Filed"</th><th scope="col">"Form"</th><th scope="col">"Accession"</th><th scope="col">"Status"</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|f| {
                        let failed = f.status == "error";
                        view! {
                            <tr data-status=f.status.clone() class:failing=failed>
                                <td class="date">{f.filed_on.to_string()}</td>
                                <td>{f.form.clone()}</td>
                                <td><a href=f.url.clone() rel="external">{f.accession.clone()}</a></td>
                                <td>
                                    <span class=format!("status {}", if failed { "failed" } else { "succeeded" })>{f.status.clone()}</span>
                                    {f.error.clone().map(|e| view! { <div class="run-error"><crate::components::ErrorText full=e/></div> })}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}
