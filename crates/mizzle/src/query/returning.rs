//! `RETURNING` on an insert, update or delete.

use std::marker::PhantomData;

use super::foreign_key::Probe;
use super::link::InsertLink;
use crate::db::Db;
use crate::db::call::Either;
use crate::error::{Error, Result};
use crate::exec::Executor;
use crate::sql::statement::Statement;
use crate::table::Table;

/// A write with `RETURNING`.
#[must_use = "a query does nothing until `.one()`, `.get()` or `.all()` is awaited"]
pub struct Returning<'a, E, T, Q> {
    pub(crate) inner: Q,
    pub(crate) _t: PhantomData<T>,
    pub(crate) _e: PhantomData<&'a E>,
}

/// A write that can return rows (insert, update, delete).
pub trait ReturningWrite<'a, E: Executor + 'a, T: Table> {
    /// Its statements with `RETURNING`.
    fn returning_statements(&self) -> Result<Vec<Statement>>;
    /// The same, with the parent key a batch found for `set_from_last_insert`.
    #[doc(hidden)]
    fn returning_statements_after(&self, _parent: &str) -> Result<Vec<Statement>> {
        self.returning_statements()
    }
    /// An insert's link (see `InsertLink`); `None` for other writes.
    #[doc(hidden)]
    fn insert_link(&self) -> Option<InsertLink> {
        None
    }
    /// The same, consuming the write (its values move into the statements).
    fn into_returning_statements(self) -> Result<Vec<Statement>>
    where
        Self: Sized,
    {
        self.returning_statements()
    }
    /// Its statements without `RETURNING` (what `returning_columns` adds its own list to).
    #[doc(hidden)]
    fn plain_statements(&self) -> Result<Vec<Statement>>;
    /// The database it runs on.
    fn db(&self) -> &'a Db<E>;
    /// What names the foreign key when the write fails on one (taken before it is sent).
    #[doc(hidden)]
    fn probe(&self) -> Probe {
        Probe::Nothing
    }
}

impl<'a, E: Executor + 'a, T: Table, Q: ReturningWrite<'a, E, T>> Returning<'a, E, T, Q> {
    /// Every returned row.
    pub async fn all(self) -> Result<Vec<T::Row>> {
        let db = self.inner.db();
        let probe = self.inner.probe();
        let mut stmts = self.inner.into_returning_statements()?;
        probe
            .explain_failure(db, async move {
                if stmts.len() == 1 {
                    return db.query_as(stmts.remove(0)).await;
                }
                crate::exec::decode_all(db.run_all(stmts, true).await?.rows)
            })
            .await
    }

    /// The first returned row, if any (none after `DO NOTHING` skipped it).
    pub fn get(self) -> impl Future<Output = Result<Option<T::Row>>> + use<'a, E, T, Q> {
        let db = self.inner.db();
        let probe = self.inner.probe();
        match (self.inner.into_returning_statements(), probe) {
            // SQLite makes every change of a statement with RETURNING on its first step, so
            // reading only the first row leaves nothing undone.
            (Ok(mut stmts), Probe::Nothing) if stmts.len() == 1 => {
                Either::One(db.query_first_as(stmts.remove(0)))
            }
            (stmts, probe) => Either::Other(probe.explain_failure(db, async move {
                let mut stmts = stmts?;
                if stmts.len() == 1 {
                    return db.query_first_as(stmts.remove(0)).await;
                }
                let rows = db.run_all(stmts, true).await?.rows;
                Ok(crate::exec::decode_all::<T::Row>(rows)?.into_iter().next())
            })),
        }
    }

    /// The returned row; [`Error::NotFound`] when there is none.
    pub async fn one(self) -> Result<T::Row> {
        self.get().await?.ok_or(Error::NotFound)
    }

    /// The statements it sends.
    pub fn to_statements(&self) -> Result<Vec<Statement>> {
        self.inner.returning_statements()
    }

    /// The write it returns rows of.
    pub(crate) fn inner(&self) -> &Q {
        &self.inner
    }
}
