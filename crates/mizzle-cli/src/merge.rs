//! Pulling again into a schema/ you have edited: what the database says is updated, what
//! it cannot say is kept (like `prisma db pull`'s re-introspection).
//!
//! The database says a table's name, key and columns (their storage type, nullability,
//! keys, defaults, references, checks), its indexes and checks, and which foreign keys
//! exist. It cannot say a column's refined type (`boolean`, `timestamp`, `json`, `enum` over
//! INTEGER or TEXT storage), `doc`, `rust_name`, `rust`, `enum_name`, `input`,
//! `default_fn`/`on_update_fn`, a relation's name, a table's `struct`, `client_input`,
//! or any section pull does not write. Those are kept from your file, with its comments and
//! layout (the file is edited in place with `toml_edit`); the rest follows the database,
//! and every such change is said.

use toml_edit::{DocumentMut, Item, Table, TableLike};

/// Column keys the database decides.
const DB_COLUMN_KEYS: [&str; 10] = [
    "nullable",
    "primary_key",
    "auto_increment",
    "unique",
    "default",
    "default_sql",
    "references",
    "on_delete",
    "on_update",
    "check",
];

/// Top-level keys the database decides.
const DB_TABLE_KEYS: [&str; 3] = ["table", "primary_key", "without_rowid"];

/// `old` (your file) updated to what `new` (the fresh pull) says the database has. Returns
/// the merged text and what changed, one line each.
pub fn merge(old: &str, new: &str) -> Result<(String, Vec<String>), String> {
    let mut doc: DocumentMut = old
        .parse()
        .map_err(|e| format!("it is not valid TOML ({e})"))?;
    let fresh: DocumentMut = new.parse().map_err(|e| format!("pulled TOML: {e}"))?;
    let mut changes = Vec::new();

    for key in DB_TABLE_KEYS {
        if follow_changed(doc.as_table_mut(), fresh.as_table(), key).is_some() {
            changes.push(format!("`{key}` follows the database"));
        }
    }
    if doc.get("struct").is_none()
        && let Some(s) = fresh.get("struct")
    {
        doc.insert("struct", s.clone());
    }

    merge_columns(&mut doc, &fresh, &mut changes)?;
    // Inline tables that were edited get their spacing back (`{ a = 1, b = 2 }`).
    for section in ["columns", "relations"] {
        if let Some(t) = table_like(&mut doc, section) {
            for (_, item) in t.iter_mut() {
                if let Some(inline) = item.as_inline_table_mut() {
                    inline.fmt();
                }
            }
        }
    }
    for section in ["indexes", "checks"] {
        replace_section(&mut doc, &fresh, section, &mut changes);
    }
    merge_relations(&mut doc, &fresh, &mut changes);
    Ok((doc.to_string(), changes))
}

/// Sets `old[k]` to `new[k]`, or removes it when `new` has none.
fn follow(old: &mut dyn TableLike, new: &dyn TableLike, k: &str) {
    match new.get(k) {
        Some(v) => {
            old.insert(k, v.clone());
        }
        None => {
            old.remove(k);
        }
    }
}

/// Makes `old[k]` follow `new[k]` when their values differ (as written, spacing aside):
/// `Some((old, new))` as text, `(none)` for a missing one, when it changed.
fn follow_changed(
    old: &mut dyn TableLike,
    new: &dyn TableLike,
    k: &str,
) -> Option<(String, String)> {
    let text = |t: &dyn TableLike| t.get(k).map(|i| i.to_string().trim().to_owned());
    let (a, b) = (text(&*old), text(new));
    if a == b {
        return None;
    }
    follow(old, new, k);
    let shown = |v: Option<String>| v.unwrap_or_else(|| "(none)".into());
    Some((shown(a), shown(b)))
}

/// Removes the keys of `old` that `new` does not have; their names.
fn remove_missing(old: &mut dyn TableLike, new: &dyn TableLike) -> Vec<String> {
    let gone: Vec<String> = old
        .iter()
        .map(|(k, _)| k.to_owned())
        .filter(|k| new.get(k).is_none())
        .collect();
    for k in &gone {
        old.remove(k);
    }
    gone
}

fn table_like<'d>(doc: &'d mut DocumentMut, key: &str) -> Option<&'d mut dyn TableLike> {
    doc.get_mut(key).and_then(Item::as_table_like_mut)
}

/// The storage a column type has (what the database can tell).
fn storage(ty: &str) -> &str {
    match ty {
        "boolean" | "timestamp" | "timestamp_ms" | "integer" => "INTEGER",
        "json" | "enum" | "text" => "TEXT",
        other => other,
    }
}

