//! Charts as a PDF: one chart per page, vector graphics with real text (selectable,
//! searchable, extracted by `pdftotext`), converted from the same SVG the pages inline.
//!
//! Each page is as big as its SVG, at the CSS ratio of 96 px to the inch (an 880 x 320
//! chart is a 660 x 240 pt page, 23.3 x 8.5 cm, which prints on A4 landscape unscaled),
//! plus a band at the top with the chart's title: the title is the SVG's `<title>`
//! (which web pages show as an HTML heading, not inside the chart), drawn as text so the
//! PDF says what each chart is.
//!
//! Text is laid out by usvg with the embedded DejaVu Sans, the face plotters measured it
//! with, and embedded as a font subset: usvg maps `sans-serif` to Arial and silently
//! drops text set in a font it cannot find, so every generic family points at DejaVu.
use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, TextStr};
use svg2pdf::usvg::{self, fontdb};

use super::theme;
use super::ChartError;
use crate::format::escape;

/// PDF points per SVG pixel (72 pt and 96 px to the inch).
pub const PT_PER_PX: f32 = 0.75;
/// The height of the title band above each chart, in SVG pixels.
const TITLE_BAND: f64 = 30.0;
const FAMILY: &str = "DejaVu Sans";

/// DejaVu Sans as every generic family and the default: loaded once, shared by every
/// conversion. The faces are the `dejavu` crate's static bytes, not copies.
static FONTS: LazyLock<Arc<fontdb::Database>> = LazyLock::new(|| {
    let mut db = fontdb::Database::new();
    for bytes in [dejavu::sans::regular(), dejavu::sans::bold(), dejavu::sans::oblique()] {
        db.load_font_source(fontdb::Source::Binary(Arc::new(bytes)));
    }
    db.set_sans_serif_family(FAMILY);
    // usvg falls back to the serif family when nothing else matches.
    db.set_serif_family(FAMILY);
    db.set_monospace_family(FAMILY);
    db.set_cursive_family(FAMILY);
    db.set_fantasy_family(FAMILY);
    Arc::new(db)
});

fn options() -> usvg::Options<'static> {
    let mut opt = usvg::Options { font_family: FAMILY.to_string(), fontdb: FONTS.clone(), ..Default::default() };
    // Charts reference no files: an `<image href="path">` must not read the disk.
    opt.image_href_resolver.resolve_string = Box::new(|_, _| None);
    opt
}

/// One PDF with a page per SVG, in order. Each SVG needs a `viewBox` (or a numeric
/// `width` and `height`) to size its page.
pub fn svgs_to_pdf(pages: &[String]) -> Result<Vec<u8>, ChartError> {
    if pages.is_empty() {
        return Err(ChartError::Empty("no pages"));
    }
    let opt = options();
    let mut alloc = Ref::new(1);
    let catalog_id = alloc.bump();
    let tree_id = alloc.bump();
    let mut pdf = Pdf::new();
    let mut kids = Vec::with_capacity(pages.len());
    for (n, svg) in pages.iter().enumerate() {
        let fail = |what: &str, e: &dyn std::fmt::Display| ChartError::Draw(format!("PDF page {}: {what}: {e}", n + 1));
        let page = with_title_band(svg).map_err(|e| fail("SVG", &e))?;
        let tree = usvg::Tree::from_str(&page, &opt).map_err(|e| fail("SVG", &e))?;
        let (chunk, xobject) =
            svg2pdf::to_chunk(&tree, svg2pdf::ConversionOptions::default()).map_err(|e| fail("conversion", &e))?;
        // The chunk numbers its objects from 1; give them numbers after ours.
        let mut renumbered = HashMap::new();
        chunk.renumber_into(&mut pdf, |old| *renumbered.entry(old).or_insert_with(|| alloc.bump()));
        let xobject = renumbered[&xobject];

        let (w, h) = (tree.size().width() * PT_PER_PX, tree.size().height() * PT_PER_PX);
        let page_id = alloc.bump();
        let content_id = alloc.bump();
        let chart = Name(b"Chart");
        let mut page = pdf.page(page_id);
        page.media_box(Rect::new(0.0, 0.0, w, h)).parent(tree_id).contents(content_id);
        page.resources().x_objects().pair(chart, xobject);
        page.finish();
        // The chart's form is one point square: stretch it over the page.
        let mut content = Content::new();
        content.transform([w, 0.0, 0.0, h, 0.0, 0.0]).x_object(chart);
        pdf.stream(content_id, &content.finish());
        kids.push(page_id);
    }
    pdf.catalog(catalog_id).pages(tree_id);
    pdf.pages(tree_id).count(kids.len() as i32).kids(kids);
    pdf.document_info(alloc.bump()).producer(TextStr("Quarry"));
    Ok(pdf.finish())
}

