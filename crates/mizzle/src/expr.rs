//! Typed column handles and the boolean expressions built from them.
//!
//! `Column<T, S>` belongs to table `T` and has SQL type `S`; its comparison methods accept
//! only values convertible to `S`'s Rust type, so `users::id.eq("x")` does not compile.
//! Expressions are plain data (`Expr`) rendered to SQL by [`Expr::render`], which binds
//! every value and quotes every identifier.

use std::marker::PhantomData;

use crate::scope::{AliasOf, Both, Source};
use crate::sql::{Operand, SqlType, Text};
use crate::value_expr::Node;
use crate::{Statement, Value, push_ident};

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

/// An untyped SQL boolean expression over one table's columns.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// `column op ?`.
    Compare {
        /// The column.
        column: ColRef,
        /// SQL operator.
        op: &'static str,
        /// Bound operand.
        value: Value,
    },
    /// `column IS [NOT] NULL`.
    IsNull {
        /// The column.
        column: ColRef,
        /// `IS NOT NULL` when true.
        negated: bool,
    },
    /// `column [NOT] IN (…)`.
    InList {
        /// The column.
        column: ColRef,
        /// The list.
        values: Vec<Value>,
        /// `NOT IN` when true.
        negated: bool,
    },
    /// `column BETWEEN ? AND ?`.
    Between {
        /// The column.
        column: ColRef,
        /// Lower bound (boxed, as the rare variants are: every condition moves through the
        /// builders, so the enum is kept to the size of the common `Compare`).
        low: Box<Value>,
        /// Upper bound.
        high: Box<Value>,
    },
    /// All of these (empty: true).
    And(Vec<Expr>),
    /// Any of these (empty: false).
    Or(Vec<Expr>),
    /// `NOT (…)`.
    Not(Box<Expr>),
    /// Raw SQL with `?` placeholders and their values.
    Raw {
        /// SQL text.
        sql: String,
        /// Values for its `?`s, in order.
        params: Vec<Value>,
    },
    /// `left op right` over value expressions.
    Cmp {
        /// Left operand.
        left: Box<Node>,
        /// SQL operator.
        op: &'static str,
        /// Right operand.
        right: Box<Node>,
    },
    /// `column [NOT] IN (SELECT …)`.
    InSelect {
        /// The column.
        column: ColRef,
        /// The subquery (one result column).
        sub: Box<Statement>,
        /// `NOT IN` when true.
        negated: bool,
    },
    /// `[NOT] EXISTS (SELECT …)`.
    Exists {
        /// The subquery.
        sub: Box<Statement>,
        /// `NOT EXISTS` when true.
        negated: bool,
    },
}

/// Lists longer than this are bound as one JSON array instead of one parameter per value.
pub(crate) const INLINE_LIST_MAX: usize = 16;

impl Expr {
    /// Appends this expression's SQL to `sql` and its values to `params`, each column
    /// qualified by its table's name or alias.
    pub fn render(&self, sql: &mut String, params: &mut Vec<Value>) {
        self.render_q(Qual::Own, sql, params);
    }

