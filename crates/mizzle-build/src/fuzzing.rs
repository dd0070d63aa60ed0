//! Properties shared by the fuzz targets (`fuzz/`) and the proptest suite
//! (`tests/properties.rs`): each takes raw bytes, so a fuzzer's crash input replays as a
//! plain test. Not part of the API.
//!
//! - [`front_end`]: any table file either builds (and then the generated Rust parses and
//!   the migration applies) or is refused with a report, never a panic.
//! - [`evolution`]: two random valid schemas A and B; the migration from A to B, applied to
//!   a database holding rows of A, either is refused by the build with a reason, or fails
//!   on a constraint the new schema adds (rolled back), or keeps every row of every table
//!   both schemas have, with `foreign_key_check` empty and the shape exactly B's.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::Config;

/// A scratch project directory, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Scratch {
        static N: AtomicU64 = AtomicU64::new(0);
        let dir = std::env::temp_dir().join(format!(
            "mizzle-fuzz-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("schema")).expect("temp dir");
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn config(root: &Path) -> Config {
    Config::new()
        .manifest_dir(root)
        .out_dir(root.join("out"))
        .check(false)
        .cargo_directives(false)
}

fn write_schema(root: &Path, files: &[(String, String)]) {
    let dir = root.join("schema");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("schema dir");
    for (name, text) in files {
        std::fs::write(dir.join(name), text).expect("schema file");
    }
}

/// A report that admits a mizzle bug rather than a user's mistake.
fn is_internal(report: &str) -> bool {
    report.contains("bug in mizzle") || report.contains("does not converge")
}

/// The front-end property for one table file given as bytes.
pub fn front_end(data: &[u8]) -> Result<(), String> {
    let Ok(text) = std::str::from_utf8(data) else {
        return Ok(());
    };
    // `---` splits the input into several table files.
    let files: Vec<(String, String)> = text
        .split("\n---\n")
        .enumerate()
        .map(|(i, t)| (format!("t{i}.toml"), t.to_owned()))
        .collect();
    front_end_files(&files)
}

/// The front-end property for a set of table files.
pub fn front_end_files(files: &[(String, String)]) -> Result<(), String> {
    let scratch = Scratch::new();
    write_schema(&scratch.0, files);
    match config(&scratch.0).compile() {
        Err(report) => {
            let r = report.to_string();
            if is_internal(&r) {
                return Err(format!("internal error for {files:?}:\n{r}"));
            }
            Ok(())
        }
        Ok(outcome) => {
            // The index and every file it includes (one per table, and the project's).
            let index = outcome.rust_file.ok_or("no Rust file")?;
            let paths = crate::generated_files(index.parent().ok_or("no out dir")?);
            if paths.len() < 2 {
                return Err(format!("no generated parts for {files:?}"));
            }
            for path in paths {
                let rust = std::fs::read_to_string(&path).map_err(|e| e.to_string())?;
                syn::parse_file(&rust)
                    .map_err(|e| format!("generated Rust does not parse ({e}) for {files:?}"))?;
                if rust.contains("compile_error!") {
                    return Err(format!("generated compile_error! for {files:?}"));
                }
            }
            Ok(())
        }
    }
}

/// Reads choices from fuzz bytes; past the end every choice is 0.
pub struct Choices<'a>(&'a [u8]);

impl<'a> Choices<'a> {
    /// Choices read from `bytes`.
    pub fn new(bytes: &'a [u8]) -> Self {
        Choices(bytes)
    }

    fn pick(&mut self, n: usize) -> usize {
        let Some((b, rest)) = self.0.split_first() else {
            return 0;
        };
        self.0 = rest;
        *b as usize % n.max(1)
    }
    fn flag(&mut self) -> bool {
        self.pick(2) == 1
    }
}

/// A generated table: file name, TOML text, and its columns (name, type, nullable).
pub type TableSpec = (String, String, Vec<(String, &'static str, bool)>);

const TYPES: [&str; 7] = [
    "integer",
    "real",
    "text",
    "blob",
    "boolean",
    "timestamp",
    "enum",
];

/// A random valid schema: up to four tables `t0..`, each with an integer key and up to
/// four columns from a fixed pool, a foreign key to an earlier table, indexes, uniques.
/// Returns the files and, per table, its columns (name, type, nullable).
pub fn random_schema(c: &mut Choices) -> Vec<TableSpec> {
    let tables = 1 + c.pick(4);
    let mut out = Vec::new();
    for t in 0..tables {
        let mut text = String::from("[columns]\nid = { type = \"integer\", primary_key = true");
        if c.flag() {
            text.push_str(", auto_increment = true");
        }
        text.push_str(" }\n");
        let mut cols = Vec::new();
        for name in ["a", "b", "c", "d"] {
            if !c.flag() {
                continue;
            }
            let ty = TYPES[c.pick(TYPES.len())];
            let nullable = c.flag();
            let mut def = format!("{name} = {{ type = \"{ty}\"");
            if ty == "enum" {
                def.push_str(if c.flag() {
                    ", values = [\"x\", \"y\"]"
                } else {
                    ", values = [\"x\", \"y\", \"z\"]"
                });
            }
            if nullable {
                def.push_str(", nullable = true");
            }
            if c.flag() {
                def.push_str(match ty {
                    "integer" | "timestamp" => ", default = 7",
                    "real" => ", default = 1.5",
                    "text" => ", default = \"d\"",
                    "boolean" => ", default = true",
                    "enum" => ", default = \"x\"",
                    _ => ", default_sql = \"x'00'\"",
                });
            }
            // Unique only where the seeded rows differ.
            if matches!(ty, "integer" | "real" | "text" | "timestamp") && c.pick(4) == 0 {
                def.push_str(", unique = true");
            }
            if ty == "integer" && t > 0 && c.flag() {
                let parent = c.pick(t);
                write!(def, ", references = \"t{parent}.id\"").unwrap();
                let action = c.pick(3);
                if action == 1 {
                    def.push_str(", on_delete = \"cascade\"");
                } else if action == 2 && nullable {
                    def.push_str(", on_delete = \"set null\"");
                }
            }
            if ty == "integer" && c.pick(4) == 0 {
                write!(def, ", check = \"{name} >= 0\"").unwrap();
            }
            def.push_str(" }\n");
            text.push_str(&def);
            cols.push((name.to_owned(), ty, nullable));
        }
        if !cols.is_empty() && c.flag() {
            let (col, _, _) = &cols[c.pick(cols.len())];
            write!(
                text,
                "[indexes]\nt{t}_{col}_idx = {{ columns = [\"{col}\"]{} }}\n",
                if c.flag() { ", where = \"id > 0\"" } else { "" }
            )
            .unwrap();
        }
        out.push((format!("t{t}.toml"), text, cols));
    }
    out
}

/// Names hidden probes try against every generated identifier: Rust keywords and prelude
/// names, the generated code's own items and locals, SQL keywords and SQLite's hidden
/// columns, names that differ only by case, and Unicode.
pub const NAMES: &[&str] = &[
    "type",
    "self",
    "Self",
    "super",
    "crate",
    "fn",
    "match",
    "async",
    "await",
    "dyn",
    "union",
    "table",
    "tables",
    "row",
    "rows",
    "set",
    "values",
    "value",
    "default",
    "new",
    "id",
    "v",
    "input",
    "rel",
    "get",
    "with",
    "filter",
    "limit",
    "into",
    "iter",
    "from_row",
    "into_values",
    "options",
    "results",
    "strings",
    "vecs",
    "boxes",
    "somes",
    "oks",
    "mizzle",
    "serde",
    "std",
    "core",
    "order",
    "group",
    "select",
    "from",
    "where",
    "index",
    "key",
    "rowid",
    "oid",
    "_rowid_",
    "d1",
    "migrations",
    "camelCase",
    "UPPER",
    "Upper",
    "upper",
    "ñandú",
    "naïve_items",
    "é",
    "日本",
    "x1",
    "_private",
    "a_b",
    "a__b",
];

/// Enum values probes try: empty, spaces and punctuation, keywords, Unicode, values that
/// fold to the same variant name.
pub const ENUM_VALUES: &[&str] = &[
    "",
    "self",
    "Self",
    "crate",
    "type",
    "None",
    "Some",
    "ok",
    "ALL",
    "as_str",
    "1",
    "1a",
    "a b",
    "a-b",
    "a_b",
    "A B",
    "in-progress",
    "in progress",
    "ñ",
    "🙂",
    "x",
    "X",
];

/// A schema of one to three tables whose table, column, relation and enum names come from
/// [`NAMES`] and [`ENUM_VALUES`] (with foreign keys and relations to earlier tables):
/// files for [`front_end_files`]. Most are refused; what is accepted must generate Rust
/// that compiles (tests/external_crate.rs compiles a sample) and a migration that applies.
pub fn adversarial_schema(c: &mut Choices) -> Vec<(String, String)> {
    let name = |c: &mut Choices| NAMES[c.pick(NAMES.len())];
    let tables = 1 + c.pick(3);
    let mut names: Vec<&str> = Vec::new();
    let mut files = Vec::new();
    for t in 0..tables {
        let table = name(c);
        let mut text = format!("table = \"{table}\"\n");
        if c.pick(4) == 0 {
            text.push_str("client_input = true\n");
        }
        text.push_str("[columns]\nid = { type = \"integer\", primary_key = true }\n");
        let mut relations = String::new();
        for _ in 0..1 + c.pick(3) {
            let col = name(c);
            let line = match c.pick(4) {
                0 => {
                    let values: Vec<String> = (0..1 + c.pick(3))
                        .map(|_| format!("\"{}\"", ENUM_VALUES[c.pick(ENUM_VALUES.len())]))
                        .collect();
                    format!(
                        "\"{col}\" = {{ type = \"enum\", values = [{}] }}\n",
                        values.join(", ")
                    )
                }
                1 if t > 0 => {
                    let parent = names[c.pick(names.len())];
                    let rel = name(c);
                    writeln!(
                        relations,
                        "\"{rel}\" = {{ belongs_to = \"{parent}\", key = \"{col}\" }}"
                    )
                    .unwrap();
                    format!(
                        "\"{col}\" = {{ type = \"integer\", nullable = true, references = \"{parent}.id\" }}\n"
                    )
                }
                2 => format!("\"{col}\" = {{ type = \"text\", nullable = true }}\n"),
                _ => format!("\"{col}\" = {{ type = \"integer\", default = 0 }}\n"),
            };
            text.push_str(&line);
        }
        if !relations.is_empty() {
            text.push_str("[relations]\n");
            text.push_str(&relations);
        }
        names.push(table);
        files.push((format!("t{t}.toml"), text));
    }
    files
}

/// The front-end property on an [`adversarial_schema`] drawn from `data`.
pub fn adversarial_names(data: &[u8]) -> Result<(), String> {
    front_end_files(&adversarial_schema(&mut Choices::new(data)))
}

/// A value for a seeded row.
fn seed_value(ty: &str, row: i64) -> rusqlite::types::Value {
    use rusqlite::types::Value as V;
    match ty {
        "integer" | "timestamp" => V::Integer(row),
        "real" => V::Real(row as f64 + 0.5),
        "text" => V::Text(format!("v{row}")),
        "blob" => V::Blob(vec![row as u8]),
        "boolean" => V::Integer(row % 2),
        _ => V::Text("x".into()),
    }
}

/// How an evolution case ended (all of them pass the property).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Evolution {
    /// The build refused B on top of A, with a reason.
    Refused,
    /// The migration failed on a constraint B adds and rolled back.
    RolledBack,
    /// B needed no migration.
    Unchanged,
    /// The migration applied and every row was kept.
    Applied,
}

/// The evolution property for bytes that choose schema A, then schema B.
pub fn evolution(data: &[u8]) -> Result<Evolution, String> {
    let mut c = Choices(data);
    let a = random_schema(&mut c);
    let b = random_schema(&mut c);
    let scratch = Scratch::new();
    let root = &scratch.0;
    let files = |s: &[TableSpec], allow: &str| {
        let mut f: Vec<(String, String)> =
            s.iter().map(|(n, t, _)| (n.clone(), t.clone())).collect();
        f.push(("mizzle.toml".into(), allow.to_owned()));
        f
    };
    write_schema(root, &files(&a, ""));
    config(root)
        .compile()
        .map_err(|r| format!("schema A does not build:\n{r}\n{a:?}"))?;
    // Rows in every table of A: three per table, row n's foreign keys pointing at row n.
    let db = root.join("db.sqlite");
    let mut conn = rusqlite::Connection::open(&db).map_err(|e| e.to_string())?;
    conn.pragma_update(None, "foreign_keys", true)
        .map_err(|e| e.to_string())?;
    apply_all(&mut conn, root)?;
    for (file, text, cols) in &a {
        let table = file.trim_end_matches(".toml");
        for row in 1..=3i64 {
            let mut names = vec!["id".to_owned()];
            let mut values = vec![rusqlite::types::Value::Integer(row)];
            for (name, ty, _) in cols {
                let references = text
                    .lines()
                    .any(|l| l.starts_with(&format!("{name} =")) && l.contains("references"));
                names.push(format!("\"{name}\""));
                values.push(if references {
                    rusqlite::types::Value::Integer(row) // parents have rows 1..=3 too
                } else {
                    seed_value(ty, row)
                });
            }
            let sql = format!(
                "INSERT INTO \"{table}\" ({}) VALUES ({})",
                names.join(", "),
                vec!["?"; names.len()].join(", ")
            );
            conn.execute(&sql, rusqlite::params_from_iter(values))
                .map_err(|e| format!("seeding {table}: {e}\n{a:?}"))?;
        }
    }
    let before = counts(&conn)?;
    // B, allowed to drop anything A has.
    let mut allow: Vec<String> = Vec::new();
    for (file, _, cols) in &a {
        let t = file.trim_end_matches(".toml");
        allow.push(format!("\"{t}\""));
        allow.extend(cols.iter().map(|(n, _, _)| format!("\"{t}.{n}\"")));
    }
    let b_files: Vec<(String, String)> =
        files(&b, &format!("allow_drop = [{}]\n", allow.join(", ")))
            .into_iter()
            .map(|(n, t)| {
                (
                    n,
                    t.replace(" }\n", ", allow_destructive = true }\n").replace(
                        "primary_key = true, allow_destructive = true",
                        "primary_key = true",
                    ),
                )
            })
            .collect();
    write_schema(root, &b_files);
    if let Err(r) = config(root).compile() {
        let r = r.to_string();
        return if is_internal(&r) {
            Err(format!("internal error evolving {a:?}\n→ {b:?}:\n{r}"))
        } else {
            Ok(Evolution::Refused)
        };
    }
    if pending(root, 1)?.is_empty() {
        return Ok(Evolution::Unchanged);
    }
    let tx = conn.transaction().map_err(|e| e.to_string())?;
    let applied = {
        let mut result = Ok(());
        for m in pending(root, 1)? {
            if let Err(e) = tx.execute_batch(&m) {
                result = Err(e.to_string());
                break;
            }
        }
        result
    };
    match applied {
        Err(e) if e.contains("constraint failed") => return Ok(Evolution::RolledBack),
        Err(e) => return Err(format!("migration A→B fails: {e}\n{a:?}\n→ {b:?}")),
        Ok(()) => {
            if let Err(e) = tx.commit() {
                // Deferred foreign keys are checked at commit. B may add a reference whose
                // default names no parent row: the database refuses it (and rolls back),
                // as with any constraint B adds. Without a new reference in B, a failure
                // here would mean the migration lost parent rows: a bug.
                let refs = |s: &[TableSpec]| -> Vec<String> {
                    s.iter()
                        .flat_map(|(f, t, _)| {
                            t.lines()
                                .filter(|l| l.contains("references"))
                                .map(move |l| format!("{f}:{l}"))
                        })
                        .collect()
                };
                let (old_refs, new_refs) = (refs(&a), refs(&b));
                let adds_reference = new_refs.iter().any(|r| !old_refs.contains(r));
                return if adds_reference && e.to_string().contains("FOREIGN KEY constraint failed")
                {
                    Ok(Evolution::RolledBack)
                } else {
                    Err(format!("commit of A→B fails: {e}\n{a:?}\n→ {b:?}"))
                };
            }
        }
    }
    let after = counts(&conn)?;
    for (table, n) in &before {
        if let Some(m) = after.iter().find(|(t, _)| t == table).map(|(_, m)| m)
            && m != n
        {
            return Err(format!(
                "rows lost in {table}: {n} → {m}\n{a:?}\n→ {b:?}\n{}",
                pending(root, 1)?.join("\n")
            ));
        }
    }
    let fk: i64 = conn
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .map_err(|e| e.to_string())?;
    if fk != 0 {
        return Err(format!(
            "foreign_key_check not empty after A→B\n{a:?}\n→ {b:?}"
        ));
    }
    Ok(Evolution::Applied)
}

/// Migration texts in order, skipping the first `skip`.
fn pending(root: &Path, skip: usize) -> Result<Vec<String>, String> {
    let mut names: Vec<PathBuf> = std::fs::read_dir(root.join("migrations"))
        .map_err(|e| e.to_string())?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "sql"))
        .collect();
    names.sort();
    names
        .iter()
        .skip(skip)
        .map(|p| std::fs::read_to_string(p).map_err(|e| e.to_string()))
        .collect()
}

fn apply_all(conn: &mut rusqlite::Connection, root: &Path) -> Result<(), String> {
    for m in pending(root, 0)? {
        let tx = conn.transaction().map_err(|e| e.to_string())?;
        tx.execute_batch(&m).map_err(|e| e.to_string())?;
        tx.commit().map_err(|e| e.to_string())?;
    }
    Ok(())
}

fn counts(conn: &rusqlite::Connection) -> Result<Vec<(String, i64)>, String> {
    let mut stmt = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name LIKE 't%'")
        .map_err(|e| e.to_string())?;
    let names: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .map_err(|e| e.to_string())?
        .flatten()
        .collect();
    names
        .into_iter()
        .map(|t| {
            conn.query_row(&format!("SELECT count(*) FROM \"{t}\""), [], |r| r.get(0))
                .map(|n| (t, n))
                .map_err(|e| e.to_string())
        })
        .collect()
}
