//! Queries across tables: joins with typed tuple rows, projections of chosen columns and
//! expressions, aggregates with `group_by` / `having`, `distinct`, and subqueries.
//!
//! ```text
//! // (User, Option<Post>) per row: a left-joined row whose key is NULL is `None`.
//! let rows = db.select(users::table)
//!     .left_join(posts::table, posts::author_id.eq_col(users::id))
//!     .filter(posts::published.eq(true) | posts::id.is_null())
//!     .all().await?;
//!
//! // (String, i64): each author's name and post count.
//! let counts = db.select(users::table)
//!     .inner_join(posts::table, posts::author_id.eq_col(users::id))
//!     .columns((users::name, count(posts::id)))
//!     .group_by(users::id)
//!     .having(count(posts::id).gt(1))
//!     .all().await?;
//! ```
//!
//! Joined statements name every column by its table (or alias), so the same column name in
//! two tables is never ambiguous, and read cells by position.

use std::marker::PhantomData;
use std::sync::Arc;

use super::relation::{Join, Load, Relation};
use super::select::Select;
use crate::db::Db;
use crate::error::Result;
use crate::exec::{Executor, FromRow, RowReader};
use crate::expr::scope::{Covers, LeftJoined, Source, read_optional_row};
use crate::expr::{ColRef, Condition, Expr, Order, Qual, and_filter, node::Node};
use crate::sql::statement::{Columns, Statement};
use crate::sql::text::{limit_clause, quote_ident};
use crate::sql::value::Value;

pub use crate::sql::statement::ToStatement;

mod project;

pub use project::{GroupBy, Named, Project, Projection, SingleColumn};

/// One table's part of a joined row.
pub trait Segment {
    /// What it decodes to: the row, or `Option` of it for a left join.
    type Out;
    /// Its source's name, alias and columns.
    fn source() -> (&'static str, &'static str, &'static [&'static str]);
    /// Decodes its cells.
    fn decode(r: &mut RowReader<'_>) -> Result<Self::Out>;
}

/// An inner-joined (or the first) table: always a row.
pub struct Req<T>(PhantomData<T>);
/// A left-joined table: `None` when the join found no row.
pub struct Opt<T>(PhantomData<T>);

impl<T: Source> Segment for Req<T> {
    type Out = T::Row;
    fn source() -> (&'static str, &'static str, &'static [&'static str]) {
        (T::NAME, T::ALIAS, T::COLUMNS)
    }
    fn decode(r: &mut RowReader<'_>) -> Result<T::Row> {
        T::Row::from_reader(r)
    }
}

impl<T: Source> Segment for Opt<T> {
    type Out = Option<T::Row>;
    fn source() -> (&'static str, &'static str, &'static [&'static str]) {
        (T::NAME, T::ALIAS, T::COLUMNS)
    }
    fn decode(r: &mut RowReader<'_>) -> Result<Option<T::Row>> {
        read_optional_row::<T>(r)
    }
}

/// The segments of a joined row, as a tuple.
pub trait Segments {
    /// The decoded tuple.
    type Out;
    /// Every segment's source, in order.
    fn sources() -> Vec<(&'static str, &'static str, &'static [&'static str])>;
    /// Decodes a row.
    fn decode(r: &mut RowReader<'_>) -> Result<Self::Out>;
}

/// Appends `X` to a tuple.
pub trait Push<X> {
    /// The longer tuple.
    type Out;
}

macro_rules! tuples {
    ($($s:ident),*) => {
        impl<$($s: Segment),*> Segments for ($($s,)*) {
            type Out = ($($s::Out,)*);
            fn sources() -> Vec<(&'static str, &'static str, &'static [&'static str])> {
                vec![$($s::source()),*]
            }
            fn decode(r: &mut RowReader<'_>) -> Result<Self::Out> {
                Ok(($($s::decode(r)?,)*))
            }
        }

        impl<$($s,)* X> Push<X> for ($($s,)*) {
            type Out = ($($s,)* X,);
        }
    };
}
tuples!(A);
tuples!(A, B);
tuples!(A, B, C);
tuples!(A, B, C, D);
tuples!(A, B, C, D, E);
tuples!(A, B, C, D, E2, F);

