//! Golden error reports: each folder in tests/errors is a project whose build must fail
//! with exactly the report in its `expected.txt` (file:line:col, source line, caret, hint).
//! `MIZZLE_BLESS=1 cargo test -p mizzle-build --test errors` rewrites them.

mod common;

use std::path::Path;

#[test]
fn every_error_case_renders_as_expected() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/errors");
    let bless = std::env::var_os("MIZZLE_BLESS").is_some();
    let mut cases: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    cases.sort();
    assert!(cases.len() >= 20, "error cases went missing");
    let mut failures = Vec::new();
    for case in cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let tmp = tempfile::tempdir().unwrap();
        for entry in std::fs::read_dir(&case).unwrap().flatten() {
            if entry.file_type().unwrap().is_dir() {
                common::copy_dir(&entry.path(), &tmp.path().join(entry.file_name()));
            } else if !matches!(
                entry.file_name().to_str(),
                Some("expected.txt" | "schema_dir.txt")
            ) {
                std::fs::copy(entry.path(), tmp.path().join(entry.file_name())).unwrap();
            }
        }
        let before = common::migrations(tmp.path());
        // A case may keep its schema elsewhere (`schema_dir.txt`: the folder).
        let mut config = common::config(tmp.path()).out_dir(tmp.path().join("out"));
        if let Ok(dir) = std::fs::read_to_string(case.join("schema_dir.txt")) {
            config = config.schema_dir(tmp.path().join(dir.trim()));
        }
        let result = config.compile();
        let Err(report) = result else {
            failures.push(format!("{name}: built without errors"));
            continue;
        };
        assert_eq!(
            common::migrations(tmp.path()),
            before,
            "{name}: a failed build wrote a migration"
        );
        assert!(
            !tmp.path().join("out").exists(),
            "{name}: a failed build wrote generated code"
        );
        let got = report.to_string();
        let expected_path = case.join("expected.txt");
        if bless {
            std::fs::write(&expected_path, &got).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if got != expected {
            failures.push(format!("{name}:\n--- expected\n{expected}\n--- got\n{got}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Malformed input of every kind is reported, never a panic.
#[test]
fn garbage_schemas_are_errors_not_panics() {
    let cases: &[&str] = &[
        "",
        "columns = 5",
        "[columns]\n\"\" = \"text\"",
        "[columns]\nid = 5",
        "[columns]\nid = { type = 5 }",
        "[columns]\nid = { type = \"integer\", primary_key = \"yes\" }",
        "[columns]\nself = \"text\"",
        "[columns]\n\"1st\" = \"text\"",
        "[columns]\n\"ü\" = \"text\"",
        "[columns]\nid = { type = \"enum\", values = [] }",
        "[columns]\nid = { type = \"enum\", values = [\"1\", \"a-b\", \"A_B\"] }",
        "[columns]\nid = { type = \"json\", rust = \"Vec<\" }",
        "[columns]\nid = { type = \"integer\", default = 99999999999999999999 }",
        "[columns]\nid = { type = \"real\", default = nan }",
        "[columns]\nid = { type = \"integer\", references = \".\" }",
        "[columns]\nid = { type = \"integer\", references = \"nowhere\", on_delete = \"explode\" }",
        "primary_key = []\n[columns]\nid = \"integer\"",
        "primary_key = [\"id\", \"id\"]\n[columns]\nid = \"integer\"",
        "without_rowid = true\n[columns]\nid = \"integer\"",
        "[columns]\nid = \"integer\"\n[indexes]\nx = { columns = [] }",
        "[columns]\nid = \"integer\"\n[indexes]\nx = 3",
        "[columns]\nid = \"integer\"\n[relations]\nr = { belongs_to = \"t\", has_many = \"t\" }",
        "[columns]\nid = \"integer\"\n[relations]\nr = {}",
        "[columns]\nid = \"integer\"\n[relations]\n\"not valid\" = { has_many = \"t\" }",
        "[columns]\nid = \"integer\"\n[checks]\nc = 1",
        "struct = \"fn\"\n[columns]\nid = \"integer\"",
        "[columns]\nid = { type = \"integer\", rust_name = \"self\" }",
        "[columns]\nid = { type = \"text\", enum_name = \"X\", on_update_fn = \"uuid_v4\" }",
        "[[columns]]\nid = 1",
        "\u{0}",
    ];
    for (i, text) in cases.iter().enumerate() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("schema")).unwrap();
        std::fs::write(dir.path().join("schema/t.toml"), text).unwrap();
        let result = common::config(dir.path()).load();
        let report = match result {
            Err(r) => r.to_string(),
            Ok(_) => panic!("case {i} loaded without error: {text:?}"),
        };
        assert!(report.contains("error"), "case {i}: {report}");
    }
}

/// Common table names whose default struct would shadow a prelude or generated item build,
/// with a warning naming the struct chosen and the override (the generated code is in
/// tests/codegen/common_names and compiles in tests/external_crate.rs).
#[test]
fn common_table_names_build_with_a_warning() {
    let tmp = tempfile::tempdir().unwrap();
    let schema = tmp.path().join("schema");
    std::fs::create_dir_all(&schema).unwrap();
    for t in ["options", "results", "strings", "vecs", "types", "table"] {
        std::fs::write(
            schema.join(format!("{t}.toml")),
            "[columns]\nid = { type = \"integer\", primary_key = true }\n",
        )
        .unwrap();
    }
    let loaded = common::config(tmp.path()).load().unwrap();
    let structs: Vec<&str> = loaded
        .schema
        .tables
        .iter()
        .map(|t| t.struct_name.as_str())
        .collect();
    assert_eq!(
        structs,
        [
            "OptionRow",
            "ResultRow",
            "StringRow",
            "TableRow",
            "Type",
            "VecRow"
        ]
    );
    let warnings = loaded.schema.warnings.join("\n");
    assert!(
        warnings.contains("table `options`'s row struct is `OptionRow`, not `Option`")
            && warnings.contains("set `struct = \"...\"`"),
        "{warnings}"
    );
    assert_eq!(loaded.schema.warnings.len(), 5, "{warnings}");
}
