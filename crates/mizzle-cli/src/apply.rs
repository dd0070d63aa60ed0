//! `mizzle migrate` and `mizzle status` against D1, one database or all of them
//! (`databases` in schema/mizzle.toml): pending files found in each database's own ledger,
//! rows a pending CHECK or NOT NULL column would reject counted first (so wrangler's apply
//! does not fail half-way), and, before a remote apply, a Time Travel restore point
//! recorded in `.mizzle/restore-points.jsonl` with the command that goes back to it.

use std::io::Write;

use mizzle_build::migrate;

use crate::{Project, d1_json, wrangler_bin, wrangler_command};

/// Where the restore points are logged, relative to the project.
pub const RESTORE_LOG: &str = ".mizzle/restore-points.jsonl";

/// How one `migrate` runs.
pub struct Opts {
    /// `--local` or `--remote`.
    pub where_: &'static str,
    pub dry_run: bool,
    /// Record a Time Travel bookmark before a remote apply.
    pub restore_point: bool,
}

/// What happened to one database.
pub enum Outcome {
    /// Nothing was pending.
    UpToDate,
    /// The pending files were applied.
    Applied(usize),
    /// A dry run: what would be applied.
    WouldApply(usize),
}

/// The files `binding`'s ledger lists, or `None` when it has none yet (a new database).
fn applied(p: &Project, binding: &str, where_: &str) -> Result<Option<Vec<String>>, String> {
    let wrangler = wrangler_bin(&p.root);
    match d1_json(
        &wrangler,
        p,
        binding,
        where_,
        "SELECT name FROM d1_migrations ORDER BY id",
    ) {
        Ok(rows) => Ok(Some(
            rows.iter()
                .filter_map(|r| r["name"].as_str().map(str::to_owned))
                .collect(),
        )),
        Err(e) if e.contains("no such table") => Ok(None),
        Err(e) => Err(e),
    }
}

/// The bindings `--all` means: `databases` in schema/mizzle.toml, else the one binding.
pub fn all_bindings(p: &Project) -> Vec<String> {
    if p.databases.is_empty() {
        vec![p.binding.clone()]
    } else {
        p.databases.clone()
    }
}

/// Applies the pending migrations to one database.
pub fn migrate_one(p: &Project, binding: &str, opts: &Opts) -> Result<Outcome, String> {
    let where_ = opts.where_;
    let wrangler = wrangler_bin(&p.root);
    let remote_dry = opts.dry_run && where_ == "--remote";
    // A dry run against the remote runs nothing there, not even a read.
    let done = if remote_dry {
        None
    } else {
        applied(p, binding, where_)?
    };
    let done_list = done.clone().unwrap_or_default();
    let pending: Vec<&migrate::Migration> = p
        .migrations
        .iter()
        .filter(|m| !done_list.contains(&m.file_name))
        .collect();
    if remote_dry {
        println!(
            "wrangler would apply those of these the remote D1 `{binding}` has not applied yet:"
        );
    } else {
        let place = where_.trim_start_matches('-');
        println!("{} pending on the {place} D1 `{binding}`:", pending.len());
    }
    for m in &pending {
        println!("  {}", m.file_name);
    }
    if pending.is_empty() {
        println!("nothing to apply");
        return Ok(Outcome::UpToDate);
    }
    let from = p
        .migrations
        .iter()
        .position(|m| !done_list.contains(&m.file_name))
        .unwrap_or(p.migrations.len());
    if remote_dry {
        println!(
            "would first count, in the remote database, the rows a pending CHECK or NOT NULL column would reject"
        );
    } else {
        precheck(p, binding, where_, from)?;
    }
    let shown = format!(
        "{} d1 migrations apply {binding} {where_}",
        wrangler.join(" ")
    );
    if where_ == "--remote" && opts.restore_point {
        let files: Vec<&str> = pending.iter().map(|m| m.file_name.as_str()).collect();
        restore_point(p, binding, &files, opts.dry_run)?;
    } else if where_ == "--remote" {
        println!(
            "no restore point (--no-restore-point): Time Travel can still restore by timestamp"
        );
    }
    if opts.dry_run {
        println!("would run: {shown}");
        return Ok(Outcome::WouldApply(pending.len()));
    }
    // Recorded before wrangler runs: a file it may have applied is never a draft again.
    let names: Vec<&str> = p.migrations.iter().map(|m| m.file_name.as_str()).collect();
    migrate::record_published(&p.root, &names).map_err(|e| {
        format!(
            "cannot record the migrations sent ({}): {e}",
            migrate::PUBLISHED
        )
    })?;
    println!("running: {shown}");
    let mut cmd = wrangler_command(&wrangler, &p.root);
    cmd.args(["d1", "migrations", "apply", binding, where_]);
    if where_ == "--local" {
        // Local state needs no confirmation.
        cmd.env("CI", "true");
    }
    let status = cmd
        .status()
        .map_err(|e| format!("cannot run wrangler ({shown}): {e}"))?;
    if status.success() {
        Ok(Outcome::Applied(pending.len()))
    } else {
        Err(format!("wrangler failed: {shown}"))
    }
}

