//! What `mizzle import-drizzle` reads of a drizzle-kit project: the migrations folder in
//! either of drizzle-kit's layouts, its config, and the TypeScript schema, for what the
//! database cannot tell (a drizzle boolean, timestamp or JSON column is a plain INTEGER or
//! TEXT, a text enum has no CHECK, an app-side default is not in the SQL at all).
//!
//! The TypeScript is parsed with `oxc_parser` (see [`ts`]); nothing is run. Everything the
//! import cannot carry over is reported by name in an [`Analysis`], as a warning that
//! `--strict` turns into a refusal.

pub mod config;
pub mod ts;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::migrate::replay::DbState;
use crate::pull::{Hint, Hints};
use ts::{AppFnKind, Casing, TsColumn, TsSchema};

/// Which of drizzle-kit's folder layouts a migrations folder has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// `NNNN_name.sql` files listed by `meta/_journal.json` (drizzle-kit 0.x).
    Journal,
    /// `<timestamp>_<name>/migration.sql` + `snapshot.json` (drizzle-kit 1.x).
    PerFolder,
}

/// One migration of a drizzle-kit folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrizzleMigration {
    /// The name of the file in mizzle's (wrangler's) layout: the journal layout's own file
    /// name (`0000_init.sql`), or `NNNN_<name>.sql` for a per-folder migration, numbered
    /// from 0000 in drizzle-kit's order.
    pub file_name: String,
    /// Where it is, relative to the folder (`0000_init.sql`, `20250101120000_init/migration.sql`).
    pub source: String,
    /// Its text.
    pub sql: String,
}

/// A drizzle-kit migrations folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrizzleFolder {
    /// Its layout.
    pub layout: Layout,
    /// The migrations in drizzle-kit's order.
    pub migrations: Vec<DrizzleMigration>,
}

/// Reads a drizzle-kit migrations folder in either layout. Errors say which file is
/// missing or unreadable, or what the folder is if it is neither layout.
pub fn read_migrations(dir: &Path) -> Result<DrizzleFolder, String> {
    let shown = dir.display();
    if dir.join("meta/_journal.json").is_file() {
        return read_journal(dir).map(|migrations| DrizzleFolder {
            layout: Layout::Journal,
            migrations,
        });
    }
    if !dir.is_dir() {
        return Err(format!("{shown} is not a folder"));
    }
    // drizzle-kit 1.x: one folder per migration, named `<14-digit timestamp>_<name>`,
    // ordered by that name (drizzle-kit reads them sorted).
    let mut folders: Vec<String> = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read {shown}: {e}"))?
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.') && n != "meta")
        .collect();
    folders.sort();
    let mut migrations = Vec::new();
    let mut strays = Vec::new();
    for f in &folders {
        let sql_path = dir.join(f).join("migration.sql");
        if !sql_path.is_file() {
            strays.push(f.clone());
            continue;
        }
        let sql = std::fs::read_to_string(&sql_path)
            .map_err(|e| format!("cannot read {shown}/{f}/migration.sql: {e}"))?;
        let name = f
            .split_once('_')
            .filter(|(ts, _)| !ts.is_empty() && ts.chars().all(|c| c.is_ascii_digit()))
            .map_or(f.as_str(), |(_, n)| n);
        migrations.push(DrizzleMigration {
            file_name: format!("{:04}_{}.sql", migrations.len(), name),
            source: format!("{f}/migration.sql"),
            sql,
        });
    }
    if migrations.is_empty() {
        let sql_files = std::fs::read_dir(dir)
            .map(|d| {
                d.flatten()
                    .any(|e| e.file_name().to_string_lossy().ends_with(".sql"))
            })
            .unwrap_or(false);
        return Err(if sql_files {
            format!(
                "{shown} has .sql files but no meta/_journal.json: drizzle-kit 0.x lists its migrations (and their order) there; restore it from version control"
            )
        } else {
            format!(
                "{shown} has neither drizzle-kit layout: no meta/_journal.json (drizzle-kit 0.x) and no <timestamp>_<name>/migration.sql folders (drizzle-kit 1.x). Is it the `out` folder of drizzle.config?"
            )
        });
    }
    if !strays.is_empty() {
        return Err(format!(
            "{shown}/{} has no migration.sql; every folder of drizzle-kit's layout has one (remove the folder if it is not a migration)",
            strays.join(", ")
        ));
    }
    Ok(DrizzleFolder {
        layout: Layout::PerFolder,
        migrations,
    })
}

