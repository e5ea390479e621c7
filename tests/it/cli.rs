//! The `quarry` binary as a user runs it.
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_quarry");

pub(crate) fn quarry(dir: &std::path::Path) -> Command {
    let mut c = Command::new(BIN);
    // A clean environment apart from what the test sets: no stray QUARRY_* from the shell.
    c.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("QUARRY_DATA_DIR", dir.join("data"))
        .env("QUARRY_CONFIG", dir.join("Leptos.toml"))
        // No background fetching from the internet unless a test asks for it.
        .env("QUARRY_BACKFILL_ON_START", "0")
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

pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

pub(crate) fn wait_ready(port: u16) -> bool {
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
    up
}

pub(crate) fn stop(child: &mut std::process::Child) -> std::process::ExitStatus {
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
    status
}

#[test]
fn serve_answers_health_checks_and_stops_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut child = quarry(dir.path())
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .arg("serve")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    assert!(wait_ready(port), "server did not become ready");
    let status = stop(&mut child);
    assert!(status.success(), "exit status after SIGTERM: {status}");
}

/// A raw HTTP/1.0 exchange with the server on `port`: the status line's code, the headers
/// and the body.
fn http(port: u16, request: &str) -> (u16, String, String) {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.write_all(request.as_bytes()).unwrap();
    let mut resp = String::new();
    s.read_to_string(&mut resp).unwrap();
    let (head, body) = resp.split_once("\r\n\r\n").unwrap_or((&resp, ""));
    let code = head.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    (code, head.to_string(), body.to_string())
}

