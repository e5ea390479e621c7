//! Runtime configuration: built-in defaults (a copy of Leptos.toml compiled in), then the
//! Leptos.toml on disk, then environment variables. docs/configuration.md lists every key.
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use figment::providers::{Env, Format, Toml};
use figment::Figment;
use serde::{Deserialize, Deserializer};

const BUILTIN_CONFIG: &str = include_str!("../Leptos.toml");

/// The one notice demo mode gives about the network instead of an error per run.
pub const DEMO_OFFLINE_NOTICE: &str =
    "demo mode: live fetching is off; set QUARRY_DEMO=0 with network access to fetch real data";

/// A value that must never reach a log line or a page: held by `secrecy` (wiped from
/// memory when dropped, redacted by `Debug`) and compared in constant time.
#[derive(Clone, Default, Deserialize)]
#[serde(transparent)]
pub struct Secret(secrecy::SecretString);

impl Secret {
    pub fn new(value: &str) -> Self {
        Secret(secrecy::SecretString::from(value))
    }

    pub fn expose(&self) -> Option<&str> {
        use secrecy::ExposeSecret;
        Some(self.0.expose_secret()).filter(|s| !s.is_empty())
    }

    /// The admin check every admin action shares: 403 when no token is configured, 401
    /// when `given` is missing or wrong. `how` says where a token may be given.
    pub fn authorize(&self, given: Option<&str>, how: &str) -> Result<(), crate::error::AppError> {
        use crate::error::AppError;
        let Some(expected) = self.expose() else {
            return Err(AppError::forbidden(
                "admin tokens are not accepted: QUARRY_ADMIN_TOKEN is not set (the admin signs in at /login instead)",
            ));
        };
        match given.filter(|t| !t.is_empty()) {
            Some(t) if same_secret(t, expected) => Ok(()),
            Some(_) => Err(AppError::unauthorized("the admin token is wrong")),
            None => Err(AppError::unauthorized(format!("an admin token is required ({how})"))),
        }
    }

    /// Whether `given` is this secret (compared in constant time); never when it is unset.
    pub fn matches(&self, given: &str) -> bool {
        self.expose().is_some_and(|expected| !given.is_empty() && same_secret(given, expected))
    }
}

/// Compares the SHA-256 digests of both in constant time: digests have one length, so
/// neither the time taken nor an early exit says how long the secret is or where a guess
/// first differs.
fn same_secret(given: &str, expected: &str) -> bool {
    use sha2::{Digest, Sha256};
    use subtle::ConstantTimeEq;
    Sha256::digest(given.as_bytes()).ct_eq(&Sha256::digest(expected.as_bytes())).into()
}

impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        same_secret(self.expose().unwrap_or(""), other.expose().unwrap_or(""))
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.expose().is_none() { "<unset>" } else { "<redacted>" })
    }
}

/// The admin's sessions (see auth/).
#[derive(Debug, Clone, Deserialize)]
pub struct SessionsConfig {
    pub lifetime_hours: u64,
    pub idle_minutes: u64,
    pub login_attempts_per_minute: u32,
    /// `auto`, `always` or `never`.
    pub secure_cookie: String,
}

