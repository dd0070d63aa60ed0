//! `mizzle pull`: an existing database's shape as `schema/*.toml`.
//!
//! The database is read through SQLite's own catalog: the same introspection the migration
//! replay compares shapes with ([`replay::introspect`]), plus the text as written wherever
//! TOML keeps text (defaults, CHECKs, partial index conditions). Each column is mapped to a
//! mizzle type, relations are inferred from the foreign keys, and one file is rendered per
//! table. What TOML cannot say is reported by name in [`Pulled::notes`], never dropped
//! silently. [`verify`] then reads the files back the way a build does and compares the shape
//! their DDL makes with the database's, table by table.
//!
//! The stages are plain data: catalog → [`PTable`]s → relations → TOML text.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use heck::{ToSnakeCase, ToUpperCamelCase};
use rusqlite::Connection;

use crate::ir::ColumnType;
use crate::migrate::replay::{self, DbState, DbTable};
use crate::naming;

/// What is known about a column beyond what the database says (from a drizzle schema, where
/// booleans, timestamps, JSON and text enums are plain INTEGER and TEXT columns).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hint {
    /// `integer({ mode: "boolean" })`.
    Boolean,
    /// `integer({ mode: "timestamp" })`: seconds.
    Timestamp,
    /// `integer({ mode: "timestamp_ms" })`: milliseconds.
    TimestampMs,
    /// `text({ mode: "json" })`.
    Json,
    /// `text({ enum: [..] })`.
    Enum(Vec<String>),
}

/// Column hints by (table, column).
#[derive(Debug, Clone, Default)]
pub struct Hints {
    /// The hints.
    pub columns: BTreeMap<(String, String), Hint>,
}

/// The schema files for a database, and what they could not keep.
#[derive(Debug, Clone)]
pub struct Pulled {
    /// `(file name, TOML text)`, one per table, in table-name order.
    pub files: Vec<(String, String)>,
    /// What TOML cannot express, by name: each is left out or changed as it says.
    pub notes: Vec<String>,
    /// The database's shape, as the replay reads it (what [`verify`] compares with).
    pub shape: DbState,
    /// Tables whose pulled shape differs from the database's as a note says (a NUMERIC
    /// column, a constraint over several columns, an expression index..).
    pub lossy: BTreeSet<String>,
}

/// A literal default.
#[derive(Debug, Clone, PartialEq)]
enum Lit {
    Int(i64),
    Float(f64),
    Bool(bool),
    Str(String),
}

/// A column as it will be written.
#[derive(Debug, Clone)]
struct PColumn {
    name: String,
    ty: ColumnType,
    nullable: bool,
    primary_key: bool,
    auto_increment: bool,
    unique: bool,
    default: Option<Lit>,
    default_sql: Option<String>,
    /// `(table, column, on_delete, on_update)`.
    references: Option<(String, String, Option<String>, Option<String>)>,
    check: Option<String>,
    values: Vec<String>,
    db_check: bool,
    rust_name: Option<String>,
}

/// An index as it will be written.
#[derive(Debug, Clone)]
struct PIndex {
    name: String,
    columns: Vec<String>,
    unique: bool,
    where_sql: Option<String>,
}

/// A relation as it will be written.
#[derive(Debug, Clone)]
enum PRelation {
    BelongsTo {
        name: String,
        target: String,
        key: String,
    },
    Has {
        name: String,
        target: String,
        foreign_key: String,
        many: bool,
    },
    ManyToMany {
        name: String,
        target: String,
        through: String,
    },
}

impl PRelation {
    fn name(&self) -> &str {
        match self {
            PRelation::BelongsTo { name, .. }
            | PRelation::Has { name, .. }
            | PRelation::ManyToMany { name, .. } => name,
        }
    }
}

/// A table as it will be written.
#[derive(Debug, Clone)]
struct PTable {
    name: String,
    struct_name: Option<String>,
    columns: Vec<PColumn>,
    /// Composite primary key (a single key is on its column).
    primary_key: Vec<String>,
    without_rowid: bool,
    indexes: Vec<PIndex>,
    checks: Vec<(String, String)>,
    relations: Vec<PRelation>,
}

impl PTable {
    fn column(&self, name: &str) -> Option<&PColumn> {
        self.columns.iter().find(|c| c.name == name)
    }
}

/// Reads the database behind `conn` into schema files.
pub fn pull(conn: &Connection, hints: &Hints) -> rusqlite::Result<Pulled> {
    let shape = replay::introspect(conn)?;
    let mut notes = Vec::new();
    let mut lossy = BTreeSet::new();
    let kinds = table_kinds(conn)?;
    for (kind, name, table) in other_objects(conn)? {
        if crate::lower::reserved_sql_name(&table).is_none() {
            notes.push(format!(
                "{kind} `{name}` is not pulled: schema/ describes tables and indexes; keep it in a hand-written migration (`mizzle migration new`)"
            ));
        }
    }
    let mut tables = Vec::new();
    for (name, db) in &shape.tables {
        match kinds.get(name).map(|(k, _)| k.as_str()) {
            Some("virtual") => {
                notes.push(format!("virtual table `{name}` is not pulled: mizzle has no virtual tables; keep it in a hand-written migration"));
                continue;
            }
            Some("shadow") => continue,
            _ => {}
        }
        if !crate::lower::module_name_ok(name) {
            notes.push(format!(
                "table `{name}` makes no usable Rust module name (`{}`), so it is not pulled: rename it in a migration (`ALTER TABLE \"{name}\" RENAME TO ..`) and pull again",
                naming::field_name(name)
            ));
            lossy.insert(name.clone());
            continue;
        }
        if kinds.get(name).is_some_and(|(_, strict)| *strict) {
            notes.push(format!(
                "table `{name}` is STRICT; mizzle's tables are not, so the pulled one is not"
            ));
        }
        let sql: String = conn.query_row(
            "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?1",
            [name],
            |r| r.get(0),
        )?;
        let before = notes.len();
        let table = pull_table(conn, name, &sql, db, &shape, hints, &mut notes)?;
        if notes[before..].iter().any(|n| n.contains(LOSSY)) {
            lossy.insert(name.clone());
        }
        tables.push(table);
    }
    name_things(&mut tables);
    infer_relations(&mut tables, &shape);
    let files = file_names(&tables)
        .into_iter()
        .zip(&tables)
        .map(|(file, t)| {
            let table_key = (file.trim_end_matches(".toml") != t.name).then_some(t.name.as_str());
            (file, render(t, table_key))
        })
        .collect();
    Ok(Pulled {
        files,
        notes,
        shape,
        lossy,
    })
}

