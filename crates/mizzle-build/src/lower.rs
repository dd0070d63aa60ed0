//! Checks the parsed schema and lowers it to the [`ir`](crate::ir). Every mistake becomes a
//! spanned [`Diagnostic`]; nothing here panics on user input.

use std::collections::HashMap;

use crate::ast::{self, TableFile};
use crate::diag::{Diagnostic, Origin, Sp, Span};
use crate::ir::*;
use crate::naming::did_you_mean;

mod column;
mod cross;
pub(crate) mod lint;
mod literal;
mod names;
pub(crate) use names::{bad_type_name, module_name_ok, reserved_sql_name};
mod relations;
mod sql_expr;
mod table;

use column::*;
use cross::*;
use literal::*;

use relations::*;
use table::*;

/// Lowers every table file and the settings. Returns the schema when there were no errors.
pub fn lower(
    files: &[TableFile],
    settings: &ast::SettingsFile,
    errs: &mut Vec<Diagnostic>,
) -> Schema {
    let mut tables: Vec<(Table, &TableFile)> = Vec::new();
    let mut by_name: HashMap<String, Span> = HashMap::new();
    let mut warnings = Vec::new();
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
        let table = lower_table(f, name, name_ok, errs, &mut warnings);
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
    for a in &settings.allow_scans {
        let table = a.value.split(':').next().unwrap_or("").trim();
        if !table.is_empty() && !schema_tables.iter().any(|t| t.name == table) {
            errs.push(Diagnostic::error(
                format!("`allow_scans` names `{table}`, which is no table of the schema"),
                &a.span,
                "unknown table",
            ));
        }
    }
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
        warnings,
        seed: crate::ir::SeedConfig::default(),
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
        if !valid_binding_name(&b.value) {
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
    for d in &s.databases {
        if !valid_binding_name(&d.value) {
            errs.push(Diagnostic::error(
                format!("`{}` is not a valid binding name", d.value),
                &d.span,
                "letters, digits and `_` only",
            ));
        } else if out.databases.contains(&d.value) {
            errs.push(Diagnostic::error(
                format!("`{}` is listed twice in `databases`", d.value),
                &d.span,
                "again here",
            ));
        }
        out.databases.push(d.value.clone());
        out.database_origins.push(Origin(Some(d.span.clone())));
    }
    for a in &s.allow_scans {
        match a.value.split_once(':') {
            Some((t, why)) if !t.trim().is_empty() && !why.trim().is_empty() => out
                .allow_scans
                .push((t.trim().to_owned(), why.trim().to_owned())),
            _ => errs.push(
                Diagnostic::error(
                    format!("`{}` is not `table: why`", a.value),
                    &a.span,
                    "an allowed scan names its table and its reason",
                )
                .help(
                    "write `allow_scans = [\"tags: a dozen rows, read whole by the tag cloud\"]`",
                ),
            ),
        }
    }
    lower_target(s, &mut out, errs);
    if let Some(l) = &s.unindexed_lookups {
        out.unindexed_lookups = match l.value.as_str() {
            "warn" => crate::ir::LintLevel::Warn,
            "error" => crate::ir::LintLevel::Error,
            "allow" => crate::ir::LintLevel::Allow,
            other => {
                errs.push(
                    Diagnostic::error(
                        format!("`unindexed_lookups = \"{other}\"` is not a level"),
                        &l.span,
                        "unknown level",
                    )
                    .help("the levels are \"warn\" (the default), \"error\" and \"allow\""),
                );
                crate::ir::LintLevel::Warn
            }
        };
    }
    out.serde_rename_all = s
        .serde_rename_all
        .as_ref()
        .and_then(|r| rename_all(r, errs));
    out
}

/// A name wrangler accepts for a binding or a class: letters, digits and `_`.
fn valid_binding_name(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c == '_' || c.is_ascii_alphanumeric())
}

