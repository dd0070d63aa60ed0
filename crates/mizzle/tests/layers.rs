//! The runtime's layer rule, read from the source's `use` lines and `crate::` paths (see
//! ARCHITECTURE.md): each layer may import only the layers below it. A name imported from
//! the crate root (`use crate::{Value, Error}`) counts as the module `lib.rs` re-exports it
//! from. The edges between layers go down only; the exceptions still open (issue 28) are
//! listed by name, so that they can only shrink. (Circles *within* a layer — expr.rs ↔
//! value_expr.rs, and join ↔ query ↔ relation — are not checked here yet.)

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The layer a source file is in, by its path under src/.
fn layer(file: &str) -> &'static str {
    let top = file.split('/').next().unwrap().trim_end_matches(".rs");
    match top {
        "error" => "error",
        "sql" => "sql",
        "exec" => "exec",
        "db" => "db",
        "expr" | "value_expr" | "scope" => "expr",
        "table" | "defaults" | "serde_helpers" => "table",
        "query" | "join" | "relation" | "batch" | "prepared" => "query",
        "lib" => "root",
        other => panic!("{other}.rs is in no layer: add it to tests/layers.rs and ARCHITECTURE.md"),
    }
}

/// What each layer may import.
fn allowed(from: &str) -> &'static [&'static str] {
    match from {
        "error" => &["error"],
        "sql" => &["sql", "error"],
        // Row types (`exec/mod.rs`) are plain data; the backends are not imported by these.
        "exec" => &["exec", "sql", "error", "table"],
        "table" => &["table", "sql", "error", "exec"],
        "db" => &["db", "exec", "sql", "error"],
        "expr" => &["expr", "sql", "error", "exec", "table"],
        "query" => &["query", "db", "expr", "sql", "error", "exec", "table"],
        _ => &[
            "root", "query", "db", "expr", "sql", "error", "exec", "table",
        ],
    }
}

#[test]
fn each_layer_imports_only_the_layers_below_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let lib = std::fs::read_to_string(src.join("lib.rs")).unwrap();
    // Root names → the module they are re-exported from.
    let mut root: BTreeMap<String, String> = BTreeMap::new();
    let flat = lib.replace('\n', " ");
    for part in flat.split("pub use ").skip(1) {
        let stmt = part.split(';').next().unwrap();
        let (path, names) = match stmt.split_once("::{") {
            Some((p, n)) => (p.trim(), n.trim_end_matches('}').to_owned()),
            None => match stmt.rsplit_once("::") {
                Some((p, n)) => (p.trim(), n.to_owned()),
                None => continue,
            },
        };
        let module = path.split("::").next().unwrap().to_owned();
        for n in names.split(',') {
            let n = n.trim();
            if !n.is_empty() {
                root.insert(n.to_owned(), module.clone());
            }
        }
    }
    let mut files = Vec::new();
    let mut stack = vec![src.clone()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                files.push(p);
            }
        }
    }
    let mut wrong = BTreeSet::new();
    for f in &files {
        let rel = f
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let from = layer(&rel);
        if from == "root" {
            continue;
        }
        let text = std::fs::read_to_string(f).unwrap();
        // Test modules may reach anywhere; comments and docs name things, they import nothing.
        let text: String = text
            .split("#[cfg(test)]")
            .next()
            .unwrap()
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        let mut targets = BTreeSet::new();
        for (i, _) in text.match_indices("crate::") {
            let rest = &text[i + "crate::".len()..];
            if rest.starts_with('{') {
                let inner = &rest[1..rest.find('}').unwrap_or(rest.len())];
                for n in inner.split(',') {
                    let n = n.trim().split("::").next().unwrap().trim();
                    if !n.is_empty() {
                        targets.insert(n.to_owned());
                    }
                }
            } else {
                let n: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                targets.insert(n);
            }
        }
        for t in targets {
            let module = root.get(&t).cloned().unwrap_or(t.clone());
            let to = match module.as_str() {
                // Root helpers (`quote_ident`, `push_ident`, `MAX_SAFE_INTEGER`..) and macros.
                m if src.join(format!("{m}.rs")).is_file() || src.join(m).is_dir() => {
                    layer(&format!("{m}.rs"))
                }
                _ => "sql",
            };
            if !allowed(from).contains(&to) {
                wrong.insert(format!("{rel} ({from}) imports `{t}` ({to})"));
            }
        }
    }
    // Known exceptions, named: none left.
    let known: BTreeSet<String> = BTreeSet::new();
    let new: Vec<&str> = wrong
        .iter()
        .filter(|w| !known.contains(*w))
        .map(String::as_str)
        .collect();
    assert!(
        new.is_empty(),
        "imports against the layer rule:\n{}",
        new.join("\n")
    );
    // An exception that no longer happens comes off the list.
    let stale: Vec<&str> = known
        .iter()
        .filter(|k| !wrong.contains(*k))
        .map(String::as_str)
        .collect();
    assert!(stale.is_empty(), "fixed, so remove from `known`: {stale:?}");
}
