//! The venture endpoints' query parameters: read from strings, checked, and written back
//! into URLs (the pages keep their filters in the URL). Pure; shared by server and browser.
//! A bad value is a 400 naming the parameter.
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::model::STAGES;
use super::sector::Sector;
use crate::error::AppError;

pub const MAX_PER_PAGE: u64 = 500;
pub const DEFAULT_PER_PAGE: u64 = 50;

fn present(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// A date parameter, read by the one parser every endpoint shares.
pub fn date(name: &str, v: &Option<String>) -> Result<Option<NaiveDate>, AppError> {
    crate::params::date(name, v.as_deref())
}

pub fn amount(name: &str, v: &Option<String>) -> Result<Option<f64>, AppError> {
    match present(v) {
        None => Ok(None),
        Some(s) => match s.replace('_', "").parse::<f64>() {
            Ok(x) if x.is_finite() && x >= 0.0 => Ok(Some(x)),
            _ => Err(AppError::bad_parameter(name, format!("'{s}' is not an amount in dollars (a number, 0 or more)"))),
        },
    }
}

pub fn sector(v: &Option<String>) -> Result<Option<Sector>, AppError> {
    match present(v) {
        None => Ok(None),
        Some(s) => Sector::ALL.into_iter().find(|x| x.slug() == s).map(Some).ok_or_else(|| {
            let known: Vec<_> = Sector::ALL.iter().map(|x| x.slug()).collect();
            AppError::bad_parameter("sector", format!("unknown sector '{s}'; expected one of: {}", known.join(", ")))
        }),
    }
}

pub fn stage(v: &Option<String>) -> Result<Option<String>, AppError> {
    match present(v) {
        None => Ok(None),
        Some(s) if STAGES.contains(&s) => Ok(Some(s.to_string())),
        Some(s) => Err(AppError::bad_parameter(
            "stage",
            format!("unknown stage '{s}'; expected one of: {}", STAGES.join(", ")),
        )),
    }
}

/// A US state or country code as Form D gives it: two letters or digits.
pub fn state(v: &Option<String>) -> Result<Option<String>, AppError> {
    match present(v) {
        None => Ok(None),
        Some(s) if s.len() == 2 && s.chars().all(|c| c.is_ascii_alphanumeric()) => Ok(Some(s.to_ascii_uppercase())),
        Some(s) => Err(AppError::bad_parameter("state", format!("'{s}' is not a two-letter state code like CA"))),
    }
}

pub fn one_of(name: &str, v: &Option<String>, allowed: &[&str], default: &str) -> Result<String, AppError> {
    match present(v) {
        None => Ok(default.to_string()),
        Some(s) if allowed.contains(&s) => Ok(s.to_string()),
        Some(s) => {
            Err(AppError::bad_parameter(name, format!("'{s}' is not allowed; expected one of: {}", allowed.join(", "))))
        }
    }
}

/// An optional filter: absent when blank, else one of `allowed`.
pub fn optional_one_of(name: &str, v: &Option<String>, allowed: &[&str]) -> Result<Option<String>, AppError> {
    match present(v) {
        None => Ok(None),
        Some(_) => Ok(Some(one_of(name, v, allowed, "")?)),
    }
}

pub fn whole(name: &str, v: &Option<String>, min: u64, max: u64, default: u64) -> Result<u64, AppError> {
    match present(v) {
        None => Ok(default),
        Some(s) => match s.parse::<u64>() {
            Ok(n) if (min..=max).contains(&n) => Ok(n),
            _ => Err(AppError::bad_parameter(name, format!("'{s}' is not a whole number from {min} to {max}"))),
        },
    }
}

/// The page of a paged list, from 1 (default 1).
pub fn page(v: &Option<String>) -> Result<u64, AppError> {
    whole("page", v, 1, 1_000_000, 1)
}

/// Rows a page: 1 to [`MAX_PER_PAGE`] (default [`DEFAULT_PER_PAGE`]).
pub fn per_page(v: &Option<String>) -> Result<u64, AppError> {
    whole("per_page", v, 1, MAX_PER_PAGE, DEFAULT_PER_PAGE)
}

/// Free-text search: at most 100 characters, so a pasted page cannot become a query.
pub fn search(v: &Option<String>) -> Result<Option<String>, AppError> {
    match present(v) {
        None => Ok(None),
        // Counted after lowercasing, which can lengthen a text ('İ' is 'i' and a combining
        // dot): the page's links carry the lowercased text, and 100 of them made a link
        // that answered 400 (found writing the query fuzz target's link round trip).
        Some(s) => match s.to_lowercase() {
            q if q.chars().count() <= 100 => Ok(Some(q)),
            _ => Err(AppError::bad_parameter("q", "the search text is longer than 100 characters")),
        },
    }
}

/// `from` not after `to`: a 400 naming `from`.
pub fn ordered(from: Option<NaiveDate>, to: Option<NaiveDate>) -> Result<(), AppError> {
    match (from, to) {
        (Some(f), Some(t)) if f > t => Err(AppError::bad_parameter("from", format!("from {f} is after to {t}"))),
        _ => Ok(()),
    }
}

/// The funding table's filters, sort and page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct FundingFilter {
    pub sector: Option<Sector>,
    pub stage: Option<String>,
    pub state: Option<String>,
    pub min_amount: Option<f64>,
    pub max_amount: Option<f64>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Part of the company name.
    pub q: Option<String>,
    pub notable: bool,
    pub sort: String,
    pub dir: String,
    pub page: u64,
    pub per_page: u64,
}

