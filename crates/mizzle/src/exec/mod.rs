//! The execution layer: the executor trait every backend implements, the plain data that
//! crosses it (statements, rows, decoding), the backends — `sqlite` (native), `d1` and
//! `durable` (wasm32, through `js`) — and the migration ledger a Durable Object and a
//! SQLite database keep. It takes statements already built; nothing here builds a query,
//! and nothing here imports a layer above it: `Db` (`db/`) sends statements through the
//! `Executor` trait, and the query builders read the rows that come back (`row.rs`).

#[cfg(target_arch = "wasm32")]
pub mod d1;
#[cfg(target_arch = "wasm32")]
pub mod durable;
#[cfg(all(feature = "sqlite", not(target_arch = "wasm32")))]
mod estimate;
mod from_row;
#[cfg(target_arch = "wasm32")]
mod js;
#[cfg(any(target_arch = "wasm32", feature = "sqlite"))]
pub(crate) mod ledger;
#[cfg(all(feature = "sqlite", not(target_arch = "wasm32")))]
mod plan;
mod row;
#[cfg(all(feature = "sqlite", not(target_arch = "wasm32")))]
pub mod sqlite;

use std::future::Future;

use crate::error::Result;

pub use crate::sql::statement::{Columns, Statement};
pub use from_row::{FromRow, derived_field};
pub(crate) use from_row::{decode_all, decode_positional};
#[cfg(all(feature = "sqlite", not(target_arch = "wasm32")))]
pub(crate) use row::StatementNames;
pub use row::{Row, RowReader};

/// What a write reports.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExecMeta {
    /// Rows inserted, updated or deleted.
    pub rows_affected: u64,
    /// Rowid of the last inserted row (0 when nothing was inserted).
    pub last_insert_id: i64,
}

/// What statements cost as D1 bills them: rows read (scanned, not returned) and rows
/// written (index entries included), summed over the statements an executor ran since
/// [`Db::track_usage`](crate::Db::track_usage). On D1 and in a Durable Object these are the
/// database's own figures; natively, SQLite's estimate (see docs/cost.md for how the two
/// compare).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Usage {
    /// Statements run (a batch counts each of its statements).
    pub statements: u64,
    /// Rows read.
    pub rows_read: u64,
    /// Rows written.
    pub rows_written: u64,
    /// Time the database spent, in milliseconds (D1's `meta.duration`; 0 where it is not
    /// reported).
    pub duration_ms: f64,
}

impl Usage {
    /// What was used after `earlier` (an earlier reading of the same executor).
    pub fn since(&self, earlier: &Usage) -> Usage {
        Usage {
            statements: self.statements.saturating_sub(earlier.statements),
            rows_read: self.rows_read.saturating_sub(earlier.rows_read),
            rows_written: self.rows_written.saturating_sub(earlier.rows_written),
            duration_ms: (self.duration_ms - earlier.duration_ms).max(0.0),
        }
    }

    /// Adds one statement's figures (what the counting backends do).
    #[cfg_attr(not(any(target_arch = "wasm32", feature = "sqlite")), allow(dead_code))]
    pub(crate) fn add(&mut self, rows_read: u64, rows_written: u64, duration_ms: f64) {
        self.statements += 1;
        self.rows_read += rows_read;
        self.rows_written += rows_written;
        self.duration_ms += duration_ms;
    }
}

/// Rows and metadata from one statement of a batch.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Output {
    /// Result rows.
    pub rows: Vec<Row>,
    /// Write metadata.
    pub meta: ExecMeta,
}

/// A database connection that runs statements.
///
/// Implemented for D1 (`mizzle::d1::D1Executor`, wasm32) and SQLite
/// (`mizzle::sqlite::SqliteExecutor`, native). The futures are not `Send`: D1's are not.
pub trait Executor {
    /// Runs a statement and returns its rows.
    fn query(&self, stmt: Statement) -> impl Future<Output = Result<Vec<Row>>>;
    /// Runs a statement for its effect.
    fn execute(&self, stmt: Statement) -> impl Future<Output = Result<ExecMeta>>;
    /// Runs statements atomically, in order: all of them take effect or none does.
    fn batch(&self, stmts: Vec<Statement>) -> impl Future<Output = Result<Vec<Output>>>;

    /// Starts counting rows read and written ([`Executor::usage`]). By default it does
    /// nothing: an executor that cannot count keeps answering `None`.
    fn track_usage(&self) {}

    /// Rows read and written since [`Executor::track_usage`]; `None` when not tracking, or
    /// when the executor cannot count them.
    fn usage(&self) -> Option<Usage> {
        None
    }

    /// Runs a statement and decodes each of its rows into `T`. Backends override it to
    /// decode straight from the database's cells as they are read, without a [`Row`] per
    /// row.
    fn query_as<T: FromRow>(&self, stmt: Statement) -> impl Future<Output = Result<Vec<T>>> {
        async move {
            // Kept for a decode error's message (a copy next to a round trip to D1).
            let sql = stmt.sql.clone();
            decode_all(self.query(stmt).await?).map_err(|e| e.in_statement(&sql))
        }
    }

