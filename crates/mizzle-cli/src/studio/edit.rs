//! What `mizzle studio` writes: an update of one column, an insert, a delete (after
//! saying what its cascades remove). Values are typed by the column and checked as the
//! runtime checks them; `default_fn` and `on_update_fn` columns are filled as the runtime
//! fills them; every statement binds its values, and a constraint failure comes back naming
//! its column when SQLite names one.

use std::pin::pin;
use std::task::{Context, Poll, Waker};

use base64::Engine;
use mizzle::{Db, Value, dynamic};
use mizzle_build::ir::{ColumnType, Schema, Table};
use rusqlite::Connection;
use serde_json::{Value as Json, json};

use super::data::{json_param, key_expr, quote, typed};

/// The column a row of `t` is named by in writes: its primary key's column for a table
/// without rowid, `rowid` otherwise (as [`key_expr`] reads it).
fn key_column(t: &Table) -> &str {
    if t.without_rowid {
        t.primary_key.first().map_or("rowid", String::as_str)
    } else {
        "rowid"
    }
}

/// A value typed for column `c` from the page's JSON: `null` is NULL; text is read by the
/// column's type (as filters are); a JSON column's text must parse as JSON; a blob comes as
/// `{"base64": "…"}`. Then the runtime's own checks ([`mizzle::Limits::check_value`] with
/// D1's limits): an integer D1 would round, a value over D1's size limit, JSON too deep to
/// read back, are refused.
fn input(c: &mizzle_build::ir::Column, v: &Json) -> Result<Value, String> {
    let text = match (v, c.ty) {
        (Json::Null, _) => return Ok(Value::Null),
        (Json::Object(o), ColumnType::Blob) => {
            let b64 = o
                .get("base64")
                .and_then(Json::as_str)
                .ok_or("a blob is sent as {\"base64\": \"…\"}")?;
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(b64)
                .map_err(|e| format!("not base64: {e}"))?;
            return checked(Value::Blob(bytes));
        }
        (_, ColumnType::Blob) => return Err("choose a file to upload".into()),
        (Json::String(s), _) => s.clone(),
        (Json::Bool(b), _) => b.to_string(),
        (other, _) => other.to_string(),
    };
    let value = match c.ty {
        ColumnType::Json => {
            serde_json::from_str::<Json>(&text).map_err(|e| format!("not JSON: {e}"))?;
            Value::Text(text)
        }
        ColumnType::Enum => {
            let values = c
                .enum_def
                .as_ref()
                .map(|e| e.values.clone())
                .unwrap_or_default();
            if !values.contains(&text) {
                return Err(format!("one of {}", values.join(", ")));
            }
            Value::Text(text)
        }
        ty => bound(typed(&text, ty)?),
    };
    checked(value)
}

/// `v`, if the runtime would bind it on D1.
fn checked(v: Value) -> Result<Value, String> {
    mizzle::Limits::D1
        .check_value(&v)
        .map_err(|e| e.to_string())?;
    Ok(v)
}

/// A failed write's message, and the column it names: the runtime's reading of a
/// constraint error (`UNIQUE constraint failed: users.email`), or a `table.column` the
/// message mentions (a CHECK).
fn write_error(t: &Table, e: &mizzle::Error) -> Json {
    let message = e.to_string();
    let column = e
        .constraint_column()
        .and_then(|tc| tc.strip_prefix(&format!("{}.", t.name)))
        .map(str::to_owned)
        .or_else(|| {
            t.columns
                .iter()
                .find(|c| message.contains(&format!("{}.{}", t.name, c.name)))
                .map(|c| c.name.clone())
        });
    json!({"error": message, "column": column})
}

/// Runs `stmt` through the runtime: `Db` over the SQLite executor (foreign keys on, as on
/// D1), with D1's limits checked first. The executor's futures finish on their first poll
/// (rusqlite is synchronous), so no runtime is needed, and none is held across an `.await`.
fn run(conn: Connection, t: &Table, stmt: mizzle::Statement) -> Result<mizzle::ExecMeta, Json> {
    let exec = mizzle::sqlite::SqliteExecutor::new(conn).map_err(|e| write_error(t, &e))?;
    let db = Db::new(exec);
    let mut fut = pin!(db.raw(stmt.sql, stmt.params).run());
    match fut.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(r) => r.map_err(|e| write_error(t, &e)),
        Poll::Pending => Err(json!({"error": "the SQLite executor did not finish at once"})),
    }
}

/// A value the studio's readers bind (rusqlite's), as the runtime binds it.
fn bound(v: rusqlite::types::Value) -> Value {
    match v {
        rusqlite::types::Value::Integer(n) => Value::Integer(n),
        rusqlite::types::Value::Real(r) => Value::Real(r),
        rusqlite::types::Value::Text(s) => Value::Text(s),
        rusqlite::types::Value::Blob(b) => Value::Blob(b),
        rusqlite::types::Value::Null => Value::Null,
    }
}

/// The key of a row as the page sends it, bound as SQL.
fn key_value(key: &Json) -> Value {
    bound(json_param(key))
}

