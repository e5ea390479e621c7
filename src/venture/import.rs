//! The import layout for what EDGAR lacks (named investors, stages, valuations, funds and
//! their cash flows), and its validation. Pure: bytes in, typed rows and every error out.
//! Checks that need the database (does a referenced company exist?) happen in
//! `import_write`, before anything is written.
//!
//! CSV: one file holds every table. Its first column is `record` and says which table a
//! line belongs to; the header is the union of the columns the file uses (any subset of
//! `CSV_HEADER`, in any order after `record`), and cells a record does not use stay blank.
//! One file rather than one per table, because a round names its company and investors:
//! with everything in one file the references are checked together, the import is one
//! transaction, and every error has one line number in one file. Lines starting with `#`
//! are comments; blank lines are skipped.
//!
//! JSON: `{"companies": [...], "rounds": [...], ...}` (sections in `Record::json_key`),
//! each row an object with the same field names as the CSV columns; amounts may be numbers
//! or strings, and `lead_investors`/`investors` may be arrays of names.
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::LazyLock;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::model::{ACQUISITION_STATUSES, STAGES};
use super::sector::Sector;
use super::upsert::{name_key, slug};
use crate::params::{DateError, FIRST_DATE, LAST_DATE};

/// Larger files are refused: an import is a hand-curated list, not a bulk feed.
pub const MAX_IMPORT_BYTES: usize = 10 * 1024 * 1024;

/// Kinds of investor (`investors.kind`); rounds create unknown investors as the first.
pub const INVESTOR_KINDS: [&str; 6] = ["venture capital", "corporate", "angel", "accelerator", "growth", "other"];
/// Bases of a valuation (`valuations.basis`): a round's post-money, a 409A appraisal, a
/// secondary sale, or a fund's mark.
pub const VALUATION_BASES: [&str; 4] = ["post-money", "409A", "secondary", "mark"];
pub const CASH_FLOW_KINDS: [&str; 3] = ["call", "distribution", "nav"];

/// Every CSV column, in the documented order: `record` (first in every file), then each
/// record's fields (`Record::fields`, records in `Record::ALL` order) where they first appear.
pub static CSV_HEADER: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    let mut columns = vec!["record"];
    for &field in Record::ALL.iter().flat_map(|r| r.fields()) {
        if !columns.contains(&field) {
            columns.push(field);
        }
    }
    columns
});

/// The tables an import fills, one per `record` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Record {
    Company,
    Investor,
    Fund,
    Round,
    Acquisition,
    Valuation,
    CashFlow,
    Holding,
}

impl Record {
    pub const ALL: [Record; 8] = [
        Record::Company,
        Record::Investor,
        Record::Fund,
        Record::Round,
        Record::Acquisition,
        Record::Valuation,
        Record::CashFlow,
        Record::Holding,
    ];

    /// The CSV `record` value.
    pub fn name(self) -> &'static str {
        match self {
            Record::Company => "company",
            Record::Investor => "investor",
            Record::Fund => "fund",
            Record::Round => "round",
            Record::Acquisition => "acquisition",
            Record::Valuation => "valuation",
            Record::CashFlow => "cash_flow",
            Record::Holding => "holding",
        }
    }

    /// The JSON section.
    pub fn json_key(self) -> &'static str {
        match self {
            Record::Company => "companies",
            Record::Investor => "investors",
            Record::Fund => "funds",
            Record::Round => "rounds",
            Record::Acquisition => "acquisitions",
            Record::Valuation => "valuations",
            Record::CashFlow => "cash_flows",
            Record::Holding => "holdings",
        }
    }

    /// The fields a row of this kind may fill.
    pub fn fields(self) -> &'static [&'static str] {
        match self {
            Record::Company => &["name", "cik", "sector", "state", "city", "website", "year_founded", "description"],
            Record::Investor => &["name", "kind", "website", "city"],
            Record::Fund => &["name", "cik", "manager", "vintage", "size_usd", "strategy", "state"],
            Record::Round => &[
                "company",
                "announced_on",
                "stage",
                "amount_usd",
                "pre_money_usd",
                "post_money_usd",
                "lead_investors",
                "investors",
            ],
            Record::Acquisition => &["acquirer", "target", "announced_on", "closed_on", "price_usd", "status"],
            Record::Valuation => &["company", "valued_on", "post_money_usd", "pre_money_usd", "basis"],
            Record::CashFlow => &["fund", "date", "kind", "amount_usd"],
            Record::Holding => &["fund", "company", "invested_usd", "realized_usd", "unrealized_usd", "as_of"],
        }
    }

    /// The fields a row of this kind must fill.
    pub fn required(self) -> &'static [&'static str] {
        match self {
            Record::Company | Record::Investor | Record::Fund => &["name"],
            Record::Round => &["company", "announced_on", "stage"],
            Record::Acquisition => &["acquirer", "target", "announced_on"],
            Record::Valuation => &["company", "valued_on", "post_money_usd", "basis"],
            Record::CashFlow => &["fund", "date", "kind", "amount_usd"],
            Record::Holding => &["fund", "company", "invested_usd", "as_of"],
        }
    }

    fn by_name(s: &str) -> Option<Record> {
        Record::ALL.into_iter().find(|r| r.name() == s)
    }

    fn by_json_key(s: &str) -> Option<Record> {
        Record::ALL.into_iter().find(|r| r.json_key() == s)
    }
}

/// One reason an import was refused, with where it is: a line of the file (1-based; the
/// CSV header is line 1), and for JSON the path to the value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RowError {
    /// `None` for what concerns the whole file (empty, binary, not JSON at all).
    pub line: Option<usize>,
    /// The CSV column or JSON field at fault, if one is.
    pub field: Option<String>,
    /// JSON only: `rounds[3].amount_usd`.
    pub path: Option<String>,
    pub reason: String,
}

impl RowError {
    pub fn file(reason: impl Into<String>) -> Self {
        Self { line: None, field: None, path: None, reason: reason.into() }
    }

    pub fn at_line(line: usize, reason: impl Into<String>) -> Self {
        Self { line: Some(line), field: None, path: None, reason: reason.into() }
    }
}

impl fmt::Display for RowError {
    /// `line 7: amount_usd: not a number: "12,5m"`, or for JSON
    /// `line 12: rounds[3].amount_usd: not a number: "12,5m"`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(l) = self.line {
            write!(f, "line {l}: ")?;
        }
        match (&self.path, &self.field) {
            (Some(p), _) => write!(f, "{p}: ")?,
            (None, Some(field)) => write!(f, "{field}: ")?,
            (None, None) => {}
        }
        f.write_str(&self.reason)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Csv,
    Json,
}

