//! Keeps `migrations/` in step with the schema.
//!
//! The existing files are the state: they are replayed into an in-memory SQLite and the
//! result is compared with the schema. What is missing becomes one new numbered file,
//! which is itself replayed, and the result compared again, before anything is written.

pub(crate) mod diff;
pub(crate) mod files;
#[doc(hidden)]
pub mod replay;

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::diag::Diagnostic;
use crate::ir::Schema;
pub use diff::Allow;
pub use files::{Migration, read_dir as read_migrations};

/// What the migrations directory needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// The files that stay, in order.
    pub existing: Vec<Migration>,
    /// The file to write, if the schema has changed: (file name, full text). It may
    /// replace the draft.
    pub new_file: Option<(String, String)>,
    /// A draft to delete: superseded by `new_file` under another name, or no longer
    /// needed because the schema went back to what the other files give.
    pub remove: Option<PathBuf>,
    /// The draft `new_file` replaces under the same name, if any.
    pub replaces_draft: Option<String>,
    /// What a person should know before applying `new_file` (e.g. a CHECK that existing
    /// rows may violate), each with the query that finds the rows.
    pub notes: Vec<String>,
}

impl Plan {
    /// Whether the directory is up to date.
    pub fn is_up_to_date(&self) -> bool {
        self.new_file.is_none() && self.remove.is_none()
    }
}

/// What outside the schema decides whether the newest migration is a draft: gathered once
/// by the caller ([`Facts::gather`]) and passed to [`plan`] as data.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facts {
    /// Migrations wrangler's local D1 state records as applied.
    pub applied_locally: Vec<String>,
    /// Migrations `mizzle migrate` / `mizzle dev` sent to a database ([`PUBLISHED`]).
    pub published: Vec<String>,
    /// The files git tracks in the migrations directory; `None` outside a git work tree.
    pub git_tracked: Option<Vec<String>>,
}

impl Facts {
    /// Reads wrangler's local state and the published record under `root`, and asks git
    /// about `dir`.
    pub fn gather(root: &Path, dir: &Path) -> Facts {
        Facts {
            applied_locally: applied_locally(root),
            published: published(root),
            git_tracked: git_tracked(dir),
        }
    }

    /// Whether `m` is a draft that may be regenerated: mizzle wrote it and nobody edited it
    /// (its checksum header matches), it is not applied to the local D1, `mizzle` never sent
    /// it to a database from here, and it lives in a git work tree that does not track it
    /// (a committed migration is published). Without git nothing says a file was never
    /// applied elsewhere, so there are no drafts: every generated file is final.
    pub fn is_draft(&self, m: &Migration) -> bool {
        m.is_pristine_generated()
            && !self.applied_locally.contains(&m.file_name)
            && !self.published.contains(&m.file_name)
            && self
                .git_tracked
                .as_ref()
                .is_some_and(|tracked| !tracked.contains(&m.file_name))
    }
}

/// The files git tracks directly in `dir`; `None` when `dir` is not in a git work tree (or
/// git is not installed).
fn git_tracked(dir: &Path) -> Option<Vec<String>> {
    if !in_git_work_tree(dir) {
        return None;
    }
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["ls-files", "-z", "--", "."])
        .stderr(std::process::Stdio::null())
        .output()
        .ok()
        .filter(|o| o.status.success())?;
    Some(
        out.stdout
            .split(|b| *b == 0)
            .filter_map(|n| std::str::from_utf8(n).ok())
            .filter(|n| !n.is_empty() && !n.contains('/'))
            .map(str::to_owned)
            .collect(),
    )
}

/// Where `mizzle migrate` records the migrations it has handed to wrangler for a database
/// (one file name per line), relative to the project root.
pub const PUBLISHED: &str = ".wrangler/mizzle-published";

/// Migration names `mizzle migrate` recorded as sent to a database.
pub fn published(root: &Path) -> Vec<String> {
    std::fs::read_to_string(root.join(PUBLISHED))
        .map(|t| t.lines().map(str::to_owned).collect())
        .unwrap_or_default()
}

/// Records `names` as sent to a database (kept with wrangler's local state, so a draft is
/// never rewritten after `mizzle migrate --remote` applied it).
pub fn record_published(root: &Path, names: &[&str]) -> std::io::Result<()> {
    let mut all = published(root);
    let before = all.len();
    for n in names {
        if !all.iter().any(|a| a == n) {
            all.push((*n).to_owned());
        }
    }
    let path = root.join(PUBLISHED);
    if all.len() == before && path.exists() {
        return Ok(()); // unchanged: keep its mtime (the build watches it)
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension(format!("{}.tmp", std::process::id()));
    std::fs::write(&tmp, all.join("\n") + "\n")?;
    std::fs::rename(tmp, path)
}

/// Whether `dir` is inside a git work tree (git installed and the directory in a repo).
fn in_git_work_tree(dir: &Path) -> bool {
    std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["rev-parse", "--is-inside-work-tree"])
        .stderr(std::process::Stdio::null())
        .output()
        .is_ok_and(|o| o.status.success() && o.stdout.starts_with(b"true"))
}