/// The words of a note whose table's pulled shape differs from the database's.
const LOSSY: &str = "it is not pulled";

/// The database's own DDL as a first migration for a project that has none: every table,
/// index, view and trigger, in creation order, each `IF NOT EXISTS`. Applied to the database
/// it came from it changes nothing (and wrangler records it as applied); on a new database it
/// makes the same shape, including what schema/ cannot say.
pub fn baseline_sql(conn: &Connection) -> rusqlite::Result<String> {
    let kinds = table_kinds(conn)?;
    let mut st = conn.prepare(
        "SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE sql IS NOT NULL ORDER BY rowid",
    )?;
    let rows = st.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
        ))
    })?;
    let mut out = String::from(
        "-- The database as `mizzle pull` found it. Every statement is IF NOT EXISTS: applied to\n\
         -- that database it changes nothing (wrangler records it as applied); on a new database\n\
         -- it makes the same tables. Kept as written; later migrations are generated from schema/.\n\n",
    );
    for row in rows {
        let (kind, name, table, sql) = row?;
        let shadow = kinds.get(&name).is_some_and(|(k, _)| k == "shadow");
        if shadow || crate::lower::reserved_sql_name(&table).is_some() {
            continue;
        }
        let keyword = match kind.as_str() {
            "table" => "TABLE",
            "index" => "INDEX",
            "view" => "VIEW",
            "trigger" => "TRIGGER",
            _ => continue,
        };
        out.push_str(&if_not_exists(&sql, keyword));
        out.push_str(";\n");
    }
    Ok(out)
}

/// `CREATE [UNIQUE|VIRTUAL|TEMP] <keyword> name ..` with `IF NOT EXISTS` after the keyword.
fn if_not_exists(sql: &str, keyword: &str) -> String {
    let upper = sql.to_ascii_uppercase();
    let Some(at) = upper.find(keyword) else {
        return sql.to_owned();
    };
    let after = at + keyword.len();
    if upper[after..].trim_start().starts_with("IF NOT EXISTS") {
        return sql.to_owned();
    }
    format!("{} IF NOT EXISTS{}", &sql[..after], &sql[after..])
}

/// `pragma table_list`: each table's kind (`table`, `virtual`, `shadow`) and STRICT.
fn table_kinds(conn: &Connection) -> rusqlite::Result<BTreeMap<String, (String, bool)>> {
    let mut st =
        conn.prepare("SELECT name, type, strict FROM pragma_table_list WHERE schema = 'main'")?;
    let rows = st.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            (r.get::<_, String>(1)?, r.get::<_, i64>(2)? != 0),
        ))
    })?;
    rows.collect()
}

/// Views and triggers: `(kind, name, table)`.
fn other_objects(conn: &Connection) -> rusqlite::Result<Vec<(String, String, String)>> {
    let mut st = conn.prepare(
        "SELECT type, name, tbl_name FROM sqlite_schema WHERE type IN ('view', 'trigger') ORDER BY type, name",
    )?;
    let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    rows.collect()
}

