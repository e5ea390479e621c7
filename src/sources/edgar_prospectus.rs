//! The offering terms on the cover of an IPO registration statement (S-1, F-1 and their
//! amendments) or final prospectus (424B4), read from the primary document as EDGAR serves
//! it: HTML from a filing agent's word processor, with text split across `<font>` and
//! `<span>` runs, `&nbsp;`, `&#8203;` and `&#36;` entities, and numbers like `12,500,000`.
//! Pure: the caller fetches the first part of the document (the cover pages are at the top;
//! the whole file can run to megabytes) and hands it here.
//!
//! Only what the text states is returned: every term the cover leaves as a placeholder
//! (`[●]`, `$`) or does not mention is `None`, and a value that cannot be a term (zero, a
//! range whose low end is above its high end, a price of a million dollars a share) is
//! dropped rather than kept. Prices the prospectus only assumes ("assuming an initial
//! public offering price of $16.00 per share, the midpoint of the price range") and the fee
//! table's per-share maximum are not offering prices.

/// What a cover states. Dollars are USD, as EDGAR filers write them (`$` or `US$`).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Terms {
    /// "between $15.00 and $17.00 per share": the expected price range.
    pub range: Option<(f64, f64)>,
    /// "the initial public offering price is $17.00 per share", or the cover table's
    /// per-share public offering price: the set price (final in a 424B4; a fixed-price
    /// offering states it in its S-1).
    pub price: Option<f64>,
    /// The cover table's total public offering price, at `price`.
    pub total: Option<f64>,
    /// The first count of shares (or American Depositary Shares) the cover offers,
    /// without the underwriters' option to buy more.
    pub shares: Option<u64>,
    /// The fee table's "Proposed maximum aggregate offering price" (registration
    /// statements filed before 2022 carry it on the facing page; later ones in exhibit 107).
    pub max_aggregate: Option<f64>,
}

impl Terms {
    pub fn is_empty(&self) -> bool {
        *self == Terms::default()
    }
}

/// The terms Quarry stores for a pipeline entry, from one document.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Offering {
    /// USD a share; equal when the price is set.
    pub price_low: Option<f64>,
    pub price_high: Option<f64>,
    pub shares: Option<u64>,
    /// USD: the stated total at the set price, else shares x price; for a range, the fee
    /// table's maximum aggregate offering price when the document has one, else shares x
    /// the top of the range.
    pub amount: Option<f64>,
}

/// What a document's terms come to. `priced` is true for a 424B4: its set price wins over
/// any range. `None` when the document states no term at all.
pub fn offering(t: &Terms, priced: bool) -> Option<Offering> {
    let set = t.price.map(|p| (p, p));
    let (low, high) = match (priced, set, t.range) {
        (true, Some(p), _) | (false, Some(p), None) => (Some(p.0), Some(p.1)),
        (_, _, Some(r)) => (Some(r.0), Some(r.1)),
        _ => (None, None),
    };
    let is_set = low.is_some() && low == t.price && (priced || t.range.is_none());
    let times = |p: Option<f64>| p.zip(t.shares).map(|(p, n)| p * n as f64);
    let amount = if is_set {
        t.total.filter(|_| t.price.is_some()).or_else(|| times(high))
    } else {
        t.max_aggregate.or_else(|| times(high))
    };
    let o = Offering { price_low: low, price_high: high, shares: t.shares, amount };
    (o.price_low.is_some() || o.shares.is_some() || o.amount.is_some()).then_some(o)
}

/// The document is not a registration statement or prospectus (a maintenance page, an
/// error page, an exhibit): there are no terms to read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the document is not a registration statement or prospectus ({0})")]
pub struct NotAProspectus(pub String);

/// Reads the cover terms from a primary document's HTML (or plain text).
pub fn parse(html: &str) -> Result<Terms, NotAProspectus> {
    let text = text_of(html);
    let lower = text.to_ascii_lowercase();
    let is_prospectus =
        ["prospectus", "registration statement", "securities act of 1933"].iter().any(|w| lower.contains(w));
    if !is_prospectus {
        let head: String = text.chars().take(80).collect();
        return Err(NotAProspectus(if head.trim().is_empty() {
            "no text".into()
        } else {
            format!("it begins \"{}\"", head.trim())
        }));
    }
    let (price, total) = match set_price(&lower) {
        Some((p, t)) => (Some(p), t),
        None => (None, None),
    };
    Ok(Terms {
        range: range(&lower),
        price,
        total,
        shares: shares(&text, &lower),
        max_aggregate: max_aggregate(&lower),
    })
}

