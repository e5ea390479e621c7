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

use chrono::{DateTime, NaiveDate, Utc};
use leptos::prelude::*;
use leptos_meta::Title;

use super::model::Provenance;
use super::query::encode;
use crate::error::{AppError, ErrorKind};

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

pub fn fmt_time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

pub fn fmt_date(d: Option<NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_else(|| "—".into())
}

/// `?a=1&b=x` from the pairs that have a value (empty string when none do).
pub fn query_string(pairs: &[(&str, Option<String>)]) -> String {
    let parts: Vec<String> = pairs
        .iter()
        .filter_map(|(k, v)| v.as_deref().filter(|v| !v.is_empty()).map(|v| format!("{k}={}", encode(v))))
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

/// A query parameter from the URL, `None` when absent or blank (an empty form field).
pub fn param(q: &leptos_router::params::ParamsMap, name: &str) -> Option<String> {
    q.get(name).filter(|v| !v.trim().is_empty())
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

/// "Rows 51–100 of 240", or why a page holds none.
pub fn rows_label(total: u64, page: u64, per_page: u64, shown: usize) -> String {
    if total == 0 {
        return "No rows".into();
    }
    let first = (page - 1) * per_page + 1;
    if shown == 0 || first > total {
        return format!("Page {page} is past the last of {total} rows");
    }
    let last = (first + shown as u64 - 1).min(total);
    format!("Rows {first}–{last} of {total}")
}

#[component]
pub fn DemoBadge() -> impl IntoView {
    view! { <span class="badge demo" title="Generated demo data, not a filing">"DEMO"</span> }
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

/// How to fill an empty venture database.
#[component]
pub fn FillHint(#[prop(into)] what: String) -> impl IntoView {
    view! {
        <div class="empty-state" role="status">
            <h2>{what}</h2>
            <p>
                "Venture data comes from SEC EDGAR Form D and S-1 filings and from your own files. To fill it, run the "
                <code>"vc_sync"</code> " job on the " <a href="/jobs">"Jobs page"</a> ", "
                <code>"quarry vc-backfill --from 2025-01-01 --to 2025-12-31"</code>
                " for a past period, or import a file at " <a href="/venture/import">"/venture/import"</a> " ("
                <code>"quarry import FILE"</code> "). To look around without data, start Quarry with "
                <code>"--demo"</code> "."
            </p>
        </div>
    }
}

/// A page whose data could not be had: title, heading and the API's message, with the
/// response status the API gave (404 for an unknown id, 400 for a bad parameter).
#[component]
pub fn Failure(e: AppError, #[prop(into)] what: String, back: (&'static str, &'static str)) -> impl IntoView {
    crate::error::set_page_status(&e);
    let title = match e.kind {
        ErrorKind::NotFound => format!("Unknown {what}"),
        ErrorKind::BadRequest => format!("That {what} view cannot be shown"),
        _ => format!("The {what} could not be loaded"),
    };
    view! {
        <Title text=title.clone()/>
        <h1>{title}</h1>
        <div class="error" role="alert">
            <p>{e.message.clone()}</p>
        </div>
        <p><a href=back.0>{back.1}</a></p>
    }
}

/// An error shown under a page's own heading and filters (a bad filter value).
#[component]
pub fn ErrorBox(e: AppError, #[prop(into)] what: String, reset: &'static str) -> impl IntoView {
    crate::error::set_page_status(&e);
    view! {
        <div class="error" role="alert">
            <p>{format!("The {what} could not be loaded: ")} {e.message.clone()}</p>
            <p><a href=reset>"Clear the filters"</a></p>
        </div>
    }
}

/// Previous and next links around "Rows X–Y of N".
#[component]
pub fn Pager(total: u64, page: u64, per_page: u64, shown: usize, href: Callback<u64, String>) -> impl IntoView {
    let has_prev = page > 1;
    let has_next = page.saturating_mul(per_page) < total;
    view! {
        <nav class="pager" aria-label="Pages">
            {has_prev.then(|| view! { <a href=href.run(page - 1) rel="prev">"← Previous"</a> })}
            <span class="rows" data-total=total.to_string()>{rows_label(total, page, per_page, shown)}</span>
            {has_next.then(|| view! { <a href=href.run(page + 1) rel="next">"Next →"</a> })}
        </nav>
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

    #[test]
    fn row_ranges_and_query_strings() {
        assert_eq!(rows_label(0, 1, 50, 0), "No rows");
        assert_eq!(rows_label(120, 1, 50, 50), "Rows 1–50 of 120");
        assert_eq!(rows_label(120, 3, 50, 20), "Rows 101–120 of 120");
        assert_eq!(rows_label(120, 9, 50, 0), "Page 9 is past the last of 120 rows");
        assert_eq!(query_string(&[("q", Some("a b".into())), ("page", None), ("s", Some(String::new()))]), "?q=a%20b");
        assert_eq!(query_string(&[]), "");
    }
}