/// The shared parts of a multi-table `SELECT`.
#[derive(Debug, Clone, Default)]
pub(crate) struct From_ {
    /// (table, alias) of the first source.
    pub base: (&'static str, &'static str),
    /// `JOIN` clauses, rendered.
    pub joins: Vec<JoinClause>,
    pub filter: Option<Expr>,
    pub order: Vec<(Node, bool)>,
    pub limit: Option<u64>,
    pub offset: Option<u64>,
}

#[derive(Debug, Clone)]
pub(crate) struct JoinClause {
    kind: &'static str,
    table: &'static str,
    alias: &'static str,
    on: Expr,
}

fn source_sql(table: &str, alias: &str) -> String {
    if table == alias {
        quote_ident(table)
    } else {
        format!("{} AS {}", quote_ident(table), quote_ident(alias))
    }
}

impl From_ {
    /// ` FROM … JOIN … WHERE …` (no ORDER BY / LIMIT).
    fn render_from(&self, sql: &mut String, params: &mut Vec<Value>) {
        sql.push_str(" FROM ");
        sql.push_str(&source_sql(self.base.0, self.base.1));
        for j in &self.joins {
            sql.push(' ');
            sql.push_str(j.kind);
            sql.push(' ');
            sql.push_str(&source_sql(j.table, j.alias));
            sql.push_str(" ON ");
            j.on.render_q(Qual::Own, sql, params);
        }
        if let Some(f) = &self.filter {
            sql.push_str(" WHERE ");
            f.render_q(Qual::Own, sql, params);
        }
    }

    fn render_tail(&self, sql: &mut String, params: &mut Vec<Value>) {
        for (i, (node, desc)) in self.order.iter().enumerate() {
            sql.push_str(if i == 0 { " ORDER BY " } else { ", " });
            node.render(Qual::Own, sql, params);
            if *desc {
                sql.push_str(" DESC");
            }
        }
        limit_clause(sql, self.limit, self.offset);
    }
}

/// `filter`, `order_by`, `limit` and `offset` of a builder over `self.from` whose scope is
/// `Q` (joins and projections share them).
macro_rules! from_builders {
    () => {
        /// Adds a `WHERE` condition on any table of the query (several are ANDed).
        pub fn filter<S, J>(mut self, condition: Condition<S>) -> Self
        where
            Q: Covers<S, J>,
        {
            and_filter(&mut self.from.filter, condition.into_expr());
            self
        }

        /// Adds an `ORDER BY` term (a column of any table of the query, an aggregate, an
        /// expression).
        pub fn order_by<S, J>(mut self, order: impl Into<Order<S>>) -> Self
        where
            Q: Covers<S, J>,
        {
            let o = order.into();
            self.from.order.push((o.term, o.descending));
            self
        }

        /// `LIMIT n`.
        pub fn limit(mut self, n: u64) -> Self {
            self.from.limit = Some(n);
            self
        }

        /// `OFFSET n`.
        pub fn offset(mut self, n: u64) -> Self {
            self.from.offset = Some(n);
            self
        }
    };
}
pub(crate) use from_builders;

/// Names for result columns `c0, c1, …` (positional reading; unique, so D1's batch rows,
/// which come back as objects, keep every cell).
const NAMES: [&str; 64] = [
    "c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9", "c10", "c11", "c12", "c13", "c14",
    "c15", "c16", "c17", "c18", "c19", "c20", "c21", "c22", "c23", "c24", "c25", "c26", "c27",
    "c28", "c29", "c30", "c31", "c32", "c33", "c34", "c35", "c36", "c37", "c38", "c39", "c40",
    "c41", "c42", "c43", "c44", "c45", "c46", "c47", "c48", "c49", "c50", "c51", "c52", "c53",
    "c54", "c55", "c56", "c57", "c58", "c59", "c60", "c61", "c62", "c63",
];

fn result_name(i: usize) -> &'static str {
    NAMES.get(i).copied().unwrap_or("c")
}

/// The join of `T` and `U`, `U`'s row part being `P`.
type Join2<'a, E, T, U, P> = JoinSelect<'a, E, (T, U), (Req<T>, P)>;

/// A one-table select becomes a join or a projection here, so that `select.rs` knows
/// nothing of either.
impl<'a, E: Executor, T: crate::table::Table> Select<'a, E, T> {
    pub(crate) fn into_from(self) -> (&'a Db<E>, From_) {
        (
            self.db,
            From_ {
                base: (T::NAME, T::NAME),
                joins: Vec::new(),
                filter: self.filter,
                order: self.order,
                limit: self.limit,
                offset: self.offset,
            },
        )
    }

