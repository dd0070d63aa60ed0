//! The TOML text of a pulled table.

use super::*;

/// A TOML key: bare when it can be.
pub(super) fn key(k: &str) -> String {
    if !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'))
    {
        k.to_owned()
    } else {
        string(k)
    }
}

/// A TOML basic string.
pub(super) fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

pub(super) fn strings(items: &[String]) -> String {
    let list: Vec<String> = items.iter().map(|s| string(s)).collect();
    format!("[{}]", list.join(", "))
}

pub(super) fn render(t: &PTable, table_key: Option<&str>) -> String {
    let mut out = String::new();
    if let Some(n) = table_key {
        out.push_str(&format!("table = {}\n", string(n)));
    }
    if let Some(s) = &t.struct_name {
        out.push_str(&format!("struct = {}\n", string(s)));
    }
    if !t.primary_key.is_empty() {
        out.push_str(&format!("primary_key = {}\n", strings(&t.primary_key)));
    }
    if t.without_rowid {
        out.push_str("without_rowid = true\n");
    }
    if !out.is_empty() {
        out.push('\n');
    }
    out.push_str("[columns]\n");
    for c in &t.columns {
        let mut parts = vec![format!("type = {}", string(c.ty.name()))];
        if c.nullable {
            parts.push("nullable = true".into());
        }
        if c.primary_key {
            parts.push("primary_key = true".into());
        }
        if c.auto_increment {
            parts.push("auto_increment = true".into());
        }
        if c.unique {
            parts.push("unique = true".into());
        }
        if !c.values.is_empty() {
            parts.push(format!("values = {}", strings(&c.values)));
        }
        if !c.db_check {
            parts.push("db_check = false".into());
        }
        match &c.default {
            Some(Lit::Int(i)) => parts.push(format!("default = {i}")),
            Some(Lit::Float(f)) => parts.push(format!("default = {f:?}")),
            Some(Lit::Bool(b)) => parts.push(format!("default = {b}")),
            Some(Lit::Str(s)) => parts.push(format!("default = {}", string(s))),
            None => {}
        }
        if let Some(d) = &c.default_sql {
            parts.push(format!("default_sql = {}", string(d)));
        }
        if let Some(f) = &c.default_fn {
            parts.push(format!("default_fn = {}", string(f)));
        }
        if let Some(f) = &c.on_update_fn {
            parts.push(format!("on_update_fn = {}", string(f)));
        }
        if let Some((table, column, on_delete, on_update)) = &c.references {
            parts.push(format!(
                "references = {}",
                string(&format!("{table}.{column}"))
            ));
            if let Some(a) = on_delete {
                parts.push(format!("on_delete = {}", string(a)));
            }
            if let Some(a) = on_update {
                parts.push(format!("on_update = {}", string(a)));
            }
        }
        if let Some(k) = &c.check {
            parts.push(format!("check = {}", string(k)));
        }
        if let Some(r) = &c.rust_name {
            parts.push(format!("rust_name = {}", string(r)));
        }
        out.push_str(&format!("{} = {{ {} }}\n", key(&c.name), parts.join(", ")));
    }
    if !t.indexes.is_empty() {
        out.push_str("\n[indexes]\n");
        for i in &t.indexes {
            let mut parts = vec![format!("columns = {}", strings(&i.columns))];
            if i.unique {
                parts.push("unique = true".into());
            }
            if let Some(w) = &i.where_sql {
                parts.push(format!("where = {}", string(w)));
            }
            out.push_str(&format!("{} = {{ {} }}\n", key(&i.name), parts.join(", ")));
        }
    }
    if !t.checks.is_empty() {
        out.push_str("\n[checks]\n");
        for (n, sql) in &t.checks {
            out.push_str(&format!("{} = {}\n", key(n), string(sql)));
        }
    }
    if !t.relations.is_empty() {
        out.push_str("\n[relations]\n");
        for r in &t.relations {
            let body = match r {
                PRelation::BelongsTo { target, key: k, .. } => {
                    format!("belongs_to = {}, key = {}", string(target), string(k))
                }
                PRelation::Has {
                    target,
                    foreign_key,
                    many,
                    ..
                } => format!(
                    "{} = {}, foreign_key = {}",
                    if *many { "has_many" } else { "has_one" },
                    string(target),
                    string(foreign_key)
                ),
                PRelation::ManyToMany {
                    target, through, ..
                } => format!(
                    "many_to_many = {}, through = {}",
                    string(target),
                    string(through)
                ),
            };
            out.push_str(&format!("{} = {{ {body} }}\n", key(r.name())));
        }
    }
    out
}
