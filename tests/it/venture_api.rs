//! The venture JSON and CSV endpoints on SQLite and PostgreSQL, over rows written through
//! the store as the sync and the import write them: filters, sorting, paging, 400s that
//! name the parameter, 404s, fund returns against a published reference, the landscape
//! after `funding_tracker`, the IPO pipeline and every CSV table.
use axum::body::{to_bytes, Body};
use axum::http::{Request, StatusCode};
use chrono::{NaiveDate, Utc};
use quarry::db::entities::{
    companies, fund_cash_flows, funding_rounds, funds, investors, ipo_events, ipo_filings, observations, series,
};
use quarry::venture::upsert;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::Value;
use tower::ServiceExt;

use crate::support::prepared_state;

async fn get(app: &axum::Router, uri: &str) -> (StatusCode, String, String) {
    let res = app.clone().oneshot(Request::get(uri).body(Body::empty()).unwrap()).await.unwrap();
    let status = res.status();
    let ctype = res.headers().get("content-type").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    let body = to_bytes(res.into_body(), 20 << 20).await.unwrap();
    (status, ctype, String::from_utf8(body.to_vec()).unwrap())
}

async fn json(app: &axum::Router, uri: &str) -> Value {
    let (status, _, body) = get(app, uri).await;
    assert_eq!(status, StatusCode::OK, "{uri}: {body}");
    serde_json::from_str(&body).unwrap()
}

/// A 400 whose JSON names `parameter`.
async fn bad(app: &axum::Router, uri: &str, parameter: &str) {
    let (status, _, body) = get(app, uri).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}: {body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["parameter"], parameter, "{uri}: {body}");
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn company(key: &str, name: &str, cik: Option<i64>, sector: &str, state: &str) -> companies::Model {
    companies::Model {
        id: 0,
        key: key.into(),
        cik,
        name: name.into(),
        name_key: upsert::name_key(name),
        sector: sector.into(),
        state: Some(state.into()),
        city: None,
        jurisdiction: None,
        year_of_inc: None,
        sic: None,
        industry_group: None,
        website: None,
        description: None,
        tickers: None,
        source: "import".into(),
        source_id: "test.csv:1".into(),
        fetched_at: Utc::now(),
    }
}

#[allow(clippy::too_many_arguments)]
fn round(
    key: &str,
    company_id: i32,
    on: &str,
    stage: &str,
    sector: &str,
    state: &str,
    sold: Option<f64>,
) -> funding_rounds::Model {
    funding_rounds::Model {
        id: 0,
        key: key.into(),
        company_id,
        announced_on: d(on),
        first_sale_on: Some(d(on)),
        first_sale_yet_to_occur: false,
        stage: stage.into(),
        sector: sector.into(),
        state: Some(state.into()),
        amount_offered: sold.map(|s| s * 1.5),
        offering_indefinite: sold.is_none(),
        amount_sold: sold,
        amount_remaining: None,
        investor_count: Some(3),
        minimum_investment: None,
        currency: "USD".into(),
        form_type: if key.starts_with("edgar:") { "D".into() } else { "import".into() },
        accession: key.strip_prefix("edgar:").map(str::to_string),
        original_accession: key.strip_prefix("edgar:").map(str::to_string),
        notable: false,
        source: if key.starts_with("edgar:") { "edgar".into() } else { "import".into() },
        source_id: key.into(),
        fetched_at: Utc::now(),
    }
}

struct Ids {
    alpha: i32,
    fund: i32,
}

