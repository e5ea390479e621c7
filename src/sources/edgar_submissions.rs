//! SEC EDGAR submissions JSON (`data.sec.gov/submissions/CIK##########.json`), parsed
//! (pure). It tells what a Form D does not: the company's SIC code, tickers, exchanges,
//! website and business city, its former names, and its recent filings, which EDGAR sends
//! as parallel column arrays (one array per field, one position per filing). Arrays of
//! unequal length would pair a filing with another's date or form, so they are an error.
use chrono::NaiveDate;
use serde::Deserialize;

/// One filing of `filings.recent`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filing {
    pub accession: String,
    pub filed: NaiveDate,
    pub form: String,
    pub primary_document: String,
}

/// What Quarry reads from a submissions document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submissions {
    pub cik: u64,
    pub name: String,
    pub entity_type: Option<String>,
    pub tickers: Vec<String>,
    pub exchanges: Vec<String>,
    /// Four-digit Standard Industrial Classification code, when EDGAR assigned one.
    pub sic: Option<u16>,
    pub sic_description: Option<String>,
    pub state_of_incorporation: Option<String>,
    /// Of the business address.
    pub city: Option<String>,
    pub state: Option<String>,
    pub website: Option<String>,
    pub former_names: Vec<String>,
    /// Newest first, as EDGAR lists them (older pages under `filings.files` are not read).
    pub filings: Vec<Filing>,
}

#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum SubmissionsError {
    #[error("not a submissions document: {0}")]
    Json(String),
    #[error("filings.recent is ragged: {detail}; the columns cannot be paired")]
    Ragged { detail: String },
    #[error("filing {accession} has filingDate '{value}', which is not a date like 2026-11-18")]
    BadDate { accession: String, value: String },
    #[error("cik '{0}' is not a number")]
    BadCik(String),
}

#[derive(Deserialize)]
struct Raw {
    cik: serde_json::Value,
    name: String,
    #[serde(default, rename = "entityType")]
    entity_type: Option<String>,
    #[serde(default)]
    tickers: Vec<Option<String>>,
    #[serde(default)]
    exchanges: Vec<Option<String>>,
    #[serde(default)]
    sic: Option<String>,
    #[serde(default, rename = "sicDescription")]
    sic_description: Option<String>,
    #[serde(default, rename = "stateOfIncorporation")]
    state_of_incorporation: Option<String>,
    #[serde(default)]
    website: Option<String>,
    #[serde(default)]
    addresses: Option<Addresses>,
    #[serde(default, rename = "formerNames")]
    former_names: Vec<FormerName>,
    #[serde(default)]
    filings: Option<Filings>,
}

#[derive(Deserialize)]
struct Addresses {
    #[serde(default)]
    business: Option<Address>,
}

#[derive(Deserialize)]
struct Address {
    #[serde(default)]
    city: Option<String>,
    #[serde(default, rename = "stateOrCountry")]
    state_or_country: Option<String>,
}

#[derive(Deserialize)]
struct FormerName {
    name: String,
}

#[derive(Deserialize)]
struct Filings {
    recent: Recent,
}

#[derive(Deserialize)]
struct Recent {
    #[serde(rename = "accessionNumber")]
    accession_number: Vec<String>,
    #[serde(rename = "filingDate")]
    filing_date: Vec<String>,
    form: Vec<String>,
    #[serde(rename = "primaryDocument")]
    primary_document: Vec<String>,
}

/// EDGAR writes absent text as "" and, in addresses, sometimes as the word "None".
fn text(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty() && s != "None")
}

