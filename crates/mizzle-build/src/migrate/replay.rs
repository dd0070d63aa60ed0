//! Replays migrations into an in-memory SQLite and reads back each table's shape.
//!
//! Shapes are compared, not SQL text: the expected shape of the schema is read back the same
//! way from a scratch database built from its DDL, so both sides go through SQLite's own
//! parser (and hand-written migrations may spell things their own way).

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::Connection;
use rusqlite::fallible_iterator::FallibleIterator;

use super::files::Migration;
use crate::diag::Diagnostic;

/// A column as SQLite reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DbColumn {
    /// Name.
    pub name: String,
    /// Declared type.
    pub decl_type: String,
    /// Type affinity (INTEGER, TEXT, BLOB, REAL, NUMERIC).
    pub affinity: &'static str,
    /// NOT NULL.
    pub not_null: bool,
    /// Default expression, normalised.
    pub default: Option<String>,
    /// Position in the primary key (0: not in it).
    pub pk: i64,
}

/// A foreign key.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct DbForeignKey {
    /// Referencing columns.
    pub from: Vec<String>,
    /// Referenced table.
    pub table: String,
    /// Referenced columns.
    pub to: Vec<String>,
    /// ON UPDATE action.
    pub on_update: String,
    /// ON DELETE action.
    pub on_delete: String,
}

/// A named index (`CREATE INDEX`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct DbIndex {
    /// Name.
    pub name: String,
    /// UNIQUE.
    pub unique: bool,
    /// Columns.
    pub columns: Vec<String>,
    /// Partial index condition, normalised.
    pub partial: Option<String>,
}

/// A table as SQLite reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DbTable {
    /// Columns in order.
    pub columns: Vec<DbColumn>,
    /// Foreign keys, sorted.
    pub foreign_keys: Vec<DbForeignKey>,
    /// Column sets of UNIQUE constraints, sorted.
    pub uniques: Vec<Vec<String>>,
    /// Named indexes, sorted.
    pub indexes: Vec<DbIndex>,
    /// CHECK expressions, normalised and sorted.
    pub checks: Vec<String>,
    /// AUTOINCREMENT.
    pub autoincrement: bool,
    /// WITHOUT ROWID.
    pub without_rowid: bool,
    /// Triggers on it (name, exact SQL), by name: hand-written, kept through a rebuild (a
    /// `DROP TABLE` drops them). Not part of its shape.
    pub triggers: Vec<(String, String)>,
}

impl DbTable {
    /// The column called `name`.
    pub fn column(&self, name: &str) -> Option<&DbColumn> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// Whether two tables have the same shape, columns compared by name (not order:
    /// `ADD COLUMN` appends, and mizzle never relies on column order).
    pub fn same_shape(&self, other: &DbTable) -> bool {
        let cols = |t: &DbTable| {
            t.columns
                .iter()
                .map(|c| {
                    (
                        c.name.clone(),
                        c.affinity,
                        c.not_null,
                        c.default.clone(),
                        c.pk,
                    )
                })
                .collect::<BTreeSet<_>>()
        };
        cols(self) == cols(other)
            && self.foreign_keys == other.foreign_keys
            && self.uniques == other.uniques
            && self.checks == other.checks
            && self.autoincrement == other.autoincrement
            && self.without_rowid == other.without_rowid
    }
}

/// The database's shape.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DbState {
    /// Tables by name (SQLite, D1 and mizzle's own scratch tables excluded).
    pub tables: BTreeMap<String, DbTable>,
}

/// An in-memory database with foreign keys enforced, as D1 has them.
pub fn open() -> Connection {
    let conn = Connection::open_in_memory().expect("in-memory SQLite always opens");
    let _ = conn.pragma_update(None, "foreign_keys", true);
    conn
}

/// Applies one migration as one transaction, as `wrangler d1 migrations apply` does.
/// The error names the file and the failing statement.
pub fn apply(conn: &mut Connection, m: &Migration, shown_dir: &str) -> Result<(), Diagnostic> {
    run_sql(conn, &m.sql).map_err(|(what, stmt)| {
        let mut msg = format!("{shown_dir}/{} does not apply: {what}", m.file_name);
        if !stmt.is_empty() {
            msg.push_str(&format!("\n  in statement: {stmt}"));
        }
        Diagnostic::bare(msg).help("fix the SQL in that file (mizzle replays every migration to learn the database's shape)")
    })
}