    pub(crate) fn joined(self) -> JoinSelect<'a, E, (T,), (Req<T>,)> {
        let (db, from) = self.into_from();
        JoinSelect {
            db,
            from,
            _m: PhantomData,
        }
    }

    /// `INNER JOIN u ON condition`: rows become `(T::Row, U::Row)` tuples. The condition
    /// compares columns of both (`posts::author_id.eq_col(users::id)`).
    pub fn inner_join<U: crate::expr::scope::Source, S, I>(
        self,
        u: U,
        on: Condition<S>,
    ) -> Join2<'a, E, T, U, Req<U>>
    where
        (T, U): Covers<S, I>,
    {
        self.joined().inner_join(u, on)
    }

    /// `LEFT JOIN u ON condition`: rows become `(T::Row, Option<U::Row>)`, `None` where
    /// nothing matched.
    pub fn left_join<U: crate::expr::scope::Source, S, I>(
        self,
        u: U,
        on: Condition<S>,
    ) -> Join2<'a, E, T, crate::expr::scope::LeftJoined<U>, Opt<U>>
    where
        (T, crate::expr::scope::LeftJoined<U>): Covers<S, I>,
    {
        self.joined().left_join(u, on)
    }

    /// Inner join through a declared relation (`.join_rel(users::posts)`).
    pub fn join_rel<R: Relation<Parent = T>, L>(
        self,
        rel: Load<R, L>,
    ) -> Join2<'a, E, T, R::Child, Req<R::Child>> {
        self.joined().join_rel(rel)
    }

    /// Left join through a declared relation: `None` where there is no related row.
    pub fn left_join_rel<R: Relation<Parent = T>, L>(
        self,
        rel: Load<R, L>,
    ) -> Join2<'a, E, T, crate::expr::scope::LeftJoined<R::Child>, Opt<R::Child>> {
        self.joined().left_join_rel(rel)
    }
}

/// `JoinSelect` after joining source `U` (row part `P`: [`Req<U>`] or [`Opt<U>`]).
pub type Joined<'a, E, Q, G, U, P> = JoinSelect<'a, E, <Q as Push<U>>::Out, <G as Push<P>>::Out>;

/// A `SELECT` over joined tables: `Q` is the tuple of sources (what conditions may name),
/// `G` the tuple of row parts (what each result row decodes to).
#[must_use = "a query does nothing until `.get()` or `.all()` is awaited"]
pub struct JoinSelect<'a, E, Q, G> {
    pub(crate) db: &'a Db<E>,
    pub(crate) from: From_,
    pub(crate) _m: PhantomData<fn() -> (Q, G)>,
}

