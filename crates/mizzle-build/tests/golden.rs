//! Golden files for what users review:
//!
//! - `tests/migrations/<case>/`: `before/` and `after/` schema folders; the migration that
//!   takes a database built from `before` to `after` must be exactly `expected.sql`, and it
//!   must apply to a database holding a row in every table.
//! - `tests/codegen/<case>/`: a `schema/` folder; the generated module must be exactly
//!   `expected.rs`.
//!
//! `MIZZLE_BLESS=1 cargo test -p mizzle-build --test golden` rewrites them: a change in
//! output is then a reviewed diff.

mod common;

use std::path::{Path, PathBuf};

fn bless() -> bool {
    std::env::var_os("MIZZLE_BLESS").is_some()
}

fn cases(dir: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(dir);
    let mut v: Vec<PathBuf> = std::fs::read_dir(root)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    v.sort();
    v
}

fn compare(path: &Path, got: &str, failures: &mut Vec<String>) {
    if bless() {
        std::fs::write(path, got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(path).unwrap_or_default();
    if want != got {
        failures.push(format!(
            "{}:\n--- expected\n{want}\n--- got\n{got}",
            path.display()
        ));
    }
}

fn schema_from(root: &Path, from: &Path) {
    let dir = root.join("schema");
    let _ = std::fs::remove_dir_all(&dir);
    common::copy_dir(from, &dir);
}

#[test]
fn migrations_match_their_golden_sql() {
    let all = cases("migrations");
    assert!(all.len() >= 12, "migration cases went missing");
    let mut failures = Vec::new();
    for case in all {
        let tmp = tempfile::tempdir().unwrap();
        schema_from(tmp.path(), &case.join("before"));
        common::config(tmp.path()).compile().unwrap();
        common::mark_applied(tmp.path());
        // A row in every table of `before`, so the migration is applied to data.
        let mut conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "foreign_keys", true).unwrap();
        let first = std::fs::read_to_string(tmp.path().join("migrations/0001_init.sql")).unwrap();
        conn.execute_batch(&first).unwrap();
        let tables: Vec<String> = conn
            .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite%' ORDER BY rowid")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .flatten()
            .collect();
        for t in &tables {
            seed_row(&conn, t);
        }
        schema_from(tmp.path(), &case.join("after"));
        let outcome = common::config(tmp.path())
            .compile()
            .unwrap_or_else(|r| panic!("{}: {r}", case.display()));
        let written = outcome
            .written
            .unwrap_or_else(|| panic!("{}: no migration written", case.display()));
        let sql = std::fs::read_to_string(&written).unwrap();
        let tx = conn.transaction().unwrap();
        tx.execute_batch(&sql).unwrap_or_else(|e| {
            panic!(
                "{}: does not apply to a database with rows: {e}\n{sql}",
                case.display()
            )
        });
        tx.commit().unwrap();
        let fk: i64 = conn
            .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(fk, 0, "{}: foreign_key_check", case.display());
        compare(&case.join("expected.sql"), &sql, &mut failures);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Inserts one row with a value for every NOT NULL column without a default.
fn seed_row(conn: &rusqlite::Connection, table: &str) {
    let cols: Vec<(String, String, bool, bool)> = conn
        .prepare(
            "SELECT name, type, \"notnull\", dflt_value IS NOT NULL FROM pragma_table_info(?1)",
        )
        .unwrap()
        .query_map([table], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get::<_, i64>(2)? != 0, r.get(3)?))
        })
        .unwrap()
        .flatten()
        .collect();
    let mut names = Vec::new();
    let mut values = Vec::new();
    for (name, ty, not_null, has_default) in cols {
        if !not_null || has_default {
            continue;
        }
        names.push(format!("\"{name}\""));
        values.push(if ty == "TEXT" {
            "'a'".to_owned()
        } else {
            "1".to_owned()
        });
    }
    let sql = if names.is_empty() {
        format!("INSERT INTO \"{table}\" DEFAULT VALUES")
    } else {
        format!(
            "INSERT INTO \"{table}\" ({}) VALUES ({})",
            names.join(", "),
            values.join(", ")
        )
    };
    conn.execute(&sql, [])
        .unwrap_or_else(|e| panic!("seeding {table}: {e}: {sql}"));
}

#[test]
fn generated_code_matches_its_golden_file() {
    let all = cases("codegen");
    assert!(all.len() >= 6, "codegen cases went missing");
    let mut failures = Vec::new();
    for case in all {
        let tmp = tempfile::tempdir().unwrap();
        schema_from(tmp.path(), &case.join("schema"));
        let loaded = common::config(tmp.path())
            .load()
            .unwrap_or_else(|r| panic!("{}: {r}", case.display()));
        let rust = common::config(tmp.path()).generate(&loaded.schema, &[]);
        syn::parse_file(&rust).unwrap_or_else(|e| panic!("{}: {e}", case.display()));
        compare(&case.join("expected.rs"), &rust, &mut failures);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The schema module of the tour in `mizzle`'s crate docs (its doc test includes it from
/// `crates/mizzle/doc/tour_schema.rs`, inside that package): generated from
/// `tests/tour/schema/` with its first migration, and kept equal to what this version
/// generates.
#[test]
fn the_tour_in_mizzles_docs_uses_generated_code() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/tour");
    schema_from(tmp.path(), &dir.join("schema"));
    let plan = common::config(tmp.path())
        .preview()
        .unwrap_or_else(|r| panic!("{r}"));
    let (name, sql) = plan.new_file.expect("the first migration");
    let loaded = common::config(tmp.path())
        .load()
        .unwrap_or_else(|r| panic!("{r}"));
    let rust = common::config(tmp.path()).generate(&loaded.schema, &[(name, sql)]);
    let mut failures = Vec::new();
    compare(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../mizzle/doc/tour_schema.rs"),
        &rust,
        &mut failures,
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
