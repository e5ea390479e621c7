use std::collections::BTreeSet;

use serde_json::{json, Value};

use super::reference::{self, accepts, curl, example_target, operations};
use super::{allowed_values, document, TAGS};

/// The field names a `Deserialize` struct reads: serde hands its deserializer the list.
fn fields_of<T: serde::de::DeserializeOwned>() -> Vec<&'static str> {
    use serde::de::Visitor;

    #[derive(Debug)]
    struct Found(Option<&'static [&'static str]>);
    impl std::fmt::Display for Found {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "{:?}", self.0)
        }
    }
    impl std::error::Error for Found {}
    impl serde::de::Error for Found {
        fn custom<M: std::fmt::Display>(_: M) -> Self {
            Found(None)
        }
    }
    struct Probe;
    impl<'de> serde::Deserializer<'de> for Probe {
        type Error = Found;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Found> {
            Err(Found(None))
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Found> {
            Err(Found(Some(fields)))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
            option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
        }
    }
    match T::deserialize(Probe) {
        Err(Found(Some(fields))) => fields.to_vec(),
        _ => panic!("{} is not a struct with named fields", std::any::type_name::<T>()),
    }
}

/// Every server function's arguments, read from the argument struct the `#[server]` macro
/// generates (what the handler actually deserializes).
fn server_fn_arguments() -> Vec<(&'static str, Vec<&'static str>)> {
    use crate::charts::api as charts;
    use crate::commodities::api as commodities;
    use crate::jobs::api as jobs;
    use crate::venture::api as venture;
    vec![
        ("/api/commodities/overview", fields_of::<commodities::GetOverview>()),
        ("/api/commodities/metals", fields_of::<commodities::GetMetals>()),
        ("/api/commodities/energy", fields_of::<commodities::GetEnergy>()),
        ("/api/commodities/ai-materials", fields_of::<commodities::GetAiMaterials>()),
        ("/api/commodities/space-tech", fields_of::<commodities::GetSpaceTech>()),
        ("/api/commodities/signals", fields_of::<commodities::GetSignals>()),
        ("/api/commodities/trending", fields_of::<commodities::GetTrending>()),
        ("/api/commodities/config", fields_of::<commodities::GetConfig>()),
        ("/api/commodities/compare", fields_of::<commodities::GetCompare>()),
        ("/api/pages/commodity", fields_of::<commodities::GetInstrumentPage>()),
        ("/api/macro/series", fields_of::<crate::macro_series::api::GetMacroSeries>()),
        ("/api/charts/packs", fields_of::<charts::ListPacks>()),
        ("/api/charts/series", fields_of::<charts::ListSeries>()),
        ("/api/charts/view", fields_of::<charts::GetChartView>()),
        ("/api/jobs", fields_of::<jobs::ListJobs>()),
        ("/api/jobs/health", fields_of::<jobs::GetHealth>()),
        ("/api/jobs/failures", fields_of::<jobs::GetFailures>()),
        ("/api/jobs/run", fields_of::<jobs::RunJob>()),
        ("/api/status", fields_of::<crate::app::api::GetStatus>()),
        ("/api/auth/status", fields_of::<crate::auth::api::GetAuthStatus>()),
        ("/api/venture/status", fields_of::<venture::GetVentureStatus>()),
        ("/api/venture/landscape", fields_of::<venture::GetLandscape>()),
        ("/api/venture/funding", fields_of::<venture::GetFunding>()),
        ("/api/venture/companies", fields_of::<venture::GetCompanies>()),
        ("/api/venture/company", fields_of::<venture::GetCompany>()),
        ("/api/venture/investors", fields_of::<venture::GetInvestors>()),
        ("/api/venture/investor", fields_of::<venture::GetInvestor>()),
        ("/api/venture/acquisitions", fields_of::<venture::GetAcquisitions>()),
        ("/api/venture/valuations", fields_of::<venture::GetValuations>()),
        ("/api/venture/funds", fields_of::<venture::GetFunds>()),
        ("/api/venture/fund", fields_of::<venture::GetFund>()),
        ("/api/venture/ipo-pipeline", fields_of::<venture::GetIpoPipeline>()),
        ("/api/venture/sectors", fields_of::<venture::GetSectors>()),
    ]
}

