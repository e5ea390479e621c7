//! A check of a workbook's cell references, made before calamine reads the sheet.
//!
//! calamine 0.32 turns a reference like `A99999999999` into a position with unchecked
//! arithmetic (0.38 checks some of it, not the row's digits): with overflow checks that
//! panics, without them the position wraps. It then sizes the sheet's grid from its
//! outermost cells with a value, so two far-apart cells (`A1` and `XFD1048576`) make it
//! allocate rows × columns cells, far past any memory. One hostile or corrupt workbook from
//! upstream would take the process down either way. Excel itself stops at 1,048,576 rows
//! and 16,384 columns (`XFD`); the Pink Sheet fills about 800 × 80 cells. So the sheets are
//! walked first as calamine walks them, each reference it would parse is checked against
//! those limits and the grid against `MAX_CELLS`, and a workbook that breaks one is refused
//! with a reason. The fuzz target `pinksheet` runs this check and calamine together.
//!
//! Every part of the archive is checked, not only the sheet the adapter asks for: calamine
//! finds a sheet's part through the workbook's relationships and reads it whatever its name
//! or root element, so a narrower check could be walked around.
use std::io::{BufReader, Read};

use quick_xml::events::Event;
use quick_xml::name::QName;
use quick_xml::Reader;

/// Excel's own limits (its "specifications and limits" page): the last cell is `XFD1048576`.
pub const MAX_ROWS: u32 = 1_048_576;
pub const MAX_COLUMNS: u32 = 16_384;
/// The largest grid of cells with values a sheet may span (rows × columns of the rectangle
/// around them): 2 million cells, about 64 MB as calamine holds them; the Pink Sheet's
/// monthly prices span about 70 thousand.
pub const MAX_CELLS: u64 = 2_000_000;
/// The most bytes the parts may unpack to, together. The Pink Sheet unpacks to a few MB; a
/// deflate bomb could otherwise keep the check (and calamine after it) busy for minutes.
pub const MAX_UNPACKED: u64 = 256 * 1024 * 1024;

/// Ok when calamine may read the workbook's sheets; otherwise why not, in words for the
/// jobs page.
///
/// A workbook that is not a ZIP archive, or a part that is not XML, passes: calamine reads
/// those with the same libraries and reports its own error before it reaches a reference.
pub fn check(bytes: &[u8]) -> Result<(), String> {
    check_within(bytes, MAX_UNPACKED)
}

fn check_within(bytes: &[u8], max_unpacked: u64) -> Result<(), String> {
    let Ok(mut archive) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else { return Ok(()) };
    let mut left = max_unpacked;
    for i in 0..archive.len() {
        let Ok(part) = archive.by_index(i) else { continue };
        let name = part.name().to_string();
        // One byte past what is left tells a part that fills it from one that overruns it.
        let mut limited = part.take(left + 1);
        let verdict = check_part(&mut limited);
        let read = left + 1 - limited.limit();
        if read > left {
            return Err(format!("the workbook unpacks to more than {}", bytes_in_words(max_unpacked)));
        }
        left -= read;
        verdict.map_err(|why| format!("part '{}': {why}", name.escape_debug()))?;
    }
    Ok(())
}

fn bytes_in_words(n: u64) -> String {
    if n >= 1024 * 1024 {
        format!("{} MiB", n / (1024 * 1024))
    } else {
        format!("{n} bytes")
    }
}

