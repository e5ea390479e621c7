//! Uploads as an attacker and an unlucky operator meet them: the admin token is checked
//! before the body is read, an import that outlasts its request becomes a run to follow,
//! and a large import beside a running backfill loses nothing on either side.
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::body::{to_bytes, Body};
use axum::http::{header, Request, StatusCode};
use chrono::{NaiveDate, Utc};
use futures_util::StreamExt;
use quarry::db::entities::{companies, funding_rounds, job_runs, observations};
use quarry::jobs::kind::JobKind;
use quarry::jobs::runner::run_slot;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::Value;
use tower::ServiceExt;
use wiremock::MockServer;

use crate::support::{test_config, upstream_state};
use crate::upstream;

const MB: usize = 1 << 20;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/fixtures/venture/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

async fn app(url: &str, token: &str) -> axum::Router {
    let mut c = test_config(url);
    c.admin_token = serde_json::from_str(&format!("\"{token}\"")).unwrap();
    quarry::server::router(quarry::startup::prepare(c).await.unwrap())
}

/// A body of `chunks` pieces of `size` bytes (after an optional `head`) that counts how
/// many pieces the server pulled.
fn counted_body(head: Vec<u8>, chunks: usize, size: usize) -> (Body, Arc<AtomicUsize>) {
    let pulled = Arc::new(AtomicUsize::new(0));
    let counter = pulled.clone();
    let pieces = std::iter::once(head).chain(std::iter::repeat_n(vec![b'a'; size], chunks)).filter(|p| !p.is_empty());
    let stream = futures_util::stream::iter(pieces).map(move |p| {
        counter.fetch_add(1, Ordering::SeqCst);
        Ok::<_, std::io::Error>(bytes::Bytes::from(p))
    });
    (Body::from_stream(stream), pulled)
}

async fn send(app: &axum::Router, req: Request<Body>) -> (StatusCode, axum::http::HeaderMap, String) {
    let res = app.clone().oneshot(req).await.unwrap();
    let (status, headers) = (res.status(), res.headers().clone());
    let body = to_bytes(res.into_body(), 4 * MB).await.unwrap();
    (status, headers, String::from_utf8_lossy(&body).into_owned())
}

async fn get_json(app: &axum::Router, uri: &str) -> (StatusCode, Value) {
    let (status, _, body) = send(app, Request::get(uri).body(Body::empty()).unwrap()).await;
    (status, serde_json::from_str(&body).unwrap_or(Value::Null))
}

