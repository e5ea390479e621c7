//! The venture pages: the landscape heatmap, funding rounds, companies, investors, funds
//! with their returns, M&A and the IPO pipeline. Their only data access is the server
//! functions in `venture::api`; every filter, sort and page number lives in the URL (links
//! and GET forms), so a page reads the same with JavaScript off, and with it on the router
//! fetches the next state in place.
mod company;
mod deals;
mod funding;
mod funds;
mod import;
mod investors;
mod ipo;
mod landscape;
mod nav;

pub use company::{CompaniesPage, CompanyPage};
pub use deals::AcquisitionsPage;
pub use funding::FundingPage;
pub use funds::{FundPage, FundsPage};
pub use import::ImportPage;
pub use investors::{InvestorPage, InvestorsPage};
pub use ipo::IpoPage;
pub use landscape::LandscapePage;
pub use nav::VentureNav;

use chrono::{DateTime, Utc};
use leptos::prelude::*;

use super::model::Provenance;
use super::sector::Sector;
use crate::components::{DemoBadge, EmptyState};
use crate::format::fmt_time;

/// Dollars in the short form the tables use: `$950`, `$12.5K`, `$12.5M`, `$120M`, `$1.2B`.
pub fn usd(x: f64) -> String {
    if !x.is_finite() {
        return "n/a".into();
    }
    let sign = if x < 0.0 { "-" } else { "" };
    let a = x.abs();
    const UNITS: [(f64, &str); 4] = [(1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")];
    for (i, (size, unit)) in UNITS.iter().enumerate() {
        // 999,960 would read "$1000.0K": such values take the next unit up.
        let promote = i > 0 && a >= UNITS[i - 1].0 * 0.9995;
        if a >= *size * 0.9995 || promote {
            let (size, unit) = if promote { UNITS[i - 1] } else { (*size, *unit) };
            let v = a / size;
            return if v >= 99.95 { format!("{sign}${v:.0}{unit}") } else { format!("{sign}${v:.1}{unit}") };
        }
    }
    format!("{sign}${a:.0}")
}

/// [`usd`] or a dash when unknown.
pub fn usd_opt(x: Option<f64>) -> String {
    x.map(usd).unwrap_or_else(|| "—".into())
}

/// A multiple such as TVPI: two decimals and an "x".
pub fn multiple(x: Option<f64>) -> String {
    x.filter(|v| v.is_finite()).map(|v| format!("{v:.2}x")).unwrap_or_else(|| "—".into())
}

/// A rate such as IRR (0.153) as a percentage with one decimal (15.3%).
pub fn percent(x: f64) -> String {
    if x.is_finite() {
        format!("{:.1}%", x * 100.0)
    } else {
        "n/a".into()
    }
}

/// The heatmap cell's shading: a blue whose opacity grows with the cell's share of the
/// largest cell, and whether the text on it must turn light to stay readable.
pub fn heat(amount: f64, max: f64) -> (Option<String>, bool) {
    if !(max > 0.0 && amount > 0.0) {
        return (None, false);
    }
    let share = (amount / max).clamp(0.0, 1.0);
    let alpha = 0.08 + 0.82 * share;
    (Some(format!("background: rgba(29, 78, 216, {alpha:.2})")), alpha > 0.5)
}

/// Where one row came from: the filing on sec.gov, the import file and line, or DEMO.
#[component]
pub fn ProvenanceLine(p: Provenance) -> impl IntoView {
    let what = match p.source.as_str() {
        "edgar" => view! {
            "Source: SEC EDGAR, accession " <code>{p.source_id.clone()}</code>
            {p.filing_url.clone().map(|u| view! { " (" <a href=u rel="external">"filing on sec.gov"</a> ")" })}
            ", fetched " {fmt_time(p.fetched_at)}
        }
        .into_any(),
        "import" => view! {
            "Source: imported from " <code>{p.source_id.clone()}</code> ", on " {fmt_time(p.fetched_at)}
        }
        .into_any(),
        _ => view! { "Source: generated demo data, " {fmt_time(p.fetched_at)} }.into_any(),
    };
    view! {
        <p class="note provenance" data-source=p.source.clone()>
            {p.demo.then(|| view! { <DemoBadge/> " " })}
            {what}
        </p>
    }
}

/// The link to a row's filing, or what stands in for it.
pub fn filing_cell(p: &Provenance) -> AnyView {
    match (&p.filing_url, p.demo) {
        (Some(u), _) => view! { <a href=u.clone() rel="external" class="filing">"sec.gov"</a> }.into_any(),
        (None, true) => view! { <DemoBadge/> }.into_any(),
        (None, false) if p.source == "import" => {
            view! { <span class="muted" title=p.source_id.clone()>"import"</span> }.into_any()
        }
        _ => view! { <span class="muted">"—"</span> }.into_any(),
    }
}

/// A filter form's sector choice: every sector, "All sectors" when none is chosen.
#[component]
pub fn SectorSelect(#[prop(into)] selected: String) -> impl IntoView {
    view! {
        <label>
            <span>"Sector"</span>
            <select name="sector">
                <option value="" selected=selected.is_empty()>"All sectors"</option>
                {Sector::ALL.into_iter().map(|s| view! {
                    <option value=s.slug() selected=selected == s.slug()>{s.label()}</option>
                }).collect_view()}
            </select>
        </label>
    }
}

/// How to fill an empty venture database.
#[component]
pub fn FillHint(#[prop(into)] what: String) -> impl IntoView {
    view! {
        <EmptyState heading=what>
            <p>
                "Venture data comes from SEC EDGAR Form D and S-1 filings and from your own files. To fill it, run the "
                <code>"vc_sync"</code> " job on the " <a href="/jobs">"Jobs page"</a> ", "
                <code>"quarry vc-backfill --from 2025-01-01 --to 2025-12-31"</code>
                " for a past period, or import a file at " <a href="/venture/import">"/venture/import"</a> " ("
                <code>"quarry import FILE"</code> "). To look around without data, start Quarry with "
                <code>"--demo"</code> "."
            </p>
        </EmptyState>
    }
}

/// A row's source label for a table cell: DEMO, import or EDGAR.
pub fn demo_mark(p: &Provenance) -> Option<AnyView> {
    p.demo.then(|| view! { " " <DemoBadge/> }.into_any())
}

/// The newest fetch time among rows: the "as of" of a listing.
pub fn newest<'a>(it: impl IntoIterator<Item = &'a Provenance>) -> Option<DateTime<Utc>> {
    it.into_iter().map(|p| p.fetched_at).max()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dollars_read_short_with_a_unit() {
        assert_eq!(usd(0.0), "$0");
        assert_eq!(usd(950.0), "$950");
        assert_eq!(usd(12_500.0), "$12.5K");
        assert_eq!(usd(12_500_000.0), "$12.5M");
        assert_eq!(usd(120_000_000.0), "$120M");
        assert_eq!(usd(1_234_000_000.0), "$1.2B");
        assert_eq!(usd(999_960.0), "$1.0M");
        assert_eq!(usd(999.6), "$1.0K");
        assert_eq!(usd(-2_500_000.0), "-$2.5M");
        assert_eq!(usd(f64::NAN), "n/a");
        assert_eq!(usd_opt(None), "—");
        assert_eq!(multiple(Some(1.456)), "1.46x");
        assert_eq!(percent(0.1534), "15.3%");
    }

    #[test]
    fn heat_grows_with_the_share_of_the_biggest_cell() {
        assert_eq!(heat(0.0, 10.0), (None, false));
        assert_eq!(heat(5.0, 0.0), (None, false));
        let (low, low_dark) = heat(1.0, 10.0);
        let (high, high_dark) = heat(10.0, 10.0);
        assert_eq!(low.as_deref(), Some("background: rgba(29, 78, 216, 0.16)"));
        assert_eq!(high.as_deref(), Some("background: rgba(29, 78, 216, 0.90)"));
        assert!(!low_dark && high_dark);
    }
}
