//! Lowering one table: its name, struct, key, indexes and column-level key rules.

use std::collections::HashMap;

use crate::ast::{ColumnDef, TableFile};
use crate::diag::{Diagnostic, Origin, Span};
use crate::naming::{self, did_you_mean};

use super::*;

pub(super) fn lower_table(
    f: &TableFile,
    name: String,
    name_ok: bool,
    errs: &mut Vec<Diagnostic>,
    warnings: &mut Vec<String>,
) -> Table {
    let struct_name = match &f.struct_name {
        Some(s) => {
            if let Some(why) = names::bad_type_name(&s.value) {
                errs.push(
                    Diagnostic::error(why, &s.span, "struct name")
                        .help("choose another `struct = \"...\"`, e.g. with a suffix: `struct = \"{}Row\"`".replace("{}", &s.value)),
                );
            }
            s.value.clone()
        }
        None => {
            let derived = naming::struct_name(&name);
            match names::bad_type_name(&derived) {
                // `options` → `Option`, `results` → `Result`: common table names whose
                // default struct would shadow a prelude or generated item. `OptionRow`
                // instead, said as a warning (an explicit `struct` decides otherwise).
                Some(why)
                    if name_ok
                        && naming::is_valid_ident(&derived)
                        && names::bad_type_name(&format!("{derived}Row")).is_none() =>
                {
                    let chosen = format!("{derived}Row");
                    warnings.push(format!(
                        "table `{name}`'s row struct is `{chosen}`, not `{derived}` ({why}); \
                         set `struct = \"...\"` in its file to choose another name"
                    ));
                    chosen
                }
                Some(why) if name_ok => {
                    errs.push(
                        Diagnostic::error(
                            format!("table `{name}` makes the struct name `{derived}`: {why}"),
                            names::table_name_span(f),
                            "struct name derived from this",
                        )
                        .help(format!(
                            "set `struct = \"{derived}Row\"` (or another name) at the top of the file"
                        )),
                    );
                    derived
                }
                _ => derived,
            }
        }
    };
    if f.columns.is_empty() {
        errs.push(
            Diagnostic::error(
                format!("table `{name}` has no columns"),
                &f.columns_span,
                "no columns",
            )
            .help(
                "add a `[columns]` table, e.g. `id = { type = \"integer\", primary_key = true }`",
            ),
        );
    }
    let mut columns: Vec<Column> = Vec::new();
    let mut fields: HashMap<String, Span> = HashMap::new();
    let mut col_pk: Vec<&ColumnDef> = Vec::new();
    for c in &f.columns {
        let col = lower_column(c, &struct_name, errs);
        if let Some(first) = fields.get(&col.rust_name) {
            errs.push(
                Diagnostic::error(
                    format!("two columns have the Rust field name `{}`", col.rust_name),
                    &c.name.span,
                    "second",
                )
                .also(first, "first")
                .help("set `rust_name` on one of them"),
            );
        }
        fields.insert(col.rust_name.clone(), c.name.span.clone());
        if flag(&c.primary_key) {
            col_pk.push(c);
        }
        columns.push(col);
    }
    let mut primary_key: Vec<String> = col_pk.iter().map(|c| c.name.value.clone()).collect();
    if col_pk.len() > 1 {
        errs.push(
            Diagnostic::error(
                "more than one column says `primary_key = true`",
                &col_pk[1].name.span,
                "second",
            )
            .also(&col_pk[0].name.span, "first")
            .help(format!(
                "for a composite key write `primary_key = [{}]` at the top of the file",
                col_pk
                    .iter()
                    .map(|c| format!("\"{}\"", c.name.value))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        );
    }
    if let Some(pk) = &f.primary_key {
        if let Some(c) = col_pk.first() {
            errs.push(
                Diagnostic::error("primary key given twice", &pk.span, "table primary key")
                    .also(&c.name.span, "column primary key")
                    .help("keep one of them"),
            );
        }
        if pk.value.is_empty() {
            errs.push(Diagnostic::error(
                "`primary_key` is empty",
                &pk.span,
                "no columns",
            ));
        }
        primary_key = Vec::new();
        for p in &pk.value {
            if !columns.iter().any(|c| c.name == p.value) {
                errs.push(unknown_column(&p.value, &p.span, &name, &columns));
            } else if primary_key.contains(&p.value) {
                errs.push(Diagnostic::error(
                    format!("`{}` is listed twice", p.value),
                    &p.span,
                    "duplicate",
                ));
            } else {
                primary_key.push(p.value.clone());
            }
        }
    }
    let without_rowid = flag(&f.without_rowid);
    if without_rowid && primary_key.is_empty() {
        let span = &f.without_rowid.as_ref().expect("set").span;
        errs.push(
            Diagnostic::error(
                "a WITHOUT ROWID table needs a primary key",
                span,
                "no primary key",
            )
            .help("add `primary_key = true` to a column, or `primary_key = [\"a\", \"b\"]` at the top of the file"),
        );
    }
    for (c, def) in columns.iter().zip(&f.columns) {
        if c.auto_increment {
            let span = &def.auto_increment.as_ref().expect("set").span;
            if c.ty != ColumnType::Integer {
                errs.push(
                    Diagnostic::error(
                        format!("`auto_increment` on `{}`, a {} column", c.name, c.ty.name()),
                        span,
                        "needs type = \"integer\"",
                    )
                    .help("only an integer primary key can auto-increment; use `default_fn = \"uuid_v4\"` for text ids"),
                );
            } else if primary_key.len() > 1 && primary_key.contains(&c.name) {
                errs.push(
                    Diagnostic::error(
                        format!("`auto_increment` on `{}`, part of a composite primary key", c.name),
                        span,
                        "needs a single-column key",
                    )
                    .help(format!(
                        "SQLite auto-increments only a single INTEGER PRIMARY KEY: remove `auto_increment`, or make `{}` the only key and put a unique index on ({})",
                        c.name,
                        primary_key.join(", ")
                    )),
                );
            } else if primary_key != [c.name.clone()] {
                errs.push(
                    Diagnostic::error(
                        format!(
                            "`auto_increment` on `{}`, which is not the primary key",
                            c.name
                        ),
                        span,
                        "not the primary key",
                    )
                    .help("add `primary_key = true` to this column"),
                );
            } else if without_rowid {
                errs.push(
                    Diagnostic::error(
                        "`auto_increment` cannot be used in a WITHOUT ROWID table",
                        span,
                        "here",
                    )
                    .help("a WITHOUT ROWID table has no rowid to count from: remove `auto_increment` or `without_rowid`"),
                );
            }
        }
    }
    // Primary key columns are NOT NULL.
    for c in &mut columns {
        if primary_key.contains(&c.name) && c.nullable {
            let def = f
                .columns
                .iter()
                .find(|d| d.name.value == c.name)
                .expect("column");
            errs.push(Diagnostic::error(
                format!("primary key column `{}` cannot be nullable", c.name),
                &def.nullable.as_ref().expect("set").span,
                "remove this",
            ));
            c.nullable = false;
        }
    }
    let mut indexes = Vec::new();
    for ix in &f.indexes {
        if ix.columns.value.is_empty() {
            errs.push(Diagnostic::error(
                format!("index `{}` has no columns", ix.name.value),
                &ix.columns.span,
                "empty",
            ));
        }
        for c in &ix.columns.value {
            if !columns.iter().any(|col| col.name == c.value) {
                errs.push(unknown_column(&c.value, &c.span, &name, &columns));
            }
        }
        indexes.push(Index {
            origin: Origin(Some(ix.name.span.clone())),
            name: ix.name.value.clone(),
            columns: ix.columns.value.iter().map(|c| c.value.clone()).collect(),
            unique: flag(&ix.unique),
            where_sql: ix.where_sql.as_ref().map(|w| w.value.clone()),
        });
    }
    for c in &f.columns {
        if c.name.value == "table" && c.rust_name.is_none() {
            errs.push(
                Diagnostic::error(
                    "a column's Rust name cannot be `table`",
                    &c.name.span,
                    "clashes with the table handle",
                )
                .help(
                    "set `rust_name = \"...\"` on this column (`users::table` is the table handle)",
                ),
            );
        }
    }
    let mut table = Table {
        name,
        struct_name,
        doc: f.doc.as_ref().map(|d| d.value.clone()),
        renamed_from: f.renamed_from.as_ref().map(|r| r.value.clone()),
        columns,
        primary_key,
        without_rowid,
        indexes,
        checks: f
            .checks
            .iter()
            .map(|(n, s)| (n.value.clone(), s.value.clone()))
            .collect(),
        relations: Vec::new(),
        serde_rename_all: None,
        client_input: false,
        origin: Origin(Some(names::table_name_span(f).clone())),
    };
    client_inputs(f, &mut table, errs);
    table
}

/// Which columns a client's JSON may set (`input`), and whether the table has input
/// structs at all. With `client_input = true`, a key the database assigns (an integer
/// primary key that is the rowid) and columns the generated code fills (`default_fn`,
/// `on_update_fn`) are left out unless the column says `input = true`. A column that an
/// insert must be given cannot be left out.
fn client_inputs(f: &TableFile, t: &mut Table, errs: &mut Vec<Diagnostic>) {
    let table_default = f.client_input.as_ref().is_some_and(|c| c.value);
    let mut any_left_out = false;
    for i in 0..t.columns.len() {
        let (c, def) = (&t.columns[i], &f.columns[i]);
        let server_filled =
            t.is_rowid_alias(c) || c.default_fn.is_some() || c.on_update_fn.is_some();
        let input = def
            .input
            .as_ref()
            .map_or(!(table_default && server_filled), |explicit| explicit.value);
        if !input {
            any_left_out = true;
            if let Some(explicit) = def.input.as_ref().filter(|_| t.is_required(c)) {
                errs.push(
                    Diagnostic::error(
                        format!("column `{}` is required on insert, so a client must be able to set it", c.name),
                        &explicit.span,
                        "`input = false` here",
                    )
                    .help("give it a `default` (or `default_fn`), make it `nullable`, or drop `input = false`"),
                );
            }
        }
        t.columns[i].input = input;
    }
    t.client_input = table_default || any_left_out;
}

pub(super) fn unknown_column(
    name: &str,
    span: &Span,
    table: &str,
    columns: &[Column],
) -> Diagnostic {
    let d = Diagnostic::error(
        format!("table `{table}` has no column `{name}`"),
        span,
        "unknown column",
    );
    match did_you_mean(name, columns.iter().map(|c| c.name.as_str())) {
        Some(s) => d.help(format!("did you mean `{s}`?")),
        None => d.help(format!(
            "its columns are: {}",
            columns
                .iter()
                .map(|c| c.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{lower, messages, tables};
    use super::*;

    #[test]
    fn a_table_lowers_with_its_key_indexes_and_origin() {
        let f = &tables(&[(
            "posts",
            "[columns]\nid = { type = \"integer\", primary_key = true }\ntitle = \"text\"\n[indexes]\nposts_title_idx = { columns = [\"title\"], unique = true }\n",
        )])[0];
        let mut errs = Vec::new();
        let t = lower_table(f, "posts".into(), true, &mut errs, &mut Vec::new());
        assert!(errs.is_empty(), "{:?}", messages(&errs));
        assert_eq!(
            (t.struct_name.as_str(), t.primary_key.as_slice()),
            ("Post", &["id".to_owned()][..])
        );
        assert_eq!(t.indexes[0].columns, ["title"]);
        assert!(t.indexes[0].unique && t.origin.0.is_some());
    }

    #[test]
    fn key_rules_are_reported() {
        let (_, errs) = lower(&[(
            "t",
            "without_rowid = true\n[columns]\na = { type = \"text\", auto_increment = true }\n",
        )]);
        assert!(
            errs.iter()
                .any(|m| m.contains("WITHOUT ROWID table needs a primary key")),
            "{errs:?}"
        );
        assert!(
            errs.iter()
                .any(|m| m.contains("`auto_increment` on `a`, a text column")),
            "{errs:?}"
        );
    }
}
