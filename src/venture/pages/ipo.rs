//! The IPO pipeline: one section per status (filed, amended, priced, withdrawn), each
//! registration with its dates, amendments and the filings that moved it, as EDGAR's
//! S-1/F-1, S-1/A, 424B4 and RW forms record them, and the offering's terms (price range
//! or price, shares, size) when the newest registration statement or prospectus states them.
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

use super::{demo_mark, newest, VentureNav};
use crate::components::{
    answer_with, choice_chips, Chips, DemoBadge, DemoNotice, EmptyState, ErrorBox, Loaded, PageHead,
};
use crate::error::AppError;
use crate::format::fmt_date;
use crate::params::{param, query_string};
use crate::venture::api::get_ipo_pipeline;
use crate::venture::model::{IpoPipeline, IpoRow, IpoStatusGroup, IPO_STATUSES};
use crate::venture::sector::label_of;

const PATH: &str = "/venture/ipo";

/// A status in a word, for a badge.
pub fn status_label(s: &str) -> &'static str {
    match s {
        "filed" => "Filed",
        "amended" => "Amended",
        "priced" => "Priced",
        "withdrawn" => "Withdrawn",
        _ => "Other",
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct Wanted {
    status: Option<String>,
}

#[component]
pub fn IpoPage() -> impl IntoView {
    let query = use_query_map();
    let wanted = Memo::new(move |_| Wanted { status: param(&query.read(), "status") });
    let data = answer_with(wanted, |w| get_ipo_pipeline(w.status.clone()));
    view! {
        <VentureNav/>
        <PageHead
            title="IPO pipeline"
            lede="Companies going public in the US, from their SEC registrations: an S-1 or F-1 is filed, amended (S-1/A, F-1/A), priced (the 424B4 prospectus) or withdrawn (RW)."
        />
        <Loaded data loading="Loading the pipeline…" body=|(w, answer)| view! { <Body w answer/> }/>
    }
}

#[component]
fn Body(w: Wanted, answer: Result<IpoPipeline, AppError>) -> impl IntoView {
    let href = |s: Option<&str>| format!("{PATH}{}", query_string(&[("status", s.map(str::to_string))]));
    let chips = choice_chips(IPO_STATUSES, w.status.as_deref(), href, |s| status_label(s).to_string());
    let filters = view! { <Chips aria_label="Filter by status" title="Status" chips/> };
    let p = match answer {
        Err(e) => return view! { {filters} <ErrorBox e what="IPO pipeline" reset=PATH/> }.into_any(),
        Ok(p) => p,
    };
    let empty = (p.total == 0).then(|| {
        view! {
            <EmptyState heading="No IPO filings yet">
                <p>
                    "The " <code>"ipo_monitor"</code> " job reads EDGAR's daily index every weekday hour for S-1, F-1, their amendments, 424B4 and RW; run it from the "
                    <a href="/jobs">"Jobs page"</a> " or go back over a period with "
                    <code>"quarry vc-backfill --from 2025-01-01 --to 2025-12-31"</code> ". To look around without data, start Quarry with "
                    <code>"--demo"</code> "."
                </p>
            </EmptyState>
        }
    });
    let as_of = newest(p.groups.iter().flat_map(|g| g.rows.iter()).map(|r| &r.provenance));
    view! {
        {filters}
        {p.demo.then(|| view! { <DemoNotice text="Filings marked DEMO are generated, not EDGAR records."/> })}
        {empty}
        {(p.total > 0).then(|| p.groups.into_iter().map(|g| view! { <Group g/> }).collect_view())}
        <p class="note source-line">
            {p.demo.then(|| view! { <DemoBadge/> " " })}
            {format!(
                "Source: SEC EDGAR daily index (S-1, F-1, S-1/A, F-1/A, 424B4, RW) via ipo_monitor, data through {}{}.",
                fmt_date(p.data_through),
                as_of.map(|t| format!(", fetched {}", super::fmt_time(t))).unwrap_or_default()
            )}
        </p>
        <p class="downloads">
            <a href=format!("/api/venture/ipo-pipeline.csv{}", query_string(&[("status", w.status.clone())])) rel="external" download="">
                "Download CSV"
            </a>
        </p>
    }
    .into_any()
}

#[component]
fn Group(g: IpoStatusGroup) -> impl IntoView {
    let n = g.rows.len();
    let id = format!("ipo-{}", g.status);
    let labelled_by = id.clone();
    view! {
        <section class="ipo-group" data-status=g.status.clone() data-count=n.to_string() aria-labelledby=labelled_by>
            <h2 id=id>{g.label.clone()} " " <span class="count">{format!("({n})")}</span></h2>
            {if n == 0 {
                view! { <p class="muted">"None."</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap">
                        <table class="data ipo">
                            <thead>
                                <tr>
                                    <th scope="col">"Company"</th>
                                    <th scope="col">"Sector"</th>
                                    <th scope="col">"Form"</th>
                                    <th scope="col">"Filed"</th>
                                    <th scope="col">"Last event"</th>
                                    <th scope="col">"Priced / withdrawn"</th>
                                    <th scope="col">"Offering"</th>
                                    <th scope="col" class="num">"Amendments"</th>
                                    <th scope="col">"Filings"</th>
                                </tr>
                            </thead>
                            <tbody>{g.rows.into_iter().map(|r| view! { <Entry r/> }).collect_view()}</tbody>
                        </table>
                    </div>
                }
                .into_any()
            }}
        </section>
    }
}

#[component]
fn Entry(r: IpoRow) -> impl IntoView {
    let company = match r.company_id {
        Some(id) => view! { <a href=format!("/venture/companies/{id}")>{r.company.clone()}</a> }.into_any(),
        None => view! { {r.company.clone()} }.into_any(),
    };
    let outcome = match (r.priced_on, r.withdrawn_on) {
        (Some(p), _) => format!("priced {p}"),
        (None, Some(w)) => format!("withdrawn {w}"),
        _ => "—".into(),
    };
    let n = r.events.len();
    view! {
        <tr data-id=r.id.to_string() data-status=r.status.clone()>
            <th scope="row">{company} {demo_mark(&r.provenance)}</th>
            <td>{label_of(&r.sector)}</td>
            <td>{r.form.clone()}</td>
            <td class="date">{r.filed_on.to_string()}</td>
            <td class="date">{r.last_event_on.to_string()}</td>
            <td class="date">{outcome}</td>
            <td data-col="offering"><Offering r=r.clone()/></td>
            <td class="num" data-col="amendments">{r.amendments}</td>
            <td>
                <details class="events">
                    <summary>{format!("{n} filing{}", if n == 1 { "" } else { "s" })}</summary>
                    <ol>
                        {r.events.into_iter().map(|e| view! {
                            <li data-form=e.form.clone()>
                                <time datetime=e.filed_on.to_string()>{e.filed_on.to_string()}</time>
                                " " <strong>{e.form.clone()}</strong> " → " {e.status.clone()} " "
                                {match e.url.clone() {
                                    Some(u) => view! { <a href=u rel="external">{e.accession.clone()}</a> }.into_any(),
                                    None => view! { <code>{e.accession.clone()}</code> }.into_any(),
                                }}
                            </li>
                        }).collect_view()}
                    </ol>
                </details>
            </td>
        </tr>
    }
}

/// The offering's terms and the filing they come from ("S-1/A, 2026-11-18", linked to it
/// on sec.gov); nothing at all when no filing read states them.
#[component]
pub fn Offering(r: IpoRow) -> impl IntoView {
    let label = r.offering_label();
    if label.is_empty() {
        return ().into_any();
    }
    let source = r.terms_source.clone().map(|t| {
        let text = format!("{}, {}", t.form, t.filed_on);
        match t.url {
            Some(u) => view! { <a href=u rel="external">{text}</a> }.into_any(),
            None => view! { {text} }.into_any(),
        }
    });
    view! {
        <span class="offering">{label}</span>
        {source.map(|s| view! { <span class="terms-source">{s}</span> })}
    }
    .into_any()
}
