//! Runs every benchmark in full (release builds, the example Worker built for local D1)
//! and rewrites the generated part of bench/README.md: the section between
//! `<!-- bench:latest:start -->` and `<!-- bench:latest:end -->`, with each program's output
//! and the date. Everything else in the README (the commentary) stays as written.
//!
//! `cargo run --release -p mizzle-bench --bin run-all` (after `scripts/setup.sh`), or
//! `bench/run.sh`, which does both.

use std::path::{Path, PathBuf};
use std::process::Command;

const START: &str = "<!-- bench:latest:start -->";
const END: &str = "<!-- bench:latest:end -->";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Runs `bin` of this package in release with `args`; its standard output.
fn run(bin: &str, args: &[&str]) -> String {
    eprintln!("[bench] {bin} {}", args.join(" "));
    let out = Command::new(env!("CARGO"))
        .args([
            "run",
            "--release",
            "--quiet",
            "-p",
            "mizzle-bench",
            "--bin",
            bin,
            "--",
        ])
        .args(args)
        .current_dir(root())
        .output()
        .expect("cargo run");
    assert!(
        out.status.success(),
        "{bin} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs `program` with `args` from the repository root; its standard output.
fn run_cmd(program: &str, args: &[&str]) -> String {
    eprintln!("[bench] {program} {}", args.join(" "));
    let out = Command::new(program)
        .args(args)
        .current_dir(root())
        .output()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    assert!(
        out.status.success(),
        "{program} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Replaces the generated section of `readme` (appending it when missing).
fn splice(readme: &str, section: &str) -> String {
    let block = format!("{START}\n{section}{END}");
    match (readme.find(START), readme.find(END)) {
        (Some(a), Some(b)) if a < b => {
            format!("{}{block}{}", &readme[..a], &readme[b + END.len()..])
        }
        _ => format!("{}\n\n## Latest full run\n\n{block}\n", readme.trim_end()),
    }
}

fn main() {
    let built = Command::new("bash")
        .arg(root().join("scripts/build-worker.sh"))
        .status()
        .expect("bash");
    assert!(built.success(), "the Worker did not build");
    let date = Command::new("date")
        .arg("-u")
        .arg("+%Y-%m-%d %H:%M UTC")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    let mut section = format!(
        "Written by `bench/run.sh` on {date}; machine noise applies (see the ratios, not the absolute numbers).\n\n"
    );
    for (title, bin, args) in [
        ("native-queries (µs/op, medians)", "native-queries", &[][..]),
        ("build-stage (ms, medians)", "build-stage", &[][..]),
        ("tree-vs-naive on local D1", "tree-vs-naive", &[][..]),
        ("compile time of generated code", "compile-time", &[][..]),
    ] {
        section.push_str(&format!(
            "### {title}\n\n```text\n{}```\n\n",
            run(bin, args)
        ));
    }
    // The six routes against hand-written rusqlite, with criterion: its ratio lines.
    let routes = run_cmd(
        env!("CARGO"),
        &["bench", "-q", "-p", "mizzle-bench", "--bench", "routes"],
    );
    let ratios: String = routes
        .lines()
        .filter_map(|l| l.strip_prefix("ratio "))
        .map(|l| format!("| {l} |\n"))
        .collect();
    section.push_str(&format!(
        "### routes (criterion): mizzle vs hand-written rusqlite, same structs, JSON-serialized\n\n\
         | route | mizzle µs | hand-written µs | mizzle ÷ hand |\n|---|---:|---:|---:|\n{ratios}\n"
    ));
    // The three benchmark Workers: wasm sizes, then the a/b/c run on local D1.
    let sizes = run_cmd("bash", &["bench/workers/build.sh"]);
    section.push_str(&format!("### Worker wasm sizes\n\n```text\n{sizes}```\n\n"));
    let abc = run_cmd("node", &["bench/workers/abc.mjs"]);
    section.push_str(&format!(
        "### workerd: mizzle / hand-written / drizzle-orm\n\n{abc}\n"
    ));
    let path = root().join("bench/README.md");
    let readme = std::fs::read_to_string(&path).expect("bench/README.md");
    std::fs::write(&path, splice(&readme, &section)).expect("write bench/README.md");
    eprintln!("[bench] rewrote {}", path.display());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splice_replaces_only_the_generated_section() {
        let readme = format!("# B\n\nnotes\n\n{START}\nold\n{END}\n\nmore\n");
        let out = splice(&readme, "new\n");
        assert_eq!(
            out,
            format!("# B\n\nnotes\n\n{START}\nnew\n{END}\n\nmore\n")
        );
        let appended = splice("# B\n", "x\n");
        assert!(appended.ends_with(&format!("{START}\nx\n{END}\n")));
    }
}
