//! Names: what a table, column, index or generated Rust item may be called.
//!
//! Two rules. SQL names must not be ones SQLite, D1 or wrangler reserve, and must be unique
//! the way SQLite compares them (ASCII case-insensitively, tables and indexes in one
//! namespace). Rust names must make generated code that compiles in the user's crate: no two
//! items in one namespace, nothing that shadows a prelude or primitive type the generated
//! code names unqualified, no module that shadows a crate the user's code names.

use std::collections::HashMap;

use crate::ast::TableFile;
use crate::diag::{Diagnostic, Span};
use crate::ir::Table;
use crate::naming;

/// D1 allows at most this many columns in a table.
pub const D1_MAX_COLUMNS: usize = 100;

/// Types the generated code (and every user's code) names unqualified: the std prelude and
/// the primitive types. A struct or enum of this name would shadow it.
const PRELUDE_TYPES: &[&str] = &[
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "Vec",
    "String",
    "Box",
    "ToString",
    "ToOwned",
    "Default",
    "Clone",
    "Copy",
    "Send",
    "Sync",
    "Sized",
    "Unpin",
    "Drop",
    "Fn",
    "FnMut",
    "FnOnce",
    "Iterator",
    "IntoIterator",
    "Extend",
    "DoubleEndedIterator",
    "ExactSizeIterator",
    "From",
    "Into",
    "TryFrom",
    "TryInto",
    "AsRef",
    "AsMut",
    "PartialEq",
    "Eq",
    "PartialOrd",
    "Ord",
    "Debug",
    "Hash",
    "FromIterator",
    "bool",
    "char",
    "str",
    "i8",
    "i16",
    "i32",
    "i64",
    "i128",
    "isize",
    "u8",
    "u16",
    "u32",
    "u64",
    "u128",
    "usize",
    "f32",
    "f64",
];

/// Crate names a module at the user's crate root would shadow (`use mizzle::Db` becomes
/// ambiguous): mizzle's own and the crates a Worker's code names.
const CRATE_NAMES: &[&str] = &[
    "mizzle",
    "std",
    "core",
    "alloc",
    "serde",
    "serde_json",
    "chrono",
    "worker",
    "wasm_bindgen",
];

/// Top-level items the generated module always defines.
const GENERATED_ITEMS: &[&str] = &["FromEnv", "D1_BINDING", "MIGRATIONS", "d1"];

/// Why an SQL object name is reserved, if it is.
pub fn reserved_sql_name(name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    if lower.starts_with("sqlite_") {
        Some("names starting with `sqlite_` are reserved by SQLite")
    } else if lower.starts_with("_cf_") {
        Some("names starting with `_cf_` are reserved by Cloudflare D1")
    } else if lower == "d1_migrations" {
        Some("`d1_migrations` is wrangler's ledger of applied migrations")
    } else if lower.starts_with("__mizzle_") {
        Some("names starting with `__mizzle_` are mizzle's scratch tables in migrations")
    } else {
        None
    }
}

/// The span a table's name comes from: `table = ".."`, else the file.
pub fn table_name_span(f: &TableFile) -> &Span {
    f.table.as_ref().map_or(&f.span, |t| &t.span)
}

/// Checks a table's own SQL name. Returns whether it can be used at all.
pub fn check_table_name(name: &str, f: &TableFile, errs: &mut Vec<Diagnostic>) -> bool {
    let span = table_name_span(f);
    let rename = if f.table.is_some() {
        "choose another `table = \"...\"`"
    } else {
        "rename the file, or set `table = \"...\"` at its top"
    };
    if name.trim().is_empty() {
        errs.push(
            Diagnostic::error("a table name cannot be empty", span, "empty name")
                .help(format!("{rename}, e.g. `table = \"posts\"`")),
        );
        return false;
    }
    if let Some(why) = reserved_sql_name(name) {
        errs.push(
            Diagnostic::error(format!("the table name `{name}` is reserved"), span, why)
                .help(rename.to_owned()),
        );
        return false;
    }
    let module = naming::field_name(name);
    if !naming::is_valid_ident(&module) {
        errs.push(
            Diagnostic::error(
                format!("table name `{name}` cannot be a Rust module name (`{module}`)"),
                span,
                "generated module",
            )
            .help(format!(
                "{rename}: the module is the table name in snake_case, so it needs letters, digits and `_`, starting with a letter"
            )),
        );
        return false;
    }
    if CRATE_NAMES.contains(&module.as_str()) {
        errs.push(
            Diagnostic::error(
                format!("the table `{name}` would generate a module `{module}`, the name of a crate"),
                span,
                "shadows the crate",
            )
            .help(format!(
                "{rename}: a module `{module}` next to `include_schema!()` makes `use {module}::…` ambiguous"
            )),
        );
        return false;
    }
    true
}

