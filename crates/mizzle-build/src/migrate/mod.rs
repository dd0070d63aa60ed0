//! Keeps `migrations/` in step with the schema.
//!
//! The existing files are the state: they are replayed into an in-memory SQLite and the
//! result is compared with the schema. What is missing becomes one new numbered file,
//! which is itself replayed, and the result compared again, before anything is written.

pub mod diff;
pub mod files;
pub mod replay;

use std::fs::File;
use std::io::Write;
use std::path::Path;

use crate::diag::Diagnostic;
use crate::ir::Schema;
pub use files::Migration;

/// What the migrations directory needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// The files already there, in order.
    pub existing: Vec<Migration>,
    /// The file to add, if the schema has changed: (file name, full text).
    pub new_file: Option<(String, String)>,
}

/// Compares the replayed migrations in `dir` with `schema`.
pub fn plan(
    schema: &Schema,
    dir: &Path,
    shown: &str,
    allow: &diff::Allow,
) -> Result<Plan, Vec<Diagnostic>> {
    let existing = files::read_dir(dir, shown)?;
    let mut conn = replay::open();
    for m in &existing {
        replay::apply(&mut conn, m, shown).map_err(|d| vec![d])?;
    }
    let expected = replay::expected(schema).map_err(|e| {
        vec![internal(format!(
            "the schema's own DDL does not apply: {e}"
        ))]
    })?;
    let read = |conn: &rusqlite::Connection| {
        replay::introspect(conn).map_err(|e| {
            vec![Diagnostic::bare(format!(
                "cannot read the replayed database: {e}"
            ))]
        })
    };
    // Renames first, applied to the replay, so the rest compares like names.
    let renames = diff::renames(&read(&conn)?, schema);
    let rename_sql = if renames.is_empty() {
        String::new()
    } else {
        diff::render(&renames, schema, &read(&conn)?)
    };
    if !renames.is_empty() {
        replay::run_sql(&mut conn, &rename_sql)
            .map_err(|(e, s)| vec![internal(format!("{e} in {s}"))])?;
    }
    let ops = diff::plan_ops(&conn, schema, &expected, allow)?;
    if renames.is_empty() && ops.is_empty() {
        return Ok(Plan {
            existing,
            new_file: None,
        });
    }
    let body = format!(
        "{rename_sql}{}{}",
        if rename_sql.is_empty() || ops.is_empty() {
            ""
        } else {
            "\n"
        },
        if ops.is_empty() {
            String::new()
        } else {
            diff::render(&ops, schema, &read(&conn)?)
        }
    );
    let all_ops: Vec<diff::Op> = renames.into_iter().chain(ops).collect();
    let version = existing.last().map_or(1, |m| m.version + 1);
    let name = format!(
        "{version:04}_{}.sql",
        diff::describe(&all_ops, schema, existing.is_empty())
    );
    let text = files::render_generated(&body);
    // Prove the new file before it exists: it applies to the replay, and afterwards the
    // database has exactly the schema's shape.
    let mut check = replay::open();
    for m in &existing {
        replay::apply(&mut check, m, shown).map_err(|d| vec![d])?;
    }
    let candidate = Migration {
        version,
        file_name: name.clone(),
        sql: text.clone(),
        path: dir.join(&name),
    };
    replay::apply(&mut check, &candidate, shown).map_err(|d| vec![internal(d.message)])?;
    let after = read(&check)?;
    converged(&after, &expected).map_err(|what| vec![internal(format!("after {name}: {what}"))])?;
    Ok(Plan {
        existing,
        new_file: Some((name, text)),
    })
}

/// Whether `db` has exactly the tables, shapes and indexes of `expected`.
pub fn converged(db: &replay::DbState, expected: &replay::DbState) -> Result<(), String> {
    let names = |s: &replay::DbState| s.tables.keys().cloned().collect::<Vec<_>>();
    if names(db) != names(expected) {
        return Err(format!(
            "tables {:?}, expected {:?}",
            names(db),
            names(expected)
        ));
    }
    for (name, want) in &expected.tables {
        let have = &db.tables[name];
        if !have.same_shape(want) {
            return Err(format!("table `{name}` is {have:?}, expected {want:?}"));
        }
        if have.indexes != want.indexes {
            return Err(format!(
                "indexes of `{name}` are {:?}, expected {:?}",
                have.indexes, want.indexes
            ));
        }
    }
    Ok(())
}

fn internal(what: String) -> Diagnostic {
    Diagnostic::bare(format!(
        "mizzle generated a migration that does not converge: {what}"
    ))
    .help("this is a bug in mizzle; please report it with your schema/ folder")
}

/// Checks the schema's own SQL (CHECKs, `default_sql`, partial index conditions) by
/// creating every table in a scratch database. Returns (table, SQLite's complaint).
pub fn validate_sql(schema: &Schema) -> Vec<(String, String)> {
    let conn = replay::open();
    let mut bad = Vec::new();
    for t in crate::emit_sql::creation_order(schema) {
        let mut stmts = vec![crate::emit_sql::create_table(t)];
        stmts.extend(
            t.indexes
                .iter()
                .map(|ix| crate::emit_sql::create_index(&t.name, ix)),
        );
        for s in stmts {
            if let Err(e) = conn.execute_batch(&s) {
                // rusqlite's message quotes the statement and the offset of the problem.
                bad.push((t.name.clone(), e.to_string()));
                break;
            }
        }
    }
    bad
}

/// An exclusive lock on the migrations directory, held while deciding and writing, so a
/// concurrent build (rust-analyzer and `cargo build`) waits instead of writing twice.
pub struct DirLock {
    _file: File,
}

impl DirLock {
    /// Creates `dir` if needed and locks it (blocking).
    pub fn acquire(dir: &Path) -> std::io::Result<DirLock> {
        std::fs::create_dir_all(dir)?;
        // A lock file inside the directory works on every platform; it is empty and
        // listed in .gitignore by convention (`migrations/.mizzle.lock`).
        #[cfg(unix)]
        let file = File::open(dir)?;
        #[cfg(not(unix))]
        let file = std::fs::OpenOptions::new()
            .create(true)
            .write(true)
            .open(dir.join(".mizzle.lock"))?;
        file.lock()?;
        Ok(DirLock { _file: file })
    }
}

/// Writes `text` to `dir/name` atomically: a temporary file in the same directory, synced,
/// then renamed into place. A reader never sees a half-written migration.
pub fn write_atomic(dir: &Path, name: &str, text: &str) -> std::io::Result<()> {
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = File::create(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        std::fs::rename(&tmp, dir.join(name))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