fn read_journal(dir: &Path) -> Result<Vec<DrizzleMigration>, String> {
    let shown = dir.display();
    let journal = std::fs::read_to_string(dir.join("meta/_journal.json"))
        .map_err(|e| format!("cannot read {shown}/meta/_journal.json: {e}"))?;
    let journal: serde_json::Value = serde_json::from_str(&journal)
        .map_err(|e| format!("{shown}/meta/_journal.json is not JSON: {e}"))?;
    if let Some(d) = journal.get("dialect").and_then(|d| d.as_str())
        && d != "sqlite"
        && d != "turso"
    {
        return Err(format!(
            "{shown} is a drizzle-kit folder for `{d}`; D1 is SQLite (`dialect: \"sqlite\"`)"
        ));
    }
    let entries = journal
        .get("entries")
        .and_then(|e| e.as_array())
        .ok_or_else(|| format!("{shown}/meta/_journal.json has no `entries`"))?;
    let mut out = Vec::new();
    for e in entries {
        let tag = e
            .get("tag")
            .and_then(|t| t.as_str())
            .ok_or_else(|| format!("an entry of {shown}/meta/_journal.json has no `tag`"))?;
        let file_name = format!("{tag}.sql");
        let sql = std::fs::read_to_string(dir.join(&file_name)).map_err(|err| {
            format!("cannot read {shown}/{file_name} (listed in the journal): {err}")
        })?;
        out.push(DrizzleMigration {
            source: file_name.clone(),
            file_name,
            sql,
        });
    }
    if out.is_empty() {
        return Err(format!("{shown}/meta/_journal.json lists no migrations"));
    }
    Ok(out)
}

/// The newest snapshot's tables and their columns, to compare with the replayed SQL:
/// `meta/NNNN_snapshot.json` (0.x: `tables` by name) or the last folder's `snapshot.json`
/// (1.x: a `ddl` list of entities).
pub fn snapshot_columns(dir: &Path, layout: Layout) -> Option<BTreeMap<String, Vec<String>>> {
    let newest = match layout {
        Layout::Journal => {
            let mut snaps: Vec<_> = std::fs::read_dir(dir.join("meta"))
                .ok()?
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.to_string_lossy().ends_with("_snapshot.json"))
                .collect();
            snaps.sort();
            snaps.pop()?
        }
        Layout::PerFolder => {
            let mut snaps: Vec<_> = std::fs::read_dir(dir)
                .ok()?
                .flatten()
                .map(|e| e.path().join("snapshot.json"))
                .filter(|p| p.is_file())
                .collect();
            snaps.sort();
            snaps.pop()?
        }
    };
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(newest).ok()?).ok()?;
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    if let Some(tables) = json.get("tables").and_then(|t| t.as_object()) {
        for t in tables.values() {
            let Some(name) = t.get("name").and_then(|n| n.as_str()) else {
                continue;
            };
            let cols = t
                .get("columns")
                .and_then(|c| c.as_object())
                .map(|c| {
                    c.values()
                        .filter_map(|c| Some(c.get("name")?.as_str()?.to_owned()))
                        .collect()
                })
                .unwrap_or_default();
            out.insert(name.to_owned(), cols);
        }
    }
    if let Some(ddl) = json.get("ddl").and_then(|d| d.as_array()) {
        for e in ddl {
            let kind = e.get("entityType").and_then(|k| k.as_str());
            let name = e.get("name").and_then(|n| n.as_str());
            match (kind, name) {
                (Some("tables"), Some(n)) => {
                    out.entry(n.to_owned()).or_default();
                }
                (Some("columns"), Some(n)) => {
                    if let Some(t) = e.get("table").and_then(|t| t.as_str()) {
                        out.entry(t.to_owned()).or_default().push(n.to_owned());
                    }
                }
                _ => {}
            }
        }
    }
    Some(out)
}

/// One column of the summary: its name, what drizzle declares and what mizzle makes of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnRow {
    /// The column's database name.
    pub name: String,
    /// The drizzle builder and mode (`integer({ mode: "timestamp" })`), or `-` when the
    /// TypeScript has no such column.
    pub drizzle: String,
    /// The mizzle column (`timestamp`, `default_fn = "now"`).
    pub mizzle: String,
}

