//! One group's page (metals, energy, AI materials, space tech): its instruments with their
//! latest figures, and the group's signals at a glance, with links to go further.
use leptos::prelude::*;
use leptos_meta::Title;

use super::overview::OverviewRow;
use crate::commodities::api::{get_overview, get_signals};
use crate::commodities::model::{Overview, SignalsTable};
use crate::components::{Col, DataTable, EmptyState, ErrorBox, Loading, TableHead};
use crate::format::{format_change, format_value};

#[component]
pub fn GroupPage(group: &'static str) -> impl IntoView {
    let overview = Resource::new(|| (), move |_| get_overview(Some(group.to_string())));
    let signals = Resource::new(|| (), move |_| get_signals(Some(group.to_string()), None, None, None));
    view! {
        <Suspense fallback=|| view! { <Loading text="Loading the group…"/> }>
            {move || Suspend::new(async move {
                match (overview.await, signals.await) {
                    (Ok(ov), Ok(sig)) => view! { <Body group ov sig/> }.into_any(),
                    (Err(e), _) | (_, Err(e)) => view! { <ErrorBox e what="group"/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Body(group: &'static str, ov: Overview, sig: SignalsTable) -> impl IntoView {
    let name = ov.groups.first().map(|g| g.name.clone()).unwrap_or_else(|| group.to_string());
    let has_data = ov.instruments.iter().any(|e| e.last_value.is_some());
    let compare: Vec<String> = ov.instruments.iter().take(6).map(|e| e.slug.clone()).collect();
    let compare_href = format!("/commodities/compare?instruments={}", compare.join(","));
    view! {
        <Title text=name.clone()/>
        <h1>{name.clone()}</h1>
        <p class="lede">
            "Latest prices of the " {name.to_lowercase()} " instruments with source, as-of date and frequency, and their signals. Select an instrument for its charts and full statistics."
        </p>
        {(!has_data).then(|| view! {
            <EmptyState>
                <p>"No prices yet for this group: the price jobs fill it, or start with " <code>"quarry serve --demo"</code> "."</p>
            </EmptyState>
        })}
        {ov.notice.clone().map(|n| view! { <p class="note">{n}</p> })}
        <div class="table-wrap">
            <table class="data overview" data-group=group>
                <TableHead cols=vec![
                    Col::text("Instrument"), Col::num("Last"), Col::text("As of"), Col::num("1D"), Col::num("1M"), Col::num("1Y"),
                    Col::class("Trend", "spark-col"), Col::text("Source"),
                ]/>
                <tbody>
                    {ov.instruments.into_iter().map(|entry| view! { <OverviewRow entry/> }).collect_view()}
                </tbody>
            </table>
        </div>
        <h2>"Signals"</h2>
        {if sig.rows.is_empty() {
            view! { <super::NoSignals/> }.into_any()
        } else {
            view! {
                <DataTable class="group-signals" cols=vec![
                    Col::text("Instrument"), Col::text("Stance"), Col::num("RSI 14"), Col::num("Change 3M"),
                    Col::num("From 52W high"), Col::num("Z-score 1Y"),
                ]>
                            {sig.rows.into_iter().map(|r| {
                                let v = |k: &str| -> Option<f64> { r.values.get(k).copied().flatten() };
                                let na = |k: &str| r.not_applicable.iter().any(|n| n == k);
                                let cell = |k: &str, text: String| if na(k) { "n/a".to_string() } else { text };
                                let rsi = cell("rsi14", v("rsi14").map(|x| format!("{x:.1}")).unwrap_or_else(|| "—".into()));
                                let roc = cell("roc_3m", format_change(v("roc_3m")));
                                let high = cell("pct_from_high", format_change(v("pct_from_high")));
                                let z = cell("zscore_1y", v("zscore_1y").map(|x| format!("{x:.2}")).unwrap_or_else(|| "—".into()));
                                view! {
                                    <tr data-slug=r.slug.clone()>
                                        <th scope="row"><a href=format!("/commodities/{}", r.slug)>{r.name.clone()}</a>
                                            <small class="unit">{format_value(r.close)} " " {r.unit.clone()}</small></th>
                                        <td><span class=format!("stance {}", r.stance.as_str())>{r.stance.as_str()}</span></td>
                                        <td class="num">{rsi}</td>
                                        <td class="num">{roc}</td>
                                        <td class="num">{high}</td>
                                        <td class="num">{z}</td>
                                    </tr>
                                }
                            }).collect_view()}
                </DataTable>
            }.into_any()
        }}
        <super::ChangeRule/>
        <p class="downloads">
            <a href=format!("/commodities/signals?group={group}")>"All signals of this group"</a>
            <a href=compare_href>"Compare these instruments"</a>
            <a href=format!("/api/commodities/{group}") rel="external">"JSON"</a>
            <a href=format!("/api/commodities/signals.csv?group={group}") rel="external" download="">"Signals CSV"</a>
        </p>
    }
}
