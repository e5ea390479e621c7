//! Paging through a long listing: previous and next links around "Rows X–Y of N".
use leptos::prelude::*;

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

/// Previous and next links around "Rows X–Y of N"; `href` makes page n's URL.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_ranges() {
        assert_eq!(rows_label(0, 1, 50, 0), "No rows");
        assert_eq!(rows_label(120, 1, 50, 50), "Rows 1–50 of 120");
        assert_eq!(rows_label(120, 3, 50, 20), "Rows 101–120 of 120");
        assert_eq!(rows_label(120, 9, 50, 0), "Page 9 is past the last of 120 rows");
    }
}
