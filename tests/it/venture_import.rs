//! Importing what EDGAR lacks: CSV and JSON files fill every venture table in one
//! transaction, a re-import writes nothing, a bad file writes nothing and lists every bad
//! row; the upload endpoint, its HTML form, and `quarry import`.
use std::collections::BTreeMap;

use axum::body::{to_bytes, Body};
use axum::http::{Request, StatusCode};
use chrono::{NaiveDate, Utc};
use quarry::db::entities::{
    acquisitions, companies, fund_cash_flows, fund_holdings, funding_monthly, funding_rounds, funds, investors,
    round_investors, valuations,
};
use quarry::venture::import_write::{import, ImportError, ImportReport};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde_json::Value;
use tower::ServiceExt;

use crate::support::{prepared_state, test_config};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/fixtures/venture/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// Rows in every table an import writes.
async fn counts(db: &DatabaseConnection) -> BTreeMap<&'static str, u64> {
    BTreeMap::from([
        ("companies", companies::Entity::find().count(db).await.unwrap()),
        ("investors", investors::Entity::find().count(db).await.unwrap()),
        ("funds", funds::Entity::find().count(db).await.unwrap()),
        ("rounds", funding_rounds::Entity::find().count(db).await.unwrap()),
        ("round_investors", round_investors::Entity::find().count(db).await.unwrap()),
        ("valuations", valuations::Entity::find().count(db).await.unwrap()),
        ("acquisitions", acquisitions::Entity::find().count(db).await.unwrap()),
        ("cash_flows", fund_cash_flows::Entity::find().count(db).await.unwrap()),
        ("holdings", fund_holdings::Entity::find().count(db).await.unwrap()),
    ])
}

/// What the valid fixtures hold, table by table.
const EXPECTED: [(&str, u64); 9] = [
    ("companies", 4),
    // Two with rows of their own, two only named (Cobalt Ventures in rounds, Basalt Capital as a manager).
    ("investors", 4),
    ("funds", 2),
    ("rounds", 4),
    ("round_investors", 7),
    // Two from the rounds' post-money, two rows of their own.
    ("valuations", 4),
    ("acquisitions", 2),
    ("cash_flows", 5),
    ("holdings", 2),
];

fn per_table(r: &ImportReport) -> BTreeMap<String, (u64, u64, u64)> {
    r.tables.iter().map(|t| (t.table.clone(), (t.inserted, t.updated, t.unchanged))).collect()
}

fn assert_all_inserted(r: &ImportReport) {
    let tables = per_table(r);
    for (table, n) in EXPECTED {
        assert_eq!(tables[table], (n, 0, 0), "{table}: {r:?}");
    }
    assert_eq!((r.inserted, r.updated, r.unchanged), (34, 0, 0));
}