pub fn parse(json: &str) -> Result<Submissions, SubmissionsError> {
    let raw: Raw = serde_json::from_str(json).map_err(|e| SubmissionsError::Json(e.to_string()))?;
    let cik = match &raw.cik {
        serde_json::Value::String(s) => s.trim().parse().map_err(|_| SubmissionsError::BadCik(s.clone()))?,
        serde_json::Value::Number(n) => n.as_u64().ok_or_else(|| SubmissionsError::BadCik(n.to_string()))?,
        other => return Err(SubmissionsError::BadCik(other.to_string())),
    };
    let filings = match raw.filings {
        None => Vec::new(),
        Some(Filings { recent: r }) => {
            let lens = [
                ("accessionNumber", r.accession_number.len()),
                ("filingDate", r.filing_date.len()),
                ("form", r.form.len()),
                ("primaryDocument", r.primary_document.len()),
            ];
            if lens.iter().any(|(_, n)| *n != lens[0].1) {
                let detail = lens.iter().map(|(k, n)| format!("{k} has {n}")).collect::<Vec<_>>().join(", ");
                return Err(SubmissionsError::Ragged { detail });
            }
            let mut out = Vec::with_capacity(lens[0].1);
            for (((accession, filed), form), doc) in
                r.accession_number.into_iter().zip(r.filing_date).zip(r.form).zip(r.primary_document)
            {
                let Ok(date) = NaiveDate::parse_from_str(filed.trim(), "%Y-%m-%d") else {
                    return Err(SubmissionsError::BadDate { accession, value: filed });
                };
                out.push(Filing { accession, filed: date, form, primary_document: doc });
            }
            out
        }
    };
    let business = raw.addresses.and_then(|a| a.business);
    let (city, state) = match business {
        Some(b) => (text(b.city), text(b.state_or_country)),
        None => (None, None),
    };
    Ok(Submissions {
        cik,
        name: raw.name.trim().to_string(),
        entity_type: text(raw.entity_type),
        tickers: raw.tickers.into_iter().filter_map(text).collect(),
        exchanges: raw.exchanges.into_iter().filter_map(text).collect(),
        sic: text(raw.sic).and_then(|s| s.parse().ok()),
        sic_description: text(raw.sic_description),
        state_of_incorporation: text(raw.state_of_incorporation),
        city,
        state,
        website: text(raw.website),
        former_names: raw.former_names.into_iter().map(|f| f.name).collect(),
        filings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The real layout, cut down: strings for cik and sic, "None" in an address, an empty
    /// website, a null exchange, and the recent filings as parallel arrays.
    const DOC: &str = r#"{
      "cik": "1900123", "entityType": "operating", "sic": "7372",
      "sicDescription": "Services-Prepackaged Software",
      "insiderTransactionForOwnerExists": 0, "insiderTransactionForIssuerExists": 1,
      "name": "Lumen Orbital Software, Inc.", "tickers": ["LUMO"], "exchanges": ["Nasdaq", null],
      "ein": "871234567", "description": "", "website": "", "investorWebsite": "",
      "category": "Non-accelerated filer", "fiscalYearEnd": "1231",
      "stateOfIncorporation": "DE", "stateOfIncorporationDescription": "DE",
      "addresses": {
        "mailing": {"street1": "1 Harbor Way", "street2": "None", "city": "OAKLAND", "stateOrCountry": "CA", "zipCode": "94607", "stateOrCountryDescription": "CA"},
        "business": {"street1": "1 Harbor Way", "street2": "None", "city": "OAKLAND", "stateOrCountry": "CA", "zipCode": "94607", "stateOrCountryDescription": "CA"}
      },
      "phone": "510-555-0100", "flags": "",
      "formerNames": [{"name": "Lumen Orbital Inc", "from": "2019-02-01T00:00:00.000Z", "to": "2024-06-30T00:00:00.000Z"}],
      "filings": {
        "recent": {
          "accessionNumber": ["0001193125-26-300001", "0001900123-26-000002"],
          "filingDate": ["2026-11-18", "2026-06-02"],
          "reportDate": ["", ""],
          "acceptanceDateTime": ["2026-11-18T16:42:36.000Z", "2026-06-02T09:01:10.000Z"],
          "act": ["33", "33"], "form": ["S-1/A", "D"], "fileNumber": ["333-290001", "021-400001"],
          "filmNumber": ["", ""], "items": ["", ""], "size": [812345, 7560],
          "isXBRL": [0, 0], "isInlineXBRL": [0, 0],
          "primaryDocument": ["d123s1a.htm", "xslFormDX01/primary_doc.xml"],
          "primaryDocDescription": ["S-1/A", "FORM D"]
        },
        "files": [{"name": "CIK0001900123-submissions-001.json", "filingCount": 3, "filingFrom": "2019-02-01", "filingTo": "2022-01-10"}]
      }
    }"#;

    #[test]
    fn every_field_quarry_uses_reads_from_the_real_layout() {
        let s = parse(DOC).unwrap();
        assert_eq!((s.cik, s.name.as_str()), (1_900_123, "Lumen Orbital Software, Inc."));
        assert_eq!((s.sic, s.sic_description.as_deref()), (Some(7372), Some("Services-Prepackaged Software")));
        assert_eq!(s.tickers, ["LUMO"]);
        assert_eq!(s.exchanges, ["Nasdaq"], "a null exchange is dropped");
        assert_eq!((s.city.as_deref(), s.state.as_deref()), (Some("OAKLAND"), Some("CA")));
        assert_eq!(s.website, None, "an empty website is none");
        assert_eq!(s.state_of_incorporation.as_deref(), Some("DE"));
        assert_eq!(s.former_names, ["Lumen Orbital Inc"]);
        assert_eq!(s.filings.len(), 2);
        assert_eq!(
            s.filings[1],
            Filing {
                accession: "0001900123-26-000002".into(),
                filed: NaiveDate::from_ymd_opt(2026, 6, 2).unwrap(),
                form: "D".into(),
                primary_document: "xslFormDX01/primary_doc.xml".into(),
            }
        );
    }

    #[test]
    fn columns_of_unequal_length_are_an_error_naming_them() {
        let ragged = DOC.replace(r#""form": ["S-1/A", "D"]"#, r#""form": ["S-1/A"]"#);
        let e = parse(&ragged).unwrap_err();
        assert!(matches!(&e, SubmissionsError::Ragged { detail } if detail.contains("form has 1")), "{e}");
    }

    #[test]
    fn a_company_without_sic_or_filings_still_reads() {
        let s = parse(r#"{"cik": 1900555, "name": "Quiet Co", "sic": "", "tickers": [], "exchanges": []}"#).unwrap();
        assert_eq!((s.cik, s.sic, s.filings.len()), (1_900_555, None, 0));
    }

    #[test]
    fn bad_documents_say_what_is_wrong() {
        assert!(matches!(parse("<html>"), Err(SubmissionsError::Json(_))));
        assert!(matches!(parse(r#"{"cik": "x1", "name": "A"}"#), Err(SubmissionsError::BadCik(_))));
        let bad_date = DOC.replace("\"2026-06-02\"", "\"06/02/2026\"");
        assert!(
            matches!(parse(&bad_date), Err(SubmissionsError::BadDate { accession, .. }) if accession == "0001900123-26-000002")
        );
    }
}
