//! `mizzle explain`: runs the project's native tests with the plan check recording
//! (`MIZZLE_PLAN_REPORT`, read by every `SqliteExecutor`), and prints each statement that
//! scanned a table: where it was sent from, how many tests ran it, the verdict, and the
//! index that would serve it. With `--deny`, a scan an index would avoid that
//! `allow_scans` does not allow, or an `allow_scans` entry no scan matched (a list that
//! rotted), exits non-zero.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

/// One scan as the executor reported it.
struct Reported {
    table: String,
    sql: String,
    plan: String,
    caller: Option<String>,
    suggestion: Option<String>,
    avoidable: bool,
    per_row: bool,
}

impl Reported {
    /// A line of the report (a JSON object; see mizzle's `exec/plan.rs`).
    fn parse(line: &str) -> Option<Reported> {
        let v: serde_json::Value = serde_json::from_str(line).ok()?;
        let text = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_owned);
        let flag = |k: &str| {
            v.get(k)
                .and_then(serde_json::Value::as_bool)
                .unwrap_or(false)
        };
        Some(Reported {
            table: text("table")?,
            sql: text("sql")?,
            plan: text("plan").unwrap_or_default(),
            caller: text("caller"),
            suggestion: text("suggestion"),
            avoidable: flag("avoidable"),
            per_row: flag("per_row"),
        })
    }
}

/// Runs `cargo test <args>` in `root` with the report on; prints the table. `Ok(false)`
/// when `deny` finds something to refuse.
pub fn run(root: &Path, deny: bool, args: &[String]) -> Result<bool, String> {
    let project = mizzle_build::Config::new()
        .manifest_dir(root)
        .cargo_directives(false)
        .load()
        .map_err(|r| r.to_string())?;
    let allowed = project.schema.settings.allow_scans.clone();
    let report = root.join("target/mizzle-explain.jsonl");
    let _ = std::fs::create_dir_all(root.join("target"));
    let _ = std::fs::remove_file(&report);
    eprintln!(
        "[mizzle] running `cargo test {}` with the plan check recording…",
        args.join(" ")
    );
    let out = Command::new("cargo")
        .arg("test")
        .args(args)
        .current_dir(root)
        .env("MIZZLE_PLAN_REPORT", &report)
        .output()
        .map_err(|e| format!("error: cannot run cargo: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "error: the tests failed, so the plan report would be partial:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let text = std::fs::read_to_string(&report).unwrap_or_default();
    let mut scans: BTreeMap<(String, String), (Reported, usize)> = BTreeMap::new();
    for line in text.lines() {
        let r = Reported::parse(line)
            .ok_or_else(|| format!("error: unreadable plan report line: {line}"))?;
        let key = (r.table.clone(), r.sql.clone());
        scans.entry(key).or_insert((r, 0)).1 += 1;
    }
    let mut refused = 0;
    println!("statements that read a whole table ({}):", scans.len());
    // The scans an index would avoid first.
    let mut listed: Vec<&(Reported, usize)> = scans.values().collect();
    listed.sort_by_key(|(r, _)| !r.avoidable);
    for (r, tests) in listed {
        let why = allowed
            .iter()
            .find(|(t, _)| *t == r.table)
            .map(|(_, w)| w.as_str());
        let verdict = match (why, r.avoidable) {
            (Some(w), _) => format!("allowed ({w})"),
            (None, true) => {
                refused += 1;
                if r.per_row {
                    "SCAN, once per outer row: an index would avoid it".to_owned()
                } else {
                    "SCAN: an index would avoid it".to_owned()
                }
            }
            (None, false) => "reads the whole table by design".to_owned(),
        };
        println!("\n- {} — {verdict}", r.table);
        println!(
            "  at:    {}",
            r.caller.as_deref().unwrap_or("(no debug info)")
        );
        println!("  sql:   {}", r.sql);
        println!("  tests: {tests}");
        println!("  plan:\n{}", r.plan);
        if let Some(s) = &r.suggestion {
            println!(
                "  fix:   add to schema/{}.toml under [indexes]: {s}",
                r.table
            );
        }
    }
    let stale: Vec<&(String, String)> = allowed
        .iter()
        .filter(|(t, _)| !scans.keys().any(|(table, _)| table == t))
        .collect();
    for (t, w) in &stale {
        println!(
            "\nallow_scans entry \"{t}: {w}\" matched no scan in these tests: remove it from schema/mizzle.toml (or run the tests that need it)"
        );
    }
    println!(
        "\n{refused} scan(s) an index would avoid, {} stale allow_scans entr{}",
        stale.len(),
        if stale.len() == 1 { "y" } else { "ies" }
    );
    Ok(!deny || (refused == 0 && stale.is_empty()))
}