// ---------------------------------------------------------------------------------------
// Text

/// Elements whose content is never text a reader sees.
const SKIPPED: [&str; 4] = ["script", "style", "ix:header", "head"];
/// Elements that separate words; every other tag (`font`, `span`, `b`, `a`...) may sit in
/// the middle of a number and joins what is on either side.
const BREAKING: [&str; 22] = [
    "p", "div", "br", "tr", "td", "th", "li", "ul", "ol", "table", "tbody", "thead", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "center", "dd", "dt",
];

/// The visible text: tags out, entities decoded, every kind of space one space, and
/// zero-width characters gone.
pub fn text_of(html: &str) -> String {
    // Tag names are matched in a lower-case copy with the same byte offsets.
    let lower = html.to_ascii_lowercase();
    let mut raw = String::with_capacity(html.len() / 2);
    let mut at = 0;
    while let Some(lt) = lower[at..].find('<').map(|i| at + i) {
        raw.push_str(&html[at..lt]);
        if lower[lt..].starts_with("<!--") {
            at = lower[lt..].find("-->").map_or(html.len(), |e| lt + e + 3);
            continue;
        }
        // A tag cut off by the end of what was read ends the text.
        let Some(gt) = lower[lt..].find('>').map(|i| lt + i) else {
            at = html.len();
            break;
        };
        let tag = &lower[lt + 1..gt];
        at = gt + 1;
        let closing = tag.starts_with('/');
        let name: &str =
            tag.trim_start_matches('/').split(|c: char| c.is_whitespace() || c == '/').next().unwrap_or("");
        if !closing && !tag.ends_with('/') && SKIPPED.contains(&name) {
            let end = format!("</{name}");
            at = match lower[at..].find(&end) {
                Some(e) => lower[at + e..].find('>').map_or(html.len(), |g| at + e + g + 1),
                None => html.len(),
            };
            raw.push(' ');
            continue;
        }
        if BREAKING.contains(&name) {
            raw.push(' ');
        }
    }
    raw.push_str(&html[at..]);
    let decoded = html_escape::decode_html_entities(&raw);
    let mut out = String::with_capacity(decoded.len());
    let mut space = true;
    for c in decoded.chars() {
        let c = match c {
            '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{feff}' | '\u{ad}' => continue,
            '\u{2013}' | '\u{2014}' | '\u{2212}' => '-',
            '\u{2018}' | '\u{2019}' => '\'',
            '\u{201c}' | '\u{201d}' => '"',
            c if c.is_whitespace() => ' ',
            c => c,
        };
        if c == ' ' {
            if !space {
                out.push(' ');
            }
            space = true;
        } else {
            out.push(c);
            space = false;
        }
    }
    out.trim_end().to_string()
}

// ---------------------------------------------------------------------------------------
// Numbers

/// Per-share prices outside this are not offering prices.
const PRICE: (f64, f64) = (0.01, 10_000.0);
const SHARES: (u64, u64) = (1_000, 20_000_000_000);
const DOLLARS: (f64, f64) = (100_000.0, 200_000_000_000.0);

/// The slice of `s` from `i - n` (at a character boundary) to `i`.
fn before(s: &str, i: usize, n: usize) -> &str {
    let mut start = i.saturating_sub(n);
    while !s.is_char_boundary(start) {
        start -= 1;
    }
    &s[start..i]
}

/// The slice of `s` from `i` to `i + n` (at a character boundary).
fn after(s: &str, i: usize, n: usize) -> &str {
    let mut end = (i + n).min(s.len());
    while !s.is_char_boundary(end) {
        end += 1;
    }
    &s[i..end]
}

fn skip_spaces(s: &str, mut i: usize) -> usize {
    while s.as_bytes().get(i) == Some(&b' ') {
        i += 1;
    }
    i
}

