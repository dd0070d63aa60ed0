//! Many databases, one schema (`databases` in schema/mizzle.toml): `mizzle migrate --all`
//! on three local D1 databases (wrangler/workerd), one of which holds a row the next
//! migration's CHECK rejects; and the restore point a remote migration records first, with
//! wrangler's output as wrangler 4.86 prints it (src/d1/timeTravel/info.ts: the API result
//! as `JSON.stringify(result, null, 2)`), from a stand-in wrangler: Cloudflare's remote D1
//! cannot be reached from CI.

mod common;
use common::{build, d1_local, output_text, workspace};

use std::path::Path;
use std::process::Command;

fn run(project: &Path, wrangler: &Path, args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_mizzle"))
        .arg("--project")
        .arg(project)
        .args(args)
        .env("MIZZLE_WRANGLER", wrangler)
        .env("WRANGLER_SEND_METRICS", "false")
        .output()
        .unwrap();
    (out.status.success(), output_text(&out))
}

/// The closing table's row of database `name`.
fn row_of(out: &str, name: &str) -> String {
    out.lines()
        .rev()
        .find(|l| l.starts_with(&format!("{name} ")))
        .unwrap_or_default()
        .to_owned()
}

fn real_wrangler() -> std::path::PathBuf {
    workspace().join("node_modules/.bin/wrangler")
}

const WRANGLER: &str = r#"{ "name": "t", "d1_databases": [
  { "binding": "DB", "database_name": "one", "database_id": "00000000-0000-0000-0000-000000000001" },
  { "binding": "DB2", "database_name": "two", "database_id": "00000000-0000-0000-0000-000000000002" },
  { "binding": "DB3", "database_name": "three", "database_id": "00000000-0000-0000-0000-000000000003" }
] }
"#;

fn project(items: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::create_dir_all(p.join("schema")).unwrap();
    std::fs::write(
        p.join("schema/mizzle.toml"),
        "databases = [\"DB\", \"DB2\", \"DB3\"]\n",
    )
    .unwrap();
    std::fs::write(p.join("schema/items.toml"), items).unwrap();
    std::fs::write(p.join("wrangler.jsonc"), WRANGLER).unwrap();
    build(p);
    dir
}

const V1: &str = "[columns]\nid = { type = \"integer\", primary_key = true, auto_increment = true }\nqty = { type = \"integer\" }\n";
const V2: &str = "[columns]\nid = { type = \"integer\", primary_key = true, auto_increment = true }\nqty = { type = \"integer\", check = \"qty >= 0\" }\n";