pub const FUNDING_SORTS: [&str; 4] = ["date", "amount", "offered", "company"];

/// The raw query string of the funding endpoints, as strings (every one optional). The
/// field docs are the parameters' documentation in the OpenAPI document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct FundingParams {
    /// Only this sector.
    #[cfg_attr(feature = "ssr", param(example = "ai-software"))]
    pub sector: Option<String>,
    /// Only this stage (Form D states none: EDGAR rounds are `unstated`).
    pub stage: Option<String>,
    /// Only companies in this US state or country, two letters like `CA`.
    pub state: Option<String>,
    /// At least this amount sold, in USD.
    #[cfg_attr(feature = "ssr", param(value_type = Option<f64>, minimum = 0))]
    pub min_amount: Option<String>,
    /// At most this amount sold, in USD.
    #[cfg_attr(feature = "ssr", param(value_type = Option<f64>, minimum = 0))]
    pub max_amount: Option<String>,
    /// Announced on or after, `YYYY-MM-DD`.
    #[cfg_attr(feature = "ssr", param(value_type = Option<chrono::NaiveDate>))]
    pub from: Option<String>,
    /// Announced on or before, `YYYY-MM-DD`.
    #[cfg_attr(feature = "ssr", param(value_type = Option<chrono::NaiveDate>))]
    pub to: Option<String>,
    /// Part of the company name (at most 100 characters).
    pub q: Option<String>,
    /// `true` (or `1`, `on`): only the rounds flagged notable.
    pub notable: Option<String>,
    /// What to sort by (default `date`).
    #[cfg_attr(feature = "ssr", param(example = "amount"))]
    pub sort: Option<String>,
    /// `desc` (the default) or `asc`.
    pub dir: Option<String>,
    /// The page, from 1 (default 1).
    #[cfg_attr(feature = "ssr", param(value_type = Option<u32>, minimum = 1))]
    pub page: Option<String>,
    /// Rows a page: 1 to 500 (default 50).
    #[cfg_attr(feature = "ssr", param(value_type = Option<u32>, minimum = 1, maximum = 500, example = 5))]
    pub per_page: Option<String>,
}

impl FundingParams {
    pub fn parse(&self) -> Result<FundingFilter, AppError> {
        let f = FundingFilter {
            sector: sector(&self.sector)?,
            stage: stage(&self.stage)?,
            state: state(&self.state)?,
            min_amount: amount("min_amount", &self.min_amount)?,
            max_amount: amount("max_amount", &self.max_amount)?,
            from: date("from", &self.from)?,
            to: date("to", &self.to)?,
            q: search(&self.q)?,
            notable: one_of("notable", &self.notable, &["true", "false", "1", "0", "on"], "false")? != "false"
                && present(&self.notable) != Some("0"),
            sort: one_of("sort", &self.sort, &FUNDING_SORTS, "date")?,
            dir: one_of("dir", &self.dir, &["asc", "desc"], "desc")?,
            page: page(&self.page)?,
            per_page: per_page(&self.per_page)?,
        };
        ordered(f.from, f.to)?;
        if let (Some(lo), Some(hi)) = (f.min_amount, f.max_amount) {
            if lo > hi {
                return Err(AppError::bad_parameter("min_amount", format!("min_amount {lo} is above max_amount {hi}")));
            }
        }
        Ok(f)
    }
}

