//! Reading just enough of a statement's SQL for the plan check: its words (quotes off),
//! the aliases its `FROM` items take, and the columns it compares on a table (for the
//! index to suggest). Not a parser: what it cannot read, it leaves out.

/// SQL's words and names, quotes taken off, with punctuation and operators as their own
/// tokens (enough to read `FROM t AS a` and `"t"."c" = ?`).
pub(super) fn tokens(sql: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' | '`' | '[' => {
                let close = if c == '[' { ']' } else { c };
                let mut s = String::new();
                for d in chars.by_ref() {
                    if d == close {
                        break;
                    }
                    s.push(d);
                }
                out.push(s);
            }
            '\'' => {
                for d in chars.by_ref() {
                    if d == '\'' {
                        break;
                    }
                }
                out.push("'".to_owned());
            }
            c if c.is_alphanumeric() || c == '_' => {
                let mut s = String::from(c);
                while let Some(&d) = chars.peek() {
                    if d.is_alphanumeric() || d == '_' {
                        s.push(d);
                        chars.next();
                    } else {
                        break;
                    }
                }
                out.push(s);
            }
            '<' if chars.peek() == Some(&'>') => {
                chars.next();
                out.push("<>".to_owned());
            }
            '<' | '>' | '!' if chars.peek() == Some(&'=') => {
                chars.next();
                out.push(format!("{c}="));
            }
            c if c.is_whitespace() => {}
            c => out.push(c.to_string()),
        }
    }
    out
}

pub(super) fn contains_word(sql: &str, word: &str) -> bool {
    tokens(sql).iter().any(|t| t.eq_ignore_ascii_case(word))
}

const NOT_ALIASES: &[&str] = &[
    "WHERE",
    "JOIN",
    "INNER",
    "LEFT",
    "RIGHT",
    "FULL",
    "CROSS",
    "ON",
    "ORDER",
    "GROUP",
    "LIMIT",
    "SET",
    "VALUES",
    "RETURNING",
    "UNION",
    "EXCEPT",
    "INTERSECT",
    "HAVING",
    "WINDOW",
    "NATURAL",
    "USING",
    "INDEXED",
    "NOT",
    "DEFAULT",
    "SELECT",
    "OFFSET",
];

/// `(alias, table)` for every `FROM`/`JOIN`/`UPDATE`/`INTO` item with an alias.
pub(super) fn aliases(sql: &str) -> Vec<(String, String)> {
    let t = tokens(sql);
    let mut out = Vec::new();
    for i in 0..t.len() {
        let opener = ["FROM", "JOIN", "UPDATE", "INTO", ","]
            .iter()
            .any(|k| t[i].eq_ignore_ascii_case(k));
        if !opener || i + 2 > t.len() {
            continue;
        }
        let table = &t[i + 1];
        let mut j = i + 2;
        if t.get(j).is_some_and(|w| w.eq_ignore_ascii_case("AS")) {
            j += 1;
        }
        if let Some(alias) = t.get(j)
            && alias.chars().all(|c| c.is_alphanumeric() || c == '_')
            && !NOT_ALIASES.iter().any(|k| alias.eq_ignore_ascii_case(k))
        {
            out.push((alias.clone(), table.clone()));
        }
    }
    out
}

/// The columns `sql` compares on `table` (or an alias of it), for an index: equalities
/// first (`=`, `IN`, `IS`), then one range (`<`, `>`, `BETWEEN`); and apart, its
/// `ORDER BY` columns.
/// `own` are the table's columns: a name of one of them, unqualified, counts too (raw SQL
/// over one table: `WHERE token = ?`).
pub(super) fn condition_columns(
    table: &str,
    sql: &str,
    own: &[String],
) -> (Vec<String>, Vec<String>) {
    let t = tokens(sql);
    let names: Vec<String> = std::iter::once(table.to_owned())
        .chain(
            aliases(sql)
                .into_iter()
                .filter(|(_, tb)| tb == table)
                .map(|(a, _)| a),
        )
        .collect();
    let (mut eq, mut range, mut order) = (Vec::new(), Vec::new(), Vec::new());
    let (mut in_order_by, mut in_set) = (false, false);
    for i in 0..t.len() {
        if t[i].eq_ignore_ascii_case("ORDER") {
            in_order_by = true;
        } else if ["LIMIT", "RETURNING", "GROUP"]
            .iter()
            .any(|k| t[i].eq_ignore_ascii_case(k))
        {
            in_order_by = false;
        }
        // `SET a = ?` assigns; it is no condition.
        if t[i].eq_ignore_ascii_case("SET") {
            in_set = true;
        } else if ["WHERE", "RETURNING", "FROM"]
            .iter()
            .any(|k| t[i].eq_ignore_ascii_case(k))
        {
            in_set = false;
        }
        if in_set {
            continue;
        }
        let qualified = i + 3 <= t.len() && t[i + 1] == "." && names.contains(&t[i]);
        let bare = own.contains(&t[i])
            && (i == 0 || t[i - 1] != ".")
            && t.get(i + 1).is_none_or(|n| n != ".");
        let (column, op) = if qualified {
            (t[i + 2].clone(), t.get(i + 3))
        } else if bare {
            (t[i].clone(), t.get(i + 1))
        } else {
            continue;
        };
        let op = op.map(String::as_str).unwrap_or("");
        let list = if in_order_by {
            &mut order
        } else if ["=", "IN", "IS"].iter().any(|k| op.eq_ignore_ascii_case(k)) {
            &mut eq
        } else if ["<", ">", "<=", ">=", "BETWEEN"]
            .iter()
            .any(|k| op.eq_ignore_ascii_case(k))
        {
            &mut range
        } else {
            continue;
        };
        if !list.contains(&column) {
            list.push(column);
        }
    }
    let mut columns: Vec<String> = eq.into_iter().take(3).collect();
    if let Some(r) = range.into_iter().find(|r| !columns.contains(r)) {
        columns.push(r);
    }
    order.truncate(3);
    (columns, order)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_and_suggestions_are_read_from_the_sql() {
        let sql = "SELECT \"parent\".\"id\" FROM \"comments\" AS \"parent\" WHERE \"parent\".\"body\" = ? AND \"parent\".\"created_at\" > ?";
        assert_eq!(aliases(sql), [("parent".to_owned(), "comments".to_owned())]);
        assert_eq!(
            condition_columns("comments", sql, &[]).0,
            ["body", "created_at"]
        );
        let raw = "select * from posts p join users u on u.id = p.author_id where p.title = 'x' order by p.created_at";
        assert!(aliases(raw).contains(&("p".to_owned(), "posts".to_owned())));
        assert_eq!(condition_columns("posts", raw, &[]).0, ["title"]);
        assert_eq!(
            condition_columns("users", "SELECT * FROM users ORDER BY users.name", &[]),
            (Vec::new(), vec!["name".to_owned()])
        );
    }
}
