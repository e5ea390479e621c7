//! M&A: acquisitions from S-4, DEFM14A, SC TO-T and 8-K filings and imports, newest
//! first, filtered by status with links that keep the state in the URL.
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

use super::company::party;
use super::{filing_cell, newest, usd_opt, FillHint, VentureNav};
use crate::components::{
    answer_with, choice_chips, fetched_from, Chips, Col, DemoNotice, ErrorBox, Loaded, NoMatch, PageHead, Pager,
    SourceLine, TableHead, TableTools,
};
use crate::error::AppError;
use crate::format::fmt_date;
use crate::params::{param, query_string};
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
    let data =
        answer_with(wanted, |w| get_acquisitions(w.status.clone(), w.sector.clone(), None, None, w.page.clone(), None));
    view! {
        <VentureNav/>
        <PageHead
            title="Mergers and acquisitions"
            lede="Deals seen in EDGAR's index (merger registrations S-4, merger proxies DEFM14A, tender offers SC TO-T, and 8-K reports) and imported ones. The index names the filer and the form, not the price: prices come from imports."
        />
        <Loaded data loading="Loading deals…" body=|(w, answer)| view! { <Body w answer/> }/>
    }
}

#[component]
fn Body(w: Wanted, answer: Result<Page<AcquisitionRow>, AppError>) -> impl IntoView {
    let chips = choice_chips(STATUSES, w.status.as_deref(), |s| w.href(s, 1), str::to_string);
    let filters = view! {
        <Chips aria_label="Filter by status" title="Status" chips/>
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
            view! { <NoMatch text="No deal matches." reset=PATH label="Show all deals"/> }.into_any()
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
        {page.demo.then(|| view! { <DemoNotice text="Deals marked DEMO are generated."/> })}
        <TableTools count=page.total label=format!("{} deals", page.total) csv/>
        <div class="table-wrap">
            <table class="data acquisitions" data-status=w.status.clone().unwrap_or_default()>
                <TableHead cols=vec![
                    Col::text("Announced"), Col::text("Acquirer"), Col::text("Target"), Col::num("Price"),
                    Col::text("Status"), Col::text("Closed"), Col::text("Sector"), Col::text("Form"),
                    Col::text("Last filing"), Col::text("Filing"),
                ]/>
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
        <SourceLine text=fetched_from("SEC EDGAR full-index (S-4, DEFM14A, SC TO-T, 8-K) and imports", as_of)/>
    }
    .into_any()
}
