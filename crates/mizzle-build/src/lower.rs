//! Checks the parsed schema and lowers it to the [`ir`](crate::ir). Every mistake becomes a
//! spanned [`Diagnostic`]; nothing here panics on user input.

use std::collections::{BTreeMap, HashMap};

use crate::ast::{self, ColumnDef, Literal, RelationKind, TableFile};
use crate::diag::{Diagnostic, Origin, Sp, Span};
use crate::ir::*;
use crate::naming::{self, did_you_mean, quote_str};

mod names;
mod sql_expr;
pub use names::{D1_MAX_COLUMNS, reserved_sql_name};

/// Lowers every table file and the settings. Returns the schema when there were no errors.
pub fn lower(
    files: &[TableFile],
    settings: &ast::SettingsFile,
    errs: &mut Vec<Diagnostic>,
) -> Schema {
    let mut tables: Vec<(Table, &TableFile)> = Vec::new();
    let mut by_name: HashMap<String, Span> = HashMap::new();
    for f in files {
        let name = f
            .table
            .as_ref()
            .map_or_else(|| f.stem.clone(), |t| t.value.clone());
        let name_span = f
            .table
            .as_ref()
            .map_or_else(|| f.span.clone(), |t| t.span.clone());
        if let Some(first) = by_name.get(&name) {
            errs.push(
                Diagnostic::error(
                    format!("two tables are named `{name}`"),
                    &name_span,
                    "second definition",
                )
                .also(first, "first defined here")
                .help("give one of them another name with `table = \"...\"`"),
            );
            continue;
        }
        by_name.insert(name.clone(), name_span.clone());
        let name_ok = names::check_table_name(&name, f, errs);
        let table = lower_table(f, name, name_ok, errs);
        names::check_table(&table, f, errs);
        tables.push((table, f));
    }
    check_foreign_keys(&tables, errs);
    check_global_names(&tables, errs);
    names::check_global(&tables, errs);
    for (t, f) in &tables {
        check_sql_expressions(t, f, errs);
    }
    let schema_tables: Vec<Table> = tables.iter().map(|(t, _)| t.clone()).collect();
    let settings = lower_settings(settings, errs);
    let mut out = Vec::new();
    for (mut t, f) in tables {
        t.relations = lower_relations(&t, f, &schema_tables, errs);
        t.serde_rename_all = match &f.serde_rename_all {
            Some(r) => rename_all(r, errs),
            None => settings.serde_rename_all.clone(),
        };
        out.push(t);
    }
    Schema {
        tables: out,
        settings,
    }
}

/// Every raw SQL field of a table is exactly one expression (see [`sql_expr`]), and a
/// `default_sql` of NULL does not sit on a NOT NULL column.
fn check_sql_expressions(t: &Table, f: &TableFile, errs: &mut Vec<Diagnostic>) {
    use sql_expr::Context;
    let Some(conn) = sql_expr::scratch(t) else {
        return; // names SQLite cannot take are reported elsewhere
    };
    let mut found = Vec::new();
    let mut check = |expr: &str, ctx, key: &str, span: &Span| {
        sql_expr::check(&conn, t, expr, ctx, key, span)
            .map_err(|d| found.push(d))
            .is_ok()
    };
    let mut nulls = Vec::new();
    for (c, def) in t.columns.iter().zip(&f.columns) {
        if let Some(x) = &def.check {
            check(
                &x.value,
                Context::Row,
                &format!("{}.check", c.name),
                &x.span,
            );
        }
        if let Some(x) = &def.default_sql
            && check(
                &x.value,
                Context::Constant,
                &format!("{}.default_sql", c.name),
                &x.span,
            )
        {
            let bare = x
                .value
                .trim()
                .trim_start_matches('(')
                .trim_end_matches(')')
                .trim();
            if bare.eq_ignore_ascii_case("null") && !c.nullable {
                nulls.push(
                    Diagnostic::error(
                        format!(
                            "`default_sql = \"{}\"` on `{}`, which is NOT NULL",
                            x.value, c.name
                        ),
                        &x.span,
                        "a NULL default",
                    )
                    .help("add `nullable = true`, or give a non-NULL default"),
                );
            }
        }
    }
    for (name, sql) in &f.checks {
        check(
            &sql.value,
            Context::Row,
            &format!("checks.{}", name.value),
            &sql.span,
        );
    }
    for ix in &f.indexes {
        if let Some(w) = &ix.where_sql {
            check(
                &w.value,
                Context::Row,
                &format!("indexes.{}.where", ix.name.value),
                &w.span,
            );
        }
    }
    errs.extend(found);
    errs.extend(nulls);
}

