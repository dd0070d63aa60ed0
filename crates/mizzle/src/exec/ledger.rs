//! Migrations applied by the database's owner at run time: what a Durable Object does with
//! the migrations compiled into it (`MIGRATIONS`), since wrangler migrates only D1.
//!
//! Each pending file runs in one transaction with a row in the ledger table
//! `__mizzle_migrations` (name, checksum, time), so a file is applied entirely or not at all,
//! and exactly once. A file whose text changed after it was applied, a file applied that
//! the code no longer has, or a new file that sorts before one already applied, is an
//! error naming it: the database is left as it is.

use std::collections::BTreeMap;

use crate::error::{Error, Result};
use crate::sql::statement::Statement;
use crate::sql::text::{checksum, split_statements};
use crate::sql::value::Value;

/// The ledger table (a `__mizzle_` name: no schema may use one).
pub const LEDGER: &str = "__mizzle_migrations";

/// What applying migrations needs of a connection.
pub(crate) trait LedgerConn {
    /// Runs one statement; its rows.
    fn run(&self, sql: &str, params: &[Value]) -> Result<Vec<Vec<Value>>>;
    /// Runs `stmts` in one transaction: all are kept, or, when one fails, none (with the
    /// failing statement's position).
    fn run_atomically(&self, stmts: Vec<Statement>) -> std::result::Result<(), (usize, Error)>;
}

/// Applies the migrations not yet recorded, in order; the names it applied.
pub(crate) fn apply_pending(
    c: &impl LedgerConn,
    migrations: &[(&str, &str)],
) -> Result<Vec<String>> {
    c.run(
        &format!(
            "CREATE TABLE IF NOT EXISTS \"{LEDGER}\" (name TEXT PRIMARY KEY NOT NULL, \
             checksum TEXT NOT NULL, applied_at INTEGER NOT NULL)"
        ),
        &[],
    )?;
    let mut applied = BTreeMap::new();
    for row in c.run(&format!("SELECT name, checksum FROM \"{LEDGER}\""), &[])? {
        if let [Value::Text(name), Value::Text(sum)] = row.as_slice() {
            applied.insert(name.clone(), sum.clone());
        }
    }
    check_history(&applied, migrations)?;
    let last_applied = applied.keys().next_back().cloned();
    let mut done = Vec::new();
    for (name, sql) in migrations {
        if applied.contains_key(*name) {
            continue;
        }
        if let Some(last) = last_applied.as_deref().filter(|last| *last > *name) {
            return Err(Error::Other(format!(
                "migration {name} is new but sorts before {last}, which this database already \
                 applied: number new migrations after the existing ones"
            )));
        }
        let statements = split_statements(sql);
        let mut batch: Vec<Statement> = statements
            .iter()
            .map(|s| Statement::new(*s, Vec::new()))
            .collect();
        batch.push(Statement::new(
            format!(
                "INSERT INTO \"{LEDGER}\" (name, checksum, applied_at) \
                 VALUES (?, ?, CAST(strftime('%s', 'now') AS INTEGER))"
            ),
            vec![Value::Text((*name).to_owned()), Value::Text(checksum(sql))],
        ));
        c.run_atomically(batch).map_err(|(i, e)| {
            let at = statements.get(i).map_or("(the ledger row)", |s| {
                s.lines()
                    .find(|l| !l.trim_start().starts_with("--"))
                    .unwrap_or_default()
            });
            Error::Other(format!(
                "migration {name} failed at statement {} of {} (nothing of it was applied): \
                 {e}\n  {at}",
                i + 1,
                statements.len()
            ))
        })?;
        done.push((*name).to_owned());
    }
    Ok(done)
}

/// Refuses, before anything runs, a ledger the code's migrations no longer match: a file
/// changed after this database applied it, or one it applied that the code no longer has
/// (a shipped migration renamed, rewritten as a draft, or removed), each said by name.
fn check_history(applied: &BTreeMap<String, String>, migrations: &[(&str, &str)]) -> Result<()> {
    for (name, sql) in migrations {
        if let Some(sum) = applied.get(*name)
            && *sum != checksum(sql)
        {
            return Err(Error::Other(format!(
                "migration {name} changed after this database applied it (checksum {sum}, now \
                 {}): restore the file as it was and put the change in a new migration",
                checksum(sql)
            )));
        }
    }
    let gone: Vec<&str> = applied
        .keys()
        .map(String::as_str)
        .filter(|a| !migrations.iter().any(|(name, _)| name == a))
        .collect();
    if !gone.is_empty() {
        return Err(Error::Other(format!(
            "this database applied migration(s) the code no longer has: {}. A migration that \
             shipped was renamed, rewritten or removed: restore it exactly as it was (git has \
             it) and put the change in a new migration",
            gone.join(", ")
        )));
    }
    Ok(())
}
