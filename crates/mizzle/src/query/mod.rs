//! The query builders: select, insert, update, delete and raw SQL.
//!
//! Every builder renders to [`Statement`]s (SQL + bound values together, so they cannot
//! drift) and is checked against [`Limits`] before anything is sent.

use crate::expr::and_filter;
use crate::sql::text::limit_clause;
use std::marker::PhantomData;

use crate::call::{Call, Either};
use crate::expr::{Condition, Expr, Order, Qual};
use crate::join::{From_, JoinSelect, Opt, Project, Projection, Req, ToStatement};

/// The join of `T` and `U`, `U`'s row part being `P`.
pub(super) type Join2<'a, E, T, U, P> = JoinSelect<'a, E, (T, U), (Req<T>, P)>;
use crate::relation::{Load, Relation};
use crate::scope::Covers;
use crate::table::rare;
use crate::value_expr::{Node, Val};
use crate::{
    Column, Columns, Error, ExecMeta, Executor, FromRow, Insertable, Output, Patch, Result, Row,
    SetValues, Statement, Table, Value, push_ident,
};

mod assign;
mod delete;
mod insert;
mod limits;
mod raw;
mod returning;
mod select;
mod update;

pub use assign::*;
pub use delete::*;
pub use insert::*;
pub use limits::*;
pub use raw::*;
pub use returning::*;
pub use select::*;
pub use update::*;

/// A database: an executor plus the limits its statements must respect.
///
/// The same API runs on D1 (wasm32) and on native SQLite.
#[derive(Debug, Clone)]
pub struct Db<E> {
    pub(super) exec: E,
    pub(super) limits: Limits,
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

    /// `SELECT` rows of `table`.
    pub fn select<T: Table>(&self, _table: T) -> Select<'_, E, T> {
        Select {
            db: self,
            filter: None,
            order: Vec::new(),
            limit: None,
            offset: None,
            _t: PhantomData,
        }
    }

    /// `INSERT` into `table`: follow with `.values(..)` or `.values_many(..)`.
    pub fn insert<T: Table>(&self, _table: T) -> InsertInto<'_, E, T> {
        InsertInto {
            db: self,
            _t: PhantomData,
        }
    }

    /// `UPDATE` `table`: follow with `.set(patch)`.
    pub fn update<T: Table>(&self, _table: T) -> UpdateTable<'_, E, T> {
        UpdateTable {
            db: self,
            _t: PhantomData,
        }
    }

    /// `DELETE FROM` `table`.
    pub fn delete<T: Table>(&self, _table: T) -> Delete<'_, E, T> {
        Delete {
            db: self,
            filter: None,
            _t: PhantomData,
        }
    }

    /// Raw SQL with `?` placeholders bound to `params`: the escape hatch.
    pub fn raw(
        &self,
        sql: impl Into<String>,
        params: impl IntoIterator<Item = Value>,
    ) -> Raw<'_, E> {
        Raw {
            db: self,
            stmt: Statement::new(sql, params.into_iter().collect()),
        }
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
        each: impl FnMut(usize, &mut crate::RowReader<'_>) -> Result<()>,
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
    pub(super) fn checked<'s, F, T>(
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

    pub(super) fn query_as<R: FromRow>(
        &self,
        stmt: Statement,
    ) -> Call<impl Future<Output = Result<Vec<R>>>, Vec<R>> {
        self.checked(stmt, E::query_as)
    }

    pub(super) fn query_first_as<R: FromRow>(
        &self,
        stmt: Statement,
    ) -> Call<impl Future<Output = Result<Option<R>>>, Option<R>> {
        self.checked(stmt, E::query_first_as)
    }

    /// Checks `stmt` against the limits and decodes its rows by position with `decode`.
    pub(crate) fn query_positional<T>(
        &self,
        stmt: Statement,
        decode: fn(&mut crate::RowReader<'_>) -> Result<T>,
    ) -> Call<impl Future<Output = Result<Vec<T>>>, Vec<T>> {
        self.checked(stmt, |exec, stmt| exec.query_positional(stmt, decode))
    }

    pub(super) fn execute(
        &self,
        stmt: Statement,
    ) -> Call<impl Future<Output = Result<ExecMeta>>, ExecMeta> {
        self.checked(stmt, E::execute)
    }

    /// Runs one or more statements: alone when there is one, as one atomic batch otherwise.
    pub(super) async fn run_all(&self, stmts: Vec<Statement>, want_rows: bool) -> Result<Output> {
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
