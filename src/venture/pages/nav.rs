//! The venture section's own navigation, shown at the top of every venture page.
use leptos::prelude::*;
use leptos_router::hooks::use_location;

const VENTURE_NAV: [(&str, &str); 8] = [
    ("/venture", "Landscape"),
    ("/venture/funding", "Funding rounds"),
    ("/venture/companies", "Companies"),
    ("/venture/investors", "Investors"),
    ("/venture/funds", "Funds"),
    ("/venture/acquisitions", "M&A"),
    ("/venture/ipo", "IPO pipeline"),
    ("/venture/import", "Import"),
];

#[component]
pub fn VentureNav() -> impl IntoView {
    let location = use_location();
    // A detail page (`/venture/companies/12`) belongs to its list's entry.
    let current = move |href: &str| {
        let path = location.pathname.get();
        if href == "/venture" {
            path == "/venture" || path == "/venture/"
        } else {
            path == href || path.starts_with(&format!("{href}/"))
        }
    };
    view! {
        <nav class="subnav" aria-label="Venture">
            {VENTURE_NAV
                .into_iter()
                .map(|(href, label)| view! { <a href=href aria-current=move || current(href).then_some("page")>{label}</a> })
                .collect_view()}
        </nav>
    }
}
