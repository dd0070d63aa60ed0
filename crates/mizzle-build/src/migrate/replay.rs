//! Replays migrations into an in-memory SQLite and reads back the database's shape.

use std::collections::BTreeMap;

use rusqlite::Connection;
use rusqlite::fallible_iterator::FallibleIterator;

use super::files::Migration;
use crate::diag::Diagnostic;

/// A column as SQLite reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct DbColumn {
    /// Name.
    pub name: String,
    /// Declared type, upper-cased.
    pub decl_type: String,
    /// NOT NULL.
    pub not_null: bool,
    /// Default expression text.
    pub default: Option<String>,
    /// Position in the primary key (0: not in it).
    pub pk: i64,
}

/// A table as SQLite reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct DbTable {
    /// Columns in order.
    pub columns: Vec<DbColumn>,
    /// Named indexes (not the automatic ones).
    pub indexes: Vec<String>,
}

/// The database's shape.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DbState {
    /// Tables by name (SQLite and D1 internal tables excluded).
    pub tables: BTreeMap<String, DbTable>,
}

/// An in-memory database with foreign keys enforced, as D1 has them.
pub fn open() -> Connection {
    let conn = Connection::open_in_memory().expect("in-memory SQLite always opens");
    // Enforcement changes nothing about DDL; it keeps replays honest about data migrations.
    let _ = conn.pragma_update(None, "foreign_keys", true);
    conn
}

/// Applies one migration as one transaction, as `wrangler d1 migrations apply` does.
/// The error names the file and the failing statement.
pub fn apply(conn: &mut Connection, m: &Migration, shown_dir: &str) -> Result<(), Diagnostic> {
    let fail = |what: String| {
        Diagnostic::bare(format!("{shown_dir}/{} does not apply: {what}", m.file_name))
            .help("fix the SQL in that file (mizzle replays every migration to learn the database's shape)")
    };
    let tx = conn.transaction().map_err(|e| fail(e.to_string()))?;
    {
        let mut batch = rusqlite::Batch::new(&tx, &m.sql);
        loop {
            match batch.next() {
                Ok(Some(mut stmt)) => {
                    let text = stmt.expanded_sql().unwrap_or_default();
                    if let Err(e) = stmt.raw_execute() {
                        return Err(fail(format!("{e}\n  in statement: {}", text.trim())));
                    }
                }
                Ok(None) => break,
                Err(e) => return Err(fail(e.to_string())),
            }
        }
    }
    tx.commit().map_err(|e| fail(e.to_string()))
}

/// Reads the shape of every user table.
pub fn introspect(conn: &Connection) -> rusqlite::Result<DbState> {
    let mut state = DbState::default();
    let mut tables = conn.prepare(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
         AND name NOT LIKE '_cf_%' AND name <> 'd1_migrations' ORDER BY name",
    )?;
    let names: Vec<String> = tables
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for name in names {
        let mut cols = conn
            .prepare("SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info(?1)")?;
        let columns = cols
            .query_map([&name], |r| {
                Ok(DbColumn {
                    name: r.get(0)?,
                    decl_type: r.get::<_, String>(1)?.to_uppercase(),
                    not_null: r.get::<_, i64>(2)? != 0,
                    default: r.get(3)?,
                    pk: r.get(4)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        let mut ix = conn.prepare(
            "SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = ?1 AND sql IS NOT NULL ORDER BY name",
        )?;
        let indexes = ix
            .query_map([&name], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        state.tables.insert(name, DbTable { columns, indexes });
    }
    Ok(state)
}
