//! Migrations, universe sync, demo data and the overview query, on SQLite and PostgreSQL.
use chrono::{NaiveDate, TimeZone, Utc};
use quarry::commodities::service::overview;
use quarry::db::entities::{observations, series};
use quarry::series::{series_ids, sync_universe};
use quarry::universe::{parse_universe, BUILTIN_UNIVERSE};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

use crate::support::prepared_state;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

async fn insert(db: &sea_orm::DatabaseConnection, series_id: i32, points: &[(&str, f64)], source: &str) {
    let rows = points.iter().map(|(date, v)| observations::ActiveModel {
        series_id: Set(series_id),
        date: Set(d(date)),
        value: Set(*v),
        source: Set(source.to_string()),
        fetched_at: Set(Utc::now()),
        ..Default::default()
    });
    observations::Entity::insert_many(rows).exec_without_returning(db).await.unwrap();
}

crate::on_both_backends! {
    fn migrations_are_idempotent_and_the_universe_syncs_once(url) {
        let state = prepared_state(&url).await;
        quarry::db::migrate(&state.db).await.expect("second migration run is a no-op");
        sync_universe(&state.db, &state.universe).await.unwrap();
        // 21 instruments of kind commodity and 12 macro series of kind macro.
        assert_eq!(series::Entity::find().count(&state.db).await.unwrap(), 33);
        let of_kind = |k: &'static str| series::Entity::find().filter(series::Column::Kind.eq(k)).count(&state.db);
        assert_eq!((of_kind("commodity").await.unwrap(), of_kind("macro").await.unwrap()), (21, 12));

        // A renamed instrument updates its row instead of adding one.
        let text = BUILTIN_UNIVERSE.replacen("name = \"Gold\"", "name = \"Gold (LBMA PM)\"", 1);
        let changed = parse_universe("changed", &text).unwrap();
        sync_universe(&state.db, &changed).await.unwrap();
        assert_eq!(series::Entity::find().count(&state.db).await.unwrap(), 33);
        let gold = series::Entity::find().filter(series::Column::Slug.eq("gold")).one(&state.db).await.unwrap().unwrap();
        assert_eq!(gold.name, "Gold (LBMA PM)");
        assert_eq!(gold.provider, "lbma");
        assert_eq!(gold.frequency, "daily");
    }

    fn the_same_date_cannot_be_stored_twice_for_a_series(url) {
        let state = prepared_state(&url).await;
        let id = series_ids(&state.db).await.unwrap()["wti"];
        insert(&state.db, id, &[("2020-04-20", -36.98)], "fred").await;
        let dup = observations::Entity::insert(observations::ActiveModel {
            series_id: Set(id),
            date: Set(d("2020-04-20")),
            value: Set(1.0),
            source: Set("fred".into()),
            fetched_at: Set(Utc::now()),
            ..Default::default()
        })
        .exec(&state.db)
        .await;
        assert!(dup.is_err(), "unique (series_id, date) must reject a second row");
    }

    fn demo_seed_fills_every_series_once_and_is_labelled(url) {
        let state = prepared_state(&url).await;
        let first = quarry::demo::seed_demo(&state.db, &state.universe).await.unwrap();
        assert!(first > 21 * 10, "wrote {first} rows");
        let second = quarry::demo::seed_demo(&state.db, &state.universe).await.unwrap();
        assert_eq!(second, 0, "seeding again writes nothing");
        let non_demo = observations::Entity::find().filter(observations::Column::Source.ne("demo")).count(&state.db).await.unwrap();
        assert_eq!(non_demo, 0);
        let ov = overview(&state.db, &state.universe, None, Utc::now()).await.unwrap();
        assert!(ov.demo);
        assert!(ov.notice.is_some());
        assert_eq!(ov.instruments.len(), 21);
        for e in &ov.instruments {
            assert_eq!(e.source.as_deref(), Some("demo"), "{}", e.slug);
            assert_eq!(e.source_label.as_deref(), Some("DEMO"));
            assert!(e.last_value.is_some() && e.as_of.is_some(), "{}", e.slug);
        }
    }

    fn a_demo_history_written_by_an_older_model_is_rewritten_not_continued(url) {
        let state = prepared_state(&url).await;
        quarry::demo::seed_demo(&state.db, &state.universe).await.unwrap();
        let id = series_ids(&state.db).await.unwrap()["brent"];
        let brent = || {
            observations::Entity::find()
                .filter(observations::Column::SeriesId.eq(id))
                .order_by_asc(observations::Column::Date)
                .all(&state.db)
        };
        let current = brent().await.unwrap();
        // An older model's rows: other values on three of the stored dates.
        let older: Vec<NaiveDate> = current.iter().step_by(1000).take(3).map(|o| o.date).collect();
        observations::Entity::update_many()
            .col_expr(observations::Column::Value, sea_orm::sea_query::Expr::value(192.0))
            .filter(observations::Column::SeriesId.eq(id))
            .filter(observations::Column::Date.is_in(older.clone()))
            .exec(&state.db)
            .await
            .unwrap();
        let rewritten = quarry::demo::seed_demo(&state.db, &state.universe).await.unwrap();
        assert_eq!(rewritten, 3, "only the rows whose value differs are written");
        let after = brent().await.unwrap();
        let values = |rows: &[observations::Model]| rows.iter().map(|o| (o.date, o.value, o.source.clone())).collect::<Vec<_>>();
        let differ = values(&after).iter().zip(values(&current)).filter(|(a, c)| **a != *c).count();
        assert_eq!((after.len(), differ), (current.len(), 0), "the current model's values are back");
        assert_eq!(quarry::demo::seed_demo(&state.db, &state.universe).await.unwrap(), 0);
    }

    fn demo_never_mixes_into_a_series_with_real_data(url) {
        let state = prepared_state(&url).await;
        let id = series_ids(&state.db).await.unwrap()["gold"];
        insert(&state.db, id, &[("2026-11-26", 2650.5)], "lbma").await;
        quarry::demo::seed_demo(&state.db, &state.universe).await.unwrap();
        let gold_rows = observations::Entity::find().filter(observations::Column::SeriesId.eq(id)).all(&state.db).await.unwrap();
        assert_eq!(gold_rows.len(), 1);
        assert_eq!(gold_rows[0].source, "lbma");
        let ov = overview(&state.db, &state.universe, Some("metals"), Utc::now()).await.unwrap();
        let gold = ov.instruments.iter().find(|e| e.slug == "gold").unwrap();
        assert_eq!(gold.source.as_deref(), Some("lbma"));
        assert_eq!(gold.source_label.as_deref(), Some("LBMA"));
        assert_eq!(ov.instruments.len(), 5, "group filter keeps the metals only");
    }

    fn overview_gives_changes_the_frequency_allows(url) {
        let state = prepared_state(&url).await;
        let ids = series_ids(&state.db).await.unwrap();
        insert(&state.db, ids["wti"], &[("2025-11-26", 60.0), ("2026-10-26", 80.0), ("2026-11-25", 99.0), ("2026-11-26", 100.0)], "fred").await;
        insert(&state.db, ids["copper"], &[("2025-10-01", 8000.0), ("2026-09-01", 9000.0), ("2026-10-01", 9900.0)], "fred").await;
        insert(&state.db, ids["lithium"], &[("2024-01-01", 20000.0), ("2025-01-01", 10000.0)], "usgs").await;
        let now = Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap();
        let ov = overview(&state.db, &state.universe, None, now).await.unwrap();
        assert!(!ov.demo);
        let get = |s: &str| ov.instruments.iter().find(|e| e.slug == s).unwrap().clone();

        let wti = get("wti");
        assert_eq!(wti.last_value, Some(100.0));
        assert_eq!(wti.as_of, Some(d("2026-11-26")));
        assert!((wti.change_1d.unwrap() - (100.0 / 99.0 - 1.0) * 100.0).abs() < 1e-9);
        assert!((wti.change_1m.unwrap() - 25.0).abs() < 1e-9);
        assert!((wti.change_1y.unwrap() - (100.0 / 60.0 - 1.0) * 100.0).abs() < 1e-9);
        assert!(!wti.stale, "two days old is fresh for a daily series");
        assert_eq!(wti.sparkline.len(), 4);

        let copper = get("copper");
        assert_eq!(copper.change_1d, None);
        assert!((copper.change_1m.unwrap() - 10.0).abs() < 1e-9);
        assert!((copper.change_1y.unwrap() - 23.75).abs() < 1e-9);

        let lithium = get("lithium");
        assert_eq!((lithium.change_1d, lithium.change_1m), (None, None));
        assert!((lithium.change_1y.unwrap() + 50.0).abs() < 1e-9);
        assert_eq!(lithium.source_label.as_deref(), Some("USGS"));

        let gold = get("gold");
        assert_eq!((gold.last_value, gold.as_of, gold.source.clone()), (None, None, None));
    }

    fn a_daily_series_a_week_old_is_stale(url) {
        let state = prepared_state(&url).await;
        let id = series_ids(&state.db).await.unwrap()["brent"];
        insert(&state.db, id, &[("2026-11-20", 70.0)], "fred").await;
        let now = Utc.with_ymd_and_hms(2026, 11, 28, 0, 0, 0).unwrap();
        let ov = overview(&state.db, &state.universe, None, now).await.unwrap();
        assert!(ov.instruments.iter().find(|e| e.slug == "brent").unwrap().stale);
    }
}