/// Whether table `name` makes a module name the generated code can use: snake case, a valid
/// identifier, and not the name of a crate the generated code names.
pub fn module_name_ok(name: &str) -> bool {
    let module = naming::field_name(name);
    naming::is_valid_ident(&module) && !CRATE_NAMES.contains(&module.as_str())
}

/// Why `name` cannot be a generated struct or enum name, if it cannot.
pub fn bad_type_name(name: &str) -> Option<String> {
    if !naming::is_valid_ident(name) || naming::is_keyword(name) {
        Some(format!("`{name}` is not a valid Rust type name"))
    } else if PRELUDE_TYPES.contains(&name) {
        Some(format!(
            "`{name}` would shadow Rust's own `{name}`, which generated code and yours use"
        ))
    } else if GENERATED_ITEMS.contains(&name) || name == "Table" {
        Some(format!("`{name}` is an item mizzle generates"))
    } else {
        None
    }
}

/// Everything the generated code defines in one namespace, by name: a clash is an error
/// naming both places.
#[derive(Default)]
struct Namespace<'a> {
    seen: HashMap<String, (String, &'a Span)>,
}

impl<'a> Namespace<'a> {
    fn add(
        &mut self,
        name: String,
        what: String,
        span: &'a Span,
        help: &str,
        errs: &mut Vec<Diagnostic>,
    ) {
        match self.seen.get(&name) {
            Some((first, first_span)) => errs.push(
                Diagnostic::error(
                    format!("two generated items are named `{name}`: {first} and {what}"),
                    span,
                    what.clone(),
                )
                .also(first_span, first.clone())
                .help(help.to_owned()),
            ),
            None => {
                self.seen.insert(name, (what, span));
            }
        }
    }
}

/// Cross-table name rules: SQL names unique as SQLite compares them, and every generated
/// Rust item unique in its namespace.
pub fn check_global(tables: &[(Table, &TableFile)], errs: &mut Vec<Diagnostic>) {
    // Tables and indexes share SQLite's namespace, compared ASCII case-insensitively.
    let mut sql: HashMap<String, (String, Span)> = HashMap::new();
    // Tables whose names clash in SQL: their Rust items clash too, but one error says it.
    let mut clashed: Vec<String> = Vec::new();
    let mut add_sql = |name: &str, what: String, span: &'_ Span, errs: &mut Vec<Diagnostic>| {
        let key = name.to_ascii_lowercase();
        match sql.get(&key) {
            Some((first, _)) if first == &what => {}
            Some((first, first_span)) => {
                clashed.push(name.to_owned());
                errs.push(
                Diagnostic::error(
                    format!("{what} and {first} have the same name in SQLite"),
                    span,
                    "second",
                )
                .also(first_span, "first")
                .help("SQLite compares table and index names case-insensitively, in one namespace; rename one"),
            )
            }
            None => {
                sql.insert(key, (what, span.clone()));
            }
        }
    };
    for (t, f) in tables {
        add_sql(
            &t.name,
            format!("table `{}`", t.name),
            table_name_span(f),
            errs,
        );
    }
    for (t, f) in tables {
        for ix in &f.indexes {
            if let Some(why) = reserved_sql_name(&ix.name.value) {
                errs.push(
                    Diagnostic::error(
                        format!("the index name `{}` is reserved", ix.name.value),
                        &ix.name.span,
                        why,
                    )
                    .help(format!(
                        "name it after its table, e.g. `{}_{}_idx`",
                        t.name,
                        ix.columns.value.first().map_or("x", |c| c.value.as_str())
                    )),
                );
            }
            add_sql(
                &ix.name.value,
                format!("index `{}`", ix.name.value),
                &ix.name.span,
                errs,
            );
        }
    }

    let mut types = Namespace::default();
    let struct_help = "set `struct = \"...\"` on one of the tables";
    // Tables already reported: an unusable name, or a clash in SQL.
    let usable = |t: &Table| {
        naming::is_valid_ident(&naming::field_name(&t.name))
            && !t.struct_name.is_empty()
            && !clashed.contains(&t.name)
    };
    for (t, f) in tables.iter().filter(|(t, _)| usable(t)) {
        let span = f
            .struct_name
            .as_ref()
            .map_or(table_name_span(f), |s| &s.span);
        let s = &t.struct_name;
        for (name, what) in [
            (s.clone(), format!("the row struct of `{}`", t.name)),
            (
                format!("New{s}"),
                format!("the insert struct of `{}`", t.name),
            ),
            (
                format!("{s}Patch"),
                format!("the patch struct of `{}`", t.name),
            ),
        ] {
            types.add(name, what, span, struct_help, errs);
        }
        if t.client_input {
            for (name, what) in [
                (format!("New{s}Input"), "client insert"),
                (format!("{s}PatchInput"), "client patch"),
            ] {
                types.add(
                    name,
                    format!("the {what} struct of `{}`", t.name),
                    span,
                    struct_help,
                    errs,
                );
            }
        }
        types.add(
            naming::field_name(&t.name),
            format!("the module of `{}`", t.name),
            table_name_span(f),
            "rename one of the tables, or set `struct` so the struct's name differs from the module's",
            errs,
        );
    }
    let mut enums_done: HashMap<&str, ()> = HashMap::new();
    for (t, f) in tables.iter().filter(|(t, _)| usable(t)) {
        for (c, def) in t.columns.iter().zip(&f.columns) {
            let Some(e) = &c.enum_def else { continue };
            if enums_done.insert(&e.name, ()).is_some() {
                continue; // a shared enum_name; same values is checked elsewhere
            }
            let span = def.enum_name.as_ref().map_or(&def.name.span, |n| &n.span);
            types.add(
                e.name.clone(),
                format!("the enum of `{}.{}`", t.name, c.name),
                span,
                "set `enum_name = \"...\"` on the enum column",
                errs,
            );
        }
    }
}

