//! `mizzle setup`, `mizzle build`, `mizzle dev`: the toolchain a Rust Worker needs,
//! installed from crates.io and npm only, and the build → migrate → serve loop.
//!
//! - the `wasm32-unknown-unknown` target (rustup);
//! - `worker-build`, and `wasm-bindgen-cli` at exactly the `wasm-bindgen` version in the
//!   project's Cargo.lock (`cargo install --locked`, retried without `--locked` when the
//!   tool's own lockfile pins a yanked crate), into a tools directory;
//! - wrangler from the project's package.json (npm), into `node_modules/`.
//!
//! `worker-build` is given that wasm-bindgen and `--no-opt`, so it downloads nothing from
//! outside the package registries.

use std::path::{Path, PathBuf};
use std::process::Command;

/// worker-build's version (it must understand the `worker` crate's output).
pub const WORKER_BUILD_VERSION: &str = "0.8.7";

fn say(msg: impl AsRef<str>) {
    eprintln!("[mizzle] {}", msg.as_ref());
}

fn run(cmd: &mut Command, what: &str) -> Result<(), String> {
    let status = crate::procs::status(cmd).map_err(|e| format!("cannot run {what}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{what} failed ({status})"))
    }
}

/// Where the tools go, once per machine and user: `MIZZLE_TOOLS_DIR`, else the user's
/// cache (`$XDG_CACHE_HOME/mizzle/tools`, `~/.cache/mizzle/tools`; `~/Library/Caches` on
/// macOS), else `<target dir>/mizzle-tools`. Each tool version has its own folder
/// (`wasm-bindgen-cli-0.2.130/bin/wasm-bindgen`), so projects on different versions share it.
pub fn tools_dir(root: &Path) -> PathBuf {
    if let Some(d) = std::env::var_os("MIZZLE_TOOLS_DIR") {
        return PathBuf::from(d);
    }
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| {
            let home = PathBuf::from(std::env::var_os("HOME")?);
            Some(if cfg!(target_os = "macos") {
                home.join("Library/Caches")
            } else {
                home.join(".cache")
            })
        });
    match cache {
        Some(c) => c.join("mizzle/tools"),
        None => std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| root.join("target"))
            .join("mizzle-tools"),
    }
}

/// The installed tools a build uses.
pub struct Tools {
    /// `worker-build`.
    pub worker_build: PathBuf,
    /// `wasm-bindgen`, at the project's version.
    pub wasm_bindgen: PathBuf,
}

/// The `wasm-bindgen` version in `root`'s Cargo.lock (made first if missing).
pub fn wasm_bindgen_version(root: &Path) -> Result<String, String> {
    let lock = root.join("Cargo.lock");
    if !lock.is_file() {
        say("writing Cargo.lock (cargo generate-lockfile)");
        run(
            Command::new("cargo")
                .arg("generate-lockfile")
                .current_dir(root),
            "cargo generate-lockfile",
        )?;
    }
    let text =
        std::fs::read_to_string(&lock).map_err(|e| format!("cannot read Cargo.lock: {e}"))?;
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "name = \"wasm-bindgen\""
            && let Some(v) = lines
                .next()
                .and_then(|l| l.trim().strip_prefix("version = \""))
                .and_then(|v| v.strip_suffix('"'))
        {
            return Ok(v.to_owned());
        }
    }
    Err("Cargo.lock has no wasm-bindgen: does Cargo.toml depend on `worker` for wasm32?".into())
}

fn installed(bin: &Path, version: &str) -> bool {
    Command::new(bin)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success() && String::from_utf8_lossy(&o.stdout).contains(version))
}

