//! Reading and validating the universe file. Every problem names the file, the instrument
//! and the key, so a broken file is fixed in one go rather than by trial.
use std::collections::HashSet;
use std::path::Path;

use serde::Deserialize;

use super::{Frequency, Group, Instrument, Provider, SourceRef, Universe, MACRO_GROUP};

/// The universe shipped with Quarry, compiled in so the binary runs from any directory.
pub const BUILTIN_UNIVERSE: &str = include_str!("../../config/universe.toml");

#[derive(Debug, thiserror::Error)]
pub enum UniverseError {
    #[error("cannot read universe file {file}: {source}")]
    Read { file: String, source: std::io::Error },
    #[error("universe file {file} is not valid TOML: {message}")]
    Syntax { file: String, message: String },
    #[error("universe file {file}: {problems}")]
    Invalid { file: String, problems: String },
}

// The file's own shape: strings everywhere, so that a bad value is reported with its key
// instead of as an opaque deserialisation error.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawUniverse {
    #[serde(default)]
    groups: Vec<RawGroup>,
    #[serde(default)]
    instruments: Vec<RawInstrument>,
    /// `[[macro]]` entries: macro series, outside every commodity group.
    #[serde(default, rename = "macro")]
    macros: Vec<RawMacro>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGroup {
    slug: String,
    name: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInstrument {
    slug: Option<String>,
    name: Option<String>,
    group: Option<String>,
    unit: Option<String>,
    frequency: Option<String>,
    #[serde(default)]
    proxy: bool,
    #[serde(default)]
    sources: Vec<RawSource>,
    note: Option<String>,
}

/// A macro series: like an instrument, without a group (it is always `macro`) or a proxy flag.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMacro {
    slug: Option<String>,
    name: Option<String>,
    unit: Option<String>,
    frequency: Option<String>,
    #[serde(default)]
    sources: Vec<RawSource>,
    note: Option<String>,
}