/// Per-table rules on generated names: the column count D1 allows, column names unique as
/// SQLite compares them, the items of the table's module, and the methods of its insert
/// and patch structs.
pub fn check_table(t: &Table, f: &TableFile, errs: &mut Vec<Diagnostic>) {
    if t.columns.len() > D1_MAX_COLUMNS {
        errs.push(
            Diagnostic::error(
                format!(
                    "table `{}` has {} columns; D1 allows at most {D1_MAX_COLUMNS}",
                    t.name,
                    t.columns.len()
                ),
                &f.columns_span,
                "too many columns",
            )
            .help("split the table: move rarely used columns to a table with a one-to-one key"),
        );
    }
    let mut sql_cols: HashMap<String, &Span> = HashMap::new();
    for def in &f.columns {
        let key = def.name.value.to_ascii_lowercase();
        if let Some(first) = sql_cols.get(&key) {
            errs.push(
                Diagnostic::error(
                    format!("two columns of `{}` have the same name in SQLite", t.name),
                    &def.name.span,
                    "second",
                )
                .also(first, "first")
                .help("SQLite compares column names case-insensitively; rename one"),
            );
        }
        sql_cols.insert(key, &def.name.span);
    }
    // The table module's value namespace: `table`, the unit struct `Table`, column and
    // relation handles (relations are checked against columns where they are lowered).
    for (c, def) in t.columns.iter().zip(&f.columns) {
        let span = def.rust_name.as_ref().map_or(&def.name.span, |r| &r.span);
        if c.rust_name == "Table" {
            errs.push(
                Diagnostic::error(
                    "a column's Rust name cannot be `Table`",
                    span,
                    "clashes with the table type",
                )
                .help("set `rust_name = \"...\"` on this column"),
            );
        }
    }
    // Methods: `new` and one setter per field (insert: fields that are not required;
    // patch: every field but the auto-increment key, plus `<field>_null` for nullable ones).
    // `None`: the constructor `new`.
    let mut insert: HashMap<String, Option<Span>> = HashMap::new();
    let mut patch: HashMap<String, Option<Span>> = HashMap::new();
    insert.insert("new".into(), None);
    patch.insert("new".into(), None);
    let mut fields: Vec<&str> = Vec::new();
    for (c, def) in t.columns.iter().zip(&f.columns) {
        // A field name given twice is reported where fields are lowered.
        if fields.contains(&c.rust_name.as_str()) {
            continue;
        }
        fields.push(&c.rust_name);
        let span = def.rust_name.as_ref().map_or(&def.name.span, |r| &r.span);
        let mut add = |set: &mut HashMap<String, Option<Span>>, method: String, which: &str| {
            if let Some(first) = set.get(&method) {
                let owner = if which == "insert" {
                    format!("New{}", t.struct_name)
                } else {
                    format!("{}Patch", t.struct_name)
                };
                let d = Diagnostic::error(
                    format!("two methods of `{owner}` would be named `{method}`"),
                    span,
                    format!("the setter of `{}`", c.name),
                );
                errs.push(match first {
                    None => d.help(format!(
                        "`{owner}::new` is the constructor; set `rust_name = \"...\"` on this column"
                    )),
                    Some(first) => d
                        .also(first, "the other setter")
                        .help("set `rust_name = \"...\"` on one of the columns"),
                });
            } else {
                set.insert(method, Some(span.clone()));
            }
        };
        let field = c.rust_name.trim_start_matches("r#").to_owned();
        if !t.is_required(c) {
            add(&mut insert, field.clone(), "insert");
        }
        if !c.auto_increment {
            add(&mut patch, field.clone(), "patch");
            if c.nullable {
                add(&mut patch, format!("{field}_null"), "patch");
            }
        }
    }
}
