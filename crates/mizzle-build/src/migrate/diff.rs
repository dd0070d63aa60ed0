//! Differences between the replayed database and the schema, as data (`Op`s in a fixed
//! order), then rendered to SQL.
//!
//! This first cut handles what SQLite can do in place: create tables and indexes, add
//! columns `ALTER TABLE ADD COLUMN` accepts, rename tables and columns (`renamed_from`),
//! and drop indexes. Changes that need a table rebuild, and drops of tables or columns,
//! are reported as errors naming the change rather than skipped.

use super::replay::{DbState, DbTable};
use crate::diag::Diagnostic;
use crate::emit_sql;
use crate::ir::{Default, Schema, Table};
use crate::naming::quote_ident as q;

/// One step of a migration.
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
    /// `CREATE TABLE` (the schema's table of that name).
    CreateTable(String),
    /// `ALTER TABLE t ADD COLUMN` (column index in the schema's table).
    AddColumn(String, usize),
    /// `DROP INDEX`.
    DropIndex(String),
    /// `CREATE INDEX` (table, index position).
    CreateIndex(String, usize),
}

/// Why a column cannot be added in place, if it cannot.
fn add_column_blocker(t: &Table, i: usize) -> Option<&'static str> {
    let c = &t.columns[i];
    if t.primary_key.contains(&c.name) {
        return Some("it is part of the primary key");
    }
    if c.unique {
        return Some("it is UNIQUE");
    }
    let literal_default = matches!(c.default, Some(Default::Literal(_)));
    if !c.nullable && !literal_default {
        return Some("it is NOT NULL without a literal `default` for the existing rows");
    }
    if matches!(c.default, Some(Default::Sql(_))) {
        return Some("its `default_sql` may not be constant");
    }
    if c.references.is_some() && !c.nullable {
        return Some(
            "a NOT NULL foreign key needs a non-NULL default, which SQLite refuses to add",
        );
    }
    None
}

/// The steps that take `db` to `schema`, or the changes this version cannot make.
pub fn diff(db: &DbState, schema: &Schema) -> Result<Vec<Op>, Vec<Diagnostic>> {
    let mut ops = Vec::new();
    let mut errs = Vec::new();
    let mut claimed: Vec<&str> = Vec::new();
    for t in emit_sql::creation_order(schema) {
        let existing: Option<(&str, &DbTable)> = match db.tables.get(&t.name) {
            Some(d) => Some((&t.name, d)),
            None => t.renamed_from.as_deref().and_then(|old| {
                db.tables
                    .get(old)
                    .filter(|_| schema.table(old).is_none())
                    .map(|d| (old, d))
            }),
        };
        let Some((db_name, dbt)) = existing else {
            ops.push(Op::CreateTable(t.name.clone()));
            ops.extend((0..t.indexes.len()).map(|i| Op::CreateIndex(t.name.clone(), i)));
            continue;
        };
        claimed.push(db_name);
        if db_name != t.name {
            ops.push(Op::RenameTable {
                from: db_name.to_owned(),
                to: t.name.clone(),
            });
        }
        let mut db_cols_seen: Vec<&str> = Vec::new();
        for (i, c) in t.columns.iter().enumerate() {
            let found = dbt.columns.iter().find(|d| d.name == c.name).or_else(|| {
                c.renamed_from.as_deref().and_then(|old| {
                    dbt.columns
                        .iter()
                        .find(|d| d.name == old)
                        .filter(|_| t.column(old).is_none())
                })
            });
            match found {
                Some(d) => {
                    db_cols_seen.push(&d.name);
                    if d.name != c.name {
                        ops.push(Op::RenameColumn { table: t.name.clone(), from: d.name.clone(), to: c.name.clone() });
                    }
                    let want_not_null = !c.nullable && !t.is_rowid_alias(c);
                    if d.decl_type != c.ty.sql_type() || d.not_null != want_not_null {
                        errs.push(
                            Diagnostic::bare(format!(
                                "column `{}.{}` changed ({} {} → {} {}), which needs a table rebuild",
                                t.name,
                                c.name,
                                d.decl_type,
                                if d.not_null { "NOT NULL" } else { "NULL" },
                                c.ty.sql_type(),
                                if want_not_null { "NOT NULL" } else { "NULL" },
                            ))
                            .help("mizzle does not generate table rebuilds yet: write the migration by hand in migrations/ (see README, \"Hand-written migrations\")"),
                        );
                    }
                }
                None => match add_column_blocker(t, i) {
                    None => ops.push(Op::AddColumn(t.name.clone(), i)),
                    Some(why) => errs.push(
                        Diagnostic::bare(format!(
                            "column `{}.{}` cannot be added with ALTER TABLE: {why}",
                            t.name, c.name
                        ))
                        .help("make it nullable or give it a literal `default`; table rebuilds are not generated yet"),
                    ),
                },
            }
        }
        for d in &dbt.columns {
            if !db_cols_seen.contains(&d.name.as_str()) {
                errs.push(
                    Diagnostic::bare(format!("column `{}.{}` is in the database but not in the schema", t.name, d.name))
                        .help("mizzle does not drop columns yet: put the column back, or drop it in a hand-written migration"),
                );
            }
        }
        for ix in &dbt.indexes {
            if !t.indexes.iter().any(|i| &i.name == ix) {
                ops.push(Op::DropIndex(ix.clone()));
            }
        }
        for (i, ix) in t.indexes.iter().enumerate() {
            if !dbt.indexes.contains(&ix.name) {
                ops.push(Op::CreateIndex(t.name.clone(), i));
            }
        }
    }
    for name in db.tables.keys() {
        if !claimed.contains(&name.as_str()) {
            errs.push(
                Diagnostic::bare(format!("table `{name}` is in the database but not in the schema"))
                    .help(format!(
                        "mizzle does not drop tables yet: add schema/{name}.toml back, or drop it in a hand-written migration"
                    )),
            );
        }
    }
    // Drops of indexes go first so a re-created index of the same name can follow.
    ops.sort_by_key(|op| match op {
        Op::RenameTable { .. } => 0,
        Op::RenameColumn { .. } => 1,
        Op::DropIndex(_) => 2,
        _ => 3,
    });
    if errs.is_empty() { Ok(ops) } else { Err(errs) }
}