/// Walks one part the way calamine 0.32's sheet reader (`xlsx/cells_reader.rs`) does, with
/// the same reader settings, so that it meets the same events in the same order: first the
/// header up to `sheetData`, where each `dimension` is parsed; then rows and cells, each
/// cell read to its end, up to `</sheetData>`. It checks each reference calamine would parse
/// and the grid its cells with values would span. Where calamine would stop with an error,
/// the check of the part ends with Ok: nothing after that point is read. Where it cannot
/// tell, it errs on the strict side (a cell with any value element counts as a value).
/// Re-read calamine's reader when upgrading it; `scripts/fuzz.sh pinksheet` runs both.
fn check_part(part: impl Read) -> Result<(), String> {
    let mut xml = Reader::from_reader(BufReader::new(part));
    let config = xml.config_mut();
    config.check_end_names = false;
    config.trim_text(false);
    config.check_comments = false;
    config.expand_empty_elements = true;
    let mut buf = Vec::new();

    // The header: every `dimension` before `sheetData`.
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf) {
            Ok(Event::Start(e)) if e.local_name().as_ref() == b"dimension" => {
                let Some(r) = attribute(&e, b"ref") else { return Ok(()) };
                dimension(&r)?;
            }
            Ok(Event::Start(e)) if e.local_name().as_ref() == b"sheetData" => break,
            Ok(Event::Eof) | Err(_) => return Ok(()),
            _ => {}
        }
    }

    // The rows. calamine's running position: a `row` without `r` follows the one before, a
    // `c` without `r` the cell before it in the row.
    let mut grid = Grid::default();
    let (mut row, mut col) = (0u64, 0u64);
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf) {
            Ok(Event::Start(e)) if e.local_name().as_ref() == b"row" => {
                if let Some(r) = attribute(&e, b"r") {
                    row = u64::from(reference(&r, false)?.0);
                }
            }
            Ok(Event::End(e)) if e.local_name().as_ref() == b"row" => (row, col) = (row + 1, 0),
            Ok(Event::Start(e)) if e.local_name().as_ref() == b"c" => {
                // A `c` with `r` moves the running column, not the running row.
                let at = match attribute(&e, b"r") {
                    Some(r) => {
                        let (at_row, at_col) = reference(&r, true)?;
                        col = u64::from(at_col);
                        (u64::from(at_row), col)
                    }
                    None => (row, col),
                };
                match read_cell(&mut xml) {
                    Some(true) => grid.add(at)?,
                    Some(false) => {}
                    None => return Ok(()),
                }
                col += 1;
            }
            Ok(Event::End(e)) if e.local_name().as_ref() == b"sheetData" => return Ok(()),
            Ok(Event::Eof) | Err(_) => return Ok(()),
            _ => {}
        }
    }
}

/// Reads a cell to its `</c>` as calamine does: whether it holds a value (a `v` or `is`),
/// or `None` where calamine would stop with an error.
fn read_cell<R: std::io::BufRead>(xml: &mut Reader<R>) -> Option<bool> {
    let mut buf = Vec::new();
    let mut valued = false;
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf).ok()? {
            Event::Start(e) => {
                let name = e.name().as_ref().to_vec();
                match e.local_name().as_ref() {
                    b"v" => skip_to_end_of(xml, &name)?,
                    b"is" => skip_inline_string(xml, &name)?,
                    b"f" => {
                        xml.read_to_end_into(QName(&name), &mut Vec::new()).ok()?;
                    }
                    _ => return None,
                }
                valued |= e.local_name().as_ref() != b"f";
            }
            Event::End(e) if e.local_name().as_ref() == b"c" => return Some(valued),
            Event::Eof => return None,
            _ => {}
        }
    }
}

/// Skips to the first end tag named `name` (not counting nested ones, as calamine reads a
/// value); `None` at the end of the part.
fn skip_to_end_of<R: std::io::BufRead>(xml: &mut Reader<R>, name: &[u8]) -> Option<()> {
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf).ok()? {
            Event::End(e) if e.name().as_ref() == name => return Some(()),
            Event::Eof => return None,
            _ => {}
        }
    }
}

