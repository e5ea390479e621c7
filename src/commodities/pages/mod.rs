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

/// Where signals are still missing: the job that computes them.
#[component]
fn NoSignals() -> impl IntoView {
    view! { <p class="empty-state">"No signals yet: the commodity_signals job computes them once prices are loaded."</p> }
}

/// Green for a rise, red for a fall: the class of a signed number's cell.
fn sign_class(v: f64) -> &'static str {
    if v > 0.0 {
        "num up"
    } else if v < 0.0 {
        "num down"
    } else {
        "num"
    }
}
