//! The import rules of docs/architecture.md, held against the source: every `crate::...`
//! path in src/ (in `use` lines and in code, `use crate::{a, b}` groups and `super::`
//! paths resolved) becomes an edge between modules, and an edge a rule forbids fails the
//! test, as does any cycle among the top-level modules.
//!
//! `cargo test --features ssr --test it architecture -- --nocapture` prints the module map
//! with its edges and the cycles among top-level modules.
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Top-level modules by layer, lowest first. A module may import its own layer and the
/// layers below, never a layer above; within a layer the imports form no cycle.
const LAYERS: &[(&str, &[&str])] = &[
    (
        "foundation",
        &[
            "error",
            "format",
            "params",
            "universe",
            "config",
            "csv_export",
            "db",
            "components",
            "routing",
            "series",
            "plot",
            "metrics",
        ],
    ),
    ("sources", &["sources"]),
    ("state", &["state"]),
    ("domains", &["auth", "commodities", "macro_series", "venture", "charts", "ingest", "demo", "jobs"]),
    ("app", &["app", "probes"]),
    ("describe", &["openapi"]),
    ("bootstrap", &["startup", "server"]),
    ("cli", &["cli"]),
    ("binary", &["main"]),
];

/// A domain's pages (files under `pages/`, or `pages.rs`) and the shared components read
/// through server functions: never a source adapter nor the database.
const PAGES_NEVER: &[&str] = &["sources", "db"];

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Edge {
    /// The importing file, relative to src/.
    file: String,
    /// The imported path's first two segments (`jobs::runner`), or one (`state`).
    to: String,
}

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code alone: comments dropped, string and character literals emptied (newlines kept,
/// so a `crate::` in a doc comment or a message is not an import).
fn strip_comments(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let (c, next) = (chars[i], chars.get(i + 1).copied());
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    if chars[i] == '\n' {
                        out.push('\n');
                    }
                    i += 1;
                }
            }
        } else if c == 'r' && (next == Some('"') || next == Some('#')) && starts_token(&chars, i) {
            // A raw string: r"..." or r#"..."#.
            let mut j = i + 1;
            let mut hashes = 0;
            while chars.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if chars.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            j += 1;
            let close: String = std::iter::once('"').chain(std::iter::repeat_n('#', hashes)).collect();
            let rest: String = chars[j..].iter().collect();
            let len = rest.find(&close).map_or(rest.len(), |e| e + close.len());
            out.extend(rest[..len].chars().filter(|&c| c == '\n'));
            out.push_str("\"\"");
            i = j + rest[..len].chars().count();
        } else if c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    i += 1;
                } else if chars[i] == '\n' {
                    out.push('\n');
                }
                i += 1;
            }
            out.push_str("\"\"");
            i += 1;
        } else if c == '\'' && next == Some('\\') {
            // '\n', '\'', '\u{..}': past the backslash and the escaped character.
            i += 3;
            while i < chars.len() && chars[i] != '\'' {
                i += 1;
            }
            i += 1;
        } else if c == '\'' && chars.get(i + 2) == Some(&'\'') {
            i += 3;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// Whether `chars[i]` begins a token (or follows a `b` that does: `br"..."`).
fn starts_token(chars: &[char], i: usize) -> bool {
    let before = |k: usize| k == 0 || !is_ident(chars[k - 1]);
    before(i) || (chars[i - 1] == 'b' && before(i - 1))
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The `a::b::c` path that starts at `at` (identifiers joined by `::`); a `{` group is
/// expanded to one path per top-level item.
fn paths_at(text: &str, at: usize) -> Vec<Vec<String>> {
    let rest = &text[at..];
    if let Some(group) = rest.strip_prefix('{') {
        let mut depth = 0;
        let mut items = vec![String::new()];
        for c in group.chars() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => break,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    items.push(String::new());
                    continue;
                }
                _ => {}
            }
            items.last_mut().unwrap().push(c);
        }
        return items.iter().map(|i| i.trim()).filter(|i| !i.is_empty()).flat_map(|i| paths_at(i, 0)).collect();
    }
    let mut segments = Vec::new();
    let mut pos = 0;
    loop {
        let ident: String = rest[pos..].chars().take_while(|&c| is_ident(c)).collect();
        if ident.is_empty() {
            // `a::{b, c}` inside a group: keep the prefix.
            break;
        }
        pos += ident.len();
        segments.push(ident);
        if rest[pos..].starts_with("::") && rest[pos + 2..].starts_with(|c: char| is_ident(c)) {
            pos += 2;
        } else {
            break;
        }
    }
    vec![segments]
}

