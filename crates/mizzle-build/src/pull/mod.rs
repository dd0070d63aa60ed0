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
//! The stages are plain data: catalog → tables (`PTable`) → relations → TOML text.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use heck::{ToSnakeCase, ToUpperCamelCase};
use rusqlite::Connection;

use crate::ir::ColumnType;
use crate::migrate::replay::{self, DbState, DbTable};
use crate::naming;

mod baseline;
mod names;
mod render;
mod sql_text;

pub use baseline::baseline_sql;
use names::{file_names, infer_relations, name_things};
use render::render;
use sql_text::{Item, in_list, mentions_ident, partial_condition, sql_string};

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
    /// `default_fn` of a column (`"now"`, `"uuid_v4"`, `"cuid2"`), from an app-side default.
    pub default_fns: BTreeMap<(String, String), String>,
    /// `on_update_fn` of a column (`"now"`).
    pub on_update_fns: BTreeMap<(String, String), String>,
    /// Relation names the app already uses: (table the relation is on, the table holding
    /// the foreign key, its key column) → name.
    pub relation_names: BTreeMap<(String, String, String), String>,
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
    default_fn: Option<String>,
    on_update_fn: Option<String>,
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
        if let Some(tool) = tool_ledger(name) {
            notes.push(format!(
                "table `{name}` is {tool}'s ledger of applied migrations; it is not the app's, so it is left out"
            ));
            lossy.insert(name.clone());
            continue;
        }
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
        let mut said = TableNotes {
            notes: &mut notes,
            lossy: false,
        };
        let table = pull_table(conn, name, &sql, db, &shape, hints, &mut said)?;
        if said.lossy {
            lossy.insert(name.clone());
        }
        tables.push(table);
    }
    name_things(&mut tables);
    infer_relations(&mut tables, &shape, &hints.relation_names);
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

/// The tool whose migration ledger table `name` is, if it is one (wrangler's own
/// `d1_migrations` is never a user table at all).
pub(crate) fn tool_ledger(name: &str) -> Option<&'static str> {
    match name {
        "_prisma_migrations" => Some("Prisma"),
        "__drizzle_migrations" => Some("drizzle-orm's migrate()"),
        "_sqlx_migrations" => Some("sqlx"),
        "__diesel_schema_migrations" => Some("diesel"),
        _ => None,
    }
}

/// What pull says about one table, and whether any of it means the pulled table's shape
/// differs from the database's (so [`verify`] lets that table differ).
struct TableNotes<'a> {
    notes: &'a mut Vec<String>,
    lossy: bool,
}

