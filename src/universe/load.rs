//! Reading and validating the universe file. Every problem names the file, the instrument
//! and the key, so a broken file is fixed in one go rather than by trial.
use std::collections::HashSet;
use std::path::Path;

use serde::Deserialize;

use super::{Frequency, Group, Instrument, Provider, SourceRef, Universe};

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
        if !group_slugs.insert(g.slug.clone()) {
            problems.push(format!("group '{}': duplicate slug", g.slug));
        }
    }
    if raw.groups.is_empty() {
        problems.push("no [[groups]] defined".to_string());
    }

    let mut slugs = HashSet::new();
    let mut instruments = Vec::new();
    for (index, r) in raw.instruments.into_iter().enumerate() {
        let label = r.slug.clone().unwrap_or_else(|| format!("#{}", index + 1));
        let mut missing = |key: &str, v: &Option<String>| {
            if v.as_deref().map(str::trim).unwrap_or("").is_empty() {
                problems.push(format!("instrument '{label}': key '{key}' is missing or empty"));
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
            continue;
        }
        let slug = r.slug.unwrap_or_default();
        if !is_slug(&slug) {
            problems.push(format!("instrument '{slug}': key 'slug' must be lowercase letters, digits and dashes"));
        }
        if !slugs.insert(slug.clone()) {
            problems.push(format!("instrument '{slug}': duplicate slug"));
        }
        let group = r.group.unwrap_or_default();
        if !group_slugs.contains(&group) {
            problems.push(format!("instrument '{slug}': key 'group' names unknown group '{group}'"));
        }
        let freq_text = r.frequency.unwrap_or_default();
        let frequency = Frequency::parse(&freq_text);
        if frequency.is_none() {
            problems.push(format!(
                "instrument '{slug}': key 'frequency' is '{freq_text}'; expected daily, monthly or annual"
            ));
        }
        if r.sources.is_empty() {
            problems.push(format!("instrument '{slug}': key 'sources' lists no source"));
        }
        let mut sources = Vec::new();
        for (i, s) in r.sources.into_iter().enumerate() {
            match Provider::parse(&s.provider) {
                Some(provider) if !s.code.trim().is_empty() => sources.push(SourceRef { provider, code: s.code }),
                Some(_) => problems.push(format!("instrument '{slug}': key 'sources[{i}].code' is empty")),
                None => problems.push(format!(
                    "instrument '{slug}': key 'sources[{i}].provider' is unknown provider '{}'; expected one of {}",
                    s.provider,
                    Provider::ALL.map(Provider::as_str).join(", ")
                )),
            }
        }
        if let Some(frequency) = frequency {
            instruments.push(Instrument {
                slug,
                name: r.name.unwrap_or_default(),
                group,
                unit: r.unit.unwrap_or_default(),
                frequency,
                is_proxy: r.proxy,
                sources,
            });
        }
    }
    if instruments.is_empty() && problems.is_empty() {
        problems.push("no [[instruments]] defined".to_string());
    }

    if !problems.is_empty() {
        return Err(UniverseError::Invalid { file: file.to_string(), problems: problems.join("; ") });
    }
    let groups = raw.groups.into_iter().map(|g| Group { slug: g.slug, name: g.name }).collect();
    Ok(Universe { groups, instruments })
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
        let text = BUILTIN_UNIVERSE.replacen("frequency = \"monthly\"", "frequency = \"weekly\"", 1);
        let err = parse_universe("u.toml", &text).unwrap_err().to_string();
        assert!(err.contains("instrument 'copper': key 'frequency' is 'weekly'"), "{err}");
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