/// Polls a run's status URL until it has ended.
async fn settled(app: &axum::Router, status_url: &str) -> Value {
    for _ in 0..600 {
        let (status, v) = get_json(app, status_url).await;
        assert_eq!(status, StatusCode::OK, "{v}");
        if v["status"] != "running" {
            return v;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the import run at {status_url} did not end within a minute");
}

crate::on_both_backends! {
    fn the_admin_token_is_checked_before_a_byte_of_the_body_is_read(url) {
        let app = app(&url, "s3cret").await;
        for auth in [None, Some("Bearer guess")] {
            let (body, pulled) = counted_body(Vec::new(), 10, MB);
            let mut req = Request::post("/api/venture/import?name=big.csv");
            if let Some(a) = auth {
                req = req.header(header::AUTHORIZATION, a);
            }
            let (status, _, text) = send(&app, req.body(body).unwrap()).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{text}");
            assert_eq!(pulled.load(Ordering::SeqCst), 0, "the body was read before the token was checked ({auth:?})");
        }
        // The form: the file part comes before any token, or after a wrong one. The server
        // reads the part headers and stops: at most the first megabyte, not all ten.
        const B: &str = "----quarry-upload-test";
        for head in [
            format!("--{B}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.csv\"\r\n\r\n"),
            format!("--{B}\r\nContent-Disposition: form-data; name=\"token\"\r\n\r\nguess\r\n--{B}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.csv\"\r\n\r\n"),
        ] {
            let (body, pulled) = counted_body(head.into_bytes(), 10, MB);
            let req = Request::post("/api/venture/import/form")
                .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={B}"))
                .body(body)
                .unwrap();
            let (status, _, html) = send(&app, req).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{html}");
            assert!(pulled.load(Ordering::SeqCst) <= 2, "{} of 11 pieces read", pulled.load(Ordering::SeqCst));
        }
        // A declared length over the limit is refused before reading, too.
        let (body, pulled) = counted_body(Vec::new(), 11, MB);
        let req = Request::post("/api/venture/import?name=big.csv")
            .header(header::AUTHORIZATION, "Bearer s3cret")
            .header(header::CONTENT_LENGTH, (11 * MB).to_string())
            .body(body)
            .unwrap();
        let (status, _, text) = send(&app, req).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{text}");
        assert_eq!(pulled.load(Ordering::SeqCst), 0);
    }

    fn an_import_that_outlasts_its_request_is_a_run_its_status_url_and_page_follow(url) {
        let app = app(&url, "s3cret").await;
        let req = |uri: &str, body: Vec<u8>| {
            Request::post(uri).header(header::AUTHORIZATION, "Bearer s3cret").body(Body::from(body)).unwrap()
        };
        let (status, _, text) = send(&app, req("/api/venture/import?name=x.csv&wait=soon", fixture("import_valid.csv"))).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{text}");
        assert!(text.contains("\"parameter\":\"wait\""), "{text}");

        // wait=0: answered at once with where to follow the run.
        let (status, headers, text) = send(&app, req("/api/venture/import?name=import_valid.csv&wait=0", fixture("import_valid.csv"))).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{text}");
        let v: Value = serde_json::from_str(&text).unwrap();
        let status_url = v["status_url"].as_str().unwrap().to_string();
        assert_eq!(headers[header::LOCATION], status_url.as_str());
        let done = settled(&app, &status_url).await;
        assert_eq!((done["status"].as_str(), done["progress"].as_f64()), (Some("succeeded"), Some(1.0)), "{done}");
        assert_eq!((done["report"]["inserted"].as_u64(), done["file"].as_str()), (Some(34), Some("import_valid.csv")), "{done}");
        let (_, _, page) = send(&app, Request::get(v["page_url"].as_str().unwrap()).body(Body::empty()).unwrap()).await;
        assert!(page.contains("<h1>Imported import_valid.csv</h1>") && !page.contains("http-equiv=\"refresh\""), "{page}");

        // The run is on record as a job, with the rows it wrote.
        let db = quarry::db::connect(&url).await.unwrap();
        let run = job_runs::Entity::find().filter(job_runs::Column::Job.eq("venture_import")).one(&db).await.unwrap().unwrap();
        assert_eq!((run.status.as_str(), run.rows_written, run.slot.as_str()), ("succeeded", 34, v["run"].as_str().unwrap()));

        // A refused file, followed the same way: every bad row, nothing written.
        let (status, _, text) = send(&app, req("/api/venture/import?name=import_bad.csv&wait=0", fixture("import_bad.csv"))).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{text}");
        let v: Value = serde_json::from_str(&text).unwrap();
        let done = settled(&app, v["status_url"].as_str().unwrap()).await;
        assert_eq!(done["status"], "failed", "{done}");
        let lines: Vec<u64> = done["errors"].as_array().unwrap().iter().map(|e| e["line"].as_u64().unwrap()).collect();
        assert_eq!(lines, vec![4, 5, 8]);
        let (status, _, page) = send(&app, Request::get(v["page_url"].as_str().unwrap()).body(Body::empty()).unwrap()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(page.contains("<li data-line=\"4\">line 4: "), "{page}");

        for unknown in ["0123456789abcdef0123456789abcdef", "..%2F..%2Fetc", "x"] {
            let (status, v) = get_json(&app, &format!("/api/venture/import/runs/{unknown}")).await;
            assert_eq!((status, v["kind"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")), "{unknown}: {v}");
        }
    }

    fn fifty_thousand_rows_import_while_a_backfill_writes_and_both_are_whole(url) {
        let server = MockServer::start().await;
        let state = upstream_state(&url, &server.uri()).await;
        upstream::mount_universe(&server, &state.universe, Utc::now().date_naive()).await;
        let mut c = (*state.config).clone();
        c.admin_token = serde_json::from_str("\"s3cret\"").unwrap();
        let app = quarry::server::router(quarry::startup::prepare(c).await.unwrap());

        // 10,000 companies with four rounds each: 50,000 rows.
        let mut csv = String::from("record,name,sector,company,announced_on,stage,amount_usd\n");
        let start = NaiveDate::from_ymd_opt(2018, 1, 2).unwrap();
        for i in 0..10_000 {
            csv.push_str(&format!("company,Load Test {i} Inc,ai-software,,,,\n"));
            for (k, stage) in ["seed", "series-a", "series-b", "series-c"].iter().enumerate() {
                let on = start + chrono::Duration::days((i % 300 + 200 * k) as i64);
                csv.push_str(&format!("round,,,Load Test {i} Inc,{on},{stage},{}\n", 1_000_000 * (k + 1)));
            }
        }
        let upload = async {
            let req = Request::post("/api/venture/import?name=load.csv&wait=25")
                .header(header::AUTHORIZATION, "Bearer s3cret")
                .body(Body::from(csv.clone()))
                .unwrap();
            let (status, _, text) = send(&app, req).await;
            let v: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
            match status {
                StatusCode::OK => v,
                StatusCode::ACCEPTED => settled(&app, v["status_url"].as_str().unwrap()).await["report"].clone(),
                _ => panic!("the import failed: {status} {text}"),
            }
        };
        let backfill = run_slot(&state, JobKind::Backfill { series: None, from: None }, "test:concurrent");
        let (report, backfill) = tokio::join!(upload, backfill);
        let backfill = backfill.unwrap().expect("the backfill ran");

        assert_eq!((report["rows"].as_u64(), report["inserted"].as_u64()), (Some(50_000), Some(50_000)), "{report}");
        assert_eq!(backfill.status, "succeeded", "{:?}", backfill.error);
        assert!(backfill.outcome.failures.is_empty(), "{:?}", backfill.outcome.failures);
        let imported = companies::Entity::find()
            .filter(companies::Column::Source.eq("import"))
            .filter(companies::Column::Name.like("Load Test %"));
        assert_eq!(imported.count(&state.db).await.unwrap(), 10_000);
        let rounds = funding_rounds::Entity::find().filter(funding_rounds::Column::Key.like("import:load-test-%"));
        assert_eq!(rounds.count(&state.db).await.unwrap(), 40_000);
        let stored = observations::Entity::find().count(&state.db).await.unwrap();
        assert!(backfill.outcome.rows_written > 1_000, "{}", backfill.outcome.rows_written);
        assert_eq!(stored, backfill.outcome.rows_written, "every observation the backfill wrote is stored");
        println!(
            "import during backfill: {} rows imported ({} companies, {} rounds); backfill wrote {} observations of {} series",
            report["inserted"], 10_000, 40_000, backfill.outcome.rows_written, backfill.outcome.items
        );
    }
}
