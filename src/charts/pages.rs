//! The Charts section: the daily macro chart pack (latest and past ones).
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::api::{get_chart_view, list_packs, list_series};
use super::model::{ChartView, PackList, SeriesOption};
use crate::components::{Col, DataTable, DemoBadge, EmptyState, ErrorBox, Loading};
use crate::format::{fmt_date, fmt_time};

/// The view the URL asks for: `series=a,b` or the form's `s1`..`s4`, the overlays as
/// `overlays=` or the form's checkboxes, and the flags.
#[derive(Clone, Debug, PartialEq, Default)]
struct Wanted {
    series: Vec<String>,
    range: String,
    overlays: Vec<String>,
    ratio: bool,
    log: bool,
    rebase: bool,
}

fn wanted(q: &leptos_router::params::ParamsMap) -> Wanted {
    let mut series: Vec<String> =
        q.get("series").map(|s| s.split(',').map(str::to_string).collect()).unwrap_or_default();
    for k in ["s1", "s2", "s3", "s4"] {
        series.extend(q.get(k));
    }
    series.retain(|s| !s.trim().is_empty());
    let mut overlays: Vec<String> =
        q.get("overlays").map(|s| s.split(',').map(str::to_string).collect()).unwrap_or_default();
    for k in ["sma50", "sma200", "band"] {
        if q.get(k).is_some() {
            overlays.push(k.to_string());
        }
    }
    overlays.retain(|s| !s.trim().is_empty());
    let on = |k: &str| q.get(k).is_some_and(|v| !v.is_empty() && v != "0");
    Wanted {
        series,
        range: q.get("range").unwrap_or_default(),
        overlays,
        ratio: on("ratio"),
        log: on("log"),
        rebase: on("rebase"),
    }
}

const PRESETS: [(&str, &str); 6] = [
    ("Gold vs the 10-year real yield", "series=gold,dfii10&range=10y"),
    ("Gold and silver, rebased", "series=gold,silver&range=5y&rebase=1"),
    ("Copper/gold ratio", "series=copper,gold&ratio=1&range=10y"),
    ("WTI with its averages and band", "series=wti&overlays=sma50,sma200,band&range=1y"),
    ("S&P 500, log scale", "series=sp500&range=max&log=1"),
    ("Net liquidity inputs", "series=walcl,wtregen&range=5y"),
];

#[component]
pub fn ChartsPage() -> impl IntoView {
    let options = Resource::new(|| (), |_| list_series());
    let query = use_query_map();
    let want = Memo::new(move |_| wanted(&query.read()));
    let chart = Resource::new(
        move || want.get(),
        |w| async move {
            if w.series.is_empty() {
                return None;
            }
            let opt = |v: Vec<String>| (!v.is_empty()).then(|| v.join(","));
            Some(
                get_chart_view(
                    opt(w.series),
                    (!w.range.is_empty()).then_some(w.range),
                    opt(w.overlays),
                    w.ratio.then(|| "1".to_string()),
                    w.log.then(|| "1".to_string()),
                    w.rebase.then(|| "1".to_string()),
                )
                .await,
            )
        },
    );
    view! {
        <Title text="Charts"/>
        <h1>"Charts"</h1>
        <p class="lede">
            "Chart any commodity or macro series, up to four at once, with moving averages, as a ratio or on a log scale; the view is in the URL and downloads as PNG, SVG, PDF or CSV. Below: the daily macro chart pack."
        </p>
        <Suspense fallback=|| view! { <Loading text="Loading series…"/> }>
            {move || Suspend::new(async move {
                let opts = options.await.unwrap_or_default();
                let w = want.get_untracked();
                view! { <ViewForm opts w/> }
            })}
        </Suspense>
        <Suspense fallback=|| view! { <Loading text="Drawing…"/> }>
            {move || Suspend::new(async move {
                match chart.await {
                    None => view! {
                        <p class="empty-state" role="status">"Choose a series above, or start from a preset."</p>
                    }.into_any(),
                    Some(Ok(v)) => view! { <ViewChart v/> }.into_any(),
                    Some(Err(e)) => view! { <ErrorBox e/> }.into_any(),
                }
            })}
        </Suspense>
        <h2 id="pack">"The macro chart pack"</h2>
        <p class="note">
            "Ten pages read liquidity first (the Fed's balance sheet, real rates and the dollar before prices), each with a one-line reading, its sources and the date of its data. A new pack is made every day. "
            <a href="/charts/pack">"The pack's page"</a> " also says how to make one now."
        </p>
        <PackListing/>
    }
}

