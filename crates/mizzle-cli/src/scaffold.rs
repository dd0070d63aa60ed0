//! `mizzle new NAME`: a Worker project on mizzle, outside any workspace.

use std::path::{Path, PathBuf};

/// The template files: (path in the project, text). `{{name}}`, `{{crate_name}}`,
/// `{{mizzle_dep}}` and `{{mizzle_build_dep}}` are filled in.
const FILES: &[(&str, &str)] = &[
    (
        "Cargo.toml",
        include_str!("../templates/project/Cargo.toml.tmpl"),
    ),
    ("build.rs", include_str!("../templates/project/build.rs")),
    (
        "schema/users.toml",
        include_str!("../templates/project/schema/users.toml"),
    ),
    (
        "schema/tasks.toml",
        include_str!("../templates/project/schema/tasks.toml"),
    ),
    (
        "schema/mizzle.toml",
        include_str!("../templates/project/schema/mizzle.toml"),
    ),
    (
        "src/lib.rs",
        include_str!("../templates/project/src/lib.rs"),
    ),
    (
        "tests/native.rs",
        include_str!("../templates/project/tests/native.rs"),
    ),
    (
        "wrangler.jsonc",
        include_str!("../templates/project/wrangler.jsonc"),
    ),
    (
        "package.json",
        include_str!("../templates/project/package.json"),
    ),
    (".gitignore", include_str!("../templates/project/gitignore")),
    ("README.md", include_str!("../templates/project/README.md")),
];

/// The crates to depend on by path, for working on mizzle itself: `--mizzle-path DIR` or
/// `MIZZLE_PATH` (a checkout's `crates/`). Without either, a new project depends on this
/// version of mizzle from crates.io.
fn checkout_crates(given: Option<&Path>) -> Result<Option<PathBuf>, String> {
    let Some(dir) = given
        .map(Path::to_path_buf)
        .or_else(|| std::env::var_os("MIZZLE_PATH").map(PathBuf::from))
    else {
        return Ok(None);
    };
    let dir = std::fs::canonicalize(&dir).unwrap_or(dir);
    if !dir.join("mizzle/Cargo.toml").is_file() || !dir.join("mizzle-build/Cargo.toml").is_file() {
        return Err(format!(
            "{} is not a mizzle checkout's `crates/` folder (no mizzle/Cargo.toml and mizzle-build/Cargo.toml in it)",
            dir.display()
        ));
    }
    Ok(Some(dir))
}

/// A note for a project made on crates.io's versions by a `mizzle` built from a checkout
/// (whose crates may not be published at this version): how to use the checkout instead.
pub fn version_note(mizzle_path: Option<&Path>) -> Option<String> {
    if mizzle_path.is_some() || std::env::var_os("MIZZLE_PATH").is_some() {
        return None;
    }
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).parent()?;
    crates.join("mizzle/Cargo.toml").is_file().then(|| {
        format!(
            "note: the project depends on mizzle {v} from crates.io. This `mizzle` was built from a checkout ({}): if {v} is not published yet (or you work on mizzle), make it with `--mizzle-path {}` to use the checkout's crates",
            crates.parent().unwrap_or(crates).display(),
            crates.display(),
            v = env!("CARGO_PKG_VERSION"),
        )
    })
}

/// Whether `name` can be a Cargo package and Worker name.
fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

/// Writes the project `name` into `dir` (which must not exist or be empty). Returns what
/// it wrote. Nothing is left behind on failure: files go to a temporary sibling directory
/// that is renamed into place at the end.
pub fn new_project(
    name: &str,
    dir: &Path,
    mizzle_path: Option<&Path>,
) -> Result<Vec<String>, String> {
    if !valid_name(name) {
        return Err(format!(
            "`{name}` is not a usable project name: lowercase letters, digits, `-` and `_`, starting with a letter (e.g. `my-worker`)"
        ));
    }
    if dir.exists()
        && std::fs::read_dir(dir)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        return Err(format!(
            "{} already exists and is not empty; choose another name or --path",
            dir.display()
        ));
    }
    let crates = checkout_crates(mizzle_path)?;
    let (mizzle_dep, build_dep) = match &crates {
        Some(c) => (
            format!(
                "mizzle = {{ path = {:?} }}",
                c.join("mizzle").display().to_string()
            ),
            format!(
                "mizzle-build = {{ path = {:?} }}",
                c.join("mizzle-build").display().to_string()
            ),
        ),
        None => (
            format!("mizzle = \"{}\"", env!("CARGO_PKG_VERSION")),
            format!("mizzle-build = \"{}\"", env!("CARGO_PKG_VERSION")),
        ),
    };
    let parent = dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)
        .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    let tmp = parent.join(format!(".{name}.mizzle-new.{}", std::process::id()));
    let write = || -> std::io::Result<Vec<String>> {
        let mut written = Vec::new();
        for (path, text) in FILES {
            let text = render(text, name)
                .replace("{{mizzle_dep}}", &mizzle_dep)
                .replace("{{mizzle_build_dep}}", &build_dep);
            let target = tmp.join(path);
            std::fs::create_dir_all(target.parent().expect("a file in the project"))?;
            std::fs::write(&target, text)?;
            written.push((*path).to_owned());
        }
        std::fs::create_dir_all(tmp.join("migrations"))?;
        if let Some(lock) = crates.as_ref().map(|c| c.join("../Cargo.lock"))
            && lock.is_file()
        {
            std::fs::copy(lock, tmp.join("Cargo.lock"))?;
            written.push("Cargo.lock".into());
        }
        if dir.exists() {
            std::fs::remove_dir(dir)?;
        }
        std::fs::rename(&tmp, dir)?;
        Ok(written)
    };
    write().map_err(|e| {
        let _ = std::fs::remove_dir_all(&tmp);
        format!("cannot write the project: {e}")
    })
}