    /// Appends this expression's SQL, columns qualified as `qual` says.
    pub fn render_q(&self, qualified: Qual, sql: &mut String, params: &mut Vec<Value>) {
        match self {
            Expr::Compare { column, op, value } => {
                column.render(qualified, sql);
                sql.push(' ');
                sql.push_str(op);
                // An operator ending in a digit carries its value (see `literal_op`).
                let op = op.as_bytes();
                if !op.last().is_some_and(u8::is_ascii_digit) {
                    if !op.contains(&b'?') {
                        sql.push_str(" ?");
                    }
                    params.push(value.clone());
                }
            }
            Expr::IsNull { column, negated } => {
                column.render(qualified, sql);
                sql.push_str(if *negated { " IS NOT NULL" } else { " IS NULL" });
            }
            Expr::InList {
                column,
                values,
                negated,
            } => {
                render_in(column, values, *negated, qualified, sql, params);
            }
            Expr::Between { column, low, high } => {
                column.render(qualified, sql);
                sql.push_str(" BETWEEN ? AND ?");
                params.push(Value::clone(low));
                params.push(Value::clone(high));
            }
            Expr::Or(items) if items.len() > INLINE_LIST_MAX => {
                // `c = a OR c = b OR …` is `c IN (a, b, …)`, which binds one JSON array
                // instead of one parameter per term (D1 allows 100 per statement).
                for (i, term) in fold_equalities(items).iter().enumerate() {
                    if i > 0 {
                        sql.push_str(" OR ");
                    }
                    match term {
                        Term::In(column, values) => {
                            render_in(column, values, false, qualified, sql, params)
                        }
                        Term::Other(item) => render_term(item, qualified, sql, params),
                    }
                }
            }
            Expr::And(items) => render_terms(items, " AND ", "1", qualified, sql, params),
            Expr::Or(items) => render_terms(items, " OR ", "0", qualified, sql, params),
            Expr::Not(inner) => {
                sql.push_str("NOT (");
                inner.render_q(qualified, sql, params);
                sql.push(')');
            }
            Expr::Raw {
                sql: raw,
                params: p,
            } => {
                sql.push_str(raw);
                params.extend(p.iter().cloned());
            }
            Expr::Cmp { left, op, right } => {
                left.render(qualified, sql, params);
                sql.push(' ');
                sql.push_str(op);
                sql.push(' ');
                right.render(qualified, sql, params);
            }
            Expr::InSelect {
                column,
                sub,
                negated,
            } => {
                column.render(qualified, sql);
                sql.push_str(if *negated { " NOT IN (" } else { " IN (" });
                sql.push_str(&sub.sql);
                sql.push(')');
                params.extend(sub.params.iter().cloned());
            }
            Expr::Exists { sub, negated } => {
                sql.push_str(if *negated { "NOT EXISTS (" } else { "EXISTS (" });
                sql.push_str(&sub.sql);
                sql.push(')');
                params.extend(sub.params.iter().cloned());
            }
        }
    }
}

fn render_terms(
    items: &[Expr],
    joiner: &str,
    empty: &str,
    qualified: Qual,
    sql: &mut String,
    params: &mut Vec<Value>,
) {
    match items {
        [] => sql.push_str(empty),
        [only] => only.render_q(qualified, sql, params),
        _ => {
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    sql.push_str(joiner);
                }
                render_term(item, qualified, sql, params);
            }
        }
    }
}

/// One term of an AND or OR chain, in parentheses when it is a chain or raw SQL itself.
fn render_term(item: &Expr, qualified: Qual, sql: &mut String, params: &mut Vec<Value>) {
    let group = matches!(item, Expr::And(_) | Expr::Or(_) | Expr::Raw { .. });
    if group {
        sql.push('(');
    }
    item.render_q(qualified, sql, params);
    if group {
        sql.push(')');
    }
}

/// `column [NOT] IN (…)`: each value bound, or one JSON array for a long list.
fn render_in(
    column: &ColRef,
    values: &[Value],
    negated: bool,
    qualified: Qual,
    sql: &mut String,
    params: &mut Vec<Value>,
) {
    if values.is_empty() {
        // `x IN ()` is false for every row, `x NOT IN ()` true.
        sql.push_str(if negated { "1" } else { "0" });
        return;
    }
    column.render(qualified, sql);
    sql.push_str(if negated { " NOT IN " } else { " IN " });
    let blobs = values.iter().any(|v| matches!(v, Value::Blob(_)));
    if values.len() <= INLINE_LIST_MAX || blobs {
        sql.push('(');
        for (i, v) in values.iter().enumerate() {
            sql.push_str(if i == 0 { "?" } else { ", ?" });
            params.push(v.clone());
        }
        sql.push(')');
    } else {
        sql.push_str("(SELECT value FROM json_each(?))");
        params.push(Value::Text(json_array(values)));
    }
}

/// A term of a folded OR chain: the equalities on one column as a list, or a term as it is.
enum Term<'a> {
    In(ColRef, Vec<Value>),
    Other(&'a Expr),
}