impl TableNotes<'_> {
    /// Something changed or left out that the shape does not show (a declared type, a
    /// collation).
    fn note(&mut self, note: String) {
        self.notes.push(note);
    }

    /// Something left out or changed that makes the pulled shape differ.
    fn lost(&mut self, note: String) {
        self.notes.push(note);
        self.lossy = true;
    }
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
    notes: &mut TableNotes<'_>,
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
            2 | 3 => notes.lost(format!(
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
                // NUMERIC affinity (BOOLEAN, DATETIME, DECIMAL.., as Prisma and hand-written
                // schemas declare them): the nearest mizzle type, said by name.
                let decl = c.decl.to_ascii_uppercase();
                let ty = if decl.contains("BOOL") {
                    ColumnType::Boolean
                } else if decl.contains("DATE") || decl.contains("TIME") {
                    // Decodes integers (milliseconds) and text dates alike.
                    ColumnType::TimestampMs
                } else {
                    ColumnType::Real
                };
                notes.lost(format!(
                    "`{name}.{}` is declared `{}` (NUMERIC affinity), which no mizzle type has, so it is not pulled as it is: it becomes `{}`, and a build over the migrations that made this database would change its affinity to {}",
                    c.name,
                    c.decl,
                    ty.name(),
                    ty.sql_type()
                ));
                (ty, Vec::new(), ty == ColumnType::Boolean && zero_one)
            }
        };
        if let Some(h) = hint {
            let fits = match h {
                Hint::Boolean | Hint::Timestamp | Hint::TimestampMs => affinity == "INTEGER",
                Hint::Json | Hint::Enum(_) => affinity == "TEXT",
            };
            if !fits {
                notes.note(format!(
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
            notes.note(format!(
                "`{name}.{}` has no declared type (BLOB affinity); pulled as `blob`",
                c.name
            ));
        } else if !c.decl.eq_ignore_ascii_case(ty.sql_type()) && affinity != "NUMERIC" {
            notes.note(format!(
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
            default_fn: hints
                .default_fns
                .get(&(name.to_owned(), c.name.clone()))
                .cloned(),
            on_update_fn: hints
                .on_update_fns
                .get(&(name.to_owned(), c.name.clone()))
                .cloned(),
        });
    }
    for u in db.uniques.iter().filter(|u| u.len() > 1) {
        notes.lost(format!(
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
            _ => notes.lost(format!(
                "table `{name}` has FOREIGN KEY ({}) REFERENCES {}, over several columns (or to a table that is not there), which schema/ cannot declare; it is not pulled",
                fk.from.join(", "),
                fk.table
            )),
        }
    }
    if normalised.contains("DEFERRABLE") {
        notes.note(format!(
            "table `{name}` has a DEFERRABLE foreign key; mizzle's are not deferrable, so the pulled one is not"
        ));
    }
    if normalised.contains("COLLATE") {
        notes.note(format!(
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
                    None => notes.lost(format!(
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
            notes.lost(format!(
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
            notes.note(format!(
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
    match config.load_files(files) {
        Ok(l) => verify_schema(pulled, &l.schema),
        Err(report) => vec![format!("the pulled files do not build:\n{report}")],
    }
}

/// [`verify`] for pulled files already loaded into `schema`.
pub fn verify_schema(pulled: &Pulled, schema: &crate::ir::Schema) -> Vec<String> {
    let made = match replay::expected(schema) {
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
        let debug = |x: &dyn std::fmt::Debug| format!("{x:?}");
        for (label, a, b) in [
            (
                "foreign keys",
                debug(&w.foreign_keys),
                debug(&g.foreign_keys),
            ),
            ("unique constraints", debug(&w.uniques), debug(&g.uniques)),
            ("checks", debug(&w.checks), debug(&g.checks)),
            ("indexes", debug(&w.indexes), debug(&g.indexes)),
            (
                "AUTOINCREMENT",
                debug(&w.autoincrement),
                debug(&g.autoincrement),
            ),
            (
                "WITHOUT ROWID",
                debug(&w.without_rowid),
                debug(&g.without_rowid),
            ),
        ] {
            if a != b {
                what.push(format!("{label} are {b} instead of {a}"));
            }
        }
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

    /// The text of the pulled file `name`.
    fn file<'p>(p: &'p Pulled, name: &str) -> &'p str {
        &p.files.iter().find(|(n, _)| n == name).unwrap().1
    }

    /// Asserts that a note mentions `text`.
    #[track_caller]
    fn assert_note(p: &Pulled, text: &str) {
        assert!(
            p.notes.iter().any(|n| n.contains(text)),
            "no note mentions {text:?}: {:?}",
            p.notes
        );
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
        let people = file(&p, "people.toml");
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
        let posts = file(&p, "posts.toml");
        assert!(
            posts.contains(r#"author = { belongs_to = "people", key = "author_id" }"#),
            "{posts}"
        );
        assert!(
            posts.contains(r#"tags = { many_to_many = "tags", through = "post_tags" }"#),
            "{posts}"
        );
        assert_note(&p, "view `recent`");
        assert_note(&p, "VARCHAR(200)");
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
        assert_note(&p, "table `std`");
        let ab = file(&p, "a-b.toml");
        assert!(
            ab.contains(
                r#"kind = { type = "text", nullable = true, check = "kind IN ('a b', 'A-B')" }"#
            ),
            "{ab}"
        );
        let strings = file(&p, "strings.toml");
        assert!(strings.contains(r#"struct = "StringRow""#), "{strings}");
    }

    /// A schema as Prisma writes it for SQLite: PascalCase tables, BOOLEAN and DATETIME
    /// columns (NUMERIC affinity), named foreign key constraints, an implicit many-to-many
    /// table `_AToB` with columns `A` and `B`, and its migration ledger.
    #[test]
    fn a_prisma_schema_pulls_with_its_ledger_left_out() {
        let (p, diffs) = pulled(
            r#"CREATE TABLE "_prisma_migrations" ("id" TEXT PRIMARY KEY NOT NULL, "checksum" TEXT NOT NULL);
               CREATE TABLE "User" ("id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, "email" TEXT NOT NULL,
                   "isAdmin" BOOLEAN NOT NULL DEFAULT false, "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP);
               CREATE TABLE "Post" ("id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, "authorId" INTEGER NOT NULL,
                   CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User" ("id") ON DELETE RESTRICT ON UPDATE CASCADE);
               CREATE TABLE "Tag" ("id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT);
               CREATE TABLE "_PostToTag" ("A" INTEGER NOT NULL, "B" INTEGER NOT NULL,
                   FOREIGN KEY ("A") REFERENCES "Post" ("id") ON DELETE CASCADE, FOREIGN KEY ("B") REFERENCES "Tag" ("id") ON DELETE CASCADE);
               CREATE UNIQUE INDEX "User_email_key" ON "User"("email");
               CREATE UNIQUE INDEX "_PostToTag_AB_unique" ON "_PostToTag"("A", "B");"#,
        );
        assert_eq!(diffs, Vec::<String>::new(), "{:#?}", p.files);
        assert!(
            !p.files.iter().any(|(n, _)| n.contains("prisma")),
            "{:?}",
            p.files
        );
        assert_note(&p, "Prisma's ledger");
        let user = file(&p, "User.toml");
        assert!(
            user.contains(r#"isAdmin = { type = "boolean", db_check = false, default = false }"#),
            "{user}"
        );
        assert!(
            user.contains(
                r#"createdAt = { type = "timestamp_ms", default_sql = "CURRENT_TIMESTAMP" }"#
            ),
            "{user}"
        );
        assert!(
            user.contains(r#"posts = { has_many = "Post", foreign_key = "authorId" }"#),
            "{user}"
        );
        let post = file(&p, "Post.toml");
        assert!(
            post.contains(r#"tags = { many_to_many = "Tag", through = "_PostToTag" }"#),
            "{post}"
        );
        let conn = replay::open();
        conn.execute_batch(r#"CREATE TABLE "_prisma_migrations" ("id" TEXT PRIMARY KEY NOT NULL)"#)
            .unwrap();
        assert!(!baseline_sql(&conn).unwrap().contains("_prisma_migrations"));
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
