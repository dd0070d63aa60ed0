//! The runtime's structure, read from its source (see ARCHITECTURE.md):
//!
//! 1. every file is in a layer, and imports only from its own layer and the layers below;
//! 2. the query builders never import a backend (`exec/sqlite.rs`, `d1.rs`, ..): only the
//!    `Executor` trait and the rows that come back (`exec/mod.rs`, `exec/row.rs`);
//! 3. no file imports one that (through any chain of imports) imports it back, within a
//!    layer or across layers;
//! 4. no file is over 600 lines unless it says why at its top, and no function over 80
//!    unless its doc comment says why.
//!
//! Imports are every `use` line and every `crate::`/`super::` path in code (comments,
//! docs and `#[cfg(test)]` modules left out), each resolved to the file that defines the
//! module it names: a name the crate root re-exports counts as the file it comes from.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The layers, bottom up, and which of them each may import (besides itself).
const LAYERS: &[(&str, &[&str])] = &[
    ("error", &[]),
    ("sql", &["error"]),
    ("exec", &["sql", "error"]),
    ("table", &["exec", "sql", "error"]),
    ("db", &["exec", "sql", "error"]),
    ("expr", &["table", "exec", "sql", "error"]),
    ("query", &["expr", "db", "table", "exec", "sql", "error"]),
    ("seed", &["query", "db", "exec", "sql", "error"]),
    (
        "root",
        &[
            "seed", "query", "expr", "db", "table", "exec", "sql", "error",
        ],
    ),
];

/// The layer a source file is in, by its path under src/.
fn layer(file: &str) -> &'static str {
    let top = file.split('/').next().unwrap().trim_end_matches(".rs");
    match top {
        "error" => "error",
        "sql" => "sql",
        "exec" => "exec",
        "table" | "defaults" | "serde_helpers" => "table",
        "db" => "db",
        "expr" => "expr",
        "query" => "query",
        "seed" => "seed",
        "lib" => "root",
        other => {
            panic!("src/{other} is in no layer: add it to tests/layers.rs and ARCHITECTURE.md")
        }
    }
}

/// The files of the executor layer the query builders may import: the trait and the rows.
const EXEC_INTERFACE: &[&str] = &["exec/mod.rs", "exec/row.rs"];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file under src/, as a path relative to it.
fn files() -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![src()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(
                    p.strip_prefix(src())
                        .unwrap()
                        .to_string_lossy()
                        .replace('\\', "/"),
                );
            }
        }
    }
    out.sort();
    out
}

/// A file's module path: `query/join/mod.rs` → `[query, join]`, `lib.rs` → `[]`.
fn module_of(file: &str) -> Vec<String> {
    let mut parts: Vec<String> = file
        .trim_end_matches(".rs")
        .split('/')
        .map(str::to_owned)
        .collect();
    if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
        parts.pop();
    }
    parts
}

/// The file that defines module `path` (the deepest module file along it), and how many
/// segments that took.
fn file_of(path: &[String]) -> (String, usize) {
    let mut best = ("lib.rs".to_owned(), 0);
    let mut dir = String::new();
    for (i, seg) in path.iter().enumerate() {
        let flat = format!("{dir}{seg}.rs");
        let nested = format!("{dir}{seg}/mod.rs");
        if src().join(&flat).is_file() {
            best = (flat, i + 1);
        } else if src().join(&nested).is_file() {
            best = (nested, i + 1);
        } else {
            break;
        }
        dir = format!("{dir}{seg}/");
    }
    best
}

