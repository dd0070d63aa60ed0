//! One error type for everything the runtime does.

use std::fmt;

/// A value could not be decoded into its Rust type.
#[derive(Debug, Clone, PartialEq)]
pub struct DecodeError {
    message: String,
}

impl DecodeError {
    /// A decode error with this message.
    pub fn new(message: impl Into<String>) -> Self {
        DecodeError {
            message: message.into(),
        }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// What kind of database failure happened, read from the driver's message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DbErrorKind {
    /// A `UNIQUE` or `PRIMARY KEY` constraint failed.
    UniqueViolation,
    /// A `FOREIGN KEY` constraint failed.
    ForeignKeyViolation,
    /// A `CHECK` constraint failed.
    CheckViolation,
    /// A `NOT NULL` constraint failed.
    NotNullViolation,
    /// Anything else.
    Other,
}

impl DbErrorKind {
    /// Classifies a SQLite / D1 error message (`D1_ERROR: UNIQUE constraint failed: …`).
    pub fn classify(message: &str) -> Self {
        const KINDS: [(&str, DbErrorKind); 4] = [
            ("UNIQUE", DbErrorKind::UniqueViolation),
            ("FOREIGN KEY", DbErrorKind::ForeignKeyViolation),
            ("CHECK", DbErrorKind::CheckViolation),
            ("NOT NULL", DbErrorKind::NotNullViolation),
        ];
        // `<KIND> constraint failed`, found by its fixed suffix.
        let m = message.as_bytes();
        let suffix = b" constraint failed";
        for end in (0..m.len()).filter(|&i| m[i..].starts_with(suffix)) {
            for (kind, k) in KINDS {
                if m[..end].ends_with(kind.as_bytes()) {
                    return k;
                }
            }
        }
        DbErrorKind::Other
    }
}

/// Errors returned by queries.
#[derive(Debug, Clone, PartialEq)]
pub enum Error {
    /// The database rejected the statement.
    Database {
        /// Classified cause.
        kind: DbErrorKind,
        /// The driver's message.
        message: String,
        /// The statement's SQL.
        sql: String,
        /// In a batch: the failing statement's position (0-based), when it is known.
        statement: Option<usize>,
    },
    /// The database lacks a table or column that the statement names: it is behind the
    /// code (a migration not applied yet, or code deployed before its migration). SQLite's
    /// `no such column`, `no such table` and `has no column named`. Every column mizzle
    /// writes is qualified, so a missing one is always this error, never a wrong value.
    SchemaBehind {
        /// The driver's message.
        message: String,
        /// The statement's SQL.
        sql: String,
        /// The migrations the database has not applied, when known (from
        /// [`Db::verify_migrations`](crate::Db::verify_migrations)); empty otherwise.
        pending: Vec<String>,
    },
    /// A column's value did not decode into the field's type.
    Decode {
        /// The column: `table.column` for a table's row, or the select list's expression
        /// (`count("posts"."id")`) for a projection.
        column: String,
        /// What was wrong: the expected and the found type and value.
        error: DecodeError,
        /// The statement's SQL, when the executor knows it (empty otherwise).
        sql: String,
    },
    /// A statement would exceed one of D1's limits (see [`crate::Limits`]).
    Limit(String),
    /// An integer outside ±(2^53 − 1) cannot cross D1's JavaScript boundary exactly.
    IntegerOutOfRange(i64),
    /// A value the database would silently change or could not give back (NaN, which
    /// SQLite stores as NULL; an infinity on D1; JSON nested deeper than the decoder reads).
    InvalidValue(String),
    /// `.one()` found no row.
    NotFound,
    /// An insert that takes its parent key from an earlier insert
    /// (`set_from_last_insert`) whose parent row cannot be told for certain: sent outside a
    /// batch, or in a batch where the item before it does not lead to one row of the
    /// parent table. Refused before anything is sent; the message shows the order that
    /// works.
    DependentInsert(String),
    /// Anything else (binding errors, executor misuse).
    Other(String),
}

impl Error {
    /// The HTTP status a Worker usually answers this error with: 409 for a unique
    /// violation, 422 for a foreign key, check or NOT NULL violation, 404 for
    /// [`Error::NotFound`], 400 for a value or statement refused before sending (limits,
    /// unsafe integers, NaN), 503 for a database behind the code's migrations
    /// ([`Error::SchemaBehind`]: the service is unavailable until they are applied), 500 for
    /// the rest.
    pub fn http_status(&self) -> u16 {
        match self {
            Error::Database { kind, .. } => match kind {
                DbErrorKind::UniqueViolation => 409,
                DbErrorKind::ForeignKeyViolation
                | DbErrorKind::CheckViolation
                | DbErrorKind::NotNullViolation => 422,
                DbErrorKind::Other => 500,
            },
            Error::NotFound => 404,
            Error::SchemaBehind { .. } => 503,
            Error::Limit(_) | Error::IntegerOutOfRange(_) | Error::InvalidValue(_) => 400,
            Error::Decode { .. } | Error::DependentInsert(_) | Error::Other(_) => 500,
        }
    }