/// How the HTTP server treats connections (see server/listen.rs).
#[derive(Debug, Clone, Deserialize)]
pub struct ServerConfig {
    /// Seconds a client has from the first byte of a request to the end of its headers.
    pub header_timeout_secs: u64,
    /// Seconds a connection may stay silent in both directions before it is closed.
    pub idle_timeout_secs: u64,
    /// Connections open at once; more are closed on accept.
    pub max_connections: usize,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SourcesConfig {
    pub user_agent: String,
    pub edgar_user_agent: String,
    pub lbma_base_url: String,
    pub fred_base_url: String,
    pub fred_api_base_url: String,
    pub fred_api_key: Secret,
    pub eia_base_url: String,
    pub eia_api_key: Secret,
    pub worldbank_landing_url: String,
    pub usgs_base_url: String,
    pub yahoo_base_url: String,
    #[serde(deserialize_with = "lenient_bool")]
    pub yahoo_enabled: bool,
    pub edgar_base_url: String,
    pub edgar_data_base_url: String,
    /// How long every EDGAR call waits after EDGAR answers with its "Request Rate
    /// Threshold Exceeded" page (EDGAR itself blocks for about ten minutes).
    pub edgar_backoff_secs: u64,
    pub connect_timeout_secs: u64,
    pub fetch_timeout_secs: u64,
    pub max_retries: usize,
    pub retry_base_ms: u64,
    pub max_response_mb: usize,
    pub rate_limits: RateLimits,
}

/// Requests per second each provider's host may receive from this process.
#[derive(Debug, Clone, Deserialize)]
pub struct RateLimits {
    pub lbma: f64,
    pub fred: f64,
    pub fred_api: f64,
    pub eia: f64,
    pub worldbank: f64,
    pub usgs: f64,
    pub yahoo: f64,
    pub edgar: f64,
}

impl RateLimits {
    pub fn by_provider(&self) -> std::collections::HashMap<crate::universe::Provider, f64> {
        use crate::universe::Provider::*;
        [
            (Lbma, self.lbma),
            (Fred, self.fred),
            (FredApi, self.fred_api),
            (Eia, self.eia),
            (Worldbank, self.worldbank),
            (Usgs, self.usgs),
            (Yahoo, self.yahoo),
            (Edgar, self.edgar),
        ]
        .into_iter()
        .collect()
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct JobsConfig {
    pub commodity_prices: String,
    pub commodity_signals: String,
    pub ai_materials: String,
    pub space_tech: String,
    pub macro_series: String,
    pub vc_sync: String,
    pub funding_tracker: String,
    pub ipo_monitor: String,
    pub chart_pack: String,
}

/// The venture domain's settings.
#[derive(Debug, Clone, Deserialize)]
pub struct VentureConfig {
    /// Rounds whose amount sold reaches this many dollars are flagged notable by
    /// `funding_tracker`.
    pub notable_round_usd: f64,
}

#[derive(Debug, Clone, Deserialize)]
struct RawConfig {
    site_addr: String,
    site_root: PathBuf,
    data_dir: PathBuf,
    database_url: String,
    universe_file: String,
    #[serde(deserialize_with = "lenient_bool")]
    demo: bool,
    request_timeout_secs: u64,
    server: ServerConfig,
    admin_token: Secret,
    admin_password_hash: Secret,
    #[serde(deserialize_with = "lenient_bool")]
    require_login: bool,
    sessions: SessionsConfig,
    metrics_token: Secret,
    #[serde(deserialize_with = "lenient_bool")]
    backfill_on_start: bool,
    log: String,
    log_format: String,
    sources: SourcesConfig,
    jobs: JobsConfig,
    venture: VentureConfig,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub site_addr: SocketAddr,
    pub site_root: PathBuf,
    pub data_dir: PathBuf,
    pub database_url: String,
    /// `None` means the built-in universe.
    pub universe_file: Option<PathBuf>,
    pub demo: bool,
    pub request_timeout_secs: u64,
    pub server: ServerConfig,
    pub admin_token: Secret,
    /// The admin password's argon2 hash from the configuration; when unset, the one
    /// `quarry admin set-password` stored in the database.
    pub admin_password_hash: Secret,
    /// Every page and endpoint but /login and the probes asks for a session or the token.
    pub require_login: bool,
    pub sessions: SessionsConfig,
    /// The Bearer token `/metrics` asks for; unset, `/metrics` is open.
    pub metrics_token: Secret,
    /// Load the full history of series that have none, in the background, at start-up.
    pub backfill_on_start: bool,
    pub log: String,
    /// `text` or `json`.
    pub log_format: String,
    pub sources: SourcesConfig,
    pub jobs: JobsConfig,
    pub venture: VentureConfig,
    /// Which file was read, for the start-up log.
    pub loaded_from: Option<PathBuf>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("configuration: {0}")]
    Figment(#[from] Box<figment::Error>),
    #[error("configuration: site_addr (LEPTOS_SITE_ADDR) '{0}' is not an address like 127.0.0.1:3000")]
    SiteAddr(String),
    #[error("configuration: QUARRY_CONFIG names {0}, which does not exist")]
    MissingFile(PathBuf),
    #[error("configuration: admin_password_hash (QUARRY_ADMIN_PASSWORD_HASH) is not an argon2 hash in PHC form ($argon2id$v=19$...): {0}; make one with `quarry admin hash-password`")]
    PasswordHash(String),
    #[error(
        "configuration: sessions.secure_cookie (QUARRY_SESSIONS__SECURE_COOKIE) is '{0}'; use auto, always or never"
    )]
    SecureCookie(String),
    #[error(
        "configuration: venture.notable_round_usd (QUARRY_VENTURE__NOTABLE_ROUND_USD) is {0}; it must be a positive number of dollars"
    )]
    NotableRound(f64),
}