fn pull_table(
    conn: &Connection,
    name: &str,
    sql: &str,
    db: &DbTable,
    shape: &DbState,
    hints: &Hints,
    notes: &mut Vec<String>,
) -> rusqlite::Result<PTable> {
    let normalised = replay::normalise_sql(sql);
    let mut st = conn.prepare(
        "SELECT name, type, \"notnull\", dflt_value, pk, hidden FROM pragma_table_xinfo(?1)",
    )?;
    struct Raw {
        name: String,
        decl: String,
        not_null: bool,
        dflt: Option<String>,
        pk: i64,
    }
    let mut raw = Vec::new();
    let rows = st.query_map([name], |r| {
        Ok((
            Raw {
                name: r.get(0)?,
                decl: r.get(1)?,
                not_null: r.get::<_, i64>(2)? != 0,
                dflt: r.get(3)?,
                pk: r.get(4)?,
            },
            r.get::<_, i64>(5)?,
        ))
    })?;
    for row in rows {
        let (c, hidden) = row?;
        match hidden {
            0 => raw.push(c),
            2 | 3 => notes.push(format!(
                "`{name}.{}` is a generated column; mizzle has none, so it is not pulled",
                c.name
            )),
            _ => {}
        }
    }
    let pk_count = raw.iter().filter(|c| c.pk > 0).count();
    let mut checks = replay::raw_checks_named(sql);
    let mut columns = Vec::new();
    for c in &raw {
        let affinity = replay::affinity(&c.decl);
        let hint = hints.columns.get(&(name.to_owned(), c.name.clone()));
        // An unnamed `col IN (..)` CHECK makes a boolean or an enum.
        let in_check = checks.iter().position(|k| {
            k.name.is_none()
                && in_list(&k.expr).is_some_and(|(col, _)| col.eq_ignore_ascii_case(&c.name))
        });
        let listed = in_check.and_then(|i| in_list(&checks[i].expr).map(|(_, l)| l));
        // In mizzle's order: `IN (1, 0)` stays an integer with its CHECK as written.
        let zero_one = listed
            .as_ref()
            .is_some_and(|l| l == &[Item::Int(0), Item::Int(1)]);
        let strings: Option<Vec<String>> = listed.as_ref().and_then(|l| {
            l.iter()
                .map(|i| match i {
                    Item::Str(s) => Some(s.clone()),
                    Item::Int(_) => None,
                })
                .collect()
        });
        let (ty, values, took_check) = match (affinity, hint) {
            ("INTEGER", Some(Hint::Boolean)) => (ColumnType::Boolean, Vec::new(), zero_one),
            ("INTEGER", Some(Hint::Timestamp)) => (ColumnType::Timestamp, Vec::new(), false),
            ("INTEGER", Some(Hint::TimestampMs)) => (ColumnType::TimestampMs, Vec::new(), false),
            ("INTEGER", _) if zero_one => (ColumnType::Boolean, Vec::new(), true),
            ("INTEGER", _) => (ColumnType::Integer, Vec::new(), false),
            ("TEXT", Some(Hint::Json)) => (ColumnType::Json, Vec::new(), false),
            ("TEXT", Some(Hint::Enum(v))) if enum_values_ok(v) => match &strings {
                Some(s) if s == v => (ColumnType::Enum, s.clone(), true),
                _ => (ColumnType::Enum, v.clone(), false),
            },
            ("TEXT", _) => match strings {
                Some(s) if enum_values_ok(&s) => (ColumnType::Enum, s, true),
                _ => (ColumnType::Text, Vec::new(), false),
            },
            ("REAL", _) => (ColumnType::Real, Vec::new(), false),
            ("BLOB", _) => (ColumnType::Blob, Vec::new(), false),
            _ => {
                notes.push(format!(
                    "`{name}.{}` is declared `{}` (NUMERIC affinity), which no mizzle type has; so it is not pulled as it is: it becomes `real`, and a build over the migrations that made this database would change its affinity to REAL",
                    c.name, c.decl
                ));
                (ColumnType::Real, Vec::new(), false)
            }
        };
        if let Some(h) = hint {
            let fits = match h {
                Hint::Boolean | Hint::Timestamp | Hint::TimestampMs => affinity == "INTEGER",
                Hint::Json | Hint::Enum(_) => affinity == "TEXT",
            };
            if !fits {
                notes.push(format!(
                    "`{name}.{}`: the schema says {h:?}, but the column is declared `{}`; pulled as `{}`",
                    c.name,
                    c.decl,
                    ty.name()
                ));
            }
        }
        if took_check && let Some(i) = in_check {
            checks.remove(i);
        }
        if c.decl.is_empty() {
            notes.push(format!(
                "`{name}.{}` has no declared type (BLOB affinity); pulled as `blob`",
                c.name
            ));
        } else if !c.decl.eq_ignore_ascii_case(ty.sql_type()) && affinity != "NUMERIC" {
            notes.push(format!(
                "`{name}.{}` is declared `{}`; pulled as `{}` ({}, the same affinity: SQLite enforces no length or precision)",
                c.name,
                c.decl,
                ty.name(),
                ty.sql_type()
            ));
        }
        let (default, default_sql) = match &c.dflt {
            None => (None, None),
            Some(d) => match literal_default(d, ty, &values) {
                Some(l) => (Some(l), None),
                None => (None, Some(d.clone())),
            },
        };
        let single_pk = pk_count == 1 && c.pk == 1;
        let rowid_alias = single_pk && !db.without_rowid && c.decl.eq_ignore_ascii_case("INTEGER");
        columns.push(PColumn {
            name: c.name.clone(),
            ty,
            nullable: !(c.not_null || rowid_alias),
            primary_key: single_pk,
            auto_increment: single_pk && db.autoincrement,
            unique: db
                .uniques
                .iter()
                .any(|u| u == std::slice::from_ref(&c.name)),
            default,
            default_sql,
            references: None,
            check: None,
            db_check: took_check || !matches!(ty, ColumnType::Boolean | ColumnType::Enum),
            values,
            rust_name: None,
        });
    }
    for u in db.uniques.iter().filter(|u| u.len() > 1) {
        notes.push(format!(
            "table `{name}` has UNIQUE ({}), a constraint over several columns, which schema/ cannot declare; it is not pulled (a unique index over the same columns does the same job: add one under [indexes])",
            u.join(", ")
        ));
    }
    for fk in &db.foreign_keys {
        // (The replay names the parent's key where the SQL leaves it out.)
        let to = (!fk.to.iter().any(String::is_empty) && shape.tables.contains_key(&fk.table))
            .then(|| fk.to.clone());
        match to {
            Some(to) if fk.from.len() == 1 && to.len() == 1 => {
                let action = |a: &str| (a != "NO ACTION").then(|| a.to_ascii_lowercase());
                if let Some(col) = columns.iter_mut().find(|c| c.name == fk.from[0]) {
                    col.references = Some((
                        fk.table.clone(),
                        to[0].clone(),
                        action(&fk.on_delete),
                        action(&fk.on_update),
                    ));
                }
            }
            _ => notes.push(format!(
                "table `{name}` has FOREIGN KEY ({}) REFERENCES {}, over several columns (or to a table that is not there), which schema/ cannot declare; it is not pulled",
                fk.from.join(", "),
                fk.table
            )),
        }
    }
    if normalised.contains("DEFERRABLE") {
        notes.push(format!(
            "table `{name}` has a DEFERRABLE foreign key; mizzle's are not deferrable, so the pulled one is not"
        ));
    }
    if normalised.contains("COLLATE") {
        notes.push(format!(
            "table `{name}` uses COLLATE; schema/ cannot declare a collation, so the pulled columns use SQLite's default (BINARY)"
        ));
    }
    // The checks left: named ones are the table's `[checks]`; an unnamed one goes on a column
    // it mentions (where it is written makes no difference to SQLite).
    let mut table_checks = Vec::new();
    for k in checks {
        match k.name {
            Some(n) => table_checks.push((n, k.expr)),
            None => {
                let mentions = |c: &PColumn| mentions_ident(&k.expr, &c.name);
                let free = |c: &&mut PColumn| c.check.is_none();
                let slot = match columns
                    .iter()
                    .position(|c| c.check.is_none() && mentions(c))
                {
                    Some(i) => Some(&mut columns[i]),
                    None => columns.iter_mut().find(free),
                };
                match slot {
                    Some(c) => c.check = Some(k.expr),
                    None => notes.push(format!(
                        "table `{name}`: CHECK ({}) has no column left to carry it (one `check` each); it is not pulled — name it under [checks]",
                        k.expr
                    )),
                }
            }
        }
    }
    let mut indexes = Vec::new();
    for ix in &db.indexes {
        if ix.columns.iter().any(String::is_empty) {
            notes.push(format!(
                "index `{}` on `{name}` is over an expression; schema/ indexes list columns, so it is not pulled — keep it in a hand-written migration",
                ix.name
            ));
            continue;
        }
        let odd: i64 = conn.query_row(
            "SELECT count(*) FROM pragma_index_xinfo(?1) WHERE key = 1 AND (\"desc\" = 1 OR coll <> 'BINARY')",
            [&ix.name],
            |r| r.get(0),
        )?;
        if odd > 0 {
            notes.push(format!(
                "index `{}` on `{name}` has DESC or COLLATE columns; pulled as a plain ascending index",
                ix.name
            ));
        }
        let where_sql = if ix.partial.is_some() {
            let ix_sql: String = conn.query_row(
                "SELECT sql FROM sqlite_schema WHERE type = 'index' AND name = ?1",
                [&ix.name],
                |r| r.get(0),
            )?;
            partial_condition(&ix_sql)
        } else {
            None
        };
        indexes.push(PIndex {
            name: ix.name.clone(),
            columns: ix.columns.clone(),
            unique: ix.unique,
            where_sql,
        });
    }
    let mut primary_key: Vec<(i64, String)> = raw
        .iter()
        .filter(|c| c.pk > 0)
        .map(|c| (c.pk, c.name.clone()))
        .collect();
    primary_key.sort();
    Ok(PTable {
        name: name.to_owned(),
        struct_name: None,
        columns,
        primary_key: if pk_count > 1 {
            primary_key.into_iter().map(|(_, n)| n).collect()
        } else {
            Vec::new()
        },
        without_rowid: db.without_rowid,
        indexes,
        checks: table_checks,
        relations: Vec::new(),
    })
}

