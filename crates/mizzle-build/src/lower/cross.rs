//! Rules across tables: foreign keys point at keys of the right type; index and enum
//! names are unique.

use std::collections::BTreeMap;

use crate::ast::TableFile;
use crate::diag::{Diagnostic, Span};
use crate::naming::did_you_mean;

use super::*;

pub(super) fn check_foreign_keys(tables: &[(Table, &TableFile)], errs: &mut Vec<Diagnostic>) {
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
pub(super) fn check_global_names(tables: &[(Table, &TableFile)], errs: &mut Vec<Diagnostic>) {
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

#[cfg(test)]
mod tests {
    use super::super::test_support::lower;

    #[test]
    fn foreign_keys_must_point_at_keys_of_the_same_type() {
        let users = (
            "users",
            "[columns]\nid = { type = \"integer\", primary_key = true }\nname = \"text\"\n",
        );
        let (_, errs) = lower(&[
            users,
            (
                "posts",
                "[columns]\nid = { type = \"integer\", primary_key = true }\nby = { type = \"text\", references = \"users.id\" }\n",
            ),
        ]);
        assert!(
            errs.iter().any(|m| m.contains("foreign key type mismatch")),
            "{errs:?}"
        );
        let (_, errs) = lower(&[
            users,
            (
                "posts",
                "[columns]\nid = { type = \"integer\", primary_key = true }\nby = { type = \"text\", references = \"users.name\" }\n",
            ),
        ]);
        assert!(
            errs.iter()
                .any(|m| m.contains("neither the primary key nor unique")),
            "{errs:?}"
        );
        let (_, errs) = lower(&[
            users,
            (
                "posts",
                "[columns]\nid = { type = \"integer\", primary_key = true }\nby = { type = \"integer\", references = \"user.id\" }\n",
            ),
        ]);
        assert!(
            errs.iter().any(|m| m.contains("which does not exist")),
            "{errs:?}"
        );
    }

    #[test]
    fn index_and_enum_names_are_unique() {
        let (_, errs) = lower(&[
            (
                "a",
                "[columns]\nid = { type = \"integer\", primary_key = true }\n[indexes]\nix = { columns = [\"id\"] }\n",
            ),
            (
                "b",
                "[columns]\nid = { type = \"integer\", primary_key = true }\nk = { type = \"enum\", values = [\"x\"], enum_name = \"Kind\" }\n[indexes]\nix = { columns = [\"id\"] }\n",
            ),
            (
                "c",
                "[columns]\nid = { type = \"integer\", primary_key = true }\nk = { type = \"enum\", values = [\"y\"], enum_name = \"Kind\" }\n",
            ),
        ]);
        assert!(
            errs.iter()
                .any(|m| m.contains("two indexes are named `ix`")),
            "{errs:?}"
        );
        assert!(
            errs.iter()
                .any(|m| m.contains("two different enums are named `Kind`")),
            "{errs:?}"
        );
    }
}