/// Migration names recorded as applied in wrangler's local D1 state under `root`.
pub fn applied_locally(root: &Path) -> Vec<String> {
    let dir = root.join(".wrangler/state/v3/d1/miniflare-D1DatabaseObject");
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut names = Vec::new();
    for path in entries.flatten().map(|e| e.path()) {
        if path.extension().is_none_or(|x| x != "sqlite") {
            continue;
        }
        let flags =
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let Ok(conn) = rusqlite::Connection::open_with_flags(&path, flags) else {
            continue;
        };
        let Ok(mut stmt) = conn.prepare("SELECT name FROM d1_migrations") else {
            continue;
        };
        if let Ok(rows) = stmt.query_map([], |r| r.get::<_, String>(0)) {
            names.extend(rows.flatten());
        }
    }
    names
}

/// Compares the replayed migrations in `dir` with `schema`. With `facts` (see [`Facts`]),
/// a newest migration that is a draft is regenerated instead of followed.
pub fn plan(
    schema: &Schema,
    dir: &Path,
    shown: &str,
    allow: &diff::Allow,
    facts: Option<&Facts>,
) -> Result<Plan, Vec<Diagnostic>> {
    let mut existing = files::read_dir(dir, shown)?;
    let draft = match (facts, existing.last()) {
        (Some(facts), Some(last)) if facts.is_draft(last) => existing.pop(),
        _ => None,
    };
    let Plan {
        mut existing,
        new_file,
        notes,
        ..
    } = plan_after(schema, dir, shown, allow, existing)?;
    Ok(match (draft, new_file) {
        (None, new_file) => Plan {
            existing,
            new_file,
            remove: None,
            replaces_draft: None,
            notes,
        },
        // The schema is back to what the other files give: the draft goes.
        (Some(d), None) => Plan {
            existing,
            new_file: None,
            remove: Some(d.path),
            replaces_draft: None,
            notes: Vec::new(),
        },
        (Some(d), Some((name, text))) if d.file_name == name && d.sql == text => {
            existing.push(d);
            Plan {
                existing,
                new_file: None,
                remove: None,
                replaces_draft: None,
                notes: Vec::new(),
            }
        }
        (Some(d), Some((name, text))) => {
            let same_name = d.file_name == name;
            Plan {
                existing,
                new_file: Some((name, text)),
                remove: (!same_name).then_some(d.path),
                replaces_draft: same_name.then_some(d.file_name),
                notes,
            }
        }
    })
}

