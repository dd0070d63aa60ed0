//! `mizzle import-drizzle` on a corpus of drizzle-kit project styles (tests/fixtures/
//! drizzle_corpus/): each case is a drizzle project as people write them — the TypeScript
//! written for this corpus after public patterns, the migrations folder made from it by
//! drizzle-kit itself (0.31 for the journal layout, 1.0.0-rc.5 for the per-folder one) and
//! committed, so this test needs no Node.
//!
//! For each case: the command in `args.txt` succeeds; the schema files it writes and its
//! summary (stdout) equal `expected/` (`MIZZLE_BLESS=1` rewrites them, for review as a
//! diff); the imported project's migrations make exactly the imported schema (`mizzle
//! check`: the next build writes no migration); a second import with `--force` writes the
//! same files; and with `--strict`, a case with warnings is refused, writing nothing.

use std::path::{Path, PathBuf};

mod common;
use common::mizzle;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/drizzle_corpus")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(e.file_name());
        if e.file_name() == "expected" || e.file_name() == "args.txt" {
            continue;
        }
        if e.path().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// `schema/*.toml` of a project, by name.
fn schema_files(p: &Path) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = std::fs::read_dir(p.join("schema"))
        .map(|d| {
            d.flatten()
                .map(|e| {
                    (
                        e.file_name().to_string_lossy().into_owned(),
                        std::fs::read_to_string(e.path()).unwrap(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// The summary and warnings of the output, with the temp dir's path taken out.
fn summary(out: &str, p: &Path) -> String {
    let shown = p.display().to_string();
    out.lines()
        .filter(|l| !l.starts_with("[mizzle]") && !l.starts_with("wrote "))
        .map(|l| l.replace(&shown, "<project>"))
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

fn check_case(case: &Path, bless: bool) -> Result<(), String> {
    let name = case.file_name().unwrap().to_string_lossy().into_owned();
    let args_text = std::fs::read_to_string(case.join("args.txt")).unwrap();
    let args: Vec<&str> = args_text.split_whitespace().collect();
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path();
    copy_dir(case, p);

    // --strict, in a copy of its own: refused when there is anything to warn about, and
    // then nothing written.
    let strict_tmp = tempfile::tempdir().unwrap();
    copy_dir(case, strict_tmp.path());
    let mut strict = args.clone();
    strict.push("--strict");
    let (strict_ok, strict_out) = mizzle(strict_tmp.path(), &strict);

    let (ok, out) = mizzle(p, &args);
    if !ok {
        return Err(format!("{name}: `mizzle {args_text}` failed:\n{out}"));
    }
    let warned = out.contains(" warning(s): ");
    if strict_ok == warned {
        return Err(format!(
            "{name}: --strict {} although the import {} warnings:\n{strict_out}",
            if strict_ok { "succeeded" } else { "failed" },
            if warned { "has" } else { "has no" }
        ));
    }
    if !strict_ok && (strict_out.contains("wrote ") || strict_tmp.path().join("schema").exists()) {
        return Err(format!("{name}: --strict refused but wrote:\n{strict_out}"));
    }
    if !out.contains("the next `cargo build` writes no migration") {
        return Err(format!(
            "{name}: the import did not say the build writes nothing:\n{out}"
        ));
    }
    let files = schema_files(p);
    let got_summary = summary(&out, p);
    let expected = case.join("expected");
    if bless {
        let _ = std::fs::remove_dir_all(&expected);
        std::fs::create_dir_all(&expected).unwrap();
        for (f, text) in &files {
            std::fs::write(expected.join(f), text).unwrap();
        }
        std::fs::write(expected.join("summary.txt"), &got_summary).unwrap();
    } else {
        let mut want: Vec<(String, String)> = std::fs::read_dir(&expected)
            .map_err(|e| format!("{name}: no expected/ ({e}); run with MIZZLE_BLESS=1"))?
            .flatten()
            .filter(|e| e.file_name() != "summary.txt")
            .map(|e| {
                (
                    e.file_name().to_string_lossy().into_owned(),
                    std::fs::read_to_string(e.path()).unwrap(),
                )
            })
            .collect();
        want.sort();
        if want != files {
            return Err(format!(
                "{name}: schema/ differs from expected/ (MIZZLE_BLESS=1 to accept):\nwant {want:#?}\ngot {files:#?}"
            ));
        }
        let want_summary = std::fs::read_to_string(expected.join("summary.txt")).unwrap();
        if want_summary != got_summary {
            return Err(format!(
                "{name}: the summary differs from expected/summary.txt (MIZZLE_BLESS=1 to accept):\n--- want\n{want_summary}\n--- got\n{got_summary}"
            ));
        }
    }
    // The migrations make the imported schema: CI's check mode agrees.
    let (ok, out) = mizzle(p, &["check"]);
    if !ok {
        return Err(format!("{name}: `mizzle check` after the import:\n{out}"));
    }
    // Importing again writes the same files.
    let mut again = args.clone();
    again.push("--force");
    let (ok, out) = mizzle(p, &again);
    if !ok || schema_files(p) != files {
        return Err(format!("{name}: a second import changed schema/:\n{out}"));
    }
    Ok(())
}

#[test]
fn every_corpus_style_imports_as_expected() {
    let bless = std::env::var_os("MIZZLE_BLESS").is_some();
    let mut cases: Vec<PathBuf> = std::fs::read_dir(corpus())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("args.txt").is_file())
        .collect();
    cases.sort();
    assert!(cases.len() >= 10, "the corpus has {} cases", cases.len());
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|c| check_case(c, bless).err())
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