#[test]
fn admin_set_password_then_sign_in_and_the_session_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let set = |pw: &str| {
        let mut child = quarry(dir.path())
            .args(["admin", "set-password"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        child.stdin.take().unwrap().write_all(format!("{pw}\n").as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    };
    let short = set("too short");
    assert!(!short.status.success());
    assert!(
        String::from_utf8_lossy(&short.stderr).contains("at least 12"),
        "{}",
        String::from_utf8_lossy(&short.stderr)
    );
    let ok = set("the admin's long passphrase");
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    assert!(String::from_utf8_lossy(&ok.stdout).contains("admin password set"));

    let port = free_port();
    let serve = || {
        quarry(dir.path())
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
            .arg("serve")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    let mut child = serve();
    assert!(wait_ready(port), "server did not become ready");
    let body = "password=the+admin%27s+long+passphrase";
    let (code, head, text) = http(
        port,
        &format!("POST /login HTTP/1.0\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}", body.len()),
    );
    assert_eq!(code, 200, "{head}\n{text}");
    let cookie = head
        .lines()
        .find_map(|l| l.strip_prefix("set-cookie: ").or_else(|| l.strip_prefix("Set-Cookie: ")))
        .and_then(|c| c.split(';').next())
        .unwrap_or_else(|| panic!("no cookie: {head}"))
        .to_string();
    let signed_in = |port| {
        let (code, _, text) =
            http(port, &format!("GET /api/auth/status HTTP/1.0\r\nHost: x\r\nCookie: {cookie}\r\n\r\n"));
        assert_eq!(code, 200, "{text}");
        serde_json::from_str::<serde_json::Value>(&text).unwrap()["signed_in"] == true
    };
    assert!(signed_in(port));
    assert!(stop(&mut child).success());
    let mut child = serve();
    assert!(wait_ready(port), "server did not come back");
    assert!(signed_in(port), "the session outlived the process");
    assert!(stop(&mut child).success());
    // A new password signs everyone out.
    assert!(set("another long passphrase").status.success());
    let mut child = serve();
    assert!(wait_ready(port));
    assert!(!signed_in(port), "set-password ended the old session");
    assert!(stop(&mut child).success());
}

/// Rows in `table` of the SQLite file, read by its own connection.
fn rows(db: &std::path::Path, table: &str) -> i64 {
    scalar(db, &format!("SELECT COUNT(*) FROM {table}"))
}

/// A number a query on the SQLite file answers.
pub(crate) fn scalar(db: &std::path::Path, query: &str) -> i64 {
    let run = async {
        use sea_orm::ConnectionTrait;
        let conn = quarry::db::connect(&format!("sqlite://{}", db.display())).await.unwrap();
        let sql = sea_orm::Statement::from_string(sea_orm::DbBackend::Sqlite, query);
        let n = conn.query_one_raw(sql).await.unwrap().unwrap().try_get_by_index::<i64>(0).unwrap();
        conn.close().await.unwrap();
        n
    };
    // From a plain test or from inside a tokio test alike.
    std::thread::scope(|s| s.spawn(|| tokio::runtime::Runtime::new().unwrap().block_on(run)).join().unwrap())
}

fn sql(db: &std::path::Path, statement: &str) {
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        use sea_orm::ConnectionTrait;
        let conn = quarry::db::connect(&format!("sqlite://{}", db.display())).await.unwrap();
        conn.execute_unprepared(statement).await.unwrap();
        conn.close().await.unwrap();
    })
}

/// A backup taken from a live file restores what it held; the database it replaces is
/// kept beside it; nothing is overwritten, and a file that is not a sound backup of a
/// schema this build knows, or a database a server holds open, is refused untouched.
#[test]
fn backup_and_restore_round_trip_and_refuse_what_would_lose_data() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| quarry(dir.path()).args(args).output().unwrap();
    let text = |o: &std::process::Output| {
        format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
    };
    assert!(run(&["migrate"]).status.success());
    let live = dir.path().join("data/quarry.db");
    sql(
        &live,
        "INSERT INTO observations (series_id, date, value, source, fetched_at) \
        SELECT id, '2026-01-02', 2000.5, 'lbma', '2026-01-02T00:00:00Z' FROM series WHERE slug = 'gold'",
    );
    assert_eq!(rows(&live, "observations"), 1);

    let backup = dir.path().join("keep/b1.db");
    let out = run(&["backup", backup.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("checked sound"), "{}", text(&out));
    let again = run(&["backup", backup.to_str().unwrap()]);
    assert!(!again.status.success() && text(&again).contains("already exists"), "{}", text(&again));

    sql(&live, "DELETE FROM observations");
    let out = run(&["restore", backup.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(rows(&live, "observations"), 1, "the backup's row is back");
    assert!(text(&out).contains("check passed"), "{}", text(&out));
    let aside: Vec<_> = std::fs::read_dir(dir.path().join("data"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            name.starts_with("quarry.db.before-restore-") && !name.ends_with("-wal") && !name.ends_with("-shm")
        })
        .collect();
    assert_eq!(aside.len(), 1, "the replaced database is kept: {aside:?}");
    assert_eq!(rows(&aside[0], "observations"), 0, "and it is the one from before the restore");

    // Refused, each leaving the live database as it was.
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, "not a database").unwrap();
    let out = run(&["restore", junk.to_str().unwrap()]);
    assert!(!out.status.success() && text(&out).contains("not an SQLite database"), "{}", text(&out));
    let newer = dir.path().join("newer.db");
    std::fs::copy(&backup, &newer).unwrap();
    sql(&newer, "INSERT INTO seaql_migrations (version, applied_at) VALUES ('m20991231_000001_from_the_future', 0)");
    let out = run(&["restore", newer.to_str().unwrap()]);
    assert!(!out.status.success() && text(&out).contains("made by a newer Quarry"), "{}", text(&out));
    let port = free_port();
    let mut server = quarry(dir.path())
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .arg("serve")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    assert!(wait_ready(port), "server did not become ready");
    let out = run(&["restore", backup.to_str().unwrap()]);
    stop(&mut server);
    assert!(!out.status.success(), "{}", text(&out));
    assert!(text(&out).contains(&format!("open in process {}", server.id())), "{}", text(&out));
    assert_eq!(rows(&live, "observations"), 1);
    assert!(run(&["check"]).status.success());

    // PostgreSQL: the command says what to use, before connecting to anything.
    let out = quarry(dir.path())
        .env("DATABASE_URL", "postgres://nobody@127.0.0.1:1/never")
        .args(["backup", dir.path().join("pg.db").to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!out.status.success() && text(&out).contains("pg_dump --format=custom"), "{}", text(&out));
}

/// kill -9 while an import writes: the import is one transaction, so the database holds
/// all of its rows or none, never part, and `quarry check` passes after.
#[test]
fn an_import_killed_outright_leaves_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    assert!(quarry(dir.path()).arg("migrate").output().unwrap().status.success());
    let companies = 20_000;
    let mut csv = String::from("record,name,sector,state,company,announced_on,stage,amount_usd\n");
    for i in 0..companies {
        csv.push_str(&format!("company,Killed Robotics {i},ai-software,CA,,,,\n"));
        for (k, stage) in ["seed", "series-a", "series-b", "series-c"].iter().enumerate() {
            csv.push_str(&format!(
                ",,,,Killed Robotics {i},{}-{:02}-{:02},{stage},{}\n",
                2016 + k,
                1 + i % 12,
                1 + i % 27,
                1_500_000 * (k + 1)
            ));
        }
    }
    let file = dir.path().join("big.csv");
    std::fs::write(&file, csv.replace(",,,,Killed", "round,,,,Killed")).unwrap();
    let db = dir.path().join("data/quarry.db");
    let wal = dir.path().join("data/quarry.db-wal");
    let mut child =
        quarry(dir.path()).arg("import").arg(&file).stdout(Stdio::null()).stderr(Stdio::piped()).spawn().unwrap();
    // Start-up (migrations, the universe sync) writes too: the import's own writes are the
    // WAL growing after start-up said it was done.
    let (tx, rx) = std::sync::mpsc::channel();
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(stderr).lines().map_while(Result::ok) {
            if line.contains("universe synced") {
                tx.send(()).ok();
            }
        }
    });
    rx.recv_timeout(Duration::from_secs(60)).expect("the import never finished starting up");
    let wal_after_startup = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
    // Killed as soon as the import's transaction reaches the file.
    let started = Instant::now();
    while std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0) <= wal_after_startup {
        assert!(started.elapsed() < Duration::from_secs(300), "the import never wrote");
        assert!(child.try_wait().unwrap().is_none(), "the import ended before it could be killed");
        std::thread::sleep(Duration::from_millis(2));
    }
    Command::new("kill").args(["-KILL", &child.id().to_string()]).status().unwrap();
    child.wait().unwrap();
    let (companies_in, rounds_in) = (rows(&db, "companies"), rows(&db, "funding_rounds"));
    assert!(
        (companies_in, rounds_in) == (0, 0) || (companies_in, rounds_in) == (companies as i64, 4 * companies as i64),
        "a killed import left part of itself: {companies_in} companies, {rounds_in} rounds"
    );
    eprintln!(
        "killed mid-write after {:.2} s: {companies_in} companies, {rounds_in} rounds",
        started.elapsed().as_secs_f64()
    );
    let check = quarry(dir.path()).arg("check").output().unwrap();
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stdout));
}

