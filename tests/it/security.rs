//! Issue 14's defects, each as an attacker or an unlucky operator meets it: hostile strings
//! in the database and in the URL reach no page as markup, every response carries the
//! security headers, far dates and unknown paths are answered (not panics or 500s), a
//! panic is a 500 and not a dropped connection, and CSV cells cannot run as formulas.
use std::collections::BTreeSet;

use axum::body::{to_bytes, Body};
use axum::http::{Request, StatusCode};
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::NotSet, EntityTrait, IntoActiveModel};
use serde_json::Value;
use tower::ServiceExt;

use crate::support::prepared_state;

/// Each closes the context it lands in: the title's text, an attribute value, an SVG CDATA
/// section; each then tries to run something.
const PAYLOADS: [&str; 3] =
    ["</title><script>alert(1)</script>", "\"><img src=x onerror=alert(2)>", "]]><script>alert(3)</script>"];

fn all_payloads() -> String {
    PAYLOADS.join(" ")
}

struct Answer {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
}

async fn send(app: &axum::Router, req: Request<Body>) -> Answer {
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let body = to_bytes(res.into_body(), 64 << 20).await.unwrap();
    Answer { status, headers, body: String::from_utf8_lossy(&body).into_owned() }
}

async fn get(app: &axum::Router, uri: &str) -> Answer {
    send(app, Request::get(uri).body(Body::empty()).unwrap()).await
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The nonce the response's policy allows, if any.
fn policy_nonce(headers: &axum::http::HeaderMap) -> Option<String> {
    let policy = headers.get("content-security-policy")?.to_str().ok()?;
    policy
        .split_whitespace()
        .find_map(|w| w.strip_prefix("'nonce-").map(|n| n.trim_end_matches(['\'', ';']).to_string()))
}

/// Parses the page as a browser would and fails on anything that could run: a script that
/// is neither the app's own file nor carries the response's nonce, an event-handler
/// attribute, a `javascript:` URL, an element that embeds or re-bases the document.
fn assert_no_executable_markup(html: &str, nonce: Option<&str>, context: &str) {
    let doc = scraper::Html::parse_document(html);
    for el in doc.select(&scraper::Selector::parse("*").unwrap()) {
        let v = el.value();
        let name = v.name();
        match name {
            "script" => {
                let own_file = v.attr("src").is_some_and(|s| s.starts_with("/pkg/"));
                // leptos puts the response's nonce on each of its own inline scripts; an
                // injected one has none (or, under a policy, not this one).
                let nonced = match nonce {
                    Some(n) => v.attr("nonce") == Some(n),
                    None => v.attr("nonce").is_some_and(|n| !n.is_empty()),
                };
                let shown: String = el.html().chars().take(200).collect();
                assert!(own_file || nonced, "{context}: a script that is not the app's: {shown}");
            }
            "iframe" | "frame" | "frameset" | "object" | "embed" | "applet" | "base" => {
                panic!("{context}: a <{name}> element in the page")
            }
            "meta" if v.attr("http-equiv").is_some_and(|x| x.eq_ignore_ascii_case("refresh")) => {
                panic!("{context}: a meta refresh in the page")
            }
            _ => {}
        }
        for (attr, value) in v.attrs() {
            assert!(
                !attr.to_ascii_lowercase().starts_with("on"),
                "{context}: event handler {attr}={value:?} on <{name}>"
            );
            let lower = value.trim().to_ascii_lowercase();
            assert!(!lower.starts_with("javascript:"), "{context}: javascript: URL in {attr} of <{name}>");
        }
    }
}

/// The document's title as the browser shows it.
fn title_text(html: &str) -> String {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse("head > title").unwrap();
    doc.select(&sel).next().map(|t| t.text().collect()).unwrap_or_default()
}

/// An SVG download as an XML parser (and a browser opening the file) reads it: no script,
/// no foreign HTML, no handlers.
fn assert_svg_inert(svg: &str, context: &str) {
    let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("{context}: SVG does not parse: {e}"));
    for n in doc.descendants().filter(|n| n.is_element()) {
        let name = n.tag_name().name();
        assert!(!matches!(name, "script" | "foreignObject" | "iframe"), "{context}: <{name}> in the SVG");
        for a in n.attributes() {
            assert!(!a.name().to_ascii_lowercase().starts_with("on"), "{context}: handler {} in the SVG", a.name());
        }
    }
}

