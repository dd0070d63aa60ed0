//! Typed column handles and the boolean expressions built from them.
//!
//! `Column<T, S>` belongs to table `T` and has SQL type `S`; its comparison methods accept
//! only values convertible to `S`'s Rust type, so `users::id.eq("x")` does not compile.
//! Expressions are plain data (`Expr`) rendered to SQL by [`Expr::render`], which binds
//! every value and quotes every identifier.

//!
//! For maintainers: the expression layer, over `sql/`, the table traits it is generic over
//! and the row types of `exec/` (a scope reads a left-joined row). From the bottom up: `node.rs` (column references and the untyped value
//! tree, with their rendering), `tree.rs` (the untyped boolean tree and its rendering),
//! `scope.rs` (which tables an expression may name, `mizzle::scope`), this file (the typed
//! handles users write: columns, conditions, orderings) and `value.rs` (typed value
//! expressions and aggregates, `mizzle::value_expr`); each imports only the ones before it.
//! The typed handles live here rather than in a child so that compiler errors name them
//! by their public path (`mizzle::expr::Column`).

pub(crate) mod node;
pub mod scope;
mod tree;
pub mod value;

pub use node::{ColRef, Qual};
pub use tree::Expr;
pub(crate) use tree::{and_filter, json_array};

use std::marker::PhantomData;

use crate::sql::statement::ToStatement;
use crate::sql::value::Value;
use crate::sql::{Operand, SqlType, Text};
use node::Node;
use scope::{AliasOf, AnyScope, Both, Source};

/// A typed handle to column `name` of table `T`, with SQL type `S`.
pub struct Column<T, S> {
    name: &'static str,
    _marker: PhantomData<fn() -> (T, S)>,
}

impl<T, S> Clone for Column<T, S> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T, S> Copy for Column<T, S> {}

impl<T, S> std::fmt::Debug for Column<T, S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Column({})", self.name)
    }
}

type Base<S> = <<S as Operand>::Base as SqlType>::Rust;

fn operand<S: Operand>(v: impl Into<Base<S>>) -> Value {
    <S::Base as SqlType>::encode(&v.into())
}

/// The operator of `column op value`: for a boolean compared for (in)equality, with its
/// 0 or 1 written in (`= 1`), so the statement binds nothing for it. SQLite then sees at
/// prepare time whether a partial index (`WHERE published = 1`) applies; with the value
/// bound, it prepares the statement again on every run to find out.
fn literal_op<S: SqlType>(op: &'static str, value: &Value) -> &'static str {
    if !S::LITERAL {
        return op;
    }
    match (op, value) {
        ("=", Value::Integer(0)) => "= 0",
        ("=", Value::Integer(1)) => "= 1",
        ("<>", Value::Integer(0)) => "<> 0",
        ("<>", Value::Integer(1)) => "<> 1",
        _ => op,
    }
}

impl<T, S> Column<T, S> {
    /// A handle to the column called `name` (used by generated code).
    #[doc(hidden)]
    pub const fn new(name: &'static str) -> Self {
        Column {
            name,
            _marker: PhantomData,
        }
    }

    /// The column's SQL name.
    pub const fn name(&self) -> &'static str {
        self.name
    }
}

impl<T: Source, S> Column<T, S> {
    /// The column reference, qualified by the table's name or alias.
    pub fn col_ref(&self) -> ColRef {
        ColRef {
            table: T::ALIAS,
            name: self.name,
        }
    }

    /// This column of alias `A` of its table (see [`alias!`](crate::alias)).
    pub fn of<A: AliasOf<T>>(self, _alias: A) -> Column<A, S> {
        Column::new(self.name)
    }

    /// `column IS NULL`.
    pub fn is_null(self) -> Condition<T> {
        Condition::new(Expr::IsNull {
            column: self.col_ref(),
            negated: false,
        })
    }

    /// `column IS NOT NULL`.
    pub fn is_not_null(self) -> Condition<T> {
        Condition::new(Expr::IsNull {
            column: self.col_ref(),
            negated: true,
        })
    }

    /// Ascending order on this column.
    pub fn asc(self) -> Order<T> {
        Order::expr(Node::Col(self.col_ref()), false)
    }

    /// Descending order on this column.
    pub fn desc(self) -> Order<T> {
        Order::expr(Node::Col(self.col_ref()), true)
    }
}

