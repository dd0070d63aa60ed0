//! [`FromRow`]: decoding a whole row into a struct, for generated row structs and for
//! `#[derive(FromRow)]` (whose expansion calls [`derived_field`] once per field).

use crate::error::{Error, Result};
use crate::exec::row::{Row, RowReader};
use crate::sql::SqlType;

/// Decodes a result row into a struct. Every generated row struct implements it; derive it
/// for your own.
///
/// # The contract
///
/// `from_row` gets one whole row, with its column names, and either returns the value or an
/// [`Error::Decode`] naming the column. It must not guess: a missing column, a NULL for a
/// field that is not an `Option`, or a value that does not fit is an error, never a default
/// (what a database one migration behind, or a query that forgot a column, would otherwise
/// turn into plausible wrong data).
///
/// # `#[derive(FromRow)]`
///
/// Each field is read from the result column of its name, wherever it is in the row;
/// columns the struct does not name are ignored. It works with every way of getting rows:
/// `db.raw(..).all::<T>()`, a table's `select(..).all_as::<T>()` and a projection's
/// `.columns(..).all_as::<T>()` (an expression is named with `.named("…")`).
///
/// ```
/// use mizzle::chrono::{DateTime, Utc};
/// use mizzle::FromRow;
///
/// #[derive(FromRow)]
/// struct Rsvp {
///     id: i64,
///     #[mizzle(rename = "guest_name")] // the column, when its name is not the field's
///     guest: String,
///     plus_ones: u8,                    // narrower integers: out of range is an error
///     note: Option<String>,             // a nullable column is an Option
///     #[mizzle(sql = "timestamp_ms")]   // seconds or milliseconds: say which
///     answered_at: DateTime<Utc>,
///     #[mizzle(default)]                // Default::default() when the column is absent
///     seats: i64,
///     #[mizzle(skip)]                   // never read
///     cached: Option<String>,
/// }
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let db = mizzle::Db::new(mizzle::sqlite::SqliteExecutor::open_in_memory()?);
/// let rsvps: Vec<Rsvp> = db
///     .raw(
///         "SELECT 1 AS id, 'Ann' AS guest_name, 2 AS plus_ones, NULL AS note, \
///          1700000000000 AS answered_at",
///         vec![],
///     )
///     .all()
///     .await?;
/// assert_eq!(rsvps[0].guest, "Ann");
/// assert_eq!(rsvps[0].answered_at.timestamp(), 1_700_000_000);
/// # Ok::<(), mizzle::Error>(())
/// # }).unwrap();
/// ```
///
/// Field attributes: `rename = "column"`, `sql = "…"` (the schema's type names: `integer`,
/// `real`, `text`, `blob`, `boolean`, `timestamp`, `timestamp_ms`, `json`; nullable when the
/// field is an `Option`), `default`, `skip`. A field's type must hold its column's SQL type
/// ([`FromSql`](crate::FromSql)); without `sql`, the type's [`DefaultSql`](crate::DefaultSql)
/// is used (`i64` is an integer, `String` text, a generated enum itself); a
/// `DateTime<Utc>` has none, so it is a compile error until you say `timestamp` or
/// `timestamp_ms`.
///
/// With `#[mizzle(table = schema::posts)]` on the struct, each field is that table's column
/// of its name (or the one `#[mizzle(column = name)]` gives), read as the column's SQL type:
/// a field whose type cannot hold it is a compile error at the field.
///
/// ```compile_fail
/// # mod schema { pub mod posts { pub const title: mizzle::Column<(), mizzle::sql::Text> = mizzle::Column::new("title"); } }
/// #[derive(mizzle::FromRow)]
/// #[mizzle(table = schema::posts)]
/// struct Card {
///     title: i64, // error: a field of type `i64` cannot hold a value of SQL type `Text`
/// }
/// ```
///
/// Two result columns of one name (`SELECT *` over a join) are an error for a field of
/// that name, not the first of them: give each its own name with `AS`.
pub trait FromRow: Sized {
    /// Decodes `row`.
    fn from_row(row: Row) -> Result<Self>;

    /// Decodes the next cells of `reader` (generated row structs implement it, so a join
    /// can read each table's part of a row in place).
    ///
    /// By default a reader that has read nothing yet is handed over whole to
    /// [`FromRow::from_row`]; a type read from the middle of a row must implement this.
    fn from_reader(reader: &mut RowReader<'_>) -> Result<Self> {
        if !reader.at_start() {
            return Err(Error::Other(format!(
                "{} can be decoded from a whole row only",
                std::any::type_name::<Self>()
            )));
        }
        Self::from_row(reader.take_row())
    }
}

/// Reads `field` (`Struct.field`) of a derived struct from the column called `name`, as
/// SQL type `S` (what `#[derive(FromRow)]` expands to). With `default`, a result without
/// that column gives `T::default()`.
#[doc(hidden)]
pub fn derived_field<S: SqlType, T: crate::sql::FromSql<S>>(
    reader: &mut RowReader<'_>,
    name: &str,
    field: &'static str,
    default: Option<fn() -> T>,
) -> Result<T> {
    if let Some(default) = default
        && !reader.has_column(name)
    {
        return Ok(default());
    }
    let value = reader
        .read_named::<S>(name)
        .map_err(|e| in_field(e, field))?;
    T::from_sql(value).map_err(|error| {
        in_field(
            Error::Decode {
                column: name.to_owned(),
                error,
                sql: String::new(),
            },
            field,
        )
    })
}

/// A decode error of a derived struct's field, saying which field.
#[cold]
fn in_field(e: Error, field: &'static str) -> Error {
    match e {
        Error::Decode { column, error, sql } => Error::Decode {
            column,
            error: crate::DecodeError::new(format!("into `{field}`: {error}")),
            sql,
        },
        other => other,
    }
}

/// Decodes every row into `T`, in order (a loop, not an iterator chain: one small function
/// per row type in a Worker's wasm).
pub(crate) fn decode_all<T: FromRow>(rows: Vec<Row>) -> Result<Vec<T>> {
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        out.push(T::from_row(row)?);
    }
    Ok(out)
}

/// Decodes every row with `decode`, reading its cells by position (joins and projections).
pub(crate) fn decode_positional<T>(
    rows: impl IntoIterator<Item = Row>,
    decode: fn(&mut RowReader<'_>) -> Result<T>,
) -> Result<Vec<T>> {
    let mut out = Vec::new();
    for row in rows {
        out.push(decode(&mut row.positional_reader())?);
    }
    Ok(out)
}

impl FromRow for Row {
    fn from_row(row: Row) -> Result<Self> {
        Ok(row)
    }
}