    /// The statement's first row, decoded into `T` (what `.get()` wants); the rows after it
    /// are not decoded. Backends may stop reading after it.
    fn query_first_as<T: FromRow>(
        &self,
        stmt: Statement,
    ) -> impl Future<Output = Result<Option<T>>> {
        async move {
            let sql = stmt.sql.clone();
            match self.query(stmt).await?.into_iter().next() {
                Some(row) => T::from_row(row).map(Some).map_err(|e| e.in_statement(&sql)),
                None => Ok(None),
            }
        }
    }

    /// Runs a statement and decodes each row with `decode`, reading its cells by position
    /// (joins and projections, whose columns mizzle builds one by one). Backends override
    /// it as [`query_as`](Self::query_as).
    fn query_positional<T>(
        &self,
        stmt: Statement,
        decode: fn(&mut RowReader<'_>) -> Result<T>,
    ) -> impl Future<Output = Result<Vec<T>>> {
        async move {
            let sql = stmt.sql.clone();
            decode_positional(self.query(stmt).await?, decode).map_err(|e| e.in_statement(&sql))
        }
    }

    /// Runs statements atomically, as [`batch`](Self::batch) does, handing every result
    /// row to `each` with the index of its statement, in order. Backends override it to hand
    /// over each row as the database yields it, without a [`Row`] per row.
    fn batch_each<F>(&self, stmts: Vec<Statement>, mut each: F) -> impl Future<Output = Result<()>>
    where
        F: FnMut(usize, &mut RowReader<'_>) -> Result<()>,
    {
        async move {
            for (i, output) in self.batch(stmts).await?.into_iter().enumerate() {
                for row in output.rows {
                    each(i, &mut row.reader())?;
                }
            }
            Ok(())
        }
    }
}

impl<E: Executor> Executor for &E {
    fn query(&self, stmt: Statement) -> impl Future<Output = Result<Vec<Row>>> {
        (**self).query(stmt)
    }
    fn track_usage(&self) {
        (**self).track_usage()
    }
    fn usage(&self) -> Option<Usage> {
        (**self).usage()
    }
    fn execute(&self, stmt: Statement) -> impl Future<Output = Result<ExecMeta>> {
        (**self).execute(stmt)
    }
    fn batch(&self, stmts: Vec<Statement>) -> impl Future<Output = Result<Vec<Output>>> {
        (**self).batch(stmts)
    }
    fn query_as<T: FromRow>(&self, stmt: Statement) -> impl Future<Output = Result<Vec<T>>> {
        (**self).query_as(stmt)
    }
    fn query_first_as<T: FromRow>(
        &self,
        stmt: Statement,
    ) -> impl Future<Output = Result<Option<T>>> {
        (**self).query_first_as(stmt)
    }
    fn batch_each<F>(&self, stmts: Vec<Statement>, each: F) -> impl Future<Output = Result<()>>
    where
        F: FnMut(usize, &mut RowReader<'_>) -> Result<()>,
    {
        (**self).batch_each(stmts, each)
    }
    fn query_positional<T>(
        &self,
        stmt: Statement,
        decode: fn(&mut RowReader<'_>) -> Result<T>,
    ) -> impl Future<Output = Result<Vec<T>>> {
        (**self).query_positional(stmt, decode)
    }
}

/// An executor that counts the calls reaching the database: each `query`, `execute` or
/// `batch` is one round trip. For tests and for reporting.
pub struct Counted<E> {
    inner: E,
    calls: std::cell::Cell<usize>,
}

impl<E> Counted<E> {
    /// Wraps `inner`.
    pub fn new(inner: E) -> Self {
        Counted {
            inner,
            calls: std::cell::Cell::new(0),
        }
    }

    /// Round trips so far.
    pub fn round_trips(&self) -> usize {
        self.calls.get()
    }

    /// Starts counting again from zero.
    pub fn reset(&self) {
        self.calls.set(0);
    }

    /// The wrapped executor.
    pub fn inner(&self) -> &E {
        &self.inner
    }

    fn tick(&self) {
        self.calls.set(self.calls.get() + 1);
    }
}

impl<E: Executor> Executor for Counted<E> {
    async fn query(&self, stmt: Statement) -> Result<Vec<Row>> {
        self.tick();
        self.inner.query(stmt).await
    }
    fn track_usage(&self) {
        self.inner.track_usage()
    }
    fn usage(&self) -> Option<Usage> {
        self.inner.usage()
    }
    async fn execute(&self, stmt: Statement) -> Result<ExecMeta> {
        self.tick();
        self.inner.execute(stmt).await
    }
    async fn batch(&self, stmts: Vec<Statement>) -> Result<Vec<Output>> {
        self.tick();
        self.inner.batch(stmts).await
    }
    async fn query_as<T: FromRow>(&self, stmt: Statement) -> Result<Vec<T>> {
        self.tick();
        self.inner.query_as(stmt).await
    }
    async fn query_first_as<T: FromRow>(&self, stmt: Statement) -> Result<Option<T>> {
        self.tick();
        self.inner.query_first_as(stmt).await
    }
    async fn batch_each<F>(&self, stmts: Vec<Statement>, each: F) -> Result<()>
    where
        F: FnMut(usize, &mut RowReader<'_>) -> Result<()>,
    {
        self.tick();
        self.inner.batch_each(stmts, each).await
    }
    async fn query_positional<T>(
        &self,
        stmt: Statement,
        decode: fn(&mut RowReader<'_>) -> Result<T>,
    ) -> Result<Vec<T>> {
        self.tick();
        self.inner.query_positional(stmt, decode).await
    }
}
