//! The first hour (issue 16, section 1): demo mode knows it is offline, demo rows are not
//! stale, the jobs page survives thousands of failures, the pack exists in demo mode, and
//! with network the work that reads new rows follows them at once.
use axum::body::{to_bytes, Body};
use axum::http::{Request, StatusCode};
use chrono::{Duration, Utc};
use quarry::db::entities::job_runs;
use quarry::jobs::commodity::JobKind;
use quarry::jobs::runner::run_slot;
use sea_orm::{ActiveValue::Set, EntityTrait};
use serde_json::Value;
use tower::ServiceExt;

use crate::support::test_config;

const NOTICE: &str = "demo mode: live fetching is off; set QUARRY_DEMO=0 with network access to fetch real data";

async fn get(app: &axum::Router, uri: &str) -> (StatusCode, String) {
    let res = app.clone().oneshot(Request::get(uri).body(Body::empty()).unwrap()).await.unwrap();
    let status = res.status();
    let body = to_bytes(res.into_body(), 20 << 20).await.unwrap();
    (status, String::from_utf8(body.to_vec()).unwrap())
}

async fn get_json(app: &axum::Router, uri: &str) -> Value {
    let (status, body) = get(app, uri).await;
    assert_eq!(status, StatusCode::OK, "{uri}: {body}");
    serde_json::from_str(&body).unwrap()
}

/// The page with every <details>…</details> element taken out: what a reader sees before
/// opening anything.
fn without_details(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(start) = rest.find("<details") {
        out.push_str(&rest[..start]);
        let end = rest[start..].find("</details>").expect("a closed details element") + start;
        rest = &rest[end + "</details>".len()..];
    }
    out.push_str(rest);
    out
}