/// A number at `i`: digits with thousands commas and an optional decimal part. Returns
/// the value and where it ends.
fn number_at(s: &str, i: usize) -> Option<(f64, usize)> {
    let b = s.as_bytes();
    if !b.get(i)?.is_ascii_digit() {
        return None;
    }
    let mut j = i;
    let mut digits = String::new();
    while j < b.len() {
        match b[j] {
            d if d.is_ascii_digit() => digits.push(d as char),
            // A comma separates thousands only when three digits follow it.
            b',' if b.get(j + 1..j + 4).is_some_and(|g| g.iter().all(u8::is_ascii_digit)) => {}
            b'.' if b.get(j + 1).is_some_and(u8::is_ascii_digit) && !digits.contains('.') => digits.push('.'),
            _ => break,
        }
        j += 1;
    }
    Some((digits.parse().ok()?, j))
}

/// A dollar amount at `i` (spaces skipped): `$17.00`, `$ 17.00`, `US$17.00`.
fn money_at(s: &str, i: usize) -> Option<(f64, usize)> {
    let mut i = skip_spaces(s, i);
    if s[i..].starts_with("us$") {
        i += 2;
    }
    if !s[i..].starts_with('$') {
        return None;
    }
    number_at(s, skip_spaces(s, i + 1))
}

fn within(v: f64, (lo, hi): (f64, f64)) -> bool {
    v >= lo && v <= hi
}

/// Every start of `pat` in `s`.
fn all<'a>(s: &'a str, pat: &'a str) -> impl Iterator<Item = usize> + 'a {
    s.match_indices(pat).map(|(i, _)| i)
}

// ---------------------------------------------------------------------------------------
// Terms

/// "between $15.00 and $17.00", or "price range of $15.00 to $17.00", said of the offering
/// price.
fn range(lower: &str) -> Option<(f64, f64)> {
    let starts = all(lower, "$").filter(|&d| {
        let back = before(lower, d, 40);
        let back = back.trim_end().trim_end_matches("us").trim_end();
        back.ends_with("between") || back.contains("range")
    });
    for d in starts {
        let d = if before(lower, d, 2).ends_with("us") { d - 2 } else { d };
        let Some((low, end)) = money_at(lower, d) else { continue };
        let rest = after(lower, end, 12);
        let sep = ["and", "to", "-"].iter().find_map(|w| {
            let t = rest.trim_start();
            t.starts_with(w).then(|| end + (rest.len() - t.len()) + w.len())
        });
        let Some(next) = sep else { continue };
        let Some((high, _)) = money_at(lower, next) else { continue };
        if !before(lower, d, 300).contains("offering price") {
            continue;
        }
        if within(low, PRICE) && within(high, PRICE) && low < high && high <= 3.0 * low {
            return Some((low, high));
        }
        return None;
    }
    None
}

/// Words that may stand between "offering price" and the price it names.
const PRICE_GAP: [&str; 20] = [
    "of",
    "is",
    "per",
    "share",
    "ads",
    "american",
    "depositary",
    "the",
    "was",
    "has",
    "been",
    "set",
    "at",
    "ordinary",
    "common",
    "stock",
    "class",
    "a",
    "our",
    "will",
];

/// The set price, and the cover table's total when it follows: "initial public offering
/// price of $17.00 per share", "The initial public offering price is $17.00", or the
/// table row "Public offering price $ 17.00 $ 212,500,000".
fn set_price(lower: &str) -> Option<(f64, Option<f64>)> {
    for at in all(lower, "offering price") {
        let back = before(lower, at, 60);
        if back.contains("assum") || back.contains("maximum") || back.contains("hypothetical") {
            continue;
        }
        let from = at + "offering price".len();
        let window = after(lower, from, 60);
        let Some(dollar) = window.find('$') else { continue };
        let dollar = if window[..dollar].ends_with("us") { dollar - 2 } else { dollar };
        let gap_ok = window[..dollar].split([' ', ',']).all(|w| {
            let w = w.trim_matches(|c: char| c == '(' || c == ')' || c.is_ascii_digit() || c == '*');
            w.is_empty() || PRICE_GAP.contains(&w)
        });
        if !gap_ok {
            continue;
        }
        let Some((price, end)) = money_at(lower, from + dollar) else { continue };
        if after(lower, end, 120).contains("midpoint") {
            continue;
        }
        if !within(price, PRICE) {
            return None;
        }
        // The cover table: the total column follows the per-share one, footnote marks aside.
        let mut next = skip_spaces(lower, end);
        while lower[next..].starts_with('(') {
            match lower[next..].find(')') {
                Some(c) if c <= 4 => next = skip_spaces(lower, next + c + 1),
                _ => break,
            }
        }
        let total = money_at(lower, next).map(|(t, _)| t).filter(|t| within(*t, DOLLARS) && *t > price);
        return Some((price, total));
    }
    None
}