/// Runs a script in one transaction. On failure: (SQLite's message, the failing statement).
pub fn run_sql(conn: &mut Connection, sql: &str) -> Result<(), (String, String)> {
    let tx = conn
        .transaction()
        .map_err(|e| (e.to_string(), String::new()))?;
    {
        let mut batch = rusqlite::Batch::new(&tx, sql);
        // Where the next statement starts, to quote it when it fails to prepare.
        let mut consumed = 0;
        loop {
            match batch.next() {
                Ok(Some(mut stmt)) => {
                    let text = stmt.expanded_sql().unwrap_or_default();
                    if let Some(at) = sql[consumed..].find(text.trim()) {
                        consumed += at + text.trim().len();
                    }
                    if let Err(e) = stmt.raw_execute() {
                        return Err((e.to_string(), text.trim().to_owned()));
                    }
                }
                Ok(None) => break,
                Err(e) => return Err((e.to_string(), next_statement(&sql[consumed..]))),
            }
        }
    }
    tx.commit()
        .map_err(|e| (e.to_string(), "COMMIT (deferred foreign keys)".to_owned()))
}

/// The first statement of `rest`, up to its `;`, without leading comments.
fn next_statement(rest: &str) -> String {
    let body: String = rest
        .trim_start_matches(';')
        .lines()
        .filter(|l| !l.trim_start().starts_with("--"))
        .collect::<Vec<_>>()
        .join(" ");
    let stmt = body.split(';').next().unwrap_or("").trim();
    stmt.chars().take(300).collect()
}

/// SQLite's type affinity of a declared type (datatype3.html, 3.1).
pub fn affinity(decl: &str) -> &'static str {
    let d = decl.to_ascii_uppercase();
    if d.contains("INT") {
        "INTEGER"
    } else if d.contains("CHAR") || d.contains("CLOB") || d.contains("TEXT") {
        "TEXT"
    } else if d.contains("BLOB") || d.is_empty() {
        "BLOB"
    } else if d.contains("REAL") || d.contains("FLOA") || d.contains("DOUB") {
        "REAL"
    } else {
        "NUMERIC"
    }
}

/// Normalises SQL for comparison: outside string literals, drops whitespace and identifier
/// quotes and upper-cases.
pub fn normalise_sql(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut in_str = false;
    for ch in sql.chars() {
        if in_str {
            out.push(ch);
            if ch == '\'' {
                in_str = false;
            }
        } else if ch == '\'' {
            in_str = true;
            out.push(ch);
        } else if !(ch.is_whitespace() || matches!(ch, '"' | '`' | '[' | ']')) {
            out.extend(ch.to_uppercase());
        }
    }
    out
}

/// A column default normalised for comparison: `TRUE` and `FALSE` are SQLite's names for 1
/// and 0, so `DEFAULT true` (drizzle-kit) and `DEFAULT 1` (mizzle) store the same value.
fn normalise_default(sql: &str) -> String {
    let n = normalise_sql(sql);
    match n.as_str() {
        "TRUE" => "1".to_owned(),
        "FALSE" => "0".to_owned(),
        _ => n,
    }
}

/// The CHECK expressions in a normalised `CREATE TABLE` text.
fn checks_of(normalised: &str) -> Vec<String> {
    let mut out = Vec::new();
    let bytes = normalised.as_bytes();
    let mut i = 0;
    let mut in_str = false;
    while i < bytes.len() {
        let b = bytes[i];
        if in_str {
            in_str = b != b'\'';
            i += 1;
            continue;
        }
        if b == b'\'' {
            in_str = true;
            i += 1;
            continue;
        }
        if bytes[i..].starts_with(b"CHECK(") {
            let start = i + "CHECK(".len();
            let mut depth = 1;
            let mut j = start;
            let mut s = false;
            while j < bytes.len() && depth > 0 {
                match bytes[j] {
                    b'\'' => s = !s,
                    b'(' if !s => depth += 1,
                    b')' if !s => depth -= 1,
                    _ => {}
                }
                j += 1;
            }
            let expr = &normalised[start..j.saturating_sub(1)];
            // A named CHECK (`CONSTRAINT name CHECK (..)`) keeps its name in the shape: the
            // name is what constraint errors show, so renaming it is a change.
            let before = &normalised[..i];
            let name = before.rfind("CONSTRAINT").and_then(|at| {
                let name = &before[at + "CONSTRAINT".len()..];
                (!name.is_empty() && !name.contains([',', '(', ')'])).then_some(name)
            });
            out.push(match name {
                Some(n) => format!("{n}:{expr}"),
                None => expr.to_owned(),
            });
            i = j;
            continue;
        }
        i += 1;
    }
    out.sort();
    out
}