/// The SQL of `ops`, one statement per paragraph.
pub fn render(ops: &[Op], schema: &Schema) -> String {
    let table = |n: &str| schema.table(n).expect("ops name schema tables");
    let mut out = Vec::new();
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
            Op::CreateTable(t) => emit_sql::create_table(table(t)),
            Op::AddColumn(t, i) => emit_sql::add_column(table(t), *i),
            Op::DropIndex(name) => format!("DROP INDEX {};", q(name)),
            Op::CreateIndex(t, i) => emit_sql::create_index(t, &table(t).indexes[*i]),
        });
    }
    let mut sql = out.join("\n\n");
    sql.push('\n');
    sql
}

/// A file name for a migration made of `ops`: `init` first, then a short description.
pub fn describe(ops: &[Op], schema: &Schema, first: bool) -> String {
    if first {
        return "init".into();
    }
    let creates: Vec<&str> = ops
        .iter()
        .filter_map(|o| {
            if let Op::CreateTable(t) = o {
                Some(t.as_str())
            } else {
                None
            }
        })
        .collect();
    let adds: Vec<(&str, usize)> = ops
        .iter()
        .filter_map(|o| {
            if let Op::AddColumn(t, i) = o {
                Some((t.as_str(), *i))
            } else {
                None
            }
        })
        .collect();
    let name = match (ops, creates.as_slice(), adds.as_slice()) {
        (_, [t], [])
            if ops
                .iter()
                .all(|o| matches!(o, Op::CreateTable(_) | Op::CreateIndex(..))) =>
        {
            format!("create_{t}")
        }
        ([Op::AddColumn(..)], [], [(t, i)]) => {
            format!(
                "add_{t}_{}",
                schema
                    .table(t)
                    .map_or("column", |t| t.columns[*i].name.as_str())
            )
        }
        (_, [], adds) if !adds.is_empty() && adds.len() == ops.len() => {
            format!("add_{}_columns", adds[0].0)
        }
        ([Op::RenameTable { to, .. }], _, _) => format!("rename_to_{to}"),
        ([Op::RenameColumn { table, to, .. }], _, _) => format!("rename_{table}_{to}"),
        _ if ops
            .iter()
            .all(|o| matches!(o, Op::CreateIndex(..) | Op::DropIndex(_))) =>
        {
            "indexes".into()
        }
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
