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
            } else if entry.file_name() != "expected.txt" {
                std::fs::copy(entry.path(), tmp.path().join(entry.file_name())).unwrap();
            }
        }
        let before = common::migrations(tmp.path());
        let result = common::config(tmp.path())
            .out_dir(tmp.path().join("out"))
            .compile();
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
