//! Typed value expressions: columns, bound values, arithmetic, SQL functions, aggregates,
//! `excluded.col` in upserts, scalar subqueries and typed SQL fragments.
//!
//! `Val<Q, S>` is an expression of SQL type `S` over the tables of scope `Q` (see
//! [`scope`](crate::scope)). It can be selected (`.columns((users::id, count_all()))`),
//! compared (`count(posts::id).gt(3)`), ordered by, or assigned in an update
//! (`posts::views.add(1)`). `posts::title.add(1)` does not compile: arithmetic is for
//! numeric columns.
//!
//! (Also at `mizzle::value_expr`.)

use std::marker::PhantomData;

pub use super::node::Node;
use super::scope::{AnyScope, Both, NeverNull, Source};
use super::{Column, Condition, Expr, Order};
use crate::sql::value::Value;
use crate::sql::{Integer, Nullable, Operand, Real, SqlType, Timestamp, TimestampMs};

/// A value expression of SQL type `S` over scope `Q`.
pub struct Val<Q, S> {
    pub(crate) node: Node,
    _m: PhantomData<fn() -> (Q, S)>,
}

impl<Q, S> Clone for Val<Q, S> {
    fn clone(&self) -> Self {
        Val::new(self.node.clone())
    }
}

impl<Q, S> std::fmt::Debug for Val<Q, S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.node.fmt(f)
    }
}

impl<Q, S> Val<Q, S> {
    pub(crate) fn new(node: Node) -> Self {
        Val {
            node,
            _m: PhantomData,
        }
    }

    /// The expression tree.
    pub fn node(&self) -> &Node {
        &self.node
    }

    /// Ascending order on this expression.
    pub fn asc(self) -> Order<Q> {
        Order::expr(self.node, false)
    }

    /// Descending order on this expression.
    pub fn desc(self) -> Order<Q> {
        Order::expr(self.node, true)
    }

    /// `expr IS NULL`.
    pub fn is_null(self) -> Condition<Q> {
        Condition::new(Expr::Cmp {
            left: Box::new(self.node),
            op: "IS",
            right: Box::new(Node::Raw {
                sql: "NULL".into(),
                params: Vec::new(),
            }),
        })
    }
}

type Base<S> = <<S as Operand>::Base as SqlType>::Rust;

fn bind<S: Operand>(v: impl Into<Base<S>>) -> Node {
    Node::Bind(<S::Base as SqlType>::encode(&v.into()))
}

