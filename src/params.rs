//! Query parameters every endpoint and page shares: one reader per kind of value, each
//! answering a 400 that names the parameter. Pure and used on both sides of the wire, but
//! for [`ApiQuery`], the plain axum handlers' query string (server only).
use chrono::NaiveDate;

use crate::error::AppError;

/// The dates a request may name. Market history starts well after the first bound and
/// nothing is forecast past the second; keeping dates inside four-digit years also keeps
/// their text form (how SQLite stores them) in date order, which `+10000-01-01` is not.
pub const FIRST_DATE: NaiveDate = match NaiveDate::from_ymd_opt(1800, 1, 1) {
    Some(d) => d,
    None => panic!("a valid date"),
};
pub const LAST_DATE: NaiveDate = match NaiveDate::from_ymd_opt(2200, 12, 31) {
    Some(d) => d,
    None => panic!("a valid date"),
};

/// Why a text is not a date Quarry accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateError {
    /// Not `YYYY-MM-DD`, or no such day (2024-02-30).
    Malformed,
    /// A real day outside `FIRST_DATE..=LAST_DATE`.
    OutOfRange(NaiveDate),
}

/// The one reading of a date written by a person (a query parameter, an import file, the
/// command line): exactly `YYYY-MM-DD`, inside `FIRST_DATE..=LAST_DATE`. Callers word the
/// error for where the date came from.
pub fn parse_date(s: &str) -> Result<NaiveDate, DateError> {
    // chrono alone would also take "2024-1-5" and "+10000-01-01".
    let shaped = s.len() == 10
        && s.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
    let d = NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| DateError::Malformed)?;
    // A far date chrono reads (+262142-12-31) is out of range, whatever its shape.
    if !(FIRST_DATE..=LAST_DATE).contains(&d) {
        Err(DateError::OutOfRange(d))
    } else if shaped {
        Ok(d)
    } else {
        Err(DateError::Malformed)
    }
}

/// A date like 2024-01-31; empty or blank means absent. Anything else, including a real
/// date outside `FIRST_DATE..=LAST_DATE`, is a 400 naming `name`.
pub fn date(name: &str, v: Option<&str>) -> Result<Option<NaiveDate>, AppError> {
    let Some(s) = v.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    parse_date(s).map(Some).map_err(|e| AppError::bad_parameter(name, date_error_message(s, e)))
}

/// What a 400 says about a date that `parse_date` refused.
pub fn date_error_message(s: &str, e: DateError) -> String {
    match e {
        DateError::Malformed => format!("'{s}' is not a date like 2024-01-31"),
        DateError::OutOfRange(d) => format!("{d} is outside the supported dates ({FIRST_DATE} to {LAST_DATE})"),
    }
}

/// Percent-encodes a value for a URL's query (letters, digits and `-._~` pass).
pub fn encode(v: &str) -> String {
    const QUERY_VALUE: &percent_encoding::AsciiSet =
        &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');
    percent_encoding::utf8_percent_encode(v, QUERY_VALUE).to_string()
}

