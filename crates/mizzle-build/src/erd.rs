//! The schema as an entity-relationship diagram in Mermaid's `erDiagram` syntax (GitHub and
//! most Markdown renderers draw it): each table with its columns, types and keys, and one
//! edge per foreign key with its cardinality.

use std::fmt::Write;

use crate::ir::{ColumnType, Schema};

/// The diagram of `schema`.
pub fn mermaid(schema: &Schema) -> String {
    let mut out = String::from("erDiagram\n");
    let type_name = |ty: ColumnType| {
        ColumnType::ALL
            .iter()
            .find(|(_, t)| *t == ty)
            .map_or("text", |(name, _)| name)
    };
    for t in &schema.tables {
        let _ = writeln!(out, "    {} {{", entity(&t.name));
        for c in &t.columns {
            let mut keys = Vec::new();
            if t.primary_key.contains(&c.name) {
                keys.push("PK");
            }
            if c.references.is_some() {
                keys.push("FK");
            }
            if c.unique {
                keys.push("UK");
            }
            let mut line = format!("        {} {}", type_name(c.ty), entity(&c.name));
            if !keys.is_empty() {
                line.push(' ');
                line.push_str(&keys.join(", "));
            }
            let mut notes = Vec::new();
            if c.nullable {
                notes.push("nullable".to_owned());
            }
            if let Some(e) = &c.enum_def {
                notes.push(e.values.join(" | "));
            }
            if !notes.is_empty() {
                let _ = write!(line, " \"{}\"", notes.join("; ").replace('"', "'"));
            }
            out.push_str(&line);
            out.push('\n');
        }
        out.push_str("    }\n");
    }
    // One edge per foreign key: the referenced table has zero or more referencing rows
    // (at most one when the key is unique); a referencing row has exactly one referenced
    // row, or zero or one when the key is nullable.
    for t in &schema.tables {
        for c in &t.columns {
            let Some(fk) = &c.references else { continue };
            let parent_side = if c.nullable { "|o" } else { "||" };
            let child_side = if c.unique { "o|" } else { "o{" };
            let _ = writeln!(
                out,
                "    {} {parent_side}--{child_side} {} : \"{}.{}\"",
                entity(&fk.table),
                entity(&t.name),
                t.name,
                c.name
            );
        }
    }
    out
}

/// A name Mermaid accepts as an entity or attribute: kept when it is a plain identifier,
/// else quoted with its `"` made `'`.
fn entity(name: &str) -> String {
    if name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
    {
        name.to_owned()
    } else {
        format!("\"{}\"", name.replace('"', "'"))
    }
}
