//! SEC EDGAR index files, parsed (pure; the EDGAR adapter and the venture jobs build on
//! it). Three layouts: `form.idx` and `company.idx` (fixed-width, column order given by
//! their header) and `master.idx` (`CIK|Company Name|Form Type|Date Filed|File Name`); dates
//! as `YYYYMMDD` (daily files) or `YYYY-MM-DD` (quarterly full index). A line that cannot be
//! read is reported with its number and the reason, and the rest are kept.
use chrono::NaiveDate;

/// One filing listed by an index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexEntry {
    pub form: String,
    pub company: String,
    pub cik: u64,
    pub filed: NaiveDate,
    /// `edgar/data/{cik}/{accession}.txt`
    pub path: String,
    /// `0001140361-20-006155`, from the path.
    pub accession: String,
}

/// The entries of an index and the lines it could not read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedIndex {
    pub entries: Vec<IndexEntry>,
    /// (1-based line number, why)
    pub errors: Vec<(usize, String)>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum IndexError {
    #[error("an HTML page arrived where an EDGAR index was expected{}", if *.0 { " (EDGAR's request-rate page: back off)" } else { "" })]
    Html(bool),
    #[error("no column header line: not an EDGAR index")]
    NoHeader,
}

/// Both date forms EDGAR uses.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    NaiveDate::parse_from_str(s, "%Y%m%d").or_else(|_| NaiveDate::parse_from_str(s, "%Y-%m-%d")).ok()
}

/// The accession number in an index path: the file name without `.txt`.
pub fn accession_of(path: &str) -> Option<String> {
    let name = path.rsplit('/').next()?.strip_suffix(".txt")?;
    let parts: Vec<&str> = name.split('-').collect();
    let ok = parts.len() == 3
        && [10, 2, 6].iter().zip(&parts).all(|(n, p)| p.len() == *n && p.bytes().all(|b| b.is_ascii_digit()));
    ok.then(|| name.to_string())
}

/// Whether the body is EDGAR's "Request Rate Threshold Exceeded" page (or any HTML).
pub fn html_kind(text: &str) -> Option<bool> {
    let head = text.trim_start().get(..512.min(text.trim_start().len())).unwrap_or("").to_ascii_lowercase();
    (head.starts_with("<!doctype html") || head.starts_with("<html"))
        .then(|| text.contains("Request Rate Threshold Exceeded") || text.contains("rate threshold"))
}

fn entry(form: &str, company: &str, cik: &str, date: &str, path: &str) -> Result<IndexEntry, String> {
    let form = form.trim();
    if form.is_empty() {
        return Err("no form type".into());
    }
    let cik: u64 = cik.trim().parse().map_err(|_| format!("CIK '{}' is not a number", cik.trim()))?;
    let filed = parse_date(date).ok_or_else(|| format!("date '{}' is neither YYYYMMDD nor YYYY-MM-DD", date.trim()))?;
    let path = path.trim();
    let accession = accession_of(path).ok_or_else(|| format!("file name '{path}' holds no accession number"))?;
    Ok(IndexEntry {
        form: form.to_string(),
        company: company.trim().to_string(),
        cik,
        filed,
        path: path.to_string(),
        accession,
    })
}

