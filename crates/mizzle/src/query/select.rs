//! `SELECT` of one table: the builder and its rendering.

use std::marker::PhantomData;

use crate::db::Db;
use crate::error::{Error, Result};
use crate::exec::{Executor, FromRow};
use crate::expr::node::Node;
use crate::expr::scope::Covers;
use crate::expr::{Condition, Expr, Order, Qual, and_filter};
use crate::sql::statement::{Columns, Statement, ToStatement};
use crate::sql::text::limit_clause;
use crate::sql::value::Value;
use crate::table::Table;

/// `SELECT <select_list> FROM <table> [WHERE …] [ORDER BY …] [LIMIT … OFFSET …]`: compiled
/// once, whatever the table.
pub(crate) fn render_select(
    table_sql: &str,
    select_list: &str,
    filter: &Option<Expr>,
    order: &[(crate::expr::node::Node, bool)],
    (limit, offset): (Option<u64>, Option<u64>),
) -> Statement {
    let mut sql = String::with_capacity(64 + select_list.len());
    sql.push_str("SELECT ");
    sql.push_str(select_list);
    sql.push_str(" FROM ");
    sql.push_str(table_sql);
    let mut params = Vec::with_capacity(4);
    if let Some(f) = filter {
        sql.push_str(" WHERE ");
        f.render(&mut sql, &mut params);
    }
    for (i, (node, desc)) in order.iter().enumerate() {
        sql.push_str(if i == 0 { " ORDER BY " } else { ", " });
        node.render(Qual::Own, &mut sql, &mut params);
        if *desc {
            sql.push_str(" DESC");
        }
    }
    limit_clause(&mut sql, limit, offset);
    Statement::new(sql, params)
}

pub(crate) fn column_list<T: Table>() -> &'static str {
    T::COLUMNS_SQL
}

pub(crate) fn columns_of<T: Table>() -> Option<Columns> {
    Some(Columns::Table(T::COLUMNS))
}

/// Finishes a write statement, with `RETURNING` every column when asked.
pub(crate) fn returning_clause<T: Table>(
    mut sql: String,
    params: Vec<Value>,
    returning: bool,
) -> Statement {
    if returning {
        sql.push_str(" RETURNING ");
        sql.push_str(column_list::<T>());
    }
    let mut stmt = Statement::new(sql, params);
    if returning {
        stmt.columns = columns_of::<T>();
    }
    stmt
}

pub(crate) fn push_where(sql: &mut String, params: &mut Vec<Value>, filter: &Option<Expr>) {
    if let Some(f) = filter {
        sql.push_str(" WHERE ");
        f.render(sql, params);
    }
}

/// A `SELECT` on table `T`.
#[must_use = "a query does nothing until `.get()`, `.all()` or `.count()` is awaited"]
pub struct Select<'a, E, T> {
    pub(crate) db: &'a Db<E>,
    pub(crate) filter: Option<Expr>,
    pub(crate) order: Vec<(Node, bool)>,
    pub(crate) limit: Option<u64>,
    pub(crate) offset: Option<u64>,
    pub(crate) _t: PhantomData<T>,
}

impl<'a, E: Executor, T: Table> Select<'a, E, T> {
    /// Adds a `WHERE` condition (several are ANDed): on this table's columns, or built with
    /// `&`/`|` from conditions on them, or on a relation (`users::posts.any(..)`).
    pub fn filter<S, I>(mut self, condition: Condition<S>) -> Self
    where
        T: Covers<S, I>,
    {
        and_filter(&mut self.filter, condition.into_expr());
        self
    }

    /// Adds an `ORDER BY` term (`users::name`, `users::created_at.desc()`, an expression).
    pub fn order_by<S, I>(mut self, order: impl Into<Order<S>>) -> Self
    where
        T: Covers<S, I>,
    {
        let o = order.into();
        self.order.push((o.term, o.descending));
        self
    }

    /// `LIMIT n`.
    pub fn limit(mut self, n: u64) -> Self {
        self.limit = Some(n);
        self
    }

