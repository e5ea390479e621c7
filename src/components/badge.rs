//! Marks on rows and pages: what is generated demo data.
use leptos::prelude::*;

/// The DEMO mark on anything `--demo` generated rather than fetched.
#[component]
pub fn DemoBadge() -> impl IntoView {
    view! { <span class="badge demo" title="Generated demo data">"DEMO"</span> }
}

/// The note above a listing that holds demo rows: the badge, then what it means there.
#[component]
pub fn DemoNotice(#[prop(into)] text: String) -> impl IntoView {
    view! { <p class="note demo-notice"><DemoBadge/>{format!(" {text}")}</p> }
}