/// The plan on top of `existing`.
fn plan_after(
    schema: &Schema,
    dir: &Path,
    shown: &str,
    allow: &diff::Allow,
    existing: Vec<Migration>,
) -> Result<Plan, Vec<Diagnostic>> {
    let mut conn = replay::open();
    // Indexes a person wrote (in a hand-written or edited file), by the file that made them.
    let mut hand_indexes: BTreeMap<String, String> = BTreeMap::new();
    for m in &existing {
        let before = index_names(&conn);
        replay::apply(&mut conn, m, shown).map_err(|d| vec![d])?;
        let after = index_names(&conn);
        hand_indexes.retain(|name, _| after.contains(name));
        for name in after.difference(&before) {
            if m.is_pristine_generated() {
                hand_indexes.remove(name);
            } else {
                hand_indexes.insert(name.clone(), m.file_name.clone());
            }
        }
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
        diff::render(&renames)
    };
    if !renames.is_empty() {
        replay::run_sql(&mut conn, &rename_sql)
            .map_err(|(e, s)| vec![internal(format!("{e} in {s}"))])?;
    }
    let shape = read(&conn)?;
    let in_place = |sql: &str, table: &str, want: &replay::DbTable| {
        diff::in_place_works(&conn, sql, table, want)
    };
    let ops = diff::plan_ops(
        &shape,
        schema,
        &expected,
        allow,
        &hand_indexes,
        shown,
        &in_place,
    )?;
    let notes = narrowing_notes(&ops);
    if renames.is_empty() && ops.is_empty() {
        return Ok(Plan {
            existing,
            new_file: None,
            remove: None,
            replaces_draft: None,
            notes: Vec::new(),
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
            diff::render(&ops)
        }
    );
    let all_ops: Vec<diff::Op> = renames.into_iter().chain(ops).collect();
    let version = existing.last().map_or(1, |m| m.version + 1);
    let name = format!(
        "{version:04}_{}.sql",
        diff::describe(&all_ops, existing.is_empty())
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
    let kept_before = replay::triggers_and_views(&check).map_err(|e| vec![internal(e)])?;
    replay::apply(&mut check, &candidate, shown).map_err(|d| vec![internal(d.message)])?;
    // A rename rewrites the SQL of the triggers and views that name it (SQLite does).
    let renames = all_ops.iter().any(|o| {
        matches!(
            o,
            diff::Op::RenameTable { .. } | diff::Op::RenameColumn { .. }
        )
    });
    kept_objects(&check, &kept_before, &name, shown, renames)?;
    let after = read(&check)?;
    converged(&after, &expected).map_err(|what| vec![internal(format!("after {name}: {what}"))])?;
    Ok(Plan {
        existing,
        new_file: Some((name, text)),
        remove: None,
        replaces_draft: None,
        notes,
    })
}

/// Every trigger and view the database had before migration `name` is there after it with
/// the same SQL, and every view still reads (a rebuild must not lose what the user wrote by
/// hand; a view over a column the migration drops would fail at its first use). Otherwise
/// the build refuses, naming each object and how to keep it.
fn kept_objects(
    conn: &rusqlite::Connection,
    before: &[(String, String, String, String)],
    name: &str,
    shown: &str,
    renames: bool,
) -> Result<(), Vec<Diagnostic>> {
    let after = replay::triggers_and_views(conn).map_err(|e| vec![internal(e)])?;
    let tables = replay::introspect(conn).map_err(|e| vec![internal(e.to_string())])?;
    let mut errs = Vec::new();
    for (kind, object, table, sql) in before {
        // A trigger goes with its table when the schema drops the table (allowed by
        // `allow_drop`).
        if kind == "trigger" && !tables.tables.contains_key(table) && !renames {
            continue;
        }
        match after.iter().find(|(k, o, _, _)| k == kind && o == object) {
            Some((_, _, _, now)) if now == sql || renames => {}
            Some(_) | None => errs.push(internal(format!(
                "{kind} `{object}` is not kept as it was by {name}"
            ))),
        }
        if kind == "view" {
            let probe = format!(
                "SELECT * FROM {} LIMIT 0",
                crate::naming::quote_ident(object)
            );
            if let Err(e) = conn.prepare(&probe) {
                errs.push(
                    Diagnostic::bare(format!(
                        "the view `{object}` no longer works after the migration this build would write ({shown}/{name}): {e}"
                    ))
                    .help(format!(
                        "it reads something this change removes or renames: drop or rewrite the view in a hand-written migration first (`mizzle migration new fix_{object}`), then build again"
                    )),
                );
            }
        }
    }
    if errs.is_empty() { Ok(()) } else { Err(errs) }
}

/// CHECKs a rebuilt table gains (a new check, a removed enum value, a tightened
/// condition): rows already in the database may violate them, and then the migration
/// fails when it is applied (safely: it rolls back). Said at build time, with the query
/// that counts those rows.
fn narrowing_notes(ops: &[diff::Op]) -> Vec<String> {
    let mut notes = Vec::new();
    for op in ops {
        let diff::Op::Rebuild {
            table: t,
            old: Some(have),
            ..
        } = op
        else {
            continue;
        };
        for c in &t.columns {
            let new_required = have.column(&c.name).is_none()
                && !c.nullable
                && c.default.is_none()
                && !t.is_rowid_alias(c);
            if new_required {
                notes.push(format!(
                    "`{}.{}` is a new NOT NULL column without a default: the migration applies only while `{}` is empty (with rows it fails and rolls back). `mizzle migrate` counts the rows first; for a table with rows, give the column a `default`, or make it nullable and backfill it. Count them: SELECT count(*) FROM {};",
                    t.name,
                    c.name,
                    t.name,
                    crate::naming::quote_ident(&t.name),
                ));
            }
        }
        for (name, expr) in crate::emit_sql::check_exprs(t) {
            let norm = replay::normalise_sql(&expr);
            let known = have
                .checks
                .iter()
                .any(|c| c == &norm || c.rsplit_once(':').is_some_and(|(_, e)| e == norm));
            if !known {
                notes.push(format!(
                    "`{}` gains the CHECK {}({expr}): rows that violate it make the migration fail when applied (it rolls back). Count them first: SELECT count(*) FROM {} WHERE NOT ({expr});",
                    t.name,
                    name.map(|n| format!("`{n}` ")).unwrap_or_default(),
                    crate::naming::quote_ident(&t.name),
                ));
            }
        }
    }
    notes
}

/// A CHECK a migration adds to a table that already existed before it: rows already in
/// that table may violate it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddedCheck {
    /// The migration file that adds it.
    pub file: String,
    /// The table.
    pub table: String,
    /// The expression, as SQL.
    pub expr: String,
}

impl AddedCheck {
    /// A query counting the rows of the table that violate the check.
    pub fn count_sql(&self) -> String {
        format!(
            "SELECT count(*) AS n FROM {} WHERE NOT ({})",
            crate::naming::quote_ident(&self.table),
            self.expr
        )
    }
}

/// The CHECKs each of `migrations` adds to tables that existed before it, found by
/// replaying them in order. `from` is the index of the first file to report on (the files
/// before it are replayed only).
pub fn added_checks(
    migrations: &[Migration],
    from: usize,
    shown: &str,
) -> Result<Vec<AddedCheck>, Diagnostic> {
    replay_changes(migrations, from, shown, |m, before, conn| {
        let mut out = Vec::new();
        for (table, old) in &before.tables {
            let Ok(sql) = conn.query_row(
                "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?1",
                [table],
                |r| r.get::<_, String>(0),
            ) else {
                continue; // dropped or renamed by this file
            };
            for (expr, entry) in replay::raw_checks(&sql) {
                if !old.checks.contains(&entry) {
                    out.push(AddedCheck {
                        file: m.file_name.clone(),
                        table: table.clone(),
                        expr,
                    });
                }
            }
        }
        Ok(out)
    })
}

/// Replays `migrations` in order and, for each from index `from` on, collects what `each`
/// finds in it: given the file, the shape before it, and the database after it.
fn replay_changes<T>(
    migrations: &[Migration],
    from: usize,
    shown: &str,
    mut each: impl FnMut(
        &Migration,
        &replay::DbState,
        &rusqlite::Connection,
    ) -> Result<Vec<T>, Diagnostic>,
) -> Result<Vec<T>, Diagnostic> {
    let mut conn = replay::open();
    let mut out = Vec::new();
    for (i, m) in migrations.iter().enumerate() {
        let before = if i >= from {
            Some(replay::introspect(&conn).map_err(|e| Diagnostic::bare(e.to_string()))?)
        } else {
            None
        };
        replay::apply(&mut conn, m, shown)?;
        if let Some(before) = before {
            out.extend(each(m, &before, &conn)?);
        }
    }
    Ok(out)
}

/// A NOT NULL column without a default that a migration adds to a table that already
/// existed before it: the migration applies only while the table is empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddedRequired {
    /// The migration file that adds it.
    pub file: String,
    /// The table.
    pub table: String,
    /// The column.
    pub column: String,
}

