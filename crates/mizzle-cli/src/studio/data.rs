//! What `mizzle studio` reads: the local database, through the schema. Every query binds
//! its values; names come from the schema (never from a request) and are quoted.

use std::path::{Path, PathBuf};
use std::time::Duration;

use mizzle_build::ir::{ColumnType, Relation, Schema, Table};
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};
use serde_json::{Value as Json, json};

/// Rows a page holds.
pub const PAGE: usize = 50;
/// Rows the console shows at most.
const CONSOLE_ROWS: usize = 500;

/// The local D1 file `wrangler dev` uses: the one database under
/// `.wrangler/state/v3/d1/miniflare-D1DatabaseObject/` (its `metadata.sqlite` aside).
pub fn local_d1(root: &Path) -> Result<PathBuf, String> {
    let dir = root.join(".wrangler/state/v3/d1/miniflare-D1DatabaseObject");
    let mut found: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|_| {
            format!(
                "error: no local D1 database under {}: run `mizzle dev` (or `mizzle migrate --local`) first, or give one with --sqlite FILE",
                dir.display()
            )
        })?
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.extension().is_some_and(|x| x == "sqlite") && !p.ends_with("metadata.sqlite")
        })
        .collect();
    found.sort();
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => Err(format!(
            "error: no local D1 database in {}: give one with --sqlite FILE",
            dir.display()
        )),
        _ => Err(format!(
            "error: several local D1 databases in {} ({}): choose one with --sqlite FILE",
            dir.display(),
            found
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// A connection to `file` for reading and writing, waiting a bounded time for `wrangler dev`'s
/// locks (SQLite busy is retried for up to 3 s, then an error, never a crash).
pub fn open(file: &Path, read_only: bool) -> Result<Connection, String> {
    let flags = if read_only {
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX
    } else {
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX
    };
    let conn = Connection::open_with_flags(file, flags)
        .map_err(|e| format!("cannot open {}: {e}", file.display()))?;
    conn.busy_timeout(Duration::from_secs(3))
        .map_err(|e| e.to_string())?;
    Ok(conn)
}

pub(super) fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn type_name(t: ColumnType) -> &'static str {
    ColumnType::ALL
        .iter()
        .find(|(_, c)| *c == t)
        .map_or("?", |(n, _)| n)
}

/// Every table of the schema, with its row count in the database and its columns as the
/// page shows them.
pub fn tables(conn: &Connection, schema: &Schema) -> Result<Json, String> {
    let mut out = Vec::new();
    for t in &schema.tables {
        let rows: i64 = conn
            .query_row(
                &format!("SELECT count(*) FROM {}", quote(&t.name)),
                [],
                |r| r.get(0),
            )
            .map_err(|e| format!("{}: {e}", t.name))?;
        out.push(json!({
            "name": t.name,
            "doc": t.doc,
            "rows": rows,
            "primary_key": t.primary_key,
            "sortable": sortable(t),
            "columns": t.columns.iter().map(|c| json!({
                "name": c.name,
                "type": type_name(c.ty),
                "nullable": c.nullable,
                "unique": c.unique,
                "doc": c.doc,
                "check": c.check,
                "values": c.enum_def.as_ref().map(|e| e.values.clone()),
                "references": c.references.as_ref().map(|f| json!({"table": f.table, "column": f.column})),
            })).collect::<Vec<_>>(),
            "indexes": t.indexes.iter().map(|i| json!({
                "name": i.name, "columns": i.columns, "unique": i.unique, "where": i.where_sql,
            })).collect::<Vec<_>>(),
            "checks": t.checks.iter().map(|(n, x)| json!({"name": n, "check": x})).collect::<Vec<_>>(),
        }));
    }
    Ok(Json::Array(out))
}

/// The columns a table's rows can be sorted by without reading them all: the first column
/// of its primary key or of a non-partial index, and unique columns.
fn sortable(t: &Table) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut add = |c: &str| {
        if !out.iter().any(|o| o == c) {
            out.push(c.to_owned());
        }
    };
    if let Some(c) = t.primary_key.first() {
        add(c);
    }
    for c in t.columns.iter().filter(|c| c.unique) {
        add(&c.name);
    }
    for i in t.indexes.iter().filter(|i| i.where_sql.is_none()) {
        if let Some(c) = i.columns.first() {
            add(c);
        }
    }
    out
}