    /// The database error kind, when this is a database error.
    pub fn db_kind(&self) -> Option<DbErrorKind> {
        match self {
            Error::Database { kind, .. } => Some(*kind),
            _ => None,
        }
    }

    /// Builds a database error from a driver message: [`Error::SchemaBehind`] when it
    /// says a table or column is missing, else [`Error::Database`].
    pub fn database(message: impl Into<String>, sql: impl Into<String>) -> Self {
        let message = message.into();
        if message.contains("integer overflow") {
            // The guard of an integer column's assignment (see `crate::assign`), or SQLite's
            // own overflow in arithmetic: nothing was stored.
            return Error::InvalidValue(format!(
                "the statement computed an integer beyond ±(2^53 − 1), which D1 and Durable \
                 Objects cannot read back exactly: refused, and a write stored nothing \
                 ({message}; in `{}`)",
                sql.into()
            ));
        }
        if names_missing_object(&message) {
            return Error::SchemaBehind {
                message,
                sql: sql.into(),
                pending: Vec::new(),
            };
        }
        Error::Database {
            kind: DbErrorKind::classify(&message),
            message,
            sql: sql.into(),
            statement: None,
        }
    }

    /// A decode error of a table's row: its column named `table.column`.
    #[cold]
    pub(crate) fn in_table(self, table: &str) -> Self {
        match self {
            Error::Decode { column, error, sql } if !column.contains('.') => Error::Decode {
                column: format!("{table}.{column}"),
                error,
                sql,
            },
            other => other,
        }
    }

    /// A decode error with the statement it read: the statement's SQL, and a result name
    /// mizzle gave a select list item (`"c3"`) replaced by the item's own SQL.
    #[cold]
    pub(crate) fn in_statement(self, statement: &str) -> Self {
        match self {
            Error::Decode { column, error, sql } if sql.is_empty() => Error::Decode {
                column: select_item(statement, &column).unwrap_or(column),
                error,
                sql: statement.to_owned(),
            },
            other => other,
        }
    }

    /// The same error, placed at statement `index` of a batch (0-based).
    pub fn in_batch(self, index: usize) -> Self {
        match self {
            Error::Database {
                kind, message, sql, ..
            } => Error::Database {
                kind,
                message,
                sql,
                statement: Some(index),
            },
            other => other,
        }
    }

    /// The column a failed constraint names, as `table.column`: SQLite's own for a UNIQUE
    /// or NOT NULL failure (`users.email`; `t.a, t.b` for a unique key of several), and for
    /// a foreign key the reference mizzle found ([`Error::Database`]'s message names it).
    /// `None` for other errors, and for a foreign key failure no single reference could be
    /// blamed for. Match on it to answer each failure in its own words:
    ///
    /// ```text
    /// Err(e) => match e.constraint_column() {
    ///     Some("rsvps.event_id") => not_found("event"),
    ///     Some("rsvps.person_id") => not_found("person"),
    ///     _ => Err(e.into()),
    /// }
    /// ```
    pub fn constraint_column(&self) -> Option<&str> {
        let Error::Database { kind, message, .. } = self else {
            return None;
        };
        if !matches!(
            kind,
            DbErrorKind::UniqueViolation
                | DbErrorKind::NotNullViolation
                | DbErrorKind::ForeignKeyViolation
        ) {
            return None;
        }
        const AT: &str = "constraint failed: ";
        let rest = &message[message.find(AT)? + AT.len()..];
        let end = [rest.find(": "), rest.find(" (")]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or(rest.len());
        let named = &rest[..end];
        (named.contains('.') && !named.starts_with("SQLITE_")).then_some(named)
    }

