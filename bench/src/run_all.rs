//! Runs every benchmark in full (release builds, the example Worker built for local D1)
//! and rewrites the generated part of bench/README.md: the section between
//! `<!-- bench:latest:start -->` and `<!-- bench:latest:end -->`, with each program's output
//! and the date. Everything else in the README (the commentary) stays as written.
//!
//! `cargo run --release -p mizzle-bench --bin run-all` (after `scripts/setup.sh`), or
//! `bench/run.sh`, which does both. With the arguments `layouts [N [rounds ops]]` it only
//! measures the six routes over N code layouts (7) and prints their ratios (nothing is
//! written).

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

/// The gzip size after `wasm-opt` of `worker` in `bench/workers/build.sh`'s output.
fn wasm_gzip(sizes: &str, worker: &str) -> Option<u64> {
    let line = sizes
        .lines()
        .find(|l| l.starts_with(&format!("wasm {worker}:")))?;
    let after = line.split("after wasm-opt").next()?;
    let open = after.rfind('(')?;
    after[open + 1..].split_whitespace().next()?.parse().ok()
}

/// The seconds of "after a one-file edit" for `tables` in compile-time's table.
fn edit_seconds(compile: &str, tables: usize) -> Option<f64> {
    let row = compile
        .lines()
        .find(|l| l.starts_with(&format!("| {tables} |")))?;
    row.trim_end_matches('|')
        .rsplit('|')
        .next()?
        .trim()
        .trim_end_matches(" s")
        .parse()
        .ok()
}

/// A route's paired ratio from native-queries: `paired:<route> <median> <q1> <q3>`.
#[derive(Debug, PartialEq)]
struct Paired {
    route: String,
    median: f64,
    q1: f64,
    q3: f64,
}

/// The `paired:` lines of native-queries' output.
fn paired_ratios(native: &str) -> Vec<Paired> {
    native
        .lines()
        .filter_map(|l| {
            let mut cells = l.strip_prefix("paired:")?.split_whitespace();
            let route = cells.next()?.to_owned();
            let mut next = || cells.next()?.parse::<f64>().ok();
            Some(Paired {
                route,
                median: next()?,
                q1: next()?,
                q3: next()?,
            })
        })
        .collect()
}

/// How many machine-code layouts the route ratios are judged over (see [`over_layouts`]).
const LAYOUTS: u64 = 7;

/// A route's ratio over several layouts of the same code: the median of each layout's
/// paired median, and the lowest and highest of those.
#[derive(Debug, PartialEq)]
struct OverLayouts {
    route: String,
    median: f64,
    low: f64,
    high: f64,
    layouts: usize,
}

/// Where the linker puts each function moves a route's ratio by a few percent from one
/// build to the next, the same code measured again (which functions share
/// instruction-cache sets with SQLite's hot code). So each route is measured over
/// [`LAYOUTS`] builds of native-queries linked with lld's `--shuffle-sections` under
/// different seeds (Rust's default linker on x86-64 Linux is lld). `None` when the link
/// option is refused (another linker): the goals then fall back to one build's run.
fn over_layouts(layouts: u64, args: &[String]) -> Option<Vec<OverLayouts>> {
    // The profile this program was built with (CI's quick mode runs it unoptimized).
    let profile = if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    };
    let mut per_route: Vec<(String, Vec<f64>)> = Vec::new();
    for seed in 1..=layouts {
        eprintln!("[bench] native-queries, layout {seed} of {layouts}");
        let built = Command::new(env!("CARGO"))
            .arg("rustc")
            .args((profile == "release").then_some("--release"))
            .args([
                "--quiet",
                "-p",
                "mizzle-bench",
                "--bin",
                "native-queries",
                "--",
                "-C",
            ])
            .arg(format!("link-arg=-Wl,--shuffle-sections=*={seed}"))
            .current_dir(root())
            .status()
            .ok()?;
        if !built.success() {
            return None;
        }
        let out = Command::new(root().join("target").join(profile).join("native-queries"))
            .args(args)
            .current_dir(root())
            .output()
            .ok()?;
        for p in paired_ratios(&String::from_utf8_lossy(&out.stdout)) {
            match per_route.iter_mut().find(|(r, _)| *r == p.route) {
                Some((_, v)) => v.push(p.median),
                None => per_route.push((p.route, vec![p.median])),
            }
        }
    }
    Some(
        per_route
            .into_iter()
            .map(|(route, v)| summarize(route, v))
            .collect(),
    )
}