/// Makes `tools/<name>` once per machine: `ready(dir)` says whether a folder holds it
/// complete; `make(scratch)` installs into a scratch folder. Two projects installing at once
/// do not collide: the tools folder's lock is held while making, the scratch folder is
/// renamed into place whole (a tool is there complete or not at all), and whoever waited
/// for the lock finds it made.
fn install_once(
    tools: &Path,
    name: &str,
    ready: impl Fn(&Path) -> bool,
    make: impl FnOnce(&Path) -> Result<(), String>,
) -> Result<PathBuf, String> {
    let dir = tools.join(name);
    if ready(&dir) {
        return Ok(dir);
    }
    std::fs::create_dir_all(tools)
        .map_err(|e| format!("cannot create {}: {e}", tools.display()))?;
    let _lock = mizzle_build::migrate::DirLock::acquire(tools)
        .map_err(|e| format!("cannot lock {}: {e}", tools.display()))?;
    if ready(&dir) {
        return Ok(dir);
    }
    let scratch = tools.join(format!(".{name}.{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch)
        .map_err(|e| format!("cannot create {}: {e}", scratch.display()))?;
    if let Err(e) = make(&scratch) {
        let _ = std::fs::remove_dir_all(&scratch);
        return Err(e);
    }
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::rename(&scratch, &dir)
        .map_err(|e| format!("cannot move {} into place: {e}", dir.display()))?;
    Ok(dir)
}

/// Runs `cmd` with its progress shown as it comes, but its `error:` lines (and what follows
/// them) held back: whether it succeeded, and what was held back.
fn run_holding_errors(cmd: &mut Command) -> Result<(bool, String), String> {
    use std::io::BufRead;
    cmd.stderr(std::process::Stdio::piped());
    let mut child = crate::procs::spawn(cmd).map_err(|e| format!("cannot run cargo: {e}"))?;
    let mut held = String::new();
    if let Some(err) = child.stderr.take() {
        let mut holding = false;
        for line in std::io::BufReader::new(err).lines().map_while(Result::ok) {
            holding |= line.starts_with("error");
            if holding {
                held.push_str(&line);
                held.push('\n');
            } else {
                eprintln!("{line}");
            }
        }
    }
    let status = crate::procs::wait(&mut child).map_err(|e| format!("cargo: {e}"))?;
    Ok((status.success(), held))
}

/// `name` `version`'s binary `bin` in the tools folder, installed first if missing
/// (`cargo install`, once per machine).
fn install_crate(tools: &Path, name: &str, version: &str, bin: &str) -> Result<PathBuf, String> {
    // The layout before per-version folders (one `bin/` for all): still good if it holds
    // this version.
    let flat = tools.join("bin").join(bin);
    if installed(&flat, version) {
        return Ok(flat);
    }
    let dir = install_once(
        tools,
        &format!("{name}-{version}"),
        |d| installed(&d.join("bin").join(bin), version),
        |scratch| {
            say(format!(
                "installing {name} {version} into {} (once per machine; a few minutes)",
                tools.display()
            ));
            let install = |locked: bool| {
                let mut c = Command::new("cargo");
                c.args(["install", name, "--version", version, "--root"])
                    .arg(scratch);
                if locked {
                    c.arg("--locked");
                }
                c
            };
            // --locked reproduces the tool's own lockfile; when that pins a crate the
            // registry no longer serves (wasm-bindgen-cli 0.2.130 pins a yanked one),
            // resolve afresh. The locked attempt's output is kept back: its `error:` is
            // expected then, and shown only if the second attempt fails too.
            let (locked_ok, held_back) = run_holding_errors(&mut install(true))?;
            if locked_ok {
                return Ok(());
            }
            say(format!(
                "{name} {version}'s own lockfile cannot be used as it is (it pins a crate the registry no longer serves, which is expected for some versions): installing it again with dependencies resolved afresh"
            ));
            if crate::procs::status(&mut install(false)).is_ok_and(|s| s.success()) {
                Ok(())
            } else {
                eprint!("{held_back}");
                Err(format!(
                    "cargo install {name} --version {version} failed (with and without --locked; the --locked attempt's output is above)"
                ))
            }
        },
    )?;
    Ok(dir.join("bin").join(bin))
}

/// Installs what is missing; fast when everything is present.
pub fn setup(root: &Path) -> Result<Tools, String> {
    let targets = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .map_err(|e| format!("cannot run rustup: {e}"))?;
    if !String::from_utf8_lossy(&targets.stdout)
        .lines()
        .any(|l| l.trim() == "wasm32-unknown-unknown")
    {
        say("adding the rust target wasm32-unknown-unknown");
        run(
            Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]),
            "rustup target add wasm32-unknown-unknown",
        )?;
    }
    let tools = tools_dir(root);
    let worker_build = install_crate(&tools, "worker-build", WORKER_BUILD_VERSION, "worker-build")?;
    let wb = wasm_bindgen_version(root)?;
    let wasm_bindgen = install_crate(&tools, "wasm-bindgen-cli", &wb, "wasm-bindgen")?;
    let wrangler = root.join("node_modules/.bin/wrangler");
    let stamp = root.join("node_modules/.mizzle-package-lock");
    let lock = root.join("package-lock.json");
    let current = std::fs::read(&lock).ok();
    if !wrangler.exists() || current.is_none() || std::fs::read(&stamp).ok() != current {
        if lock.is_file() {
            say("installing wrangler (npm ci)");
            run(
                Command::new("npm")
                    .args(["ci", "--no-audit", "--no-fund"])
                    .current_dir(root),
                "npm ci",
            )?;
        } else {
            say("installing wrangler (npm install)");
            run(
                Command::new("npm")
                    .args(["install", "--no-audit", "--no-fund"])
                    .current_dir(root),
                "npm install",
            )?;
        }
        if let Ok(l) = std::fs::read(&lock) {
            let _ = std::fs::write(&stamp, l);
        }
    }
    say(format!(
        "tools ready: worker-build {WORKER_BUILD_VERSION}, wasm-bindgen {wb} (in {}), wrangler from package.json",
        tools.display()
    ));
    Ok(Tools {
        worker_build,
        wasm_bindgen,
    })
}

