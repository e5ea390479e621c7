//! Investors: the list, most active first, with a name search; one investor with the
//! rounds it took part in and the funds it manages.
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use serde::{Deserialize, Serialize};

use super::funding::RoundTr;
use super::funds::FundsTable;
use super::{demo_mark, newest, usd, FillHint, ProvenanceLine, VentureNav};
use crate::components::{
    answer_with, fetched_from, Col, DataTable, DemoBadge, DemoNotice, ErrorBox, Loaded, Loading, NoMatch, PageFailure,
    PageHead, Pager, Section, SourceLine, TableTools,
};
use crate::error::AppError;
use crate::format::fmt_date;
use crate::params::{param, query_string};
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
    let data = answer_with(wanted, |w| get_investors(w.q.clone(), w.page.clone(), None));
    view! {
        <VentureNav/>
        <PageHead
            title="Investors"
            lede="Venture firms, funds and angels, most active first. Form D does not name a round's investors, so they come from imports (and the demo)."
        />
        <Loaded data loading="Loading investors…" body=|(w, answer)| view! { <List w answer/> }/>
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
            view! { <NoMatch text="No investor matches." reset=LIST label="Show all investors"/> }.into_any()
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
        {page.demo.then(|| view! { <DemoNotice text="Investors marked DEMO are generated."/> })}
        <TableTools count=page.total label=format!("{} investors", page.total) csv/>
        <DataTable class="investors" cols=vec![
            Col::text("Investor"), Col::text("Kind"), Col::num("Rounds"), Col::num("Led"),
            Col::num("In rounds of").titled("The whole rounds it took part in, not its share"), Col::text("Last round"),
        ]>
            {page.rows.into_iter().map(|i| view! { <InvestorTr i/> }).collect_view()}
        </DataTable>
        <Pager total=page.total page=page.page per_page=page.per_page shown href/>
        <p class="note">"\"In rounds of\" adds up the whole rounds an investor took part in: no public record splits a round by investor."</p>
        <SourceLine text=fetched_from("imports", as_of)/>
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
        <Suspense fallback=|| view! { <Loading text="Loading the investor…"/> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(d) => view! { <Detail d/> }.into_any(),
                    Err(e) => view! { <PageFailure e what="investor" back=(LIST, "All investors")/> }.into_any(),
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
        let rows = d.rounds.clone();
        view! {
            <DataTable class="rounds" cols=vec![
                Col::text("Date"), Col::text("Company"), Col::text("Stage"), Col::text("Sector"), Col::text("State"),
                Col::num("Amount sold"), Col::num("Offered"), Col::text("First sale"), Col::text("Form"), Col::text("Filing"),
            ]>
                {rows.into_iter().map(|r| view! { <RoundTr r/> }).collect_view()}
            </DataTable>
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
        <Section id="inv-rounds" heading=format!("Rounds ({})", d.rounds.len())>{rounds}</Section>
        <Section id="inv-funds" heading="Funds managed">{funds}</Section>
        <ProvenanceLine p=i.provenance.clone()/>
    }
}
