//! An error as a page shows it: a short reason in the text, the full message (a resolver's
//! or a TLS library's wording, a URL, every failed item) one click away in a <details>.
//! The job's record and the API keep the full message; only the page shortens it.
use leptos::prelude::*;

pub use crate::format::short_error;

/// The short reason, then the full error inside a closed <details> when it says more.
#[component]
pub fn ErrorText(full: String, #[prop(optional, into)] class: String) -> impl IntoView {
    let short = short_error(&full);
    let more = (short != full.trim()).then(|| {
        view! {
            <details class="error-details">
                <summary>"Full error"</summary>
                <pre>{full.clone()}</pre>
            </details>
        }
    });
    view! { <span class=format!("error-short {class}")>{short}</span>{more} }
}