/// The code of a file without comments, docs and `#[cfg(test)]` modules.
fn code(text: &str) -> String {
    let text = text.split("#[cfg(test)]").next().unwrap();
    let text = text.split("#[cfg(all(test,").next().unwrap();
    text.lines()
        .map(|l| match l.find("//") {
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `a::{b, c::{d, e}}` → `a::b`, `a::c::d`, `a::c::e`.
fn expand(tree: &str) -> Vec<String> {
    let tree = tree.trim();
    let Some(open) = tree.find('{') else {
        let path = tree.split(" as ").next().unwrap().trim();
        return vec![path.to_owned()];
    };
    let prefix = &tree[..open];
    let Some(close) = tree.rfind('}') else {
        return Vec::new();
    };
    let inner = &tree[open + 1..close];
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[start..]);
    parts
        .into_iter()
        .filter(|p| !p.trim().is_empty())
        .flat_map(expand)
        .map(|p| {
            if p == "self" {
                prefix.trim_end_matches("::").to_owned()
            } else {
                format!("{prefix}{p}")
            }
        })
        .collect()
}

/// Every path a file's code names: its `use` trees, expanded, and the `crate::` and
/// `super::` paths written inline.
fn paths_in(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find("use ") {
        let before = rest[..i].chars().last();
        let after = &rest[i + 4..];
        if before.is_none_or(|c| !(c.is_alphanumeric() || c == '_'))
            && let Some(end) = after.find(';')
        {
            let tree: String = after[..end]
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            if !tree.starts_with("std::") && !tree.contains('(') {
                out.extend(expand(&tree));
            }
        }
        rest = after;
    }
    for prefix in ["crate::", "super::"] {
        for (i, _) in code.match_indices(prefix) {
            if code[..i].ends_with('$') || code[..i].ends_with("::") {
                continue;
            }
            let path: String = code[i..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            out.push(path.trim_end_matches(':').to_owned());
        }
    }
    out
}

/// The crate root's re-exports: `Db` → `db::Db`, `scope` → `expr::scope`, ...
fn root_names() -> BTreeMap<String, Vec<String>> {
    let lib = code(&std::fs::read_to_string(src().join("lib.rs")).unwrap());
    let mut names = BTreeMap::new();
    // `pub mod scope { pub use crate::expr::scope::{..}; }`: the facade is that module.
    for part in lib.split("pub mod ").skip(1) {
        let name: String = part
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let body = part[name.len()..].trim_start();
        if let Some(body) = body.strip_prefix('{') {
            let mut depth = 1;
            let end = body
                .char_indices()
                .find(|&(_, c)| {
                    depth += match c {
                        '{' => 1,
                        '}' => -1,
                        _ => 0,
                    };
                    depth == 0
                })
                .map_or(body.len(), |(i, _)| i);
            let body = &body[..end];
            // Each name the facade re-exports, and the facade itself as the last module.
            for stmt in body.split("pub use ").skip(1) {
                let tree: String = stmt
                    .split(';')
                    .next()
                    .unwrap()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ");
                for path in expand(&tree) {
                    let segs: Vec<String> = path.split("::").skip(1).map(str::to_owned).collect();
                    let item = segs.last().unwrap().clone();
                    names.insert(format!("{name}::{item}"), segs.clone());
                    names.insert(name.clone(), segs[..segs.len() - 1].to_vec());
                }
            }
        }
    }
    for stmt in lib.split("pub use ").skip(1) {
        let tree = stmt.split(';').next().unwrap();
        let tree: String = tree.split_whitespace().collect::<Vec<_>>().join(" ");
        for path in expand(&tree) {
            let segs: Vec<String> = path.split("::").map(str::to_owned).collect();
            let name = segs.last().unwrap().clone();
            names.entry(name).or_insert(segs);
        }
        // `pub use a::{b as c}`: `c` is `a::b`.
        for (i, _) in tree.match_indices(" as ") {
            let alias: String = tree[i + 4..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            let original: String = tree[..i]
                .chars()
                .rev()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            if let Some(path) = names.get(&original).cloned() {
                names.insert(alias, path);
            }
        }
    }
    names
}

/// The file `path` (written in `file`) names, if it is one of the crate's.
fn resolve(file: &str, path: &str, root: &BTreeMap<String, Vec<String>>) -> Option<String> {
    let here = module_of(file);
    let segs: Vec<String> = path.split("::").map(str::to_owned).collect();
    let mut abs: Vec<String> = match segs[0].as_str() {
        "crate" => segs[1..].to_vec(),
        "super" | "self" => {
            let mut base = here.clone();
            let mut rest = &segs[..];
            while let Some(first) = rest.first() {
                match first.as_str() {
                    "super" => {
                        base.pop();
                    }
                    "self" => {}
                    _ => break,
                }
                rest = &rest[1..];
            }
            base.extend(rest.iter().cloned());
            base
        }
        // A child module of this one (`use node::Node;` in expr/mod.rs).
        first => {
            let mut child = here.clone();
            child.push(first.to_owned());
            if file_of(&child).1 == child.len() {
                let mut p = here.clone();
                p.extend(segs.iter().cloned());
                p
            } else {
                return None;
            }
        }
    };
    if abs.is_empty() {
        return Some("lib.rs".to_owned());
    }
    // A root re-export stands for where it comes from.
    if file_of(&abs[..1]).1 == 0 {
        let target = abs
            .get(1)
            .and_then(|item| root.get(&format!("{}::{item}", abs[0])))
            .map(|t| (t.clone(), 2))
            .or_else(|| root.get(&abs[0]).map(|t| (t.clone(), 1)));
        let (target, used) = target?;
        abs = target
            .into_iter()
            .chain(abs.into_iter().skip(used))
            .collect();
    }
    let (f, depth) = file_of(&abs);
    (depth > 0).then_some(f)
}

/// The code without its re-exports of its own child modules (`mod row;` ..
/// `pub use row::{Row, RowReader};`): a module's interface, which its code does not use.
fn without_child_reexports(code: &str) -> String {
    let children: BTreeSet<String> = code
        .lines()
        .filter_map(|l| {
            let l = l.trim();
            let l = l.strip_prefix("pub ").unwrap_or(l);
            let l = l.strip_prefix("pub(crate) ").unwrap_or(l);
            l.strip_prefix("mod ")?.strip_suffix(';').map(str::to_owned)
        })
        .collect();
    let mut out = String::new();
    let mut rest = code;
    while let Some(i) = rest.find("pub") {
        let after = &rest[i..];
        let stmt = ["pub use ", "pub(crate) use "]
            .iter()
            .find_map(|p| after.strip_prefix(p))
            .filter(|t| {
                let first: String = t
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                children.contains(&first)
            });
        match stmt.and_then(|t| t.find(';').map(|e| after.len() - t.len() + e + 1)) {
            Some(len) => {
                out.push_str(&rest[..i]);
                rest = &rest[i + len..];
            }
            None => {
                out.push_str(&rest[..i + 3]);
                rest = &rest[i + 3..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The import graph: file → the files it imports.
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let root = root_names();
    let mut g = BTreeMap::new();
    for f in files() {
        let text =
            without_child_reexports(&code(&std::fs::read_to_string(src().join(&f)).unwrap()));
        let mut to = BTreeSet::new();
        for p in paths_in(&text) {
            if let Some(t) = resolve(&f, &p, &root)
                && t != f
            {
                to.insert(t);
            }
        }
        g.insert(f, to);
    }
    g
}

#[test]
fn each_layer_imports_only_the_layers_below_it() {
    let allowed: BTreeMap<&str, &[&str]> = LAYERS.iter().copied().collect();
    let mut wrong = Vec::new();
    for (from, tos) in graph() {
        let lf = layer(&from);
        for to in tos {
            let lt = layer(&to);
            if lf != lt && lf != "root" && !allowed[lf].contains(&lt) {
                wrong.push(format!("{from} ({lf}) imports {to} ({lt})"));
            }
            if lf == "query" && lt == "exec" && !EXEC_INTERFACE.contains(&to.as_str()) {
                wrong.push(format!(
                    "{from} (query) imports the backend {to}: go through `Db` and `Executor`"
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against the layer rule:\n{}",
        wrong.join("\n")
    );
}

/// The circles of `g` (its strongly connected components of two or more files, Tarjan's
/// algorithm), each sorted, `skip` left out.
fn circles(g: &BTreeMap<String, BTreeSet<String>>, skip: &str) -> Vec<Vec<String>> {
    // Tarjan's strongly connected components: a component of two or more files is a circle.
    struct State<'g> {
        g: &'g BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'g str, usize>,
        low: BTreeMap<&'g str, usize>,
        stack: Vec<&'g str>,
        on: BTreeSet<&'g str>,
        circles: Vec<Vec<&'g str>>,
    }
    fn visit<'g>(s: &mut State<'g>, v: &'g str) {
        let i = s.index.len();
        s.index.insert(v, i);
        s.low.insert(v, i);
        s.stack.push(v);
        s.on.insert(v);
        for w in s.g.get(v).into_iter().flatten() {
            let w = w.as_str();
            if !s.index.contains_key(w) {
                visit(s, w);
                let lw = s.low[w];
                let lv = s.low.get_mut(v).unwrap();
                *lv = (*lv).min(lw);
            } else if s.on.contains(w) {
                let iw = s.index[w];
                let lv = s.low.get_mut(v).unwrap();
                *lv = (*lv).min(iw);
            }
        }
        if s.low[v] == s.index[v] {
            let mut comp = Vec::new();
            loop {
                let w = s.stack.pop().unwrap();
                s.on.remove(w);
                comp.push(w);
                if w == v {
                    break;
                }
            }
            if comp.len() > 1 {
                comp.sort();
                s.circles.push(comp);
            }
        }
    }
    let mut s = State {
        g,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        circles: Vec::new(),
    };
    for v in g.keys() {
        if v != skip && !s.index.contains_key(v.as_str()) {
            visit(&mut s, v);
        }
    }
    s.circles
        .into_iter()
        .filter(|c| !c.contains(&skip))
        .map(|c| c.into_iter().map(str::to_owned).collect())
        .collect()
}

#[test]
fn no_file_imports_one_that_imports_it_back() {
    // lib.rs re-exports everything, and its macros name the crate root: it is the top,
    // not part of any circle.
    let circles: Vec<String> = circles(&graph(), "lib.rs")
        .iter()
        .map(|c| c.join(" ↔ "))
        .collect();
    assert!(
        circles.is_empty(),
        "files that import each other:\n{}",
        circles.join("\n")
    );
}

#[test]
fn no_file_is_over_600_lines_without_saying_why() {
    let mut long = Vec::new();
    for f in files() {
        let text = std::fs::read_to_string(src().join(&f)).unwrap();
        let lines = text.lines().count();
        let says_why = text
            .lines()
            .take_while(|l| l.starts_with("//!"))
            .any(|l| l.to_lowercase().contains("long because"));
        if lines > 600 && !says_why {
            long.push(format!("{f}: {lines} lines"));
        }
    }
    assert!(
        long.is_empty(),
        "split these, or say at the top why one file (\"long because ..\"):\n{}",
        long.join("\n")
    );
}

/// The functions of `text` longer than `max` lines whose doc comment does not say why
/// ("long because .."): `(name, lines)`.
fn long_functions(text: &str, max: usize) -> Vec<(String, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let trimmed = line.trim_start();
        let indent = &line[..line.len() - trimmed.len()];
        let signature = trimmed
            .trim_start_matches("pub(crate) ")
            .trim_start_matches("pub(super) ")
            .trim_start_matches("pub ")
            .trim_start_matches("const ")
            .trim_start_matches("async ")
            .trim_start_matches("unsafe ");
        let Some(rest) = signature.strip_prefix("fn ") else {
            continue;
        };
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let close = format!("{indent}}}");
        let Some(len) = lines[i + 1..].iter().position(|l| *l == close) else {
            continue;
        };
        let says_why = lines[..i]
            .iter()
            .rev()
            .take_while(|l| {
                let l = l.trim_start();
                l.starts_with("///") || l.starts_with("#[")
            })
            .any(|l| l.to_lowercase().contains("long because"));
        if len + 1 > max && !says_why {
            out.push((name, len + 1));
        }
    }
    out
}

#[test]
fn no_function_is_over_80_lines_without_saying_why() {
    let mut long = Vec::new();
    for f in files() {
        let text = std::fs::read_to_string(src().join(&f)).unwrap();
        let text = text.split("#[cfg(test)]").next().unwrap();
        for (name, lines) in long_functions(text, 80) {
            long.push(format!("{f}: fn {name}, {lines} lines"));
        }
    }
    assert!(
        long.is_empty(),
        "split these where a name explains the part, or say in the doc comment why not \
         (\"long because ..\"):\n{}",
        long.join("\n")
    );
}

/// The checks see what they should: a circle and an upward import in made-up code are
/// found, so a passing run means something.
#[test]
fn the_checks_find_what_they_look_for() {
    let paths = paths_in(
        "use super::{a::B, c};\nuse crate::expr::{node::Node, value::{Val, count}};\nfn f() { crate::db::Db::new(x) }",
    );
    for want in [
        "super::a::B",
        "super::c",
        "crate::expr::node::Node",
        "crate::expr::value::Val",
        "crate::expr::value::count",
        "crate::db::Db::new",
    ] {
        assert!(paths.iter().any(|p| p == want), "{want} not in {paths:?}");
    }
    let root = root_names();
    assert_eq!(
        resolve("query/select.rs", "crate::Db", &root).as_deref(),
        Some("db/mod.rs")
    );
    assert_eq!(
        resolve("query/join/project.rs", "super::From_", &root).as_deref(),
        Some("query/join/mod.rs")
    );
    assert_eq!(
        resolve("expr/mod.rs", "node::Node", &root).as_deref(),
        Some("expr/node.rs")
    );
    assert_eq!(
        resolve("exec/row.rs", "crate::scope::Source", &root).as_deref(),
        Some("expr/scope.rs")
    );
    assert_eq!(
        resolve("query/batch.rs", "crate::value_expr::Val", &root).as_deref(),
        Some("expr/value.rs")
    );
    assert_eq!(
        resolve("expr/mod.rs", "std::marker::PhantomData", &root),
        None
    );
    // A circle through three files is found, and a chain is not one.
    let made_up = |edges: &[(&str, &str)]| {
        let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (a, b) in edges {
            g.entry(a.to_string()).or_default().insert(b.to_string());
            g.entry(b.to_string()).or_default();
        }
        g
    };
    let g = made_up(&[("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")]);
    assert_eq!(
        circles(&g, "lib.rs"),
        [["a", "b", "c"].map(str::to_owned).to_vec()]
    );
    assert!(circles(&made_up(&[("a", "b"), ("b", "c")]), "lib.rs").is_empty());
    // A parent's re-export of its child is not an import; its code's use of it is.
    let code = "mod row;\npub use row::{Row, RowReader};\npub(crate) use row::decode;\nfn f() { row::helper() }";
    assert_eq!(
        without_child_reexports(code),
        "mod row;\n\n\nfn f() { row::helper() }"
    );
    // A long function is found, and one that says why is not.
    let body = "    x();\n".repeat(85);
    let text = format!(
        "fn long() {{\n{body}}}\n/// Long because it is a table.\nfn table() {{\n{body}}}\nfn short() {{\n}}\n"
    );
    assert_eq!(long_functions(&text, 80), [("long".to_owned(), 86)]);
    // Every file of the crate is in the graph, and the graph has edges.
    let g = graph();
    assert!(g["query/select.rs"].contains("db/mod.rs"), "{g:#?}");
    assert!(g["expr/value.rs"].contains("expr/node.rs"), "{g:#?}");
}
