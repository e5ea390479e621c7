//! `GET /api/commodities/compare` and its page: seeded prices rebased to 100 on the first
//! common date on or after the base date, the correlation matrix, and 4xx answers that
//! name the bad parameter.
use axum::body::{to_bytes, Body};
use axum::http::{Request, StatusCode};
use chrono::{NaiveDate, Utc};
use quarry::db::entities::observations;
use sea_orm::{ActiveValue::Set, EntityTrait};
use serde_json::Value;
use tower::ServiceExt;

use crate::support::prepared_state;

async fn get(app: &axum::Router, uri: &str) -> (StatusCode, String) {
    let res = app.clone().oneshot(Request::get(uri).body(Body::empty()).unwrap()).await.unwrap();
    let status = res.status();
    let body = to_bytes(res.into_body(), 10 << 20).await.unwrap();
    (status, String::from_utf8(body.to_vec()).unwrap())
}

async fn insert(db: &sea_orm::DatabaseConnection, series_id: i32, points: &[(&str, f64)], source: &str) {
    let rows = points.iter().map(|(date, v)| observations::ActiveModel {
        series_id: Set(series_id),
        date: Set(date.parse::<NaiveDate>().unwrap()),
        value: Set(*v),
        source: Set(source.to_string()),
        fetched_at: Set(Utc::now()),
        ..Default::default()
    });
    observations::Entity::insert_many(rows).exec_without_returning(db).await.unwrap();
}

/// Gold every business day of the first week of 2024 and Monday the 8th; silver lacks the
/// 4th. Common dates: 02, 03, 05, 08.
async fn seeded_app(url: &str) -> axum::Router {
    let state = prepared_state(url).await;
    let ids = quarry::series::series_ids(&state.db).await.unwrap();
    insert(
        &state.db,
        ids["gold"],
        &[
            ("2024-01-02", 2000.0),
            ("2024-01-03", 2050.0),
            ("2024-01-04", 1950.0),
            ("2024-01-05", 2100.0),
            ("2024-01-08", 2200.0),
        ],
        "lbma",
    )
    .await;
    insert(
        &state.db,
        ids["silver"],
        &[("2024-01-02", 25.0), ("2024-01-03", 24.0), ("2024-01-05", 26.0), ("2024-01-08", 27.5)],
        "lbma",
    )
    .await;
    quarry::server::router(state)
}

fn close(v: &Value, want: f64) -> bool {
    (v.as_f64().unwrap_or(f64::NAN) - want).abs() < 1e-9
}

fn assert_bad(status: StatusCode, body: &str, param: &str, what: &str) {
    assert_eq!(status, StatusCode::BAD_REQUEST, "{what}: {body}");
    let v: Value = serde_json::from_str(body).unwrap();
    assert_eq!(v["kind"], "bad_request", "{what}");
    assert_eq!(v["parameter"], param, "{what}: {body}");
}

