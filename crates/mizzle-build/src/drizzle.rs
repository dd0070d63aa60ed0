//! What `mizzle import-drizzle` reads of a drizzle-kit project: the migrations folder (its
//! SQL files in the journal's order, and the newest snapshot, to cross-check), and the
//! TypeScript schema's column modes, which the database cannot tell (a drizzle boolean,
//! timestamp or JSON column is a plain INTEGER or TEXT, and a text enum has no CHECK).
//!
//! The TypeScript is scanned, not run: `sqliteTable("name", { key: builder("col", { mode,
//! enum }) })` calls with literal arguments, the way drizzle schemas are written. What the
//! scan cannot read is reported by name.

use std::collections::BTreeMap;
use std::path::Path;

use heck::ToSnakeCase;

use crate::pull::{Hint, Hints};

/// One migration file of a drizzle-kit folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrizzleMigration {
    /// File name (`0000_init.sql`).
    pub file_name: String,
    /// Its text.
    pub sql: String,
}

/// The SQL files of a drizzle-kit migrations folder, in the order of `meta/_journal.json`.
/// Errors say which file is missing or unreadable.
pub fn read_migrations(dir: &Path) -> Result<Vec<DrizzleMigration>, String> {
    let shown = dir.display();
    let journal_path = dir.join("meta/_journal.json");
    let journal = std::fs::read_to_string(&journal_path).map_err(|e| {
        format!("cannot read {shown}/meta/_journal.json: {e} (is {shown} the `out` folder of drizzle-kit?)")
    })?;
    let journal: serde_json::Value = serde_json::from_str(&journal)
        .map_err(|e| format!("{shown}/meta/_journal.json is not JSON: {e}"))?;
    if let Some(d) = journal.get("dialect").and_then(|d| d.as_str())
        && d != "sqlite"
        && d != "turso"
    {
        return Err(format!(
            "{shown} is a drizzle-kit folder for `{d}`; D1 is SQLite (`dialect: \"sqlite\"`)"
        ));
    }
    let entries = journal
        .get("entries")
        .and_then(|e| e.as_array())
        .ok_or_else(|| format!("{shown}/meta/_journal.json has no `entries`"))?;
    let mut out = Vec::new();
    for e in entries {
        let tag = e
            .get("tag")
            .and_then(|t| t.as_str())
            .ok_or_else(|| format!("an entry of {shown}/meta/_journal.json has no `tag`"))?;
        let file_name = format!("{tag}.sql");
        let sql = std::fs::read_to_string(dir.join(&file_name)).map_err(|err| {
            format!("cannot read {shown}/{file_name} (listed in the journal): {err}")
        })?;
        out.push(DrizzleMigration { file_name, sql });
    }
    if out.is_empty() {
        return Err(format!("{shown}/meta/_journal.json lists no migrations"));
    }
    Ok(out)
}

/// The newest snapshot's tables and their columns, to compare with the replayed SQL.
pub fn snapshot_columns(dir: &Path) -> Option<BTreeMap<String, Vec<String>>> {
    let mut snaps: Vec<_> = std::fs::read_dir(dir.join("meta"))
        .ok()?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().ends_with("_snapshot.json"))
        .collect();
    snaps.sort();
    let text = std::fs::read_to_string(snaps.last()?).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    let tables = json.get("tables")?.as_object()?;
    Some(
        tables
            .values()
            .filter_map(|t| {
                let name = t.get("name")?.as_str()?.to_owned();
                let cols = t
                    .get("columns")?
                    .as_object()?
                    .values()
                    .filter_map(|c| Some(c.get("name")?.as_str()?.to_owned()))
                    .collect();
                Some((name, cols))
            })
            .collect(),
    )
}

/// The `schema` paths a drizzle config names (`schema: "./src/schema.ts"` or a list), resolved
/// against the config's folder.
pub fn config_schema_paths(config_file: &Path) -> Vec<std::path::PathBuf> {
    let Ok(text) = std::fs::read_to_string(config_file) else {
        return Vec::new();
    };
    let text = strip_comments(&text);
    let base = config_file.parent().unwrap_or(Path::new("."));
    let Some(at) = find_key(&text, "schema") else {
        return Vec::new();
    };
    let rest = text[at..].trim_start();
    let values = if rest.starts_with('[') {
        let end = matching(rest, 0).unwrap_or(rest.len());
        split_top(&rest[1..end.saturating_sub(1)])
            .into_iter()
            .filter_map(|s| string_literal(s.trim()))
            .collect()
    } else {
        let end = rest.find([',', '}', '\n']).unwrap_or(rest.len());
        string_literal(rest[..end].trim())
            .into_iter()
            .collect::<Vec<_>>()
    };
    values.into_iter().map(|v| base.join(v)).collect()
}

