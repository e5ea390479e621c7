//! The funding rounds table: a GET form of filters, sortable headers and pages as links,
//! every row with its filing on sec.gov. The URL holds the whole state; the API filters,
//! sorts and pages, and a bad value shows its message with a 400.
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::{filing_cell, newest, usd_opt, FillHint, SectorSelect, VentureNav};
use crate::components::{
    answer_with, count_of, fetched_from, DemoNotice, ErrorBox, Loaded, NoMatch, PageHead, Pager, SortHeader,
    SourceLine, TableTools,
};
use crate::error::AppError;
use crate::format::fmt_date;
use crate::params::param;
use crate::venture::api::get_funding;
use crate::venture::model::{stage_label, Page, RoundRow, STAGES};
use crate::venture::query::{FundingFilter, FundingParams};
use crate::venture::sector::label_of;

const PATH: &str = "/venture/funding";

/// The filter after clicking a column header: the active column flips its direction; a
/// new one starts with the biggest (or newest) first, except the company name, A to Z.
fn sorted_by(f: &FundingFilter, column: &str) -> FundingFilter {
    let descending = if f.sort == column { f.dir != "desc" } else { column != "company" };
    FundingFilter { sort: column.to_string(), dir: if descending { "desc" } else { "asc" }.to_string(), ..f.clone() }
}

fn unfiltered(f: &FundingFilter) -> bool {
    f.sector.is_none()
        && f.stage.is_none()
        && f.state.is_none()
        && f.min_amount.is_none()
        && f.max_amount.is_none()
        && f.from.is_none()
        && f.to.is_none()
        && f.q.is_none()
        && !f.notable
}

#[component]
pub fn FundingPage() -> impl IntoView {
    let query = use_query_map();
    let params = Memo::new(move |_| {
        let q = query.read();
        let p = |name: &str| param(&q, name);
        FundingParams {
            sector: p("sector"),
            stage: p("stage"),
            state: p("state"),
            min_amount: p("min_amount"),
            max_amount: p("max_amount"),
            from: p("from"),
            to: p("to"),
            q: p("q"),
            notable: p("notable"),
            sort: p("sort"),
            dir: p("dir"),
            page: p("page"),
            per_page: p("per_page"),
        }
    });
    let data = answer_with(params, |p| {
        get_funding(
            p.sector.clone(),
            p.stage.clone(),
            p.state.clone(),
            p.min_amount.clone(),
            p.max_amount.clone(),
            p.from.clone(),
            p.to.clone(),
            p.q.clone(),
            p.notable.clone(),
            p.sort.clone(),
            p.dir.clone(),
            p.page.clone(),
            p.per_page.clone(),
        )
    });
    view! {
        <VentureNav/>
        <PageHead
            title="Funding rounds"
            lede="Every round Quarry knows: Form D notices from SEC EDGAR (a D/A amendment replaces its original's figures) and imported rounds. Form D never names a stage, so EDGAR rounds read \"Unstated\"; imports name one."
        />
        <Loaded data loading="Loading rounds…" body=|(p, answer)| view! { <Body p answer/> }/>
    }
}

#[component]
fn Body(p: FundingParams, answer: Result<Page<RoundRow>, AppError>) -> impl IntoView {
    let form = view! { <FilterForm p=p.clone()/> };
    let page = match answer {
        Err(e) => return view! { {form} <ErrorBox e what="funding rounds" reset=PATH/> }.into_any(),
        Ok(page) => page,
    };
    // The API accepted these parameters, so they parse here too.
    let f = p.parse().ok().or_else(|| FundingParams::default().parse().ok()).unwrap_or_default();
    if page.total == 0 {
        let empty = if unfiltered(&f) {
            view! { <FillHint what="No funding rounds yet"/> }.into_any()
        } else {
            view! { <NoMatch text="No round matches these filters." reset=PATH label="Show all rounds"/> }.into_any()
        };
        return view! { {form} {empty} }.into_any();
    }
    let csv = f.href("/api/venture/funding.csv", 1);
    let as_of = newest(page.rows.iter().map(|r| &r.provenance));
    let shown = page.rows.len();
    let pager_f = f.clone();
    let pager = view! {
        <Pager
            total=page.total
            page=page.page
            per_page=page.per_page
            shown
            href=Callback::new(move |n: u64| pager_f.href(PATH, n))
        />
    };
    let header = |label: &'static str, column: &'static str, numeric: bool| {
        let sorted = (f.sort == column).then(|| f.dir == "desc");
        view! { <SortHeader label column href=sorted_by(&f, column).href(PATH, 1) sorted numeric/> }
    };
    view! {
        {form}
        {page.demo.then(|| view! { <DemoNotice text="Rows marked DEMO are generated, not filings."/> })}
        <TableTools count=page.total label=count_of(page.total, "round", "rounds") csv/>
        <div class="table-wrap">
            <table class="data rounds funding" data-sort=f.sort.clone() data-dir=f.dir.clone()>
                <thead>
                    <tr>
                        {header("Date", "date", false)}
                        {header("Company", "company", false)}
                        <th scope="col">"Stage"</th>
                        <th scope="col">"Sector"</th>
                        <th scope="col">"State"</th>
                        {header("Amount sold", "amount", true)}
                        {header("Offered", "offered", true)}
                        <th scope="col">"First sale"</th>
                        <th scope="col">"Form"</th>
                        <th scope="col">"Filing"</th>
                    </tr>
                </thead>
                <tbody>
                    {page.rows.into_iter().map(|r| view! { <RoundTr r/> }).collect_view()}
                </tbody>
            </table>
        </div>
        {pager}
        <SourceLine text=fetched_from("SEC EDGAR Form D (amounts as filed, in US dollars) and imports", as_of)/>
    }
    .into_any()
}