/// A cell as JSON, read by the column's schema type: a timestamp as RFC 3339 (and its
/// stored number), a boolean as true/false, JSON parsed, a blob as its size.
fn cell(v: ValueRef<'_>, ty: Option<ColumnType>) -> Json {
    match (v, ty) {
        (ValueRef::Null, _) => Json::Null,
        (ValueRef::Integer(n), Some(ColumnType::Boolean)) if n == 0 || n == 1 => json!(n == 1),
        (ValueRef::Integer(n), Some(ColumnType::Timestamp)) => json!({
            "time": chrono::DateTime::from_timestamp(n, 0).map(|d| d.to_rfc3339()),
            "stored": n,
        }),
        (ValueRef::Integer(n), Some(ColumnType::TimestampMs)) => json!({
            "time": chrono::DateTime::from_timestamp_millis(n).map(|d| d.to_rfc3339()),
            "stored": n,
        }),
        (ValueRef::Integer(n), _) => json!(n),
        (ValueRef::Real(r), _) => json!(r),
        (ValueRef::Text(t), Some(ColumnType::Json)) => {
            let s = String::from_utf8_lossy(t);
            serde_json::from_str::<Json>(&s)
                .map(|j| json!({"json": j}))
                .unwrap_or_else(|_| json!(s))
        }
        (ValueRef::Text(t), _) => json!(String::from_utf8_lossy(t)),
        (ValueRef::Blob(b), _) => json!({"blob": b.len()}),
    }
}

/// One filter of a page: `column`, an operator, and its text value (typed by the column).
pub struct Filter {
    pub column: String,
    pub op: String,
    pub value: String,
}

/// A value typed for `column`: a number for numeric columns, a date for timestamps (RFC 3339
/// or a date), 0/1 for booleans; text otherwise.
pub(super) fn typed(value: &str, ty: ColumnType) -> Result<rusqlite::types::Value, String> {
    use rusqlite::types::Value as V;
    let bad = |what: &str| format!("`{value}` is not {what}");
    Ok(match ty {
        ColumnType::Integer => V::Integer(value.trim().parse().map_err(|_| bad("an integer"))?),
        ColumnType::Real => V::Real(value.trim().parse().map_err(|_| bad("a number"))?),
        ColumnType::Boolean => match value.trim() {
            "true" | "1" => V::Integer(1),
            "false" | "0" => V::Integer(0),
            _ => return Err(bad("true or false")),
        },
        ColumnType::Timestamp | ColumnType::TimestampMs => {
            let t = value.trim();
            let at = chrono::DateTime::parse_from_rfc3339(t)
                .map(|d| d.to_utc())
                .or_else(|_| {
                    chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d")
                        .map(|d| d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc())
                })
                .map_err(|_| bad("a date (2026-12-07) or an RFC 3339 time"))?;
            V::Integer(if ty == ColumnType::Timestamp {
                at.timestamp()
            } else {
                at.timestamp_millis()
            })
        }
        _ => V::Text(value.to_owned()),
    })
}

/// `WHERE …` for `filters` on `t`, with its bound values.
fn where_clause(
    schema: &Schema,
    t: &Table,
    filters: &[Filter],
) -> Result<(String, Vec<rusqlite::types::Value>), String> {
    let mut terms = Vec::new();
    let mut params = Vec::new();
    for f in filters {
        let c = t
            .column(&f.column)
            .ok_or_else(|| format!("`{}` has no column `{}`", t.name, f.column))?;
        let col = format!("{}.{}", quote(&t.name), quote(&c.name));
        match f.op.as_str() {
            "null" => terms.push(format!("{col} IS NULL")),
            "notnull" => terms.push(format!("{col} IS NOT NULL")),
            "contains" => {
                let escaped = f
                    .value
                    .replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_");
                terms.push(format!("{col} LIKE ? ESCAPE '\\'"));
                params.push(rusqlite::types::Value::Text(format!("%{escaped}%")));
            }
            op @ ("eq" | "gt" | "gte" | "lt" | "lte") => {
                let sql_op = match op {
                    "eq" => "=",
                    "gt" => ">",
                    "gte" => ">=",
                    "lt" => "<",
                    _ => "<=",
                };
                terms.push(format!("{col} {sql_op} ?"));
                params.push(typed(&f.value, c.ty)?);
            }
            "via" => {
                let (sql, v) = via(schema, t, c, &f.value)?;
                terms.push(sql);
                params.push(v);
            }
            other => return Err(format!("unknown filter `{other}`")),
        }
    }
    let sql = if terms.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", terms.join(" AND "))
    };
    Ok((sql, params))
}

