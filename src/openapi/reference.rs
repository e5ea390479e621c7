//! The OpenAPI document read back as the `/api` page shows it: operations grouped by tag,
//! each parameter with what it accepts, each answer with its media types, and a curl
//! example built from the documented examples. Pure: JSON in, page model out.
use std::sync::OnceLock;

use serde_json::Value;

use crate::app::docs::{EndpointDoc, EndpointGroup, ParamDoc, ResponseDoc};

/// Where the examples assume the server listens.
pub const BASE_URL: &str = "http://127.0.0.1:3000";

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// Every operation of the document: method (upper case), path template and the operation,
/// in the document's order.
pub fn operations(doc: &Value) -> Vec<(String, String, &Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for m in METHODS {
            if let Some(op) = item.get(m) {
                out.push((m.to_ascii_uppercase(), path.clone(), op));
            }
        }
    }
    out
}

/// The page model of the served document, made once.
pub fn groups_cached() -> &'static [EndpointGroup] {
    static GROUPS: OnceLock<Vec<EndpointGroup>> = OnceLock::new();
    GROUPS.get_or_init(|| groups(super::document()))
}

/// The operations grouped by their first tag, groups in the order the document lists its
/// tags (an operation with an unlisted tag gets a group at the end).
pub fn groups(doc: &Value) -> Vec<EndpointGroup> {
    let mut groups: Vec<EndpointGroup> = doc["tags"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|t| EndpointGroup { tag: text(&t["name"]), description: text(&t["description"]), endpoints: Vec::new() })
        .collect();
    for (method, path, op) in operations(doc) {
        let tag = op["tags"].get(0).map(text).unwrap_or_else(|| "other".into());
        let i = match groups.iter().position(|g| g.tag == tag) {
            Some(i) => i,
            None => {
                groups.push(EndpointGroup { tag, ..Default::default() });
                groups.len() - 1
            }
        };
        groups[i].endpoints.push(endpoint(doc, &method, &path, op));
    }
    groups.retain(|g| !g.endpoints.is_empty());
    groups
}

fn endpoint(doc: &Value, method: &str, path: &str, op: &Value) -> EndpointDoc {
    let params = parameters(op)
        .map(|p| ParamDoc {
            name: text(&p["name"]),
            location: text(&p["in"]),
            required: p["required"].as_bool().unwrap_or(false),
            accepts: accepts(doc, &p["schema"]),
            description: one_line(&p["description"]),
            example: example(p),
        })
        .collect();
    let body = op["requestBody"]["content"].as_object().map(|content| {
        content
            .iter()
            .map(|(media, c)| {
                let fields: Vec<String> = resolve(doc, &c["schema"])["properties"]
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(k, _)| k.clone())
                    .collect();
                if fields.is_empty() {
                    media.clone()
                } else {
                    format!("{media} with {}", fields.join(", "))
                }
            })
            .collect::<Vec<_>>()
            .join("; or ")
    });
    let responses = op["responses"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(status, r)| ResponseDoc {
            status: status.clone(),
            description: one_line(&r["description"]),
            content: r["content"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(media, c)| match schema_name(&c["schema"]) {
                    Some(name) => format!("{media}: {name}"),
                    None => media.clone(),
                })
                .collect::<Vec<_>>()
                .join(", "),
        })
        .collect();
    EndpointDoc {
        method: method.to_string(),
        path: path.to_string(),
        anchor: anchor(method, path),
        summary: one_line(&op["summary"]),
        description: one_line(&op["description"]),
        params,
        body,
        admin: admin(op),
        responses,
        curl: curl(method, path, op),
    }
}

fn parameters(op: &Value) -> impl Iterator<Item = &Value> {
    op["parameters"].as_array().into_iter().flatten()
}

fn text(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

/// A doc comment's lines as one paragraph.
fn one_line(v: &Value) -> String {
    v.as_str().unwrap_or_default().split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `get-api-commodities-slug-history`: an id for links to the endpoint.
pub fn anchor(method: &str, path: &str) -> String {
    let mut out = method.to_ascii_lowercase();
    for part in path.split(|c: char| !c.is_ascii_alphanumeric()).filter(|s| !s.is_empty()) {
        out.push('-');
        out.push_str(part);
    }
    out
}

/// A schema's `$ref` target, or the schema itself.
fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema["$ref"].as_str().and_then(|r| r.strip_prefix("#/components/schemas/")) {
        Some(name) => &doc["components"]["schemas"][name],
        None => schema,
    }
}

/// The name of a referenced schema (`Overview`, `array of SeriesOption`).
fn schema_name(schema: &Value) -> Option<String> {
    let of = |s: &Value| s["$ref"].as_str().and_then(|r| r.rsplit('/').next()).map(String::from);
    of(schema).or_else(|| of(&schema["items"]).map(|n| format!("array of {n}"))).or_else(|| {
        let t = schema_type(schema)?;
        (t != "object").then(|| t.to_string())
    })
}

/// A schema's type, leaving out `null` (`["integer", "null"]` is an optional integer).
fn schema_type(schema: &Value) -> Option<&str> {
    match &schema["type"] {
        Value::String(s) => Some(s.as_str()),
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).find(|t| *t != "null"),
        _ => None,
    }
}

