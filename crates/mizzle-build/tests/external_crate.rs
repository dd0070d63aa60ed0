//! A crate outside this workspace that depends on `mizzle` and `mizzle-build` by path
//! builds (under `#![deny(missing_docs, warnings)]`) and runs with nothing more.

mod common;

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::sync::Mutex;
use std::time::Instant;

/// The crates share one target dir; building them one at a time keeps cargo's lock quiet.
static BUILD: Mutex<()> = Mutex::new(());

/// Copies the external fixture to `dir`, pointing its dependencies at this checkout.
fn external_project(dir: &Path) -> std::path::PathBuf {
    let ws = common::workspace();
    common::copy_dir(&ws.join("crates/mizzle-build/tests/fixtures/external"), dir);
    let manifest = dir.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest)
        .unwrap()
        .replace(
            "MIZZLE_BUILD_PATH",
            &ws.join("crates/mizzle-build").display().to_string(),
        )
        .replace(
            "MIZZLE_PATH",
            &ws.join("crates/mizzle").display().to_string(),
        );
    std::fs::write(&manifest, text).unwrap();
    manifest
}

fn cargo(args: &[&str], manifest: &Path) -> std::process::Output {
    Command::new(env!("CARGO"))
        .arg(args[0])
        .arg("--manifest-path")
        .arg(manifest)
        .args(&args[1..])
        .env(
            "CARGO_TARGET_DIR",
            common::workspace().join("target/external"),
        )
        .env("MIZZLE_CHECK", "0")
        .output()
        .unwrap()
}

