//! The rows that come back and how they decode: [`Row`] (cells and column names),
//! [`RowReader`] (cells read in order, by position for mizzle's own statements, by name for
//! hand-written SQL), [`FromRow`], and, natively, reading SQLite's cells without a
//! [`Value`] in between.

use std::sync::Arc;

use crate::error::{Error, Result};
use crate::sql::SqlType;
use crate::sql::statement::Columns;
use crate::sql::value::{Value, ValueRef};

/// One result row: its cells, and the names of its columns.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    names: Names,
    values: Vec<Value>,
}

/// A row's column names: those of the statement mizzle built (the cells are in that order),
/// or the names the database reported (hand-written SQL).
#[derive(Debug, Clone, PartialEq)]
enum Names {
    Known(Columns),
    Reported(Arc<[String]>),
}

impl Names {
    fn get(&self, i: usize) -> Option<&str> {
        match self {
            Names::Known(c) => c.get(i).copied(),
            Names::Reported(c) => c.get(i).map(String::as_str),
        }
    }

    fn position(&self, name: &str) -> Option<usize> {
        match self {
            Names::Known(c) => c.iter().position(|c| *c == name),
            Names::Reported(c) => c.iter().position(|c| c == name),
        }
    }
}

impl Row {
    /// A row of `values` named by `columns` (same length), as the database reported them.
    pub fn new(columns: Arc<[String]>, values: Vec<Value>) -> Self {
        debug_assert_eq!(columns.len(), values.len());
        Row {
            names: Names::Reported(columns),
            values,
        }
    }

    /// A row of a statement mizzle built: `values` are in the order of `columns`, so they are
    /// read by position.
    pub fn of_statement(columns: Columns, values: Vec<Value>) -> Self {
        debug_assert_eq!(columns.len(), values.len());
        Row {
            names: Names::Known(columns),
            values,
        }
    }

    /// A row of a statement's result: named by the statement's columns when mizzle built
    /// it, else by the names the database `reported` (none: a statement without columns).
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub(crate) fn for_statement(
        columns: Option<&Columns>,
        reported: Option<&Arc<[String]>>,
        values: Vec<Value>,
    ) -> Self {
        match (columns, reported) {
            (Some(columns), _) => Row::of_statement(columns.clone(), values),
            (None, Some(names)) => Row::new(names.clone(), values),
            (None, None) => Row::new(Arc::from(Vec::new()), values),
        }
    }

    /// The name of column `i`.
    pub fn column(&self, i: usize) -> Option<&str> {
        self.names.get(i)
    }

    /// Column names, in order.
    pub fn column_names(&self) -> impl ExactSizeIterator<Item = &str> {
        (0..self.values.len()).map(|i| self.names.get(i).unwrap_or(""))
    }

    /// Cells, in column order.
    pub fn values(&self) -> &[Value] {
        &self.values
    }

    /// The cells, taken out of the row.
    pub fn into_values(self) -> Vec<Value> {
        self.values
    }

    /// The cell of the column called `name`.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.names.position(name).map(|i| &self.values[i])
    }

    /// A reader that decodes the cells field by field.
    pub fn reader(self) -> RowReader<'static> {
        // Only a whole table's columns are known to be in the order its row struct reads
        // them; any other row is read by name.
        let positional = matches!(self.names, Names::Known(Columns::Table(_)));
        RowReader {
            source: Source::Row(self),
            next: 0,
            positional,
        }
    }

    /// A reader that finds each column by its name, whatever the statement (what
    /// `#[derive(FromRow)]` reads through: your struct's fields need not be the result's
    /// columns, nor in their order).
    pub fn named_reader(self) -> RowReader<'static> {
        RowReader {
            source: Source::Row(self),
            next: 0,
            positional: false,
        }
    }

    /// A reader that decodes the cells strictly in order, ignoring their names (joins and
    /// projections, whose statements mizzle builds column by column).
    pub fn positional_reader(self) -> RowReader<'static> {
        RowReader {
            source: Source::Row(self),
            next: 0,
            positional: true,
        }
    }
}

