//! The query builders: select, insert, update, delete and raw SQL.
//!
//! Every builder renders to [`Statement`]s (SQL + bound values together, so they cannot
//! drift) and is checked against [`Limits`](crate::Limits) by [`Db`] before anything is
//! sent.
//!
//! For maintainers: one file per statement kind, its builder next to its rendering. This
//! layer imports `expr`, `sql`, `table`, `error`, and `Db` with the `Executor` trait and
//! row types it hands back; never a backend.

use std::marker::PhantomData;

use crate::db::Db;
use crate::exec::Executor;
use crate::sql::statement::Statement;
use crate::sql::value::Value;
use crate::table::Table;

mod assign;
pub(crate) mod batch;
mod delete;
pub mod dynamic;
mod foreign_key;
mod insert;
pub mod join;
mod link;
pub mod prepared;
mod raw;
pub mod relation;
mod returning;
mod returning_columns;
mod select;
mod update;

pub use assign::*;
pub use delete::*;
pub use insert::*;
pub use link::InsertLink;
pub use raw::*;
pub use returning::*;
pub use returning_columns::ReturningColumns;
pub use select::*;
pub use update::*;

impl<E: Executor> Db<E> {
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
}
