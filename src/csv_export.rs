//! Every CSV download: written by the `csv` crate, with cells that a spreadsheet would
//! run as a formula defused (OWASP's CSV-injection rule), since company and fund names
//! come from filings and imports that anyone can write.
use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::error::AppError;

/// A cell as it is safe to open in a spreadsheet: text starting with `=`, `+`, `-`, `@`, a
/// tab or a carriage return gets a leading `'`, so it shows as text instead of running.
/// A number (`-1.5`, `+2`) is left alone: it is data, and Excel reads it as a number.
pub fn safe_cell(s: &str) -> std::borrow::Cow<'_, str> {
    let risky = s.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let number = s.parse::<f64>().is_ok_and(f64::is_finite);
    if risky && !number {
        format!("'{s}").into()
    } else {
        s.into()
    }
}

/// The CSV bytes of a header and rows, every cell through `safe_cell`.
pub fn write<R, C>(header: &[&str], rows: impl IntoIterator<Item = R>) -> Result<Vec<u8>, csv::Error>
where
    R: IntoIterator<Item = C>,
    C: AsRef<str>,
{
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header.iter().map(|h| safe_cell(h).into_owned()))?;
    for row in rows {
        w.write_record(row.into_iter().map(|c| safe_cell(c.as_ref()).into_owned()))?;
    }
    w.into_inner().map_err(|e| e.into_error().into())
}

/// A CSV download: the header, then one record per row; a write failure is a 500 logged
/// with its detail.
pub fn response<R, C>(filename: &str, header: &[&str], rows: impl IntoIterator<Item = R>) -> Response
where
    R: IntoIterator<Item = C>,
    C: AsRef<str>,
{
    match write(header, rows) {
        Ok(body) => {
            let disposition = format!("attachment; filename=\"{}\"", filename.replace(['"', '\\', '\r', '\n'], "_"));
            (
                [
                    (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                    (header::CONTENT_DISPOSITION, disposition),
                ],
                body,
            )
                .into_response()
        }
        Err(e) => AppError::internal("cannot write CSV", e).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_like_text_is_defused_and_numbers_are_not() {
        for risky in [
            "=HYPERLINK(\"http://x\",\"y\")",
            "+cmd|' /C calc'!A0",
            "-2+3+cmd|' /C calc'!A0",
            "@SUM(1+1)",
            "\t=1",
            "\r=1",
        ] {
            assert_eq!(safe_cell(risky), format!("'{risky}"), "{risky:?}");
        }
        for plain in ["-1.5", "+2", "0", "Acme Robotics", "", "2024-01-31", "a=b"] {
            assert_eq!(safe_cell(plain), plain, "{plain:?}");
        }
        assert_eq!(safe_cell("-inf"), "'-inf", "not a finite number: text");
    }

    #[test]
    fn written_rows_are_quoted_by_the_csv_crate_and_defused() {
        let body = write(&["name", "amount"], [vec!["=1+1", "-5"], vec!["a,\"b\"", "7"]]).unwrap();
        let text = String::from_utf8(body).unwrap();
        assert_eq!(text, "name,amount\n'=1+1,-5\n\"a,\"\"b\"\"\",7\n");
        let mut r = csv::Reader::from_reader(text.as_bytes());
        let names: Vec<String> = r.records().map(|r| r.unwrap()[0].to_string()).collect();
        assert_eq!(names, ["'=1+1", "a,\"b\""]);
    }
}