/// A table of the summary: a TypeScript table matched to a SQL table, or either alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableRow {
    /// `var (file)` of the TypeScript table.
    pub typescript: Option<String>,
    /// The SQL table.
    pub sql: Option<String>,
    /// Its columns.
    pub columns: Vec<ColumnRow>,
}

/// What the TypeScript adds to the database's shape, and everything it could not.
#[derive(Debug, Clone, Default)]
pub struct Analysis {
    /// Hints for `pull`.
    pub hints: Hints,
    /// The summary table.
    pub tables: Vec<TableRow>,
    /// What was not carried over, or may be wrong, each with what to do.
    pub warnings: Vec<String>,
}

impl Analysis {
    /// The summary as text: one block per table, a line per column.
    pub fn render(&self) -> String {
        let mut out = String::from("drizzle → mizzle\n");
        for t in &self.tables {
            let ts = t.typescript.as_deref().unwrap_or("(no TypeScript table)");
            let sql = t.sql.as_deref().unwrap_or("(no SQL table)");
            out.push_str(&format!("  {ts} → {sql}\n"));
            let w = t.columns.iter().map(|c| c.name.len()).max().unwrap_or(0);
            let d = t.columns.iter().map(|c| c.drizzle.len()).max().unwrap_or(0);
            for c in &t.columns {
                out.push_str(&format!(
                    "    {:w$}  {:d$}  → {}\n",
                    c.name, c.drizzle, c.mizzle
                ));
            }
        }
        out
    }
}

/// The defaults of every column as written in the SQL (`(unixepoch() * 1000)`), by
/// (table, column): what a message shows.
fn written_defaults(
    conn: &rusqlite::Connection,
) -> rusqlite::Result<BTreeMap<(String, String), String>> {
    let mut st = conn.prepare(
        "SELECT m.name, p.name, p.dflt_value FROM sqlite_schema m, pragma_table_info(m.name) p \
         WHERE m.type = 'table' AND p.dflt_value IS NOT NULL",
    )?;
    let rows = st.query_map([], |r| Ok(((r.get(0)?, r.get(1)?), r.get(2)?)))?;
    rows.collect()
}

