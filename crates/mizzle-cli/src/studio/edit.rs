//! What `mizzle studio` writes: an update of one column, an insert, a delete (after
//! saying what its cascades remove). Values are typed by the column and checked as the
//! runtime checks them; `default_fn` and `on_update_fn` columns are filled as the runtime
//! fills them; every statement binds its values, and a constraint failure comes back naming
//! its column when SQLite names one.

use mizzle_build::ir::{ColumnType, Schema, Table};
use rusqlite::Connection;
use serde_json::{Value as Json, json};

use super::data::{json_param, key_expr, quote, typed};

/// A value typed for column `c` from the page's JSON: `null` is NULL; text is read by the
/// column's type (as filters are); a JSON column's text must parse as JSON.
fn input(c: &mizzle_build::ir::Column, v: &Json) -> Result<rusqlite::types::Value, String> {
    use rusqlite::types::Value as V;
    let text = match v {
        Json::Null => return Ok(V::Null),
        Json::String(s) => s.clone(),
        Json::Bool(b) => b.to_string(),
        other => other.to_string(),
    };
    let value = match c.ty {
        ColumnType::Json => {
            serde_json::from_str::<Json>(&text).map_err(|e| format!("not JSON: {e}"))?;
            V::Text(text)
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
            V::Text(text)
        }
        ColumnType::Blob => return Err("blobs are not edited here".into()),
        ty => typed(&text, ty)?,
    };
    // The runtime's own rules: a value over D1's size limit, or an integer D1 would round,
    // is refused.
    if let V::Text(t) = &value
        && t.len() > mizzle::Limits::D1.max_value_len
    {
        return Err(format!(
            "{} bytes: D1 refuses a value over {} bytes",
            t.len(),
            mizzle::Limits::D1.max_value_len
        ));
    }
    if let V::Integer(n) = value
        && n.unsigned_abs() > mizzle::MAX_SAFE_INTEGER as u64
    {
        return Err(format!(
            "{n} is outside ±(2^53 − 1): D1 would read it back rounded"
        ));
    }
    Ok(value)
}

/// A failed write's message, and the column it names when SQLite names one
/// (`UNIQUE constraint failed: users.email`).
fn write_error(t: &Table, e: rusqlite::Error) -> Json {
    let message = e.to_string();
    let column = t
        .columns
        .iter()
        .find(|c| message.contains(&format!("{}.{}", t.name, c.name)))
        .map(|c| c.name.clone());
    json!({"error": message, "column": column})
}

/// `UPDATE t SET column = ? WHERE key = ?`: one statement, all or nothing.
pub fn update(
    conn: &Connection,
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
    let mut sets = vec![format!("{} = ?", quote(&c.name))];
    let mut params = vec![v];
    for u in t.columns.iter().filter(|u| u.name != c.name) {
        if let Some(f) = u.on_update_fn {
            sets.push(format!("{} = ?", quote(&u.name)));
            params.push(generated(u, f));
        }
    }
    params.push(json_param(key));
    let sql = format!(
        "UPDATE {} SET {} WHERE {} = ?",
        quote(&t.name),
        sets.join(", "),
        key_expr(t)
    );
    let n = conn
        .execute(&sql, rusqlite::params_from_iter(params))
        .map_err(|e| write_error(t, e))?;
    Ok(json!({"changed": n}))
}

/// What the runtime fills a `default_fn` (insert) or `on_update_fn` (update) column with:
/// the same functions (`mizzle::defaults`), stored as the column's type stores them.
fn generated(
    c: &mizzle_build::ir::Column,
    f: mizzle_build::ir::DefaultFn,
) -> rusqlite::types::Value {
    use mizzle_build::ir::DefaultFn;
    use rusqlite::types::Value as V;
    match f {
        DefaultFn::Now => {
            let now = mizzle::defaults::now();
            match c.ty {
                ColumnType::TimestampMs => V::Integer(now.timestamp_millis()),
                ColumnType::Text => V::Text(now.to_rfc3339()),
                _ => V::Integer(now.timestamp()),
            }
        }
        DefaultFn::UuidV4 => V::Text(mizzle::defaults::uuid_v4()),
        DefaultFn::Cuid2 => V::Text(mizzle::defaults::cuid2()),
    }
}

/// `INSERT INTO t (…) VALUES (…)` of the columns given; a `default_fn` column left out is
/// filled as the runtime fills it, the rest take their SQL defaults.
pub fn insert(
    conn: &Connection,
    t: &Table,
    values: &serde_json::Map<String, Json>,
) -> Result<Json, Json> {
    let mut cols = Vec::new();
    let mut params = Vec::new();
    for c in &t.columns {
        if let Some(f) = c.default_fn
            && !values.contains_key(&c.name)
        {
            cols.push(quote(&c.name));
            params.push(generated(c, f));
        }
    }
    for (name, v) in values {
        let c = t
            .column(name)
            .ok_or_else(|| json!({"error": format!("`{}` has no column `{name}`", t.name)}))?;
        params.push(input(c, v).map_err(|e| json!({"error": e, "column": name}))?);
        cols.push(quote(&c.name));
    }
    let sql = if cols.is_empty() {
        format!("INSERT INTO {} DEFAULT VALUES", quote(&t.name))
    } else {
        format!(
            "INSERT INTO {} ({}) VALUES ({})",
            quote(&t.name),
            cols.join(", "),
            vec!["?"; cols.len()].join(", ")
        )
    };
    conn.execute(&sql, rusqlite::params_from_iter(params))
        .map_err(|e| write_error(t, e))?;
    Ok(json!({"key": conn.last_insert_rowid()}))
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
pub fn delete(conn: &Connection, t: &Table, key: &Json) -> Result<Json, Json> {
    let sql = format!("DELETE FROM {} WHERE {} = ?", quote(&t.name), key_expr(t));
    let n = conn
        .execute(&sql, [json_param(key)])
        .map_err(|e| write_error(t, e))?;
    Ok(json!({"deleted": n}))
}