fn str_of(item: Option<&Item>) -> Option<String> {
    item.and_then(|i| i.as_str()).map(str::to_owned)
}

fn merge_columns(
    doc: &mut DocumentMut,
    fresh: &DocumentMut,
    changes: &mut Vec<String>,
) -> Result<(), String> {
    let Some(new_cols) = fresh.get("columns").and_then(Item::as_table_like) else {
        return Ok(());
    };
    if doc.get("columns").is_none() {
        doc.insert("columns", Item::Table(Table::new()));
    }
    let cols = table_like(doc, "columns").ok_or("`columns` is not a table")?;
    for k in remove_missing(cols, new_cols) {
        changes.push(format!("column `{k}` removed (not in the database)"));
    }
    for (name, new_item) in new_cols.iter() {
        let Some(new_col) = new_item.as_table_like() else {
            continue;
        };
        let Some(old_item) = cols.get_mut(name) else {
            cols.insert(name, new_item.clone());
            changes.push(format!(
                "column `{name}` added ({})",
                str_of(new_col.get("type")).unwrap_or_default()
            ));
            continue;
        };
        let Some(old_col) = old_item.as_table_like_mut() else {
            return Err(format!("column `{name}` is not a table"));
        };
        let old_ty = str_of(old_col.get("type")).unwrap_or_default();
        let new_ty = str_of(new_col.get("type")).unwrap_or_default();
        // A refinement of the same storage (`integer` → `timestamp`, `text` → `enum`) is
        // yours, unless the database now says the refined type itself (an enum's CHECK).
        let keep_type = old_ty == new_ty
            || (storage(&old_ty) == storage(&new_ty)
                && matches!(new_ty.as_str(), "integer" | "text"));
        if !keep_type {
            for k in ["type", "values", "db_check"] {
                follow(old_col, new_col, k);
            }
            changes.push(format!("column `{name}`: type {old_ty} → {new_ty}"));
        } else if old_ty == new_ty && new_ty == "enum" {
            for k in ["values", "db_check"] {
                if follow_changed(old_col, new_col, k).is_some() {
                    changes.push(format!("column `{name}`: `{k}` follows the database"));
                }
            }
        }
        for k in DB_COLUMN_KEYS {
            if let Some((a, b)) = follow_changed(old_col, new_col, k) {
                changes.push(format!("column `{name}`: `{k}` {a} → {b}"));
            }
        }
        // What only the pull can know when you have not said it (an odd name's rust_name,
        // a drizzle app-side default).
        for k in ["rust_name", "default_fn", "on_update_fn"] {
            if old_col.get(k).is_none()
                && let Some(v) = new_col.get(k)
            {
                old_col.insert(k, v.clone());
                changes.push(format!("column `{name}`: `{k}` added"));
            }
        }
    }
    Ok(())
}

/// `[indexes]` and `[checks]` follow the database, entry by entry (an entry the database
/// still has keeps your text and comments).
fn replace_section(
    doc: &mut DocumentMut,
    fresh: &DocumentMut,
    section: &str,
    changes: &mut Vec<String>,
) {
    let new = fresh.get(section).and_then(Item::as_table_like);
    let Some(new) = new else {
        if doc.remove(section).is_some() {
            changes.push(format!("[{section}] removed (none in the database)"));
        }
        return;
    };
    if doc.get(section).is_none() {
        doc.insert(section, Item::Table(Table::new()));
    }
    let Some(old) = table_like(doc, section) else {
        return;
    };
    for k in remove_missing(old, new) {
        changes.push(format!("[{section}] `{k}` removed"));
    }
    for (k, v) in new.iter() {
        let same = old
            .get(k)
            .is_some_and(|o| o.to_string().trim() == v.to_string().trim());
        if !same {
            let had = old.get(k).is_some();
            old.insert(k, v.clone());
            changes.push(format!(
                "[{section}] `{k}` {}",
                if had { "follows the database" } else { "added" }
            ));
        }
    }
}

/// What a relation is, apart from its name: (kind, target, key).
type Identity = (String, String, String);

fn identity(r: &dyn TableLike) -> Option<Identity> {
    for kind in ["belongs_to", "has_many", "has_one", "many_to_many"] {
        if let Some(target) = str_of(r.get(kind)) {
            let key = ["key", "foreign_key", "through"]
                .iter()
                .find_map(|k| str_of(r.get(k)))
                .unwrap_or_default();
            return Some((kind.to_owned(), target, key));
        }
    }
    None
}

