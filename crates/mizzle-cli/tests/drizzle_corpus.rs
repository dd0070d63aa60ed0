//! `mizzle import-drizzle` on a corpus of drizzle-kit project styles (tests/fixtures/
//! drizzle_corpus/): each case is a drizzle project as people write them — the TypeScript
//! written for this corpus after public patterns, the migrations folder made from it by
//! drizzle-kit itself (0.31 for the journal layout, 1.0.0-rc.5 for the per-folder one) and
//! committed, so this test needs no Node.
//!
//! For each case: the command in `args.txt` succeeds; the schema files it writes and its
//! summary (stdout) equal `expected/` (`MIZZLE_BLESS=1` rewrites them, for review as a
//! diff); the imported project's migrations make exactly the imported schema (`mizzle
//! check`: the next build writes no migration); a second import with `--force` writes the
//! same files; and with `--strict`, a case with warnings is refused, writing nothing.

use std::path::{Path, PathBuf};

mod common;
use common::mizzle;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/drizzle_corpus")
}

/// The corpus cases (folders with an `args.txt`), in order.
fn cases() -> Vec<PathBuf> {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(corpus())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("args.txt").is_file())
        .collect();
    cases.sort();
    cases
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(e.file_name());
        if e.file_name() == "expected" || e.file_name() == "args.txt" {
            continue;
        }
        if e.path().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// `schema/*.toml` of a project, by name.
