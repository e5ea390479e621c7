//! One instrument: the latest figure with its source and as-of date, charts for a range
//! chosen in the URL (`?range=5y`), every signal, the sources with their licences, and the
//! newest observations with CSV download.
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::commodities::api::get_instrument_page;
use crate::commodities::model::{ChartSvg, InstrumentPage as PageData, SignalSummary};
use crate::commodities::range::Range;
use crate::commodities::signals::Stance;
use crate::components::{Col, DataTable, DemoBadge, ErrorText, Loading, PageFailure, Section};
use crate::format::{format_change, format_period, format_value};
use crate::universe::Frequency;

#[component]
pub fn InstrumentPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let key = move || (params.read().get("slug").unwrap_or_default(), query.read().get("range"));
    let data = Resource::new(key, |(slug, range)| get_instrument_page(slug, range));
    view! {
        <Suspense fallback=|| view! { <Loading text="Loading the instrument…"/> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(page) => view! { <Body page/> }.into_any(),
                    Err(e) => view! { <PageFailure e what="instrument" back=("/commodities", "Back to the commodities overview")/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn change_class(c: Option<f64>) -> &'static str {
    match c {
        Some(v) if v > 0.0 => "up",
        Some(v) if v < 0.0 => "down",
        _ => "",
    }
}

#[component]
fn Body(page: PageData) -> impl IntoView {
    let d = page.detail.clone();
    let e = d.entry.clone();
    let demo = e.is_demo();
    let freq = e.frequency;
    let slug = e.slug.clone();
    let stance = d.signals.as_ref().map(|s| s.stance);
    let csv_from = page.from.map(|f| format!("&from={f}")).unwrap_or_default();
    let csv = format!("/api/commodities/{slug}/history.csv?interval=raw{csv_from}");
    let json = format!("/api/commodities/{slug}/history?interval=raw{csv_from}");
    let group_href = format!("/commodities/{}", e.group);
    view! {
        <Title text=e.name.clone()/>
        <p class="muted"><a href=group_href>{group_name(&e.group)}</a></p>
        <h1>
            {e.name.clone()}
            {e.is_proxy.then(|| view! { <span class="tag" title="The price of a related product stands in for this material">"proxy"</span> })}
            {demo.then(|| view! { <DemoBadge/> })}
        </h1>
        <div class="headline" data-slug=slug.clone()>
            <div>
                <span class="price">{e.last_value.map(format_value).unwrap_or_else(|| "—".into())}</span>
                " " <span class="muted">{e.unit.clone()}</span>
            </div>
            <dl>
                <div><dt>"As of"</dt><dd class="asof">{e.as_of.map(|a| format_period(a, freq)).unwrap_or_else(|| "no data".into())} " · " {freq.as_str()}</dd></div>
                <div><dt>"Source"</dt><dd class="source">{e.source_label.clone().unwrap_or_else(|| "—".into())}</dd></div>
                <div><dt>"1D"</dt><dd class=change_class(e.change_1d) data-col="change_1d">{format_change(e.change_1d)}</dd></div>
                <div><dt>"1M"</dt><dd class=change_class(e.change_1m) data-col="change_1m">{format_change(e.change_1m)}</dd></div>
                <div><dt>"1Y"</dt><dd class=change_class(e.change_1y) data-col="change_1y">{format_change(e.change_1y)}</dd></div>
                <div><dt>"Stance"</dt><dd>{match stance {
                    Some(s) => view! { <span class=format!("stance {}", s.as_str()) data-stance=s.as_str()>{s.as_str()}</span> }.into_any(),
                    None => view! { <span class="muted">"not computed"</span> }.into_any(),
                }}</dd></div>
            </dl>
        </div>
        {e.stale_reason.clone().map(|r| view! { <p class="stale-reason" role="status">"Stale: " <ErrorText full=r/></p> })}
        {d.notice.clone().map(|n| view! { <p class="note">{n}</p> })}

        <Section id="charts" heading="Price and indicators">
            <RangeSelector current=page.range frequency=freq/>
            {page.price_chart.clone().map(|c| view! { <Chart chart=c class="price"/> })}
            {page.rsi_chart.clone().map(|c| view! { <Chart chart=c class="rsi"/> })}
            {page.macd_chart.clone().map(|c| view! { <Chart chart=c class="macd"/> })}
            <ul class="note chart-notes">
                {page.from.zip(page.to).map(|(f, t)| view! {
                    <li data-span=format!("{f}/{t}")>{format!("{} points from {f} to {t}; {}.", page.points, page.method)}</li>
                })}
                {page.chart_notes.iter().map(|n| view! { <li>{n.clone()}</li> }).collect_view()}
            </ul>
        </Section>

        <div class="columns">
            <Section id="stats" heading="Signals">
                {match d.signals.clone() {
                    Some(s) => view! { <Stats s/> }.into_any(),
                    None => view! { <super::NoSignals/> }.into_any(),
                }}
                <details class="rule">
                    <summary>"How the stance is decided"</summary>
                    <p>{d.stance_rule.clone()}</p>
                </details>
                <super::ChangeRule/>
            </Section>
            <Section id="sources" heading="Sources">
                <DataTable class="sources" cols=vec![Col::text("Rank"), Col::text("Source"), Col::text("Code"), Col::text("Licence")]>
                            {d.sources.iter().map(|s| {
                                let used = e.source.as_deref() == Some(s.provider.as_str());
                                view! {
                                    <tr data-provider=s.provider.clone() class:used=used>
                                        <td>{if s.rank == 1 { "primary".to_string() } else { format!("fallback {}", s.rank - 1) }}</td>
                                        <th scope="row">{s.label.clone()}{used.then(|| view! { <span class="tag">"latest value"</span> })}</th>
                                        <td><code>{s.code.clone()}</code></td>
                                        <td>{s.licence.clone()}</td>
                                    </tr>
                                }
                            }).collect_view()}
                </DataTable>
                {demo.then(|| view! { <p class="note">"The values shown are generated demo data, not from these sources; real data replaces them as the sources are fetched."</p> })}
            </Section>
        </div>

        <Section id="recent" heading="Recent observations">
            <p class="downloads">
                <a href=csv.clone() rel="external" download="">"Download CSV (this range, every observation)"</a>
                <a href=json rel="external">"JSON"</a>
            </p>
            {if page.recent.is_empty() {
                view! { <p class="empty-state">"No observations yet."</p> }.into_any()
            } else {
                view! {
                    <DataTable class="recent" cols=vec![Col::text("Date"), Col::num("Value"), Col::text("Source")]>
                                {page.recent.iter().map(|p| {
                                    let demo = p.source == crate::universe::DEMO_SOURCE;
                                    view! {
                                        <tr>
                                            <td>{format_period(p.date, freq)}</td>
                                            <td class="num">{format_value(p.value)}</td>
                                            <td>{if demo {
                                                view! { <DemoBadge/> }.into_any()
                                            } else {
                                                view! { <span>{crate::universe::source_label(&p.source).to_string()}</span> }.into_any()
                                            }}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                    </DataTable>
                }.into_any()
            }}
        </Section>
    }
}

fn group_name(slug: &str) -> String {
    match slug {
        "metals" => "Metals".into(),
        "energy" => "Energy".into(),
        "ai-materials" => "AI materials".into(),
        "space-tech" => "Space tech".into(),
        other => other.into(),
    }
}

#[component]
fn RangeSelector(current: Range, frequency: Frequency) -> impl IntoView {
    view! {
        <nav class="ranges" aria-label="Range">
            {Range::ALL.into_iter().map(|r| {
                if r.fits(frequency) {
                    view! {
                        <a href=format!("?range={}", r.as_str()) data-range=r.as_str()
                           aria-current=(r == current).then_some("true")>{r.label()}</a>
                    }.into_any()
                } else {
                    view! {
                        <span aria-disabled="true" data-range=r.as_str()
                              title=format!("Too short for {} data", frequency.as_str())>{r.label()}</span>
                    }.into_any()
                }
            }).collect_view()}
        </nav>
    }
}

#[component]
fn Chart(chart: ChartSvg, class: &'static str) -> impl IntoView {
    view! {
        <figure class=format!("chart {class}")>
            <div inner_html=chart.svg></div>
        </figure>
    }
}

/// How an indicator reads on the page: its label and its value in the right unit.
const STATS: [(&str, &str, Unit); 19] = [
    ("sma20", "SMA 20", Unit::Price),
    ("sma50", "SMA 50", Unit::Price),
    ("sma200", "SMA 200", Unit::Price),
    ("ema12", "EMA 12", Unit::Price),
    ("ema26", "EMA 26", Unit::Price),
    ("macd", "MACD (12, 26)", Unit::Price),
    ("macd_signal", "MACD signal (9)", Unit::Price),
    ("macd_hist", "MACD histogram", Unit::Price),
    ("rsi14", "RSI 14", Unit::Index),
    ("roc_1w", "Change 1W", Unit::Percent),
    ("roc_1m", "Change 1M", Unit::Percent),
    ("roc_3m", "Change 3M", Unit::Percent),
    ("roc_1y", "Change 1Y", Unit::Percent),
    ("high_52w", "52-week high", Unit::Price),
    ("low_52w", "52-week low", Unit::Price),
    ("pct_from_high", "From 52-week high", Unit::Percent),
    ("pct_from_low", "From 52-week low", Unit::Percent),
    ("vol_20d", "Volatility 20D (annualised)", Unit::Fraction),
    ("zscore_1y", "Z-score vs 1Y mean", Unit::Index),
];

#[derive(Clone, Copy)]
enum Unit {
    Price,
    Percent,
    /// A fraction shown as a percentage (0.25 reads 25.0%).
    Fraction,
    Index,
}

fn stat_text(v: f64, unit: Unit) -> String {
    match unit {
        Unit::Price => format_value(v),
        Unit::Percent => format_change(Some(v)),
        Unit::Fraction => format!("{:.1}%", v * 100.0),
        Unit::Index => format!("{v:.2}"),
    }
}

#[component]
fn Stats(s: SignalSummary) -> impl IntoView {
    let freq = s.frequency;
    let cross = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_else(|| "none".into());
    let stance_class = match s.stance {
        Stance::Bullish => "stance bullish",
        Stance::Neutral => "stance neutral",
        Stance::Bearish => "stance bearish",
    };
    view! {
        <p class="muted">"As of " {format_period(s.date, freq)} ", close " {format_value(s.close)} "."</p>
        <div class="table-wrap">
            <table class="data stats">
                <tbody>
                    {STATS.iter().map(|(key, label, unit)| {
                        let na = s.not_applicable.iter().any(|n| n == key);
                        let value = s.values.get(*key).copied().flatten();
                        let (text, title) = if na {
                            ("n/a".to_string(), Some(format!("Not defined for {} data", freq.as_str())))
                        } else {
                            match value {
                                Some(v) => (stat_text(v, *unit), None),
                                None => ("—".to_string(), Some("Not enough history yet".to_string())),
                            }
                        };
                        view! {
                            <tr data-indicator=*key>
                                <th scope="row">{*label}</th>
                                <td class="num" title=title>{text}</td>
                            </tr>
                        }
                    }).collect_view()}
                    <tr data-indicator="golden_cross"><th scope="row">"Last golden cross"</th><td class="num">{if freq == Frequency::Daily { cross(s.last_golden_cross) } else { "n/a".into() }}</td></tr>
                    <tr data-indicator="death_cross"><th scope="row">"Last death cross"</th><td class="num">{if freq == Frequency::Daily { cross(s.last_death_cross) } else { "n/a".into() }}</td></tr>
                    <tr data-indicator="stance"><th scope="row">"Stance"</th><td class="num"><span class=stance_class>{s.stance.as_str()}</span></td></tr>
                </tbody>
            </table>
        </div>
    }
}