macro_rules! comparisons {
    ($($(#[$doc:meta])* $method:ident $method_col:ident => $op:literal;)*) => {
        impl<T: Source, S: Operand> Column<T, S> {
            $(
                $(#[$doc])*
                pub fn $method(self, value: impl Into<Base<S>>) -> Condition<T> {
                    let value = operand::<S>(value);
                    let op = literal_op::<S::Base>($op, &value);
                    Condition::new(Expr::Compare { column: self.col_ref(), op, value })
                }

                $(#[$doc])*
                ///
                /// Against a column (of this or another table in the query) of the same SQL
                /// type: a join condition such as `posts::author_id.eq_col(users::id)`.
                pub fn $method_col<U: Source, S2: Operand<Base = S::Base>>(self, other: Column<U, S2>) -> Condition<Both<T, U>> {
                    Condition::new(Expr::Cmp {
                        left: Box::new(Node::Col(self.col_ref())),
                        op: $op,
                        right: Box::new(Node::Col(other.col_ref())),
                    })
                }
            )*
        }
    };
}

comparisons! {
    /// `column = value`.
    eq eq_col => "=";
    /// `column <> value`.
    ne ne_col => "<>";
    /// `column > value`.
    gt gt_col => ">";
    /// `column >= value`.
    gte gte_col => ">=";
    /// `column < value`.
    lt lt_col => "<";
    /// `column <= value`.
    lte lte_col => "<=";
}

impl<T: Source, S: Operand> Column<T, S> {
    /// `column IN (values…)`. Any number of values: long lists are bound as one JSON
    /// array and expanded with `json_each`, so D1's 100-parameter limit is never hit.
    pub fn in_list<V: Into<Base<S>>>(self, values: impl IntoIterator<Item = V>) -> Condition<T> {
        let values = values.into_iter().map(operand::<S>).collect();
        Condition::new(Expr::InList {
            column: self.col_ref(),
            values,
            negated: false,
        })
    }

    /// `column NOT IN (values…)`.
    pub fn not_in_list<V: Into<Base<S>>>(
        self,
        values: impl IntoIterator<Item = V>,
    ) -> Condition<T> {
        let values = values.into_iter().map(operand::<S>).collect();
        Condition::new(Expr::InList {
            column: self.col_ref(),
            values,
            negated: true,
        })
    }

    /// `column BETWEEN low AND high` (inclusive).
    pub fn between(self, low: impl Into<Base<S>>, high: impl Into<Base<S>>) -> Condition<T> {
        Condition::new(Expr::Between {
            column: self.col_ref(),
            low: Box::new(operand::<S>(low)),
            high: Box::new(operand::<S>(high)),
        })
    }
}

impl<T: Source, S: Operand<Base = Text>> Column<T, S> {
    /// `column LIKE pattern` (text columns only). The pattern is SQL's: `%` matches any run
    /// of characters and `_` any one character, ASCII letters match either case, and nothing
    /// escapes them. A pattern built from user input matches more than it says: for
    /// substring, prefix and suffix searches use [`contains`](Self::contains),
    /// [`starts_with`](Self::starts_with) and [`ends_with`](Self::ends_with), which escape.
    pub fn like(self, pattern: impl Into<String>) -> Condition<T> {
        Condition::new(Expr::Compare {
            column: self.col_ref(),
            op: "LIKE",
            value: Value::Text(pattern.into()),
        })
    }

    /// The column contains `text` (`%` and `_` in it are plain characters). Like SQL's LIKE,
    /// ASCII letters match either case.
    pub fn contains(self, text: &str) -> Condition<T> {
        self.like_escaped("%", text, "%")
    }

    /// The column starts with `text` (`%` and `_` in it are plain characters; ASCII letters
    /// match either case).
    pub fn starts_with(self, text: &str) -> Condition<T> {
        self.like_escaped("", text, "%")
    }

    /// The column ends with `text` (`%` and `_` in it are plain characters; ASCII letters
    /// match either case).
    pub fn ends_with(self, text: &str) -> Condition<T> {
        self.like_escaped("%", text, "")
    }

    fn like_escaped(self, before: &str, text: &str, after: &str) -> Condition<T> {
        Condition::new(Expr::Compare {
            column: self.col_ref(),
            op: "LIKE ? ESCAPE '\\'",
            value: Value::Text(format!("{before}{}{after}", escape_like(text))),
        })
    }
}

/// Escapes LIKE's wildcards (`%`, `_`) and the escape character itself with `\`, for a
/// pattern used with `ESCAPE '\'`.
pub fn escape_like(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(ch);
    }
    out
}

impl<T: Source, S> From<Column<T, S>> for Order<T> {
    fn from(c: Column<T, S>) -> Self {
        c.asc()
    }
}

/// A boolean condition on the columns of table `T`.
pub struct Condition<T> {
    expr: Expr,
    _table: PhantomData<fn() -> T>,
}

impl<T> Clone for Condition<T> {
    fn clone(&self) -> Self {
        Condition::new(self.expr.clone())
    }
}

impl<T> std::fmt::Debug for Condition<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.expr.fmt(f)
    }
}

impl<T> Condition<T> {
    pub(crate) fn new(expr: Expr) -> Self {
        Condition {
            expr,
            _table: PhantomData,
        }
    }

    /// A raw SQL condition with `?` placeholders; `params` are bound in order.
    ///
    /// The escape hatch for what the typed operators do not cover. Identifiers in `sql` are
    /// yours to quote.
    pub fn sql(sql: impl Into<String>, params: impl IntoIterator<Item = Value>) -> Self {
        Condition::new(Expr::Raw {
            sql: sql.into(),
            params: params.into_iter().collect(),
        })
    }

    /// `self AND other`, both on the same table (chains are flattened, not nested). For
    /// conditions on two tables of a join, `a & b`.
    pub fn and<O: SameScope<T>>(self, other: O) -> Self {
        Condition::new(join(self.expr, other.into_condition().expr, true))
    }

    /// `self OR other`, both on the same table (chains are flattened, not nested). For
    /// conditions on two tables of a join, `a | b`.
    pub fn or<O: SameScope<T>>(self, other: O) -> Self {
        Condition::new(join(self.expr, other.into_condition().expr, false))
    }

    /// `NOT self`.
    #[allow(clippy::should_implement_trait)]
    pub fn not(self) -> Self {
        Condition::new(Expr::Not(Box::new(self.expr)))
    }

    /// The expression tree.
    pub fn expr(&self) -> &Expr {
        &self.expr
    }

    /// Takes the expression tree.
    pub fn into_expr(self) -> Expr {
        self.expr
    }
}

fn join(a: Expr, b: Expr, conj: bool) -> Expr {
    let mut items = Vec::new();
    for e in [a, b] {
        match e {
            Expr::And(inner) if conj => items.extend(inner),
            Expr::Or(inner) if !conj => items.extend(inner),
            e => items.push(e),
        }
    }
    if conj {
        Expr::And(items)
    } else {
        Expr::Or(items)
    }
}

/// A condition on the same scope as `T`'s (what `.and(..)` and `.or(..)` take), there to
/// say what to write instead when it is not.
#[diagnostic::on_unimplemented(
    message = "`.and(..)` / `.or(..)` combine conditions on the same table, and this one is on another",
    label = "this is `{Self}`; here `.and` / `.or` take a `Condition<{T}>`",
    note = "to combine conditions on two tables of a join, write `a & b` (or `a | b`)"
)]
pub trait SameScope<T> {
    /// The condition.
    fn into_condition(self) -> Condition<T>;
}