/// Every module path a file names: `crate::a::b`, and `super::x` resolved from the file's
/// own module (`self_path`, e.g. `["charts", "theme"]`).
fn imports(text: &str, self_path: &[String]) -> BTreeSet<String> {
    let text = strip_comments(text);
    let mut found = BTreeSet::new();
    let bytes = text.as_bytes();
    for (anchor, base) in [("crate::", 0usize), ("super::", 1)] {
        let mut from = 0;
        while let Some(i) = text[from..].find(anchor) {
            let at = from + i;
            from = at + anchor.len();
            if at > 0 && (is_ident(bytes[at - 1] as char) || bytes[at - 1] == b':' || bytes[at - 1] == b'$') {
                continue;
            }
            let mut prefix: Vec<String> = Vec::new();
            let mut start = from;
            if base == 1 {
                // `super::super::x`: one level up per `super`.
                let mut ups = 1;
                while text[start..].starts_with("super::") {
                    ups += 1;
                    start += "super::".len();
                }
                // At the crate root a `super::` is a test module's (`mod tests { use super::* }`)
                // naming its own file; `super::` never leaves a top-level module here.
                if ups >= self_path.len() {
                    continue;
                }
                prefix = self_path[..self_path.len() - ups].to_vec();
            }
            for path in paths_at(&text, start) {
                let full: Vec<String> = prefix.iter().cloned().chain(path).filter(|s| s != "self").collect();
                if full.is_empty() {
                    continue;
                }
                let to = full.iter().take(2).cloned().collect::<Vec<_>>().join("::");
                found.insert(to);
            }
        }
    }
    found
}

/// Every edge of src/: the importing file and what it imports, between different top-level
/// modules.
fn edges() -> Vec<Edge> {
    let src = src_dir();
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut out = Vec::new();
    for path in files {
        let rel = path.strip_prefix(&src).unwrap().to_string_lossy().replace('\\', "/");
        if rel == "lib.rs" {
            continue;
        }
        let mut self_path: Vec<String> = rel.trim_end_matches(".rs").split('/').map(str::to_string).collect();
        if self_path.last().is_some_and(|s| s == "mod") {
            self_path.pop();
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for to in imports(&text, &self_path) {
            let top = to.split("::").next().unwrap();
            if top != self_path[0] {
                out.push(Edge { file: rel.clone(), to });
            }
        }
    }
    out.sort();
    out
}

fn top_of(file: &str) -> &str {
    file.split('/').next().unwrap().trim_end_matches(".rs")
}

fn layer(module: &str) -> Option<usize> {
    LAYERS.iter().position(|(_, ms)| ms.contains(&module))
}

fn is_page(file: &str) -> bool {
    file.contains("/pages/") || file.ends_with("/pages.rs") || file.starts_with("components/")
}

/// The rule an edge breaks, if any.
fn broken_rule(e: &Edge) -> Option<&'static str> {
    let from = top_of(&e.file);
    let to_top = e.to.split("::").next().unwrap();
    if from == "plot" && layer(to_top).is_none_or(|l| l > 0) {
        return Some("chart renderers (plot) take plain data: they import the foundation only");
    }
    if from == "sources" && to_top == "db" {
        return Some("sources never import the database (bytes to values only)");
    }
    if is_page(&e.file) && PAGES_NEVER.contains(&to_top) {
        return Some("pages never import sources or the database");
    }
    if from == "venture" && to_top == "jobs" {
        return Some("venture never imports jobs");
    }
    match (layer(from), layer(to_top)) {
        (Some(a), Some(b)) if b > a => Some("a module never imports a layer above its own"),
        _ => None,
    }
}

/// Strongly connected components of more than one module (Tarjan).
fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct T<'g> {
        g: &'g BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'g str, usize>,
        low: BTreeMap<&'g str, usize>,
        stack: Vec<&'g str>,
        on: BTreeSet<&'g str>,
        out: Vec<Vec<String>>,
    }
    impl<'g> T<'g> {
        fn visit(&mut self, v: &'g str) {
            let i = self.index.len();
            self.index.insert(v, i);
            self.low.insert(v, i);
            self.stack.push(v);
            self.on.insert(v);
            for w in self.g.get(v).into_iter().flatten() {
                let w = w.as_str();
                if !self.index.contains_key(w) {
                    self.visit(w);
                    let lw = self.low[w];
                    let lv = self.low.get_mut(v).unwrap();
                    *lv = (*lv).min(lw);
                } else if self.on.contains(w) {
                    let iw = self.index[w];
                    let lv = self.low.get_mut(v).unwrap();
                    *lv = (*lv).min(iw);
                }
            }
            if self.low[v] == self.index[v] {
                let mut scc = Vec::new();
                loop {
                    let w = self.stack.pop().unwrap();
                    self.on.remove(w);
                    scc.push(w.to_string());
                    if w == v {
                        break;
                    }
                }
                if scc.len() > 1 {
                    scc.sort();
                    self.out.push(scc);
                }
            }
        }
    }
    let mut t = T {
        g: graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        out: Vec::new(),
    };
    for v in graph.keys() {
        if !t.index.contains_key(v.as_str()) {
            t.visit(v);
        }
    }
    t.out
}