fn lower_settings(s: &ast::SettingsFile, errs: &mut Vec<Diagnostic>) -> Settings {
    let mut out = Settings::default();
    if let Some(d) = &s.migrations_dir {
        if d.value.trim().is_empty() {
            errs.push(Diagnostic::error(
                "`migrations_dir` is empty",
                &d.span,
                "empty path",
            ));
        }
        out.migrations_dir = d.value.clone();
        out.origins.migrations_dir = Origin(Some(d.span.clone()));
    }
    out.wrangler = s.wrangler.as_ref().map(|w| w.value.clone());
    if let Some(w) = &s.wrangler {
        out.origins.wrangler = Origin(Some(w.span.clone()));
    }
    if let Some(b) = &s.binding {
        let valid = !b.value.is_empty()
            && b.value
                .chars()
                .all(|c| c == '_' || c.is_ascii_alphanumeric());
        if !valid {
            errs.push(Diagnostic::error(
                format!("`{}` is not a valid binding name", b.value),
                &b.span,
                "letters, digits and `_` only",
            ));
        }
        out.binding = b.value.clone();
        out.origins.binding = Origin(Some(b.span.clone()));
    }
    out.allow_drop = s.allow_drop.iter().map(|a| a.value.clone()).collect();
    out.serde_rename_all = s
        .serde_rename_all
        .as_ref()
        .and_then(|r| rename_all(r, errs));
    out
}

/// serde's `rename_all` rules.
const RENAME_RULES: [&str; 8] = [
    "lowercase",
    "UPPERCASE",
    "PascalCase",
    "camelCase",
    "snake_case",
    "SCREAMING_SNAKE_CASE",
    "kebab-case",
    "SCREAMING-KEBAB-CASE",
];

fn rename_all(r: &Sp<String>, errs: &mut Vec<Diagnostic>) -> Option<String> {
    if RENAME_RULES.contains(&r.value.as_str()) {
        return Some(r.value.clone());
    }
    let d = Diagnostic::error(
        format!(
            "`serde_rename_all = \"{}\"` is not one of serde's rules",
            r.value
        ),
        &r.span,
        "unknown rule",
    );
    errs.push(match did_you_mean(&r.value, RENAME_RULES) {
        Some(s) => d.help(format!("did you mean \"{s}\"?")),
        None => d.help(format!("the rules are: {}", RENAME_RULES.join(", "))),
    });
    None
}

fn flag(b: &Option<Sp<bool>>) -> bool {
    b.as_ref().is_some_and(|b| b.value)
}

fn lower_table(f: &TableFile, name: String, name_ok: bool, errs: &mut Vec<Diagnostic>) -> Table {
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
            if name_ok && let Some(why) = names::bad_type_name(&derived) {
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
            }
            derived
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
    Table {
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
        origin: Origin(Some(names::table_name_span(f).clone())),
    }
}

