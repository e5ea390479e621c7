//! Test databases on both backends, and a router over them.
use std::future::Future;
use std::sync::atomic::{AtomicU32, Ordering};

use quarry::config::Config;
use quarry::state::AppState;
use sea_orm::{ConnectionTrait, Database};

static COUNTER: AtomicU32 = AtomicU32::new(0);

#[derive(Debug, Clone, Copy)]
pub enum Backend {
    Sqlite,
    Postgres,
}

fn pg_base_url() -> String {
    std::env::var("QUARRY_TEST_PG_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".to_string())
}

/// Runs `test` against a fresh, empty database of `backend`, given its URL; drops the
/// database afterwards. Panics (fails the test) when PostgreSQL is unreachable, unless the
/// test command already reported that and asked to skip with QUARRY_TEST_PG_SKIP=1.
pub async fn with_db<F, Fut>(backend: Backend, test: F)
where
    F: FnOnce(String) -> Fut,
    Fut: Future<Output = ()>,
{
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().unwrap();
            let url = format!("sqlite://{}?mode=rwc", dir.path().join(format!("it{n}.db")).display());
            test(url).await;
        }
        Backend::Postgres => {
            if std::env::var("QUARRY_TEST_PG_SKIP").as_deref() == Ok("1") {
                eprintln!("skipped: PostgreSQL unreachable (reported by the test command)");
                return;
            }
            let base = pg_base_url();
            let admin = Database::connect(format!("{base}/postgres")).await.unwrap_or_else(|e| {
                panic!("PostgreSQL at {base} is unreachable ({e}); set QUARRY_TEST_PG_URL or start PostgreSQL")
            });
            let name = format!("quarry_it_{}_{n}", std::process::id());
            admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\"")).await.unwrap();
            admin.execute_unprepared(&format!("CREATE DATABASE \"{name}\"")).await.unwrap();
            test(format!("{base}/{name}")).await;
            // Reached only when the test passed; the test command sweeps what failures leave.
            admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).await.unwrap();
        }
    }
}

/// A configuration for tests: built-in defaults, this database, a scratch data folder.
pub fn test_config(url: &str) -> Config {
    let mut c = Config::builtin().unwrap();
    c.database_url = url.to_string();
    c.data_dir = std::env::temp_dir().join("quarry-it-data");
    c.site_root = std::env::temp_dir().join("quarry-it-site");
    c
}

/// Connects, migrates and syncs the built-in universe, as `quarry serve` does at start-up.
pub async fn prepared_state(url: &str) -> AppState {
    quarry::startup::prepare(test_config(url)).await.expect("prepare")
}

/// Declares one test per backend: `mod sqlite { fn name }` and `mod postgres { fn name }`,
/// so the test output names the backend each ran on.
#[macro_export]
macro_rules! on_both_backends {
    ($(fn $name:ident($url:ident) $body:block)*) => {
        mod sqlite {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    $crate::support::with_db($crate::support::Backend::Sqlite, |$url: String| async move $body).await;
                }
            )*
        }
        mod postgres {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    $crate::support::with_db($crate::support::Backend::Postgres, |$url: String| async move $body).await;
                }
            )*
        }
    };
}

/// Like `prepared_state`, with every source pointed at a local upstream.
pub async fn upstream_state(url: &str, upstream_uri: &str) -> AppState {
    let mut c = test_config(url);
    crate::upstream::point_sources_at(&mut c, upstream_uri);
    quarry::startup::prepare(c).await.expect("prepare")
}

/// Whether poppler-utils (pdftoppm, pdftotext, pdfinfo) is installed; under `CI=true` its
/// absence fails the calling test instead of skipping the PDF checks.
pub fn poppler() -> bool {
    let ok = std::process::Command::new("pdftoppm").arg("-v").output().is_ok();
    if !ok {
        assert!(std::env::var("CI").as_deref() != Ok("true"), "poppler-utils (pdftoppm, pdftotext) missing under CI");
        eprintln!("SKIPPED: poppler-utils missing; install it to check the PDF's pages");
    }
    ok
}

/// The text pdftotext reads on one page (1-based) of a PDF file.
pub fn pdf_page_text(pdf: &std::path::Path, page: usize) -> String {
    let n = page.to_string();
    let out = std::process::Command::new("pdftotext")
        .args(["-layout", "-f", &n, "-l", &n, pdf.to_str().unwrap(), "-"])
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

/// Renders every page with pdftoppm (greyscale, 30 dpi) and checks there are `pages` of
/// them and none is blank: each has some hundreds of inked pixels (text, lines, bars).
pub fn assert_pdf_pages_render_and_none_is_blank(pdf: &std::path::Path, pages: usize) {
    let dir = tempfile::tempdir().unwrap();
    let status = std::process::Command::new("pdftoppm")
        .args(["-gray", "-r", "30", pdf.to_str().unwrap(), dir.path().join("p").to_str().unwrap()])
        .status()
        .unwrap();
    assert!(status.success(), "pdftoppm failed on {}", pdf.display());
    let mut files: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "pgm"))
        .collect();
    files.sort();
    assert_eq!(files.len(), pages, "pages rendered");
    for f in files {
        let bytes = std::fs::read(&f).unwrap();
        // A binary PGM: "P5", width, height, maxval, then one byte per pixel.
        let mut fields = 0;
        let mut i = 0;
        while fields < 4 {
            while bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            while !bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            fields += 1;
        }
        let inked = bytes[i + 1..].iter().filter(|v| **v < 220).count();
        assert!(inked > 300, "{} is blank ({inked} inked pixels)", f.display());
    }
}
