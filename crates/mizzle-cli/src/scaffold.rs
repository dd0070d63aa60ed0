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

/// This checkout's crates, when the `mizzle` binary was built from one (they are then used
/// by path, and the checkout's Cargo.lock seeds the new project's, so it builds with the
/// versions this checkout was tested with).
fn checkout() -> Option<PathBuf> {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).parent()?;
    crates
        .join("mizzle/Cargo.toml")
        .is_file()
        .then(|| crates.to_path_buf())
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
    let crates = mizzle_path.map(Path::to_path_buf).or_else(checkout);
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
    let crate_name = name.replace('-', "_");
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
            let text = text
                .replace("{{name}}", name)
                .replace("{{crate_name}}", &crate_name)
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
