//! Property tests in the normal suite: the same properties the fuzz targets in `fuzz/` run
//! for minutes, here for a bounded number of cases, plus every crash the fuzzers found
//! (`tests/fuzz-regressions/`), replayed.

use std::cell::RefCell;

use mizzle_build::fuzzing::{self, Evolution};
use proptest::prelude::*;

thread_local! {
    static OUTCOMES: RefCell<Vec<Evolution>> = const { RefCell::new(Vec::new()) };
}

/// The evolution property is not vacuous: over a fixed set of seeds, migrations are both
/// applied with rows in the tables and refused.
#[test]
fn evolution_cases_reach_every_outcome() {
    let mut seen = Vec::new();
    for seed in 0u64..300 {
        // A small deterministic byte stream per seed.
        let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        let bytes: Vec<u8> = (0..64)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect();
        let o = fuzzing::evolution(&bytes).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        if !seen.contains(&o) {
            seen.push(o);
        }
    }
    for want in [Evolution::Applied, Evolution::Refused] {
        assert!(seen.contains(&want), "no {want:?} among {seen:?}");
    }
    OUTCOMES.with(|o| o.borrow_mut().clear());
}

/// A fixed seed in the normal suite, so CI is repeatable (the fuzzers explore; set
/// `PROPTEST_RNG_SEED` to explore here too).
fn config() -> ProptestConfig {
    let mut c = ProptestConfig {
        cases: 48,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        c.rng_seed = proptest::test_runner::RngSeed::Fixed(0x6d69_7a7a_6c65);
    }
    c
}

proptest! {
    #![proptest_config(config())]

    /// Two random valid schemas: the migration between them is refused with a reason, or
    /// fails on a constraint B adds, or keeps every row with foreign keys intact.
    #[test]
    fn schema_evolution_converges_and_keeps_rows(bytes in proptest::collection::vec(any::<u8>(), 0..96)) {
        match fuzzing::evolution(&bytes) {
            Err(e) => prop_assert!(false, "{e}"),
            Ok(outcome) => OUTCOMES.with(|o| o.borrow_mut().push(outcome)),
        }
    }

    /// `mizzle pull` of the database a random schema makes: nothing to report, and the
    /// pulled files build exactly that database's shape.
    #[test]
    fn pull_round_trips_random_schemas(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
        let spec = fuzzing::random_schema(&mut fuzzing::Choices::new(&bytes));
        let dir = tempfile::tempdir().unwrap();
        let schema_dir = dir.path().join("schema");
        let files = spec.iter().map(|(n, t, _)| (schema_dir.join(n), t.clone())).collect();
        let loaded = mizzle_build::Config::new()
            .manifest_dir(dir.path())
            .cargo_directives(false)
            .load_files(files)
            .unwrap();
        let conn = mizzle_build::migrate::replay::open();
        conn.execute_batch(&mizzle_build::schema_sql(&loaded.schema)).unwrap();
        let pulled = mizzle_build::pull::pull(&conn, &Default::default()).unwrap();
        prop_assert!(pulled.notes.is_empty(), "{:?}", pulled.notes);
        let diffs = mizzle_build::pull::verify(&pulled, dir.path(), &schema_dir);
        prop_assert!(diffs.is_empty(), "{diffs:#?}\n{spec:#?}\n{:#?}", pulled.files);
    }

    /// Table, column, relation and enum names from the probes' pool (keywords, the
    /// generated code's own names, SQL keywords, Unicode): reported or built, never a
    /// panic, an internal error, or Rust that does not parse (tests/external_crate.rs
    /// compiles a sample of the accepted ones).
    #[test]
    fn adversarial_names_are_built_or_reported(bytes in proptest::collection::vec(any::<u8>(), 0..40)) {
        if let Err(e) = fuzzing::adversarial_names(&bytes) {
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
            fuzzing::evolution(&data).map(drop)
        } else {
            fuzzing::front_end(&data)
        };
        assert!(result.is_ok(), "{name}: {}", result.unwrap_err());
    }
}

/// A database's tables called `seed` and `mizzle` are pulled into files of other names
/// (schema/seed.toml and schema/mizzle.toml are not tables), and read back as those tables.
#[test]
fn tables_named_like_the_settings_files_are_pulled_into_other_files() {
    let conn = rusqlite::Connection::open_in_memory().unwrap();
    conn.execute_batch(
        "CREATE TABLE seed (id INTEGER PRIMARY KEY, label TEXT NOT NULL);
         CREATE TABLE mizzle (id INTEGER PRIMARY KEY);",
    )
    .unwrap();
    let pulled = mizzle_build::pull::pull(&conn, &Default::default()).unwrap();
    let names: Vec<&str> = pulled.files.iter().map(|(n, _)| n.as_str()).collect();
    assert!(
        !names.contains(&"seed.toml") && !names.contains(&"mizzle.toml"),
        "{names:?}"
    );
    let dir = tempfile::tempdir().unwrap();
    let schema_dir = dir.path().join("schema");
    std::fs::create_dir_all(&schema_dir).unwrap();
    for (n, text) in &pulled.files {
        std::fs::write(schema_dir.join(n), text).unwrap();
    }
    let diffs = mizzle_build::pull::verify(&pulled, dir.path(), &schema_dir);
    assert!(diffs.is_empty(), "{diffs:#?}");
}
