//! What it takes to bring the replayed database to the schema, as data (`Op`s), and their
//! SQL.
//!
//! Per table: `RENAME` for `renamed_from`; `ALTER TABLE ADD/DROP COLUMN` when SQLite can do
//! the change in place and the result has exactly the schema's shape (tried on the replay
//! database inside a savepoint); otherwise a D1-safe rebuild. Drops and lossy changes pass
//! the destructive guard first.
//!
//! The rebuild does not rely on `PRAGMA foreign_keys = OFF` (D1 ignores it): dropping the old
//! table fires its children's `ON DELETE` actions, so every table that reaches the rebuilt
//! one through `CASCADE`, `SET NULL` or `SET DEFAULT` (transitively) is stashed first and
//! restored after, with foreign key checks deferred to the end of the migration.

use std::collections::BTreeSet;

use rusqlite::Connection;

use super::replay::{self, DbState, DbTable};
use crate::diag::Diagnostic;
use crate::emit_sql;
use crate::ir::{Default, Index, Schema, Table};
use crate::naming::{quote_ident as q, quote_str};

/// One step of a migration, in the order they are applied.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    /// `ALTER TABLE old RENAME TO new`.
    RenameTable {
        /// Old name.
        from: String,
        /// New name.
        to: String,
    },
    /// `ALTER TABLE t RENAME COLUMN old TO new`.
    RenameColumn {
        /// Table.
        table: String,
        /// Old name.
        from: String,
        /// New name.
        to: String,
    },
    /// `DROP INDEX` (removed or changed).
    DropIndex(String),
    /// `ALTER TABLE t ADD COLUMN`: the table as the schema has it, and the new column.
    AddColumn {
        /// The table (its other columns decide how the new one is written).
        table: Box<Table>,
        /// The column to add.
        column: String,
    },
    /// `ALTER TABLE t DROP COLUMN`.
    DropColumn(String, String),
    /// Rebuild a table into the schema's shape, keeping its rows and its dependents' rows.
    Rebuild {
        /// The table as the schema has it.
        table: Box<Table>,
        /// What changed.
        reason: String,
        /// Its shape in the database now (which columns to copy, AUTOINCREMENT).
        old: Option<Box<DbTable>>,
        /// Tables whose rows dropping it would delete or change (ON DELETE actions): stashed
        /// and put back.
        dependents: Vec<String>,
        /// The dependents' triggers (name, SQL): dropped for the rebuild, so that neither
        /// the cascade of the `DROP TABLE` nor putting their rows back fires them, and made
        /// again after it with the same SQL.
        dependent_triggers: Vec<(String, String)>,
    },
    /// `DROP TABLE`.
    DropTable(String),
    /// `CREATE TABLE`.
    CreateTable(Box<Table>),
    /// `CREATE INDEX`.
    CreateIndex {
        /// The table.
        table: String,
        /// The index.
        index: Index,
    },
}

/// What the destructive guard lets through.
#[derive(Debug, Clone, Default)]
pub struct Allow {
    /// The settings file as shown in messages (where `allow_drop` goes).
    pub settings_file: String,
    /// `allow_drop` entries: `table` or `table.column`.
    pub drops: Vec<String>,
    /// `MIZZLE_ALLOW_DESTRUCTIVE=1`.
    pub everything: bool,
}

impl Allow {
    fn drop_allowed(&self, what: &str) -> bool {
        self.everything || self.drops.iter().any(|d| d == what)
    }
}

/// Renames (`renamed_from`) to apply first, so the rest of the diff compares like names.
pub fn renames(db: &DbState, schema: &Schema) -> Vec<Op> {
    let mut ops = Vec::new();
    for t in &schema.tables {
        let mut name = t.name.as_str();
        if !db.tables.contains_key(&t.name) {
            match t.renamed_from.as_deref() {
                Some(old) if db.tables.contains_key(old) && schema.table(old).is_none() => {
                    ops.push(Op::RenameTable {
                        from: old.to_owned(),
                        to: t.name.clone(),
                    });
                    name = old;
                }
                _ => continue,
            }
        }
        let dbt = &db.tables[name];
        for c in &t.columns {
            if dbt.column(&c.name).is_some() {
                continue;
            }
            if let Some(old) = c.renamed_from.as_deref()
                && dbt.column(old).is_some()
                && t.column(old).is_none()
            {
                ops.push(Op::RenameColumn {
                    table: t.name.clone(),
                    from: old.to_owned(),
                    to: c.name.clone(),
                });
            }
        }
    }
    ops
}