/// The names an operation documents as its input: query parameters, or the fields of a
/// form body.
fn documented_inputs(doc: &Value, op: &Value) -> BTreeSet<String> {
    let mut names: BTreeSet<String> = op["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["in"] == "query")
        .map(|p| p["name"].as_str().unwrap().to_string())
        .collect();
    if let Some(schema) = op["requestBody"]["content"]["application/x-www-form-urlencoded"].get("schema") {
        let name = schema["$ref"].as_str().and_then(|r| r.rsplit('/').next()).unwrap_or_default();
        let props = &doc["components"]["schemas"][name]["properties"];
        names.extend(props.as_object().expect("a form body with fields").keys().cloned());
    }
    names
}

#[test]
fn every_server_function_documents_exactly_the_arguments_it_reads() {
    let doc = document();
    let args = server_fn_arguments();
    // The list above must name every server function the router registers.
    let registered: BTreeSet<&str> = leptos::server_fn::axum::server_fn_paths().map(|(p, _)| p).collect();
    let listed: BTreeSet<&str> = args.iter().map(|(p, _)| *p).collect();
    assert_eq!(listed, registered, "server functions missing from server_fn_arguments() (left) or gone (right)");
    for (path, fields) in args {
        let item = &doc["paths"][path];
        let op = if item.get("get").is_some() { &item["get"] } else { &item["post"] };
        assert!(op.is_object(), "{path} is not in the document");
        let expected: BTreeSet<String> = fields.iter().map(|f| f.to_string()).collect();
        assert_eq!(
            documented_inputs(doc, op),
            expected,
            "{path}: documented parameters against the arguments it reads"
        );
    }
}

#[test]
fn every_operation_has_a_tag_a_summary_and_responses_and_examples_for_what_it_needs() {
    let doc = document();
    let ops = operations(doc);
    assert!(ops.len() > 40, "{} operations", ops.len());
    let mut ids = BTreeSet::new();
    for (method, path, op) in ops {
        let tag = op["tags"][0].as_str().unwrap_or_default();
        assert!(TAGS.contains(&tag), "{method} {path}: tag '{tag}'");
        let summary = op["summary"].as_str().unwrap_or_default();
        assert!(summary.len() > 10 && !summary.starts_with('`'), "{method} {path}: summary '{summary}'");
        assert!(ids.insert(op["operationId"].as_str().unwrap().to_string()), "{method} {path}: operationId repeated");
        let statuses: Vec<&String> = op["responses"].as_object().unwrap().keys().collect();
        assert!(statuses.iter().any(|s| s.starts_with('2')), "{method} {path}: no success answer");
        for p in op["parameters"].as_array().into_iter().flatten() {
            let name = p["name"].as_str().unwrap();
            assert!(!p["description"].as_str().unwrap_or_default().is_empty(), "{path}: {name} undescribed");
            if p["in"] == "path" || p["required"] == true {
                assert!(reference::example(p).is_some(), "{method} {path}: {name} has no example");
            }
        }
        // Each `{name}` in the path is a documented path parameter, and the other way round.
        let in_path: BTreeSet<&str> = path.split('{').skip(1).filter_map(|s| s.split('}').next()).collect();
        let declared: BTreeSet<&str> = op["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|p| p["in"] == "path")
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert_eq!(in_path, declared, "{method} {path}: path parameters");
        assert!(!example_target(&path, op).contains('{'), "{method} {path}: example URL");
    }
}

#[test]
fn allowed_values_in_the_document_are_the_ones_the_checks_accept() {
    use crate::venture::query;
    for job in crate::jobs::kind::Job::NAMES {
        assert!(crate::jobs::kind::JobKind::by_name(job).is_some(), "{job}");
    }
    let job = document().pointer("/components/schemas/RunJobForm/properties/job/enum").unwrap();
    assert_eq!(job.as_array().unwrap().len(), crate::jobs::kind::Job::NAMES.len());
    for i in crate::commodities::downsample::Interval::NAMES {
        assert!(crate::commodities::downsample::Interval::parse(i).is_ok(), "{i}");
    }
    for s in allowed_values("/api/venture/funding", "sort").unwrap() {
        let p = query::FundingParams { sort: Some(s.clone()), ..Default::default() };
        assert!(p.parse().is_ok(), "sort={s}");
    }
    for s in allowed_values("/api/venture/funding", "stage").unwrap() {
        assert!(query::stage(&Some(s.clone())).is_ok(), "stage={s}");
    }
    for s in allowed_values("/api/venture/funding", "sector").unwrap() {
        assert!(query::sector(&Some(s.clone())).is_ok(), "sector={s}");
    }
    // And they reach the document: the funding endpoint's `stage` lists every stage.
    let stage = document()["paths"]["/api/venture/funding"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "stage")
        .unwrap();
    assert_eq!(stage["schema"]["enum"].as_array().unwrap().len(), crate::venture::model::STAGES.len());
}

#[test]
fn the_page_model_holds_every_operation_grouped_by_tag_in_order() {
    let doc = document();
    let groups = reference::groups(doc);
    let tags: Vec<&str> = groups.iter().map(|g| g.tag.as_str()).collect();
    assert_eq!(tags, TAGS);
    let n: usize = groups.iter().map(|g| g.endpoints.len()).sum();
    assert_eq!(n, operations(doc).len());
    let venture = groups.iter().find(|g| g.tag == "venture").unwrap();
    assert!(venture.endpoints.iter().any(|e| e.path == "/api/venture/funds/{id}"));
}

/// A small document in the shape utoipa writes, to pin the page model and curl down.
fn sample() -> Value {
    json!({
        "openapi": "3.1.0",
        "tags": [{"name": "commodities", "description": "Prices."}, {"name": "jobs", "description": "Jobs."}],
        "components": {"schemas": {
            "Range": {"type": "string", "enum": ["1m", "1y"]},
            "Form": {"type": "object", "properties": {"job": {"type": "string"}, "token": {"type": ["string", "null"]}}}
        }},
        "paths": {
            "/api/commodities/{slug}/history.csv": {"get": {
                "tags": ["commodities"], "summary": "History as CSV.", "description": "Every\nobservation.",
                "parameters": [
                    {"name": "slug", "in": "path", "required": true, "description": "The instrument.", "schema": {"type": "string"}, "example": "wti"},
                    {"name": "from", "in": "query", "required": false, "description": "First date.", "schema": {"type": ["string", "null"], "format": "date"}, "example": "2020-04-16"},
                    {"name": "points", "in": "query", "required": false, "description": "Budget.", "schema": {"type": ["integer", "null"], "minimum": 10, "maximum": 10000}},
                    {"name": "range", "in": "query", "required": false, "description": "Span.", "schema": {"oneOf": [{"type": "null"}, {"$ref": "#/components/schemas/Range"}]}},
                    {"name": "q", "in": "query", "required": false, "description": "Text.", "schema": {"type": "string"}, "example": "a b&c,d"}
                ],
                "responses": {"200": {"description": "CSV.", "content": {"text/csv": {"schema": {"type": "string"}}}}}
            }},
            "/api/jobs/run": {"post": {
                "tags": ["jobs"], "summary": "Run a job.",
                "requestBody": {"content": {"application/x-www-form-urlencoded": {
                    "schema": {"$ref": "#/components/schemas/Form"}, "example": {"job": "chart_pack"}}}},
                "security": [{"admin_token": []}],
                "responses": {"200": {"description": "Started.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RunStarted"}}}}}
            }}
        }
    })
}

