//! `RETURNING` what you choose: a write (insert, update, delete) that returns chosen columns
//! and expressions of its table, decoded like a select's `.columns(..)`.
//!
//! ```text
//! let changed: Vec<(i64, f64)> = db
//!     .update(books::table)
//!     .set(BookPatch::new().price(12.5))
//!     .filter(books::author_id.eq(7))
//!     .returning_columns((books::id, books::price))
//!     .all()
//!     .await?;
//! ```

use std::marker::PhantomData;

use super::delete::Delete;
use super::insert::Insert;
use super::join::Projection;
use super::returning::ReturningWrite;
use super::update::Update;
use crate::error::{Error, Result};
use crate::exec::{Executor, decode_positional};
use crate::expr::Qual;
use crate::expr::node::Node;
use crate::sql::statement::Statement;
use crate::sql::text::quote_ident;
use crate::table::Table;

/// A write with `RETURNING` chosen columns and expressions (`P`) of its table `T`.
#[must_use = "a query does nothing until `.one()`, `.get()` or `.all()` is awaited"]
pub struct ReturningColumns<'a, E, T, W, P, I> {
    write: W,
    projection: P,
    _e: PhantomData<&'a E>,
    _t: PhantomData<fn() -> (T, I)>,
}

macro_rules! returning_columns {
    ($($write:ident),*) => {$(
        impl<'a, E: Executor + 'a, T: Table> $write<'a, E, T> {
            /// Adds `RETURNING` the chosen columns and expressions of this table: a column,
            /// an expression, or a tuple of them, each row decoded as `.columns(..)` of a
            /// select would be.
            pub fn returning_columns<P: Projection<T, I>, I>(
                self,
                projection: P,
            ) -> ReturningColumns<'a, E, T, Self, P, I> {
                ReturningColumns {
                    write: self,
                    projection,
                    _e: PhantomData,
                    _t: PhantomData,
                }
            }
        }
    )*};
}

returning_columns!(Insert, Update, Delete);

impl<'a, E, T, W, P, I> ReturningColumns<'a, E, T, W, P, I>
where
    E: Executor + 'a,
    T: Table,
    W: ReturningWrite<'a, E, T>,
    P: Projection<T, I>,
{
    /// The statements it sends: the write's, each with ` RETURNING <the list>`.
    pub fn to_statements(&self) -> Result<Vec<Statement>> {
        let mut items: Vec<(Node, &'static str)> = Vec::new();
        self.projection.push(&mut items);
        let mut stmts = self.write.plain_statements()?;
        for stmt in &mut stmts {
            let mut sql = std::mem::take(&mut stmt.sql);
            sql.push_str(" RETURNING ");
            for (i, (node, _)) in items.iter().enumerate() {
                if i > 0 {
                    sql.push_str(", ");
                }
                node.render(Qual::Own, &mut sql, &mut stmt.params);
                sql.push_str(" AS ");
                sql.push_str(&quote_ident(&format!("c{i}")));
            }
            stmt.sql = sql;
            stmt.columns = None;
        }
        Ok(stmts)
    }

    /// Every returned row.
    pub async fn all(self) -> Result<Vec<P::Output>> {
        let db = self.write.db();
        let mut stmts = self.to_statements()?;
        self.write
            .probe()
            .explain_failure(db, async move {
                if stmts.len() == 1 {
                    return db.query_positional(stmts.remove(0), P::decode).await;
                }
                decode_positional(db.run_all(stmts, true).await?.rows, P::decode)
            })
            .await
    }

    /// The first returned row, if any (none after `DO NOTHING` skipped it, or when no row
    /// matched).
    pub async fn get(self) -> Result<Option<P::Output>> {
        Ok(self.all().await?.into_iter().next())
    }

    /// The returned row; [`Error::NotFound`] when there is none.
    pub async fn one(self) -> Result<P::Output> {
        self.get().await?.ok_or(Error::NotFound)
    }
}
