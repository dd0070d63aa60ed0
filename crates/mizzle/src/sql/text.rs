//! SQL text: quoting identifiers, and reading SQL text without a parser: where the `?` placeholders are, and where one
//! statement of a migration file ends. Quotes, identifiers in `"…"`, `` `…` `` or `[…]`,
//! and comments are skipped, so a `?` or `;` inside them is not taken for one.
//!
//! Used by the Durable Object backend, whose SQLite binds every JS number as REAL and runs
//! migration files one statement at a time.

use std::borrow::Cow;

use crate::sql::value::Value;

/// Quotes an SQL identifier: `users` → `"users"`, doubling any `"` inside.
pub fn quote_ident(name: &str) -> String {
    let mut s = String::with_capacity(name.len() + 2);
    push_ident(&mut s, name);
    s
}

/// Appends `name` quoted as an SQL identifier (see [`quote_ident`]) without allocating.
pub(crate) fn push_ident(sql: &mut String, name: &str) {
    // Schema names never hold a quote: check the bytes, not the general char searcher.
    if name.bytes().any(|b| b == b'"') {
        sql.push('"');
        sql.push_str(&name.replace('"', "\"\""));
        sql.push('"');
    } else {
        sql.reserve(name.len() + 2);
        sql.push('"');
        sql.push_str(name);
        sql.push('"');
    }
}

/// One lexical piece of SQL text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Piece {
    /// Quoted text, a quoted identifier, a comment or whitespace.
    Opaque,
    /// A `?` or `?NNN` placeholder (its index, 1-based: `None` for a bare `?`).
    Param(Option<usize>),
    /// `;`.
    Semicolon,
    /// A word (keyword or identifier).
    Word,
    /// Any other character.
    Other,
}

/// Splits `sql` into pieces: `(piece, start, end)` byte ranges covering the whole text.
fn pieces(sql: &str) -> Vec<(Piece, usize, usize)> {
    let b = sql.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let start = i;
        let until = |i: usize, close: u8| {
            // Past the closing byte; a doubled close (`''`, `""`) continues the quote.
            let mut j = i + 1;
            loop {
                match b.get(j) {
                    None => return b.len(),
                    Some(&c) if c == close => {
                        if close != b']' && b.get(j + 1) == Some(&close) {
                            j += 2;
                        } else {
                            return j + 1;
                        }
                    }
                    Some(_) => j += 1,
                }
            }
        };
        let (piece, end) = match b[i] {
            b'\'' => (Piece::Opaque, until(i, b'\'')),
            b'"' => (Piece::Opaque, until(i, b'"')),
            b'`' => (Piece::Opaque, until(i, b'`')),
            b'[' => (Piece::Opaque, until(i, b']')),
            b'-' if b.get(i + 1) == Some(&b'-') => (
                Piece::Opaque,
                sql[i..].find('\n').map_or(b.len(), |n| i + n + 1),
            ),
            b'/' if b.get(i + 1) == Some(&b'*') => (
                Piece::Opaque,
                sql[i + 2..].find("*/").map_or(b.len(), |n| i + 2 + n + 2),
            ),
            b'?' => {
                let digits = b[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
                let index = sql[i + 1..i + 1 + digits].parse().ok();
                (Piece::Param(index), i + 1 + digits)
            }
            b';' => (Piece::Semicolon, i + 1),
            c if c.is_ascii_whitespace() => (
                Piece::Opaque,
                i + b[i..]
                    .iter()
                    .take_while(|c| c.is_ascii_whitespace())
                    .count(),
            ),
            c if c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80 => {
                let len = sql[i..]
                    .char_indices()
                    .find(|(_, ch)| !(ch.is_alphanumeric() || *ch == '_' || *ch == '$'))
                    .map_or(sql.len() - i, |(n, _)| n);
                (Piece::Word, i + len.max(1))
            }
            _ => (
                Piece::Other,
                i + sql[i..].chars().next().map_or(1, char::len_utf8),
            ),
        };
        out.push((piece, start, end));
        i = end;
    }
    out
}