impl Config {
    /// Reads the configuration from the process environment and `./Leptos.toml` (or the file
    /// named by `QUARRY_CONFIG`).
    pub fn load() -> Result<Self, ConfigError> {
        let explicit = std::env::var_os("QUARRY_CONFIG").map(PathBuf::from);
        Self::load_from(explicit, Path::new("Leptos.toml"))
    }

    /// The built-in defaults alone: no file, no environment. For tests and tools that
    /// configure every field themselves.
    pub fn builtin() -> Result<Self, ConfigError> {
        Self::build(None, false)
    }

    fn load_from(explicit: Option<PathBuf>, default_file: &Path) -> Result<Self, ConfigError> {
        let file = match explicit {
            Some(p) if p.exists() => Some(p),
            Some(p) => return Err(ConfigError::MissingFile(p)),
            None => default_file.exists().then(|| default_file.to_path_buf()),
        };
        Self::build(file, true)
    }

    fn build(file: Option<PathBuf>, with_env: bool) -> Result<Self, ConfigError> {
        let mut figment = Figment::new().merge(Toml::string(BUILTIN_CONFIG));
        if let Some(f) = &file {
            figment = figment.merge(Toml::file(f));
        }
        if with_env {
            figment = figment
                .merge(Env::prefixed("QUARRY_").split("__").ignore(&["config", "test_pg_url"]))
                .merge(Env::raw().only(&["DATABASE_URL"]).map(|_| "database_url".into()))
                .merge(Env::raw().only(&["LEPTOS_SITE_ADDR"]).map(|_| "site_addr".into()))
                .merge(Env::raw().only(&["LEPTOS_SITE_ROOT"]).map(|_| "site_root".into()));
        }
        let raw: RawConfig = figment.extract().map_err(Box::new)?;

        let base = file
            .as_ref()
            .and_then(|f| f.parent().map(Path::to_path_buf))
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or_else(|| PathBuf::from("."));
        let resolve = |p: &Path| if p.is_absolute() { p.to_path_buf() } else { base.join(p) };

        let site_addr = raw.site_addr.parse().map_err(|_| ConfigError::SiteAddr(raw.site_addr.clone()))?;
        let data_dir = resolve(&raw.data_dir);
        let database_url = if raw.database_url.trim().is_empty() {
            format!("sqlite://{}?mode=rwc", data_dir.join("quarry.db").display())
        } else {
            raw.database_url.clone()
        };
        let universe_file = (!raw.universe_file.trim().is_empty()).then(|| resolve(Path::new(&raw.universe_file)));
        let notable = raw.venture.notable_round_usd;
        if !(notable.is_finite() && notable > 0.0) {
            return Err(ConfigError::NotableRound(notable));
        }
        if let Some(h) = raw.admin_password_hash.expose() {
            argon2::PasswordHash::new(h.trim()).map_err(|e| ConfigError::PasswordHash(e.to_string()))?;
        }
        if !["auto", "always", "never"].contains(&raw.sessions.secure_cookie.as_str()) {
            return Err(ConfigError::SecureCookie(raw.sessions.secure_cookie.clone()));
        }
        Ok(Config {
            site_addr,
            site_root: locate_site_root(resolve(&raw.site_root)),
            data_dir,
            database_url,
            universe_file,
            demo: raw.demo,
            request_timeout_secs: raw.request_timeout_secs.max(1),
            server: ServerConfig {
                header_timeout_secs: raw.server.header_timeout_secs.max(1),
                idle_timeout_secs: raw.server.idle_timeout_secs.max(1),
                max_connections: raw.server.max_connections.max(1),
            },
            admin_token: raw.admin_token,
            // Trimmed once here, not on every sign-in check.
            admin_password_hash: Secret::new(raw.admin_password_hash.expose().map_or("", str::trim)),
            require_login: raw.require_login,
            sessions: SessionsConfig {
                lifetime_hours: raw.sessions.lifetime_hours.max(1),
                idle_minutes: raw.sessions.idle_minutes.max(1),
                login_attempts_per_minute: raw.sessions.login_attempts_per_minute.max(1),
                secure_cookie: raw.sessions.secure_cookie,
            },
            metrics_token: raw.metrics_token,
            backfill_on_start: raw.backfill_on_start,
            log: raw.log,
            log_format: raw.log_format,
            sources: raw.sources,
            jobs: raw.jobs,
            venture: raw.venture,
            loaded_from: file,
        })
    }

