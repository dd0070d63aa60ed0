//! Native SQLite backend (rusqlite, bundled): for fast tests, with D1's behaviour where it
//! matters (foreign keys enforced, D1's parameter limits applied by [`crate::Db`]).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::types::ValueRef;

use crate::{Error, ExecMeta, Executor, Output, Result, Row, Statement, Value};

/// A SQLite connection as a mizzle executor.
pub struct SqliteExecutor {
    conn: Mutex<rusqlite::Connection>,
    /// Result column names per statement text, shared by every row of every run.
    names: Mutex<HashMap<String, Arc<[String]>>>,
}

/// Statements whose column names are kept (beyond it the cache starts over).
const NAMES_KEPT: usize = 512;

impl std::fmt::Debug for SqliteExecutor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SqliteExecutor")
    }
}

fn sqlite_err(e: rusqlite::Error, sql: &str) -> Error {
    Error::database(e.to_string(), sql)
}

impl SqliteExecutor {
    /// Wraps a connection, turning foreign key enforcement on as D1 has it.
    pub fn new(conn: rusqlite::Connection) -> Result<Self> {
        conn.pragma_update(None, "foreign_keys", true)
            .map_err(|e| sqlite_err(e, "PRAGMA foreign_keys = ON"))?;
        Ok(SqliteExecutor {
            conn: Mutex::new(conn),
            names: Mutex::new(HashMap::new()),
        })
    }

    /// A fresh in-memory database.
    pub fn open_in_memory() -> Result<Self> {
        Self::new(rusqlite::Connection::open_in_memory().map_err(|e| sqlite_err(e, ""))?)
    }

    /// Runs migrations (name, SQL) in order, each as one transaction, like
    /// `wrangler d1 migrations apply` does.
    pub fn apply_migrations(&self, migrations: &[(&str, &str)]) -> Result<()> {
        let mut conn = self.lock();
        for (name, sql) in migrations {
            let tx = conn.transaction().map_err(|e| sqlite_err(e, name))?;
            tx.execute_batch(sql)
                .map_err(|e| Error::Other(format!("migration {name} failed: {e}")))?;
            tx.commit().map_err(|e| sqlite_err(e, name))?;
        }
        Ok(())
    }

    /// The underlying connection (for tests and introspection).
    pub fn lock(&self) -> MutexGuard<'_, rusqlite::Connection> {
        // A panic while the lock was held leaves SQLite itself consistent.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn run(
    conn: &rusqlite::Connection,
    names_cache: &Mutex<HashMap<String, Arc<[String]>>>,
    stmt: &Statement,
) -> Result<Output> {
    let map = |e| sqlite_err(e, &stmt.sql);
    let mut prepared = conn.prepare_cached(&stmt.sql).map_err(map)?;
    for (i, v) in stmt.params.iter().enumerate() {
        let idx = i + 1;
        match v {
            Value::Null => prepared.raw_bind_parameter(idx, rusqlite::types::Null),
            Value::Integer(n) => prepared.raw_bind_parameter(idx, n),
            Value::Real(r) => prepared.raw_bind_parameter(idx, r),
            Value::Text(s) => prepared.raw_bind_parameter(idx, s),
            Value::Blob(b) => prepared.raw_bind_parameter(idx, b),
        }
        .map_err(map)?;
    }
    if prepared.parameter_count() != stmt.params.len() {
        return Err(Error::Other(format!(
            "statement has {} placeholders but {} values were bound: `{}`",
            prepared.parameter_count(),
            stmt.params.len(),
            stmt.sql
        )));
    }
    let names: Arc<[String]> = {
        let mut cache = names_cache.lock().unwrap_or_else(|p| p.into_inner());
        match cache.get(stmt.sql.as_str()) {
            Some(n) => n.clone(),
            None => {
                let n: Arc<[String]> = prepared
                    .column_names()
                    .into_iter()
                    .map(str::to_owned)
                    .collect();
                if cache.len() >= NAMES_KEPT {
                    cache.clear();
                }
                cache.insert(stmt.sql.clone(), n.clone());
                n
            }
        }
    };
    let mut rows_out = Vec::new();
    let mut rows = prepared.raw_query();
    while let Some(row) = rows.next().map_err(map)? {
        let mut values = Vec::with_capacity(names.len());
        for i in 0..names.len() {
            values.push(match row.get_ref(i).map_err(map)? {
                ValueRef::Null => Value::Null,
                ValueRef::Integer(n) => Value::Integer(n),
                ValueRef::Real(r) => Value::Real(r),
                ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
                ValueRef::Blob(b) => Value::Blob(b.to_vec()),
            });
        }
        rows_out.push(Row::new(names.clone(), values));
    }
    let meta = ExecMeta {
        rows_affected: conn.changes(),
        last_insert_id: conn.last_insert_rowid(),
    };
    Ok(Output {
        rows: rows_out,
        meta,
    })
}

impl Executor for SqliteExecutor {
    async fn query(&self, stmt: Statement) -> Result<Vec<Row>> {
        Ok(run(&self.lock(), &self.names, &stmt)?.rows)
    }

    async fn execute(&self, stmt: Statement) -> Result<ExecMeta> {
        let conn = self.lock();
        let before = conn.total_changes();
        let out = run(&conn, &self.names, &stmt)?;
        // `changes()` keeps the last write's count across reads; report 0 for a read.
        let wrote = conn.total_changes() != before;
        Ok(if wrote { out.meta } else { ExecMeta::default() })
    }

    async fn batch(&self, stmts: Vec<Statement>) -> Result<Vec<Output>> {
        let mut conn = self.lock();
        // The native stand-in for D1's implicit batch transaction.
        let tx = conn.transaction().map_err(|e| sqlite_err(e, "batch"))?;
        let mut outputs = Vec::with_capacity(stmts.len());
        for (i, stmt) in stmts.iter().enumerate() {
            outputs.push(run(&tx, &self.names, stmt).map_err(|e| e.in_batch(i))?);
        }
        tx.commit().map_err(|e| sqlite_err(e, "batch"))?;
        Ok(outputs)
    }
}
