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
use crate::error::{Error, Result};
use crate::exec::{Executor, FromRow, RowReader};
use crate::expr::scope::{Covers, Flag, LeftJoined, NullAt, Source, read_optional_row};
use crate::expr::{
    ColRef, Column, Condition, Expr, Order, Qual, and_filter, node::Node, value::Val,
};
use crate::sql::statement::{Columns, Statement};
use crate::sql::text::{limit_clause, quote_ident};
use crate::sql::value::Value;
use crate::sql::{MakeNullable, Operand, SqlType};

pub use crate::sql::statement::ToStatement;

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

    /// Selects chosen columns and expressions instead of whole rows: a column, an
    /// aggregate (`count_all()`, `sum(posts::rating)`), or a tuple of them.
    pub fn columns<P: Projection<T, I>, I>(self, projection: P) -> Project<'a, E, T, P, I> {
        let (db, from) = self.into_from();
        Project::new(db, from, projection)
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

    /// Selects chosen columns and expressions instead of whole rows.
    pub fn columns<P: Projection<Q, I>, I>(self, projection: P) -> Project<'a, E, Q, P, I> {
        Project::new(self.db, self.from, projection)
    }

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

/// Something selected: a column, an expression, an aggregate. `Q` is the query's scope.
pub trait Projection<Q, I> {
    /// What a result row decodes to.
    type Output;
    /// Appends the select list items and their result names.
    fn push(&self, items: &mut Vec<(Node, &'static str)>);
    /// Decodes the cells of one row.
    fn decode(r: &mut RowReader<'_>) -> Result<Self::Output>;
}

/// A projection of exactly one expression of SQL type `Sql` (for `IN (SELECT …)`).
pub trait SingleColumn {
    /// Its SQL type.
    type Sql: SqlType;
}

/// What a value of SQL type `S` and scope at `I` is read as in query scope `Q`: `S`, or
/// its nullable form where the scope names a left-joined table.
type ReadAs<Q, I, S> = <<Q as NullAt<I>>::Null as Flag>::Sql<S>;

impl<Q, T: Source, S: MakeNullable, I> Projection<Q, I> for Column<T, S>
where
    Q: Covers<T, I> + NullAt<I>,
{
    type Output = <ReadAs<Q, I, S> as SqlType>::Rust;
    fn push(&self, items: &mut Vec<(Node, &'static str)>) {
        items.push((Node::Col(self.col_ref()), self.name()));
    }
    fn decode(r: &mut RowReader<'_>) -> Result<Self::Output> {
        r.read_next::<ReadAs<Q, I, S>>()
    }
}

impl<T, S: SqlType> SingleColumn for Column<T, S> {
    type Sql = S;
}

impl<Q, Sc, S: MakeNullable, I> Projection<Q, I> for Val<Sc, S>
where
    Q: Covers<Sc, I> + NullAt<I>,
{
    type Output = <ReadAs<Q, I, S> as SqlType>::Rust;
    fn push(&self, items: &mut Vec<(Node, &'static str)>) {
        items.push((self.node.clone(), ""));
    }
    fn decode(r: &mut RowReader<'_>) -> Result<Self::Output> {
        r.read_next::<ReadAs<Q, I, S>>()
    }
}

impl<Sc, S: SqlType> SingleColumn for Val<Sc, S> {
    type Sql = S;
}

/// An expression with the name it has in the result (for [`Project::all_as`]).
pub struct Named<V> {
    inner: V,
    name: &'static str,
}

impl<Sc, S> Val<Sc, S> {
    /// This expression, named `name` in the result (`AS "name"`).
    pub fn named(self, name: &'static str) -> Named<Self> {
        Named { inner: self, name }
    }
}

impl<Q, I, V: Projection<Q, I>> Projection<Q, I> for Named<V> {
    type Output = V::Output;
    fn push(&self, items: &mut Vec<(Node, &'static str)>) {
        let at = items.len();
        self.inner.push(items);
        if let Some(item) = items.get_mut(at) {
            item.1 = self.name;
        }
    }
    fn decode(r: &mut RowReader<'_>) -> Result<V::Output> {
        V::decode(r)
    }
}

/// A whole table's row in a projection (`.columns((users::table, count(posts::id)))`):
/// `Option` of it for a left-joined table.
impl<Q, T: crate::table::Table, I> Projection<Q, I> for T
where
    Q: Covers<T, I> + NullAt<I>,
{
    type Output = <<Q as NullAt<I>>::Null as Flag>::Row<T::Row>;
    fn push(&self, items: &mut Vec<(Node, &'static str)>) {
        for c in T::COLUMNS {
            items.push((
                Node::Col(ColRef {
                    table: <T as Source>::ALIAS,
                    name: c,
                }),
                c,
            ));
        }
    }
    fn decode(r: &mut RowReader<'_>) -> Result<Self::Output> {
        <<Q as NullAt<I>>::Null as Flag>::read_row::<T>(r)
    }
}

macro_rules! projection_tuples {
    ($($p:ident $i:ident $n:tt),*) => {
        impl<Q, $($p: Projection<Q, $i>, $i),*> Projection<Q, ($($i,)*)> for ($($p,)*) {
            type Output = ($($p::Output,)*);
            fn push(&self, items: &mut Vec<(Node, &'static str)>) {
                $(self.$n.push(items);)*
            }
            fn decode(r: &mut RowReader<'_>) -> Result<Self::Output> {
                Ok(($($p::decode(r)?,)*))
            }
        }
    };
}
projection_tuples!(P0 I0 0);
projection_tuples!(P0 I0 0, P1 I1 1);
projection_tuples!(P0 I0 0, P1 I1 1, P2 I2 2);
projection_tuples!(P0 I0 0, P1 I1 1, P2 I2 2, P3 I3 3);
projection_tuples!(P0 I0 0, P1 I1 1, P2 I2 2, P3 I3 3, P4 I4 4);
projection_tuples!(P0 I0 0, P1 I1 1, P2 I2 2, P3 I3 3, P4 I4 4, P5 I5 5);
projection_tuples!(P0 I0 0, P1 I1 1, P2 I2 2, P3 I3 3, P4 I4 4, P5 I5 5, P6 I6 6);
projection_tuples!(P0 I0 0, P1 I1 1, P2 I2 2, P3 I3 3, P4 I4 4, P5 I5 5, P6 I6 6, P7 I7 7);

/// Columns (or expressions) to group by: one, or a tuple.
pub trait GroupBy<Q, I> {
    /// The grouping terms.
    fn nodes(self) -> Vec<Node>;
}

impl<Q, T: Source, S, I> GroupBy<Q, I> for Column<T, S>
where
    Q: Covers<T, I>,
{
    fn nodes(self) -> Vec<Node> {
        vec![Node::Col(self.col_ref())]
    }
}

impl<Q, Sc, S, I> GroupBy<Q, I> for Val<Sc, S>
where
    Q: Covers<Sc, I>,
{
    fn nodes(self) -> Vec<Node> {
        vec![self.node]
    }
}

macro_rules! group_tuples {
    ($($g:ident $i:ident $n:tt),*) => {
        impl<Q, $($g: GroupBy<Q, $i>, $i),*> GroupBy<Q, ($($i,)*)> for ($($g,)*) {
            fn nodes(self) -> Vec<Node> {
                let mut v = Vec::new();
                $(v.extend(self.$n.nodes());)*
                v
            }
        }
    };
}
group_tuples!(G0 I0 0, G1 I1 1);
group_tuples!(G0 I0 0, G1 I1 1, G2 I2 2);
group_tuples!(G0 I0 0, G1 I1 1, G2 I2 2, G3 I3 3);

/// A `SELECT` of chosen columns and expressions, with `distinct`, `group_by` and
/// `having`. Rows decode to `P::Output` (a value or a tuple).
#[must_use = "a query does nothing until `.get()`, `.one()` or `.all()` is awaited"]
pub struct Project<'a, E, Q, P, I> {
    db: &'a Db<E>,
    from: From_,
    projection: P,
    distinct: bool,
    group_by: Vec<Node>,
    having: Option<Expr>,
    _m: PhantomData<fn() -> (Q, I)>,
}

impl<'a, E: Executor, Q, P: Projection<Q, I>, I> Project<'a, E, Q, P, I> {
    pub(crate) fn new(db: &'a Db<E>, from: From_, projection: P) -> Self {
        Project {
            db,
            from,
            projection,
            distinct: false,
            group_by: Vec::new(),
            having: None,
            _m: PhantomData,
        }
    }

    /// `SELECT DISTINCT`.
    pub fn distinct(mut self) -> Self {
        self.distinct = true;
        self
    }

    from_builders!();

    /// `GROUP BY` these columns or expressions.
    pub fn group_by<J>(mut self, terms: impl GroupBy<Q, J>) -> Self {
        self.group_by.extend(terms.nodes());
        self
    }

    /// `HAVING condition` (several are ANDed): conditions on aggregates
    /// (`count_all().gt(1)`) or on grouped columns.
    pub fn having<S, J>(mut self, condition: Condition<S>) -> Self
    where
        Q: Covers<S, J>,
    {
        and_filter(&mut self.having, condition.into_expr());
        self
    }

    fn render(&self, by_name: bool) -> Statement {
        let mut items = Vec::new();
        self.projection.push(&mut items);
        let mut sql = String::from(if self.distinct {
            "SELECT DISTINCT "
        } else {
            "SELECT "
        });
        let mut params = Vec::new();
        let mut names = Vec::with_capacity(items.len());
        for (i, (node, name)) in items.iter().enumerate() {
            if i > 0 {
                sql.push_str(", ");
            }
            node.render(Qual::Own, &mut sql, &mut params);
            let n = if by_name && !name.is_empty() {
                name
            } else {
                result_name(i)
            };
            sql.push_str(" AS ");
            sql.push_str(&quote_ident(n));
            names.push(n);
        }
        self.from.render_from(&mut sql, &mut params);
        for (i, g) in self.group_by.iter().enumerate() {
            sql.push_str(if i == 0 { " GROUP BY " } else { ", " });
            g.render(Qual::Own, &mut sql, &mut params);
        }
        if let Some(h) = &self.having {
            sql.push_str(" HAVING ");
            h.render_q(Qual::Own, &mut sql, &mut params);
        }
        self.from.render_tail(&mut sql, &mut params);
        let mut stmt = Statement::new(sql, params);
        stmt.columns = Some(Columns::Built(Arc::from(names)));
        stmt
    }

    /// The statement `.all()` sends.
    pub fn to_statement(&self) -> Statement {
        self.render(false)
    }

    /// Every result row.
    pub async fn all(self) -> Result<Vec<P::Output>> {
        self.db
            .query_positional(self.to_statement(), P::decode)
            .await
    }

    /// The first result row, if any.
    pub async fn get(mut self) -> Result<Option<P::Output>> {
        self.from.limit = Some(self.from.limit.map_or(1, |l| l.min(1)));
        Ok(self.all().await?.into_iter().next())
    }

    /// The first result row; [`Error::NotFound`] when there is none.
    pub async fn one(self) -> Result<P::Output> {
        self.get().await?.ok_or(Error::NotFound)
    }

    /// Every result row decoded into your own struct by column name: each column is named
    /// after itself, each expression by [`Val::named`].
    pub async fn all_as<R: FromRow>(self) -> Result<Vec<R>> {
        let rows = self.db.query(self.render(true)).await?;
        rows.into_iter().map(R::from_row).collect()
    }
}

impl<E: Executor, Q, P: Projection<Q, I>, I> ToStatement for Project<'_, E, Q, P, I> {
    fn to_statement_q(&self) -> Statement {
        self.render(false)
    }
}

impl<T: Source, S: Operand> Column<T, S> {
    /// `column IN (SELECT …)`: the subquery selects one column of the same SQL type.
    pub fn in_select<E: Executor, Q, P, I>(self, sub: &Project<'_, E, Q, P, I>) -> Condition<T>
    where
        P: Projection<Q, I> + SingleColumn,
        <P as SingleColumn>::Sql: Operand<Base = S::Base>,
    {
        Condition::new(Expr::InSelect {
            column: self.col_ref(),
            sub: Box::new(sub.to_statement_q()),
            negated: false,
        })
    }

    /// `column NOT IN (SELECT …)`.
    pub fn not_in_select<E: Executor, Q, P, I>(self, sub: &Project<'_, E, Q, P, I>) -> Condition<T>
    where
        P: Projection<Q, I> + SingleColumn,
        <P as SingleColumn>::Sql: Operand<Base = S::Base>,
    {
        Condition::new(Expr::InSelect {
            column: self.col_ref(),
            sub: Box::new(sub.to_statement_q()),
            negated: true,
        })
    }
}
