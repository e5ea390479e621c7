//! What a page shows instead of its data: still loading, nothing there, or an error (with
//! the HTTP status the error deserves: 404 for an unknown id, 400 for a bad parameter).
use leptos::prelude::*;
use leptos_meta::Title;

use crate::error::{set_page_status, AppError, ErrorKind};

/// The placeholder while a part of the page loads: "Loading companies…".
#[component]
pub fn Loading(#[prop(into)] text: String) -> impl IntoView {
    view! { <p class="loading" aria-busy="true">{text}</p> }
}

/// A page whose subject could not be had: title, heading, the API's message and the way back.
#[component]
pub fn PageFailure(e: AppError, #[prop(into)] what: String, back: (&'static str, &'static str)) -> impl IntoView {
    set_page_status(&e);
    let title = failure_title(&e.kind, &what);
    view! {
        <Title text=title.clone()/>
        <h1>{title}</h1>
        <div class="error" role="alert">
            <p>{e.message.clone()}</p>
        </div>
        <p><a href=back.0>{back.1}</a></p>
    }
}

/// The heading of a failed page for a thing called `what`.
pub fn failure_title(kind: &ErrorKind, what: &str) -> String {
    match kind {
        ErrorKind::NotFound => format!("Unknown {what}"),
        ErrorKind::BadRequest => format!("That {what} view cannot be shown"),
        _ => format!("The {what} could not be loaded"),
    }
}

/// An error under a page's own heading and filters: "The X could not be loaded: why", and
/// the link back to the unfiltered page when there is one.
#[component]
pub fn ErrorBox(
    e: AppError,
    /// What could not be loaded; without it the box holds the message alone.
    #[prop(optional, into)]
    what: Option<String>,
    /// The page without the filters.
    #[prop(optional, into)]
    reset: Option<String>,
    /// The reset link's words.
    #[prop(optional)]
    reset_label: Option<&'static str>,
    /// More after the message (a link that depends on the error).
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    set_page_status(&e);
    let label = reset_label.unwrap_or("Clear the filters");
    view! {
        <div class="error" role="alert">
            <p>{what.map(|w| format!("The {w} could not be loaded: "))} {e.message.clone()}</p>
            {reset.map(|href| view! { <p><a href=href>{label}</a></p> })}
            {children.map(|c| c())}
        </div>
    }
}

/// A one-line error, for a part of a page (a list that failed, a refused action).
#[component]
pub fn ErrorLine(#[prop(into)] message: String, #[prop(optional)] children: Option<Children>) -> impl IntoView {
    view! { <p class="error" role="alert">{message}{children.map(|c| c())}</p> }
}

/// Nothing to show yet: a heading and how to fill it.
#[component]
pub fn EmptyState(
    #[prop(optional, into)] heading: Option<String>,
    #[prop(optional)] class: Option<&'static str>,
    children: Children,
) -> impl IntoView {
    let class = class.map(|c| format!("empty-state {c}")).unwrap_or_else(|| "empty-state".into());
    view! {
        <div class=class role="status">
            {heading.map(|h| view! { <h2>{h}</h2> })}
            {children()}
        </div>
    }
}

/// Filters that match nothing: says so and links to the unfiltered page.
#[component]
pub fn NoMatch(#[prop(into)] text: String, #[prop(into)] reset: String, label: &'static str) -> impl IntoView {
    view! { <p class="empty-state" role="status">{format!("{text} ")} <a href=reset>{label}</a></p> }
}

#[cfg(all(test, feature = "ssr"))]
mod render {
    use leptos::tachys::view::RenderHtml;

    use super::*;

    #[test]
    fn empty_states_and_misses_keep_their_classes_and_role() {
        let html =
            view! { <NoMatch text="No deal matches." reset="/venture/acquisitions" label="Show all deals"/> }.to_html();
        // leptos writes `class` after the other attributes.
        assert!(html.starts_with(r#"<p role="status" class="empty-state">No deal matches. "#), "{html}");
        assert!(html.contains(r#"<a href="/venture/acquisitions">Show all deals</a></p>"#), "{html}");
        let html = view! { <EmptyState heading="None yet" class="compare-hint"><p>"How"</p></EmptyState> }.to_html();
        assert!(html.starts_with(r#"<div role="status" class="empty-state compare-hint"><h2>None yet</h2>"#), "{html}");
    }

    #[test]
    fn an_error_box_says_what_failed_and_offers_the_reset() {
        let e = AppError::bad_parameter("sector", "unknown sector 'x'");
        let html = view! { <ErrorBox e what="companies" reset="/venture/companies"/> }.to_html();
        assert!(
            html.starts_with(r#"<div role="alert" class="error"><p>The companies could not be loaded: "#),
            "{html}"
        );
        assert!(html.contains("unknown sector 'x'</p>"), "{html}");
        assert!(html.contains(r#"<p><a href="/venture/companies">Clear the filters</a></p>"#), "{html}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_page_is_titled_by_what_went_wrong() {
        assert_eq!(failure_title(&ErrorKind::NotFound, "fund"), "Unknown fund");
        assert_eq!(failure_title(&ErrorKind::BadRequest, "company"), "That company view cannot be shown");
        assert_eq!(failure_title(&ErrorKind::Internal, "company"), "The company could not be loaded");
    }
}
