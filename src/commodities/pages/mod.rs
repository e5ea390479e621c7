//! The commodity pages. State that changes what a page shows (group, sort, range, the
//! instruments compared) lives in the URL, so a link reproduces the view; every control is
//! a link or a GET form, so pages work with JavaScript off and hydrate in place with it on.
mod compare;
mod detail;
mod group;
mod overview;
mod signals;
mod trending;

pub use compare::ComparePage;
pub use detail::InstrumentPage;
pub use group::GroupPage;
pub use overview::OverviewPage;
pub use signals::SignalsPage;
pub use trending::TrendingPage;

use leptos::prelude::*;

/// How every change on these pages is measured, folded under a summary; the text is
/// `changes::CHANGE_RULE`, which the code follows.
#[component]
fn ChangeRule() -> impl IntoView {
    view! {
        <details class="rule change-rule">
            <summary>"How changes are measured"</summary>
            <p data-rule="changes">{crate::commodities::changes::CHANGE_RULE}</p>
        </details>
    }
}