/// Tables whose rows `DROP TABLE table` would delete or change through `ON DELETE`, in an
/// order where each comes after the tables it references (parents first).
pub fn dependents(db: &DbState, table: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    let mut frontier = vec![table.to_owned()];
    while let Some(parent) = frontier.pop() {
        for (name, t) in &db.tables {
            if name == table || found.contains(name) {
                continue;
            }
            let reaches = t.foreign_keys.iter().any(|fk| {
                fk.table == parent
                    && matches!(
                        fk.on_delete.as_str(),
                        "CASCADE" | "SET NULL" | "SET DEFAULT"
                    )
            });
            if reaches {
                found.push(name.clone());
                frontier.push(name.clone());
            }
        }
    }
    found
}

/// The triggers of `table`'s dependents (see [`Op::Rebuild`]).
fn dependent_triggers(db: &DbState, table: &str) -> Vec<(String, String)> {
    dependents(db, table)
        .iter()
        .filter_map(|d| db.tables.get(d))
        .flat_map(|d| d.triggers.iter().cloned())
        .collect()
}

/// Why a changed column is lossy, if it is.
fn lossy(old: &replay::DbColumn, new: &replay::DbColumn) -> Option<String> {
    let widening = matches!(
        (old.affinity, new.affinity),
        ("INTEGER", "REAL") | ("INTEGER" | "REAL" | "NUMERIC", "TEXT") | (_, "BLOB")
    );
    if old.affinity != new.affinity && !widening {
        return Some(format!(
            "its type narrows from {} to {}",
            old.decl_type, new.decl_type
        ));
    }
    if new.not_null && !old.not_null {
        return Some("it becomes NOT NULL, and existing rows may hold NULL".into());
    }
    None
}

/// Decides the steps from the replayed database (`conn`, already renamed) to `schema`.
/// What the diff needs to know that is not a shape: whether SQLite can make a change in
/// place (`ALTER TABLE … ADD/DROP COLUMN`) and end at the wanted shape. The caller answers it
/// on a scratch copy of the replay; the diff itself reads no database.
pub type InPlace<'a> = &'a dyn Fn(&str, &str, &DbTable) -> bool;

