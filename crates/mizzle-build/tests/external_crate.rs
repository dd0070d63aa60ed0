//! A crate outside this workspace that depends on `mizzle` and `mizzle-build` by path
//! builds (under `#![deny(missing_docs, warnings)]`) and runs with nothing more.

mod common;

use std::process::Command;

#[test]
fn crate_outside_the_workspace_builds_and_runs() {
    let ws = common::workspace();
    let tmp = tempfile::tempdir().unwrap();
    common::copy_dir(
        &ws.join("crates/mizzle-build/tests/fixtures/external"),
        tmp.path(),
    );
    let manifest = tmp.path().join("Cargo.toml");
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
    let out = Command::new(env!("CARGO"))
        .args(["run", "--quiet", "--manifest-path"])
        .arg(&manifest)
        .env("CARGO_TARGET_DIR", ws.join("target/external"))
        .env("MIZZLE_CHECK", "0")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("external crate ok: hello"), "{stdout}");
    assert!(tmp.path().join("migrations/0001_init.sql").exists());
}
