//! Where a page's figures come from and how fresh they are, in the line under a listing.
use chrono::{DateTime, Utc};
use leptos::prelude::*;

use super::DemoBadge;

/// `<p class="note source-line">`: the sources and the as-of, with DEMO first when the
/// figures are generated.
#[component]
pub fn SourceLine(#[prop(into)] text: String, #[prop(optional)] demo: bool) -> impl IntoView {
    view! {
        <p class="note source-line">
            {demo.then(|| view! { <DemoBadge/> " " })}
            {text}
        </p>
    }
}

/// "Source: X; newest row fetched 2025-01-02 10:00 UTC." (without the as-of when no row has one).
pub fn fetched_from(source: &str, as_of: Option<DateTime<Utc>>) -> String {
    let as_of = as_of.map(|t| format!("; newest row fetched {}", crate::format::fmt_time(t))).unwrap_or_default();
    format!("Source: {source}{as_of}.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_source_sentence_names_the_newest_fetch_when_there_is_one() {
        let t = DateTime::parse_from_rfc3339("2025-03-04T05:06:07Z").unwrap().with_timezone(&Utc);
        assert_eq!(fetched_from("imports", None), "Source: imports.");
        assert_eq!(fetched_from("imports", Some(t)), "Source: imports; newest row fetched 2025-03-04 05:06 UTC.");
    }
}
