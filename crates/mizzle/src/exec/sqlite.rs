//! Native SQLite backend (rusqlite, bundled): for fast tests, with D1's behaviour where it
//! matters (foreign keys enforced, D1's parameter limits applied by [`crate::Db`]).

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use super::StatementNames;
use super::estimate::Estimate;
use super::plan::Checker;
pub use super::plan::{PlanCheck, Scan};
use crate::error::{Error, Result};
use crate::exec::{ExecMeta, Executor, FromRow, Output, Row, RowReader, Usage};
use crate::sql::statement::Statement;
use crate::sql::value::Value;

/// A SQLite connection as a mizzle executor.
pub struct SqliteExecutor {
    conn: Mutex<rusqlite::Connection>,
    /// Result column names per statement text, shared by every row of every run.
    names: Mutex<HashMap<String, Arc<[String]>>>,
    /// The plan check, when one is on (see [`SqliteExecutor::check_plans`]).
    plans: Option<Mutex<Checker>>,
    /// Whether [`Executor::track_usage`] turned counting on (read on every statement: an
    /// atomic, so counting off costs one load).
    tracking: AtomicBool,
    /// Rows read and written since.
    usage: Mutex<Usage>,
    /// How D1 would count a statement's rows (what it keeps per statement text).
    estimate: Estimate,
}

/// Statements whose column names are kept (beyond it the cache starts over).
const NAMES_KEPT: usize = 512;

impl std::fmt::Debug for SqliteExecutor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SqliteExecutor")
    }
}

