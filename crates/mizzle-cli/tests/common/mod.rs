//! What the `mizzle` command's tests share: the checkout, and running the command.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The checkout this test runs in.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// Runs `mizzle --project <project> <args>` with the checkout's wrangler (and `mizzle new`
/// on the checkout's crates): whether it succeeded, and its stdout then stderr.
pub fn mizzle(project: &Path, args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_mizzle"))
        .arg("--project")
        .arg(project)
        .args(args)
        .env(
            "MIZZLE_WRANGLER",
            workspace().join("node_modules/.bin/wrangler"),
        )
        .env("WRANGLER_SEND_METRICS", "false")
        // `mizzle new` on this checkout's crates (by path), not on crates.io's.
        .env("MIZZLE_PATH", workspace().join("crates"))
        .output()
        .unwrap();
    (out.status.success(), output_text(&out))
}

/// A finished command's stdout then stderr.
pub fn output_text(out: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}