/// Every trigger and view in the database: (`"trigger"` or `"view"`, name, its table, SQL),
/// by name.
pub fn triggers_and_views(
    conn: &Connection,
) -> Result<Vec<(String, String, String, String)>, String> {
    let mut stmt = conn
        .prepare(
            "SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE type IN ('trigger', 'view') ORDER BY type, name",
        )
        .map_err(|e| e.to_string())?;
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .and_then(Iterator::collect)
        .map_err(|e| e.to_string())
}

/// Reads the shape of every user table.
pub fn introspect(conn: &Connection) -> rusqlite::Result<DbState> {
    let mut state = DbState::default();
    let mut tables =
        conn.prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'table' ORDER BY name")?;
    // SQLite's, D1's, wrangler's and mizzle's own tables are not the user's: the same rule
    // that refuses those names in a schema.
    let names: Vec<(String, String)> = tables
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .filter(|r| {
            r.as_ref().map_or(true, |(name, _): &(String, String)| {
                crate::lower::reserved_sql_name(name).is_none()
            })
        })
        .collect::<Result<_, _>>()?;
    for (name, sql) in names {
        state
            .tables
            .insert(name.clone(), introspect_table(conn, &name, &sql)?);
    }
    // `REFERENCES parent` without columns means the parent's primary key: name it, so the
    // two spellings compare equal.
    let keys: BTreeMap<String, Vec<String>> = state
        .tables
        .iter()
        .map(|(name, t)| {
            let mut pk: Vec<&DbColumn> = t.columns.iter().filter(|c| c.pk > 0).collect();
            pk.sort_by_key(|c| c.pk);
            (name.clone(), pk.iter().map(|c| c.name.clone()).collect())
        })
        .collect();
    for t in state.tables.values_mut() {
        for fk in &mut t.foreign_keys {
            if fk.to.iter().all(String::is_empty)
                && let Some(pk) = keys.get(&fk.table).filter(|pk| pk.len() == fk.to.len())
            {
                fk.to = pk.clone();
            }
        }
        t.foreign_keys.sort();
    }
    Ok(state)
}

