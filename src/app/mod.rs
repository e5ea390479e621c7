//! The application shell: document, router, layout and the routes of every domain.
pub mod api;
pub mod docs;
mod layout;
#[cfg(feature = "ssr")]
pub mod policy;

pub use api::{get_status, SiteStatus};

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

use crate::charts::pages::PackPage;
use crate::commodities::pages::{ComparePage, GroupPage, InstrumentPage, OverviewPage, SignalsPage, TrendingPage};
use crate::jobs::pages::MakePackNow;
use crate::venture::pages as venture;
use layout::{Layout, NotFound};

/// The HTML document the server renders around the app.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    // `pkg/<version>`: the build's files under a name that never changes (assets.rs).
    let pkg = options.site_pkg_dir.clone();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <AutoReload options=options.clone()/>
                <link rel="stylesheet" href=format!("/{pkg}/quarry.css")/>
                <HydrationScripts options islands=true/>
                // Links and forms update the page in place (app/navigate.js); without
                // JavaScript they are ordinary page loads.
                <script type="module" src=format!("/{pkg}/navigate.js")></script>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// "Page · Quarry". leptos_meta writes the title into the server's HTML as is, so there it
/// is escaped (a company name from a filing can hold `</title><script>`); in the browser it
/// becomes `document.title`, which is plain text and must not be escaped.
pub fn page_title(text: &str) -> String {
    let full = if text.is_empty() { "Quarry".to_string() } else { format!("{text} · Quarry") };
    #[cfg(feature = "ssr")]
    let full = crate::format::escape(&full).into_owned();
    full
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    #[cfg(feature = "ssr")]
    policy::set_page_policy();
    // Async rendering puts every page's data in the HTML itself, so pages read the same
    // with JavaScript off; hydration then takes over without refetching.
    let ssr = SsrMode::Async;
    view! {
        <Title formatter=|t: String| page_title(&t)/>
        <Router>
            <Layout>
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=OverviewPage ssr=ssr.clone()/>
                    <Route path=path!("/commodities") view=OverviewPage ssr=ssr.clone()/>
                    <Route path=path!("/commodities/signals") view=SignalsPage ssr=ssr.clone()/>
                    <Route path=path!("/commodities/trending") view=TrendingPage ssr=ssr.clone()/>
                    <Route path=path!("/commodities/compare") view=ComparePage ssr=ssr.clone()/>
                    <Route path=path!("/commodities/metals") view=|| view! { <GroupPage group="metals"/> } ssr=ssr.clone()/>
                    <Route path=path!("/commodities/energy") view=|| view! { <GroupPage group="energy"/> } ssr=ssr.clone()/>
                    <Route path=path!("/commodities/ai-materials") view=|| view! { <GroupPage group="ai-materials"/> } ssr=ssr.clone()/>
                    <Route path=path!("/commodities/space-tech") view=|| view! { <GroupPage group="space-tech"/> } ssr=ssr.clone()/>
                    <Route path=path!("/commodities/:slug") view=InstrumentPage ssr=ssr.clone()/>
                    <Route path=path!("/venture") view=venture::LandscapePage ssr=ssr.clone()/>
                    <Route path=path!("/venture/funding") view=venture::FundingPage ssr=ssr.clone()/>
                    <Route path=path!("/venture/companies") view=venture::CompaniesPage ssr=ssr.clone()/>
                    <Route path=path!("/venture/companies/:id") view=venture::CompanyPage ssr=ssr.clone()/>
                    <Route path=path!("/venture/investors") view=venture::InvestorsPage ssr=ssr.clone()/>
                    <Route path=path!("/venture/investors/:id") view=venture::InvestorPage ssr=ssr.clone()/>
                    <Route path=path!("/venture/funds") view=venture::FundsPage ssr=ssr.clone()/>
                    <Route path=path!("/venture/funds/:id") view=venture::FundPage ssr=ssr.clone()/>
                    <Route path=path!("/venture/acquisitions") view=venture::AcquisitionsPage ssr=ssr.clone()/>
                    <Route path=path!("/venture/ipo") view=venture::IpoPage ssr=ssr.clone()/>
                    <Route path=path!("/venture/import") view=venture::ImportPage ssr=ssr.clone()/>
                    <Route path=path!("/charts") view=crate::charts::pages::ChartsPage ssr=ssr.clone()/>
                    <Route path=path!("/charts/pack") view=|| view! { <PackPage><MakePackNow/></PackPage> } ssr=ssr.clone()/>
                    <Route path=path!("/jobs") view=crate::jobs::pages::JobsPage ssr=ssr.clone()/>
                    <Route path=path!("/api") view=docs::ApiPage ssr=ssr.clone()/>
                    <Route path=path!("/login") view=crate::auth::pages::LoginPage ssr=ssr.clone()/>
                </Routes>
            </Layout>
        </Router>
    }
}