/// The operations that take the database shaped `db` to the schema, whose own shape is
/// `expected`. Pure: shapes and allowances in, operations (carrying their own data) or the
/// destructive changes not allowed out.
#[allow(clippy::too_many_arguments)]
pub fn plan_ops(
    db: &DbState,
    schema: &Schema,
    expected: &DbState,
    allow: &Allow,
    hand_indexes: &std::collections::BTreeMap<String, String>,
    shown_dir: &str,
    in_place: InPlace<'_>,
) -> Result<Vec<Op>, Vec<Diagnostic>> {
    let mut errs = Vec::new();
    let mut table_ops = Vec::new();
    let mut rebuilt: BTreeSet<&str> = BTreeSet::new();
    let mut created: BTreeSet<&str> = BTreeSet::new();
    for t in emit_sql::creation_order(schema) {
        let Some(want) = expected.tables.get(&t.name) else {
            continue;
        };
        let Some(have) = db.tables.get(&t.name) else {
            created.insert(&t.name);
            continue;
        };
        if have.same_shape(want) {
            continue;
        }
        let added: Vec<usize> = (0..t.columns.len())
            .filter(|i| have.column(&t.columns[*i].name).is_none())
            .collect();
        let dropped: Vec<&str> = have
            .columns
            .iter()
            .filter(|c| want.column(&c.name).is_none())
            .map(|c| c.name.as_str())
            .collect();
        let mut changed = Vec::new();
        for c in &t.columns {
            let (Some(old), Some(new)) = (have.column(&c.name), want.column(&c.name)) else {
                continue;
            };
            if (old.affinity, old.not_null, &old.default, old.pk)
                == (new.affinity, new.not_null, &new.default, new.pk)
            {
                continue;
            }
            if let Some(why) = lossy(old, new)
                && !(c.allow_destructive || allow.everything)
            {
                errs.push(
                    c.origin
                        .error(
                            format!("changing `{}.{}` is destructive: {why}", t.name, c.name),
                            "this column",
                        )
                        .help("allow it with `allow_destructive = true` on this column, or MIZZLE_ALLOW_DESTRUCTIVE=1 for one build"),
                );
            }
            changed.push(c.name.as_str());
        }
        for d in &dropped {
            let what = format!("{}.{d}", t.name);
            if !allow.drop_allowed(&what) {
                errs.push(
                    t.origin
                        .error(
                            format!("column `{what}` would be dropped, losing its data"),
                            "this table no longer has it",
                        )
                        .help(format!(
                            "allow it with `allow_drop = [\"{what}\"]` in {}, or MIZZLE_ALLOW_DESTRUCTIVE=1 for one build (renamed? set `renamed_from = \"{d}\"` on the new column)",
                            allow.settings_file
                        )),
                );
            }
        }
        // A new NOT NULL column without a default has no value for the rows already there:
        // SQLite's ADD COLUMN refuses it outright, so it is a rebuild, which applies while
        // the table is empty and fails (rolled back) otherwise. The build says so, and
        // `mizzle migrate` counts the rows first (`added_required_columns`).
        let needs_empty = added.iter().any(|i| {
            let c = &t.columns[*i];
            !c.nullable && c.default.is_none() && !t.is_rowid_alias(c)
        });
        if needs_empty {
            table_ops.push(Op::Rebuild {
                table: Box::new(t.clone()),
                reason: "a new NOT NULL column without a default".into(),
                old: Some(Box::new(have.clone())),
                dependents: dependents(db, &t.name),
                dependent_triggers: dependent_triggers(db, &t.name),
            });
            rebuilt.insert(&t.name);
            continue;
        }
        // In place, if SQLite can and the result is exactly the schema's shape.
        let mut cheap: Vec<Op> = added
            .iter()
            .map(|i| Op::AddColumn {
                table: Box::new(t.clone()),
                column: t.columns[*i].name.clone(),
            })
            .collect();
        cheap.extend(
            dropped
                .iter()
                .map(|d| Op::DropColumn(t.name.clone(), (*d).to_owned())),
        );
        if changed.is_empty() && !cheap.is_empty() && in_place(&render(&cheap), &t.name, want) {
            table_ops.extend(cheap);
            continue;
        }
        let mut reason = Vec::new();
        if !added.is_empty() {
            reason.push(format!(
                "add {}",
                added
                    .iter()
                    .map(|i| t.columns[*i].name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if !dropped.is_empty() {
            reason.push(format!("drop {}", dropped.join(", ")));
        }
        if !changed.is_empty() {
            reason.push(format!("change {}", changed.join(", ")));
        }
        if have.foreign_keys != want.foreign_keys {
            reason.push("foreign keys".into());
        }
        if have.uniques != want.uniques {
            reason.push("unique constraints".into());
        }
        if have.checks != want.checks {
            reason.push("checks".into());
        }
        if have.autoincrement != want.autoincrement || have.without_rowid != want.without_rowid {
            reason.push("table options".into());
        }
        rebuilt.insert(&t.name);
        table_ops.push(Op::Rebuild {
            table: Box::new(t.clone()),
            reason: reason.join("; "),
            old: Some(Box::new(have.clone())),
            dependents: dependents(db, &t.name),
            dependent_triggers: dependent_triggers(db, &t.name),
        });
    }
    // Tables in the database but not in the schema: dropped, children first.
    let mut drops: Vec<String> = Vec::new();
    for name in db.tables.keys() {
        if schema.table(name).is_none() {
            if !allow.drop_allowed(name) {
                errs.push(
                    Diagnostic::bare(format!("table `{name}` would be dropped, losing its rows"))
                        .help(format!(
                            "allow it with `allow_drop = [\"{name}\"]` in {}, or MIZZLE_ALLOW_DESTRUCTIVE=1 for one build (or put its table file back; renamed? set `renamed_from = \"{name}\"` in the new one)",
                            allow.settings_file
                        )),
                );
            }
            drops.push(name.clone());
        }
    }
    let drops = children_first(db, drops);
    // An index a person wrote, that the schema does not list, is dropped only with leave.
    for t in emit_sql::creation_order(schema) {
        let Some(have) = db.tables.get(&t.name) else {
            continue;
        };
        for ix in &have.indexes {
            let Some(file) = hand_indexes.get(&ix.name) else {
                continue;
            };
            if t.indexes.iter().any(|w| w.name == ix.name) || allow.drop_allowed(&ix.name) {
                continue;
            }
            let cols = ix
                .columns
                .iter()
                .map(|c| format!("\"{c}\""))
                .collect::<Vec<_>>()
                .join(", ");
            errs.push(
                t.origin.error(format!(
                    "index `{}` on `{}` was written by hand in {shown_dir}/{file} and is not in the schema: the next migration would drop it",
                    ix.name, t.name
                ), "the table's schema")
                .help(format!(
                    "keep it by adding it to the table's [indexes]: `{} = {{ columns = [{cols}]{}{} }}`; or let it go with `allow_drop = [\"{}\"]` in {}",
                    ix.name,
                    if ix.unique { ", unique = true" } else { "" },
                    if ix.partial.is_some() { ", where = \"...\"" } else { "" },
                    ix.name,
                    allow.settings_file
                )),
            );
        }
    }
    if !errs.is_empty() {
        return Err(errs);
    }
    // Index changes on tables that are neither created nor rebuilt.
    let mut drop_ix = Vec::new();
    let mut create_ix = Vec::new();
    for t in emit_sql::creation_order(schema) {
        let (Some(have), Some(want)) = (db.tables.get(&t.name), expected.tables.get(&t.name))
        else {
            create_ix.extend(t.indexes.iter().map(|ix| create_index(t, ix)));
            continue;
        };
        if rebuilt.contains(t.name.as_str()) {
            drop_ix.extend(have.indexes.iter().map(|ix| Op::DropIndex(ix.name.clone())));
            create_ix.extend(t.indexes.iter().map(|ix| create_index(t, ix)));
            continue;
        }
        for ix in &have.indexes {
            if !want.indexes.contains(ix) {
                drop_ix.push(Op::DropIndex(ix.name.clone()));
            }
        }
        for ix in &t.indexes {
            let wanted = want.indexes.iter().find(|w| w.name == ix.name);
            if wanted.is_some_and(|w| !have.indexes.contains(w)) {
                create_ix.push(create_index(t, ix));
            }
        }
    }
    let mut ops = drop_ix;
    ops.extend(table_ops);
    ops.extend(drops.into_iter().map(Op::DropTable));
    ops.extend(
        created
            .iter()
            .filter_map(|t| schema.table(t))
            .map(|t| Op::CreateTable(Box::new(t.clone()))),
    );
    // Created tables in dependency order.
    let order: Vec<&str> = emit_sql::creation_order(schema)
        .iter()
        .map(|t| t.name.as_str())
        .collect();
    ops.sort_by_key(|op| match op {
        Op::CreateTable(t) => (1, order.iter().position(|o| *o == t.name).unwrap_or(0)),
        _ => (0, 0),
    });
    ops.extend(create_ix);
    Ok(ops)
}

fn create_index(t: &Table, ix: &Index) -> Op {
    Op::CreateIndex {
        table: t.name.clone(),
        index: ix.clone(),
    }
}

/// Orders dropped tables so that each goes before the dropped tables it references (a
/// table kept by the schema cannot reference a dropped one).
fn children_first(db: &DbState, mut pending: Vec<String>) -> Vec<String> {
    let mut out = Vec::new();
    while !pending.is_empty() {
        let referenced_by_pending = |name: &str| {
            pending.iter().any(|other| {
                other != name
                    && db.tables[other]
                        .foreign_keys
                        .iter()
                        .any(|fk| fk.table == name)
            })
        };
        // A cycle: take the first remaining one (checks are deferred to commit).
        let i = pending
            .iter()
            .position(|n| !referenced_by_pending(n))
            .unwrap_or(0);
        out.push(pending.remove(i));
    }
    out
}

/// Whether `sql` (adds and drops of columns) applies to `conn` and leaves `table` exactly
/// as wanted (tried in a savepoint and rolled back): the [`InPlace`] a caller passes.
pub fn in_place_works(conn: &Connection, sql: &str, table: &str, want: &DbTable) -> bool {
    if conn.execute_batch("SAVEPOINT mizzle_try").is_err() {
        return false;
    }
    let works = conn.execute_batch(sql).is_ok()
        && replay::introspect(conn)
            .ok()
            .and_then(|s| s.tables.get(table).cloned())
            .is_some_and(|t| t.same_shape(want));
    let _ = conn.execute_batch("ROLLBACK TO mizzle_try; RELEASE mizzle_try");
    works
}

/// The SQL of `ops`, one statement per paragraph: each op carries what it needs.
pub fn render(ops: &[Op]) -> String {
    let mut out = Vec::new();
    if ops
        .iter()
        .any(|o| matches!(o, Op::Rebuild { .. } | Op::DropTable(_)))
    {
        // Checked when the migration commits; D1 applies each file as one transaction.
        out.push("PRAGMA defer_foreign_keys = on;".to_owned());
    }
    for op in ops {
        out.push(match op {
            Op::RenameTable { from, to } => format!("ALTER TABLE {} RENAME TO {};", q(from), q(to)),
            Op::RenameColumn { table, from, to } => {
                format!(
                    "ALTER TABLE {} RENAME COLUMN {} TO {};",
                    q(table),
                    q(from),
                    q(to)
                )
            }
            Op::CreateTable(t) => emit_sql::create_table(t),
            Op::AddColumn { table, column } => emit_sql::add_column(
                table,
                table
                    .columns
                    .iter()
                    .position(|c| c.name == *column)
                    .unwrap_or(0),
            ),
            Op::DropColumn(t, c) => format!("ALTER TABLE {} DROP COLUMN {};", q(t), q(c)),
            Op::DropIndex(name) => format!("DROP INDEX {};", q(name)),
            Op::CreateIndex { table, index } => emit_sql::create_index(table, index),
            Op::DropTable(t) => format!("DROP TABLE {};", q(t)),
            Op::Rebuild {
                table,
                reason,
                old,
                dependents,
                dependent_triggers,
            } => rebuild(
                table,
                reason,
                old.as_deref(),
                dependents,
                dependent_triggers,
            ),
        });
    }
    let mut sql = out.join("\n\n");
    sql.push('\n');
    sql
}

/// Stashes the dependents of `table`: (SQL to stash, SQL to restore).
fn stash(table: &str, deps: &[String]) -> (Vec<String>, Vec<String>) {
    if deps.is_empty() {
        return (Vec::new(), Vec::new());
    }
    let stash_name = |d: &str| q(&format!("__mizzle_stash_{d}"));
    let mut save = vec![format!(
        "-- Keep the rows of {}: dropping `{table}` fires their ON DELETE actions, even with checks deferred.",
        deps.iter()
            .map(|d| format!("`{d}`"))
            .collect::<Vec<_>>()
            .join(", ")
    )];
    save.extend(
        deps.iter()
            .map(|d| format!("CREATE TABLE {} AS SELECT * FROM {};", stash_name(d), q(d))),
    );
    let mut restore = vec![format!(
        "-- Put the rows of {} back as they were.",
        deps.iter()
            .map(|d| format!("`{d}`"))
            .collect::<Vec<_>>()
            .join(", ")
    )];
    restore.extend(deps.iter().rev().map(|d| format!("DELETE FROM {};", q(d))));
    for d in deps {
        restore.push(format!(
            "INSERT INTO {} SELECT * FROM {};",
            q(d),
            stash_name(d)
        ));
    }
    restore.extend(
        deps.iter()
            .map(|d| format!("DROP TABLE {};", stash_name(d))),
    );
    (save, restore)
}

/// The D1-safe rebuild of `t` (see the module docs and D1-FACTS §1).
///
/// The table's own rows are stashed too, and the new definition is created under the final
/// name after the old table is dropped: a create-copy-drop-rename would let the old
/// table's `DROP` fire a self-reference's `ON DELETE` into the new copy's rows.
fn rebuild(
    t: &Table,
    reason: &str,
    old: Option<&DbTable>,
    deps: &[String],
    dep_triggers: &[(String, String)],
) -> String {
    let old_rows = format!("__mizzle_old_{}", t.name);
    let seq = format!("__mizzle_seq_{}", t.name);
    let mut lines = vec![format!("-- Rebuild `{}` ({reason}).", t.name)];
    if !dep_triggers.is_empty() {
        lines.push(format!(
            "-- Triggers on the tables kept below, off while their rows are put back: {}.",
            names_list(dep_triggers)
        ));
        lines.extend(
            dep_triggers
                .iter()
                .map(|(name, _)| format!("DROP TRIGGER {};", q(name))),
        );
    }
    let (save, restore) = stash(&t.name, deps);
    lines.extend(save);
    lines.push(format!(
        "CREATE TABLE {} AS SELECT * FROM {};",
        q(&old_rows),
        q(&t.name)
    ));
    let keep_sequence =
        t.columns.iter().any(|c| c.auto_increment) && old.is_some_and(|o| o.autoincrement);
    if keep_sequence {
        lines.push(format!(
            "CREATE TABLE {} AS SELECT seq FROM sqlite_sequence WHERE name = {};",
            q(&seq),
            quote_str(&t.name)
        ));
    }
    lines.push(format!("DROP TABLE {};", q(&t.name)));
    lines.push(emit_sql::create_table(t));
    let mut cols = Vec::new();
    let mut exprs = Vec::new();
    let mut not_null_filter = Vec::new();
    for c in &t.columns {
        let Some(oc) = old.and_then(|o| o.column(&c.name)) else {
            continue;
        };
        cols.push(q(&c.name));
        // A rowid alias reports `notnull = 0` but is never NULL.
        let tightened = !c.nullable && !oc.not_null && !t.is_rowid_alias(c);
        exprs.push(match (&c.default, tightened) {
            (Some(Default::Literal(d)), true) => format!("COALESCE({}, {d})", q(&c.name)),
            (_, true) => {
                not_null_filter.push(format!("{} IS NOT NULL", q(&c.name)));
                q(&c.name)
            }
            _ => q(&c.name),
        });
    }
    let filter = if not_null_filter.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", not_null_filter.join(" AND "))
    };
    if !cols.is_empty() {
        lines.push(format!(
            "INSERT INTO {} ({}) SELECT {} FROM {}{filter};",
            q(&t.name),
            cols.join(", "),
            exprs.join(", "),
            q(&old_rows)
        ));
    }
    if keep_sequence {
        let name = quote_str(&t.name);
        lines.push(format!(
            "-- Keep AUTOINCREMENT's high-water mark, so ids of deleted rows are not reused.\n\
             UPDATE sqlite_sequence SET seq = max(seq, coalesce((SELECT seq FROM {s}), 0)) WHERE name = {name};\n\
             INSERT INTO sqlite_sequence (name, seq) SELECT {name}, seq FROM {s} WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = {name});\n\
             DROP TABLE {s};",
            s = q(&seq),
        ));
    }
    lines.extend(restore);
    lines.push(format!("DROP TABLE {};", q(&old_rows)));
    // Dropping the table dropped its triggers: made again, exactly as they were written,
    // once its rows are back (so copying them fired none).
    let own = old.map_or(&[][..], |o| o.triggers.as_slice());
    if !own.is_empty() || !dep_triggers.is_empty() {
        lines.push(format!(
            "-- The triggers, as they were written: {}.",
            names_list(own.iter().chain(dep_triggers))
        ));
        for (_, sql) in own.iter().chain(dep_triggers) {
            lines.push(format!("{};", sql.trim_end().trim_end_matches(';')));
        }
    }
    lines.join("\n")
}

/// `a`, `b`: the names of `objects`, for a comment.
fn names_list<'a>(objects: impl IntoIterator<Item = &'a (String, String)>) -> String {
    objects
        .into_iter()
        .map(|(n, _)| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A file name for a migration made of `ops`: `init` first, then a short description.
pub fn describe(ops: &[Op], first: bool) -> String {
    if first {
        return "init".into();
    }
    let creates: Vec<&str> = ops
        .iter()
        .filter_map(|o| {
            if let Op::CreateTable(t) = o {
                Some(t.name.as_str())
            } else {
                None
            }
        })
        .collect();
    let only = |f: fn(&Op) -> bool| ops.iter().all(f);
    let name = match ops {
        _ if creates.len() == 1
            && only(|o| matches!(o, Op::CreateTable(_) | Op::CreateIndex { .. })) =>
        {
            format!("create_{}", creates[0])
        }
        [Op::AddColumn { table, column }] => format!("add_{}_{column}", table.name),
        [Op::AddColumn { table, .. }, ..] if only(|o| matches!(o, Op::AddColumn { .. })) => {
            format!("add_{}_columns", table.name)
        }
        [Op::RenameTable { to, .. }] => format!("rename_to_{to}"),
        [Op::RenameColumn { table, to, .. }] => format!("rename_{table}_{to}"),
        [Op::DropTable(t)] => format!("drop_{t}"),
        [Op::DropColumn(t, c)] => format!("drop_{t}_{c}"),
        [.., Op::Rebuild { table, .. }]
            if ops
                .iter()
                .filter(|o| matches!(o, Op::Rebuild { .. }))
                .count()
                == 1
                && only(|o| {
                    matches!(
                        o,
                        Op::Rebuild { .. } | Op::CreateIndex { .. } | Op::DropIndex(_)
                    )
                }) =>
        {
            format!("rebuild_{}", table.name)
        }
        _ if only(|o| matches!(o, Op::CreateIndex { .. } | Op::DropIndex(_))) => "indexes".into(),
        _ => "update_schema".into(),
    };
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}
