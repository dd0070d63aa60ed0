//! A second schema version shipped to Durable Objects that already hold rows: version 1 is
//! the example Worker as built; version 2 is the same Worker with a column added to
//! `notes`, built from a copy of the project, whose build writes the next migration. Served
//! on the same local state, each object applies the new migration the first time it is
//! touched, once, and keeps its rows; an object not touched stays at version 1 until it is.

#[path = "support/wrangler.rs"]
mod wrangler;

use std::path::Path;
use std::process::Command;

use serde_json::json;
use wrangler::{Http, notebook_titles as titles, root, start, write_config, write_config_for};

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// The example project copied to `dir` as a crate of its own (mizzle by path, the same
/// lockfile, sharing this repository's target directory so only the example recompiles),
/// with `notes` gaining a `mood` column.
fn version_2(dir: &Path) {
    let root = root();
    for sub in ["src", "schema", "migrations"] {
        copy_dir(&root.join(sub), &dir.join(sub));
    }
    for file in ["build.rs", "wrangler.jsonc", "Cargo.lock"] {
        std::fs::copy(root.join(file), dir.join(file)).unwrap();
    }
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    let package = &manifest[manifest.find("[package]").unwrap()..];
    let package = package
        .replace(".workspace = true", " = \"0.1.0\"")
        .replace("edition = \"0.1.0\"", "edition = \"2024\"")
        .replace("rust-version = \"0.1.0\"", "")
        .replace("license = \"0.1.0\"", "")
        .replace(
            "mizzle = \"0.1.0\"",
            &format!("mizzle = {{ path = {:?} }}", root.join("crates/mizzle")),
        )
        .replace(
            "mizzle-build = \"0.1.0\"",
            &format!(
                "mizzle-build = {{ path = {:?} }}",
                root.join("crates/mizzle-build")
            ),
        )
        .replace(
            "serde = \"0.1.0\"",
            "serde = { version = \"1\", features = [\"derive\"] }",
        )
        .replace("serde_json = \"0.1.0\"", "serde_json = \"1\"");
    std::fs::write(dir.join("Cargo.toml"), format!("{package}\n[workspace]\n")).unwrap();
    let notes = dir.join("schema/notes.toml");
    let text = std::fs::read_to_string(&notes).unwrap().replace(
        "created_at =",
        "mood       = { type = \"text\", nullable = true }\ncreated_at =",
    );
    std::fs::write(notes, text).unwrap();
}

/// The tools `mizzle setup` installed (as scripts/setup.sh runs it), where it says they are.
fn tool(name: &str) -> std::path::PathBuf {
    let out = Command::new(env!("CARGO"))
        .args(["run", "--quiet", "-p", "mizzle-cli", "--", "setup", "--env"])
        .current_dir(root())
        .env("MIZZLE_TOOLS_DIR", root().join("target/tools"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "mizzle setup failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let value = text
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{name}=")))
        .unwrap_or_else(|| panic!("mizzle setup --env printed no {name}:\n{text}"));
    value.trim_matches('\'').into()
}

fn build(dir: &Path) {
    let wasm_bindgen = tool("WASM_BINDGEN_BIN");
    let path = std::env::join_paths(
        std::iter::once(wasm_bindgen.parent().unwrap().to_owned()).chain(std::env::split_paths(
            &std::env::var_os("PATH").unwrap_or_default(),
        )),
    )
    .unwrap();
    let out = Command::new(tool("WORKER_BUILD"))
        .args(["--release", "--no-opt"])
        .current_dir(dir)
        .env("PATH", path)
        .env("WASM_BINDGEN_BIN", &wasm_bindgen)
        .env("CARGO_TARGET_DIR", root().join("target"))
        .env("MIZZLE_CHECK", "0")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "version 2 did not build:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn migrations(http: &Http, name: &str) -> Vec<String> {
    let (s, info) = http.send("GET", &format!("/notebooks/{name}/info"), None);
    assert_eq!(s, 200, "{info}");
    serde_json::from_value(info["migrations"].clone()).unwrap()
}

#[test]
fn objects_migrate_themselves_to_the_next_version_on_first_touch() {
    let built = Command::new("bash")
        .arg(root().join("scripts/build-worker.sh"))
        .status()
        .unwrap();
    assert!(built.success(), "version 1 did not build");
    let state = tempfile::tempdir().unwrap();
    let log = state.path().join("wrangler-dev.log");

    // Version 1: three notebooks with rows.
    write_config(state.path());
    let server = start(state.path(), &log);
    let http = Http::new(&server.base);
    for (name, notes) in [("one", 2), ("two", 1), ("three", 1)] {
        for i in 0..notes {
            let (s, body) = http.send(
                "POST",
                &format!("/notebooks/{name}/notes"),
                Some(json!({ "title": format!("{name} {i}") })),
            );
            assert_eq!(s, 200, "{body}");
        }
    }
    let v1 = migrations(&http, "one");
    drop(server);

    // Version 2, built from a copy whose schema adds `notes.mood`: its build writes the
    // next migration, compiled into the Worker's MIGRATIONS.
    let copy = tempfile::tempdir().unwrap();
    version_2(copy.path());
    build(copy.path());
    let mut files: Vec<String> = std::fs::read_dir(copy.path().join("migrations"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(
        files.len(),
        v1.len() + 1,
        "version 2 adds one migration: {files:?}"
    );
    let new = files.last().unwrap().clone();
    assert!(new.contains("mood"), "{new}");

    write_config_for(state.path(), &copy.path().join("build/worker/shim.mjs"));
    let server = start(state.path(), &log);
    let http = Http::new(&server.base);
    // First touch of `one`: it migrates, keeps its rows, and reads and writes the column.
    assert_eq!(titles(&http, "one"), ["one 0", "one 1"]);
    assert_eq!(migrations(&http, "one"), files);
    let (s, note) = http.send(
        "POST",
        "/notebooks/one/notes",
        Some(json!({ "title": "one 2", "mood": "glad" })),
    );
    assert_eq!((s, &note["mood"]), (200, &json!("glad")), "{note}");
    let (_, notes) = http.send("GET", "/notebooks/one/notes", None);
    assert_eq!(
        notes[0]["mood"],
        json!(null),
        "old rows: NULL in the new column"
    );
    // `two` likewise; `three`, not touched yet, is at version 1 on disk until it is.
    assert_eq!(titles(&http, "two"), ["two 0"]);
    assert_eq!(migrations(&http, "two"), files);
    assert_eq!(titles(&http, "three"), ["three 0"]);
    assert_eq!(
        migrations(&http, "three"),
        files,
        "migrated on its first touch too"
    );
    // Touching again applies nothing more.
    assert_eq!(migrations(&http, "one"), files);
    drop(server);
}
