//! Investors: the list, most active first, with a name search; one investor with the
//! rounds it took part in and the funds it manages.
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use serde::{Deserialize, Serialize};

use super::funding::RoundTr;
use super::funds::FundsTable;
use super::{
    demo_mark, fmt_date, fmt_time, newest, param, query_string, usd, DemoBadge, ErrorBox, Failure, FillHint, Pager,
    ProvenanceLine, VentureNav,
};
use crate::error::AppError;
use crate::venture::api::{get_investor, get_investors};
use crate::venture::model::{InvestorDetail, InvestorRow, Page};

const LIST: &str = "/venture/investors";

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct ListQuery {
    q: Option<String>,
    page: Option<String>,
}

#[component]
pub fn InvestorsPage() -> impl IntoView {
    let query = use_query_map();
    let wanted = Memo::new(move |_| {
        let q = query.read();
        ListQuery { q: param(&q, "q"), page: param(&q, "page") }
    });
    let data = Resource::new(
        move || wanted.get(),
        |w| async move {
            let answer = get_investors(w.q.clone(), w.page.clone(), None).await;
            (w, answer)
        },
    );
    view! {
        <VentureNav/>
        <Title text="Investors"/>
        <h1>"Investors"</h1>
        <p class="lede">
            "Venture firms, funds and angels, most active first. Form D does not name a round's investors, so they come from imports (and the demo)."
        </p>
        <Transition fallback=|| view! { <p class="loading" aria-busy="true">"Loading investors…"</p> }>
            {move || Suspend::new(async move {
                let (w, answer) = data.await;
                view! { <List w answer/> }
            })}
        </Transition>
    }
}

#[component]
fn List(w: ListQuery, answer: Result<Page<InvestorRow>, AppError>) -> impl IntoView {
    let form = view! {
        <form method="get" action=LIST class="filters" role="search" aria-label="Search investors">
            <label>
                <span>"Name"</span>
                <input type="search" name="q" maxlength="100" value=w.q.clone().unwrap_or_default()/>
            </label>
            <button type="submit">"Search"</button>
            <a href=LIST>"Clear"</a>
        </form>
    };
    let page = match answer {
        Err(e) => return view! { {form} <ErrorBox e what="investors" reset=LIST/> }.into_any(),
        Ok(p) => p,
    };
    if page.total == 0 {
        let empty = if w.q.is_none() {
            view! { <FillHint what="No investors yet"/> }.into_any()
        } else {
            view! { <p class="empty-state" role="status">"No investor matches. " <a href=LIST>"Show all investors"</a></p> }
                .into_any()
        };
        return view! { {form} {empty} }.into_any();
    }
    let csv = format!("/api/venture/investors.csv{}", query_string(&[("q", w.q.clone())]));
    let as_of = newest(page.rows.iter().map(|r| &r.provenance));
    let shown = page.rows.len();
    let q = w.q.clone();
    let href = Callback::new(move |n: u64| {
        format!("{LIST}{}", query_string(&[("q", q.clone()), ("page", (n > 1).then(|| n.to_string()))]))
    });
    view! {
        {form}
        {page.demo.then(|| view! { <p class="note demo-notice"><DemoBadge/> " Investors marked DEMO are generated."</p> })}
        <div class="table-tools">
            <p class="muted" data-count=page.total.to_string()>{format!("{} investors", page.total)}</p>
            <a href=csv rel="external" download="">"Download CSV"</a>
        </div>
        <div class="table-wrap">
            <table class="data investors">
                <thead>
                    <tr>
                        <th scope="col">"Investor"</th>
                        <th scope="col">"Kind"</th>
                        <th scope="col" class="num">"Rounds"</th>
                        <th scope="col" class="num">"Led"</th>
                        <th scope="col" class="num" title="The whole rounds it took part in, not its share">"In rounds of"</th>
                        <th scope="col">"Last round"</th>
                    </tr>
                </thead>
                <tbody>
                    {page.rows.into_iter().map(|i| view! { <InvestorTr i/> }).collect_view()}
                </tbody>
            </table>
        </div>
        <Pager total=page.total page=page.page per_page=page.per_page shown href/>
        <p class="note">"\"In rounds of\" adds up the whole rounds an investor took part in: no public record splits a round by investor."</p>
        <p class="note source-line">
            {format!(
                "Source: imports{}.",
                as_of.map(|t| format!("; newest row fetched {}", fmt_time(t))).unwrap_or_default()
            )}
        </p>
    }
    .into_any()
}