crate::on_both_backends! {
    fn demo_mode_pauses_the_network_jobs_with_one_notice_on_the_jobs_page_and_overview(url) {
        let mut c = test_config(&url);
        c.demo = true;
        // Nothing resolves here: were a job to fetch, it would fail at the resolver.
        crate::upstream::point_sources_at(&mut c, "http://quarry-upstream.invalid");
        let state = quarry::startup::prepare(c).await.unwrap();
        quarry::startup::refresh_demo(&state, true).await.unwrap();
        for kind in [JobKind::Backfill { series: None, from: None }, JobKind::CommodityPrices, JobKind::MacroSeries, JobKind::VcSync] {
            let name = kind.name();
            assert!(run_slot(&state, kind, "test:demo").await.unwrap().is_none(), "{name} ran in demo mode");
        }
        // Work that needs no network still runs.
        let signals = run_slot(&state, JobKind::CommoditySignals, "test:demo").await.unwrap().unwrap();
        assert_eq!(signals.status, "succeeded");
        let app = quarry::server::router(state.clone());
        let jobs = get_json(&app, "/api/jobs").await;
        for j in jobs.as_array().unwrap() {
            let name = j["name"].as_str().unwrap();
            let network = !matches!(name, "commodity_signals" | "chart_pack" | "funding_tracker");
            if network {
                assert!(j["recent_runs"].as_array().unwrap().is_empty(), "{name} has runs: {j}");
                assert!(j["paused"].as_str().unwrap().contains("demo mode"), "{j}");
                assert!(j["next_run"].is_null(), "{j}");
            } else {
                assert!(j["paused"].is_null(), "{j}");
            }
        }
        let health = get_json(&app, "/api/jobs/health").await;
        assert_eq!(health["offline_notice"], NOTICE);
        let (status, page) = get(&app, "/jobs").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(page.matches(NOTICE).count(), 1, "one notice on the jobs page");
        assert!(!page.contains("class=\"status failed\""), "no failed runs in demo mode");
        let (status, page) = get(&app, "/").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(page.matches(NOTICE).count(), 1, "one notice on the overview");
        let ov = get_json(&app, "/api/commodities/overview").await;
        assert_eq!(ov["offline_notice"], NOTICE);
    }

    fn demo_rows_are_judged_against_the_demos_own_date_and_badged_demo_not_stale(url) {
        // A machine that tried to fetch and could not: every feed refuses the connection.
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut c = test_config(&url);
        crate::upstream::point_sources_at(&mut c, &format!("http://127.0.0.1:{port}"));
        c.sources.max_retries = 0;
        let state = quarry::startup::prepare(c).await.unwrap();
        quarry::startup::refresh_demo(&state, true).await.unwrap();
        let report = run_slot(&state, JobKind::CommodityPrices, "test:refused").await.unwrap().unwrap();
        assert_eq!(report.status, "failed", "{report:?}");

        // A month later, with no new demo rows: still DEMO, not stale.
        let later = Utc::now() + Duration::days(30);
        let ov = quarry::commodities::service::overview(&state.db, &state.universe, None, later).await.unwrap();
        for e in &ov.instruments {
            assert_eq!(e.freshness, quarry::commodities::model::Freshness::Demo, "{}: {:?}", e.slug, e.stale_reason);
            assert!(!e.stale, "{}: {:?}", e.slug, e.stale_reason);
        }
        let macros = quarry::macro_series::service::list(&state.db, &state.universe, later).await.unwrap();
        assert!(macros.series.iter().all(|m| m.freshness == quarry::commodities::model::Freshness::Demo && !m.stale));
        let stale = quarry::commodities::service::stale_instruments(&state.db, &state.universe, later).await.unwrap();
        assert!(stale.is_empty(), "{stale:?}");

        let app = quarry::server::router(state.clone());
        let ov = get_json(&app, "/api/commodities/overview").await;
        for e in ov["instruments"].as_array().unwrap() {
            assert_eq!((&e["freshness"], &e["stale"]), (&Value::from("demo"), &Value::Bool(false)), "{e}");
        }
        let detail = get_json(&app, "/api/commodities/gold").await;
        assert_eq!(detail["freshness"], "demo", "{detail}");
        let macros = get_json(&app, "/api/macro/series").await;
        assert!(macros["series"].as_array().unwrap().iter().all(|m| m["freshness"] == "demo"), "{macros}");
        let health = get_json(&app, "/api/jobs/health").await;
        assert!(health["stale"].as_array().unwrap().is_empty(), "{health}");

        // The pack made from demo data says DEMO on every page, the cover included (the
        // binary test checks the PDF's text where poppler is installed).
        let data = quarry::charts::pack_service::load(&state.db, &state.universe, Utc::now().date_naive()).await.unwrap();
        let svgs = quarry::charts::pack::render(&data).unwrap();
        assert_eq!(svgs.len(), 11);
        for (i, svg) in svgs.iter().enumerate() {
            assert!(svg.contains("DEMO"), "pack page {} of demo data does not say DEMO", i + 1);
        }

        let (_, page) = get(&app, "/").await;
        assert_eq!(page.matches("data-freshness=\"demo\"").count(), 21, "a DEMO badge per instrument");
        assert!(!page.contains("STALE") && !page.contains("data-freshness=\"stale\""), "a demo row badged stale");
        let (_, page) = get(&app, "/commodities/gold").await;
        assert!(page.contains("DEMO"));
        assert!(!page.contains("Stale:"), "the detail page calls demo data stale");
    }

    fn a_resolver_error_is_a_short_reason_on_every_page_and_whole_in_details_and_the_record(url) {
        let mut c = test_config(&url);
        // `.invalid` never resolves (RFC 6761): the resolver's own words end up in the error.
        crate::upstream::point_sources_at(&mut c, "http://quarry-upstream.invalid");
        c.sources.max_retries = 0;
        let state = quarry::startup::prepare(c).await.unwrap();
        let report = run_slot(&state, JobKind::CommodityPrices, "test:dns").await.unwrap().unwrap();
        assert_eq!(report.status, "failed");
        let app = quarry::server::router(state.clone());
        // The record keeps everything: every failed instrument with the resolver's detail.
        let jobs = get_json(&app, "/api/jobs").await;
        let run = &jobs.as_array().unwrap().iter().find(|j| j["name"] == "commodity_prices").unwrap()["recent_runs"][0];
        let full = run["error"].as_str().unwrap();
        assert!(full.lines().count() >= 8, "{full}");
        let raw = ["dns error", "failed to lookup", "Name or service", "name resolution"];
        assert!(raw.iter().any(|r| full.contains(r)), "no resolver wording in the record: {full}");
        assert!(full.contains("gold: "), "{full}");

        for uri in ["/jobs", "/", "/commodities/gold"] {
            let (status, page) = get(&app, uri).await;
            assert_eq!(status, StatusCode::OK, "{uri}");
            let visible = without_details(&page);
            for r in raw {
                assert!(!visible.contains(r), "{uri} shows the raw resolver error ('{r}') outside a details element");
            }
            assert!(raw.iter().any(|r| page.contains(r)), "{uri}: the full error is not one click away");
            assert!(visible.contains("cannot connect: quarry-upstream.invalid"), "{uri}: no short reason");
        }
    }

    fn thousands_of_failed_runs_are_grouped_by_job_and_reason_newest_first_and_paged(url) {
        let mut c = test_config(&url);
        c.admin_token = quarry::config::Secret::new("s3cret");
        let state = quarry::startup::prepare(c).await.unwrap();
        let t0 = Utc::now() - Duration::days(10);
        let mut rows = Vec::new();
        let mut push = |job: &str, error: String| {
            let i = rows.len() as i64;
            rows.push(job_runs::ActiveModel {
                job: Set(job.into()),
                slot: Set(format!("t:{i}")),
                started_at: Set(t0 + Duration::seconds(i)),
                finished_at: Set(Some(t0 + Duration::seconds(i + 1))),
                status: Set(if i % 2 == 0 { "failed" } else { "partial" }.into()),
                rows_written: Set(0),
                error: Set(Some(error)),
                progress: Set(Some(1.0)),
                owner: Set(None),
                ..Default::default()
            });
        };
        // Oldest first: 30 one-off reasons, then three loud groups, the loudest newest.
        for i in 0..30 {
            push("vc_sync", format!("EDGAR index day {i}: HTTP 404 from https://www.sec.gov/x{i}"));
        }
        for _ in 0..100 {
            push("chart_pack", "the job panicked: boom".into());
        }
        for i in 0..900 {
            push("macro_series", format!("walcl: HTTP 503 from https://fred.stlouisfed.org/graph (attempt {})", i % 5));
        }
        for i in 0..2000 {
            push(
                "commodity_prices",
                format!(
                    "gold: cannot connect: prices.lbma.org.uk (dns error: failed to lookup address information, try {})",
                    i % 7
                ),
            );
        }
        for chunk in rows.chunks(500) {
            job_runs::Entity::insert_many(chunk.to_vec()).exec_without_returning(&state.db).await.unwrap();
        }
        let app = quarry::server::router(state.clone());

        let first = get_json(&app, "/api/jobs/failures").await;
        assert_eq!((first["page"].as_u64(), first["pages"].as_u64(), first["total_runs"].as_u64()), (Some(1), Some(2), Some(3030)));
        let groups = first["groups"].as_array().unwrap();
        assert_eq!(groups.len(), 20);
        let head: Vec<(&str, &str, u64)> =
            groups[..3].iter().map(|g| (g["job"].as_str().unwrap(), g["reason"].as_str().unwrap(), g["count"].as_u64().unwrap())).collect();
        assert_eq!(
            head,
            [
                ("commodity_prices", "gold: cannot connect: prices.lbma.org.uk", 2000),
                ("macro_series", "walcl: HTTP 503 from https://fred.stlouisfed.org/graph", 900),
                ("chart_pack", "the job panicked: boom", 100),
            ]
        );
        assert!(groups[0]["latest_error"].as_str().unwrap().contains("dns error"), "the full error is kept");
        assert_eq!(groups[3]["reason"], "EDGAR index day 29: HTTP 404 from https://www.sec.gov/x29");
        let second = get_json(&app, "/api/jobs/failures?page=2").await;
        assert_eq!(second["groups"].as_array().unwrap().len(), 13);
        assert_eq!(second["groups"][12]["reason"], "EDGAR index day 0: HTTP 404 from https://www.sec.gov/x0");
        for bad in ["0", "3", "two", "-1", "1.5"] {
            let (status, body) = get(&app, &format!("/api/jobs/failures?page={bad}")).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "page={bad}: {body}");
            assert!(body.contains("\"parameter\":\"page\""), "{body}");
            let (status, _) = get(&app, &format!("/jobs?page={bad}")).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "/jobs?page={bad}");
        }

        let (status, page) = get(&app, "/jobs").await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("3030 failed or partial runs"), "no failure summary");
        assert_eq!(page.matches("data-failure-job=").count(), 20);
        assert!(page.contains("<td class=\"num failure-count\">2000</td>"), "no count for the loudest group");
        assert!(page.contains("href=\"/jobs?page=2#failures\""), "no link to the next page");
        assert!(without_details(&page).matches("dns error").count() == 0, "a raw error outside details");
        assert!(page.len() < 250_000, "the jobs page is {} bytes", page.len());
        let (_, page2) = get(&app, "/jobs?page=2").await;
        assert!(page2.contains("page 2 of 2") && page2.matches("data-failure-job=").count() == 13);

        // What the page had stays: the started notice and, while a run is going, the
        // AutoRefresh island.
        let running = job_runs::ActiveModel {
            job: Set("chart_pack".into()),
            slot: Set("manual:now".into()),
            started_at: Set(Utc::now()),
            status: Set("running".into()),
            rows_written: Set(0),
            progress: Set(Some(0.5)),
            ..Default::default()
        };
        job_runs::Entity::insert(running).exec_without_returning(&state.db).await.unwrap();
        let (_, page) = get(&app, "/jobs?started=chart_pack&slot=manual:now").await;
        assert!(page.contains("Started chart_pack (run manual:now)"), "the started notice is gone");
        assert!(page.contains("leptos-island") && page.contains("This page refreshes while jobs run."), "AutoRefresh is gone");
    }
}

