//! The commodities overview page. Filtering by group and sorting are links that put the
//! state in the URL: the server renders them with JavaScript off, and with JavaScript on
//! the router applies them in place, without a page load or a refetch.
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::commodities::api::get_overview;
use crate::commodities::model::{Freshness, Overview, OverviewEntry, SortKey};
use crate::commodities::sparkline::polyline_points;
use crate::components::{short_error, EmptyState, ErrorBox, ErrorText, Loading, PageHead};
use crate::format::{format_change, format_period, format_value};
use crate::universe::Frequency;

#[component]
pub fn OverviewPage() -> impl IntoView {
    // All instruments load once; the group filter and sort are applied here, from the URL.
    let overview = Resource::new(|| (), |_| get_overview(None));
    view! {
        <PageHead
            title="Commodities"
            lede="Metals, energy, and the materials the AI and space industries run on. Each figure shows its source, its as-of date and its frequency: monthly and annual prices are never shown as live quotes."
        />
        <Suspense fallback=|| view! { <Loading text="Loading prices…"/> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Ok(ov) => view! { <OverviewBody overview=ov/> }.into_any(),
                    Err(e) => view! { <ErrorBox e what="overview"/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[derive(Clone, PartialEq)]
struct ViewState {
    group: Option<String>,
    sort: Option<SortKey>,
    descending: bool,
}

impl ViewState {
    /// The URL for this view with one thing changed.
    fn href(&self, group: Option<&str>, sort: Option<SortKey>, descending: bool) -> String {
        let mut parts = Vec::new();
        if let Some(g) = group {
            parts.push(format!("group={g}"));
        }
        if let Some(s) = sort {
            parts.push(format!("sort={}", s.as_str()));
            parts.push(format!("dir={}", if descending { "desc" } else { "asc" }));
        }
        if parts.is_empty() {
            "?".to_string()
        } else {
            format!("?{}", parts.join("&"))
        }
    }
}

#[component]
fn OverviewBody(overview: Overview) -> impl IntoView {
    let query = use_query_map();
    let groups = overview.groups.clone();
    let known_groups: Vec<String> = groups.iter().map(|g| g.slug.clone()).collect();
    let state = Memo::new(move |_| {
        let q = query.read();
        ViewState {
            group: q.get("group").filter(|g| known_groups.contains(g)),
            sort: q.get("sort").and_then(|s| SortKey::parse(&s)),
            descending: q.get("dir").as_deref() != Some("asc"),
        }
    });
    let has_data = overview.instruments.iter().any(|e| e.last_value.is_some());
    let offline = overview.offline_notice.clone();
    let instruments = StoredValue::new(overview.instruments);
    let chip_groups = groups.clone();

    view! {
        {offline.map(|n| view! { <p class="notice offline" role="status">{n}</p> })}
        {(!has_data).then(|| view! {
            <EmptyState heading="No prices yet">
                <p>
                    "This database holds no observations. To see the app with generated data on a machine without network, start it with "
                    <code>"quarry serve --demo"</code> " (or " <code>"QUARRY_DEMO=1"</code>
                    "). With network access, the background jobs fetch real prices from LBMA, FRED, the World Bank and USGS."
                </p>
            </EmptyState>
        })}
        <nav class="chips" aria-label="Filter by group">
            <a href=move || { let s = state.get(); s.href(None, s.sort, s.descending) }
               aria-current=move || state.get().group.is_none().then_some("true")>"All"</a>
            {chip_groups
                .into_iter()
                .map(|g| {
                    let slug = g.slug.clone();
                    let slug2 = g.slug.clone();
                    view! {
                        <a
                            href=move || { let s = state.get(); s.href(Some(&slug), s.sort, s.descending) }
                            aria-current=move || (state.get().group.as_deref() == Some(slug2.as_str())).then_some("true")
                        >
                            {g.name.clone()}
                        </a>
                    }
                })
                .collect_view()}
        </nav>
        {groups
            .into_iter()
            .map(|g| {
                let slug = g.slug.clone();
                let visible = move || state.get().group.as_ref().is_none_or(|s| *s == slug);
                let slug = g.slug.clone();
                let rows = move || {
                    let s = state.get();
                    let mut list: Vec<OverviewEntry> =
                        instruments.with_value(|all| all.iter().filter(|e| e.group == slug).cloned().collect());
                    if let Some(key) = s.sort {
                        key.sort(&mut list, s.descending);
                    }
                    list
                };
                view! {
                    <section class="group" data-group=g.slug.clone() hidden=move || !visible()>
                        <h2><a href=format!("/commodities/{}", g.slug) class="group-link">{g.name.clone()}</a></h2>
                        <div class="table-wrap">
                            <table class="data overview">
                                <thead>
                                    <tr>
                                        <SortHeader label="Instrument" key=SortKey::Name state/>
                                        <SortHeader label="Last" key=SortKey::Last state numeric=true/>
                                        <SortHeader label="As of" key=SortKey::AsOf state/>
                                        <SortHeader label="1D" key=SortKey::Change1d state numeric=true/>
                                        <SortHeader label="1M" key=SortKey::Change1m state numeric=true/>
                                        <SortHeader label="1Y" key=SortKey::Change1y state numeric=true/>
                                        <th scope="col" class="spark-col">"Trend"</th>
                                        <th scope="col">"Source"</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    <For each=rows key=|e| e.slug.clone() let:entry>
                                        <OverviewRow entry/>
                                    </For>
                                </tbody>
                            </table>
                        </div>
                    </section>
                }
            })
            .collect_view()}
        <p class="note">
            "Changes compare the last value with the last one on or before the same date a day, a month and a year earlier, the same figures as on the signals and instrument pages; a dash means the series' frequency has no such change (a monthly series has no 1-day change) or the history lacks the point."
        </p>
        <super::ChangeRule/>
    }
}

#[component]
fn SortHeader(
    label: &'static str,
    key: SortKey,
    state: Memo<ViewState>,
    #[prop(optional)] numeric: bool,
) -> impl IntoView {
    let active = move || state.get().sort == Some(key);
    let href = move || {
        let s = state.get();
        // Clicking the active column flips it; a new column starts with the biggest first,
        // except names, which read best A to Z.
        let descending = if s.sort == Some(key) { !s.descending } else { key != SortKey::Name };
        s.href(s.group.as_deref(), Some(key), descending)
    };
    let aria_sort = move || {
        let s = state.get();
        if s.sort == Some(key) {
            if s.descending {
                "descending"
            } else {
                "ascending"
            }
        } else {
            "none"
        }
    };
    let arrow = move || match (active(), state.get().descending) {
        (true, true) => " ↓",
        (true, false) => " ↑",
        _ => "",
    };
    view! {
        <th scope="col" class:num=numeric aria-sort=aria_sort>
            <a href=href class="sort" data-sort=key.as_str()>{label}{arrow}</a>
        </th>
    }
}

#[component]
pub(super) fn OverviewRow(entry: OverviewEntry) -> impl IntoView {
    let demo = entry.is_demo();
    let freq = entry.frequency.as_str();
    let change_cell = |c: Option<f64>, col: &'static str| {
        let class = match c {
            Some(v) if v > 0.0 => "num up",
            Some(v) if v < 0.0 => "num down",
            _ => "num",
        };
        view! { <td class=class data-col=col>{format_change(c)}</td> }
    };
    let spark_label = format!(
        "{} over the last {}",
        entry.name,
        if entry.frequency == Frequency::Annual { "ten years" } else { "year" }
    );
    let points = polyline_points(&entry.sparkline, 100.0, 24.0);
    // Why a figure is stale gets a full-width line under its row: readable on a phone too.
    let stale_note = entry.stale_reason.clone().map(|reason| {
        view! {
            <tr class="stale-note" data-stale-for=entry.slug.clone()>
                <td colspan="8"><small class="stale-reason">"Stale: "<ErrorText full=reason/></small></td>
            </tr>
        }
    });
    view! {
        <tr data-slug=entry.slug.clone() class:stale=entry.stale>
            <th scope="row">
                <a href=format!("/commodities/{}", entry.slug) class="instrument">{entry.name.clone()}</a>
                {entry.is_proxy.then(|| view! { <span class="tag" title="The price of a related product stands in for this material">"proxy"</span> })}
            </th>
            <td class="num last">
                {entry.last_value.map(format_value).unwrap_or_else(|| "—".into())}
                <small class="unit">{entry.unit.clone()}</small>
            </td>
            <td class="asof">
                {entry.as_of.map(|d| format_period(d, entry.frequency)).unwrap_or_else(|| "no data".into())}
                <small class="freq">{freq}</small>
                {match entry.freshness {
                    Freshness::Stale => view! { <span class="tag warn" data-freshness="stale" title=entry.stale_reason.as_deref().map(short_error)>"STALE"</span> }.into_any(),
                    Freshness::Demo => view! { <span class="tag demo" data-freshness="demo" title="generated demo data, current as of the demo's own date">"DEMO"</span> }.into_any(),
                    _ => ().into_any(),
                }}
            </td>
            {change_cell(entry.change_1d, "change_1d")}
            {change_cell(entry.change_1m, "change_1m")}
            {change_cell(entry.change_1y, "change_1y")}
            <td class="spark-col">
                {(!points.is_empty()).then(|| view! {
                    <svg class="spark" viewBox="0 0 100 24" width="100" height="24" role="img" aria-label=spark_label.clone()>
                        <title>{spark_label.clone()}</title>
                        <polyline points=points fill="none" stroke="currentColor" stroke-width="1.5"/>
                    </svg>
                })}
            </td>
            <td>
                {match entry.source_label.clone() {
                    Some(label) => view! {
                        <span class="badge" class:demo=demo title=entry.source.clone().unwrap_or_default()>{label}</span>
                    }
                        .into_any(),
                    None => view! { <span class="muted">"—"</span> }.into_any(),
                }}
            </td>
        </tr>
        {stale_note}
    }
}