/// The hints, summary and warnings for the database behind `conn` (the replayed drizzle
/// history) and the TypeScript `schema`. drizzle's own ledger table is not expected in the
/// TypeScript.
pub fn analyse(
    schema: &TsSchema,
    casing: Casing,
    conn: &rusqlite::Connection,
) -> rusqlite::Result<Analysis> {
    let shape = crate::migrate::replay::introspect(conn)?;
    let shape = &shape;
    let written = written_defaults(conn)?;
    let mut a = Analysis::default();
    a.warnings.extend(schema.notes.iter().cloned());
    let mut by_name: BTreeMap<&str, &ts::TsTable> = BTreeMap::new();
    for t in &schema.tables {
        if let Some(prev) = by_name.insert(&t.name, t) {
            a.warnings.push(format!(
                "table `{}` is declared twice in TypeScript (`{}` in {} and `{}` in {}); the modes of the second are used",
                t.name, prev.var, prev.file, t.var, t.file
            ));
        }
    }
    // variable → (SQL table, column key → column name)
    let mut vars: BTreeMap<&str, (&str, BTreeMap<&str, String>)> = BTreeMap::new();
    for (name, db) in &shape.tables {
        if crate::pull::tool_ledger(name).is_some() {
            continue;
        }
        let Some(t) = by_name.get(name.as_str()) else {
            a.warnings.push(format!(
                "SQL table `{name}` has no TypeScript table: its columns keep the types the SQL gives (a boolean, timestamp or JSON column comes out as integer or text); pass its schema file with `--schema` if it has one"
            ));
            a.tables.push(TableRow {
                typescript: None,
                sql: Some(name.clone()),
                columns: db
                    .columns
                    .iter()
                    .map(|c| ColumnRow {
                        name: c.name.clone(),
                        drizzle: "-".into(),
                        mizzle: plain_type(c.affinity).into(),
                    })
                    .collect(),
            });
            continue;
        };
        let mut row = TableRow {
            typescript: Some(format!("{} ({})", t.var, t.file)),
            sql: Some(name.clone()),
            columns: Vec::new(),
        };
        let mut keys = BTreeMap::new();
        let mut matched = BTreeSet::new();
        for c in &t.columns {
            // The name under the config's casing; the key itself or its snake case when the
            // database has that instead (a config whose casing the SQL does not follow).
            let wanted = c.db_name(casing);
            let found = [wanted.clone(), c.key.clone(), c.db_name(Casing::SnakeCase)]
                .into_iter()
                .find(|n| db.columns.iter().any(|d| &d.name == n));
            let Some(col_name) = found else {
                a.warnings.push(format!(
                    "{}: `{}.{}` (column \"{wanted}\") is not in the SQL table `{name}`: the TypeScript and the migrations disagree; schema/ follows the SQL (run `drizzle-kit generate` if the TypeScript is newer)",
                    t.file, t.var, c.key
                ));
                continue;
            };
            keys.insert(c.key.as_str(), col_name.clone());
            matched.insert(col_name.clone());
            let db_col = db
                .columns
                .iter()
                .find(|d| d.name == col_name)
                .expect("found");
            row.columns.push(column(
                &mut a,
                name,
                &col_name,
                db_col.affinity,
                written
                    .get(&(name.clone(), col_name.clone()))
                    .map(String::as_str)
                    .or(db_col.default.as_deref()),
                c,
            ));
        }
        for d in &db.columns {
            if !matched.contains(&d.name) {
                a.warnings.push(format!(
                    "SQL column `{name}.{}` has no column in the TypeScript table `{}` ({}); it keeps the type the SQL gives ({})",
                    d.name,
                    t.var,
                    t.file,
                    plain_type(d.affinity)
                ));
                row.columns.push(ColumnRow {
                    name: d.name.clone(),
                    drizzle: "-".into(),
                    mizzle: plain_type(d.affinity).into(),
                });
            }
        }
        for i in &t.indexes {
            let known = db.indexes.iter().any(|x| &x.name == i);
            let unique_constraint = !db.uniques.is_empty();
            if !known && !unique_constraint {
                a.warnings.push(format!(
                    "{}: index `{i}` of `{}` is not in the SQL; schema/ follows the SQL (run `drizzle-kit generate` if the TypeScript is newer)",
                    t.file, t.var
                ));
            }
        }
        vars.insert(&t.var, (name.as_str(), keys));
        a.tables.push(row);
    }
    for t in &schema.tables {
        if !shape.tables.contains_key(&t.name) {
            a.warnings.push(format!(
                "TypeScript table `{}` ({}, \"{}\") is not created by the migrations: schema/ follows the SQL, so it is left out (run `drizzle-kit generate` if the TypeScript is newer)",
                t.var, t.file, t.name
            ));
            a.tables.push(TableRow {
                typescript: Some(format!("{} ({})", t.var, t.file)),
                sql: None,
                columns: Vec::new(),
            });
        }
    }
    relation_names(&mut a, schema, &vars, shape);
    Ok(a)
}

fn plain_type(affinity: &str) -> &'static str {
    match affinity {
        "INTEGER" => "integer",
        "TEXT" => "text",
        "REAL" => "real",
        "BLOB" => "blob",
        _ => "real (NUMERIC)",
    }
}