/// `quarry check` exits non-zero and names what is wrong.
#[test]
fn check_fails_on_a_dangling_reference_and_says_which() {
    let dir = tempfile::tempdir().unwrap();
    assert!(quarry(dir.path()).arg("migrate").output().unwrap().status.success());
    let ok = quarry(dir.path()).arg("check").output().unwrap();
    assert!(ok.status.success());
    assert!(
        String::from_utf8_lossy(&ok.stdout).contains("check passed: 5 checks"),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );
    sql(
        &dir.path().join("data/quarry.db"),
        "INSERT INTO acquisitions (key, acquirer_id, announced_on, status, sector, form_type, source, source_id, fetched_at) \
         VALUES ('import:gone', 424242, '2026-01-02', 'announced', 'other', 'import', 'import', 't:1', '2026-01-02T00:00:00Z')",
    );
    let out = quarry(dir.path()).arg("check").output().unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    assert!(stdout.contains("FAIL  orphans: 1 acquisitions.acquirer_id point at no companies row"), "{stdout}");
    assert!(stderr.contains("check failed: 1 of 5 checks"), "{stderr}");
}

mod live {
    //! `quarry serve` and `quarry backfill` against a local upstream in every real format.
    use std::time::{Duration, Instant};

    use chrono::Utc;
    use quarry::universe::{Provider, BUILTIN_UNIVERSE};
    use serde_json::Value;
    use wiremock::matchers::path;
    use wiremock::{Mock, MockServer};

    use super::{free_port, quarry, stop, wait_ready};
    use crate::upstream::{self, ok};

    fn client() -> reqwest::Client {
        let _ = rustls::crypto::ring::default_provider().install_default();
        reqwest::Client::new()
    }

    async fn json(c: &reqwest::Client, url: String) -> Value {
        serde_json::from_str(&c.get(url).send().await.unwrap().text().await.unwrap()).unwrap()
    }

    /// POSTs a form, as the "run now" button does.
    async fn post_form(c: &reqwest::Client, url: String, body: &str) -> reqwest::Response {
        c.post(url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.to_string())
            .send()
            .await
            .unwrap()
    }