/// Three companies in three sectors, seven rounds (one of unknown amount), two investors,
/// a fund whose flows are Microsoft's documented XIRR example, two IPO entries, and an
/// S&P 500 history for the PME.
async fn fill(db: &sea_orm::DatabaseConnection) -> Ids {
    let (alpha, _) =
        upsert::upsert_company(db, company("cik:1001", "Alpha Robotics AI", Some(1001), "ai-software", "CA"))
            .await
            .unwrap();
    let (beta, _) =
        upsert::upsert_company(db, company("name:beta-bio", "Beta Bio", None, "biotech", "MA")).await.unwrap();
    let (gamma, _) =
        upsert::upsert_company(db, company("name:acme-grid", "Acme Grid", None, "energy", "TX")).await.unwrap();
    let rounds = [
        round("edgar:0001001-25-000001", alpha, "2025-02-10", "unstated", "ai-software", "CA", Some(5e6)),
        round("import:alpha:2025-08-01:series-a", alpha, "2025-08-01", "series-a", "ai-software", "CA", Some(30e6)),
        round("import:alpha:2026-05-01:series-b", alpha, "2026-05-01", "series-b", "ai-software", "CA", Some(120e6)),
        round("edgar:0001001-26-000002", alpha, "2026-06-15", "unstated", "ai-software", "CA", None),
        round("import:beta:2025-03-01:seed", beta, "2025-03-01", "seed", "biotech", "MA", Some(2e6)),
        round("import:beta:2026-01-20:series-a", beta, "2026-01-20", "series-a", "biotech", "MA", Some(18e6)),
        round("import:gamma:2025-11-11:series-a", gamma, "2025-11-11", "series-a", "energy", "TX", Some(25e6)),
    ];
    let mut ids = Vec::new();
    for r in rounds {
        ids.push(upsert::upsert_round(db, r).await.unwrap().0);
    }
    let inv = |key: &str, name: &str| investors::Model {
        id: 0,
        key: key.into(),
        name: name.into(),
        kind: "venture capital".into(),
        website: None,
        city: None,
        source: "import".into(),
        source_id: "test.csv:9".into(),
        fetched_at: Utc::now(),
    };
    let (north, _) = upsert::upsert_investor(db, inv("name:north-star", "North Star Ventures")).await.unwrap();
    let (kite, _) = upsert::upsert_investor(db, inv("name:kite", "Kite Capital")).await.unwrap();
    upsert::upsert_round_investor(db, ids[1], north, true).await.unwrap();
    upsert::upsert_round_investor(db, ids[1], kite, false).await.unwrap();
    upsert::upsert_round_investor(db, ids[2], kite, true).await.unwrap();

    let (fund, _) = upsert::upsert_fund(
        db,
        funds::Model {
            id: 0,
            key: "name:north-star-fund-i".into(),
            cik: None,
            name: "North Star Fund I".into(),
            manager_id: Some(north),
            vintage: Some(2008),
            target_size: Some(10_000.0),
            target_indefinite: false,
            amount_raised: Some(10_000.0),
            investor_count: None,
            strategy: "Venture Capital Fund".into(),
            state: Some("CA".into()),
            currency: "USD".into(),
            accession: None,
            source: "import".into(),
            source_id: "test.csv:20".into(),
            fetched_at: Utc::now(),
        },
    )
    .await
    .unwrap();
    // Microsoft's XIRR documentation example: the published answer is 0.373362535.
    for (on, kind, amount) in [
        ("2008-01-01", "call", -10_000.0),
        ("2008-03-01", "distribution", 2_750.0),
        ("2008-10-30", "distribution", 4_250.0),
        ("2009-02-15", "distribution", 3_250.0),
        ("2009-04-01", "distribution", 2_750.0),
    ] {
        upsert::upsert_cash_flow(
            db,
            fund_cash_flows::Model {
                id: 0,
                fund_id: fund,
                flow_date: d(on),
                kind: kind.into(),
                amount,
                source: "import".into(),
                source_id: "test.csv".into(),
                fetched_at: Utc::now(),
            },
        )
        .await
        .unwrap();
    }
    // A flat index: every dollar compounds at zero, so the PME equals the TVPI (1.3).
    let sp = series::Entity::find().filter(series::Column::Slug.eq("sp500")).one(db).await.unwrap().unwrap();
    for on in ["2007-12-31", "2008-06-30", "2009-06-30"] {
        observations::Entity::insert(observations::ActiveModel {
            series_id: Set(sp.id),
            date: Set(d(on)),
            value: Set(1400.0),
            source: Set("fred".into()),
            fetched_at: Set(Utc::now()),
            ..Default::default()
        })
        .exec(db)
        .await
        .unwrap();
    }

    for (cik, name, status, filed, events) in [
        (
            2001_i64,
            "Orbit Labs",
            "priced",
            "2026-03-02",
            vec![("S-1", "2026-03-02", "filed"), ("S-1/A", "2026-04-01", "amended"), ("424B4", "2026-05-05", "priced")],
        ),
        (2002, "Quiet Compute", "filed", "2026-09-09", vec![("S-1", "2026-09-09", "filed")]),
    ] {
        let last = events.last().unwrap().1;
        let (ipo, _) = upsert::upsert_ipo(
            db,
            ipo_filings::Model {
                id: 0,
                key: format!("cik:{cik}"),
                cik: Some(cik),
                company_id: None,
                company_name: name.into(),
                sector: "ai-software".into(),
                form: "S-1".into(),
                status: status.into(),
                filed_on: d(filed),
                last_event_on: d(last),
                priced_on: (status == "priced").then(|| d(last)),
                withdrawn_on: None,
                amendments: events.iter().filter(|e| e.0.ends_with("/A")).count() as i32,
                accession: format!("000{cik}-26-000009"),
                // The priced entry states its 424B4's terms; the other has none yet.
                price_low: (status == "priced").then_some(21.0),
                price_high: (status == "priced").then_some(21.0),
                shares_offered: (status == "priced").then_some(8_000_000),
                offering_amount: (status == "priced").then_some(168e6),
                terms_form: (status == "priced").then(|| "424B4".to_string()),
                terms_accession: (status == "priced").then(|| format!("000{cik}-26-000002")),
                terms_filed_on: (status == "priced").then(|| d(last)),
                source: "edgar".into(),
                source_id: format!("000{cik}-26-000009"),
                fetched_at: Utc::now(),
            },
        )
        .await
        .unwrap();
        for (i, (form, on, st)) in events.iter().enumerate() {
            upsert::record_ipo_event(
                db,
                ipo_events::Model {
                    id: 0,
                    ipo_id: ipo,
                    form: form.to_string(),
                    filed_on: d(on),
                    accession: format!("000{cik}-26-00000{i}"),
                    status: st.to_string(),
                },
            )
            .await
            .unwrap();
        }
    }
    Ids { alpha, fund }
}

