//! The `mizzle` command against a scratch project and real local D1 (wrangler).

use std::path::{Path, PathBuf};
use std::process::Command;

fn mizzle(project: &Path, args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_mizzle"))
        .arg("--project")
        .arg(project)
        .args(args)
        .env(
            "MIZZLE_WRANGLER",
            workspace().join("node_modules/.bin/wrangler"),
        )
        .env("WRANGLER_SEND_METRICS", "false")
        .output()
        .unwrap();
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("schema")).unwrap();
    std::fs::write(
        dir.path().join("schema/notes.toml"),
        "[columns]\nid = { type = \"integer\", primary_key = true }\nbody = { type = \"text\" }\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("wrangler.jsonc"),
        "// test project\n{ \"name\": \"t\", \"d1_databases\": [{ \"binding\": \"DB\", \"database_name\": \"t\", \"database_id\": \"x\", }] }\n",
    )
    .unwrap();
    mizzle_build::Config::new()
        .manifest_dir(dir.path())
        .check(false)
        .cargo_directives(false)
        .compile()
        .unwrap();
    dir
}

#[test]
fn migrate_needs_an_explicit_target() {
    let p = project();
    let (ok, out) = mizzle(p.path(), &["migrate"]);
    assert!(!ok);
    assert!(
        out.contains("--local") && out.contains("--remote") && out.contains("never defaults"),
        "{out}"
    );
}

#[test]
fn remote_shows_the_wrangler_command_without_running_it() {
    let p = project();
    let (ok, out) = mizzle(p.path(), &["migrate", "--remote", "--dry-run"]);
    assert!(ok, "{out}");
    assert!(out.contains("0001_init.sql"), "{out}");
    assert!(out.contains("d1 migrations apply DB --remote"), "{out}");
}

#[test]
fn local_migrate_then_status() {
    let p = project();
    let (ok, out) = mizzle(p.path(), &["status"]);
    assert!(ok, "{out}");
    assert!(
        out.contains("pending 0001_init.sql") && out.contains("0 applied, 1 pending"),
        "{out}"
    );
    let (ok, out) = mizzle(p.path(), &["migrate", "--local"]);
    assert!(ok, "{out}");
    assert!(
        out.contains("1 pending on the local D1") && out.contains("d1 migrations apply DB --local"),
        "{out}"
    );
    let (ok, out) = mizzle(p.path(), &["status"]);
    assert!(ok, "{out}");
    assert!(
        out.contains("applied 0001_init.sql") && out.contains("1 applied, 0 pending"),
        "{out}"
    );
    let (ok, out) = mizzle(p.path(), &["migrate", "--local"]);
    assert!(ok && out.contains("nothing to apply"), "{out}");
    let (ok, out) = mizzle(p.path(), &["check"]);
    assert!(ok && out.contains("up to date"), "{out}");
}

/// A pending migration that narrows an enum: `mizzle migrate` counts the rows of the local
/// D1 it would reject and applies nothing; once they are fixed, it applies.
#[test]
fn migrate_counts_rows_a_new_check_would_reject() {
    let p = project();
    let notes = p.path().join("schema/notes.toml");
    let with_kind = |values: &str| {
        format!(
            "[columns]\nid = {{ type = \"integer\", primary_key = true }}\nbody = {{ type = \"text\" }}\n\
             kind = {{ type = \"enum\", values = [{values}], default = \"a\" }}\n"
        )
    };
    std::fs::write(&notes, with_kind("\"a\", \"b\", \"c\"")).unwrap();
    let build = || {
        mizzle_build::Config::new()
            .manifest_dir(p.path())
            .check(false)
            .cargo_directives(false)
            .compile()
            .unwrap()
    };
    build();
    let (ok, out) = mizzle(p.path(), &["migrate", "--local"]);
    assert!(ok, "{out}");
    let wrangler = |sql: &str| {
        let out = Command::new(workspace().join("node_modules/.bin/wrangler"))
            .args(["d1", "execute", "DB", "--local", "--command", sql])
            .current_dir(p.path())
            .env("CI", "true")
            .env("WRANGLER_SEND_METRICS", "false")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    wrangler("INSERT INTO notes (id, body, kind) VALUES (1, 'x', 'c'), (2, 'y', 'a')");
    std::fs::write(&notes, with_kind("\"a\", \"b\"")).unwrap();
    build();
    let (ok, out) = mizzle(p.path(), &["migrate", "--local"]);
    assert!(!ok, "{out}");
    assert!(
        out.contains("1 row(s) of `notes` violate CHECK (\"kind\" IN ('a', 'b'))"),
        "{out}"
    );
    let (_, status) = mizzle(p.path(), &["status"]);
    assert!(status.contains("1 pending"), "nothing applied: {status}");
    wrangler("UPDATE notes SET kind = 'b' WHERE kind = 'c'");
    let (ok, out) = mizzle(p.path(), &["migrate", "--local"]);
    assert!(ok, "{out}");
    assert!(out.contains("no row violates them"), "{out}");
}
