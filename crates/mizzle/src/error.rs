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
    /// A column's value did not decode into the field's type.
    Decode {
        /// The column.
        column: String,
        /// What was wrong.
        error: DecodeError,
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
    /// Anything else (binding errors, executor misuse).
    Other(String),
}

impl Error {
    /// The HTTP status a Worker usually answers this error with: 409 for a unique
    /// violation, 422 for a foreign key, check or NOT NULL violation, 404 for
    /// [`Error::NotFound`], 400 for a value or statement refused before sending (limits,
    /// unsafe integers, NaN), 500 for the rest.
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
            Error::Limit(_) | Error::IntegerOutOfRange(_) | Error::InvalidValue(_) => 400,
            Error::Decode { .. } | Error::Other(_) => 500,
        }
    }

    /// The database error kind, when this is a database error.
    pub fn db_kind(&self) -> Option<DbErrorKind> {
        match self {
            Error::Database { kind, .. } => Some(*kind),
            _ => None,
        }
    }

    /// Builds a database error from a driver message.
    pub fn database(message: impl Into<String>, sql: impl Into<String>) -> Self {
        let message = message.into();
        Error::Database {
            kind: DbErrorKind::classify(&message),
            message,
            sql: sql.into(),
            statement: None,
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

    /// For a database error in a batch: the failing statement's position (0-based).
    pub fn batch_index(&self) -> Option<usize> {
        match self {
            Error::Database { statement, .. } => *statement,
            _ => None,
        }
    }
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
            Error::InvalidValue(m) => f.write_str(m),
            Error::Decode { column, error } => write!(f, "column `{column}`: {error}"),
            Error::Limit(m) => f.write_str(m),
            Error::IntegerOutOfRange(i) => write!(
                f,
                "integer {i} is outside ±(2^53 − 1) and would be rounded by D1's JavaScript \
                 boundary; store it as text or split it"
            ),
            Error::NotFound => f.write_str("no row matched"),
            Error::Other(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for Error {}

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

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
}