/// Column hints from TypeScript schema source: booleans, timestamps, JSON and text enums.
/// Notes say what could not be read.
pub fn typescript_hints(source: &str, file: &str, hints: &mut Hints, notes: &mut Vec<String>) {
    let text = strip_comments(source);
    let mut from = 0;
    while let Some(found) = text[from..].find("sqliteTable(") {
        let at = from + found;
        from = at + "sqliteTable(".len();
        if at > 0
            && text[..at]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '_')
        {
            continue;
        }
        let open = at + "sqliteTable".len();
        let Some(close) = matching(&text, open) else {
            continue;
        };
        let args = split_top(&text[open + 1..close - 1]);
        let Some(table) = args.first().and_then(|a| string_literal(a.trim())) else {
            notes.push(format!(
                "{file}: a sqliteTable(..) whose name is not a string literal was not read"
            ));
            continue;
        };
        let Some(body) = args.get(1).map(|b| b.trim()) else {
            continue;
        };
        if !body.starts_with('{') {
            notes.push(format!(
                "{file}: the columns of `{table}` are not an object literal; their modes were not read"
            ));
            continue;
        }
        for entry in split_top(&body[1..body.len().saturating_sub(1)]) {
            let entry = entry.trim();
            if entry.is_empty() {
                continue;
            }
            if let Some(spread) = entry.strip_prefix("...") {
                notes.push(format!(
                    "{file}: `{table}` spreads `{spread}`; the modes of those columns were not read"
                ));
                continue;
            }
            let Some(colon) = top_level_colon(entry) else {
                continue;
            };
            let key = entry[..colon].trim();
            let key = string_literal(key).unwrap_or_else(|| key.to_owned());
            column_hint(
                &text,
                file,
                &table,
                &key,
                entry[colon + 1..].trim(),
                hints,
                notes,
            );
        }
    }
}

fn column_hint(
    text: &str,
    file: &str,
    table: &str,
    key: &str,
    expr: &str,
    hints: &mut Hints,
    notes: &mut Vec<String>,
) {
    let Some(paren) = expr.find('(') else { return };
    let builder = expr[..paren].rsplit('.').next().unwrap_or("").trim();
    let Some(close) = matching(expr, paren) else {
        return;
    };
    let args = split_top(&expr[paren + 1..close - 1]);
    let mut name = None;
    let mut options = None;
    for a in &args {
        let a = a.trim();
        if let Some(s) = string_literal(a) {
            name = Some(s);
        } else if a.starts_with('{') {
            options = Some(a);
        }
    }
    let option = |k: &str| -> Option<&str> {
        let o = options?;
        let inner = &o[1..o.len().saturating_sub(1)];
        split_top(inner).into_iter().find_map(|e| {
            let c = top_level_colon(e)?;
            (e[..c].trim().trim_matches(['"', '\'']) == k).then(|| e[c + 1..].trim())
        })
    };
    let mode = option("mode").and_then(string_literal);
    let hint = match (builder, mode.as_deref()) {
        ("integer" | "int", Some("boolean")) => Some(Hint::Boolean),
        ("integer" | "int", Some("timestamp")) => Some(Hint::Timestamp),
        ("integer" | "int", Some("timestamp_ms")) => Some(Hint::TimestampMs),
        ("text", Some("json")) => Some(Hint::Json),
        ("blob", Some("json")) => {
            notes.push(format!(
                "{file}: `{table}.{key}` is blob({{ mode: \"json\" }}); mizzle's json columns are TEXT, so it is pulled as `blob`"
            ));
            None
        }
        ("blob", Some("bigint")) => {
            notes.push(format!(
                "{file}: `{table}.{key}` is blob({{ mode: \"bigint\" }}); pulled as `blob` (bytes)"
            ));
            None
        }
        ("text", _) => match option("enum") {
            Some(e) => match enum_values(text, e) {
                Some(values) => Some(Hint::Enum(values)),
                None => {
                    notes.push(format!(
                        "{file}: the enum of `{table}.{key}` ({e}) is not a list of string literals; pulled as `text`"
                    ));
                    None
                }
            },
            None => None,
        },
        _ => None,
    };
    let Some(hint) = hint else { return };
    // Without a name, drizzle uses the key (or its snake case under `casing: "snake_case"`);
    // the hint is offered for both and applies to the one the database has.
    let names = match name {
        Some(n) => vec![n],
        None => vec![key.to_owned(), key.to_snake_case()],
    };
    for n in names {
        hints.columns.insert((table.to_owned(), n), hint.clone());
    }
}