/// How a row names a company or a fund: `cik:1318605`, or its name (matched
/// case-insensitively, spaces collapsed).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Ref {
    Cik(i64),
    Name(String),
}

impl Ref {
    /// What two references to the same row have in common: `cik:N` or the name key.
    pub fn key(&self) -> String {
        match self {
            Ref::Cik(c) => format!("cik:{c}"),
            Ref::Name(n) => name_key(n),
        }
    }
}

impl fmt::Display for Ref {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ref::Cik(c) => write!(f, "cik:{c}"),
            Ref::Name(n) => f.write_str(n),
        }
    }
}

/// A validated row and where it came from (its line becomes the row's `source_id`).
#[derive(Debug, Clone, PartialEq)]
pub struct Row<T> {
    pub line: usize,
    /// JSON only: `rounds[3]`.
    pub path: Option<String>,
    pub data: T,
}

impl<T> Row<T> {
    /// An error about this row as a whole, or about one of its fields.
    pub fn error(&self, field: Option<&str>, reason: impl Into<String>) -> RowError {
        RowError {
            line: Some(self.line),
            field: field.map(str::to_string),
            path: match (&self.path, field) {
                (Some(p), Some(f)) => Some(format!("{p}.{f}")),
                (Some(p), None) => Some(p.clone()),
                (None, _) => None,
            },
            reason: reason.into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct CompanyIn {
    pub name: String,
    pub cik: Option<i64>,
    /// `None`: keep a known company's sector; `other` for a new one.
    pub sector: Option<Sector>,
    pub state: Option<String>,
    pub city: Option<String>,
    pub website: Option<String>,
    pub year_founded: Option<i32>,
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct InvestorIn {
    pub name: String,
    /// One of `INVESTOR_KINDS`; `None` keeps a known investor's kind (`venture capital` for a new one).
    pub kind: Option<String>,
    pub website: Option<String>,
    pub city: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FundIn {
    pub name: String,
    pub cik: Option<i64>,
    /// The managing firm: an investor, created when unknown.
    pub manager: Option<String>,
    pub vintage: Option<i32>,
    pub size_usd: Option<f64>,
    pub strategy: Option<String>,
    pub state: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RoundIn {
    pub company: Ref,
    pub announced_on: NaiveDate,
    /// One of `model::STAGES`.
    pub stage: String,
    pub amount_usd: Option<f64>,
    pub pre_money_usd: Option<f64>,
    pub post_money_usd: Option<f64>,
    /// Each investor once, leads first, with whether it led.
    pub investors: Vec<(String, bool)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AcquisitionIn {
    pub acquirer: String,
    pub target: String,
    pub announced_on: NaiveDate,
    pub closed_on: Option<NaiveDate>,
    pub price_usd: Option<f64>,
    /// Given, or `completed` when a closing date is, else `announced`.
    pub status: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ValuationIn {
    pub company: Ref,
    pub valued_on: NaiveDate,
    pub post_money_usd: f64,
    pub pre_money_usd: Option<f64>,
    /// One of `VALUATION_BASES`.
    pub basis: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CashFlowIn {
    pub fund: Ref,
    pub date: NaiveDate,
    /// One of `CASH_FLOW_KINDS`.
    pub kind: String,
    /// As stored: calls negative (whatever sign the file gave), distributions and NAV positive.
    pub amount: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct HoldingIn {
    pub fund: Ref,
    pub company: Ref,
    pub invested_usd: f64,
    pub realized_usd: f64,
    pub unrealized_usd: f64,
    pub as_of: NaiveDate,
}

/// The rows that passed validation, by table.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportSet {
    pub companies: Vec<Row<CompanyIn>>,
    pub investors: Vec<Row<InvestorIn>>,
    pub funds: Vec<Row<FundIn>>,
    pub rounds: Vec<Row<RoundIn>>,
    pub acquisitions: Vec<Row<AcquisitionIn>>,
    pub valuations: Vec<Row<ValuationIn>>,
    pub cash_flows: Vec<Row<CashFlowIn>>,
    pub holdings: Vec<Row<HoldingIn>>,
    /// Reference keys (`Ref::key`) of company rows that were refused: rows naming them are
    /// not reported a second time as naming an unknown company.
    pub refused_companies: HashSet<String>,
    pub refused_funds: HashSet<String>,
}

/// What `parse` found: the valid rows and every error. An import goes ahead only when
/// `errors` is empty.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    pub format: Option<Format>,
    /// Data rows read (valid or not), comments and blank lines aside.
    pub rows: usize,
    pub set: ImportSet,
    pub errors: Vec<RowError>,
}

/// Reads and validates an import file. `file_name` decides the format by its extension
/// (`.csv`, `.json`); without one the content does.
pub fn parse(file_name: &str, bytes: &[u8]) -> Parsed {
    let mut parsed = Parsed { format: None, rows: 0, set: ImportSet::default(), errors: Vec::new() };
    let text = match preflight(bytes) {
        Ok(t) => t,
        Err(e) => {
            parsed.errors.push(e);
            return parsed;
        }
    };
    let format = detect(file_name, text);
    parsed.format = Some(format);
    let raw = match format {
        Format::Csv => read_csv(text, &mut parsed.rows, &mut parsed.errors),
        Format::Json => read_json(text, &mut parsed.rows, &mut parsed.errors),
    };
    if parsed.rows == 0 && parsed.errors.is_empty() {
        parsed.errors.push(RowError::file("the file holds no rows: nothing to import"));
    }
    for r in &raw {
        typed(r, &mut parsed.set, &mut parsed.errors);
    }
    dedup(&mut parsed.set, &mut parsed.errors);
    parsed.errors.sort_by(|a, b| (a.line, &a.path, &a.field).cmp(&(b.line, &b.path, &b.field)));
    parsed
}

/// Decodes the file as text, refusing what is plainly not an export: an empty file, a
/// binary one, an HTML page (what a browser saves when a download failed).
fn preflight(bytes: &[u8]) -> Result<&str, RowError> {
    if bytes.len() > MAX_IMPORT_BYTES {
        return Err(RowError::file(format!(
            "the file is {:.1} MB; imports are limited to {} MB",
            bytes.len() as f64 / 1_048_576.0,
            MAX_IMPORT_BYTES / 1_048_576
        )));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let binary = || RowError::file("the file is binary, not CSV or JSON text (UTF-8)");
    if bytes.contains(&0) {
        return Err(binary());
    }
    let text = std::str::from_utf8(bytes).map_err(|_| binary())?;
    if text.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\x0c')) {
        return Err(binary());
    }
    let start = text.trim_start();
    if start.is_empty() {
        return Err(RowError::file("the file is empty"));
    }
    let head: String = start.chars().take(64).collect::<String>().to_ascii_lowercase();
    if start.starts_with('<') || head.contains("<!doctype") || head.contains("<html") {
        return Err(RowError::file("the file is an HTML or XML page, not CSV or JSON"));
    }
    Ok(text)
}

fn detect(file_name: &str, text: &str) -> Format {
    let lower = file_name.to_ascii_lowercase();
    if lower.ends_with(".json") {
        Format::Json
    } else if lower.ends_with(".csv") {
        Format::Csv
    } else if text.trim_start().starts_with(['{', '[']) {
        Format::Json
    } else {
        Format::Csv
    }
}

/// A row before validation: its table, where it is, and its cells by field name.
#[derive(Debug)]
struct RawRow {
    record: Record,
    line: usize,
    path: Option<String>,
    cells: Vec<(String, String)>,
    /// Fields whose value was already refused while reading (a JSON `true` where text
    /// belongs): the row is bad, and the field is not reported again as missing.
    refused: Vec<String>,
}

/// The rows of a CSV file; `count` includes those refused while reading.
fn read_csv(text: &str, count: &mut usize, errors: &mut Vec<RowError>) -> Vec<RawRow> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        // Rows with a wrong number of cells are reported one by one, not as a stop.
        .flexible(true)
        .trim(csv::Trim::All)
        .comment(Some(b'#'))
        .from_reader(text.as_bytes());
    let header = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            errors.push(csv_error(e, &Lines::new(text)));
            return Vec::new();
        }
    };
    let lines = Lines::new(text);
    let header_line = header.position().map(|p| lines.of(p.byte() as usize)).unwrap_or(1);
    let columns: Vec<String> = header.iter().map(|c| c.to_ascii_lowercase()).collect();
    if columns.first().map(String::as_str) != Some("record") {
        errors.push(RowError::at_line(
            header_line,
            format!(
                "the first column must be `record` (company, round, ...), found {:?}; the header names the columns, e.g. {}",
                columns.first().cloned().unwrap_or_default(),
                CSV_HEADER[..6].join(",")
            ),
        ));
        return Vec::new();
    }
    let mut seen = HashSet::new();
    let mut bad_header = false;
    for c in &columns {
        if !CSV_HEADER.contains(&c.as_str()) {
            errors.push(RowError {
                line: Some(header_line),
                field: Some(c.clone()),
                path: None,
                reason: format!("unknown column {c:?}; the columns are {}", CSV_HEADER.join(", ")),
            });
            bad_header = true;
        } else if !seen.insert(c.clone()) {
            errors.push(RowError::at_line(header_line, format!("column {c:?} appears twice in the header")));
            bad_header = true;
        }
    }
    if bad_header {
        return Vec::new();
    }
    let mut rows = Vec::new();
    for rec in reader.records() {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                errors.push(csv_error(e, &lines));
                continue;
            }
        };
        let line = rec.position().map(|p| lines.of(p.byte() as usize)).unwrap_or(0);
        if rec.iter().all(str::is_empty) {
            continue;
        }
        *count += 1;
        if rec.len() != columns.len() {
            errors.push(RowError::at_line(
                line,
                format!("{} cells where the header has {} columns", rec.len(), columns.len()),
            ));
            continue;
        }
        let kind = rec.get(0).unwrap_or_default().to_ascii_lowercase();
        let Some(record) = Record::by_name(&kind) else {
            errors.push(RowError {
                line: Some(line),
                field: Some("record".into()),
                path: None,
                reason: format!(
                    "unknown record {kind:?}; one of {}",
                    Record::ALL.iter().map(|r| r.name()).collect::<Vec<_>>().join(", ")
                ),
            });
            continue;
        };
        let cells = columns.iter().zip(rec.iter()).skip(1).map(|(c, v)| (c.clone(), v.to_string())).collect();
        rows.push(RawRow { record, line, path: None, cells, refused: Vec::new() });
    }
    rows
}

/// Line numbers from byte offsets. The CSV reader's own line count leaves out the comment
/// and blank lines it skips, and a record's byte offset is where the reader started
/// looking, before those lines: so skip them here, then count the newlines before.
struct Lines<'a> {
    text: &'a [u8],
    newlines: Vec<usize>,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        let text = text.as_bytes();
        Lines { text, newlines: text.iter().enumerate().filter(|(_, b)| **b == b'\n').map(|(i, _)| i).collect() }
    }

    fn of(&self, byte: usize) -> usize {
        let mut at = byte.min(self.text.len());
        while let Some(eol) = self.text[at..].iter().position(|b| *b == b'\n') {
            let line = &self.text[at..at + eol];
            if line.is_empty() || line == b"\r" || line.first() == Some(&b'#') {
                at += eol + 1;
            } else {
                break;
            }
        }
        self.newlines.partition_point(|nl| *nl < at) + 1
    }
}

fn csv_error(e: csv::Error, lines: &Lines) -> RowError {
    let line = e.position().map(|p| lines.of(p.byte() as usize));
    let reason = match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "not UTF-8 text".to_string(),
        _ => format!("unreadable CSV: {e}"),
    };
    RowError { line, field: None, path: None, reason }
}

