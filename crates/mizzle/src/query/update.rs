//! `UPDATE`: the builder and its rendering.

use std::marker::PhantomData;

use super::assign::{Assign, SetList};
use super::foreign_key::Probe;
use super::returning::{Returning, ReturningWrite};
use super::select::{column_list, columns_of, push_where, render_select, returning_clause};
use crate::db::Db;
use crate::db::call::{Call, Either};
use crate::error::Result;
use crate::exec::{ExecMeta, Executor};
use crate::expr::scope::Covers;
use crate::expr::{Condition, Expr, and_filter};
use crate::sql::statement::Statement;
use crate::sql::value::Value;
use crate::table::{Patch, Table};

/// `UPDATE` of table `T`, waiting for `.set(patch)`.
pub struct UpdateTable<'a, E, T> {
    pub(crate) db: &'a Db<E>,
    pub(crate) _t: PhantomData<T>,
}

impl<'a, E: Executor, T: Table> UpdateTable<'a, E, T> {
    /// The columns to change.
    pub fn set(self, patch: T::Patch) -> Update<'a, E, T> {
        Update {
            db: self.db,
            set: SetList::patch::<T>(patch.into_set()),
            filter: None,
            _t: PhantomData,
        }
    }

    /// The columns to change, by expression: `.set_expr(assign(posts::views, posts::views.add(1)))`.
    /// `on_update_fn` columns are not refreshed (use `.set(patch)` and chain this for both).
    pub fn set_expr(self, assignment: Assign<T>) -> Update<'a, E, T> {
        Update {
            db: self.db,
            set: SetList::exprs::<T>(vec![(assignment.column, assignment.value)]),
            filter: None,
            _t: PhantomData,
        }
    }
}

/// An `UPDATE`.
#[must_use = "an update does nothing until `.run()` or `.returning()` is awaited"]
pub struct Update<'a, E, T> {
    pub(crate) db: &'a Db<E>,
    pub(crate) set: SetList,
    pub(crate) filter: Option<Expr>,
    pub(crate) _t: PhantomData<T>,
}

impl<'a, E: Executor, T: Table> Update<'a, E, T> {
    /// Adds a `WHERE` condition (several are ANDed). Without one every row is updated.
    pub fn filter<S, I>(mut self, condition: Condition<S>) -> Self
    where
        T: Covers<S, I>,
    {
        and_filter(&mut self.filter, condition.into_expr());
        self
    }

    /// Also sets a column by expression (replacing the patch's value for that column).
    pub fn set_expr(mut self, assignment: Assign<T>) -> Self {
        self.set
            .assign(T::COLUMNS, assignment.column, assignment.value);
        self
    }

    /// The statements it sends (one; none for an empty patch, which updates nothing).
    /// (With `.returning()`, [`Returning::to_statements`].)
    pub fn to_statements(&self) -> Result<Vec<Statement>> {
        Ok(if self.set.is_empty() {
            Vec::new()
        } else {
            vec![self.render(false)]
        })
    }

    /// The statement. An empty patch updates nothing: it becomes a `SELECT` of the matching
    /// rows (so `.returning()` still returns them unchanged).
    pub(crate) fn render(&self, returning: bool) -> Statement {
        if self.set.is_empty() {
            // Nothing to write: select the matching rows instead (`run()` skips it).
            let mut stmt = render_select(
                T::NAME_SQL,
                column_list::<T>(),
                &self.filter,
                &[],
                (None, None),
            );
            stmt.columns = columns_of::<T>();
            return stmt;
        }
        let mut params = Vec::with_capacity(self.set.len() + 1);
        let mut sql = Self::update_head();
        self.set.render(&mut sql, &mut params);
        Self::update_tail(sql, params, &self.filter, returning)
    }

    /// [`Update::render`], the patch's values moved into the statement.
    pub(crate) fn into_statement(self, returning: bool) -> Statement {
        if self.set.is_empty() {
            return self.render(returning);
        }
        let mut sql = Self::update_head();
        // Taken apart, not `mem::take`n: the builder is not copied again.
        let Update { set, filter, .. } = self;
        let params = set.render_owned(&mut sql);
        Self::update_tail(sql, params, &filter, returning)
    }

    /// `UPDATE <table> SET `.
    pub(crate) fn update_head() -> String {
        let mut sql = String::with_capacity(128);
        sql.push_str("UPDATE ");
        sql.push_str(T::NAME_SQL);
        sql.push_str(" SET ");
        sql
    }

    /// ` WHERE …`, with `RETURNING` every column when asked.
    pub(crate) fn update_tail(
        mut sql: String,
        mut params: Vec<Value>,
        filter: &Option<Expr>,
        returning: bool,
    ) -> Statement {
        push_where(&mut sql, &mut params, filter);
        returning_clause::<T>(sql, params, returning)
    }

    /// Runs the update; reports rows changed.
    pub fn run(self) -> impl Future<Output = Result<ExecMeta>> + use<'a, E, T> {
        if self.set.is_empty() {
            return Either::One(Call::ready(ExecMeta::default()));
        }
        let db = self.db;
        let probe = Probe::update::<T>(&self.set.set);
        let call = db.execute(self.into_statement(false));
        match probe {
            Probe::Nothing => Either::One(call),
            probe => Either::Other(probe.explain_failure(db, call)),
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

impl<'a, E: Executor + 'a, T: Table> ReturningWrite<'a, E, T> for Update<'a, E, T> {
    fn returning_statements(&self) -> Result<Vec<Statement>> {
        Ok(vec![self.render(true)])
    }
    fn into_returning_statements(self) -> Result<Vec<Statement>> {
        Ok(vec![self.into_statement(true)])
    }
    fn plain_statements(&self) -> Result<Vec<Statement>> {
        Ok(vec![self.render(false)])
    }
    fn db(&self) -> &'a Db<E> {
        self.db
    }
    fn probe(&self) -> Probe {
        Probe::update::<T>(&self.set.set)
    }
}