/// Relations: each one the database's foreign keys give keeps the name (and everything)
/// you gave it; one whose foreign key is gone is removed; new ones are added.
fn merge_relations(doc: &mut DocumentMut, fresh: &DocumentMut, changes: &mut Vec<String>) {
    let new: Vec<(String, Item, Option<Identity>)> = fresh
        .get("relations")
        .and_then(Item::as_table_like)
        .map(|t| {
            t.iter()
                .map(|(k, v)| {
                    (
                        k.to_owned(),
                        v.clone(),
                        v.as_table_like().and_then(identity),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let new_ids: Vec<_> = new.iter().filter_map(|(_, _, id)| id.clone()).collect();
    if doc.get("relations").is_none() {
        if new.is_empty() {
            return;
        }
        doc.insert("relations", Item::Table(Table::new()));
    }
    let Some(old) = table_like(doc, "relations") else {
        return;
    };
    let old_ids: Vec<(String, Option<Identity>)> = old
        .iter()
        .map(|(k, v)| (k.to_owned(), v.as_table_like().and_then(identity)))
        .collect();
    for (name, id) in &old_ids {
        if let Some(id) = id
            && !new_ids.contains(id)
        {
            // A many-to-many you declared through a table pull did not see as a join
            // table is yours; a foreign-key relation without its key is not buildable.
            if id.0 == "many_to_many" {
                continue;
            }
            old.remove(name);
            changes.push(format!(
                "relation `{name}` removed (the database has no foreign key for it)"
            ));
        }
    }
    for (name, item, id) in new {
        let kept = id
            .as_ref()
            .and_then(|id| old_ids.iter().find(|(_, o)| o.as_ref() == Some(id)));
        match kept {
            Some((yours, _)) if *yours != name => {
                changes.push(format!(
                    "relation `{yours}` keeps your name (pull would call it `{name}`)"
                ));
            }
            Some(_) => {}
            None => {
                let name = if old.get(&name).is_some() {
                    format!("{name}_2")
                } else {
                    name
                };
                old.insert(&name, item);
                changes.push(format!("relation `{name}` added"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::merge;

    #[test]
    fn the_database_updates_and_your_edits_stay() {
        let old = r#"# Who writes.
doc = "A writer."
struct = "Writer"
client_input = true

[columns]
id = { type = "integer", primary_key = true }
# The login.
email = { type = "text", doc = "Login address.", rust_name = "login" }
role = { type = "enum", values = ["admin", "member"], db_check = false }
joined = { type = "timestamp", default_fn = "now" }
gone = { type = "text" }

[relations]
articles = { has_many = "posts", foreign_key = "author_id", doc = "What they wrote." }
old_fk = { belongs_to = "teams", key = "team_id" }

[seed]
rows = 3
"#;
        let new = r#"[columns]
id = { type = "integer", primary_key = true }
email = { type = "text", unique = true }
role = { type = "text" }
joined = { type = "integer", nullable = true }
nickname = { type = "text", nullable = true }

[indexes]
users_email = { columns = ["email"] }

[relations]
posts = { has_many = "posts", foreign_key = "author_id" }
"#;
        let (merged, changes) = merge(old, new).unwrap();
        let expected = r#"# Who writes.
doc = "A writer."
struct = "Writer"
client_input = true

[columns]
id = { type = "integer", primary_key = true }
# The login.
email = { type = "text", doc = "Login address.", rust_name = "login", unique = true }
role = { type = "enum", values = ["admin", "member"], db_check = false }
joined = { type = "timestamp", default_fn = "now", nullable = true }
nickname = { type = "text", nullable = true }

[relations]
articles = { has_many = "posts", foreign_key = "author_id", doc = "What they wrote." }

[seed]
rows = 3

[indexes]
users_email = { columns = ["email"] }
"#;
        assert_eq!(merged, expected, "{merged}");
        let said = changes.join("\n");
        for want in [
            "column `gone` removed",
            "column `nickname` added (text)",
            "column `email`: `unique` (none) → true",
            "relation `old_fk` removed",
            "relation `articles` keeps your name (pull would call it `posts`)",
            "[indexes] `users_email` added",
        ] {
            assert!(said.contains(want), "{want} in\n{said}");
        }
        assert!(!said.contains("role"), "{said}");
        // A type the storage no longer has follows the database.
        let (merged, changes) = merge(
            "[columns]\nflag = { type = \"boolean\", db_check = false }\n",
            "[columns]\nflag = { type = \"text\" }\n",
        )
        .unwrap();
        assert_eq!(merged, "[columns]\nflag = { type = \"text\" }\n");
        assert_eq!(changes, ["column `flag`: type boolean → text"]);
    }
}