impl From<RawMacro> for RawInstrument {
    fn from(m: RawMacro) -> Self {
        RawInstrument {
            slug: m.slug,
            name: m.name,
            group: Some(MACRO_GROUP.to_string()),
            unit: m.unit,
            frequency: m.frequency,
            proxy: false,
            sources: m.sources,
            note: m.note,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    provider: String,
    code: String,
}

/// Loads the universe from `path`, or the built-in one when `path` is `None`.
pub fn load_universe(path: Option<&Path>) -> Result<Universe, UniverseError> {
    match path {
        None => parse_universe("<built-in universe>", BUILTIN_UNIVERSE),
        Some(p) => {
            let file = p.display().to_string();
            let text =
                std::fs::read_to_string(p).map_err(|source| UniverseError::Read { file: file.clone(), source })?;
            parse_universe(&file, &text)
        }
    }
}

/// Parses and validates universe text; `file` names it in error messages.
pub fn parse_universe(file: &str, text: &str) -> Result<Universe, UniverseError> {
    let raw: RawUniverse =
        toml::from_str(text).map_err(|e| UniverseError::Syntax { file: file.to_string(), message: e.to_string() })?;
    let mut problems = Vec::new();

    let mut group_slugs = HashSet::new();
    for g in &raw.groups {
        if !is_slug(&g.slug) {
            problems.push(format!("group '{}': key 'slug' must be lowercase letters, digits and dashes", g.slug));
        }
        if g.slug == MACRO_GROUP {
            problems.push(format!("group '{}': the name is reserved for the [[macro]] series", g.slug));
        }
        if !group_slugs.insert(g.slug.clone()) {
            problems.push(format!("group '{}': duplicate slug", g.slug));
        }
    }
    if raw.groups.is_empty() {
        problems.push("no [[groups]] defined".to_string());
    }

    // Slugs are unique across instruments and macro series: both are rows of `series`.
    let mut slugs = HashSet::new();
    let mut instruments = Vec::new();
    for (index, r) in raw.instruments.into_iter().enumerate() {
        if let Some(inst) = check_entry("instrument", index, r, &group_slugs, &mut slugs, &mut problems) {
            instruments.push(inst);
        }
    }
    if instruments.is_empty() && problems.is_empty() {
        problems.push("no [[instruments]] defined".to_string());
    }
    let macro_group: HashSet<String> = [MACRO_GROUP.to_string()].into();
    let mut macros = Vec::new();
    for (index, r) in raw.macros.into_iter().enumerate() {
        if let Some(m) = check_entry("macro series", index, r.into(), &macro_group, &mut slugs, &mut problems) {
            macros.push(m);
        }
    }

    if !problems.is_empty() {
        return Err(UniverseError::Invalid { file: file.to_string(), problems: problems.join("; ") });
    }
    let groups = raw.groups.into_iter().map(|g| Group { slug: g.slug, name: g.name }).collect();
    Ok(Universe { groups, instruments, macros })
}

/// Checks one `[[instruments]]` or `[[macro]]` entry (`what` names which in messages);
/// every problem goes to `problems`. `None` when the entry cannot be built at all.
fn check_entry(
    what: &str,
    index: usize,
    r: RawInstrument,
    group_slugs: &HashSet<String>,
    slugs: &mut HashSet<String>,
    problems: &mut Vec<String>,
) -> Option<Instrument> {
    let label = r.slug.clone().unwrap_or_else(|| format!("#{}", index + 1));
    let mut missing = |key: &str, v: &Option<String>| {
        if v.as_deref().map(str::trim).unwrap_or("").is_empty() {
            problems.push(format!("{what} '{label}': key '{key}' is missing or empty"));
            false
        } else {
            true
        }
    };
    let ok = [
        missing("slug", &r.slug),
        missing("name", &r.name),
        missing("group", &r.group),
        missing("unit", &r.unit),
        missing("frequency", &r.frequency),
    ]
    .iter()
    .all(|b| *b);
    if !ok {
        return None;
    }
    let slug = r.slug.unwrap_or_default();
    if !is_slug(&slug) {
        problems.push(format!("{what} '{slug}': key 'slug' must be lowercase letters, digits and dashes"));
    }
    if !slugs.insert(slug.clone()) {
        problems.push(format!("{what} '{slug}': duplicate slug"));
    }
    let group = r.group.unwrap_or_default();
    if !group_slugs.contains(&group) {
        problems.push(format!("{what} '{slug}': key 'group' names unknown group '{group}'"));
    }
    let freq_text = r.frequency.unwrap_or_default();
    let frequency = Frequency::parse(&freq_text);
    if frequency.is_none() {
        problems.push(format!(
            "{what} '{slug}': key 'frequency' is '{freq_text}'; expected daily, weekly, monthly or annual"
        ));
    }
    if r.sources.is_empty() {
        problems.push(format!("{what} '{slug}': key 'sources' lists no source"));
    }
    let mut sources = Vec::new();
    for (i, s) in r.sources.into_iter().enumerate() {
        match Provider::parse(&s.provider) {
            Some(provider) if !s.code.trim().is_empty() => sources.push(SourceRef { provider, code: s.code }),
            Some(_) => problems.push(format!("{what} '{slug}': key 'sources[{i}].code' is empty")),
            None => problems.push(format!(
                "{what} '{slug}': key 'sources[{i}].provider' is unknown provider '{}'; expected one of {}",
                s.provider,
                Provider::ALL.map(Provider::as_str).join(", ")
            )),
        }
    }
    let note = r.note.map(|n| n.trim().to_string()).filter(|n| !n.is_empty());
    Some(Instrument {
        slug,
        name: r.name.unwrap_or_default(),
        group,
        unit: r.unit.unwrap_or_default(),
        frequency: frequency?,
        is_proxy: r.proxy,
        sources,
        note,
    })
}

fn is_slug(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_universe_has_21_instruments_in_4_groups() {
        let u = parse_universe("builtin", BUILTIN_UNIVERSE).unwrap();
        assert_eq!(u.groups.len(), 4);
        assert_eq!(u.instruments.len(), 21);
        let count = |g: &str| u.instruments.iter().filter(|i| i.group == g).count();
        assert_eq!((count("metals"), count("energy"), count("ai-materials"), count("space-tech")), (5, 4, 7, 5));
        assert!(u.instruments.iter().all(|i| i.group != MACRO_GROUP));
    }

    #[test]
    fn builtin_universe_has_the_12_fred_macro_series_at_their_true_frequencies() {
        let u = parse_universe("builtin", BUILTIN_UNIVERSE).unwrap();
        let codes: Vec<&str> = u.macros.iter().map(|m| m.sources[0].code.as_str()).collect();
        assert_eq!(
            codes,
            [
                "WALCL",
                "WTREGEN",
                "RRPONTSYD",
                "SP500",
                "DFF",
                "CPIAUCSL",
                "DTWEXBGS",
                "DGS10",
                "DFII10",
                "BAMLH0A0HYM2",
                "VIXCLS",
                "PALLFNFINDEXM"
            ]
        );
        for m in &u.macros {
            assert_eq!(m.group, MACRO_GROUP);
            assert_eq!(m.slug, m.sources[0].code.to_ascii_lowercase(), "slugs are the FRED ids in lower case");
            assert_eq!(m.sources.iter().map(|s| s.provider).collect::<Vec<_>>(), [Provider::Fred]);
            assert!(!m.is_proxy && m.note.is_some(), "{}", m.slug);
            let expected = match m.slug.as_str() {
                "walcl" | "wtregen" => Frequency::Weekly,
                "cpiaucsl" | "pallfnfindexm" => Frequency::Monthly,
                _ => Frequency::Daily,
            };
            assert_eq!(m.frequency, expected, "{}", m.slug);
        }
        assert_eq!(u.series("walcl").map(|m| m.unit.as_str()), Some("USD millions"));
        assert!(u.instrument("walcl").is_none() && u.series("gold").is_some());
        assert_eq!(u.all_series().count(), 33);
    }

    #[test]
    fn macro_series_are_checked_like_instruments_and_share_the_slug_space() {
        let text = format!(
            "{BUILTIN_UNIVERSE}\n[[macro]]\nslug = \"gold\"\nname = \"Gold again\"\nunit = \"x\"\nfrequency = \"weekly\"\nsources = [{{ provider = \"fred\", code = \"GOLD\" }}]\n\n[[macro]]\nslug = \"m2\"\nname = \"M2\"\nunit = \"USD billions\"\nfrequency = \"fortnightly\"\nsources = [{{ provider = \"ecb\", code = \"M2\" }}]\n"
        );
        let err = parse_universe("u.toml", &text).unwrap_err().to_string();
        assert!(err.contains("macro series 'gold': duplicate slug"), "{err}");
        assert!(err.contains("macro series 'm2': key 'frequency' is 'fortnightly'"), "{err}");
        assert!(err.contains("macro series 'm2': key 'sources[0].provider' is unknown provider 'ecb'"), "{err}");
        // A macro series has no group of its own to set.
        let grouped = BUILTIN_UNIVERSE.replacen("[[macro]]\n", "[[macro]]\ngroup = \"metals\"\n", 1);
        assert!(parse_universe("u.toml", &grouped).unwrap_err().to_string().contains("group"));
        let reserved = BUILTIN_UNIVERSE.replacen("slug = \"energy\"", "slug = \"macro\"", 1);
        let err = parse_universe("u.toml", &reserved).unwrap_err().to_string();
        assert!(err.contains("group 'macro': the name is reserved"), "{err}");
    }

    #[test]
    fn a_universe_without_macro_series_is_valid() {
        let cut = BUILTIN_UNIVERSE.find("\n[[macro]]").unwrap();
        let u = parse_universe("u.toml", &BUILTIN_UNIVERSE[..cut]).unwrap();
        assert_eq!((u.instruments.len(), u.macros.len()), (21, 0));
    }

    #[test]
    fn unknown_provider_is_named_with_instrument_and_key() {
        let text = BUILTIN_UNIVERSE.replacen(
            "provider = \"lbma\", code = \"gold_pm\"",
            "provider = \"bloomberg\", code = \"XAU\"",
            1,
        );
        let err = parse_universe("u.toml", &text).unwrap_err().to_string();
        assert!(err.contains("u.toml"), "{err}");
        assert!(err.contains("instrument 'gold'"), "{err}");
        assert!(err.contains("sources[0].provider"), "{err}");
        assert!(err.contains("bloomberg"), "{err}");
    }

    #[test]
    fn duplicate_slug_is_rejected() {
        let text = BUILTIN_UNIVERSE.replacen("slug = \"silver\"", "slug = \"gold\"", 1);
        let err = parse_universe("u.toml", &text).unwrap_err().to_string();
        assert!(err.contains("instrument 'gold': duplicate slug"), "{err}");
    }

    #[test]
    fn bad_frequency_is_rejected_with_the_value() {
        let text = BUILTIN_UNIVERSE.replacen("frequency = \"monthly\"", "frequency = \"hourly\"", 1);
        let err = parse_universe("u.toml", &text).unwrap_err().to_string();
        assert!(err.contains("instrument 'copper': key 'frequency' is 'hourly'"), "{err}");
        assert!(err.contains("expected daily, weekly, monthly or annual"), "{err}");
    }

    #[test]
    fn unknown_group_and_missing_unit_are_both_reported() {
        let text = BUILTIN_UNIVERSE.replacen("group = \"energy\"", "group = \"softs\"", 1).replacen(
            "unit = \"USD/troy oz\"\n",
            "",
            1,
        );
        let err = parse_universe("u.toml", &text).unwrap_err().to_string();
        assert!(err.contains("unknown group 'softs'"), "{err}");
        assert!(err.contains("instrument 'gold': key 'unit' is missing"), "{err}");
    }

    #[test]
    fn toml_syntax_error_names_the_file() {
        let err = parse_universe("broken.toml", "[[instruments]\nslug=").unwrap_err().to_string();
        assert!(err.starts_with("universe file broken.toml is not valid TOML"), "{err}");
    }
}
