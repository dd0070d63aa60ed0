//! How a batch attaches a child row to the parent row an earlier insert of the same batch
//! made (`set_from_last_insert`): what it knows of each insert, and the refusal when such
//! an insert is sent alone. Below `insert.rs`, `returning.rs` and `batch.rs`, which all
//! read it.

use crate::error::Error;

/// A column filled from the row an earlier insert of the batch made (see
/// [`Insert::set_from_last_insert`]): `column` takes `table.key` of that row.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FromLast {
    pub(crate) column: &'static str,
    pub(crate) table: &'static str,
    pub(crate) key: &'static str,
}

/// What a batch knows of an insert among its items, to find the parent row of a later
/// `set_from_last_insert` through it (see `batch.rs`).
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct InsertLink {
    pub(crate) table: &'static str,
    pub(crate) rows: usize,
    /// `ON CONFLICT …`: the insert may leave `last_insert_rowid()` at an earlier row.
    pub(crate) upsert: bool,
    pub(crate) from_last: Option<FromLast>,
}

/// The refusal of an insert that takes its parent key from the last insert, sent on its
/// own: outside a batch, `last_insert_rowid()` is whatever the connection inserted last.
pub(crate) fn from_last_alone(table: &str, f: FromLast) -> Error {
    Error::DependentInsert(format!(
        "an insert into `{table}` takes `{table}.{}` from the last row inserted into `{}` \
         (set_from_last_insert), which only a batch can tell: send it in {}, right after the \
         insert it depends on",
        f.column,
        f.table,
        from_last_spelling(table, f)
    ))
}

/// The batch that works for an insert into `table` filled from `f`, for a refusal's message:
/// `db.batch((db.insert(parent::table).values(..), db.insert(table::table).values(..)
/// .set_from_last_insert(..), ..))`.
pub(crate) fn from_last_spelling(table: &str, f: FromLast) -> String {
    format!(
        "`db.batch((db.insert({p}::table).values(..), db.insert({table}::table).values(..)\
         .set_from_last_insert({table}::{c}, {p}::{k}), ..))`",
        p = f.table,
        c = f.column,
        k = f.key
    )
}