/// A many-to-many filter: rows of `t` whose `c` a join table links to one row of another
/// table. `value` is `{"through", "from", "to", "value"}`: the join table, its column naming
/// the other row, its column naming rows of `t`, and the other row's key. The names must be
/// the schema's (a join table whose `to` references `t`.`c`): none comes into SQL unchecked.
fn via(
    schema: &Schema,
    t: &Table,
    c: &mizzle_build::ir::Column,
    value: &str,
) -> Result<(String, rusqlite::types::Value), String> {
    let spec: Json =
        serde_json::from_str(value).map_err(|e| format!("a `via` filter is JSON: {e}"))?;
    let name = |k: &str| {
        spec[k]
            .as_str()
            .ok_or_else(|| format!("a `via` filter needs \"{k}\""))
    };
    let through = schema
        .tables
        .iter()
        .find(|x| Ok(x.name.as_str()) == name("through").as_deref())
        .ok_or("a `via` filter's join table is not in the schema")?;
    let from = through
        .column(name("from")?)
        .ok_or("a `via` filter's `from` is not a column of its join table")?;
    let to = through
        .column(name("to")?)
        .filter(|to| {
            to.references
                .as_ref()
                .is_some_and(|r| r.table == t.name && r.column == c.name)
        })
        .ok_or_else(|| {
            format!(
                "a `via` filter's `to` must be a column of `{}` referencing `{}`.`{}`",
                through.name, t.name, c.name
            )
        })?;
    let th = quote(&through.name);
    Ok((
        format!(
            "{}.{} IN (SELECT {th}.{} FROM {th} WHERE {th}.{} = ?)",
            quote(&t.name),
            quote(&c.name),
            quote(&to.name),
            quote(&from.name)
        ),
        json_param(&spec["value"]),
    ))
}

/// What identifies a row for paging and links: its rowid, or, for a table without one, its
/// primary key's first column.
pub(super) fn key_expr(t: &Table) -> String {
    if t.without_rowid {
        format!(
            "{}.{}",
            quote(&t.name),
            quote(t.primary_key.first().map_or("rowid", String::as_str))
        )
    } else {
        format!("{}.rowid", quote(&t.name))
    }
}