    /// Starts a job through the API and waits for its run to finish; returns the run.
    async fn run_now(c: &reqwest::Client, base: &str, job: &str) -> Value {
        let res = post_form(c, format!("{base}/api/jobs/run"), &format!("job={job}&token=s3cret")).await;
        assert_eq!(res.status(), 200);
        let started: Value = serde_json::from_str(&res.text().await.unwrap()).unwrap();
        let slot = started["slot"].as_str().unwrap().to_string();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let jobs = json(c, format!("{base}/api/jobs")).await;
            let run = jobs.as_array().unwrap().iter().find(|j| j["name"] == job).unwrap()["recent_runs"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["slot"] == slot.as_str())
                .cloned();
            if let Some(run) = run.filter(|r| r["status"] != "running") {
                return run;
            }
            assert!(Instant::now() < deadline, "{job} did not finish");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn serve_fills_all_21_instruments_then_a_dead_source_goes_stale_with_its_reason() {
        let server = MockServer::start().await;
        let universe = quarry::universe::parse_universe("built-in", BUILTIN_UNIVERSE).unwrap();
        let today = Utc::now().date_naive();
        let served = upstream::mount_universe(&server, &universe, today).await;
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let base = format!("http://127.0.0.1:{port}");
        let mut child = quarry(dir.path())
            .envs(upstream::env_for(&server.uri()))
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
            .env("QUARRY_BACKFILL_ON_START", "1")
            .env("QUARRY_ADMIN_TOKEN", "s3cret")
            .arg("serve")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        assert!(tokio::task::spawn_blocking(move || wait_ready(port)).await.unwrap());
        let c = client();

        // The start-up backfill fills every instrument from its own primary source.
        let deadline = Instant::now() + Duration::from_secs(60);
        let overview = loop {
            let ov = json(&c, format!("{base}/api/commodities/overview")).await;
            let filled = ov["instruments"].as_array().unwrap().iter().filter(|e| !e["source"].is_null()).count();
            if filled == 21 {
                break ov;
            }
            assert!(Instant::now() < deadline, "only {filled} of 21 filled: {ov}");
            tokio::time::sleep(Duration::from_millis(250)).await;
        };
        assert_eq!(overview["demo"], false);
        for e in overview["instruments"].as_array().unwrap() {
            let slug = e["slug"].as_str().unwrap();
            let inst = universe.instrument(slug).unwrap();
            assert_eq!(e["source"], inst.sources[0].provider.as_str(), "{slug}");
            let (d, v) = served[slug].iter().rev().find_map(|(d, v)| v.map(|v| (*d, v))).unwrap();
            assert_eq!(e["as_of"], d.to_string(), "{slug}");
            assert_eq!(e["last_value"].as_f64(), Some(v), "{slug}");
            assert_eq!(e["stale"], false, "{slug}: {}", e["stale_reason"]);
        }

        // The backfill goes on with the 12 macro series, also from their FRED feeds.
        let deadline = Instant::now() + Duration::from_secs(60);
        let macros = loop {
            let list = json(&c, format!("{base}/api/macro/series")).await;
            let filled = list["series"].as_array().unwrap().iter().filter(|e| e["source"] == "fred").count();
            if filled == 12 {
                break list;
            }
            assert!(Instant::now() < deadline, "only {filled} of 12 macro series filled: {list}");
            tokio::time::sleep(Duration::from_millis(250)).await;
        };
        for e in macros["series"].as_array().unwrap() {
            let slug = e["slug"].as_str().unwrap();
            let (d, v) = served[slug].iter().rev().find_map(|(d, v)| v.map(|v| (*d, v))).unwrap();
            assert_eq!(
                (e["as_of"].as_str(), e["last_value"].as_f64()),
                (Some(d.to_string().as_str()), Some(v)),
                "{slug}"
            );
        }

        // "Run now" wants the token; with it, a second run of every job writes nothing.
        let res = post_form(&c, format!("{base}/api/jobs/run"), "job=commodity_prices").await;
        assert_eq!(res.status(), 401);
        let res = post_form(&c, format!("{base}/api/jobs/run"), "job=commodity_prices&token=wrong").await;
        assert_eq!(res.status(), 401);
        for job in ["commodity_prices", "ai_materials", "space_tech", "macro_series"] {
            let run = run_now(&c, &base, job).await;
            assert_eq!(run["status"], "succeeded", "{run}");
            assert_eq!(run["rows_written"], 0, "{job} wrote rows on a second run: {run}");
        }

        // LBMA starts answering with an HTML page: its four metals go stale, with the reason;
        // the other instruments keep updating.
        server.reset().await;
        for code in ["gold_pm", "silver", "platinum_pm", "palladium_pm"] {
            Mock::given(path(format!("/json/{code}.json")))
                .respond_with(ok("<!DOCTYPE html><html><body>Maintenance</body></html>", "text/html"))
                .mount(&server)
                .await;
        }
        upstream::mount_universe_except(&server, &universe, today, Some(Provider::Lbma)).await;
        let run = run_now(&c, &base, "commodity_prices").await;
        assert_eq!(run["status"], "partial", "{run}");
        assert!(run["error"].as_str().unwrap().contains("gold: LBMA gold_pm: an HTML page arrived"), "{run}");
        let ov = json(&c, format!("{base}/api/commodities/overview")).await;
        for e in ov["instruments"].as_array().unwrap() {
            let lbma = universe.instrument(e["slug"].as_str().unwrap()).unwrap().sources[0].provider == Provider::Lbma;
            assert_eq!(e["stale"], lbma, "{e}");
            if lbma {
                assert!(e["stale_reason"].as_str().unwrap().contains("HTML page"), "{e}");
            }
        }
        let health = json(&c, format!("{base}/api/jobs/health")).await;
        assert_eq!(health["stale"].as_array().unwrap().len(), 4, "{health}");
        let page = c.get(format!("{base}/jobs")).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("an HTML page arrived where JSON was expected"), "the jobs page does not say why");
        let page = c.get(format!("{base}/")).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("stale-reason"), "the overview does not say why");