crate::on_both_backends! {
    fn seeded_prices_are_rebased_on_the_first_common_date_on_or_after_the_base(url) {
        let app = seeded_app(&url).await;
        let (status, body) =
            get(&app, "/api/commodities/compare?instruments=gold,silver&from=2024-01-01&to=2024-01-31&base=2024-01-03").await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let v: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["base_asked"], "2024-01-03");
        assert_eq!(v["base_used"], "2024-01-03");
        assert_eq!(v["basis"], "daily");
        assert_eq!((v["from"].as_str(), v["to"].as_str()), (Some("2024-01-01"), Some("2024-01-31")));
        assert_eq!(v["common_dates"], 4, "gold's 01-04 has no silver partner");
        assert_eq!(v["demo"], false);
        assert!(v["notice"].is_null());
        let list = v["instruments"].as_array().unwrap();
        assert_eq!(list.iter().map(|i| i["slug"].as_str().unwrap()).collect::<Vec<_>>(), ["gold", "silver"]);
        let (gold, silver) = (&list[0], &list[1]);
        // Python: 100 * 2200 / 2050 and 100 * 27.5 / 24
        assert!(close(&gold["last_rebased"], 107.31707317073172), "{gold}");
        assert!(close(&silver["last_rebased"], 114.58333333333333), "{silver}");
        assert!(close(&gold["change_pct"], 7.317073170731717), "{gold}");
        assert_eq!((gold["base_value"].as_f64(), gold["last_value"].as_f64()), (Some(2050.0), Some(2200.0)));
        assert_eq!(gold["as_of"], "2024-01-08");
        assert_eq!(gold["sources"], serde_json::json!(["lbma"]));
        assert_eq!(gold["demo"], false);
        // Correlation: numpy.corrcoef of the returns between the common dates, gold
        // (2000, 2050, 2100, 2200) and silver (25, 24, 26, 27.5): 0.29769177661769314.
        let corr = &v["correlation"];
        assert!(close(&corr[0][1], 0.29769177661769314), "{corr}");
        assert_eq!(corr[0][1], corr[1][0]);
        assert_eq!((corr[0][0].as_f64(), corr[1][1].as_f64()), (Some(1.0), Some(1.0)));
        assert_eq!(v["common_returns"], serde_json::json!([[4, 3], [3, 3]]));
        let chart = v["chart"]["svg"].as_str().unwrap();
        assert!(chart.contains("role=\"img\"") && chart.contains("<title id=\"compare-chart-title\">"), "{}", &chart[..200]);
        assert!(!chart.contains(">DEMO</text>"), "real data carries no watermark");
        assert!(v["method"].as_str().unwrap().contains("Pearson"));

        // A Saturday base moves to Monday; without a base the first common date is used.
        let (_, body) = get(&app, "/api/commodities/compare?instruments=silver,gold&from=2024-01-01&base=2024-01-06").await;
        let v: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["base_used"], "2024-01-08", "{body}");
        assert!(close(&v["instruments"][0]["last_rebased"], 100.0));
        let (_, body) = get(&app, "/api/commodities/compare?instruments=gold,silver&base=2024-01-05").await;
        let v: Value = serde_json::from_str(&body).unwrap();
        // Defaults: up to the newest common observation, five years back.
        assert_eq!((v["from"].as_str(), v["to"].as_str()), (Some("2019-01-08"), Some("2024-01-08")), "{body}");
        assert_eq!(v["base_used"], "2024-01-05");
        // Python: 100 * 2200 / 2100 and 100 * 27.5 / 26
        assert!(close(&v["instruments"][0]["last_rebased"], 104.76190476190476));
        assert!(close(&v["instruments"][1]["last_rebased"], 105.76923076923077));
    }

    fn bad_parameters_are_400s_naming_them_and_unknown_instruments_404(url) {
        let app = seeded_app(&url).await;
        for (query, param, what) in [
            ("", "instruments", "no instruments"),
            ("instruments=gold", "instruments", "one slug"),
            ("instruments=gold,silver,platinum,palladium,copper,wti,brent", "instruments", "seven slugs"),
            ("instruments=gold,silver,gold", "instruments", "a duplicate"),
            ("instruments=gold,silver&from=2024-13-01", "from", "a bad from"),
            ("instruments=gold,silver&from=2024-02-01&to=2024-01-01", "from", "from after to"),
            ("instruments=gold,silver&to=31/01/2024", "to", "a bad to"),
            ("instruments=gold,silver&base=soon", "base", "a bad base"),
            ("instruments=gold,silver&from=2024-01-01&base=2024-02-01", "base", "a base after the data"),
        ] {
            let (status, body) = get(&app, &format!("/api/commodities/compare?{query}")).await;
            assert_bad(status, &body, param, what);
        }
        let (_, body) = get(&app, "/api/commodities/compare?instruments=gold,gold").await;
        assert!(body.contains("listed twice"), "{body}");
        let (status, body) = get(&app, "/api/commodities/compare?instruments=gold,unobtainium").await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
        let v: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["kind"], "not_found");
        assert!(v["message"].as_str().unwrap().contains("unknown instrument 'unobtainium'"), "{body}");
    }

    fn the_page_renders_the_chart_and_matrix_without_javascript(url) {
        let app = seeded_app(&url).await;
        let (status, html) = get(&app, "/commodities/compare?pick=gold&pick=silver&from=2024-01-01&to=&base=").await;
        assert_eq!(status, StatusCode::OK);
        let end = html.find("</html>").unwrap_or(html.len());
        let doc = &html[..end];
        assert!(doc.contains("<title id=\"compare-chart-title\">"), "the chart is in the document");
        assert!(doc.contains("class=\"data correlation\""));
        assert!(doc.contains(">0.30<"), "the correlation to two decimals");
        assert!(doc.contains("name=\"pick\" value=\"gold\" checked"), "the picks stay ticked");
        let (status, html) = get(&app, "/commodities/compare?instruments=gold,unobtainium").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(html.contains("role=\"alert\"") && html.contains("unobtainium"));
        let (status, html) = get(&app, "/commodities/compare").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Choose what to compare") && html.contains("Precious metals"));
    }
}