#[component]
fn InvestorTr(i: InvestorRow) -> impl IntoView {
    view! {
        <tr data-id=i.id.to_string()>
            <th scope="row">
                <a href=format!("{LIST}/{}", i.id)>{i.name.clone()}</a>
                {demo_mark(&i.provenance)}
            </th>
            <td>{i.kind.clone()}</td>
            <td class="num" data-col="rounds">{i.rounds}</td>
            <td class="num">{i.lead_rounds}</td>
            <td class="num">{usd(i.amount_in_rounds)}</td>
            <td>{fmt_date(i.last_round_on)}</td>
        </tr>
    }
}

#[component]
pub fn InvestorPage() -> impl IntoView {
    let params = use_params_map();
    let data = Resource::new(move || params.read().get("id").unwrap_or_default(), get_investor);
    view! {
        <VentureNav/>
        <Suspense fallback=|| view! { <p class="loading" aria-busy="true">"Loading the investor…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(d) => view! { <Detail d/> }.into_any(),
                    Err(e) => view! { <Failure e what="investor" back=(LIST, "All investors")/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Detail(d: InvestorDetail) -> impl IntoView {
    let i = d.investor.clone();
    let website = d.website.clone().map(|w| {
        let href =
            if w.starts_with("http://") || w.starts_with("https://") { w.clone() } else { format!("https://{w}") };
        view! { <a href=href rel="external nofollow">{w}</a> }
    });
    let rounds = if d.rounds.is_empty() {
        view! { <p class="muted">"No rounds recorded for this investor."</p> }.into_any()
    } else {
        view! {
            <div class="table-wrap">
                <table class="data rounds">
                    <thead>
                        <tr>
                            <th scope="col">"Date"</th>
                            <th scope="col">"Company"</th>
                            <th scope="col">"Stage"</th>
                            <th scope="col">"Sector"</th>
                            <th scope="col">"State"</th>
                            <th scope="col" class="num">"Amount sold"</th>
                            <th scope="col" class="num">"Offered"</th>
                            <th scope="col">"First sale"</th>
                            <th scope="col">"Form"</th>
                            <th scope="col">"Filing"</th>
                        </tr>
                    </thead>
                    <tbody>{d.rounds.clone().into_iter().map(|r| view! { <RoundTr r/> }).collect_view()}</tbody>
                </table>
            </div>
        }
        .into_any()
    };
    let funds = if d.funds.is_empty() {
        view! { <p class="muted">"No funds managed by this investor on record."</p> }.into_any()
    } else {
        view! { <FundsTable rows=d.funds.clone()/> }.into_any()
    };
    view! {
        <Title text=i.name.clone()/>
        <p class="muted"><a href=LIST>"Investors"</a></p>
        <h1>{i.name.clone()} {i.provenance.demo.then(|| view! { " " <DemoBadge/> })}</h1>
        <dl class="facts">
            <div><dt>"Kind"</dt><dd>{i.kind.clone()}</dd></div>
            <div><dt>"Rounds"</dt><dd data-fact="rounds">{i.rounds}</dd></div>
            <div><dt>"Led"</dt><dd>{i.lead_rounds}</dd></div>
            <div><dt>"In rounds of"</dt><dd>{usd(i.amount_in_rounds)}</dd></div>
            <div><dt>"Last round"</dt><dd>{fmt_date(i.last_round_on)}</dd></div>
            {d.city.clone().map(|c| view! { <div><dt>"City"</dt><dd>{c}</dd></div> })}
            {website.map(|w| view! { <div><dt>"Website"</dt><dd>{w}</dd></div> })}
        </dl>
        <section aria-labelledby="inv-rounds-h">
            <h2 id="inv-rounds-h">{format!("Rounds ({})", d.rounds.len())}</h2>
            {rounds}
        </section>
        <section aria-labelledby="inv-funds-h">
            <h2 id="inv-funds-h">"Funds managed"</h2>
            {funds}
        </section>
        <ProvenanceLine p=i.provenance.clone()/>
    }
}
