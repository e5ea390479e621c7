//! A row of filter links ("chips"): the choices of one URL parameter, the current one marked.
use leptos::prelude::*;

/// One link of a chip row.
#[derive(Clone, Debug, PartialEq)]
pub struct Chip {
    pub href: String,
    pub label: String,
    pub current: bool,
}

/// "All", then one chip per option; the chosen option (or "All" when none is) is current.
/// `href` gives the URL with that choice (`None` for all), `label` an option's words.
pub fn choice_chips<'a>(
    options: impl IntoIterator<Item = &'a str>,
    current: Option<&str>,
    href: impl Fn(Option<&str>) -> String,
    label: impl Fn(&str) -> String,
) -> Vec<Chip> {
    std::iter::once(None)
        .chain(options.into_iter().map(Some))
        .map(|o| Chip { href: href(o), label: o.map_or_else(|| "All".to_string(), &label), current: o == current })
        .collect()
}

/// `<nav class="chips">` with its label and the links, `aria-current` on the current one.
#[component]
pub fn Chips(aria_label: &'static str, title: &'static str, chips: Vec<Chip>) -> impl IntoView {
    view! {
        <nav class="chips" aria-label=aria_label>
            <span class="chips-label">{title}</span>
            {chips
                .into_iter()
                .map(|c| view! { <a href=c.href aria-current=c.current.then_some("true")>{c.label}</a> })
                .collect_view()}
        </nav>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_comes_first_and_is_current_when_nothing_is_chosen() {
        let href = |o: Option<&str>| format!("?s={}", o.unwrap_or(""));
        let none = choice_chips(["a", "b"], None, href, str::to_uppercase);
        assert_eq!(none.iter().map(|c| c.label.as_str()).collect::<Vec<_>>(), ["All", "A", "B"]);
        assert_eq!(none.iter().map(|c| c.current).collect::<Vec<_>>(), [true, false, false]);
        let b = choice_chips(["a", "b"], Some("b"), href, str::to_string);
        assert_eq!(b.iter().map(|c| c.current).collect::<Vec<_>>(), [false, false, true]);
        assert_eq!(b[2].href, "?s=b");
    }
}
