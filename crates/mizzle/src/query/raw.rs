//! Raw SQL with bound values.

use crate::db::Db;
use crate::error::Result;
use crate::exec::{ExecMeta, Executor, FromRow};
use crate::sql::statement::Statement;

/// A raw SQL statement with bound parameters.
#[must_use = "a query does nothing until it is awaited"]
pub struct Raw<'a, E> {
    pub(crate) db: &'a Db<E>,
    pub(crate) stmt: Statement,
}

impl<'a, E: Executor> Raw<'a, E> {
    /// Every row, decoded as `R` (a row struct decodes by column name).
    pub fn all<R: FromRow>(self) -> impl Future<Output = Result<Vec<R>>> + use<'a, E, R> {
        self.db.query_as(self.stmt)
    }

    /// The first row, if any (natively, SQLite stops after it; the rows after it are not
    /// decoded).
    pub fn get<R: FromRow>(self) -> impl Future<Output = Result<Option<R>>> + use<'a, E, R> {
        self.db.query_first_as(self.stmt)
    }

    /// Runs it for its effect.
    pub fn run(self) -> impl Future<Output = Result<ExecMeta>> + use<'a, E> {
        self.db.execute(self.stmt)
    }

    /// The statement.
    pub fn statement(&self) -> &Statement {
        &self.stmt
    }
}
