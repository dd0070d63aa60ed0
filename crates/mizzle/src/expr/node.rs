//! The untyped trees under the typed handles: a column reference ([`ColRef`]), how it is
//! qualified ([`Qual`]), and a value expression ([`Node`]), with their rendering. Every
//! other file of `expr/` builds these.

use crate::sql::statement::Statement;
use crate::sql::text::push_ident;
use crate::sql::value::Value;

/// A column reference: the name the query calls its table by (table or alias) and the
/// column's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColRef {
    /// The table's name or alias in the query.
    pub table: &'static str,
    /// The column.
    pub name: &'static str,
}

/// How a rendered expression names the table of each column it reads.
///
/// Every column reference mizzle writes is qualified: SQLite (D1 and Durable Objects
/// included) reads a double-quoted name that matches no column as a string literal, so
/// `SELECT "url" FROM "events"` on a database one migration behind returns the text
/// `'url'` where `SELECT "events"."url" FROM "events"` fails with `no such column`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Qual {
    /// By the name or alias the query calls each column's table: `"users"."id"`.
    Own,
    /// Every column by one alias, given as SQL (`c`, `"__c"`): the rows of a relation's
    /// child table under the name its statement gives them.
    As(&'static str),
}

impl ColRef {
    /// Appends `"table"."col"` (or `alias."col"`, see [`Qual`]).
    pub fn render(&self, qual: Qual, sql: &mut String) {
        match qual {
            Qual::Own => push_ident(sql, self.table),
            Qual::As(alias) => sql.push_str(alias),
        }
        sql.push('.');
        push_ident(sql, self.name);
    }
}

/// A value expression, untyped (the tree [`Val`](crate::value_expr::Val) wraps).
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// A column of a table or alias.
    Col(ColRef),
    /// A bound value.
    Bind(Value),
    /// `count(*)`.
    CountAll,
    /// `func(args…)`, with `DISTINCT` before the arguments when set.
    Call {
        /// Function name (from mizzle's fixed list, never user input).
        func: &'static str,
        /// Arguments.
        args: Vec<Node>,
        /// `func(DISTINCT …)`.
        distinct: bool,
    },
    /// `(left op right)`.
    Binary {
        /// Operator (`+`, `-`, `*`, `/`, `||`).
        op: &'static str,
        /// Left operand.
        left: Box<Node>,
        /// Right operand.
        right: Box<Node>,
    },
    /// `excluded."col"` in an upsert's `DO UPDATE`.
    Excluded(&'static str),
    /// A scalar subquery `(SELECT …)`.
    Subquery(Box<Statement>),
    /// An expression written to an integer column, guarded: its value, or the error
    /// `integer overflow` when it is beyond ±(2^53 − 1) (see [`crate::assign`]).
    ExactInteger(Box<Node>),
    /// A typed SQL fragment with `?` placeholders.
    Raw {
        /// SQL text.
        sql: String,
        /// Its values.
        params: Vec<Value>,
    },
}

impl Node {
    /// Appends the SQL (columns qualified as `qualified` says) and binds the values.
    pub fn render(&self, qualified: Qual, sql: &mut String, params: &mut Vec<Value>) {
        match self {
            Node::Col(c) => c.render(qualified, sql),
            Node::Bind(v) => {
                sql.push('?');
                params.push(v.clone());
            }
            Node::CountAll => sql.push_str("count(*)"),
            Node::Call {
                func,
                args,
                distinct,
            } => {
                sql.push_str(func);
                sql.push('(');
                if *distinct {
                    sql.push_str("DISTINCT ");
                }
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        sql.push_str(", ");
                    }
                    a.render(qualified, sql, params);
                }
                sql.push(')');
            }
            Node::Binary { op, left, right } => {
                sql.push('(');
                left.render(qualified, sql, params);
                sql.push(' ');
                sql.push_str(op);
                sql.push(' ');
                right.render(qualified, sql, params);
                sql.push(')');
            }
            Node::Excluded(c) => {
                sql.push_str("excluded.");
                crate::sql::text::push_ident(sql, c);
            }
            Node::Subquery(s) => {
                sql.push('(');
                sql.push_str(&s.sql);
                sql.push(')');
                params.extend(s.params.iter().cloned());
            }
            Node::ExactInteger(inner) => {
                // Evaluated once (a subquery over it), passed through when NULL or within
                // ±(2^53 − 1), else `abs(i64::MIN)`, which SQLite refuses with "integer
                // overflow": the write fails instead of storing what cannot be read back.
                sql.push_str("(SELECT CASE WHEN \"__v\" IS NULL OR abs(\"__v\") <= ");
                crate::sql::text::push_u64(sql, crate::sql::value::MAX_SAFE_INTEGER as u64);
                sql.push_str(" THEN \"__v\" ELSE abs(-9223372036854775807 - 1) END FROM (SELECT ");
                inner.render(qualified, sql, params);
                sql.push_str(" AS \"__v\"))");
            }
            Node::Raw {
                sql: raw,
                params: p,
            } => {
                sql.push('(');
                sql.push_str(raw);
                sql.push(')');
                params.extend(p.iter().cloned());
            }
        }
    }
}