/// Where the Worker's wasm is compiled: the user's `CARGO_TARGET_DIR` when set; else one
/// target folder per machine (`<cache>/mizzle/target`, or `MIZZLE_SHARED_TARGET=DIR`), so a
/// second project does not compile `worker`, `serde`, `chrono`.. for wasm32 again;
/// `MIZZLE_SHARED_TARGET=0` keeps the project's own `target/`.
pub fn shared_target(root: &Path) -> Option<PathBuf> {
    if std::env::var_os("CARGO_TARGET_DIR").is_some() {
        return None;
    }
    match std::env::var_os("MIZZLE_SHARED_TARGET") {
        Some(v) if v == "0" => None,
        Some(v) if !v.is_empty() => Some(PathBuf::from(v)),
        _ => {
            let tools = tools_dir(root);
            // Next to the per-user tools, unless those are a project's own.
            let cache = tools.parent()?;
            (cache.file_name()? == "mizzle").then(|| cache.join("target"))
        }
    }
}

/// Builds the Worker (`build/worker/shim.mjs`) with the installed tools, its wasm shrunk
/// with `wasm-opt` for shipping.
pub fn build(root: &Path) -> Result<(), String> {
    build_with(root, true)
}

/// Builds the Worker; `optimize`: shrink its wasm with `wasm-opt` (what ships; a dev
/// rebuild skips it).
pub fn build_with(root: &Path, optimize: bool) -> Result<(), String> {
    let tools = setup(root)?;
    // Projects building at once in the shared target take turns for the whole build, so
    // one never bundles a wasm another has just written under the same crate name.
    let shared = shared_target(root);
    let _turn = match &shared {
        Some(dir) => {
            say(format!(
                "compiling in the shared target folder {} (dependencies once per machine; MIZZLE_SHARED_TARGET=0 for the project's own target/)",
                dir.display()
            ));
            Some(
                mizzle_build::migrate::DirLock::acquire(dir)
                    .map_err(|e| format!("cannot lock {}: {e}", dir.display()))?,
            )
        }
        None => None,
    };
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut paths: Vec<PathBuf> = [&tools.wasm_bindgen, &tools.worker_build]
        .iter()
        .filter_map(|b| b.parent().map(Path::to_path_buf))
        .collect();
    paths.extend(std::env::split_paths(&path));
    say("building the Worker (worker-build --release --no-opt)");
    run(
        Command::new(&tools.worker_build)
            .args(["--release", "--no-opt"])
            .env(
                "PATH",
                std::env::join_paths(paths).map_err(|e| e.to_string())?,
            )
            .env("WASM_BINDGEN_BIN", &tools.wasm_bindgen)
            // A failed compile is cargo's message; worker-build's own stack trace after it
            // says nothing more.
            .env("RUST_BACKTRACE", "0")
            .envs(shared.iter().map(|d| ("CARGO_TARGET_DIR", d)))
            .current_dir(root),
        "worker-build",
    )?;
    if optimize {
        optimize_wasm(root)
    } else {
        Ok(())
    }
}

/// binaryen's version on npm, for `wasm-opt`.
pub const BINARYEN_VERSION: &str = "132.0.0";

