//! A titled part of a page.
use leptos::prelude::*;

/// `<section>` labelled by its own `<h2 id="{id}-h">`.
#[component]
pub fn Section(
    id: &'static str,
    #[prop(into)] heading: String,
    #[prop(optional)] class: Option<&'static str>,
    children: Children,
) -> impl IntoView {
    let h = format!("{id}-h");
    let inner = view! {
        <h2 id=h.clone()>{heading}</h2>
        {children()}
    };
    // Without a class the element has no class attribute (leptos would write `class=""`).
    match class {
        Some(class) => view! { <section class=class aria-labelledby=h>{inner}</section> }.into_any(),
        None => view! { <section aria-labelledby=h>{inner}</section> }.into_any(),
    }
}

/// A page's title (the tab's and the `<h1>`) and its one-paragraph lede.
#[component]
pub fn PageHead(#[prop(into)] title: String, #[prop(into)] lede: String) -> impl IntoView {
    view! {
        <leptos_meta::Title text=title.clone()/>
        <h1>{title}</h1>
        <p class="lede">{lede}</p>
    }
}

#[cfg(all(test, feature = "ssr"))]
mod render {
    use leptos::tachys::view::RenderHtml;

    use super::*;

    #[test]
    fn a_section_is_labelled_by_its_heading_and_has_no_empty_class() {
        let html = view! { <Section id="ipo" heading="IPO"><p>"x"</p></Section> }.to_html();
        assert_eq!(html, r#"<section aria-labelledby="ipo-h"><h2 id="ipo-h">IPO</h2><p>x</p></section>"#);
        let html = view! { <Section id="biggest" class="biggest" heading="Biggest"><p>"x"</p></Section> }.to_html();
        assert!(html.starts_with(r#"<section aria-labelledby="biggest-h" class="biggest">"#), "{html}");
    }
}
