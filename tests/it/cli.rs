//! The `quarry` binary as a user runs it.
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_quarry");

fn quarry(dir: &std::path::Path) -> Command {
    let mut c = Command::new(BIN);
    // A clean environment apart from what the test sets: no stray QUARRY_* from the shell.
    c.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("QUARRY_DATA_DIR", dir.join("data"))
        .env("QUARRY_CONFIG", dir.join("Leptos.toml"))
        .current_dir(dir);
    std::fs::write(dir.join("Leptos.toml"), "").unwrap();
    c
}

#[test]
fn a_broken_universe_file_stops_serve_with_a_message_naming_the_problem() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("universe.toml");
    std::fs::write(
        &bad,
        "[[groups]]\nslug = \"metals\"\nname = \"Metals\"\n\n[[instruments]]\nslug = \"gold\"\nname = \"Gold\"\ngroup = \"metals\"\nunit = \"USD\"\nfrequency = \"hourly\"\nsources = [{ provider = \"lbma\", code = \"gold_pm\" }]\n",
    )
    .unwrap();
    let out = quarry(dir.path())
        .env("QUARRY_UNIVERSE_FILE", &bad)
        .env("LEPTOS_SITE_ADDR", "127.0.0.1:0")
        .args(["serve"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("universe.toml"), "{stderr}");
    assert!(stderr.contains("instrument 'gold'"), "{stderr}");
    assert!(stderr.contains("'frequency' is 'hourly'"), "{stderr}");
}

#[test]
fn a_missing_universe_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let out = quarry(dir.path()).env("QUARRY_UNIVERSE_FILE", "nowhere.toml").arg("migrate").output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("nowhere.toml"));
}

#[test]
fn migrate_creates_the_sqlite_database_in_the_data_dir() {
    let dir = tempfile::tempdir().unwrap();
    let out = quarry(dir.path()).arg("migrate").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(dir.path().join("data/quarry.db").exists());
    // Twice is fine.
    assert!(quarry(dir.path()).arg("migrate").output().unwrap().status.success());
}

#[test]
fn serve_answers_health_checks_and_stops_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut child = quarry(dir.path())
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .arg("serve")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let mut up = false;
    while started.elapsed() < Duration::from_secs(60) {
        if let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            use std::io::{Read, Write};
            s.write_all(b"GET /readyz HTTP/1.0\r\nHost: x\r\n\r\n").unwrap();
            let mut resp = String::new();
            s.read_to_string(&mut resp).ok();
            if resp.starts_with("HTTP/1.0 200") || resp.starts_with("HTTP/1.1 200") {
                up = true;
                break;
            }
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    assert!(up, "server did not become ready");
    let kill = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(kill.success());
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(Instant::now() < deadline, "server ignored SIGTERM");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(status.success(), "exit status after SIGTERM: {status}");
}