impl AddedRequired {
    /// A query counting the table's rows (as `n`).
    pub fn count_sql(&self) -> String {
        format!(
            "SELECT count(*) AS n FROM {}",
            crate::naming::quote_ident(&self.table)
        )
    }
}

/// The NOT NULL columns without a default that migrations `from..` add to tables that
/// existed before them (replayed, so hand-written files count too).
pub fn added_required_columns(
    migrations: &[Migration],
    from: usize,
    shown: &str,
) -> Result<Vec<AddedRequired>, Diagnostic> {
    replay_changes(migrations, from, shown, |m, before, conn| {
        let after = replay::introspect(conn).map_err(|e| Diagnostic::bare(e.to_string()))?;
        let mut out = Vec::new();
        for (table, old) in &before.tables {
            let Some(new) = after.tables.get(table) else {
                continue; // dropped or renamed by this file
            };
            for c in &new.columns {
                if old.column(&c.name).is_none() && c.not_null && c.default.is_none() && c.pk == 0 {
                    out.push(AddedRequired {
                        file: m.file_name.clone(),
                        table: table.clone(),
                        column: c.name.clone(),
                    });
                }
            }
        }
        Ok(out)
    })
}

/// The names of the named indexes in `conn`.
fn index_names(conn: &rusqlite::Connection) -> BTreeSet<String> {
    conn.prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL")
        .and_then(|mut s| {
            s.query_map([], |r| r.get::<_, String>(0))?
                .collect::<rusqlite::Result<BTreeSet<_>>>()
        })
        .unwrap_or_default()
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
        // On unix the directory itself is locked (flock on its descriptor): nothing is added
        // to the tree. Elsewhere a directory cannot be opened as a file, so an empty
        // `.mizzle.lock` inside it is locked instead.
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

/// A temporary file's path beside `dir/name`, unique per process and per call: two builds
/// may write the same file at once (a build and rust-analyzer's, or two threads of one test
/// process).
pub fn temp_path(dir: &Path, name: &str) -> PathBuf {
    static WRITES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = WRITES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    dir.join(format!(".{name}.{}.{n}.tmp", std::process::id()))
}

/// Writes `text` to `dir/name` atomically: a temporary file in the same directory, synced,
/// then renamed into place. A reader never sees a half-written migration.
pub fn write_atomic(dir: &Path, name: &str, text: &str) -> std::io::Result<()> {
    let tmp = temp_path(dir, name);
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