impl<'a, E: Executor, Q, G: Segments> JoinSelect<'a, E, Q, G> {
    /// The same query with more `JOIN` clauses, seen as reading `Q2` into parts `G2`.
    fn joined<Q2, G2>(mut self, clauses: Vec<JoinClause>) -> JoinSelect<'a, E, Q2, G2> {
        self.from.joins.extend(clauses);
        JoinSelect {
            db: self.db,
            from: self.from,
            _m: PhantomData,
        }
    }

    /// Joins `U`, seen in the scope as `SlotU` (`U`, or `LeftJoined<U>`).
    fn join_as<U: Source, SlotU, S, I, G2>(
        self,
        kind: &'static str,
        on: Condition<S>,
    ) -> JoinSelect<'a, E, <Q as Push<SlotU>>::Out, G2>
    where
        Q: Push<SlotU>,
        <Q as Push<SlotU>>::Out: Covers<S, I>,
    {
        self.joined(vec![JoinClause {
            kind,
            table: U::NAME,
            alias: U::ALIAS,
            on: on.into_expr(),
        }])
    }

    /// `INNER JOIN u ON condition`: each result row has a `U` row.
    pub fn inner_join<U: Source, S, I>(
        self,
        _u: U,
        on: Condition<S>,
    ) -> Joined<'a, E, Q, G, U, Req<U>>
    where
        Q: Push<U>,
        G: Push<Req<U>>,
        <Q as Push<U>>::Out: Covers<S, I>,
    {
        self.join_as::<U, U, S, I, _>("INNER JOIN", on)
    }

    /// `LEFT JOIN u ON condition`: a result row's `U` part is `None` when nothing matched,
    /// and in a projection each of its columns is an `Option` (NULL where nothing matched).
    pub fn left_join<U: Source, S, I>(
        self,
        _u: U,
        on: Condition<S>,
    ) -> Joined<'a, E, Q, G, LeftJoined<U>, Opt<U>>
    where
        Q: Push<LeftJoined<U>>,
        G: Push<Opt<U>>,
        <Q as Push<LeftJoined<U>>>::Out: Covers<S, I>,
    {
        self.join_as::<U, LeftJoined<U>, S, I, _>("LEFT JOIN", on)
    }

    /// Inner join through a declared relation of a table already in the query
    /// (`.join_rel(users::posts)`); a many-to-many relation joins its join table too.
    pub fn join_rel<R: Relation, L, I>(
        self,
        _rel: Load<R, L>,
    ) -> Joined<'a, E, Q, G, R::Child, Req<R::Child>>
    where
        Q: Push<R::Child> + Covers<R::Parent, I>,
        G: Push<Req<R::Child>>,
    {
        self.joined(relation_joins::<R>("INNER JOIN"))
    }

    /// Left join through a declared relation: the related part is `None` when there is
    /// no related row.
    pub fn left_join_rel<R: Relation, L, I>(
        self,
        _rel: Load<R, L>,
    ) -> Joined<'a, E, Q, G, LeftJoined<R::Child>, Opt<R::Child>>
    where
        Q: Push<LeftJoined<R::Child>> + Covers<R::Parent, I>,
        G: Push<Opt<R::Child>>,
    {
        self.joined(relation_joins::<R>("LEFT JOIN"))
    }

    from_builders!();

    /// The statement `.all()` sends.
    pub fn to_statement(&self) -> Statement {
        let mut sql = String::from("SELECT ");
        let mut names = Vec::new();
        for (_, alias, cols) in G::sources() {
            for c in cols {
                if !names.is_empty() {
                    sql.push_str(", ");
                }
                ColRef {
                    table: alias,
                    name: c,
                }
                .render(Qual::Own, &mut sql);
                let n = result_name(names.len());
                sql.push_str(" AS ");
                sql.push_str(&quote_ident(n));
                names.push(n);
            }
        }
        let mut params = Vec::new();
        self.from.render_from(&mut sql, &mut params);
        self.from.render_tail(&mut sql, &mut params);
        let mut stmt = Statement::new(sql, params);
        stmt.columns = Some(Columns::Built(Arc::from(names)));
        stmt
    }

    /// Every matching row, as a tuple of the joined tables' rows.
    pub async fn all(self) -> Result<Vec<G::Out>> {
        self.db
            .query_positional(self.to_statement(), G::decode)
            .await
    }

    /// The first matching row, if any.
    pub async fn get(mut self) -> Result<Option<G::Out>> {
        self.from.limit = Some(self.from.limit.map_or(1, |l| l.min(1)));
        Ok(self.all().await?.into_iter().next())
    }
}

impl<E, Q, G: Segments> ToStatement for JoinSelect<'_, E, Q, G>
where
    E: Executor,
{
    fn to_statement_q(&self) -> Statement {
        self.to_statement()
    }
}

/// The `JOIN` clauses of relation `R` from its parent to its child.
fn relation_joins<R: Relation>(kind: &'static str) -> Vec<JoinClause> {
    let parent = <R::Parent as Source>::ALIAS;
    let child = <R::Child as Source>::NAME;
    let eq = |lt, lc, rt, rc| Expr::Cmp {
        left: Box::new(Node::Col(ColRef {
            table: lt,
            name: lc,
        })),
        op: "=",
        right: Box::new(Node::Col(ColRef {
            table: rt,
            name: rc,
        })),
    };
    match R::JOIN {
        Join::Direct {
            parent_col,
            child_col,
        } => vec![JoinClause {
            kind,
            table: child,
            alias: child,
            on: eq(child, child_col, parent, parent_col),
        }],
        Join::Through {
            table,
            source_fk,
            target_fk,
            parent_col,
            child_col,
        } => vec![
            JoinClause {
                kind,
                table,
                alias: table,
                on: eq(table, source_fk, parent, parent_col),
            },
            JoinClause {
                kind,
                table: child,
                alias: child,
                on: eq(child, child_col, table, target_fk),
            },
        ],
    }
}
