//! Small readers of SQL text as written: string literals, `col IN (..)` lists, identifiers,
//! partial index conditions.

use super::*;

/// The value of a single-quoted SQL string literal.
pub(super) fn sql_string(t: &str) -> Option<String> {
    leading_string(t).and_then(|(value, rest)| rest.is_empty().then_some(value))
}

/// A leading single-quoted SQL string literal (`''` inside is a quote): its value and what
/// follows it.
fn leading_string(s: &str) -> Option<(String, &str)> {
    let inner = s.strip_prefix('\'')?;
    let mut value = String::new();
    let mut chars = inner.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '\'' {
            if chars.peek().is_some_and(|(_, n)| *n == '\'') {
                chars.next();
            } else {
                return Some((value, &inner[i + 1..]));
            }
        }
        value.push(c);
    }
    None
}

/// An item of an `IN (..)` list.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Item {
    Int(i64),
    Str(String),
}

/// `col IN (1, 'a', ..)`: the column and the items, when the expression is exactly that.
pub(super) fn in_list(expr: &str) -> Option<(String, Vec<Item>)> {
    let s = expr.trim();
    let (col, rest) = split_ident(s)?;
    let rest = rest.trim_start();
    let rest = rest
        .get(..2)
        .filter(|k| k.eq_ignore_ascii_case("IN"))
        .map(|_| &rest[2..])?
        .trim_start();
    let mut rest = rest.strip_prefix('(')?;
    let mut items = Vec::new();
    loop {
        rest = rest.trim_start();
        if rest.starts_with('\'') {
            let (value, after) = leading_string(rest)?;
            items.push(Item::Str(value));
            rest = after;
        } else {
            let len = rest
                .find(|c: char| !(c.is_ascii_digit() || c == '-'))
                .unwrap_or(rest.len());
            items.push(Item::Int(rest[..len].parse().ok()?));
            rest = &rest[len..];
        }
        rest = rest.trim_start();
        if let Some(r) = rest.strip_prefix(',') {
            rest = r;
        } else {
            rest = rest.strip_prefix(')')?;
            break;
        }
    }
    rest.trim().is_empty().then_some((col, items))
}

/// A leading identifier, bare or quoted, and what follows it.
pub(super) fn split_ident(s: &str) -> Option<(String, &str)> {
    let close = match s.chars().next()? {
        '"' => Some('"'),
        '`' => Some('`'),
        '[' => Some(']'),
        _ => None,
    };
    match close {
        Some(close) => {
            let end = s[1..].find(close)? + 1;
            Some((replay::unquote_ident(&s[..=end]), &s[end + 1..]))
        }
        None => {
            let end = s
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(s.len());
            (end > 0).then(|| (s[..end].to_owned(), &s[end..]))
        }
    }
}

/// Whether `expr` names the identifier `name` (bare or quoted, any case), outside string
/// literals.
pub(super) fn mentions_ident(expr: &str, name: &str) -> bool {
    let mut rest = expr;
    while let Some(c) = rest.chars().next() {
        if c == '\'' {
            // Skip a string literal ('' inside is an escaped quote: two literals in a row).
            rest = rest[1..].find('\'').map_or("", |e| &rest[e + 2..]);
        } else if matches!(c, '"' | '`' | '[') || c.is_alphabetic() || c == '_' {
            match split_ident(rest) {
                Some((ident, after)) => {
                    if ident.eq_ignore_ascii_case(name) {
                        return true;
                    }
                    rest = after;
                }
                None => rest = &rest[c.len_utf8()..],
            }
        } else {
            rest = &rest[c.len_utf8()..];
        }
    }
    false
}

/// The condition of a partial index, as written (`CREATE INDEX .. ON t (..) WHERE cond`).
pub(super) fn partial_condition(sql: &str) -> Option<String> {
    let bytes = sql.as_bytes();
    let (mut i, mut depth, mut quote) = (0, 0i32, None::<u8>);
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None => match b {
                b'\'' | b'"' | b'`' => quote = Some(b),
                b'[' => quote = Some(b']'),
                b'(' => depth += 1,
                b')' => depth -= 1,
                _ if depth == 0
                    && sql
                        .get(i..i + 5)
                        .is_some_and(|w| w.eq_ignore_ascii_case("WHERE"))
                    && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric())
                    && bytes.get(i + 5).is_none_or(|b| !b.is_ascii_alphanumeric()) =>
                {
                    return Some(sql[i + 5..].trim().trim_end_matches(';').trim().to_owned());
                }
                _ => {}
            },
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_lists_parse() {
        assert_eq!(
            in_list(r#""status" IN ('a', 'it''s')"#),
            Some((
                "status".into(),
                vec![Item::Str("a".into()), Item::Str("it's".into())]
            ))
        );
        assert_eq!(
            in_list("flag in (0,1)"),
            Some(("flag".into(), vec![Item::Int(0), Item::Int(1)]))
        );
        assert_eq!(in_list("a IN (0, 1) AND b > 0"), None);
        assert_eq!(in_list("length(a) IN (1)"), None);
    }

    #[test]
    fn partial_conditions_are_found() {
        assert_eq!(
            partial_condition(r#"CREATE INDEX "i" ON "t" ("a") WHERE "a" <> 'WHERE';"#).as_deref(),
            Some(r#""a" <> 'WHERE'"#)
        );
        assert_eq!(partial_condition("CREATE INDEX i ON t (a)"), None);
    }
}