fn assert_all_unchanged(r: &ImportReport) {
    let tables = per_table(r);
    for (table, n) in EXPECTED {
        assert_eq!(tables[table], (0, 0, n), "{table}: {r:?}");
    }
    assert_eq!((r.inserted, r.updated, r.unchanged), (0, 0, 34));
}

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// The values the valid fixtures must have left, whichever format they came in.
async fn check_values(db: &DatabaseConnection, file: &str) {
    let by_name = |n: &str| companies::Entity::find().filter(companies::Column::Name.eq(n.to_string())).one(db);
    let lumen = by_name("Lumen Robotics, Inc.").await.unwrap().unwrap();
    assert_eq!(
        (lumen.key.as_str(), lumen.sector.as_str(), lumen.state.as_deref(), lumen.year_of_inc),
        ("name:lumen-robotics-inc", "ai-software", Some("CA"), Some(2019))
    );
    assert_eq!(lumen.source, "import");
    assert!(lumen.source_id.starts_with(&format!("{file}:")), "{}", lumen.source_id);
    let halcyon = by_name("Halcyon Therapeutics").await.unwrap().unwrap();
    assert_eq!((halcyon.key.as_str(), halcyon.cik), ("cik:1999001", Some(1999001)));
    let gridwise = by_name("Gridwise Energy").await.unwrap().unwrap();

    let series_a = funding_rounds::Entity::find()
        .filter(funding_rounds::Column::Key.eq("import:lumen-robotics-inc:2024-03-12:series-a"))
        .one(db)
        .await
        .unwrap()
        .expect("the series A, keyed by company slug, date and stage");
    assert_eq!(series_a.company_id, lumen.id);
    assert_eq!(series_a.amount_sold, Some(18_000_000.0));
    assert_eq!((series_a.sector.as_str(), series_a.state.as_deref()), ("ai-software", Some("CA")));
    assert_eq!((series_a.form_type.as_str(), series_a.source.as_str()), ("import", "import"));
    // The round named by CIK is Halcyon's.
    let series_b = funding_rounds::Entity::find()
        .filter(funding_rounds::Column::Key.eq("import:halcyon-therapeutics:2024-09-30:series-b"))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(series_b.company_id, halcyon.id);

    // Leads: one on the series A (named in both columns, counted once), two on the series B.
    let inv: BTreeMap<i32, investors::Model> =
        investors::Entity::find().all(db).await.unwrap().into_iter().map(|i| (i.id, i)).collect();
    let inv = &inv;
    let people = |round: i32| async move {
        let mut v: Vec<(String, bool)> = round_investors::Entity::find()
            .filter(round_investors::Column::RoundId.eq(round))
            .all(db)
            .await
            .unwrap()
            .into_iter()
            .map(|ri| (inv[&ri.investor_id].name.clone(), ri.is_lead))
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        people(series_a.id).await,
        vec![("Ada Angel".into(), false), ("Cobalt Ventures".into(), false), ("Redwood Partners".into(), true)]
    );
    assert_eq!(
        people(series_b.id).await,
        vec![("Basalt Capital".into(), true), ("Cobalt Ventures".into(), true), ("Redwood Partners".into(), false)]
    );
    let kind = |n: &str| inv.values().find(|i| i.name == n).unwrap().kind.clone();
    assert_eq!(kind("Ada Angel"), "angel");
    assert_eq!(kind("Cobalt Ventures"), "venture capital", "named only in a round: the default kind");
    assert_eq!(inv.values().find(|i| i.name == "Cobalt Ventures").unwrap().key, "name:cobalt-ventures");

    // The series A's post-money became a valuation tied to the round.
    let v = valuations::Entity::find()
        .filter(valuations::Column::RoundId.eq(series_a.id))
        .one(db)
        .await
        .unwrap()
        .expect("a valuation from the post-money");
    assert_eq!(
        (v.company_id, v.basis.as_str(), v.valued_on, v.pre_money, v.post_money),
        (lumen.id, "post-money", day("2024-03-12"), Some(62_000_000.0), 80_000_000.0)
    );
    assert_eq!(v.key, "import:lumen-robotics-inc:2024-03-12:post-money");
    let a409 = valuations::Entity::find().filter(valuations::Column::Basis.eq("409A")).one(db).await.unwrap().unwrap();
    assert_eq!((a409.company_id, a409.round_id, a409.post_money), (halcyon.id, None, 280_000_000.0));

    // Funds: the manager is an investor; calls are stored negative whatever sign was given.
    let redwood = funds::Entity::find()
        .filter(funds::Column::Name.eq("Redwood Partners Fund III"))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(redwood.manager_id.map(|id| inv[&id].name.clone()).as_deref(), Some("Redwood Partners"));
    assert_eq!((redwood.vintage, redwood.target_size), (Some(2019), Some(250_000_000.0)));
    let basalt =
        funds::Entity::find().filter(funds::Column::Name.eq("Basalt Growth Fund I")).one(db).await.unwrap().unwrap();
    assert_eq!(basalt.manager_id.map(|id| inv[&id].name.clone()).as_deref(), Some("Basalt Capital"));
    let flows: Vec<(String, f64)> = fund_cash_flows::Entity::find()
        .filter(fund_cash_flows::Column::FundId.eq(redwood.id))
        .order_by_asc(fund_cash_flows::Column::FlowDate)
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|f| (f.kind, f.amount))
        .collect();
    assert_eq!(
        flows,
        vec![
            ("call".into(), -25_000_000.0),
            ("call".into(), -30_000_000.0),
            ("distribution".into(), 12_000_000.0),
            ("nav".into(), 95_000_000.0)
        ]
    );
    let holding = fund_holdings::Entity::find()
        .filter(fund_holdings::Column::FundId.eq(basalt.id))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (holding.company_id, holding.invested, holding.realized, holding.unrealized),
        (halcyon.id, 20_000_000.0, 0.0, 30_000_000.0)
    );

    // Acquisitions: a target Quarry knows is linked; an acquirer it does not is kept by name.
    let deal = acquisitions::Entity::find()
        .filter(acquisitions::Column::Key.eq("import:atlas-power-corp:gridwise-energy:2025-05-02"))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (deal.target_id, deal.acquirer_id, deal.acquirer_name.as_deref()),
        (Some(gridwise.id), None, Some("Atlas Power Corp"))
    );
    assert_eq!((deal.status.as_str(), deal.sector.as_str(), deal.price), ("completed", "energy", Some(120_000_000.0)));
    assert_eq!(deal.closed_on, Some(day("2025-08-15")));
}

