//! Makes a plotters SVG accessible and fluid: a `<title>` and `<desc>` read by screen
//! readers, `role="img"`, and a width that follows its container.
use crate::format::escape;

/// Inserts the title and description right after the opening `<svg ...>` tag and labels
/// the element with them. `id` must be unique on the page (it names the two elements).
pub fn accessible(svg: &str, id: &str, title: &str, desc: &str) -> String {
    let Some(start) = svg.find("<svg") else { return svg.to_string() };
    let Some(end) = svg[start..].find('>').map(|e| start + e) else { return svg.to_string() };
    let open = &svg[start..end];
    // Drop the fixed size: the viewBox keeps the aspect ratio and CSS sets the width.
    let open = strip_attr(&strip_attr(open, "width"), "height");
    let id = escape(id);
    format!(
        "{open} role=\"img\" class=\"chart\" aria-labelledby=\"{id}-title {id}-desc\"><title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>{}",
        escape(title),
        escape(desc),
        &svg[end + 1..]
    )
}

fn strip_attr(tag: &str, name: &str) -> String {
    let pat = format!(" {name}=\"");
    match tag.find(&pat) {
        Some(i) => match tag[i + pat.len()..].find('"') {
            Some(j) => format!("{}{}", &tag[..i], &tag[i + pat.len() + j + 1..]),
            None => tag.to_string(),
        },
        None => tag.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_and_desc_follow_the_opening_tag_and_label_it() {
        let svg =
            r#"<svg width="800" height="300" viewBox="0 0 800 300" xmlns="http://www.w3.org/2000/svg"><rect/></svg>"#;
        let out = accessible(svg, "price", "Gold & silver", "A <line>");
        assert_eq!(
            out,
            "<svg viewBox=\"0 0 800 300\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" class=\"chart\" \
             aria-labelledby=\"price-title price-desc\"><title id=\"price-title\">Gold &amp; silver</title>\
             <desc id=\"price-desc\">A &lt;line&gt;</desc><rect/></svg>"
        );
    }

    #[test]
    fn text_without_an_svg_tag_is_left_alone() {
        assert_eq!(accessible("not svg", "x", "t", "d"), "not svg");
    }
}
