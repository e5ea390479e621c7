//! SEC Form D (`primary_doc.xml`), parsed (pure; issue 5's `vc_sync` builds on it). Reads
//! the issuer, the industry (and whether a pooled fund is a venture capital fund), the
//! amounts, which may read `Indefinite`, and the date of first sale, which may be
//! `yetToOccur`. A document that is not XML, or lacks a field every filing has, is an
//! error naming what is wrong, so the sync records it against the accession and goes on.
use chrono::NaiveDate;

/// An offering amount: a number of dollars, or the form's word "Indefinite".
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Amount {
    Dollars(f64),
    Indefinite,
}

/// When the first sale happened, or that it has not yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FirstSale {
    On(NaiveDate),
    YetToOccur,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FormD {
    /// `D` or `D/A` (an amendment supersedes its original's figures).
    pub submission_type: String,
    pub is_amendment: bool,
    /// `previousAccessionNumber` of an amendment: the filing it supersedes.
    pub previous_accession: Option<String>,
    pub cik: u64,
    pub entity_name: String,
    pub entity_type: Option<String>,
    /// Two-letter state or country code of the issuer's address.
    pub state: Option<String>,
    pub jurisdiction: Option<String>,
    pub year_of_inc: Option<i32>,
    /// `industryGroupType`, e.g. "Other Technology", "Pooled Investment Fund".
    pub industry_group: String,
    /// `investmentFundType` of a pooled fund, e.g. "Venture Capital Fund".
    pub fund_type: Option<String>,
    pub total_offering: Amount,
    pub total_sold: Option<f64>,
    pub total_remaining: Option<Amount>,
    pub first_sale: Option<FirstSale>,
    pub investors: Option<u32>,
    pub minimum_investment: Option<f64>,
    pub exemptions: Vec<String>,
    /// "First Last" of each related person (executives, directors, promoters).
    pub related_persons: Vec<String>,
}