/// The median, lowest and highest of one route's per-layout ratios.
fn summarize(route: String, mut v: Vec<f64>) -> OverLayouts {
    v.sort_by(f64::total_cmp);
    OverLayouts {
        route,
        median: v[v.len() / 2],
        low: v[0],
        high: v[v.len() - 1],
        layouts: v.len(),
    }
}

/// Issue 14's goals against this run's numbers: a table of goal, measured, met. A route's
/// ratio is judged by its paired rounds (mizzle and hand-written timed back to back, the
/// issue's "alternating samples") over several code layouts, else over one build's run
/// (then the range is its quartiles); criterion's ratio, which times one contender after
/// the other, is shown beside it.
fn goals(
    layouts: Option<&[OverLayouts]>,
    paired: &[Paired],
    criterion: &[(String, f64)],
    sizes: &str,
    compile: &str,
) -> String {
    let met = |ok: bool| if ok { "yes" } else { "**no**" };
    let mut out = String::from(
        "### Issue 14's goals, this run

| goal | measured | met |\n|---|---:|---|\n",
    );
    let rows: Vec<(String, f64, String)> = match layouts {
        Some(layouts) => layouts
            .iter()
            .map(|l| {
                let how = format!(
                    "median over {} layouts; layouts {:.3}–{:.3}",
                    l.layouts, l.low, l.high
                );
                (l.route.clone(), l.median, how)
            })
            .collect(),
        None => paired
            .iter()
            .map(|p| {
                let how = format!("one build; quartiles {:.3}–{:.3}", p.q1, p.q3);
                (p.route.clone(), p.median, how)
            })
            .collect(),
    };
    for (route, median, how) in rows {
        let seq = criterion
            .iter()
            .find(|(r, _)| *r == route)
            .map_or(String::new(), |(_, c)| format!("; criterion {c:.2}"));
        out.push_str(&format!(
            "| {route}: mizzle ÷ hand-written ≤ 1.10 (median of paired rounds) | {median:.3} ({how}{seq}) | {} |\n",
            met(median <= 1.10)
        ));
    }
    if let (Some(m), Some(h)) = (wasm_gzip(sizes, "mizzle"), wasm_gzip(sizes, "hand")) {
        let over = (m as f64 / h as f64 - 1.0) * 100.0;
        out.push_str(&format!(
            "| Worker wasm: mizzle's addition ≤ 15 % (gzip, after wasm-opt) | +{over:.1} % ({m} vs {h} bytes) | {} |\n",
            met(over <= 15.0)
        ));
    }
    if let Some(secs) = edit_seconds(compile, 100) {
        out.push_str(&format!(
            "| a one-file edit at 100 tables rebuilds in < 5 s | {secs:.1} s | {} |\n",
            met(secs < 5.0)
        ));
    }
    out.push('\n');
    out
}