/// One round as a table row; the company page's round list reuses it.
#[component]
pub fn RoundTr(r: RoundRow) -> impl IntoView {
    let offered = if r.offering_indefinite { "Indefinite".to_string() } else { usd_opt(r.amount_offered) };
    let first_sale = if r.first_sale_yet_to_occur { "yet to occur".to_string() } else { fmt_date(r.first_sale_on) };
    let leads = (!r.lead_investors.is_empty()).then(|| format!("Led by {}", r.lead_investors.join(", ")));
    view! {
        <tr data-id=r.id.to_string() data-stage=r.stage.clone() data-sector=r.sector.clone() data-notable=r.notable.to_string() class:notable=r.notable>
            <td class="date" data-col="date">{r.announced_on.to_string()}</td>
            <th scope="row" data-col="company">
                <a href=format!("/venture/companies/{}", r.company_id) class="company">{r.company.clone()}</a>
                {r.notable.then(|| view! { " " <span class="tag notable" title="At or above the notable round size">"notable"</span> })}
                {leads.map(|l| view! { <small class="investors">{l}</small> })}
            </th>
            <td data-col="stage">{stage_label(&r.stage).to_string()}</td>
            <td data-col="sector">{label_of(&r.sector)}</td>
            <td data-col="state">{r.state.clone().unwrap_or_else(|| "—".into())}</td>
            <td class="num" data-col="amount" data-value=r.amount_sold.map(|a| format!("{a:.0}")).unwrap_or_default()>
                {usd_opt(r.amount_sold)}
            </td>
            <td class="num" data-col="offered" data-value=r.amount_offered.map(|a| format!("{a:.0}")).unwrap_or_default()>
                {offered}
            </td>
            <td class="date" data-col="first_sale">{first_sale}</td>
            <td data-col="form">{r.form_type.clone()}</td>
            <td data-col="filing">{filing_cell(&r.provenance)}</td>
        </tr>
    }
}

#[component]
fn FilterForm(p: FundingParams) -> impl IntoView {
    let v = |x: &Option<String>| x.clone().unwrap_or_default();
    let sector = v(&p.sector);
    let stage = v(&p.stage);
    let notable = p.notable.as_deref().is_some_and(|n| !matches!(n, "false" | "0"));
    view! {
        <form method="get" action=PATH class="filters funding-filters" aria-label="Filter rounds">
            <SectorSelect selected=sector/>
            <label>
                <span>"Stage"</span>
                <select name="stage">
                    <option value="" selected=stage.is_empty()>"All stages"</option>
                    {STAGES.into_iter().map(|s| view! {
                        <option value=s selected=stage == s>{stage_label(s).to_string()}</option>
                    }).collect_view()}
                </select>
            </label>
            <label>
                <span>"State"</span>
                <input name="state" size="3" maxlength="2" placeholder="CA" value=v(&p.state)/>
            </label>
            <label>
                <span>"Min amount ($)"</span>
                <input type="number" name="min_amount" min="0" step="any" value=v(&p.min_amount)/>
            </label>
            <label>
                <span>"Max amount ($)"</span>
                <input type="number" name="max_amount" min="0" step="any" value=v(&p.max_amount)/>
            </label>
            <label>
                <span>"From"</span>
                <input type="date" name="from" value=v(&p.from)/>
            </label>
            <label>
                <span>"To"</span>
                <input type="date" name="to" value=v(&p.to)/>
            </label>
            <label>
                <span>"Company"</span>
                <input type="search" name="q" maxlength="100" placeholder="name contains" value=v(&p.q)/>
            </label>
            <label class="inline">
                <input type="checkbox" name="notable" value="true" checked=notable/>
                "Notable only"
            </label>
            {p.sort.clone().map(|s| view! { <input type="hidden" name="sort" value=s/> })}
            {p.dir.clone().map(|d| view! { <input type="hidden" name="dir" value=d/> })}
            {p.per_page.clone().map(|n| view! { <input type="hidden" name="per_page" value=n/> })}
            <button type="submit">"Filter"</button>
            <a href=PATH>"Clear"</a>
        </form>
    }
}