/// Decodes a row's cells in order. A row of a statement mizzle built is read by position;
/// a row of hand-written SQL is read by name (in order when the names match, which is the
/// common case, else by searching).
///
/// Natively, the SQLite executor hands out readers over the row SQLite is stepping, so a
/// field is decoded from SQLite's own cell (no [`Value`] in between).
pub struct RowReader<'r> {
    source: Source<'r>,
    next: usize,
    positional: bool,
}

/// Where a reader's cells are.
enum Source<'r> {
    /// An owned row (D1, Durable Objects, batches).
    Row(Row),
    /// The row a native SQLite statement is on, with the statement's column names.
    #[cfg(all(feature = "sqlite", not(target_arch = "wasm32")))]
    Sqlite {
        row: &'r rusqlite::Row<'r>,
        names: &'r Names,
        width: usize,
    },
    #[cfg(not(all(feature = "sqlite", not(target_arch = "wasm32"))))]
    #[allow(dead_code)]
    Never(std::convert::Infallible, std::marker::PhantomData<&'r ()>),
}

/// Column names of a statement, for readers over rows a backend is stepping.
#[cfg(all(feature = "sqlite", not(target_arch = "wasm32")))]
pub(crate) struct StatementNames(Names);

#[cfg(all(feature = "sqlite", not(target_arch = "wasm32")))]
impl StatementNames {
    /// The names of the statement mizzle built (`columns`), else those the database
    /// `reported` (none: a statement without columns).
    pub(crate) fn new(columns: Option<&Columns>, reported: Option<&Arc<[String]>>) -> Self {
        StatementNames(match (columns, reported) {
            (Some(columns), _) => Names::Known(columns.clone()),
            (None, Some(names)) => Names::Reported(names.clone()),
            // Nothing to name (a write without RETURNING): no allocation.
            (None, None) => Names::Known(Columns::Table(&[])),
        })
    }

    /// Row `row` of this statement, its cells copied out.
    pub(crate) fn row(&self, row: &rusqlite::Row<'_>, width: usize) -> Row {
        Row {
            names: self.0.clone(),
            values: sqlite_values(row, width, 0),
        }
    }

    /// A reader over `row`, one of this statement's rows (`width` cells).
    pub(crate) fn reader<'r>(&'r self, row: &'r rusqlite::Row<'r>, width: usize) -> RowReader<'r> {
        RowReader {
            positional: matches!(self.0, Names::Known(Columns::Table(_))),
            source: Source::Sqlite {
                row,
                names: &self.0,
                width,
            },
            next: 0,
        }
    }
}

/// SQLite's cell as a [`ValueRef`], and the owned value instead when its text is not UTF-8
/// (read lossily, as SQLite's own text functions would show it).
#[cfg(all(feature = "sqlite", not(target_arch = "wasm32")))]
#[cfg_attr(not(target_arch = "wasm32"), inline(always))]
pub(crate) fn sqlite_cell(
    cell: rusqlite::types::ValueRef<'_>,
) -> std::result::Result<ValueRef<'_>, Value> {
    sqlite_text_cell(cell).ok_or_else(|| {
        // Only text that is not UTF-8 gets here.
        Value::Text(String::from_utf8_lossy(cell.as_bytes().unwrap_or_default()).into_owned())
    })
}

/// Checks (in debug builds) that a positional read of field `name` at cell `i` is that
/// column: a table's statement names its columns as its row struct reads them (joins and
/// projections name theirs `c0`, `c1`, …, and are not checked).
#[inline(always)]
fn debug_assert_in_order(names: &Names, i: usize, name: &str) {
    debug_assert!(
        !matches!(names, Names::Known(Columns::Table(_))) || names.get(i) == Some(name),
        "positional read of `{name}` at column {:?}",
        names.get(i)
    );
}