mod abandoned_runs {
    use chrono::Utc;
    use quarry::db::entities::job_runs;
    use sea_orm::{ActiveValue::Set, EntityTrait};

    crate::on_both_backends! {
        fn runs_left_running_by_a_dead_process_on_this_host_are_closed_and_others_kept(url) {
            let state = crate::support::prepared_state(&url).await;
            let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "localhost".into());
            let live = format!("{host}:{}", std::process::id());
            // pid_max on Linux is at most 4194304: this pid cannot be alive.
            let dead = format!("{host}:4194305");
            for (slot, owner) in [("a", live.as_str()), ("b", dead.as_str()), ("c", "other-host:1")] {
                job_runs::Entity::insert(job_runs::ActiveModel {
                    job: Set("backfill".into()),
                    slot: Set(slot.into()),
                    started_at: Set(Utc::now()),
                    status: Set("running".into()),
                    rows_written: Set(5),
                    owner: Set(Some(owner.into())),
                    ..Default::default()
                })
                .exec(&state.db)
                .await
                .unwrap();
            }
            assert_eq!(quarry::db::lease::close_abandoned_runs(&state.db).await.unwrap(), 1);
            let runs = job_runs::Entity::find().all(&state.db).await.unwrap();
            let status = |slot: &str| runs.iter().find(|r| r.slot == slot).unwrap().status.clone();
            assert_eq!((status("a").as_str(), status("b").as_str(), status("c").as_str()), ("running", "abandoned", "running"));
        }
    }
}

