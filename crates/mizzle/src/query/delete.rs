//! `DELETE`: the builder and its rendering.

use std::marker::PhantomData;

use super::foreign_key::Probe;
use super::returning::{Returning, ReturningWrite};
use super::select::{push_where, returning_clause};
use crate::db::Db;
use crate::db::call::Either;
use crate::error::Result;
use crate::exec::{ExecMeta, Executor};
use crate::expr::scope::Covers;
use crate::expr::{Condition, Expr, and_filter};
use crate::sql::statement::Statement;
use crate::sql::text::push_ident;
use crate::table::Table;

/// A `DELETE`.
#[must_use = "a delete does nothing until `.run()` or `.returning()` is awaited"]
pub struct Delete<'a, E, T> {
    pub(crate) db: &'a Db<E>,
    pub(crate) filter: Option<Expr>,
    pub(crate) _t: PhantomData<T>,
}

impl<'a, E: Executor, T: Table> Delete<'a, E, T> {
    /// Adds a `WHERE` condition (several are ANDed). Without one every row is deleted.
    pub fn filter<S, I>(mut self, condition: Condition<S>) -> Self
    where
        T: Covers<S, I>,
    {
        and_filter(&mut self.filter, condition.into_expr());
        self
    }

    /// The statements it sends (one). (With `.returning()`, [`Returning::to_statements`].)
    pub fn to_statements(&self) -> Result<Vec<Statement>> {
        Ok(vec![self.render(false)])
    }

    pub(crate) fn render(&self, returning: bool) -> Statement {
        let mut sql = String::with_capacity(64);
        sql.push_str("DELETE FROM ");
        push_ident(&mut sql, T::NAME);
        let mut params = Vec::with_capacity(4);
        push_where(&mut sql, &mut params, &self.filter);
        returning_clause::<T>(sql, params, returning)
    }

    /// Runs the delete; reports rows deleted.
    pub fn run(self) -> impl Future<Output = Result<ExecMeta>> + use<'a, E, T> {
        let call = self.db.execute(self.render(false));
        match Probe::delete::<T>(&self.filter) {
            Probe::Nothing => Either::One(call),
            probe => Either::Other(probe.explain_failure(self.db, call)),
        }
    }

    /// Adds `RETURNING` every column.
    pub fn returning(self) -> Returning<'a, E, T, Self> {
        Returning {
            inner: self,
            _t: PhantomData,
            _e: PhantomData,
        }
    }
}

impl<'a, E: Executor + 'a, T: Table> ReturningWrite<'a, E, T> for Delete<'a, E, T> {
    fn returning_statements(&self) -> Result<Vec<Statement>> {
        Ok(vec![self.render(true)])
    }
    fn plain_statements(&self) -> Result<Vec<Statement>> {
        Ok(vec![self.render(false)])
    }
    fn probe(&self) -> Probe {
        Probe::delete::<T>(&self.filter)
    }
    fn db(&self) -> &'a Db<E> {
        self.db
    }
}