        assert!(stop(&mut child).success());
    }

    /// The acceptance: `quarry chart-pack --out pack.pdf` on data loaded from every
    /// provider's real format writes 11 pages that poppler renders, each with its title and
    /// sources as real text, none blank.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn chart_pack_from_real_format_data_is_eleven_pages_of_real_text_none_blank() {
        let server = MockServer::start().await;
        let universe = quarry::universe::parse_universe("built-in", BUILTIN_UNIVERSE).unwrap();
        let today = Utc::now().date_naive();
        upstream::mount_universe(&server, &universe, today).await;
        let dir = tempfile::tempdir().unwrap();
        let env = upstream::env_for(&server.uri());
        let run = |args: &[&str]| {
            let out = quarry(dir.path()).envs(env.clone()).args(args).output().unwrap();
            let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
            assert!(out.status.success(), "quarry {args:?}: {text}");
            text
        };
        run(&["backfill"]);
        let pdf = dir.path().join("pack.pdf");
        let said = run(&["chart-pack", "--out", pdf.to_str().unwrap()]);
        assert!(said.contains(": 11 pages,"), "{said}");
        // Every FRED series and commodity is loaded; only the SEC pages lack data.
        assert!(said.contains("pages without data: [9, 10]"), "{said}");

        if !crate::support::poppler() {
            return;
        }
        let info = std::process::Command::new("pdfinfo").arg(&pdf).output().unwrap();
        let info = String::from_utf8_lossy(&info.stdout).to_string();
        let pages_line = info.lines().find(|l| l.starts_with("Pages:")).unwrap_or_default();
        assert_eq!(pages_line.split_whitespace().nth(1), Some("11"), "{info}");
        let page_text = |n: usize| crate::support::pdf_page_text(&pdf, n);
        let titles = [
            "1. Fed balance sheet and net liquidity vs the S&P 500",
            "2. Fed funds vs CPI inflation",
            "3. Broad dollar vs the all-commodity index",
            "4. Gold vs the 10-year real yield",
            "5. Copper/gold ratio vs the 10-year yield (Gundlach's indicator)",
            "6. WTI and Brent with 50- and 200-day averages and RSI",
            "7. High-yield spread and the VIX",
            "8. Venture liquidity",
            "9. IPO window",
            "10. AI materials: latest prices and their changes",
        ];
        assert!(page_text(1).contains("Contents"));
        for (i, title) in titles.iter().enumerate() {
            let text = page_text(i + 2);
            assert!(text.contains(title), "page {}: {text}", i + 2);
            assert!(text.contains("Sources:"), "page {}: {text}", i + 2);
            if i < 7 {
                assert!(text.contains("FRED"), "page {} names FRED: {text}", i + 2);
                assert!(text.contains("not endorsed by the Federal Reserve Bank of St. Louis"), "page {}", i + 2);
                assert!(!text.contains("No data for this page yet"), "page {}: {text}", i + 2);
                assert!(!text.contains("DEMO"), "real-format data is not labelled demo: page {}", i + 2);
            }
        }
        assert!(page_text(2).contains("Net liquidity USD"), "the reading is computed: {}", page_text(2));
        crate::support::assert_pdf_pages_render_and_none_is_blank(&pdf, 11);
    }

    /// A local LBMA answering 500 days of gold at once and 10 of silver only after `hang`:
    /// a backfill can be stopped while it waits on silver. Gold's points come back too.
    async fn gold_now_silver_after(hang: Duration) -> (MockServer, upstream::Pts) {
        let server = MockServer::start().await;
        let today = Utc::now().date_naive();
        let gold = upstream::daily(today, 500, 1200.0);
        upstream::mount_source(&server, Provider::Lbma, "gold_pm", &gold).await;
        Mock::given(path("/json/silver.json"))
            .respond_with(
                ok(upstream::lbma_json(&upstream::daily(today, 10, 20.0)), "application/json").set_delay(hang),
            )
            .mount(&server)
            .await;
        (server, gold)
    }

    /// `quarry ARGS` in `dir`, every source pointed at `server`, with a fetch timeout of
    /// `timeout_secs` (longer than any hang the test sets up).
    fn fed_by(
        dir: &std::path::Path,
        server: &MockServer,
        timeout_secs: u64,
    ) -> impl Fn(&[&str]) -> std::process::Command {
        let (dir, env) = (dir.to_path_buf(), upstream::env_for(&server.uri()));
        move |args| {
            let mut c = quarry(&dir);
            c.envs(env.clone()).env("QUARRY_SOURCES__FETCH_TIMEOUT_SECS", timeout_secs.to_string()).args(args);
            c
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn backfill_reports_rows_per_second_resumes_after_an_interrupt_and_checks_its_arguments() {
        // Silver hangs long enough to interrupt the backfill while it waits.
        let (server, gold) = gold_now_silver_after(Duration::from_secs(20)).await;
        let today = Utc::now().date_naive();
        let dir = tempfile::tempdir().unwrap();
        let cmd = fed_by(dir.path(), &server, 30);

        let out = cmd(&["backfill", "--series", "gold"]).output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
        assert!(stdout.contains("backfill succeeded: 1 series, 500 rows written"), "{stdout}");
        assert!(stdout.contains("rows/s"), "{stdout}");

        // Interrupted while silver hangs: gold stays loaded, the run says "interrupted".
        let child = cmd(&["backfill"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        tokio::time::sleep(Duration::from_secs(3)).await;
        std::process::Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
        let out = tokio::task::spawn_blocking(move || child.wait_with_output()).await.unwrap().unwrap();
        assert_eq!(out.status.code(), Some(130), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(String::from_utf8_lossy(&out.stderr).contains("run the same command again to resume"));

        // Resumed: gold is skipped (0 new rows for it); silver loads once it answers.
        server.reset().await;
        upstream::mount_source(&server, Provider::Lbma, "gold_pm", &gold).await;
        upstream::mount_source(&server, Provider::Lbma, "silver", &upstream::daily(today, 10, 20.0)).await;
        let out = cmd(&["backfill", "--series", "silver"]).output().unwrap();
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("1 series, 10 rows written"),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
        let out = cmd(&["backfill", "--series", "gold"]).output().unwrap();
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("1 series, 0 rows written"),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
        let gold_requests =
            server.received_requests().await.unwrap().iter().filter(|r| r.url.path() == "/json/gold_pm.json").count();
        assert_eq!(gold_requests, 0, "a finished series was fetched again");

        let out = cmd(&["backfill", "--from", "yesterday"]).output().unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stderr).contains("'yesterday' is not a date like 2000-01-31"));
        let out = cmd(&["backfill", "--series", "unobtainium"]).output().unwrap();
        assert!(!out.status.success());
        assert!(String::from_utf8_lossy(&out.stderr).contains("unknown series 'unobtainium'"));
    }

    /// kill -9 mid-backfill: what was committed stays whole, nothing else is there, the
    /// dead run's lease is what `quarry check` names, and the same command resumes (closing
    /// that run), after which the check passes.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_backfill_killed_outright_leaves_nothing_partial_resumes_and_then_checks_clean() {
        let (server, _) = gold_now_silver_after(Duration::from_secs(30)).await;
        let today = Utc::now().date_naive();
        let dir = tempfile::tempdir().unwrap();
        let cmd = fed_by(dir.path(), &server, 60);
        let db = dir.path().join("data/quarry.db");
        let of = |slug: &str| {
            super::scalar(
                &db,
                &format!(
                    "SELECT COUNT(*) FROM observations o JOIN series s ON s.id = o.series_id WHERE s.slug = '{slug}'"
                ),
            )
        };

        let mut child = cmd(&["backfill", "--series", "gold"]).output().unwrap();
        assert!(child.status.success(), "{}", String::from_utf8_lossy(&child.stderr));
        let mut running =
            cmd(&["backfill"]).stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null()).spawn().unwrap();
        // Past gold (already whole) and into silver, which hangs.
        let started = Instant::now();
        while server.received_requests().await.unwrap().iter().all(|r| r.url.path() != "/json/silver.json") {
            assert!(started.elapsed() < Duration::from_secs(60), "the backfill never asked for silver");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let pid = running.id();
        std::process::Command::new("kill").args(["-KILL", &pid.to_string()]).status().unwrap();
        running.wait().unwrap();
        assert_eq!((of("gold"), of("silver")), (500, 0), "committed series whole, the killed one absent");

        child = cmd(&["check"]).output().unwrap();
        let stdout = String::from_utf8_lossy(&child.stdout).to_string();
        assert_eq!(child.status.code(), Some(1), "{stdout}");
        assert!(stdout.contains(&format!("held by process {pid}, which is gone")), "{stdout}");

        server.reset().await;
        upstream::mount_source(&server, Provider::Lbma, "silver", &upstream::daily(today, 10, 20.0)).await;
        child = cmd(&["backfill", "--series", "silver"]).output().unwrap();
        assert!(child.status.success(), "{}", String::from_utf8_lossy(&child.stderr));
        assert!(String::from_utf8_lossy(&child.stderr).contains("closed 1 run(s) left running by a process that died"));
        assert_eq!((of("gold"), of("silver")), (500, 10));
        child = cmd(&["check"]).output().unwrap();
        assert!(child.status.success(), "{}", String::from_utf8_lossy(&child.stdout));
    }

    /// SIGTERM while a run waits on an upstream (the start-up backfill, on silver): the
    /// server closes the run as interrupted, with its reason, so `quarry check` finds no
    /// lease held by the dead. The chaos suite (scripts/chaos.sh) found such runs left
    /// "running" after every clean stop.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn serve_stopped_mid_run_closes_the_run_as_interrupted_and_then_checks_clean() {
        let (server, _) = gold_now_silver_after(Duration::from_secs(30)).await;
        let dir = tempfile::tempdir().unwrap();
        let cmd = fed_by(dir.path(), &server, 60);
        let port = free_port();
        let mut child = cmd(&["serve"])
            .env("QUARRY_BACKFILL_ON_START", "1")
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        assert!(wait_ready(port), "server did not become ready");
        let started = Instant::now();
        while server.received_requests().await.unwrap().iter().all(|r| r.url.path() != "/json/silver.json") {
            assert!(started.elapsed() < Duration::from_secs(60), "the backfill never asked for silver");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let status = stop(&mut child);
        assert!(status.success(), "exit status after SIGTERM: {status}");

        let db = dir.path().join("data/quarry.db");
        assert_eq!(super::scalar(&db, "SELECT COUNT(*) FROM job_runs WHERE status = 'running'"), 0);
        let interrupted = "SELECT COUNT(*) FROM job_runs WHERE job = 'backfill' AND status = 'interrupted' \
                           AND finished_at IS NOT NULL AND error LIKE '%server stopped%'";
        assert_eq!(super::scalar(&db, interrupted), 1);
        let out = cmd(&["check"]).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn backfill_loads_one_macro_series_by_its_slug() {
        let server = MockServer::start().await;
        let walcl = upstream::weekly(Utc::now().date_naive(), 300, 7_000_000.0);
        upstream::mount_source(&server, Provider::Fred, "WALCL", &walcl).await;
        let dir = tempfile::tempdir().unwrap();
        let cmd = |args: &[&str]| {
            let mut c = quarry(dir.path());
            c.envs(upstream::env_for(&server.uri())).args(args);
            c
        };
        let out = cmd(&["backfill", "--series", "walcl"]).output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
        assert!(stdout.contains("backfill succeeded: 1 series, 300 rows written"), "{stdout}");
        let asked: Vec<String> = server.received_requests().await.unwrap().iter().map(|r| r.url.to_string()).collect();
        assert_eq!(asked.len(), 1, "{asked:?}");
        assert!(asked[0].contains("/graph/fredgraph.csv?id=WALCL"), "{asked:?}");
        // Run again, it is already loaded.
        let out = cmd(&["backfill", "--series", "walcl"]).output().unwrap();
        assert!(String::from_utf8_lossy(&out.stdout).contains("1 series, 0 rows written"));
        // An unknown slug lists the macro series among the known ones.
        let out = cmd(&["backfill", "--series", "m2sl"]).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            !out.status.success() && stderr.contains("unknown series 'm2sl'") && stderr.contains("walcl"),
            "{stderr}"
        );
    }
}

/// Whether the server closed `s` within `within`: a read that ends (0 bytes or an error
/// other than a timeout) instead of blocking.
fn closed_by_server(s: &mut std::net::TcpStream, within: Duration) -> bool {
    use std::io::Read;
    let deadline = Instant::now() + within;
    let mut buf = [0u8; 4096];
    while Instant::now() < deadline {
        s.set_read_timeout(Some(Duration::from_millis(100))).unwrap();
        match s.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => continue, // a response (408 or 400) before the close is fine
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => continue,
            Err(_) => return true,
        }
    }
    false
}

