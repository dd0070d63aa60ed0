//! Lowering one column: type, Rust name, defaults, foreign key, enum.

use std::collections::HashMap;

use crate::ast::ColumnDef;
use crate::diag::{Diagnostic, Origin, Sp, Span};
use crate::naming::{self, did_you_mean};

use super::*;

pub(super) fn lower_column(c: &ColumnDef, struct_name: &str, errs: &mut Vec<Diagnostic>) -> Column {
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
    if let Some(d) = &c.db_check
        && !matches!(ty, ColumnType::Boolean | ColumnType::Enum)
    {
        errs.push(
            Diagnostic::error(
                format!("`db_check` on `{name}`, which is {} {} column", article(ty.name()), ty.name()),
                &d.span,
                "only for boolean and enum columns",
            )
            .help("`db_check = false` leaves out the CHECK a boolean or enum column gets; other columns take `check = \"...\"`"),
        );
    }
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
        db_check: c.db_check.as_ref().is_none_or(|d| d.value),
        // Settled by the table (its `client_input` default), see `lower_table`.
        input: true,
        origin: Origin(Some(c.name.span.clone())),
    }
}

pub(super) fn lower_enum(
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

#[cfg(test)]
mod tests {
    use super::super::test_support::{messages, tables};
    use super::*;

    fn one(def: &str) -> (Column, Vec<String>) {
        let f = &tables(&[("t", &format!("[columns]\n{def}\n"))])[0];
        let mut errs = Vec::new();
        let c = lower_column(&f.columns[0], "T", &mut errs);
        (c, messages(&errs))
    }

    #[test]
    fn a_column_lowers_to_its_type_name_and_defaults() {
        let (c, errs) =
            one("status = { type = \"enum\", values = [\"a\", \"b-c\"], default = \"a\" }");
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!(c.ty, ColumnType::Enum);
        assert_eq!(c.enum_def.unwrap().name, "TStatus");
        assert_eq!(c.default, Some(crate::ir::Default::Literal("'a'".into())));
    }

    #[test]
    fn column_mistakes_are_reported() {
        assert!(one("a = { type = \"integr\" }").1[0].contains("unknown type"));
        assert!(
            one("a = { type = \"integer\", on_delete = \"cascade\" }").1[0]
                .contains("without `references`")
        );
        assert!(
            one("a = { type = \"integer\", references = \"u.id\", on_delete = \"set null\" }").1[0]
                .contains("not nullable")
        );
        assert!(
            one("a = { type = \"enum\", values = [\"self\"] }").1[0]
                .contains("does not make a Rust variant name")
        );
        assert!(
            one("a = { type = \"text\", default = \"x\", default_sql = \"'y'\" }").1[0]
                .contains("more than one default")
        );
    }
}