#[cold]
#[inline(never)]
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
            plans: Checker::from_env().map(Mutex::new),
            tracking: AtomicBool::new(false),
            usage: Mutex::new(Usage::default()),
            estimate: Estimate::default(),
        })
    }

    /// Counts `stmt`'s run, when counting: the rows SQLite stepped over in full scans plus
    /// the rows it returned read, the rows it changed written (an estimate of D1's figures:
    /// docs/cost.md compares them).
    #[inline]
    fn tally(&self, stmt: &Statement, returned: usize, written: u64) {
        if self.tracking.load(Ordering::Relaxed) {
            self.tally_counted(stmt, returned, written);
        }
    }

    #[cold]
    #[inline(never)]
    fn tally_counted(&self, stmt: &Statement, returned: usize, written: u64) {
        let (read, written) = self
            .estimate
            .statement(&self.lock(), &stmt.sql, returned, written);
        self.usage
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .add(read, written, 0.0);
    }

    /// Checks the query plan of every distinct statement before it runs (`EXPLAIN QUERY
    /// PLAN`, once per statement text) for a step that reads a whole table: D1 bills rows
    /// read, so such a statement costs a table's worth of rows on every call. With
    /// [`PlanCheck::deny`] the statement fails with an error naming the scan, the call
    /// site, the plan and the `[indexes]` line that fixes it; with [`PlanCheck::record`] it
    /// runs and [`SqliteExecutor::plan_scans`] lists what was found. Meant for tests:
    ///
    /// ```
    /// # use mizzle::sqlite::{PlanCheck, SqliteExecutor};
    /// let exec = SqliteExecutor::open_in_memory()?
    ///     .check_plans(PlanCheck::deny().allow("tags", "a dozen rows, read whole by the tag cloud"));
    /// # Ok::<(), mizzle::Error>(())
    /// ```
    ///
    /// `MIZZLE_PLAN_REPORT=<file>` in the environment (what `mizzle explain` sets) turns a
    /// recording check on for every executor, and appends each scan to the file.
    pub fn check_plans(mut self, check: PlanCheck) -> Self {
        self.plans = Some(Mutex::new(Checker::new(check)));
        self
    }

    /// The scans the plan check found so far (none without one).
    pub fn plan_scans(&self) -> Vec<Scan> {
        self.plans.as_ref().map_or_else(Vec::new, |p| {
            p.lock().unwrap_or_else(|e| e.into_inner()).scans().to_vec()
        })
    }

    /// The plan check of `stmt`, when one is on.
    #[inline]
    fn plan(&self, stmt: &Statement) -> Result<()> {
        match &self.plans {
            None => Ok(()),
            Some(p) => self.plan_checked(p, stmt),
        }
    }

    /// The plan check of each of a batch's statements (before its transaction takes the
    /// connection).
    fn plan_all(&self, stmts: &[Statement]) -> Result<()> {
        for (i, s) in stmts.iter().enumerate() {
            self.plan(s).map_err(|e| e.in_batch(i))?;
        }
        Ok(())
    }

    #[cold]
    #[inline(never)]
    fn plan_checked(&self, plans: &Mutex<Checker>, stmt: &Statement) -> Result<()> {
        let conn = self.lock();
        plans
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .check(&conn, &stmt.sql)
            .map_err(Error::Other)
    }

    /// A fresh in-memory database.
    pub fn open_in_memory() -> Result<Self> {
        Self::new(rusqlite::Connection::open_in_memory().map_err(|e| sqlite_err(e, ""))?)
    }

    /// Runs the migrations (name, SQL) not yet applied, in order, each as one transaction
    /// with its row in wrangler's ledger table `d1_migrations`, as `wrangler d1 migrations
    /// apply` does (so [`Db::verify_migrations`](crate::Db::verify_migrations) reads the
    /// same ledger here as on D1).
    pub fn apply_migrations(&self, migrations: &[(&str, &str)]) -> Result<()> {
        const LEDGER: &str = "CREATE TABLE IF NOT EXISTS d1_migrations(\
            id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, \
            applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL)";
        const APPLIED: &str = "SELECT name FROM d1_migrations";
        let mut conn = self.lock();
        conn.execute_batch(LEDGER)
            .map_err(|e| sqlite_err(e, LEDGER))?;
        let applied: std::collections::HashSet<String> = conn
            .prepare(APPLIED)
            .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
            .map_err(|e| sqlite_err(e, APPLIED))?;
        for (name, sql) in migrations {
            if applied.contains(*name) {
                continue;
            }
            let tx = conn.transaction().map_err(|e| sqlite_err(e, name))?;
            tx.execute_batch(sql)
                .map_err(|e| Error::Other(format!("migration {name} failed: {e}")))?;
            tx.execute("INSERT INTO d1_migrations (name) VALUES (?1)", [name])
                .map_err(|e| sqlite_err(e, name))?;
            tx.commit().map_err(|e| sqlite_err(e, name))?;
        }
        Ok(())
    }

    /// Applies the migrations not yet recorded in `__mizzle_migrations`, in order, each in one
    /// transaction with its ledger row: what a Durable Object does with its `MIGRATIONS` at
    /// run time ([`mizzle::durable::open`](https://docs.rs/mizzle)), here for native tests of
    /// an object's code. Idempotent; the names it applied.
    pub fn migrate_pending(&self, migrations: &[(&str, &str)]) -> Result<Vec<String>> {
        super::ledger::apply_pending(self, migrations)
    }

    /// Runs `stmts` in one transaction (the native stand-in for D1's batch): all of them, or,
    /// when one fails, none (its position with its error).
    fn transaction(&self, stmts: &[Statement]) -> std::result::Result<Vec<Output>, (usize, Error)> {
        let mut outputs = Vec::with_capacity(stmts.len());
        self.in_transaction(stmts, |tx, _, stmt| {
            outputs.push(run(tx, &self.names, stmt)?);
            Ok(())
        })
        .map_err(|(i, e)| (i.unwrap_or(0), e))?;
        Ok(outputs)
    }

    /// Runs `step` for each of `stmts` in one transaction: all of them take effect, or,
    /// when one fails, none. A failing statement's error comes with its position; a failure
    /// to begin or commit, without one.
    // Inlined into each caller: out of line it cost a relation tree 0.5 % more instructions.
    #[inline(always)]
    fn in_transaction(
        &self,
        stmts: &[Statement],
        mut step: impl FnMut(&rusqlite::Connection, usize, &Statement) -> Result<()>,
    ) -> std::result::Result<(), (Option<usize>, Error)> {
        let mut conn = self.lock();
        let tx = conn
            .transaction()
            .map_err(|e| (None, sqlite_err(e, "batch")))?;
        for (i, stmt) in stmts.iter().enumerate() {
            step(&tx, i, stmt).map_err(|e| (Some(i), e))?;
        }
        tx.commit().map_err(|e| (None, sqlite_err(e, "batch")))
    }

    /// Runs `stmt` and hands each row to `take` decoded by `decode`, as SQLite steps to it
    /// (only the first when `first_only`): the fields are read from SQLite's cells.
    fn decode_each<T>(
        &self,
        stmt: &Statement,
        first_only: bool,
        decode: impl Fn(&mut RowReader<'_>) -> Result<T>,
        mut take: impl FnMut(T),
    ) -> Result<()> {
        run_each(
            &self.lock(),
            &self.names,
            stmt,
            first_only,
            |names, row, width| {
                take(decode(&mut names.reader(row, width))?);
                Ok(())
            },
        )
        .map(drop)
        .map_err(|e| e.in_statement(&stmt.sql))
    }

    /// The underlying connection (for tests and introspection).
    pub fn lock(&self) -> MutexGuard<'_, rusqlite::Connection> {
        // A panic while the lock was held leaves SQLite itself consistent.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Runs `stmt`, handing each row to `each` with the statement's column names and the
/// row's width.
fn run_each(
    conn: &rusqlite::Connection,
    names_cache: &Mutex<HashMap<String, Arc<[String]>>>,
    stmt: &Statement,
    first_only: bool,
    each: impl FnMut(&StatementNames, &rusqlite::Row<'_>, usize) -> Result<()>,
) -> Result<ExecMeta> {
    let mut prepared = prepare(conn, stmt)?;
    bind(&mut prepared, stmt)?;
    step_each(conn, names_cache, stmt, &mut prepared, first_only, each)
}

/// [`run_each`] of a statement already prepared and bound.
fn step_each(
    conn: &rusqlite::Connection,
    names_cache: &Mutex<HashMap<String, Arc<[String]>>>,
    stmt: &Statement,
    prepared: &mut rusqlite::Statement<'_>,
    first_only: bool,
    mut each: impl FnMut(&StatementNames, &rusqlite::Row<'_>, usize) -> Result<()>,
) -> Result<ExecMeta> {
    let map = |e| sqlite_err(e, &stmt.sql);
    // A statement mizzle built names its columns; only hand-written SQL needs SQLite's.
    let width = prepared.column_count();
    // A write without RETURNING has no columns to name.
    let reported: Option<Arc<[String]>> = match &stmt.columns {
        Some(_) => None,
        None if width == 0 => None,
        None => Some(reported_names(names_cache, &stmt.sql, prepared)),
    };
    let names = StatementNames::new(stmt.columns.as_ref(), reported.as_ref());
    let mut rows = prepared.raw_query();
    while let Some(row) = rows.next().map_err(map)? {
        each(&names, row, width)?;
        if first_only {
            // The statement is reset when `rows` goes, as rusqlite's `query_row` does.
            break;
        }
    }
    Ok(ExecMeta {
        rows_affected: conn.changes(),
        last_insert_id: conn.last_insert_rowid(),
    })
}

/// Binds `stmt`'s values to `prepared`, its SQL prepared (from the connection's statement
/// cache). The prepared statement is taken by reference: it is a 72-byte value, and at
/// `opt-level = "s"` every move of it is a `rep movsq`, which showed in the profile of a
/// one-row call.
fn bind(prepared: &mut rusqlite::Statement<'_>, stmt: &Statement) -> Result<()> {
    let map = |e| sqlite_err(e, &stmt.sql);
    for (i, v) in stmt.params.iter().enumerate() {
        use rusqlite::types::{ToSqlOutput, ValueRef as R};
        let cell = match v {
            Value::Null => R::Null,
            Value::Integer(n) => R::Integer(*n),
            Value::Real(r) => R::Real(*r),
            Value::Text(s) => R::Text(s.as_bytes()),
            Value::Blob(b) => R::Blob(b),
        };
        // One binding function for every type of value.
        prepared
            .raw_bind_parameter(i + 1, ToSqlOutput::Borrowed(cell))
            .map_err(map)?;
    }
    if prepared.parameter_count() != stmt.params.len() {
        return Err(miscounted(prepared.parameter_count(), stmt));
    }
    Ok(())
}

/// `stmt`'s SQL from the connection's statement cache.
fn prepare<'c>(
    conn: &'c rusqlite::Connection,
    stmt: &Statement,
) -> Result<rusqlite::CachedStatement<'c>> {
    conn.prepare_cached(&stmt.sql)
        .map_err(|e| sqlite_err(e, &stmt.sql))
}

/// The error for a statement whose values do not match its placeholders.
#[cold]
#[inline(never)]
fn miscounted(placeholders: usize, stmt: &Statement) -> Error {
    Error::Other(format!(
        "statement has {placeholders} placeholders but {} values were bound: `{}`",
        stmt.params.len(),
        stmt.sql
    ))
}

/// SQLite's names for the result columns of `sql`, kept per statement text.
fn reported_names(
    names_cache: &Mutex<HashMap<String, Arc<[String]>>>,
    sql: &str,
    prepared: &rusqlite::Statement<'_>,
) -> Arc<[String]> {
    let mut cache = names_cache.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(n) = cache.get(sql) {
        return n.clone();
    }
    let n: Arc<[String]> = prepared
        .column_names()
        .into_iter()
        .map(str::to_owned)
        .collect();
    if cache.len() >= NAMES_KEPT {
        cache.clear();
    }
    cache.insert(sql.to_owned(), n.clone());
    n
}

fn run(
    conn: &rusqlite::Connection,
    names_cache: &Mutex<HashMap<String, Arc<[String]>>>,
    stmt: &Statement,
) -> Result<Output> {
    let mut rows = Vec::new();
    let meta = run_each(conn, names_cache, stmt, false, |names, row, width| {
        rows.push(names.row(row, width));
        Ok(())
    })?;
    Ok(Output { rows, meta })
}

impl Executor for SqliteExecutor {
    async fn query(&self, stmt: Statement) -> Result<Vec<Row>> {
        self.plan(&stmt)?;
        let out = run(&self.lock(), &self.names, &stmt)?;
        self.tally(&stmt, out.rows.len(), out.meta.rows_affected);
        Ok(out.rows)
    }

    fn track_usage(&self) {
        self.tracking.store(true, Ordering::Relaxed);
    }

    fn usage(&self) -> Option<Usage> {
        self.tracking
            .load(Ordering::Relaxed)
            .then(|| *self.usage.lock().unwrap_or_else(|e| e.into_inner()))
    }

    async fn execute(&self, stmt: Statement) -> Result<ExecMeta> {
        self.plan(&stmt)?;
        let conn = self.lock();
        let before = conn.total_changes();
        let mut prepared = prepare(&conn, &stmt)?;
        bind(&mut prepared, &stmt)?;
        let meta = if prepared.column_count() == 0 {
            // A write without `RETURNING` (nearly every statement run for its effect): one
            // step, as rusqlite's own `execute`.
            let rows_affected = prepared
                .raw_execute()
                .map_err(|e| sqlite_err(e, &stmt.sql))?;
            ExecMeta {
                rows_affected: rows_affected as u64,
                last_insert_id: conn.last_insert_rowid(),
            }
        } else {
            // Rows (of a statement run for its effect) are stepped through, not kept.
            step_each(
                &conn,
                &self.names,
                &stmt,
                &mut prepared,
                false,
                |_, _, _| Ok(()),
            )?
        };
        // `changes()` keeps the last write's count across reads; report 0 for a read.
        let wrote = conn.total_changes() != before;
        drop(prepared);
        drop(conn);
        let meta = if wrote { meta } else { ExecMeta::default() };
        self.tally(&stmt, 0, meta.rows_affected);
        Ok(meta)
    }

    async fn batch(&self, stmts: Vec<Statement>) -> Result<Vec<Output>> {
        self.plan_all(&stmts)?;
        let outputs = self.transaction(&stmts).map_err(|(i, e)| e.in_batch(i))?;
        for (s, o) in stmts.iter().zip(&outputs) {
            self.tally(s, o.rows.len(), o.meta.rows_affected);
        }
        Ok(outputs)
    }

    /// Decodes each row as SQLite steps to it, reusing one cell vector for every row.
    async fn query_as<T: FromRow>(&self, stmt: Statement) -> Result<Vec<T>> {
        self.plan(&stmt)?;
        let mut out = Vec::new();
        self.decode_each(&stmt, false, T::from_reader, |row| out.push(row))?;
        self.tally(&stmt, out.len(), 0);
        Ok(out)
    }

    async fn query_first_as<T: FromRow>(&self, stmt: Statement) -> Result<Option<T>> {
        self.plan(&stmt)?;
        let mut out = None;
        self.decode_each(&stmt, true, T::from_reader, |row| out = Some(row))?;
        self.tally(&stmt, usize::from(out.is_some()), 0);
        Ok(out)
    }

    /// Decodes each row as SQLite steps to it, by position.
    async fn query_positional<T>(
        &self,
        stmt: Statement,
        decode: fn(&mut RowReader<'_>) -> Result<T>,
    ) -> Result<Vec<T>> {
        self.plan(&stmt)?;
        let mut out = Vec::new();
        let by_position = |reader: &mut RowReader<'_>| {
            reader.by_position();
            decode(reader)
        };
        self.decode_each(&stmt, false, by_position, |row| out.push(row))?;
        self.tally(&stmt, out.len(), 0);
        Ok(out)
    }

    /// One transaction, each row handed over as SQLite steps to it. Nothing is committed
    /// when a statement or `each` fails.
    async fn batch_each<F>(&self, stmts: Vec<Statement>, mut each: F) -> Result<()>
    where
        F: FnMut(usize, &mut RowReader<'_>) -> Result<()>,
    {
        self.plan_all(&stmts)?;
        let mut counts = vec![(0usize, 0u64); stmts.len()];
        self.in_transaction(&stmts, |tx, i, stmt| {
            let meta = run_each(tx, &self.names, stmt, false, |names, row, width| {
                counts[i].0 += 1;
                each(i, &mut names.reader(row, width))
            })
            .map_err(|e| e.in_statement(&stmt.sql))?;
            counts[i].1 = meta.rows_affected;
            Ok(())
        })
        .map_err(|(i, e)| match i {
            Some(i) => e.in_batch(i),
            None => e,
        })?;
        for (s, (rows, written)) in stmts.iter().zip(counts) {
            self.tally(s, rows, written);
        }
        Ok(())
    }
}

impl super::ledger::LedgerConn for SqliteExecutor {
    fn run(&self, sql: &str, params: &[Value]) -> Result<Vec<Vec<Value>>> {
        let stmt = Statement::new(sql, params.to_vec());
        Ok(run(&self.lock(), &self.names, &stmt)?
            .rows
            .into_iter()
            .map(Row::into_values)
            .collect())
    }

    fn run_atomically(&self, stmts: Vec<Statement>) -> std::result::Result<(), (usize, Error)> {
        self.transaction(&stmts).map(drop)
    }
}

#[cfg(test)]
mod ledger_tests {
    //! The migration ledger (crate::ledger), on this executor: kept here so the ledger
    //! does not import the executor that uses it.
    use super::SqliteExecutor;

    fn count(c: &SqliteExecutor, sql: &str) -> i64 {
        c.lock().query_row(sql, [], |r| r.get(0)).unwrap()
    }

    #[test]
    fn pending_files_apply_once_in_order_and_atomically() {
        let c = SqliteExecutor::open_in_memory().unwrap();
        let v1 = [(
            "0001_init",
            "-- init\nCREATE TABLE a (x INTEGER);\nINSERT INTO a VALUES (1);\n",
        )];
        assert_eq!(c.migrate_pending(&v1).unwrap(), vec!["0001_init"]);
        assert!(c.migrate_pending(&v1).unwrap().is_empty(), "idempotent");

        // A failing file leaves nothing of itself, and is not recorded.
        let v2 = [
            v1[0],
            (
                "0002_more",
                "CREATE TABLE b (y);\nINSERT INTO a VALUES (2);\nINSERT INTO nowhere VALUES (1);",
            ),
        ];
        let err = c.migrate_pending(&v2).unwrap_err().to_string();
        assert!(
            err.contains("0002_more failed at statement 3 of 3"),
            "{err}"
        );
        assert_eq!(count(&c, "SELECT count(*) FROM a"), 1);
        assert_eq!(
            count(&c, "SELECT count(*) FROM sqlite_master WHERE name = 'b'"),
            0
        );
        assert_eq!(count(&c, "SELECT count(*) FROM __mizzle_migrations"), 1);

        let v2 = [
            v1[0],
            (
                "0002_more",
                "CREATE TABLE b (y);\nINSERT INTO a VALUES (2);",
            ),
        ];
        assert_eq!(c.migrate_pending(&v2).unwrap(), vec!["0002_more"]);
        assert_eq!(count(&c, "SELECT count(*) FROM a"), 2);

        // An applied file that changed, or a new one numbered before an applied one: refused.
        let changed = [v1[0], ("0002_more", "CREATE TABLE b (z);")];
        let err = c.migrate_pending(&changed).unwrap_err().to_string();
        assert!(err.contains("0002_more changed after"), "{err}");
        // A file this database applied that the code no longer has (a shipped draft
        // rewritten under another name, or removed): refused, naming it.
        let err = c.migrate_pending(&v1).unwrap_err().to_string();
        assert!(
            err.contains("no longer has: 0002_more") && err.contains("restore it"),
            "{err}"
        );
        let renamed = [v1[0], ("0002_more_v2", "CREATE TABLE b2 (y);")];
        let err = c.migrate_pending(&renamed).unwrap_err().to_string();
        assert!(err.contains("no longer has: 0002_more"), "{err}");
        let late = [v1[0], ("0001_extra", "CREATE TABLE c (x);"), v2[1]];
        let err = c.migrate_pending(&late).unwrap_err().to_string();
        assert!(err.contains("sorts before 0002_more"), "{err}");
        assert_eq!(
            count(&c, "SELECT count(*) FROM sqlite_master WHERE name = 'c'"),
            0
        );
    }
}
