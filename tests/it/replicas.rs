//! Quarry as stateless replicas: two `quarry serve` processes against one PostgreSQL
//! database, both answering while their schedulers tick every two seconds. Every
//! (job, slot) runs once, whichever replica's tick got there first.
use std::io::{Read, Write};
use std::time::{Duration, Instant};

use sea_orm::{ConnectionTrait, Database, Statement};

use crate::cli::{free_port, quarry, stop, wait_ready};

/// The jobs that need no network, every two seconds; the others off.
const SCHEDULES: &[(&str, &str)] = &[
    ("QUARRY_JOBS__COMMODITY_SIGNALS", "*/2 * * * * *"),
    ("QUARRY_JOBS__FUNDING_TRACKER", "*/2 * * * * *"),
    ("QUARRY_JOBS__COMMODITY_PRICES", ""),
    ("QUARRY_JOBS__AI_MATERIALS", ""),
    ("QUARRY_JOBS__SPACE_TECH", ""),
    ("QUARRY_JOBS__MACRO_SERIES", ""),
    ("QUARRY_JOBS__VC_SYNC", ""),
    ("QUARRY_JOBS__IPO_MONITOR", ""),
    ("QUARRY_JOBS__CHART_PACK", ""),
];

fn status_of(port: u16, path: &str) -> String {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(s, "GET {path} HTTP/1.0\r\nHost: x\r\n\r\n").unwrap();
    let mut resp = String::new();
    s.read_to_string(&mut resp).ok();
    resp.lines().next().unwrap_or("no answer").to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_on_one_postgresql_run_every_job_slot_once_and_both_answer() {
    crate::support::with_db(crate::support::Backend::Postgres, |url| async move {
        let dir = tempfile::tempdir().unwrap();
        // Migrations once, as a deployment runs them before starting replicas.
        let out = quarry(dir.path()).env("DATABASE_URL", &url).arg("migrate").output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let ports = [free_port(), free_port()];
        let mut replicas: Vec<_> = ports
            .iter()
            .enumerate()
            .map(|(i, port)| {
                let log = std::fs::File::create(dir.path().join(format!("replica{i}.log"))).unwrap();
                let mut c = quarry(dir.path());
                c.env("DATABASE_URL", &url)
                    .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
                    .env("QUARRY_DEMO", "0")
                    .envs(SCHEDULES.iter().copied())
                    .arg("serve")
                    .stdout(log.try_clone().unwrap())
                    .stderr(log);
                c.spawn().unwrap()
            })
            .collect();
        for port in ports {
            assert!(wait_ready(port), "replica on {port} never became ready");
        }

        // Load on both while the schedulers tick.
        let answers = tokio::task::spawn_blocking(move || {
            let started = Instant::now();
            let mut answers = Vec::new();
            while started.elapsed() < Duration::from_secs(12) {
                for port in ports {
                    for path in ["/", "/api/commodities/overview", "/jobs"] {
                        answers.push((port, path, status_of(port, path)));
                    }
                }
            }
            answers
        })
        .await
        .unwrap();
        for r in &mut replicas {
            assert!(stop(r).success());
        }
        let bad: Vec<_> = answers.iter().filter(|(_, _, s)| !s.contains(" 200")).collect();
        assert!(bad.is_empty(), "{} of {} requests failed: {:?}", bad.len(), answers.len(), &bad[..bad.len().min(5)]);
        for port in ports {
            assert!(answers.iter().filter(|(p, _, _)| *p == port).count() > 10, "replica on {port} barely answered");
        }

        let db = Database::connect(&url).await.unwrap();
        let rows = |sql: &str| db.query_all_raw(Statement::from_string(db.get_database_backend(), sql.to_string()));
        let twice =
            rows("SELECT job, slot, COUNT(*) AS n FROM job_runs GROUP BY job, slot HAVING COUNT(*) > 1").await.unwrap();
        assert!(twice.is_empty(), "{} slots ran more than once", twice.len());
        for job in ["commodity_signals", "funding_tracker"] {
            let slots: i64 =
                rows(&format!("SELECT COUNT(DISTINCT slot) AS n FROM job_runs WHERE job = '{job}'")).await.unwrap()[0]
                    .try_get("", "n")
                    .unwrap();
            assert!(slots >= 3, "{job} ran {slots} slots in 12 s of two-second slots");
        }
        let runs: i64 = rows("SELECT COUNT(*) AS n FROM job_runs").await.unwrap()[0].try_get("", "n").unwrap();
        let slots: i64 = rows("SELECT COUNT(*) AS n FROM (SELECT DISTINCT job, slot FROM job_runs) s").await.unwrap()
            [0]
        .try_get("", "n")
        .unwrap();
        assert_eq!(runs, slots, "one run per (job, slot)");
        // Which replica ran what: `owner` is host:pid of the process that took the slot.
        let owners = rows("SELECT owner, COUNT(*) AS n FROM job_runs GROUP BY owner ORDER BY owner").await.unwrap();
        let owners: Vec<(String, i64)> = owners
            .iter()
            .map(|r| {
                (r.try_get::<Option<String>>("", "owner").unwrap().unwrap_or_default(), r.try_get("", "n").unwrap())
            })
            .collect();
        eprintln!(
            "two replicas: {} requests answered, {runs} job runs, one per slot, by owner {owners:?}",
            answers.len()
        );
    })
    .await;
}