/// SQLite's cell as a [`ValueRef`] when it is not text that fails UTF-8 (then `None`).
#[cfg(all(feature = "sqlite", not(target_arch = "wasm32")))]
#[inline(always)]
fn sqlite_text_cell(cell: rusqlite::types::ValueRef<'_>) -> Option<ValueRef<'_>> {
    use rusqlite::types::ValueRef as R;
    Some(match cell {
        R::Null => ValueRef::Null,
        R::Integer(n) => ValueRef::Integer(n),
        R::Real(r) => ValueRef::Real(r),
        R::Text(t) => ValueRef::Text(std::str::from_utf8(t).ok()?),
        R::Blob(b) => ValueRef::Blob(b),
    })
}

/// SQLite's cell decoded as `S`; `None` for text that fails UTF-8.
///
/// `S::decode_ref` is called in each arm with the cell's kind spelled out, so that once it
/// is inlined only the arm's own case is left: the cell never becomes a [`ValueRef`] in
/// memory. Converting the cell first and decoding after, the enum was stored field by field
/// and loaded back whole, which cannot be forwarded from the stores: a stall that a time
/// profile put at 40 % of a row struct's decoding (see bench/README.md, session 9).
#[cfg(all(feature = "sqlite", not(target_arch = "wasm32")))]
#[inline(always)]
fn decode_sqlite_cell<S: SqlType>(
    cell: rusqlite::types::ValueRef<'_>,
) -> Option<std::result::Result<S::Rust, crate::error::DecodeError>> {
    use rusqlite::types::ValueRef as R;
    Some(match cell {
        R::Null => S::decode_ref(ValueRef::Null),
        R::Integer(n) => S::decode_ref(ValueRef::Integer(n)),
        R::Real(r) => S::decode_ref(ValueRef::Real(r)),
        R::Text(t) => S::decode_ref(ValueRef::Text(std::str::from_utf8(t).ok()?)),
        R::Blob(b) => S::decode_ref(ValueRef::Blob(b)),
    })
}

/// The `width` cells of SQLite's `row` as values, the first `skipped` as `Null`.
#[cfg(all(feature = "sqlite", not(target_arch = "wasm32")))]
fn sqlite_values(row: &rusqlite::Row<'_>, width: usize, skipped: usize) -> Vec<Value> {
    let mut values = Vec::with_capacity(width);
    values.resize(skipped.min(width), Value::Null);
    for i in values.len()..width {
        values.push(match row.get_ref(i).map(sqlite_cell) {
            Ok(Ok(v)) => v.to_value(),
            Ok(Err(v)) => v,
            // An index below the statement's column count is always readable.
            Err(_) => Value::Null,
        });
    }
    values
}

impl<'r> RowReader<'r> {
    fn names(&self) -> &Names {
        match &self.source {
            Source::Row(row) => &row.names,
            #[cfg(all(feature = "sqlite", not(target_arch = "wasm32")))]
            Source::Sqlite { names, .. } => names,
            #[cfg(not(all(feature = "sqlite", not(target_arch = "wasm32"))))]
            Source::Never(n, _) => match *n {},
        }
    }

    /// Whether the row has a column called `name`.
    pub(super) fn has_column(&self, name: &str) -> bool {
        (0..self.width()).any(|i| self.names().get(i) == Some(name))
    }

    /// How many cells the row has.
    fn width(&self) -> usize {
        match &self.source {
            Source::Row(row) => row.values.len(),
            #[cfg(all(feature = "sqlite", not(target_arch = "wasm32")))]
            Source::Sqlite { width, .. } => *width,
            #[cfg(not(all(feature = "sqlite", not(target_arch = "wasm32"))))]
            Source::Never(n, _) => match *n {},
        }
    }

    /// The cell `offset` past the next one, not consumed (`None` past the end).
    pub fn peek(&self, offset: usize) -> Option<ValueRef<'_>> {
        let i = self.next + offset;
        match &self.source {
            Source::Row(row) => row.values.get(i).map(Value::as_ref),
            #[cfg(all(feature = "sqlite", not(target_arch = "wasm32")))]
            Source::Sqlite { row, width, .. } => {
                if i >= *width {
                    return None;
                }
                // A cell that cannot be read or is not UTF-8 is not NULL either.
                match row.get_ref(i).map(sqlite_cell) {
                    Ok(Ok(v)) => Some(v),
                    _ => Some(ValueRef::Blob(&[])),
                }
            }
            #[cfg(not(all(feature = "sqlite", not(target_arch = "wasm32"))))]
            Source::Never(n, _) => match *n {},
        }
    }

    /// Reads the cells in order from here on, whatever their names (a statement mizzle
    /// built column by column).
    pub(crate) fn by_position(&mut self) {
        self.positional = true;
    }

    /// Skips `n` cells.
    pub fn skip(&mut self, n: usize) {
        self.next += n;
    }

    /// Whether nothing has been read yet.
    pub fn at_start(&self) -> bool {
        self.next == 0
    }

    /// The row, with the cells read so far taken out (as `Null`).
    pub fn into_row(mut self) -> Row {
        self.take_row()
    }

    /// The row, with the cells read so far taken out (as `Null`); the reader is left empty.
    pub(super) fn take_row(&mut self) -> Row {
        let empty = Source::Row(Row::new(Arc::from(Vec::new()), Vec::new()));
        match std::mem::replace(&mut self.source, empty) {
            Source::Row(row) => row,
            #[cfg(all(feature = "sqlite", not(target_arch = "wasm32")))]
            Source::Sqlite { row, names, width } => Row {
                names: names.clone(),
                values: sqlite_values(row, width, self.next),
            },
            #[cfg(not(all(feature = "sqlite", not(target_arch = "wasm32"))))]
            Source::Never(n, _) => match n {},
        }
    }

    /// Decodes the next cell as SQL type `S` (positional reading).
    pub fn read_next<S: SqlType>(&mut self) -> Result<S::Rust> {
        let i = self.next;
        if i >= self.width() {
            return Err(Error::Decode {
                column: self.column(i),
                error: crate::DecodeError::new("the result has fewer columns than the query"),
                sql: String::new(),
            });
        }
        self.take::<S>(i, None)
    }

    /// The name of column `i` for an error.
    fn column(&self, i: usize) -> String {
        self.names()
            .get(i)
            .map_or_else(|| format!("#{i}"), str::to_owned)
    }

    /// Decodes cell `i` as SQL type `S` and moves past it; `name` (else the statement's
    /// name for `i`) names it in an error.
    #[inline]
    fn take<S: SqlType>(&mut self, i: usize, name: Option<&str>) -> Result<S::Rust> {
        self.next = i + 1;
        let decoded = match &mut self.source {
            Source::Row(row) => S::decode(std::mem::replace(&mut row.values[i], Value::Null)),
            #[cfg(all(feature = "sqlite", not(target_arch = "wasm32")))]
            Source::Sqlite { row, .. } => match row.get_ref(i) {
                Ok(cell) => match sqlite_cell(cell) {
                    Ok(v) => S::decode_ref(v),
                    Err(owned) => S::decode(owned),
                },
                Err(e) => Err(crate::DecodeError::new(e.to_string())),
            },
            #[cfg(not(all(feature = "sqlite", not(target_arch = "wasm32"))))]
            Source::Never(n, _) => match *n {},
        };
        decoded.map_err(|error| self.decode_error(i, name, error))
    }

    /// The error for cell `i` (called `name`, else by the statement's name) not decoding.
    #[cold]
    #[inline(never)]
    fn decode_error(
        &self,
        i: usize,
        name: Option<&str>,
        error: crate::error::DecodeError,
    ) -> Error {
        Error::Decode {
            column: name.map_or_else(|| self.column(i), str::to_owned),
            error,
            sql: String::new(),
        }
    }

    /// Where the column `name` is: the next cell when reading by position, else found by
    /// name (in order when the names match, which is the common case).
    // Inlined natively; on wasm32 one copy serves every field of every row type.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    #[cfg_attr(target_arch = "wasm32", inline(never))]
    fn locate(&self, name: &str) -> Result<usize> {
        if self.positional && self.next < self.width() {
            debug_assert_in_order(self.names(), self.next, name);
            Ok(self.next)
        } else if self.names().get(self.next) == Some(name) {
            Ok(self.next)
        } else {
            self.names().position(name).ok_or_else(|| Error::Decode {
                column: name.to_owned(),
                error: crate::DecodeError::new("the result has no such column"),
                sql: String::new(),
            })
        }
    }

    /// Decodes the column `name` as SQL type `S`.
    // Inlined into each generated `from_reader` natively (about 1 % fewer instructions
    // on the routes that read rows); left to the optimizer on wasm32, where it would add
    // 1.7 KB of gzipped code to a Worker.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    pub fn read<S: SqlType>(&mut self, name: &str) -> Result<S::Rust> {
        // Natively, the common case kept small (it is repeated for every field of every
        // row struct): SQLite's row read in order, a cell that decodes.
        #[cfg(all(feature = "sqlite", not(target_arch = "wasm32")))]
        if let Source::Sqlite { row, width, names } = &self.source {
            let i = self.next;
            if self.positional && i < *width {
                debug_assert_in_order(names, i, name);
                if let Ok(cell) = row.get_ref(i)
                    && let Some(Ok(decoded)) = decode_sqlite_cell::<S>(cell)
                {
                    self.next = i + 1;
                    return Ok(decoded);
                }
            }
        }
        self.read_located::<S>(name)
    }

    /// Decodes the column called `name` as SQL type `S`, found by its name even when the
    /// reader reads by position. A result with two columns of that name (`SELECT *` over a
    /// join) is an error, not the first of them.
    pub fn read_named<S: SqlType>(&mut self, name: &str) -> Result<S::Rust> {
        let names = self.names();
        let width = self.width();
        let mut found = (0..width).filter(|&i| names.get(i) == Some(name));
        let Some(i) = found.next() else {
            return Err(Error::Decode {
                column: name.to_owned(),
                error: crate::DecodeError::new("the result has no such column"),
                sql: String::new(),
            });
        };
        if found.next().is_some() {
            return Err(Error::Decode {
                column: name.to_owned(),
                error: crate::DecodeError::new(
                    "the result has more than one column of this name (a join's `SELECT *`?): \
                     name each with `AS`",
                ),
                sql: String::new(),
            });
        }
        self.take::<S>(i, Some(name))
    }

    /// [`RowReader::read`] by name or from an owned row, and every error.
    // Not inlined natively: one copy per SQL type, shared by every row struct.
    #[cfg_attr(not(target_arch = "wasm32"), inline(never))]
    #[cfg_attr(target_arch = "wasm32", inline(always))]
    fn read_located<S: SqlType>(&mut self, name: &str) -> Result<S::Rust> {
        let i = self.locate(name)?;
        self.take::<S>(i, Some(name))
    }
}

