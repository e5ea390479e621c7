//! The part of a page that waits for its data.
use leptos::prelude::*;

use super::Loading;

/// The loading line until `data` is there, then `body` of it. A `Transition`: when the URL
/// changes, the page keeps what it shows until the next answer replaces it.
#[component]
pub fn Loaded<T, F, V>(data: Resource<T>, loading: &'static str, body: F) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    F: Fn(T) -> V + Clone + Send + Sync + 'static,
    V: IntoView + Send + 'static,
{
    view! {
        <Transition fallback=move || view! { <Loading text=loading/> }>
            {move || {
                let body = body.clone();
                Suspend::new(async move { body(data.await) })
            }}
        </Transition>
    }
}

/// A resource whose answer carries the state it was fetched for (`(state, answer)`), so a
/// page's headings and links always match the data shown, even while the next state loads.
pub fn answer_with<W, T, F, Fut>(wanted: Memo<W>, fetch: F) -> Resource<(W, T)>
where
    W: Clone + PartialEq + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    F: Fn(&W) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = T> + Send + 'static,
{
    Resource::new(
        move || wanted.get(),
        move |w| {
            let answer = fetch(&w);
            async move { (w, answer.await) }
        },
    )
}