/// `?a=1&b=x` from the pairs that have a value (empty string when none do).
pub fn query_string(pairs: &[(&str, Option<String>)]) -> String {
    let parts: Vec<String> = pairs
        .iter()
        .filter_map(|(k, v)| v.as_deref().filter(|v| !v.is_empty()).map(|v| format!("{k}={}", encode(v))))
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

/// A query parameter from a page's URL, `None` when absent or blank (an empty form field).
pub fn param(q: &leptos_router::params::ParamsMap, name: &str) -> Option<String> {
    q.get(name).filter(|v| !v.trim().is_empty())
}

/// `from` and `to` together: each a `date`, and `from` not after `to` (a 400 naming `from`).
pub fn date_span(from: Option<&str>, to: Option<&str>) -> Result<(Option<NaiveDate>, Option<NaiveDate>), AppError> {
    let (f, t) = (date("from", from)?, date("to", to)?);
    match (f, t) {
        (Some(f), Some(t)) if f > t => Err(AppError::bad_parameter("from", format!("from ({f}) is after to ({t})"))),
        _ => Ok((f, t)),
    }
}

/// A plain axum handler's query string read into `T`. One axum cannot read (a value of the
/// wrong type, a malformed string) is a 400 naming `query`, in the API's JSON shape like
/// every other error. A handler with a check that must answer first takes
/// `Result<ApiQuery<T>, AppError>` and returns the error when its turn comes.
#[cfg(feature = "ssr")]
pub struct ApiQuery<T>(pub T);

#[cfg(feature = "ssr")]
impl<T, S> axum::extract::FromRequestParts<S> for ApiQuery<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &S) -> Result<Self, AppError> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(q)) => Ok(ApiQuery(q)),
            Err(e) => Err(AppError::bad_parameter("query", e.body_text())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parameter(r: Result<Option<NaiveDate>, AppError>) -> String {
        r.unwrap_err().parameter.unwrap()
    }

    #[test]
    fn dates_inside_the_supported_span_are_read_and_blanks_are_absent() {
        assert_eq!(date("from", Some(" 2024-01-31 ")).unwrap(), NaiveDate::from_ymd_opt(2024, 1, 31));
        assert_eq!(date("from", Some("1800-01-01")).unwrap(), Some(FIRST_DATE));
        assert_eq!(date("to", Some("2200-12-31")).unwrap(), Some(LAST_DATE));
        assert_eq!(date("to", Some("")).unwrap(), None);
        assert_eq!(date("to", Some("   ")).unwrap(), None);
        assert_eq!(date("to", None).unwrap(), None);
    }

    #[test]
    fn far_dates_that_chrono_reads_are_still_a_400_naming_the_parameter() {
        // The extremes chrono accepts: the panic and the text comparison of issue 14.
        for far in ["+262142-12-31", "-262143-01-01", "+10000-01-01", "1799-12-31", "2201-01-01", "0000-01-01"] {
            let e = date("to", Some(far)).unwrap_err();
            assert_eq!(e.parameter.as_deref(), Some("to"), "{far}");
            assert_eq!(e.kind, crate::error::ErrorKind::BadRequest);
        }
        assert!(date("from", Some("1700-05-05")).unwrap_err().message.contains("1800-01-01 to 2200-12-31"));
    }

    #[test]
    fn malformed_dates_name_their_parameter_and_quote_the_value() {
        for bad in ["2024-02-30", "2024-13-01", "yesterday", "2024/01/31", "20240131"] {
            assert_eq!(parameter(date("base", Some(bad))), "base", "{bad}");
        }
        assert!(date("from", Some("soon")).unwrap_err().message.contains("'soon'"));
    }

    #[test]
    fn query_values_are_percent_encoded_except_unreserved_characters() {
        assert_eq!(encode("a b&c=d/é~-._"), "a%20b%26c%3Dd%2F%C3%A9~-._");
        assert_eq!(encode("manual:2026-12-04T10:00:00.000Z"), "manual%3A2026-12-04T10%3A00%3A00.000Z");
    }

    #[test]
    fn only_the_written_out_form_is_a_date() {
        assert_eq!(parse_date("2024-01-05"), Ok(NaiveDate::from_ymd_opt(2024, 1, 5).unwrap()));
        for loose in ["2024-1-5", "2024-01-5", " 2024-01-05", "2024-01-05 ", "+2024-01-05", "2024_01_05"] {
            assert_eq!(parse_date(loose), Err(DateError::Malformed), "{loose}");
        }
        assert_eq!(parse_date("1700-01-01"), Err(DateError::OutOfRange(NaiveDate::from_ymd_opt(1700, 1, 1).unwrap())));
    }

    #[test]
    fn query_strings_keep_the_pairs_with_a_value() {
        assert_eq!(query_string(&[("q", Some("a b".into())), ("page", None), ("s", Some(String::new()))]), "?q=a%20b");
        assert_eq!(query_string(&[]), "");
    }

    #[test]
    fn a_span_whose_start_is_after_its_end_is_a_400_naming_from() {
        let e = date_span(Some("2025-02-01"), Some("2025-01-01")).unwrap_err();
        assert_eq!(e.parameter.as_deref(), Some("from"));
        assert_eq!(date_span(Some("2025-01-01"), None).unwrap().1, None);
        assert_eq!(date_span(None, Some("+262142-12-31")).unwrap_err().parameter.as_deref(), Some("to"));
    }
}
