//! Number and date formatting shared by pages on both sides of the wire.

/// Text made safe for hand-built HTML, SVG and XML, in element content or a quoted
/// attribute: the one escaper (leptos escapes what its views render).
pub fn escape(s: &str) -> std::borrow::Cow<'_, str> {
    html_escape::encode_safe(s)
}

/// A moment as pages print it: `2025-01-31 14:05 UTC`.
pub fn fmt_time(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// A day, or a dash when unknown.
pub fn fmt_date(d: Option<chrono::NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_else(|| "—".into())
}

/// A price with thousands separators and as many decimals as its size deserves:
/// 2,345.60 / 86.48 / 3.215 / 0.4123.
pub fn format_value(v: f64) -> String {
    if !v.is_finite() {
        return "n/a".into();
    }
    let decimals = match v.abs() {
        a if a >= 1000.0 => 0,
        a if a >= 10.0 => 2,
        a if a >= 1.0 => 3,
        _ => 4,
    };
    let text = format!("{:.*}", decimals, v.abs());
    let (int, frac) = text.split_once('.').map(|(i, f)| (i, Some(f))).unwrap_or((text.as_str(), None));
    let mut grouped = String::with_capacity(int.len() + int.len() / 3);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if v < 0.0 && !text.trim_start_matches(['0', '.']).is_empty() { "-" } else { "" };
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// A percentage change with an explicit sign: +1.23%, -0.50%; a dash when unavailable.
pub fn format_change(pct: Option<f64>) -> String {
    match pct {
        Some(p) if p.is_finite() => format!("{}{:.2}%", if p > 0.0 { "+" } else { "" }, p),
        _ => "—".into(),
    }
}

/// A period as its frequency names it: a day for daily data and for weekly data (the day
/// the week's figure is dated, e.g. a Wednesday level), `2026-10` for a month, `2025` for
/// a year, so a monthly or annual figure never reads like a daily quote.
pub fn format_period(date: chrono::NaiveDate, frequency: crate::universe::Frequency) -> String {
    use crate::universe::Frequency;
    match frequency {
        Frequency::Daily | Frequency::Weekly => date.format("%Y-%m-%d").to_string(),
        Frequency::Monthly => date.format("%Y-%m").to_string(),
        Frequency::Annual => date.format("%Y").to_string(),
    }
}

/// How pages shorten an error (see `components::ErrorText`; the record keeps it whole).
const SHORT_MAX: usize = 160;

/// The first line of `full`, without its parenthesised detail (where the resolver's, the
/// socket's or the URL's words sit in Quarry's source errors), at most 160 characters;
/// "(and N more)" when other lines (other failed items) follow.
pub fn short_error(full: &str) -> String {
    let mut lines = full.lines().filter(|l| !l.trim().is_empty());
    let first = lines.next().unwrap_or("").trim();
    let more = lines.count();
    let mut short = without_parentheses(first).trim_end_matches([':', ' ']).to_string();
    if short.chars().count() > SHORT_MAX {
        short = format!("{}…", short.chars().take(SHORT_MAX).collect::<String>());
    }
    if more > 0 {
        short.push_str(&format!(" (and {more} more)"));
    }
    short
}

/// `s` without its parenthesised parts (nested ones included) and the space before each.
fn without_parentheses(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut depth = 0usize;
    for c in s.chars() {
        match c {
            '(' => {
                if depth == 0 && out.ends_with(' ') {
                    out.pop();
                }
                depth += 1;
            }
            ')' if depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaped_text_cannot_open_a_tag_or_close_an_attribute() {
        assert_eq!(
            escape(r#"</title><a href="x" title='y'>&"#),
            "&lt;&#x2F;title&gt;&lt;a href=&quot;x&quot; title=&#x27;y&#x27;&gt;&amp;"
        );
        assert_eq!(escape("Gold · 2024"), "Gold · 2024");
    }

    #[test]
    fn values_get_separators_and_size_dependent_decimals() {
        assert_eq!(format_value(2345.6), "2,346");
        assert_eq!(format_value(1_234_567.0), "1,234,567");
        assert_eq!(format_value(86.484), "86.48");
        assert_eq!(format_value(3.2149), "3.215");
        assert_eq!(format_value(0.41234), "0.4123");
        assert_eq!(format_value(-36.98), "-36.98");
        assert_eq!(format_value(-0.00001), "0.0000");
        assert_eq!(format_value(f64::NAN), "n/a");
    }

    #[test]
    fn periods_follow_the_frequency() {
        use crate::universe::Frequency;
        let d = chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
        assert_eq!(format_period(d, Frequency::Daily), "2025-01-01");
        assert_eq!(format_period(d, Frequency::Weekly), "2025-01-01");
        assert_eq!(format_period(d, Frequency::Monthly), "2025-01");
        assert_eq!(format_period(d, Frequency::Annual), "2025");
    }

    #[test]
    fn changes_are_signed_or_a_dash() {
        assert_eq!(format_change(Some(1.234)), "+1.23%");
        assert_eq!(format_change(Some(-0.5)), "-0.50%");
        assert_eq!(format_change(Some(0.0)), "0.00%");
        assert_eq!(format_change(None), "—");
    }
}

#[cfg(test)]
mod short_error_tests {
    use super::*;

    #[test]
    fn the_resolver_detail_and_other_items_stay_out_of_the_short_reason() {
        let full = "gold: cannot connect: prices.lbma.org.uk (dns error: failed to lookup address information: Temporary failure in name resolution)\nsilver: cannot connect: prices.lbma.org.uk (dns error: ...)";
        assert_eq!(short_error(full), "gold: cannot connect: prices.lbma.org.uk (and 1 more)");
        assert_eq!(short_error("HTTP 503 from https://x"), "HTTP 503 from https://x");
        assert_eq!(
            short_error("newest daily observation is 9 days old (limit 4 days); last fetch failed at 12:05 UTC: LBMA gold_pm: cannot connect: h (dns error (os 2))"),
            "newest daily observation is 9 days old; last fetch failed at 12:05 UTC: LBMA gold_pm: cannot connect: h"
        );
        assert_eq!(short_error(&"x".repeat(300)).chars().count(), 161);
    }
}
