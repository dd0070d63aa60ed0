//! The executor trait every backend implements, and the plain data that crosses it.

use std::future::Future;
use std::sync::Arc;

use crate::sql::SqlType;
use crate::{Error, Result, Value};

/// One SQL statement with its bound values.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// SQL with `?` placeholders.
    pub sql: String,
    /// Values for the placeholders, in order.
    pub params: Vec<Value>,
    /// Names of the result columns, when the builder knows them (used to decode batch
    /// results, which D1 returns as objects).
    pub columns: Option<Arc<[&'static str]>>,
}

impl Statement {
    /// A statement from SQL and values.
    pub fn new(sql: impl Into<String>, params: Vec<Value>) -> Self {
        Statement {
            sql: sql.into(),
            params,
            columns: None,
        }
    }
}

/// What a write reports.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExecMeta {
    /// Rows inserted, updated or deleted.
    pub rows_affected: u64,
    /// Rowid of the last inserted row (0 when nothing was inserted).
    pub last_insert_id: i64,
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
}

impl<E: Executor> Executor for &E {
    fn query(&self, stmt: Statement) -> impl Future<Output = Result<Vec<Row>>> {
        (**self).query(stmt)
    }
    fn execute(&self, stmt: Statement) -> impl Future<Output = Result<ExecMeta>> {
        (**self).execute(stmt)
    }
    fn batch(&self, stmts: Vec<Statement>) -> impl Future<Output = Result<Vec<Output>>> {
        (**self).batch(stmts)
    }
}

/// One result row: its cells, and the names of its columns.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    columns: Arc<[String]>,
    values: Vec<Value>,
}

impl Row {
    /// A row of `values` named by `columns` (same length).
    pub fn new(columns: Arc<[String]>, values: Vec<Value>) -> Self {
        debug_assert_eq!(columns.len(), values.len());
        Row { columns, values }
    }

    /// Column names.
    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    /// Cells, in column order.
    pub fn values(&self) -> &[Value] {
        &self.values
    }

    /// The cell of the column called `name`.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.columns
            .iter()
            .position(|c| c == name)
            .map(|i| &self.values[i])
    }

    /// A reader that decodes the cells field by field.
    pub fn reader(self) -> RowReader {
        RowReader {
            row: self,
            next: 0,
            positional: false,
        }
    }

    /// A reader that decodes the cells strictly in order, ignoring their names (joins and
    /// projections, whose statements mizzle builds column by column).
    pub fn positional_reader(self) -> RowReader {
        RowReader {
            row: self,
            next: 0,
            positional: true,
        }
    }
}

/// Decodes a row's cells in order, checking each cell's column name (generated `FromRow`
/// impls use it). A row whose columns come in another order, as from hand-written SQL, is
/// decoded by name instead.
pub struct RowReader {
    row: Row,
    next: usize,
    positional: bool,
}

impl RowReader {
    /// The next cell, not consumed (`None` past the end).
    pub fn peek(&self, offset: usize) -> Option<&Value> {
        self.row.values.get(self.next + offset)
    }

    /// Skips `n` cells.
    pub fn skip(&mut self, n: usize) {
        self.next += n;
    }

    /// Decodes the next cell as SQL type `S` (positional reading).
    pub fn read_next<S: SqlType>(&mut self) -> Result<S::Rust> {
        let i = self.next;
        let column = |row: &Row| {
            row.columns
                .get(i)
                .cloned()
                .unwrap_or_else(|| format!("#{i}"))
        };
        if i >= self.row.values.len() {
            return Err(Error::Decode {
                column: column(&self.row),
                error: crate::DecodeError::new("the result has fewer columns than the query"),
            });
        }
        self.take::<S>(i, column)
    }

    /// Decodes cell `i` as SQL type `S` and moves past it; `column` names it in an error
    /// (called only then).
    fn take<S: SqlType>(
        &mut self,
        i: usize,
        column: impl FnOnce(&Row) -> String,
    ) -> Result<S::Rust> {
        self.next = i + 1;
        let value = std::mem::replace(&mut self.row.values[i], Value::Null);
        S::decode(value).map_err(|error| Error::Decode {
            column: column(&self.row),
            error,
        })
    }

    /// Decodes the column `name` as SQL type `S`.
    pub fn read<S: SqlType>(&mut self, name: &str) -> Result<S::Rust> {
        let at_cursor = self.row.columns.get(self.next).is_some_and(|c| c == name)
            || (self.positional && self.next < self.row.values.len());
        let i = if at_cursor {
            self.next
        } else {
            self.row
                .columns
                .iter()
                .position(|c| c == name)
                .ok_or_else(|| Error::Decode {
                    column: name.to_owned(),
                    error: crate::DecodeError::new("the result has no such column"),
                })?
        };
        self.take::<S>(i, |_| name.to_owned())
    }
}

/// Decodes a result row into a struct (generated for every row struct).
///
/// To read a projection into your own struct, implement `from_row` reading the columns by
/// name (`row.reader().read::<mizzle::sql::Text>("name")?`) and call `.all_as::<T>()`.
pub trait FromRow: Sized {
    /// Decodes `row`.
    fn from_row(row: Row) -> Result<Self>;

    /// Decodes the next cells of `reader` (generated row structs implement it, so a join
    /// can read each table's part of a row in place).
    fn from_reader(reader: &mut RowReader) -> Result<Self> {
        let _ = reader;
        Err(Error::Other(format!(
            "{} can be decoded from a whole row only",
            std::any::type_name::<Self>()
        )))
    }
}

impl FromRow for Row {
    fn from_row(row: Row) -> Result<Self> {
        Ok(row)
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
    async fn execute(&self, stmt: Statement) -> Result<ExecMeta> {
        self.tick();
        self.inner.execute(stmt).await
    }
    async fn batch(&self, stmts: Vec<Statement>) -> Result<Vec<Output>> {
        self.tick();
        self.inner.batch(stmts).await
    }
}
