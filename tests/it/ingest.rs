//! Ingestion and jobs against a local upstream, on SQLite and PostgreSQL: idempotent
//! writes, revisions, atomic failure, fallback, demo replacement, the job lease, and the
//! whole universe filled from its sources.
use chrono::{NaiveDate, Utc};
use quarry::db::entities::{job_runs, observations, series_health, source_health};
use quarry::ingest::{self, Mode};
use quarry::jobs::commodity::JobKind;
use quarry::jobs::runner::run_slot;
use quarry::state::AppState;
use quarry::universe::Provider;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::upstream_state;
use crate::upstream::{self, ok};

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

async fn refresh(state: &AppState, slug: &str, mode: Mode) -> Result<ingest::Refreshed, ingest::IngestError> {
    let inst = state.universe.instrument(slug).unwrap().clone();
    let id = quarry::series::series_ids(&state.db).await.unwrap()[slug];
    ingest::refresh_series(&state.db, &state.sources, &inst, id, mode, Utc::now()).await
}

async fn stored(state: &AppState, slug: &str) -> Vec<(NaiveDate, f64, String)> {
    let id = quarry::series::series_ids(&state.db).await.unwrap()[slug];
    observations::Entity::find()
        .filter(observations::Column::SeriesId.eq(id))
        .order_by_asc(observations::Column::Date)
        .all(&state.db)
        .await
        .unwrap()
        .into_iter()
        .map(|o| (o.date, o.value, o.source))
        .collect()
}

fn present(p: &upstream::Pts) -> usize {
    p.iter().filter(|(_, v)| v.is_some()).count()
}

/// Runs every ingest job once: the three commodity jobs and the macro series.
async fn run_all(state: &AppState, tag: &str) -> u64 {
    let mut rows = 0;
    for kind in [JobKind::CommodityPrices, JobKind::AiMaterials, JobKind::SpaceTech, JobKind::MacroSeries] {
        let report = run_slot(state, kind, &format!("test:{tag}")).await.unwrap().expect("lease");
        rows += report.outcome.rows_written;
    }
    rows
}