/// Counts, in the target database, the rows the pending files (from `from` on) would
/// reject: a CHECK they add, a NOT NULL column without a default on a table with rows.
fn precheck(p: &Project, binding: &str, where_: &str, from: usize) -> Result<(), String> {
    let wrangler = wrangler_bin(&p.root);
    let added = migrate::added_checks(&p.migrations, from, "migrations")
        .map_err(|d| format!("error: {}", d.message))?;
    let mut violations = Vec::new();
    for check in &added {
        match d1_json(&wrangler, p, binding, where_, &check.count_sql()) {
            Ok(rows) => {
                let n = rows.first().and_then(|r| r["n"].as_i64()).unwrap_or(0);
                if n > 0 {
                    violations.push(format!(
                        "  {n} row(s) of `{}` violate CHECK ({}), added by {}\n    find them: SELECT * FROM \"{}\" WHERE NOT ({});",
                        check.table, check.expr, check.file, check.table, check.expr
                    ));
                }
            }
            Err(e) => println!(
                "could not count the rows of `{}` that CHECK ({}) rejects: {e}",
                check.table, check.expr
            ),
        }
    }
    let required = migrate::added_required_columns(&p.migrations, from, "migrations")
        .map_err(|d| format!("error: {}", d.message))?;
    for add in &required {
        match d1_json(&wrangler, p, binding, where_, &add.count_sql()) {
            Ok(rows) => {
                let n = rows.first().and_then(|r| r["n"].as_i64()).unwrap_or(0);
                if n > 0 {
                    violations.push(format!(
                        "  `{}` has {n} row(s), and {} adds the NOT NULL column `{}` without a default, which applies only to an empty table\n    \
                         fix it in schema/: give `{}` a `default`, or make it nullable and backfill it (then make it NOT NULL in a later migration)",
                        add.table, add.file, add.column, add.column
                    ));
                }
            }
            Err(e) => println!(
                "could not count the rows of `{}` (a new NOT NULL column `{}` needs it empty): {e}",
                add.table, add.column
            ),
        }
    }
    if !violations.is_empty() {
        return Err(format!(
            "not applied: the {where_} database `{binding}` has rows the pending migrations would reject, so \
             `wrangler d1 migrations apply` would fail (and roll back):\n{}\n\
             fix or delete those rows (or widen the check in schema/), then run this again",
            violations.join("\n")
        ));
    }
    if !added.is_empty() {
        println!(
            "checked {} added CHECK constraint(s) against the {where_} database: no row violates them",
            added.len()
        );
    }
    for add in &required {
        println!(
            "checked `{}`: empty, so its new NOT NULL column `{}` can be added",
            add.table, add.column
        );
    }
    Ok(())
}

/// The bookmark in `wrangler d1 time-travel info <db> --json`'s output. Wrangler 4.86
/// (src/d1/timeTravel/info.ts) prints the API's result as `JSON.stringify(result, null, 2)`:
/// `{ "bookmark": "00000085-0000024c-00004c6d-8e61117bf38d7adb71b934ebbf891683" }`.
pub fn bookmark_of(output: &str) -> Option<String> {
    let start = output.find('{')?;
    let v: serde_json::Value = serde_json::from_str(output[start..].trim()).ok()?;
    let b = v["bookmark"].as_str()?;
    (!b.is_empty() && b.chars().all(|c| c.is_ascii_hexdigit() || c == '-')).then(|| b.to_owned())
}

/// The command that restores `binding` to `bookmark`.
pub fn restore_command(wrangler: &[String], binding: &str, bookmark: &str) -> String {
    format!(
        "{} d1 time-travel restore {binding} --bookmark={bookmark}",
        wrangler.join(" ")
    )
}