/// A page of `t`'s rows: sorted by `order` (a sortable column; the key by default), after the
/// row `after` (keyset paging: `[sort value, key]` of the last row of the previous page), with
/// `filters` ANDed. Each row carries its key for links.
pub fn page(
    conn: &Connection,
    schema: &Schema,
    t: &Table,
    order: Option<&str>,
    desc: bool,
    after: Option<(Json, Json)>,
    filters: &[Filter],
) -> Result<Json, String> {
    let key = key_expr(t);
    let sort = match order {
        Some(c) if sortable(t).iter().any(|s| s == c) => format!("{}.{}", quote(&t.name), quote(c)),
        Some(c) => {
            return Err(format!(
                "sort by an indexed column: `{c}` has no index, so sorting by it would read every row of `{}`",
                t.name
            ));
        }
        None => key.clone(),
    };
    let (filtered_sql, filtered_params) = where_clause(schema, t, filters)?;
    let (mut where_sql, mut params) = (filtered_sql.clone(), filtered_params.clone());
    if let Some((v, k)) = after {
        let cmp = if desc { "<" } else { ">" };
        where_sql.push_str(if where_sql.is_empty() {
            " WHERE "
        } else {
            " AND "
        });
        where_sql.push_str(&format!("({sort}, {key}) {cmp} (?, ?)"));
        params.push(json_param(&v));
        params.push(json_param(&k));
    }
    let dir = if desc { "DESC" } else { "ASC" };
    let sql = format!(
        "SELECT {sort}, {key}, {} FROM {}{where_sql} ORDER BY {sort} {dir}, {key} {dir} LIMIT {}",
        column_list(t),
        quote(&t.name),
        PAGE + 1
    );
    let mut stmt = conn.prepare(&sql).map_err(|e| e.to_string())?;
    let mut rows = stmt
        .query(rusqlite::params_from_iter(params))
        .map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    let mut more = false;
    while let Some(r) = rows.next().map_err(|e| e.to_string())? {
        if out.len() == PAGE {
            more = true;
            break;
        }
        let sort_value = raw(r.get_ref(0).map_err(|e| e.to_string())?);
        let key_value = raw(r.get_ref(1).map_err(|e| e.to_string())?);
        let cells: Vec<Json> = t
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| r.get_ref(i + 2).map_or(Json::Null, |v| cell(v, Some(c.ty))))
            .collect();
        out.push(json!({"key": key_value, "after": [sort_value, key_value], "cells": cells}));
    }
    let total: i64 = conn
        .query_row(
            &format!("SELECT count(*) FROM {}{filtered_sql}", quote(&t.name)),
            rusqlite::params_from_iter(filtered_params),
            |r| r.get(0),
        )
        .map_err(|e| e.to_string())?;
    Ok(json!({"rows": out, "more": more, "matching": total}))
}

/// A stored value as JSON, as it is (for paging keys).
fn raw(v: ValueRef<'_>) -> Json {
    cell(v, None)
}

/// A JSON paging value bound back as SQL.
pub(super) fn json_param(v: &Json) -> rusqlite::types::Value {
    use rusqlite::types::Value as V;
    match v {
        Json::Null => V::Null,
        Json::Bool(b) => V::Integer(i64::from(*b)),
        Json::Number(n) => n
            .as_i64()
            .map(V::Integer)
            .unwrap_or_else(|| V::Real(n.as_f64().unwrap_or(0.0))),
        Json::String(s) => V::Text(s.clone()),
        other => V::Text(other.to_string()),
    }
}