#[test]
fn migrate_all_reports_each_database_and_leaves_a_failing_one_untouched() {
    let p = project(V1);
    let dir = p.path();
    let w = real_wrangler();
    let (ok, out) = run(dir, &w, &["migrate", "--local", "--all"]);
    assert!(ok, "{out}");
    assert!(
        out.contains("[1/3] DB") && out.contains("[2/3] DB2") && out.contains("[3/3] DB3"),
        "one line of progress per database: {out}"
    );
    // Each database is its own: a row in the second only.
    d1_local(dir, "DB2", "INSERT INTO items (qty) VALUES (-1)");
    d1_local(dir, "DB", "INSERT INTO items (qty) VALUES (5)");

    // The next migration adds CHECK (qty >= 0), which DB2's row violates.
    std::fs::write(dir.join("schema/items.toml"), V2).unwrap();
    build(dir);
    let files: Vec<String> = std::fs::read_dir(dir.join("migrations"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".sql"))
        .collect();
    assert_eq!(files.len(), 2, "{files:?}");
    let second = files.iter().max().unwrap().clone();
    let first = files.iter().min().unwrap().clone();

    // Stopping at the first failure: DB migrated, DB2 refused, DB3 not attempted.
    let (ok, out) = run(dir, &w, &["migrate", "--local", "--all"]);
    assert!(!ok, "{out}");
    assert!(
        out.contains("1 row(s) of `items` violate CHECK (qty >= 0)"),
        "{out}"
    );
    let line = |name: &str| row_of(&out, name);
    assert!(line("DB").contains(&second), "{out}");
    assert!(
        line("DB2").contains(&first) && line("DB2").contains("FAILED"),
        "{out}"
    );
    assert!(
        line("DB3").contains(&first) && line("DB3").contains("not attempted"),
        "{out}"
    );

    // Going on: DB3 migrated too; DB2 still untouched (its row, its old table).
    let (ok, out) = run(dir, &w, &["migrate", "--local", "--all", "--keep-going"]);
    assert!(!ok, "{out}");
    let line = |name: &str| row_of(&out, name);
    assert!(line("DB").contains("up to date"), "{out}");
    assert!(
        line("DB2").contains("FAILED") && line("DB2").contains(&first),
        "{out}"
    );
    assert!(
        line("DB3").contains(&second) && line("DB3").contains("applied 1"),
        "{out}"
    );
    assert!(out.contains("1 of 3 database(s) not migrated"), "{out}");
    assert!(d1_local(dir, "DB2", "SELECT qty FROM items") == serde_json::json!([{"qty": -1}]));
    assert!(
        d1_local(dir, "DB", "SELECT qty FROM items") == serde_json::json!([{"qty": 5}]),
        "DB kept its row"
    );

    let (ok, out) = run(dir, &w, &["status", "--all"]);
    assert!(ok, "{out}");
    let db2 = out.split("DB2, local").nth(1).unwrap();
    assert!(db2.contains(&format!("pending {second}")), "{out}");

    // A binding `databases` names must exist in the wrangler config.
    std::fs::write(
        dir.join("schema/mizzle.toml"),
        "databases = [\"DB\", \"DB4\"]\n",
    )
    .unwrap();
    let (ok, out) = run(dir, &w, &["migrate", "--local", "--all"]);
    assert!(!ok && out.contains("no D1 binding named `DB4`"), "{out}");
}

/// A stand-in for wrangler's remote commands: logs each call; answers `time-travel info`
/// as wrangler 4.86 does (or fails, with TT_FAIL), the ledger query with an empty ledger,
/// and `migrations apply` with success.
fn fake_wrangler(dir: &Path) -> std::path::PathBuf {
    let script = dir.join("fake-wrangler.sh");
    std::fs::write(
        &script,
        r#"#!/bin/sh
echo "$*" >> "$(dirname "$0")/calls.log"
case "$*" in
  *"time-travel info"*)
    if [ -n "$TT_FAIL" ]; then echo "✘ [ERROR] A request to the Cloudflare API failed. Authentication error [code: 10000]" >&2; exit 1; fi
    printf '{\n  "bookmark": "00000085-0000024c-00004c6d-8e61117bf38d7adb71b934ebbf891683"\n}\n' ;;
  *"d1_migrations"*) printf '[\n  {\n    "results": [],\n    "success": true,\n    "meta": {}\n  }\n]\n' ;;
  *"migrations apply"*) echo "applied" ;;
  *"--remote --json --command SELECT EXISTS"*) printf '[{"results":[{"0":0}],"success":true}]\n' ;;
  *"execute DB --remote --file"*) echo "executed" ;;
  *) echo "unexpected: $*" >&2; exit 1 ;;
esac
"#,
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    script
}