/// The page as SVG: the chart nested below a band with its `<title>` as text, and the
/// outer element given the explicit size usvg and the page need. A chart without a title
/// gets no band.
fn with_title_band(svg: &str) -> Result<String, String> {
    let start = svg.find("<svg").ok_or("no <svg> element")?;
    let end = start + svg[start..].find('>').ok_or("unclosed <svg> tag")?;
    let open = &svg[start..end];
    let (w, h) = size(open).ok_or("no viewBox, width or height to size the page")?;
    // The title is taken as written: it is already escaped for XML.
    let title = svg.find("<title").and_then(|t| {
        let body = t + svg[t..].find('>')? + 1;
        Some(svg[body..body + svg[body..].find("</title>")?].trim())
    });
    let band = if title.is_some_and(|t| !t.is_empty()) { TITLE_BAND } else { 0.0 };
    // The nested chart fills exactly its place: drop any size or position it had.
    let mut tag = open.to_string();
    for attr in ["width", "height", "x", "y"] {
        tag = without_attr(&tag, attr);
    }
    let inner = format!("{tag} x=\"0\" y=\"{band}\" width=\"{w}\" height=\"{h}\"{}", &svg[end..]);
    let heading = match title {
        Some(t) if band > 0.0 => format!(
            "<text x=\"8\" y=\"21\" font-family=\"sans-serif\" font-size=\"16\" font-weight=\"bold\" fill=\"{}\">{t}</text>",
            escape(&theme::hex(theme::TEXT))
        ),
        _ => String::new(),
    };
    let total = h + band;
    Ok(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{total}\" viewBox=\"0 0 {w} {total}\">{heading}{inner}</svg>"
    ))
}

/// The size of an `<svg ...` opening tag: its viewBox's, else numeric width and height.
fn size(open: &str) -> Option<(f64, f64)> {
    let positive = |v: f64| v.is_finite() && v > 0.0;
    if let Some(vb) = attr(open, "viewBox") {
        let n: Vec<f64> =
            vb.split([' ', ',', '\t', '\n', '\r']).filter(|s| !s.is_empty()).filter_map(|s| s.parse().ok()).collect();
        if let [_, _, w, h] = n[..] {
            return (positive(w) && positive(h)).then_some((w, h));
        }
    }
    let num = |name| attr(open, name)?.trim().trim_end_matches("px").parse::<f64>().ok().filter(|v| positive(*v));
    Some((num("width")?, num("height")?))
}

/// An attribute's value in a tag (double-quoted, as plotters and `svg::accessible` write).
fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let pat = format!(" {name}=\"");
    let from = tag.find(&pat)? + pat.len();
    Some(&tag[from..from + tag[from..].find('"')?])
}

