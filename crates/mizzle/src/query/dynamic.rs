//! Writes to a table known only at run time, by name: for tools that read the schema
//! instead of the generated code (`mizzle studio`, an admin script). The typed builders
//! are the way for application code; these render the same SQL with the same functions
//! (identifier quoting, the insert head and row), and what they return is run through
//! [`Db::raw`](crate::Db::raw), so the same [`Limits`] are checked before anything is sent
//! and the same errors come back ([`Error::constraint_column`](crate::Error::constraint_column)
//! included).
//!
//! A row is named by one column (`key`): its primary key, or `rowid`. The key is always
//! written qualified (`"t"."id"`), so a name that is not a column fails loudly instead of
//! being read by SQLite as a string literal.
//!
//! ```
//! use mizzle::{Value, dynamic};
//!
//! let s = dynamic::update("users", vec![("name", Value::Text("Ada".into()))], "id", Value::Integer(7));
//! assert_eq!(s.sql, r#"UPDATE "users" SET "name" = ? WHERE "users"."id" = ?"#);
//! ```

use crate::error::Result;
use crate::query::insert::{push_insert_head, push_row};
use crate::sql::limits::Limits;
use crate::sql::statement::Statement;
use crate::sql::text::{push_ident, quote_ident};
use crate::sql::value::Value;

/// `INSERT INTO "table" ("a", "b") VALUES (?, ?)` of `row` (`DEFAULT VALUES` when it is
/// empty). Fails when the row would be over `limits`' row size, as the typed insert does.
pub fn insert(table: &str, row: Vec<(&str, Value)>, limits: &Limits) -> Result<Statement> {
    limits.check_row(table, 1, row.iter().map(|(_, v)| v))?;
    let mut sql = String::with_capacity(64 + row.len() * 16);
    push_insert_head(&mut sql, &quote_ident(table), &row, None);
    let mut params = Vec::with_capacity(row.len());
    if !row.is_empty() {
        sql.push('(');
        push_row(&mut sql, &mut params, row, None);
    }
    Ok(Statement::new(sql, params))
}

/// `INSERT INTO "table" ("a", "b") VALUES (?, ?), (?, ?), …` of many rows that set the
/// same `columns`, as few statements as `limits` allow (the typed `values_many` splits the
/// same way). Fails on a row over the row size limit, naming it.
pub fn insert_rows(
    table: &str,
    columns: &[&str],
    rows: Vec<Vec<Value>>,
    limits: &Limits,
) -> Result<Vec<Statement>> {
    for (i, row) in rows.iter().enumerate() {
        limits.check_row(table, i + 1, row)?;
    }
    if columns.is_empty() {
        return rows
            .iter()
            .map(|_| insert(table, Vec::new(), limits))
            .collect();
    }
    let per = (limits.max_params / columns.len()).max(1);
    let head = {
        let mut sql = String::new();
        let named: Vec<(&str, Value)> = columns.iter().map(|c| (*c, Value::Null)).collect();
        push_insert_head(&mut sql, &quote_ident(table), &named, None);
        sql
    };
    let mut out = Vec::with_capacity(rows.len().div_ceil(per));
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let mut sql = head.clone();
        let mut params = Vec::with_capacity(per * columns.len());
        for (i, row) in rows.by_ref().take(per).enumerate() {
            sql.push_str(if i == 0 { "(" } else { ", (" });
            let named = columns.iter().copied().zip(row).collect();
            push_row(&mut sql, &mut params, named, None);
        }
        out.push(Statement::new(sql, params));
    }
    Ok(out)
}

/// `UPDATE "table" SET "a" = ?, … WHERE "table"."key" = ?`.
pub fn update(table: &str, set: Vec<(&str, Value)>, key: &str, key_value: Value) -> Statement {
    let mut sql = String::with_capacity(64 + set.len() * 16);
    sql.push_str("UPDATE ");
    push_ident(&mut sql, table);
    sql.push_str(" SET ");
    let mut params = Vec::with_capacity(set.len() + 1);
    for (i, (column, value)) in set.into_iter().enumerate() {
        if i > 0 {
            sql.push_str(", ");
        }
        push_ident(&mut sql, column);
        sql.push_str(" = ?");
        params.push(value);
    }
    push_key(&mut sql, table, key);
    params.push(key_value);
    Statement::new(sql, params)
}

/// `DELETE FROM "table" WHERE "table"."key" = ?`.
pub fn delete(table: &str, key: &str, key_value: Value) -> Statement {
    let mut sql = String::with_capacity(64);
    sql.push_str("DELETE FROM ");
    push_ident(&mut sql, table);
    push_key(&mut sql, table, key);
    Statement::new(sql, vec![key_value])
}

/// ` WHERE "table"."key" = ?`.
fn push_key(sql: &mut String, table: &str, key: &str) {
    sql.push_str(" WHERE ");
    push_ident(sql, table);
    sql.push('.');
    push_ident(sql, key);
    sql.push_str(" = ?");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_as_the_typed_builders_do() {
        let s = insert(
            "we\"ird",
            vec![("a", Value::Integer(1)), ("b", Value::Null)],
            &Limits::D1,
        )
        .unwrap();
        assert_eq!(s.sql, r#"INSERT INTO "we""ird" ("a", "b") VALUES (?, ?)"#);
        assert_eq!(s.params, vec![Value::Integer(1), Value::Null]);
        let s = insert("t", vec![], &Limits::D1).unwrap();
        assert_eq!(s.sql, r#"INSERT INTO "t" DEFAULT VALUES"#);
        assert!(s.params.is_empty());
        let s = delete("t", "rowid", Value::Integer(3));
        assert_eq!(s.sql, r#"DELETE FROM "t" WHERE "t"."rowid" = ?"#);
    }

    #[test]
    fn many_rows_are_split_under_the_parameter_limit() {
        let rows: Vec<Vec<Value>> = (0..70)
            .map(|i| vec![Value::Integer(i), Value::Text(format!("r{i}"))])
            .collect();
        let s = insert_rows("t", &["a", "b"], rows, &Limits::D1).unwrap();
        assert_eq!(s.len(), 2, "50 rows of 2 values fill 100 parameters");
        assert_eq!(s[0].params.len(), 100);
        assert_eq!(s[1].params.len(), 40);
        assert!(
            s[1].sql
                .starts_with(r#"INSERT INTO "t" ("a", "b") VALUES (?, ?), (?, ?)"#)
        );
        assert_eq!(s[1].params[0], Value::Integer(50));
    }

    #[test]
    fn a_row_over_the_limit_is_refused() {
        let big = Value::Blob(vec![0; 1_500_000]);
        let e = insert("files", vec![("a", big.clone()), ("b", big)], &Limits::D1).unwrap_err();
        assert!(e.to_string().contains("`files`"), "{e}");
    }
}