#[test]
fn a_remote_migration_records_a_restore_point_first() {
    let p = project(V1);
    let dir = p.path();
    let w = fake_wrangler(dir);
    let calls = || std::fs::read_to_string(dir.join("calls.log")).unwrap_or_default();

    // A dry run runs nothing, and says all of it.
    let (ok, out) = run(dir, &w, &["migrate", "--remote", "--dry-run"]);
    assert!(ok, "{out}");
    assert_eq!(calls(), "", "a dry run calls nothing remote");
    assert!(
        out.contains("would record a restore point first")
            && out.contains("d1 time-travel info DB --json")
            && out.contains("d1 time-travel restore DB --bookmark=<bookmark>")
            && out.contains("would run:")
            && out.contains("d1 migrations apply DB --remote"),
        "{out}"
    );

    // No bookmark, no migration (unless --no-restore-point).
    let out = Command::new(env!("CARGO_BIN_EXE_mizzle"))
        .arg("--project")
        .arg(dir)
        .args(["migrate", "--remote"])
        .env("MIZZLE_WRANGLER", &w)
        .env("TT_FAIL", "1")
        .output()
        .unwrap();
    let text = output_text(&out);
    assert!(!out.status.success(), "{text}");
    assert!(
        text.contains("not applied: no Time Travel bookmark")
            && text.contains("--no-restore-point"),
        "{text}"
    );
    assert!(!calls().contains("migrations apply"), "{}", calls());
    assert!(!dir.join(".mizzle/restore-points.jsonl").exists());

    let (ok, out) = run(dir, &w, &["migrate", "--remote"]);
    assert!(ok, "{out}");
    let bookmark = "00000085-0000024c-00004c6d-8e61117bf38d7adb71b934ebbf891683";
    let restore = format!("d1 time-travel restore DB --bookmark={bookmark}");
    assert!(out.contains(&restore), "the command to go back: {out}");
    let log = calls();
    let info_at = log.rfind("time-travel info DB --json").unwrap();
    let apply_at = log.rfind("migrations apply DB --remote").unwrap();
    assert!(
        info_at < apply_at,
        "the bookmark is taken before the apply: {log}"
    );
    let line: serde_json::Value = serde_json::from_str(
        std::fs::read_to_string(dir.join(".mizzle/restore-points.jsonl"))
            .unwrap()
            .lines()
            .last()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(line["database"], "DB");
    assert_eq!(line["bookmark"], bookmark);
    assert!(
        line["files"][0].as_str().unwrap().starts_with("0001_"),
        "{line}"
    );
    assert!(
        line["restore"].as_str().unwrap().ends_with(&restore),
        "{line}"
    );
    assert!(line["at"].as_str().unwrap().ends_with('Z'), "{line}");

    let (ok, out) = run(dir, &w, &["migrate", "--remote", "--no-restore-point"]);
    assert!(ok, "{out}");
    assert!(out.contains("no restore point"), "{out}");
}

#[test]
fn bookmarks_are_read_from_wranglers_output() {
    // The unit under the command: tolerant of wrangler's banner lines before the JSON.
    let cases = [
        (
            "{\n  \"bookmark\": \"00000085-0000024c-00004c6d-8e61117bf38d7adb71b934ebbf891683\"\n}\n",
            true,
        ),
        (
            "\n ⛅️ wrangler 4.86.0\n{\"bookmark\": \"0000000a-00000001-00004c6d-abc\"}",
            true,
        ),
        ("{\"bookmark\": \"\"}", false),
        ("{\"bookmark\": \"x; rm -rf /\"}", false),
        ("not json", false),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (text, good) in cases {
        // Through the command: a stand-in that prints `text`.
        let script = dir.path().join("w.sh");
        std::fs::write(&script, format!("#!/bin/sh\ncase \"$*\" in *\"time-travel\"*) cat <<'EOF'\n{text}\nEOF\n;; *d1_migrations*) echo '[{{\"results\":[]}}]';; *) exit 0;; esac\n")).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        let p = project(V1);
        let (ok, out) = run(p.path(), &script, &["migrate", "--remote"]);
        assert_eq!(ok, good, "{text:?}: {out}");
    }
}

#[test]
fn a_remote_seed_needs_the_binding_typed_and_goes_through_one_file() {
    let p = project(V1);
    let dir = p.path();
    let w = fake_wrangler(dir);
    let calls = || std::fs::read_to_string(dir.join("calls.log")).unwrap_or_default();
    let (ok, out) = run(dir, &w, &["seed", "--remote", "--confirm", "DB2"]);
    assert!(
        !ok && out.contains("does not name this project's database `DB`"),
        "{out}"
    );
    assert_eq!(calls(), "", "nothing ran");
    let (ok, out) = run(
        dir,
        &w,
        &["seed", "--remote", "--confirm", "DB", "--seed", "3"],
    );
    assert!(ok, "{out}");
    let log = calls();
    assert!(log.contains("d1 execute DB --remote --file"), "{log}");
    assert!(out.contains("seeded the remote D1 `DB`: 20 rows"), "{out}");
}