#[cfg(all(test, feature = "sqlite", not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::sql::{Blob, Boolean, Integer, Json, Nullable, Real, Text, Timestamp, TimestampMs};
    use rusqlite::types::ValueRef as R;

    /// The fast path's decoding, arm by arm, agrees with converting the cell and decoding
    /// it, for every kind of cell and the built-in SQL types, errors included.
    #[test]
    fn a_cell_decodes_the_same_arm_by_arm() {
        fn same<S: SqlType>(cell: R<'_>)
        where
            S::Rust: PartialEq + std::fmt::Debug,
        {
            let expected = sqlite_text_cell(cell).map(S::decode_ref);
            assert_eq!(decode_sqlite_cell::<S>(cell), expected, "{cell:?}");
        }
        let cells = [
            R::Null,
            R::Integer(0),
            R::Integer(1),
            R::Integer(-7),
            R::Integer(i64::MAX),
            R::Real(2.0),
            R::Real(2.5),
            R::Real(1e300),
            R::Text(b"12"),
            R::Text(b"2026-11-30 12:00:00"),
            R::Text(b"[1, 2]"),
            R::Text(b"\xff\xfe"),
            R::Blob(b"\x00\x01"),
        ];
        for cell in cells {
            same::<Integer>(cell);
            same::<Real>(cell);
            same::<Text>(cell);
            same::<Blob>(cell);
            same::<Boolean>(cell);
            same::<Timestamp>(cell);
            same::<TimestampMs>(cell);
            same::<Json<Vec<i64>>>(cell);
            same::<Nullable<Integer>>(cell);
            same::<Nullable<Text>>(cell);
        }
        // Text that is not UTF-8 leaves the fast path (then read lossily by the slow one).
        assert_eq!(decode_sqlite_cell::<Text>(R::Text(b"\xff")), None);
    }
}