/// The rows of a JSON document; `count` includes those refused while reading.
fn read_json(text: &str, count: &mut usize, errors: &mut Vec<RowError>) -> Vec<RawRow> {
    let doc: serde_json::Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            // serde_json's message ends with its own " at line L column C".
            let msg = e.to_string();
            let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
            errors.push(RowError {
                line: Some(e.line()),
                field: None,
                path: None,
                reason: format!("not valid JSON (column {}): {msg}", e.column()),
            });
            return Vec::new();
        }
    };
    let sections = Record::ALL.iter().map(|r| r.json_key()).collect::<Vec<_>>().join(", ");
    let Some(obj) = doc.as_object() else {
        errors.push(RowError::file(format!("a JSON import is one object holding arrays named {sections}")));
        return Vec::new();
    };
    let lines = json_element_lines(text);
    let mut rows = Vec::new();
    for (key, value) in obj {
        let Some(record) = Record::by_json_key(key) else {
            errors.push(RowError {
                line: None,
                field: None,
                path: Some(key.clone()),
                reason: format!("unknown section {key:?}; the sections are {sections}"),
            });
            continue;
        };
        let Some(items) = value.as_array() else {
            errors.push(RowError {
                line: None,
                field: None,
                path: Some(key.clone()),
                reason: "must be an array of objects".into(),
            });
            continue;
        };
        let known_lines = lines.get(key.as_str()).filter(|l| l.len() == items.len());
        for (i, item) in items.iter().enumerate() {
            *count += 1;
            let path = format!("{key}[{i}]");
            let line = known_lines.map(|l| l[i]).unwrap_or(0);
            let Some(fields) = item.as_object() else {
                errors.push(RowError {
                    line: (line > 0).then_some(line),
                    field: None,
                    path: Some(path),
                    reason: "must be an object of fields".into(),
                });
                continue;
            };
            let mut cells = Vec::new();
            let mut refused = Vec::new();
            for (f, v) in fields {
                match json_cell(f, v) {
                    Ok(text) => cells.push((f.clone(), text)),
                    Err(reason) => {
                        errors.push(RowError {
                            line: Some(line),
                            field: Some(f.clone()),
                            path: Some(format!("{path}.{f}")),
                            reason: reason.into(),
                        });
                        refused.push(f.clone());
                    }
                }
            }
            rows.push(RawRow { record, line, path: Some(path), cells, refused });
        }
    }
    rows
}