/// `["a", "b"]`, `["a", "b"] as const`, or a `const NAME = [..]` of the same file.
fn enum_values(text: &str, expr: &str) -> Option<Vec<String>> {
    let expr = expr.trim().trim_end_matches("as const").trim();
    if expr.starts_with('[') {
        let end = matching(expr, 0)?;
        return split_top(&expr[1..end - 1])
            .into_iter()
            .filter(|s| !s.trim().is_empty())
            .map(|s| string_literal(s.trim()))
            .collect();
    }
    if expr
        .chars()
        .all(|c| c.is_alphanumeric() || c == '_' || c == '$')
    {
        let decl = format!("const {expr}");
        let at = text.find(&decl)? + decl.len();
        let rest = text[at..].trim_start();
        let rest = rest.strip_prefix('=')?;
        let rest = rest.trim_start();
        let end = if rest.starts_with('[') {
            matching(rest, 0)?
        } else {
            return None;
        };
        return enum_values(text, &rest[..end]);
    }
    None
}

/// The text with `//` and `/* */` comments blanked out (strings kept).
fn strip_comments(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    let mut quote: Option<u8> = None;
    while i < b.len() {
        let c = b[i];
        if let Some(q) = quote {
            out.push(c);
            if c == b'\\' && i + 1 < b.len() {
                out.push(b[i + 1]);
                i += 2;
                continue;
            }
            if c == q {
                quote = None;
            }
            i += 1;
        } else if c == b'/' && b.get(i + 1) == Some(&b'/') {
            while i < b.len() && b[i] != b'\n' {
                out.push(b' ');
                i += 1;
            }
        } else if c == b'/' && b.get(i + 1) == Some(&b'*') {
            while i < b.len() && !(b[i] == b'*' && b.get(i + 1) == Some(&b'/')) {
                out.push(if b[i] == b'\n' { b'\n' } else { b' ' });
                i += 1;
            }
            out.extend_from_slice(b"  ");
            i += 2;
        } else {
            if matches!(c, b'"' | b'\'' | b'`') {
                quote = Some(c);
            }
            out.push(c);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out[..out.len().min(b.len())]).into_owned()
}

/// Walks `s` from `from`, skipping string literals (with `\` escapes), and calls
/// `visit(i, byte, depth)` for every byte outside them, `depth` being the bracket depth
/// after that byte (`<..>` counts as brackets when `angles`, for TypeScript generics).
/// Returns the first index `visit` accepts.
fn scan(
    s: &str,
    from: usize,
    angles: bool,
    mut visit: impl FnMut(usize, u8, i32) -> bool,
) -> Option<usize> {
    let b = s.as_bytes();
    let (mut depth, mut quote) = (0i32, None::<u8>);
    let mut i = from;
    while i < b.len() {
        let c = b[i];
        match quote {
            Some(_) if c == b'\\' => i += 1,
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => {
                match c {
                    b'"' | b'\'' | b'`' => quote = Some(c),
                    b'(' | b'[' | b'{' => depth += 1,
                    b')' | b']' | b'}' => depth -= 1,
                    b'<' if angles => depth += 1,
                    // `>` of `=>` closes nothing.
                    b'>' if angles && i > 0 && b[i - 1] != b'=' => depth -= 1,
                    _ => {}
                }
                if quote.is_none() && visit(i, c, depth) {
                    return Some(i);
                }
            }
        }
        i += 1;
    }
    None
}

/// The index just past the bracket that closes the one at `open` (`(`, `[` or `{`).
fn matching(s: &str, open: usize) -> Option<usize> {
    scan(s, open, false, |_, c, depth| {
        matches!(c, b')' | b']' | b'}') && depth == 0
    })
    .map(|i| i + 1)
}

/// `s` split at its top-level commas.
fn split_top(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    scan(s, 0, true, |i, c, depth| {
        if c == b',' && depth == 0 {
            out.push(&s[start..i]);
            start = i + 1;
        }
        false
    });
    out.push(&s[start..]);
    out
}

/// The first `:` outside brackets and strings.
fn top_level_colon(s: &str) -> Option<usize> {
    scan(s, 0, false, |_, c, depth| c == b':' && depth == 0)
}

/// The value of a JS string literal without interpolation.
fn string_literal(s: &str) -> Option<String> {
    let q = s.chars().next()?;
    if !matches!(q, '"' | '\'' | '`') || s.len() < 2 || !s.ends_with(q) {
        return None;
    }
    let inner = &s[1..s.len() - 1];
    if q == '`' && inner.contains("${") {
        return None;
    }
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next()? {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                other => out.push(other),
            }
        } else if c == q {
            return None;
        } else {
            out.push(c);
        }
    }
    Some(out)
}