impl FundingFilter {
    /// `path` with the query string that reproduces this filter at `page` (`path` alone
    /// when every value is the default), for links.
    pub fn href(&self, path: &str, page: u64) -> String {
        let q = self.query_string(page);
        if q.is_empty() {
            path.to_string()
        } else {
            format!("{path}?{q}")
        }
    }

    /// The query string that reproduces this filter (defaults left out), for links.
    pub fn query_string(&self, page: u64) -> String {
        let mut parts: Vec<(String, String)> = Vec::new();
        let mut put = |k: &str, v: String| parts.push((k.to_string(), v));
        if let Some(s) = self.sector {
            put("sector", s.slug().to_string());
        }
        if let Some(s) = &self.stage {
            put("stage", s.clone());
        }
        if let Some(s) = &self.state {
            put("state", s.clone());
        }
        if let Some(a) = self.min_amount {
            put("min_amount", format!("{a}"));
        }
        if let Some(a) = self.max_amount {
            put("max_amount", format!("{a}"));
        }
        if let Some(d) = self.from {
            put("from", d.to_string());
        }
        if let Some(d) = self.to {
            put("to", d.to_string());
        }
        if let Some(q) = &self.q {
            put("q", q.clone());
        }
        if self.notable {
            put("notable", "true".into());
        }
        if self.sort != "date" {
            put("sort", self.sort.clone());
        }
        if self.dir != "desc" {
            put("dir", self.dir.clone());
        }
        if page > 1 {
            put("page", page.to_string());
        }
        if self.per_page != DEFAULT_PER_PAGE && self.per_page != 0 {
            put("per_page", self.per_page.to_string());
        }
        parts.iter().map(|(k, v)| format!("{k}={}", encode(v))).collect::<Vec<_>>().join("&")
    }
}

/// Percent-encodes a query value (the one encoder, in `params`).
pub use crate::params::encode;

/// A quarter's label and its first day.
pub fn quarter_of(d: NaiveDate) -> (String, NaiveDate) {
    let q = (d.month0() / 3) + 1;
    // The first day of a quarter of a valid date's year always exists.
    let start = d.with_day(1).and_then(|m| m.with_month((q - 1) * 3 + 1)).unwrap_or(d);
    (format!("{}-Q{q}", d.year()), start)
}

/// The landscape's period: whole quarters from `from` to `to`, by default the twelve
/// quarters that end with the quarter of `latest`.
pub fn landscape_period(
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    latest: NaiveDate,
) -> Result<(NaiveDate, NaiveDate), AppError> {
    ordered(from, to)?;
    let to = to.unwrap_or(latest);
    let (_, to_q) = quarter_of(to);
    // Dates come through `params::date`, so these are in range; a date that is not (a
    // stored `latest` from a broken row) is still a 400, never a panic.
    let out_of_range = || AppError::bad_parameter("to", format!("{to} is outside the supported dates"));
    let end = to_q.checked_add_months(chrono::Months::new(3)).and_then(|d| d.pred_opt()).ok_or_else(out_of_range)?;
    let start = match from {
        Some(f) => quarter_of(f).1,
        None => to_q.checked_sub_months(chrono::Months::new(33)).ok_or_else(out_of_range)?,
    };
    if end.signed_duration_since(start).num_days() > 366 * 30 {
        return Err(AppError::bad_parameter("from", "the landscape spans at most 30 years"));
    }
    Ok((start, end))
}

