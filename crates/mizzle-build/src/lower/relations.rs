//! Relations: each is checked against the columns and foreign keys it names.

use std::collections::HashMap;

use crate::ast::{RelationKind, TableFile};
use crate::diag::{Diagnostic, Span};
use crate::naming::{self, did_you_mean};

use super::*;

pub(super) fn lower_relations(
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
                        origin: Origin(Some(r.name.span.clone())),
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
                        origin: Origin(Some(r.name.span.clone())),
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
                    origin: Origin(Some(r.name.span.clone())),
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

#[cfg(test)]
mod tests {
    use super::super::test_support::lower;
    use crate::ir::Relation;

    const USERS: (&str, &str) = (
        "users",
        "[columns]\nid = { type = \"integer\", primary_key = true }\n[relations]\nposts = { has_many = \"posts\", foreign_key = \"author_id\" }\n",
    );
    const POSTS: (&str, &str) = (
        "posts",
        "[columns]\nid = { type = \"integer\", primary_key = true }\nauthor_id = { type = \"integer\", references = \"users.id\" }\n[relations]\nauthor = { belongs_to = \"users\", key = \"author_id\" }\n",
    );

    #[test]
    fn relations_lower_to_their_keys() {
        let (schema, errs) = lower(&[USERS, POSTS]);
        assert!(errs.is_empty(), "{errs:?}");
        let users = schema.table("users").unwrap();
        assert!(
            matches!(&users.relations[0], Relation::Has { foreign_key, many: true, .. } if foreign_key == "author_id")
        );
        let posts = schema.table("posts").unwrap();
        assert!(
            matches!(&posts.relations[0], Relation::BelongsTo { key, target_key, .. } if key == "author_id" && target_key == "id")
        );
    }

    #[test]
    fn a_relation_that_matches_no_foreign_key_is_reported() {
        let (_, errs) = lower(&[
            (
                "users",
                "[columns]\nid = { type = \"integer\", primary_key = true }\n[relations]\nposts = { has_many = \"posts\" }\n",
            ),
            POSTS,
        ]);
        assert!(
            errs.iter()
                .any(|m| m.contains("is not a foreign key to `users`")),
            "{errs:?}"
        );
        let (_, errs) = lower(&[
            USERS,
            (
                "posts",
                "[columns]\nid = { type = \"integer\", primary_key = true }\nauthor_id = { type = \"integer\", references = \"users.id\" }\n[relations]\nauthor = { belongs_to = \"users\", key = \"id\" }\n",
            ),
        ]);
        assert!(
            errs.iter().any(|m| m.contains("`id` has no `references`")),
            "{errs:?}"
        );
    }
}