/// Folds the `column = value` terms of an OR chain into one `IN` list per column, keeping
/// the first position of each column and every other term as it is.
fn fold_equalities(items: &[Expr]) -> Vec<Term<'_>> {
    let mut out: Vec<Term<'_>> = Vec::new();
    for item in items {
        if let Expr::Compare {
            column,
            op: "=",
            value,
        } = item
        {
            let column = *column;
            let existing = out.iter_mut().find_map(|e| match e {
                Term::In(c, values) if *c == column => Some(values),
                _ => None,
            });
            match existing {
                Some(values) => values.push(value.clone()),
                None => out.push(Term::In(column, vec![value.clone()])),
            }
        } else {
            out.push(Term::Other(item));
        }
    }
    out
}

/// Encodes values as a JSON array for `json_each(?)`. Integers stay exact (SQLite parses
/// 64-bit JSON integers exactly), text is escaped by serde_json.
fn json_array(values: &[Value]) -> String {
    let mut out: Vec<u8> = Vec::with_capacity(2 + values.len() * 8);
    out.push(b'[');
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        // Writing into a Vec cannot fail; a non-finite real is written as null.
        let _ = match v {
            Value::Null | Value::Blob(_) => {
                out.extend_from_slice(b"null");
                Ok(())
            }
            Value::Integer(n) => serde_json::to_writer(&mut out, n),
            Value::Real(r) => serde_json::to_writer(&mut out, r),
            Value::Text(s) => serde_json::to_writer(&mut out, s.as_str()),
        };
    }
    out.push(b']');
    // Only serde_json's output and ASCII punctuation: UTF-8.
    String::from_utf8(out).unwrap_or_default()
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

impl<T: Source, S> From<Column<T, S>> for Order<T> {
    fn from(c: Column<T, S>) -> Self {
        c.asc()
    }
}