/// Whether enum `values` make distinct Rust variants (else the column stays `text`, its
/// CHECK kept as written).
fn enum_values_ok(values: &[String]) -> bool {
    let variants: BTreeSet<String> = values.iter().map(|v| naming::variant_name(v)).collect();
    !values.is_empty()
        && variants.len() == values.len()
        && variants
            .iter()
            .all(|v| naming::is_valid_ident(v) && !naming::is_keyword(v) && !v.starts_with('_'))
}

/// The literal a default's text is, when mizzle writes that literal back as the same text.
fn literal_default(text: &str, ty: ColumnType, values: &[String]) -> Option<Lit> {
    let t = text.trim();
    match ty {
        ColumnType::Integer | ColumnType::Timestamp | ColumnType::TimestampMs => t
            .parse::<i64>()
            .ok()
            .filter(|i| i.to_string() == t)
            .map(Lit::Int),
        ColumnType::Real => t
            .parse::<f64>()
            .ok()
            .filter(|f| f.is_finite() && format!("{f:?}") == t)
            .map(Lit::Float),
        ColumnType::Boolean => match t.to_ascii_lowercase().as_str() {
            "1" | "true" => Some(Lit::Bool(true)),
            "0" | "false" => Some(Lit::Bool(false)),
            _ => None,
        },
        ColumnType::Text | ColumnType::Json | ColumnType::Enum => {
            let s = sql_string(t)?;
            let ok = match ty {
                ColumnType::Json => serde_json::from_str::<serde_json::Value>(&s).is_ok(),
                ColumnType::Enum => values.contains(&s),
                _ => true,
            };
            (ok && !s.contains('\0') && naming::quote_str(&s) == t).then_some(Lit::Str(s))
        }
        ColumnType::Blob => None,
    }
}

/// The value of a single-quoted SQL string literal.
fn sql_string(t: &str) -> Option<String> {
    let inner = t.strip_prefix('\'')?.strip_suffix('\'')?;
    let mut out = String::new();
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\'' {
            // Only a doubled quote may appear inside.
            if chars.next() != Some('\'') {
                return None;
            }
        }
        out.push(c);
    }
    Some(out)
}

/// An item of an `IN (..)` list.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Item {
    Int(i64),
    Str(String),
}

/// `col IN (1, 'a', ..)`: the column and the items, when the expression is exactly that.
fn in_list(expr: &str) -> Option<(String, Vec<Item>)> {
    let s = expr.trim();
    let (col, rest) = split_ident(s)?;
    let rest = rest.trim_start();
    let rest = rest
        .get(..2)
        .filter(|k| k.eq_ignore_ascii_case("IN"))
        .map(|_| &rest[2..])?
        .trim_start();
    let mut rest = rest.strip_prefix('(')?;
    let mut items = Vec::new();
    loop {
        rest = rest.trim_start();
        if let Some(r) = rest.strip_prefix('\'') {
            let mut value = String::new();
            let mut end = None;
            let mut chars = r.char_indices().peekable();
            while let Some((i, c)) = chars.next() {
                if c == '\'' {
                    if chars.peek().is_some_and(|(_, n)| *n == '\'') {
                        chars.next();
                    } else {
                        end = Some(i + 1);
                        break;
                    }
                }
                value.push(c);
            }
            items.push(Item::Str(value));
            rest = &r[end?..];
        } else {
            let len = rest
                .find(|c: char| !(c.is_ascii_digit() || c == '-'))
                .unwrap_or(rest.len());
            items.push(Item::Int(rest[..len].parse().ok()?));
            rest = &rest[len..];
        }
        rest = rest.trim_start();
        if let Some(r) = rest.strip_prefix(',') {
            rest = r;
        } else {
            rest = rest.strip_prefix(')')?;
            break;
        }
    }
    rest.trim().is_empty().then_some((col, items))
}

/// A leading identifier, bare or quoted, and what follows it.
fn split_ident(s: &str) -> Option<(String, &str)> {
    let close = match s.chars().next()? {
        '"' => Some('"'),
        '`' => Some('`'),
        '[' => Some(']'),
        _ => None,
    };
    match close {
        Some(close) => {
            let end = s[1..].find(close)? + 1;
            Some((replay::unquote_ident(&s[..=end]), &s[end + 1..]))
        }
        None => {
            let end = s
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(s.len());
            (end > 0).then(|| (s[..end].to_owned(), &s[end..]))
        }
    }
}

/// Whether `expr` names the identifier `name` (bare or quoted, any case), outside string
/// literals.
fn mentions_ident(expr: &str, name: &str) -> bool {
    let mut rest = expr;
    while let Some(c) = rest.chars().next() {
        if c == '\'' {
            // Skip a string literal ('' inside is an escaped quote: two literals in a row).
            rest = rest[1..].find('\'').map_or("", |e| &rest[e + 2..]);
        } else if matches!(c, '"' | '`' | '[') || c.is_alphabetic() || c == '_' {
            match split_ident(rest) {
                Some((ident, after)) => {
                    if ident.eq_ignore_ascii_case(name) {
                        return true;
                    }
                    rest = after;
                }
                None => rest = &rest[c.len_utf8()..],
            }
        } else {
            rest = &rest[c.len_utf8()..];
        }
    }
    false
}