mod binary {
    //! `quarry serve` as a user starts it.
    use std::io::{BufRead, BufReader};
    use std::time::{Duration, Instant};

    use serde_json::Value;
    use wiremock::MockServer;

    use crate::cli::{free_port, quarry, stop, wait_ready};

    fn client() -> reqwest::Client {
        let _ = rustls::crypto::ring::default_provider().install_default();
        reqwest::Client::new()
    }

    async fn json(c: &reqwest::Client, url: &str) -> Value {
        serde_json::from_str(&c.get(url).send().await.unwrap().text().await.unwrap()).unwrap()
    }

    /// Polls `check` every 250 ms until it answers, or fails after `secs`.
    async fn wait_for<T, F, Fut>(what: &str, secs: u64, mut check: F) -> T
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Option<T>>,
    {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            if let Some(v) = check().await {
                return v;
            }
            assert!(Instant::now() < deadline, "{what}: not within {secs} s");
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }

    /// The first start of `scripts/run.sh --demo` (which runs `quarry serve --demo`) on an
    /// offline machine: it says where to go and what is there, fetches nothing, and the
    /// chart pack is there within a minute, DEMO on every page.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn serve_demo_prints_the_url_and_contents_fetches_nothing_and_makes_the_pack() {
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let base = format!("http://127.0.0.1:{port}");
        let mut child = quarry(dir.path())
            .envs(crate::upstream::env_for("http://quarry-upstream.invalid"))
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
            .env("QUARRY_BACKFILL_ON_START", "1")
            .args(["serve", "--demo"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // A thread reads stdout to its end (closing the pipe early would make the server's
        // next write fail) and hands over the banner: the lines up to the notice.
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut text = String::new();
            let mut tx = Some(tx);
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                text.push_str(&line);
                text.push('\n');
                if line.contains(super::NOTICE) {
                    if let Some(tx) = tx.take() {
                        tx.send(text.clone()).ok();
                    }
                }
            }
            if let Some(tx) = tx {
                tx.send(text).ok();
            }
        });
        let banner =
            tokio::task::spawn_blocking(move || rx.recv_timeout(Duration::from_secs(60)).unwrap()).await.unwrap();
        assert!(banner.contains(&format!("open {base}/")), "{banner}");
        for what in ["21 commodities", "12 macro series", "chart pack", "60 companies", "DEMO", "/jobs", super::NOTICE]
        {
            assert!(banner.contains(what), "the banner does not mention {what}: {banner}");
        }
        assert!(tokio::task::spawn_blocking(move || wait_ready(port)).await.unwrap());
        let c = client();

        let pdf = wait_for("the demo chart pack", 90, || {
            let c = c.clone();
            let url = format!("{base}/api/charts/pack/latest.pdf");
            async move {
                let res = c.get(url).send().await.ok()?;
                (res.status() == 200).then_some(())?;
                Some(res.bytes().await.unwrap())
            }
        })
        .await;
        assert!(pdf.starts_with(b"%PDF"));
        let page = c.get(format!("{base}/charts/pack")).send().await.unwrap();
        assert_eq!(page.status(), 200);
        let page = page.text().await.unwrap();
        for what in
            // No admin password or token here: "Generate now" is described, and the page says
            // admin actions are off instead of showing its form.
            ["Latest pack", "DEMO", "Generate now", "Admin actions are off", "quarry pack --out"]
        {
            assert!(page.contains(what), "the pack page lacks {what}");
        }
        if crate::support::poppler() {
            let file = dir.path().join("pack.pdf");
            std::fs::write(&file, &pdf).unwrap();
            for n in 1..=11 {
                let text = crate::support::pdf_page_text(&file, n);
                assert!(text.contains("DEMO"), "page {n} of the demo pack does not say DEMO:\n{text}");
            }
        }

        // Nothing went to the network: no run of a fetching job, no failure anywhere.
        let jobs = json(&c, &format!("{base}/api/jobs")).await;
        for j in jobs.as_array().unwrap() {
            for r in j["recent_runs"].as_array().unwrap() {
                assert_ne!(r["status"], "failed", "{}: {r}", j["name"]);
            }
            if j["name"] == "backfill" || j["name"] == "commodity_prices" {
                assert!(j["recent_runs"].as_array().unwrap().is_empty(), "{j}");
            }
        }
        let jobs_page = c.get(format!("{base}/jobs")).send().await.unwrap().text().await.unwrap();
        assert!(jobs_page.contains(super::NOTICE));
        assert!(jobs_page.contains("No failed runs."));
        let ov = json(&c, &format!("{base}/api/commodities/overview")).await;
        assert!(ov["instruments"].as_array().unwrap().iter().all(|e| e["freshness"] == "demo"), "{ov}");
        assert!(stop(&mut child).success());

        // `quarry pack` is the chart-pack command.
        let out = quarry(dir.path()).args(["pack", "--help"]).output().unwrap();
        assert!(out.status.success() && String::from_utf8_lossy(&out.stdout).contains("--out"));
    }

    /// With network and a fresh database: the start-up backfill loads the prices, and the
    /// signals (then today's pack) follow at once instead of at the next hourly slot.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn signals_and_the_pack_follow_the_start_up_backfill_without_waiting_for_a_slot() {
        let server = MockServer::start().await;
        let universe = quarry::universe::parse_universe("built-in", quarry::universe::BUILTIN_UNIVERSE).unwrap();
        crate::upstream::mount_universe(&server, &universe, chrono::Utc::now().date_naive()).await;
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let base = format!("http://127.0.0.1:{port}");
        let mut child = quarry(dir.path())
            .envs(crate::upstream::env_for(&server.uri()))
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
            .env("QUARRY_BACKFILL_ON_START", "1")
            .arg("serve")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        assert!(tokio::task::spawn_blocking(move || wait_ready(port)).await.unwrap());
        let c = client();
        let run_of = |jobs: &Value, job: &str| -> Option<Value> {
            jobs.as_array()?.iter().find(|j| j["name"] == job)?["recent_runs"].as_array()?.first().cloned()
        };
        let backfill = wait_for("the start-up backfill", 120, || {
            let c = c.clone();
            let url = format!("{base}/api/jobs");
            async move {
                let jobs = json(&c, &url).await;
                run_of(&jobs, "backfill").filter(|r| r["status"] != "running")
            }
        })
        .await;
        assert_eq!(backfill["status"], "succeeded", "{backfill}");
        assert!(backfill["rows_written"].as_u64().unwrap() > 0);

        // The signals show on the detail API soon after, from a run the backfill caused.
        let signals = wait_for("signals on the detail API", 60, || {
            let c = c.clone();
            let url = format!("{base}/api/commodities/gold");
            async move { Some(json(&c, &url).await["signals"].clone()).filter(|s| !s.is_null()) }
        })
        .await;
        assert!(!signals["stance"].is_null(), "{signals}");
        let jobs = json(&c, &format!("{base}/api/jobs")).await;
        let run = run_of(&jobs, "commodity_signals").expect("a signals run");
        assert!(run["slot"].as_str().unwrap().starts_with("after:startup:"), "{run}");
        let page = c.get(format!("{base}/commodities/gold")).send().await.unwrap().text().await.unwrap();
        assert!(!page.contains("No signals yet"), "the detail page has no signals");

        // Then today's pack, as there was none.
        wait_for("today's pack after the backfill", 90, || {
            let c = c.clone();
            let url = format!("{base}/api/charts/pack/latest.pdf");
            async move { (c.get(url).send().await.ok()?.status() == 200).then_some(()) }
        })
        .await;
        assert!(stop(&mut child).success());
    }
}
