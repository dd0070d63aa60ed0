//! Property tests in the normal suite: the same properties the fuzz targets in `fuzz/` run
//! for minutes, here for a bounded number of cases, plus every crash the fuzzers found
//! (`tests/fuzz-regressions/`), replayed.

use mizzle_build::fuzzing;
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    /// Two random valid schemas: the migration between them is refused with a reason, or
    /// fails on a constraint B adds, or keeps every row with foreign keys intact.
    #[test]
    fn schema_evolution_converges_and_keeps_rows(bytes in proptest::collection::vec(any::<u8>(), 0..96)) {
        if let Err(e) = fuzzing::evolution(&bytes) {
            prop_assert!(false, "{e}");
        }
    }

    /// Random TOML-ish text: reported or built, never a panic, never broken Rust.
    #[test]
    fn any_table_file_is_built_or_reported(text in "(\\[columns\\]\n)?([a-z_]{1,6} = (\"(integer|text|real|blob|boolean|enum|json|timestamp)\"|\\{ type = \"(integer|text|enum)\"(, (nullable|unique|primary_key) = true)?(, values = \\[\"[a-z]{0,3}\"\\])?(, check = \"[a-z0-9 ()<>=;]{0,12}\")? \\})\n){0,5}") {
        if let Err(e) = fuzzing::front_end(text.as_bytes()) {
            prop_assert!(false, "{e}");
        }
    }
}

/// Inputs the fuzzers found crashes or failures with, kept as regressions.
#[test]
fn fuzz_regressions_replay() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return;
    };
    for e in entries.flatten() {
        let path = e.path();
        let data = std::fs::read(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let result = if name.starts_with("evolution-") {
            fuzzing::evolution(&data)
        } else {
            fuzzing::front_end(&data)
        };
        assert!(result.is_ok(), "{name}: {}", result.unwrap_err());
    }
}