/// One column: its hint, app-side defaults, and the summary row.
fn column(
    a: &mut Analysis,
    table: &str,
    name: &str,
    affinity: &str,
    sql_default: Option<&str>,
    c: &TsColumn,
) -> ColumnRow {
    let key = (table.to_owned(), name.to_owned());
    let mut drizzle = match &c.mode {
        Some(m) => format!("{}({{ mode: \"{m}\" }})", c.builder),
        None if c.enum_values.is_some() => format!("{}({{ enum }})", c.builder),
        None => format!("{}()", c.builder),
    };
    let here = format!("`{table}.{name}`");
    let hint = match (c.builder.as_str(), c.mode.as_deref()) {
        ("integer" | "int", Some("boolean")) => Some(Hint::Boolean),
        ("integer" | "int", Some("timestamp")) => Some(Hint::Timestamp),
        ("integer" | "int", Some("timestamp_ms")) => Some(Hint::TimestampMs),
        ("integer" | "int", Some("number") | None) => None,
        ("text", Some("json")) => Some(Hint::Json),
        ("text", Some("text") | None) => match &c.enum_values {
            Some(Ok(v)) => Some(Hint::Enum(v.clone())),
            Some(Err(e)) => {
                a.warnings.push(format!(
                    "the enum of {here} ({e}) is not a list of strings this reader can work out; pulled as `text` (add `type = \"enum\", values = [..], db_check = false` to schema/{table}.toml)"
                ));
                None
            }
            None => None,
        },
        ("blob", Some("json")) => {
            a.warnings.push(format!(
                "{here} is blob({{ mode: \"json\" }}); mizzle's json columns are TEXT, so it is pulled as `blob` (bytes): decode the JSON in your code, or move it to a text column in a migration"
            ));
            None
        }
        ("blob", Some("bigint")) => {
            a.warnings.push(format!(
                "{here} is blob({{ mode: \"bigint\" }}) (a decimal string in a blob); pulled as `blob` (bytes): parse it in your code"
            ));
            None
        }
        ("blob", Some("buffer") | None) | ("real", _) => None,
        ("numeric", _) => None,
        (b, m) => {
            let m = m.map(|m| format!(" with mode \"{m}\"")).unwrap_or_default();
            a.warnings.push(format!(
                "{here} is built by `{b}`{m}, which mizzle does not know; pulled as the SQL says ({})",
                plain_type(affinity)
            ));
            None
        }
    };
    let mut mizzle = match &hint {
        Some(Hint::Boolean) => "boolean".to_owned(),
        Some(Hint::Timestamp) => "timestamp".to_owned(),
        Some(Hint::TimestampMs) => "timestamp_ms".to_owned(),
        Some(Hint::Json) => "json".to_owned(),
        Some(Hint::Enum(v)) => format!("enum {v:?}"),
        None => plain_type(affinity).to_owned(),
    };
    let fits = match &hint {
        Some(Hint::Boolean | Hint::Timestamp | Hint::TimestampMs) => affinity == "INTEGER",
        Some(Hint::Json | Hint::Enum(_)) => affinity == "TEXT",
        None => true,
    };
    if !fits {
        a.warnings.push(format!(
            "{here} is {drizzle} in TypeScript but {} in the SQL; pulled as the SQL says",
            plain_type(affinity)
        ));
        mizzle = plain_type(affinity).to_owned();
    } else if let Some(h) = hint.clone() {
        a.hints.columns.insert(key.clone(), h);
    }
    // A default whose unit is not the column's.
    if let (Some(h @ (Hint::Timestamp | Hint::TimestampMs)), Some(d)) = (&hint, sql_default)
        && fits
    {
        unit_check(a, &here, table, h, d);
    }
    let unit = match (&hint, fits) {
        (Some(Hint::Timestamp), true) => Some("timestamp"),
        (Some(Hint::TimestampMs), true) => Some("timestamp_ms"),
        _ => None,
    };
    for (f, on_update) in [(&c.app_default, false), (&c.app_on_update, true)] {
        let Some(f) = f else { continue };
        drizzle.push_str(&format!(".{}(..)", f.method));
        let mapped = match (&f.kind, unit) {
            (AppFnKind::Now, Some(_)) => Some("now"),
            (AppFnKind::NowMillis, Some("timestamp_ms")) => Some("now"),
            (AppFnKind::Uuid, None) if !on_update && affinity == "TEXT" => Some("uuid_v4"),
            (AppFnKind::Cuid2, None) if !on_update && affinity == "TEXT" => Some("cuid2"),
            _ => None,
        };
        let setting = if on_update {
            "on_update_fn"
        } else {
            "default_fn"
        };
        match mapped {
            Some(m) => {
                let map = if on_update {
                    &mut a.hints.on_update_fns
                } else {
                    &mut a.hints.default_fns
                };
                map.insert(key.clone(), m.to_owned());
                mizzle.push_str(&format!(", {setting} = \"{m}\""));
            }
            None => {
                let what = match (&f.kind, unit) {
                    (AppFnKind::NowMillis, Some("timestamp")) => format!(
                        "`{}` gives milliseconds but the column holds seconds (mode \"timestamp\"): drizzle would write a date in the year 58902. Fix the TypeScript, then set `{setting} = \"now\"` in schema/{table}.toml",
                        f.source
                    ),
                    (AppFnKind::Now | AppFnKind::NowMillis, None) => format!(
                        "`{}` is the current time, but the column is {} in the SQL, not a timestamp: mizzle's `{setting} = \"now\"` needs `type = \"timestamp\"` (seconds) or `\"timestamp_ms\"`; set the value in your code, or change the column's type in schema/{table}.toml if it holds a timestamp",
                        f.source,
                        plain_type(affinity)
                    ),
                    _ => format!(
                        "mizzle has no function like `{}`: set {here} in your code where you insert{}",
                        f.source,
                        if on_update { " and update" } else { "" }
                    ),
                };
                a.warnings.push(format!(
                    "the app-side {} of {here} is not carried over: {what}",
                    f.method
                ));
                mizzle.push_str(&format!(" ({} not carried over)", f.method));
            }
        }
    }
    ColumnRow {
        name: name.to_owned(),
        drizzle,
        mizzle,
    }
}

