//! Renders IR tables as SQLite DDL. One renderer, quoting every identifier; the output is
//! deterministic (same IR → same bytes).

use crate::ir::{Column, ColumnType, Default, Index, Schema, Table};
use crate::naming::{quote_ident as q, quote_str};

/// `DEFAULT …` text for a default.
fn default_sql(d: &Default) -> String {
    match d {
        Default::Literal(l) => l.clone(),
        Default::Sql(s) => {
            let s = s.trim();
            if is_parenthesised(s) {
                s.to_owned()
            } else {
                format!("({s})")
            }
        }
    }
}

/// Whether `s` is one parenthesised expression: `(a) + (b)` is not.
fn is_parenthesised(s: &str) -> bool {
    if !(s.starts_with('(') && s.ends_with(')')) {
        return false;
    }
    let mut depth = 0i32;
    let mut in_str: Option<char> = None;
    for (i, ch) in s.char_indices() {
        match (in_str, ch) {
            (Some(qc), c) if c == qc => in_str = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => in_str = Some(ch),
            (None, '(') => depth += 1,
            (None, ')') => {
                depth -= 1;
                if depth == 0 && i != s.len() - 1 {
                    return false;
                }
            }
            _ => {}
        }
    }
    depth == 0
}

/// The definition of column `c` of `t`, with `PRIMARY KEY` when `is_pk` (the table's single
/// key column).
fn column_def(t: &Table, c: &Column, is_pk: bool) -> String {
    let mut s = format!("{} {}", q(&c.name), c.ty.sql_type());
    if is_pk {
        s.push_str(" PRIMARY KEY");
        if c.auto_increment {
            s.push_str(" AUTOINCREMENT");
        }
    }
    // An INTEGER PRIMARY KEY is a rowid alias and never NULL; any other key column
    // needs NOT NULL spelled out (SQLite allows NULL in them otherwise).
    let rowid_alias = is_pk && t.is_rowid_alias(c);
    if !(c.nullable || rowid_alias) {
        s.push_str(" NOT NULL");
    }
    if c.unique {
        s.push_str(" UNIQUE");
    }
    if let Some(d) = &c.default {
        s.push_str(" DEFAULT ");
        s.push_str(&default_sql(d));
    }
    if let Some(fk) = &c.references {
        s.push_str(&format!(" REFERENCES {} ({})", q(&fk.table), q(&fk.column)));
        if let Some(a) = fk.on_delete {
            s.push_str(&format!(" ON DELETE {}", a.sql()));
        }
        if let Some(a) = fk.on_update {
            s.push_str(&format!(" ON UPDATE {}", a.sql()));
        }
    }
    match c.ty {
        _ if !c.db_check => {}
        ColumnType::Enum => {
            let values = c
                .enum_def
                .as_ref()
                .map_or_else(Vec::new, |e| e.values.clone());
            let list: Vec<String> = values.iter().map(|v| quote_str(v)).collect();
            s.push_str(&format!(" CHECK ({} IN ({}))", q(&c.name), list.join(", ")));
        }
        ColumnType::Boolean => s.push_str(&format!(" CHECK ({} IN (0, 1))", q(&c.name))),
        _ => {}
    }
    if let Some(check) = &c.check {
        s.push_str(&format!(" CHECK ({check})"));
    }
    s
}

/// Every CHECK expression of `t` as SQL (enum and boolean checks included), with the
/// constraint's name for a named one.
pub fn check_exprs(t: &Table) -> Vec<(Option<String>, String)> {
    let mut out = Vec::new();
    for c in &t.columns {
        match c.ty {
            _ if !c.db_check => {}
            ColumnType::Enum => {
                let list: Vec<String> = c
                    .enum_def
                    .iter()
                    .flat_map(|e| e.values.iter().map(|v| quote_str(v)))
                    .collect();
                out.push((None, format!("{} IN ({})", q(&c.name), list.join(", "))));
            }
            ColumnType::Boolean => out.push((None, format!("{} IN (0, 1)", q(&c.name)))),
            _ => {}
        }
        if let Some(check) = &c.check {
            out.push((None, check.clone()));
        }
    }
    for (name, sql) in &t.checks {
        out.push((Some(name.clone()), sql.clone()));
    }
    out
}