fn without_attr(tag: &str, name: &str) -> String {
    let pat = format!(" {name}=\"");
    let Some(i) = tag.find(&pat) else { return tag.to_string() };
    match tag[i + pat.len()..].find('"') {
        Some(j) => format!("{}{}", &tag[..i], &tag[i + pat.len() + j + 1..]),
        None => tag.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plot::{render_svg, Line, TimeChart};
    use chrono::NaiveDate;

    /// A chart like the detail page's: `n` daily points of a wandering price.
    fn chart(title: &str, n: u64, width: u32, height: u32) -> TimeChart {
        let start: NaiveDate = "2022-01-03".parse().unwrap();
        let pts: Vec<_> = (0..n)
            .map(|i| (start + chrono::Days::new(i), 1800.0 + (i as f64 / 17.0).sin() * 150.0 + i as f64 * 0.3))
            .collect();
        let mut c = TimeChart::new(title, "Daily price.", width, height);
        c.lines.push(Line { label: "Close".into(), points: pts, color: theme::PALETTE[0], width: 2 });
        c
    }

    /// How many page objects (`/Type /Page`, not the `/Type /Pages` tree) a PDF has.
    fn page_objects(pdf: &[u8]) -> usize {
        let pat = b"/Type /Page";
        pdf.windows(pat.len() + 1).filter(|w| w.starts_with(pat) && w[pat.len()] != b's').count()
    }

    fn have(tool: &str) -> bool {
        std::process::Command::new("which").arg(tool).output().is_ok_and(|o| o.status.success())
    }

    fn run(tool: &str, args: &[&str]) -> String {
        let out = std::process::Command::new(tool).args(args).output().unwrap();
        assert!(out.status.success(), "{tool} failed: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }

    #[test]
    fn the_fonts_are_dejavu_under_every_generic_name() {
        let db = &*FONTS;
        for family in [fontdb::Family::SansSerif, fontdb::Family::Serif, fontdb::Family::Name(FAMILY)] {
            for weight in [fontdb::Weight::NORMAL, fontdb::Weight::BOLD] {
                let q = fontdb::Query { families: &[family], weight, ..Default::default() };
                let id = db.query(&q).unwrap_or_else(|| panic!("{family:?} {weight:?} resolves"));
                let face = db.face(id).unwrap();
                assert_eq!(face.families[0].0, FAMILY);
                assert_eq!(face.weight, weight);
            }
        }
        assert_eq!(options().font_family, FAMILY);
    }

    #[test]
    fn text_in_any_or_no_family_is_set_in_dejavu_not_dropped() {
        for family in ["", r#" font-family="sans-serif""#, r#" font-family="Arial""#, r#" font-family="serif""#] {
            let svg = format!(
                r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 50"><text x="10" y="30"{family}>Plain words</text></svg>"#
            );
            let pdf = svgs_to_pdf(&[svg]).unwrap();
            let has = |s: &[u8]| pdf.windows(s.len()).any(|w| w == s);
            assert!(
                has(b"DejaVuSans") && has(b"/FontFile2"),
                "the text was kept, in embedded DejaVu Sans ({family:?})"
            );
        }
    }

    #[test]
    fn the_page_is_sized_from_the_viewbox_with_a_title_band() {
        let svg = render_svg(&chart("Gold & co", 40, 880, 320), "g").unwrap();
        let page = with_title_band(&svg).unwrap();
        assert!(
            page.starts_with(
                r#"<svg xmlns="http://www.w3.org/2000/svg" width="880" height="350" viewBox="0 0 880 350">"#
            ),
            "{}",
            &page[..120]
        );
        assert!(page.contains(">Gold &amp; co</text>"), "the title, escaped once");
        let tree = usvg::Tree::from_str(&page, &options()).unwrap();
        assert_eq!((tree.size().width(), tree.size().height()), (880.0, 350.0));
        // Untitled SVGs, and sizes from width and height, work too.
        let bare = r#"<?xml version="1.0"?><svg width="200px" height="100" xmlns="http://www.w3.org/2000/svg"><rect width="10" height="10"/></svg>"#;
        let page = with_title_band(bare).unwrap();
        assert!(page.contains(r#"viewBox="0 0 200 100""#) && !page.contains("<text"), "{page}");
        assert!(with_title_band("<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>").is_err());
        assert!(matches!(svgs_to_pdf(&[]), Err(ChartError::Empty(_))));
    }

    #[test]
    fn three_charts_make_a_three_page_pdf_with_real_text() {
        let titles = ["Gold, 1 year", "Brent crude, 1 year", "Copper, 1 year"];
        let svgs: Vec<String> = titles
            .iter()
            .enumerate()
            .map(|(i, t)| render_svg(&chart(t, 365, 880, 320), &format!("c{i}")).unwrap())
            .collect();
        let pdf = svgs_to_pdf(&svgs).unwrap();
        assert!(pdf.starts_with(b"%PDF-"), "a PDF header");
        assert_eq!(page_objects(&pdf), 3);

        if !(have("pdftotext") && have("pdfinfo")) {
            let msg = "pdftotext/pdfinfo (poppler-utils) missing: the PDF text checks did not run";
            assert!(std::env::var("CI").as_deref() != Ok("true"), "{msg}");
            eprintln!("SKIPPED: {msg}");
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("charts.pdf");
        std::fs::write(&path, &pdf).unwrap();
        let path = path.to_str().unwrap();
        let info = run("pdfinfo", &[path]);
        assert!(info.lines().any(|l| l.split_whitespace().eq(["Pages:", "3"])), "{info}");
        assert!(info.contains("660 x 262.5 pts"), "pages sized from the viewBox plus the title band: {info}");
        let text = run("pdftotext", &[path, "-"]);
        for t in titles {
            assert!(text.contains(t), "title {t:?} is text in the PDF: {text}");
        }
        assert!(text.contains("Jul 2022"), "date axis labels are text: {text}");
        assert!(text.contains("1,800") || text.contains("1,900"), "value axis labels are text: {text}");
        // One title per page, in order.
        let pages: Vec<&str> = text.split('\u{c}').collect();
        for (page, t) in pages.iter().zip(titles) {
            assert!(page.contains(t), "{t:?} on its own page: {page}");
        }
    }
}