macro_rules! val_comparisons {
    ($($(#[$doc:meta])* $method:ident $method_expr:ident => $op:literal;)*) => {
        impl<Q, S: Operand> Val<Q, S> {
            $(
                $(#[$doc])*
                pub fn $method(self, value: impl Into<Base<S>>) -> Condition<Q> {
                    Condition::new(Expr::Cmp { left: Box::new(self.node), op: $op, right: Box::new(bind::<S>(value)) })
                }

                $(#[$doc])*
                ///
                /// Against another expression of the same SQL type.
                pub fn $method_expr<Q2, S2: Operand<Base = S::Base>>(self, other: impl Into<Val<Q2, S2>>) -> Condition<Both<Q, Q2>> {
                    Condition::new(Expr::Cmp { left: Box::new(self.node), op: $op, right: Box::new(other.into().node) })
                }
            )*
        }
    };
}

val_comparisons! {
    /// `expr = value`.
    eq eq_expr => "=";
    /// `expr <> value`.
    ne ne_expr => "<>";
    /// `expr > value`.
    gt gt_expr => ">";
    /// `expr >= value`.
    gte gte_expr => ">=";
    /// `expr < value`.
    lt lt_expr => "<";
    /// `expr <= value`.
    lte lte_expr => "<=";
}

impl<T: Source, S> From<Column<T, S>> for Val<T, S> {
    fn from(c: Column<T, S>) -> Self {
        Val::new(Node::Col(c.col_ref()))
    }
}

/// SQL types arithmetic applies to.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a numeric SQL type",
    label = "arithmetic, `sum` and `avg` need an integer or real column",
    note = "for other types, write the expression as a typed fragment (`mizzle::fragment`)"
)]
pub trait Numeric: SqlType {}
impl Numeric for Integer {}
impl Numeric for Real {}

macro_rules! arithmetic {
    ($($(#[$doc:meta])* $method:ident => $op:literal;)*) => {
        impl<Q, S: Operand> Val<Q, S>
        where
            S::Base: Numeric,
        {
            $(
                $(#[$doc])*
                #[allow(clippy::should_implement_trait)]
                pub fn $method(self, value: impl Into<Base<S>>) -> Val<Q, S> {
                    Val::new(Node::Binary { op: $op, left: Box::new(self.node), right: Box::new(bind::<S>(value)) })
                }
            )*
        }

        impl<T: Source, S: Operand> Column<T, S>
        where
            S::Base: Numeric,
        {
            $(
                $(#[$doc])*
                #[allow(clippy::should_implement_trait)]
                pub fn $method(self, value: impl Into<Base<S>>) -> Val<T, S> {
                    Val::<T, S>::from(self).$method(value)
                }
            )*
        }
    };
}

arithmetic! {
    /// `expr + value` (numeric columns).
    add => "+";
    /// `expr - value` (numeric columns).
    sub => "-";
    /// `expr * value` (numeric columns).
    mul => "*";
    /// `expr / value` (numeric columns; integer division for integers, as in SQL).
    div => "/";
}

impl<T: Source, S> Column<T, S> {
    /// This column as a value expression.
    pub fn expr(self) -> Val<T, S> {
        self.into()
    }

    /// This column read as nullable: for a column of a left-joined table, which is NULL
    /// where the join found no row (`.columns((users::name, posts::slug.nullable()))`).
    pub fn nullable(self) -> Val<T, Nullable<<S as Operand>::Base>>
    where
        S: Operand,
    {
        Val::new(Node::Col(self.col_ref()))
    }

    /// `excluded.col`: in an upsert's `do_update_set`, the value the conflicting insert
    /// tried to write.
    pub fn excluded(self) -> Val<AnyScope, S> {
        Val::new(Node::Excluded(self.name()))
    }
}

/// `count(*)`: the number of rows (of each group).
pub fn count_all() -> Val<AnyScope, Integer> {
    Val::new(Node::CountAll)
}

fn call<Q, S>(func: &'static str, args: Vec<Node>, distinct: bool) -> Val<Q, S> {
    Val::new(Node::Call {
        func,
        args,
        distinct,
    })
}

/// `count(col)`: the rows where `col` is not NULL.
pub fn count<Q, S>(e: impl Into<Val<Q, S>>) -> Val<NeverNull<Q>, Integer> {
    call("count", vec![e.into().node], false)
}

/// `count(DISTINCT col)`.
pub fn count_distinct<Q, S>(e: impl Into<Val<Q, S>>) -> Val<NeverNull<Q>, Integer> {
    call("count", vec![e.into().node], true)
}

/// `sum(col)`: NULL (`None`) over no rows, so the result is nullable.
pub fn sum<Q, S: Operand>(e: impl Into<Val<Q, S>>) -> Val<Q, Nullable<S::Base>>
where
    S::Base: Numeric,
{
    call("sum", vec![e.into().node], false)
}

/// `avg(col)`: a real, NULL (`None`) over no rows.
pub fn avg<Q, S: Operand>(e: impl Into<Val<Q, S>>) -> Val<Q, Nullable<Real>>
where
    S::Base: Numeric,
{
    call("avg", vec![e.into().node], false)
}

/// `min(col)`: NULL (`None`) over no rows.
pub fn min<Q, S: Operand>(e: impl Into<Val<Q, S>>) -> Val<Q, Nullable<S::Base>> {
    call("min", vec![e.into().node], false)
}

/// `max(col)`: NULL (`None`) over no rows.
pub fn max<Q, S: Operand>(e: impl Into<Val<Q, S>>) -> Val<Q, Nullable<S::Base>> {
    call("max", vec![e.into().node], false)
}

/// The larger of two values (SQLite's scalar `max(a, b)`): `score = greatest(score, ?)`.
pub fn greatest<Q, S: Operand>(a: impl Into<Val<Q, S>>, b: impl Into<Base<S>>) -> Val<Q, S> {
    call("max", vec![a.into().node, bind::<S>(b)], false)
}

/// The smaller of two values (SQLite's scalar `min(a, b)`).
pub fn least<Q, S: Operand>(a: impl Into<Val<Q, S>>, b: impl Into<Base<S>>) -> Val<Q, S> {
    call("min", vec![a.into().node, bind::<S>(b)], false)
}

/// `coalesce(expr, value)`: the value where the expression is NULL (never NULL, so a
/// column of a left-joined table read through it is not an `Option`).
pub fn coalesce<Q, S: Operand>(
    e: impl Into<Val<Q, S>>,
    value: impl Into<Base<S>>,
) -> Val<NeverNull<Q>, S::Base> {
    call("coalesce", vec![e.into().node, bind::<S>(value)], false)
}

/// The database's clock in seconds, for a `timestamp` column (`unixepoch()`).
pub fn now() -> Val<AnyScope, Timestamp> {
    call("unixepoch", Vec::new(), false)
}

/// The database's clock in milliseconds, for a `timestamp_ms` column.
pub fn now_ms() -> Val<AnyScope, TimestampMs> {
    Val::new(Node::Raw {
        sql: "CAST(unixepoch('subsec') * 1000 AS INTEGER)".into(),
        params: Vec::new(),
    })
}

/// A typed SQL fragment: `sql` with `?` placeholders bound to `params`, declared to have
/// SQL type `S`. The escape hatch that keeps types: it can be selected, compared, ordered
/// by and assigned like any expression. Identifiers in `sql` are yours to quote.
///
/// ```text
/// let score = mizzle::fragment::<Real>("rating * ? + views", params![2.0]);
/// db.select(posts::table).columns((posts::id, score.clone())).order_by(score.desc())
/// ```
pub fn fragment<S>(
    sql: impl Into<String>,
    params: impl IntoIterator<Item = Value>,
) -> Val<AnyScope, S> {
    Val::new(Node::Raw {
        sql: sql.into(),
        params: params.into_iter().collect(),
    })
}

impl<Q, S> From<Val<Q, S>> for Order<Q> {
    fn from(v: Val<Q, S>) -> Self {
        v.asc()
    }
}