/// What may be said right before the shares a cover offers, and what rules a count out
/// (the underwriters' option, the shares outstanding after the offering).
const OFFERED_BEFORE: [&str; 4] = ["offering", "offer", "sale of", "selling"];
const NOT_OFFERED: [&str; 6] = ["additional", "option", "outstanding", "holders", "reserved", "issuable"];

/// The first count of shares or American Depositary Shares the cover offers: after
/// "offering", "offer" or "sale of", or a cover headline like "12,500,000 Shares".
fn shares(text: &str, lower: &str) -> Option<u64> {
    let b = lower.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let starts_number =
            b[i].is_ascii_digit() && (i == 0 || !(b[i - 1].is_ascii_digit() || b[i - 1] == b'.' || b[i - 1] == b','));
        if !starts_number {
            i += 1;
            continue;
        }
        let Some((n, end)) = number_at(lower, i) else { break };
        let here = i;
        i = end.max(i + 1);
        if before(lower, here, 3).contains('$') || n.fract() != 0.0 {
            continue;
        }
        let noun_at = skip_spaces(lower, end);
        let noun = ["shares", "american depositary shares", "adss", "ordinary shares"]
            .iter()
            .find(|w| lower[noun_at..].starts_with(*w));
        let Some(_) = noun else { continue };
        let back = before(lower, here, 60);
        let ahead = after(lower, noun_at, 80);
        if NOT_OFFERED.iter().any(|w| back.contains(w) || ahead.contains(w)) {
            continue;
        }
        let offered = OFFERED_BEFORE.iter().any(|w| before(lower, here, 40).contains(w));
        let headline = text[noun_at..].starts_with("Shares")
            || text[noun_at..].starts_with("American Depositary Shares")
            || text[noun_at..].starts_with("ADSs");
        if !(offered || headline) {
            continue;
        }
        let n = n as u64;
        return (n >= SHARES.0 && n <= SHARES.1).then_some(n);
    }
    None
}