    pub fn is_sqlite(&self) -> bool {
        self.database_url.starts_with("sqlite:")
    }
}

/// The configured site root, or, when it holds no build, the `site` folder beside the
/// binary's own target folder (`target/release/quarry` -> `target/site`), so a release
/// binary started from another directory still finds its wasm and CSS.
fn locate_site_root(configured: PathBuf) -> PathBuf {
    if configured.join("pkg").exists() {
        return configured;
    }
    let beside_binary =
        std::env::current_exe().ok().and_then(|exe| exe.parent().and_then(Path::parent).map(|t| t.join("site")));
    match beside_binary {
        Some(p) if p.join("pkg").exists() => p,
        _ => configured,
    }
}

/// Accepts true/false, 1/0, yes/no and on/off, as people write them in variables.
fn lenient_bool<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Any {
        B(bool),
        I(i64),
        S(String),
    }
    match Any::deserialize(d)? {
        Any::B(b) => Ok(b),
        Any::I(i) => Ok(i != 0),
        Any::S(s) => match s.trim().to_ascii_lowercase().as_str() {
            "1" | "true" | "yes" | "on" => Ok(true),
            "0" | "false" | "no" | "off" | "" => Ok(false),
            other => Err(serde::de::Error::custom(format!("'{other}' is not a boolean (use true or false)"))),
        },
    }
}

#[cfg(test)]
#[allow(clippy::result_large_err)] // figment::Jail's closures return figment::Error
mod tests {
    use super::*;

    #[test]
    fn builtin_defaults_parse_and_point_at_sqlite_in_data_dir() {
        figment::Jail::expect_with(|jail| {
            jail.clear_env();
            let c = Config::load_from(None, Path::new("no-such-Leptos.toml")).unwrap();
            assert_eq!(c.site_addr.to_string(), "127.0.0.1:3000");
            assert!(c.database_url.starts_with("sqlite://"), "{}", c.database_url);
            assert!(c.database_url.contains("quarry.db"));
            assert!(!c.demo);
            assert!(c.universe_file.is_none());
            assert_eq!(c.sources.lbma_base_url, "https://prices.lbma.org.uk");
            assert_eq!(c.jobs.macro_series, "0 30 22 * * *");
            assert_eq!(c.venture.notable_round_usd, 100_000_000.0);
            Ok(())
        });
    }

    #[test]
    fn environment_overrides_file_and_standard_leptos_variables_keep_their_meaning() {
        figment::Jail::expect_with(|jail| {
            jail.clear_env();
            jail.create_file("Leptos.toml", "data_dir = \"from-file\"\n[sources]\nfred_base_url = \"http://file\"\n")?;
            jail.set_env("QUARRY_DEMO", "1");
            jail.set_env("LEPTOS_SITE_ADDR", "0.0.0.0:8080");
            jail.set_env("DATABASE_URL", "postgres://db/quarry");
            jail.set_env("QUARRY_SOURCES__FRED_BASE_URL", "http://127.0.0.1:9999");
            jail.set_env("QUARRY_JOBS__MACRO_SERIES", "");
            let c = Config::load_from(None, Path::new("Leptos.toml")).unwrap();
            assert!(c.demo);
            assert_eq!(c.site_addr.to_string(), "0.0.0.0:8080");
            assert_eq!(c.database_url, "postgres://db/quarry");
            assert_eq!(c.sources.fred_base_url, "http://127.0.0.1:9999");
            assert_eq!(c.jobs.macro_series, "", "an empty schedule disables the job");
            assert!(c.data_dir.ends_with("from-file"));
            Ok(())
        });
    }

