//! `mizzle dev`: build, bring the local D1 up to date, serve with `wrangler dev`, and, while
//! it serves, rebuild on every change under `schema/`, `src/`, `Cargo.toml` or `build.rs`.
//!
//! A round: the migrations are written first, in-process (a schema error is shown before
//! any compiling, and the new migration reaches the local D1 before the Worker that needs
//! it), applied to the local D1 with wrangler (which prints them), recorded as shipped (so
//! the next edit writes a new file instead of rewriting one the database has applied), and
//! then the Worker is built. wrangler notices the new build and serves it. A round that
//! fails says so once, and the Worker of the last good round keeps serving.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::{procs, toolchain};

/// What `mizzle dev` was asked to do.
pub struct Options {
    /// The port `wrangler dev` serves on.
    pub port: u16,
    /// Serve (else build and migrate only).
    pub serve: bool,
    /// Rebuild on changes while serving.
    pub watch: bool,
}

fn say(msg: impl AsRef<str>) {
    eprintln!("[mizzle] {}", msg.as_ref());
}

/// Runs `mizzle dev` in `root` until Ctrl-C (or wrangler stops).
pub fn run(root: &Path, opts: Options) -> Result<(), String> {
    procs::stop_children_with_mizzle()?;
    // wrangler (which applies the migrations) before the first round.
    toolchain::setup(root)?;
    let mut applied = BTreeSet::new();
    let p = round(root, true, &mut applied)?;
    if !opts.serve {
        return Ok(());
    }
    let dev = dev_config(&p)?;
    say(format!(
        "serving on http://127.0.0.1:{} (wrangler dev){}",
        opts.port,
        if opts.watch {
            "; rebuilding on changes to schema/, src/, Cargo.toml and build.rs (Ctrl-C stops)"
        } else {
            ""
        }
    ));
    let wrangler = crate::wrangler_bin(&p.root);
    let mut server = procs::spawn(
        crate::wrangler_command(&wrangler, &p.root)
            .args(["dev", "--ip", "127.0.0.1", "--port", &opts.port.to_string()])
            .arg("--config")
            .arg(&dev),
    )
    .map_err(|e| format!("cannot run wrangler: {e}"))?;
    let (tx, rx) = mpsc::channel::<Vec<PathBuf>>();
    let _watcher = if opts.watch {
        Some(watch(root, tx)?)
    } else {
        None
    };
    let base = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    loop {
        while procs::stopping() {
            std::thread::sleep(Duration::from_secs(1));
        }
        if let Some(status) = server.try_wait().map_err(|e| e.to_string())? {
            return if status.success() {
                Ok(())
            } else {
                Err(format!("wrangler dev exited ({status})"))
            };
        }
        let Ok(mut changed) = rx.recv_timeout(Duration::from_millis(300)) else {
            continue;
        };
        // Editors save in bursts (a temporary file, a rename, the file): one round for all.
        while let Ok(more) = rx.recv_timeout(Duration::from_millis(250)) {
            changed.extend(more);
        }
        changed.sort();
        changed.dedup();
        let shown: Vec<String> = changed
            .iter()
            .map(|p| p.strip_prefix(&base).unwrap_or(p).display().to_string())
            .collect();
        say(format!("{} changed: rebuilding", shown.join(", ")));
        let started = Instant::now();
        match round(root, false, &mut applied) {
            _ if procs::stopping() => continue,
            Ok(_) => say(format!(
                "rebuilt in {:.1} s; wrangler is reloading the Worker",
                started.elapsed().as_secs_f64()
            )),
            Err(e) => say(format!(
                "the rebuild failed ({e}; the error is above), so the last good Worker keeps serving: save a fix to rebuild"
            )),
        }
    }
}

/// One round: migrations written, applied to the local D1 and recorded, then the Worker
/// built. The first round (`initial`) asks wrangler to apply whatever is pending; later
/// ones, any file not in `applied` (the files applied so far, a failed round's included).
fn round(
    root: &Path,
    initial: bool,
    applied: &mut BTreeSet<String>,
) -> Result<crate::Project, String> {
    let written = write_migrations(root)?;
    if let Some(file) = &written {
        say(format!(
            "wrote {}",
            file.strip_prefix(root).unwrap_or(file).display()
        ));
    }
    let p = crate::load(root)?;
    let pending = p.migrations.iter().any(|m| !applied.contains(&m.file_name));
    if initial || pending {
        if p.d1 {
            apply_local(&p, &dev_config(&p)?)?;
        } else if initial {
            say("the schema lives in Durable Objects: each applies its migrations on first touch");
        }
        applied.extend(p.migrations.iter().map(|m| m.file_name.clone()));
    }
    // What the local database (or a Durable Object started from this build) has applied
    // must not be rewritten as a draft by the next edit.
    let names: Vec<&str> = p.migrations.iter().map(|m| m.file_name.as_str()).collect();
    mizzle_build::migrate::record_published(&p.root, &names)
        .map_err(|e| format!("cannot record the migrations applied: {e}"))?;
    // `wasm-opt` is for what ships: `mizzle build` runs it, a dev round does not wait for it.
    toolchain::build_with(root, false)?;
    Ok(p)
}