#[test]
fn example_urls_fill_path_parameters_and_carry_the_query_examples_encoded() {
    let doc = sample();
    let op = &doc["paths"]["/api/commodities/{slug}/history.csv"]["get"];
    assert_eq!(
        example_target("/api/commodities/{slug}/history.csv", op),
        "/api/commodities/wti/history.csv?from=2020-04-16&q=a%20b%26c,d"
    );
}

#[test]
fn curl_downloads_files_and_sends_forms_with_the_admin_token() {
    let doc = sample();
    let get = &doc["paths"]["/api/commodities/{slug}/history.csv"]["get"];
    assert_eq!(
        curl("GET", "/api/commodities/{slug}/history.csv", get),
        "curl -s -o history.csv 'http://127.0.0.1:3000/api/commodities/wti/history.csv?from=2020-04-16&q=a%20b%26c,d'"
    );
    let post = &doc["paths"]["/api/jobs/run"]["post"];
    assert_eq!(
        curl("POST", "/api/jobs/run", post),
        "curl -s -X POST -H \"Authorization: Bearer $QUARRY_ADMIN_TOKEN\" -d job=chart_pack 'http://127.0.0.1:3000/api/jobs/run'"
    );
}

#[test]
fn parameters_say_what_they_accept() {
    let doc = sample();
    let params = doc["paths"]["/api/commodities/{slug}/history.csv"]["get"]["parameters"].as_array().unwrap();
    let said: Vec<String> = params.iter().map(|p| accepts(&doc, &p["schema"])).collect();
    assert_eq!(said, ["string", "date (YYYY-MM-DD)", "whole number from 10 to 10000", "one of: 1m, 1y", "string"]);
}

#[test]
fn the_sample_renders_grouped_with_bodies_admin_marks_and_one_line_descriptions() {
    let groups = reference::groups(&sample());
    assert_eq!(groups.len(), 2);
    let history = &groups[0].endpoints[0];
    assert_eq!(history.description, "Every observation.");
    assert_eq!(history.anchor, "get-api-commodities-slug-history-csv");
    assert_eq!(history.responses[0].content, "text/csv: string");
    let run = &groups[1].endpoints[0];
    assert!(run.admin);
    assert_eq!(run.body.as_deref(), Some("application/x-www-form-urlencoded with job, token"));
    assert_eq!(run.responses[0].content, "application/json: RunStarted");
}