/// A JSON field's value as the text of a cell: text, a number, or for the investor lists
/// an array of names (joined by `;`); anything else is refused, saying why.
fn json_cell(field: &str, v: &serde_json::Value) -> Result<String, &'static str> {
    match v {
        serde_json::Value::Null => Ok(String::new()),
        serde_json::Value::String(s) => Ok(s.trim().to_string()),
        serde_json::Value::Number(n) => Ok(n.to_string()),
        serde_json::Value::Array(a) if field == "lead_investors" || field == "investors" => {
            let names: Option<Vec<&str>> = a.iter().map(|x| x.as_str()).collect();
            names.map(|n| n.join(";")).ok_or("must be a list of names (strings)")
        }
        _ => Err("must be text or a number"),
    }
}

/// The line on which each element of each top-level array starts, by section name. The
/// JSON parser gives no positions for values, and a line number is what a person needs to
/// find a row; the text was already parsed successfully, so a plain scan is exact.
fn json_element_lines(text: &str) -> HashMap<String, Vec<usize>> {
    let mut out: HashMap<String, Vec<usize>> = HashMap::new();
    let mut stack: Vec<char> = Vec::new();
    let mut line = 1;
    let (mut in_str, mut escaped, mut capturing) = (false, false, false);
    // A key of the document object comes next; an element of a section array comes next.
    let (mut expect_key, mut expect_element) = (false, false);
    let mut buf = String::new();
    let mut section = String::new();
    for ch in text.chars() {
        if ch == '\n' {
            line += 1;
        }
        if in_str {
            if escaped {
                escaped = false;
                if capturing {
                    buf.push(ch);
                }
            } else if ch == '\\' {
                escaped = true;
            } else if ch == '"' {
                in_str = false;
                if capturing {
                    section = std::mem::take(&mut buf);
                    capturing = false;
                }
            } else if capturing {
                buf.push(ch);
            }
            continue;
        }
        if ch.is_whitespace() {
            continue;
        }
        let in_section = stack.len() == 2 && stack[1] == '[';
        if in_section && expect_element && !matches!(ch, ']' | ',') {
            out.entry(section.clone()).or_default().push(line);
            expect_element = false;
        }
        match ch {
            '"' => {
                in_str = true;
                capturing = stack.len() == 1 && expect_key;
                expect_key = false;
                buf.clear();
            }
            '{' | '[' => {
                stack.push(ch);
                expect_key = stack.len() == 1;
                expect_element = stack.len() == 2 && ch == '[';
            }
            '}' | ']' => {
                stack.pop();
            }
            ',' if stack.len() == 1 => expect_key = true,
            ',' if in_section => expect_element = true,
            _ => {}
        }
    }
    out
}

/// Reads one row's cells, collecting every problem rather than stopping at the first.
struct Cells<'a> {
    row: &'a RawRow,
    errors: Vec<RowError>,
}

impl<'a> Cells<'a> {
    fn new(row: &'a RawRow) -> Self {
        let mut c = Cells { row, errors: Vec::new() };
        let fields = row.record.fields();
        for (f, v) in &row.cells {
            if !fields.contains(&f.as_str()) {
                if row.path.is_some() {
                    c.err(
                        f,
                        format!("unknown field for a {} row; its fields are {}", row.record.name(), fields.join(", ")),
                    );
                } else if !v.is_empty() {
                    c.err(f, format!("does not apply to a {} row: leave it blank", row.record.name()));
                }
            }
        }
        c
    }

    fn err(&mut self, field: &str, reason: impl Into<String>) {
        self.errors.push(RowError {
            line: Some(self.row.line).filter(|l| *l > 0),
            field: Some(field.to_string()),
            path: self.row.path.as_ref().map(|p| format!("{p}.{field}")),
            reason: reason.into(),
        });
    }

    /// The trimmed cell, `None` when blank; a required blank cell is an error.
    fn text(&mut self, field: &str) -> Option<String> {
        let v = self.row.cells.iter().find(|(f, _)| f == field).map(|(_, v)| v.trim()).unwrap_or_default();
        if v.is_empty() {
            if self.row.record.required().contains(&field) && !self.row.refused.iter().any(|r| r == field) {
                self.err(field, format!("missing: a {} row needs {field}", self.row.record.name()));
            }
            return None;
        }
        let max = if field == "description" { 5000 } else { 300 };
        if v.chars().count() > max {
            self.err(field, format!("longer than {max} characters"));
            return None;
        }
        Some(v.to_string())
    }

    /// A name used in keys: it needs a letter or a digit.
    fn name(&mut self, field: &str) -> Option<String> {
        let v = self.text(field)?;
        if slug(&v).is_empty() {
            self.err(field, format!("{v:?} has no letter or digit to name it by"));
            return None;
        }
        Some(v)
    }

    fn reference(&mut self, field: &str) -> Option<Ref> {
        let v = self.name(field)?;
        match v.get(..4).filter(|p| p.eq_ignore_ascii_case("cik:")) {
            Some(_) => match parse_cik(v[4..].trim()) {
                Some(c) => Some(Ref::Cik(c)),
                None => {
                    self.err(field, format!("{v:?} is not `cik:` followed by a CIK number"));
                    None
                }
            },
            None => Some(Ref::Name(v)),
        }
    }

    fn date(&mut self, field: &str) -> Option<NaiveDate> {
        let v = self.text(field)?;
        match crate::params::parse_date(&v) {
            Ok(d) => Some(d),
            Err(DateError::Malformed) => {
                self.err(field, format!("not a date like 2024-03-31: {v:?}"));
                None
            }
            Err(DateError::OutOfRange(_)) => {
                self.err(field, format!("{v} is outside the supported dates ({FIRST_DATE} to {LAST_DATE})"));
                None
            }
        }
    }

    fn number(&mut self, field: &str) -> Option<f64> {
        let v = self.text(field)?;
        match v.parse::<f64>() {
            Ok(x) if x.is_finite() => {
                if x.abs() > 1e13 {
                    self.err(field, format!("{v} is more than ten trillion dollars: check the unit (whole dollars)"));
                    return None;
                }
                Some(x)
            }
            _ => {
                self.err(field, format!("not a number: {v:?}"));
                None
            }
        }
    }