fn introspect_table(conn: &Connection, name: &str, sql: &str) -> rusqlite::Result<DbTable> {
    let mut cols =
        conn.prepare("SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info(?1)")?;
    let columns = cols
        .query_map([name], |r| {
            let decl: String = r.get(1)?;
            Ok(DbColumn {
                name: r.get(0)?,
                affinity: affinity(&decl),
                decl_type: decl.to_uppercase(),
                not_null: r.get::<_, i64>(2)? != 0,
                default: r
                    .get::<_, Option<String>>(3)?
                    .map(|d| normalise_default(&d)),
                pk: r.get(4)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut fk = conn.prepare(
        "SELECT id, \"from\", \"table\", \"to\", on_update, on_delete FROM pragma_foreign_key_list(?1) ORDER BY id, seq",
    )?;
    let mut fks: BTreeMap<i64, DbForeignKey> = BTreeMap::new();
    let rows = fk.query_map([name], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, Option<String>>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, String>(5)?,
        ))
    })?;
    for row in rows {
        let (id, from, table, to, on_update, on_delete) = row?;
        let e = fks.entry(id).or_insert_with(|| DbForeignKey {
            from: Vec::new(),
            table,
            to: Vec::new(),
            on_update,
            on_delete,
        });
        e.from.push(from);
        // `to` is NULL when the parent's primary key is meant.
        e.to.push(to.unwrap_or_default());
    }
    let mut foreign_keys: Vec<DbForeignKey> = fks.into_values().collect();
    foreign_keys.sort();
    let mut ix =
        conn.prepare("SELECT name, \"unique\", origin, partial FROM pragma_index_list(?1)")?;
    let list: Vec<(String, bool, String, bool)> = ix
        .query_map([name], |r| {
            Ok((
                r.get(0)?,
                r.get::<_, i64>(1)? != 0,
                r.get(2)?,
                r.get::<_, i64>(3)? != 0,
            ))
        })?
        .collect::<Result<_, _>>()?;
    let mut uniques = Vec::new();
    let mut indexes = Vec::new();
    for (ix_name, unique, origin, partial) in list {
        let mut info = conn.prepare("SELECT name FROM pragma_index_info(?1) ORDER BY seqno")?;
        let columns: Vec<String> = info
            .query_map([&ix_name], |r| r.get::<_, Option<String>>(0))?
            .map(|c| c.map(Option::unwrap_or_default))
            .collect::<Result<_, _>>()?;
        match origin.as_str() {
            "u" => uniques.push(columns),
            "c" => {
                let partial = if partial {
                    let ix_sql: String = conn.query_row(
                        "SELECT sql FROM sqlite_schema WHERE type = 'index' AND name = ?1",
                        [&ix_name],
                        |r| r.get(0),
                    )?;
                    let n = normalise_sql(&ix_sql);
                    n.find(")WHERE")
                        .map(|at| n[at + ")WHERE".len()..].trim_end_matches(';').to_owned())
                } else {
                    None
                };
                indexes.push(DbIndex {
                    name: ix_name,
                    unique,
                    columns,
                    partial,
                });
            }
            _ => {}
        }
    }
    uniques.sort();
    indexes.sort();
    let normalised = normalise_sql(sql);
    let without_rowid = normalised.ends_with("WITHOUTROWID");
    // A rowid alias (the one `INTEGER PRIMARY KEY` of a rowid table) is never NULL, whether
    // or not `NOT NULL` is spelled out (drizzle-kit spells it, mizzle does not).
    let mut columns = columns;
    if !without_rowid && columns.iter().filter(|c| c.pk > 0).count() == 1 {
        for c in columns
            .iter_mut()
            .filter(|c| c.pk > 0 && c.decl_type == "INTEGER")
        {
            c.not_null = true;
        }
    }
    let mut tr = conn.prepare(
        "SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = ?1 ORDER BY name",
    )?;
    let triggers = tr
        .query_map([name], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(DbTable {
        columns,
        foreign_keys,
        uniques,
        indexes,
        checks: checks_of(&normalised),
        autoincrement: normalised.contains("AUTOINCREMENT"),
        without_rowid,
        triggers,
    })
}

/// The shape the schema's DDL has, read back from a scratch database.
pub fn expected(schema: &crate::ir::Schema) -> Result<DbState, String> {
    let conn = open();
    conn.execute_batch(&crate::emit_sql::schema_sql(schema))
        .map_err(|e| e.to_string())?;
    introspect(&conn).map_err(|e| e.to_string())
}

/// The CHECK expressions of a `CREATE TABLE` text as written (raw SQL, runnable), each with
/// its normalised form as [`DbTable::checks`] holds it (`NAME:EXPR` for a named one).
pub fn raw_checks(sql: &str) -> Vec<(String, String)> {
    raw_checks_named(sql)
        .into_iter()
        .map(|c| (c.expr, c.entry))
        .collect()
}

/// A CHECK constraint of a `CREATE TABLE` text, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawCheck {
    /// The constraint's name as written, unquoted (`CONSTRAINT name CHECK (..)`).
    pub name: Option<String>,
    /// The expression as written.
    pub expr: String,
    /// Its normalised form as [`DbTable::checks`] holds it.
    pub entry: String,
}

/// The CHECK constraints of a `CREATE TABLE` text, as written, in order.
pub fn raw_checks_named(sql: &str) -> Vec<RawCheck> {
    let bytes = sql.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            // Skip string literals and quoted identifiers.
            q @ (b'\'' | b'"' | b'`') => {
                i += 1;
                while i < bytes.len() && bytes[i] != q {
                    i += 1;
                }
                i += 1;
            }
            b'[' => {
                while i < bytes.len() && bytes[i] != b']' {
                    i += 1;
                }
                i += 1;
            }
            _ if sql
                .get(i..i + 5)
                .is_some_and(|w| w.eq_ignore_ascii_case("CHECK"))
                && (i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_')) =>
            {
                let mut j = i + 5;
                while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                    j += 1;
                }
                if bytes.get(j) != Some(&b'(') {
                    i += 5;
                    continue;
                }
                let start = j + 1;
                let (mut depth, mut k, mut quote) = (1, start, None::<u8>);
                while k < bytes.len() && depth > 0 {
                    let b = bytes[k];
                    match quote {
                        Some(q) if b == q => quote = None,
                        Some(_) => {}
                        None => match b {
                            b'\'' | b'"' | b'`' => quote = Some(b),
                            b'(' => depth += 1,
                            b')' => depth -= 1,
                            _ => {}
                        },
                    }
                    k += 1;
                }
                let expr = sql[start..k.saturating_sub(1)].trim().to_owned();
                // The normalised entry, named as `checks_of` names it.
                let before = normalise_sql(&sql[..i]);
                let norm = normalise_sql(&expr);
                let name = before.rfind("CONSTRAINT").and_then(|at| {
                    let n = &before[at + "CONSTRAINT".len()..];
                    (!n.is_empty() && !n.contains([',', '(', ')'])).then(|| n.to_owned())
                });
                let raw_name = name.as_ref().and_then(|_| {
                    let upper = sql[..i].to_ascii_uppercase();
                    let at = upper.rfind("CONSTRAINT")?;
                    let n = sql[at + "CONSTRAINT".len()..i].trim();
                    Some(unquote_ident(n))
                });
                let entry = name.map_or(norm.clone(), |n| format!("{n}:{norm}"));
                out.push(RawCheck {
                    name: raw_name,
                    expr,
                    entry,
                });
                i = k;
            }
            _ => i += 1,
        }
    }
    out
}