/// Parses any of the three layouts.
pub fn parse(text: &str) -> Result<ParsedIndex, IndexError> {
    if let Some(rate) = html_kind(text) {
        return Err(IndexError::Html(rate));
    }
    let lines: Vec<&str> = text.lines().collect();
    let header = lines.iter().position(|l| l.contains("Form Type") && l.contains("CIK")).ok_or(IndexError::NoHeader)?;
    // company.idx wraps its header: "... CIK" then "      Date Filed  File Name".
    let head = if lines[header].contains("File Name") {
        lines[header].to_string()
    } else {
        match lines.get(header + 1).filter(|l| l.contains("File Name")) {
            Some(next) => format!("{}{next}", lines[header]),
            None => return Err(IndexError::NoHeader),
        }
    };
    let header = if head.len() > lines[header].len() { header + 1 } else { header };
    let pipe = head.contains('|');
    let mut out = ParsedIndex::default();
    // The column that starts second in a fixed-width header (Company Name in form.idx,
    // Form Type in company.idx): where the first two columns divide.
    let form_first = head.find("Form Type") < head.find("Company Name");
    let split_at = if form_first { head.find("Company Name") } else { head.find("Form Type") }.unwrap_or(0);
    for (i, line) in lines.iter().enumerate().skip(header + 1) {
        let n = i + 1;
        if line.trim().is_empty() || line.trim_start().starts_with("---") {
            continue;
        }
        let parsed = if pipe {
            let f: Vec<&str> = line.split('|').collect();
            if f.len() != 5 {
                Err(format!("{} fields where 5 were expected", f.len()))
            } else {
                entry(f[2], f[1], f[0], f[3], f[4])
            }
        } else {
            // CIK, date and file name are the last three fields; the rest divide at the
            // header's column boundary (form types and names both hold spaces).
            let mut rest = line.trim_end();
            let mut tail = Vec::new();
            for _ in 0..3 {
                // Split around the whole whitespace character: a no-break or ideographic
                // space is more than one byte, and slicing one byte past its start panicked
                // (found reading the parser for its fuzz target; fuzz/regressions/edgar_index).
                match rest.rsplit_once(char::is_whitespace) {
                    Some((head, field)) => {
                        tail.push(field);
                        rest = head.trim_end();
                    }
                    None => break,
                }
            }
            if tail.len() < 3 || rest.is_empty() {
                Err("too few fields (a truncated line?)".into())
            } else if !rest.is_char_boundary(split_at.min(rest.len())) {
                Err("the line does not follow the header's columns".into())
            } else {
                let (a, b) = rest.split_at(split_at.min(rest.len()));
                let (form, company) = if form_first { (a, b) } else { (b, a) };
                entry(form, company, tail[2], tail[1], tail[0])
            }
        };
        match parsed {
            Ok(e) => out.entries.push(e),
            Err(why) => out.errors.push((n, why)),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PREAMBLE: &str = "Description:           Daily Index of EDGAR Dissemination Feed by Form Type\n\
Last Data Received:    Nov 27, 2026\nComments:              webmaster@sec.gov\nAnonymous FTP:         ftp://ftp.sec.gov/edgar/\n \n \n \n";

    fn row(cols: &[(&str, usize)]) -> String {
        cols.iter().map(|(v, w)| format!("{v:<w$}", w = *w)).collect()
    }

    fn form_idx(date: &str) -> String {
        let mut s = String::from(PREAMBLE);
        s += &row(&[("Form Type", 12), ("Company Name", 62), ("CIK", 12), ("Date Filed", 12), ("File Name", 0)]);
        s += "\n";
        s += &"-".repeat(141);
        s += "\n";
        for (form, name, cik, acc) in [
            ("D", "Example Robotics, Inc.", "1900001", "0001900001-26-000001"),
            ("D/A", "Example Robotics, Inc.", "1900001", "0001900001-26-000002"),
            ("SC TO-T", "Big Acquirer Corp", "320193", "0000320193-26-000104"),
            ("S-1", "Rocket Lab Two Ltd", "1819994", "0001193125-26-123456"),
        ] {
            s += &row(&[(form, 12), (name, 62), (cik, 12), (date, 12), (&format!("edgar/data/{cik}/{acc}.txt"), 0)]);
            s += "         \n";
        }
        s
    }

    #[test]
    fn the_fixed_width_form_index_reads_in_both_date_forms() {
        for date in ["20261127", "2026-11-27"] {
            let p = parse(&form_idx(date)).unwrap();
            assert_eq!(p.errors, vec![], "{date}");
            assert_eq!(p.entries.len(), 4, "{date}");
            let e = &p.entries[2];
            assert_eq!((e.form.as_str(), e.company.as_str(), e.cik), ("SC TO-T", "Big Acquirer Corp", 320193));
            assert_eq!(e.filed, NaiveDate::from_ymd_opt(2026, 11, 27).unwrap());
            assert_eq!(e.accession, "0000320193-26-000104");
            assert_eq!(p.entries[1].form, "D/A");
        }
    }

    #[test]
    fn the_company_index_puts_the_name_first_and_still_reads() {
        let mut s = String::from(PREAMBLE);
        // Its header wraps after CIK, as EDGAR writes it.
        s += &row(&[("Company Name", 62), ("Form Type", 12), ("CIK", 0)]);
        s += "\n      Date Filed  File Name\n---\n";
        s += &row(&[
            ("1st Example REIT Inc.", 62),
            ("1-A POS", 12),
            ("1700461", 12),
            ("20221003", 12),
            ("edgar/data/1700461/0001104659-22-105357.txt", 0),
        ]);
        let p = parse(&s).unwrap();
        assert_eq!(p.errors, vec![]);
        assert_eq!((p.entries[0].form.as_str(), p.entries[0].company.as_str()), ("1-A POS", "1st Example REIT Inc."));
    }

    #[test]
    fn the_master_index_is_pipe_delimited() {
        let s = format!(
            "{PREAMBLE}CIK|Company Name|Form Type|Date Filed|File Name\n--------------------------------------------------------------------------------\n\
             1900001|Example Robotics, Inc.|D|2026-11-27|edgar/data/1900001/0001900001-26-000001.txt\n\
             1819994|Rocket Lab Two Ltd|424B4|20261127|edgar/data/1819994/0001193125-26-123457.txt\n"
        );
        let p = parse(&s).unwrap();
        assert_eq!(p.errors, vec![]);
        assert_eq!(p.entries.iter().map(|e| e.form.as_str()).collect::<Vec<_>>(), ["D", "424B4"]);
        assert_eq!(p.entries[0].company, "Example Robotics, Inc.");
    }

    #[test]
    fn broken_lines_are_reported_by_number_and_the_rest_kept() {
        let mut s = form_idx("20261127");
        s += "D           Truncated Ventu\n";
        s += &row(&[
            ("D", 12),
            ("Bad Date LLC", 62),
            ("1900009", 12),
            ("27/11/2026", 12),
            ("edgar/data/1900009/0001900009-26-000001.txt", 0),
        ]);
        s += "\n";
        s += &row(&[
            ("D", 12),
            ("No Accession LLC", 62),
            ("1900010", 12),
            ("20261127", 12),
            ("edgar/data/1900010/index.html", 0),
        ]);
        s += "\n";
        let p = parse(&s).unwrap();
        assert_eq!(p.entries.len(), 4);
        let lines: Vec<usize> = p.errors.iter().map(|e| e.0).collect();
        assert_eq!(lines, vec![14, 15, 16], "{:?}", p.errors);
        assert!(p.errors[1].1.contains("27/11/2026"), "{:?}", p.errors);
        assert!(p.errors[2].1.contains("accession"), "{:?}", p.errors);
    }

    #[test]
    fn a_line_split_by_a_wide_space_is_read_not_a_panic() {
        // A no-break space (two bytes in UTF-8) before the file name, and an ideographic
        // space (three) before the date: each is a field boundary like any other space.
        let mut s = form_idx("20261127");
        s += &row(&[("D", 12), ("Wide Space Co.", 62), ("1900002", 12)]);
        s += "20261127\u{a0}edgar/data/1900002/0001900002-26-000001.txt\n";
        s += &row(&[("D", 12), ("Wider Co.", 62)]);
        s += "1900003\u{3000}20261127 edgar/data/1900003/0001900003-26-000001.txt\n";
        let p = parse(&s).unwrap();
        assert_eq!(p.errors, vec![]);
        assert_eq!(p.entries.len(), 6);
        assert_eq!((p.entries[4].cik, p.entries[4].accession.as_str()), (1900002, "0001900002-26-000001"));
        assert_eq!((p.entries[5].cik, p.entries[5].company.as_str()), (1900003, "Wider Co."));
    }

    #[test]
    fn an_index_with_no_filings_is_empty_not_an_error() {
        let mut s = form_idx("20261127");
        s.truncate(s.find(&"-".repeat(141)).unwrap() + 142);
        assert_eq!(parse(&s).unwrap(), ParsedIndex::default());
    }

    #[test]
    fn html_is_refused_and_the_rate_page_is_recognised() {
        let rate = "<!DOCTYPE html>\n<html><head><title>SEC.gov | Request Rate Threshold Exceeded</title></head><body></body></html>";
        assert_eq!(parse(rate), Err(IndexError::Html(true)));
        assert_eq!(parse("<html><body>Maintenance</body></html>"), Err(IndexError::Html(false)));
        assert_eq!(parse("date,value\n2026-11-27,1\n"), Err(IndexError::NoHeader));
    }
}