impl<Q, S> From<crate::value_expr::Val<Q, S>> for Order<Q> {
    fn from(v: crate::value_expr::Val<Q, S>) -> Self {
        v.asc()
    }
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
pub fn exists(sub: impl crate::sql::statement::ToStatement) -> Condition<crate::scope::AnyScope> {
    Condition::new(Expr::Exists {
        sub: Box::new(sub.to_statement_q()),
        negated: false,
    })
}

/// `NOT EXISTS (subquery)`.
pub fn not_exists(
    sub: impl crate::sql::statement::ToStatement,
) -> Condition<crate::scope::AnyScope> {
    Condition::new(Expr::Exists {
        sub: Box::new(sub.to_statement_q()),
        negated: true,
    })
}

/// Sets `filter` to `filter AND next`, flattening into one `And`. In place: a condition
/// is 80 bytes, and passing it in and out by value cost three copies per `.filter()`.
#[cfg_attr(not(target_arch = "wasm32"), inline)]
pub(crate) fn and_filter(filter: &mut Option<Expr>, next: Expr) {
    match filter {
        None => *filter = Some(next),
        Some(current) => and_also(current, next),
    }
}

/// [`and_filter`] onto a condition already there.
#[cfg_attr(not(target_arch = "wasm32"), inline(never))]
fn and_also(current: &mut Expr, next: Expr) {
    match current {
        Expr::And(items) => items.push(next),
        _ => {
            let first = std::mem::replace(current, Expr::And(Vec::new()));
            *current = Expr::And(vec![first, next]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::{Integer, Nullable};

    #[derive(Clone, Copy)]
    struct Users;
    impl Source for Users {
        type Row = crate::Row;
        const NAME: &'static str = "users";
        const ALIAS: &'static str = "users";
        const COLUMNS: &'static [&'static str] = &["id", "name", "age"];
        const PRIMARY_KEY: &'static [&'static str] = &["id"];
    }
    const ID: Column<Users, Integer> = Column::new("id");
    const NAME: Column<Users, Text> = Column::new("name");
    const AGE: Column<Users, Nullable<Integer>> = Column::new("age");

    fn render(c: Condition<Users>) -> (String, Vec<Value>) {
        let mut sql = String::new();
        let mut params = Vec::new();
        c.expr().render(&mut sql, &mut params);
        (sql, params)
    }

    #[test]
    fn renders_and_or_not() {
        let (sql, params) = render(ID.eq(1).and(NAME.like("a%")).or(AGE.is_null().not()));
        assert_eq!(
            sql,
            r#"("users"."id" = ? AND "users"."name" LIKE ?) OR NOT ("users"."age" IS NULL)"#
        );
        assert_eq!(params, vec![Value::Integer(1), Value::Text("a%".into())]);
    }

    #[test]
    fn flattens_long_chains() {
        let c = or((0..500).map(|i| ID.eq(i)));
        match c.expr() {
            Expr::Or(items) => assert_eq!(items.len(), 500),
            other => panic!("not flattened: {other:?}"),
        }
        let (sql, params) = render(c);
        assert_eq!(sql, r#""users"."id" IN (SELECT value FROM json_each(?))"#);
        assert_eq!(params.len(), 1, "500 OR-ed equalities bind one JSON array");
        let (sql, _) = render(or([ID.eq(1), ID.eq(2)]));
        assert_eq!(
            sql, r#""users"."id" = ? OR "users"."id" = ?"#,
            "short chains stay as written"
        );
    }

    #[test]
    fn nullable_columns_compare_with_base_values() {
        let (sql, params) = render(AGE.between(1, 10));
        assert_eq!(sql, r#""users"."age" BETWEEN ? AND ?"#);
        assert_eq!(params, vec![Value::Integer(1), Value::Integer(10)]);
    }

    #[test]
    fn long_in_lists_bind_one_json_array() {
        let (sql, params) = render(ID.in_list(0..1000));
        assert_eq!(sql, r#""users"."id" IN (SELECT value FROM json_each(?))"#);
        assert_eq!(params.len(), 1);
        let (sql, params) = render(ID.in_list([1, 2]));
        assert_eq!(sql, r#""users"."id" IN (?, ?)"#);
        assert_eq!(params.len(), 2);
        assert_eq!(render(ID.in_list(Vec::<i64>::new())).0, "0");
    }

    #[test]
    fn long_or_chains_fold_equalities_per_column_and_keep_other_terms() {
        let c = or((0..20)
            .map(|i| ID.eq(i))
            .chain([NAME.like("x%").and(ID.gt(3))])
            .chain((0..3).map(|i| AGE.eq(i))));
        let (sql, params) = render(c);
        assert_eq!(
            sql,
            r#""users"."id" IN (SELECT value FROM json_each(?)) OR ("users"."name" LIKE ? AND "users"."id" > ?) OR "users"."age" IN (?, ?, ?)"#
        );
        assert_eq!(params.len(), 6);
        assert_eq!(
            params[0],
            Value::Text(format!(
                "[{}]",
                (0..20).map(|i| i.to_string()).collect::<Vec<_>>().join(",")
            ))
        );
    }

    #[test]
    fn json_arrays_keep_integers_exact_and_escape_text() {
        let text = "a\"b\\c\n\u{1}é";
        let array = json_array(&[
            Value::Integer(i64::MAX),
            Value::Integer(-3),
            Value::Real(1.5),
            Value::Real(f64::INFINITY),
            Value::Null,
            Value::Text(text.into()),
        ]);
        assert!(
            array.starts_with("[9223372036854775807,-3,1.5,null,null,"),
            "{array}"
        );
        let parsed: serde_json::Value = serde_json::from_str(&array).unwrap();
        assert_eq!(parsed[5], serde_json::Value::from(text));
    }

    #[test]
    fn booleans_compared_for_equality_are_written_into_the_sql() {
        const FLAG: Column<Users, crate::sql::Boolean> = Column::new("flag");
        let (sql, params) = render(FLAG.eq(true).and(FLAG.ne(false)).and(ID.eq(1)));
        assert_eq!(
            sql,
            r#""users"."flag" = 1 AND "users"."flag" <> 0 AND "users"."id" = ?"#
        );
        assert_eq!(params, vec![Value::Integer(1)], "only the integer is bound");
        let (sql, params) = render(FLAG.gt(false));
        assert_eq!((sql.as_str(), params.len()), (r#""users"."flag" > ?"#, 1));
    }

    #[test]
    fn empty_and_is_true_empty_or_is_false() {
        assert_eq!(render(and(Vec::<Condition<Users>>::new())).0, "1");
        assert_eq!(render(or(Vec::<Condition<Users>>::new())).0, "0");
    }
}
