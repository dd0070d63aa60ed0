//! Traits the generated code implements for each table.

use crate::{FromRow, Value};

/// A table: its name, columns and the structs generated for it.
pub trait Table: Copy {
    /// The row struct (`User`).
    type Row: FromRow;
    /// The insert struct (`NewUser`).
    type Insert: Insertable<Table = Self>;
    /// The update struct (`UserPatch`).
    type Patch: Patch<Table = Self>;
    /// SQL name of the table.
    const NAME: &'static str;
    /// SQL names of its columns, in row-struct order.
    const COLUMNS: &'static [&'static str];
    /// The same columns as a select list: `"id", "email", …` (quoted, comma-separated), so
    /// no statement rebuilds it.
    const COLUMNS_SQL: &'static str;
    /// Its primary key columns.
    const PRIMARY_KEY: &'static [&'static str];
    /// Nullable columns without a default: an insert that leaves one out writes NULL, the
    /// same as binding NULL, so insert structs leave them out when unset.
    const NULL_WHEN_OMITTED: &'static [&'static str] = &[];

    /// The table handle (generated tables are unit structs).
    fn default_handle() -> Self;
}

/// An insert struct: the values of one new row.
pub trait Insertable {
    /// The table it inserts into.
    type Table: Table;
    /// The columns to insert and their values. Columns left to their SQL default are
    /// absent; `default_fn` columns are filled in here.
    fn into_values(self) -> Vec<(&'static str, Value)>;
}

/// An update struct: the columns to change.
pub trait Patch {
    /// The table it updates.
    type Table: Table;
    /// The assignments, including `on_update_fn` columns the patch did not set.
    fn into_assignments(self) -> Vec<(&'static str, Value)>;
}