crate::on_both_backends! {
    fn funding_filters_sort_and_page_and_bad_values_name_their_parameter(url) {
        let state = prepared_state(&url).await;
        fill(&state.db).await;
        let app = quarry::server::router(state);

        let v = json(&app, "/api/venture/funding").await;
        assert_eq!(v["total"], 7);
        assert_eq!(v["demo"], false);
        let dates: Vec<&str> = v["rows"].as_array().unwrap().iter().map(|r| r["announced_on"].as_str().unwrap()).collect();
        let mut sorted = dates.clone();
        sorted.sort_by(|a, b| b.cmp(a));
        assert_eq!(dates, sorted, "newest first by default");

        let v = json(&app, "/api/venture/funding?sector=ai-software&sort=amount").await;
        // The round of unknown amount matches the sector and goes last: nothing to rank by.
        let amounts: Vec<Option<f64>> = v["rows"].as_array().unwrap().iter().map(|r| r["amount_sold"].as_f64()).collect();
        assert_eq!(amounts, [Some(120e6), Some(30e6), Some(5e6), None]);
        assert_eq!(v["total"], 4);
        let top = &v["rows"][0];
        assert_eq!(top["company"], "Alpha Robotics AI");
        assert_eq!(top["lead_investors"], serde_json::json!(["Kite Capital"]));
        let a = &v["rows"][1];
        assert_eq!((a["lead_investors"][0].as_str(), a["investors"][0].as_str()), (Some("North Star Ventures"), Some("Kite Capital")));
        let edgar = &v["rows"][2];
        assert_eq!(edgar["provenance"]["source"], "edgar");
        assert_eq!(
            edgar["provenance"]["filing_url"],
            "https://www.sec.gov/Archives/edgar/data/1001/000100125000001/0001001-25-000001-index.htm"
        );

        let v = json(&app, "/api/venture/funding?stage=series-a&state=ma&min_amount=1000000&max_amount=20000000&from=2025-01-01&to=2026-12-31").await;
        assert_eq!(v["total"], 1);
        assert_eq!(v["rows"][0]["company"], "Beta Bio");

        let v = json(&app, "/api/venture/funding?q=robotics&sort=date&dir=asc&per_page=2&page=2").await;
        assert_eq!((v["total"].as_u64(), v["page"].as_u64(), v["per_page"].as_u64()), (Some(4), Some(2), Some(2)));
        let page2: Vec<&str> = v["rows"].as_array().unwrap().iter().map(|r| r["announced_on"].as_str().unwrap()).collect();
        assert_eq!(page2, ["2026-05-01", "2026-06-15"]);

        // By name, not by id: Acme Grid was stored after Alpha and Beta.
        let v = json(&app, "/api/venture/funding?sort=company&dir=asc").await;
        let names: Vec<&str> = v["rows"].as_array().unwrap().iter().map(|r| r["company"].as_str().unwrap()).collect();
        assert_eq!((names[0], names[1], names[6]), ("Acme Grid", "Alpha Robotics AI", "Beta Bio"));

        bad(&app, "/api/venture/funding?sector=crypto", "sector").await;
        bad(&app, "/api/venture/funding?stage=series-z", "stage").await;
        bad(&app, "/api/venture/funding?min_amount=lots", "min_amount").await;
        bad(&app, "/api/venture/funding?from=2026-02-30", "from").await;
        bad(&app, "/api/venture/funding?sort=valuation", "sort").await;
        bad(&app, "/api/venture/funding?page=0", "page").await;
        bad(&app, "/api/venture/funding?per_page=100000", "per_page").await;
        bad(&app, "/api/venture/acquisitions?status=rumoured", "status").await;
        bad(&app, "/api/venture/ipo-pipeline?status=dreaming", "status").await;
        bad(&app, "/api/venture/landscape?sector=crypto", "sector").await;
        bad(&app, "/api/venture/valuations?company=abc", "company").await;
    }

    fn company_investor_and_fund_details_and_their_404s(url) {
        let state = prepared_state(&url).await;
        let ids = fill(&state.db).await;
        let app = quarry::server::router(state);

        let v = json(&app, "/api/venture/companies?q=alpha").await;
        assert_eq!(v["total"], 1);
        assert_eq!(v["rows"][0]["rounds"], 4);
        assert_eq!(v["rows"][0]["amount_sold"], 155e6);

        let v = json(&app, &format!("/api/venture/companies/{}", ids.alpha)).await;
        assert_eq!(v["company"]["name"], "Alpha Robotics AI");
        assert_eq!(v["rounds"].as_array().unwrap().len(), 4);
        assert_eq!(v["rounds"][0]["announced_on"], "2026-06-15");
        assert_eq!(v["rounds"][0]["offering_indefinite"], true);
        assert!(v["rounds"][0]["amount_offered"].is_null());
        let same = json(&app, &format!("/api/venture/company?id={}", ids.alpha)).await;
        assert_eq!(same, v);

        let (status, _, body) = get(&app, "/api/venture/companies/999999").await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
        bad(&app, "/api/venture/companies/abc", "id").await;

        let v = json(&app, "/api/venture/investors").await;
        assert_eq!(v["rows"][0]["name"], "Kite Capital", "most rounds first");
        assert_eq!((v["rows"][0]["rounds"].as_i64(), v["rows"][0]["lead_rounds"].as_i64()), (Some(2), Some(1)));
        let north = v["rows"][1]["id"].as_i64().unwrap();
        let v = json(&app, &format!("/api/venture/investors/{north}")).await;
        assert_eq!(v["funds"][0]["name"], "North Star Fund I");

        let v = json(&app, &format!("/api/venture/funds/{}", ids.fund)).await;
        let r = &v["fund"]["returns"];
        assert!((r["irr"].as_f64().unwrap() - 0.373362535).abs() < 1e-6, "{r}");
        assert!((r["tvpi"].as_f64().unwrap() - 1.3).abs() < 1e-12, "{r}");
        assert!((r["dpi"].as_f64().unwrap() - 1.3).abs() < 1e-12, "{r}");
        assert!((r["pme"].as_f64().unwrap() - 1.3).abs() < 1e-12, "a flat index makes the PME the TVPI: {r}");
        assert!(v["chart_svg"].as_str().unwrap().contains("<svg"));
        assert_eq!(v["flows"].as_array().unwrap().len(), 5);
        let (status, _, _) = get(&app, "/api/venture/funds/424242").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }

    fn landscape_after_the_tracker_and_the_ipo_pipeline_by_status(url) {
        let state = prepared_state(&url).await;
        fill(&state.db).await;
        quarry::venture::tracker::run(&state.db, 100e6, Utc::now()).await.unwrap();
        let app = quarry::server::router(state);

        let v = json(&app, "/api/venture/landscape?from=2025-01-01&to=2026-12-31").await;
        let quarters: Vec<&str> = v["quarters"].as_array().unwrap().iter().map(|q| q.as_str().unwrap()).collect();
        assert_eq!(quarters.len(), 8);
        assert_eq!((quarters[0], quarters[7]), ("2025-Q1", "2026-Q4"));
        assert_eq!(v["total"]["rounds"], 7);
        assert_eq!(v["total"]["amount_sold"], 200e6);
        assert_eq!(v["rounds_with_amount"], 6);
        let ai = v["rows"].as_array().unwrap().iter().find(|r| r["key"] == "ai-software").unwrap();
        // 2026-Q2 holds the $120M series B and the round of unknown amount.
        assert_eq!(ai["cells"][5]["rounds"], 2);
        assert_eq!(ai["cells"][5]["amount_sold"], 120e6);
        assert_eq!(v["biggest"][0]["amount_sold"], 120e6);
        assert_eq!(v["biggest"][0]["notable"], true, "above the 100M notable line");
        assert_eq!(v["rows"].as_array().unwrap().len(), 11, "every sector is a row");

        let v = json(&app, "/api/venture/landscape?from=2025-01-01&to=2026-12-31&sector=ai-software").await;
        let stages: Vec<&str> = v["rows"].as_array().unwrap().iter().map(|r| r["key"].as_str().unwrap()).collect();
        assert_eq!(stages, ["series-a", "series-b", "unstated"]);

        // On the page, a cell whose rounds state no amount says so instead of "$0".
        let (_, _, page) = get(&app, "/venture?from=2025-01-01&to=2026-12-31&sector=ai-software").await;
        let doc = scraper::Html::parse_document(&page);
        let cell = scraper::Selector::parse("tr[data-key=unstated] td[data-quarter=\"2026-Q2\"]").unwrap();
        let text: String = doc.select(&cell).next().expect("the unstated row's 2026-Q2 cell").text().collect();
        assert!(text.contains("undisclosed") && !text.contains("$0"), "{text}");
        // The CSV leaves that amount blank rather than writing a 0; known amounts stay.
        let (status, _, csv) = get(&app, "/api/venture/landscape.csv?from=2025-01-01&to=2026-12-31&sector=ai-software").await;
        assert_eq!(status, StatusCode::OK, "{csv}");
        let mut lines = csv.lines();
        let header: Vec<&str> = lines.next().unwrap().split(',').collect();
        let col = |name: &str| header.iter().position(|h| *h == name).unwrap_or_else(|| panic!("{name}: {header:?}"));
        let cell = |row: &str, quarter: &str| -> Vec<String> {
            let line = csv.lines().find(|l| l.starts_with(&format!("{row},")) && l.contains(&format!(",{quarter},")));
            line.unwrap_or_else(|| panic!("{row} {quarter}: {csv}")).split(',').map(str::to_string).collect()
        };
        let unstated = cell("unstated", "2026-Q2");
        assert_eq!((unstated[col("rounds")].as_str(), unstated[col("amount_sold_usd")].as_str()), ("1", ""));
        let series_b = cell("series-b", "2026-Q2");
        assert_eq!((series_b[col("rounds")].as_str(), series_b[col("amount_sold_usd")].as_str()), ("1", "120000000"));
        let empty = cell("unstated", "2025-Q2");
        assert_eq!((empty[col("rounds")].as_str(), empty[col("amount_sold_usd")].as_str()), ("0", "0"));
        // `partial` marks the quarter the JSON calls running, and only that one.
        let running = json(&app, "/api/venture/landscape?from=2025-01-01&to=2026-12-31&sector=ai-software").await
            ["partial_quarter"]
            .as_str()
            .map(str::to_string);
        for line in lines {
            let f: Vec<&str> = line.split(',').collect();
            let expected = running.as_deref() == Some(f[col("quarter")]);
            assert_eq!(f[col("partial")], expected.to_string(), "{line}");
        }
        // The quarter still running is marked as partial; the others are not.
        let today = Utc::now().date_naive();
        let (_, _, page) = get(&app, &format!("/venture?from={}&to={today}", today - chrono::Duration::days(400))).await;
        let doc = scraper::Html::parse_document(&page);
        let heads = scraper::Selector::parse("table.heatmap thead th[data-quarter]").unwrap();
        let partial: Vec<bool> = doc.select(&heads).map(|h| h.value().attr("data-partial").is_some()).collect();
        assert!(partial.len() >= 5, "{partial:?}");
        assert_eq!(partial.iter().filter(|p| **p).count(), 1, "{partial:?}");
        assert!(partial.last() == Some(&true), "the last quarter is the running one: {partial:?}");
        let v = json(&app, &format!("/api/venture/landscape?from={}&to={today}", today - chrono::Duration::days(400))).await;
        assert_eq!(v["partial_quarter"], v["quarters"].as_array().unwrap().last().unwrap().clone());

        let v = json(&app, "/api/venture/sectors").await;
        let bio = v["sectors"].as_array().unwrap().iter().find(|s| s["slug"] == "biotech").unwrap();
        assert_eq!((bio["rounds"].as_i64(), bio["amount_sold"].as_f64()), (Some(2), Some(20e6)));

        let v = json(&app, "/api/venture/ipo-pipeline").await;
        let groups: Vec<(&str, usize)> = v["groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| (g["status"].as_str().unwrap(), g["rows"].as_array().unwrap().len()))
            .collect();
        assert_eq!(groups, [("filed", 1), ("amended", 0), ("priced", 1), ("withdrawn", 0)]);
        let priced = &v["groups"][2]["rows"][0];
        let forms: Vec<&str> = priced["events"].as_array().unwrap().iter().map(|e| e["form"].as_str().unwrap()).collect();
        assert_eq!(forms, ["S-1", "S-1/A", "424B4"]);
        assert_eq!((priced["price_low"].as_f64(), priced["price_high"].as_f64()), (Some(21.0), Some(21.0)));
        assert_eq!((priced["shares_offered"].as_i64(), priced["offering_amount"].as_f64()), (Some(8_000_000), Some(168e6)));
        let src = &priced["terms_source"];
        assert_eq!((src["form"].as_str(), src["filed_on"].as_str()), (Some("424B4"), Some("2026-05-05")));
        assert_eq!(src["url"].as_str(), Some("https://www.sec.gov/Archives/edgar/data/2001/000200126000002/0002001-26-000002-index.htm"));
        let filed = &v["groups"][0]["rows"][0];
        for k in ["price_low", "price_high", "shares_offered", "offering_amount", "terms_source"] {
            assert!(filed[k].is_null(), "{k}: {filed}");
        }
        let v = json(&app, "/api/venture/ipo-pipeline?status=filed").await;
        assert_eq!(v["total"], 1);
    }

    fn every_table_downloads_as_csv_with_the_same_filters(url) {
        let state = prepared_state(&url).await;
        fill(&state.db).await;
        quarry::venture::tracker::run(&state.db, 100e6, Utc::now()).await.unwrap();
        let app = quarry::server::router(state);
        let lines = |body: &str| body.lines().count();
        for (table, rows) in [
            ("funding", 7),
            ("funding.csv?sector=biotech", 2),
            ("companies", 3),
            ("investors", 2),
            ("acquisitions", 0),
            ("valuations", 0),
            ("funds", 1),
            ("ipo-pipeline", 2),
            ("sectors", 11),
        ] {
            let uri = if table.contains('?') { format!("/api/venture/{table}") } else { format!("/api/venture/{table}.csv") };
            let (status, ctype, body) = get(&app, &uri).await;
            assert_eq!(status, StatusCode::OK, "{uri}: {body}");
            assert!(ctype.starts_with("text/csv"), "{uri}: {ctype}");
            assert_eq!(lines(&body), rows + 1, "{uri}: {body}");
        }
        let (_, _, body) = get(&app, "/api/venture/funds.csv").await;
        let irr_col = body.lines().next().unwrap().split(',').position(|h| h == "irr").unwrap();
        let irr: f64 = body.lines().nth(1).unwrap().split(',').nth(irr_col).unwrap().parse().unwrap();
        assert!((irr - 0.373363).abs() < 1e-6, "{body}");
        // The IPO terms: figures, the label the page shows, and blanks (never 0) when unknown.
        let (_, _, body) = get(&app, "/api/venture/ipo-pipeline.csv").await;
        let mut lines = body.lines();
        let head: Vec<&str> = lines.next().unwrap().split(',').collect();
        let col = |row: &str, name: &str| row.split(',').nth(head.iter().position(|h| *h == name).unwrap()).unwrap().to_string();
        let rows: Vec<&str> = lines.collect();
        let priced = rows.iter().find(|r| r.contains("Orbit Labs")).unwrap();
        let filed = rows.iter().find(|r| r.contains("Quiet Compute")).unwrap();
        assert_eq!(
            ["offering", "price_low_usd", "price_high_usd", "shares_offered", "offering_amount_usd", "terms_form", "terms_filed_on"].map(|c| col(priced, c)),
            ["$168M at $21.00", "21.00", "21.00", "8000000", "168000000", "424B4", "2026-05-05"].map(String::from)
        );
        for c in ["offering", "price_low_usd", "price_high_usd", "shares_offered", "offering_amount_usd", "terms_form", "terms_accession"] {
            assert_eq!(col(filed, c), "", "{c}: {filed}");
        }
        let (status, _, _) = get(&app, "/api/venture/nope.csv").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        bad(&app, "/api/venture/funding.csv?sector=crypto", "sector").await;
    }

    fn the_chart_packs_venture_pages_draw_form_d_rounds_and_ipo_filings(url) {
        let state = prepared_state(&url).await;
        fill(&state.db).await;
        let today = d("2026-11-27");
        let data = quarry::charts::pack_service::venture_data(&state.db, d("2016-01-01")).await.unwrap().unwrap();
        // Imported rounds are not Form D filings: only the two EDGAR rounds count.
        assert_eq!(data.form_d, [(d("2025-02-10"), 5e6), (d("2026-06-15"), 0.0)]);
        assert_eq!((data.ipo_filed.len(), data.ipo_priced, data.demo), (2, vec![d("2026-05-05")], false));
        let dir = tempfile::tempdir().unwrap();
        let (info, _) = quarry::charts::pack_service::generate(&state.db, &state.universe, dir.path(), today, Utc::now())
            .await
            .unwrap();
        assert!(!info.missing_pages.contains(&9) && !info.missing_pages.contains(&10), "{:?}", info.missing_pages);
    }
}
