//! Raw SQL fields (`check`, `default_sql`, an index's `where`, `[checks]`) must each be
//! exactly one SQL expression. SQLite's own parser decides: the expression is prepared
//! (never run) as the only result column of `SELECT +(expr) FROM "table"`, and SQLite's
//! name for that column is the text of the expression it parsed. If the text escapes its
//! parentheses (`1)); DELETE FROM users WHERE ((1`, `1), (2`, `1) FROM t UNION SELECT (1`)
//! the statement fails to prepare, has a tail, or its column is not the whole text.

use rusqlite::Connection;

use crate::diag::{Diagnostic, Span};
use crate::ir::Table;
use crate::naming::quote_ident as q;

/// A scratch database holding `t`'s columns (types only, no constraints), for resolving
/// the column names an expression uses.
pub fn scratch(t: &Table) -> Option<Connection> {
    let conn = Connection::open_in_memory().ok()?;
    let cols: Vec<String> = t
        .columns
        .iter()
        .map(|c| format!("{} {}", q(&c.name), c.ty.sql_type()))
        .collect();
    if cols.is_empty() {
        return Some(conn);
    }
    conn.execute(
        &format!("CREATE TABLE {} ({})", q(&t.name), cols.join(", ")),
        [],
    )
    .ok()?;
    Some(conn)
}

/// Where an expression stands, which decides what it may name.
#[derive(Clone, Copy)]
pub enum Context {
    /// A CHECK or an index's WHERE: the table's columns are in scope.
    Row,
    /// A column DEFAULT: a constant, no columns.
    Constant,
}

/// Checks that `expr` is exactly one SQL expression. `key` names the TOML key.
pub fn check(
    conn: &Connection,
    t: &Table,
    expr: &str,
    ctx: Context,
    key: &str,
    span: &Span,
) -> Result<(), Diagnostic> {
    let fail = |why: String, help: &str| {
        Err(Diagnostic::error(
            format!(
                "`{key}` of table `{}` is not one SQL expression: {why}",
                t.name
            ),
            span,
            "here",
        )
        .help(help.to_owned()))
    };
    if expr.trim().is_empty() {
        return fail(
            "it is empty".into(),
            "write an expression, e.g. `length(name) > 0`",
        );
    }
    if expr.contains('\0') {
        return fail(
            "it contains a NUL character".into(),
            "SQLite's SQL text ends at NUL; remove it",
        );
    }
    let sql = match ctx {
        Context::Row => format!("SELECT +({expr}) FROM {}", q(&t.name)),
        Context::Constant => format!("SELECT +({expr})"),
    };
    let stmt = match conn.prepare(&sql) {
        Ok(s) => s,
        Err(rusqlite::Error::MultipleStatement) => {
            return fail(
                "it ends the statement and starts another".into(),
                "a `check`, `default_sql` or `where` is one expression; it cannot contain `;` outside a string",
            );
        }
        Err(e) => {
            let msg = sqlite_message(&e);
            let help = match ctx {
                Context::Constant if msg.contains("no such column") => {
                    "a default cannot name columns; for a string default write it in quotes (`'text'`) or use `default = \"text\"`"
                }
                _ if msg.contains("no such column") => {
                    "name only this table's own columns (double-quote names that are keywords)"
                }
                _ => "check the expression's syntax (SQLite's dialect)",
            };
            return fail(msg, help);
        }
    };
    let whole = format!("+({expr})");
    if stmt.column_count() != 1 || stmt.column_name(0).ok() != Some(whole.as_str()) {
        let parsed = stmt.column_name(0).unwrap_or("?").to_owned();
        return fail(
            format!(
                "SQLite reads only `{}` as the expression",
                parsed
                    .strip_prefix("+(")
                    .and_then(|p| p.strip_suffix(')'))
                    .unwrap_or(&parsed)
            ),
            "the text closes its own parentheses and goes on; balance the parentheses",
        );
    }
    Ok(())
}

fn sqlite_message(e: &rusqlite::Error) -> String {
    match e {
        rusqlite::Error::SqliteFailure(_, Some(m)) => m.clone(),
        rusqlite::Error::SqlInputError { msg, .. } => msg.clone(),
        other => other.to_string(),
    }
}