/// The condition of a partial index, as written (`CREATE INDEX .. ON t (..) WHERE cond`).
fn partial_condition(sql: &str) -> Option<String> {
    let bytes = sql.as_bytes();
    let (mut i, mut depth, mut quote) = (0, 0i32, None::<u8>);
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None => match b {
                b'\'' | b'"' | b'`' => quote = Some(b),
                b'[' => quote = Some(b']'),
                b'(' => depth += 1,
                b')' => depth -= 1,
                _ if depth == 0
                    && sql
                        .get(i..i + 5)
                        .is_some_and(|w| w.eq_ignore_ascii_case("WHERE"))
                    && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric())
                    && bytes.get(i + 5).is_none_or(|b| !b.is_ascii_alphanumeric()) =>
                {
                    return Some(sql[i + 5..].trim().trim_end_matches(';').trim().to_owned());
                }
                _ => {}
            },
        }
        i += 1;
    }
    None
}

/// Rust names: a `rust_name` for a column whose snake case is not an identifier or is taken,
/// a `struct` for a table whose default struct name another table already makes.
fn name_things(tables: &mut [PTable]) {
    let mut structs = BTreeSet::new();
    for t in tables.iter_mut() {
        // A field's name, its setters (`x`, and `x_null` for a nullable one) and the
        // generated constructor `new` and handle `table` must not meet.
        let mut taken: BTreeSet<String> = ["new", "table", "Table", "rel"]
            .into_iter()
            .map(str::to_owned)
            .collect();
        for (i, c) in t.columns.iter_mut().enumerate() {
            let default = naming::field_name(&c.name);
            let mut name = default.clone();
            if !naming::is_valid_ident(&name) {
                name = sanitise(&default, &format!("column_{}", i + 1));
            }
            if !naming::is_valid_ident(&name) {
                name = format!("{name}_col");
            }
            let free = |n: &String| !taken.contains(n) && !taken.contains(&format!("{n}_null"));
            if !free(&name) {
                name = format!("{name}_col");
            }
            while !free(&name) {
                name = unique_name(&name, &taken);
                if !free(&name) {
                    name.push('_');
                }
            }
            taken.insert(name.clone());
            taken.insert(format!("{name}_null"));
            if name != default {
                c.rust_name = Some(name);
            }
        }
        let default = naming::struct_name(&t.name);
        let mut name = default.clone();
        if crate::lower::bad_type_name(&name).is_some() {
            name = format!("{}Row", sanitise(&default, "Table").to_upper_camel_case());
        }
        let name = unique_name(&name, &structs);
        structs.insert(name.clone());
        if name != default {
            t.struct_name = Some(name);
        }
    }
}

/// `name` with characters an identifier cannot have replaced, or `fallback`.
fn sanitise(name: &str, fallback: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let s = s.trim_matches('_').to_owned();
    if s.is_empty() {
        fallback.to_owned()
    } else if s.starts_with(|c: char| c.is_ascii_digit()) {
        format!("{}_{s}", fallback.split('_').next().unwrap_or("c"))
    } else {
        s
    }
}

/// `name`, or `name_2`, `name_3`.. when taken.
fn unique_name(name: &str, taken: &BTreeSet<String>) -> String {
    if !taken.contains(name) {
        return name.to_owned();
    }
    (2..)
        .map(|n| format!("{name}_{n}"))
        .find(|n| !taken.contains(n))
        .expect("some number is free")
}

/// Relations from the foreign keys: `belongs_to` on the child, `has_many` (`has_one` for a
/// unique key) on the parent, and `many_to_many` on both sides of a join table whose primary
/// key (or a unique constraint or index) is its two foreign keys.
fn infer_relations(tables: &mut [PTable], shape: &DbState) {
    // (child, column, parent, parent column)
    let mut fks = Vec::new();
    for t in tables.iter() {
        for c in &t.columns {
            if let Some((parent, pcol, ..)) = &c.references
                && tables.iter().any(|p| &p.name == parent)
            {
                fks.push((t.name.clone(), c.name.clone(), parent.clone(), pcol.clone()));
            }
        }
    }
    let mut taken: BTreeMap<String, BTreeSet<String>> = tables
        .iter()
        .map(|t| {
            let cols = t
                .columns
                .iter()
                .map(|c| {
                    c.rust_name
                        .clone()
                        .unwrap_or_else(|| naming::field_name(&c.name))
                })
                .collect();
            (t.name.clone(), cols)
        })
        .collect();
    let mut add = |tables: &mut [PTable],
                   on: &str,
                   candidates: Vec<String>,
                   make: &dyn Fn(String) -> PRelation| {
        let taken = taken.entry(on.to_owned()).or_default();
        let camel: BTreeSet<String> = taken.iter().map(|n| n.to_upper_camel_case()).collect();
        let ok = |n: &String| {
            naming::is_valid_ident(n)
                && !naming::is_keyword(n)
                && !naming::is_keyword(&n.to_upper_camel_case())
                && !matches!(n.as_str(), "table" | "rel")
                && !taken.contains(n)
                && !camel.contains(&n.to_upper_camel_case())
        };
        let first = candidates.iter().find(|n| ok(n)).cloned();
        let name = first.unwrap_or_else(|| {
            let base = candidates
                .last()
                .cloned()
                .unwrap_or_else(|| "related".into());
            (2..)
                .map(|i| format!("{base}_{i}"))
                .find(|n| ok(n))
                .expect("some number is free")
        });
        taken.insert(name.clone());
        if let Some(t) = tables.iter_mut().find(|t| t.name == on) {
            t.relations.push(make(name));
        }
    };
    for (child, col, parent, _) in &fks {
        let stem = key_stem(col);
        let parent_one = naming::struct_name(parent).to_snake_case();
        let candidates = vec![
            stem.clone(),
            parent_one.clone(),
            format!("{stem}_{parent_one}"),
        ];
        let key = col.clone();
        let target = parent.clone();
        add(tables, child, candidates, &move |name| {
            PRelation::BelongsTo {
                name,
                target: target.clone(),
                key: key.clone(),
            }
        });
    }
    for (child, col, parent, _) in &fks {
        let child_t = tables.iter().find(|t| &t.name == child).expect("listed");
        let unique = child_t
            .column(col)
            .is_some_and(|c| c.unique || c.primary_key)
            || child_t
                .indexes
                .iter()
                .any(|i| i.unique && i.where_sql.is_none() && i.columns == [col.clone()]);
        let many = !unique;
        let several = fks
            .iter()
            .filter(|(c, _, p, _)| c == child && p == parent)
            .count()
            > 1;
        let base = if many {
            child.to_snake_case()
        } else {
            naming::struct_name(child).to_snake_case()
        };
        let stem = key_stem(col);
        let candidates = if several || child == parent {
            vec![
                format!("{base}_as_{stem}"),
                format!("{base}_by_{}", col.to_snake_case()),
            ]
        } else {
            vec![base.clone(), format!("{base}_by_{}", col.to_snake_case())]
        };
        let target = child.clone();
        let fk = col.clone();
        add(tables, parent, candidates, &move |name| PRelation::Has {
            name,
            target: target.clone(),
            foreign_key: fk.clone(),
            many,
        });
    }
    // Join tables.
    let joins: Vec<(String, String, String)> = tables
        .iter()
        .filter_map(|j| {
            let mine: Vec<_> = fks.iter().filter(|(c, ..)| c == &j.name).collect();
            let [a, b] = mine.as_slice() else { return None };
            if a.2 == b.2 {
                return None;
            }
            let pair: BTreeSet<&String> = [&a.1, &b.1].into_iter().collect();
            let db = shape.tables.get(&j.name)?;
            let pk: BTreeSet<&String> = db
                .columns
                .iter()
                .filter(|c| c.pk > 0)
                .map(|c| &c.name)
                .collect();
            let keyed = pk == pair
                || db
                    .uniques
                    .iter()
                    .any(|u| u.iter().collect::<BTreeSet<_>>() == pair)
                || j.indexes.iter().any(|i| {
                    i.unique
                        && i.where_sql.is_none()
                        && i.columns.iter().collect::<BTreeSet<_>>() == pair
                });
            keyed.then(|| (j.name.clone(), a.2.clone(), b.2.clone()))
        })
        .collect();
    for (join, a, b) in joins {
        for (from, to) in [(&a, &b), (&b, &a)] {
            let candidates = vec![
                to.to_snake_case(),
                format!("{}_via_{}", to.to_snake_case(), join.to_snake_case()),
            ];
            let target = to.clone();
            let through = join.clone();
            add(tables, from, candidates, &move |name| {
                PRelation::ManyToMany {
                    name,
                    target: target.clone(),
                    through: through.clone(),
                }
            });
        }
    }
}