fn schema_files(p: &Path) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = std::fs::read_dir(p.join("schema"))
        .map(|d| {
            d.flatten()
                .map(|e| {
                    (
                        e.file_name().to_string_lossy().into_owned(),
                        std::fs::read_to_string(e.path()).unwrap(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// The summary and warnings of the output, with the temp dir's path taken out.
fn summary(out: &str, p: &Path) -> String {
    let shown = p.display().to_string();
    out.lines()
        .filter(|l| !l.starts_with("[mizzle]") && !l.starts_with("wrote "))
        .map(|l| l.replace(&shown, "<project>"))
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

fn check_case(case: &Path, bless: bool) -> Result<(), String> {
    let name = case.file_name().unwrap().to_string_lossy().into_owned();
    let args_text = std::fs::read_to_string(case.join("args.txt")).unwrap();
    let args: Vec<&str> = args_text.split_whitespace().collect();
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path();
    copy_dir(case, p);

    // --strict, in a copy of its own: refused when there is anything to warn about, and
    // then nothing written.
    let strict_tmp = tempfile::tempdir().unwrap();
    copy_dir(case, strict_tmp.path());
    let mut strict = args.clone();
    strict.push("--strict");
    let (strict_ok, strict_out) = mizzle(strict_tmp.path(), &strict);

    let (ok, out) = mizzle(p, &args);
    if !ok {
        return Err(format!("{name}: `mizzle {args_text}` failed:\n{out}"));
    }
    let warned = out.contains(" warning(s): ");
    if strict_ok == warned {
        return Err(format!(
            "{name}: --strict {} although the import {} warnings:\n{strict_out}",
            if strict_ok { "succeeded" } else { "failed" },
            if warned { "has" } else { "has no" }
        ));
    }
    if !strict_ok && (strict_out.contains("wrote ") || strict_tmp.path().join("schema").exists()) {
        return Err(format!("{name}: --strict refused but wrote:\n{strict_out}"));
    }
    if !out.contains("the next `cargo build` writes no migration") {
        return Err(format!(
            "{name}: the import did not say the build writes nothing:\n{out}"
        ));
    }
    let files = schema_files(p);
    let got_summary = summary(&out, p);
    let expected = case.join("expected");
    if bless {
        let _ = std::fs::remove_dir_all(&expected);
        std::fs::create_dir_all(&expected).unwrap();
        for (f, text) in &files {
            std::fs::write(expected.join(f), text).unwrap();
        }
        std::fs::write(expected.join("summary.txt"), &got_summary).unwrap();
    } else {
        let mut want: Vec<(String, String)> = std::fs::read_dir(&expected)
            .map_err(|e| format!("{name}: no expected/ ({e}); run with MIZZLE_BLESS=1"))?
            .flatten()
            .filter(|e| e.file_name() != "summary.txt")
            .map(|e| {
                (
                    e.file_name().to_string_lossy().into_owned(),
                    std::fs::read_to_string(e.path()).unwrap(),
                )
            })
            .collect();
        want.sort();
        if want != files {
            return Err(format!(
                "{name}: schema/ differs from expected/ (MIZZLE_BLESS=1 to accept):\nwant {want:#?}\ngot {files:#?}"
            ));
        }
        let want_summary = std::fs::read_to_string(expected.join("summary.txt")).unwrap();
        if want_summary != got_summary {
            return Err(format!(
                "{name}: the summary differs from expected/summary.txt (MIZZLE_BLESS=1 to accept):\n--- want\n{want_summary}\n--- got\n{got_summary}"
            ));
        }
    }
    // The migrations make the imported schema: CI's check mode agrees.
    let (ok, out) = mizzle(p, &["check"]);
    if !ok {
        return Err(format!("{name}: `mizzle check` after the import:\n{out}"));
    }
    // Importing again writes the same files.
    let mut again = args.clone();
    again.push("--force");
    let (ok, out) = mizzle(p, &again);
    if !ok || schema_files(p) != files {
        return Err(format!("{name}: a second import changed schema/:\n{out}"));
    }
    Ok(())
}

#[test]
fn every_corpus_style_imports_as_expected() {
    let bless = std::env::var_os("MIZZLE_BLESS").is_some();
    let cases = cases();
    assert!(cases.len() >= 10, "the corpus has {} cases", cases.len());
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|c| check_case(c, bless).err())
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// A drizzle column's value as drizzle-orm stores it (by its mode), and what mizzle must read
/// back: (SQL literal, JSON of the row field).
fn drizzle_value(
    builder: &str,
    mode: Option<&str>,
    enum_first: Option<&str>,
) -> (String, serde_json::Value) {
    use serde_json::json;
    match (builder, mode, enum_first) {
        ("integer" | "int", Some("boolean"), _) => ("1".into(), json!(true)),
        ("integer" | "int", Some("timestamp"), _) => {
            ("1700000000".into(), json!("2023-11-14T22:13:20Z"))
        }
        ("integer" | "int", Some("timestamp_ms"), _) => {
            ("1700000000123".into(), json!("2023-11-14T22:13:20.123Z"))
        }
        ("integer" | "int", _, _) => ("7".into(), json!(7)),
        ("text", Some("json"), _) => ("'{\"k\":[1,2]}'".into(), json!({ "k": [1, 2] })),
        ("text", _, Some(first)) => (format!("'{first}'"), json!(first)),
        ("text", _, None) => ("'v'".into(), json!("v")),
        ("real", _, _) => ("2.5".into(), json!(2.5)),
        ("blob", _, _) => ("X'00'".into(), json!([0])),
        (other, ..) => panic!("no drizzle value for builder {other}"),
    }
}

/// Struct names unique across the corpus (`users` and better-auth's `user` would both be
/// `User`): `C<case number><Table>`.
fn corpus_struct(case: &str, table: &str) -> String {
    let camel: String = table
        .split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect();
    format!("C{}{camel}", &case[..2])
}

/// Every corpus case at once, on local D1: the migrations of all cases (drizzle-kit's SQL,
/// in drizzle-kit's order) applied by wrangler to one local D1 with the imported schema/ of
/// all cases (a build over them writes no migration); one row per table written by
/// `wrangler d1 execute` the way drizzle-orm encodes each column's mode (booleans 0/1,
/// `timestamp` seconds, `timestamp_ms` milliseconds, JSON text, the enum's text); then read
/// back by a crate on the imported schema, natively over the local D1's own SQLite file
/// (workerd's storage), through mizzle's row decoding: booleans as bools, timestamps as
/// dates, JSON as values. The modes come from the TypeScript, so an import that lost one
/// reads a number where the date should be.
#[test]
fn corpus_rows_written_on_local_d1_read_back_with_their_types() {
    use mizzle_build::drizzle;
    let ws = common::workspace();
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path();
    std::fs::create_dir_all(p.join("schema")).unwrap();
    std::fs::create_dir_all(p.join("migrations")).unwrap();
    std::fs::create_dir_all(p.join("src")).unwrap();
    let cases = cases();
    let mut number = 1;
    // (table, column) → (SQL literal, expected JSON)
    let mut values = std::collections::BTreeMap::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let args = std::fs::read_to_string(case.join("args.txt")).unwrap();
        let out_dir = case.join(args.split_whitespace().nth(1).unwrap());
        for m in drizzle::read_migrations(&out_dir).unwrap().migrations {
            std::fs::write(
                p.join("migrations").join(format!("{number:04}_{name}.sql")),
                &m.sql,
            )
            .unwrap();
            number += 1;
        }
        for e in std::fs::read_dir(case.join("expected")).unwrap().flatten() {
            let file = e.file_name().to_string_lossy().into_owned();
            if let Some(table) = file.strip_suffix(".toml") {
                let text = std::fs::read_to_string(e.path()).unwrap();
                std::fs::write(
                    p.join("schema").join(&file),
                    format!("struct = \"{}\"\n{text}", corpus_struct(&name, table)),
                )
                .unwrap();
            }
        }
        // The modes as the TypeScript declares them.
        let config = [
            "drizzle.config.ts",
            "drizzle.config.mts",
            "drizzle.config.js",
        ]
        .iter()
        .flat_map(|c| [case.join(c), case.join("packages/db").join(c)])
        .find(|f| f.is_file())
        .unwrap();
        let config = drizzle::config::read(&config).unwrap();
        let (files, _) = config.schema_files();
        let ts = drizzle::ts::read_schema(&files, case);
        for t in &ts.tables {
            for c in &t.columns {
                let first = match &c.enum_values {
                    Some(Ok(v)) => v.first().map(String::as_str),
                    _ => None,
                };
                values.insert(
                    (t.name.clone(), c.db_name(config.casing)),
                    drizzle_value(&c.builder, c.mode.as_deref(), first),
                );
            }
        }
    }
    std::fs::write(
        p.join("wrangler.jsonc"),
        r#"{ "name": "corpus", "d1_databases": [{ "binding": "DB", "database_name": "corpus", "database_id": "00000000-0000-0000-0000-0000000000c0", "migrations_dir": "migrations" }] }"#,
    )
    .unwrap();
    // The union of the imported schemas is exactly what the union of the histories makes.
    let plan = mizzle_build::Config::new()
        .manifest_dir(p)
        .cargo_directives(false)
        .preview()
        .unwrap_or_else(|r| panic!("{r}"));
    assert!(plan.new_file.is_none(), "{:?}", plan.new_file);
    let schema = mizzle_build::Config::new()
        .manifest_dir(p)
        .cargo_directives(false)
        .load()
        .unwrap_or_else(|r| panic!("{r}"))
        .schema;

    // One row per table, parents first, encoded by the drizzle mode.
    let mut order: Vec<&mizzle_build::ir::Table> = Vec::new();
    while order.len() < schema.tables.len() {
        for t in &schema.tables {
            let ready = t.columns.iter().all(|c| {
                c.references
                    .as_ref()
                    .is_none_or(|r| r.table == t.name || order.iter().any(|o| o.name == r.table))
            });
            if ready && !order.iter().any(|o| o.name == t.name) {
                order.push(t);
            }
        }
    }
    let mut inserts = String::new();
    for t in &order {
        let (cols, lits): (Vec<String>, Vec<String>) = t
            .columns
            .iter()
            .map(|c| {
                let (lit, _) = values
                    .get(&(t.name.clone(), c.name.clone()))
                    .unwrap_or_else(|| panic!("no TypeScript column for {}.{}", t.name, c.name));
                (format!("\"{}\"", c.name), lit.clone())
            })
            .unzip();
        inserts.push_str(&format!(
            "INSERT INTO \"{}\" ({}) VALUES ({});\n",
            t.name,
            cols.join(", "),
            lits.join(", ")
        ));
    }
    std::fs::write(p.join("rows.sql"), &inserts).unwrap();
    let wrangler = |args: &[&str]| {
        let out = std::process::Command::new(ws.join("node_modules/.bin/wrangler"))
            .args(args)
            .current_dir(p)
            .env("CI", "true")
            .env("WRANGLER_SEND_METRICS", "false")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "wrangler {args:?}:\n{}",
            common::output_text(&out)
        );
    };
    wrangler(&["d1", "migrations", "apply", "DB", "--local"]);
    wrangler(&["d1", "execute", "DB", "--local", "--file", "rows.sql"]);
    let d1_dir = p.join(".wrangler/state/v3/d1/miniflare-D1DatabaseObject");
    let d1_file = std::fs::read_dir(&d1_dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|f| f.extension().is_some_and(|x| x == "sqlite"))
        .expect("the local D1's file");

    // The reader: every table's rows as JSON, by table.
    let manifest = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/drizzle/reader/Cargo.toml"),
    )
    .unwrap()
    .replace(
        "MIZZLE_BUILD_PATH",
        &ws.join("crates/mizzle-build").display().to_string(),
    )
    .replace(
        "MIZZLE_PATH",
        &ws.join("crates/mizzle").display().to_string(),
    )
    .replace("drizzle-reader", "corpus-reader");
    std::fs::write(p.join("Cargo.toml"), manifest).unwrap();
    std::fs::write(
        p.join("build.rs"),
        "fn main() {\n    mizzle_build::build()\n}\n",
    )
    .unwrap();
    let mut reads = String::new();
    for t in &schema.tables {
        reads.push_str(&format!(
            "        out.insert(\"{0}\".to_owned(), serde_json::to_value(db.select({0}::table).all().await?).unwrap());\n",
            t.name
        ));
    }
    std::fs::write(
        p.join("src/main.rs"),
        format!(
            "mizzle::include_schema!();\n\nfn main() {{\n    let conn = rusqlite::Connection::open(std::env::args().nth(1).unwrap()).unwrap();\n    let db = mizzle::Db::new(mizzle::sqlite::SqliteExecutor::new(conn).unwrap());\n    let run = async {{\n        let mut out = serde_json::Map::new();\n{reads}        Ok::<_, mizzle::Error>(out)\n    }};\n    let mut f = std::pin::pin!(run);\n    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());\n    let std::task::Poll::Ready(out) = f.as_mut().poll(&mut cx) else {{ panic!(\"pending\") }};\n    println!(\"{{}}\", serde_json::Value::Object(out.unwrap()));\n}}\n"
        ),
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO"))
        .args(["run", "--quiet", "--manifest-path"])
        .arg(p.join("Cargo.toml"))
        .arg("--")
        .arg(&d1_file)
        .env("CARGO_TARGET_DIR", ws.join("target/external"))
        .env("MIZZLE_CHECK", "1")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", common::output_text(&out));
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut checked = 0;
    for t in &schema.tables {
        let row = &rows[&t.name][0];
        for c in &t.columns {
            let (_, want) = &values[&(t.name.clone(), c.name.clone())];
            assert_eq!(
                &row[&c.rust_name], want,
                "{}.{} ({:?}) read back as {} from {row}",
                t.name, c.name, c.ty, row[&c.rust_name]
            );
            checked += 1;
        }
    }
    assert!(
        schema.tables.len() >= 15 && checked >= 60,
        "{} tables, {checked} columns",
        schema.tables.len()
    );
}
