//! docs/schema.md is the user's reference: every key the parser accepts, every type, default
//! function and foreign key action is in it, and nothing in the repository's docs links
//! outside the repository.

use std::path::Path;

use mizzle_build::ir::{ColumnType, DefaultFn, FkAction};
use mizzle_build::parse;

fn root() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[test]
fn every_key_the_parser_accepts_is_documented() {
    let doc = std::fs::read_to_string(root().join("docs/schema.md")).unwrap();
    let mut missing = Vec::new();
    let lists: [&[&str]; 6] = [
        parse::COLUMN_KEYS,
        parse::TABLE_KEYS,
        parse::INDEX_KEYS,
        parse::RELATION_KINDS,
        parse::RELATION_KEYS,
        parse::SETTINGS_KEYS,
    ];
    for key in lists.iter().flat_map(|l| l.iter()) {
        let shown = if matches!(*key, "columns" | "indexes" | "checks" | "relations") {
            doc.contains(&format!("`{key}`")) || doc.contains(&format!("`[{key}]`"))
        } else {
            doc.contains(&format!("`{key}`"))
        };
        if !shown {
            missing.push(*key);
        }
    }
    for (name, _) in ColumnType::ALL {
        if !doc.contains(&format!("`{name}`")) {
            missing.push(name);
        }
    }
    for (name, _) in DefaultFn::ALL {
        if !doc.contains(&format!("\"{name}\"")) {
            missing.push(name);
        }
    }
    for (name, _) in FkAction::ALL {
        if !doc.contains(&format!("\"{name}\"")) {
            missing.push(name);
        }
    }
    assert!(
        missing.is_empty(),
        "docs/schema.md does not mention: {missing:?}"
    );
}

#[test]
fn no_doc_links_outside_the_repository() {
    let mut files = vec![root().join("README.md")];
    for e in std::fs::read_dir(root().join("docs")).unwrap().flatten() {
        files.push(e.path());
    }
    files.push(root().join("bench/README.md"));
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        assert!(
            !text.contains("../shared"),
            "{} links outside the repository",
            f.display()
        );
    }
}