/// `UPDATE t SET column = ? WHERE key = ?`: one statement, all or nothing.
pub fn update(
    conn: Connection,
    t: &Table,
    key: &Json,
    column: &str,
    value: &Json,
) -> Result<Json, Json> {
    let c = t
        .column(column)
        .ok_or_else(|| json!({"error": format!("`{}` has no column `{column}`", t.name)}))?;
    let v = input(c, value).map_err(|e| json!({"error": e, "column": column}))?;
    // The `on_update_fn` columns are refreshed as the runtime's patches refresh them.
    let mut set = vec![(c.name.as_str(), v)];
    for u in t.columns.iter().filter(|u| u.name != c.name) {
        if let Some(f) = u.on_update_fn {
            set.push((u.name.as_str(), generated(u, f)));
        }
    }
    let stmt = dynamic::update(&t.name, set, key_column(t), key_value(key));
    let n = run(conn, t, stmt)?.rows_affected;
    if n == 0 {
        return Err(
            json!({"error": format!("`{}` has no row {key} (deleted meanwhile?)", t.name)}),
        );
    }
    Ok(json!({"changed": n}))
}

/// What the runtime fills a `default_fn` (insert) or `on_update_fn` (update) column with:
/// the same functions (`mizzle::defaults`), stored as the column's type stores them.
fn generated(c: &mizzle_build::ir::Column, f: mizzle_build::ir::DefaultFn) -> Value {
    use mizzle_build::ir::DefaultFn;
    match f {
        DefaultFn::Now => {
            let now = mizzle::defaults::now();
            match c.ty {
                ColumnType::TimestampMs => Value::Integer(now.timestamp_millis()),
                ColumnType::Text => Value::Text(now.to_rfc3339()),
                _ => Value::Integer(now.timestamp()),
            }
        }
        DefaultFn::UuidV4 => Value::Text(mizzle::defaults::uuid_v4()),
        DefaultFn::Cuid2 => Value::Text(mizzle::defaults::cuid2()),
    }
}

/// `INSERT INTO t (…) VALUES (…)` of the columns given; a `default_fn` column left out is
/// filled as the runtime fills it, the rest take their SQL defaults. Answers the new row's
/// key (its rowid, or its primary key for a table without one).
pub fn insert(
    conn: Connection,
    t: &Table,
    values: &serde_json::Map<String, Json>,
) -> Result<Json, Json> {
    let mut row = Vec::new();
    for c in &t.columns {
        if let Some(f) = c.default_fn
            && !values.contains_key(&c.name)
        {
            row.push((c.name.as_str(), generated(c, f)));
        }
    }
    for (name, v) in values {
        let c = t
            .column(name)
            .ok_or_else(|| json!({"error": format!("`{}` has no column `{name}`", t.name)}))?;
        row.push((
            c.name.as_str(),
            input(c, v).map_err(|e| json!({"error": e, "column": name}))?,
        ));
    }
    let key = if t.without_rowid {
        let k = key_column(t);
        row.iter()
            .find(|(c, _)| *c == k)
            .map(|(_, v)| match v {
                Value::Integer(n) => json!(n),
                Value::Text(s) => json!(s),
                _ => Json::Null,
            })
            .unwrap_or(Json::Null)
    } else {
        Json::Null
    };
    let stmt = dynamic::insert(&t.name, row, &mizzle::Limits::D1)
        .map_err(|e| json!({"error": e.to_string()}))?;
    let meta = run(conn, t, stmt)?;
    Ok(json!({"key": if t.without_rowid { key } else { json!(meta.last_insert_id) }}))
}

/// What deleting row `key` of `t` would also delete, per table, following `on_delete =
/// "cascade"` references down (a few levels): `[{"table", "rows"}]`.
pub fn cascades(conn: &Connection, schema: &Schema, t: &Table, key: &Json) -> Result<Json, String> {
    // The doomed rows of each table, as a subquery over the one above it.
    let mut levels = vec![(
        t,
        format!(
            "SELECT {} FROM {} WHERE {} = ?",
            "{col}",
            quote(&t.name),
            key_expr(t)
        ),
    )];
    let mut out = Vec::new();
    let mut i = 0;
    while i < levels.len() && i < 8 {
        let (parent, doomed) = (levels[i].0, levels[i].1.clone());
        for child in &schema.tables {
            for c in &child.columns {
                let Some(fk) = &c.references else { continue };
                if fk.table != parent.name
                    || fk.on_delete != Some(mizzle_build::ir::FkAction::Cascade)
                {
                    continue;
                }
                let of_parent = doomed.replace("{col}", &quote(&fk.column));
                let sub = format!(
                    "SELECT {} FROM {} WHERE {} IN ({of_parent})",
                    "{col}",
                    quote(&child.name),
                    quote(&c.name)
                );
                let n: i64 = conn
                    .query_row(
                        &format!("SELECT count(*) FROM ({})", sub.replace("{col}", "1")),
                        [json_param(key)],
                        |r| r.get(0),
                    )
                    .map_err(|e| e.to_string())?;
                if n > 0 {
                    out.push(json!({"table": child.name, "rows": n, "through": c.name}));
                    levels.push((child, sub));
                }
            }
        }
        i += 1;
    }
    Ok(Json::Array(out))
}

/// `DELETE FROM t WHERE key = ?`: the row and, by the database's own cascades, its children.
pub fn delete(conn: Connection, t: &Table, key: &Json) -> Result<Json, Json> {
    let stmt = dynamic::delete(&t.name, key_column(t), key_value(key));
    Ok(json!({"deleted": run(conn, t, stmt)?.rows_affected}))
}