/// Fills the venture tables with names that are attacks, as an EDGAR filing or an import
/// could: a company, an investor leading its round, a fund with flows and a holding, an
/// acquisition, an IPO filing, a failed job whose error quotes an upstream page.
async fn fill_hostile(state: &quarry::state::AppState) -> (i32, i32, i32) {
    let p = all_payloads();
    let company = format!("Acme {p}");
    let investor = format!("Pine {p}");
    let fund = format!("Fund {p} I");
    let doc = serde_json::json!({
        "companies": [{"name": company, "sector": "ai-software", "website": "javascript:alert(4)", "description": p}],
        "investors": [{"name": investor, "website": "javascript:alert(5)"}],
        "rounds": [{"company": company, "announced_on": "2025-03-04", "stage": "series-a", "amount_usd": 12000000,
                    "post_money_usd": 60000000, "lead_investors": [investor], "investors": [investor]}],
        "acquisitions": [{"acquirer": company, "target": format!("Target {p}"), "announced_on": "2025-06-01"}],
        "funds": [{"name": fund, "manager": investor, "vintage": 2020, "size_usd": 50000000}],
        "cash_flows": [
            {"fund": fund, "date": "2020-03-31", "kind": "call", "amount_usd": 10000000},
            {"fund": fund, "date": "2024-03-31", "kind": "distribution", "amount_usd": 4000000},
            {"fund": fund, "date": "2025-03-31", "kind": "nav", "amount_usd": 12000000}
        ],
        "holdings": [{"fund": fund, "company": company, "invested_usd": 5000000, "as_of": "2025-03-31"}]
    });
    let report = quarry::venture::import_write::import(
        &state.db,
        &format!("{p}.json"),
        serde_json::to_string(&doc).unwrap().as_bytes(),
        false,
        Utc::now(),
    )
    .await
    .unwrap_or_else(|e| panic!("the hostile import was refused: {e}"));
    assert!(report.inserted > 0, "{report:?}");

    use quarry::db::entities::{companies, funds, investors, ipo_filings, job_runs};
    let now = Utc::now();
    ipo_filings::Model {
        id: 0,
        key: "ipo:hostile".into(),
        cik: Some(1999999),
        company_id: None,
        company_name: format!("Listing {p}"),
        sector: "ai-software".into(),
        form: "S-1".into(),
        status: "filed".into(),
        filed_on: "2025-05-01".parse().unwrap(),
        last_event_on: "2025-05-01".parse().unwrap(),
        priced_on: None,
        withdrawn_on: None,
        amendments: 0,
        accession: "0001999999-25-000001".into(),
        price_low: Some(10.0),
        price_high: Some(12.0),
        shares_offered: Some(5_000_000),
        offering_amount: Some(60e6),
        terms_form: Some(format!("S-1 {p}")),
        terms_accession: Some("0001999999-25-000001".into()),
        terms_filed_on: Some("2025-05-01".parse().unwrap()),
        source: "edgar".into(),
        source_id: "0001999999-25-000001".into(),
        fetched_at: now,
    }
    .into_active_model()
    .reset_all()
    .tap_id_unset()
    .insert(&state.db)
    .await
    .unwrap();
    job_runs::Model {
        id: 0,
        job: "commodity_prices".into(),
        slot: format!("manual:{p}"),
        started_at: now,
        finished_at: Some(now),
        status: "failed".into(),
        rows_written: 0,
        error: Some(format!("upstream answered an HTML page: {p}")),
        progress: None,
        owner: None,
        detail: None,
    }
    .into_active_model()
    .reset_all()
    .tap_id_unset()
    .insert(&state.db)
    .await
    .unwrap();

    let id_of = |name: &str| name.to_string();
    let c = companies::Entity::find()
        .all(&state.db)
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.name == id_of(&company))
        .unwrap();
    let i = investors::Entity::find()
        .all(&state.db)
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.name == id_of(&investor))
        .unwrap();
    let f = funds::Entity::find().all(&state.db).await.unwrap().into_iter().find(|m| m.name == id_of(&fund)).unwrap();
    (c.id, i.id, f.id)
}

/// Lets a model with an id of 0 be inserted as a new row.
trait UnsetId {
    fn tap_id_unset(self) -> Self;
}

impl UnsetId for quarry::db::entities::ipo_filings::ActiveModel {
    fn tap_id_unset(mut self) -> Self {
        self.id = NotSet;
        self
    }
}

impl UnsetId for quarry::db::entities::job_runs::ActiveModel {
    fn tap_id_unset(mut self) -> Self {
        self.id = NotSet;
        self
    }
}