/// The quarter labels from `start` to `end`, oldest first.
pub fn quarters(start: NaiveDate, end: NaiveDate) -> Vec<String> {
    let mut out = Vec::new();
    let mut d = quarter_of(start).1;
    while d <= end {
        out.push(quarter_of(d).0);
        match d.checked_add_months(chrono::Months::new(3)) {
            Some(next) => d = next,
            None => break,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn funding_params_parse_and_round_trip_through_the_url() {
        let p = FundingParams {
            sector: Some("ai-software".into()),
            stage: Some("series-a".into()),
            state: Some("ca".into()),
            min_amount: Some("1000000".into()),
            from: Some("2025-01-01".into()),
            sort: Some("amount".into()),
            page: Some("2".into()),
            ..Default::default()
        };
        let f = p.parse().unwrap();
        assert_eq!(f.sector, Some(Sector::AiSoftware));
        assert_eq!(f.state.as_deref(), Some("CA"));
        assert_eq!((f.sort.as_str(), f.dir.as_str(), f.page, f.per_page), ("amount", "desc", 2, 50));
        assert_eq!(
            f.query_string(3),
            "sector=ai-software&stage=series-a&state=CA&min_amount=1000000&from=2025-01-01&sort=amount&page=3"
        );
        assert_eq!(f.href("/venture/funding", 1), format!("/venture/funding?{}", f.query_string(1)));
        assert_eq!(FundingParams::default().parse().unwrap().href("/venture/funding", 1), "/venture/funding");
    }

    #[test]
    fn a_search_that_lowercasing_lengthens_still_round_trips_through_its_link() {
        // 60 dotted capital Is pass as 60 characters but lowercase to 120.
        let p = FundingParams { q: Some("\u{130}".repeat(60)), ..Default::default() };
        assert_eq!(p.parse().unwrap_err().parameter.as_deref(), Some("q"));
        let p = FundingParams { q: Some("\u{130}".repeat(50)), ..Default::default() };
        let f = p.parse().unwrap();
        let link = FundingParams { q: f.q.clone(), ..Default::default() };
        assert_eq!(link.parse().unwrap(), f);
    }

    #[test]
    fn every_bad_value_names_its_parameter() {
        let bad = |p: FundingParams| p.parse().unwrap_err().parameter.unwrap();
        assert_eq!(bad(FundingParams { sector: Some("crypto".into()), ..Default::default() }), "sector");
        assert_eq!(bad(FundingParams { stage: Some("series-z".into()), ..Default::default() }), "stage");
        assert_eq!(bad(FundingParams { state: Some("California".into()), ..Default::default() }), "state");
        assert_eq!(bad(FundingParams { min_amount: Some("-5".into()), ..Default::default() }), "min_amount");
        assert_eq!(bad(FundingParams { max_amount: Some("lots".into()), ..Default::default() }), "max_amount");
        assert_eq!(bad(FundingParams { from: Some("2025-13-01".into()), ..Default::default() }), "from");
        assert_eq!(
            bad(FundingParams { from: Some("2025-02-01".into()), to: Some("2025-01-01".into()), ..Default::default() }),
            "from"
        );
        assert_eq!(bad(FundingParams { sort: Some("valuation".into()), ..Default::default() }), "sort");
        assert_eq!(bad(FundingParams { page: Some("0".into()), ..Default::default() }), "page");
        assert_eq!(bad(FundingParams { per_page: Some("501".into()), ..Default::default() }), "per_page");
        assert_eq!(
            bad(FundingParams { min_amount: Some("10".into()), max_amount: Some("5".into()), ..Default::default() }),
            "min_amount"
        );
    }

    #[test]
    fn the_far_dates_that_panicked_are_a_400_naming_their_parameter() {
        // Issue 14: `to=+262142-12-31` reached `.expect("in range")` and dropped the connection.
        for (name, far) in [("to", "+262142-12-31"), ("from", "-262143-01-01"), ("from", "+10000-01-01")] {
            let mut p = FundingParams::default();
            *(if name == "to" { &mut p.to } else { &mut p.from }) = Some(far.into());
            assert_eq!(p.parse().unwrap_err().parameter.as_deref(), Some(name), "{far}");
        }
        // And a stored date at chrono's edge is an error, not a panic.
        assert!(landscape_period(None, None, NaiveDate::MAX).is_err());
        assert!(landscape_period(None, None, NaiveDate::MIN).is_err());
    }

    #[test]
    fn the_default_landscape_is_twelve_whole_quarters_ending_with_the_latest() {
        let (s, e) = landscape_period(None, None, d("2026-11-20")).unwrap();
        assert_eq!((s, e), (d("2024-01-01"), d("2026-12-31")));
        let q = quarters(s, e);
        assert_eq!(q.len(), 12);
        assert_eq!((q[0].as_str(), q[11].as_str()), ("2024-Q1", "2026-Q4"));
        let (s, e) = landscape_period(Some(d("2025-05-17")), Some(d("2025-08-02")), d("2026-11-20")).unwrap();
        assert_eq!((s, e), (d("2025-04-01"), d("2025-09-30")));
    }
}