/// `target`, `durable_object` and `durable_object_binding`.
fn lower_target(s: &ast::SettingsFile, out: &mut Settings, errs: &mut Vec<Diagnostic>) {
    use crate::ir::{DurableObject, Target};
    const TARGETS: [&str; 3] = ["d1", "durable_object", "both"];
    out.target = match s.target.as_ref().map(|t| (t, t.value.as_str())) {
        None | Some((_, "d1")) => Target::D1,
        Some((_, "durable_object")) => Target::DurableObject,
        Some((_, "both")) => Target::Both,
        Some((t, other)) => {
            let d = Diagnostic::error(
                format!("`target = \"{other}\"` is not a target"),
                &t.span,
                "unknown target",
            );
            errs.push(match did_you_mean(other, TARGETS) {
                Some(s) => d.help(format!("did you mean \"{s}\"?")),
                None => d.help("the targets are \"d1\", \"durable_object\" and \"both\""),
            });
            return;
        }
    };
    for v in [&s.durable_object, &s.durable_object_binding]
        .into_iter()
        .flatten()
    {
        if !valid_binding_name(&v.value) {
            errs.push(Diagnostic::error(
                format!("`{}` is not a valid class or binding name", v.value),
                &v.span,
                "letters, digits and `_` only",
            ));
        }
    }
    match (
        out.target.durable_object(),
        &s.durable_object,
        &s.durable_object_binding,
    ) {
        (true, Some(class), Some(binding)) => {
            out.durable_object = Some(DurableObject {
                class: class.value.clone(),
                binding: binding.value.clone(),
                origin: Origin(Some(class.span.clone())),
            });
        }
        (true, class, _) => {
            let what = if class.is_some() {
                "durable_object_binding"
            } else {
                "durable_object"
            };
            let d = match &s.target {
                Some(t) => Diagnostic::error(
                    format!("`target = \"{}\"` needs `{what}`", t.value),
                    &t.span,
                    format!("no `{what}` beside it"),
                ),
                None => Diagnostic::bare(format!("the settings need `{what}`")),
            };
            errs.push(d.help(
                "name the class and its binding as wrangler.jsonc declares them: \
                 `durable_object = \"Notebook\"` and `durable_object_binding = \"NOTEBOOKS\"`",
            ));
        }
        (false, Some(v), _) | (false, None, Some(v)) => errs.push(
            Diagnostic::error(
                "a Durable Object is named, but the schema's target is D1 only",
                &v.span,
                "unused without a Durable Object target",
            )
            .help("add `target = \"durable_object\"` (objects only) or `target = \"both\"`"),
        ),
        (false, None, None) => {}
    }
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

/// Small schemas for the unit tests of each part: TOML → AST → the part under test.
#[cfg(test)]
pub(crate) mod test_support {
    use crate::ast::TableFile;
    use crate::diag::{Diagnostic, Sources};

    /// Parses `files` (stem, TOML) into table ASTs, panicking on a parse error.
    pub fn tables(files: &[(&str, &str)]) -> Vec<TableFile> {
        let mut sources = Sources::default();
        let mut errs: Vec<Diagnostic> = Vec::new();
        let out = files
            .iter()
            .filter_map(|(stem, text)| {
                let id = sources.add(format!("schema/{stem}.toml"), *text);
                crate::parse::table_file(id, stem, text, &mut errs)
            })
            .collect();
        assert!(errs.is_empty(), "parse errors: {errs:?}");
        out
    }

    /// The messages of `errs`, for assertions.
    pub fn messages(errs: &[Diagnostic]) -> Vec<String> {
        errs.iter().map(|d| d.message.clone()).collect()
    }

    /// Lowers `files` with default settings: (schema, messages).
    pub fn lower(files: &[(&str, &str)]) -> (crate::ir::Schema, Vec<String>) {
        let tables = tables(files);
        let mut errs = Vec::new();
        let schema = super::lower(&tables, &Default::default(), &mut errs);
        (schema, messages(&errs))
    }
}
