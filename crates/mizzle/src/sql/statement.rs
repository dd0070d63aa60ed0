//! A statement: SQL text, its bound values and (when mizzle built it) its result columns;
//! and what renders to one.

use std::sync::Arc;

use crate::sql::value::Value;

/// One SQL statement with its bound values.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// SQL with `?` placeholders.
    pub sql: String,
    /// Values for the placeholders, in order.
    pub params: Vec<Value>,
    /// Names of the result columns, in order, when mizzle built the statement: rows are
    /// then read by position (and D1's row objects by these keys).
    pub columns: Option<Columns>,
}

/// The result columns of a statement mizzle built, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Columns {
    /// A whole table's columns, in its row struct's order (a generated constant: nothing
    /// is allocated per statement). Rows of such a statement are read by position.
    Table(&'static [&'static str]),
    /// Columns assembled for this statement (joins, projections).
    Built(Arc<[&'static str]>),
}

impl std::ops::Deref for Columns {
    type Target = [&'static str];
    fn deref(&self) -> &[&'static str] {
        match self {
            Columns::Table(c) => c,
            Columns::Built(c) => c,
        }
    }
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

/// A query that can stand inside another statement (`IN (SELECT …)`, `EXISTS (…)`, a
/// scalar subquery): rendered with every column qualified.
pub trait ToStatement {
    /// The statement, columns qualified.
    fn to_statement_q(&self) -> Statement;
}