/// Runs the crate; its standard output, which must contain `expect`.
fn run_ok(manifest: &Path, expect: &str) -> String {
    let out = cargo(&["run", "--quiet"], manifest);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success() && stdout.contains(expect),
        "expected {expect:?}:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// Adds `mod <module>;` to the fixture's program in `dir`, and `then` (statements) after its
/// own queries have run (`db` is in scope there).
fn add_module(dir: &Path, module: &str, then: &str) {
    let main = dir.join("src/main.rs");
    let text = std::fs::read_to_string(&main)
        .unwrap()
        .replace(
            "mizzle::include_schema!();",
            &format!("mizzle::include_schema!();\n\nmod {module};"),
        )
        .replace(
            "block_on(run).expect(\"queries\");",
            &format!("block_on(run).expect(\"queries\");\n    {then}"),
        );
    std::fs::write(&main, text).unwrap();
}

/// `cargo clippy -- -D warnings` on the crate passes.
fn clippy_ok(manifest: &Path) {
    let clippy = cargo(&["clippy", "--quiet", "--", "-D", "warnings"], manifest);
    assert!(
        clippy.status.success(),
        "{}",
        String::from_utf8_lossy(&clippy.stderr)
    );
}

#[test]
fn crate_outside_the_workspace_builds_and_runs() {
    let _one = BUILD.lock().unwrap_or_else(|p| p.into_inner());
    let tmp = tempfile::tempdir().unwrap();
    let manifest = external_project(tmp.path());
    run_ok(&manifest, "external crate ok: hello");
    assert!(tmp.path().join("migrations/0001_init.sql").exists());
}

/// A second `cargo build` with nothing changed is a no-op: the build script is not rerun and
/// the crate not recompiled, with or without a wrangler config (cargo reruns a build script on
/// every build while a path it watches is missing). Editing the schema does rerun it.
#[test]
fn unchanged_project_rebuilds_nothing() {
    let _one = BUILD.lock().unwrap_or_else(|p| p.into_inner());
    let tmp = tempfile::tempdir().unwrap();
    let manifest = external_project(tmp.path());
    let build = |what: &str| {
        let out = cargo(&["build", "-v"], &manifest);
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(out.status.success(), "{what}: {stderr}");
        stderr
    };
    let reran = |log: &str| log.contains("build-script-build`") || log.contains("Running `/");
    // The first build writes migrations/ while its script runs, so cargo (comparing the
    // folder's time with the script's start) runs it once more; from then on nothing changes.
    build("first build");
    build("second build");
    let again = build("no wrangler config, unchanged");
    assert!(
        again.contains("Fresh external-user") && !reran(&again),
        "an unchanged project without a wrangler config was rebuilt:\n{again}"
    );
    std::fs::write(
        tmp.path().join("wrangler.jsonc"),
        r#"{ "name": "x", "d1_databases": [{ "binding": "DB", "database_name": "x", "database_id": "x" }] }"#,
    )
    .unwrap();
    // The new config is not watched until the script runs again: a schema edit does that.
    let notes = tmp.path().join("schema/notes.toml");
    let text = std::fs::read_to_string(&notes).unwrap();
    std::fs::write(&notes, format!("{text}\n")).unwrap();
    let edited = build("schema edited");
    assert!(
        reran(&edited),
        "a schema edit did not rerun the build script:\n{edited}"
    );
    let again = build("with wrangler.jsonc, unchanged");
    assert!(
        again.contains("Fresh external-user") && !reran(&again),
        "an unchanged project with wrangler.jsonc was rebuilt:\n{again}"
    );
}

/// D1 pitfall 6 ("Type instantiation is excessively deep"): 100 tables whose relations form
/// cycles (each table belongs to the one before it and has many of the one after; the last
/// loops back to the first) and self-references compile, clippy-clean and under
/// `deny(missing_docs, warnings)`, and a relation tree four levels deep type-checks.
#[test]
fn hundred_tables_with_cyclic_relations_compile() {
    let _one = BUILD.lock().unwrap_or_else(|p| p.into_inner());
    let tmp = tempfile::tempdir().unwrap();
    let manifest = external_project(tmp.path());
    let schema = tmp.path().join("schema");
    for i in 0..100 {
        let (prev, next) = ((i + 99) % 100, (i + 1) % 100);
        let mut t = String::new();
        writeln!(t, "doc = \"Table {i}.\"\n[columns]").unwrap();
        writeln!(
            t,
            "id = {{ type = \"integer\", primary_key = true, auto_increment = true }}"
        )
        .unwrap();
        writeln!(t, "name = {{ type = \"text\", default = \"t{i}\" }}").unwrap();
        writeln!(t, "prev_id = {{ type = \"integer\", nullable = true, references = \"t{prev:03}.id\", on_delete = \"set null\" }}").unwrap();
        writeln!(t, "parent_id = {{ type = \"integer\", nullable = true, references = \"t{i:03}.id\", on_delete = \"cascade\" }}").unwrap();
        writeln!(t, "[relations]").unwrap();
        writeln!(
            t,
            "prev = {{ belongs_to = \"t{prev:03}\", key = \"prev_id\" }}"
        )
        .unwrap();
        writeln!(
            t,
            "nexts = {{ has_many = \"t{next:03}\", foreign_key = \"prev_id\" }}"
        )
        .unwrap();
        writeln!(
            t,
            "parent = {{ belongs_to = \"t{i:03}\", key = \"parent_id\" }}"
        )
        .unwrap();
        writeln!(
            t,
            "children = {{ has_many = \"t{i:03}\", foreign_key = \"parent_id\" }}"
        )
        .unwrap();
        std::fs::write(schema.join(format!("t{i:03}.toml")), t).unwrap();
    }
    std::fs::write(
        tmp.path().join("src/cycles.rs"),
        "//! A deep tree across the cycle.\n\
         /// Loads t000 → next → next (with parents and children) → prev.\n\
         pub async fn deep(db: &mizzle::Db<impl mizzle::Executor>) -> mizzle::Result<usize> {\n\
         \x20   use crate::*;\n\
         \x20   let rows = db.select(t000::table).with(t000::nexts.with(t001::nexts.with(t002::parent).with(t002::children.with(t002::prev)))).all().await?;\n\
         \x20   Ok(rows.iter().map(|r| r.get(t000::nexts).len()).sum())\n\
         }\n",
    )
    .unwrap();
    let main = tmp.path().join("src/main.rs");
    let text = std::fs::read_to_string(&main)
        .unwrap()
        .replace("mizzle::include_schema!();", "mizzle::include_schema!();\n\nmod cycles;")
        .replace(
            "block_on(run).expect(\"queries\");",
            "block_on(run).expect(\"queries\");\n    println!(\"deep tree rows: {}\", block_on(cycles::deep(&db)).expect(\"deep\"));",
        );
    std::fs::write(&main, text).unwrap();
    // The fixture's own main uses `notes`; keep it.
    let out = cargo(&["build", "--quiet"], &manifest);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Time a rebuild of the crate alone (dependencies are built): build script + 100 tables.
    std::fs::write(
        schema.join("t000.toml"),
        std::fs::read_to_string(schema.join("t000.toml"))
            .unwrap()
            .replace("Table 0.", "Table zero."),
    )
    .unwrap();
    let t = Instant::now();
    let out = cargo(&["build", "--quiet"], &manifest);
    let secs = t.elapsed().as_secs_f64();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    run_ok(&manifest, "deep tree rows: 0");
    clippy_ok(&manifest);
    let generated = std::fs::read_dir(common::workspace().join("target/external/debug/build"))
        .unwrap()
        .flatten()
        .map(|e| generated_size(&e.path().join("out")))
        .max()
        .unwrap_or(0);
    println!(
        "100-table cyclic schema: rebuild (build script + generated code) {secs:.1} s, generated module {} KiB",
        generated / 1024
    );
}

/// Bytes of the generated module in `out`: the index and its one file per table.
fn generated_size(out: &Path) -> u64 {
    mizzle_build::generated_files(out)
        .iter()
        .filter_map(|f| f.metadata().ok())
        .map(|m| m.len())
        .sum()
}

/// A crate unpacked from a package (`cargo package`'s verification build, a registry
/// dependency: both have `Cargo.toml.orig`) is never written to: with its migrations out of
/// date the build fails saying why, and leaves the tree as it was; up to date, it builds.
#[test]
fn a_packaged_crate_never_writes_its_source() {
    let _one = BUILD.lock().unwrap_or_else(|p| p.into_inner());
    let tmp = tempfile::tempdir().unwrap();
    let manifest = external_project(tmp.path());
    std::fs::copy(&manifest, tmp.path().join("Cargo.toml.orig")).unwrap();
    let out = cargo(&["build", "--quiet"], &manifest);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(
        stderr.contains("migrations are out of date") && stderr.contains("unpacked from a package"),
        "{stderr}"
    );
    assert!(
        !tmp.path().join("migrations").exists(),
        "it wrote migrations/"
    );
    // Up to date (built once as a checkout would be): the packaged build passes.
    std::fs::remove_file(tmp.path().join("Cargo.toml.orig")).unwrap();
    run_ok(&manifest, "external crate ok");
    std::fs::copy(&manifest, tmp.path().join("Cargo.toml.orig")).unwrap();
    let listed = |dir: &Path| {
        let mut v: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        v.sort();
        v
    };
    let before = listed(&tmp.path().join("migrations"));
    // Rerun the build script, now as a packaged crate.
    let notes = tmp.path().join("schema/notes.toml");
    let text = std::fs::read_to_string(&notes).unwrap();
    std::fs::write(&notes, format!("{text}\n")).unwrap();
    run_ok(&manifest, "external crate ok");
    assert_eq!(listed(&tmp.path().join("migrations")), before);
}

/// The golden codegen cases compile in a real crate (the golden test only parses them;
/// `durable_object_only` is left out: it has no D1 migrations to run natively), and
/// their insert and patch structs read and write JSON as documented: camelCase names,
/// `null` for NULL, a left-out field left unset, through keyword fields and JSON columns.
#[test]
fn codegen_cases_compile_and_read_json() {
    let _one = BUILD.lock().unwrap_or_else(|p| p.into_inner());
    let tmp = tempfile::tempdir().unwrap();
    let manifest = external_project(tmp.path());
    let cases = common::workspace().join("crates/mizzle-build/tests/codegen");
    for case in [
        "custom_json",
        "keyword_columns",
        "nullable_with_default",
        "self_relation",
    ] {
        for f in std::fs::read_dir(cases.join(case).join("schema"))
            .unwrap()
            .flatten()
        {
            std::fs::copy(f.path(), tmp.path().join("schema").join(f.file_name())).unwrap();
        }
    }
    std::fs::write(
        tmp.path().join("src/main.rs"),
        r##"//! JSON in and out of generated structs.
#![deny(missing_docs, warnings)]

mizzle::include_schema!();

fn main() {
    use mizzle::serde_json::{from_str, json, to_value};
    // camelCase, `null` sets NULL, a left-out field stays unset.
    let p: ProfilePatch = from_str(r#"{"nickName": null, "status": "done"}"#).unwrap();
    assert_eq!(p.nick_name, Some(None));
    assert_eq!(p.seen_at, None);
    assert_eq!(p.status, Some(ProfileStatus::Done));
    assert_eq!(to_value(&p).unwrap(), json!({"nickName": null, "status": "done"}));
    let n: NewProfile = from_str(r#"{"seenAt": null}"#).unwrap();
    assert_eq!((n.seen_at, n.nick_name), (Some(None), None));
    let n: NewProfile = from_str(r#"{"nickName": "x"}"#).unwrap();
    assert_eq!(n.nick_name, Some(Some("x".to_owned())));
    let e = from_str::<NewProfile>(r#"{"nickName": 1}"#).unwrap_err().to_string();
    assert!(e.contains("invalid type: integer `1`, expected a string"), "{e}");
    // Keyword fields keep their names.
    let i: ItemPatch = from_str(r#"{"fn": null, "type": "t"}"#).unwrap();
    assert_eq!((i.r#fn, i.r#type.as_deref()), (Some(None), Some("t")));
    // A nullable JSON column: `null` is NULL, an object is the value.
    let s: SettingPatch = from_str(r#"{"extra": null}"#).unwrap();
    assert_eq!(s.extra, Some(None));
    let s: SettingPatch = from_str(r#"{"extra": {"a": 1}}"#).unwrap();
    assert_eq!(s.extra, Some(Some(json!({"a": 1}))));
    println!("json ok");
}
"##,
    )
    .unwrap();
    run_ok(&manifest, "json ok");
    // The cases whose table names collide with those above, each in a crate of its own.
    for case in ["composite_key", "many_to_many"] {
        let tmp = tempfile::tempdir().unwrap();
        let manifest = external_project(tmp.path());
        common::copy_dir(&cases.join(case).join("schema"), &tmp.path().join("schema"));
        run_ok(&manifest, "external crate ok");
    }
}

/// Every column kind and default of the schema language in one crate (the fixture
/// `every_kind`: its tables, and a module the program runs): typed JSON whose type is
/// serde-only, keyword and renamed fields, enums with and without `enum_name`, defaults of
/// every sort, a composite-key WITHOUT ROWID child with a relation. It compiles under
/// `deny(missing_docs, warnings)` and clippy, and writes, reads, patches and round-trips
/// JSON for each (the assertions are in `every_kind.rs`).
#[test]
fn every_column_kind_compiles_and_runs() {
    let _one = BUILD.lock().unwrap_or_else(|p| p.into_inner());
    let tmp = tempfile::tempdir().unwrap();
    let manifest = external_project(tmp.path());
    common::copy_dir(
        &common::workspace().join("crates/mizzle-build/tests/fixtures/every_kind"),
        tmp.path(),
    );
    add_module(
        tmp.path(),
        "every_kind",
        "block_on(every_kind::run(&db)).expect(\"every kind\");\n    println!(\"every kind ok\");",
    );
    run_ok(&manifest, "every kind ok");
    clippy_ok(&manifest);
}

/// Names that are legal and must generate code that compiles and runs: columns named like
/// the generated code's own locals and methods (`default`, `values`, `row`, `set`, `v`),
/// keywords (`type`, `fn`), a variant named `Some`/`None`/`Ok`, an `_` inside what a LIKE
/// pattern would read as a wildcard (`acf_fields`, `sqlite3_stats`), and a prelude-named
/// table with its struct renamed. Each gets its table in the first migration.
#[test]
fn legal_tricky_names_compile_and_migrate() {
    let _one = BUILD.lock().unwrap_or_else(|p| p.into_inner());
    let tmp = tempfile::tempdir().unwrap();
    let manifest = external_project(tmp.path());
    let schema = tmp.path().join("schema");
    std::fs::write(
        schema.join("acf_fields.toml"),
        "doc = \"Fields.\"\n[columns]\n\
         id = { type = \"integer\", primary_key = true, auto_increment = true }\n\
         default = { type = \"text\", nullable = true, doc = \"d\" }\n\
         values = { type = \"integer\", default = 0 }\n\
         row = { type = \"text\", default = \"r\" }\n\
         type = { type = \"text\", nullable = true }\n\
         set = { type = \"boolean\", default = false }\n\
         v = { type = \"real\", nullable = true, default = 1.5 }\n\
         fn = { type = \"text\", nullable = true }\n",
    )
    .unwrap();
    std::fs::write(
        schema.join("sqlite3_stats.toml"),
        "doc = \"Stats.\"\n[columns]\nid = { type = \"integer\", primary_key = true }\n\
         field_id = { type = \"integer\", references = \"acf_fields.id\" }\n\
         [relations]\nfield = { belongs_to = \"acf_fields\" }\n",
    )
    .unwrap();
    std::fs::write(
        schema.join("options.toml"),
        "doc = \"Options.\"\nstruct = \"OptionRow\"\n[columns]\nid = { type = \"integer\", primary_key = true }\n\
         kind = { type = \"enum\", values = [\"some\", \"none\", \"ok\", \"err\"], default = \"none\" }\n",
    )
    .unwrap();
    std::fs::write(
        tmp.path().join("src/tricky.rs"),
        "//! Uses the tricky names.\n\
         use crate::*;\n\
         /// Inserts, updates and reads them back.\n\
         pub async fn run(db: &mizzle::Db<impl mizzle::Executor>) -> mizzle::Result<String> {\n\
         \x20   let f = db.insert(acf_fields::table).values(NewAcfField::new().default(\"d\").values(3).row(\"x\").r#type(\"t\").set(true).v(2.5).r#fn(\"f\")).returning().one().await?;\n\
         \x20   db.update(acf_fields::table).set(AcfFieldPatch::new().default_null().values(4).r#type_null()).filter(acf_fields::id.eq(f.id)).run().await?;\n\
         \x20   db.insert(sqlite3_stats::table).values(NewSqlite3Stat::new(f.id)).run().await?;\n\
         \x20   db.insert(options::table).values(NewOptionRow::new().kind(OptionRowKind::Some)).run().await?;\n\
         \x20   let o = db.select(options::table).all().await?;\n\
         \x20   let s = db.select(sqlite3_stats::table).with(sqlite3_stats::field).all().await?;\n\
         \x20   let field = s[0].get(sqlite3_stats::field).as_ref().expect(\"loaded\");\n\
         \x20   Ok(format!(\"{:?} {:?} {} {:?}\", field.default, field.r#type, field.values, o[0].kind))\n\
         }\n",
    )
    .unwrap();
    add_module(
        tmp.path(),
        "tricky",
        "println!(\"tricky: {}\", block_on(tricky::run(&db)).expect(\"tricky\"));",
    );
    run_ok(&manifest, "tricky: None None 4 Some");
    let init = std::fs::read_to_string(tmp.path().join("migrations/0001_init.sql")).unwrap();
    for t in ["acf_fields", "sqlite3_stats", "options"] {
        assert!(
            init.contains(&format!("CREATE TABLE \"{t}\"")),
            "{t} missing:\n{init}"
        );
    }
    clippy_ok(&manifest);
}

/// Schemas drawn from the probes' name pool (`fuzzing::adversarial_schema`: keywords, the
/// generated code's own names, SQL keywords, Unicode, for tables, columns, relations and
/// enum values): every one the build accepts generates Rust that compiles, all of them in
/// one crate, each in a module of its own. The sample is fixed (a seeded PRNG) and large
/// enough that a good share is accepted.
#[test]
fn accepted_adversarial_names_compile() {
    let _one = BUILD.lock().unwrap_or_else(|p| p.into_inner());
    let tmp = tempfile::tempdir().unwrap();
    let manifest = external_project(tmp.path());
    let mut seed: u64 = 0x6d69_7a7a;
    let mut modules = String::new();
    let (mut tried, mut accepted) = (0, 0);
    for case in 0..160 {
        let bytes: Vec<u8> = (0..40)
            .map(|_| {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                (seed >> 33) as u8
            })
            .collect();
        let files = mizzle_build::fuzzing::adversarial_schema(
            &mut mizzle_build::fuzzing::Choices::new(&bytes),
        );
        tried += 1;
        let dir = tempfile::tempdir().unwrap();
        let paths = files
            .iter()
            .map(|(n, t)| (dir.path().join("schema").join(n), t.clone()))
            .collect();
        let config = mizzle_build::Config::new()
            .manifest_dir(dir.path())
            .cargo_directives(false);
        let Ok(loaded) = config.load_files(paths) else {
            continue;
        };
        accepted += 1;
        let rust = config.generate(&loaded.schema, &[]);
        writeln!(
            modules,
            "/// Case {case}: {files:?}\n#[allow(warnings, missing_docs)]\npub mod case{case} {{\n{rust}\n}}\n",
            files = files.iter().map(|(_, t)| t.replace('\n', " ")).collect::<Vec<_>>()
        )
        .unwrap();
    }
    assert!(
        accepted >= 20,
        "only {accepted} of {tried} adversarial schemas were accepted: the sample says little"
    );
    std::fs::write(
        tmp.path().join("src/adversarial.rs"),
        format!("//! Accepted adversarial schemas.\n{modules}"),
    )
    .unwrap();
    add_module(tmp.path(), "adversarial", "println!(\"adversarial ok\");");
    run_ok(&manifest, "adversarial ok");
    println!("adversarial names: {accepted} of {tried} schemas accepted, all compile");
}
