//! The one home for naming: case conversion, singularisation, Rust keyword escaping and
//! SQL identifier quoting.

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::Ident;

/// `post_tags` → `PostTag`, `users` → `User`, `people` → `Person`.
pub fn struct_name(table: &str) -> String {
    let snake = table.to_snake_case();
    if snake.is_empty() {
        return String::new();
    }
    let words: Vec<String> = snake.split('_').map(str::to_owned).collect();
    let Some((last, init)) = words.split_last() else {
        return String::new();
    };
    let mut singular = init.to_vec();
    singular.push(pluralizer::pluralize(last, 1, false));
    singular.join("_").to_upper_camel_case()
}

/// A column's default Rust field name: its snake case.
pub fn field_name(column: &str) -> String {
    column.to_snake_case()
}

/// `in-progress` → `InProgress` (enum variants).
pub fn variant_name(value: &str) -> String {
    value.to_upper_camel_case()
}

/// `posts`, `status` → `PostStatus` (generated enum names).
pub fn enum_name(struct_name: &str, column: &str) -> String {
    format!("{struct_name}{}", column.to_upper_camel_case())
}

/// A `<singular>_id` column name: the default `has_many` foreign key for table `table`.
pub fn default_foreign_key(table: &str) -> String {
    format!("{}_id", struct_name(table).to_snake_case())
}

const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where",
    "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

/// Whether `name` is a Rust keyword.
pub fn is_keyword(name: &str) -> bool {
    KEYWORDS.contains(&name)
}

/// Keywords that cannot be raw identifiers either.
fn is_unrawable(name: &str) -> bool {
    matches!(name, "crate" | "self" | "Self" | "super" | "_")
}

/// Whether `name` can be a Rust identifier (possibly as `r#name`).
pub fn is_valid_ident(name: &str) -> bool {
    let mut chars = name.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c == '_' || c.is_ascii_alphabetic());
    first_ok && chars.all(|c| c == '_' || c.is_ascii_alphanumeric()) && !is_unrawable(name)
}

/// An identifier token for `name`, raw (`r#type`) when it is a keyword.
pub fn ident(name: &str) -> Ident {
    if is_keyword(name) {
        Ident::new_raw(name, proc_macro2::Span::call_site())
    } else {
        Ident::new(name, proc_macro2::Span::call_site())
    }
}

/// Quotes an SQL identifier: `users` → `"users"`.
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Quotes an SQL string literal: `it's` → `'it''s'`.
pub fn quote_str(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// The closest of `candidates` to `word`, when close enough to suggest.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn struct_names_are_singular_camel_case() {
        assert_eq!(struct_name("users"), "User");
        assert_eq!(struct_name("post_tags"), "PostTag");
        assert_eq!(struct_name("people"), "Person");
        assert_eq!(struct_name("categories"), "Category");
        assert_eq!(struct_name("news"), "News");
    }

    #[test]
    fn keywords_become_raw() {
        assert_eq!(ident("type").to_string(), "r#type");
        assert_eq!(ident("email").to_string(), "email");
        assert!(!is_valid_ident("self"));
        assert!(!is_valid_ident("2fa"));
    }

    #[test]
    fn suggestions() {
        assert_eq!(
            did_you_mean("integr", ["integer", "text", "real"]),
            Some("integer")
        );
        assert_eq!(did_you_mean("zzz", ["integer", "text"]), None);
        assert_eq!(default_foreign_key("posts"), "post_id");
    }
}