/// Skips an inline string (`is`) as calamine's `read_string` reads it: each `t` outside a
/// phonetic run to its end, and when the string is not rich text, the rest to `</is>`.
fn skip_inline_string<R: std::io::BufRead>(xml: &mut Reader<R>, closing: &[u8]) -> Option<()> {
    let mut buf = Vec::new();
    let (mut rich, mut phonetic) = (false, false);
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf).ok()? {
            Event::Start(e) if e.local_name().as_ref() == b"r" => rich = true,
            Event::Start(e) if e.local_name().as_ref() == b"rPh" => phonetic = true,
            Event::End(e) if e.name().as_ref() == closing => return Some(()),
            Event::End(e) if e.local_name().as_ref() == b"rPh" => phonetic = false,
            Event::Start(e) if e.local_name().as_ref() == b"t" && !phonetic => {
                let t = e.name().as_ref().to_vec();
                skip_to_end_of(xml, &t)?;
                if !rich {
                    xml.read_to_end_into(QName(closing), &mut Vec::new()).ok()?;
                    return Some(());
                }
            }
            Event::Eof => return None,
            _ => {}
        }
    }
}

fn attribute(e: &quick_xml::events::BytesStart, key: &[u8]) -> Option<Vec<u8>> {
    // calamine matches the attribute's whole name (`r`, not `x:r`) and stops at the first
    // malformed attribute with an error of its own.
    e.attributes().map_while(Result::ok).find(|a| a.key.as_ref() == key).map(|a| a.value.into_owned())
}

/// A `dimension` reference: `A1` or `A1:F30`, each corner within Excel's limits and the
/// first not past the second (calamine subtracts one from the other).
fn dimension(text: &[u8]) -> Result<(), String> {
    let corners = text.split(|&b| b == b':').map(|c| reference(c, true)).collect::<Result<Vec<_>, _>>()?;
    if let [start, end] = corners[..] {
        if start.0 > end.0 || start.1 > end.1 {
            return Err(format!("the dimension '{}' ends before it starts", shown(text)));
        }
    }
    Ok(())
}

/// A cell reference as Excel writes it, 1 to 3 letters then 1 to 7 digits (`row` elements
/// may leave the letters out), as a 1-based (row, column) within Excel's limits; column 0
/// when it has no letters.
fn reference(text: &[u8], needs_column: bool) -> Result<(u32, u32), String> {
    let refuse = || format!("'{}' is not a cell reference within Excel's limits (A1 to XFD{MAX_ROWS})", shown(text));
    let letters = text.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    let (column, digits) = text.split_at(letters);
    let shaped = letters <= 3
        && (letters > 0 || !needs_column)
        && (1..=7).contains(&digits.len())
        && digits.iter().all(u8::is_ascii_digit);
    if !shaped {
        return Err(refuse());
    }
    let col = column.iter().fold(0u32, |n, b| n * 26 + u32::from(b.to_ascii_uppercase() - b'A' + 1));
    let row = digits.iter().fold(0u32, |n, b| n * 10 + u32::from(b - b'0'));
    if row == 0 || row > MAX_ROWS || col > MAX_COLUMNS {
        return Err(refuse());
    }
    // 0-based, as calamine counts, so the running position continues from it.
    Ok((row - 1, col.saturating_sub(1)))
}

/// An attribute's text as an error message shows it: escaped, and cut at 40 bytes.
fn shown(text: &[u8]) -> String {
    String::from_utf8_lossy(&text[..text.len().min(40)]).escape_debug().to_string()
}

/// The rectangle around a sheet's cells with values.
#[derive(Default)]
struct Grid {
    span: Option<((u64, u64), (u64, u64))>,
}

impl Grid {
    fn add(&mut self, (row, col): (u64, u64)) -> Result<(), String> {
        if row >= u64::from(MAX_ROWS) || col >= u64::from(MAX_COLUMNS) {
            return Err(format!("a cell past Excel's limits (row {}, column {})", row + 1, col + 1));
        }
        let ((top, left), (bottom, right)) = self.span.unwrap_or(((row, col), (row, col)));
        let span = ((top.min(row), left.min(col)), (bottom.max(row), right.max(col)));
        let cells = (span.1 .0 - span.0 .0 + 1) * (span.1 .1 - span.0 .1 + 1);
        if cells > MAX_CELLS {
            return Err(format!(
                "its cells span {} rows × {} columns, more than the {MAX_CELLS} cells a sheet may hold here",
                span.1 .0 - span.0 .0 + 1,
                span.1 .1 - span.0 .1 + 1
            ));
        }
        self.span = Some(span);
        Ok(())
    }
}

