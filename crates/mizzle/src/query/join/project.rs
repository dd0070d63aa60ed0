//! Projections: chosen columns and expressions instead of whole rows, with `distinct`,
//! `group_by` and `having`, and single-column subqueries (`IN (SELECT …)`).

use std::marker::PhantomData;
use std::sync::Arc;

use super::{From_, JoinSelect, Segments, from_builders, result_name};
use crate::db::Db;
use crate::error::{Error, Result};
use crate::exec::{Executor, FromRow, RowReader};
use crate::expr::node::Node;
use crate::expr::scope::{Covers, Flag, NullAt, Source};
use crate::expr::value::Val;
use crate::expr::{ColRef, Column, Condition, Expr, Order, Qual, and_filter};
use crate::query::select::Select;
use crate::sql::statement::{Columns, Statement, ToStatement};
use crate::sql::text::quote_ident;
use crate::sql::{MakeNullable, Operand, SqlType};
use crate::table::Table;

/// A select (of one table or a join) becomes a projection here.
impl<'a, E: Executor, T: Table> Select<'a, E, T> {
    /// Selects chosen columns and expressions instead of whole rows: a column, an
    /// aggregate (`count_all()`, `sum(posts::rating)`), or a tuple of them.
    pub fn columns<P: Projection<T, I>, I>(self, projection: P) -> Project<'a, E, T, P, I> {
        let (db, from) = self.into_from();
        Project::new(db, from, projection)
    }
}

impl<'a, E: Executor, Q, G: Segments> JoinSelect<'a, E, Q, G> {
    /// Selects chosen columns and expressions instead of whole rows.
    pub fn columns<P: Projection<Q, I>, I>(self, projection: P) -> Project<'a, E, Q, P, I> {
        Project::new(self.db, self.from, projection)
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

    /// The first result row, if any, decoded into your own struct by column name.
    pub async fn get_as<R: FromRow>(mut self) -> Result<Option<R>> {
        self.from.limit = Some(self.from.limit.map_or(1, |l| l.min(1)));
        Ok(self.all_as().await?.into_iter().next())
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
