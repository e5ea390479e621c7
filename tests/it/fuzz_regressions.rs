//! The fuzz targets' checks (fuzz/src/checks.rs) on stable Rust, over every seed in
//! fuzz/corpus and every input that once made a target fail, kept in fuzz/regressions.
//! Each of the latter fails this test without the fix it was kept for.
use std::path::Path;

#[path = "../../fuzz/src/checks.rs"]
#[allow(dead_code)]
mod checks;

/// Runs `check` on every file under `dir`, returning those on which it panicked.
fn replay(dir: &Path, check: checks::Check) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut failed = Vec::new();
    let mut files: Vec<_> = entries.map(|e| e.unwrap().path()).collect();
    files.sort();
    for file in files {
        let data = std::fs::read(&file).unwrap();
        if std::panic::catch_unwind(|| check(&data)).is_err() {
            failed.push(file.display().to_string());
        }
    }
    failed
}

fn replay_all(under: &str) -> (usize, Vec<String>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz").join(under);
    let mut failed = Vec::new();
    let mut dirs = 0;
    for (name, check) in checks::TARGETS {
        let dir = root.join(name);
        dirs += usize::from(dir.is_dir());
        failed.extend(replay(&dir, check));
    }
    (dirs, failed)
}

#[test]
fn every_seed_of_every_fuzz_target_passes_its_checks() {
    let (dirs, failed) = replay_all("corpus");
    assert_eq!(dirs, checks::TARGETS.len(), "a fuzz target without seeds in fuzz/corpus");
    assert!(failed.is_empty(), "checks failed on: {failed:#?}");
}

#[test]
fn every_input_a_fuzz_target_once_failed_on_now_passes() {
    let (_, failed) = replay_all("regressions");
    assert!(failed.is_empty(), "checks failed on: {failed:#?}");
}
