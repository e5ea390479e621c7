//! What moved: the biggest gainers and losers over a day, a week, a month and a year, the
//! largest z-scores, and new 52-week highs and lows. The list length is in the URL
//! (`?limit=N`), chosen with plain links.
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::commodities::api::get_trending;
use crate::commodities::model::{Mover, Trending};
use crate::components::{Col, DemoBadge, DemoNotice, ErrorBox, Loaded, TableHead};
use crate::error::AppError;
use crate::format::{format_change, format_period, format_value};
use crate::universe::DEMO_SOURCE;

use super::sign_class;

const PATH: &str = "/commodities/trending";
const LIMITS: [usize; 3] = [5, 10, 20];
const PERIODS: [(&str, &str); 4] = [("1d", "1 day"), ("1w", "1 week"), ("1m", "1 month"), ("1y", "1 year")];

#[component]
pub fn TrendingPage() -> impl IntoView {
    let query = use_query_map();
    let limit = Memo::new(move |_| query.read().get("limit").filter(|l| !l.is_empty()));
    let trending = Resource::new(move || limit.get(), get_trending);
    view! {
        <Title text="Trending commodities"/>
        <h1>"Trending"</h1>
        <p class="lede">
            "The biggest moves across every instrument: gainers and losers over a day, a week, a month and a year, the prices furthest from their one-year average, and new 52-week highs and lows."
        </p>
        <Loaded data=trending loading="Loading movers…" body=|answer| view! { <TrendingBody answer/> }/>
    }
}

#[component]
fn LimitChips(current: Option<usize>) -> impl IntoView {
    view! {
        <nav class="chips" aria-label="Items per list">
            <span class="chips-label">"Show"</span>
            {LIMITS
                .into_iter()
                .map(|n| {
                    view! {
                        <a href=format!("{PATH}?limit={n}") aria-current=(current == Some(n)).then_some("true")>
                            {format!("Top {n}")}
                        </a>
                    }
                })
                .collect_view()}
        </nav>
    }
}

#[component]
fn TrendingBody(answer: Result<Trending, AppError>) -> impl IntoView {
    let t = match answer {
        Ok(t) => t,
        Err(e) => {
            return view! {
                <LimitChips current=None/>
                <ErrorBox e what="movers"/>
            }
            .into_any();
        }
    };
    let Trending { demo, notice, limit, mut gainers, mut losers, largest_zscore, new_highs, new_lows, .. } = t;
    let periods = PERIODS
        .into_iter()
        .map(|(key, label)| {
            let up = gainers.remove(key).unwrap_or_default();
            let down = losers.remove(key).unwrap_or_default();
            view! {
                <section class="movers-period" data-period=key>
                    <h2>{label}</h2>
                    <div class="movers-grid">
                        <MoverTable title="Gainers" list=format!("gainers-{key}") movers=up kind=Kind::Change/>
                        <MoverTable title="Losers" list=format!("losers-{key}") movers=down kind=Kind::Change/>
                    </div>
                </section>
            }
        })
        .collect_view();
    view! {
        <LimitChips current=Some(limit)/>
        {demo.then(|| view! {
            <DemoNotice text=notice.unwrap_or_else(|| "Some figures are generated demo data.".into())/>
        })}
        <p class="note movers-note">
            "Series are ranked by their change over 1 day, 1 week, 1 month and 1 year, the same figures as on the overview and signals pages. Monthly series take part in the 1M and 1Y rankings only; annual series in the 1Y ranking only. A gainer gained and a loser lost: an unchanged price is in neither list."
        </p>
        <super::ChangeRule/>
        {periods}
        <section class="movers-period" data-period="extremes">
            <h2>"Furthest from normal"</h2>
            <div class="movers-grid">
                <MoverTable
                    title="Largest |z-score|"
                    list="zscore".to_string()
                    movers=largest_zscore
                    kind=Kind::ZScore
                    caption="Distance of the close from its one-year mean, in standard deviations."
                />
            </div>
        </section>
        <section class="movers-period" data-period="52w">
            <h2>"New 52-week highs and lows"</h2>
            <div class="movers-grid">
                <MoverTable title="New highs" list="new-highs".to_string() movers=new_highs kind=Kind::Close/>
                <MoverTable title="New lows" list="new-lows".to_string() movers=new_lows kind=Kind::Close/>
            </div>
        </section>
    }
    .into_any()
}

/// What a list's figure is.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    /// A percent change.
    Change,
    /// A z-score, signed.
    ZScore,
    /// The close itself.
    Close,
}

#[component]
fn MoverTable(
    title: &'static str,
    list: String,
    movers: Vec<Mover>,
    kind: Kind,
    #[prop(optional)] caption: Option<&'static str>,
) -> impl IntoView {
    let column = match kind {
        Kind::Change => "Change",
        Kind::ZScore => "Z 1Y",
        Kind::Close => "Close",
    };
    let rows = if movers.is_empty() {
        view! {
            <tr class="none">
                <td colspan="3" class="muted">"None today"</td>
            </tr>
        }
        .into_any()
    } else {
        movers
            .into_iter()
            .map(|m| {
                let demo = m.source.as_deref() == Some(DEMO_SOURCE);
                let (text, class) = match kind {
                    Kind::Change => (format_change(Some(m.value)), sign_class(m.value)),
                    Kind::ZScore => (format!("{:+.2}", m.value), sign_class(m.value)),
                    Kind::Close => (format_value(m.value), "num"),
                };
                view! {
                    <tr data-slug=m.slug.clone()>
                        <th scope="row">
                            <a href=format!("/commodities/{}", m.slug)>{m.name.clone()}</a>
                            {demo.then(|| view! { <DemoBadge/> })}
                        </th>
                        <td class=class data-col="value">{text}</td>
                        <td class="asof">
                            {format_period(m.date, m.frequency)}
                            <small class="freq">{m.frequency.as_str()}</small>
                        </td>
                    </tr>
                }
            })
            .collect_view()
            .into_any()
    };
    view! {
        <div class="movers">
            <h3>{title}</h3>
            {caption.map(|c| view! { <p class="note">{c}</p> })}
            <table class="data movers" data-list=list>
                <TableHead cols=vec![Col::text("Instrument"), Col::num(column), Col::text("As of")]/>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