#[test]
fn slow_and_silent_connections_are_cut_off_and_the_server_keeps_answering() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut child = quarry(dir.path())
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("QUARRY_SERVER__HEADER_TIMEOUT_SECS", "1")
        .env("QUARRY_SERVER__IDLE_TIMEOUT_SECS", "2")
        .env("QUARRY_SERVER__MAX_CONNECTIONS", "40")
        .arg("serve")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    assert!(wait_ready(port), "server did not become ready");
    let connect = || std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();

    // Slowloris: headers a byte at a time, never finished. Cut off by the header deadline
    // while still dribbling.
    let mut slow: Vec<_> = (0..10).map(|_| connect()).collect();
    for s in &mut slow {
        s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n").unwrap();
    }
    let dribble_until = Instant::now() + Duration::from_millis(2500);
    while Instant::now() < dribble_until {
        for s in &mut slow {
            let _ = s.write_all(b"X");
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    for (i, s) in slow.iter_mut().enumerate() {
        assert!(closed_by_server(s, Duration::from_secs(3)), "dribbling connection {i} still open after 5 s");
    }

    // A keep-alive connection that goes quiet after its answer is closed.
    let mut idle = connect();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    assert!(closed_by_server(&mut idle, Duration::from_secs(6)), "an idle keep-alive connection stayed open");

    // Past the cap, new connections are closed on accept; once the silent ones time out
    // the server answers again.
    let silent: Vec<_> = (0..40).map(|_| connect()).collect();
    std::thread::sleep(Duration::from_millis(300));
    let mut extra = connect();
    assert!(closed_by_server(&mut extra, Duration::from_millis(1500)), "a connection past the cap was kept");
    drop(silent);
    assert!(wait_ready(port), "the server stopped answering");
    assert!(stop(&mut child).success());
}

#[test]
fn unknown_paths_and_trailing_slashes_are_not_logged_as_errors() {
    use std::io::{Read, Write};
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut child = quarry(dir.path())
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("QUARRY_LOG", "info")
        .arg("serve")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    assert!(wait_ready(port), "server did not become ready");
    let mut statuses = Vec::new();
    for path in
        ["/venture/", "/commodities/gold/", "/no-such-page", "/api/no-such-endpoint", "/venture/companies/99999"]
    {
        let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        s.write_all(format!("GET {path} HTTP/1.0\r\nHost: x\r\n\r\n").as_bytes()).unwrap();
        let mut resp = String::new();
        s.read_to_string(&mut resp).ok();
        statuses.push((path, resp.lines().next().unwrap_or_default().to_string()));
    }
    assert!(stop(&mut child).success());
    let mut log = String::new();
    child.stderr.take().unwrap().read_to_string(&mut log).unwrap();
    for (path, status) in &statuses {
        assert!(status.contains(" 308 ") || status.contains(" 404 "), "{path}: {status}");
    }
    let errors: Vec<_> = log.lines().filter(|l| l.contains("ERROR")).collect();
    assert!(errors.is_empty(), "error lines for requests a visitor mistyped: {errors:#?}");
}