/// The position just after `key:` at the top level of an object literal, if present.
fn find_key(text: &str, key: &str) -> Option<usize> {
    let b = text.as_bytes();
    let mut from = 0;
    while let Some(found) = text[from..].find(key) {
        let at = from + found;
        from = at + key.len();
        let before_ok = at == 0 || !(b[at - 1].is_ascii_alphanumeric() || b[at - 1] == b'_');
        let rest = text[at + key.len()..].trim_start();
        if before_ok && rest.starts_with(':') {
            return Some(text.len() - rest.len() + 1);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_and_enums_are_read() {
        let src = r#"
import { sqliteTable, integer, text } from "drizzle-orm/sqlite-core";
const ROLES = ["admin", "member"] as const;
// sqliteTable("commented", {})
export const users = sqliteTable("users", {
  id: integer("id").primaryKey(),
  active: integer("active", { mode: "boolean" }).notNull().default(true),
  createdAt: integer("created_at", { mode: "timestamp" }).notNull(),
  seenAt: integer({ mode: 'timestamp_ms' }),
  prefs: text("prefs", { mode: "json" }).$type<{ a: string, b: number }>(),
  role: text("role", { enum: ROLES }),
  status: t.text("status", { enum: ["draft", "live"] }).default("draft"), /* a comment, */
  other: text("other"),
}, (t) => [index("x").on(t.id)]);
"#;
        let mut hints = Hints::default();
        let mut notes = Vec::new();
        typescript_hints(src, "schema.ts", &mut hints, &mut notes);
        let get = |c: &str| {
            hints
                .columns
                .get(&("users".to_owned(), c.to_owned()))
                .cloned()
        };
        assert_eq!(get("active"), Some(Hint::Boolean));
        assert_eq!(get("created_at"), Some(Hint::Timestamp));
        assert_eq!(get("seen_at"), Some(Hint::TimestampMs));
        assert_eq!(get("seenAt"), Some(Hint::TimestampMs));
        assert_eq!(get("prefs"), Some(Hint::Json));
        assert_eq!(
            get("role"),
            Some(Hint::Enum(vec!["admin".into(), "member".into()]))
        );
        assert_eq!(
            get("status"),
            Some(Hint::Enum(vec!["draft".into(), "live".into()]))
        );
        assert_eq!(get("other"), None);
        assert!(!hints.columns.keys().any(|(t, _)| t == "commented"));
        assert!(notes.is_empty(), "{notes:?}");
    }

    #[test]
    fn config_schema_paths_are_found() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("drizzle.config.ts");
        std::fs::write(&f, "export default defineConfig({\n  dialect: 'sqlite',\n  // schema: 'old.ts',\n  schema: './src/db/schema.ts',\n  out: './drizzle',\n});").unwrap();
        assert_eq!(
            config_schema_paths(&f),
            vec![dir.path().join("./src/db/schema.ts")]
        );
        std::fs::write(
            &f,
            "export default { schema: [\"a.ts\", 'b.ts'], out: 'x' }",
        )
        .unwrap();
        assert_eq!(
            config_schema_paths(&f),
            vec![dir.path().join("a.ts"), dir.path().join("b.ts")]
        );
    }
}