/// Warns when a timestamp column's SQL default is in the other unit (or is text).
fn unit_check(a: &mut Analysis, here: &str, table: &str, h: &Hint, default: &str) {
    let d = default.to_ascii_lowercase().replace(' ', "");
    let text_time = d.contains("current_timestamp")
        || d.contains("datetime(")
        || d.contains("date(")
        || (d.contains("strftime(") && !d.contains("'%s'"));
    let millis = d.contains("1000") || d.contains("subsec") || d.contains("%f");
    let seconds = !millis && (d.contains("unixepoch(") || d.contains("'%s'"));
    let (unit, other, year) = match h {
        Hint::Timestamp => ("seconds", "timestamp_ms", "the year 58902"),
        _ => ("milliseconds", "timestamp", "January 1970"),
    };
    if text_time {
        a.warnings.push(format!(
            "{here} holds {unit} (an integer), but its default `{default}` writes text: drizzle and mizzle alike read such a row as an error. Fix: a default of `(unixepoch(){})` in a migration",
            if matches!(h, Hint::TimestampMs) { " * 1000" } else { "" }
        ));
    } else if (matches!(h, Hint::Timestamp) && millis)
        || (matches!(h, Hint::TimestampMs) && seconds)
    {
        a.warnings.push(format!(
            "{here} holds {unit}, but its default `{default}` is in the other unit: a row that takes it reads back in {year}. Fix: if the stored values are in that unit, set `type = \"{other}\"` in schema/{table}.toml (and the drizzle mode to \"{other}\"); otherwise change the default in a migration"
        ));
    }
}

/// Relation names from `relations(..)`: each one matched to the foreign key it follows.
fn relation_names(
    a: &mut Analysis,
    schema: &TsSchema,
    vars: &BTreeMap<&str, (&str, BTreeMap<&str, String>)>,
    shape: &DbState,
) {
    for r in &schema.relations {
        let (Some((on, on_keys)), Some((target, _))) = (
            vars.get(r.table_var.as_str()),
            vars.get(r.target_var.as_str()),
        ) else {
            a.warnings.push(format!(
                "relation `{}` of `{}` names a table this import does not have (`{}`); its name is not kept",
                r.name, r.table_var, r.target_var
            ));
            continue;
        };
        // (table holding the key, key column)
        let fk: Option<(String, String)> = if !r.fields.is_empty() {
            // `one(target, { fields: [this.key], .. })`: the key is on this table.
            match r.fields.as_slice() {
                [f] => on_keys.get(f.as_str()).map(|c| (on.to_string(), c.clone())),
                _ => None,
            }
        } else {
            // `many(target)` / `one(target)` without fields: the target holds the key.
            let keys: Vec<&String> = shape
                .tables
                .get(*target)
                .map(|t| {
                    t.foreign_keys
                        .iter()
                        .filter(|f| f.table == *on && f.from.len() == 1)
                        .map(|f| &f.from[0])
                        .collect()
                })
                .unwrap_or_default();
            match keys.as_slice() {
                [k] => Some((target.to_string(), (*k).clone())),
                _ => None,
            }
        };
        match fk {
            Some((child, col)) => {
                a.hints
                    .relation_names
                    .insert((on.to_string(), child, col), r.name.clone());
            }
            None => a.warnings.push(format!(
                "relation `{}` of `{}` ({} `{}`) matches no single foreign key, so mizzle names it from the key instead; rename it in schema/{on}.toml if you like",
                r.name,
                r.table_var,
                if r.many { "many" } else { "one" },
                r.target_var
            )),
        }
    }
}

#[cfg(test)]
mod tests;