#[test]
fn no_module_imports_what_the_architecture_forbids() {
    let edges = edges();
    assert!(edges.len() > 100, "the scan found only {} edges: is it reading src/?", edges.len());

    // Every top-level module has a layer (a new one is placed in docs/architecture.md and
    // LAYERS before it is used).
    let mut tops: BTreeSet<&str> = edges.iter().map(|e| top_of(&e.file)).collect();
    tops.extend(edges.iter().map(|e| e.to.split("::").next().unwrap()));
    let unplaced: Vec<_> = tops.iter().filter(|m| layer(m).is_none()).collect();
    assert!(unplaced.is_empty(), "modules without a layer: {unplaced:?}");

    let broken: Vec<String> =
        edges.iter().filter_map(|e| broken_rule(e).map(|rule| format!("{} -> {}: {rule}", e.file, e.to))).collect();
    assert!(broken.is_empty(), "forbidden imports:\n{}", broken.join("\n"));

    // The map, for the docs and the closing note of a change.
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for e in &edges {
        let (from, to) = (top_of(&e.file), e.to.split("::").next().unwrap());
        graph.entry(to.to_string()).or_default();
        if from != to {
            graph.entry(from.to_string()).or_default().insert(to.to_string());
        }
    }
    for (name, modules) in LAYERS {
        println!("{name}:");
        for m in *modules {
            let to: Vec<&str> = graph.get(*m).into_iter().flatten().map(String::as_str).collect();
            println!("  {m} -> {}", to.join(", "));
        }
    }
    let cycles = cycles(&graph);
    let shown: Vec<String> = cycles.iter().map(|c| format!("{} modules: {}", c.len(), c.join(", "))).collect();
    assert!(cycles.is_empty(), "the import graph of top-level modules has cycles:\n{}", shown.join("\n"));
    println!("the import graph of top-level modules has no cycle");
}

#[test]
fn the_scan_reads_groups_super_paths_and_skips_comments() {
    let text = "use crate::{a::b, c};\n// crate::hidden\nuse super::super::x::y;\nlet u = \"http://crate::no\";\nfn f() { crate::d::e(); }\n";
    let found = imports(text, &["m".into(), "n".into(), "o".into()]);
    let found: Vec<&str> = found.iter().map(String::as_str).collect();
    assert_eq!(found, ["a::b", "c", "d::e", "m::x"]);
    let e = |file: &str, to: &str| Edge { file: file.into(), to: to.into() };
    assert!(broken_rule(&e("commodities/rest.rs", "server::routes")).is_some());
    assert!(broken_rule(&e("jobs/kind.rs", "cli")).is_some());
    assert!(broken_rule(&e("sources/fred.rs", "db::entities")).is_some());
    assert!(broken_rule(&e("venture/pages/deals.rs", "sources::edgar")).is_some());
    assert!(broken_rule(&e("venture/service.rs", "jobs::runner")).is_some());
    assert!(broken_rule(&e("venture/import_run.rs", "jobs::runner")).is_some());
    assert!(broken_rule(&e("plot/theme.rs", "commodities::service")).is_some());
    assert!(broken_rule(&e("plot/png.rs", "charts::view")).is_some());
    assert!(broken_rule(&e("plot/png.rs", "state")).is_some());
    assert!(broken_rule(&e("state.rs", "commodities::kept")).is_some());
    assert!(broken_rule(&e("app/docs.rs", "openapi::reference")).is_some());
    assert!(broken_rule(&e("plot/png.rs", "format")).is_none());
    assert!(broken_rule(&e("charts/view.rs", "commodities::service")).is_none());
    assert!(broken_rule(&e("openapi/mod.rs", "app::api")).is_none());
    assert!(broken_rule(&e("server/mod.rs", "commodities::handlers")).is_none());
    assert!(broken_rule(&e("cli/mod.rs", "startup")).is_none());
}

#[test]
fn a_cycle_is_found_and_a_chain_is_not() {
    let graph = |pairs: &[(&str, &str)]| {
        let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (a, b) in pairs {
            g.entry(a.to_string()).or_default().insert(b.to_string());
            g.entry(b.to_string()).or_default();
        }
        g
    };
    assert!(cycles(&graph(&[("a", "b"), ("b", "c"), ("a", "c")])).is_empty());
    assert_eq!(cycles(&graph(&[("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")])), vec![vec!["a", "b", "c"]]);
}
