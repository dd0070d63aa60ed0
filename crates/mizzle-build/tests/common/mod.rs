//! Helpers shared by mizzle-build's integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// Copies a directory tree.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// A scratch project: schema/ with the given table files, nothing else.
pub fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("schema")).unwrap();
    for (name, text) in files {
        write(dir.path(), name, text);
    }
    dir
}

/// Writes `rel` under `root`.
pub fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// A config for `root` that writes (not check mode) and prints no cargo directives.
pub fn config(root: &Path) -> mizzle_build::Config {
    mizzle_build::Config::new()
        .manifest_dir(root)
        .check(false)
        .cargo_directives(false)
}

/// The sorted file names in `root/migrations`.
pub fn migrations(root: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(root.join("migrations"))
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// The workspace root.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// Records every current migration as applied in a wrangler-style local D1 state under
/// `root/.wrangler`, as `wrangler d1 migrations apply --local` would.
pub fn mark_applied(root: &Path) {
    let dir = root.join(".wrangler/state/v3/d1/miniflare-D1DatabaseObject");
    std::fs::create_dir_all(&dir).unwrap();
    let conn = rusqlite::Connection::open(dir.join("local.sqlite")).unwrap();
    conn.execute_batch("CREATE TABLE IF NOT EXISTS d1_migrations (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE)").unwrap();
    for m in migrations(root) {
        conn.execute(
            "INSERT OR IGNORE INTO d1_migrations (name) VALUES (?1)",
            [m],
        )
        .unwrap();
    }
}