/// `/charts/pack`: the macro chart pack on a page of its own, with how to make one now.
#[component]
pub fn PackPage(
    /// How to make today's pack now (the jobs' run-now form; the app passes it in, so
    /// charts need not know the jobs).
    children: Children,
) -> impl IntoView {
    view! {
        <Title text="Chart pack"/>
        <h1>"The macro chart pack"</h1>
        <p class="lede">
            "A PDF of eleven A4 pages read liquidity first (the Fed's balance sheet, real rates and the dollar before prices), each with a one-line reading, its sources and the date of its data. The chart_pack job makes one every day; in demo mode one is made from the demo data at start-up, and every page of it says DEMO."
        </p>
        <PackListing/>
        {children()}
    }
}

/// The latest pack and the past ones, as both chart pages show them.
#[component]
fn PackListing() -> impl IntoView {
    let packs = Resource::new(|| (), |_| list_packs());
    view! {
        <Suspense fallback=|| view! { <Loading text="Loading packs…"/> }>
            {move || Suspend::new(async move {
                match packs.await {
                    Ok(list) => view! { <Packs list/> }.into_any(),
                    Err(e) => view! { <ErrorBox e what="chart packs"/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Packs(list: PackList) -> impl IntoView {
    if list.packs.is_empty() {
        return view! {
            <EmptyState heading="No chart pack yet">
                <p>
                    "The chart_pack job renders one every day; to make one now, run "
                    <code>"quarry pack --out pack.pdf"</code>
                    " or use Generate now on the " <a href="/charts/pack">"pack page"</a> "."
                </p>
            </EmptyState>
        }
        .into_any();
    }
    let latest = list.packs[0].clone();
    view! {
        <section class="latest-pack">
            <h2>"Latest pack: " {latest.date.to_string()}</h2>
            <p>
                <a class="button" href=list.latest_url.clone().unwrap_or_default() rel="external">"Open the latest pack (PDF)"</a>
                " " {latest.pages} " pages, " {format!("{:.0} KB", latest.bytes as f64 / 1024.0)}
                {latest.data_as_of.map(|d| format!(", data as of {d}"))}
                {latest.demo.then(|| view! { " " <DemoBadge/> })}
            </p>
            {(!latest.missing_pages.is_empty()).then(|| view! {
                <p class="note">"Pages without data yet: " {latest.missing_pages.iter().map(|p| p.to_string()).collect::<Vec<_>>().join(", ")} "."</p>
            })}
        </section>
        <h2>"Past packs"</h2>
        <DataTable class="packs" cols=vec![
            Col::text("Day"), Col::text("Made"), Col::num("Pages"), Col::num("Size"), Col::text("Data as of"), Col::text("Notes"),
        ]>
                    {list.packs.into_iter().map(|p| view! {
                        <tr data-date=p.date.to_string()>
                            <th scope="row"><a href=p.url.clone() rel="external">{p.date.to_string()}</a></th>
                            <td>{fmt_time(p.created_at)}</td>
                            <td class="num">{p.pages}</td>
                            <td class="num">{format!("{:.0} KB", p.bytes as f64 / 1024.0)}</td>
                            <td>{fmt_date(p.data_as_of)}</td>
                            <td>
                                {p.demo.then(|| view! { <DemoBadge/> " " })}
                                {(!p.missing_pages.is_empty()).then(|| format!("{} pages without data", p.missing_pages.len()))}
                            </td>
                        </tr>
                    }).collect_view()}
        </DataTable>
    }
    .into_any()
}

#[component]
fn ViewForm(opts: Vec<SeriesOption>, w: Wanted) -> impl IntoView {
    let select = |n: usize| {
        let name = format!("s{}", n + 1);
        let current = w.series.get(n).cloned().unwrap_or_default();
        let label = format!("Series {}", n + 1);
        view! {
            <label>
                <span>{label}</span>
                <select name=name>
                    <option value="" selected=current.is_empty()>"—"</option>
                    {["commodity", "macro"].into_iter().map(|kind| view! {
                        <optgroup label=if kind == "macro" { "Macro (FRED)" } else { "Commodities" }>
                            {opts.iter().filter(|o| o.kind == kind).map(|o| view! {
                                <option value=o.slug.clone() selected=o.slug == current>{format!("{} ({})", o.name, o.frequency.as_str())}</option>
                            }).collect_view()}
                        </optgroup>
                    }).collect_view()}
                </select>
            </label>
        }
    };
    let range = if w.range.is_empty() { "5y".to_string() } else { w.range.to_ascii_lowercase() };
    let has = |k: &str| w.overlays.iter().any(|o| o == k);
    view! {
        <form method="get" action="/charts" class="chart-form" aria-label="Chart view">
            <div class="series-pick">{(0..4).map(select).collect_view()}</div>
            <fieldset>
                <legend>"Range"</legend>
                {crate::commodities::range::Range::ALL.into_iter().map(|r| view! {
                    <label class="inline"><input type="radio" name="range" value=r.as_str() checked=range == r.as_str()/>{r.label()}</label>
                }).collect_view()}
            </fieldset>
            <fieldset>
                <legend>"Options"</legend>
                <label class="inline"><input type="checkbox" name="sma50" value="1" checked=has("sma50")/>"SMA 50"</label>
                <label class="inline"><input type="checkbox" name="sma200" value="1" checked=has("sma200")/>"SMA 200"</label>
                <label class="inline"><input type="checkbox" name="band" value="1" checked=has("band")/>"Volatility band"</label>
                <label class="inline"><input type="checkbox" name="ratio" value="1" checked=w.ratio/>"Ratio (first ÷ second)"</label>
                <label class="inline"><input type="checkbox" name="log" value="1" checked=w.log/>"Log scale"</label>
                <label class="inline"><input type="checkbox" name="rebase" value="1" checked=w.rebase/>"Rebase to 100"</label>
            </fieldset>
            <button type="submit">"Draw"</button>
        </form>
        <p class="presets">"Presets: "
            {PRESETS.into_iter().map(|(label, q)| view! { <a href=format!("/charts?{q}")>{label}</a> " " }).collect_view()}
        </p>
    }
}

#[component]
fn ViewChart(v: ChartView) -> impl IntoView {
    view! {
        <section class="chart-view" data-query=v.query.clone()>
            <h2>{v.title.clone()} {v.demo.then(|| view! { " " <DemoBadge/> })}</h2>
            {match v.svg.clone() {
                Some(svg) => view! { <figure class="chart view"><div inner_html=svg></div><figcaption>{v.desc.clone()}</figcaption></figure> }.into_any(),
                None => ().into_any(),
            }}
            {(!v.notes.is_empty()).then(|| view! {
                <ul class="note">{v.notes.iter().map(|n| view! { <li>{n.clone()}</li> }).collect_view()}</ul>
            })}
            <p class="downloads">
                "Sources: " {v.sources.join(", ")} ". Download: "
                <a href=v.png_url.clone() rel="external" download="">"PNG"</a>
                <a href=v.svg_url.clone() rel="external" download="">"SVG"</a>
                <a href=v.pdf_url.clone() rel="external" download="">"PDF"</a>
                <a href=v.csv_url.clone() rel="external" download="">"CSV"</a>
                <a href=format!("/charts?{}", v.query)>"Link to this view"</a>
            </p>
        </section>
    }
}