/// Workbooks for tests: `base` with one part's text replaced (or added).
#[cfg(test)]
pub(crate) fn with_part(base: &[u8], part: &str, text: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    if !base.is_empty() {
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(base)).unwrap();
        for i in 0..archive.len() {
            let file = archive.by_index_raw(i).unwrap();
            if file.name() != part {
                out.raw_copy_file(file).unwrap();
            }
        }
    }
    let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    out.start_file(part, stored).unwrap();
    out.write_all(text).unwrap();
    out.finish().unwrap().into_inner()
}

#[cfg(test)]
mod tests {
    use super::*;

    const PINK_SHEET: &[u8] = include_bytes!("../../tests/fixtures/sources/worldbank_pinksheet.xlsx");

    /// A one-part archive holding a sheet whose `sheetData` is `rows`.
    fn sheet(rows: &str) -> Vec<u8> {
        sheet_with("", rows)
    }

    fn sheet_with(before: &str, rows: &str) -> Vec<u8> {
        let xml = format!(
            r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{before}<sheetData>{rows}</sheetData></worksheet>"#
        );
        with_part(&[], "xl/worksheets/sheet1.xml", xml.as_bytes())
    }

    fn valued(r: &str) -> String {
        format!(r#"<row><c r="{r}"><v>1</v></c></row>"#)
    }

    #[test]
    fn the_pink_sheet_and_references_up_to_excels_last_cell_pass() {
        assert_eq!(check(PINK_SHEET), Ok(()));
        for r in ["A1", "a1", "XFD1", "A1048576", "XFD1048576", "xfd1048576", "AB0000012"] {
            assert_eq!(check(&sheet(&valued(r))), Ok(()), "{r}");
        }
        assert_eq!(check(&sheet_with(r#"<dimension ref="A1:XFD1048576"/>"#, "")), Ok(()));
        assert_eq!(check(&sheet_with(r#"<dimension ref="C7"/>"#, "")), Ok(()));
    }

    #[test]
    fn references_past_excels_limits_or_out_of_shape_are_refused() {
        // Among them the fuzzer's finds: each overflowed calamine's arithmetic.
        for r in [
            "A1048577",
            "XFE1",
            "AAAA1",
            "A0",
            "A00000000001",
            "A99999999999",
            "C281111111111111111111111",
            "ZZZZZZZZZZZZZZ1",
            "",
            "1A",
            "A",
            "A1B2",
            "A-1",
        ] {
            let why = check(&sheet(&valued(r))).unwrap_err();
            assert!(why.contains("is not a cell reference within Excel's limits"), "{r}: {why}");
            assert!(why.starts_with("part 'xl/worksheets/sheet1.xml': "), "{why}");
        }
        let why = check(&sheet(r#"<row r="99999999999"><c><v>1</v></c></row>"#)).unwrap_err();
        assert!(why.contains("'99999999999' is not a cell reference"), "{why}");
    }

    #[test]
    fn a_dimension_that_ends_before_it_starts_or_overflows_is_refused() {
        let why = check(&sheet_with(r#"<dimension ref="I1:F30"/>"#, "")).unwrap_err();
        assert!(why.ends_with("the dimension 'I1:F30' ends before it starts"), "{why}");
        assert!(check(&sheet_with(r#"<dimension ref="A2:A1"/>"#, "")).is_err());
        // calamine reads every corner before it counts them.
        let why = check(&sheet_with(r#"<dimension ref="A1:B2:A99999999999"/>"#, "")).unwrap_err();
        assert!(why.contains("'A99999999999'"), "{why}");
    }

    #[test]
    fn cells_with_values_far_apart_are_refused_but_far_empty_cells_are_not() {
        // Both corners are legal; the grid between them is 17 billion cells.
        let far = format!("{}{}", valued("A1"), valued("XFD1048576"));
        let why = check(&sheet(&far)).unwrap_err();
        assert!(why.contains("its cells span 1048576 rows × 16384 columns"), "{why}");
        // An empty styled cell is not kept by calamine, so it does not widen the grid.
        let styled = format!(r#"{}<row><c r="XFD1048576" s="1"/></row>"#, valued("A1"));
        assert_eq!(check(&sheet(&styled)), Ok(()));
        // Just inside and just past the limit: 2 columns of 1,000,000 rows, and one row more.
        assert_eq!(check(&sheet(&format!("{}{}", valued("B5"), valued("C1000004")))), Ok(()));
        assert!(check(&sheet(&format!("{}{}", valued("B5"), valued("C1000005"))))
            .unwrap_err()
            .contains("1000001 rows × 2 columns"));
    }

    #[test]
    fn positions_without_a_reference_follow_the_cell_and_row_before_them() {
        // The second row has no `r`: it is row 1,048,577, past the last.
        let rows = r#"<row r="1048576"><c><v>1</v></c></row><row><c><v>2</v></c></row>"#;
        let why = check(&sheet(rows)).unwrap_err();
        assert!(why.contains("a cell past Excel's limits (row 1048577, column 1)"), "{why}");
        // Cells without `r` after XFC1: XFD1 is the last column, the next one is past it.
        let ok = r#"<row><c r="XFC1"><v>1</v></c><c><v>2</v></c></row>"#;
        assert_eq!(check(&sheet(ok)), Ok(()));
        let past = r#"<row><c r="XFC1"><v>1</v></c><c><v>2</v></c><c><v>3</v></c></row>"#;
        assert!(check(&sheet(past)).unwrap_err().contains("column 16385"));
    }

    #[test]
    fn what_calamine_skips_inside_a_cell_does_not_move_the_position() {
        // A `row` inside a value is text to calamine: the next row is still 1,048,577.
        let rows = r#"<row r="1048576"><c><v>1<row r="1"></row></v></c></row><row><c><v>2</v></c></row>"#;
        assert!(check(&sheet(rows)).unwrap_err().contains("row 1048577"));
        let rows =
            r#"<row r="1048576"><c t="inlineStr"><is><t>x<row r="1"/></t></is></c></row><row><c><v>2</v></c></row>"#;
        assert!(check(&sheet(rows)).unwrap_err().contains("row 1048577"));
        // Before `sheetData` calamine reads only `dimension`; after it, nothing.
        let ignored = r#"<c r="A99999999999"/>"#;
        assert_eq!(check(&sheet_with(ignored, "")), Ok(()));
        let after = with_part(
            &[],
            "xl/worksheets/sheet1.xml",
            format!("<worksheet><sheetData/>{ignored}</worksheet>").as_bytes(),
        );
        assert_eq!(check(&after), Ok(()));
    }

    #[test]
    fn every_part_is_checked_whatever_its_name_or_root() {
        let xml = r#"<anything><sheetData><row><c r="A99999999999"><v>1</v></c></row></sheetData></anything>"#;
        let book = with_part(PINK_SHEET, "xl/media/not-a-sheet.bin", xml.as_bytes());
        let why = check(&book).unwrap_err();
        assert!(why.starts_with("part 'xl/media/not-a-sheet.bin': "), "{why}");
    }

    #[test]
    fn a_workbook_that_unpacks_past_the_budget_is_refused() {
        let rows = valued("A1").repeat(100);
        let book = sheet(&rows);
        assert_eq!(check_within(&book, 10_000), Ok(()));
        assert_eq!(check_within(&book, 1_000), Err("the workbook unpacks to more than 1000 bytes".into()));
    }

    #[test]
    fn what_is_not_a_workbook_is_left_to_calamine_to_refuse() {
        assert_eq!(check(b"<html>Service unavailable</html>"), Ok(()));
        assert_eq!(check(&PINK_SHEET[..PINK_SHEET.len() / 2]), Ok(()));
        // A part that is not XML ends its own check at the first error, as calamine would.
        assert_eq!(check(&with_part(&[], "xl/worksheets/sheet1.xml", b"<row r=\"A1\"><c r=")), Ok(()));
    }
}