    #[test]
    fn a_bad_boolean_and_a_bad_address_are_reported() {
        figment::Jail::expect_with(|jail| {
            jail.clear_env();
            jail.set_env("QUARRY_DEMO", "perhaps");
            let err = Config::load_from(None, Path::new("none.toml")).unwrap_err().to_string();
            assert!(err.contains("perhaps"), "{err}");
            jail.set_env("QUARRY_DEMO", "0");
            jail.set_env("LEPTOS_SITE_ADDR", "localhost");
            let err = Config::load_from(None, Path::new("none.toml")).unwrap_err().to_string();
            assert!(err.contains("LEPTOS_SITE_ADDR"), "{err}");
            jail.set_env("LEPTOS_SITE_ADDR", "127.0.0.1:3000");
            jail.set_env("QUARRY_VENTURE__NOTABLE_ROUND_USD", "-5");
            let err = Config::load_from(None, Path::new("none.toml")).unwrap_err().to_string();
            assert!(err.contains("QUARRY_VENTURE__NOTABLE_ROUND_USD"), "{err}");
            jail.set_env("QUARRY_VENTURE__NOTABLE_ROUND_USD", "250000000");
            assert_eq!(Config::load_from(None, Path::new("none.toml")).unwrap().venture.notable_round_usd, 250e6);
            Ok(())
        });
    }

    #[test]
    fn secrets_do_not_print() {
        let s = Secret::new("hunter2");
        assert_eq!(format!("{s:?}"), "<redacted>");
        assert_eq!(format!("{:?}", Secret::default()), "<unset>");
    }

    #[test]
    fn the_admin_check_accepts_only_the_exact_token() {
        let s = Secret::new("correct horse battery staple");
        assert!(s.authorize(Some("correct horse battery staple"), "").is_ok());
        for wrong in
            ["correct horse battery stapl", "correct horse battery staplee", "x", "Correct horse battery staple"]
        {
            assert_eq!(
                s.authorize(Some(wrong), "").unwrap_err().kind,
                crate::error::ErrorKind::Unauthorized,
                "{wrong}"
            );
        }
        assert_eq!(s.authorize(None, "").unwrap_err().kind, crate::error::ErrorKind::Unauthorized);
        assert_eq!(Secret::default().authorize(Some("x"), "").unwrap_err().kind, crate::error::ErrorKind::Forbidden);
    }

    #[test]
    fn the_metrics_token_matches_only_itself_and_an_unset_one_nothing() {
        let s = Secret::new("scrape-me");
        assert!(s.matches("scrape-me"));
        assert!(!s.matches("scrape-m") && !s.matches("scrape-mee") && !s.matches(""));
        assert!(!Secret::default().matches("") && !Secret::default().matches("x"));
    }

    #[test]
    fn how_long_a_wrong_token_takes_does_not_reveal_the_secrets_length() {
        // The comparator this replaced returned at once when the lengths differed and walked
        // every byte when they matched: a guess of the right length took thousands of times
        // longer. Digests of one length make both the same work.
        let s = Secret::new(&"s".repeat(4096));
        let median_nanos = |guess: &str| {
            let mut samples: Vec<u128> = (0..31)
                .map(|_| {
                    let t = std::time::Instant::now();
                    for _ in 0..50 {
                        std::hint::black_box(s.authorize(Some(std::hint::black_box(guess)), "").is_err());
                    }
                    t.elapsed().as_nanos()
                })
                .collect();
            samples.sort_unstable();
            samples[15] as f64
        };
        let (right_length, wrong_length) = (median_nanos(&"t".repeat(4096)), median_nanos(&"t".repeat(4095)));
        let ratio = right_length.max(wrong_length) / right_length.min(wrong_length);
        assert!(ratio < 3.0, "right length {right_length} ns, wrong length {wrong_length} ns: ratio {ratio:.1}");
    }
}