/// An identifier as written in SQL, without its quotes (`"a""b"` → `a"b`).
pub fn unquote_ident(s: &str) -> String {
    let s = s.trim();
    let pairs = [('"', '"'), ('`', '`'), ('[', ']')];
    for (open, close) in pairs {
        if s.len() >= 2 && s.starts_with(open) && s.ends_with(close) {
            let inner = &s[1..s.len() - 1];
            return if open == close {
                inner.replace(&format!("{open}{open}"), &open.to_string())
            } else {
                inner.to_owned()
            };
        }
    }
    s.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_and_finds_checks() {
        let n = normalise_sql(
            r#"CREATE TABLE "t" ("a" TEXT CHECK (length(a) > 0), b INT CHECK(b IN (0, 1)), CONSTRAINT c CHECK ('x y' <> a))"#,
        );
        assert_eq!(checks_of(&n), vec!["BIN(0,1)", "C:'x y'<>A", "LENGTH(A)>0"]);
        assert_eq!(affinity("VARCHAR(10)"), "TEXT");
        assert_eq!(affinity("BIGINT"), "INTEGER");
        assert_eq!(affinity(""), "BLOB");
    }

    #[test]
    fn raw_checks_agree_with_the_shape() {
        let sql = r#"CREATE TABLE "t" ("a" TEXT CHECK (length(a) > 0), b INT check(b IN (0, 1)), "c(" TEXT DEFAULT 'CHECK (x)', CONSTRAINT "c 1" CHECK ('x y' <> a), CONSTRAINT d CHECK (b >= (0)))"#;
        let mut raw: Vec<String> = raw_checks(sql).into_iter().map(|(_, e)| e).collect();
        raw.sort();
        assert_eq!(raw, checks_of(&normalise_sql(sql)));
        let exprs: Vec<String> = raw_checks(sql).into_iter().map(|(e, _)| e).collect();
        assert_eq!(
            exprs,
            ["length(a) > 0", "b IN (0, 1)", "'x y' <> a", "b >= (0)"]
        );
    }

    #[test]
    fn failing_statement_is_named() {
        let mut conn = open();
        let err = run_sql(
            &mut conn,
            "CREATE TABLE a (x INTEGER);\n-- note\nINSERT INTO nowhere VALUES (1);\nSELECT 1;",
        )
        .unwrap_err();
        assert!(err.0.contains("no such table"), "{err:?}");
        assert_eq!(err.1, "INSERT INTO nowhere VALUES (1)");
    }
}