    /// For a database error in a batch: the failing statement's position (0-based).
    pub fn batch_index(&self) -> Option<usize> {
        match self {
            Error::Database { statement, .. } => *statement,
            _ => None,
        }
    }
}

/// The select list item of `sql` that is named `"name"` (`count("posts"."id") AS "c1"` →
/// `count(posts.id)`), its identifiers unquoted where that is plain, for a message.
fn select_item(sql: &str, name: &str) -> Option<String> {
    let alias = format!(" AS \"{name}\"");
    let end = sql.find(&alias)?;
    let head = &sql[..end];
    // Back to the comma (outside parentheses and quotes) or `SELECT ` before it.
    let (mut depth, mut quoted, mut start) = (0i32, false, 0);
    for (i, c) in head.char_indices().rev() {
        match c {
            '"' => quoted = !quoted,
            ')' if !quoted => depth += 1,
            '(' if !quoted => depth -= 1,
            ',' if !quoted && depth == 0 => {
                start = i + 1;
                break;
            }
            _ => {}
        }
    }
    let item = head[start..].trim();
    let item = item
        .strip_prefix("SELECT DISTINCT ")
        .or_else(|| item.strip_prefix("SELECT "))
        .unwrap_or(item);
    Some(unquote_plain(item))
}

/// `"posts"."id"` → `posts.id` where every quoted name is a plain word.
fn unquote_plain(sql: &str) -> String {
    let plain = |w: &str| !w.is_empty() && w.chars().all(|c| c.is_alphanumeric() || c == '_');
    let mut out = String::with_capacity(sql.len());
    let mut rest = sql;
    while let Some(open) = rest.find('"') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('"') {
            Some(close) if plain(&after[..close]) => {
                out.push_str(&after[..close]);
                rest = &after[close + 1..];
            }
            _ => {
                out.push('"');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Whether a SQLite or D1 message says the statement names a table or column that the
/// database does not have (`no such column: events.url`, `no such table: events`,
/// `table events has no column named url`).
fn names_missing_object(message: &str) -> bool {
    // `rowid` is missing from a WITHOUT ROWID table by design, not for want of a migration.
    !message.contains("rowid")
        && [
            "no such column: ",
            "no such table: ",
            " has no column named ",
        ]
        .iter()
        .any(|m| message.contains(m))
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Database {
                message,
                sql,
                statement: Some(i),
                ..
            } => write!(
                f,
                "{message} (in statement {} of the batch: `{sql}`)",
                i + 1
            ),
            Error::Database { message, sql, .. } => write!(f, "{message} (in `{sql}`)"),
            Error::SchemaBehind {
                message,
                sql,
                pending,
            } => {
                write!(
                    f,
                    "the database is behind the code: {message} (in `{sql}`). "
                )?;
                if pending.is_empty() {
                    f.write_str(
                        "It lacks a table or column this statement uses, so a migration has not \
                         been applied to it",
                    )?;
                } else {
                    write!(f, "It has not applied {}", pending.join(", "))?;
                }
                f.write_str(
                    ": on D1, apply pending migrations with `mizzle migrate --local` (the local \
                     database) or `mizzle migrate --remote` (the deployed one); a Durable Object \
                     applies its own on first touch, once the code with the migration is deployed",
                )
            }
            Error::InvalidValue(m) => f.write_str(m),
            Error::Decode { column, error, sql } if sql.is_empty() => {
                write!(f, "column `{column}`: {error}")
            }
            Error::Decode { column, error, sql } => {
                write!(f, "column `{column}`: {error} (in `{sql}`)")
            }
            Error::Limit(m) => f.write_str(m),
            Error::IntegerOutOfRange(i) => write!(
                f,
                "integer {i} is outside ±(2^53 − 1) and would be rounded at the JavaScript \
                 boundary of D1 and Durable Objects; store it as text or split it"
            ),
            Error::NotFound => f.write_str("no row matched"),
            Error::DependentInsert(m) | Error::Other(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for Error {}

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// `?` on a mizzle result inside a Worker's handler (or a Durable Object's `fetch`), whose
/// error type is `worker::Error`: the error's message, which the runtime answers with a 500.
/// To answer with the status that fits (409 for a duplicate, 404, 503 for a database behind
/// the code, ..), map it yourself with [`Error::http_status`].
#[cfg(target_arch = "wasm32")]
impl From<Error> for worker::Error {
    fn from(e: Error) -> Self {
        worker::Error::RustError(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::DbErrorKind;

    #[test]
    fn classifies_sqlite_and_d1_constraint_messages() {
        for (message, kind) in [
            (
                "UNIQUE constraint failed: users.email",
                DbErrorKind::UniqueViolation,
            ),
            (
                "D1_ERROR: UNIQUE constraint failed: users.email: SQLITE_CONSTRAINT",
                DbErrorKind::UniqueViolation,
            ),
            (
                "FOREIGN KEY constraint failed",
                DbErrorKind::ForeignKeyViolation,
            ),
            (
                "D1_ERROR: CHECK constraint failed: length(name) > 0: SQLITE_CONSTRAINT",
                DbErrorKind::CheckViolation,
            ),
            (
                "NOT NULL constraint failed: posts.title",
                DbErrorKind::NotNullViolation,
            ),
            ("no such table: nope", DbErrorKind::Other),
            ("constraint failed", DbErrorKind::Other),
            ("PRIMARY KEY must be unique", DbErrorKind::Other),
            ("", DbErrorKind::Other),
        ] {
            assert_eq!(DbErrorKind::classify(message), kind, "{message}");
        }
    }

    #[test]
    fn constraint_failures_name_their_column() {
        for (message, column) in [
            ("UNIQUE constraint failed: users.email", Some("users.email")),
            (
                "D1_ERROR: UNIQUE constraint failed: users.email: SQLITE_CONSTRAINT",
                Some("users.email"),
            ),
            (
                "UNIQUE constraint failed: post_tags.post_id, post_tags.tag_id",
                Some("post_tags.post_id, post_tags.tag_id"),
            ),
            (
                "NOT NULL constraint failed: posts.title",
                Some("posts.title"),
            ),
            (
                "FOREIGN KEY constraint failed: rsvps.event_id: no `events` row has id = 7",
                Some("rsvps.event_id"),
            ),
            ("FOREIGN KEY constraint failed", None),
            (
                "D1_ERROR: FOREIGN KEY constraint failed: SQLITE_CONSTRAINT",
                None,
            ),
            (
                "D1_ERROR: FOREIGN KEY constraint failed: SQLITE_CONSTRAINT (on `t`; one of: t.a → p.id)",
                None,
            ),
            ("CHECK constraint failed: length(name) > 0", None),
        ] {
            let e = super::Error::database(message, "INSERT …");
            assert_eq!(e.constraint_column(), column, "{message}");
        }
    }

    #[test]
    fn a_missing_table_or_column_is_a_database_behind_the_code() {
        for message in [
            "no such column: events.url",
            "D1_ERROR: no such column: events.url: SQLITE_ERROR",
            "no such table: events",
            "table users has no column named bio",
            "Error: no such table: main.events: SQLITE_ERROR",
        ] {
            let e = super::Error::database(message, "SELECT 1");
            assert!(
                matches!(e, super::Error::SchemaBehind { .. }),
                "{message}: {e:?}"
            );
            assert_eq!(e.http_status(), 503);
        }
        for message in [
            "no such column: rowid",
            "UNIQUE constraint failed: users.email",
            "near \"FROM\": syntax error",
        ] {
            let e = super::Error::database(message, "SELECT 1");
            assert!(matches!(e, super::Error::Database { .. }), "{message}");
        }
    }
}
