//! Data tables as every page draws them: a scrolling wrapper, `table.data`, one header row
//! of column headings, and above it the count and the CSV link.
use leptos::prelude::*;

/// A column heading: its text, the class numbers get (right-aligned), an optional tooltip.
#[derive(Clone, Debug, PartialEq)]
pub struct Col {
    pub label: &'static str,
    pub class: Option<&'static str>,
    pub title: Option<&'static str>,
}

impl Col {
    /// A column of text.
    pub const fn text(label: &'static str) -> Self {
        Col { label, class: None, title: None }
    }

    /// A column of numbers.
    pub const fn num(label: &'static str) -> Self {
        Col { label, class: Some("num"), title: None }
    }

    /// A column with a class of its own (a sparkline, a date).
    pub const fn class(label: &'static str, class: &'static str) -> Self {
        Col { label, class: Some(class), title: None }
    }

    /// The same column with a tooltip saying what it counts.
    pub const fn titled(self, title: &'static str) -> Self {
        Col { title: Some(title), ..self }
    }
}

/// `<thead>` with one `<th scope="col">` per column, for a table that carries attributes of
/// its own (the `data-` attributes the browser tests select by) and so is written out.
#[component]
pub fn TableHead(cols: Vec<Col>) -> impl IntoView {
    view! {
        <thead>
            <tr>
                {cols.into_iter().map(heading).collect_view()}
            </tr>
        </thead>
    }
}

// Without a class the cell has no class attribute at all (leptos would write `class=""`).
fn heading(c: Col) -> AnyView {
    match c.class {
        Some(class) => view! { <th scope="col" class=class title=c.title>{c.label}</th> }.into_any(),
        None => view! { <th scope="col" title=c.title>{c.label}</th> }.into_any(),
    }
}

/// A table of rows: `<div class="table-wrap"><table class="data {class}">`, the headings,
/// and the children as the body's rows.
#[component]
pub fn DataTable(#[prop(into)] class: String, cols: Vec<Col>, children: Children) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class=format!("data {class}")>
                <TableHead cols/>
                <tbody>{children()}</tbody>
            </table>
        </div>
    }
}

/// A heading that sorts its table: a link to the same view sorted by `column`, with
/// `aria-sort` and an arrow on the column the view is sorted by (`descending` when it is).
#[component]
pub fn SortHeader(
    label: &'static str,
    column: &'static str,
    #[prop(into)] href: String,
    /// `Some(descending)` on the column the table is sorted by.
    sorted: Option<bool>,
    numeric: bool,
) -> impl IntoView {
    let (aria_sort, arrow) = match sorted {
        Some(true) => ("descending", " ↓"),
        Some(false) => ("ascending", " ↑"),
        None => ("none", ""),
    };
    view! {
        <th scope="col" class:num=numeric aria-sort=aria_sort>
            <a href=href class="sort" data-sort=column>{label}{arrow}</a>
        </th>
    }
}

/// Above a table: how many rows the filters match (`data-count` for tests and scripts) and
/// the same rows as CSV.
#[component]
pub fn TableTools(count: u64, #[prop(into)] label: String, #[prop(into)] csv: String) -> impl IntoView {
    view! {
        <div class="table-tools">
            <p class="muted" data-count=count.to_string()>{label}</p>
            <CsvLink href=csv/>
        </div>
    }
}

/// The download link of a table's rows as CSV.
#[component]
pub fn CsvLink(#[prop(into)] href: String, #[prop(optional)] label: Option<&'static str>) -> impl IntoView {
    view! { <a href=href rel="external" download="">{label.unwrap_or("Download CSV")}</a> }
}

/// "1 round", "2 rounds": a count with its noun.
pub fn count_of(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_carry_their_class_and_tooltip() {
        assert_eq!(Col::text("Company").class, None);
        assert_eq!(Col::num("Rounds").class, Some("num"));
        assert_eq!(Col::num("Led").titled("why").title, Some("why"));
        assert_eq!(Col::class("Trend", "spark-col").class, Some("spark-col"));
    }

    #[test]
    fn counts_take_the_singular_only_for_one() {
        assert_eq!(count_of(1, "round", "rounds"), "1 round");
        assert_eq!(count_of(0, "round", "rounds"), "0 rounds");
        assert_eq!(count_of(12, "instrument", "instruments"), "12 instruments");
    }
}

#[cfg(all(test, feature = "ssr"))]
mod render {
    use leptos::tachys::view::RenderHtml;

    use super::*;

    // The markup the stylesheet and the browser tests select by, as the pages wrote it by hand.
    #[test]
    fn a_data_table_draws_the_wrapper_the_headings_and_its_rows() {
        let html = view! {
            <DataTable class="funds" cols=vec![Col::text("Fund"), Col::num("Size").titled("why")]>
                <tr><td>"x"</td></tr>
            </DataTable>
        }
        .to_html();
        assert_eq!(
            html,
            concat!(
                r#"<div class="table-wrap"><table class="data funds"><thead><tr><th scope="col">Fund</th>"#,
                // leptos writes `class` last, and marks where the list of headings ends.
                r#"<th scope="col" title="why" class="num">Size</th><!></tr></thead>"#,
                r#"<tbody><tr><td>x</td></tr></tbody></table></div>"#
            )
        );
    }

    #[test]
    fn the_tools_row_carries_the_count_and_the_csv_link() {
        let html = view! { <TableTools count=3 label="3 funds" csv="/api/venture/funds.csv"/> }.to_html();
        assert_eq!(
            html,
            concat!(
                r#"<div class="table-tools"><p data-count="3" class="muted">3 funds</p>"#,
                r#"<a href="/api/venture/funds.csv" rel="external" download="">Download CSV</a></div>"#
            )
        );
    }
}