/// `author_id` → `author`, `authorId` → `author`, `owner` → `owner`.
fn key_stem(col: &str) -> String {
    let snake = col.to_snake_case();
    match snake.strip_suffix("_id") {
        Some(s) if !s.is_empty() => s.to_owned(),
        _ => snake,
    }
}

/// One file name per table: the table's name where it makes a plain file name, else a
/// cleaned one (the table name then goes in `table = ".."`).
fn file_names(tables: &[PTable]) -> Vec<String> {
    let mut taken = BTreeSet::new();
    tables
        .iter()
        .map(|t| {
            let plain = !t.name.is_empty()
                && t.name != "mizzle"
                && !t.name.starts_with('.')
                && t.name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'));
            let stem = if plain {
                t.name.clone()
            } else {
                sanitise(&t.name.to_snake_case(), "table")
            };
            let stem = if stem == "mizzle" {
                "mizzle_table".to_owned()
            } else {
                stem
            };
            let lower: BTreeSet<String> = taken.iter().map(|s: &String| s.to_lowercase()).collect();
            let mut name = stem.clone();
            let mut n = 2;
            while lower.contains(&name.to_lowercase()) {
                name = format!("{stem}_{n}");
                n += 1;
            }
            taken.insert(name.clone());
            format!("{name}.toml")
        })
        .collect()
}

/// A TOML key: bare when it can be.
fn key(k: &str) -> String {
    if !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'))
    {
        k.to_owned()
    } else {
        string(k)
    }
}

/// A TOML basic string.
fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn strings(items: &[String]) -> String {
    let list: Vec<String> = items.iter().map(|s| string(s)).collect();
    format!("[{}]", list.join(", "))
}

fn render(t: &PTable, table_key: Option<&str>) -> String {
    let mut out = String::new();
    if let Some(n) = table_key {
        out.push_str(&format!("table = {}\n", string(n)));
    }
    if let Some(s) = &t.struct_name {
        out.push_str(&format!("struct = {}\n", string(s)));
    }
    if !t.primary_key.is_empty() {
        out.push_str(&format!("primary_key = {}\n", strings(&t.primary_key)));
    }
    if t.without_rowid {
        out.push_str("without_rowid = true\n");
    }
    if !out.is_empty() {
        out.push('\n');
    }
    out.push_str("[columns]\n");
    for c in &t.columns {
        let mut parts = vec![format!("type = {}", string(c.ty.name()))];
        if c.nullable {
            parts.push("nullable = true".into());
        }
        if c.primary_key {
            parts.push("primary_key = true".into());
        }
        if c.auto_increment {
            parts.push("auto_increment = true".into());
        }
        if c.unique {
            parts.push("unique = true".into());
        }
        if !c.values.is_empty() {
            parts.push(format!("values = {}", strings(&c.values)));
        }
        if !c.db_check {
            parts.push("db_check = false".into());
        }
        match &c.default {
            Some(Lit::Int(i)) => parts.push(format!("default = {i}")),
            Some(Lit::Float(f)) => parts.push(format!("default = {f:?}")),
            Some(Lit::Bool(b)) => parts.push(format!("default = {b}")),
            Some(Lit::Str(s)) => parts.push(format!("default = {}", string(s))),
            None => {}
        }
        if let Some(d) = &c.default_sql {
            parts.push(format!("default_sql = {}", string(d)));
        }
        if let Some((table, column, on_delete, on_update)) = &c.references {
            parts.push(format!(
                "references = {}",
                string(&format!("{table}.{column}"))
            ));
            if let Some(a) = on_delete {
                parts.push(format!("on_delete = {}", string(a)));
            }
            if let Some(a) = on_update {
                parts.push(format!("on_update = {}", string(a)));
            }
        }
        if let Some(k) = &c.check {
            parts.push(format!("check = {}", string(k)));
        }
        if let Some(r) = &c.rust_name {
            parts.push(format!("rust_name = {}", string(r)));
        }
        out.push_str(&format!("{} = {{ {} }}\n", key(&c.name), parts.join(", ")));
    }
    if !t.indexes.is_empty() {
        out.push_str("\n[indexes]\n");
        for i in &t.indexes {
            let mut parts = vec![format!("columns = {}", strings(&i.columns))];
            if i.unique {
                parts.push("unique = true".into());
            }
            if let Some(w) = &i.where_sql {
                parts.push(format!("where = {}", string(w)));
            }
            out.push_str(&format!("{} = {{ {} }}\n", key(&i.name), parts.join(", ")));
        }
    }
    if !t.checks.is_empty() {
        out.push_str("\n[checks]\n");
        for (n, sql) in &t.checks {
            out.push_str(&format!("{} = {}\n", key(n), string(sql)));
        }
    }
    if !t.relations.is_empty() {
        out.push_str("\n[relations]\n");
        for r in &t.relations {
            let body = match r {
                PRelation::BelongsTo { target, key: k, .. } => {
                    format!("belongs_to = {}, key = {}", string(target), string(k))
                }
                PRelation::Has {
                    target,
                    foreign_key,
                    many,
                    ..
                } => format!(
                    "{} = {}, foreign_key = {}",
                    if *many { "has_many" } else { "has_one" },
                    string(target),
                    string(foreign_key)
                ),
                PRelation::ManyToMany {
                    target, through, ..
                } => format!(
                    "many_to_many = {}, through = {}",
                    string(target),
                    string(through)
                ),
            };
            out.push_str(&format!("{} = {{ {body} }}\n", key(r.name())));
        }
    }
    out
}