/// `sql` with every placeholder bound to an integer wrapped in `CAST(… AS INTEGER)`.
///
/// A Durable Object's SQLite receives every JS number as a REAL: an integer bound to a
/// column without INTEGER affinity would be stored as `42.0` (or the text `"42.0"`). The
/// cast makes it an INTEGER whatever the column. Placeholders are numbered as SQLite
/// numbers them: a bare `?` takes one more than the largest index so far.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub fn cast_integer_params<'a>(sql: &'a str, params: &[Value]) -> Cow<'a, str> {
    if !params.iter().any(|p| matches!(p, Value::Integer(_))) {
        return Cow::Borrowed(sql);
    }
    let mut out = String::with_capacity(sql.len() + 24 * params.len());
    let mut largest = 0;
    for (piece, start, end) in pieces(sql) {
        let text = &sql[start..end];
        match piece {
            Piece::Param(index) => {
                let index = index.unwrap_or(largest + 1);
                largest = largest.max(index);
                // `?0` is not a placeholder SQLite accepts: left for it to refuse.
                let bound = index.checked_sub(1).and_then(|i| params.get(i));
                if matches!(bound, Some(Value::Integer(_))) {
                    out.push_str("CAST(");
                    out.push_str(text);
                    out.push_str(" AS INTEGER)");
                } else {
                    out.push_str(text);
                }
            }
            _ => out.push_str(text),
        }
    }
    Cow::Owned(out)
}

/// The statements of a migration file, each without its `;`, leaving out what holds only
/// comments and whitespace. A `CREATE TRIGGER`'s body (`BEGIN … END`) stays one statement.
#[cfg_attr(not(any(target_arch = "wasm32", feature = "sqlite")), allow(dead_code))] // the ledger's
pub fn split_statements(sql: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut meaningful = false;
    // Inside a trigger body: the `;`s between BEGIN and END do not end the statement.
    let (mut saw_trigger, mut in_body) = (false, false);
    let mut last_word = "";
    for (piece, s, e) in pieces(sql) {
        match piece {
            Piece::Opaque => {}
            Piece::Semicolon if in_body && !last_word.eq_ignore_ascii_case("END") => {}
            Piece::Semicolon => {
                if meaningful {
                    out.push(sql[start..s].trim());
                }
                start = e;
                meaningful = false;
                saw_trigger = false;
                in_body = false;
                last_word = "";
            }
            Piece::Word => {
                let word = &sql[s..e];
                meaningful = true;
                if word.eq_ignore_ascii_case("TRIGGER") {
                    saw_trigger = true;
                }
                if saw_trigger && word.eq_ignore_ascii_case("BEGIN") {
                    in_body = true;
                }
                last_word = word;
            }
            Piece::Param(_) | Piece::Other => {
                meaningful = true;
                last_word = "";
            }
        }
    }
    if meaningful {
        out.push(sql[start..].trim());
    }
    out
}