/// The fee table's "Proposed maximum aggregate offering price": the first dollar amount
/// of offering size after the heading (the par value per share and the fee are not).
fn max_aggregate(lower: &str) -> Option<f64> {
    for at in all(lower, "maximum aggregate offering price") {
        let from = at + "maximum aggregate offering price".len();
        let window = after(lower, from, 700);
        for (d, _) in window.match_indices('$') {
            let Some((v, _)) = money_at(lower, from + d) else { continue };
            if v >= DOLLARS.0 {
                return within(v, DOLLARS).then_some(v);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fee table in the facing-page style of filings before 2022, in Workiva-like
    /// markup: every cell a `<td>`, the dollar sign in a cell of its own.
    const S1_FEE_TABLE: &str = r#"<html><head><title>S-1</title></head><body>
<p style="text-align:center"><font style="font-size:10pt">As filed with the Securities and Exchange Commission on November&nbsp;17, 2026</font></p>
<p style="text-align:right">Registration No.&nbsp;333-&#8203;271001</p>
<p style="text-align:center"><b>FORM S-1<br>REGISTRATION STATEMENT<br>UNDER<br>THE SECURITIES ACT OF 1933</b></p>
<p style="text-align:center"><b>CALCULATION OF REGISTRATION FEE</b></p>
<table><tr><td><b>Title of Each Class of<br>Securities to be Registered</b></td>
<td><b>Proposed<br>Maximum<br>Aggregate<br>Offering Price</b><sup>(1)(2)</sup></td>
<td><b>Amount of<br>Registration Fee</b></td></tr>
<tr><td>Class&nbsp;A common stock, $0.0001 par value per share</td>
<td>&#36;</td><td>100,000,000</td><td>$</td><td>11,020</td></tr></table>
<p>(1) Estimated solely for the purpose of calculating the registration fee pursuant to Rule 457(o).</p>
<p><font>The information in this preliminary prospectus is not complete and may be changed.</font></p>
<p><b>PRELIMINARY PROSPECTUS</b></p>
<p style="text-align:center"><b>[&#9679;] Shares</b></p>
<p>This is an initial public offering of shares of Class&nbsp;A common stock of Lumen Orbital Software, Inc. We are offering [&#9679;] shares. We expect the initial public offering price to be between $[&#9679;] and $[&#9679;] per share.</p>
</body></html>"#;

    const S1A_RANGE: &str = r#"<html><body>
<p><b>SUBJECT TO COMPLETION, DATED NOVEMBER&nbsp;18, 2026</b></p><p><b>PRELIMINARY PROSPECTUS</b></p>
<p style="text-align:center"><font style="font-size:18pt"><b>12,500,000 Shares</b></font></p>
<p><span>This is an initial public offering of shares of Class&nbsp;A common stock of Lumen Orbital Software, Inc. We are offering 12,500,000&nbsp;shares of Class&nbsp;A common stock.</span></p>
<p><span>We anticipate that the initial public offering price will be between&nbsp;</span><span>$15.</span><span>00 and $17.00 per share.</span></p>
<p>We have granted the underwriters an option to purchase up to an additional 1,875,000 shares of Class A common stock. Following this offering, 150,000,000 shares of Class A common stock will be outstanding.</p>
<p>Assuming an initial public offering price of $16.00 per share, the midpoint of the price range set forth on the cover page, we estimate net proceeds of $183.2&nbsp;million.</p>
</body></html>"#;

    const B4_PRICED: &str = r#"<html><body>
<p style="text-align:right">Filed Pursuant to Rule 424(b)(4)<br>Registration No. 333-271001</p>
<p style="text-align:center"><b>12,500,000 Shares</b></p>
<p>This is an initial public offering of shares of Class A common stock of Lumen Orbital Software, Inc. The initial public offering price is $17.00 per share.</p>
<table>
<tr><td></td><td><b>Per Share</b></td><td><b>Total</b></td></tr>
<tr><td>Initial public offering price</td><td>$</td><td>17.00</td><td>$</td><td>212,500,000</td></tr>
<tr><td>Underwriting discounts and commissions<sup>(1)</sup></td><td>$</td><td>1.19</td><td>$</td><td>14,875,000</td></tr>
<tr><td>Proceeds, before expenses, to Lumen Orbital</td><td>$</td><td>15.81</td><td>$</td><td>197,625,000</td></tr>
</table>
<p>The underwriters may also exercise their option to purchase up to an additional 1,875,000 shares.</p>
<p>The date of this prospectus is November&nbsp;18, 2026.</p>
</body></html>"#;

    #[test]
    fn text_joins_inline_runs_and_decodes_entities() {
        let t = text_of("<p>a&nbsp;<font>1</font>2,<span>500</span>&#8203;,000 <b>Shares</b></p><td>&#36;</td><td>17.00</td><!-- c --><script>x=1</script>");
        assert_eq!(t, "a 12,500,000 Shares $ 17.00");
        assert_eq!(text_of("<div>cut <span"), "cut");
    }

    #[test]
    fn a_preliminary_s1_with_placeholders_states_only_its_fee_table() {
        let t = parse(S1_FEE_TABLE).unwrap();
        assert_eq!(t, Terms { max_aggregate: Some(100_000_000.0), ..Terms::default() });
        let o = offering(&t, false).unwrap();
        assert_eq!((o.price_low, o.price_high, o.shares, o.amount), (None, None, None, Some(1e8)));
    }

    #[test]
    fn an_amendment_states_the_range_and_shares_not_the_assumed_midpoint() {
        let t = parse(S1A_RANGE).unwrap();
        assert_eq!(t.range, Some((15.0, 17.0)));
        assert_eq!(t.shares, Some(12_500_000), "not the option shares nor those outstanding");
        assert_eq!((t.price, t.max_aggregate), (None, None), "the midpoint is assumed, not set");
        let o = offering(&t, false).unwrap();
        assert_eq!((o.price_low, o.price_high, o.amount), (Some(15.0), Some(17.0), Some(12_500_000.0 * 17.0)));
    }

    #[test]
    fn a_424b4_states_the_price_and_the_cover_table_total() {
        let t = parse(B4_PRICED).unwrap();
        assert_eq!((t.price, t.total, t.shares, t.range), (Some(17.0), None, Some(12_500_000), None));
        // The table form alone, without the sentence.
        let table_only = B4_PRICED.replace("The initial public offering price is $17.00 per share.", "");
        let t = parse(&table_only).unwrap();
        assert_eq!((t.price, t.total), (Some(17.0), Some(212_500_000.0)));
        let o = offering(&t, true).unwrap();
        assert_eq!((o.price_low, o.price_high, o.amount), (Some(17.0), Some(17.0), Some(212_500_000.0)));
    }

    #[test]
    fn american_depositary_shares_and_us_dollars() {
        let html = "<p>PROSPECTUS</p><p>10,000,000 American Depositary Shares</p><p>Tidewater Semiconductor Ltd is offering 10,000,000 American Depositary Shares, or ADSs. \
                    It is currently estimated that the initial public offering price per ADS will be between US$11.00 and US$13.00.</p>";
        let t = parse(html).unwrap();
        assert_eq!((t.range, t.shares), (Some((11.0, 13.0)), Some(10_000_000)));
        let priced = "<p>PROSPECTUS</p><p>The initial public offering price is US$12.50 per ADS.</p>";
        assert_eq!(parse(priced).unwrap().price, Some(12.5));
    }

    #[test]
    fn a_range_of_wording_and_a_fee_table_with_a_per_share_maximum() {
        let html = "<p>Prospectus</p><p>We are offering 4,000,000 shares. The estimated offering price range is $8.00 to $10.00 per share.</p>\
            <table><tr><td>Amount to be Registered</td><td>Proposed Maximum Offering Price Per Share</td><td>Proposed Maximum Aggregate Offering Price</td><td>Amount of Registration Fee</td></tr>\
            <tr><td>Common stock</td><td>4,600,000</td><td>$10.00</td><td>$46,000,000</td><td>$5,069</td></tr></table>";
        let t = parse(html).unwrap();
        assert_eq!(
            (t.range, t.shares, t.max_aggregate, t.price),
            (Some((8.0, 10.0)), Some(4_000_000), Some(46e6), None)
        );
        assert_eq!(offering(&t, false).unwrap().amount, Some(46e6), "the fee table's figure when there is one");
    }

    #[test]
    fn a_fixed_price_offering_states_its_price_in_the_s1() {
        let html = "<p>PROSPECTUS</p><p>We are offering 1,250,000 shares of common stock. The offering price of $4.00 per share is fixed.</p>";
        let t = parse(html).unwrap();
        let o = offering(&t, false).unwrap();
        assert_eq!((o.price_low, o.price_high, o.shares, o.amount), (Some(4.0), Some(4.0), Some(1_250_000), Some(5e6)));
    }

    #[test]
    fn nonsense_is_dropped_not_kept() {
        for (html, what) in [
            (
                "<p>Prospectus. The initial public offering price will be between $17.00 and $15.00 per share.</p>",
                "low above high",
            ),
            ("<p>Prospectus. The initial public offering price will be between $0.00 and $0.00 per share.</p>", "zero"),
            (
                "<p>Prospectus. The initial public offering price will be between $1.00 and $90.00 per share.</p>",
                "a range no underwriter sets",
            ),
            (
                "<p>Prospectus. The initial public offering price is $2,500,000.00 per share.</p>",
                "a million-dollar share",
            ),
            ("<p>Prospectus. We are offering 12 shares.</p>", "a dozen shares"),
        ] {
            let t = parse(html).unwrap();
            assert!(t.is_empty(), "{what}: {t:?}");
            assert_eq!(offering(&t, false), None, "{what}");
        }
    }

    #[test]
    fn a_document_that_is_no_prospectus_is_an_error() {
        let err = parse("<html><body><h1>Down for maintenance</h1><p>Please try later.</p></body></html>").unwrap_err();
        assert!(err.to_string().contains("Down for maintenance"), "{err}");
        assert!(parse("").is_err());
    }

    #[test]
    fn the_price_wins_in_a_424b4_and_the_range_before_it() {
        let both = Terms { range: Some((15.0, 17.0)), price: Some(16.0), shares: Some(1_000_000), ..Terms::default() };
        assert_eq!(offering(&both, true).unwrap().price_high, Some(16.0));
        assert_eq!(offering(&both, false).unwrap().price_high, Some(17.0));
        assert_eq!(offering(&Terms::default(), true), None);
    }
}