/// Reads `pulled`'s files back as a build would (as files of `schema_dir`) and compares the
/// shape their DDL makes with the database's. Returns the differences, by table, that no
/// note explains; empty when the files describe the database exactly (but for the notes).
pub fn verify(pulled: &Pulled, manifest_dir: &Path, schema_dir: &Path) -> Vec<String> {
    let config = crate::Config::new()
        .manifest_dir(manifest_dir)
        .schema_dir(schema_dir)
        .cargo_directives(false);
    let files = pulled
        .files
        .iter()
        .map(|(n, t)| (schema_dir.join(n), t.clone()))
        .collect();
    let schema = match config.load_files(files) {
        Ok(l) => l.schema,
        Err(report) => return vec![format!("the pulled files do not build:\n{report}")],
    };
    let made = match replay::expected(&schema) {
        Ok(s) => s,
        Err(e) => return vec![format!("the pulled files' DDL does not run: {e}")],
    };
    // The tables a note already explains differ as it says.
    let explained = |s: &DbState| DbState {
        tables: s
            .tables
            .iter()
            .filter(|(name, _)| !pulled.lossy.contains(*name))
            .map(|(n, t)| (n.clone(), t.clone()))
            .collect(),
    };
    shape_differences(&explained(&pulled.shape), &explained(&made))
}