impl FormD {
    /// A Form D of a pooled fund whose type is "Venture Capital Fund": it creates or
    /// updates a fund rather than a funding round.
    pub fn is_venture_fund(&self) -> bool {
        self.fund_type.as_deref() == Some("Venture Capital Fund")
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FormDError {
    #[error("not well-formed XML: {0}")]
    Xml(String),
    #[error("the root element is <{0}>, not <edgarSubmission>")]
    Root(String),
    #[error("required field {0} is missing or empty")]
    Missing(&'static str),
    #[error("field {field} reads '{value}', which is not {expected}")]
    Invalid { field: &'static str, value: String, expected: &'static str },
}

/// The trimmed text of the element at `path` (child names from `node`), if present.
fn text_at<'a>(node: roxmltree::Node<'a, 'a>, path: &[&str]) -> Option<&'a str> {
    let mut n = node;
    for name in path {
        n = n.children().find(|c| c.has_tag_name(*name))?;
    }
    n.text().map(str::trim).filter(|t| !t.is_empty())
}

fn number(field: &'static str, v: &str) -> Result<f64, FormDError> {
    v.replace(',', "").parse::<f64>().ok().filter(|x| x.is_finite()).ok_or_else(|| FormDError::Invalid {
        field,
        value: v.to_string(),
        expected: "a number",
    })
}

fn amount(field: &'static str, v: &str) -> Result<Amount, FormDError> {
    if v.eq_ignore_ascii_case("indefinite") {
        Ok(Amount::Indefinite)
    } else {
        number(field, v).map(Amount::Dollars)
    }
}

pub fn parse(xml: &str) -> Result<FormD, FormDError> {
    // Real filings may start with a blank line before the XML declaration, which strict
    // parsers reject.
    let doc = roxmltree::Document::parse(xml.trim_start()).map_err(|e| FormDError::Xml(e.to_string()))?;
    let root = doc.root_element();
    if !root.has_tag_name("edgarSubmission") {
        return Err(FormDError::Root(root.tag_name().name().to_string()));
    }
    let submission_type = text_at(root, &["submissionType"]).ok_or(FormDError::Missing("submissionType"))?.to_string();
    let issuer =
        root.children().find(|c| c.has_tag_name("primaryIssuer")).ok_or(FormDError::Missing("primaryIssuer"))?;
    let cik_text = text_at(issuer, &["cik"]).ok_or(FormDError::Missing("primaryIssuer/cik"))?;
    let cik = cik_text.parse().map_err(|_| FormDError::Invalid {
        field: "primaryIssuer/cik",
        value: cik_text.to_string(),
        expected: "a CIK number",
    })?;
    let entity_name =
        text_at(issuer, &["entityName"]).ok_or(FormDError::Missing("primaryIssuer/entityName"))?.to_string();
    let offering =
        root.children().find(|c| c.has_tag_name("offeringData")).ok_or(FormDError::Missing("offeringData"))?;
    let industry_group = text_at(offering, &["industryGroup", "industryGroupType"])
        .ok_or(FormDError::Missing("offeringData/industryGroup/industryGroupType"))?
        .to_string();
    let total_offering = text_at(offering, &["offeringSalesAmounts", "totalOfferingAmount"])
        .ok_or(FormDError::Missing("offeringSalesAmounts/totalOfferingAmount"))
        .and_then(|v| amount("offeringSalesAmounts/totalOfferingAmount", v))?;
    let total_sold = text_at(offering, &["offeringSalesAmounts", "totalAmountSold"])
        .map(|v| number("offeringSalesAmounts/totalAmountSold", v))
        .transpose()?;
    let total_remaining = text_at(offering, &["offeringSalesAmounts", "totalRemaining"])
        .map(|v| amount("offeringSalesAmounts/totalRemaining", v))
        .transpose()?;
    let first_sale = match offering
        .children()
        .find(|c| c.has_tag_name("typeOfFiling"))
        .and_then(|t| t.children().find(|c| c.has_tag_name("dateOfFirstSale")))
    {
        None => None,
        Some(d) => match (text_at(d, &["value"]), text_at(d, &["yetToOccur"])) {
            (Some(v), _) => {
                Some(FirstSale::On(NaiveDate::parse_from_str(v, "%Y-%m-%d").map_err(|_| FormDError::Invalid {
                    field: "dateOfFirstSale/value",
                    value: v.to_string(),
                    expected: "a date like 2023-01-20",
                })?))
            }
            (None, Some(y)) if y == "true" || y == "1" => Some(FirstSale::YetToOccur),
            _ => None,
        },
    };
    let is_amendment = text_at(offering, &["typeOfFiling", "newOrAmendment", "isAmendment"]) == Some("true")
        || submission_type == "D/A";
    let previous_accession =
        text_at(offering, &["typeOfFiling", "newOrAmendment", "previousAccessionNumber"]).map(str::to_string);
    let exemptions = offering
        .children()
        .find(|c| c.has_tag_name("federalExemptionsExclusions"))
        .map(|f| {
            f.children()
                .filter(|c| c.has_tag_name("item"))
                .filter_map(|c| c.text().map(|t| t.trim().to_string()))
                .collect()
        })
        .unwrap_or_default();
    let related_persons = root
        .children()
        .find(|c| c.has_tag_name("relatedPersonsList"))
        .map(|l| {
            l.children()
                .filter(|c| c.has_tag_name("relatedPersonInfo"))
                .filter_map(|p| {
                    let first = text_at(p, &["relatedPersonName", "firstName"]).unwrap_or("");
                    let last = text_at(p, &["relatedPersonName", "lastName"]).unwrap_or("");
                    let name = format!("{first} {last}").trim().to_string();
                    (!name.is_empty()).then_some(name)
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(FormD {
        submission_type,
        is_amendment,
        previous_accession,
        cik,
        entity_name,
        entity_type: text_at(issuer, &["entityType"]).map(str::to_string),
        state: text_at(issuer, &["issuerAddress", "stateOrCountry"]).map(str::to_string),
        jurisdiction: text_at(issuer, &["jurisdictionOfInc"]).map(str::to_string),
        year_of_inc: text_at(issuer, &["yearOfInc", "value"]).and_then(|y| y.parse().ok()),
        industry_group,
        fund_type: text_at(offering, &["industryGroup", "investmentFundInfo", "investmentFundType"])
            .map(str::to_string),
        total_offering,
        total_sold,
        total_remaining,
        first_sale,
        investors: text_at(offering, &["investors", "totalNumberAlreadyInvested"]).and_then(|n| n.parse().ok()),
        minimum_investment: text_at(offering, &["minimumInvestmentAccepted"])
            .map(|v| number("minimumInvestmentAccepted", v))
            .transpose()?,
        exemptions,
        related_persons,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A Form D in EDGAR's layout, with the parts that vary filled in.
    fn doc(kind: &str, industry: &str, first_sale: &str, total: &str) -> String {
        format!(
            r#"
<?xml version="1.0"?>
<edgarSubmission>
    <schemaVersion>X0708</schemaVersion>
    <submissionType>{kind}</submissionType>
    <testOrLive>LIVE</testOrLive>
    <primaryIssuer>
        <cik>0001900001</cik>
        <entityName>Example Robotics, Inc.</entityName>
        <issuerAddress><street1>1 Main St</street1><city>Austin</city><stateOrCountry>TX</stateOrCountry></issuerAddress>
        <jurisdictionOfInc>DELAWARE</jurisdictionOfInc>
        <entityType>Corporation</entityType>
        <yearOfInc><withinFiveYears>true</withinFiveYears><value>2024</value></yearOfInc>
    </primaryIssuer>
    <relatedPersonsList>
        <relatedPersonInfo><relatedPersonName><firstName>Ada</firstName><lastName>Quill</lastName></relatedPersonName></relatedPersonInfo>
        <relatedPersonInfo><relatedPersonName><firstName>Ltd.</firstName><lastName>Example Fund Group</lastName></relatedPersonName></relatedPersonInfo>
    </relatedPersonsList>
    <offeringData>
        <industryGroup>{industry}</industryGroup>
        <federalExemptionsExclusions><item>06b</item><item>3C.1</item></federalExemptionsExclusions>
        <typeOfFiling>
            <newOrAmendment><isAmendment>{amend}</isAmendment>{previous}</newOrAmendment>
            <dateOfFirstSale>{first_sale}</dateOfFirstSale>
        </typeOfFiling>
        <minimumInvestmentAccepted>25000</minimumInvestmentAccepted>
        <offeringSalesAmounts>
            <totalOfferingAmount>{total}</totalOfferingAmount>
            <totalAmountSold>4500000</totalAmountSold>
            <totalRemaining>{total}</totalRemaining>
        </offeringSalesAmounts>
        <investors><hasNonAccreditedInvestors>false</hasNonAccreditedInvestors><totalNumberAlreadyInvested>12</totalNumberAlreadyInvested></investors>
    </offeringData>
</edgarSubmission>
"#,
            amend = kind == "D/A",
            previous = if kind == "D/A" {
                "<previousAccessionNumber>0001900001-26-000001</previousAccessionNumber>"
            } else {
                ""
            }
        )
    }

    const TECH: &str = "<industryGroupType>Other Technology</industryGroupType>";
    const VC: &str = "<industryGroupType>Pooled Investment Fund</industryGroupType><investmentFundInfo><investmentFundType>Venture Capital Fund</investmentFundType><is40Act>false</is40Act></investmentFundInfo>";

    #[test]
    fn a_company_round_reads_with_every_field() {
        let d = parse(&doc("D", TECH, "<value>2026-11-02</value>", "6000000")).unwrap();
        assert_eq!(
            (d.cik, d.entity_name.as_str(), d.submission_type.as_str()),
            (1900001, "Example Robotics, Inc.", "D")
        );
        assert!(!d.is_amendment && !d.is_venture_fund());
        assert_eq!(d.total_offering, Amount::Dollars(6_000_000.0));
        assert_eq!(d.total_sold, Some(4_500_000.0));
        assert_eq!(d.first_sale, Some(FirstSale::On(NaiveDate::from_ymd_opt(2026, 11, 2).unwrap())));
        assert_eq!((d.state.as_deref(), d.year_of_inc, d.investors), (Some("TX"), Some(2024), Some(12)));
        assert_eq!(d.minimum_investment, Some(25_000.0));
        assert_eq!(d.exemptions, ["06b", "3C.1"]);
        assert_eq!(d.related_persons, ["Ada Quill", "Ltd. Example Fund Group"]);
    }

    #[test]
    fn indefinite_amounts_and_a_first_sale_yet_to_occur_are_kept_as_such() {
        let d = parse(&doc("D", VC, "<yetToOccur>true</yetToOccur>", "Indefinite")).unwrap();
        assert_eq!(d.total_offering, Amount::Indefinite);
        assert_eq!(d.total_remaining, Some(Amount::Indefinite));
        assert_eq!(d.first_sale, Some(FirstSale::YetToOccur));
        assert!(d.is_venture_fund());
        assert_eq!(d.industry_group, "Pooled Investment Fund");
    }

    #[test]
    fn an_amendment_says_so() {
        let d = parse(&doc("D/A", TECH, "<value>2026-11-02</value>", "8000000")).unwrap();
        assert!(d.is_amendment);
        assert_eq!(d.submission_type, "D/A");
        assert_eq!(d.previous_accession.as_deref(), Some("0001900001-26-000001"));
        let original = parse(&doc("D", TECH, "<value>2026-11-02</value>", "8000000")).unwrap();
        assert_eq!(original.previous_accession, None);
    }

    #[test]
    fn bad_documents_are_errors_that_name_what_is_wrong() {
        assert!(matches!(parse("<edgarSubmission><submissionType>D</submission"), Err(FormDError::Xml(_))));
        assert_eq!(parse("<html><body/></html>"), Err(FormDError::Root("html".into())));
        let no_cik = doc("D", TECH, "<value>2026-11-02</value>", "1").replace("<cik>0001900001</cik>", "");
        assert_eq!(parse(&no_cik), Err(FormDError::Missing("primaryIssuer/cik")));
        let bad_total = doc("D", TECH, "<value>2026-11-02</value>", "lots");
        assert!(matches!(
            parse(&bad_total),
            Err(FormDError::Invalid { field: "offeringSalesAmounts/totalOfferingAmount", .. })
        ));
        let bad_date = doc("D", TECH, "<value>11/02/2026</value>", "1");
        assert!(matches!(parse(&bad_date), Err(FormDError::Invalid { field: "dateOfFirstSale/value", .. })));
    }
}