/// The wrangler config `wrangler dev` and the local migrations run with (written next to
/// the project's own: see `toolchain::dev_config`).
fn dev_config(p: &crate::Project) -> Result<PathBuf, String> {
    let config = p
        .config_file
        .as_deref()
        .ok_or("no wrangler.jsonc (or wrangler.json / wrangler.toml) next to Cargo.toml")?;
    toolchain::dev_config(&p.root, config)
}

/// `wrangler d1 migrations apply --local`, shown. The served Worker may hold the local
/// database at that moment (SQLite's `database is locked`): tried again, five times at
/// most, before the round fails.
fn apply_local(p: &crate::Project, dev: &Path) -> Result<(), String> {
    say("applying pending migrations to the local D1");
    for attempt in 1..=5u64 {
        let out = procs::output(
            crate::wrangler_command(&crate::wrangler_bin(&p.root), &p.root)
                .args([
                    "d1",
                    "migrations",
                    "apply",
                    &p.binding,
                    "--local",
                    "--config",
                ])
                .arg(dev)
                .env("CI", "true"),
        )
        .map_err(|e| format!("cannot run wrangler: {e}"))?;
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        if out.status.success() {
            eprint!("{}", String::from_utf8_lossy(&out.stdout));
            return Ok(());
        }
        if attempt < 5 && (text.contains("SQLITE_BUSY") || text.contains("database is locked")) {
            say("the local D1 is busy (the served Worker is using it): trying again");
            std::thread::sleep(Duration::from_millis(300 * attempt));
            continue;
        }
        eprint!("{text}");
        break;
    }
    Err("wrangler d1 migrations apply --local failed".into())
}

/// Brings `migrations/` up to date with the schema, as the build script would: the file
/// written, if any. Check mode only when `MIZZLE_CHECK` asks for it (a dev server is never
/// CI).
fn write_migrations(root: &Path) -> Result<Option<PathBuf>, String> {
    let out = root.join("target/mizzle-dev");
    std::fs::create_dir_all(&out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    let check = std::env::var("MIZZLE_CHECK")
        .is_ok_and(|v| !matches!(v.trim(), "" | "0" | "false" | "no" | "off"));
    let outcome = mizzle_build::Config::new()
        .manifest_dir(root)
        .out_dir(&out)
        .cargo_directives(false)
        .check(check)
        .compile()
        .map_err(|r| r.to_string())?;
    Ok(outcome.written)
}

/// Whether a changed path starts a round: sources and manifests, not editors' scratch
/// files.
fn wanted(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    let name = rel
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if name.starts_with('.') || name.ends_with('~') {
        return false;
    }
    let top = rel.components().next().map(|c| c.as_os_str());
    match top.and_then(|t| t.to_str()) {
        Some("schema") => name.ends_with(".toml"),
        Some("src") => name.ends_with(".rs"),
        _ => rel == Path::new("Cargo.toml") || rel == Path::new("build.rs"),
    }
}

/// Watches the project, sending each batch of wanted changes.
fn watch(
    root: &Path,
    tx: mpsc::Sender<Vec<PathBuf>>,
) -> Result<notify::RecommendedWatcher, String> {
    use notify::{EventKind, RecursiveMode, Watcher};
    let base = root
        .canonicalize()
        .map_err(|e| format!("cannot read {}: {e}", root.display()))?;
    let filter_root = base.clone();
    let mut watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
        let Ok(event) = res else { return };
        if !matches!(
            event.kind,
            EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_)
        ) {
            return;
        }
        let paths: Vec<PathBuf> = event
            .paths
            .into_iter()
            .filter(|p| wanted(&filter_root, p))
            .collect();
        if !paths.is_empty() {
            let _ = tx.send(paths);
        }
    })
    .map_err(|e| format!("cannot watch the project: {e}"))?;
    for dir in ["schema", "src"] {
        let d = base.join(dir);
        if d.is_dir() {
            watcher
                .watch(&d, RecursiveMode::Recursive)
                .map_err(|e| format!("cannot watch {}: {e}", d.display()))?;
        }
    }
    watcher
        .watch(&base, RecursiveMode::NonRecursive)
        .map_err(|e| format!("cannot watch {}: {e}", base.display()))?;
    Ok(watcher)
}

#[cfg(test)]
mod tests {
    use super::wanted;
    use std::path::Path;

    #[test]
    fn sources_and_manifests_start_a_round_scratch_files_do_not() {
        let root = Path::new("/p");
        for yes in [
            "/p/schema/users.toml",
            "/p/src/lib.rs",
            "/p/src/routes/api.rs",
            "/p/Cargo.toml",
            "/p/build.rs",
        ] {
            assert!(wanted(root, Path::new(yes)), "{yes}");
        }
        for no in [
            "/p/src/.lib.rs.swp",
            "/p/src/lib.rs~",
            "/p/schema/4913",
            "/p/migrations/0002_x.sql",
            "/p/build/index.js",
            "/p/target/debug/x",
            "/p/Cargo.lock",
            "/q/src/lib.rs",
        ] {
            assert!(!wanted(root, Path::new(no)), "{no}");
        }
    }
}