/// How `got` differs from `want`, table by table, in words.
pub fn shape_differences(want: &DbState, got: &DbState) -> Vec<String> {
    let mut out = Vec::new();
    for (name, w) in &want.tables {
        let Some(g) = got.tables.get(name) else {
            out.push(format!("table `{name}` is missing"));
            continue;
        };
        if w.same_shape(g) && w.indexes == g.indexes {
            continue;
        }
        let mut what = Vec::new();
        for c in &w.columns {
            match g.column(&c.name) {
                None => what.push(format!("column `{}` is missing", c.name)),
                Some(gc) if (gc.affinity, gc.not_null, &gc.default, gc.pk) != (c.affinity, c.not_null, &c.default, c.pk) => what.push(format!(
                    "column `{}` is {} {}{} default {:?} pk {} instead of {} {}{} default {:?} pk {}",
                    c.name, gc.affinity, if gc.not_null { "NOT NULL" } else { "NULL" }, "", gc.default, gc.pk,
                    c.affinity, if c.not_null { "NOT NULL" } else { "NULL" }, "", c.default, c.pk
                )),
                _ => {}
            }
        }
        for c in &g.columns {
            if w.column(&c.name).is_none() {
                what.push(format!("column `{}` is extra", c.name));
            }
        }
        let mut cmp = |label: &str, a: String, b: String| {
            if a != b {
                what.push(format!("{label} are {b} instead of {a}"));
            }
        };
        cmp(
            "foreign keys",
            format!("{:?}", w.foreign_keys),
            format!("{:?}", g.foreign_keys),
        );
        cmp(
            "unique constraints",
            format!("{:?}", w.uniques),
            format!("{:?}", g.uniques),
        );
        cmp(
            "checks",
            format!("{:?}", w.checks),
            format!("{:?}", g.checks),
        );
        cmp(
            "indexes",
            format!("{:?}", w.indexes),
            format!("{:?}", g.indexes),
        );
        cmp(
            "AUTOINCREMENT",
            w.autoincrement.to_string(),
            g.autoincrement.to_string(),
        );
        cmp(
            "WITHOUT ROWID",
            w.without_rowid.to_string(),
            g.without_rowid.to_string(),
        );
        out.push(format!("table `{name}`: {}", what.join("; ")));
    }
    for name in got.tables.keys() {
        if !want.tables.contains_key(name) {
            out.push(format!("table `{name}` is extra"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pulled(sql: &str) -> (Pulled, Vec<String>) {
        let conn = replay::open();
        conn.execute_batch(sql).unwrap();
        let p = pull(&conn, &Hints::default()).unwrap();
        let dir = std::env::temp_dir();
        let diffs = verify(&p, &dir, &dir.join("schema"));
        (p, diffs)
    }

    #[test]
    fn in_lists_parse() {
        assert_eq!(
            in_list(r#""status" IN ('a', 'it''s')"#),
            Some((
                "status".into(),
                vec![Item::Str("a".into()), Item::Str("it's".into())]
            ))
        );
        assert_eq!(
            in_list("flag in (0,1)"),
            Some(("flag".into(), vec![Item::Int(0), Item::Int(1)]))
        );
        assert_eq!(in_list("a IN (0, 1) AND b > 0"), None);
        assert_eq!(in_list("length(a) IN (1)"), None);
    }

    #[test]
    fn partial_conditions_are_found() {
        assert_eq!(
            partial_condition(r#"CREATE INDEX "i" ON "t" ("a") WHERE "a" <> 'WHERE';"#).as_deref(),
            Some(r#""a" <> 'WHERE'"#)
        );
        assert_eq!(partial_condition("CREATE INDEX i ON t (a)"), None);
    }

    #[test]
    fn a_hand_made_database_round_trips() {
        let (p, diffs) = pulled(
            r#"
            CREATE TABLE people (id INTEGER PRIMARY KEY AUTOINCREMENT, email VARCHAR(200) NOT NULL UNIQUE,
                active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
                role TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('admin', 'member')),
                score REAL DEFAULT 1.5, born INTEGER DEFAULT (unixepoch()), note TEXT DEFAULT 'it''s',
                "weird name" TEXT, type TEXT, CHECK (length(email) > 3), CONSTRAINT positive CHECK (score >= 0));
            CREATE TABLE posts (id INTEGER PRIMARY KEY, author_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
                editor_id INTEGER REFERENCES people ON DELETE SET NULL, title TEXT NOT NULL);
            CREATE INDEX posts_author ON posts (author_id, title) WHERE title <> '';
            CREATE TABLE tags (name TEXT PRIMARY KEY NOT NULL) WITHOUT ROWID;
            CREATE TABLE post_tags (post_id INTEGER NOT NULL REFERENCES posts (id), tag TEXT NOT NULL REFERENCES tags (name),
                PRIMARY KEY (post_id, tag));
            CREATE VIEW recent AS SELECT * FROM posts;
            "#,
        );
        assert_eq!(diffs, Vec::<String>::new(), "{:#?}", p.files);
        let people = &p.files.iter().find(|(n, _)| n == "people.toml").unwrap().1;
        assert!(
            people.contains(r#"active = { type = "boolean", default = true }"#),
            "{people}"
        );
        assert!(
            people.contains(r#"values = ["admin", "member"]"#),
            "{people}"
        );
        assert!(people.contains("posts_as_author"), "{people}");
        assert!(
            people.contains(r#""weird name" = { type = "text", nullable = true }"#),
            "{people}"
        );
        let posts = &p.files.iter().find(|(n, _)| n == "posts.toml").unwrap().1;
        assert!(
            posts.contains(r#"author = { belongs_to = "people", key = "author_id" }"#),
            "{posts}"
        );
        assert!(
            posts.contains(r#"tags = { many_to_many = "tags", through = "post_tags" }"#),
            "{posts}"
        );
        assert!(
            p.notes.iter().any(|n| n.contains("view `recent`")),
            "{:?}",
            p.notes
        );
        assert!(
            p.notes.iter().any(|n| n.contains("VARCHAR(200)")),
            "{:?}",
            p.notes
        );
    }

    #[test]
    fn the_baseline_makes_the_same_database_and_changes_nothing_on_it() {
        let sql = "CREATE TABLE a (id INTEGER PRIMARY KEY AUTOINCREMENT, n NUMERIC);
             CREATE TABLE IF NOT EXISTS b (x INTEGER REFERENCES a (id));
             CREATE UNIQUE INDEX b_x ON b (x);
             CREATE VIEW v AS SELECT * FROM b;
             CREATE TRIGGER t AFTER INSERT ON a BEGIN INSERT INTO b VALUES (new.id); END;";
        let conn = replay::open();
        conn.execute_batch(sql).unwrap();
        let base = baseline_sql(&conn).unwrap();
        assert!(!base.contains("sqlite_sequence"), "{base}");
        conn.execute_batch(&base).unwrap();
        let fresh = replay::open();
        fresh.execute_batch(&base).unwrap();
        let all = |c: &Connection| -> Vec<(String, String)> {
            c.prepare("SELECT type, name FROM sqlite_schema ORDER BY name")
                .unwrap()
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                .unwrap()
                .map(Result::unwrap)
                .collect()
        };
        assert_eq!(all(&conn), all(&fresh));
        assert_eq!(
            replay::introspect(&conn).unwrap(),
            replay::introspect(&fresh).unwrap()
        );
    }

    #[test]
    fn odd_names_get_rust_names_that_build() {
        let (p, diffs) = pulled(
            r#"CREATE TABLE "User Accounts" ("ID" INTEGER PRIMARY KEY, "type" TEXT, "table" TEXT, "new" INTEGER,
                 "self" TEXT, "a" TEXT, "a_null" TEXT, "FirstName" TEXT, "first_name" TEXT, "1st" TEXT, "é" TEXT, "rel" TEXT);
               CREATE TABLE "order" (id INTEGER PRIMARY KEY, "user" INTEGER REFERENCES "User Accounts"("ID"), "crate" TEXT, "Self" TEXT);
               CREATE TABLE strings (id INTEGER PRIMARY KEY);
               CREATE TABLE std (id INTEGER PRIMARY KEY);
               CREATE TABLE "a-b" (id INTEGER PRIMARY KEY, kind TEXT CHECK (kind IN ('a b', 'A-B')), flag INTEGER CHECK (flag IN (1, 0)));"#,
        );
        assert_eq!(diffs, Vec::<String>::new(), "{:#?}", p.files);
        assert!(
            p.notes.iter().any(|n| n.contains("table `std`")),
            "{:?}",
            p.notes
        );
        let ab = &p.files.iter().find(|(n, _)| n == "a-b.toml").unwrap().1;
        assert!(
            ab.contains(
                r#"kind = { type = "text", nullable = true, check = "kind IN ('a b', 'A-B')" }"#
            ),
            "{ab}"
        );
        let strings = &p.files.iter().find(|(n, _)| n == "strings.toml").unwrap().1;
        assert!(strings.contains(r#"struct = "StringRow""#), "{strings}");
    }

    #[test]
    fn what_toml_cannot_say_is_reported() {
        let (p, _) = pulled(
            "CREATE TABLE a (x INTEGER, y INTEGER, z NUMERIC, PRIMARY KEY (x, y), UNIQUE (x, z));
             CREATE TABLE b (x INTEGER, y INTEGER, FOREIGN KEY (x, y) REFERENCES a (x, y));
             CREATE INDEX b_expr ON b (x + y);",
        );
        let notes = p.notes.join("\n");
        for want in ["UNIQUE (x, z)", "FOREIGN KEY (x, y)", "b_expr", "`a.z`"] {
            assert!(notes.contains(want), "{want} in {notes}");
        }
    }
}