crate::on_both_backends! {
    fn a_csv_import_fills_every_table_and_a_second_changes_nothing(url) {
        let state = prepared_state(&url).await;
        let bytes = fixture("import_valid.csv");
        let first = import(&state.db, "fixtures/import_valid.csv", &bytes, false, Utc::now()).await.unwrap();
        assert_eq!((first.file.as_str(), first.format.as_str(), first.rows, first.dry_run), ("import_valid.csv", "csv", 23, false));
        assert_all_inserted(&first);
        let after = counts(&state.db).await;
        assert_eq!(after, EXPECTED.into_iter().collect::<BTreeMap<_, _>>());
        check_values(&state.db, "import_valid.csv").await;
        // Provenance: the file and the line (line 3 is the header, after two comment lines).
        let lumen = companies::Entity::find().filter(companies::Column::Key.eq("name:lumen-robotics-inc")).one(&state.db).await.unwrap().unwrap();
        assert_eq!(lumen.source_id, "import_valid.csv:4");

        let second = import(&state.db, "import_valid.csv", &bytes, false, Utc::now()).await.unwrap();
        assert_all_unchanged(&second);
        assert_eq!(counts(&state.db).await, after);
        assert!(second.lines().contains(&"total: 0 inserted, 0 updated, 34 unchanged".to_string()), "{:?}", second.lines());
    }

    fn a_json_import_fills_the_same_tables_and_after_the_csv_adds_nothing(url) {
        let state = prepared_state(&url).await;
        let json = fixture("import_valid.json");
        let r = import(&state.db, "import_valid.json", &json, false, Utc::now()).await.unwrap();
        assert_eq!((r.format.as_str(), r.rows), ("json", 23));
        assert_all_inserted(&r);
        check_values(&state.db, "import_valid.json").await;
        // A JSON row's source id is the line its object starts on.
        let lumen = companies::Entity::find().filter(companies::Column::Key.eq("name:lumen-robotics-inc")).one(&state.db).await.unwrap().unwrap();
        assert_eq!(lumen.source_id, "import_valid.json:3");
        // The CSV says the same things: nothing to write, and the first provenance stays.
        let r = import(&state.db, "import_valid.csv", &fixture("import_valid.csv"), false, Utc::now()).await.unwrap();
        assert_all_unchanged(&r);
        let lumen = companies::Entity::find().filter(companies::Column::Key.eq("name:lumen-robotics-inc")).one(&state.db).await.unwrap().unwrap();
        assert_eq!(lumen.source_id, "import_valid.json:3");
    }

    fn a_file_with_three_bad_rows_lists_all_three_and_writes_nothing(url) {
        let state = prepared_state(&url).await;
        import(&state.db, "import_valid.csv", &fixture("import_valid.csv"), false, Utc::now()).await.unwrap();
        let before = counts(&state.db).await;
        let lumen_before = companies::Entity::find().filter(companies::Column::Key.eq("name:lumen-robotics-inc")).one(&state.db).await.unwrap().unwrap();

        let err = import(&state.db, "import_bad.csv", &fixture("import_bad.csv"), false, Utc::now()).await.unwrap_err();
        let ImportError::Invalid { file, errors } = err else { panic!("not a validation error: {err}") };
        assert_eq!(file, "import_bad.csv");
        let said: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
        assert_eq!(
            said,
            vec![
                "line 4: amount_usd: not a number: \"12,5m\"",
                "line 5: stage: unknown stage \"series-z\"; one of pre-seed, seed, series-a, series-b, series-c, series-d+, growth, debt, grant, unstated",
                "line 8: company: unknown company \"Nobody Inc\": add a company row",
            ]
        );
        assert_eq!(errors.iter().map(|e| e.line).collect::<Vec<_>>(), vec![Some(4), Some(5), Some(8)]);
        assert_eq!(errors[0].field.as_deref(), Some("amount_usd"));
        // Nothing moved: not the good rows' new round, cash flow or website either.
        assert_eq!(counts(&state.db).await, before);
        let lumen_after = companies::Entity::find().filter(companies::Column::Key.eq("name:lumen-robotics-inc")).one(&state.db).await.unwrap().unwrap();
        assert_eq!(lumen_after, lumen_before);

        // A dry run of a good file counts what it would do and writes nothing either.
        let fresh = import(&state.db, "import_bad_fixed.csv", b"record,name,website\ncompany,Lumen Robotics Inc.,https://x.example\ncompany,New Co,\n", true, Utc::now()).await.unwrap();
        assert!(fresh.dry_run);
        assert_eq!(per_table(&fresh)["companies"], (1, 1, 0), "{fresh:?}");
        assert_eq!(counts(&state.db).await, before);
    }

    fn a_known_company_is_enriched_not_duplicated_and_keeps_its_provenance(url) {
        let state = prepared_state(&url).await;
        let now = Utc::now();
        // As the EDGAR sync would have stored it.
        let edgar = companies::Model {
            id: 0, key: "cik:1999001".into(), cik: Some(1999001), name: "HALCYON THERAPEUTICS".into(),
            name_key: "halcyon therapeutics".into(), sector: "biotech".into(), state: Some("MA".into()), city: None,
            jurisdiction: Some("DELAWARE".into()), year_of_inc: None, sic: Some(2834), industry_group: Some("Biotechnology".into()),
            website: None, description: None, tickers: None, source: "edgar".into(), source_id: "0001999001-24-000001".into(), fetched_at: now,
        };
        quarry::venture::upsert::upsert_company(&state.db, edgar).await.unwrap();
        let r = import(&state.db, "import_valid.csv", &fixture("import_valid.csv"), false, now).await.unwrap();
        assert_eq!(per_table(&r)["companies"], (3, 1, 0));
        let h = companies::Entity::find().filter(companies::Column::Cik.eq(1999001i64)).all(&state.db).await.unwrap();
        assert_eq!(h.len(), 1);
        let h = &h[0];
        assert_eq!((h.name.as_str(), h.source.as_str(), h.source_id.as_str()), ("HALCYON THERAPEUTICS", "edgar", "0001999001-24-000001"));
        assert_eq!((h.city.as_deref(), h.year_of_inc, h.sic, h.jurisdiction.as_deref()), (Some("Cambridge"), Some(2017), Some(2834), Some("DELAWARE")));
        // The round named by CIK is this company's, keyed by its (EDGAR) name.
        let round = funding_rounds::Entity::find().filter(funding_rounds::Column::CompanyId.eq(h.id)).one(&state.db).await.unwrap().unwrap();
        assert_eq!(round.key, "import:halcyon-therapeutics:2024-09-30:series-b");
        let again = import(&state.db, "import_valid.csv", &fixture("import_valid.csv"), false, now).await.unwrap();
        assert_eq!((again.inserted, again.updated), (0, 0));
    }

    fn the_upload_endpoint_answers_200_400_401_403_and_413(url) {
        let app = app(&url, "s3cret", 40_000_000.0).await;
        let csv = fixture("import_valid.csv");
        let (status, v) = upload(&app, "/api/venture/import?name=import_valid.csv", csv.clone(), None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{v}");
        let (status, _) = upload(&app, "/api/venture/import?name=import_valid.csv", csv.clone(), Some("guess")).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let (status, v) = upload(&app, "/api/venture/import?name=import_valid.csv&dry_run=maybe", csv.clone(), Some("s3cret")).await;
        assert_eq!((status, v["parameter"].as_str()), (StatusCode::BAD_REQUEST, Some("dry_run")), "{v}");

        let (status, v) = upload(&app, "/api/venture/import?name=import_valid.csv&dry_run=true", csv.clone(), Some("s3cret")).await;
        assert_eq!(status, StatusCode::OK, "{v}");
        assert_eq!((v["dry_run"].as_bool(), v["inserted"].as_u64()), (Some(true), Some(34)));
        let (_, v) = upload(&app, "/api/venture/import?name=import_valid.csv&dry_run=true", csv.clone(), Some("s3cret")).await;
        assert_eq!(v["inserted"], 34, "the dry run wrote nothing: {v}");

        let (status, v) = upload(&app, "/api/venture/import?name=import_valid.csv", csv.clone(), Some("s3cret")).await;
        assert_eq!(status, StatusCode::OK, "{v}");
        assert_eq!((v["file"].as_str(), v["format"].as_str(), v["inserted"].as_u64()), (Some("import_valid.csv"), Some("csv"), Some(34)));
        let rounds = v["tables"].as_array().unwrap().iter().find(|t| t["table"] == "rounds").unwrap().clone();
        assert_eq!(rounds["inserted"], 4);
        // Rounds were written, so the funding aggregates and notable flags are fresh: the
        // 45 M series B is notable at a 40 M threshold.
        assert!(v["tracker"].as_str().unwrap().contains("1 notable rounds"), "{v}");
        let db = quarry::db::connect(&url).await.unwrap();
        assert!(funding_monthly::Entity::find().count(&db).await.unwrap() > 0);
        let notable: Vec<String> = funding_rounds::Entity::find().filter(funding_rounds::Column::Notable.eq(true)).all(&db).await.unwrap().into_iter().map(|r| r.key).collect();
        assert_eq!(notable, vec!["import:halcyon-therapeutics:2024-09-30:series-b"]);

        // The same file again: nothing written, and the tracker's flag is left alone.
        let (status, v) = upload(&app, "/api/venture/import?name=import_valid.csv", csv.clone(), Some("s3cret")).await;
        assert_eq!((status, v["inserted"].as_u64(), v["updated"].as_u64(), v["unchanged"].as_u64()), (StatusCode::OK, Some(0), Some(0), Some(34)), "{v}");
        assert!(v["tracker"].is_null(), "no rounds changed, no refresh: {v}");

        // The JSON file, named without an extension: the content decides.
        let (status, v) = upload(&app, "/api/venture/import?name=upload", fixture("import_valid.json"), Some("s3cret")).await;
        assert_eq!((status, v["format"].as_str(), v["unchanged"].as_u64()), (StatusCode::OK, Some("json"), Some(34)), "{v}");

        let (status, v) = upload(&app, "/api/venture/import?name=import_bad.csv", fixture("import_bad.csv"), Some("s3cret")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{v}");
        assert_eq!(v["kind"], "bad_request");
        assert!(v["message"].as_str().unwrap().contains("3 problems"), "{v}");
        let errs = v["errors"].as_array().unwrap();
        assert_eq!(errs.iter().map(|e| e["line"].as_u64().unwrap()).collect::<Vec<_>>(), vec![4, 5, 8]);
        assert_eq!(errs[0]["field"], "amount_usd");
        assert_eq!(errs[0]["reason"], "not a number: \"12,5m\"");

        let (status, v) = upload(&app, "/api/venture/import?name=page.csv", b"<!DOCTYPE html><html><body>Moved</body></html>".to_vec(), Some("s3cret")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(v["errors"][0]["reason"].as_str().unwrap().contains("HTML"), "{v}");
        assert!(v["errors"][0]["line"].is_null());
        let (status, v) = upload(&app, "/api/venture/import?name=empty.csv", Vec::new(), Some("s3cret")).await;
        assert_eq!((status, v["errors"][0]["reason"].as_str()), (StatusCode::BAD_REQUEST, Some("the file is empty")));

        let big = vec![b'a'; quarry::venture::import::MAX_IMPORT_BYTES + 1];
        let (status, v) = upload(&app, "/api/venture/import?name=big.csv", big, Some("s3cret")).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{v}");
        assert!(v["message"].as_str().unwrap().contains("10 MB"), "{v}");

        let closed = app_with(&url, "", 100e6).await;
        let (status, v) = upload(&closed, "/api/venture/import?name=import_valid.csv", csv, Some("s3cret")).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{v}");
        assert!(v["message"].as_str().unwrap().contains("QUARRY_ADMIN_TOKEN"));
    }

    fn the_upload_form_answers_with_an_html_page(url) {
        let app = app(&url, "s3cret", 100e6).await;
        // A visitor gets the sign-in instead of the form.
        let page = page_of(&app, "/venture/import", None).await;
        assert!(page.contains("sign-in-first") && page.contains("/login?next=%2Fventure%2Fimport"), "{page}");
        assert!(!page.contains("import-form"), "no form for a visitor");
        // The signed-in admin's page, as a browser without JavaScript gets it: a plain form
        // and the layout, with no token to paste.
        let cookie = sign_in(&app).await;
        let page = page_of(&app, "/venture/import", Some(&cookie)).await;
        assert!(page.contains("method=\"post\" action=\"/api/venture/import/form\" enctype=\"multipart/form-data\""), "{page}");
        let at = |field: &str| page.find(&format!("name=\"{field}\"")).unwrap_or_else(|| panic!("{field} missing"));
        assert!(at("name") < at("file") && at("dry_run") < at("file") && at("file") < at("content"));
        assert!(!page.contains("name=\"token\""));
        for record in ["company", "round", "investor", "acquisition", "valuation", "fund", "cash_flow", "holding"] {
            assert!(page.contains(&format!("data-record=\"{record}\"")), "{record} missing from the layout help");
        }

        let csv = fixture("import_valid.csv");
        // The form as the signed-in admin's browser posts it: the session cookie, this site's Origin.
        let (content_type, body) = multipart(&[("dry_run", b"true"), ("file:import_valid.csv", &csv)]);
        let req = Request::post("/api/venture/import/form").header("content-type", content_type)
            .header("cookie", &cookie).header("host", "quarry.test").header("origin", "http://quarry.test")
            .body(Body::from(body)).unwrap();
        let res = app.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let html = String::from_utf8(to_bytes(res.into_body(), 1 << 20).await.unwrap().to_vec()).unwrap();
        assert_eq!(status, StatusCode::OK, "{html}");
        assert!(html.contains("import_valid.csv is valid (dry run: nothing was written)"), "{html}");
        // A chosen file, named by the file itself; the empty textarea is ignored.
        let (status, html) = post_form(&app, &[("token", b"s3cret"), ("name", b""), ("file:import_valid.csv", &csv), ("content", b"")]).await;
        assert_eq!(status, StatusCode::OK, "{html}");
        assert!(html.contains("<h1>Imported import_valid.csv</h1>"), "{html}");
        assert!(html.contains("34 inserted, 0 updated, 0 unchanged"), "{html}");
        assert!(html.contains("<tr data-table=\"rounds\"><th scope=\"row\">rounds</th><td class=\"num\">4</td>"), "{html}");
        assert!(html.contains("href=\"/venture/import\""));

        // Pasted content, with a textarea's CRLF line ends.
        let bad = String::from_utf8(fixture("import_bad.csv")).unwrap().replace('\n', "\r\n");
        let (status, html) = post_form(&app, &[("token", b"s3cret"), ("name", b"import_bad.csv"), ("dry_run", b"true"), ("file:", b""), ("content", bad.as_bytes())]).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(html.contains("Nothing was imported"));
        for l in [4, 5, 8] {
            assert!(html.contains(&format!("<li data-line=\"{l}\">line {l}: ")), "line {l} missing: {html}");
        }
        assert!(html.contains("not a number: &quot;12,5m&quot;"), "escaped: {html}");

        let (status, html) = post_form(&app, &[("name", b"x.csv"), ("content", &csv)]).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert!(html.contains("sign in as the admin at"), "{html}");
        let (status, html) = post_form(&app, &[("token", b"s3cret"), ("file:", b"")]).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(html.contains("Choose a file"), "{html}");
        // The old url-encoded form is refused with a message, not a 500.
        let req = Request::post("/api/venture/import/form")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from("token=s3cret&content=x"))
            .unwrap();
        let res = app.clone().oneshot(req).await.unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    }
}

async fn app(url: &str, token: &str, notable_usd: f64) -> axum::Router {
    app_with(url, token, notable_usd).await
}

async fn app_with(url: &str, token: &str, notable_usd: f64) -> axum::Router {
    let mut c = test_config(url);
    c.admin_token = serde_json::from_str(&format!("\"{token}\"")).unwrap();
    c.venture.notable_round_usd = notable_usd;
    let state = quarry::startup::prepare(c).await.unwrap();
    let hash = quarry::auth::password::hash(ADMIN_PASSWORD).unwrap();
    quarry::auth::password::store(&state.db, &hash, Utc::now()).await.unwrap();
    quarry::server::router(state)
}

const ADMIN_PASSWORD: &str = "the import test's passphrase";

/// Signs in as a program does; the session cookie's `name=value`.
async fn sign_in(app: &axum::Router) -> String {
    let body = format!("password={}", quarry::params::encode(ADMIN_PASSWORD));
    let req = Request::post("/login")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    res.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_string()
}

async fn page_of(app: &axum::Router, uri: &str, cookie: Option<&str>) -> String {
    let mut req = Request::get(uri);
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    let res = app.clone().oneshot(req.body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    String::from_utf8(to_bytes(res.into_body(), 1 << 20).await.unwrap().to_vec()).unwrap()
}

async fn upload(app: &axum::Router, uri: &str, body: Vec<u8>, bearer: Option<&str>) -> (StatusCode, Value) {
    let mut req = Request::post(uri).header("content-type", "text/csv");
    if let Some(t) = bearer {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let res = app.clone().oneshot(req.body(Body::from(body)).unwrap()).await.unwrap();
    let status = res.status();
    let body = to_bytes(res.into_body(), 1 << 20).await.unwrap();
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

/// Posts the upload form as a browser does: multipart, fields in the order given. A field
/// named `file:NAME` is a file input whose chosen file is NAME (empty: none chosen).
async fn post_form(app: &axum::Router, fields: &[(&str, &[u8])]) -> (StatusCode, String) {
    let (content_type, body) = multipart(fields);
    let req =
        Request::post("/api/venture/import/form").header("content-type", content_type).body(Body::from(body)).unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let body = to_bytes(res.into_body(), 1 << 20).await.unwrap();
    (status, String::from_utf8(body.to_vec()).unwrap())
}

fn multipart(fields: &[(&str, &[u8])]) -> (String, Vec<u8>) {
    const BOUNDARY: &str = "----quarry-test-7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for (name, value) in fields {
        let disposition = match name.strip_prefix("file:") {
            Some(file) => format!("form-data; name=\"file\"; filename=\"{file}\"\r\nContent-Type: text/csv"),
            None => format!("form-data; name=\"{name}\""),
        };
        body.extend_from_slice(format!("--{BOUNDARY}\r\nContent-Disposition: {disposition}\r\n\r\n").as_bytes());
        body.extend_from_slice(value);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={BOUNDARY}"), body)
}

mod cli {
    //! `quarry import` as a user runs it.
    use std::process::Command;

    const BIN: &str = env!("CARGO_BIN_EXE_quarry");

    fn quarry(dir: &std::path::Path) -> Command {
        let mut c = Command::new(BIN);
        c.env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("QUARRY_DATA_DIR", dir.join("data"))
            .env("QUARRY_CONFIG", dir.join("Leptos.toml"))
            .env("QUARRY_BACKFILL_ON_START", "0")
            .current_dir(dir);
        std::fs::write(dir.join("Leptos.toml"), "").unwrap();
        c
    }

    fn run(dir: &std::path::Path, args: &[&str]) -> (bool, String, String) {
        let out = quarry(dir).args(args).output().unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).to_string(),
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    }

    #[test]
    fn import_prints_a_summary_per_table_and_fails_listing_every_bad_row() {
        let dir = tempfile::tempdir().unwrap();
        let fixtures = format!("{}/tests/fixtures/venture", env!("CARGO_MANIFEST_DIR"));
        let valid = format!("{fixtures}/import_valid.csv");

        let (ok, out, err) = run(dir.path(), &["import", &valid, "--dry-run"]);
        assert!(ok, "{out}{err}");
        assert!(out.starts_with("dry run of import_valid.csv (csv, 23 rows): valid; nothing was written"), "{out}");
        assert!(out.contains("total: 34 inserted, 0 updated, 0 unchanged"), "{out}");

        let (ok, out, err) = run(dir.path(), &["import", &valid]);
        assert!(ok, "{out}{err}");
        assert!(out.starts_with("imported import_valid.csv (csv, 23 rows):"), "the dry run wrote nothing: {out}");
        for line in [
            "  companies        4 inserted, 0 updated, 0 unchanged",
            "  rounds           4 inserted, 0 updated, 0 unchanged",
            "  round_investors  7 inserted, 0 updated, 0 unchanged",
            "  cash_flows       5 inserted, 0 updated, 0 unchanged",
            "total: 34 inserted, 0 updated, 0 unchanged",
        ] {
            assert!(out.lines().any(|l| l == line), "{line:?} missing in\n{out}");
        }
        assert!(out.contains("funding_tracker refreshed"), "{out}");

        let (ok, out, _) = run(dir.path(), &["import", &valid]);
        assert!(ok);
        assert!(out.contains("total: 0 inserted, 0 updated, 34 unchanged"), "{out}");

        let (ok, out, err) = run(dir.path(), &["import", &format!("{fixtures}/import_bad.csv")]);
        assert!(!ok, "a bad file must fail: {out}");
        let errors: Vec<&str> = err.lines().filter(|l| l.starts_with("line ")).collect();
        assert_eq!(
            errors,
            vec![
                "line 4: amount_usd: not a number: \"12,5m\"",
                "line 5: stage: unknown stage \"series-z\"; one of pre-seed, seed, series-a, series-b, series-c, series-d+, growth, debt, grant, unstated",
                "line 8: company: unknown company \"Nobody Inc\": add a company row",
            ],
            "{err}"
        );
        assert!(err.contains("import_bad.csv: 3 problems found; nothing was imported"), "{err}");

        let (ok, _, err) = run(dir.path(), &["import", "nowhere.csv"]);
        assert!(!ok && err.contains("cannot read nowhere.csv"), "{err}");
    }
}

mod defaults {
    use super::*;

    crate::on_both_backends! {
        // Bulk inserts leave out the columns that are NULL in every row of a batch
        // (`upsert::omit_null_columns`): that stores NULL only while these tables declare no
        // column defaults.
        fn venture_tables_declare_no_column_defaults_so_omitted_columns_are_null(url) {
            use sea_orm::{ConnectionTrait, DbBackend, Statement};
            let state = prepared_state(&url).await;
            let backend = state.db.get_database_backend();
            for table in [
                "companies", "investors", "funding_rounds", "round_investors", "valuations", "acquisitions", "funds",
                "fund_cash_flows", "fund_holdings", "ipo_filings",
            ] {
                let sql = match backend {
                    DbBackend::Sqlite => format!("SELECT name FROM pragma_table_info('{table}') WHERE dflt_value IS NOT NULL"),
                    _ => format!(
                        "SELECT column_name AS name FROM information_schema.columns \
                         WHERE table_name = '{table}' AND column_default IS NOT NULL AND column_name <> 'id'"
                    ),
                };
                let found = state.db.query_all_raw(Statement::from_string(backend, sql)).await.unwrap();
                let columns: Vec<String> = found.iter().map(|r| r.try_get("", "name").unwrap()).collect();
                assert!(columns.is_empty(), "{table} declares defaults for {columns:?}");
            }
            // And a round imported without a Form D's fields has them NULL.
            let csv = "record,name,sector,state,company,announced_on,stage,amount_usd\n\
                       company,Nullary Labs,ai-software,CA,,,,\n\
                       round,,,,Nullary Labs,2025-03-04,seed,1500000\n";
            import(&state.db, "nulls.csv", csv.as_bytes(), false, Utc::now()).await.unwrap();
            let round = funding_rounds::Entity::find().one(&state.db).await.unwrap().unwrap();
            assert_eq!((round.accession, round.amount_offered, round.first_sale_on), (None, None, None));
            assert_eq!(round.amount_sold, Some(1_500_000.0));
        }

        // `notable` is funding_tracker's: importing the same round again leaves it alone.
        fn a_reimport_keeps_the_trackers_notable_flag(url) {
            use sea_orm::{ActiveModelTrait, ActiveValue, IntoActiveModel};
            let state = prepared_state(&url).await;
            let csv = "record,name,sector,state,company,announced_on,stage,amount_usd\n\
                       company,Flagged Labs,ai-software,CA,,,,\n\
                       round,,,,Flagged Labs,2025-03-04,series-b,250000000\n";
            import(&state.db, "a.csv", csv.as_bytes(), false, Utc::now()).await.unwrap();
            let mut round = funding_rounds::Entity::find().one(&state.db).await.unwrap().unwrap().into_active_model();
            round.notable = ActiveValue::Set(true);
            round.update(&state.db).await.unwrap();
            let again = import(&state.db, "a.csv", csv.as_bytes(), false, Utc::now()).await.unwrap();
            assert_eq!((again.inserted, again.updated), (0, 0), "{again:?}");
            let round = funding_rounds::Entity::find().one(&state.db).await.unwrap().unwrap();
            assert!(round.notable, "the import reset the tracker's flag");
        }
    }
}
