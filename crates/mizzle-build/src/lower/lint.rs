//! Lookups no index serves. D1 and Durable Objects bill the rows a statement reads, not
//! the rows it returns: a relation that looks up children by a foreign key column with no
//! index starting with it reads the whole child table once per parent, and so does every
//! delete (or key change) of a parent row, since SQLite checks the reference by looking the
//! children up. The build says so, at the column, with the `[indexes]` line that fixes it.

use crate::diag::{Diagnostic, Sources};
use crate::ir::{Relation, Schema, Table};

/// A finding per foreign key column that no index starts with.
pub fn unindexed_lookups(schema: &Schema, sources: &Sources) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for t in &schema.tables {
        for c in &t.columns {
            let Some(fk) = &c.references else { continue };
            if leads_an_index(t, &c.name) {
                continue;
            }
            let users = relations_looking_up(schema, &t.name, &c.name);
            let mut message = format!(
                "`{}.{}` references `{}` but no index starts with it: ",
                t.name, c.name, fk.table
            );
            if !users.is_empty() {
                message.push_str(&format!(
                    "{} read{} all of `{}` for each lookup, and so ",
                    users.join(" and "),
                    if users.len() == 1 { "s" } else { "" },
                    t.name
                ));
            }
            message.push_str(&format!(
                "does every delete of a `{}` row (SQLite looks its `{}` rows up to check the \
                 reference); D1 bills every row read",
                fk.table, t.name
            ));
            if let Some(why) = later_in_a_key(t, &c.name) {
                message.push_str(&format!(" ({why})"));
            }
            let file = t.origin.0.as_ref().map_or_else(
                || format!("schema/{}.toml", t.name),
                |s| sources.name(s.file).to_owned(),
            );
            let help = format!(
                "add to {file} under [indexes]: {}_{}_idx = {{ columns = [\"{}\"] }} \
                 (or set `unindexed_lookups = \"allow\"` in schema/mizzle.toml)",
                t.name, c.name, c.name
            );
            out.push(
                c.origin
                    .error(message, "no index starts with this column")
                    .help(help),
            );
        }
    }
    out
}

/// Whether an index SQLite can use for `column = ?` starts with `column`: the primary
/// key's first column (the rowid, or the key's own index), a `unique` column, or a
/// non-partial index or unique constraint whose first column it is.
fn leads_an_index(t: &Table, column: &str) -> bool {
    t.primary_key.first().is_some_and(|c| c == column)
        || t.column(column).is_some_and(|c| c.unique)
        || t.indexes
            .iter()
            .any(|i| i.where_sql.is_none() && i.columns.first().is_some_and(|c| c == column))
}

/// `column` as a later column of the primary key or an index, which cannot serve a lookup
/// by it alone: said, since it is an easy one to miss.
fn later_in_a_key(t: &Table, column: &str) -> Option<String> {
    if t.primary_key.len() > 1 && t.primary_key.iter().skip(1).any(|c| c == column) {
        return Some(format!(
            "it is in the primary key ({}), but not first: that key serves lookups by `{}` only",
            t.primary_key.join(", "),
            t.primary_key[0]
        ));
    }
    t.indexes
        .iter()
        .find(|i| i.columns.iter().skip(1).any(|c| c == column))
        .map(|i| {
            format!(
                "it is in the index `{}` ({}), but not first: that index serves lookups by `{}` only",
                i.name,
                i.columns.join(", "),
                i.columns[0]
            )
        })
}

/// The relations that look rows of `table` up by `column`: `parent.rel (has_many)`.
fn relations_looking_up(schema: &Schema, table: &str, column: &str) -> Vec<String> {
    let mut out = Vec::new();
    for p in &schema.tables {
        for r in &p.relations {
            match r {
                Relation::Has {
                    name,
                    target,
                    foreign_key,
                    many,
                    ..
                } if target == table && foreign_key == column => out.push(format!(
                    "the relation `{}.{name}` ({})",
                    p.name,
                    if *many { "has_many" } else { "has_one" }
                )),
                Relation::ManyToMany {
                    name,
                    through,
                    source_fk,
                    ..
                } if through == table && source_fk == column => out.push(format!(
                    "the relation `{}.{name}` (many_to_many through `{table}`)",
                    p.name
                )),
                _ => {}
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    fn warnings(files: &[(&str, &str)]) -> Vec<String> {
        let dir = PathBuf::from("/p");
        let config = crate::Config::new()
            .manifest_dir(&dir)
            .cargo_directives(false);
        let files = files
            .iter()
            .map(|(n, t)| (dir.join("schema").join(n), (*t).to_owned()))
            .collect();
        match config.load_files(files) {
            Ok(l) => l.schema.warnings,
            Err(r) => panic!("{r}"),
        }
    }

    const PARENT: (&str, &str) = (
        "events.toml",
        "[columns]\nid = { type = \"integer\", primary_key = true }\n",
    );

    #[test]
    fn a_foreign_key_no_index_starts_with_is_a_warning_at_its_line() {
        let w = warnings(&[
            PARENT,
            (
                "rsvps.toml",
                "[columns]\nid = { type = \"integer\", primary_key = true }\nevent_id = { type = \"integer\", references = \"events.id\" }\n",
            ),
        ]);
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(
            w[0].starts_with("schema/rsvps.toml:3:1: `rsvps.event_id` references `events`"),
            "{}",
            w[0]
        );
        assert!(
            w[0].contains("rsvps_event_id_idx = { columns = [\"event_id\"] }"),
            "{}",
            w[0]
        );
    }

    #[test]
    fn an_index_key_or_unique_column_leading_with_it_serves_the_lookup() {
        for rsvps in [
            // an index that starts with it
            "[columns]\nid = { type = \"integer\", primary_key = true }\nevent_id = { type = \"integer\", references = \"events.id\" }\n[indexes]\nby_event = { columns = [\"event_id\", \"id\"] }\n",
            // the first column of the primary key
            "primary_key = [\"event_id\", \"who\"]\n[columns]\nwho = { type = \"text\" }\nevent_id = { type = \"integer\", references = \"events.id\" }\n",
            // unique
            "[columns]\nid = { type = \"integer\", primary_key = true }\nevent_id = { type = \"integer\", unique = true, references = \"events.id\" }\n",
        ] {
            assert_eq!(
                warnings(&[PARENT, ("rsvps.toml", rsvps)]),
                Vec::<String>::new(),
                "{rsvps}"
            );
        }
        // A partial index does not serve every lookup; `allow` silences the lint.
        let partial = "[columns]\nid = { type = \"integer\", primary_key = true }\nevent_id = { type = \"integer\", nullable = true, references = \"events.id\" }\n[indexes]\nby_event = { columns = [\"event_id\"], where = \"event_id IS NOT NULL\" }\n";
        assert_eq!(warnings(&[PARENT, ("rsvps.toml", partial)]).len(), 1);
        assert!(
            warnings(&[
                PARENT,
                ("rsvps.toml", partial),
                ("mizzle.toml", "unindexed_lookups = \"allow\"\n")
            ])
            .is_empty()
        );
    }
}