/// A stable fingerprint of a migration's text (FNV-1a, 64 bits, hex): an object records it
/// with each file it applies, and refuses to go on if an applied file later changes.
#[cfg_attr(not(any(target_arch = "wasm32", feature = "sqlite")), allow(dead_code))] // the ledger's
pub fn checksum(sql: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in sql.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// Appends `LIMIT`/`OFFSET`. SQLite reads a literal beyond i64 as a float and refuses it:
/// a limit that large is no limit, an offset that large skips every row.
pub(crate) fn limit_clause(sql: &mut String, limit: Option<u64>, offset: Option<u64>) {
    let limit = limit.filter(|&l| l <= i64::MAX as u64);
    let offset = offset.map(|o| o.min(i64::MAX as u64));
    match (limit, offset) {
        (None, None) => return,
        (Some(l), _) => {
            sql.push_str(" LIMIT ");
            push_u64(sql, l);
        }
        (None, Some(_)) => sql.push_str(" LIMIT -1"),
    }
    if let Some(o) = offset {
        sql.push_str(" OFFSET ");
        push_u64(sql, o);
    }
}

/// Appends `n` in decimal (without `format!`: this is on every `.get()`).
pub(crate) fn push_u64(sql: &mut String, mut n: u64) {
    if n < 10 {
        // `LIMIT 1` of every `.get()`.
        sql.push(char::from(b'0' + n as u8));
        return;
    }
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &d in &digits[at..] {
        sql.push(char::from(d));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_placeholders_are_cast_and_nothing_else_is() {
        let params = [
            Value::Integer(1),
            Value::Text("a?b".into()),
            Value::Real(2.5),
            Value::Integer(3),
        ];
        let sql = "SELECT '?', \"?\", [?], `?` -- ?\n FROM t WHERE a = ? AND b = ? AND c = ? /* ? */ AND d = ?";
        assert_eq!(
            cast_integer_params(sql, &params),
            "SELECT '?', \"?\", [?], `?` -- ?\n FROM t WHERE a = CAST(? AS INTEGER) AND b = ? AND c = ? /* ? */ AND d = CAST(? AS INTEGER)"
        );
        // Numbered placeholders follow SQLite's numbering.
        let numbered = [Value::Text("x".into()), Value::Integer(7)];
        assert_eq!(
            cast_integer_params(
                "SELECT ?2, ?1, ?2, ?",
                &[numbered[0].clone(), numbered[1].clone(), Value::Integer(1)]
            ),
            "SELECT CAST(?2 AS INTEGER), ?1, CAST(?2 AS INTEGER), CAST(? AS INTEGER)"
        );
        assert!(matches!(
            cast_integer_params("SELECT ?", &[Value::Text("x".into())]),
            Cow::Borrowed(_)
        ));
        // Odd input is passed through, never a panic: `?0`, more placeholders than values,
        // an unterminated quote or comment.
        let one = [Value::Integer(1)];
        assert_eq!(
            cast_integer_params("SELECT ?0, ?, ?", &one),
            "SELECT ?0, CAST(? AS INTEGER), ?"
        );
        assert_eq!(
            cast_integer_params("SELECT 'open ?", &one),
            "SELECT 'open ?"
        );
        assert_eq!(
            cast_integer_params("SELECT ? /* open", &one),
            "SELECT CAST(? AS INTEGER) /* open"
        );
        // Quotes with doubled quotes inside, and unicode, pass through untouched.
        assert_eq!(
            cast_integer_params(
                "SELECT 'it''s ?', \"a\"\"?\", 'é?' , ?",
                &[Value::Integer(1)]
            ),
            "SELECT 'it''s ?', \"a\"\"?\", 'é?' , CAST(? AS INTEGER)"
        );
    }

    #[test]
    fn migration_files_split_into_statements() {
        let file = "-- Migration 0002\n-- generated\nCREATE TABLE \"a;b\" (x TEXT DEFAULT ';');\n\n\
                    /* block; comment */\nINSERT INTO t VALUES ('--;', \"[;]\");\n\
                    CREATE TRIGGER tr AFTER INSERT ON t BEGIN\n  UPDATE u SET n = n + 1;\n  DELETE FROM v;\nEND;\n\
                    ;\n  -- trailing comment\n";
        assert_eq!(
            split_statements(file),
            vec![
                "-- Migration 0002\n-- generated\nCREATE TABLE \"a;b\" (x TEXT DEFAULT ';')",
                "/* block; comment */\nINSERT INTO t VALUES ('--;', \"[;]\")",
                "CREATE TRIGGER tr AFTER INSERT ON t BEGIN\n  UPDATE u SET n = n + 1;\n  DELETE FROM v;\nEND",
            ]
        );
        assert_eq!(split_statements("SELECT 1"), vec!["SELECT 1"]);
        assert!(split_statements("-- only a comment\n;;\n").is_empty());
    }

    /// Any text, however malformed: no panic; only `CAST(`/`AS INTEGER)` is ever added,
    /// around placeholders; splitting loses no statement text.
    #[test]
    fn arbitrary_text_is_scanned_without_panicking() {
        let alphabet: Vec<char> = "?;'\"`[]-/*\n 01aBé_EgInDTR".chars().collect();
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..20_000 {
            let len = (next() % 40) as usize;
            let text: String = (0..len)
                .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                .collect();
            let ints = vec![Value::Integer(1); 4];
            let cast = cast_integer_params(&text, &ints);
            assert_eq!(
                cast.replace("CAST(", "").replace(" AS INTEGER)", ""),
                text.replace("CAST(", "").replace(" AS INTEGER)", ""),
                "{text:?}"
            );
            for stmt in split_statements(&text) {
                assert!(text.contains(stmt), "{text:?} → {stmt:?}");
            }
        }
    }

    #[test]
    fn checksums_are_stable_and_tell_texts_apart() {
        assert_eq!(checksum(""), "cbf29ce484222325");
        assert_eq!(checksum("a"), "af63dc4c8601ec8c");
        assert_ne!(
            checksum("CREATE TABLE a (x)"),
            checksum("CREATE TABLE a (y)")
        );
    }

    #[test]
    fn a_quote_in_a_name_is_doubled() {
        let mut sql = String::new();
        push_ident(&mut sql, "we\"ird");
        push_ident(&mut sql, "plain");
        assert_eq!(sql, r#""we""ird""plain""#);
    }
}
