//! The frame around every page: header, navigation, the demo banner and the footer.
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_location;

use super::api::get_status;

const NAV: [(&str, &str); 5] =
    [("/", "Commodities"), ("/venture", "Venture"), ("/charts", "Charts"), ("/jobs", "Jobs"), ("/api", "API")];

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let status = Resource::new(|| (), |_| get_status());
    let pathname = use_location().pathname;
    let current = move |href: &str| {
        let path = pathname.get();
        if href == "/" {
            path == "/" || path.starts_with("/commodities")
        } else {
            path.starts_with(href)
        }
    };
    let on_commodities = move || {
        let path = pathname.get();
        path == "/" || path.starts_with("/commodities")
    };
    view! {
        <HydrationMark/>
        <header class="site-header">
            <a class="brand" href="/">"Quarry"</a>
            <nav aria-label="Main">
                <ul>
                    {NAV
                        .into_iter()
                        .map(|(href, label)| {
                            view! {
                                <li>
                                    <a href=href aria-current=move || current(href).then_some("page")>{label}</a>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </nav>
        </header>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match status.await {
                    Ok(s) if s.demo => view! {
                        <div class="demo-banner" role="status">
                            <strong>"DEMO"</strong>
                            " Figures marked DEMO are generated, not market data. Real data replaces them as sources are fetched."
                        </div>
                    }
                        .into_any(),
                    _ => ().into_any(),
                }
            })}
        </Suspense>
        <main id="main">
            {move || on_commodities().then(|| view! { <CommodityNav/> })}
            {children()}
        </main>
        <footer class="site-footer">
            <p>
                "Every figure carries its source and as-of date. FRED data: not endorsed by the Federal Reserve Bank of St. Louis."
            </p>
        </footer>
    }
}

/// Marks the page as hydrated once the islands' code runs, for people debugging and for
/// the browser tests that wait for it.
#[island]
fn HydrationMark() -> impl IntoView {
    Effect::new(|_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
}

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
        resp.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Not found"/>
        <h1>"Not found"</h1>
        <p>"There is no page at this address. " <a href="/">"Back to the commodities overview"</a></p>
    }
}

/// The commodity section's own navigation: the overview, one page per group, and the
/// cross-instrument views.
const COMMODITY_NAV: [(&str, &str); 8] = [
    ("/commodities", "Overview"),
    ("/commodities/metals", "Metals"),
    ("/commodities/energy", "Energy"),
    ("/commodities/ai-materials", "AI materials"),
    ("/commodities/space-tech", "Space tech"),
    ("/commodities/signals", "Signals"),
    ("/commodities/trending", "Trending"),
    ("/commodities/compare", "Compare"),
];

#[component]
fn CommodityNav() -> impl IntoView {
    let location = use_location();
    let current = move |href: &str| {
        let path = location.pathname.get();
        if href == "/commodities" {
            path == "/" || path == "/commodities"
        } else {
            path == href
        }
    };
    view! {
        <nav class="subnav" aria-label="Commodities">
            {COMMODITY_NAV
                .into_iter()
                .map(|(href, label)| view! { <a href=href aria-current=move || current(href).then_some("page")>{label}</a> })
                .collect_view()}
        </nav>
    }
}