mod check {
    use chrono::Utc;
    use sea_orm::{ActiveValue::Set, EntityTrait};

    crate::on_both_backends! {
        // `quarry check` reads: a sound database passes; a reference to a company that is gone
        // and a lease held by a dead process each fail, named; closing the dead runs clears the
        // lease failure and leaves the orphan's.
        fn the_check_names_dangling_references_and_leases_held_by_the_dead(url) {
            use quarry::db::entities::{acquisitions, job_runs};
            let state = crate::support::prepared_state(&url).await;
            let report = quarry::db::check::check(&state.db).await.unwrap();
            assert!(report.passed(), "{report:?}");
            assert!(report.notes.iter().any(|n| n.contains("series without observations")), "{:?}", report.notes);
            let checks: Vec<&str> = report.findings.iter().map(|f| f.check).collect();
            assert!(checks.contains(&"orphans") && checks.contains(&"leases") && checks.contains(&"values"), "{checks:?}");

            // acquirer_id has no foreign key: only the check can see this row points nowhere.
            acquisitions::Entity::insert(acquisitions::ActiveModel {
                key: Set("import:gone".into()),
                acquirer_id: Set(Some(424_242)),
                announced_on: Set("2026-01-02".parse().unwrap()),
                status: Set("announced".into()),
                sector: Set("other".into()),
                form_type: Set("import".into()),
                source: Set("import".into()),
                source_id: Set("t:1".into()),
                fetched_at: Set(Utc::now()),
                ..Default::default()
            })
            .exec(&state.db)
            .await
            .unwrap();
            let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "localhost".into());
            job_runs::Entity::insert(job_runs::ActiveModel {
                job: Set("backfill".into()),
                slot: Set("manual:dead".into()),
                started_at: Set(Utc::now()),
                status: Set("running".into()),
                rows_written: Set(3),
                // Above Linux's largest pid: never alive.
                owner: Set(Some(format!("{host}:4194305"))),
                ..Default::default()
            })
            .exec(&state.db)
            .await
            .unwrap();

            let report = quarry::db::check::check(&state.db).await.unwrap();
            let failed = |name: &str| report.findings.iter().find(|f| f.check == name).filter(|f| !f.ok).map(|f| f.detail.clone());
            assert_eq!(report.failed(), 2, "{report:?}");
            let orphans = failed("orphans").expect("the dangling acquirer is a failure");
            assert!(orphans.contains("1 acquisitions.acquirer_id point at no companies row"), "{orphans}");
            let leases = failed("leases").expect("the dead lease is a failure");
            assert!(leases.contains("backfill (slot manual:dead) is held by process 4194305"), "{leases}");

            quarry::db::lease::close_abandoned_runs(&state.db).await.unwrap();
            let report = quarry::db::check::check(&state.db).await.unwrap();
            assert_eq!(report.findings.iter().filter(|f| !f.ok).map(|f| f.check).collect::<Vec<_>>(), ["orphans"]);
        }
    }
}

/// The database gone under a running server (the outage script stops PostgreSQL for real):
/// every page says so, with a 503 a monitor can see, not a 200 around an error line.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_answers_503_while_the_database_does_not_answer() {
    use axum::body::{to_bytes, Body};
    use axum::http::{header, Request, StatusCode};
    use tower::ServiceExt;
    crate::support::with_db(crate::support::Backend::Sqlite, |url: String| async move {
        let mut state = prepared_state(&url).await;
        // A pool whose server refuses every connection (nothing listens on port 1).
        let mut gone = sea_orm::ConnectOptions::new("postgres://postgres@127.0.0.1:1/quarry");
        gone.connect_lazy(true).acquire_timeout(std::time::Duration::from_millis(500)).sqlx_logging(false);
        state.db = sea_orm::Database::connect(gone).await.unwrap();
        let app = quarry::server::router(state);
        for page in ["/", "/commodities/gold", "/venture", "/venture/funding", "/charts", "/jobs", "/login"] {
            let req = Request::get(page).header(header::ACCEPT, "text/html").body(Body::empty()).unwrap();
            let res = app.clone().oneshot(req).await.unwrap();
            let status = res.status();
            let body = String::from_utf8_lossy(&to_bytes(res.into_body(), 16 << 20).await.unwrap()).into_owned();
            assert!(body.contains("the database is not answering"), "{page}: the page does not say why");
            assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{page}");
        }
    })
    .await;
}