/// Every query parameter any page or endpoint reads.
const PARAMS: [&str; 26] = [
    "sector",
    "stage",
    "state",
    "q",
    "from",
    "to",
    "base",
    "sort",
    "dir",
    "page",
    "per_page",
    "notable",
    "group",
    "range",
    "instruments",
    "series",
    "overlays",
    "log",
    "interval",
    "points",
    "stance",
    "limit",
    "status",
    "company",
    "error",
    "view",
];

/// Every page route of the app, with its parameters filled: each slug of the universe, the
/// hostile rows' ids, and the payloads themselves as path segments.
fn page_paths(ids: (i32, i32, i32)) -> Vec<String> {
    let p = encode(&all_payloads());
    let mut out = BTreeSet::new();
    for route in quarry::server::route_list() {
        let path = route.path().to_string();
        if !path.contains('{') && !path.contains(':') {
            out.insert(path);
            continue;
        }
        let (fill, ids_here): (&str, Vec<String>) = if path.contains("companies") {
            ("id", vec![ids.0.to_string(), p.clone()])
        } else if path.contains("investors") {
            ("id", vec![ids.1.to_string(), p.clone()])
        } else if path.contains("funds") {
            ("id", vec![ids.2.to_string(), p.clone()])
        } else {
            ("slug", vec!["gold".into(), "wti".into(), p.clone()])
        };
        for v in ids_here {
            out.insert(path.replace(&format!("{{{fill}}}"), &v).replace(&format!(":{fill}"), &v));
        }
    }
    assert!(out.len() > 20, "the route list looks short: {out:?}");
    out.into_iter().collect()
}