/// The code an imported project starts with instead of the starter's (which is written
/// against the starter's tables): `src/lib.rs` with the schema module and a `/health`
/// route, `tests/native.rs` applying the migrations, a README without the starter's routes.
const IMPORTED_CODE: &[(&str, &str)] = &[
    (
        "src/lib.rs",
        include_str!("../templates/project/src/lib_imported.rs"),
    ),
    (
        "tests/native.rs",
        include_str!("../templates/project/tests/native_imported.rs"),
    ),
    (
        "README.md",
        include_str!("../templates/project/README_imported.md"),
    ),
];

/// The files of `mizzle new`'s starter that are about its example tables.
const STARTER_FILES: [&str; 4] = [
    "schema/users.toml",
    "schema/tasks.toml",
    "src/lib.rs",
    "tests/native.rs",
];

/// The project's package name, from its Cargo.toml.
fn package_name(root: &Path) -> Option<String> {
    let text = std::fs::read_to_string(root.join("Cargo.toml")).ok()?;
    let value: toml::Value = toml::from_str(&text).ok()?;
    Some(value.get("package")?.get("name")?.as_str()?.to_owned())
}

/// A template with the project's names filled in (what `new_project` writes, and what an
/// untouched starter file still equals).
fn render(text: &str, name: &str) -> String {
    text.replace("{{name}}", name)
        .replace("{{crate_name}}", &name.replace('-', "_"))
}

/// What `import-drizzle` finds of `mizzle new`'s starter in a project.
pub enum Starter {
    /// Not a `mizzle new` project (or its starter files are gone).
    None,
    /// The starter's table files and code as `mizzle new` wrote them: replaced by an import.
    Untouched(String),
    /// Starter files someone edited: kept unless `--force`.
    Edited(Vec<String>),
}

/// Whether `root` holds `mizzle new`'s starter tables and code, untouched.
pub fn starter(root: &Path) -> Starter {
    let Some(name) = package_name(root) else {
        return Starter::None;
    };
    if !root.join("schema/users.toml").is_file() || !root.join("schema/tasks.toml").is_file() {
        return Starter::None;
    }
    let mut edited = Vec::new();
    for path in STARTER_FILES {
        let Some((_, text)) = FILES.iter().find(|(p, _)| *p == path) else {
            continue;
        };
        match std::fs::read_to_string(root.join(path)) {
            Ok(there) if there == render(text, &name) => {}
            _ => edited.push(path.to_owned()),
        }
    }
    // Table files beyond the starter's are the user's.
    let others = std::fs::read_dir(root.join("schema"))
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| {
                    n.ends_with(".toml")
                        && !matches!(n.as_str(), "users.toml" | "tasks.toml" | "mizzle.toml")
                })
                .count()
        })
        .unwrap_or(0);
    if edited.is_empty() && others == 0 {
        Starter::Untouched(name)
    } else if edited.len() < STARTER_FILES.len() {
        Starter::Edited(edited)
    } else {
        Starter::None
    }
}

/// Replaces an untouched starter's code with the imported project's; the table files are
/// replaced by the import itself.
pub fn replace_starter_code(root: &Path, name: &str) -> Result<Vec<String>, String> {
    let mut done = Vec::new();
    for (path, text) in IMPORTED_CODE {
        let target = root.join(path);
        // The README is replaced only as `mizzle new` wrote it.
        if *path == "README.md" {
            let starter = FILES
                .iter()
                .find(|(p, _)| *p == "README.md")
                .map(|(_, t)| render(t, name));
            if std::fs::read_to_string(&target).ok() != starter {
                continue;
            }
        }
        let dir = target.parent().expect("a file in the project");
        let file = target.file_name().expect("a file").to_string_lossy();
        mizzle_build::migrate::write_atomic(dir, &file, &render(text, name))
            .map_err(|e| format!("error: cannot write {path}: {e}"))?;
        done.push((*path).to_owned());
    }
    Ok(done)
}

/// `git init` and a first commit of the scaffold, when git is there and the folder is not
/// inside a repository already (mizzle tells a draft migration from a published one by
/// what git has committed). What happened, for the user.
pub fn git_init(dir: &Path, name: &str) -> String {
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .args(args)
            .current_dir(dir)
            .stdin(std::process::Stdio::null())
            .output()
    };
    match git(&["rev-parse", "--is-inside-work-tree"]) {
        Err(_) => return "git is not installed: no repository made (mizzle treats every migration as a draft until it is committed; `git init` when you can)".into(),
        Ok(o) if o.status.success() => {
            return "inside a git repository already: nothing committed (commit the new project when you are ready)".into();
        }
        Ok(_) => {}
    }
    let ok = |r: std::io::Result<std::process::Output>| r.is_ok_and(|o| o.status.success());
    if !ok(git(&["init", "-q"])) || !ok(git(&["add", "-A"])) {
        return "`git init` failed: no repository made".into();
    }
    let message = format!("mizzle new {name}");
    if ok(git(&["commit", "-q", "-m", &message])) {
        return "made a git repository with the scaffold as its first commit".into();
    }
    // No identity configured: commit as the tool, and say so.
    if ok(git(&[
        "-c",
        "user.name=mizzle new",
        "-c",
        "user.email=mizzle@localhost",
        "commit",
        "-q",
        "-m",
        &message,
    ])) {
        return "made a git repository with the scaffold as its first commit (as `mizzle new`: git has no user.name/user.email here)".into();
    }
    "made a git repository; the first commit failed (commit the scaffold yourself)".into()
}
