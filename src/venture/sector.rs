//! The sector taxonomy: a small, documented set of sectors that Form D industry groups and
//! SEC SIC codes both map to, so rounds from Form D and companies known by SIC land in the
//! same buckets. Pure.
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Sector {
    AiSoftware,
    Biotech,
    Health,
    Fintech,
    Energy,
    Hardware,
    Consumer,
    Industrial,
    RealEstate,
    /// Pooled investment funds (venture, private equity, hedge): funds, not companies.
    Funds,
    Other,
}

impl Sector {
    pub const ALL: [Sector; 11] = [
        Sector::AiSoftware,
        Sector::Biotech,
        Sector::Health,
        Sector::Fintech,
        Sector::Energy,
        Sector::Hardware,
        Sector::Consumer,
        Sector::Industrial,
        Sector::RealEstate,
        Sector::Funds,
        Sector::Other,
    ];

    /// The kebab-case id used in URLs, the API and imports (`ai-software`).
    pub fn slug(self) -> &'static str {
        match self {
            Sector::AiSoftware => "ai-software",
            Sector::Biotech => "biotech",
            Sector::Health => "health",
            Sector::Fintech => "fintech",
            Sector::Energy => "energy",
            Sector::Hardware => "hardware",
            Sector::Consumer => "consumer",
            Sector::Industrial => "industrial",
            Sector::RealEstate => "real-estate",
            Sector::Funds => "funds",
            Sector::Other => "other",
        }
    }

    pub fn from_slug(s: &str) -> Option<Sector> {
        Sector::ALL.into_iter().find(|x| x.slug() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Sector::AiSoftware => "AI / software",
            Sector::Biotech => "Biotech & pharma",
            Sector::Health => "Health care",
            Sector::Fintech => "Fintech & financial services",
            Sector::Energy => "Energy & climate",
            Sector::Hardware => "Hardware & semiconductors",
            Sector::Consumer => "Consumer & travel",
            Sector::Industrial => "Industrial & manufacturing",
            Sector::RealEstate => "Real estate",
            Sector::Funds => "Pooled funds",
            Sector::Other => "Other",
        }
    }
}

/// The label of a sector slug as stored in a row; an unknown slug is shown as it is.
pub fn label_of(slug: &str) -> String {
    Sector::from_slug(slug).map(|s| s.label().to_string()).unwrap_or_else(|| slug.to_string())
}

/// A Form D `industryGroupType` (the form's fixed list) to a sector; unknown text is Other.
pub fn from_form_d(industry_group: &str) -> Sector {
    match industry_group.trim() {
        "Other Technology" | "Telecommunications" => Sector::AiSoftware,
        "Computers" => Sector::Hardware,
        "Biotechnology" | "Pharmaceuticals" => Sector::Biotech,
        "Health Insurance" | "Hospitals and Physicians" | "Other Health Care" => Sector::Health,
        "Commercial Banking"
        | "Insurance"
        | "Investing"
        | "Investment Banking"
        | "Other Banking and Financial Services" => Sector::Fintech,
        "Coal Mining"
        | "Electric Utilities"
        | "Energy Conservation"
        | "Environmental Services"
        | "Oil and Gas"
        | "Other Energy" => Sector::Energy,
        "Retailing"
        | "Restaurants"
        | "Airlines and Airports"
        | "Lodging and Conventions"
        | "Tourism and Travel Services"
        | "Other Travel"
        | "Travel" => Sector::Consumer,
        "Agriculture" | "Business Services" | "Construction" | "Manufacturing" => Sector::Industrial,
        "Commercial" | "Commercial Real Estate" | "REITS and Finance" | "Residential" | "Other Real Estate" => {
            Sector::RealEstate
        }
        "Pooled Investment Fund" => Sector::Funds,
        _ => Sector::Other,
    }
}

/// An SEC SIC code (four digits) to a sector, by the SIC ranges that define each.
pub fn from_sic(sic: u16) -> Sector {
    match sic {
        // REITs (6798) are real estate, though their code sits among the holding offices.
        6500..=6599 | 6798 => Sector::RealEstate,
        7370..=7379 | 4800..=4899 => Sector::AiSoftware,
        2830..=2836 | 8731 => Sector::Biotech,
        3840..=3851 | 8000..=8099 => Sector::Health,
        6000..=6499 | 6700..=6799 => Sector::Fintech,
        1000..=1499 | 2900..=2999 | 4900..=4991 => Sector::Energy,
        3570..=3579 | 3600..=3699 => Sector::Hardware,
        5000..=5999 | 7000..=7099 | 4500..=4599 | 7800..=7999 => Sector::Consumer,
        100..=999 | 1500..=3999 | 4000..=4499 | 7300..=7369 | 7380..=7399 | 8700..=8730 | 8732..=8799 => {
            Sector::Industrial
        }
        _ => Sector::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_d_groups_of_the_real_filings_map_as_documented() {
        assert_eq!(from_form_d("Other Technology"), Sector::AiSoftware);
        assert_eq!(from_form_d("Pooled Investment Fund"), Sector::Funds);
        assert_eq!(from_form_d("REITS and Finance"), Sector::RealEstate);
        assert_eq!(from_form_d(" Biotechnology "), Sector::Biotech);
        assert_eq!(from_form_d("Something New"), Sector::Other);
    }

    #[test]
    fn sic_ranges_take_precedence_in_the_right_order() {
        // 7372 prepackaged software; 2834 pharmaceutical preparations; 3674 semiconductors;
        // 6770 blank checks (SPACs, finance); 1311 crude petroleum; 3841 surgical instruments
        // (health, not the wider 3xxx manufacturing range); 8731 commercial physical and
        // biological research (biotech, not 87xx services).
        assert_eq!(from_sic(7372), Sector::AiSoftware);
        assert_eq!(from_sic(2834), Sector::Biotech);
        assert_eq!(from_sic(3674), Sector::Hardware);
        assert_eq!(from_sic(6770), Sector::Fintech);
        assert_eq!(from_sic(1311), Sector::Energy);
        assert_eq!(from_sic(3841), Sector::Health);
        assert_eq!(from_sic(8731), Sector::Biotech);
        assert_eq!(from_sic(3711), Sector::Industrial);
        assert_eq!(from_sic(6798), Sector::RealEstate, "REITs");
        assert_eq!(from_sic(6512), Sector::RealEstate);
        assert_eq!(from_sic(9995), Sector::Other);
    }

    #[test]
    fn every_sector_has_a_distinct_label_and_slug() {
        let labels: std::collections::HashSet<_> = Sector::ALL.iter().map(|s| s.label()).collect();
        assert_eq!(labels.len(), Sector::ALL.len());
        assert_eq!(serde_json::to_string(&Sector::AiSoftware).unwrap(), "\"ai-software\"");
    }
}
