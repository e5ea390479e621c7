//! Refreshing a page while something on it is still moving (a running job): an island, so
//! it is the only code of the page that runs in the browser.
use leptos::prelude::*;

/// Asks for the page again after `seconds`, in place (public/navigate.js answers the
/// `quarry:refresh` event by fetching the current URL and swapping the page in). The
/// server renders this only while there is something to follow, so the refreshing stops
/// by itself. Without JavaScript it does nothing: the page says how to reload.
#[island]
pub fn AutoRefresh(seconds: u32) -> impl IntoView {
    Effect::new(move |_| {
        set_timeout(
            || {
                if let Ok(ev) = leptos::web_sys::Event::new("quarry:refresh") {
                    let _ = document().dispatch_event(&ev);
                }
            },
            std::time::Duration::from_secs(u64::from(seconds)),
        );
    });
    view! { <span class="visually-hidden" role="status">"This page refreshes while jobs run."</span> }
}