    /// `OFFSET n`.
    pub fn offset(mut self, n: u64) -> Self {
        self.offset = Some(n);
        self
    }

    /// The statement, every column qualified by the table's name (so it also stands
    /// inside another statement).
    pub(crate) fn render(&self, select_list: &str, limit: Option<u64>) -> Statement {
        render_select(
            T::NAME_SQL,
            select_list,
            &self.filter,
            &self.order,
            (limit, self.offset),
        )
    }

    /// The database it runs on.
    pub(crate) fn db(&self) -> &'a Db<E> {
        self.db
    }

    /// The statement `.all()` sends.
    pub fn to_statement(&self) -> Statement {
        let mut stmt = self.render(column_list::<T>(), self.limit);
        stmt.columns = columns_of::<T>();
        stmt
    }

    /// All matching rows.
    pub fn all(self) -> impl Future<Output = Result<Vec<T::Row>>> + use<'a, E, T> {
        self.db.query_as(self.to_statement())
    }

    /// The first matching row, if any (`LIMIT 1`).
    pub fn get(self) -> impl Future<Output = Result<Option<T::Row>>> + use<'a, E, T> {
        let limit = Some(self.limit.map_or(1, |l| l.min(1)));
        let mut stmt = self.render(column_list::<T>(), limit);
        stmt.columns = columns_of::<T>();
        self.db.query_first_as(stmt)
    }

    /// All matching rows, each decoded into your own struct by column name (a
    /// `#[derive(FromRow)]` struct holding some of the table's columns).
    pub fn all_as<R: FromRow>(self) -> impl Future<Output = Result<Vec<R>>> + use<'a, E, T, R> {
        self.db.query_as(self.to_statement())
    }

    /// The first matching row, if any, decoded into your own struct by column name.
    pub fn get_as<R: FromRow>(self) -> impl Future<Output = Result<Option<R>>> + use<'a, E, T, R> {
        let limit = Some(self.limit.map_or(1, |l| l.min(1)));
        let mut stmt = self.render(column_list::<T>(), limit);
        stmt.columns = columns_of::<T>();
        self.db.query_first_as(stmt)
    }

    /// The number of matching rows (respecting limit and offset).
    pub async fn count(self) -> Result<i64> {
        let stmt = if self.limit.is_some() || self.offset.is_some() {
            let inner = self.render("1", self.limit);
            Statement::new(
                format!("SELECT count(*) FROM ({})", inner.sql),
                inner.params,
            )
        } else {
            self.render("count(*)", None)
        };
        let rows = self.db.query(stmt).await?;
        let cell = rows
            .into_iter()
            .next()
            .and_then(|r| r.values().first().cloned());
        match cell {
            Some(Value::Integer(n)) => Ok(n),
            other => Err(Error::Other(format!("count(*) returned {other:?}"))),
        }
    }
}

impl<E: Executor, T: Table> ToStatement for Select<'_, E, T> {
    fn to_statement_q(&self) -> Statement {
        self.render("1", self.limit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::ColRef;

    fn eq(name: &'static str, v: i64) -> Expr {
        Expr::Compare {
            column: ColRef { table: "t", name },
            op: "=",
            value: Value::Integer(v),
        }
    }

    #[test]
    fn filters_are_anded_flat_in_the_order_given() {
        let mut filter = None;
        and_filter(&mut filter, eq("a", 1));
        assert!(
            matches!(filter, Some(Expr::Compare { .. })),
            "one stays itself"
        );
        and_filter(&mut filter, eq("b", 2));
        and_filter(&mut filter, eq("c", 3));
        let (mut sql, mut params) = (String::new(), Vec::new());
        push_where(&mut sql, &mut params, &filter);
        assert_eq!(sql, r#" WHERE "t"."a" = ? AND "t"."b" = ? AND "t"."c" = ?"#);
        assert_eq!(params, [1, 2, 3].map(Value::Integer));
        assert!(matches!(&filter, Some(Expr::And(items)) if items.len() == 3));
    }
}
