//! The untyped boolean tree under every condition ([`Expr`]) and its rendering: every
//! value bound, every column qualified, long `IN` lists and OR chains of equalities bound
//! as one JSON array.

use super::node::{ColRef, Node, Qual};
use crate::sql::statement::Statement;
use crate::sql::value::Value;

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
                render_folded_or(items, qualified, sql, params)
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

/// A long OR chain: `c = a OR c = b OR …` is `c IN (a, b, …)`, which binds one JSON
/// array instead of one parameter per term (D1 allows 100 per statement).
fn render_folded_or(items: &[Expr], qualified: Qual, sql: &mut String, params: &mut Vec<Value>) {
    for (i, term) in fold_equalities(items).iter().enumerate() {
        if i > 0 {
            sql.push_str(" OR ");
        }
        match term {
            Term::In(column, values) => render_in(column, values, false, qualified, sql, params),
            Term::Other(item) => render_term(item, qualified, sql, params),
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
pub(crate) fn json_array(values: &[Value]) -> String {
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
    use crate::expr::scope::Source;
    use crate::expr::{Column, Condition, and, or};
    use crate::sql::{Integer, Nullable, Text};

    #[derive(Clone, Copy)]
    struct Users;
    impl Source for Users {
        type Row = crate::exec::Row;
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