/// npm's `binaryen` in the tools folder (once per machine, like the cargo tools): its
/// `wasm-opt`.
fn cached_wasm_opt(tools: &Path) -> Result<PathBuf, String> {
    let wasm_opt = |d: &Path| d.join("node_modules/.bin/wasm-opt");
    let dir = install_once(
        tools,
        &format!("binaryen-{BINARYEN_VERSION}"),
        |d| wasm_opt(d).exists(),
        |scratch| {
            say(format!(
                "installing binaryen {BINARYEN_VERSION} (wasm-opt) from npm into {} (once per machine)",
                tools.display()
            ));
            run(
                Command::new("npm")
                    .args(["install", "--no-audit", "--no-fund", "--prefix"])
                    .arg(scratch)
                    .arg(format!("binaryen@{BINARYEN_VERSION}")),
                "npm install binaryen",
            )
        },
    )?;
    Ok(wasm_opt(&dir))
}

/// The `wasm-opt` a build uses: the project's own npm `binaryen` (when its package.json has
/// it), else the tools folder's (installed first if missing).
pub fn wasm_opt(root: &Path) -> Result<PathBuf, String> {
    let own = root.join("node_modules/.bin/wasm-opt");
    if own.exists() {
        Ok(own)
    } else {
        cached_wasm_opt(&tools_dir(root))
    }
}

/// Shrinks `build/index_bg.wasm` with `wasm-opt -Oz` from npm's `binaryen` package: the
/// project's own (when its package.json has it), else the tools folder's. `MIZZLE_WASM_OPT=0`
/// skips it. Debian's binaryen cannot read wasm-bindgen's output; npm's can, with exception
/// handling enabled.
fn optimize_wasm(root: &Path) -> Result<(), String> {
    if std::env::var("MIZZLE_WASM_OPT").is_ok_and(|v| v == "0") {
        return Ok(());
    }
    let wasm_opt = wasm_opt(root)?;
    let wasm = root.join("build/index_bg.wasm");
    let before = std::fs::metadata(&wasm).map(|m| m.len()).unwrap_or(0);
    let tmp = root.join("build/index_bg.opt.wasm");
    say("shrinking the wasm (wasm-opt -Oz, npm's binaryen)");
    run(
        Command::new(&wasm_opt)
            .args(["-Oz", "--enable-exception-handling"])
            .arg(&wasm)
            .arg("-o")
            .arg(&tmp)
            .current_dir(root),
        "wasm-opt",
    )?;
    std::fs::rename(&tmp, &wasm).map_err(|e| format!("cannot replace {}: {e}", wasm.display()))?;
    let after = std::fs::metadata(&wasm).map(|m| m.len()).unwrap_or(0);
    say(format!("wasm: {} KB → {} KB", before / 1024, after / 1024));
    Ok(())
}

/// The wrangler config `mizzle dev` runs with: the project's, without its `build` section
/// (`mizzle dev` has just built), written next to it as `.mizzle-dev.wrangler.json` so
/// every relative path still means the same.
pub fn dev_config(root: &Path, file: &str) -> Result<PathBuf, String> {
    let mut config = mizzle_build::wrangler::read_config(root, file)?;
    if let Some(obj) = config.as_object_mut() {
        obj.remove("build");
    }
    let path = root.join(".mizzle-dev.wrangler.json");
    std::fs::write(
        &path,
        serde_json::to_string_pretty(&config).map_err(|e| e.to_string())?,
    )
    .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two installs of the same tool at once (two projects' `mizzle dev`): one installs, the
    /// other waits and finds it; the tool works, and no scratch folder is left behind.
    #[test]
    fn concurrent_installs_share_one_complete_tool() {
        let tools = tempfile::tempdir().unwrap();
        let a = tools.path().to_path_buf();
        let b = a.clone();
        let one = std::thread::spawn(move || cached_wasm_opt(&a));
        let two = std::thread::spawn(move || cached_wasm_opt(&b));
        let (one, two) = (one.join().unwrap().unwrap(), two.join().unwrap().unwrap());
        assert_eq!(one, two);
        let version = Command::new(&one).arg("--version").output().unwrap();
        assert!(
            version.status.success() && String::from_utf8_lossy(&version.stdout).contains("132"),
            "{version:?}"
        );
        let left: Vec<String> = std::fs::read_dir(tools.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(left, [format!("binaryen-{BINARYEN_VERSION}")]);
    }
}