/// The column definitions and table constraints of `t`, one per line.
pub fn table_body(t: &Table) -> Vec<String> {
    let single_pk = t.primary_key.len() == 1;
    let mut lines: Vec<String> = t
        .columns
        .iter()
        .map(|c| column_def(t, c, single_pk && t.primary_key[0] == c.name))
        .collect();
    if t.primary_key.len() > 1 {
        let cols: Vec<String> = t.primary_key.iter().map(|c| q(c)).collect();
        lines.push(format!("PRIMARY KEY ({})", cols.join(", ")));
    }
    for (name, sql) in &t.checks {
        lines.push(format!("CONSTRAINT {} CHECK ({sql})", q(name)));
    }
    lines
}

/// `CREATE TABLE "t" (…);` for `t` under the name `name`.
pub fn create_table_as(t: &Table, name: &str) -> String {
    let body = table_body(t).join(",\n  ");
    let suffix = if t.without_rowid {
        " WITHOUT ROWID"
    } else {
        ""
    };
    format!("CREATE TABLE {} (\n  {body}\n){suffix};", q(name))
}

/// `CREATE TABLE` for `t`.
pub fn create_table(t: &Table) -> String {
    create_table_as(t, &t.name)
}

/// `CREATE [UNIQUE] INDEX` for `ix` on `table`.
pub fn create_index(table: &str, ix: &Index) -> String {
    let cols: Vec<String> = ix.columns.iter().map(|c| q(c)).collect();
    let mut s = format!(
        "CREATE {}INDEX {} ON {} ({})",
        if ix.unique { "UNIQUE " } else { "" },
        q(&ix.name),
        q(table),
        cols.join(", ")
    );
    if let Some(w) = &ix.where_sql {
        s.push_str(&format!(" WHERE {w}"));
    }
    s.push(';');
    s
}

/// `ALTER TABLE … ADD COLUMN` for column `i` of `t`.
pub fn add_column(t: &Table, i: usize) -> String {
    format!(
        "ALTER TABLE {} ADD COLUMN {};",
        q(&t.name),
        column_def(t, &t.columns[i], false)
    )
}

/// Tables in an order where each comes after the tables it references (self references
/// and cycles keep file order, which SQLite accepts: foreign keys are checked on writes).
pub fn creation_order(schema: &Schema) -> Vec<&Table> {
    let mut done: Vec<&str> = Vec::new();
    let mut out: Vec<&Table> = Vec::new();
    let mut pending: Vec<&Table> = schema.tables.iter().collect();
    while !pending.is_empty() {
        let ready = pending.iter().position(|t| {
            t.columns
                .iter()
                .filter_map(|c| c.references.as_ref())
                .all(|fk| {
                    fk.table == t.name
                        || done.contains(&fk.table.as_str())
                        || schema.table(&fk.table).is_none()
                })
        });
        // A cycle: take the first remaining table.
        let i = ready.unwrap_or(0);
        let t = pending.remove(i);
        done.push(&t.name);
        out.push(t);
    }
    out
}

/// The whole schema as DDL (tables in dependency order, then their indexes).
pub fn schema_sql(schema: &Schema) -> String {
    let mut out = Vec::new();
    for t in creation_order(schema) {
        out.push(create_table(t));
        for ix in &t.indexes {
            out.push(create_index(&t.name, ix));
        }
    }
    out.join("\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parenthesised() {
        assert!(is_parenthesised("(unixepoch())"));
        assert!(!is_parenthesised("(a) + (b)"));
        assert!(!is_parenthesised("unixepoch()"));
        assert!(is_parenthesised("(')')"));
        assert_eq!(
            default_sql(&Default::Sql("CURRENT_TIMESTAMP".into())),
            "(CURRENT_TIMESTAMP)"
        );
    }
}