/// Before a remote apply: the database's current Time Travel bookmark, logged with the
/// files about to be applied, and the command that goes back. Stops (nothing applied)
/// when no bookmark can be had.
fn restore_point(p: &Project, binding: &str, files: &[&str], dry_run: bool) -> Result<(), String> {
    let wrangler = wrangler_bin(&p.root);
    let info = format!(
        "{} d1 time-travel info {binding} --json",
        wrangler.join(" ")
    );
    if dry_run {
        println!("would record a restore point first: {info}");
        println!(
            "  (logged to {RESTORE_LOG} with the files above; it prints the command to go back: {})",
            restore_command(&wrangler, binding, "<bookmark>")
        );
        return Ok(());
    }
    let out = wrangler_command(&wrangler, &p.root)
        .args(["d1", "time-travel", "info", binding, "--json"])
        .output()
        .map_err(|e| format!("error: cannot run wrangler ({info}): {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    let Some(bookmark) = out.status.success().then(|| bookmark_of(&text)).flatten() else {
        return Err(format!(
            "not applied: no Time Travel bookmark for `{binding}` ({info} said: {}{})\n\
             a restore point is taken before every remote migration; to apply without one, run again with --no-restore-point",
            text.trim(),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    };
    let restore = restore_command(&wrangler, binding, &bookmark);
    let line = serde_json::json!({
        "at": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "database": binding,
        "bookmark": bookmark,
        "files": files,
        "restore": restore,
    });
    let log = p.root.join(RESTORE_LOG);
    if let Some(dir) = log.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("error: {}: {e}", dir.display()))?;
    }
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&log)
        .map_err(|e| format!("error: cannot write {}: {e}", log.display()))?;
    writeln!(f, "{line}").map_err(|e| format!("error: cannot write {}: {e}", log.display()))?;
    println!("restore point: {bookmark} (logged to {RESTORE_LOG})");
    println!("to undo this migration, restore the database to before it:\n  {restore}");
    Ok(())
}

/// `mizzle migrate [--all]`: one database, or each of them in order with a line of
/// progress, then a table of where each is. `keep_going`: go on after a failure.
pub fn migrate(p: &Project, all: bool, keep_going: bool, opts: &Opts) -> Result<(), String> {
    if !all {
        return migrate_one(p, &p.binding, opts).map(drop);
    }
    let bindings = all_bindings(p);
    let mut results: Vec<(String, Result<String, String>)> = Vec::new();
    let mut stopped = false;
    for (i, b) in bindings.iter().enumerate() {
        if stopped {
            results.push((
                b.clone(),
                Err("not attempted (an earlier database failed; --keep-going goes on)".into()),
            ));
            continue;
        }
        println!("\n[{}/{}] {b} ({})", i + 1, bindings.len(), opts.where_);
        let r = migrate_one(p, b, opts).map(|o| match o {
            Outcome::UpToDate => "up to date".to_owned(),
            Outcome::Applied(n) => format!("applied {n}"),
            Outcome::WouldApply(n) => format!("would apply {n}"),
        });
        if let Err(e) = &r {
            eprintln!("{e}");
            stopped = !keep_going;
        }
        results.push((b.clone(), r));
    }
    println!("\n{:<16} {:<28} result", "database", "at migration");
    let mut failed = 0;
    for (b, r) in &results {
        let at = if opts.dry_run && opts.where_ == "--remote" {
            "(not read: dry run)".to_owned()
        } else {
            applied(p, b, opts.where_)
                .ok()
                .flatten()
                .and_then(|a| a.last().cloned())
                .unwrap_or_else(|| "none".into())
        };
        let result = match r {
            Ok(s) => s.clone(),
            Err(e) => {
                failed += 1;
                format!("FAILED: {}", e.lines().next().unwrap_or(""))
            }
        };
        println!("{b:<16} {at:<28} {result}");
    }
    if failed > 0 {
        Err(format!(
            "{failed} of {} database(s) not migrated",
            results.len()
        ))
    } else {
        Ok(())
    }
}

/// `mizzle status [--all]`: each database's applied and pending files (local, read from
/// its ledger through wrangler).
pub fn status(p: &Project, all: bool) -> Result<(), String> {
    let bindings = if all {
        all_bindings(p)
    } else {
        vec![p.binding.clone()]
    };
    println!(
        "{} ({})",
        if all { "D1 databases" } else { "D1 binding" },
        p.config_file.as_deref().unwrap_or("no wrangler config")
    );
    for b in &bindings {
        let done = if all || p.databases.len() > 1 {
            applied(p, b, "--local")?.unwrap_or_default()
        } else {
            migrate::applied_locally(&p.root)
        };
        println!("{b}, local (.wrangler/state):");
        let mut pending = 0;
        for m in &p.migrations {
            let ok = done.contains(&m.file_name);
            pending += usize::from(!ok);
            println!(
                "  {} {}",
                if ok { "applied" } else { "pending" },
                m.file_name
            );
        }
        println!(
            "{} applied, {pending} pending locally",
            p.migrations.len() - pending
        );
    }
    println!(
        "remote: run `mizzle migrate --remote --dry-run` to see the command, or `wrangler d1 migrations list {} --remote`",
        p.binding
    );
    Ok(())
}
