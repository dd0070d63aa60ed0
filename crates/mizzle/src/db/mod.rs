//! `Db`: the one place where a built statement meets an executor.
//!
//! For maintainers: the query builders (`query/`) render statements and hand them here;
//! every statement is checked against [`Limits`] before it is sent (`checked`), and the
//! answer comes back as the executor's own future, wrapped in a [`Call`](call::Call) so
//! that no layer adds a state machine of its own. This layer imports `exec/` (the
//! `Executor` trait and its row types), `sql/` and `error`; it builds no SQL of its own
//! except the migration check (`verify.rs`). The backends' `Db` constructors are here too
//! (`backends.rs`, wasm32), so that `exec/` never imports `Db`.

#[cfg(target_arch = "wasm32")]
pub(crate) mod backends;
pub(crate) mod call;
mod verify;

pub use verify::MigrationCheck;

use call::Call;

use crate::error::Result;
use crate::exec::{ExecMeta, Executor, FromRow, Output, Row, RowReader};
use crate::sql::limits::Limits;
use crate::sql::statement::Statement;

/// A database: an executor plus the limits its statements must respect.
///
/// The same API runs on D1 (wasm32) and on native SQLite.
#[derive(Debug, Clone)]
pub struct Db<E> {
    pub(crate) exec: E,
    pub(crate) limits: Limits,
}

impl<E: Executor> Db<E> {
    /// Wraps an executor, with D1's limits.
    pub fn new(exec: E) -> Self {
        Db {
            exec,
            limits: Limits::D1,
        }
    }

    /// Replaces the limits (e.g. [`Limits::SQLITE`] for plain SQLite).
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// The limits in force.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// The executor.
    pub fn executor(&self) -> &E {
        &self.exec
    }

    /// Counts the rows every statement from now on reads and writes, as D1 bills them
    /// ([`Db::usage`]). On D1 it reads each result's `meta` (a read then goes through D1's
    /// `all()` rather than `raw()`); in a Durable Object, each cursor's `rowsRead` and
    /// `rowsWritten`; natively, SQLite's estimate. Off by default, so it costs nothing
    /// unless asked for: a Worker turns it on for the requests it reports on.
    pub fn track_usage(self) -> Self {
        self.exec.track_usage();
        self
    }

    /// Rows read and written since [`Db::track_usage`] (`None` without it). Take two
    /// readings and [`Usage::since`](crate::Usage::since) for one handler's share.
    pub fn usage(&self) -> Option<crate::exec::Usage> {
        self.exec.usage()
    }

    /// Runs prebuilt statements atomically as one batch (one round trip on D1).
    pub async fn batch_statements(&self, stmts: Vec<Statement>) -> Result<Vec<Output>> {
        if stmts.is_empty() {
            return Ok(Vec::new());
        }
        for s in &stmts {
            self.limits.check(s)?;
        }
        self.exec.batch(stmts).await
    }

    /// Runs prebuilt statements atomically as one batch, handing each result row to `each`
    /// with its statement's index as the database yields it.
    pub(crate) async fn batch_statements_each(
        &self,
        stmts: Vec<Statement>,
        each: impl FnMut(usize, &mut RowReader<'_>) -> Result<()>,
    ) -> Result<()> {
        if stmts.is_empty() {
            return Ok(());
        }
        for s in &stmts {
            self.limits.check(s)?;
        }
        self.exec.batch_each(stmts, each).await
    }

    /// `send` of `stmt` to the executor once it is checked against the limits, else the
    /// refusal (a [`Call`]: nothing reaches the database before it is awaited).
    pub(crate) fn checked<'s, F, T>(
        &'s self,
        stmt: Statement,
        send: impl FnOnce(&'s E, Statement) -> F,
    ) -> Call<F, T> {
        match self.limits.check(&stmt) {
            Ok(()) => Call::Sent(send(&self.exec, stmt)),
            Err(e) => Call::refused(e),
        }
    }

    /// Checks `stmt` against the limits and runs it for its rows.
    pub(crate) fn query(
        &self,
        stmt: Statement,
    ) -> Call<impl Future<Output = Result<Vec<Row>>>, Vec<Row>> {
        self.checked(stmt, E::query)
    }

    pub(crate) fn query_as<R: FromRow>(
        &self,
        stmt: Statement,
    ) -> Call<impl Future<Output = Result<Vec<R>>>, Vec<R>> {
        self.checked(stmt, E::query_as)
    }

    pub(crate) fn query_first_as<R: FromRow>(
        &self,
        stmt: Statement,
    ) -> Call<impl Future<Output = Result<Option<R>>>, Option<R>> {
        self.checked(stmt, E::query_first_as)
    }

    /// Checks `stmt` against the limits and decodes its rows by position with `decode`.
    pub(crate) fn query_positional<T>(
        &self,
        stmt: Statement,
        decode: fn(&mut RowReader<'_>) -> Result<T>,
    ) -> Call<impl Future<Output = Result<Vec<T>>>, Vec<T>> {
        self.checked(stmt, |exec, stmt| exec.query_positional(stmt, decode))
    }

    pub(crate) fn execute(
        &self,
        stmt: Statement,
    ) -> Call<impl Future<Output = Result<ExecMeta>>, ExecMeta> {
        self.checked(stmt, E::execute)
    }

    /// Runs one or more statements: alone when there is one, as one atomic batch otherwise.
    pub(crate) async fn run_all(&self, stmts: Vec<Statement>, want_rows: bool) -> Result<Output> {
        match stmts.len() {
            0 => Ok(Output::default()),
            1 => {
                let stmt = stmts.into_iter().next().expect("one statement");
                if want_rows {
                    Ok(Output {
                        rows: self.query(stmt).await?,
                        meta: ExecMeta::default(),
                    })
                } else {
                    Ok(Output {
                        rows: Vec::new(),
                        meta: self.execute(stmt).await?,
                    })
                }
            }
            _ => {
                let outputs = self.batch_statements(stmts).await?;
                let mut all = Output::default();
                for o in outputs {
                    all.rows.extend(o.rows);
                    all.meta.rows_affected += o.meta.rows_affected;
                    if o.meta.last_insert_id != 0 {
                        all.meta.last_insert_id = o.meta.last_insert_id;
                    }
                }
                Ok(all)
            }
        }
    }
}