fn main() {
    // `run-all layouts [N [rounds ops]]`: only the route ratios over N code layouts
    // (seven by default; a minute in release), with native-queries' own arguments.
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("layouts") {
        let n = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(LAYOUTS);
        let Some(layouts) = over_layouts(n, args.get(2..).unwrap_or_default()) else {
            eprintln!("the linker refused --shuffle-sections");
            std::process::exit(1);
        };
        for l in layouts {
            println!(
                "{:<26} {:.3} (layouts {:.3}–{:.3})",
                l.route, l.median, l.low, l.high
            );
        }
        return;
    }
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
    let mut compile = String::new();
    let mut native = String::new();
    let mut body = String::new();
    for (title, bin, args) in [
        ("native-queries (µs/op, medians)", "native-queries", &[][..]),
        ("build-stage (ms, medians)", "build-stage", &[][..]),
        ("tree-vs-naive on local D1", "tree-vs-naive", &[][..]),
        ("compile time of generated code", "compile-time", &[][..]),
    ] {
        let out = run(bin, args);
        if bin == "compile-time" {
            compile = out.clone();
        }
        if bin == "native-queries" {
            native = out.clone();
        }
        body.push_str(&format!("### {title}\n\n```text\n{out}```\n\n"));
    }
    // The six routes against hand-written rusqlite, with criterion: its ratio lines.
    let routes = run_cmd(
        env!("CARGO"),
        &["bench", "-q", "-p", "mizzle-bench", "--bench", "routes"],
    );
    let ratio_lines: Vec<&str> = routes
        .lines()
        .filter_map(|l| l.strip_prefix("ratio "))
        .collect();
    let ratios: String = ratio_lines.iter().map(|l| format!("| {l} |\n")).collect();
    // "route | mizzle | hand | ratio"
    let route_ratios: Vec<(String, f64)> = ratio_lines
        .iter()
        .filter_map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            Some((cells.first()?.to_string(), cells.last()?.parse().ok()?))
        })
        .collect();
    body.push_str(&format!(
        "### routes (criterion): mizzle vs hand-written rusqlite, same structs, JSON-serialized\n\n\
         | route | mizzle µs | hand-written µs | mizzle ÷ hand |\n|---|---:|---:|---:|\n{ratios}\n"
    ));
    // The three benchmark Workers: wasm sizes, then the a/b/c run on local D1.
    let sizes = run_cmd("bash", &["bench/workers/build.sh"]);
    body.push_str(&format!("### Worker wasm sizes\n\n```text\n{sizes}```\n\n"));
    let abc = run_cmd("node", &["bench/workers/abc.mjs"]);
    body.push_str(&format!(
        "### workerd: mizzle / hand-written / drizzle-orm\n\n{abc}\n"
    ));
    let layouts = over_layouts(LAYOUTS, &[]);
    if layouts.is_none() {
        eprintln!("[bench] the linker refused --shuffle-sections: goals from one build");
    }
    section.push_str(&goals(
        layouts.as_deref(),
        &paired_ratios(&native),
        &route_ratios,
        &sizes,
        &compile,
    ));
    section.push_str(&body);
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

    #[test]
    fn goals_are_read_from_the_programs_output() {
        let sizes = "wasm mizzle: 755288 bytes (259504 gzip) unoptimized, 518874 bytes (216177 gzip) after wasm-opt -Oz\n\
                     wasm hand: 645688 bytes (219712 gzip) unoptimized, 434507 bytes (180693 gzip) after wasm-opt -Oz\n";
        assert_eq!(wasm_gzip(sizes, "mizzle"), Some(216177));
        assert_eq!(wasm_gzip(sizes, "hand"), Some(180693));
        let compile = "| tables | generated module | cold build of the crate | after a one-file edit |\n\
                       |---:|---:|---:|---:|\n| 10 | 158 KiB | 2.4 s | 0.8 s |\n| 100 | 1462 KiB | 10.8 s | 4.7 s |\n";
        assert_eq!(edit_seconds(compile, 100), Some(4.7));
        assert_eq!(edit_seconds(compile, 10), Some(0.8));
        assert_eq!(edit_seconds(compile, 500), None);
        let native = "vs:get_by_key_mizzle 1.14\npaired:get_by_key 1.137 1.111 1.156\n\
                      paired:bulk 0.444 0.413 0.479\nget_by_key 0.84\n";
        let paired = paired_ratios(native);
        assert_eq!(
            paired[0],
            Paired {
                route: "get_by_key".into(),
                median: 1.137,
                q1: 1.111,
                q3: 1.156
            }
        );
        let criterion = [("get_by_key".into(), 1.08), ("bulk".into(), 0.41)];
        let table = goals(None, &paired, &criterion, sizes, compile);
        assert!(
            table.contains(
                "| get_by_key: mizzle ÷ hand-written ≤ 1.10 (median of paired rounds) | 1.137 (one build; quartiles 1.111–1.156; criterion 1.08) | **no** |"
            ),
            "{table}"
        );
        assert!(
            table.contains(
                "| bulk: mizzle ÷ hand-written ≤ 1.10 (median of paired rounds) | 0.444 (one build; quartiles 0.413–0.479; criterion 0.41) | yes |"
            ),
            "{table}"
        );
        // Over layouts: the median of the layouts' medians, and their range.
        let layouts = [summarize("get_by_key".into(), vec![1.12, 1.08, 1.095])];
        assert_eq!(layouts[0].median, 1.095);
        let table = goals(Some(&layouts), &paired, &criterion, sizes, compile);
        assert!(
            table.contains(
                "| get_by_key: mizzle ÷ hand-written ≤ 1.10 (median of paired rounds) | 1.095 (median over 3 layouts; layouts 1.080–1.120; criterion 1.08) | yes |"
            ),
            "{table}"
        );
        assert!(
            table.contains("+19.6 % (216177 vs 180693 bytes) | **no** |"),
            "{table}"
        );
        assert!(table.contains("| 4.7 s | yes |"), "{table}");
    }
}