impl<T> SameScope<T> for Condition<T> {
    fn into_condition(self) -> Condition<T> {
        self
    }
}

/// All of `conditions` (true when empty).
pub fn and<T>(conditions: impl IntoIterator<Item = Condition<T>>) -> Condition<T> {
    conditions
        .into_iter()
        .fold(Condition::new(Expr::And(Vec::new())), Condition::and)
}

/// Any of `conditions` (false when empty).
pub fn or<T>(conditions: impl IntoIterator<Item = Condition<T>>) -> Condition<T> {
    conditions
        .into_iter()
        .fold(Condition::new(Expr::Or(Vec::new())), Condition::or)
}

/// `a & b`: both conditions, over the tables of either (`users::id.eq(1) & posts::published.eq(true)`).
impl<A, B> std::ops::BitAnd<Condition<B>> for Condition<A> {
    type Output = Condition<Both<A, B>>;
    fn bitand(self, other: Condition<B>) -> Self::Output {
        Condition::new(join(self.expr, other.expr, true))
    }
}

/// `a | b`: either condition, over the tables of either.
impl<A, B> std::ops::BitOr<Condition<B>> for Condition<A> {
    type Output = Condition<Both<A, B>>;
    fn bitor(self, other: Condition<B>) -> Self::Output {
        Condition::new(join(self.expr, other.expr, false))
    }
}

/// `!a`.
impl<A> std::ops::Not for Condition<A> {
    type Output = Condition<A>;
    fn not(self) -> Self::Output {
        Condition::new(Expr::Not(Box::new(self.expr)))
    }
}

/// `EXISTS (subquery)`: true when the query finds a row. For "rows that have a related
/// row", the relation's [`any`](crate::Load::any) builds the correlated form.
pub fn exists(sub: impl ToStatement) -> Condition<AnyScope> {
    Condition::new(Expr::Exists {
        sub: Box::new(sub.to_statement_q()),
        negated: false,
    })
}

/// `NOT EXISTS (subquery)`.
pub fn not_exists(sub: impl ToStatement) -> Condition<AnyScope> {
    Condition::new(Expr::Exists {
        sub: Box::new(sub.to_statement_q()),
        negated: true,
    })
}

/// An `ORDER BY` term over the tables of scope `T`.
pub struct Order<T> {
    pub(crate) term: Node,
    pub(crate) descending: bool,
    _table: PhantomData<fn() -> T>,
}

impl<T> Order<T> {
    pub(crate) fn expr(term: Node, descending: bool) -> Self {
        Order {
            term,
            descending,
            _table: PhantomData,
        }
    }
}