    /// A dollar amount that cannot be negative.
    fn money(&mut self, field: &str) -> Option<f64> {
        let x = self.number(field)?;
        if x < 0.0 {
            self.err(field, format!("negative amount: {x}"));
            return None;
        }
        Some(x)
    }

    fn int(&mut self, field: &str, range: std::ops::RangeInclusive<i32>) -> Option<i32> {
        let v = self.text(field)?;
        match v.parse::<i32>() {
            Ok(x) if range.contains(&x) => Some(x),
            Ok(_) => {
                self.err(field, format!("{v} is not a year between {} and {}", range.start(), range.end()));
                None
            }
            Err(_) => {
                self.err(field, format!("not a whole number: {v:?}"));
                None
            }
        }
    }

    fn cik(&mut self, field: &str) -> Option<i64> {
        let v = self.text(field)?;
        let c = parse_cik(&v);
        if c.is_none() {
            self.err(field, format!("not a CIK (a positive whole number of up to 10 digits): {v:?}"));
        }
        c
    }

    /// One of `allowed`, case-insensitively, returned as spelled in `allowed`.
    fn one_of(&mut self, field: &str, allowed: &[&str]) -> Option<String> {
        let v = self.text(field)?;
        match allowed.iter().find(|a| a.eq_ignore_ascii_case(&v)) {
            Some(a) => Some(a.to_string()),
            None => {
                self.err(field, format!("unknown {field} {v:?}; one of {}", allowed.join(", ")));
                None
            }
        }
    }

    fn sector(&mut self, field: &str) -> Option<Sector> {
        let v = self.text(field)?;
        let s = Sector::from_slug(&v.to_ascii_lowercase());
        if s.is_none() {
            let all: Vec<&str> = Sector::ALL.iter().map(|s| s.slug()).collect();
            self.err(field, format!("unknown sector {v:?}; one of {}", all.join(", ")));
        }
        s
    }

    /// A `;`-separated list of names.
    fn names(&mut self, field: &str) -> Vec<String> {
        let Some(v) = self.text(field) else { return Vec::new() };
        let mut out: Vec<String> = Vec::new();
        for n in v.split(';').map(str::trim).filter(|n| !n.is_empty()) {
            if slug(n).is_empty() {
                self.err(field, format!("{n:?} has no letter or digit to name it by"));
            } else if !out.iter().any(|o| slug(o) == slug(n)) {
                out.push(n.to_string());
            }
        }
        out
    }

    /// A pre-money figure above the post-money one is an error on `pre_money_usd`.
    fn pre_not_above_post(&mut self, pre: Option<f64>, post: Option<f64>) {
        if let (Some(pre), Some(post)) = (pre, post) {
            if pre > post {
                self.err("pre_money_usd", format!("pre-money {pre} is above post-money {post}"));
            }
        }
    }

    /// Whether the row as a whole was read without error.
    fn ok(&self) -> bool {
        self.errors.is_empty() && self.row.refused.is_empty()
    }
}

fn parse_cik(s: &str) -> Option<i64> {
    if s.is_empty() || s.len() > 10 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse::<i64>().ok().filter(|c| *c > 0)
}

/// Notes the keys of a refused company or fund row (its name key and `cik:<cik>`): rows
/// that name it are not reported again as naming an unknown one.
fn refuse(refused: &mut HashSet<String>, name: Option<&str>, cik: Option<i64>) {
    if let Some(n) = name {
        refused.insert(name_key(n));
    }
    if let Some(cik) = cik {
        refused.insert(format!("cik:{cik}"));
    }
}

/// Turns one raw row into a typed row of its table, or records why it cannot be.
fn typed(raw: &RawRow, set: &mut ImportSet, errors: &mut Vec<RowError>) {
    let mut c = Cells::new(raw);
    let (line, path) = (raw.line, raw.path.clone());
    macro_rules! keep {
        ($table:ident, $data:expr) => {{
            let data = $data;
            if c.ok() {
                set.$table.push(Row { line, path, data });
            }
        }};
    }
    match raw.record {
        Record::Company => {
            let name = c.name("name");
            let data = CompanyIn {
                name: name.clone().unwrap_or_default(),
                cik: c.cik("cik"),
                sector: c.sector("sector"),
                state: c.text("state").map(|s| s.to_ascii_uppercase()),
                city: c.text("city"),
                website: c.text("website"),
                year_founded: c.int("year_founded", 1800..=2100),
                description: c.text("description"),
            };
            if !c.ok() {
                refuse(&mut set.refused_companies, name.as_deref(), data.cik);
            }
            keep!(companies, data)
        }
        Record::Investor => {
            let data = InvestorIn {
                name: c.name("name").unwrap_or_default(),
                kind: c.one_of("kind", &INVESTOR_KINDS),
                website: c.text("website"),
                city: c.text("city"),
            };
            keep!(investors, data)
        }
        Record::Fund => {
            let name = c.name("name");
            let data = FundIn {
                name: name.clone().unwrap_or_default(),
                cik: c.cik("cik"),
                manager: c.name("manager"),
                vintage: c.int("vintage", 1946..=2100),
                size_usd: c.money("size_usd"),
                strategy: c.text("strategy"),
                state: c.text("state").map(|s| s.to_ascii_uppercase()),
            };
            if !c.ok() {
                refuse(&mut set.refused_funds, name.as_deref(), data.cik);
            }
            keep!(funds, data)
        }
        Record::Round => {
            let company = c.reference("company");
            let announced_on = c.date("announced_on");
            let stage = c.one_of("stage", &STAGES);
            let amount = c.money("amount_usd");
            let pre = c.money("pre_money_usd");
            let post = c.money("post_money_usd");
            c.pre_not_above_post(pre, post);
            let leads = c.names("lead_investors");
            let others = c.names("investors");
            let mut investors: Vec<(String, bool)> = leads.iter().map(|n| (n.clone(), true)).collect();
            for n in others {
                if !investors.iter().any(|(o, _)| slug(o) == slug(&n)) {
                    investors.push((n, false));
                }
            }
            if let (Some(company), Some(announced_on), Some(stage)) = (company, announced_on, stage) {
                keep!(
                    rounds,
                    RoundIn {
                        company,
                        announced_on,
                        stage,
                        amount_usd: amount,
                        pre_money_usd: pre,
                        post_money_usd: post,
                        investors
                    }
                )
            }
        }
        Record::Acquisition => {
            let acquirer = c.name("acquirer");
            let target = c.name("target");
            let announced_on = c.date("announced_on");
            let closed_on = c.date("closed_on");
            let price = c.money("price_usd");
            let status = c.one_of("status", &ACQUISITION_STATUSES);
            if let (Some(a), Some(cl)) = (announced_on, closed_on) {
                if cl < a {
                    c.err("closed_on", format!("closed on {cl}, before it was announced ({a})"));
                }
            }
            if let (Some(a), Some(t)) = (&acquirer, &target) {
                if slug(a) == slug(t) {
                    c.err("target", "a company cannot acquire itself");
                }
            }
            if let (Some(acquirer), Some(target), Some(announced_on)) = (acquirer, target, announced_on) {
                let status =
                    status.unwrap_or_else(|| if closed_on.is_some() { "completed" } else { "announced" }.to_string());
                keep!(
                    acquisitions,
                    AcquisitionIn { acquirer, target, announced_on, closed_on, price_usd: price, status }
                )
            }
        }
        Record::Valuation => {
            let company = c.reference("company");
            let valued_on = c.date("valued_on");
            let post = c.money("post_money_usd");
            let pre = c.money("pre_money_usd");
            let basis = c.one_of("basis", &VALUATION_BASES);
            c.pre_not_above_post(pre, post);
            if let (Some(company), Some(valued_on), Some(post), Some(basis)) = (company, valued_on, post, basis) {
                keep!(valuations, ValuationIn { company, valued_on, post_money_usd: post, pre_money_usd: pre, basis })
            }
        }
        Record::CashFlow => {
            let fund = c.reference("fund");
            let date = c.date("date");
            let kind = c.one_of("kind", &CASH_FLOW_KINDS);
            let amount = c.number("amount_usd");
            let amount = match (kind.as_deref(), amount) {
                // Calls are paid in: stored negative, whichever sign the file used.
                (Some("call"), Some(x)) => Some(-x.abs()),
                (Some(k), Some(x)) if x < 0.0 => {
                    c.err(
                        "amount_usd",
                        format!("negative amount: {x} (only calls may be negative; a {k} is positive)"),
                    );
                    None
                }
                (_, x) => x,
            };
            if let (Some(fund), Some(date), Some(kind), Some(amount)) = (fund, date, kind, amount) {
                keep!(cash_flows, CashFlowIn { fund, date, kind, amount })
            }
        }
        Record::Holding => {
            let fund = c.reference("fund");
            let company = c.reference("company");
            let invested = c.money("invested_usd");
            let realized = c.money("realized_usd");
            let unrealized = c.money("unrealized_usd");
            let as_of = c.date("as_of");
            if let (Some(fund), Some(company), Some(invested_usd), Some(as_of)) = (fund, company, invested, as_of) {
                keep!(
                    holdings,
                    HoldingIn {
                        fund,
                        company,
                        invested_usd,
                        realized_usd: realized.unwrap_or(0.0),
                        unrealized_usd: unrealized.unwrap_or(0.0),
                        as_of
                    }
                )
            }
        }
    }
    errors.extend(c.errors);
}