fn unknown_column(name: &str, span: &Span, table: &str, columns: &[Column]) -> Diagnostic {
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

fn lower_column(c: &ColumnDef, struct_name: &str, errs: &mut Vec<Diagnostic>) -> Column {
    let name = &c.name.value;
    let ty = match ColumnType::from_name(&c.ty.value) {
        Some(t) => t,
        None => {
            let names = ColumnType::ALL.map(|(n, _)| n);
            let d = Diagnostic::error(
                format!("unknown type \"{}\"", c.ty.value),
                &c.ty.span,
                "unknown type",
            );
            errs.push(match did_you_mean(&c.ty.value.to_lowercase(), names) {
                Some(s) => d.help(format!("did you mean \"{s}\"?")),
                None => d.help(format!("the types are: {}", names.join(", "))),
            });
            ColumnType::Text
        }
    };
    if name.is_empty() {
        errs.push(Diagnostic::error(
            "a column name cannot be empty",
            &c.name.span,
            "empty",
        ));
    }
    let rust_name = match &c.rust_name {
        Some(r) if naming::is_valid_ident(&r.value) => r.value.clone(),
        Some(r) => {
            errs.push(Diagnostic::error(
                format!("`{}` is not a valid Rust field name", r.value),
                &r.span,
                "invalid name",
            ));
            naming::field_name(name)
        }
        None => {
            let f = naming::field_name(name);
            if !naming::is_valid_ident(&f) {
                errs.push(
                    Diagnostic::error(
                        format!("column `{name}` has no valid Rust field name (`{f}`)"),
                        &c.name.span,
                        "here",
                    )
                    .help("set `rust_name = \"...\"`"),
                );
            }
            f
        }
    };
    let nullable = flag(&c.nullable);
    let enum_def = lower_enum(c, ty, struct_name, errs);
    if let (false, Some(r)) = (ty == ColumnType::Json, &c.rust) {
        {
            errs.push(
                Diagnostic::error(
                    "`rust` is only for json columns",
                    &r.span,
                    format!("this is a {} column", ty.name()),
                )
                .help("the Rust type of other columns follows from `type`"),
            );
        }
    }
    let json_rust = c.rust.as_ref().and_then(|r| {
        if syn::parse_str::<syn::Type>(&r.value).is_err() {
            errs.push(Diagnostic::error(
                format!("`{}` is not a Rust type", r.value),
                &r.span,
                "cannot parse this type",
            ));
            None
        } else {
            Some(r.value.clone())
        }
    });
    // Defaults: at most one kind.
    let kinds: Vec<&Span> = [
        c.default.as_ref().map(|d| &d.span),
        c.default_sql.as_ref().map(|d| &d.span),
        c.default_fn.as_ref().map(|d| &d.span),
    ]
    .into_iter()
    .flatten()
    .collect();
    if kinds.len() > 1 {
        errs.push(
            Diagnostic::error(
                format!("column `{name}` has more than one default"),
                kinds[1],
                "second default",
            )
            .also(kinds[0], "first default")
            .help("keep one of `default`, `default_sql`, `default_fn`"),
        );
    }
    let default = if let Some(d) = &c.default {
        lower_literal(d, ty, enum_def.as_ref(), errs).map(Default::Literal)
    } else {
        c.default_sql
            .as_ref()
            .map(|s| Default::Sql(s.value.clone()))
    };
    let default_fn = c
        .default_fn
        .as_ref()
        .and_then(|f| lower_fn(f, ty, "default_fn", errs));
    let on_update_fn = c
        .on_update_fn
        .as_ref()
        .and_then(|f| lower_fn(f, ty, "on_update_fn", errs));
    if let Some(Sp {
        value: DefaultFn::UuidV4 | DefaultFn::Cuid2,
        ..
    }) = c
        .on_update_fn
        .as_ref()
        .zip(on_update_fn)
        .map(|(f, v)| Sp::new(v, f.span.clone()))
    {
        errs.push(Diagnostic::error(
            "`on_update_fn` only supports \"now\"",
            &c.on_update_fn.as_ref().expect("set").span,
            "not \"now\"",
        ));
    }
    let references = c.references.as_ref().map(|r| {
        let (table, column) = match r.value.split_once('.') {
            Some((t, c)) if !t.is_empty() && !c.is_empty() => (t.to_owned(), c.to_owned()),
            _ => {
                errs.push(
                    Diagnostic::error(
                        format!("`references = \"{}\"` is not `table.column`", r.value),
                        &r.span,
                        "expected `table.column`",
                    )
                    .help(format!(
                        "e.g. `references = \"{}.id\"`",
                        if r.value.is_empty() {
                            "users"
                        } else {
                            &r.value
                        }
                    )),
                );
                (String::new(), String::new())
            }
        };
        ForeignKey {
            table,
            column,
            on_delete: c.on_delete.as_ref().and_then(|a| lower_action(a, errs)),
            on_update: c.on_update.as_ref().and_then(|a| lower_action(a, errs)),
        }
    });
    if references.is_none() {
        for a in [&c.on_delete, &c.on_update].into_iter().flatten() {
            errs.push(
                Diagnostic::error(
                    "a foreign key action without `references`",
                    &a.span,
                    "no foreign key",
                )
                .help("add `references = \"table.column\"`"),
            );
        }
    }
    if let Some(fk) = &references
        && fk.on_delete == Some(FkAction::SetNull)
        && !nullable
    {
        {
            errs.push(
                Diagnostic::error(
                    format!("`on_delete = \"set null\"` on `{name}`, which is not nullable"),
                    &c.on_delete.as_ref().expect("set").span,
                    "cannot set NULL",
                )
                .help("add `nullable = true`, or choose another action"),
            );
        }
    }
    if let Some(fk) = &references
        && fk.on_delete == Some(FkAction::SetDefault)
        && !nullable
        && c.default.is_none()
        && c.default_sql.is_none()
    {
        errs.push(
            Diagnostic::error(
                format!("`on_delete = \"set default\"` on `{name}`, which is NOT NULL and has no default"),
                &c.on_delete.as_ref().expect("set").span,
                "no default to set",
            )
            .help("give the column a `default` (the key of a row that always exists), or choose another action"),
        );
    }
    let auto_increment = flag(&c.auto_increment);
    Column {
        name: name.clone(),
        rust_name,
        ty,
        nullable,
        auto_increment,
        unique: flag(&c.unique),
        default,
        default_fn,
        on_update_fn,
        references,
        check: c.check.as_ref().map(|s| s.value.clone()),
        enum_def,
        json_rust,
        doc: c.doc.as_ref().map(|d| d.value.clone()),
        renamed_from: c.renamed_from.as_ref().map(|r| r.value.clone()),
        allow_destructive: flag(&c.allow_destructive),
        origin: Origin(Some(c.name.span.clone())),
    }
}

fn lower_enum(
    c: &ColumnDef,
    ty: ColumnType,
    struct_name: &str,
    errs: &mut Vec<Diagnostic>,
) -> Option<EnumDef> {
    if ty != ColumnType::Enum {
        for (key, span) in [
            ("values", c.values.as_ref().map(|v| &v.span)),
            ("enum_name", c.enum_name.as_ref().map(|v| &v.span)),
        ] {
            if let Some(span) = span {
                errs.push(
                    Diagnostic::error(
                        format!("`{key}` is only for enum columns"),
                        span,
                        format!("this is a {} column", c.ty.value),
                    )
                    .help("set `type = \"enum\"`"),
                );
            }
        }
        return None;
    }
    let Some(values) = &c.values else {
        errs.push(
            Diagnostic::error(
                format!("enum column `{}` has no `values`", c.name.value),
                &c.ty.span,
                "needs values",
            )
            .help("add `values = [\"a\", \"b\"]`"),
        );
        return None;
    };
    if values.value.is_empty() {
        errs.push(Diagnostic::error(
            "an enum needs at least one value",
            &values.span,
            "empty",
        ));
    }
    let mut variants: HashMap<String, &Span> = HashMap::new();
    for v in &values.value {
        let variant = naming::variant_name(&v.value);
        if v.value.contains('\0') {
            errs.push(nul_in_text(&v.span, "an enum value"));
        } else if !naming::is_valid_ident(&variant) || naming::is_keyword(&variant) {
            let why = if variant.is_empty() {
                "no letters or digits"
            } else if naming::is_keyword(&variant) {
                "a Rust keyword"
            } else {
                "needs a letter first"
            };
            errs.push(
                Diagnostic::error(
                    format!(
                        "enum value \"{}\" does not make a Rust variant name (`{variant}`)",
                        v.value
                    ),
                    &v.span,
                    why,
                )
                .help("variants are the values in UpperCamelCase; use a value that starts with a letter and is not a keyword"),
            );
        } else if let Some(first) = variants.get(&variant) {
            errs.push(
                Diagnostic::error(
                    format!("two values make the variant `{variant}`"),
                    &v.span,
                    "second",
                )
                .also(first, "first"),
            );
        }
        variants.insert(variant, &v.span);
    }
    let name = match &c.enum_name {
        Some(n) => {
            if let Some(why) = names::bad_type_name(&n.value) {
                errs.push(
                    Diagnostic::error(why, &n.span, "enum name").help("choose another `enum_name`"),
                );
            }
            n.value.clone()
        }
        None => {
            let derived = naming::enum_name(struct_name, &c.name.value);
            if let Some(why) = names::bad_type_name(&derived) {
                errs.push(
                    Diagnostic::error(
                        format!(
                            "column `{}` makes the enum name `{derived}`: {why}",
                            c.name.value
                        ),
                        &c.name.span,
                        "enum name derived from this",
                    )
                    .help("set `enum_name = \"...\"` on this column"),
                );
            }
            derived
        }
    };
    Some(EnumDef {
        name,
        values: values.value.iter().map(|v| v.value.clone()).collect(),
    })
}

fn lower_literal(
    d: &Sp<Literal>,
    ty: ColumnType,
    e: Option<&EnumDef>,
    errs: &mut Vec<Diagnostic>,
) -> Option<String> {
    literal_sql(d, ty, e).map_err(|diag| errs.push(diag)).ok()
}

fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

/// The SQL text of a literal default, or why it does not fit the column.
fn literal_sql(d: &Sp<Literal>, ty: ColumnType, e: Option<&EnumDef>) -> Result<String, Diagnostic> {
    let mismatch = |want: &str| {
        Diagnostic::error(
            format!(
                "`default` is {}, but this is {} {} column",
                d.value.kind(),
                article(ty.name()),
                ty.name()
            ),
            &d.span,
            format!("expected {want}"),
        )
    };
    Ok(match (&d.value, ty) {
        (
            Literal::Int(i),
            ColumnType::Integer | ColumnType::Timestamp | ColumnType::TimestampMs,
        ) => i.to_string(),
        (Literal::Int(i), ColumnType::Real) => format!("{i}.0"),
        (Literal::Float(f), ColumnType::Real) => format!("{f:?}"),
        (Literal::Bool(b), ColumnType::Boolean) => (if *b { "1" } else { "0" }).to_owned(),
        (Literal::Str(s), _) if s.contains('\0') => return Err(nul_in_text(&d.span, "a default")),
        (Literal::Str(s), ColumnType::Text) => quote_str(s),
        (Literal::Str(s), ColumnType::Json) => {
            if serde_json::from_str::<serde_json::Value>(s).is_err() {
                return Err(Diagnostic::error(
                    "the default of a json column must be JSON text",
                    &d.span,
                    "not valid JSON",
                )
                .help("e.g. `default = \"[]\"` or `default = \"{}\"`"));
            }
            quote_str(s)
        }
        (Literal::Str(s), ColumnType::Enum) => {
            // An enum without values was reported already.
            let Some(e) = e else { return Ok(quote_str(s)) };
            if !e.values.contains(s) {
                let d = Diagnostic::error(
                    format!("default \"{s}\" is not one of the enum's values"),
                    &d.span,
                    "not a value",
                );
                return Err(match did_you_mean(s, e.values.iter().map(String::as_str)) {
                    Some(v) => d.help(format!("did you mean \"{v}\"?")),
                    None => d.help(format!("the values are: {}", e.values.join(", "))),
                });
            }
            quote_str(s)
        }
        (_, ColumnType::Integer) => return Err(mismatch("an integer")),
        (_, ColumnType::Real) => return Err(mismatch("a number")),
        (_, ColumnType::Boolean) => return Err(mismatch("`true` or `false`")),
        (_, ColumnType::Text | ColumnType::Json | ColumnType::Enum) => {
            return Err(mismatch("a string"));
        }
        (_, ColumnType::Timestamp | ColumnType::TimestampMs) => {
            return Err(mismatch("an integer (epoch)")
                .help("for the current time use `default_fn = \"now\"` or `default_sql = \"(unixepoch())\"`"));
        }
        (_, ColumnType::Blob) => {
            return Err(mismatch("nothing: blobs take `default_sql`")
                .help("e.g. `default_sql = \"(x'')\"`"));
        }
    })
}

/// SQLite's text literals end at a NUL byte: a default or enum value with one would be cut.
fn nul_in_text(span: &Span, what: &str) -> Diagnostic {
    Diagnostic::error(
        format!("{what} cannot contain a NUL character (\\u0000)"),
        span,
        "contains NUL",
    )
    .help("SQLite's SQL text ends a literal at NUL; remove it (values with NUL can still be inserted, bound as parameters)")
}

fn lower_fn(
    f: &Sp<String>,
    ty: ColumnType,
    key: &str,
    errs: &mut Vec<Diagnostic>,
) -> Option<DefaultFn> {
    let Some(func) = DefaultFn::ALL
        .iter()
        .find(|(n, _)| *n == f.value)
        .map(|(_, v)| *v)
    else {
        let names = DefaultFn::ALL.map(|(n, _)| n);
        let d = Diagnostic::error(
            format!("unknown {key} \"{}\"", f.value),
            &f.span,
            "unknown function",
        );
        errs.push(match did_you_mean(&f.value, names) {
            Some(s) => d.help(format!("did you mean \"{s}\"?")),
            None => d.help(format!("the functions are: {}", names.join(", "))),
        });
        return None;
    };
    let ok = match func {
        DefaultFn::Now => matches!(ty, ColumnType::Timestamp | ColumnType::TimestampMs),
        DefaultFn::UuidV4 | DefaultFn::Cuid2 => ty == ColumnType::Text,
    };
    if !ok {
        let want = if func == DefaultFn::Now {
            "timestamp or timestamp_ms"
        } else {
            "text"
        };
        errs.push(Diagnostic::error(
            format!("{key} \"{}\" on a {} column", f.value, ty.name()),
            &f.span,
            format!("needs a {want} column"),
        ));
        return None;
    }
    Some(func)
}

fn lower_action(a: &Sp<String>, errs: &mut Vec<Diagnostic>) -> Option<FkAction> {
    let norm = a.value.to_lowercase().replace('_', " ");
    if let Some((_, act)) = FkAction::ALL.iter().find(|(n, _)| *n == norm) {
        return Some(*act);
    }
    let names = FkAction::ALL.map(|(n, _)| n);
    let d = Diagnostic::error(
        format!("unknown foreign key action \"{}\"", a.value),
        &a.span,
        "unknown action",
    );
    errs.push(match did_you_mean(&norm, names) {
        Some(s) => d.help(format!("did you mean \"{s}\"?")),
        None => d.help(format!("the actions are: {}", names.join(", "))),
    });
    None
}

fn check_foreign_keys(tables: &[(Table, &TableFile)], errs: &mut Vec<Diagnostic>) {
    let find = |name: &str| tables.iter().map(|(t, _)| t).find(|t| t.name == name);
    for (t, f) in tables.iter() {
        for (c, def) in t.columns.iter().zip(&f.columns) {
            let (Some(fk), Some(r)) = (&c.references, &def.references) else {
                continue;
            };
            if fk.table.is_empty() {
                continue;
            }
            let Some(parent) = find(&fk.table) else {
                let d = Diagnostic::error(
                    format!(
                        "`{}` references table `{}`, which does not exist",
                        c.name, fk.table
                    ),
                    &r.span,
                    "unknown table",
                );
                errs.push(
                    match did_you_mean(&fk.table, tables.iter().map(|(t, _)| t.name.as_str())) {
                        Some(s) => d.help(format!("did you mean `{s}`?")),
                        None => d.help("each table is a file in the schema folder; check the name"),
                    },
                );
                continue;
            };
            let Some(parent_ty) = parent.column(&fk.column).map(|p| p.ty) else {
                let d = Diagnostic::error(
                    format!(
                        "`{}` references `{}.{}`, which does not exist",
                        c.name, fk.table, fk.column
                    ),
                    &r.span,
                    "unknown column",
                );
                let names = || parent.columns.iter().map(|p| p.name.as_str());
                errs.push(match did_you_mean(&fk.column, names()) {
                    Some(s) => d.help(format!("did you mean `{}.{s}`?", fk.table)),
                    None => d.help(format!(
                        "`{}` has: {}",
                        fk.table,
                        names().collect::<Vec<_>>().join(", ")
                    )),
                });
                continue;
            };
            if parent_ty.sql_type() != c.ty.sql_type() {
                errs.push(
                    Diagnostic::error(
                        format!(
                            "foreign key type mismatch: `{}.{}` is {} but `{}.{}` is {}",
                            t.name,
                            c.name,
                            c.ty.name(),
                            fk.table,
                            fk.column,
                            parent_ty.name()
                        ),
                        &def.ty.span,
                        format!("should be {}", parent_ty.name()),
                    )
                    .also(&r.span, "references this"),
                );
            }
            let unique_index = parent
                .indexes
                .iter()
                .any(|i| i.unique && i.where_sql.is_none() && i.columns == [fk.column.clone()]);
            let keyed = parent.primary_key == [fk.column.clone()]
                || parent.column(&fk.column).is_some_and(|p| p.unique)
                || unique_index;
            if !keyed {
                errs.push(
                    Diagnostic::error(
                        format!("`{}.{}` is neither the primary key nor unique, so it cannot be referenced", fk.table, fk.column),
                        &r.span,
                        "not a key",
                    )
                    .help(format!("reference `{}`'s primary key, or add `unique = true` to `{}.{}`", fk.table, fk.table, fk.column)),
                );
            }
        }
    }
}

/// Index names are global in SQLite, and so are enum names in the generated module.
fn check_global_names(tables: &[(Table, &TableFile)], errs: &mut Vec<Diagnostic>) {
    let mut indexes: BTreeMap<&str, &Span> = BTreeMap::new();
    let mut enums: BTreeMap<&str, (&Vec<String>, &Span)> = BTreeMap::new();
    for (t, f) in tables {
        for (ix, def) in t.indexes.iter().zip(&f.indexes) {
            if let Some(first) = indexes.get(ix.name.as_str()) {
                errs.push(
                    Diagnostic::error(format!("two indexes are named `{}`", ix.name), &def.name.span, "second")
                        .also(first, "first")
                        .help("index names are shared by the whole database; prefix them with the table name"),
                );
            }
            indexes.insert(&ix.name, &def.name.span);
        }
        for (c, def) in t.columns.iter().zip(&f.columns) {
            let Some(e) = &c.enum_def else { continue };
            let span = def.enum_name.as_ref().map_or(&def.name.span, |n| &n.span);
            match enums.get(e.name.as_str()) {
                Some((values, _)) if *values == &e.values => {}
                Some((_, first)) => errs.push(
                    Diagnostic::error(
                        format!("two different enums are named `{}`", e.name),
                        span,
                        "second",
                    )
                    .also(first, "first")
                    .help("columns may share an `enum_name` only when their values are the same"),
                ),
                None => {
                    enums.insert(&e.name, (&e.values, span));
                }
            }
        }
    }
}

fn lower_relations(
    t: &Table,
    f: &TableFile,
    all: &[Table],
    errs: &mut Vec<Diagnostic>,
) -> Vec<Relation> {
    let mut out = Vec::new();
    let mut names: HashMap<&str, &Span> = HashMap::new();
    let mut rel_types: HashMap<String, &Span> = HashMap::new();
    for r in &f.relations {
        if let Some(first) = names.get(r.name.value.as_str()) {
            errs.push(
                Diagnostic::error(
                    format!("two relations are named `{}`", r.name.value),
                    &r.name.span,
                    "second",
                )
                .also(first, "first"),
            );
            continue;
        }
        names.insert(&r.name.value, &r.name.span);
        if !naming::is_valid_ident(&r.name.value) {
            errs.push(Diagnostic::error(
                format!("relation name `{}` is not a valid Rust name", r.name.value),
                &r.name.span,
                "invalid",
            ));
            continue;
        }
        let type_name = heck::ToUpperCamelCase::to_upper_camel_case(r.name.value.as_str());
        if !naming::is_valid_ident(&type_name) || naming::is_keyword(&type_name) {
            errs.push(
                Diagnostic::error(
                    format!(
                        "relation name `{}` does not make a Rust type name (`{type_name}`)",
                        r.name.value
                    ),
                    &r.name.span,
                    "invalid",
                )
                .help("name relations with letters, e.g. `author` or `comments`"),
            );
            continue;
        }
        if let Some(first) = rel_types.get(&type_name) {
            errs.push(
                Diagnostic::error(
                    format!("two relations make the type `rel::{type_name}`"),
                    &r.name.span,
                    "second",
                )
                .also(first, "first")
                .help("rename one of the relations"),
            );
            continue;
        }
        rel_types.insert(type_name, &r.name.span);
        if let Some(c) = t.columns.iter().find(|c| c.rust_name == r.name.value) {
            errs.push(
                Diagnostic::error(
                    format!("relation `{}` has the name of column `{}`", r.name.value, c.name),
                    &r.name.span,
                    "clashes with the column handle",
                )
                .help(format!(
                    "rename the relation, or give the column a `rust_name`: `{}::{}` would name both",
                    t.name, r.name.value
                )),
            );
            continue;
        }
        if matches!(r.name.value.as_str(), "table" | "rel" | "Table") {
            errs.push(Diagnostic::error(
                format!("a relation cannot be named `{}`", r.name.value),
                &r.name.span,
                "reserved name",
            ));
            continue;
        }
        let Some(target) = all.iter().find(|x| x.name == r.target.value) else {
            let d = Diagnostic::error(
                format!(
                    "relation `{}` points at table `{}`, which does not exist",
                    r.name.value, r.target.value
                ),
                &r.target.span,
                "unknown table",
            );
            errs.push(
                match did_you_mean(&r.target.value, all.iter().map(|x| x.name.as_str())) {
                    Some(s) => d.help(format!("did you mean `{s}`?")),
                    None => d,
                },
            );
            continue;
        };
        let wrong_key = |what: &str, span: &Span| -> Diagnostic {
            Diagnostic::error(
                format!("relation `{}`: {what}", r.name.value),
                span,
                "does not match a foreign key",
            )
        };
        match r.kind {
            RelationKind::BelongsTo => {
                let key = r
                    .key
                    .as_ref()
                    .map_or_else(|| format!("{}_id", r.name.value), |k| k.value.clone());
                let span = r.key.as_ref().map_or(&r.name.span, |k| &k.span);
                match t
                    .column(&key)
                    .and_then(|c| c.references.as_ref().map(|fk| (c, fk)))
                {
                    Some((c, fk)) if fk.table == target.name => out.push(Relation::BelongsTo {
                        name: r.name.value.clone(),
                        target: target.name.clone(),
                        key,
                        target_key: fk.column.clone(),
                        optional: c.nullable,
                    }),
                    Some((_, fk)) => errs.push(wrong_key(
                        &format!("`{key}` references `{}`, not `{}`", fk.table, target.name),
                        span,
                    )),
                    None if t.column(&key).is_none() => {
                        let mut d = wrong_key(&format!("`{}` has no column `{key}`", t.name), span);
                        if r.key.is_none() {
                            d = d.help(format!("the key defaults to `<relation>_id`; set `key = \"...\"` to the column that references `{}`", target.name));
                        }
                        errs.push(d)
                    }
                    None => errs.push(
                        wrong_key(&format!("`{key}` has no `references`"), span).help(format!(
                            "add `references = \"{}.{}\"` to `{key}`",
                            target.name,
                            target.primary_key.first().map_or("id", String::as_str)
                        )),
                    ),
                }
            }
            RelationKind::HasMany | RelationKind::HasOne => {
                let fk_col = r
                    .foreign_key
                    .as_ref()
                    .map_or_else(|| naming::default_foreign_key(&t.name), |k| k.value.clone());
                let span = r.foreign_key.as_ref().map_or(&r.target.span, |k| &k.span);
                match target.column(&fk_col).and_then(|c| c.references.as_ref()) {
                    Some(fk) if fk.table == t.name => out.push(Relation::Has {
                        name: r.name.value.clone(),
                        target: target.name.clone(),
                        foreign_key: fk_col,
                        key: fk.column.clone(),
                        many: r.kind == RelationKind::HasMany,
                    }),
                    Some(fk) => errs.push(wrong_key(
                        &format!(
                            "`{}.{fk_col}` references `{}`, not `{}`",
                            target.name, fk.table, t.name
                        ),
                        span,
                    )),
                    None => errs.push(
                        wrong_key(
                            &format!(
                                "`{}.{fk_col}` is not a foreign key to `{}`",
                                target.name, t.name
                            ),
                            span,
                        )
                        .help(format!(
                            "set `foreign_key` to the column of `{}` that references `{}`",
                            target.name, t.name
                        )),
                    ),
                }
            }
            RelationKind::ManyToMany => {
                let Some(through) = &r.through else {
                    errs.push(
                        Diagnostic::error(
                            format!("relation `{}` needs `through`", r.name.value),
                            &r.name.span,
                            "no join table",
                        )
                        .help("add `through = \"<join table>\"`"),
                    );
                    continue;
                };
                let Some(join) = all.iter().find(|x| x.name == through.value) else {
                    errs.push(Diagnostic::error(
                        format!("join table `{}` does not exist", through.value),
                        &through.span,
                        "unknown table",
                    ));
                    continue;
                };
                let to = |table: &str| -> Vec<&Column> {
                    join.columns
                        .iter()
                        .filter(|c| c.references.as_ref().is_some_and(|fk| fk.table == table))
                        .collect()
                };
                let (src, dst) = (to(&t.name), to(&target.name));
                let self_ref = t.name == target.name;
                let ok = if self_ref {
                    src.len() == 2
                } else {
                    src.len() == 1 && dst.len() == 1
                };
                if !ok {
                    errs.push(
                        Diagnostic::error(
                            format!(
                                "join table `{}` must have exactly one foreign key to `{}` and one to `{}` (has {} and {})",
                                join.name, t.name, target.name, src.len(), dst.len()
                            ),
                            &through.span,
                            "not a join table for this relation",
                        )
                        .help(if src.len() > 1 || dst.len() > 1 {
                            format!("a join table has exactly one key column per side; `{}` has more, so the pair is ambiguous: join through a table with one key to each", join.name)
                        } else {
                            format!("give `{}` a column with `references = \"{}.<key>\"` and one with `references = \"{}.<key>\"`", join.name, t.name, target.name)
                        }),
                    );
                    continue;
                }
                let (s, d) = if self_ref {
                    (src[0], src[1])
                } else {
                    (src[0], dst[0])
                };
                let (sk, dk) = (
                    s.references.as_ref().expect("fk"),
                    d.references.as_ref().expect("fk"),
                );
                out.push(Relation::ManyToMany {
                    name: r.name.value.clone(),
                    target: target.name.clone(),
                    through: join.name.clone(),
                    source_fk: s.name.clone(),
                    target_fk: d.name.clone(),
                    key: sk.column.clone(),
                    target_key: dk.column.clone(),
                });
            }
        }
    }
    out
}