crate::on_both_backends! {
    fn no_page_runs_a_hostile_string_from_the_database_or_the_url(url) {
        let state = prepared_state(&url).await;
        quarry::startup::refresh_demo(&state, true).await.unwrap();
        let ids = fill_hostile(&state).await;
        let app = quarry::server::router(state);
        let payload = encode(&all_payloads());
        let mut pages = 0;
        for path in page_paths(ids) {
            let mut uris = vec![path.clone()];
            uris.extend(PARAMS.iter().map(|k| format!("{path}?{k}={payload}")));
            for uri in uris {
                let started = std::time::Instant::now();
                let a = get(&app, &uri).await;
                let took = started.elapsed();
                assert!(!a.status.is_server_error(), "{uri}: {} {:?} {}", a.status, a.headers, &a.body[..a.body.len().min(300)]);
                if a.status.is_redirection() {
                    continue;
                }
                let ctype = a.headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("");
                assert!(ctype.starts_with("text/html"), "{uri}: {} after {took:?}, content-type {ctype:?}", a.status);
                assert_no_executable_markup(&a.body, policy_nonce(&a.headers).as_deref(), &uri);
                pages += 1;
            }
        }
        assert!(pages > 500, "only {pages} pages checked");

        // The stored names reach the titles of their own pages as text, whole.
        for (path, name) in [
            (format!("/venture/companies/{}", ids.0), format!("Acme {}", all_payloads())),
            (format!("/venture/investors/{}", ids.1), format!("Pine {}", all_payloads())),
            (format!("/venture/funds/{}", ids.2), format!("Fund {} I", all_payloads())),
        ] {
            let a = get(&app, &path).await;
            assert_eq!(a.status, StatusCode::OK, "{path}");
            assert!(title_text(&a.body).starts_with(&name), "{path}: title {:?}", title_text(&a.body));
        }
        // And a reflected one: the sector filter's value is shown as text in the 400 page.
        let a = get(&app, &format!("/venture?sector={payload}")).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST);
        assert_no_executable_markup(&a.body, policy_nonce(&a.headers).as_deref(), "/venture?sector=");
    }

    fn chart_downloads_of_hostile_names_are_inert_svg(url) {
        let state = prepared_state(&url).await;
        quarry::startup::refresh_demo(&state, true).await.unwrap();
        fill_hostile(&state).await;
        let app = quarry::server::router(state);
        let payload = encode(&all_payloads());
        for uri in [
            "/api/charts/series/gold.svg".to_string(),
            "/api/charts/view.svg?series=gold,silver&overlays=sma50".to_string(),
            format!("/api/charts/view.svg?series=gold&title={payload}"),
            format!("/api/charts/series/{payload}.svg"),
        ] {
            let a = get(&app, &uri).await;
            assert!(!a.status.is_server_error(), "{uri}: {}", a.status);
            if a.status == StatusCode::OK {
                assert_svg_inert(&a.body, &uri);
                assert_eq!(a.headers.get("x-content-type-options").unwrap(), "nosniff", "{uri}");
            }
        }
    }

    fn every_response_carries_the_security_headers_and_pages_a_nonce_for_each_inline_script(url) {
        let state = prepared_state(&url).await;
        quarry::startup::refresh_demo(&state, true).await.unwrap();
        let app = quarry::server::router(state);
        for uri in ["/", "/venture", "/no-such-page", "/api/commodities/overview", "/api/nope", "/healthz", "/favicon.svg"] {
            let a = get(&app, uri).await;
            let h = |k: &str| a.headers.get(k).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
            assert_eq!(h("x-content-type-options"), "nosniff", "{uri}");
            assert!(!h("referrer-policy").is_empty(), "{uri}");
            let csp = h("content-security-policy");
            for d in ["object-src 'none'", "frame-ancestors 'none'", "base-uri 'self'", "script-src 'self' 'wasm-unsafe-eval'"] {
                assert!(csp.contains(d), "{uri}: {d} missing from {csp:?}");
            }
        }
        // A page: every inline script (hydration, serialised data) carries this response's
        // nonce, and two responses have two nonces.
        let (a, b) = (get(&app, "/").await, get(&app, "/").await);
        let nonce = policy_nonce(&a.headers).expect("a page's policy has a nonce");
        assert_ne!(Some(nonce.clone()), policy_nonce(&b.headers), "a nonce is used once");
        let doc = scraper::Html::parse_document(&a.body);
        let scripts: Vec<_> = doc.select(&scraper::Selector::parse("script").unwrap()).collect();
        assert!(scripts.iter().any(|s| s.attr("src").is_none()), "the page has inline scripts to check");
        for s in scripts.iter().filter(|s| s.attr("src").is_none()) {
            assert_eq!(s.attr("nonce"), Some(nonce.as_str()), "{}", s.html());
        }
    }

    fn far_dates_are_a_400_naming_the_parameter_not_a_panic(url) {
        let state = prepared_state(&url).await;
        quarry::startup::refresh_demo(&state, true).await.unwrap();
        let app = quarry::server::router(state);
        let far = ["%2B262142-12-31", "-262143-01-01", "%2B10000-01-01", "1799-12-31"];
        let endpoints = [
            ("/api/venture/landscape", &["from", "to"][..]),
            ("/api/venture/funding", &["from", "to"][..]),
            ("/api/venture/landscape.csv", &["from", "to"][..]),
            ("/api/venture/funding.csv", &["from", "to"][..]),
            ("/api/commodities/gold/history", &["from", "to"][..]),
            ("/api/commodities/gold/history.csv", &["from", "to"][..]),
            ("/api/commodities/compare?instruments=gold,silver", &["from", "to", "base"][..]),
        ];
        for (endpoint, params) in endpoints {
            for name in params {
                for d in far {
                    let sep = if endpoint.contains('?') { '&' } else { '?' };
                    let uri = format!("{endpoint}{sep}{name}={d}");
                    let a = get(&app, &uri).await;
                    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{uri}: {}", a.body);
                    let v: Value = serde_json::from_str(&a.body).unwrap_or_else(|_| panic!("{uri}: {}", a.body));
                    assert_eq!(v["parameter"], *name, "{uri}: {v}");
                }
            }
        }
        // The pages that read dates answer a 400 page, too.
        for uri in ["/venture?to=%2B262142-12-31", "/venture/funding?from=-262143-01-01", "/commodities/compare?instruments=gold,silver&base=%2B10000-01-01"] {
            let a = get(&app, uri).await;
            assert_eq!(a.status, StatusCode::BAD_REQUEST, "{uri}");
            assert!(a.body.contains("supported dates"), "{uri}: the page says why");
        }
        // `from=+10000-01-01` was compared as text and returned every observation.
        let a = get(&app, "/api/commodities/gold/history?from=2010-01-01&to=2010-12-31").await;
        assert_eq!(a.status, StatusCode::OK);
    }

    fn trailing_slashes_redirect_unknown_api_paths_are_json_and_unknown_pages_a_404_page(url) {
        let state = prepared_state(&url).await;
        quarry::startup::refresh_demo(&state, true).await.unwrap();
        let app = quarry::server::router(state);
        for (from, to) in [
            ("/venture/", "/venture"),
            ("/commodities/gold/", "/commodities/gold"),
            ("/commodities/gold/?range=5y", "/commodities/gold?range=5y"),
            ("/api/commodities/overview/", "/api/commodities/overview"),
            ("//evil.example/", "/evil.example"),
        ] {
            let a = get(&app, from).await;
            assert_eq!(a.status, StatusCode::PERMANENT_REDIRECT, "{from}");
            assert_eq!(a.headers.get("location").unwrap(), to, "{from}");
            let followed = get(&app, to).await;
            assert!(!followed.status.is_server_error(), "{to}: {}", followed.status);
        }
        for uri in ["/api/nope", "/api/venture/companies/1/extra", "/api/commodities"] {
            let a = get(&app, uri).await;
            assert_eq!(a.status, StatusCode::NOT_FOUND, "{uri}");
            let v: Value = serde_json::from_str(&a.body).unwrap_or_else(|_| panic!("{uri}: not JSON: {}", a.body));
            assert_eq!(v["kind"], "not_found", "{uri}");
            assert!(v["message"].as_str().unwrap().contains(uri), "{uri}: {v}");
        }
        for uri in ["/no-such-page", "/venture/nothing-here", "/commodities/gold/extra/more"] {
            let a = get(&app, uri).await;
            assert_eq!(a.status, StatusCode::NOT_FOUND, "{uri}");
            assert!(a.headers.get("content-type").unwrap().to_str().unwrap().starts_with("text/html"), "{uri}");
            assert!(a.body.contains("Not found") || a.body.contains("not found"), "{uri}");
            assert!(a.body.contains("<nav"), "{uri}: the 404 is the app's page, with its navigation");
        }
    }

    fn csv_cells_that_a_spreadsheet_would_run_are_defused(url) {
        let state = prepared_state(&url).await;
        let doc = serde_json::json!({
            "companies": [
                {"name": "=HYPERLINK(\"http://evil.example\",\"click\")", "sector": "fintech"},
                {"name": "+cmd|' /C calc'!A0", "sector": "fintech"},
                {"name": "@SUM(1+1)", "sector": "fintech"}
            ],
            "rounds": [{"company": "=HYPERLINK(\"http://evil.example\",\"click\")", "announced_on": "2025-03-04",
                        "stage": "seed", "amount_usd": 1000000}]
        });
        quarry::venture::import_write::import(&state.db, "formulas.json", serde_json::to_string(&doc).unwrap().as_bytes(), false, Utc::now())
            .await
            .unwrap();
        let app = quarry::server::router(state);
        for uri in ["/api/venture/companies.csv", "/api/venture/funding.csv"] {
            let a = get(&app, uri).await;
            assert_eq!(a.status, StatusCode::OK, "{uri}");
            let mut r = csv::Reader::from_reader(a.body.as_bytes());
            let mut cells = 0;
            for rec in r.records() {
                for cell in rec.unwrap().iter() {
                    cells += 1;
                    let first = cell.chars().next();
                    let number = cell.parse::<f64>().is_ok_and(f64::is_finite);
                    assert!(
                        number || !matches!(first, Some('=' | '+' | '-' | '@' | '\t' | '\r')),
                        "{uri}: a cell a spreadsheet would run: {cell:?}"
                    );
                }
            }
            assert!(cells > 0, "{uri} has rows");
            assert!(a.body.contains("'=HYPERLINK"), "{uri}: the name is kept, as text");
        }
    }
}

/// The layers every route gets, around a route that panics: a logged 500 in the JSON shape
/// every endpoint uses, with the security headers, instead of a dropped connection.
#[tokio::test]
async fn a_panicking_handler_answers_a_500_and_the_server_goes_on() {
    async fn boom() -> &'static str {
        panic!("deliberate test panic")
    }
    let app = quarry::server::with_middleware(
        axum::Router::new()
            .route("/boom", axum::routing::get(boom))
            .route("/fine", axum::routing::get(|| async { "fine" })),
        std::time::Duration::from_secs(5),
    );
    let a = get(&app, "/boom").await;
    assert_eq!(a.status, StatusCode::INTERNAL_SERVER_ERROR);
    let v: Value = serde_json::from_str(&a.body).unwrap();
    assert_eq!(v["kind"], "internal");
    assert!(!a.body.contains("deliberate"), "the panic's text stays in the log");
    assert_eq!(a.headers.get("x-content-type-options").unwrap(), "nosniff");
    assert_eq!(get(&app, "/fine").await.body, "fine");
}
