//! The compile time of generated code: a user's crate (outside this workspace, depending
//! on mizzle by path) with 10, 100 and 500 synthetic tables, built cold and after a
//! one-file schema edit, in the dev profile a user iterates with.
//!
//! `cargo run --release -p mizzle-bench --bin compile-time -- [sizes…]` (default 10 100 500)
//!
//! "Cold" is the crate itself from scratch with its dependencies already built (they do not
//! depend on the schema; their own first build is reported once, separately). The target directory
//! is the one the external-crate tests use, so CI builds those dependencies once. The edit
//! adds a column to one table: the build script writes a migration and regenerates the
//! module, and rustc recompiles the crate. With `MIZZLE_BENCH_KEEP=1` the crates are kept
//! (their paths printed) for profiling, and the module sizes are not reported.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The external-crate fixture copied to `dir`, its paths pointed at this checkout.
fn user_crate(dir: &Path, tables: usize) -> PathBuf {
    let fixture = workspace().join("crates/mizzle-build/tests/fixtures/external");
    for sub in ["src", "schema"] {
        std::fs::create_dir_all(dir.join(sub)).unwrap();
    }
    for file in ["build.rs", "src/main.rs", "schema/notes.toml"] {
        std::fs::copy(fixture.join(file), dir.join(file)).unwrap();
    }
    let manifest = std::fs::read_to_string(fixture.join("Cargo.toml"))
        .unwrap()
        .replace(
            "MIZZLE_BUILD_PATH",
            &workspace()
                .join("crates/mizzle-build")
                .display()
                .to_string(),
        )
        .replace(
            "MIZZLE_PATH",
            &workspace().join("crates/mizzle").display().to_string(),
        );
    std::fs::write(dir.join("Cargo.toml"), manifest).unwrap();
    mizzle_bench::synthetic_schema(dir, tables);
    dir.join("Cargo.toml")
}

/// Seconds `cargo build` takes for `manifest`.
fn build(manifest: &Path) -> f64 {
    let t = Instant::now();
    // `cargo` through rustup's proxy, so that the toolchain is this one wherever rustc
    // runs (a registry crate may carry its own rust-toolchain.toml).
    let out = Command::new("cargo")
        .args(["build", "--quiet", "--manifest-path"])
        .arg(manifest)
        .env("CARGO_TARGET_DIR", workspace().join("target/external"))
        .env("MIZZLE_CHECK", "0")
        .output()
        .expect("cargo");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    t.elapsed().as_secs_f64()
}

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![10, 100, 500]
    } else {
        sizes
    };
    // Dependencies first, once (a 1-table crate).
    let warm = tempfile::tempdir().unwrap();
    let deps = build(&user_crate(warm.path(), 1));
    println!("dependencies (mizzle, mizzle-build and theirs), first build: {deps:.1} s");
    println!("| tables | generated module | cold build of the crate | after a one-file edit |");
    println!("|---:|---:|---:|---:|");
    for n in sizes {
        let dir = tempfile::tempdir().unwrap();
        let manifest = user_crate(dir.path(), n);
        let cold = build(&manifest);
        let table = dir.path().join("schema/t000.toml");
        let text = std::fs::read_to_string(&table).unwrap().replace(
            "[indexes]",
            "note = { type = \"text\", nullable = true }\n[indexes]",
        );
        std::fs::write(&table, text).unwrap();
        let edit = build(&manifest);
        if std::env::var_os("MIZZLE_BENCH_KEEP").is_some() {
            println!("kept: {}", dir.keep().display());
            continue;
        }
        // The newest generated module: its index and its one file per table.
        let module = std::fs::read_dir(workspace().join("target/external/debug/build"))
            .unwrap()
            .flatten()
            .map(|e| mizzle_build::generated_files(&e.path().join("out")))
            .filter_map(|files| {
                let modified = files.first()?.metadata().ok()?.modified().ok()?;
                let len: u64 = files
                    .iter()
                    .filter_map(|f| f.metadata().ok())
                    .map(|m| m.len())
                    .sum();
                Some((modified, len))
            })
            .max_by_key(|(modified, _)| *modified)
            .map_or(0, |(_, len)| len);
        println!(
            "| {n} | {} KiB | {cold:.1} s | {edit:.1} s |",
            module / 1024
        );
    }
}
