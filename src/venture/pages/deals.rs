//! M&A: acquisitions from S-4, DEFM14A, SC TO-T and 8-K filings and imports, newest
//! first, filtered by status with links that keep the state in the URL.
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

use super::company::party;
use super::{
    filing_cell, fmt_date, fmt_time, newest, param, query_string, usd_opt, DemoBadge, ErrorBox, FillHint, Pager,
    VentureNav,
};
use crate::error::AppError;
use crate::venture::api::get_acquisitions;
use crate::venture::model::{AcquisitionRow, Page};
use crate::venture::sector::label_of;

const PATH: &str = "/venture/acquisitions";
const STATUSES: [&str; 4] = ["announced", "pending", "completed", "withdrawn"];

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct Wanted {
    status: Option<String>,
    sector: Option<String>,
    page: Option<String>,
}

impl Wanted {
    fn href(&self, status: Option<&str>, page: u64) -> String {
        format!(
            "{PATH}{}",
            query_string(&[
                ("status", status.map(str::to_string)),
                ("sector", self.sector.clone()),
                ("page", (page > 1).then(|| page.to_string())),
            ])
        )
    }
}

#[component]
pub fn AcquisitionsPage() -> impl IntoView {
    let query = use_query_map();
    let wanted = Memo::new(move |_| {
        let q = query.read();
        Wanted { status: param(&q, "status"), sector: param(&q, "sector"), page: param(&q, "page") }
    });
    let data = Resource::new(
        move || wanted.get(),
        |w| async move {
            let answer = get_acquisitions(w.status.clone(), w.sector.clone(), None, None, w.page.clone(), None).await;
            (w, answer)
        },
    );
    view! {
        <VentureNav/>
        <Title text="Mergers and acquisitions"/>
        <h1>"Mergers and acquisitions"</h1>
        <p class="lede">
            "Deals seen in EDGAR's index (merger registrations S-4, merger proxies DEFM14A, tender offers SC TO-T, and 8-K reports) and imported ones. The index names the filer and the form, not the price: prices come from imports."
        </p>
        <Transition fallback=|| view! { <p class="loading" aria-busy="true">"Loading deals…"</p> }>
            {move || Suspend::new(async move {
                let (w, answer) = data.await;
                view! { <Body w answer/> }
            })}
        </Transition>
    }
}

#[component]
fn Body(w: Wanted, answer: Result<Page<AcquisitionRow>, AppError>) -> impl IntoView {
    let chips = std::iter::once(None)
        .chain(STATUSES.into_iter().map(Some))
        .map(|s| {
            let current = w.status.as_deref() == s;
            view! { <a href=w.href(s, 1) aria-current=current.then_some("true")>{s.unwrap_or("All")}</a> }
        })
        .collect_view();
    let filters = view! {
        <nav class="chips" aria-label="Filter by status">
            <span class="chips-label">"Status"</span>
            {chips}
        </nav>
        {w.sector.clone().map(|s| view! {
            <p class="note">{format!("Sector: {}. ", label_of(&s))} <a href=format!("{PATH}{}", query_string(&[("status", w.status.clone())]))>"All sectors"</a></p>
        })}
    };
    let page = match answer {
        Err(e) => return view! { {filters} <ErrorBox e what="deals" reset=PATH/> }.into_any(),
        Ok(p) => p,
    };
    if page.total == 0 {
        let empty = if w.status.is_none() && w.sector.is_none() {
            view! { <FillHint what="No acquisitions yet"/> }.into_any()
        } else {
            view! { <p class="empty-state" role="status">"No deal matches. " <a href=PATH>"Show all deals"</a></p> }
                .into_any()
        };
        return view! { {filters} {empty} }.into_any();
    }
    let csv = format!(
        "/api/venture/acquisitions.csv{}",
        query_string(&[("status", w.status.clone()), ("sector", w.sector.clone())])
    );
    let as_of = newest(page.rows.iter().map(|r| &r.provenance));
    let shown = page.rows.len();
    let pw = w.clone();
    view! {
        {filters}
        {page.demo.then(|| view! { <p class="note demo-notice"><DemoBadge/> " Deals marked DEMO are generated."</p> })}
        <div class="table-tools">
            <p class="muted" data-count=page.total.to_string()>{format!("{} deals", page.total)}</p>
            <a href=csv rel="external" download="">"Download CSV"</a>
        </div>
        <div class="table-wrap">
            <table class="data acquisitions" data-status=w.status.clone().unwrap_or_default()>
                <thead>
                    <tr>
                        <th scope="col">"Announced"</th>
                        <th scope="col">"Acquirer"</th>
                        <th scope="col">"Target"</th>
                        <th scope="col" class="num">"Price"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Closed"</th>
                        <th scope="col">"Sector"</th>
                        <th scope="col">"Form"</th>
                        <th scope="col">"Last filing"</th>
                        <th scope="col">"Filing"</th>
                    </tr>
                </thead>
                <tbody>
                    {page.rows.into_iter().map(|a| view! {
                        <tr data-id=a.id.to_string() data-status=a.status.clone()>
                            <td class="date">{a.announced_on.to_string()}</td>
                            <td>{party(a.acquirer.clone(), a.acquirer_id)}</td>
                            <td>{party(a.target.clone(), a.target_id)}</td>
                            <td class="num">{usd_opt(a.price)}</td>
                            <td data-col="status"><span class=format!("deal-status {}", a.status)>{a.status.clone()}</span></td>
                            <td class="date">{fmt_date(a.closed_on)}</td>
                            <td>{label_of(&a.sector)}</td>
                            <td>{a.form_type.clone()}</td>
                            <td class="date">{fmt_date(a.last_filing_on)}</td>
                            <td>{filing_cell(&a.provenance)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <Pager
            total=page.total
            page=page.page
            per_page=page.per_page
            shown
            href=Callback::new(move |n: u64| pw.href(pw.status.as_deref(), n))
        />
        <p class="note source-line">
            {format!(
                "Source: SEC EDGAR full-index (S-4, DEFM14A, SC TO-T, 8-K) and imports{}.",
                as_of.map(|t| format!("; newest row fetched {}", fmt_time(t))).unwrap_or_default()
            )}
        </p>
    }
    .into_any()
}
