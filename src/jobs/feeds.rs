//! The jobs page's view of feed health: one line per provider, so fifty-odd feeds read at a
//! glance (and the page stays short), with the feeds that are failing named on it.
use chrono::{DateTime, Utc};

use super::model::FeedHealth;

/// What one provider's feeds add up to.
#[derive(Debug, Clone, PartialEq)]
pub struct ProviderSummary {
    pub provider: String,
    pub label: String,
    pub feeds: usize,
    /// The newest success of any of its feeds.
    pub last_success_at: Option<DateTime<Utc>>,
    /// Feeds whose last attempt failed: code and failures in a row, most failures first.
    pub failing: Vec<(String, i32)>,
    /// The newest error of any of its feeds, with when it happened.
    pub last_error: Option<(DateTime<Utc>, String)>,
    /// Why feeds are not called at all, each reason once with how many feeds it stops.
    pub unavailable: Vec<(String, usize)>,
}

/// The providers in the order their feeds first appear (the feeds come sorted by the
/// order sources are tried).
pub fn by_provider(feeds: &[FeedHealth]) -> Vec<ProviderSummary> {
    let mut out: Vec<ProviderSummary> = Vec::new();
    for f in feeds {
        let i = match out.iter().position(|p| p.provider == f.provider) {
            Some(i) => i,
            None => {
                out.push(ProviderSummary {
                    provider: f.provider.clone(),
                    label: f.provider_label.clone(),
                    feeds: 0,
                    last_success_at: None,
                    failing: Vec::new(),
                    last_error: None,
                    unavailable: Vec::new(),
                });
                out.len() - 1
            }
        };
        let p = &mut out[i];
        p.feeds += 1;
        p.last_success_at = p.last_success_at.max(f.last_success_at);
        if f.consecutive_failures > 0 {
            p.failing.push((f.code.clone(), f.consecutive_failures));
        }
        if let (Some(at), Some(e)) = (f.last_error_at, &f.last_error) {
            if p.last_error.as_ref().is_none_or(|(t, _)| at > *t) {
                p.last_error = Some((at, e.clone()));
            }
        }
        if let Some(why) = &f.unavailable {
            match p.unavailable.iter_mut().find(|(w, _)| w == why) {
                Some((_, n)) => *n += 1,
                None => p.unavailable.push((why.clone(), 1)),
            }
        }
    }
    for p in &mut out {
        p.failing.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed(provider: &str, code: &str) -> FeedHealth {
        FeedHealth::new(provider.into(), provider.to_uppercase(), code.into())
    }

    fn at(h: u32) -> DateTime<Utc> {
        chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap().and_hms_opt(h, 0, 0).unwrap().and_utc()
    }

    #[test]
    fn feeds_add_up_per_provider_in_the_order_they_come() {
        let mut gold = feed("lbma", "gold_pm");
        gold.last_success_at = Some(at(9));
        gold.last_error_at = Some(at(10));
        gold.last_error = Some("HTML page arrived where JSON was expected".into());
        gold.consecutive_failures = 2;
        let mut silver = feed("lbma", "silver");
        silver.last_success_at = Some(at(11));
        silver.last_error_at = Some(at(8));
        silver.last_error = Some("an older error".into());
        let mut platinum = feed("lbma", "platinum_pm");
        platinum.consecutive_failures = 5;
        let mut wti = feed("eia", "RWTC");
        wti.unavailable = Some("EIA API key not configured".into());
        let mut brent = feed("eia", "RBRTE");
        brent.unavailable = Some("EIA API key not configured".into());
        let s = by_provider(&[gold, feed("fred", "DFF"), silver, wti, platinum, brent]);

        assert_eq!(s.iter().map(|p| p.provider.as_str()).collect::<Vec<_>>(), ["lbma", "fred", "eia"]);
        let lbma = &s[0];
        assert_eq!((lbma.feeds, lbma.label.as_str()), (3, "LBMA"));
        assert_eq!(lbma.last_success_at, Some(at(11)), "the newest success of any feed");
        assert_eq!(lbma.failing, [("platinum_pm".to_string(), 5), ("gold_pm".to_string(), 2)], "most failures first");
        assert_eq!(lbma.last_error, Some((at(10), "HTML page arrived where JSON was expected".to_string())));
        assert!(lbma.unavailable.is_empty());
        let fred = &s[1];
        assert_eq!(
            (fred.feeds, fred.last_success_at, fred.failing.len(), fred.last_error.is_none()),
            (1, None, 0, true)
        );
        assert_eq!(s[2].unavailable, [("EIA API key not configured".to_string(), 2)]);
    }
}