crate::on_both_backends! {
    fn running_twice_writes_nothing_the_second_time(url) {
        let server = MockServer::start().await;
        let state = upstream_state(&url, &server.uri()).await;
        let served = upstream::mount_universe(&server, &state.universe, today()).await;
        let first = run_all(&state, "1").await;
        let expected: usize = served.values().map(present).sum();
        assert_eq!(first as usize, expected);
        let count = observations::Entity::find().count(&state.db).await.unwrap();
        assert_eq!(count as usize, expected);
        assert_eq!(run_all(&state, "2").await, 0, "the second run wrote rows");
        assert_eq!(observations::Entity::find().count(&state.db).await.unwrap(), count);
    }

    fn every_instrument_is_filled_from_its_own_primary_source_with_source_and_fetched_at(url) {
        let server = MockServer::start().await;
        let state = upstream_state(&url, &server.uri()).await;
        let served = upstream::mount_universe(&server, &state.universe, today()).await;
        run_all(&state, "1").await;
        let ov = quarry::commodities::service::overview(&state.db, &state.universe, None, Utc::now()).await.unwrap();
        assert!(!ov.demo);
        assert_eq!(ov.instruments.len(), 21);
        for e in &ov.instruments {
            let inst = state.universe.instrument(&e.slug).unwrap();
            assert_eq!(e.source.as_deref(), Some(inst.sources[0].provider.as_str()), "{}", e.slug);
            let last = served[&e.slug].iter().rev().find_map(|(d, v)| v.map(|v| (*d, v))).unwrap();
            assert_eq!((e.as_of, e.last_value), (Some(last.0), Some(last.1)), "{}", e.slug);
            assert!(!e.stale, "{} stale: {:?}", e.slug, e.stale_reason);
        }
        let row = observations::Entity::find().one(&state.db).await.unwrap().unwrap();
        assert!((Utc::now() - row.fetched_at).num_minutes() < 5);
    }

    fn a_revised_upstream_value_replaces_the_stored_one(url) {
        let server = MockServer::start().await;
        let state = upstream_state(&url, &server.uri()).await;
        let mut p = upstream::daily(today() - chrono::Duration::days(1), 30, 70.0);
        upstream::mount_source(&server, Provider::Fred, "DCOILWTICO", &p).await;
        assert_eq!(refresh(&state, "wti", Mode::Incremental).await.unwrap().rows, 30);
        let revised_date = p[28].0;
        p[28].1 = Some(99.99);
        server.reset().await;
        upstream::mount_source(&server, Provider::Fred, "DCOILWTICO", &p).await;
        let r = refresh(&state, "wti", Mode::Incremental).await.unwrap();
        assert_eq!(r.rows, 1);
        let rows = stored(&state, "wti").await;
        assert_eq!(rows.len(), 30);
        assert!(rows.contains(&(revised_date, 99.99, "fred".to_string())));
    }

    fn a_failure_in_the_middle_of_a_series_leaves_it_as_it_was(url) {
        let server = MockServer::start().await;
        let state = upstream_state(&url, &server.uri()).await;
        let p = upstream::daily(today() - chrono::Duration::days(1), 40, 1900.0);
        upstream::mount_source(&server, Provider::Lbma, "gold_pm", &p).await;
        refresh(&state, "gold", Mode::Incremental).await.unwrap();
        let before = stored(&state, "gold").await;

        // The next answer has new values for every day but breaks off half way.
        let changed: upstream::Pts = p.iter().map(|(d, v)| (*d, v.map(|v| v + 1.0))).collect();
        let body = upstream::lbma_json(&changed);
        server.reset().await;
        Mock::given(path("/json/gold_pm.json")).respond_with(ok(body[..body.len() / 2].to_string(), "application/json")).mount(&server).await;
        let err = refresh(&state, "gold", Mode::Incremental).await.unwrap_err().to_string();
        assert!(err.contains("unreadable LBMA JSON"), "{err}");
        assert_eq!(stored(&state, "gold").await, before);
        let id = quarry::series::series_ids(&state.db).await.unwrap()["gold"];
        let h = series_health::Entity::find_by_id(id).one(&state.db).await.unwrap().unwrap();
        assert!(h.last_error.unwrap().contains("LBMA gold_pm"));
    }

    fn when_the_first_source_fails_the_second_one_is_used(url) {
        let server = MockServer::start().await;
        let state = upstream_state(&url, &server.uri()).await;
        Mock::given(path("/graph/fredgraph.csv")).respond_with(ResponseTemplate::new(404)).mount(&server).await;
        upstream::mount_worldbank(&server).await;
        let r = refresh(&state, "copper", Mode::Incremental).await.unwrap();
        assert_eq!(r.source, "worldbank");
        assert_eq!(r.rows, 24);
        assert!(r.fell_back_from[0].contains("HTTP 404"), "{:?}", r.fell_back_from);
        assert!(stored(&state, "copper").await.iter().all(|(_, _, s)| s == "worldbank"));
        let fred = source_health::Entity::find()
            .filter(source_health::Column::Provider.eq("fred"))
            .filter(source_health::Column::Code.eq("PCOPPUSDM"))
            .one(&state.db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(fred.consecutive_failures, 1);
        // The primary comes back: its values take over the fallback's rows.
        let p = upstream::monthly(NaiveDate::from_ymd_opt(2024, 12, 1).unwrap(), 24, 8000.0);
        server.reset().await;
        upstream::mount_source(&server, Provider::Fred, "PCOPPUSDM", &p).await;
        let r = refresh(&state, "copper", Mode::Backfill(None)).await.unwrap();
        assert_eq!(r.source, "fred");
        assert!(stored(&state, "copper").await.iter().all(|(_, _, s)| s == "fred"));
    }

    fn real_data_replaces_a_series_demo_rows_and_leaves_the_others(url) {
        let server = MockServer::start().await;
        let state = upstream_state(&url, &server.uri()).await;
        quarry::startup::refresh_demo(&state, true).await.unwrap();
        let p = upstream::daily(today() - chrono::Duration::days(1), 20, 1900.0);
        upstream::mount_source(&server, Provider::Lbma, "gold_pm", &p).await;
        let r = refresh(&state, "gold", Mode::Incremental).await.unwrap();
        assert!(r.demo_rows_removed > 1000, "{}", r.demo_rows_removed);
        assert!(stored(&state, "gold").await.iter().all(|(_, _, s)| s == "lbma"));
        assert!(stored(&state, "silver").await.iter().all(|(_, _, s)| s == "demo"));
    }

    fn two_schedulers_on_one_database_run_a_slot_once(url) {
        let server = MockServer::start().await;
        let a = upstream_state(&url, &server.uri()).await;
        let b = upstream_state(&url, &server.uri()).await;
        let universe = a.universe.clone();
        upstream::mount_universe(&server, &universe, today()).await;
        let slot = "2026-11-28T12:05:00Z";
        let (ra, rb) = tokio::join!(
            run_slot(&a, JobKind::SpaceTech, slot),
            run_slot(&b, JobKind::SpaceTech, slot),
        );
        let (ra, rb) = (ra.unwrap(), rb.unwrap());
        assert!(ra.is_some() != rb.is_some(), "both or neither ran: {ra:?} {rb:?}");
        let runs = job_runs::Entity::find().filter(job_runs::Column::Slot.eq(slot)).all(&a.db).await.unwrap();
        assert_eq!(runs.len(), 1);
        assert_eq!(runs[0].status, "succeeded");
        // Each space-tech feed was fetched once: five series, one request each (plus the
        // search USGS needs per commodity).
        let fetched = server.received_requests().await.unwrap();
        let fred_alu = fetched.iter().filter(|r| r.url.query().unwrap_or("").contains("PALUMUSDM")).count();
        assert_eq!(fred_alu, 1);
    }

    fn a_dead_source_marks_its_instruments_stale_with_the_reason_and_others_keep_updating(url) {
        let server = MockServer::start().await;
        let state = upstream_state(&url, &server.uri()).await;
        upstream::mount_universe(&server, &state.universe, today()).await;
        run_all(&state, "1").await;
        // LBMA starts answering with an HTML page; everything else is unchanged.
        server.reset().await;
        for code in ["gold_pm", "silver", "platinum_pm", "palladium_pm"] {
            Mock::given(path(format!("/json/{code}.json"))).respond_with(ok("<html>down</html>", "text/html")).mount(&server).await;
        }
        let served = upstream::mount_universe_except(&server, &state.universe, today(), Some(Provider::Lbma)).await;
        let report = run_slot(&state, JobKind::CommodityPrices, "test:2").await.unwrap().unwrap();
        assert_eq!(report.status, "partial");
        let ov = quarry::commodities::service::overview(&state.db, &state.universe, None, Utc::now()).await.unwrap();
        for e in &ov.instruments {
            let lbma = state.universe.instrument(&e.slug).unwrap().sources[0].provider == Provider::Lbma;
            assert_eq!(e.stale, lbma, "{}: {:?}", e.slug, e.stale_reason);
            if lbma {
                let reason = e.stale_reason.clone().unwrap();
                assert!(reason.contains("HTML page"), "{reason}");
            }
        }
        assert!(served.contains_key("wti"));
        let health = quarry::jobs::service::health(&state.db, &state.universe, &state.sources, false, Utc::now()).await.unwrap();
        assert_eq!(health.stale.len(), 4);
        let gold = health.feeds.iter().find(|f| f.code == "gold_pm").unwrap();
        assert_eq!(gold.consecutive_failures, 1);
        let wti = health.feeds.iter().find(|f| f.code == "DCOILWTICO").unwrap();
        assert_eq!(wti.consecutive_failures, 0);
        assert!(wti.last_success_at.unwrap() > gold.last_success_at.unwrap());
    }

    fn a_refused_connection_marks_the_instruments_of_that_source_stale_with_the_reason(url) {
        let server = MockServer::start().await;
        let mut c = crate::support::test_config(&url);
        upstream::point_sources_at(&mut c, &server.uri());
        // LBMA's host has nothing listening.
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        c.sources.lbma_base_url = format!("http://127.0.0.1:{port}");
        c.sources.max_retries = 1;
        let state = quarry::startup::prepare(c).await.unwrap();
        upstream::mount_universe(&server, &state.universe, today()).await;
        let report = run_slot(&state, JobKind::CommodityPrices, "test:refused").await.unwrap().unwrap();
        assert_eq!(report.status, "partial");
        let ov = quarry::commodities::service::overview(&state.db, &state.universe, None, Utc::now()).await.unwrap();
        let gold = ov.instruments.iter().find(|e| e.slug == "gold").unwrap();
        assert!(gold.stale);
        assert!(gold.stale_reason.as_deref().unwrap().contains("cannot connect"), "{:?}", gold.stale_reason);
        let wti = ov.instruments.iter().find(|e| e.slug == "wti").unwrap();
        assert!(!wti.stale && wti.source.as_deref() == Some("fred"));
    }
}

/// A job's span is current only while the job runs: other work polled on the same thread
/// while the runner awaits its record is not inside it. The runner held `span.enter()`
/// across those awaits; on the multi-threaded runtime that left the span current on a
/// thread that never exited it, and a page rendered there after the run had ended panicked
/// in tracing-subscriber ("tried to clone a span that already closed"). The chaos suite
/// (scripts/chaos.sh) met it as a page answered 500 and three panics in ten minutes.
#[test]
fn a_jobs_span_is_not_current_for_other_work_while_the_runner_awaits() {
    use std::sync::{Arc, Mutex};
    use tracing_subscriber::layer::{Context, SubscriberExt};
    use tracing_subscriber::registry::LookupSpan;

    /// The spans each event of the target `ticker` was logged inside, innermost first.
    struct Scopes(Arc<Mutex<Vec<Vec<String>>>>);
    impl<S: tracing::Subscriber + for<'a> LookupSpan<'a>> tracing_subscriber::Layer<S> for Scopes {
        fn on_event(&self, event: &tracing::Event<'_>, ctx: Context<'_, S>) {
            if event.metadata().target() == "ticker" {
                let names = ctx.event_scope(event).map(|s| s.map(|span| span.name().to_string()).collect());
                self.0.lock().unwrap().push(names.unwrap_or_default());
            }
        }
    }

    let scopes = Arc::new(Mutex::new(Vec::new()));
    let subscriber = tracing_subscriber::registry().with(Scopes(scopes.clone()));
    tracing::subscriber::with_default(subscriber, || {
        // One thread: everything polled between the job's awaits runs here.
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let dir = tempfile::tempdir().unwrap();
            let url = format!("sqlite://{}?mode=rwc", dir.path().join("spans.db").display());
            let state = crate::support::prepared_state(&url).await;
            let ticker = tokio::spawn(async {
                loop {
                    tracing::info!(target: "ticker", "other work");
                    tokio::task::yield_now().await;
                }
            });
            // Several runs: whether a given await of the runner yields is up to timing.
            for n in 0..5 {
                run_slot(&state, JobKind::CommoditySignals, &format!("test:spans:{n}")).await.unwrap().expect("lease");
            }
            ticker.abort();
        });
    });
    let scopes = scopes.lock().unwrap();
    assert!(scopes.len() > 10, "the other work ran while the job did ({} events)", scopes.len());
    let inside: Vec<&Vec<String>> = scopes.iter().filter(|s| !s.is_empty()).collect();
    assert!(
        inside.is_empty(),
        "{} of {} events of other work were logged inside {:?}",
        inside.len(),
        scopes.len(),
        inside[0]
    );
}