/// `"t"."a", "t"."b", …`: every column of `t`, qualified.
fn column_list(t: &Table) -> String {
    t.columns
        .iter()
        .map(|c| format!("{}.{}", quote(&t.name), quote(&c.name)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One row of `t` by its key, with its relations: the parent each foreign key names (a link),
/// and, per has-many or many-to-many relation, how many rows are linked (a link to them,
/// filtered).
pub fn row(conn: &Connection, t: &Table, key: &Json) -> Result<Json, String> {
    let sql = format!(
        "SELECT {} FROM {} WHERE {} = ?",
        column_list(t),
        quote(&t.name),
        key_expr(t)
    );
    let mut stmt = conn.prepare(&sql).map_err(|e| e.to_string())?;
    let mut rows = stmt.query([json_param(key)]).map_err(|e| e.to_string())?;
    let Some(r) = rows.next().map_err(|e| e.to_string())? else {
        return Err(format!("`{}` has no row {key}", t.name));
    };
    let mut cells = Vec::new();
    let mut stored = Vec::new();
    for (i, c) in t.columns.iter().enumerate() {
        let v = r.get_ref(i).map_err(|e| e.to_string())?;
        cells.push(cell(v, Some(c.ty)));
        stored.push(raw(v));
    }
    drop(rows);
    let value_of = |col: &str| {
        t.columns
            .iter()
            .position(|c| c.name == col)
            .map(|i| stored[i].clone())
    };
    let mut relations = Vec::new();
    for rel in &t.relations {
        relations.push(match rel {
            Relation::BelongsTo {
                name,
                target,
                key: col,
                target_key,
                ..
            } => json!({
                "name": name, "kind": "belongs_to", "table": target,
                "filter": {"column": target_key, "value": value_of(col)},
            }),
            Relation::Has {
                name,
                target,
                foreign_key,
                key: own,
                many,
                ..
            } => {
                let v = value_of(own).unwrap_or(Json::Null);
                let n = count_where(conn, target, foreign_key, &v)?;
                json!({
                    "name": name, "kind": if *many { "has_many" } else { "has_one" },
                    "table": target, "count": n,
                    "filter": {"column": foreign_key, "value": v},
                })
            }
            Relation::ManyToMany {
                name,
                target,
                through,
                source_fk,
                target_fk,
                key: own,
                target_key,
                ..
            } => {
                // The link opens the target's rows this row is linked to (through the join
                // table), not the join table's rows.
                let v = value_of(own).unwrap_or(Json::Null);
                let n = count_where(conn, through, source_fk, &v)?;
                let spec =
                    json!({"through": through, "from": source_fk, "to": target_fk, "value": v});
                json!({
                    "name": name, "kind": "many_to_many", "table": target, "through": through,
                    "count": n,
                    "filter": {
                        "column": target_key, "op": "via", "value": spec.to_string(),
                        "label": format!("{name} of {} {v} (through {through})", t.name),
                    },
                })
            }
        });
    }
    Ok(json!({"cells": cells, "relations": relations}))
}

/// The bytes of blob `column` of row `key` (`None` when it is NULL).
pub fn blob(
    conn: &Connection,
    t: &Table,
    key: &Json,
    column: &str,
) -> Result<Option<Vec<u8>>, String> {
    let c = t
        .column(column)
        .ok_or_else(|| format!("`{}` has no column `{column}`", t.name))?;
    let sql = format!(
        "SELECT {}.{} FROM {} WHERE {} = ?",
        quote(&t.name),
        quote(&c.name),
        quote(&t.name),
        key_expr(t)
    );
    let v: rusqlite::types::Value = conn
        .query_row(&sql, [json_param(key)], |r| r.get(0))
        .map_err(|e| match e {
            rusqlite::Error::QueryReturnedNoRows => format!("`{}` has no row {key}", t.name),
            e => e.to_string(),
        })?;
    Ok(match v {
        rusqlite::types::Value::Null => None,
        rusqlite::types::Value::Blob(b) => Some(b),
        rusqlite::types::Value::Text(s) => Some(s.into_bytes()),
        other => Some(format!("{other:?}").into_bytes()),
    })
}

/// How many rows of `table` have `column = value`.
fn count_where(conn: &Connection, table: &str, column: &str, value: &Json) -> Result<i64, String> {
    conn.query_row(
        &format!(
            "SELECT count(*) FROM {} WHERE {} = ?",
            quote(table),
            quote(column)
        ),
        [json_param(value)],
        |r| r.get(0),
    )
    .map_err(|e| e.to_string())
}

/// The console: `sql` run on a connection opened read-only (a statement that would write
/// fails in SQLite itself, not by parsing), its first rows, and its query plan.
pub fn console(file: &Path, sql: &str) -> Result<Json, String> {
    let conn = open(file, true)?;
    let plan = {
        let mut out = Vec::new();
        if let Ok(mut stmt) = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")) {
            let mut rows = stmt.raw_query();
            while let Ok(Some(r)) = rows.next() {
                if let Ok(d) = r.get::<_, String>(3) {
                    out.push(d);
                }
            }
        }
        out
    };
    let mut stmt = conn.prepare(sql).map_err(|e| e.to_string())?;
    let columns: Vec<String> = stmt.column_names().iter().map(|s| s.to_string()).collect();
    let width = columns.len();
    let mut rows = stmt.raw_query();
    let mut out = Vec::new();
    let mut more = false;
    while let Some(r) = rows.next().map_err(|e| e.to_string())? {
        if out.len() == CONSOLE_ROWS {
            more = true;
            break;
        }
        out.push(
            (0..width)
                .map(|i| r.get_ref(i).map_or(Json::Null, raw))
                .collect::<Vec<_>>(),
        );
    }
    Ok(json!({"columns": columns, "rows": out, "more": more, "plan": plan}))
}