/// What a parameter accepts, in words: its type and bounds, or its list of values.
pub fn accepts(doc: &Value, schema: &Value) -> String {
    let schema = resolve(doc, schema);
    // An optional referenced schema is `oneOf: [null, {...}]`.
    for key in ["oneOf", "anyOf"] {
        if let Some(alt) = schema[key].as_array().and_then(|a| a.iter().find(|s| schema_type(s) != Some("null"))) {
            return accepts(doc, alt);
        }
    }
    if let Some(values) = schema["enum"].as_array() {
        let names: Vec<String> = values.iter().filter(|v| !v.is_null()).map(scalar).collect();
        return format!("one of: {}", names.join(", "));
    }
    let base = match (schema_type(schema), schema["format"].as_str()) {
        (_, Some("date")) => "date (YYYY-MM-DD)".to_string(),
        (Some("integer"), _) => "whole number".to_string(),
        (Some(t), _) => t.to_string(),
        (None, _) => "any".to_string(),
    };
    match (schema["minimum"].as_f64(), schema["maximum"].as_f64()) {
        (Some(lo), Some(hi)) => format!("{base} from {lo} to {hi}"),
        (Some(lo), None) => format!("{base}, at least {lo}"),
        (None, Some(hi)) => format!("{base}, at most {hi}"),
        (None, None) => base,
    }
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A parameter's documented example, wherever the derive put it.
pub fn example(p: &Value) -> Option<String> {
    [&p["example"], &p["schema"]["example"], &p["schema"]["examples"][0]].into_iter().find(|v| !v.is_null()).map(scalar)
}

fn admin(op: &Value) -> bool {
    op["security"].as_array().into_iter().flatten().any(|s| s.get("admin_token").is_some())
}

/// The path with its path parameters filled in from their examples, and every query
/// parameter that has an example: the URL the curl example asks for.
pub fn example_target(path: &str, op: &Value) -> String {
    let mut target = path.to_string();
    let mut query = Vec::new();
    for p in parameters(op) {
        let (name, value) = (text(&p["name"]), example(p));
        match (p["in"].as_str(), value) {
            (Some("path"), Some(v)) => target = target.replace(&format!("{{{name}}}"), &encode(&v)),
            (Some("query"), Some(v)) => query.push(format!("{name}={}", encode(&v))),
            _ => {}
        }
    }
    if !query.is_empty() {
        target.push('?');
        target.push_str(&query.join("&"));
    }
    target
}

/// Percent-encodes a URL value with the one encoder (`params::encode`), giving the commas
/// back: a comma is legal in a query and lists read better with them.
fn encode(v: &str) -> String {
    crate::params::encode(v).replace("%2C", ",")
}

/// A curl command for the operation: its example URL, the admin token for admin actions,
/// the documented body, and `-o FILE` for an answer that is not JSON.
pub fn curl(method: &str, path: &str, op: &Value) -> String {
    let target = example_target(path, op);
    let mut cmd = vec!["curl -s".to_string()];
    if method != "GET" {
        cmd.push(format!("-X {method}"));
    }
    if admin(op) {
        cmd.push("-H \"Authorization: Bearer $QUARRY_ADMIN_TOKEN\"".into());
    }
    let file = parameters(op).find(|p| p["name"] == "name").and_then(example).unwrap_or_else(|| "FILE".into());
    if let Some(content) = op["requestBody"]["content"].as_object() {
        if let Some(form) = content.get("application/x-www-form-urlencoded") {
            for (k, v) in form["example"].as_object().into_iter().flatten() {
                cmd.push(format!("-d {k}={}", scalar(v)));
            }
        } else if content.contains_key("multipart/form-data") {
            cmd.push(format!("-F file=@{file}"));
        } else if let Some(media) = content.keys().next() {
            cmd.push(format!("-H 'Content-Type: {media}' --data-binary @{file}"));
        }
    }
    let ok = &op["responses"]["200"]["content"];
    if ok.as_object().is_some_and(|c| !c.is_empty() && !c.contains_key("application/json")) {
        let stem = target.split('?').next().unwrap_or_default().rsplit('/').next().unwrap_or_default();
        cmd.push(format!("-o {stem}"));
    }
    cmd.push(format!("'{BASE_URL}{target}'"));
    cmd.join(" ")
}