/// Refuses the second of two rows that would write the same database row, keeping the
/// first: a file should say each thing once.
fn dedup(set: &mut ImportSet, errors: &mut Vec<RowError>) {
    fn pass<T>(
        rows: &mut Vec<Row<T>>,
        what: &str,
        keys: impl Fn(&T) -> Vec<(&'static str, String)>,
        seen: &mut HashMap<String, usize>,
        errors: &mut Vec<RowError>,
    ) {
        rows.retain(|r| {
            for (label, k) in keys(&r.data) {
                if let Some(first) = seen.get(&k) {
                    errors.push(r.error(None, format!("duplicate {what}: same {label} as line {first}")));
                    return false;
                }
            }
            for (_, k) in keys(&r.data) {
                seen.insert(k, r.line);
            }
            true
        });
    }
    // A company or a fund is the same row by name or by CIK.
    fn name_and_cik(table: &str, name: &str, cik: Option<i64>) -> Vec<(&'static str, String)> {
        let mut k = vec![("name", format!("{table}:{}", name_key(name)))];
        if let Some(cik) = cik {
            k.push(("CIK", format!("{table}:cik:{cik}")));
        }
        k
    }
    let mut seen = HashMap::new();
    pass(&mut set.companies, "company", |c| name_and_cik("company", &c.name, c.cik), &mut seen, errors);
    pass(&mut set.investors, "investor", |i| vec![("name", format!("investor:{}", slug(&i.name)))], &mut seen, errors);
    pass(&mut set.funds, "fund", |f| name_and_cik("fund", &f.name, f.cik), &mut seen, errors);
    pass(
        &mut set.rounds,
        "round",
        |r| vec![("company, date and stage", format!("round:{}:{}:{}", r.company.key(), r.announced_on, r.stage))],
        &mut seen,
        errors,
    );
    // A round's post-money becomes a valuation: a valuation row saying the same again is
    // a duplicate of the round.
    for r in &set.rounds {
        if r.data.post_money_usd.is_some() {
            seen.entry(format!("valuation:{}:{}:post-money", r.data.company.key(), r.data.announced_on))
                .or_insert(r.line);
        }
    }
    pass(
        &mut set.valuations,
        "valuation",
        |v| vec![("company, date and basis", format!("valuation:{}:{}:{}", v.company.key(), v.valued_on, v.basis))],
        &mut seen,
        errors,
    );
    pass(
        &mut set.acquisitions,
        "acquisition",
        |a| {
            vec![(
                "acquirer, target and date",
                format!("acquisition:{}:{}:{}", slug(&a.acquirer), slug(&a.target), a.announced_on),
            )]
        },
        &mut seen,
        errors,
    );
    pass(
        &mut set.cash_flows,
        "cash flow",
        |f| vec![("fund, date and kind", format!("flow:{}:{}:{}", f.fund.key(), f.date, f.kind))],
        &mut seen,
        errors,
    );
    pass(
        &mut set.holdings,
        "holding",
        |h| vec![("fund and company", format!("holding:{}:{}", h.fund.key(), h.company.key()))],
        &mut seen,
        errors,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csv(body: &str) -> Parsed {
        parse("t.csv", body.as_bytes())
    }

    fn messages(p: &Parsed) -> Vec<String> {
        p.errors.iter().map(|e| e.to_string()).collect()
    }

    const GOOD: &str = "\
record,name,cik,sector,state,company,announced_on,stage,amount_usd,pre_money_usd,post_money_usd,lead_investors,investors,fund,date,kind
company,\"Acme Robotics, Inc.\",,ai-software,ca,,,,,,,,,,,
company,Borealis Bio,1234567,biotech,MA,,,,,,,,,,,
# a comment
round,,,,,\"Acme Robotics, Inc.\",2024-03-01,series-a,12500000,40000000,52500000,North Ventures,North Ventures; Pine Capital,,,
round,,,,,cik:1234567,2024-04-02,seed,2000000,,,,Angel One,,,
fund,Pine Capital Fund I,,,,,,,,,,,,,,
cash_flow,,,,,,,,125000,,,,,Pine Capital Fund I,2021-01-15,call
cash_flow,,,,,,,,-50000,,,,,Pine Capital Fund I,2021-06-30,call
cash_flow,,,,,,,,30000,,,,,Pine Capital Fund I,2022-06-30,distribution
";

    #[test]
    fn a_valid_csv_gives_typed_rows_with_their_lines() {
        let p = csv(GOOD);
        assert!(p.errors.is_empty(), "{:?}", messages(&p));
        assert_eq!(p.format, Some(Format::Csv));
        assert_eq!(p.rows, 8);
        let s = &p.set;
        assert_eq!(s.companies.len(), 2);
        assert_eq!(s.companies[0].data.name, "Acme Robotics, Inc.");
        assert_eq!(s.companies[0].data.state.as_deref(), Some("CA"));
        assert_eq!(s.companies[0].line, 2);
        assert_eq!(s.companies[1].data.cik, Some(1234567));
        assert_eq!(s.rounds.len(), 2);
        let r = &s.rounds[0];
        assert_eq!(r.line, 5, "comment lines still count");
        assert_eq!(r.data.company, Ref::Name("Acme Robotics, Inc.".into()));
        assert_eq!(r.data.amount_usd, Some(12_500_000.0));
        assert_eq!(r.data.post_money_usd, Some(52_500_000.0));
        // The lead is listed once, as lead, though named in both columns.
        assert_eq!(r.data.investors, vec![("North Ventures".to_string(), true), ("Pine Capital".to_string(), false)]);
        assert_eq!(s.rounds[1].data.company, Ref::Cik(1234567));
        let flows: Vec<f64> = s.cash_flows.iter().map(|f| f.data.amount).collect();
        assert_eq!(flows, vec![-125_000.0, -50_000.0, 30_000.0], "calls negative whatever the sign given");
    }

    #[test]
    fn import_dates_are_read_like_request_dates() {
        // The same parser as the API's: the written-out form only, inside the supported span.
        let body = "record,name,sector,company,announced_on,stage,amount_usd\n\
company,Acme,other,,,,\n\
round,,,Acme,2024-3-1,seed,12\n\
round,,,Acme,1700-03-01,seed,12\n";
        let m = messages(&csv(body));
        assert!(
            m.iter().any(|x| x.starts_with("line 3: announced_on: not a date like 2024-03-31: \"2024-3-1\"")),
            "{m:#?}"
        );
        assert!(
            m.iter().any(|x| x.starts_with("line 4: announced_on: 1700-03-01 is outside the supported dates")),
            "{m:#?}"
        );
    }

    #[test]
    fn every_bad_row_is_reported_with_its_line_and_field() {
        let body = "\
record,name,sector,company,announced_on,stage,amount_usd,fund,date,kind
company,Acme,robots,,,,,,,
round,,,Acme,2024-02-30,series-a,12,,,
round,,,Acme,2024-03-01,series-z,\"12,5m\",,,
round,,,,2024-03-01,seed,-5,,,
cash_flow,,,,,,-10,F,2024-01-01,distribution
cash_flow,,,,,,10,F,2024-01-01,refund
company,Acme,other,,,,,,,
";
        let p = csv(body);
        let m = messages(&p);
        let expect = [
            "line 2: sector: unknown sector \"robots\"",
            "line 3: announced_on: not a date like 2024-03-31: \"2024-02-30\"",
            "line 4: stage: unknown stage \"series-z\"",
            "line 4: amount_usd: not a number: \"12,5m\"",
            "line 5: company: missing: a round row needs company",
            "line 5: amount_usd: negative amount: -5",
            "line 6: amount_usd: negative amount: -10 (only calls may be negative",
            "line 7: kind: unknown kind \"refund\"",
        ];
        for e in expect {
            assert!(m.iter().any(|x| x.starts_with(e)), "missing {e:?} in {m:#?}");
        }
        // The company on line 8 is valid on its own, and the only Acme left once line 2 was refused.
        assert_eq!(p.set.companies.len(), 1);
        assert!(p.set.rounds.is_empty() && p.set.cash_flows.is_empty());
        assert!(p.set.refused_companies.contains("acme"));
        let lines: Vec<_> = p.errors.iter().map(|e| e.line).collect();
        let mut sorted = lines.clone();
        sorted.sort();
        assert_eq!(lines, sorted, "errors come in file order");
    }

    #[test]
    fn duplicates_are_refused_with_the_line_of_the_first() {
        let body = "\
record,name,cik,company,announced_on,stage,post_money_usd,valued_on,basis
company,Acme,,,,,,,
company,ACME ,,,,,,,
company,Other Co,42,,,,,,
company,Other Company,42,,,,,,
round,,,Acme,2024-03-01,seed,1000000,,
round,,,acme,2024-03-01,seed,,,
valuation,,,Acme,,,1000000,2024-03-01,post-money
valuation,,,Acme,,,2000000,2024-05-01,409a
";
        let p = csv(body);
        let m = messages(&p);
        assert_eq!(
            m,
            vec![
                "line 3: duplicate company: same name as line 2",
                "line 5: duplicate company: same CIK as line 4",
                "line 7: duplicate round: same company, date and stage as line 6",
                "line 8: duplicate valuation: same company, date and basis as line 6",
            ]
        );
        assert_eq!(p.set.valuations.len(), 1);
        assert_eq!(p.set.valuations[0].data.basis, "409A", "spelled as documented");
    }

    #[test]
    fn the_csv_header_is_every_records_fields_in_the_documented_order() {
        let documented = "record,name,cik,sector,state,city,website,year_founded,description,kind,manager,vintage,\
            size_usd,strategy,company,announced_on,stage,amount_usd,pre_money_usd,post_money_usd,lead_investors,\
            investors,acquirer,target,closed_on,price_usd,status,valued_on,basis,fund,date,invested_usd,\
            realized_usd,unrealized_usd,as_of";
        assert_eq!(CSV_HEADER.join(","), documented);
    }

    #[test]
    fn the_header_is_checked_before_any_row() {
        let p = csv("name,record\ncompany,Acme\n");
        assert!(messages(&p)[0].starts_with("line 1: the first column must be `record`"), "{:?}", messages(&p));
        let p = csv("record,name,amount\ncompany,Acme,\n");
        assert!(messages(&p)[0].starts_with("line 1: amount: unknown column \"amount\""), "{:?}", messages(&p));
        let p = csv("record,name\ncompany,Acme,extra\nteam,Bob\n");
        assert_eq!(
            messages(&p),
            vec![
                "line 2: 3 cells where the header has 2 columns".to_string(),
                "line 3: record: unknown record \"team\"; one of company, investor, fund, round, acquisition, valuation, cash_flow, holding".to_string()
            ]
        );
        assert_eq!(p.rows, 2);
    }

    #[test]
    fn cells_that_belong_to_another_record_must_stay_blank() {
        let p = csv("record,name,stage\ncompany,Acme,seed\n");
        assert_eq!(messages(&p), vec!["line 2: stage: does not apply to a company row: leave it blank"]);
    }

    #[test]
    fn empty_binary_html_and_rowless_files_are_refused_as_a_whole() {
        let one = |name: &str, bytes: &[u8]| {
            let p = parse(name, bytes);
            assert_eq!(p.errors.len(), 1, "{:?}", messages(&p));
            p.errors[0].to_string()
        };
        assert_eq!(one("a.csv", b""), "the file is empty");
        assert_eq!(one("a.csv", b" \n\n"), "the file is empty");
        assert!(one("a.csv", b"PK\x03\x04\x00\x00binary").contains("binary"));
        assert!(one("a.csv", &[0xff, 0xfe, b'r', b'e']).contains("binary"));
        assert!(one("a.csv", b"\n<!DOCTYPE html><html><body>Sign in</body></html>").contains("HTML"));
        assert!(one("a.json", b"<html></html>").contains("HTML"));
        assert_eq!(one("a.csv", b"record,name\n"), "the file holds no rows: nothing to import");
        assert_eq!(one("a.json", b"{\"companies\": []}"), "the file holds no rows: nothing to import");
        let big = vec![b'a'; MAX_IMPORT_BYTES + 1];
        assert!(one("a.csv", &big).contains("limited to 10 MB"));
        // A byte-order mark is not content.
        assert!(parse("a.csv", b"\xEF\xBB\xBFrecord,name\ncompany,Acme\n").errors.is_empty());
    }

    const JSON: &str = r#"{
  "companies": [
    {"name": "Acme Robotics, Inc.", "sector": "ai-software", "year_founded": 2019},
    {"name": "Borealis Bio", "cik": 1234567, "sector": "biotech"}
  ],
  "rounds": [
    {
      "company": "Acme Robotics, Inc.", "announced_on": "2024-03-01", "stage": "series-a",
      "amount_usd": 12500000, "post_money_usd": "52500000",
      "lead_investors": ["North Ventures"], "investors": ["Pine Capital", "North Ventures"]
    },
    {"company": "cik:1234567", "announced_on": "2024-04-02", "stage": "seed", "amount_usd": "12,5m"}
  ],
  "cash_flows": [
    {"fund": "Pine Capital Fund I", "date": "2021-01-15", "kind": "call", "amount_usd": 125000.0}
  ]
}"#;

    #[test]
    fn json_rows_are_read_with_paths_and_the_lines_they_start_on() {
        let p = parse("import.json", JSON.as_bytes());
        assert_eq!(p.format, Some(Format::Json));
        assert_eq!(
            p.errors,
            vec![RowError {
                line: Some(12),
                field: Some("amount_usd".into()),
                path: Some("rounds[1].amount_usd".into()),
                reason: "not a number: \"12,5m\"".into()
            }]
        );
        assert_eq!(p.errors[0].to_string(), "line 12: rounds[1].amount_usd: not a number: \"12,5m\"");
        assert_eq!(p.set.companies[0].line, 3);
        assert_eq!(p.set.companies[0].data.year_founded, Some(2019));
        assert_eq!(p.set.companies[1].data.cik, Some(1234567));
        let r = &p.set.rounds[0];
        assert_eq!((r.line, r.path.as_deref()), (7, Some("rounds[0]")));
        assert_eq!(r.data.post_money_usd, Some(52_500_000.0));
        assert_eq!(r.data.investors, vec![("North Ventures".to_string(), true), ("Pine Capital".to_string(), false)]);
        assert_eq!(p.set.cash_flows[0].data.amount, -125_000.0);
        assert_eq!(p.rows, 5);
    }

    #[test]
    fn json_structure_errors_name_the_path() {
        let p = parse("x.json", br#"{"companies": [{"name": "A", "colour": "red"}, 3], "teams": [], "funds": {}}"#);
        let m = messages(&p);
        assert!(
            m.iter().any(|e| e.starts_with("line 1: companies[0].colour: unknown field for a company row")),
            "{m:#?}"
        );
        assert!(m.iter().any(|e| e == "line 1: companies[1]: must be an object of fields"), "{m:#?}");
        assert!(m.iter().any(|e| e.starts_with("teams: unknown section \"teams\"")), "{m:#?}");
        assert!(m.iter().any(|e| e == "funds: must be an array of objects"), "{m:#?}");
        let p = parse("x.json", b"{\n  \"companies\": [\n    {\"name\": \"A\",}\n  ]\n}");
        assert_eq!(p.errors.len(), 1);
        assert_eq!(p.errors[0].line, Some(3));
        assert!(p.errors[0].reason.starts_with("not valid JSON"), "{}", p.errors[0]);
    }

    #[test]
    fn the_format_follows_the_extension_then_the_content() {
        assert_eq!(parse("upload", b"{\"companies\": [{\"name\": \"A\"}]}").format, Some(Format::Json));
        assert_eq!(parse("upload", b"record,name\ncompany,A\n").format, Some(Format::Csv));
        assert_eq!(parse("A.JSON", b"record,name\n").format, Some(Format::Json));
    }

    #[test]
    fn csv_lines_count_comments_blank_lines_and_multi_line_cells() {
        let p = csv("# exported 2025-01-01\nrecord,name,description\ncompany,A,\n# c\n\r\n\ncompany,B,\"two\nlines\"\ncompany,C,\n");
        assert!(p.errors.is_empty(), "{:?}", messages(&p));
        let lines: Vec<usize> = p.set.companies.iter().map(|c| c.line).collect();
        assert_eq!(lines, vec![3, 7, 9]);
        let p = csv("\n# header next\nrecord,name\ncompany,\n");
        assert_eq!(messages(&p), vec!["line 4: name: missing: a company row needs name"]);
    }

    #[test]
    fn json_element_lines_skip_strings_that_look_like_structure() {
        let text =
            "{\"x\": \"[{\", \"rounds\": [\n{\"a\": \"}\\\"\"},\n\n  {\"b\": [1, {\"c\": 2}]}], \"funds\": [{}]}";
        let lines = json_element_lines(text);
        assert_eq!(lines.get("rounds"), Some(&vec![2, 4]));
        assert_eq!(lines.get("funds"), Some(&vec![4]));
    }
}
